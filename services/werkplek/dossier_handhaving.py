"""The PIP's handhaving: the breaches of the PIP's obligations and the measures the gemeente's
ladder makes due, for the regievoerder to record and decide, and for the klantmanager to record
their own decision on a Participatiewet measure referred to them (issue 17 point 2). The forms
are made from the published models, as the brede intake's are (`dossier_intake_parts.py`); the
gateway decides who may do what, and the pages only offer what the role and the breach allow."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from services.contracts import pip as contract
from services.werkplek import texts
from services.werkplek.dossier import DOSSIERS, form_tab, optional
from services.werkplek.dossier_intake_parts import Part
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

BREACH = Part(
    "handhaving",
    "Schending vastleggen",
    contract.Breach,
    "POST",
    "/breaches",
    lambda pip: None,
    (),
    form_title="Schending van het PIP vastleggen",
    button="Schending vastleggen",
)
_DECIDE = "/breaches/{number}/decision"
_ASSESSED = ("take", "reason", "culpability_culpable", "culpability_circumstances")
_HEARD = ("hearing_on", "hearing_summary", "amount_eur")
# The regievoerder's decision on a due measure: a warning, a fine (heard, with its amount), or,
# for a measure on the benefit, sending it to the klantmanager, whose decision it is.
MEASURE_FORMS = {
    "waarschuwing": Part(
        "maatregel",
        "Maatregel",
        contract.MeasureDecision,
        "PUT",
        _DECIDE,
        lambda pip: None,
        (),
        form_title="Besluiten over de waarschuwing",
        button="Besluit vastleggen",
        only=_ASSESSED,
    ),
    "boete": Part(
        "maatregel",
        "Maatregel",
        contract.MeasureDecision,
        "PUT",
        _DECIDE,
        lambda pip: None,
        (),
        form_title="Besluiten over de boete",
        intro="Een boete kan alleen na een waarschuwing, als het de persoon te verwijten is en"
        " nadat de persoon is gehoord.",
        button="Besluit vastleggen",
        only=_ASSESSED + _HEARD,
    ),
    "maatregel-participatiewet": Part(
        "maatregel",
        "Maatregel",
        contract.MeasureDecision,
        "PUT",
        _DECIDE,
        lambda pip: None,
        (),
        form_title="Doorsturen naar de klantmanager",
        intro="Over een maatregel op de uitkering besluit de klantmanager, volgens de"
        " Participatiewet. U stuurt de maatregel door; de klantmanager legt het besluit vast.",
        button="Doorsturen",
        only=("reason",),
        fixed=(("take", False), ("refer_to_klantmanager", True)),
    ),
}
PARTICIPATIEWET = Part(
    "participatiewet",
    "Besluit van de klantmanager",
    contract.ParticipatiewetDecision,
    "PUT",
    "/breaches/{number}/participatiewet-decision",
    lambda pip: None,
    (),
    form_title="Uw besluit over de uitkering vastleggen",
    intro="De regievoerder stuurde deze maatregel naar u door. U besluit volgens de"
    " Participatiewet, in uw eigen werkproces. Leg hier vast wat u besloot, zodat de"
    " regievoerder het ziet.",
    button="Besluit vastleggen",
)
MEASURES = {
    "waarschuwing": "Waarschuwing",
    "boete": "Boete",
    "maatregel-participatiewet": "Maatregel op de uitkering (Participatiewet)",
}
REGIEVOERDER, KLANTMANAGER = "regievoerder", "klantmanager"


async def breaches(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The breaches of the PIP and where each measure stands; recording a breach."""
    dossier_id = request.path_params["dossier_id"]
    api = f"{DOSSIERS}/{dossier_id}/pip"

    async def send(values: dict[str, str]) -> None:
        await gateway.send(BREACH.method, api + BREACH.api, BREACH.body(values))

    async def shown() -> dict[str, Any]:
        pip = await _pip(gateway, api)
        return {
            "part": BREACH,
            "rows": [_row(b, dossier_id) for b in pip.get("handhaving") or []],
            "established": pip["status"] != "concept",
            "writes": REGIEVOERDER in session.roles,
        }

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_pip_handhaving.html", shown
    )


