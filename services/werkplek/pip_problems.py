"""What the API found wrong with a PIP form, per form field and in Dutch at B1 level: the field
(the API's path with `_` for its separators), what it is about in words, and where it is put
right."""

from __future__ import annotations

import re
from typing import Any

from services.werkplek import texts
from services.werkplek.gateway import Problem
from services.werkplek.pip_texts import MODULES, SECTIONS

# The API's words for what is wrong with a PIP field, and the same at B1 level; the first that
# fits. The general ones in texts.field_problem come after these.
_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), dutch)
    for pattern, dutch in (
        (r"is required before the PIP can be established", "Vul dit onderdeel eerst in."),
        (r"at least one goal on health", "Het plan heeft ten minste één doel over gezondheid."),
        (r"at least one goal", "Het plan heeft ten minste één doel met een eigenaar."),
        (r"is required in the", "Dit onderdeel hoort bij deze leerroute. Vul het in."),
        (r"is not part of the", "Dit onderdeel hoort niet bij deze leerroute. Maak het leeg."),
        (r"must add up to at least (\d+)", "Samen zijn dit te weinig uren: minstens {0} uur."),
        (r"must be at least (\d+) in the", "Dit zijn te weinig uren: minstens {0} uur."),
        (
            r"within the inburgeringstermijn",
            "Kies een datum na het vaststellen en binnen de inburgeringstermijn van drie jaar.",
        ),
        (r"^must be after", "Kies een datum na de datum van het besluit."),
        (
            r"backdating|dated more than",
            "Schrijf op waarom het besluit een datum heeft van meer dan 14 dagen geleden.",
        ),
        (
            r"A2 in the B1-route",
            "Taalniveau A2 in de B1-route kan alleen door af te schalen, met een bijstelling.",
        ),
        (r"afschalen lowers", "Bij afschalen gaat het taaldoel van de B1-route van B1 naar A2."),
        (
            r"NT2 at a certified school",
            "Afschalen kan pas na minstens 600 uur NT2-les bij een erkende school.",
        ),
        (r"must be true: the NT2 hours", "Alleen uren bij een erkende school tellen mee."),
        (r"must be true: ontzorgen", "Ontzorgen kan alleen met een machtiging van de persoon."),
        (r"must be routewijziging", "Kies 'Andere leerroute' als de leerroute verandert."),
        (r"must be afschalen", "Kies 'Taaldoel van B1 naar A2' om naar A2 te gaan."),
        (r"must differ from the current", "Kies een andere leerroute dan de huidige."),
        (r"stays the same on a move", "Bij een verhuizing blijft de leerroute hetzelfde."),
        (r"must differ from", "Kies een andere gemeente dan de gemeente van nu."),
        (r"not goals of this PIP", "Dit doel staat niet (meer) in het plan."),
        (r"names a goal more than once", "Noem elk doel maar één keer."),
        (r"whole number|integer", "Vul een heel getal in."),
        (r"^must be at least (\d+)$", "Vul {0} of meer in."),
        (r"^must be at most (\d+)$", "Vul {0} of minder in."),
        (r"^must match", "Vul dit in."),
        (r"must not be before|before the PIP", "Deze datum is te vroeg."),
    )
)


def field_problem(field: str, detail: str) -> str:
    """What was wrong with a PIP field, in Dutch."""
    for pattern, dutch in _PROBLEMS:
        found = pattern.search(detail)
        if found:
            return dutch.format(*(g for g in found.groups() if g))
    return texts.field_problem(re.split(r"[./]", field)[-1], detail)


# The API's words for what cannot be done now, and the same at B1 level.
_CONFLICTS = (
    (
        "after the brede intake is completed",
        "Het PIP kan pas worden vastgesteld als de brede intake is afgerond.",
    ),
    (
        "extension is waiting",
        "Er wordt nog gewacht op informatie (verlenging). Leg eerst vast dat die binnen is.",
    ),
    (
        "the PIP is established",
        "Het PIP is al vastgesteld. U kunt het alleen nog bijstellen, met een reden.",
    ),
    ("not established yet", "Het PIP is nog niet vastgesteld."),
    (
        "route switch is allowed up to",
        "Een andere leerroute kan tot anderhalf jaar na het "
        "vaststellen van het PIP. Die tijd is voorbij.",
    ),
)


def conflict(detail: str) -> str:
    """Why the API would not do it now, in Dutch."""
    for words, dutch in _CONFLICTS:
        if words in detail:
            return dutch
    return (
        "Dit kan nu niet. Misschien is het PIP intussen veranderd. Kijk het na en probeer het "
        "opnieuw."
    )


