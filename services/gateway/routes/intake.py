"""The routes onto intake: dossiers, households, the brede intake and signals."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from services.common.access import Action
from services.contracts import intake as c
from services.gateway.access_log import (
    DOMAIN_CATEGORIES,
    THEIRS,
    VIEW_CATEGORIES,
    categories_of_intake,
)
from services.gateway.routing import Read, Route

DOSSIERS = "/api/v1/dossiers"
DOSSIER = f"{DOSSIERS}/{{dossier_id}}"
INTAKE = f"{DOSSIER}/intake"
READ_ERRORS = (401, 403, 404, 503, 504)
STEP_ERRORS = (400, 401, 403, 404, 409, 422, 503, 504)
STEP_ANSWER = "The brede intake after the step."


def _step(
    method: str,
    path: str,
    operation: str,
    summary: str,
    call: Any,
    body: Any = None,
    **params: Any,
) -> Route:
    """A step of the brede intake: the regievoerder records it, and is answered with the
    intake as it stands after it."""
    return Route(
        method,
        f"{INTAKE}{path}",
        operation,
        summary,
        Action.RECORD_INTAKE,
        "brede-intake",
        call,
        body=body,
        answer=c.BredeIntake,
        answer_description=STEP_ANSWER,
        errors=STEP_ERRORS,
        params=params,
    )


def _dossier_page(call: Any) -> dict[str, Any]:
    """A page of the list: each dossier on it is a read of its name, so a page is small and the
    next one is asked for by where this one ended."""
    query = call.query
    found = call.invoke("intake.dossiers", query.limit, query.q or "", query.before or "")
    page: dict[str, Any] = {"dossiers": found}
    if len(found) == query.limit:
        last = found[-1]
        page["next_before"] = c.page_cursor(
            datetime.fromisoformat(last["registered_at"]), UUID(str(last["id"]))
        )
    return page


def _life_domain(domain: str, facts: Any) -> Route:
    def record(call: Any) -> Any:
        dossier_id = call.path["dossier_id"]
        return call.invoke("intake.record_life_domain", dossier_id, domain, call.body)

    operation = "putLifeDomain" + "".join(part.title() for part in domain.split("_"))
    summary = (
        f"Record the life domain {domain}: {facts.__doc__.strip().rstrip('.')} (the regievoerder"
        " any domain, the klantmanager those of the Participatiewet: financien,"
        " werk_en_reintegratie, participatie_en_ambities)"
    )
    return Route(
        "PUT",
        f"{INTAKE}/domains/{domain}",
        operation,
        summary,
        Action.RECORD_LIFE_DOMAIN,
        "brede-intake",
        record,
        body=facts,
        answer=c.BredeIntake,
        answer_description=STEP_ANSWER,
        errors=STEP_ERRORS,
    )


def _checklist_categories(checklist: dict[str, Any]) -> list[str]:
    """The household (its members' dossiers, a child's name) and the categories of the items
    shown."""
    found = {"gezin"}
    found |= {DOMAIN_CATEGORIES.get(i["domain"], "pip") for i in checklist["items"]}
    return sorted(found)


def _signal_categories(signals: dict[str, Any]) -> set[str]:
    return {"signalen"} | {
        DOMAIN_CATEGORIES.get(s["domain"], "signalen") for s in signals["signals"]
    }


def _practical_item_reads(answer: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """One read per person listed: their name, and the categories of their items."""
    found: dict[tuple[str, str], set[str]] = {}
    for item in answer["items"]:
        key = (item["dossier_id"], item["gemeente"])
        found.setdefault(key, {"identiteit"}).add(DOMAIN_CATEGORIES.get(item["domain"], "pip"))
    return [(dossier, gemeente, sorted(cats)) for (dossier, gemeente), cats in found.items()]


MOVE = f"{DOSSIER}/verhuizing"
MOVE_ERRORS = (400, 401, 403, 404, 409, 422, 503, 504)

ROUTES = (
    Route(
        "POST",
        MOVE,
        "proposeMove",
        "Propose a move to another gemeente of the region (the old gemeente's regievoerder);"
        " the dossier stays the old gemeente's until the new gemeente accepts",
        Action.MOVE_DOSSIER,
        "verhuizing",
        "intake.propose_move",
        body=c.MoveProposal,
        answer=c.Move,
        status=201,
        answer_description="The move, proposed.",
        errors=MOVE_ERRORS,
    ),
    Route(
        "GET",
        MOVE,
        "getMove",
        "The dossier's move, open or last answered (for the dossier's gemeente, and for the"
        " gemeente an open move goes to)",
        Action.MOVE_DOSSIER,
        "verhuizing",
        "intake.move",
        answer=c.Move,
        errors=READ_ERRORS,
        read=Read("verhuizing", ["identiteit"], gemeente_from_answer=False),
    ),
    Route(
        "POST",
        f"{MOVE}/accept",
        "acceptMove",
        "Accept a move (the new gemeente's regievoerder): the dossier, its PIP, guidance and"
        " consents become the new gemeente's; the termijn and deadlines stay",
        Action.MOVE_DOSSIER,
        "verhuizing",
        "intake.accept_move",
        body=c.MoveAcceptance,
        answer=c.Move,
        answer_description="The move, accepted.",
        errors=MOVE_ERRORS,
    ),
    Route(
        "POST",
        f"{MOVE}/decline",
        "declineMove",
        "Decline a move, with a reason (the new gemeente's regievoerder); the dossier stays",
        Action.MOVE_DOSSIER,
        "verhuizing",
        "intake.decline_move",
        body=c.MoveDecline,
        answer=c.Move,
        answer_description="The move, declined.",
        errors=MOVE_ERRORS,
    ),
    Route(
        "POST",
        DOSSIERS,
        "registerDossier",
        "Register a person linked to a gemeente",
        Action.REGISTER_DOSSIER,
        "registratie",
        "intake.register",
        body=c.Registration,
        answer=c.Created,
        status=201,
        answer_description="Registered; a draft PIP follows when the person is"
        " inburgeringsplichtig (the dossier's `obligation`). 404 when `household_of` names no"
        " dossier of this gemeente.",
        errors=(400, 401, 403, 404, 409, 422, 503, 504),
        subject=lambda body, answer: answer and (answer["id"], str(body["gemeente"]).strip()),
        location=lambda answer: f"{DOSSIERS}/{answer['id']}",
        links={
            name: (operation, {"dossier_id": "$response.body#/id"})
            for name, operation in (
                ("dossier", "getDossier"),
                ("household", "getHousehold"),
                ("intake", "getBredeIntake"),
                ("signals", "getSignals"),
                ("pip", "getPip"),
                ("consents", "listConsents"),
            )
        },
    ),
    Route(
        "GET",
        DOSSIERS,
        "listDossiers",
        "The dossiers of the gemeenten the caller acts for",
        Action.READ_DOSSIER,
        "dossier-inzien",
        _dossier_page,
        query=c.ListQuery,
        answer=c.DossierList,
        answer_description="Newest first, a page at a time (`next_before`).",
        errors=(401, 403, 422, 503, 504),
        read=Read(
            "dossiers",
            each=lambda answer: [
                (d["id"], d["gemeente"], ["identiteit"]) for d in answer["dossiers"]
            ],
        ),
    ),
    Route(
        "GET",
        "/api/v1/practical-items",
        "listPracticalItems",
        "The open practical items of the brede intakes of the gemeenten the caller acts for, of"
        " the life domains their role may see, each saying whether the caller may close it",
        Action.READ_INTAKE,
        "brede-intake",
        "intake.practical_items",
        answer=c.OpenPracticalItems,
        answer_description="The count, and the first 200 items, longest open first.",
        errors=(401, 403, 503, 504),
        read=Read("praktische-zaken", each=_practical_item_reads),
    ),
    Route(
        "GET",
        DOSSIER,
        "getDossier",
        "One dossier",
        Action.READ_DOSSIER,
        "dossier-inzien",
        "intake.dossier",
        answer=c.Dossier,
        errors=READ_ERRORS,
        read=Read("dossier", ["identiteit", "contact", "gezin", "taal-leerbaarheid"]),
    ),
    Route(
        "PATCH",
        DOSSIER,
        "correctDossier",
        "Correct registered facts, with a reason (the history stays)",
        Action.REGISTER_DOSSIER,
        "registratie",
        "intake.correct",
        body=c.Correction,
        answer=c.Dossier,
        answer_description="The corrected dossier.",
        errors=(400, 401, 403, 404, 422, 503, 504),
    ),
    Route(
        "PUT",
        f"{DOSSIER}/regievoerder",
        "assignRegievoerder",
        "Take the dossier (`mij`) or give it to another regievoerder of its gemeente: the"
        " regievoerder responsible for it",
        Action.ASSIGN_DOSSIER,
        "registratie",
        "intake.assign_regievoerder",
        body=c.RegievoerderAssignment,
        answer=c.Dossier,
        answer_description="The dossier, with its regievoerder.",
        errors=(400, 401, 403, 404, 409, 422, 503, 504),
        description="Only a regievoerder of the dossier's gemeente takes it. It is given only to"
        " a regievoerder the gemeente knows: one who took one of its dossiers before; another"
        " user id is refused (422, naming `regievoerder`). The werkvoorraad filters by it"
        " (`GET /api/v1/werkvoorraad?regievoerder=mij`).",
    ),
    Route(
        "GET",
        f"{DOSSIER}/view",
        "getDossierView",
        "The dossier and intake as the caller's role may see them (a begeleider: only as the"
        " active guide); the read is recorded with the data categories shown",
        Action.VIEW_DOSSIER,
        "dossier-inzien",
        "intake.dossier_view",
        answer=c.DossierView,
        answer_description="Only the categories the role may see; `categories` names them.",
        errors=READ_ERRORS,
        read=Read(
            "dossier-view",
            lambda view: {VIEW_CATEGORIES[c] for c in view["categories"]} | {"identiteit"},
        ),
    ),
    Route(
        "GET",
        f"{DOSSIER}/household",
        "getHousehold",
        "The dossiers of the household",
        Action.READ_DOSSIER,
        "dossier-inzien",
        "intake.household",
        answer=c.Household,
        errors=READ_ERRORS,
        read=Read(
            "household",
            each=lambda household: [
                (m["id"], THEIRS, ["identiteit", "gezin"]) for m in household["members"]
            ],
        ),
    ),
    Route(
        "GET",
        INTAKE,
        "getBredeIntake",
        "The brede intake (health only for the regievoerder)",
        Action.READ_INTAKE,
        "brede-intake",
        "intake.brede_intake",
        answer=c.BredeIntake,
        errors=READ_ERRORS,
        read=Read("brede-intake", categories_of_intake),
    ),
    _step(
        "PUT",
        "/leerbaarheidstoets",
        "putLeerbaarheidstoets",
        "Record the leerbaarheidstoets",
        "intake.record_leerbaarheidstoets",
        c.Leerbaarheidstoets,
    ),
    _step(
        "PUT",
        "/leerbaarheidstoets/exemption",
        "putLeerbaarheidstoetsExemption",
        "Record that the leerbaarheidstoets is not taken: the ground (a closed list of the law)"
        " and a note; the intake can then complete without a toets",
        "intake.record_toets_not_taken",
        c.ToetsExemption,
    ),
    _step(
        "POST",
        "/education",
        "postEducation",
        "Add an education entry",
        "intake.add_education",
        c.EducationEntry,
    ),
    _step("POST", "/work", "postWork", "Add a work entry", "intake.add_work", c.WorkEntry),
    _step(
        "PUT",
        "/personal-circumstances",
        "putPersonalCircumstances",
        "Record the personal circumstances",
        "intake.record_personal_circumstances",
        c.PersonalCircumstances,
    ),
    # One operation per life domain, each with the model of its own facts.
    *(_life_domain(domain, facts) for domain, facts in c.LIFE_DOMAINS.items()),
    Route(
        "POST",
        f"{INTAKE}/practical-items/{{item}}/close",
        "closePracticalItem",
        "Close an urgent practical matter, saying how it was resolved (the regievoerder any item,"
        " the klantmanager the items of their domains); the household's checklist closes it too",
        Action.CLOSE_PRACTICAL_ITEM,
        "brede-intake",
        "intake.close_practical_item",
        body=c.ClosingNote,
        answer=c.BredeIntake,
        answer_description=STEP_ANSWER,
        errors=STEP_ERRORS,
        params={"item": c.PracticalItem},
    ),
    Route(
        "GET",
        f"{DOSSIER}/household/checklist",
        "getHouseholdChecklist",
        "The practical checklist of the dossier's household (one for all its members): every"
        " item with its Dutch label, open or closed, who closed it and when; only the items of"
        " the life domains the caller's role may see",
        Action.READ_INTAKE,
        "brede-intake",
        "intake.household_checklist",
        answer=c.HouseholdChecklist,
        answer_description="404 when the household has no checklist yet (registered before it"
        " existed, and nothing recorded since).",
        errors=READ_ERRORS,
        read=Read("household-checklist", _checklist_categories),
    ),
    Route(
        "POST",
        f"{DOSSIER}/household/checklist/{{item}}/close",
        "closeChecklistItem",
        "Close an item of the household's checklist, saying how it was resolved (the"
        " regievoerder any item, the klantmanager the items of their domains); a school"
        " enrolment names its child; the same item open in a member's brede intake closes too",
        Action.CLOSE_PRACTICAL_ITEM,
        "brede-intake",
        "intake.close_checklist_item",
        body=c.ChecklistClosing,
        answer=c.HouseholdChecklist,
        answer_description="The household's checklist after it.",
        errors=STEP_ERRORS,
        params={"item": c.PracticalItem},
    ),
    _step(
        "POST",
        "/conversations",
        "planConversation",
        "Plan an intake conversation (an invitation)",
        "intake.plan_conversation",
        c.Invitation,
    ),
    _step(
        "PUT",
        "/conversations/{number}/attendance",
        "putAttendance",
        "Record whether the person came, from the conversation's day on; a no-show may make a"
        " sanction step due by the gemeente's ladder, an excused absence does not",
        "intake.record_attendance",
        c.Attendance,
        number=int,
    ),
    _step(
        "POST",
        "/conversations/{number}/excuse",
        "excuseAbsence",
        "An excuse after a recorded no-show (a doctor's note): it becomes an excused absence,"
        " and a sanction step no longer due and not yet decided is withdrawn",
        "intake.excuse_absence",
        c.Excuse,
        number=int,
    ),
    _step(
        "PUT",
        "/sanctions/{step}",
        "decideSanction",
        "Take or waive a due sanction step, with a reason; a fine only after a warning was"
        " taken, with a culpability assessment and the hearing",
        "intake.decide_sanction",
        c.SanctionDecision,
        step=c.SanctionStep,
    ),
    _step(
        "POST",
        "/complete",
        "completeBredeIntake",
        "Complete the brede intake (needs the three legal parts, the toets or why it was not"
        " taken); gives a route advice, or records the regievoerder's route where a toets not"
        " taken gives none",
        "intake.complete_intake",
        c.CompletionChoice,
    ),
    _step(
        "PUT",
        "/route",
        "putRoute",
        "Record the regievoerder's route choice",
        "intake.choose_route",
        c.RouteChoice,
    ),
    Route(
        "POST",
        f"{DOSSIER}/signals",
        "giveSignal",
        "Give a signal (professionals of the chain; a begeleider only as the active guide)",
        Action.GIVE_SIGNAL,
        "signalering",
        "intake.give_signal",
        body=c.SignalGiven,
        answer=c.SignalRecorded,
        status=201,
        answer_description="Recorded, with the author's user id and role; the answer says how"
        " many signals the dossier has now.",
        errors=(400, 401, 403, 404, 422, 503, 504),
    ),
    Route(
        "GET",
        f"{DOSSIER}/signals",
        "getSignals",
        "The signals the caller's role may read (a begeleider: only as the active guide); the"
        " read is logged",
        Action.READ_SIGNALS,
        "signalen-inzien",
        "intake.signals",
        answer=c.Signals,
        answer_description="Readable signals and how many were withheld.",
        errors=READ_ERRORS,
        read=Read("signals", _signal_categories, gemeente_from_answer=False),
    ),
)
