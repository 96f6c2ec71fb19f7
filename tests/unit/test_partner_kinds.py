"""Every event type each kind of partner can ever receive, from the protocol and the category
contract, with the fullest consent the person could give: the list an FG reviews. A change of the
protocol or of the contract that lets a kind receive more (or less) fails here until this list is
changed with it."""

from __future__ import annotations

from datetime import date

from services.common.region import Region
from services.consent.decisions import decide
from services.consent.feeds import CHANNELS
from services.consent.protocol import Protocol
from services.contracts.categories import Categories

DAY = date(2026, 11, 28)


class _EveryConsent:
    """A dossier whose person consented to everything, for every purpose, to everyone."""

    def __init__(self, gemeente: str):
        self.gemeente = gemeente

    def covering(self, grantee_oin: str, purpose: str, category: str, day: date) -> dict:
        return {"id": "alles"}


class _Partner:
    def __init__(self, kind: str, gemeente: str):
        self.kind, self.oin, self.gemeente = kind, "00000003000000000777", gemeente

    def works_for(self, gemeente: str) -> bool:
        return gemeente == self.gemeente


def _event_categories(spec) -> set[str]:
    """Every category an event of this spec can be in, whatever its data."""
    if isinstance(spec, str):
        return {spec}
    absent = [spec["absent"]] if "absent" in spec else []
    return {spec["default"], *spec["by_value"].values(), *absent}


def _receivable(kind: str, gemeenten=None, only=None) -> list[str]:
    protocol, categories = Protocol.load(), Categories.load()
    gemeenten = gemeenten or Region.load().codes()
    found = []
    for event_type, mapping in sorted(categories.events.items()):
        if event_type.split(".")[2] not in CHANNELS:
            continue
        possible = _event_categories(mapping.event) & set(only or categories.labels)
        if any(
            decide(protocol, _EveryConsent(g), _Partner(kind, g), category, purpose, DAY).permit
            for g in gemeenten
            for purpose in protocol.purposes
            for category in possible
        ):
            found.append(event_type.removeprefix("nl.wegwijs."))
    return found


IDENTITY = [
    "intake.dossier.gecorrigeerd.v1",
    "intake.dossier.geregistreerd.v1",
    "intake.dossier.verhuisd.v1",
    "intake.profiel.vastgelegd.v1",
    "matching.begeleiding.overgedragen.v1",
    "matching.koppeling.beeindigd.v1",
    "matching.koppeling.gestart.v1",
    "matching.voorstel.beantwoord.v1",
    "matching.voorstel.gedaan.v1",
]
BY_DOMAIN = [  # events whose category follows a life domain of their data
    "intake.leefgebied.vastgelegd.v1",
    "intake.signaal.gegeven.v1",
    "matching.activiteit.vastgelegd.v1",
    "matching.signaal.gegeven.v1",
    "pip.doel.gewijzigd.v1",
    "pip.doel.toegevoegd.v1",
    "pip.doel.verwijderd.v1",
    "pip.doel.voortgang-vastgelegd.v1",
    "pip.signaal.genoteerd.v1",
]
PRACTICAL = [
    "intake.huishoudchecklist.punt-afgevinkt.v1",
    "intake.huishoudchecklist.punt-geopend.v1",
    "intake.praktische-zaak.geopend.v1",
    "intake.praktische-zaak.gesloten.v1",
    "pip.praktische-zaak.bijgewerkt.v1",
]
LANGUAGE = [
    "intake.brede-intake.afgerond.v1",
    "intake.leerbaarheidstoets.niet-afgenomen.v1",
    "intake.leerbaarheidstoets.vastgelegd.v1",
    "intake.route.gekozen.v1",
    "matching.koppelprofiel.vastgelegd.v1",
    "pip.routekeuze.overgenomen.v1",
    "pip.startpunten.vastgelegd.v1",
]
PLAN = [
    "intake.brede-intake.gestart.v1",
    "intake.gesprek.bijgewoond.v1",
    "intake.gesprek.gepland.v1",
    "pip.bijgesteld.v1",
    "pip.concept.geopend.v1",
    "pip.concept.gewijzigd.v1",
    "pip.deadline.herberekend.v1",
    "pip.deadline.nadert.v1",
    "pip.deadline.opgeschort.v1",
    "pip.deadline.verlengd.v1",
    "pip.deadline.verstreken.v1",
    "pip.document.uitgegeven.v1",
    "pip.inburgeringstermijn.eindigt-binnenkort.v1",
    "pip.inburgeringstermijn.verstreken.v1",
    "pip.module.uren-vastgelegd.v1",
    "pip.overgedragen.v1",
    "pip.vastgesteld.v1",
]
WORK = ["intake.opleiding.toegevoegd.v1", "intake.werkervaring.toegevoegd.v1"]
HEALTH = ["intake.persoonlijke-omstandigheden.vastgelegd.v1"]
HOUSEHOLD = [
    "intake.huishouden.gekoppeld.v1",
    "intake.huishoudchecklist.geopend.v1",
    "intake.huishoudchecklist.kind-toegevoegd.v1",
    "intake.huishoudchecklist.lid-toegevoegd.v1",
]

