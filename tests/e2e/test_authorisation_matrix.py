"""The authorisation matrix: every operation of the OpenAPI document, for every role, in every
relation to a dossier that makes sense for that role, asked over HTTP of the running platform.

`TABLE` says, as data, which roles may use each operation and in which relation to the dossier;
`SEES` which data categories each role may be shown. The cases are generated from the document
the gateway serves and the table: an operation in the document without a row (or a row without an
operation) fails the suite. The fixture dossier carries a unique marker per data category; an
answer holding a marker its reader may not see, a refusal that is not 401/403/404, a 5xx, or an
allowed read that is not answered counts as a violation, and there must be none.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from services.common.access import ROLES
from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from tests.e2e.http import send
from tests.pip_fixtures import goal, sections
from tests.platform import person
from tests.roles_fixtures import GUIDES_ORG, GuidedDossier, guide_headers, guided_dossier, headers
from tests.unit.test_brede_intake import EDUCATION, LBT

OWN, OTHER = "own gemeente", "other gemeente"
ACTIVE, FORMER, NONE = "active guide", "former guide", "no relation"
ANONYMOUS = "no token"
OTHER_ORG = "00000003000000000068"  # another organisation, in Nieuwegein

# The relations in which each role meets the dossier (a guide's relation is their guidance; a
# coordinator's and a partner's is their organisation: the guides' own, or another's elsewhere).
RELATIONS: dict[str, tuple[str, ...]] = {
    role: (ACTIVE, FORMER, NONE, OTHER) if role == "begeleider" else (OWN, OTHER) for role in ROLES
}
# The relations in which a role may see the fixture dossier's data at all.
RELATED = (OWN, ACTIVE)

# The data categories (markers of `GuidedDossier`) each role may be shown of a dossier it is
# related to. Health is the regievoerder's alone (AVG art. 9); a guide sees none of these.
SEES: dict[str, frozenset[str]] = {
    "regievoerder": frozenset(
        {
            "identiteit",
            "gezondheid",
            "gezondheid-door-gids",
            "financien",
            "handhaving",
            "opleiding-werk",
        }
    ),
    "klantmanager": frozenset({"identiteit", "financien", "handhaving", "opleiding-werk"}),
    # What they wrote themselves, and nothing else of these.
    "begeleider": frozenset({"gezondheid-door-gids"}),
}

own = frozenset({OWN})
anyhow = frozenset({OWN, OTHER, ACTIVE, FORMER, NONE})
both = frozenset({OWN, OTHER})
guiding = frozenset({ACTIVE})
REGIE = {"regievoerder": own}
STAFF = {"regievoerder": own, "klantmanager": own}
STAFF_AND_GUIDE = {**STAFF, "begeleider": guiding}
COORDINATOR = {"coordinator": own}


@dataclass(frozen=True)
class Row:
    """Who may use an operation, and how to ask it of the fixture."""

    who: Mapping[str, frozenset[str]]
    body: Callable[[GuidedDossier], Any] | None = None
    params: Mapping[str, str] = field(default_factory=dict)  # path parameter -> fixture value
    query: str = ""
    # An allowed read that may rightly find nothing here (a 404 is then not a violation).
    may_find_nothing: bool = False
    # A command that ends what other allowed commands rely on: asked last.
    late: bool = False
    public: bool = False


def _today() -> str:
    return today_in_amsterdam().isoformat()


def _consent(_: GuidedDossier) -> dict[str, Any]:
    return {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": GUIDES_ORG, "name": "Begeleiding"},
        "purpose": "maatschappelijke-begeleiding",
        "categories": ["gezin"],
        "valid_until": (today_in_amsterdam() + timedelta(days=90)).isoformat(),
        "collection": {"method": "schriftelijk", "language": "Nederlands"},
        "evidence": "Formulier",
    }


def _guide_work(_: GuidedDossier) -> dict[str, Any]:
    return {
        "goal_id": "",
        "activity": "Samen boodschappen gedaan.",
        "did_themselves": "Zelf betaald.",
        "reflection": "Ging goed.",
    }


# One valid body for each life domain's own operation.
LIFE_DOMAIN_FACTS: dict[str, dict[str, Any]] = {
    "putLifeDomainHuisvesting": {"situation": "zelfstandig"},
    "putLifeDomainGezondheid": {"health_insurance": True, "gp_registered": True},
    "putLifeDomainFinancien": {
        "income": "bijstand",
        "debts": False,
        "huurtoeslag_applied": True,
        "zorgtoeslag_applied": True,
        "advance_needed": False,
    },
    "putLifeDomainGezin": {
        "partner": False,
        "children": 0,
        "childcare_needed": False,
        "one_to_one_offered": True,
    },
    "putLifeDomainSociaalNetwerk": {
        "contacts_in_nl": True,
        "goals": [{"what": "Naar het taalcafé", "with_whom": "Buurthuis"}],
    },
    "putLifeDomainWerkEnReintegratie": {"employment": "geen", "available_for_work": True},
    "putLifeDomainParticipatieEnAmbities": {
        "ambition": "Werken als kapper.",
        "goals": [{"what": "Vrijwilligerswerk", "with_whom": "Voedselbank"}],
    },
    "putLifeDomainOnderwijsKinderen": {"children_of_school_age": 0, "all_enrolled": True},
    "putLifeDomainVerblijfsintentie": {"intention": "blijven"},
    "putLifeDomainVerwachtingen": {"expectations": "Werk vinden.", "three_year_goal": "Een baan."},
}

KLANTMANAGER_DOMAINS = {
    "putLifeDomainFinancien",
    "putLifeDomainWerkEnReintegratie",
    "putLifeDomainParticipatieEnAmbities",
}

TABLE: dict[str, Row] = {
    # intake: dossiers
    "registerDossier": Row(REGIE, lambda d: person("0344")),
    "listDossiers": Row({"regievoerder": both, "klantmanager": both}),
    "getWerkvoorraad": Row({"regievoerder": both, "klantmanager": both}),
    "getDossier": Row(STAFF),
    "correctDossier": Row(REGIE, lambda d: {"changes": {"given_name": "Test"}, "reason": "Typo"}),
    "assignRegievoerder": Row(REGIE, lambda d: {"regievoerder": "mij"}),
    "getDossierView": Row(STAFF_AND_GUIDE),
    "getHousehold": Row(STAFF),
    # moving: the old gemeente's regievoerder proposes; the new one's answers (here the own
    # gemeente's regievoerder is refused by intake: it is not the gemeente moved to)
    "proposeMove": Row(REGIE, lambda d: {"to_gemeente": "0356", "moved_on": _today()}),
    "getMove": Row(REGIE, may_find_nothing=True),
    "acceptMove": Row(REGIE, lambda d: {}),
    "declineMove": Row(REGIE, lambda d: {"reason": "Niet in de BRP."}),
    # a move out of the region closes the dossier for the region: asked last
    "leaveRegion": Row(REGIE, lambda d: {"to_gemeente": "0363", "moved_on": _today()}, late=True),
    "getOverdrachtsdossier": Row(REGIE, may_find_nothing=True),
    "getOverdrachtsdossierPage": Row(REGIE, may_find_nothing=True),
    # the brede intake
    "getBredeIntake": Row(STAFF),
    "putLeerbaarheidstoets": Row(REGIE, lambda d: {**LBT, "taken_on": _today()}),
    "putLeerbaarheidstoetsExemption": Row(
        REGIE, lambda d: {"ground": "analfabetisme", "note": "Matrix: kan niet lezen."}
    ),
    "postEducation": Row(REGIE, lambda d: EDUCATION),
    "postWork": Row(REGIE, lambda d: {"country": "Syrië", "occupation": "Kapper", "years": 2}),
    "putPersonalCircumstances": Row(REGIE, lambda d: {"summary": "Woont in Utrecht."}),
    # the klantmanager records the domains of the Participatiewet (issue 17)
    **{
        operation: Row(
            STAFF if operation in KLANTMANAGER_DOMAINS else REGIE, lambda d, facts=facts: facts
        )
        for operation, facts in LIFE_DOMAIN_FACTS.items()
    },
    # the klantmanager closes the items of their domains (schulden-aanpakken is one)
    "closePracticalItem": Row(STAFF, lambda d: {"note": "Geregeld."}),
    # the household's checklist, one for all its members
    "getHouseholdChecklist": Row(STAFF),
    "closeChecklistItem": Row(STAFF, lambda d: {"note": "Geregeld."}),
    "listPracticalItems": Row({"regievoerder": both, "klantmanager": both}),
    "planConversation": Row(REGIE, lambda d: {"planned_on": _today(), "purpose": "Voortgang"}),
    "putAttendance": Row(REGIE, lambda d: {"attended": True}),
    "excuseAbsence": Row(REGIE, lambda d: {"reason": "Matrix: briefje van de huisarts."}),
    "decideSanction": Row(REGIE, lambda d: {"take": False, "reason": "x"}),
    "completeBredeIntake": Row(REGIE),
    "putRoute": Row(REGIE, lambda d: {"route": "b1"}),
    # signals: professionals of the chain give them about any dossier of their gemeente
    "giveSignal": Row(
        {
            **STAFF_AND_GUIDE,
            "huisarts": own,
            "maatschappelijk-werker": own,
            "coa-medewerker": own,
        },
        lambda d: {"domain": "huisvesting", "text": "Matrix: vocht in de woning."},
    ),
    "getSignals": Row(STAFF_AND_GUIDE),
    # the PIP
    "getPip": Row(STAFF_AND_GUIDE),
    "changePipSections": Row(REGIE, lambda d: sections(today_in_amsterdam())),
    "getPipStartingPoints": Row(REGIE),
    "addGoal": Row(REGIE, lambda d: goal(today_in_amsterdam(), "taal")),
    "changeGoal": Row(REGIE, lambda d: {"measure": "Elke week."}),
    "removeGoal": Row(REGIE),
    "requestExtension": Row(REGIE, lambda d: {"awaited": "Diploma", "from_party": "DUO"}),
    "informationArrived": Row(REGIE, lambda d: {"arrived_on": _today()}),
    "establishPip": Row(REGIE, lambda d: {}),
    "revisePip": Row(REGIE, lambda d: {"kind": "anders", "explanation": "Matrix."}, late=True),
    "recordGoalProgress": Row(
        {"regievoerder": own, "begeleider": guiding},  # the goal is the guides' organisation's
        lambda d: {"status": "bezig", "note": "Matrix."},
    ),
    "recordModuleHours": Row(REGIE, lambda d: {"hours": 2, "note": "Les."}),
    "recordBreach": Row(
        REGIE, lambda d: {"obligation": "Les", "description": "Matrix.", "on": _today()}
    ),
    "decideMeasure": Row(REGIE, lambda d: {"take": False, "reason": "x"}),
    "recordParticipatiewetDecision": Row(
        {"klantmanager": own},
        lambda d: {"lowered": False, "decided_on": _today(), "reason": "Matrix."},
    ),
    "getGemeentePipReport": Row({"regievoerder": own, "beleidsmedewerker": own}),
    "getRegionPipReport": Row({"regievoerder": both, "beleidsmedewerker": both}),
    # consent
    "giveConsent": Row(STAFF, _consent),
    "listConsents": Row(STAFF),
    "changeConsent": Row(STAFF, lambda d: {"evidence": "Nieuw formulier", "reason": "Scan."}),
    "withdrawConsent": Row(STAFF, lambda d: {"reason": "Wil het niet meer."}, late=True),
    "getConsentReceipt": Row(STAFF),
    "getConsentReceiptPage": Row(STAFF),
    "decideSharing": Row(
        REGIE,
        lambda d: {
            "dossier_id": d.dossier_id,
            "organisation": GUIDES_ORG,
            "purpose": "maatschappelijke-begeleiding",
            "categories": ["identiteit"],
        },
    ),
    "fetchPartnerEvent": Row({"partner": both}, may_find_nothing=True),
    "registerPartner": Row(
        {"admin": own},
        lambda d: {
            "oin": "00000003000000000067",
            "name": "Taalschool",
            "kind": "taalaanbieder",
            "gemeenten": ["0344"],
        },
    ),
    # the partner works for 0344 and 0356: an admin of either finds it; the staff choose a
    # consent's grantee from the list, an auditor reads who received what
    "listPartners": Row(
        {"admin": both, "regievoerder": both, "klantmanager": both, "auditor": both}
    ),
    "listPartnerSubscriptions": Row({"admin": both}),
    "subscribePartner": Row(
        {"admin": own},
        lambda d: {
            "channel": "matching",
            "types": [],
            "gemeenten": ["0344"],
            "purpose": "maatschappelijke-begeleiding",
        },
    ),
    # an id of no subscription: the admin is answered 404, everyone else refused before that
    "endPartnerSubscription": Row({"admin": own}),
    "getSharingProtocol": Row({role: anyhow for role in ROLES}),
    # Anyone asks about their own commands only: another's key (or none) is not found.
    "commandOutcome": Row({role: anyhow for role in ROLES}, may_find_nothing=True),
    # matching: organisations (bodies for new guides and placements are incomplete on purpose:
    # the regional pool other tests rank from stays as it is)
    "registerGuide": Row({"coordinator": both}, lambda d: {"name": "Matrix"}),
    "getGuide": Row({"coordinator": own, "regievoerder": own}),
    "changeGuide": Row(COORDINATOR, lambda d: {"hours_per_week": 3}, {"guide_id": "former"}),
    "withdrawGuide": Row(COORDINATOR, lambda d: {"reason": "Matrix."}, {"guide_id": "former"}),
    "offerPlacement": Row({"coordinator": both}, lambda d: {"title": "Matrix"}),
    "getPlacement": Row({"coordinator": own, "regievoerder": own}),
    "changePlacement": Row(COORDINATOR, lambda d: {"hours_per_week": 6}),
    "closePlacement": Row(COORDINATOR, lambda d: {"reason": "Matrix."}),
    "getOffer": Row({"coordinator": both}),
    # matching: the person
    "setMatchingProfile": Row(REGIE, lambda d: {"languages": {"ar": "C2"}, "dutch_level": "A1"}),
    "rankMatches": Row(REGIE, query="kind=begeleider"),
    "propose": Row(REGIE, lambda d: {"kind": "begeleider", "candidate_id": d.former_guide}),
    "answerProposal": Row(
        {"regievoerder": own, "coordinator": own},
        lambda d: {"side": "persoon", "accepted": True},
    ),
    "startMatch": Row(REGIE, lambda d: {}),
    "endMatch": Row(
        {"regievoerder": own, "coordinator": own},
        lambda d: {"outcome": "afgerond", "reason": "Matrix."},
        late=True,
    ),
    "getGuidance": Row(STAFF_AND_GUIDE),
    # A guide's own list: whatever their relation to the fixture, they read their own guidances.
    "listOwnGuidance": Row({"begeleider": frozenset({ACTIVE, FORMER, NONE, OTHER})}),
    "logActivity": Row(
        {"begeleider": guiding}, lambda d: {**_guide_work(d), "goal_id": d.guide_goal}
    ),
    "giveGuidanceSignal": Row(
        {"begeleider": guiding}, lambda d: {"domain": "gezin", "text": "Matrix: kind ziek thuis."}
    ),
    # audit: an auditor of another gemeente is answered with nothing of this dossier
    "getDossierAudit": Row({"auditor": both}),
    "queryAuditEntries": Row({"auditor": both}, query="dossier_id={dossier_id}"),
    "getDossierReaders": Row({"auditor": both}),
    "getInzage": Row({"auditor": own}),
    "getInzagePage": Row({"auditor": own}),
    "getAuditStatus": Row({"auditor": both}),
    # the dossier's timeline, from the ledger: its gemeente's staff
    "getDossierTimeline": Row(STAFF),
    # the decisions sent as documents (issue 17): its gemeente's staff, as the PIP's handhaving
    "listDossierDocuments": Row(STAFF),
    "getDossierDocument": Row(STAFF),
    # the platform itself
    "health": Row({}, public=True),
    "openapi": Row({}, public=True),
    "metrics": Row({}, public=True),
}


@dataclass(frozen=True)
class Case:
    operation: str
    method: str
    path: str
    role: str
    relation: str
    allowed: bool
    row: Row

    @property
    def name(self) -> str:
        return f"{self.method} {self.path} as {self.role} ({self.relation})"


def _operations(document: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """operationId -> (method, path template) of every operation in the document."""
    return {
        operation["operationId"]: (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


def _cases(operations: Mapping[str, tuple[str, str]]) -> list[Case]:
    """Every case: each role in each of its relations where it may use the operation; where it
    may not, in its closest relation (a refusal there holds further off); and without a token."""
    cases = []
    for operation, (method, path) in operations.items():
        row = TABLE[operation]
        if row.public:
            cases.append(Case(operation, method, path, "", ANONYMOUS, True, row))
            continue
        cases.append(Case(operation, method, path, "", ANONYMOUS, False, row))
        for role in ROLES:
            allowed = row.who.get(role, frozenset())
            relations = RELATIONS[role] if allowed else RELATIONS[role][:1]
            cases += [
                Case(operation, method, path, role, relation, relation in allowed, row)
                for relation in relations
            ]
    return cases


def _headers(role: str, relation: str, dossier: GuidedDossier) -> dict[str, str]:
    if relation == ANONYMOUS:
        return {"Content-Type": "application/json"}
    if role == "begeleider":
        user = {
            ACTIVE: dossier.active_user,
            FORMER: dossier.former_user,
            NONE: "matrix-begeleider",
            OTHER: "matrix-begeleider-elders",
        }[relation]
        return guide_headers(user, "0356" if relation == OTHER else "0344")
    organisation = ""
    if role in ("coordinator", "partner"):
        organisation = GUIDES_ORG if relation == OWN else OTHER_ORG
    gemeente = "0344" if relation == OWN else "0356"
    token = issue_token(role, [gemeente], user_id=f"matrix-{role}", organisation=organisation)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _url(case: Case, dossier: GuidedDossier, values: Mapping[str, str]) -> str:
    path = case.path
    for name, value in {**values, **{k: values[v] for k, v in case.row.params.items()}}.items():
        path = path.replace("{" + name + "}", value)
    query = case.row.query.replace("{dossier_id}", dossier.dossier_id)
    return f"{path}?{query}" if query else path


def _violation(case: Case, status: int, text: str, dossier: GuidedDossier) -> str:
    """What is wrong with the answer to `case`, or ''."""
    may_see = SEES.get(case.role, frozenset()) if case.allowed and case.relation in RELATED else ()
    shown = {c: m for c, m in dossier.found(text).items() if c not in may_see}
    if shown:
        return f"shows {shown}"
    if status >= 500:
        return f"answered {status}"
    if not case.allowed and status not in (401, 403, 404):
        return f"not refused: {status}"
    if not case.allowed and case.relation == ANONYMOUS and status != 401:
        return f"without a token answered {status}"
    nothing_found = case.row.may_find_nothing and status == 404
    if case.allowed and case.method == "GET" and status != 200 and not nothing_found:
        return f"an allowed read answered {status}: {text[:200]}"
    return ""


@pytest.fixture(scope="module")
def dossier(platform) -> GuidedDossier:
    guided = guided_dossier(platform, "matrix")
    coordinator = headers("coordinator", organisation=GUIDES_ORG)
    place = {
        "title": "Matrix",
        "kind": "vrijwilligerswerk",
        "gemeente": "0344",
        "hours_per_week": 4,
        "dutch_required": "A2",
        "capacity": 1,
    }
    made = send(platform, "POST", "/api/v1/placements", place, coordinator)
    assert made.status_code == 201, made.text
    guided.placement = made.json()["id"]
    # Out of the pool, so that other tests' rankings do not meet it.
    closed = send(
        platform,
        "POST",
        f"/api/v1/placements/{guided.placement}/closure",
        {"reason": "Vol."},
        coordinator,
    )
    assert closed.status_code == 200, closed.text
    return guided


def _values(dossier: GuidedDossier) -> dict[str, str]:
    return {
        "dossier_id": dossier.dossier_id,
        "goal_id": dossier.guide_goal,
        "module": "nt2",
        "domain": "huisvesting",
        "item": "schulden-aanpakken",
        "number": "1",
        "step": "waarschuwing",
        "consent_id": dossier.consent_id,
        "document_id": dossier.document_id,
        "guide_id": dossier.active_guide,
        "former": dossier.former_guide,
        "placement_id": dossier.placement,
        "proposal_id": dossier.active_proposal,
        "event_id": str(uuid.uuid4()),
        "gemeente": "0344",
        "oin": GUIDES_ORG,
        "subscription_id": str(uuid.uuid4()),
        "key": "matrix-key",
    }


def test_every_operation_of_the_api_has_a_row_in_the_table(platform):
    document = platform.http.get(f"{platform.url}/openapi.json", timeout=15).json()
    operations = set(_operations(document))

    assert operations - set(TABLE) == set(), "operations without a row: add them to TABLE"
    assert set(TABLE) - operations == set(), "rows of operations the API no longer has"


def test_no_answer_shows_data_outside_what_the_role_table_allows(platform, dossier):
    document = platform.http.get(f"{platform.url}/openapi.json", timeout=15).json()
    cases = _cases({op: at for op, at in _operations(document).items() if op in TABLE})
    values = _values(dossier)

    def ask(case: Case) -> tuple[Case, str]:
        body = case.row.body(dossier) if case.row.body else None
        url = _url(case, dossier, values)
        answer = send(platform, case.method, url, body, _headers(case.role, case.relation, dossier))
        return case, _violation(case, answer.status_code, answer.text, dossier)

    reads = [c for c in cases if c.method == "GET"]
    refused_commands = [c for c in cases if c.method != "GET" and not c.allowed]
    allowed_commands = sorted(
        (c for c in cases if c.method != "GET" and c.allowed), key=lambda c: c.row.late
    )
    # Reads one after another: each allowed one is recorded on the dossier's own logs. Refused
    # commands side by side: each is accounted for on its own. Allowed commands last, in order,
    # as each may change the dossier.
    answers = [ask(case) for case in reads]
    with ThreadPoolExecutor(8) as pool:
        answers += list(pool.map(ask, refused_commands))
    answers += [ask(case) for case in allowed_commands]

    violations = [f"{case.name}: {wrong}" for case, wrong in answers if wrong]
    print(f"authorisation matrix: {len(answers)} answers, {len(violations)} violations")
    assert len(answers) > 500
    assert violations == [], f"{len(violations)} violating answers:\n" + "\n".join(violations)
