"""The integration events intake publishes (contracts/events/ holds their JSON Schemas).

Only the dossier's pseudonymous id and the facts other services need leave intake: never the BSN,
the V-nummer or a name.
"""

from __future__ import annotations

from services.common.envelope import Publication, about_dossier, dossier_opened
from services.common.topics import keep_topics
from services.intake.brede_intake import BredeIntake
from services.intake.domain import BsnClaim, Dossier
from services.intake.household_checklist import HouseholdChecklist
from services.intake.signals import SignalLog
from services.intake.views import ReadLog

DOSSIER_REGISTERED = "nl.wegwijs.intake.dossier.geregistreerd.v1"
BSN_CLAIMED = "nl.wegwijs.intake.bsn.geclaimd.v1"
REGISTRATION_REFUSED = "nl.wegwijs.intake.registratie.geweigerd.v1"
INTAKE_STARTED = "nl.wegwijs.intake.brede-intake.gestart.v1"
LBT_RECORDED = "nl.wegwijs.intake.leerbaarheidstoets.vastgelegd.v1"
EDUCATION_ADDED = "nl.wegwijs.intake.opleiding.toegevoegd.v1"
WORK_ADDED = "nl.wegwijs.intake.werkervaring.toegevoegd.v1"
CIRCUMSTANCES_RECORDED = "nl.wegwijs.intake.persoonlijke-omstandigheden.vastgelegd.v1"
INTAKE_COMPLETED = "nl.wegwijs.intake.brede-intake.afgerond.v1"
ROUTE_CHOSEN = "nl.wegwijs.intake.route.gekozen.v1"
LIFE_DOMAIN_RECORDED = "nl.wegwijs.intake.leefgebied.vastgelegd.v1"
PRACTICAL_ITEM_OPENED = "nl.wegwijs.intake.praktische-zaak.geopend.v1"
PRACTICAL_ITEM_CLOSED = "nl.wegwijs.intake.praktische-zaak.gesloten.v1"
PROFILE_RECORDED = "nl.wegwijs.intake.profiel.vastgelegd.v1"
HOUSEHOLD_JOINED = "nl.wegwijs.intake.huishouden.gekoppeld.v1"
DOSSIER_CORRECTED = "nl.wegwijs.intake.dossier.gecorrigeerd.v1"
CONVERSATION_PLANNED = "nl.wegwijs.intake.gesprek.gepland.v1"
CONVERSATION_ATTENDED = "nl.wegwijs.intake.gesprek.bijgewoond.v1"
CONVERSATION_MISSED = "nl.wegwijs.intake.gesprek.niet-verschenen.v1"
ABSENCE_EXCUSED = "nl.wegwijs.intake.gesprek.afgemeld.v1"
LBT_NOT_TAKEN = "nl.wegwijs.intake.leerbaarheidstoets.niet-afgenomen.v1"
SANCTION_WITHDRAWN = "nl.wegwijs.intake.sanctie.ingetrokken.v1"
SANCTION_DUE = "nl.wegwijs.intake.sanctie.aan-de-orde.v1"
SANCTION_DECIDED = "nl.wegwijs.intake.sanctie.besloten.v1"
READ_LOG_OPENED = "nl.wegwijs.intake.inzagelog.geopend.v1"
DOSSIER_VIEWED = "nl.wegwijs.intake.dossier.ingezien.v1"
SIGNAL_LOG_OPENED = "nl.wegwijs.intake.signalenlijst.geopend.v1"
SIGNAL_GIVEN = "nl.wegwijs.intake.signaal.gegeven.v1"
SIGNALS_READ = "nl.wegwijs.intake.signalen.ingezien.v1"
REGIEVOERDER_ASSIGNED = "nl.wegwijs.intake.regievoerder.toegewezen.v1"
CHECKLIST_OPENED = "nl.wegwijs.intake.huishoudchecklist.geopend.v1"
CHECKLIST_MEMBER_ADDED = "nl.wegwijs.intake.huishoudchecklist.lid-toegevoegd.v1"
CHECKLIST_CHILD_KNOWN = "nl.wegwijs.intake.huishoudchecklist.kind-toegevoegd.v1"
CHECKLIST_ITEM_OPENED = "nl.wegwijs.intake.huishoudchecklist.punt-geopend.v1"
CHECKLIST_ITEM_CLOSED = "nl.wegwijs.intake.huishoudchecklist.punt-afgevinkt.v1"
MEASURE_DOCUMENT_ISSUED = "nl.wegwijs.intake.handhavingsbesluit.uitgegeven.v1"
MOVE_PROPOSED = "nl.wegwijs.intake.verhuizing.voorgesteld.v1"
MOVE_DECLINED = "nl.wegwijs.intake.verhuizing.afgewezen.v1"
DOSSIER_MOVED = "nl.wegwijs.intake.dossier.verhuisd.v1"
PART_HANDED_OVER = "nl.wegwijs.intake.onderdeel.overgedragen.v1"


