"""Every kind of command is a no-op when delivered again, on in-memory persistence.

One row per `@command` method of the intake, pip, matching and consent services: how to build
what the command needs on fresh applications, and its arguments (valid ones: the command is
carried out). Each row is delivered with `carry_out` as a `command` entrypoint delivers it, then
delivered again with the same `Call` (command id, method, arguments), as RabbitMQ redelivers a
message whose acknowledgement was lost. The second delivery is answered with the first outcome,
does not run the command, and stores nothing; the first stored its events and its outcome.

Each command is carried out by the service method itself, through a fake `self` with what the
method uses: the worker's application and the caller's context (`self.chain`), matching's answer
that the caller guides the dossier (`self._guides()`, intake and pip), and the consent service's
answers (`self.consent`, matching). No command needs a read model or another running service.

A completeness test holds the table to the services: a new command without a row fails it.
"""

from __future__ import annotations

import inspect
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from services.common import clock
from services.common.application import ChainApplication
from services.common.commands import Call, answer_as_sent, carry_out
from services.common.context import CommandContext
from services.common.entrypoints import CommandRpc
from services.common.errors import ChainError
from services.consent.application import Consent
from services.consent.service import ConsentService
from services.intake.application import Intake
from services.intake.service import IntakeService
from services.matching.application import Matching
from services.matching.service import MatchingService
from services.pip.application import Pips
from services.pip.events import PUBLICATIONS as PIP_PUBLICATIONS
from services.pip.service import PipService
from tests.matching_fixtures import (
    SEMHAR_PROFILE,
    guide_body,
    phase_two_goals,
    placement_body,
)
from tests.pip_fixtures import goal, intake_completed, registered, sections
from tests.unit.test_applications import context, guiding
from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION, FINANCES, LBT, _complete_parts
from tests.unit.test_commands import WORK
from tests.unit.test_consent import VWN, _admin, _consent
from tests.unit.test_consent import _dossier as _consent_dossier
from tests.unit.test_consent_feeds import GOAL_ADDED
from tests.unit.test_consent_feeds import _subscribe as _subscribe_to_goals
from tests.unit.test_conversations import INVITATION, _miss
from tests.unit.test_intake_domain import TODAY, VALID
from tests.unit.test_matching import (
    KRINGLOOP_COORDINATOR,
    REGIE,
    VWN_COORDINATOR,
    FakeSharing,
    _cloudevents,
    _matched,
    _participation_goal,
    actor,
)
from tests.unit.test_pip_plan import _dossier as _pip_dossier
from tests.unit.test_pip_plan import _established, _ready
from tests.unit.test_pip_progress import _breach, _goal_id
from tests.unit.test_signals import HEALTH_SIGNAL

# The fixtures' dates are chosen around TODAY (2026-11-28), which the clock is frozen at.
DECIDED = TODAY - timedelta(days=10)  # a PIP decided ten days ago, in matching's rows
REGIEVOERDER = context()  # Utrecht's regievoerder, who carries out most commands
YONAS = actor("begeleider", VWN, user="u-yonas")  # the guide matching's rows match


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """The services' clock stands at TODAY: a service method passes no `today` to its use
    case, which then asks `today_in_amsterdam` in the module that imported it. The function is
    taken before the loop: `services.common.clock` is among the modules patched, and compared
    with its patched attribute no module after it would be (the rows then ran on the real date,
    and failed once it had moved on past their dates)."""
    real = clock.today_in_amsterdam
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "") or ""
        if name.startswith("services.") and getattr(module, "today_in_amsterdam", None) is real:
            monkeypatch.setattr(module, "today_in_amsterdam", lambda: TODAY)
    assert Pips.today() == TODAY, "the clock of the services is not frozen"


# fresh applications -----------------------------------------------------------------------------
SERVICES: dict[str, tuple[type, type[ChainApplication]]] = {
    "intake": (IntakeService, Intake),
    "pip": (PipService, Pips),
    "matching": (MatchingService, Matching),
    "consent": (ConsentService, Consent),
}


class Apps:
    """Fresh in-memory applications of the four services, each made when first asked for."""

    def __init__(self) -> None:
        self._made: dict[str, ChainApplication] = {}

    def of(self, service: str) -> Any:
        if service not in self._made:
            self._made[service] = SERVICES[service][1].in_memory()
        return self._made[service]

    @property
    def intake(self) -> Intake:
        return self.of("intake")

    @property
    def pips(self) -> Pips:
        return self.of("pip")

    @property
    def matching(self) -> Matching:
        return self.of("matching")

    @property
    def consent(self) -> Consent:
        return self.of("consent")

    def close(self) -> None:
        for app in self._made.values():
            app.close()


