"""The dossier's consents tab: the person's consents (to whom, for what, which data, how long),
giving one, changing one (what the API lets change), withdrawing one after a confirmation, and
its receipt as a page that prints well, in the same words as consent's own receipt page
(`services/common/dutch.py`)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common import dutch
from services.common.clock import today_in_amsterdam
from services.contracts.categories import Categories
from services.contracts.values import LANGUAGE_NAMES
from services.werkplek import texts
from services.werkplek.dossier import DOSSIERS, tab
from services.werkplek.gateway import Gateway, Problem
from services.werkplek.sessions import Session

PARTNERS = "/api/v1/partners"
PROTOCOL = "/api/v1/sharing/protocol"
# The languages a person can be told about a consent in, by their Dutch name.
LANGUAGES = sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1])
# What each field needs, said for the regievoerder (the API's words are for developers).
_NEEDS = {
    "grantee": "Kies de organisatie die de gegevens krijgt.",
    "purpose": "Kies waarvoor de organisatie de gegevens mag gebruiken.",
    "categories": "Kies minstens één soort gegevens.",
    "valid_from": "Vul een datum in, of laat het leeg: dan geldt de toestemming vanaf vandaag.",
    "valid_until": "Vul de datum in waarop de toestemming eindigt.",
    "grantor_kind": "Kies wie de toestemming gaf.",
    "grantor_name": "Vul de naam van de wettelijk vertegenwoordiger in.",
    "collection_method": "Kies hoe de toestemming is gevraagd.",
    "collection_language": "Kies de taal waarin de persoon is ingelicht.",
    "evidence": "Vul het kenmerk van het bewijs in (hoogstens 200 tekens).",
    "reason": "Schrijf op waarom de toestemming verandert.",
    "on": "Vul een datum in, of laat het leeg: dan is het vandaag.",
}
# Problems that say more than "fill this in", by the words the API uses.
_SPECIFIC = (
    ("valid_until", "within 3 years", "Een toestemming geldt hoogstens 3 jaar na de begindatum."),
    ("valid_until", "must not be before", "De einddatum mag niet voor de begindatum liggen."),
    ("on", "in the future", "De datum mag niet in de toekomst liggen."),
    ("on", "must not be before", "De datum mag niet voor het begin van de toestemming liggen."),
)
NOTHING_CHANGED = "U hebt niets veranderd. Verander de gegevens, de einddatum of het bewijs."
NO_LONGER_OPEN = "Deze toestemming is ingetrokken of verlopen. Leg zo nodig een nieuwe vast."


def _consents_path(request: Request) -> str:
    return f"{DOSSIERS}/{request.path_params['dossier_id']}/consents"


def _tab_path(request: Request, suffix: str = "") -> str:
    return f"/dossiers/{request.path_params['dossier_id']}/toestemmingen{suffix}"


async def consents(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The person's consents: to whom, for what, which data, how long, and what to do next."""
    listed = await gateway.get(_consents_path(request))
    protocol = await gateway.get(PROTOCOL)
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_toestemmingen.html",
        consents=listed["consents"],
        purposes=protocol["purposes"],
        labels=texts.category_labels(),
        withdrawn=request.query_params.get("ingetrokken") == "1",
    )