async def breach(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """One breach: what happened, the measure due, and the decision the role may record on it."""
    dossier_id, number = request.path_params["dossier_id"], request.path_params["number"]
    api = f"{DOSSIERS}/{dossier_id}/pip"

    async def send(values: dict[str, str]) -> None:
        part = MEASURE_FORMS.get(values.get("actie", ""), PARTICIPATIEWET)
        await gateway.send(part.method, api + part.api.format(number=number), part.body(values))

    async def shown() -> dict[str, Any]:
        pip = await _pip(gateway, api)
        found = [b for b in pip.get("handhaving") or [] if b["number"] == number]
        if not found:
            raise Problem(status=404)
        [b] = found
        decision, kmd = b["decision"], b.get("participatiewet")
        if b["measure"] in MEASURE_FORMS and decision is None:
            part, action = MEASURE_FORMS[b["measure"]], b["measure"]
            writes = REGIEVOERDER in session.roles
        elif (decision or {}).get("referred_to") == KLANTMANAGER and kmd is None:
            part, action = PARTICIPATIEWET, "participatiewet"
            writes = KLANTMANAGER in session.roles
        else:
            part, action, writes = None, "", False
        return {
            "heading": f"Schending {number}",
            "facts": _facts(b),
            "part": part,
            "action": action,
            "writes": writes,
            "waiting": part is PARTICIPATIEWET and not writes,
        }

    return await form_tab(
        request, werkplek, session, gateway, form, send, "dossier_pip_schending.html", shown
    )


async def _pip(gateway: Gateway, api: str) -> dict[str, Any]:
    pip = await optional(gateway, api)
    if pip is None:
        raise Problem(status=404)
    return pip


def _row(b: dict[str, Any], dossier_id: Any) -> dict[str, Any]:
    return {
        "href": f"/dossiers/{dossier_id}/pip/handhaving/{b['number']}",
        "number": b["number"],
        "on": b["on"],
        "obligation": b["obligation"],
        "measure": MEASURES.get(b["measure"], "Geen") if b["measure"] else "Geen",
        "state": _state(b),
    }


def _state(b: dict[str, Any]) -> str:
    """Where the breach's measure stands, in a few words."""
    decision, kmd = b["decision"], b.get("participatiewet")
    if not b["measure"]:
        return "Geen maatregel nodig"
    if decision is None:
        return "Nog te besluiten"
    if decision.get("referred_to") == KLANTMANAGER:
        if kmd is None:
            return "Doorgestuurd naar de klantmanager"
        return "Uitkering verlaagd" if kmd["lowered"] else "Uitkering niet verlaagd"
    return "Genomen" if decision["taken"] else "Afgezien"


def _facts(b: dict[str, Any]) -> list[tuple[str, str]]:
    """The breach and its decisions as (label, value) in Dutch."""
    facts = [
        ("Datum", texts.as_date(b["on"])),
        ("Afspraak", b["obligation"]),
        ("Wat er gebeurde", b["description"]),
        ("Maatregel", MEASURES.get(b["measure"], "Geen") if b["measure"] else "Geen"),
        ("Stand", _state(b)),
    ]
    decision = b["decision"]
    if decision:
        facts.append(("Waarom", decision["reason"]))
        if decision.get("amount_eur"):
            facts.append(("Bedrag", f"{decision['amount_eur']} euro"))
        if decision.get("hearing"):
            heard = decision["hearing"]
            facts.append(("Gehoord", f"{texts.as_date(heard['on'])}: {heard['summary']}"))
    kmd = b.get("participatiewet")
    if kmd:
        facts += [
            ("Besluit van de klantmanager", texts.as_date(kmd["decided_on"])),
            ("Waarom (klantmanager)", kmd["reason"]),
        ]
    return facts


PIP = "/dossiers/{dossier_id:uuid}/pip/handhaving"
PAGES: tuple = (
    (PIP, breaches, ["GET", "POST"]),
    (f"{PIP}/{{number:int}}", breach, ["GET", "POST"]),
)
MENU: tuple = ()