# the service method's `self` --------------------------------------------------------------------
class ConsentProxy:
    """The consent service as matching's RPC proxy reaches it: `FakeSharing`'s answers (every
    partner may receive what a match needs; 0344 draws from 0356's pool), in the wire's shape
    that `ConsentRpc` reads."""

    def __init__(self) -> None:
        self.sharing = FakeSharing()

    def sharing_outlook(self, dossier_id: str, purpose: str, organisations: list[str]) -> dict:
        outlook = self.sharing.outlook(dossier_id, purpose, organisations)
        return {
            "pool": sorted(outlook.pool),
            "organisations": {o: sorted(outlook.categories(o)) for o in organisations},
        }

    def signal_basis(self, dossier_id: str, category: str) -> dict[str, Any]:
        """The person's consent to the gemeente covers the health signal (issue 17 point 6)."""
        from tests.unit.test_signals import CONSENTED

        return {**CONSENTED, "category": category}

    def decide(self, question: dict[str, Any]) -> dict[str, Any]:
        permits = self.sharing.decide(
            question["dossier_id"],
            question["organisation"],
            question["purpose"],
            question["categories"],
        )
        return {"decisions": [{"category": c, "permit": p} for c, p in permits.items()]}


def service_self(app: ChainApplication, ctx: CommandContext) -> SimpleNamespace:
    """What a service method uses of `self`: the worker (`chain`) with the application and the
    caller's context, matching's answer that the caller is the dossier's active guide, the
    consent service, and intake's answer with the person's name for pip's letters."""
    return SimpleNamespace(
        chain=SimpleNamespace(app=app, ctx=ctx, runtime=None),
        _guides=lambda: guiding,
        consent=ConsentProxy(),
        _addressee=lambda dossier_id: lambda: "Test Persoon",
    )


# builders: intake --------------------------------------------------------------------------------
CORRECTION = {"changes": {"family_name": "Tesfai"}, "reason": "Spelling volgens BRP."}
CLOSING_NOTE = {"note": "Doorverwezen naar schuldhulp."}
WAIVED_FINE = {"take": False, "reason": "Niet verwijtbaar: ziek, briefje van de huisarts."}


def registered_dossier(apps: Apps) -> str:
    return str(apps.intake.register(context(), VALID, today=TODAY))


MOVE = {"to_gemeente": "0356", "moved_on": "2026-10-01"}
NIEUWEGEIN = context("regievoerder", "0356")  # the gemeente a move goes to


def moving_dossier(apps: Apps) -> str:
    """A dossier of Utrecht whose move to Nieuwegein is proposed."""
    dossier_id = registered_dossier(apps)
    apps.intake.propose_move(context(), dossier_id, MOVE)
    return dossier_id


def with_finances(apps: Apps) -> str:
    """A dossier whose recorded finances opened 'schulden-aanpakken'."""
    dossier_id = registered_dossier(apps)
    apps.intake.record_life_domain(context(), dossier_id, "financien", FINANCES)
    return dossier_id


def with_conversation(apps: Apps) -> str:
    dossier_id = registered_dossier(apps)
    apps.intake.plan_conversation(context(), dossier_id, INVITATION)
    return dossier_id


def with_two_no_shows(apps: Apps) -> str:
    """Two no-shows: Utrecht's ladder makes a fine ('boete') due."""
    dossier_id = registered_dossier(apps)
    _miss(apps.intake, dossier_id, context(), 2)
    return dossier_id


def with_legal_parts(apps: Apps) -> str:
    dossier_id = registered_dossier(apps)
    _complete_parts(apps.intake, dossier_id)
    return dossier_id


def with_completed_intake(apps: Apps) -> str:
    dossier_id = with_legal_parts(apps)
    apps.intake.complete_intake(context(), dossier_id, today=TODAY)
    return dossier_id