async def give(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Give a consent: to which partner organisation, for what, which data, how long, who gave
    it, how and in which language it was asked; each problem at its field."""
    problems: dict[str, str] = {}
    values: dict[str, Any] = {"categories": [], "grantor_kind": "betrokkene"}
    if form is not None:
        values = _given_values(form)
        try:
            given = await gateway.send("POST", _consents_path(request), _given_body(values))
        except Problem as problem:
            problems = _problems(problem)
        else:
            receipt = _tab_path(request, f"/{given['id']}?vastgelegd=1")
            return RedirectResponse(receipt, status_code=303)
    protocol = await gateway.get(PROTOCOL)
    partners = (await gateway.get(PARTNERS))["partners"]
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_toestemmingen_geven.html",
        status=422 if problems else 200,
        problems=problems,
        values=values,
        grantees=_grantees(partners, protocol["recipient_kinds"]),
        purposes=list(protocol["purposes"].items()),
        categories=_category_options(),
        grantor_kinds=list(dutch.GRANTOR_KINDS.items()),
        methods=list(dutch.COLLECTION_METHODS.items()),
        languages=LANGUAGES,
        back=_tab_path(request),
    )


async def receipt(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """The consent's receipt, to print and hand to the person: names, data, dates and the
    language written out, and what happened to the consent since."""
    consent_id = request.path_params["consent_id"]
    shown = await gateway.get(f"{_consents_path(request)}/{consent_id}/receipt")
    done = next((key for key in ("vastgelegd", "gewijzigd") if request.query_params.get(key)), "")
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        "dossier_toestemmingen_bewijs.html",
        receipt=shown,
        rows=dutch.receipt_rows(shown),
        history=dutch.consent_history(shown["history"]),
        done=done,
        back=_tab_path(request),
        here=_tab_path(request, f"/{consent_id}"),
    )


async def change(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Change a consent: which data, until when, the evidence; with the reason. Only what
    changed is sent."""
    consent = await _consent(request, gateway)
    problems: dict[str, str] = {}
    values: dict[str, Any] = {
        "categories": consent["categories"],
        "valid_until": consent["valid_until"],
        "evidence": consent["evidence"],
        "reason": "",
    }
    if form is not None:
        values = {
            "categories": [str(c) for c in form.getlist("categories")],
            "valid_until": str(form.get("valid_until", "")).strip(),
            "evidence": str(form.get("evidence", "")).strip(),
            "reason": str(form.get("reason", "")).strip(),
        }
        changes = _changes(consent, values)
        path = f"{_consents_path(request)}/{consent['id']}"
        try:
            if changes:
                await gateway.send("PATCH", path, _change_body(changes, values))
        except Problem as problem:
            problems = _problems(problem)
        else:
            if changes:
                receipt = _tab_path(request, f"/{consent['id']}?gewijzigd=1")
                return RedirectResponse(receipt, status_code=303)
            problems = {"_": NOTHING_CHANGED}
    return await _consent_form(
        request,
        werkplek,
        session,
        gateway,
        "dossier_toestemmingen_wijzigen.html",
        consent,
        problems,
        values,
        categories=_category_options(),
    )


async def withdraw(
    request: Request, werkplek: Any, session: Session, gateway: Gateway, form: FormData | None
) -> Response:
    """Withdraw a consent, after a question whether that is what is meant: from a day (today
    when left empty), with a reason when the person gave one."""
    consent = await _consent(request, gateway)
    problems: dict[str, str] = {}
    values = {"on": "", "reason": ""}
    if form is not None:
        values = {k: str(form.get(k, "")).strip() for k in values}
        body: dict[str, Any] = {"reason": values["reason"]}
        if values["on"]:
            body["on"] = values["on"]
        try:
            await gateway.send(
                "POST", f"{_consents_path(request)}/{consent['id']}/withdrawal", body
            )
        except Problem as problem:
            problems = _problems(problem)
        else:
            return RedirectResponse(_tab_path(request, "?ingetrokken=1"), status_code=303)
    return await _consent_form(
        request,
        werkplek,
        session,
        gateway,
        "dossier_toestemmingen_intrekken.html",
        consent,
        problems,
        values,
        today=today_in_amsterdam(),
    )


async def _consent_form(
    request: Request,
    werkplek: Any,
    session: Session,
    gateway: Gateway,
    template: str,
    consent: dict[str, Any],
    problems: dict[str, str],
    values: dict[str, Any],
    **context: Any,
) -> Response:
    """A form about one consent, with what it is about written out above it."""
    protocol = await gateway.get(PROTOCOL)
    return await tab(
        request,
        werkplek,
        session,
        gateway,
        template,
        status=422 if problems else 200,
        consent=consent,
        purpose=protocol["purposes"].get(consent["purpose"], consent["purpose"]),
        labels=texts.category_labels(),
        problems=problems,
        values=values,
        back=_tab_path(request, f"/{consent['id']}"),
        **context,
    )


async def _consent(request: Request, gateway: Gateway) -> dict[str, Any]:
    """The consent the path names, of this dossier; not found otherwise."""
    listed = await gateway.get(_consents_path(request))
    wanted = str(request.path_params["consent_id"])
    for consent in listed["consents"]:
        if consent["id"] == wanted:
            return consent
    raise Problem(status=404)


def _given_values(form: FormData) -> dict[str, Any]:
    names = (
        "grantee", "purpose", "valid_from", "valid_until", "grantor_kind", "grantor_name",
        "collection_method", "collection_language", "evidence",
    )  # fmt: skip
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in names}
    values["categories"] = [str(c) for c in form.getlist("categories")]
    return values


