"""What matching asks the consent service, and the shapes of the answers.

Ranking asks an *outlook*: which other gemeenten' guides and placements the dossier's gemeente may
draw from (the regional pool of the protocol), and per organisation which data categories the
protocol or the person's consent would let it receive for the purpose. Nothing is shared by ranking,
so nothing is recorded. A proposal does share (the organisation is told the candidate's language
level), so it asks a *decision*, which consent records in the dossier's disclosure log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# The purpose under which each kind of candidate's organisation receives data (the protocol's).
PURPOSES = {"begeleider": "maatschappelijke-begeleiding", "plaatsing": "participatie"}
# What an organisation is told of the person when a match is proposed.
TOLD_ON_PROPOSAL = ("identiteit", "taal-leerbaarheid")


@dataclass(frozen=True)
class Outlook:
    pool: frozenset[str] = frozenset()
    permitted: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def categories(self, organisation: str) -> frozenset[str]:
        return self.permitted.get(organisation, frozenset())

    @classmethod
    def from_answer(cls, answer: Mapping[str, Any]) -> Outlook:
        return cls(
            pool=frozenset(answer["pool"]),
            permitted={oin: frozenset(c) for oin, c in answer["organisations"].items()},
        )


class Sharing(Protocol):
    def outlook(self, dossier_id: str, purpose: str, organisations: Iterable[str]) -> Outlook: ...

    def decide(
        self, dossier_id: str, organisation: str, purpose: str, categories: list[str]
    ) -> dict[str, bool]: ...


class ConsentRpc:
    """`Sharing` over RPC to the consent service, carrying the caller's context."""

    def __init__(self, consent: Any):
        self.consent = consent

    def outlook(self, dossier_id: str, purpose: str, organisations: Iterable[str]) -> Outlook:
        return Outlook.from_answer(
            self.consent.sharing_outlook(dossier_id, purpose, sorted(set(organisations)))
        )

    def decide(
        self, dossier_id: str, organisation: str, purpose: str, categories: list[str]
    ) -> dict[str, bool]:
        answer = self.consent.decide(
            {
                "dossier_id": dossier_id,
                "organisation": organisation,
                "purpose": purpose,
                "categories": categories,
            }
        )
        return {d["category"]: d["permit"] for d in answer["decisions"]}