# builders: pip -----------------------------------------------------------------------------------
PIP_DECIDED = TODAY - timedelta(days=8)  # 2026-11-20, as the PIP tests decide
EXTENSION = {"awaited": "Medisch advies", "from_party": "GGD", "requested_on": "2026-11-16"}
ARRIVED = {"arrived_on": "2026-11-20"}
DECISION = {"decided_on": PIP_DECIDED.isoformat()}
PROGRESS = {"status": "bezig", "note": "Huisarts gebeld."}
HOURS = {"hours": 12, "on": "2026-11-27", "note": "Les"}
BREACH = {"obligation": "Taalles NT2", "description": "Drie weken afwezig.", "on": "2026-11-27"}
WAIVED_MEASURE = {"take": False, "reason": "Eerste keer."}
NOT_LOWERED = {"lowered": False, "decided_on": "2026-11-28", "reason": "Eerste keer."}
REVISION = {
    "kind": "anders",
    "explanation": "Werkdoel toegevoegd na gesprek.",
    "decided_on": "2026-11-26",
    "add_goals": [goal(TODAY, "werk", term="lang", phase=3)],
}


def draft(apps: Apps) -> str:
    """A draft PIP whose intake is complete."""
    return _pip_dossier(apps.pips)


def ready_draft(apps: Apps) -> str:
    """A draft with every section and a health and a language goal: ready to establish."""
    dossier_id = draft(apps)
    _ready(apps.pips, dossier_id, PIP_DECIDED)
    return dossier_id


def goal_of_draft(apps: Apps) -> tuple[str, str]:
    dossier_id = ready_draft(apps)
    return dossier_id, _goal_id(apps.pips, dossier_id, "taal")


def waiting_draft(apps: Apps) -> str:
    dossier_id = draft(apps)
    apps.pips.request_extension(context(), dossier_id, EXTENSION, today=TODAY)
    return dossier_id


def established(apps: Apps) -> str:
    return _established(apps.pips, decided_on=PIP_DECIDED)


def health_goal_in_force(apps: Apps) -> tuple[str, str]:
    dossier_id = established(apps)
    return dossier_id, _goal_id(apps.pips, dossier_id, "gezondheid")


def with_breach(apps: Apps) -> str:
    dossier_id = established(apps)
    _breach(apps.pips, dossier_id)
    return dossier_id


def referred_participatiewet_measure(apps: Apps) -> str:
    """A Nieuwegein PIP whose second breach's Participatiewet measure went to the klantmanager."""
    regie = context("regievoerder", "0356")
    dossier_id = _pip_dossier(apps.pips, gemeente="0356")
    _ready(apps.pips, dossier_id, PIP_DECIDED, gemeente="0356")
    apps.pips.establish(regie, dossier_id, {"decided_on": PIP_DECIDED.isoformat()}, today=TODAY)
    _breach(apps.pips, dossier_id, "0356")
    _breach(apps.pips, dossier_id, "0356")
    referral = {"take": False, "reason": "Voor de klantmanager.", "refer_to_klantmanager": True}
    apps.pips.decide_measure(regie, dossier_id, 2, referral)
    return dossier_id


# builders: matching ------------------------------------------------------------------------------
ACTIVITY = {
    "activity": "Samen naar de kringloop.",
    "did_themselves": "Zelf de bus gepland.",
    "reflection": "Ging goed.",
}
ACCEPTED_FOR_THE_PERSON = {"side": "persoon", "accepted": True}
ENDED = {"outcome": "afgerond", "reason": "Werkt nu zelfstandig."}
GUIDES_SIGNAL = {"domain": "financien", "text": "Post van CJIB."}


def person(apps: Apps) -> str:
    """Semhar, as matching knows her from intake's and pip's events: registered in Utrecht, on
    the Z-route, with an established PIP of a health goal and two phase-2 goals (as in
    test_matching, on the frozen clock)."""
    matching, pips = apps.matching, apps.pips
    dossier_id = str(uuid.uuid4())
    registration = registered(
        dossier_id, DECIDED - timedelta(days=60), DECIDED - timedelta(days=50)
    )
    completed = intake_completed(dossier_id, "z", on=DECIDED - timedelta(days=20))
    pips.process("intake", [registration, completed])
    pips.change_sections(REGIE, dossier_id, sections(DECIDED, "z"))
    for each in [goal(DECIDED), *phase_two_goals(DECIDED)]:
        pips.add_goal(REGIE, dossier_id, each)
    pips.establish(REGIE, dossier_id, {"decided_on": DECIDED.isoformat()}, today=TODAY)
    matching.process("intake", [registration])
    matching.process("pip", _cloudevents(pips, "pip", PIP_PUBLICATIONS))
    return dossier_id


def profiled_person(apps: Apps) -> str:
    dossier_id = person(apps)
    apps.matching.set_profile(REGIE, dossier_id, SEMHAR_PROFILE)
    return dossier_id


