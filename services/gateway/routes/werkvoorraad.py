"""The werkvoorraad: one read over intake and pip, for the people of the caller's gemeenten, or
of one regievoerder."""

from __future__ import annotations

from typing import Any

from services.common.access import Action
from services.contracts import gateway as c
from services.gateway.routing import Call, Read, Route

# The order a regievoerder reads them in: what is late first.
ORDER = (
    "pip_deadline_missed",
    "pip_deadline_warned",
    "pip_deadline_soon",
    "signals_new",
    "breaches_to_decide",
    "intake_open",
    "pip_to_establish",
    "termijn_warned",
    "termijn_ending",
    "obligation_coming",
    "moves_to_accept",
    "moves_proposed",
)
LIMIT = 50
# Lists both services keep a part of (intake's sanction steps, pip's measures): merged.
MERGED = ("breaches_to_decide",)


def werkvoorraad(call: Call) -> dict[str, Any]:
    query = call.query
    only = None
    if query.regievoerder is not None:
        only = call.invoke("intake.regievoerder_dossiers", query.regievoerder, query.gemeente)
    pip = call.invoke("pip.worklist", query.within_days, only, query.gemeente)
    named = sorted({i["dossier_id"] for entry in pip.values() for i in entry["items"]})
    intake = call.invoke("intake.worklist", named, query.regievoerder, query.gemeente)
    lists, names = {**pip, **intake["lists"]}, intake["names"]
    for key in MERGED:
        lists[key] = _merged(pip.get(key), intake["lists"].get(key))
    return {
        "lists": [
            {
                "key": key,
                "count": lists[key]["count"],
                "items": [
                    {**item, **names[item["dossier_id"]]}
                    for item in lists[key]["items"]
                    if item["dossier_id"] in names
                ],
            }
            for key in ORDER
        ]
    }


def _merged(*parts: dict[str, Any] | None) -> dict[str, Any]:
    """One list of the parts: their counts added, the first LIMIT items earliest first."""
    given = [p for p in parts if p]
    items = sorted(
        (item for part in given for item in part["items"]),
        key=lambda item: (item["on"] or "", item["dossier_id"]),
    )
    return {"count": sum(p["count"] for p in given), "items": items[:LIMIT]}


def _reads(answer: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """One read per dossier shown, on however many lists: the person's name, and for a breach
    what is due about them."""
    found: dict[tuple[str, str], set[str]] = {}
    for entry in answer["lists"]:
        for item in entry["items"]:
            shown = found.setdefault((item["dossier_id"], item["gemeente"]), {"identiteit"})
            if entry["key"] in MERGED:
                shown.add("handhaving")
    return [(dossier, gemeente, sorted(cats)) for (dossier, gemeente), cats in found.items()]


ROUTES = (
    Route(
        "GET",
        "/api/v1/werkvoorraad",
        "getWerkvoorraad",
        "The werkvoorraad of the gemeenten the caller acts for (or one of them), or of one"
        " regievoerder",
        Action.READ_DOSSIER,
        "dossier-inzien",
        werkvoorraad,
        query=c.WerkvoorraadQuery,
        answer=c.Werkvoorraad,
        answer_description="Each list with its count and its first 50 items, earliest first.",
        errors=(401, 403, 422, 503, 504),
        read=Read("werkvoorraad", each=_reads),
    ),
)
