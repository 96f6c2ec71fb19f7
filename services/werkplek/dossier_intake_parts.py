"""The brede intake's parts as forms. A part's fields, their kind, choices, limits and whether
they are required come from its published model (its JSON Schema); only the Dutch words are
declared here. A form's values become the part's body, and a recorded part the form again."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from services.contracts import intake as contract
from services.werkplek import texts

# Each field's label, by its name in the contracts (the same name means the same thing).
LABELS = {
    "taken_on": "Datum van de toets",
    "outcome": "Uitkomst",
    "country": "Land",
    "level": "Niveau",
    "years": "Aantal jaren",
    "diploma": "Diploma gehaald?",
    "recognition_requested": "Erkenning van het diploma aangevraagd?",
    "occupation": "Beroep",
    "summary": "Samenvatting",
    "physical_health": "Lichamelijke gezondheid",
    "mental_health": "Psychische gezondheid",
    "route": "Leerroute",
    "reason": "Waarom deze leerroute?",
    "planned_on": "Datum van het gesprek",
    "purpose": "Doel van het gesprek",
    "attended": "Is de persoon gekomen?",
    "excused": "Had de persoon zich van tevoren afgemeld, met een reden?",
    "note": "Wat is er gebeurd?",
    "situation": "Woonsituatie",
    "notes": "Toelichting",
    "health_insurance": "Heeft een zorgverzekering?",
    "gp_registered": "Ingeschreven bij een huisarts?",
    "physical": "Lichamelijke gezondheid",
    "mental": "Psychische gezondheid",
    "prevention": "Preventie",
    "income": "Inkomen",
    "debts": "Heeft schulden?",
    "huurtoeslag_applied": "Huurtoeslag aangevraagd?",
    "zorgtoeslag_applied": "Zorgtoeslag aangevraagd?",
    "kinderopvangtoeslag_applied": "Kinderopvangtoeslag aangevraagd?",
    "advance_needed": "Voorschot op de uitkering nodig?",
    "partner": "Heeft een partner?",
    "children": "Aantal kinderen",
    "childcare_needed": "Kinderopvang nodig?",
    "one_to_one_offered": "Een apart gesprek aangeboden?",
    "vve_explained": "Voor- en vroegschoolse educatie (vve) uitgelegd?",
    "school_enrolment_needed": "Moet een kind nog op een school worden ingeschreven?",
    "contacts_in_nl": "Heeft contacten in Nederland?",
    "intention": "Wil de persoon in Nederland blijven?",
    "expectations": "Wat verwacht de persoon van de inburgering?",
    "three_year_goal": "Wat wil de persoon over 3 jaar bereikt hebben?",
}
HINTS = {
    "summary": "Wat is belangrijk om te weten over de situatie van de persoon?",
    "physical_health": "Alleen de regievoerder ziet dit.",
    "mental_health": "Alleen de regievoerder ziet dit.",
    "reason": "Verplicht als u een andere route kiest dan het advies of de leerbaarheidstoets.",
    "note": "Verplicht als de persoon niet kwam: wat er gebeurde, of de reden van de afmelding.",
    "excused": "Een afmelding met een reden (bijvoorbeeld ziekte) telt niet mee voor een sanctie.",
    "prevention": "Bijvoorbeeld vaccinaties, tandarts of controles.",
    "one_to_one_offered": "Iedere volwassene in het gezin kan ook alleen met u praten.",
}
# The Dutch for each choice, by field; the values are the contracts' Literals.
CHOICES = {
    "outcome": {"hoog": "hoog", "gemiddeld": "gemiddeld", "laag": "laag"},
    "level": {
        "geen": "Geen opleiding",
        "basis": "Basisonderwijs",
        "voortgezet": "Voortgezet onderwijs",
        "mbo": "Mbo",
        "hbo": "Hbo",
        "wo": "Universiteit (wo)",
    },
    "route": {"b1": "B1-route", "onderwijs": "Onderwijsroute", "z": "Z-route"},
    "situation": {
        "zelfstandig": "Eigen woning",
        "tijdelijk": "Tijdelijke woning",
        "opvang": "Opvang",
        "geen": "Geen woning",
    },
    "income": {
        "bijstand": "Bijstandsuitkering",
        "werk": "Loon uit werk",
        "geen": "Geen inkomen",
        "anders": "Ander inkomen",
    },
    "intention": {
        "blijven": "Wil blijven",
        "terugkeren": "Wil terug naar het land van herkomst",
        "onzeker": "Weet het nog niet",
    },
}
# Fields the API requires in some cases only, as their hint says.
SOMETIMES_REQUIRED = frozenset({"reason", "note"})
YES_NO = {"ja": True, "nee": False}
OUTCOMES = {"bijgewoond": "Gekomen", "niet verschenen": "Niet gekomen"}
_WHOLE_NUMBER = re.compile(r"^-?\d{1,6}$")


@dataclass(frozen=True)
class Field:
    """One input of a part's form."""

    name: str
    label: str
    kind: str  # text, textarea, date, number, choice or yesno
    required: bool
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    low: int | None = None
    high: int | None = None

    @property
    def asked(self) -> str:
        """The label above the input: it says when the field may be left empty."""
        optional = not self.required and self.name not in SOMETIMES_REQUIRED
        return f"{self.label} (niet verplicht)" if optional else self.label

    def body_value(self, text: str) -> Any:
        """What the API is sent for the text of the form; None leaves the field out."""
        text = text.strip()
        if not text:
            return None
        if self.kind == "yesno":
            return YES_NO.get(text, text)
        if self.kind == "number" and _WHOLE_NUMBER.match(text):
            return int(text)
        return text  # anything else the API refuses, naming this field

    def form_value(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "ja" if value else "nee"
        return str(value)

    def shown(self, value: Any) -> str:
        """A recorded value in Dutch."""
        if isinstance(value, bool):
            return "ja" if value else "nee"
        if self.kind == "choice":
            return dict(self.choices).get(value, str(value))
        if self.kind == "date":
            return texts.as_date(value)
        return "" if value is None else str(value)

    def problem(self, dutch: str) -> str:
        """What was wrong, said for this kind of field."""
        if dutch == "Vul dit in.":
            return "Kies ja of nee." if self.kind == "yesno" else dutch
        if self.kind == "number":
            return f"Vul een heel getal in van {self.low} tot en met {self.high}."
        if self.kind == "yesno":
            return "Kies ja of nee."
        if self.kind == "choice":
            return "Kies een van de mogelijkheden."
        return dutch


@cache
def fields_of(model: Any) -> tuple[Field, ...]:
    """The inputs of a form for the published model `model`, in its order."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    return tuple(
        _field(name, spec, name in required) for name, spec in schema["properties"].items()
    )


def _field(name: str, spec: dict[str, Any], required: bool) -> Field:
    [given] = [kind for kind in spec.get("anyOf", [spec]) if kind.get("type") != "null"]
    label = LABELS[name]
    hint = HINTS.get(name, "")
    if "enum" in given:
        choices = tuple((value, CHOICES[name][value]) for value in given["enum"])
        return Field(name, label, "choice", required, choices, hint)
    if given.get("type") == "boolean":
        return Field(name, label, "yesno", required, hint=hint)
    if given.get("type") == "integer":
        low, high = given.get("minimum"), given.get("maximum")
        return Field(name, label, "number", required, hint=hint, low=low, high=high)
    if given.get("format") == "date":
        return Field(name, label, "date", required, hint=hint)
    long = given.get("maxLength", 0) > 200
    return Field(name, label, "textarea" if long else "text", required, hint=hint)


@dataclass(frozen=True)
class Part:
    """A part of the brede intake: its page, its form and where the intake answer has it."""

    slug: str  # the page, under /dossiers/{id}/intake/
    title: str
    model: Any  # the contract's model of the part's body
    method: str
    api: str  # the API's path, under .../intake
    recorded: Callable[[dict[str, Any]], Any]  # what the intake answer holds of it
    steps: tuple[str, ...]  # the history's steps that record it
    about: str | None = None  # the history's `about` of those steps (a life domain)
    many: bool = False  # each form adds an entry
    form_title: str = ""
    legal: bool = False  # one of the three parts the law requires
    counted: tuple[str, str] = ("", "")  # an entry, and several, of a part that has several
    intro: str = ""
    button: str = "Opslaan"

    @property
    def fields(self) -> tuple[Field, ...]:
        return fields_of(self.model)

    def body(self, values: dict[str, str]) -> dict[str, Any]:
        """The part's body from the form's values: what is left empty is left out."""
        sent = {f.name: f.body_value(values.get(f.name, "")) for f in self.fields}
        return {name: value for name, value in sent.items() if value is not None}

    def form_values(self, recorded: Any) -> dict[str, str]:
        """A recorded part as the form's values, to change it."""
        if self.many or not isinstance(recorded, dict):
            return {}
        return {f.name: f.form_value(recorded.get(f.name)) for f in self.fields}

    def facts(self, recorded: Any) -> list[tuple[str, str]]:
        """A recorded part as (label, value) in Dutch, what was recorded only."""
        if not isinstance(recorded, dict):
            return []
        return [
            (f.label, f.shown(recorded[f.name]))
            for f in self.fields
            if recorded.get(f.name) not in (None, "")
        ]

    def rows(self, recorded: Any) -> list[list[str]]:
        """The entries of a part that has several, each as its values in Dutch."""
        return [[f.shown(entry.get(f.name)) for f in self.fields] for entry in recorded or []]


DOMAIN_TITLES = {
    "huisvesting": "Huisvesting",
    "gezondheid": "Gezondheid",
    "financien": "Financiën",
    "gezin": "Gezin",
    "sociaal_netwerk": "Sociaal netwerk",
    "verblijfsintentie": "Blijven of teruggaan",
    "verwachtingen": "Verwachtingen",
}
DOMAIN_INTROS = {
    "gezondheid": "Gezondheid is een bijzonder persoonsgegeven. Alleen de regievoerder ziet dit"
    " leefgebied.",
    "verwachtingen": "Schrijf op wat de persoon zelf zegt, in eigen woorden.",
}


def _domain(domain: str) -> Part:
    return Part(
        f"domeinen/{domain}",
        DOMAIN_TITLES[domain],
        contract.LIFE_DOMAINS[domain],
        "PUT",
        f"/domains/{domain}",
        lambda intake: intake["domains"].get(domain),
        ("LifeDomainRecorded",),
        about=domain,
        form_title=f"Leefgebied {DOMAIN_TITLES[domain].lower()} vastleggen",
        intro=DOMAIN_INTROS.get(domain, ""),
    )


LEERBAARHEIDSTOETS = Part(
    "leerbaarheidstoets",
    "Leerbaarheidstoets",
    contract.Leerbaarheidstoets,
    "PUT",
    "/leerbaarheidstoets",
    lambda intake: intake["leerbaarheidstoets"],
    ("LeerbaarheidstoetsRecorded",),
    form_title="Leerbaarheidstoets vastleggen",
    legal=True,
)
CONVERSATIONS = Part(
    "gesprekken",
    "Gesprekken",
    contract.Invitation,
    "POST",
    "/conversations",
    lambda intake: intake.get("conversations", []),
    ("ConversationPlanned", "ConversationAttended", "ConversationMissed", "AbsenceExcused"),
    many=True,
    form_title="Gesprek plannen",
    button="Gesprek plannen",
)
ROUTE = Part(
    "route",
    "Leerroute",
    contract.RouteChoice,
    "PUT",
    "/route",
    lambda intake: intake["route_choice"],
    ("RouteChosen",),
    form_title="Leerroute kiezen",
)
# The parts in the order of the intake tab; the leerbaarheidstoets is filled in on the tab.
PARTS: dict[str, Part] = {
    part.slug: part
    for part in (
        LEERBAARHEIDSTOETS,
        Part(
            "opleiding",
            "Opleiding",
            contract.EducationEntry,
            "POST",
            "/education",
            lambda intake: intake["education"],
            ("EducationAdded",),
            many=True,
            form_title="Opleiding toevoegen",
            legal=True,
            counted=("opleiding", "opleidingen"),
            button="Opleiding toevoegen",
        ),
        Part(
            "werk",
            "Werkervaring",
            contract.WorkEntry,
            "POST",
            "/work",
            lambda intake: intake["work"],
            ("WorkAdded",),
            many=True,
            form_title="Werkervaring toevoegen",
            legal=True,
            counted=("werkervaring", "werkervaringen"),
            button="Werkervaring toevoegen",
        ),
        Part(
            "persoonlijke-omstandigheden",
            "Persoonlijke omstandigheden",
            contract.PersonalCircumstances,
            "PUT",
            "/personal-circumstances",
            lambda intake: intake["personal_circumstances"],
            ("PersonalCircumstancesRecorded",),
            form_title="Persoonlijke omstandigheden vastleggen",
            legal=True,
        ),
        *(_domain(domain) for domain in contract.LIFE_DOMAINS),
        CONVERSATIONS,
        ROUTE,
    )
}
# Whether the person came to a conversation: a form of its own per conversation.
ATTENDANCE = Part(
    "aanwezigheid",
    "Aanwezigheid",
    contract.Attendance,
    "PUT",
    "/conversations/{number}/attendance",
    lambda intake: None,
    ("ConversationAttended", "ConversationMissed", "AbsenceExcused"),
    form_title="Vastleggen of de persoon kwam",
)
# The parts the intake answer says are still missing, in Dutch.
MISSING = {
    "leerbaarheidstoets": "de leerbaarheidstoets",
    "education_and_work_history": "opleiding of werkervaring",
    "personal_circumstances": "de persoonlijke omstandigheden",
}
# The history's steps in Dutch; {about} is what the step is about.
STEPS = {
    "Started": "Brede intake begonnen",
    "LeerbaarheidstoetsRecorded": "Leerbaarheidstoets vastgelegd",
    "LeerbaarheidstoetsNotTaken": "Vastgelegd dat de leerbaarheidstoets niet wordt afgenomen",
    "EducationAdded": "Opleiding toegevoegd",
    "WorkAdded": "Werkervaring toegevoegd",
    "PersonalCircumstancesRecorded": "Persoonlijke omstandigheden vastgelegd",
    "LifeDomainRecorded": "Leefgebied {about} vastgelegd",
    "PracticalItemOpened": "Praktische zaak geopend: {about}",
    "PracticalItemClosed": "Praktische zaak afgesloten: {about}",
    "ConversationPlanned": "Gesprek {about} gepland",
    "ConversationAttended": "Gesprek {about}: de persoon kwam",
    "ConversationMissed": "Gesprek {about}: de persoon kwam niet",
    "AbsenceExcused": "Gesprek {about}: de persoon had zich afgemeld",
    "SanctionStepDue": "Sanctiestap nodig: {about}",
    "SanctionStepDecided": "Besloten over sanctiestap: {about}",
    "SanctionStepWithdrawn": "Sanctiestap niet meer nodig: {about}",
    "DocumentIssued": "Brief verstuurd: {about}",
    "Completed": "Brede intake afgerond",
    "RouteChosen": "Leerroute gekozen",
}


def step_text(step: dict[str, Any], item_labels: dict[str, str]) -> str:
    """A step of the history in Dutch."""
    about = step.get("about") or ""
    about = DOMAIN_TITLES.get(about, item_labels.get(about, about)).lower()
    return STEPS.get(step["step"], step["step"]).format(about=about)
