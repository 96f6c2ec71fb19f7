"""The PIP in Dutch words for people: its sections, goals, versions and progress (the API's
values as the PIP's pages write them out)."""

from __future__ import annotations

from typing import get_args

from services.contracts import intake as intake_contract
from services.contracts import pip as contract

DOMAINS = {
    "taal": "Taal",
    "inburgering": "Inburgering",
    "werk": "Werk",
    "opleiding": "Opleiding",
    "participatie": "Meedoen",
    "huisvesting": "Wonen",
    "gezondheid": "Gezondheid",
    "financien": "Geld",
    "gezin": "Gezin",
    "sociaal_netwerk": "Sociale contacten",
    "verblijfsintentie": "Blijven in Nederland",
}
OWNER_ROLES = {
    "regievoerder": "Regievoerder",
    "klantmanager": "Klantmanager",
    "begeleider": "Begeleider",
    "coordinator": "Coördinator",
    "taalaanbieder": "Taalaanbieder",
    "werkgever": "Werkgever",
    "huisarts": "Huisarts",
    "maatschappelijk-werker": "Maatschappelijk werker",
    "ggd": "GGD",
    "statushouder": "De persoon zelf",
}
TERMS = {"kort": "Korte termijn", "lang": "Lange termijn"}
# Piëzo's phases of the participation ladder; they may run side by side.
PHASES = {
    "0": "Fase 0: thuis op orde",
    "1": "Fase 1: een zinvolle dag",
    "2": "Fase 2: leren in vrijwilligerswerk",
    "3": "Fase 3: vrijwilligerswerk of stage",
    "4": "Fase 4: betaald werk of opleiding",
}
GOAL_STATUSES = {
    "open": "Nog niet begonnen",
    "bezig": "Bezig",
    "behaald": "Gehaald",
    "niet-behaald": "Niet gehaald",
}
SOURCES = {
    "eigenaar": "de eigenaar van het doel",
    "regievoerder": "de regievoerder",
    "begeleiding": "de begeleider (uit het logboek)",
}
ROUTES = {"b1": "B1-route", "onderwijs": "Onderwijsroute", "z": "Z-route"}
LANGUAGE_TARGETS = {t: f"Taalniveau {t}" for t in get_args(contract.LanguageTarget)}
MODULES = {
    "nt2": "Nederlandse taal (NT2)",
    "knm": "Kennis van de Nederlandse Maatschappij (KNM)",
    "pvt": "Participatieverklaring (PVT)",
    "map": "Module Arbeidsmarkt en Participatie (MAP)",
    "participatie": "Participatie-uren (Z-route)",
}
PRECONDITION_KINDS = {
    "kinderopvang": "Kinderopvang",
    "zorg": "Zorg",
    "vervoer": "Vervoer",
    "schuldhulp": "Schuldhulp",
    "anders": "Iets anders",
}
MONITORING_METHODS = {
    "voortgangsgesprek": "Voortgangsgesprek",
    "huisbezoek": "Huisbezoek",
    "telefonisch": "Telefonisch",
    "driegesprek": "Driegesprek",
}
VERSION_KINDS = {
    "vaststelling": "Vastgesteld",
    "routewijziging": "Bijgesteld: andere leerroute",
    "afschalen": "Bijgesteld: taaldoel omlaag naar A2",
    "verhuizing": "Bijgesteld: verhuisd naar een andere gemeente",
    "anders": "Bijgesteld",
}
REVISION_KINDS = {
    "anders": "Een andere reden (leg uit waarom)",
    "routewijziging": "Andere leerroute (tot anderhalf jaar na het vaststellen)",
    "afschalen": "Taaldoel van B1 naar A2 (afschalen)",
    "verhuizing": "De persoon verhuist naar een andere gemeente",
}
PRACTICAL_ITEMS = {
    "zorgverzekering-regelen": "Zorgverzekering regelen",
    "huisarts-kiezen": "Huisarts kiezen",
    "huurtoeslag-aanvragen": "Huurtoeslag aanvragen",
    "zorgtoeslag-aanvragen": "Zorgtoeslag aanvragen",
    "kinderopvangtoeslag-aanvragen": "Kinderopvangtoeslag aanvragen",
    "schulden-aanpakken": "Schulden aanpakken",
    "voorschot-uitkering": "Voorschot op de uitkering",
    "kinderopvang-regelen": "Kinderopvang regelen",
    "bankrekening-openen": "Bankrekening openen",
    "digid-aanvragen": "DigiD aanvragen",
    "kinderbijslag-aanvragen": "Kinderbijslag aanvragen",
    "kindgebonden-budget-aanvragen": "Kindgebonden budget aanvragen",
    "schoolinschrijving": "Kind inschrijven op een school",
    "woning-inrichten": "Woning inrichten",
    "energiecontracten-afsluiten": "Contracten voor energie en water afsluiten",
    "inschrijven-werkzoekende": "Inschrijven als werkzoekende",
    "verblijfsintentie-gesprek": "Gesprek over blijven in Nederland",
}
INTENTIONS = {"blijven": "blijven", "terugkeren": "terugkeren", "onzeker": "weet het nog niet"}
SECTIONS = {
    "leerroute": "Leerroute",
    "modules": "Onderdelen van de leerroute",
    "ontzorgen": "Ontzorgen",
    "preconditions": "Wat eerst geregeld moet zijn",
    "guidance": "Begeleiding",
    "monitoring": "Voortgang bespreken",
    "goals": "Doelen",
}
assert set(DOMAINS) == set(contract.GOAL_DOMAINS)
assert set(OWNER_ROLES) == set(contract.OWNER_ROLES)
assert set(MODULES) == set(contract.MODULES)
assert set(REVISION_KINDS) == set(contract.REVISION_KINDS)
assert set(PRACTICAL_ITEMS) == set(intake_contract.PRACTICAL_ITEMS)

# The words the PIP's pages use, by kind.
WORDS = {
    "domains": DOMAINS,
    "owner_roles": OWNER_ROLES,
    "terms": TERMS,
    "phases": PHASES,
    "goal_statuses": GOAL_STATUSES,
    "sources": SOURCES,
    "routes": ROUTES,
    "language_targets": LANGUAGE_TARGETS,
    "modules": MODULES,
    "precondition_kinds": PRECONDITION_KINDS,
    "monitoring_methods": MONITORING_METHODS,
    "version_kinds": VERSION_KINDS,
    "revision_kinds": REVISION_KINDS,
    "practical_items": PRACTICAL_ITEMS,
    "intentions": INTENTIONS,
    "sections": SECTIONS,
}
