"""Ready-made PIP contents and intake events, for unit, integration and end-to-end tests."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from services.common.clock import AMSTERDAM
from services.common.envelope import sequence_string
from services.pip.rules import add_months

_positions = itertools.count(1)


def intake_event(
    event_type: str, data: dict[str, Any], gemeente: str = "0344", on: date | None = None
) -> dict[str, Any]:
    """An intake integration event as pip receives it, at the next position of a fake log."""
    moment = datetime.combine(on or date(2026, 9, 1), time(10), AMSTERDAM)
    return {
        "specversion": "1.0",
        "type": event_type,
        "id": str(uuid.uuid4()),
        "time": moment.isoformat(),
        "subject": data["dossier_id"],
        "sequence": sequence_string(next(_positions)),
        "origin": "intake",
        "actor": "u-regievoerder",
        "actorroles": "regievoerder",
        "organisation": "00000001000000000344",
        "gemeente": gemeente,
        "activity": "brede-intake",
        "correlationid": uuid.uuid4().hex,
        "data": data,
    }


def registered(dossier_id: str, duo: date, brp: date, gemeente: str = "0344") -> dict[str, Any]:
    return intake_event(
        "nl.wegwijs.intake.dossier.geregistreerd.v1",
        {
            "dossier_id": dossier_id,
            "gemeente": gemeente,
            "duo_notice_date": duo.isoformat(),
            "brp_registration_date": brp.isoformat(),
        },
        gemeente,
        on=brp,
    )


def intake_completed(
    dossier_id: str,
    route: str = "b1",
    open_items: tuple[str, ...] = ("zorgverzekering-regelen",),
    gemeente: str = "0344",
    on: date | None = None,
) -> dict[str, Any]:
    return intake_event(
        "nl.wegwijs.intake.brede-intake.afgerond.v1",
        {
            "dossier_id": dossier_id,
            "route_advice": {"route": route, "rule": "standaard-b1", "reasons": ["B1 haalbaar."]},
            "summary": {
                "domains": ["gezondheid"],
                "education_entries": 1,
                "work_entries": 0,
                "open_practical_items": list(open_items),
                "conversations": 1,
                "no_shows": 0,
            },
        },
        gemeente,
        on=on,
    )


OWNER = {"organisation": "Gemeente Utrecht", "role": "regievoerder"}
GUIDE = {"organisation": "VluchtelingenWerk Midden-Nederland", "role": "begeleider"}
SCHOOL = {"organisation": "Taalschool Utrecht", "role": "taalaanbieder"}


def sections(decided_on: date, route: str = "b1") -> dict[str, Any]:
    """Complete, valid sections of a PIP decided on `decided_on`, for `route`."""
    modules = {
        "nt2": {"hours": 600, "hours_per_week": 12, "provider": SCHOOL},
        "knm": {"hours": 40, "hours_per_week": 2, "provider": SCHOOL},
        "pvt": {"hours": 12, "hours_per_week": 2, "provider": OWNER},
        "map": {"hours": 40, "hours_per_week": 4, "provider": GUIDE},
    }
    if route == "onderwijs":
        del modules["map"]
    if route == "z":
        modules["nt2"]["hours"] = 760
        modules["participatie"] = {"hours": 800, "hours_per_week": 8, "provider": GUIDE}
    return {
        "leerroute": {
            "route": route,
            "end_date": add_months(decided_on, 30).isoformat(),
            "provider": SCHOOL,
        },
        "modules": modules,
        "ontzorgen": {
            "applies": True,
            "from": decided_on.isoformat(),
            "months": 6,
            "authorised": True,
        },
        "preconditions": [
            {"kind": "kinderopvang", "description": "Twee dagdelen per week.", "arranged_by": OWNER}
        ],
        "guidance": {"by": GUIDE, "how": "Vaste begeleider, wekelijks thuis.", "hours_per_week": 2},
        "monitoring": {"method": "voortgangsgesprek", "every_weeks": 6, "by": OWNER},
    }


def goal(decided_on: date, domain: str = "gezondheid", owner: dict | None = None, **extra):
    return {
        "domain": domain,
        "term": "kort",
        "description": f"Doel op {domain}.",
        "measure": "Afgesproken en nagekomen.",
        "due_on": (decided_on + timedelta(days=120)).isoformat(),
        "phase": 0,
        "owner": owner or OWNER,
        **extra,
    }
