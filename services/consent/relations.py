"""Which organisations a person has a relation with, as matching tells it: a proposal made to the
organisation and not declined, or a guidance or placement that started and has not ended. The
protocol names the recipient kinds whose feeds hold only people they have such a relation with
(`Protocol.requires_relation`). Kept from matching's events, so it survives restarts and replays.
No I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from eventsourcing.domain import event

from services.common.aggregate import ChainAggregate

PROPOSED = "nl.wegwijs.matching.voorstel.gedaan.v1"
ANSWERED = "nl.wegwijs.matching.voorstel.beantwoord.v1"
STARTED = "nl.wegwijs.matching.koppeling.gestart.v1"
ENDED = "nl.wegwijs.matching.koppeling.beeindigd.v1"
CONSUMED = (PROPOSED, ANSWERED, STARTED, ENDED)
_NAMESPACE = uuid.UUID("5c0e7a3d-9b24-4f61-8d1e-2a7b3c9e0f58")


class Relations(ChainAggregate):
    """The organisations involved with one person, by proposal."""

    @staticmethod
    def create_id(dossier_id: uuid.UUID) -> uuid.UUID:
        return relations_id(dossier_id)

    @event("Opened")
    def __init__(self, dossier_id: uuid.UUID, gemeente: str):
        self.dossier_id = dossier_id
        self.gemeente = gemeente
        self.proposals: dict[str, str] = {}  # proposal id -> the organisation's OIN

    @event("HandedOver")
    def hand_over(self, to_gemeente: str) -> None:
        """The person moved and the new gemeente accepted: who is involved is theirs now."""
        self.gemeente = to_gemeente

    def note(self, event_type: str, data: Mapping[str, Any]) -> bool:
        """Take in one of matching's proposal events; True when the relations changed."""
        proposal_id, organisation = data["proposal_id"], data["organisation"]
        if event_type in (PROPOSED, STARTED):
            # A start also begins one: the proposal may predate consent keeping relations.
            if proposal_id in self.proposals:
                return False
            self._began(proposal_id=proposal_id, organisation=organisation)
            return True
        declined = event_type == ANSWERED and not data["accepted"]
        if (declined or event_type == ENDED) and proposal_id in self.proposals:
            reason = "afgewezen" if declined else data["outcome"]
            self._ended(proposal_id=proposal_id, organisation=organisation, reason=reason)
            return True
        return False

    @event("Began")
    def _began(self, proposal_id: str, organisation: str) -> None:
        self.proposals[proposal_id] = organisation

    @event("Ended")
    def _ended(self, proposal_id: str, organisation: str, reason: str) -> None:
        del self.proposals[proposal_id]

    def involves(self, organisation: str) -> bool:
        return organisation in self.proposals.values()


def relations_id(dossier_id: uuid.UUID | str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, str(dossier_id))