def _given_body(values: dict[str, Any]) -> dict[str, Any]:
    """The API's ConsentGiven from the form: a field left empty is left out, so the API names
    it."""
    grantor = {"kind": values["grantor_kind"]}
    if values["grantor_name"]:
        grantor["name"] = values["grantor_name"]
    body: dict[str, Any] = {
        "grantor": grantor,
        "grantee": {"oin": values["grantee"]},
        "purpose": values["purpose"],
        "categories": values["categories"],
        "collection": {
            "method": values["collection_method"],
            "language": values["collection_language"],
        },
        "evidence": values["evidence"],
    }
    for name in ("valid_from", "valid_until"):
        if values[name]:
            body[name] = values[name]
    return body


def _changes(consent: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """The fields the form changes."""
    changed = []
    if sorted(values["categories"]) != sorted(consent["categories"]):
        changed.append("categories")
    for name in ("valid_until", "evidence"):
        if values[name] != consent[name]:
            changed.append(name)
    return changed


def _change_body(changes: list[str], values: dict[str, Any]) -> dict[str, Any]:
    """The API's ConsentChange: only what changed, and the reason (empty: the API names it)."""
    body: dict[str, Any] = {name: values[name] for name in changes}
    if values["reason"]:
        body["reason"] = values["reason"]
    return body


def _problems(problem: Problem) -> dict[str, str]:
    """The gateway's refusal of a consent form, each problem at its field, in Dutch; `_` for
    the form as a whole."""
    if problem.status == 404 and "partner" in problem.detail:
        return {"grantee": _NEEDS["grantee"]}
    if problem.status == 409 and not problem.errors:
        return {"_": NO_LONGER_OPEN}
    if problem.status not in (400, 409, 422):
        raise problem
    found: dict[str, str] = {}
    for path, detail in problem.field_errors().items():
        field = _field_of(path)
        if not field:
            found.setdefault("_", NOTHING_CHANGED)
            continue
        specific = [said for name, words, said in _SPECIFIC if name == field and words in detail]
        found.setdefault(
            field, (specific or [_NEEDS.get(field) or texts.field_problem(field, detail)])[0]
        )
    return found or {"_": "Dit klopt niet. Kijk het nog eens na."}


def _field_of(path: str) -> str:
    """The form field of a path in the API's body: `collection/method` is `collection_method`,
    `categories/0` is `categories`, `grantee/oin` is `grantee`."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return ""
    if parts[0] in ("grantor", "collection") and len(parts) > 1:
        return f"{parts[0]}_{parts[1]}"
    return parts[0]


def _grantees(
    partners: list[dict[str, Any]], kinds: dict[str, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The partner organisations by kind (the protocol's words), each by name: (kind, options)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for partner in partners:
        groups.setdefault(partner["kind"], []).append((partner["oin"], partner["name"]))
    return [(kinds.get(kind, kind), groups[kind]) for kind in kinds if kind in groups] + [
        (kind, options) for kind, options in groups.items() if kind not in kinds
    ]


def _category_options() -> list[tuple[str, str]]:
    """The data categories a consent can cover: (name, "Label: what it holds")."""
    categories = Categories.load()
    return [
        (name, f"{categories.labels[name]['label']}: {categories.labels[name]['description']}")
        for name in categories.names()
    ]


CONSENT = "/dossiers/{dossier_id:uuid}/toestemmingen/{consent_id:uuid}"
PAGES: tuple = (
    ("/dossiers/{dossier_id:uuid}/toestemmingen", consents, ["GET"]),
    ("/dossiers/{dossier_id:uuid}/toestemmingen/nieuw", give, ["GET", "POST"]),
    (CONSENT, receipt, ["GET"]),
    (f"{CONSENT}/wijzigen", change, ["GET", "POST"]),
    (f"{CONSENT}/intrekken", withdraw, ["GET", "POST"]),
)
MENU: tuple = ()