def guide(apps: Apps) -> str:
    """Yonas, a VluchtelingenWerk volunteer with an account, who passes every hard constraint."""
    body = guide_body("Yonas", TODAY, user_id=YONAS.actor.user_id)
    return apps.matching.register_guide(VWN_COORDINATOR, body)["id"]


def placement(apps: Apps) -> str:
    body = placement_body("Kringloop sorteren", adapted_low_dutch=True)
    return apps.matching.offer_placement(KRINGLOOP_COORDINATOR, body)["id"]


def proposal_of(apps: Apps, dossier_id: str) -> str:
    """Yonas proposed to the person."""
    asked = {"kind": "begeleider", "candidate_id": guide(apps)}
    return apps.matching.propose(REGIE, dossier_id, asked, FakeSharing())["id"]


def proposed(apps: Apps) -> tuple[str, str]:
    dossier_id = profiled_person(apps)
    return dossier_id, proposal_of(apps, dossier_id)


def accepted(apps: Apps) -> tuple[str, str]:
    """A proposal both the person and VluchtelingenWerk accepted."""
    dossier_id, proposal_id = proposed(apps)
    yes = {"accepted": True}
    apps.matching.answer(REGIE, dossier_id, proposal_id, {**yes, "side": "persoon"})
    apps.matching.answer(VWN_COORDINATOR, dossier_id, proposal_id, {**yes, "side": "aanbieder"})
    return dossier_id, proposal_id


def guided(apps: Apps) -> tuple[str, str]:
    """The person guided by Yonas: the match started."""
    dossier_id = profiled_person(apps)
    return dossier_id, _matched(apps.matching, dossier_id, guide(apps))


def guided_dossier(apps: Apps) -> str:
    return guided(apps)[0]


def activity_on_a_goal(apps: Apps) -> tuple[str, dict[str, Any]]:
    """The guided person's dossier, and an activity on their participation goal."""
    dossier_id = guided_dossier(apps)
    return dossier_id, {**ACTIVITY, "goal_id": _participation_goal(apps.matching, dossier_id)}


# builders: consent -------------------------------------------------------------------------------
PARTNER = {
    "oin": VWN,
    "name": "VluchtelingenWerk",
    "kind": "maatschappelijke-begeleiding",
    "gemeenten": ["0344", "0356", "0321"],
}
SUBSCRIPTION = {
    "channel": "pip",
    "types": [GOAL_ADDED],
    "gemeenten": ["0344"],
    "purpose": "maatschappelijke-begeleiding",
}
CONSENT_CHANGE = {"categories": ["gezin"], "reason": "Op verzoek."}
QUESTION = {
    "organisation": VWN,
    "purpose": "maatschappelijke-begeleiding",
    "categories": ["gezondheid", "pip"],
    "on": TODAY.isoformat(),
}


def partner(apps: Apps) -> str:
    """VluchtelingenWerk, a partner organisation of the region; returns its OIN."""
    return apps.consent.register_partner(_admin(), PARTNER)["oin"]


def subscription(apps: Apps) -> str:
    partner(apps)
    return _subscribe_to_goals(apps.consent)["id"]


def consent_dossier(apps: Apps) -> str:
    """A registered person's dossier, with VluchtelingenWerk a known partner."""
    partner(apps)
    return _consent_dossier(apps.consent)


def given_consent(apps: Apps) -> tuple[str, str]:
    dossier_id = consent_dossier(apps)
    given = apps.consent.give_consent(context(), dossier_id, _consent(), today=TODAY)
    return dossier_id, given["id"]


