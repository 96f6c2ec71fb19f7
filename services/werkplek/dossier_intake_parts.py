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
    "goals": "Doelen: wat gaat de persoon doen, en met wie?",
    "employment": "Werk nu",
    "available_for_work": "Kan de persoon werken?",
    "registered_as_jobseeker": "Ingeschreven als werkzoekende bij het UWV (werk.nl)?",
    "hours_per_week": "Hoeveel uur per week kan de persoon werken?",
    "reintegration": "Afspraken over werk (re-integratie)",
    "ambition": "Wat wil de persoon bereiken in werk, opleiding of meedoen?",
    "volunteering": "Wil de persoon nu vrijwilligerswerk doen?",
    "children_of_school_age": "Aantal kinderen van 4 tot 18 jaar",
    "all_enrolled": "Zijn alle kinderen ingeschreven op een school?",
    "intention": "Wil de persoon in Nederland blijven?",
    "expectations": "Wat verwacht de persoon van de inburgering?",
    "three_year_goal": "Wat wil de persoon over 3 jaar bereikt hebben?",
    "ground": "Waarom wordt de toets niet afgenomen?",
    "take": "Neemt u deze stap?",
    "culpability_culpable": "Is het de persoon te verwijten?",
    "culpability_reasoning": "Waarom wel of niet?",
    "hearing_invited_on": "Wanneer kreeg de persoon de kans om te reageren?",
    "hearing_response": "Hoe reageerde de persoon?",
    "hearing_summary": "Wat zei of schreef de persoon?",
    # the PIP's handhaving
    "obligation": "Welke afspraak uit het PIP is niet nagekomen?",
    "description": "Wat is er gebeurd?",
    "on": "Datum",
    "culpability_circumstances": "Waarom wel of niet? Welke omstandigheden wogen mee?",
    "hearing_on": "Wanneer is de persoon gehoord?",
    "amount_eur": "Bedrag van de boete, in euro",
    "refer_to_klantmanager": "Doorsturen naar de klantmanager?",
    "lowered": "Is de uitkering verlaagd?",
    "decided_on": "Datum van het besluit",
}
# Where a model uses a name for something else than LABELS and HINTS say, by the model's name.
MODEL_LABELS = {
    "SanctionDecision": {"reason": "Waarom neemt u deze stap, of ziet u ervan af?"},
    "Excuse": {"reason": "Wat is de reden van de afmelding?"},
    "ToetsExemption": {"note": "Toelichting"},
    "Breach": {"on": "Datum van de schending"},
    "MeasureDecision": {
        "take": "Neemt u deze maatregel?",
        "reason": "Waarom neemt u de maatregel, of ziet u ervan af?",
    },
    "ParticipatiewetDecision": {"reason": "Waarom?"},
}
MODEL_HINTS = {
    "SanctionDecision": {"reason": "Schrijf het op in een of twee zinnen."},
    "Excuse": {"reason": "Bijvoorbeeld: een briefje van de huisarts."},
    "ToetsExemption": {"note": "Wat maakt dat de persoon de toets niet kan maken?"},
    "Breach": {"on": "Leeg laten is vandaag."},
    "MeasureDecision": {
        "take": "Ja: de maatregel wordt genomen. Nee: u ziet ervan af, of stuurt hem door.",
        "reason": "Schrijf het op in een of twee zinnen.",
        "amount_eur": "Alleen bij een boete: ten hoogste 800 euro.",
        "refer_to_klantmanager": "Alleen bij een maatregel op de uitkering: daarover beslist de"
        " klantmanager (Participatiewet). Kies dan bij de vraag hierboven Nee.",
        "hearing_summary": "",
    },
    "ParticipatiewetDecision": {
        "reason": "Schrijf het op in een of twee zinnen.",
        "hearing_summary": "",
    },
}
# A group's legend and hint where a model means something else by it than GROUPS says.
MODEL_GROUPS = {
    "MeasureDecision": {
        "culpability": (
            "Verwijtbaarheid",
            "Nodig om een maatregel te nemen: is het de persoon te verwijten?",
        ),
        "hearing": ("Zienswijze", "Nodig voor een boete: de persoon is eerst gehoord."),
    },
    "ParticipatiewetDecision": {
        "culpability": (
            "Verwijtbaarheid",
            "Nodig om de uitkering te verlagen: is het de persoon te verwijten?",
        ),
        "hearing": ("Horen", "Nodig om de uitkering te verlagen: de persoon is eerst gehoord."),
    },
}
# A group of fields that make one part of a body (a nested object): its legend and hint.
GROUPS = {
    "culpability": (
        "Verwijtbaarheid",
        "Nodig om een boete op te leggen: is het de persoon te verwijten dat hij of zij niet kwam?",
    ),
    "hearing": (
        "Zienswijze",
        "Nodig om een boete op te leggen: de persoon kreeg de kans om te reageren (horen).",
    ),
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
    "take": "Ja: de stap wordt genomen. Nee: u ziet ervan af.",
    "hearing_summary": "Verplicht als de persoon mondeling of schriftelijk reageerde.",
    "goals": "Eén doel per regel. Schrijf eerst wat, dan een streepje, dan met wie. Bijvoorbeeld:"
    " Naar het taalcafé - Buurthuis De Pijler",
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
    "employment": {
        "geen": "Geen werk",
        "deeltijd": "Werk in deeltijd",
        "voltijd": "Werk in voltijd",
        "eigen-bedrijf": "Eigen bedrijf",
    },
    "intention": {
        "blijven": "Wil blijven",
        "terugkeren": "Wil terug naar het land van herkomst",
        "onzeker": "Weet het nog niet",
    },
    "ground": {
        "analfabetisme": "Kan niet (goed) lezen of schrijven",
        "lichamelijke-belemmering": "Een lichamelijke beperking, bijvoorbeeld slecht zien",
        "psychische-belemmering-of-verstandelijke-beperking": (
            "Een psychische of verstandelijke beperking"
        ),
        "ontheffing-aangevraagd": "Ontheffing van de inburgeringsplicht is aangevraagd",
    },
    "hearing_response": {
        "mondeling": "In een gesprek",
        "schriftelijk": "Op papier of per e-mail",
        "geen-reactie": "Niet: de persoon reageerde niet",
    },
}
# Fields the API requires in some cases only, as their hint says.
SOMETIMES_REQUIRED = frozenset({"reason", "note", "hearing_summary", "route"})
YES_NO = {"ja": True, "nee": False}
# Optional yes/no questions whose empty answer means no, so "Weet ik niet" is not offered.
NO_UNKNOWN = frozenset({"refer_to_klantmanager"})
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
    group: str = ""  # the nested object of the body it belongs to (GROUPS), if any

    @property
    def offers_unknown(self) -> bool:
        """Whether a yes/no question offers "Weet ik niet" (left empty)."""
        return not self.required and not self.group and self.name not in NO_UNKNOWN

    @property
    def key(self) -> str:
        """Its name in the body (in its group's object, if it has a group)."""
        return self.name.removeprefix(f"{self.group}_") if self.group else self.name

    @property
    def asked(self) -> str:
        """The label above the input: it says when the field may be left empty (a group's
        hint says when its fields are needed)."""
        optional = not self.required and not self.group and self.name not in SOMETIMES_REQUIRED
        return f"{self.label} (niet verplicht)" if optional else self.label

    def body_value(self, text: str) -> Any:
        """What the API is sent for the text of the form; None leaves the field out."""
        text = text.strip()
        if not text:
            return None
        if self.kind == "goals":
            return [_goal(line) for line in text.splitlines() if line.strip()]
        if self.kind == "yesno":
            return YES_NO.get(text, text)
        if self.kind == "number" and _WHOLE_NUMBER.match(text):
            return int(text)
        return text  # anything else the API refuses, naming this field

    def form_value(self, value: Any) -> str:
        if value is None:
            return ""
        if self.kind == "goals":
            return "\n".join(_goal_line(goal) for goal in value)
        if isinstance(value, bool):
            return "ja" if value else "nee"
        return str(value)

    def shown(self, value: Any) -> str:
        """A recorded value in Dutch."""
        if self.kind == "goals":
            return "; ".join(_goal_line(goal) for goal in value or [])
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


