"""The `data` of every integration event intake publishes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from services.contracts.events.base import (
    DOMAIN,
    DOMAIN_CATEGORIES,
    PRACTICAL_ITEM,
    EventData,
    IssuedDocument,
    event,
)
from services.contracts.intake import (
    LifeDomain,
    PracticalItem,
    Relation,
    SanctionStep,
    SignalDomain,
)
from services.contracts.values import GemeenteCode, InburgeringRoute


class BredeIntakeAfgerondRouteAdvice(EventData):
    route: InburgeringRoute
    rule: str
    reasons: list[str]


class BredeIntakeAfgerondSummary(EventData):
    """What the intake covered, without contents: the starting point for the PIP."""

    domains: list[str]
    education_entries: int
    work_entries: int
    open_practical_items: list[str]
    conversations: int
    no_shows: int


@event(
    "nl.wegwijs.intake.brede-intake.afgerond.v1",
    title="The brede intake is complete, with an explainable route advice",
    envelope_required=("subject", "gemeente"),
    category="taal-leerbaarheid",
    fields={
        "dossier_id": "identiteit",
        "route_advice": "taal-leerbaarheid",
        "summary": "financien",
    },
    activity="brede-intake",
)
class BredeIntakeAfgerond(EventData):
    dossier_id: UUID
    route_advice: BredeIntakeAfgerondRouteAdvice
    summary: BredeIntakeAfgerondSummary = Field(
        description="What the intake covered, without contents: the starting point for the PIP."
    )


@event(
    "nl.wegwijs.intake.brede-intake.gestart.v1",
    title="The brede intake of a dossier was started (its first step was recorded)",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit"},
    activity="brede-intake",
)
class BredeIntakeGestart(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.intake.bsn.geclaimd.v1",
    title="A BSN was claimed for a dossier (the BSN itself is never published)",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "gemeente": "identiteit"},
    activity="registratie",
)
class BsnGeclaimd(EventData):
    dossier_id: UUID
    gemeente: GemeenteCode


class DossierDates(EventData):
    duo_notice_date: date
    brp_registration_date: date


@event(
    "nl.wegwijs.intake.dossier.gecorrigeerd.v1",
    title="Registered facts were corrected, with a reason (never an overwrite: the history stays)",
    envelope_required=("subject", "gemeente"),
    category="identiteit",
    fields={
        "dossier_id": "identiteit",
        "fields": "identiteit",
        "duo_notice_date": "identiteit",
        "brp_registration_date": "identiteit",
        "inburgeringsplichtig": "identiteit",
        "dates": "identiteit",
    },
    activity="registratie",
)
class DossierGecorrigeerd(EventData):
    dossier_id: UUID
    fields: list[str]
    duo_notice_date: date | SkipJsonSchema[None] = None
    brp_registration_date: date | SkipJsonSchema[None] = None
    inburgeringsplichtig: bool | SkipJsonSchema[None] = Field(
        None,
        description="Whether the person is inburgeringsplichtig after the correction (Wi 2021"
        " art. 3-5); left out by events stored before it was published.",
    )
    dates: DossierDates | SkipJsonSchema[None] = Field(
        None, description="The dates a PIP deadline counts from, after the correction."
    )


@event(
    "nl.wegwijs.intake.dossier.geregistreerd.v1",
    title="A person was registered with a gemeente (dossier opened)",
    envelope_required=("subject", "gemeente"),
    category="identiteit",
    fields={
        "dossier_id": "identiteit",
        "gemeente": "identiteit",
        "duo_notice_date": "identiteit",
        "brp_registration_date": "identiteit",
        "inburgeringsplichtig": "identiteit",
    },
    activity="registratie",
)
class DossierGeregistreerd(EventData):
    dossier_id: UUID
    gemeente: GemeenteCode
    duo_notice_date: date
    brp_registration_date: date
    inburgeringsplichtig: bool | SkipJsonSchema[None] = Field(
        None,
        description="Whether the person is inburgeringsplichtig on registering (Wi 2021 art."
        " 3-5): a member without an obligation (a child) gets no PIP. Left out: yes.",
    )


@event(
    "nl.wegwijs.intake.dossier.ingezien.v1",
    title="Someone viewed a dossier: with which roles, and which data categories they were shown",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "roles": "intern", "categories": "intern"},
    activity="dossier-inzien",
)
class DossierIngezien(EventData):
    dossier_id: UUID
    roles: list[str]
    categories: list[
        Literal[
            "identiteit",
            "contact",
            "taal",
            "gezin",
            "opleiding-en-werk",
            "gezondheid",
            "financien",
            "huisvesting",
            "verblijfsintentie-en-verwachtingen",
            "inburgering",
            "praktische-zaken",
        ]
    ]


@event(
    "nl.wegwijs.intake.gesprek.bijgewoond.v1",
    title="The person attended an intake conversation",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "number": "pip"},
    activity="brede-intake",
)
class GesprekBijgewoond(EventData):
    dossier_id: UUID
    number: Annotated[int, Field(ge=1)]


@event(
    "nl.wegwijs.intake.gesprek.gepland.v1",
    title="An intake conversation was planned (an invitation)",
    envelope_required=("subject", "gemeente"),
    category="pip",
    fields={"dossier_id": "identiteit", "number": "pip", "planned_on": "pip"},
    activity="brede-intake",
)
class GesprekGepland(EventData):
    dossier_id: UUID
    number: Annotated[int, Field(ge=1)]
    planned_on: date


@event(
    "nl.wegwijs.intake.gesprek.niet-verschenen.v1",
    title="The person did not attend an intake conversation",
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={"dossier_id": "identiteit", "number": "handhaving"},
    activity="brede-intake",
)
class GesprekNietVerschenen(EventData):
    dossier_id: UUID
    number: Annotated[int, Field(ge=1)]


@event(
    "nl.wegwijs.intake.gesprek.afgemeld.v1",
    title="An absence from an intake conversation was excused (beforehand, or afterwards, which"
    " turns a recorded no-show into an excused absence); the reason stays in intake",
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={"dossier_id": "identiteit", "number": "handhaving"},
    activity="brede-intake",
)
class GesprekAfgemeld(EventData):
    dossier_id: UUID
    number: Annotated[int, Field(ge=1)]


@event(
    "nl.wegwijs.intake.huishouden.gekoppeld.v1",
    title="A dossier was linked to the household of another member with their own obligation",
    envelope_required=("subject", "gemeente"),
    category="gezin",
    fields={"dossier_id": "identiteit", "household_id": "gezin", "relation": "gezin"},
    activity="registratie",
)
class HuishoudenGekoppeld(EventData):
    dossier_id: UUID
    household_id: UUID
    relation: Relation


@event(
    "nl.wegwijs.intake.huishoudchecklist.geopend.v1",
    title="A new household's practical checklist was opened, complete (filed under the dossier"
    " of its first member)",
    envelope_required=("subject", "gemeente"),
    category="gezin",
    fields={"dossier_id": "identiteit"},
    activity="registratie",
)
class HuishoudchecklistGeopend(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.intake.huishoudchecklist.lid-toegevoegd.v1",
    title="A member joined the household the checklist is for",
    envelope_required=("subject", "gemeente"),
    category="gezin",
    fields={"dossier_id": "identiteit", "member_id": "gezin"},
    activity="registratie",
)
class HuishoudchecklistLidToegevoegd(EventData):
    dossier_id: UUID
    member_id: UUID


@event(
    "nl.wegwijs.intake.huishoudchecklist.kind-toegevoegd.v1",
    title="A child of school age became known to the household's checklist (its name and birth"
    " date stay in intake)",
    envelope_required=("subject", "gemeente"),
    category="gezin",
    fields={"dossier_id": "identiteit"},
    activity="registratie",
)
class HuishoudchecklistKindToegevoegd(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.intake.huishoudchecklist.punt-geopend.v1",
    title="An item was put on the household's practical checklist",
    envelope_required=("subject", "gemeente"),
    category={"field": "item", **PRACTICAL_ITEM},
    fields={"dossier_id": "identiteit", "item": PRACTICAL_ITEM},
    activity="brede-intake",
)
class HuishoudchecklistPuntGeopend(EventData):
    dossier_id: UUID
    item: PracticalItem


@event(
    "nl.wegwijs.intake.huishoudchecklist.punt-afgevinkt.v1",
    title="An item of the household's practical checklist was resolved (how stays in intake)",
    envelope_required=("subject", "gemeente"),
    category={"field": "item", **PRACTICAL_ITEM},
    fields={"dossier_id": "identiteit", "item": PRACTICAL_ITEM},
    activity="brede-intake",
)
class HuishoudchecklistPuntAfgevinkt(EventData):
    dossier_id: UUID
    item: PracticalItem


@event(
    "nl.wegwijs.intake.inzagelog.geopend.v1",
    title="The log of reads of a dossier was opened",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit"},
    activity="dossier-inzien",
)
class InzagelogGeopend(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.intake.leefgebied.vastgelegd.v1",
    title="A life domain of the brede intake was recorded (its facts stay in intake)",
    envelope_required=("subject", "gemeente"),
    category={"field": "domain", **DOMAIN},
    fields={
        "dossier_id": "identiteit",
        "domain": DOMAIN,
    },
    activity="brede-intake",
)
class LeefgebiedVastgelegd(EventData):
    dossier_id: UUID
    domain: LifeDomain


@event(
    "nl.wegwijs.intake.leerbaarheidstoets.vastgelegd.v1",
    title="The leerbaarheidstoets was recorded (its outcome stays in intake)",
    envelope_required=("subject", "gemeente"),
    category="taal-leerbaarheid",
    fields={"dossier_id": "identiteit", "taken_on": "taal-leerbaarheid"},
    activity="brede-intake",
)
class LeerbaarheidstoetsVastgelegd(EventData):
    dossier_id: UUID
    taken_on: date


@event(
    "nl.wegwijs.intake.leerbaarheidstoets.niet-afgenomen.v1",
    title="The leerbaarheidstoets is not taken, on a ground of the law (ground and note stay in"
    " intake)",
    envelope_required=("subject", "gemeente"),
    category="taal-leerbaarheid",
    fields={"dossier_id": "identiteit", "recorded_on": "taal-leerbaarheid"},
    activity="brede-intake",
)
class LeerbaarheidstoetsNietAfgenomen(EventData):
    dossier_id: UUID
    recorded_on: date


@event(
    "nl.wegwijs.intake.opleiding.toegevoegd.v1",
    title="An entry of the education history was added (its contents stay in intake)",
    envelope_required=("subject", "gemeente"),
    category="opleiding-werk",
    fields={"dossier_id": "identiteit"},
    activity="brede-intake",
)
class OpleidingToegevoegd(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.intake.persoonlijke-omstandigheden.vastgelegd.v1",
    title="The personal circumstances were recorded (never published: they include health)",
    envelope_required=("subject", "gemeente"),
    category="gezondheid",
    fields={"dossier_id": "identiteit"},
    activity="brede-intake",
)
class PersoonlijkeOmstandighedenVastgelegd(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.intake.praktische-zaak.geopend.v1",
    title="An urgent practical matter was found in the intake (aandachtspunten k, l)",
    envelope_required=("subject", "gemeente"),
    category={"field": "item", **PRACTICAL_ITEM},
    fields={
        "dossier_id": "identiteit",
        "item": PRACTICAL_ITEM,
    },
    activity="brede-intake",
)
class PraktischeZaakGeopend(EventData):
    dossier_id: UUID
    item: PracticalItem


@event(
    "nl.wegwijs.intake.praktische-zaak.gesloten.v1",
    title="An urgent practical matter was resolved",
    envelope_required=("subject", "gemeente"),
    category={"field": "item", **PRACTICAL_ITEM},
    fields={
        "dossier_id": "identiteit",
        "item": PRACTICAL_ITEM,
    },
    activity="brede-intake",
)
class PraktischeZaakGesloten(EventData):
    dossier_id: UUID
    item: PracticalItem


@event(
    "nl.wegwijs.intake.profiel.vastgelegd.v1",
    title="Details of the person beyond the legal minimum were recorded (they stay in intake)",
    envelope_required=("subject", "gemeente"),
    category="identiteit",
    fields={"dossier_id": "identiteit"},
    activity="registratie",
)
class ProfielVastgelegd(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.intake.registratie.geweigerd.v1",
    title=(
        "Someone tried to register a BSN that has a dossier (who "
        "tried is in the attributes: actor, organisation); filed "
        "under the gemeente whose person it is. The BSN itself is "
        "never published"
    ),
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "intern", "requested_for": "intern"},
    activity="registratie",
)
class RegistratieGeweigerd(EventData):
    dossier_id: UUID
    requested_for: GemeenteCode = Field(description="The gemeente the registration was asked for")


@event(
    "nl.wegwijs.intake.regievoerder.toegewezen.v1",
    title="A regievoerder took the dossier or it was given to them: they are responsible for it"
    " now (who did it is in the attributes: actor)",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "regievoerder": "intern"},
    activity="registratie",
)
class RegievoerderToegewezen(EventData):
    dossier_id: UUID
    regievoerder: str = Field(description="The regievoerder's user id (their token's `sub`).")


@event(
    "nl.wegwijs.intake.route.gekozen.v1",
    title="The regievoerder chose the leerroute (the advice never decides)",
    envelope_required=("subject", "gemeente"),
    category="taal-leerbaarheid",
    fields={
        "dossier_id": "identiteit",
        "route": "taal-leerbaarheid",
        "advised": "taal-leerbaarheid",
        "differs": "taal-leerbaarheid",
    },
    activity="brede-intake",
)
class RouteGekozen(EventData):
    dossier_id: UUID
    route: InburgeringRoute
    advised: InburgeringRoute
    differs: bool


@event(
    "nl.wegwijs.intake.sanctie.aan-de-orde.v1",
    title="The gemeente's sanction ladder makes a step due after no-shows",
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={
        "dossier_id": "identiteit",
        "step": "handhaving",
        "no_shows": "handhaving",
        "ladder_version": "handhaving",
    },
    activity="handhaving",
)
class SanctieAanDeOrde(EventData):
    dossier_id: UUID
    step: SanctionStep
    no_shows: Annotated[int, Field(ge=1)]
    ladder_version: str


@event(
    "nl.wegwijs.intake.sanctie.besloten.v1",
    title="The regievoerder took or waived a due sanction step, with a reason",
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={"dossier_id": "identiteit", "step": "handhaving", "taken": "handhaving"},
    activity="handhaving",
)
class SanctieBesloten(EventData):
    dossier_id: UUID
    step: SanctionStep
    taken: bool


@event(
    "nl.wegwijs.intake.sanctie.ingetrokken.v1",
    title="A due sanction step not yet decided was withdrawn: an excuse made it no longer due",
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={"dossier_id": "identiteit", "step": "handhaving", "no_shows": "handhaving"},
    activity="handhaving",
)
class SanctieIngetrokken(EventData):
    dossier_id: UUID
    step: SanctionStep
    no_shows: Annotated[int, Field(ge=0, description="Unexcused no-shows after the excuse.")]


@event(
    "nl.wegwijs.intake.signaal.gegeven.v1",
    title="A professional gave a signal about a dossier (its text stays in intake)",
    envelope_required=("subject", "gemeente"),
    category={
        "field": "domain",
        "by_value": DOMAIN_CATEGORIES,
        "default": "signalen",
    },
    fields={
        "dossier_id": "identiteit",
        "domain": {
            "by_value": DOMAIN_CATEGORIES,
            "default": "signalen",
        },
        "author_role": "signalen",
    },
    activity="signalering",
)
class SignaalGegeven(EventData):
    dossier_id: UUID
    domain: SignalDomain
    author_role: str


@event(
    "nl.wegwijs.intake.signalen.ingezien.v1",
    title="Someone read the signals about a dossier: how many were shown and withheld",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={
        "dossier_id": "identiteit",
        "shown": "intern",
        "withheld": "intern",
        "domains": "intern",
    },
    activity="dossier-inzien",
)
class SignalenIngezien(EventData):
    dossier_id: UUID
    shown: Annotated[int, Field(ge=0)]
    withheld: Annotated[int, Field(ge=0)]
    domains: list[SignalDomain]


@event(
    "nl.wegwijs.intake.signalenlijst.geopend.v1",
    title="The list of signals about a dossier was opened",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit"},
    activity="signalering",
)
class SignalenlijstGeopend(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.intake.werkervaring.toegevoegd.v1",
    title="An entry of the work history was added (its contents stay in intake)",
    envelope_required=("subject", "gemeente"),
    category="opleiding-werk",
    fields={"dossier_id": "identiteit"},
    activity="brede-intake",
)
class WerkervaringToegevoegd(EventData):
    dossier_id: UUID


@event(
    "nl.wegwijs.intake.handhavingsbesluit.uitgegeven.v1",
    title=(
        "A sanction step taken at the brede intake (a warning, a fine) was issued to the person"
        " as a document, kept as it was issued; the event's id is the document's id"
        " (GET /api/v1/dossiers/{dossier_id}/documents/{id})"
    ),
    envelope_required=("subject", "gemeente"),
    category="handhaving",
    fields={
        "dossier_id": "identiteit",
        "kind": "handhaving",
        "issued_on": "handhaving",
        "sha256": "handhaving",
    },
    activity="handhaving",
)
class HandhavingsbesluitUitgegeven(IssuedDocument):
    kind: Literal["waarschuwing", "boete"]


# moving within the region (verhuizing, warme overdracht) --------------------------------------
@event(
    "nl.wegwijs.intake.verhuizing.voorgesteld.v1",
    title="The old gemeente proposed a move of the person to another gemeente of the region;"
    " the dossier stays theirs until the new gemeente accepts (between the gemeenten only)",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "to_gemeente": "intern", "moved_on": "intern"},
    activity="verhuizing",
)
class VerhuizingVoorgesteld(EventData):
    dossier_id: UUID
    to_gemeente: GemeenteCode
    moved_on: date = Field(description="The day the person moved, as the BRP has it.")


@event(
    "nl.wegwijs.intake.verhuizing.afgewezen.v1",
    title="The new gemeente declined a proposed move (the reason stays in intake); the dossier"
    " stays with the old gemeente",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "declined_on": "intern"},
    activity="verhuizing",
)
class VerhuizingAfgewezen(EventData):
    dossier_id: UUID
    declined_on: date


@event(
    "nl.wegwijs.intake.dossier.verhuisd.v1",
    title="The new gemeente accepted the move, or the person left the region: from this event on"
    " the dossier, its PIP, its guidance and its consents are the new gemeente's (the envelope's"
    " gemeente); the termijn and deadlines stay",
    envelope_required=("subject", "gemeente"),
    category="identiteit",
    fields={
        "dossier_id": "identiteit",
        "from_gemeente": "identiteit",
        "to_gemeente": "identiteit",
        "moved_on": "identiteit",
        "within_region": "identiteit",
    },
    activity="verhuizing",
)
class DossierVerhuisd(EventData):
    dossier_id: UUID
    from_gemeente: GemeenteCode
    to_gemeente: GemeenteCode
    moved_on: date
    within_region: bool = Field(
        description="False: the person left the region; no gemeente of the region reads the"
        " dossier any more, the old gemeente keeps its history and the overdrachtsdossier."
    )


@event(
    "nl.wegwijs.intake.onderdeel.overgedragen.v1",
    title="A part of the dossier intake keeps (brede intake, signals, read log, BSN claim) went"
    " with the move to the new gemeente; filed under the old gemeente, whose history it closes",
    envelope_required=("subject", "gemeente"),
    category="intern",
    fields={"dossier_id": "identiteit", "part": "intern", "to_gemeente": "intern"},
    activity="verhuizing",
)
class OnderdeelOvergedragen(EventData):
    dossier_id: UUID
    part: Literal["brede-intake", "signalen", "inzagelog", "bsn-claim"]
    to_gemeente: GemeenteCode