# the table ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One command kind: `given` builds what it needs on fresh applications and returns its
    arguments; `by` is the caller."""

    service: str
    method: str
    given: Callable[[Apps], tuple[Any, ...]]
    by: CommandContext = REGIEVOERDER

    @property
    def id(self) -> str:
        return f"{self.service}.{self.method}"


ROWS = [
    # intake --------------------------------------------------------------------------------------
    Row("intake", "register", lambda apps: (VALID,)),
    Row("intake", "correct", lambda apps: (registered_dossier(apps), CORRECTION)),
    Row(
        "intake",
        "assign_regievoerder",
        lambda apps: (registered_dossier(apps), {"regievoerder": "mij"}),
    ),
    Row("intake", "propose_move", lambda apps: (registered_dossier(apps), MOVE)),
    Row(
        "intake",
        "leave_region",
        lambda apps: (registered_dossier(apps), {"to_gemeente": "0363", "moved_on": "2026-10-01"}),
    ),
    Row("intake", "accept_move", lambda apps: (moving_dossier(apps), {}), NIEUWEGEIN),
    Row(
        "intake",
        "decline_move",
        lambda apps: (moving_dossier(apps), {"reason": "Niet in de BRP."}),
        NIEUWEGEIN,
    ),
    Row("intake", "record_leerbaarheidstoets", lambda apps: (registered_dossier(apps), LBT)),
    Row(
        "intake",
        "record_toets_not_taken",
        lambda apps: (
            registered_dossier(apps),
            {"ground": "analfabetisme", "note": "Kan niet lezen of schrijven."},
        ),
    ),
    Row("intake", "add_education", lambda apps: (registered_dossier(apps), EDUCATION)),
    Row("intake", "add_work", lambda apps: (registered_dossier(apps), WORK)),
    Row(
        "intake",
        "record_personal_circumstances",
        lambda apps: (registered_dossier(apps), CIRCUMSTANCES),
    ),
    Row(
        "intake",
        "record_life_domain",
        lambda apps: (registered_dossier(apps), "financien", FINANCES),
    ),
    Row(
        "intake",
        "close_practical_item",
        lambda apps: (with_finances(apps), "schulden-aanpakken", CLOSING_NOTE),
    ),
    Row(
        "intake",
        "close_checklist_item",
        lambda apps: (registered_dossier(apps), "digid-aanvragen", CLOSING_NOTE),
    ),
    Row("intake", "plan_conversation", lambda apps: (registered_dossier(apps), INVITATION)),
    Row(
        "intake", "record_attendance", lambda apps: (with_conversation(apps), 1, {"attended": True})
    ),
    Row(
        "intake",
        "excuse_absence",
        lambda apps: (with_two_no_shows(apps), 2, {"reason": "Briefje van de huisarts."}),
    ),
    Row("intake", "decide_sanction", lambda apps: (with_two_no_shows(apps), "boete", WAIVED_FINE)),
    Row("intake", "complete_intake", lambda apps: (with_legal_parts(apps),)),
    Row("intake", "choose_route", lambda apps: (with_completed_intake(apps), {"route": "b1"})),
    Row(
        "intake",
        "give_signal",
        lambda apps: (registered_dossier(apps), HEALTH_SIGNAL),
        by=context("huisarts"),
    ),
    # pip -----------------------------------------------------------------------------------------
    Row("pip", "change_sections", lambda apps: (draft(apps), sections(PIP_DECIDED))),
    Row("pip", "add_goal", lambda apps: (draft(apps), goal(PIP_DECIDED))),
    Row("pip", "change_goal", lambda apps: (*goal_of_draft(apps), {"description": "Taal B1."})),
    Row("pip", "remove_goal", lambda apps: goal_of_draft(apps)),
    Row("pip", "request_extension", lambda apps: (draft(apps), EXTENSION)),
    Row("pip", "information_arrived", lambda apps: (waiting_draft(apps), ARRIVED)),
    Row("pip", "establish", lambda apps: (ready_draft(apps), DECISION)),
    Row("pip", "revise", lambda apps: (established(apps), REVISION)),
    Row("pip", "record_goal_progress", lambda apps: (*health_goal_in_force(apps), PROGRESS)),
    Row("pip", "record_module_hours", lambda apps: (established(apps), "nt2", HOURS)),
    Row("pip", "record_breach", lambda apps: (established(apps), BREACH)),
    Row("pip", "decide_measure", lambda apps: (with_breach(apps), 1, WAIVED_MEASURE)),
    Row(
        "pip",
        "record_participatiewet_decision",
        lambda apps: (referred_participatiewet_measure(apps), 2, NOT_LOWERED),
        by=context("klantmanager", "0356"),
    ),
    # matching ------------------------------------------------------------------------------------
    Row(
        "matching",
        "register_guide",
        lambda apps: (guide_body("Yonas", TODAY),),
        by=VWN_COORDINATOR,
    ),
    Row(
        "matching",
        "change_guide",
        lambda apps: (guide(apps), {"max_caseload": 4}),
        by=VWN_COORDINATOR,
    ),
    Row(
        "matching",
        "withdraw_guide",
        lambda apps: (guide(apps), {"reason": "Verhuist naar Groningen."}),
        by=VWN_COORDINATOR,
    ),
    Row(
        "matching",
        "offer_placement",
        lambda apps: (placement_body("Kringloop sorteren"),),
        by=KRINGLOOP_COORDINATOR,
    ),
    Row(
        "matching",
        "change_placement",
        lambda apps: (placement(apps), {"capacity": 3}),
        by=KRINGLOOP_COORDINATOR,
    ),
    Row(
        "matching",
        "close_placement",
        lambda apps: (placement(apps), {"reason": "Seizoen voorbij."}),
        by=KRINGLOOP_COORDINATOR,
    ),
    Row("matching", "set_profile", lambda apps: (person(apps), SEMHAR_PROFILE), by=REGIE),
    # propose and start ask consent over RPC (`ConsentRpc(self.consent)`): the service method
    # runs with `ConsentProxy` as `self.consent`, answering as the consent service would.
    Row(
        "matching",
        "propose",
        lambda apps: (
            profiled_person(apps),
            {"kind": "begeleider", "candidate_id": guide(apps), "note": "Spreekt Tigrinya."},
        ),
        by=REGIE,
    ),
    Row("matching", "answer", lambda apps: (*proposed(apps), ACCEPTED_FOR_THE_PERSON), by=REGIE),
    Row("matching", "start", lambda apps: (*accepted(apps), {}), by=REGIE),
    Row("matching", "end", lambda apps: (*guided(apps), ENDED), by=REGIE),
    Row("matching", "log_activity", activity_on_a_goal, by=YONAS),
    Row("matching", "give_signal", lambda apps: (guided_dossier(apps), GUIDES_SIGNAL), by=YONAS),
    # consent -------------------------------------------------------------------------------------
    Row("consent", "register_partner", lambda apps: (PARTNER,), by=_admin()),
    Row("consent", "subscribe", lambda apps: (partner(apps), SUBSCRIPTION), by=_admin()),
    Row("consent", "end_subscription", lambda apps: (VWN, subscription(apps)), by=_admin()),
    Row("consent", "give_consent", lambda apps: (consent_dossier(apps), _consent())),
    Row("consent", "change_consent", lambda apps: (*given_consent(apps), CONSENT_CHANGE)),
    Row(
        "consent",
        "withdraw_consent",
        lambda apps: (*given_consent(apps), {"reason": "Wil het zelf regelen."}),
    ),
    Row("consent", "decide", lambda apps: ({**QUESTION, "dossier_id": consent_dossier(apps)},)),
]


# delivering -------------------------------------------------------------------------------------
def stored(app: ChainApplication) -> int:
    return app.recorder.max_notification_id() or 0


def deliver(app: ChainApplication, call: Call, run: Callable[[], Any]) -> tuple[Any, ...]:
    """One delivery of `call`: ("answer", answer), or ("refused", kind, arguments as sent)."""
    try:
        return ("answer", carry_out(app, call, run))
    except ChainError as refused:
        return ("refused", type(refused), answer_as_sent(list(refused.args)))


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_a_command_delivered_again_is_answered_as_before_and_changes_nothing(row):
    apps = Apps()
    try:
        app = apps.of(row.service)
        args = row.given(apps)
        service_class = SERVICES[row.service][0]
        method = getattr(service_class, row.method)
        call = Call(f"command-{row.id}", row.method, args, {})
        runs: list[int] = []

        def run() -> Any:
            runs.append(1)
            return method(service_self(app, row.by), *args)

        before = stored(app)
        first = deliver(app, call, run)
        after_first = stored(app)
        again = deliver(app, call, run)

        assert first[0] == "answer", f"refused, so not a valid command: {first}"
        assert again == first
        assert stored(app) == after_first, "the second delivery stored nothing"
        assert runs == [1], "the second delivery did not run the command"
        assert after_first > before, "the first delivery stored the command's events"
        assert app.outcome(call.command_id) is not None, "with the command's outcome"
    finally:
        apps.close()


# completeness ------------------------------------------------------------------------------------
def commands_of(service_class: type) -> set[str]:
    """The methods of a service class that are `@command` entrypoints."""
    return {
        name
        for name, function in inspect.getmembers(service_class, inspect.isfunction)
        if any(isinstance(e, CommandRpc) for e in getattr(function, "nameko_entrypoints", ()))
    }


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_command_of_the_service_has_a_row(service):
    rows = [row.method for row in ROWS if row.service == service]
    assert len(rows) == len(set(rows)), "one row per command"
    assert set(rows) == commands_of(SERVICES[service][0])


def test_the_table_names_only_the_four_services():
    assert {row.service for row in ROWS} == set(SERVICES)