def _goal(line: str) -> dict[str, str]:
    """A line of the goals' text: what, a dash, with whom (the API names what is missing)."""
    what, _, with_whom = line.partition(" - ")
    goal = {"what": what.strip()}
    if with_whom.strip():
        goal["with_whom"] = with_whom.strip()
    return goal


def _goal_line(goal: dict[str, Any]) -> str:
    return f"{goal.get('what', '')} - {goal.get('with_whom', '')}"


@cache
def fields_of(model: Any) -> tuple[Field, ...]:
    """The inputs of a form for the published model `model`, in its order; the fields of a
    nested object (a culpability assessment, say) follow as a group (GROUPS), each named
    `<object>_<field>`, as the API names a problem in it `<object>/<field>`."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    labels = {**LABELS, **MODEL_LABELS.get(model.__name__, {})}
    hints = {**HINTS, **MODEL_HINTS.get(model.__name__, {})}
    fields: list[Field] = []
    for name, spec in schema["properties"].items():
        nested = _nested(spec, schema.get("$defs", {}))
        if nested is None:
            fields.append(_field(name, spec, name in required, labels, hints))
            continue
        inner = set(nested.get("required", ()))
        fields += [
            _field(
                f"{name}_{sub}",
                sub_spec,
                name in required and sub in inner,
                labels,
                hints,
                group=name,
            )
            for sub, sub_spec in nested["properties"].items()
        ]
    return tuple(fields)


def _nested(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of a nested object the property holds, or None for a plain value."""
    for kind in spec.get("anyOf", [spec]):
        if "$ref" in kind:
            return defs[kind["$ref"].rpartition("/")[2]]
    return None


