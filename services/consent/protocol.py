"""The information-sharing protocol: per data category, recipient kind and purpose, whether the law
allows sharing (citing its basis), the person's consent does, or nothing ever does.

Loaded from a versioned file (`infra/sharing-protocol.json`); the categories that go to no
partner at all (`never`: enforcement) come first, then a gemeente's own rules, then the region's,
an exact purpose before `*`, and what no rule covers is never shared. The protocol also names the
recipient kinds that receive feed events only about people they have a relation with (`relation`:
they guide the person or have a proposal for them). Adopting a version is an event of the
`ProtocolRegister`, so every change reaches the audit ledger.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, get_args

from eventsourcing.domain import event

from services.common import settings
from services.common.aggregate import ChainAggregate
from services.contracts.consent import Basis

BASES = get_args(Basis)
ANY_PURPOSE = "*"
PROTOCOL_ID = uuid.uuid5(uuid.UUID("4b1f0e9c-7a2d-4c3b-9e8f-1a2b3c4d5e6f"), "sharing-protocol")


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    recipient: str
    purpose: str
    basis: str
    article: str
    gemeente: str = ""  # empty for a region rule

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


NEVER = Rule("standaard-nooit", "*", "*", "*", "nooit", "Geen regel in het protocol: niet delen")


@dataclass(frozen=True)
class SignalRule:
    """What a signal of `category` from a sender of role `sender` (`*`: any) needs before the
    gemeente accepts it: `toestemming` (a consent to the gemeente for `purpose`), `wet` (the law
    the article names) or `nooit`."""

    id: str
    category: str
    sender: str
    purpose: str
    basis: str
    article: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Protocol:
    version: str
    digest: str
    recipient_kinds: Mapping[str, str]
    purposes: Mapping[str, str]
    region: tuple[Rule, ...]
    per_gemeente: Mapping[str, tuple[Rule, ...]]
    # The regional pool: per gemeente, the other gemeenten whose guides and placements its
    # people may be matched with (the region's agreement; absent means its own only).
    pool: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    pool_article: str = ""
    # Categories no recipient kind ever receives, for any purpose, in any gemeente.
    never: tuple[Rule, ...] = ()
    # Recipient kinds whose feeds hold only people they guide or have a proposal for.
    relation_required: tuple[str, ...] = ()
    relation_article: str = ""
    # What a signal to the gemeente about a special category needs first (issue 17 point 6).
    signals: tuple[SignalRule, ...] = ()
    signals_note: str = ""

    @classmethod
    def load(cls, path: str | Path | None = None) -> Protocol:
        raw = Path(path or settings.SHARING_PROTOCOL_FILE.get()).read_bytes()
        return cls.from_dict(json.loads(raw), hashlib.sha256(raw).hexdigest())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], digest: str = "") -> Protocol:
        never = tuple(
            Rule(r["id"], r["category"], ANY_PURPOSE, ANY_PURPOSE, "nooit", r["article"])
            for r in data.get("never", [])
        )
        never_categories = {r.category for r in never}

        def rules(raw: list[Mapping[str, Any]], gemeente: str = "") -> tuple[Rule, ...]:
            parsed = tuple(Rule(gemeente=gemeente, **r) for r in raw)
            for rule in parsed:
                if rule.basis not in BASES:
                    raise ValueError(f"rule {rule.id}: basis must be one of {BASES}")
                if rule.recipient not in data["recipient_kinds"]:
                    raise ValueError(f"rule {rule.id}: unknown recipient kind {rule.recipient}")
                if rule.purpose != ANY_PURPOSE and rule.purpose not in data["purposes"]:
                    raise ValueError(f"rule {rule.id}: unknown purpose {rule.purpose}")
                if rule.category in never_categories:
                    raise ValueError(f"rule {rule.id}: {rule.category} is never shared")
            return parsed

        relation = data.get("relation", {})
        for kind in relation.get("required_for", []):
            if kind not in data["recipient_kinds"]:
                raise ValueError(f"relation: unknown recipient kind {kind}")
        signals = tuple(SignalRule(**r) for r in data.get("signals", {}).get("rules", []))
        for rule in signals:
            if rule.basis not in BASES:
                raise ValueError(f"signal rule {rule.id}: basis must be one of {BASES}")
            if rule.basis == "toestemming" and rule.purpose not in data["purposes"]:
                raise ValueError(f"signal rule {rule.id}: unknown purpose {rule.purpose}")
        return cls(
            version=data["version"],
            digest=digest,
            recipient_kinds=data["recipient_kinds"],
            purposes=data["purposes"],
            region=rules(data["region"]),
            per_gemeente={g: rules(r, g) for g, r in data.get("gemeenten", {}).items()},
            pool={g: tuple(o) for g, o in data.get("pool", {}).get("gemeenten", {}).items()},
            pool_article=data.get("pool", {}).get("article", ""),
            never=never,
            relation_required=tuple(relation.get("required_for", [])),
            relation_article=relation.get("article", ""),
            signals=signals,
            signals_note=data.get("signals", {}).get("note", ""),
        )

    def pool_of(self, gemeente: str) -> tuple[str, ...]:
        """The other gemeenten whose guides and placements `gemeente` may draw from."""
        return self.pool.get(gemeente, ())

    def requires_relation(self, recipient_kind: str) -> bool:
        """Whether this kind receives feed events only about people it guides or has a
        proposal for."""
        return recipient_kind in self.relation_required

    def signal_rule_for(self, category: str, sender_role: str) -> SignalRule | None:
        """What a signal of `category` from `sender_role` needs first: the sender's own rule
        before the rule for any sender; None when the protocol asks nothing extra."""
        matching = [r for r in self.signals if r.category == category]
        for wanted in (sender_role, ANY_PURPOSE):
            for rule in matching:
                if rule.sender == wanted:
                    return rule
        return None

    def rule_for(self, gemeente: str, category: str, recipient: str, purpose: str) -> Rule:
        """The rule that decides; NEVER when none covers the question."""
        for rule in self.never:
            if rule.category == category:
                return rule
        for rules in (self.per_gemeente.get(gemeente, ()), self.region):
            matching = [r for r in rules if r.category == category and r.recipient == recipient]
            for wanted in (purpose, ANY_PURPOSE):
                for rule in matching:
                    if rule.purpose == wanted:
                        return rule
        return NEVER

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "digest": self.digest,
            "recipient_kinds": dict(self.recipient_kinds),
            "purposes": dict(self.purposes),
            "region": [r.as_dict() for r in self.region],
            "gemeenten": {g: [r.as_dict() for r in rs] for g, rs in self.per_gemeente.items()},
            "pool": {
                "article": self.pool_article,
                "gemeenten": {g: list(o) for g, o in self.pool.items()},
            },
            "never": [r.as_dict() for r in self.never],
            "relation": {
                "required_for": list(self.relation_required),
                "article": self.relation_article,
            },
            "signals": {"note": self.signals_note, "rules": [r.as_dict() for r in self.signals]},
        }


class ProtocolRegister(ChainAggregate):
    """Which versions of the protocol were adopted, and when: the history auditors read."""

    @staticmethod
    def create_id() -> uuid.UUID:
        return PROTOCOL_ID

    @event("Opened")
    def __init__(self) -> None:
        self.versions: list[dict[str, str]] = []

    def adopt(self, protocol: Protocol) -> bool:
        """Record `protocol` when it differs from the one in force; True when it did."""
        if self.versions and self.versions[-1]["digest"] == protocol.digest:
            return False
        self._adopted(version=protocol.version, digest=protocol.digest, protocol=protocol.as_dict())
        return True

    @event("Adopted")
    def _adopted(self, version: str, digest: str, protocol: dict[str, Any]) -> None:
        self.versions.append({"version": version, "digest": digest})