# The labels of fields a problem may name, for the list of problems above a form.
LABELS = {
    "decided_on": "Datum van het besluit",
    "backdating_reason": "Reden voor de datum",
    "kind": "Soort bijstelling",
    "explanation": "Waarom wordt het plan bijgesteld?",
    "evidence": "Bewijs",
    "status": "Stand van het doel",
    "on": "Datum",
    "note": "Toelichting",
    "description": "Doel",
    "measure": "Hoe weten we dat het doel bereikt is?",
    "due_on": "Klaar op",
    "phase": "Fase",
    "owner": "Wie trekt het doel",
    "owner_organisation": "Organisatie die het doel trekt",
    "owner_role": "Rol",
    "domain": "Leefgebied",
    "term": "Termijn",
    "prevention": "Preventie",
}


# The parts of a section or of evidence a problem may name, in words.
PARTS = {
    "route": "route",
    "language_target": "taaldoel",
    "end_date": "einddatum",
    "hours": "uren in totaal",
    "hours_per_week": "uren per week",
    "applies": "ja of nee",
    "from": "vanaf",
    "months": "maanden",
    "authorised": "machtiging",
    "reason": "waarom niet",
    "kind": "soort",
    "description": "wat er geregeld moet zijn",
    "how": "hoe",
    "method": "hoe",
    "every_weeks": "elke hoeveel weken",
    "nt2_hours": "uren NT2-les",
    "school": "school",
    "certified": "erkende school",
    "effort": "wat de persoon deed",
    "to_gemeente": "gemeente",
}
for _owner in ("provider", "arranged_by", "by"):
    PARTS |= {f"{_owner}_organisation": "organisatie", f"{_owner}_role": "rol", _owner: "wie"}


def _section_label(field: str, section: str) -> str:
    """A field of a section in words: "Onderdelen van de leerroute, NT2, uren per week"."""
    words = [SECTIONS[section]]
    rest = field.removeprefix(section).strip("_")
    if section == "modules" and rest:
        module, _, rest = rest.partition("_")
        words.append(MODULES.get(module, module))
    if section == "preconditions" and rest:
        index, _, rest = rest.partition("_")
        words.append(f"voorwaarde {int(index) + 1}" if index.isdigit() else index)
    if rest:
        words.append(PARTS.get(rest, rest.replace("_", " ")))
    return ", ".join(words)


def problems_of(problem: Problem) -> dict[str, str]:
    """The gateway's refusal of a PIP form, per form field (the API's path with `_` for its
    separators), in Dutch."""
    if problem.status not in (400, 409, 422):
        raise problem
    found: dict[str, str] = {}
    for name, detail in problem.field_errors().items():
        found.setdefault(re.sub(r"[./]", "_", name), field_problem(name, detail))
    if problem.status == 409 and not found:
        found["_"] = conflict(problem.detail)
    return found


def labels_of(problems: dict[str, str], goals: list[dict[str, Any]]) -> dict[str, str]:
    """What each problem is about, in words: a field, a goal or a section of the plan."""
    names = {g["id"]: g["description"] for g in goals}
    labels = {}
    for field in problems:
        found = re.match(r"^(?:change_)?goals_([0-9a-f-]{36})(?:_(\w+))?$", field)
        new = re.match(r"^add_goals_\d+_?(\w*)$", field)
        section = field.removeprefix("sections_").split("_")[0]
        if field in LABELS:
            labels[field] = LABELS[field]
        elif found:
            labels[field] = f"Doel '{names.get(found[1], 'onbekend')}'" + (
                f", {LABELS.get(found[2], found[2]).lower()}" if found[2] else ""
            )
        elif new:
            labels[field] = "Nieuw doel" + (
                f", {LABELS.get(new[1], new[1]).lower()}" if new[1] else ""
            )
        elif section in SECTIONS:
            labels[field] = _section_label(field.removeprefix("sections_"), section)
        elif field.startswith("evidence"):
            rest = field.removeprefix("evidence").strip("_")
            labels[field] = ", ".join(
                [LABELS["evidence"], *([PARTS.get(rest, rest)] if rest else [])]
            )
        else:
            labels[field] = field
    return labels


def links_of(problems: dict[str, str], page: str) -> dict[str, str]:
    """Where each of the plan's problems is put right: its section's field, or its goal."""
    links = {}
    for field in problems:
        goal = re.match(r"^goals_([0-9a-f-]{36})", field)
        if goal:
            links[field] = f"{page}/doelen/{goal[1]}"
        elif field == "goals":
            links[field] = f"{page}#doel-toevoegen"
        elif field.split("_")[0] in SECTIONS:
            links[field] = f"{page}/onderdelen#{field}"
    return links
