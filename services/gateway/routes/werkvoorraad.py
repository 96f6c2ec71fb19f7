"""The werkvoorraad: one read over intake and pip, for the people of the caller's gemeenten."""

from __future__ import annotations

from typing import Any

from services.common.access import Action
from services.contracts import gateway as c
from services.gateway.routing import Call, Read, Route

# The order a regievoerder reads them in: what is late first.
ORDER = (
    "pip_deadline_missed",
    "pip_deadline_soon",
    "signals_new",
    "intake_open",
    "pip_to_establish",
    "termijn_ending",
    "obligation_coming",
    "moves_to_accept",
    "moves_proposed",
)


def werkvoorraad(call: Call) -> dict[str, Any]:
    pip = call.invoke("pip.worklist")
    named = sorted({i["dossier_id"] for entry in pip.values() for i in entry["items"]})
    intake = call.invoke("intake.worklist", named)
    lists, names = {**pip, **intake["lists"]}, intake["names"]
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


ROUTES = (
    Route(
        "GET",
        "/api/v1/werkvoorraad",
        "getWerkvoorraad",
        "The werkvoorraad of the gemeenten the caller acts for",
        Action.READ_DOSSIER,
        "dossier-inzien",
        werkvoorraad,
        answer=c.Werkvoorraad,
        answer_description="Each list with its count and its first 50 dossiers, earliest first.",
        errors=(401, 403, 503, 504),
        read=Read(
            "werkvoorraad",
            each=lambda answer: [
                (item["dossier_id"], item["gemeente"], ["identiteit"])
                for entry in answer["lists"]
                for item in entry["items"]
            ],
        ),
    ),
)