def _handed_over(part: str) -> Publication:
    """A part of the dossier intake keeps went with it to the new gemeente: filed under the old
    gemeente, whose history it closes."""
    return about_dossier(PART_HANDED_OVER, lambda e: {"part": part, "to_gemeente": e.to_gemeente})


def _corrected(e: Dossier.Corrected) -> dict[str, object]:
    """Which fields changed; the new values only of the dates other services count from."""
    data: dict[str, object] = {"fields": sorted(e.changes)}
    for name in ("duo_notice_date", "brp_registration_date"):
        if name in e.changes:
            data[name] = e.changes[name].isoformat()
    obligation = getattr(e, "obligation", None)  # events stored before issue 17 have none
    if obligation is not None:
        data["inburgeringsplichtig"] = obligation["inburgeringsplichtig"]
        data["dates"] = {
            name: obligation[name].isoformat()
            for name in ("duo_notice_date", "brp_registration_date")
        }
    return data


PUBLICATIONS = {
    # The document's issue: its kind, day and hash (its content stays in intake); the
    # document's id is this event's id.
    BredeIntake.DocumentIssued: about_dossier(
        MEASURE_DOCUMENT_ISSUED,
        lambda e: {"kind": e.kind, "issued_on": e.issued_on.isoformat(), "sha256": e.sha256},
    ),
    Dossier.Registered: Publication(
        type=DOSSIER_REGISTERED,
        subject=lambda e: str(e.originator_id),
        gemeente=lambda e: e.gemeente,
        data=lambda e: {
            "dossier_id": str(e.originator_id),
            "gemeente": e.gemeente,
            "duo_notice_date": e.duo_notice_date.isoformat(),
            "brp_registration_date": e.brp_registration_date.isoformat(),
            # Events stored before issue 17 opened a PIP for everyone.
            "inburgeringsplichtig": getattr(e, "inburgeringsplichtig", True),
        },
    ),
    BsnClaim.Claimed: Publication(
        type=BSN_CLAIMED,
        subject=lambda e: str(e.dossier_id),
        gemeente=lambda e: e.gemeente,
        data=lambda e: {"dossier_id": str(e.dossier_id), "gemeente": e.gemeente},
    ),
    BsnClaim.RegistrationRefused: about_dossier(
        REGISTRATION_REFUSED, lambda e: {"requested_for": e.requested_for}
    ),
    BredeIntake.Started: dossier_opened(INTAKE_STARTED),
    BredeIntake.LeerbaarheidstoetsRecorded: about_dossier(
        LBT_RECORDED, lambda e: {"taken_on": e.taken_on.isoformat()}
    ),
    BredeIntake.LeerbaarheidstoetsNotTaken: about_dossier(
        LBT_NOT_TAKEN, lambda e: {"recorded_on": e.recorded_on.isoformat()}
    ),
    BredeIntake.EducationAdded: about_dossier(EDUCATION_ADDED),
    BredeIntake.WorkAdded: about_dossier(WORK_ADDED),
    BredeIntake.PersonalCircumstancesRecorded: about_dossier(CIRCUMSTANCES_RECORDED),
    BredeIntake.Completed: about_dossier(
        INTAKE_COMPLETED,
        lambda e: {
            "route_advice": {
                "route": e.route_advice["route"],
                "rule": e.route_advice["rule"],
                "reasons": e.route_advice["reasons"],
            },
            "summary": e.summary,
        },
    ),
    BredeIntake.RouteChosen: about_dossier(
        ROUTE_CHOSEN,
        lambda e: {"route": e.route, "advised": e.advised, "differs": e.route != e.advised},
    ),
    BredeIntake.LifeDomainRecorded: about_dossier(
        LIFE_DOMAIN_RECORDED, lambda e: {"domain": e.domain}
    ),
    BredeIntake.PracticalItemOpened: about_dossier(
        PRACTICAL_ITEM_OPENED, lambda e: {"item": e.item}
    ),
    BredeIntake.PracticalItemClosed: about_dossier(
        PRACTICAL_ITEM_CLOSED, lambda e: {"item": e.item}
    ),
    SignalLog.Opened: dossier_opened(SIGNAL_LOG_OPENED),
    SignalLog.SignalGiven: about_dossier(
        SIGNAL_GIVEN, lambda e: {"domain": e.domain, "author_role": e.author_role}
    ),
    SignalLog.SignalsRead: about_dossier(
        SIGNALS_READ,
        lambda e: {"shown": e.shown, "withheld": e.withheld, "domains": e.domains},
    ),
    BredeIntake.ConversationPlanned: about_dossier(
        CONVERSATION_PLANNED,
        lambda e: {"number": e.number, "planned_on": e.planned_on.isoformat()},
    ),
    BredeIntake.ConversationAttended: about_dossier(
        CONVERSATION_ATTENDED, lambda e: {"number": e.number}
    ),
    BredeIntake.ConversationMissed: about_dossier(
        CONVERSATION_MISSED, lambda e: {"number": e.number}
    ),
    BredeIntake.AbsenceExcused: about_dossier(ABSENCE_EXCUSED, lambda e: {"number": e.number}),
    BredeIntake.SanctionStepWithdrawn: about_dossier(
        SANCTION_WITHDRAWN, lambda e: {"step": e.step, "no_shows": e.no_shows}
    ),
    BredeIntake.SanctionStepDue: about_dossier(
        SANCTION_DUE,
        lambda e: {"step": e.step, "no_shows": e.no_shows, "ladder_version": e.ladder_version},
    ),
    BredeIntake.SanctionStepDecided: about_dossier(
        SANCTION_DECIDED, lambda e: {"step": e.step, "taken": e.taken}
    ),
    Dossier.ProfileRecorded: about_dossier(PROFILE_RECORDED),
    Dossier.JoinedHousehold: about_dossier(
        HOUSEHOLD_JOINED,
        lambda e: {"household_id": str(e.household_id), "relation": e.relation},
    ),
    Dossier.Corrected: about_dossier(DOSSIER_CORRECTED, _corrected),
    Dossier.RegievoerderAssigned: about_dossier(
        REGIEVOERDER_ASSIGNED, lambda e: {"regievoerder": e.regievoerder}
    ),
    # The household's checklist: filed under the dossier of the household's first member; what
    # an item is, not how it was resolved, and never a child's name.
    HouseholdChecklist.Opened: dossier_opened(CHECKLIST_OPENED),
    HouseholdChecklist.MemberAdded: about_dossier(
        CHECKLIST_MEMBER_ADDED, lambda e: {"member_id": str(e.member_id)}
    ),
    HouseholdChecklist.ChildKnown: about_dossier(CHECKLIST_CHILD_KNOWN),
    HouseholdChecklist.ItemOpened: about_dossier(CHECKLIST_ITEM_OPENED, lambda e: {"item": e.item}),
    HouseholdChecklist.ItemClosed: about_dossier(CHECKLIST_ITEM_CLOSED, lambda e: {"item": e.item}),
    Dossier.MoveProposed: about_dossier(
        MOVE_PROPOSED,
        lambda e: {"to_gemeente": e.to_gemeente, "moved_on": e.moved_on.isoformat()},
    ),
    Dossier.MoveDeclined: about_dossier(
        MOVE_DECLINED, lambda e: {"declined_on": e.declined_on.isoformat()}
    ),
    # Filed under the new gemeente: from this event on, the dossier is theirs.
    Dossier.MovedTo: Publication(
        type=DOSSIER_MOVED,
        subject=lambda e: str(e.originator_id),
        gemeente=lambda e: e.to_gemeente,
        data=lambda e: {
            "dossier_id": str(e.originator_id),
            "from_gemeente": e.from_gemeente,
            "to_gemeente": e.to_gemeente,
            "moved_on": e.moved_on.isoformat(),
            "within_region": getattr(e, "within_region", True),
        },
    ),
    BredeIntake.HandedOver: _handed_over("brede-intake"),
    SignalLog.HandedOver: _handed_over("signalen"),
    ReadLog.HandedOver: _handed_over("inzagelog"),
    BsnClaim.HandedOver: _handed_over("bsn-claim"),
    ReadLog.Opened: dossier_opened(READ_LOG_OPENED),
    ReadLog.Viewed: about_dossier(
        DOSSIER_VIEWED, lambda e: {"roles": e.roles, "categories": e.categories}
    ),
}

# The topic of each aggregate class intake's stored events carry, and the class it means now: a
# moved class keeps its old topic here (services/common/topics.py).
STORED_TOPICS = {
    "services.intake.domain:Dossier": Dossier,
    "services.intake.domain:BsnClaim": BsnClaim,
    "services.intake.brede_intake:BredeIntake": BredeIntake,
    "services.intake.signals:SignalLog": SignalLog,
    "services.intake.views:ReadLog": ReadLog,
    "services.intake.household_checklist:HouseholdChecklist": HouseholdChecklist,
}
keep_topics(STORED_TOPICS)
