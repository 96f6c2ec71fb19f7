"""A guided dossier for the tests of who may read what: a person in Utrecht with a completed brede
intake, signals, an established PIP with a breach, a consent, and two guides of one organisation,
the first replaced by the second. Every data category is planted with a unique marker, so an answer
can be searched for data it must not hold."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from tests.e2e.http import send
from tests.matching_fixtures import guide_body
from tests.pip_fixtures import goal, sections
from tests.platform import eventually, person
from tests.unit.test_brede_intake import EDUCATION, LBT

GUIDES_ORG = "00000003000000000061"  # maatschappelijke begeleiding, registered for 0344 and 0356
UNREGISTERED_ORG = "00000003000000000069"  # an organisation consent does not know
UTRECHT_OIN = "00000001000000000344"  # the gemeente itself (infra/region.json)


def headers(
    role: str, gemeente: str = "0344", user_id: str = "", organisation: str = ""
) -> dict[str, str]:
    token = issue_token(
        role, [gemeente], user_id=user_id or f"roles-{role}", organisation=organisation
    )
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def guide_headers(user_id: str, gemeente: str = "0344", org: str = GUIDES_ORG) -> dict[str, str]:
    return headers("begeleider", gemeente, user_id, org)


@dataclass
class GuidedDossier:
    """A dossier, its ids, the users who guide or guided it, and the markers planted in it."""

    dossier_id: str
    bsn: str
    markers: dict[str, list[str]]
    guide_goal: str = ""
    health_goal: str = ""
    finance_goal: str = ""
    consent_id: str = ""
    document_id: str = ""
    active_proposal: str = ""
    active_guide: str = ""
    former_guide: str = ""
    active_user: str = ""
    former_user: str = ""
    placement: str = ""

    def path(self, rest: str = "") -> str:
        return f"/api/v1/dossiers/{self.dossier_id}{rest}"

    def found(self, text: str) -> dict[str, list[str]]:
        """The markers, by data category, that occur in `text`."""
        hits = {
            category: [m for m in markers if re.search(m, text)]
            for category, markers in self.markers.items()
        }
        return {category: found for category, found in hits.items() if found}


def _item(name: str) -> str:
    """A practical item as an answer about this dossier names it (not as the API lists them)."""
    return rf'("item": "|praktische-zaak:|"open_practical_items": \[[^\]]*"){name}'


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json() if response.content else {}


def register_guides_org(platform: Any, oin: str = GUIDES_ORG) -> None:
    """A partner organisation of maatschappelijke begeleiding working in Utrecht and Nieuwegein
    (registering it again with the same facts changes nothing)."""
    token = issue_token("admin", ["0344", "0356"], user_id="roles-admin")
    admin = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = {
        "oin": oin,
        "name": f"Begeleiding {oin[-4:]}",
        "kind": "maatschappelijke-begeleiding",
        "gemeenten": ["0344", "0356"],
    }
    _ok(send(platform, "POST", "/api/v1/partners", body, admin))


def start_guiding(
    platform: Any, dossier_id: str, user_id: str, org: str = GUIDES_ORG, change_reason: str = ""
) -> dict[str, str]:
    """Make the user of `org` the active guide of a dossier in Utrecht; returns their headers.
    With `change_reason`, they take over from the guide the person has."""
    register_guides_org(platform, org)
    regie = headers("regievoerder")
    dossier = f"/api/v1/dossiers/{dossier_id}"
    eventually(
        lambda: send(platform, "GET", f"{dossier}/guidance", None, regie).status_code,
        lambda status: status == 200,
        what="matching knows the dossier",
    )
    profile = {"languages": {"ar": "C2"}, "dutch_level": "A1"}
    _ok(send(platform, "PUT", f"{dossier}/matching-profile", profile, regie))
    coordinator = headers("coordinator", organisation=org)
    body = guide_body(f"Gids {user_id}", today_in_amsterdam(), user_id=user_id, max_caseload=1)
    guide_id = _ok(send(platform, "POST", "/api/v1/guides", body, coordinator), 201)["id"]
    proposal = {"kind": "begeleider", "candidate_id": guide_id}
    made = _ok(send(platform, "POST", f"{dossier}/proposals", proposal, regie), 201)
    answers = f"{dossier}/proposals/{made['id']}/answers"
    _ok(send(platform, "POST", answers, {"side": "persoon", "accepted": True}, regie))
    _ok(send(platform, "POST", answers, {"side": "aanbieder", "accepted": True}, coordinator))
    start = {"change_reason": change_reason} if change_reason else {}
    _ok(send(platform, "POST", f"{dossier}/proposals/{made['id']}/start", start, regie))
    return guide_headers(user_id, org=org)


def guided_dossier(platform: Any, tag: str) -> GuidedDossier:
    """Build the dossier over HTTP; `tag` makes its markers and users unique to the caller."""
    register_guides_org(platform)
    tag = tag.upper()
    today = today_in_amsterdam()
    arrived = today - timedelta(weeks=6)
    marker = {
        c: f"MRK{tag}{c.upper()}{uuid.uuid4().hex[:6]}"
        for c in ("naam", "gezondheid", "gids", "financien", "handhaving", "werk")
    }
    who = person(
        "0344",
        family_name=f"Familie {marker['naam']}",
        duo_notice_date=arrived.isoformat(),
        brp_registration_date=arrived.isoformat(),
    )
    dossier_id = platform.register(who)
    guided = GuidedDossier(
        dossier_id,
        who["bsn"],
        markers={
            "identiteit": [who["bsn"], marker["naam"]],
            # What the health domain opens, and its count among the signals, are health too.
            "gezondheid": [
                marker["gezondheid"],
                _item("zorgverzekering-regelen"),
                _item("huisarts-kiezen"),
                "Geen zorgverzekering",
                "Niet ingeschreven bij een huisarts",
                r'"gezondheid": ?[1-9]',
            ],
            # The active guide's own health signal: health, which its author sees again.
            "gezondheid-door-gids": [marker["gids"]],
            "financien": [marker["financien"], _item("schulden-aanpakken")],
            "handhaving": [marker["handhaving"]],
            "opleiding-werk": [marker["werk"]],
        },
    )
    regie = headers("regievoerder")
    intake = guided.path("/intake")
    health = f"Gezondheid {marker['gezondheid']}"
    for method, path, body in (
        ("PUT", f"{intake}/leerbaarheidstoets", {**LBT, "taken_on": arrived.isoformat()}),
        ("POST", f"{intake}/education", EDUCATION),
        ("POST", f"{intake}/work", {"country": "Syrië", "occupation": marker["werk"], "years": 4}),
        (
            "PUT",
            f"{intake}/personal-circumstances",
            {"summary": "Woont in Utrecht.", "physical_health": health, "mental_health": health},
        ),
        (
            "PUT",
            f"{intake}/domains/gezondheid",
            {"health_insurance": False, "gp_registered": False, "physical": health},
        ),
        (
            "PUT",
            f"{intake}/domains/financien",
            {
                "income": "bijstand",
                "debts": True,
                "huurtoeslag_applied": True,
                "zorgtoeslag_applied": True,
                "advance_needed": False,
                "notes": f"Schulden {marker['financien']}",
            },
        ),
        (
            "PUT",
            f"{intake}/domains/verwachtingen",
            {"expectations": "Zelf de post lezen.", "three_year_goal": "Werken als kapper."},
        ),
        ("POST", f"{intake}/conversations", {"planned_on": str(arrived), "purpose": "Start"}),
        ("PUT", f"{intake}/conversations/1/attendance", {"attended": False, "note": "Weg"}),
        ("PUT", f"{intake}/sanctions/waarschuwing", {"take": True, "reason": marker["handhaving"]}),
        ("POST", f"{intake}/complete", None),
    ):
        _ok(send(platform, method, path, body, regie))
    # A health signal reaches the gemeente only with the person's consent to it (issue 17).
    to_gemeente = {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": UTRECHT_OIN, "name": "Gemeente Utrecht"},
        "purpose": "inburgering",
        "categories": ["gezondheid"],
        "valid_until": (today + timedelta(days=365)).isoformat(),
        "collection": {"method": "mondeling-met-tolk", "language": "Arabisch"},
        "evidence": "Toestemmingsformulier signalen",
    }
    _ok(send(platform, "POST", guided.path("/consents"), to_gemeente, regie), 201)
    for role, domain, text in (
        ("huisarts", "gezondheid", f"Signaal {marker['gezondheid']}"),
        ("klantmanager", "financien", f"Signaal {marker['financien']}"),
        ("regievoerder", "gezin", "Het gezin komt in het voorjaar."),
    ):
        signal = {"domain": domain, "text": text}
        _ok(send(platform, "POST", guided.path("/signals"), signal, headers(role)), 201)
    eventually(
        lambda: send(platform, "GET", guided.path("/pip"), None, regie).json(),
        lambda pip: (
            pip.get("starting_points", {}).get("intake_completed_on")
            and pip["starting_points"]["signals"].get("gezondheid")
        ),
        what="pip has the intake's starting points and signals",
    )
    _plan(platform, guided, marker, today)
    eventually(
        lambda: send(platform, "GET", guided.path("/guidance"), None, regie).json(),
        lambda g: g.get("goals"),
        what="matching knows the dossier's PIP",
    )
    _guides(platform, guided, tag)
    return guided


def _plan(platform: Any, guided: GuidedDossier, marker: dict[str, str], today: Any) -> None:
    regie = headers("regievoerder")
    pip = guided.path("/pip")
    _ok(send(platform, "PATCH", pip, sections(today), regie))
    owners = {
        "health": ("gezondheid", None, f"Naar de fysiotherapeut {marker['gezondheid']}"),
        "finance": (
            "financien",
            {"organisation": "Gemeente Utrecht", "role": "klantmanager"},
            f"Schuldhulp {marker['financien']}",
        ),
        "guide": (
            "sociaal_netwerk",
            {"organisation": "Humanitas Utrecht", "role": "begeleider", "oin": GUIDES_ORG},
            "Zelf naar de buurtvereniging.",
        ),
    }
    made = {}
    for name, (domain, owner, description) in owners.items():
        body = goal(today, domain, owner=owner, description=description)
        plan = _ok(send(platform, "POST", f"{pip}/goals", body, regie), 201)["plan"]["goals"]
        made[name] = next(g["id"] for g in plan if g["description"] == description)
    guided.health_goal, guided.finance_goal, guided.guide_goal = (
        made["health"],
        made["finance"],
        made["guide"],
    )
    _ok(send(platform, "POST", f"{pip}/establish", {}, regie))
    documents = _ok(send(platform, "GET", guided.path("/documents"), None, regie))["documents"]
    guided.document_id = next(d for d in documents if d["kind"] == "pip-beschikking")["document_id"]
    breach = {"obligation": "NT2-les", "description": marker["handhaving"], "on": today.isoformat()}
    _ok(send(platform, "POST", f"{pip}/breaches", breach, regie), 201)
    consent = {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": GUIDES_ORG, "name": "Humanitas Utrecht"},
        "purpose": "maatschappelijke-begeleiding",
        "categories": ["gezin", "signalen"],
        "valid_until": (today + timedelta(days=365)).isoformat(),
        "collection": {"method": "mondeling-met-tolk", "language": "Arabisch"},
        "evidence": "Gespreksverslag",
    }
    guided.consent_id = _ok(send(platform, "POST", guided.path("/consents"), consent, regie), 201)[
        "id"
    ]


def _guides(platform: Any, guided: GuidedDossier, tag: str) -> None:
    """The first guide starts, then the second takes over: one active guide, one former."""
    guided.former_user, guided.active_user = f"roles-{tag}-former", f"roles-{tag}-active"
    start_guiding(platform, guided.dossier_id, guided.former_user)
    active = start_guiding(platform, guided.dossier_id, guided.active_user, change_reason="Weg.")
    regie = headers("regievoerder")
    guidance = _ok(send(platform, "GET", guided.path("/guidance"), None, regie))
    guided.active_guide = guidance["guide"]["guide_id"]
    guided.active_proposal = guidance["guide"]["proposal_id"]
    guided.former_guide = guidance["guide_history"][0]["guide_id"]
    # Out of the pool, so that other tests' rankings do not meet them.
    coordinator = headers("coordinator", organisation=GUIDES_ORG)
    withdrawal = f"/api/v1/guides/{guided.former_guide}/withdrawal"
    _ok(send(platform, "POST", withdrawal, {"reason": "Gestopt."}, coordinator))
    activity = {
        "goal_id": guided.guide_goal,
        "activity": "Samen naar de buurtvereniging.",
        "did_themselves": "Zelf de route gepland.",
        "reflection": "Volgende keer alleen.",
    }
    _ok(send(platform, "POST", guided.path("/guidance/activities"), activity, active), 201)
    seen = guided.markers["gezondheid-door-gids"][0]
    signal = {"domain": "gezondheid", "text": f"Gids ziet {seen}"}
    _ok(send(platform, "POST", guided.path("/guidance/signals"), signal, active), 201)
