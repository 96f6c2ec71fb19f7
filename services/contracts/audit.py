"""audit's published face: the ledger entry as auditors read and verify it, the auditor's query,
who read a dossier, and the person's inzage report (AVG art. 15)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field, create_model

from services.contracts.base import Answer, Body

# The fields of a ledger entry as first written (format 1): the hash covers exactly these, in
# this order, so an outsider can verify an exported chain.
LEDGER_FIELDS = (
    "seq",
    "origin",
    "origin_position",
    "event_id",
    "event_type",
    "dossier_id",
    "gemeente",
    "actor",
    "actor_roles",
    "organisation",
    "activity",
    "legal_basis",
    "correlation_id",
    "event_time",
    "ledger_time",
    "payload_hash",
)
# Format 2 adds what the Logboek dataverwerkingen asks. Entries written in format 1 keep their
# format, so a chain that began before format 2 still verifies.
LOGBOEK_FIELDS = (
    "trace_id",
    "span_id",
    "processing_activity",
    "subject_type",
    "system",
    "receiving_party",
    "result",
    "confidentiality",
    "retention",
)
LEDGER_FIELDS_V2 = (*LEDGER_FIELDS, "entry_format", *LOGBOEK_FIELDS)
_NUMBERS = ("seq", "origin_position", "entry_format")

# One ledger entry: every field of format 2 (empty text where format 1 did not have it), and the
# hash chain: the hash of the entry before and this entry's own.
LedgerEntry = create_model(
    "LedgerEntry",
    __base__=Answer,
    __doc__="One entry of the audit ledger, with its place in the hash chain.",
    **{
        name: ((int if name in _NUMBERS else str | None), ...)
        for name in (*LEDGER_FIELDS_V2, "prev_hash", "entry_hash")
    },
)


class AuditEntries(Answer):
    dossier_id: UUID
    entries: list[LedgerEntry]  # type: ignore[valid-type]


class AuditQuery(Body):
    """An auditor's filters, a time range on the event time, and the page."""

    dossier_id: str | None = None
    actor: str | None = None
    organisation: str | None = None
    gemeente: str | None = None
    activity: str | None = None
    processing_activity: str | None = None
    event_type: str | None = None
    trace_id: str | None = None
    from_: AwareDatetime | None = Field(
        None,
        alias="from",
        description="ISO 8601 date-time with an offset, such as 2026-11-01T00:00:00+01:00.",
    )
    to: AwareDatetime | None = Field(None, description="Likewise; the range ends before it.")
    after: int = Field(0, ge=0, le=2**62, description="The last `seq` seen (the page before).")
    limit: int = Field(100, ge=1, le=500)
    format: Literal["json", "csv"] = Field("json", description="csv: an export.")


class AuditPage(Answer):
    entries: list[LedgerEntry]  # type: ignore[valid-type]
    next_after: int | None = Field(description="Where the next page starts; null on the last.")


class Reader(Answer):
    seq: int
    gemeente: str
    actor: str
    actor_roles: str
    organisation: str
    activity: str
    event_time: str


class Readers(Answer):
    dossier_id: UUID
    readers: list[Reader]


class Verwerking(Answer):
    verwerking: str
    doel: str
    grondslag: str
    gegevens: list[str]
    bewaartermijn: str
    aantal: int
    eerste: str
    laatste: str


class Inzage(Answer):
    """The person's inzage report, in Dutch field names: per processing activity what happened
    and when, who received what, and who read the dossier."""

    dossier_id: UUID
    register_versie: str | int
    verwerkingen: list[Verwerking]
    ontvangers: list[dict[str, str | None]]
    inzage_door: list[dict[str, str | None]]


class VerificationFinding(Answer):
    seq: int | None = Field(description="The first bad entry; null when it is about the ledger.")
    kind: Literal[
        "changed", "missing", "inserted", "out-of-place", "truncated", "rewritten", "bad-signature"
    ]
    detail: str


class Verification(Answer):
    """One recomputation of the whole chain against the checkpoints, and what it found."""

    verified_at: AwareDatetime
    verified_by: str = Field(description="`audit` (its timer) or `wegwijs audit verify`.")
    outside_checkpoints: bool = Field(
        description="Checked against checkpoints kept outside (a file), not the stored ones."
    )
    clean: bool
    entries: int = Field(description="Entries that chained before the first bad one, or all.")
    checkpoints: int = Field(description="Checkpoints checked.")
    findings: list[VerificationFinding]


class CheckpointShown(Answer):
    number: int
    size: int = Field(description="The entries it signs: the ledger up to this `seq`.")
    head_hash: str
    signed_at: AwareDatetime
    key_id: str
    signature_valid: bool = Field(description="Its signature holds for the audit service's key.")


class AuditSchedule(Answer):
    verify_seconds: int
    checkpoint_seconds: int
    checkpoint_entries: int


class AuditStatus(Answer):
    """The ledger's integrity: its size, its signed checkpoints and the latest verifications. Of
    the whole chain (every gemeente's entries are in it): counts and hashes, no entry's content."""

    entries: int = Field(description="The ledger's size: the `seq` of its last entry.")
    last_entry_at: AwareDatetime | None = Field(description="When the last entry was written.")
    key_id: str = Field(description="The key checkpoints are signed and checked with now.")
    checkpoint_count: int
    unsigned_entries: int = Field(description="Entries after the last checkpoint.")
    checkpoints: list[CheckpointShown] = Field(description="The latest ten, newest first.")
    last_verification: Verification | None = Field(description="null: never verified yet.")
    verifications: list[Verification] = Field(description="The latest ten, newest first.")
    schedule: AuditSchedule


class TimelineQuery(Body):
    """A page of the dossier's timeline: the newest first, or those before the last one seen."""

    before: int | None = Field(
        None,
        ge=1,
        le=2**62,
        description="The `seq` of the last item seen (the page before's `next_before`).",
    )
    limit: int = Field(25, ge=1, le=100, description="How many items at most.")


class TimelineActor(Answer):
    """Who did it, as the event records it: never anything of the person the dossier is about."""

    user: str | None = Field(description="The user's name as they log in; null: Wegwijs itself.")
    roles: list[str]
    organisation: str = Field(description="The OIN of their organisation; empty if none.")
    description: str = Field(
        description="Written out in Dutch, such as `anna (regievoerder, Gemeente Utrecht)`."
    )


class TimelineItem(Answer):
    seq: int = Field(description="The entry's place in the ledger.")
    time: AwareDatetime = Field(description="When it happened.")
    event_type: str
    what: str = Field(description="What happened, in Dutch, such as `Persoon ingeschreven`.")
    who: TimelineActor
    trace_id: str = Field(description="Everything one action caused shares it.")
    document: str | None = Field(
        None,
        description="For a decision sent as a document: where to read that document"
        " (getDossierDocument); otherwise null.",
    )


class Timeline(Answer):
    """What happened in the dossier and who did it, newest first: no reads, no content of what
    was recorded (a signal is only said to be given)."""

    dossier_id: UUID
    gemeente: str
    items: list[TimelineItem]
    next_before: int | None = Field(description="Where the next page starts; null on the last.")