def _field(
    name: str,
    spec: dict[str, Any],
    required: bool,
    labels: dict[str, str],
    hints: dict[str, str],
    group: str = "",
) -> Field:
    [given] = [kind for kind in spec.get("anyOf", [spec]) if kind.get("type") != "null"]
    label = labels[name]
    hint = hints.get(name, "")
    if given.get("type") == "array":  # the goals of taking part: one a line
        return Field(name, label, "goals", required, hint=hint, group=group)
    if "enum" in given:
        choices = tuple((value, CHOICES[name][value]) for value in given["enum"])
        return Field(name, label, "choice", required, choices, hint, group=group)
    if given.get("type") == "boolean":
        return Field(name, label, "yesno", required, hint=hint, group=group)
    if given.get("type") == "integer":
        low, high = given.get("minimum"), given.get("maximum")
        return Field(name, label, "number", required, hint=hint, low=low, high=high, group=group)
    if given.get("format") == "date":
        return Field(name, label, "date", required, hint=hint, group=group)
    long = given.get("maxLength", 0) > 200
    return Field(name, label, "textarea" if long else "text", required, hint=hint, group=group)


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
    only: tuple[str, ...] = ()  # the model's fields the form asks (all when empty)
    fixed: tuple[tuple[str, Any], ...] = ()  # what the body always holds besides

    @property
    def fields(self) -> tuple[Field, ...]:
        every = fields_of(self.model)
        return tuple(f for f in every if f.name in self.only) if self.only else every

    def body(self, values: dict[str, str]) -> dict[str, Any]:
        """The part's body from the form's values: what is left empty is left out, and a group
        left wholly empty too."""
        body: dict[str, Any] = dict(self.fixed)
        for f in self.fields:
            value = f.body_value(values.get(f.name, ""))
            if value is not None:
                (body.setdefault(f.group, {}) if f.group else body)[f.key] = value
        return body

    @property
    def groups(self) -> list[tuple[str, str, list[Field]]]:
        """The fields in their groups, in order: (legend, hint, fields); no legend for the
        fields of the body itself."""
        found: list[tuple[str, str, list[Field]]] = []
        groups = {**GROUPS, **MODEL_GROUPS.get(self.model.__name__, {})}
        for f in self.fields:
            legend, hint = groups.get(f.group, ("", "")) if f.group else ("", "")
            if not found or found[-1][0] != legend:
                found.append((legend, hint, []))
            found[-1][2].append(f)
        return found

    def form_values(self, recorded: Any) -> dict[str, str]:
        """A recorded part as the form's values, to change it."""
        if self.many or not isinstance(recorded, dict):
            return {}
        return {
            f.name: f.form_value(
                ((recorded.get(f.group) or {}) if f.group else recorded).get(f.key)
            )
            for f in self.fields
        }

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
    "werk_en_reintegratie": "Werk en re-integratie",
    "participatie_en_ambities": "Meedoen en ambities",
    "onderwijs_kinderen": "School van de kinderen",
}
DOMAIN_INTROS = {
    "gezondheid": "Gezondheid is een bijzonder persoonsgegeven. Alleen de regievoerder ziet dit"
    " leefgebied.",
    "verwachtingen": "Schrijf op wat de persoon zelf zegt, in eigen woorden.",
    "werk_en_reintegratie": "Dit deel vult de klantmanager in (Participatiewet).",
    "participatie_en_ambities": "Dit deel vult de klantmanager in, samen met de persoon.",
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
# The leerbaarheidstoets not taken, on a ground of the law: a page of its own, linked from the tab.
TOETS_NOT_TAKEN = Part(
    "leerbaarheidstoets-niet-afnemen",
    "Leerbaarheidstoets niet afnemen",
    contract.ToetsExemption,
    "PUT",
    "/leerbaarheidstoets/exemption",
    lambda intake: intake.get("leerbaarheidstoets_not_taken"),
    ("LeerbaarheidstoetsNotTaken",),
    form_title="Vastleggen dat de toets niet wordt afgenomen",
    intro="Soms kan iemand de leerbaarheidstoets niet maken, bijvoorbeeld door slecht zien of"
    " omdat hij of zij niet kan lezen en schrijven. Leg dan hier vast waarom. De brede intake kan"
    " daarna zonder toets worden afgerond.",
)
# Completing the intake: a route and why, when the toets was not taken on a ground that gives no
# advice (the API says when; the tab asks for them then).
COMPLETION = Part(
    "afronden",
    "Brede intake afronden",
    contract.CompletionChoice,
    "POST",
    "/complete",
    lambda intake: intake["route_choice"],
    ("Completed",),
    button="Brede intake afronden",
)
# An excuse that came after a no-show was recorded: on the conversation's page.
EXCUSE = Part(
    "afmelding",
    "Afmelding achteraf",
    contract.Excuse,
    "POST",
    "/conversations/{number}/excuse",
    lambda intake: None,
    ("AbsenceExcused",),
    form_title="Afmelding achteraf vastleggen",
    intro="Kwam er na het gesprek toch een geldige reden, bijvoorbeeld een briefje van de dokter?"
    " Dan telt het niet-komen niet meer mee voor een sanctie.",
    button="Afmelding vastleggen",
)
# Taking or waiving a due sanction step: a page per step.
SANCTION = Part(
    "sancties",
    "Sanctiestap",
    contract.SanctionDecision,
    "PUT",
    "/sanctions/{step}",
    lambda intake: None,
    ("SanctionStepDue", "SanctionStepDecided", "SanctionStepWithdrawn"),
    form_title="Besluiten over deze stap",
    button="Besluit vastleggen",
)
SANCTION_STEPS = {
    "waarschuwing": "Waarschuwing",
    "boete": "Boete",
    "pip-zonder-inburgeringsplichtige": "PIP vaststellen zonder de persoon",
}
SANCTION_DECISIONS = {
    None: "Nog te besluiten",
    "genomen": "Genomen",
    "afgezien": "Afgezien",
    "ingetrokken": "Niet meer nodig (afgemeld)",
}
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