EXPECTED = {
    "gemeente": IDENTITY + BY_DOMAIN + PRACTICAL + PLAN,
    "maatschappelijke-begeleiding": (
        IDENTITY + BY_DOMAIN + PRACTICAL + LANGUAGE + PLAN + WORK + HEALTH + HOUSEHOLD
    ),
    "taalaanbieder": IDENTITY + BY_DOMAIN + LANGUAGE + PLAN,
    "werkgever": IDENTITY + BY_DOMAIN + LANGUAGE + WORK,
    "zorgverlener": IDENTITY + BY_DOMAIN + PRACTICAL + HEALTH,
    "coa": IDENTITY + BY_DOMAIN,
}
NEVER_TO_ANY_PARTNER = [
    "intake.bsn.geclaimd.v1",
    "intake.dossier.ingezien.v1",
    "intake.gesprek.afgemeld.v1",
    "intake.gesprek.niet-verschenen.v1",
    "intake.handhavingsbesluit.uitgegeven.v1",
    "intake.inzagelog.geopend.v1",
    "intake.onderdeel.overgedragen.v1",
    "intake.regievoerder.toegewezen.v1",
    "intake.registratie.geweigerd.v1",
    "intake.sanctie.aan-de-orde.v1",
    "intake.sanctie.besloten.v1",
    "intake.sanctie.ingetrokken.v1",
    "intake.signalen.ingezien.v1",
    "intake.signalenlijst.geopend.v1",
    "intake.verhuizing.afgewezen.v1",
    "intake.verhuizing.voorgesteld.v1",
    "matching.begeleider.geregistreerd.v1",
    "matching.begeleider.gestopt.v1",
    "matching.begeleider.gewijzigd.v1",
    "matching.begeleider.toegewezen.v1",
    "matching.begeleider.vrijgekomen.v1",
    "matching.begeleiding.geopend.v1",
    "matching.doelstatus.overgenomen.v1",
    "matching.huishouden.begeleider-bijgewerkt.v1",
    "matching.huishouden.overgenomen.v1",
    "matching.plaatsing.aangeboden.v1",
    "matching.plaatsing.bezet.v1",
    "matching.plaatsing.gesloten.v1",
    "matching.plaatsing.gewijzigd.v1",
    "matching.plaatsing.vrijgekomen.v1",
    "matching.plan.overgenomen.v1",
    "matching.route.overgenomen.v1",
    "pip.handhaving.geopend.v1",
    "pip.handhavingsbesluit.uitgegeven.v1",
    "pip.maatregel.aan-de-orde.v1",
    "pip.maatregel.besloten.v1",
    "pip.participatiewet-besluit.vastgelegd.v1",
    "pip.verplichting.geschonden.v1",
]


def test_every_event_type_each_kind_of_partner_can_receive():
    kinds = Protocol.load().recipient_kinds
    assert set(kinds) == set(EXPECTED)
    for kind in kinds:
        assert _receivable(kind) == sorted(EXPECTED[kind]), kind


def test_enforcement_and_accountability_go_to_no_kind_of_partner():
    every = {
        t.removeprefix("nl.wegwijs.")
        for t in Categories.load().events
        if t.split(".")[2] in CHANNELS
    }
    received = {t for kind in EXPECTED for t in _receivable(kind)}
    assert sorted(every - received) == NEVER_TO_ANY_PARTNER


def test_in_nieuwegein_no_event_carries_health_to_a_volunteer_organisation():
    health_in = lambda gemeente: _receivable(  # noqa: E731
        "maatschappelijke-begeleiding", [gemeente], only={"gezondheid"}
    )
    assert health_in("0344") == sorted(BY_DOMAIN + PRACTICAL + HEALTH)
    assert health_in("0356") == []


def test_the_protocol_names_the_kinds_that_hear_only_of_the_people_they_work_with():
    assert Protocol.load().relation_required == ("maatschappelijke-begeleiding",)
