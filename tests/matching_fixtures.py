"""Ready-made guides, placements and a person with an established PIP, for matching's unit and
end-to-end tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

TRAINING = "basistraining-maatschappelijke-begeleiding"
VWN = "00000003000000000001"  # VluchtelingenWerk: maatschappelijke begeleiding
KRINGLOOP = "00000003000000000003"  # Kringloop: werkgever (volunteer work, internships)


def guide_body(name: str, today: date, **overrides: Any) -> dict[str, Any]:
    """A guide who passes every hard constraint in Utrecht, unless `overrides` say otherwise."""
    body = {
        "name": name,
        "kind": "vrijwilliger",
        "languages": {"nl": "C2", "en": "B2"},
        "gemeenten": ["0344"],
        "hours_per_week": 4,
        "days": ["di", "do"],
        "interests": ["participatie"],
        "phases": [2],
        "routes": ["z"],
        "training": {TRAINING: (today - timedelta(days=200)).isoformat()},
        "vog_issued_on": (today - timedelta(days=400)).isoformat(),
        "max_caseload": 3,
    }
    body.update(overrides)
    return body


def placement_body(title: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": title,
        "kind": "leerwerkvrijwilligerswerk",
        "gemeente": "0344",
        "hours_per_week": 8,
        "dutch_required": "A2",
        "z_route_suitable": True,
        "skills": ["participatie"],
        "capacity": 2,
    }
    body.update(overrides)
    return body


# Semhar: speaks Tigrinya (mother tongue) and Arabic, hardly any Dutch; Z-route; phase 2.
SEMHAR_PROFILE = {
    "languages": {"ti": "C2", "ar": "B1"},
    "dutch_level": "A0",
    "days": ["di", "do"],
}


def phase_two_goals(decided_on: date) -> list[dict[str, Any]]:
    """Two goals in Piëzo phase 2, one owned by the guide's organisation."""
    due = (decided_on + timedelta(days=120)).isoformat()
    guide = {"organisation": "VluchtelingenWerk", "role": "begeleider", "oin": VWN}
    return [
        {
            "domain": "participatie",
            "term": "kort",
            "description": "Leerwerkvrijwilligerswerk bij de kringloop, twee dagdelen.",
            "measure": "Drie maanden twee dagdelen per week.",
            "due_on": due,
            "phase": 2,
            "owner": guide,
        },
        {
            "domain": "sociaal_netwerk",
            "term": "kort",
            "description": "Zelf naar de buurtvereniging gaan.",
            "measure": "Eens per week zonder begeleider.",
            "due_on": due,
            "phase": 2,
            "owner": guide,
        },
    ]
