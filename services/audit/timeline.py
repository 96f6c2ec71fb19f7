"""The dossier's timeline for the gemeente's own staff: what happened in the dossier and who did
it, newest first, a page at a time, from the ledger. Each event type has one Dutch text; an item
holds no data of the event (the ledger keeps none), so never a BSN or a signal's text.

Not on the timeline: reads (the access log), the API's account of each command (the service's
own event says what came of it), and bookkeeping (the lists and logs a service opens for a new
dossier, and one service taking over another's fact, whose original is on the timeline)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cache
from typing import Any

from psycopg import Cursor, sql

from services.audit.ledger import OWNER_TYPES
from services.common import dutch, settings
from services.common.errors import InvalidInput, NotFound, field_error
from services.common.region import Region

MAX_PAGE = 100

# What happened, in Dutch, for every event type the platform publishes.
DESCRIPTIONS: Mapping[str, str] = {
    # intake
    "nl.wegwijs.intake.dossier.geregistreerd.v1": "Persoon ingeschreven",
    "nl.wegwijs.intake.bsn.geclaimd.v1": "BSN vastgelegd",
    "nl.wegwijs.intake.dossier.gecorrigeerd.v1": "Gegevens van de persoon verbeterd",
    "nl.wegwijs.intake.profiel.vastgelegd.v1": "Extra gegevens van de persoon vastgelegd",
    "nl.wegwijs.intake.huishouden.gekoppeld.v1": "Gekoppeld aan een huishouden",
    "nl.wegwijs.intake.regievoerder.toegewezen.v1": "Regievoerder van het dossier bepaald",
    "nl.wegwijs.intake.registratie.geweigerd.v1": "Inschrijving geweigerd: de persoon staat"
    " al in Wegwijs",
    "nl.wegwijs.intake.dossier.ingezien.v1": "Dossier bekeken",
    "nl.wegwijs.intake.inzagelog.geopend.v1": "Logboek van wie het dossier bekeek aangemaakt",
    "nl.wegwijs.intake.brede-intake.gestart.v1": "Brede intake begonnen",
    "nl.wegwijs.intake.leerbaarheidstoets.vastgelegd.v1": "Leerbaarheidstoets vastgelegd",
    "nl.wegwijs.intake.leerbaarheidstoets.niet-afgenomen.v1": "Leerbaarheidstoets niet afgenomen",
    "nl.wegwijs.intake.opleiding.toegevoegd.v1": "Opleiding toegevoegd",
    "nl.wegwijs.intake.werkervaring.toegevoegd.v1": "Werkervaring toegevoegd",
    "nl.wegwijs.intake.persoonlijke-omstandigheden.vastgelegd.v1": "Persoonlijke omstandigheden"
    " vastgelegd",
    "nl.wegwijs.intake.leefgebied.vastgelegd.v1": "Leefgebied vastgelegd",
    "nl.wegwijs.intake.praktische-zaak.geopend.v1": "Praktische zaak gevonden die snel geregeld"
    " moet worden",
    "nl.wegwijs.intake.praktische-zaak.gesloten.v1": "Praktische zaak geregeld",
    "nl.wegwijs.intake.huishoudchecklist.geopend.v1": "Checklist praktische zaken van het"
    " huishouden geopend",
    "nl.wegwijs.intake.huishoudchecklist.lid-toegevoegd.v1": "Gezinslid aan de checklist van het"
    " huishouden toegevoegd",
    "nl.wegwijs.intake.huishoudchecklist.kind-toegevoegd.v1": "Kind aan de checklist van het"
    " huishouden toegevoegd",
    "nl.wegwijs.intake.huishoudchecklist.punt-geopend.v1": "Punt op de checklist van het"
    " huishouden gezet",
    "nl.wegwijs.intake.huishoudchecklist.punt-afgevinkt.v1": "Punt op de checklist van het"
    " huishouden afgevinkt",
    "nl.wegwijs.intake.gesprek.gepland.v1": "Gesprek gepland",
    "nl.wegwijs.intake.gesprek.bijgewoond.v1": "Persoon was bij het gesprek",
    "nl.wegwijs.intake.gesprek.niet-verschenen.v1": "Persoon kwam niet naar het gesprek",
    "nl.wegwijs.intake.gesprek.afgemeld.v1": "Persoon had zich met een reden afgemeld",
    "nl.wegwijs.intake.sanctie.aan-de-orde.v1": "Sanctie is aan de orde",
    "nl.wegwijs.intake.sanctie.besloten.v1": "Besluit over een sanctie genomen",
    "nl.wegwijs.intake.sanctie.ingetrokken.v1": "Sanctie is niet meer aan de orde",
    "nl.wegwijs.intake.handhavingsbesluit.uitgegeven.v1": "Brief met een waarschuwing of boete"
    " verstuurd",
    "nl.wegwijs.intake.brede-intake.afgerond.v1": "Brede intake afgerond",
    "nl.wegwijs.intake.route.gekozen.v1": "Leerroute gekozen",
    "nl.wegwijs.intake.signaal.gegeven.v1": "Signaal gegeven",
    "nl.wegwijs.intake.signalenlijst.geopend.v1": "Lijst van signalen aangemaakt",
    "nl.wegwijs.intake.signalen.ingezien.v1": "Signalen bekeken",
    "nl.wegwijs.intake.verhuizing.voorgesteld.v1": "Verhuizing naar een andere gemeente"
    " doorgegeven",
    "nl.wegwijs.intake.verhuizing.afgewezen.v1": "Verhuizing niet geaccepteerd door de nieuwe"
    " gemeente",
    "nl.wegwijs.intake.dossier.verhuisd.v1": "Verhuizing geaccepteerd: het dossier is nu van de"
    " nieuwe gemeente",
    "nl.wegwijs.intake.onderdeel.overgedragen.v1": "Deel van het dossier overgedragen aan de"
    " nieuwe gemeente",
    # pip
    "nl.wegwijs.pip.concept.geopend.v1": "Concept-PIP gemaakt",
    "nl.wegwijs.pip.concept.gewijzigd.v1": "Concept-PIP aangepast",
    "nl.wegwijs.pip.startpunten.vastgelegd.v1": "Uitkomsten van de brede intake in het"
    " concept-PIP gezet",
    "nl.wegwijs.pip.routekeuze.overgenomen.v1": "Leerroute in het concept-PIP gezet",
    "nl.wegwijs.pip.signaal.genoteerd.v1": "Signaal in het concept-PIP gezet",
    "nl.wegwijs.pip.praktische-zaak.bijgewerkt.v1": "Praktische zaak in het concept-PIP bijgewerkt",
    "nl.wegwijs.pip.doel.toegevoegd.v1": "Doel aan het PIP toegevoegd",
    "nl.wegwijs.pip.doel.gewijzigd.v1": "Doel in het PIP aangepast",
    "nl.wegwijs.pip.doel.verwijderd.v1": "Doel uit het PIP gehaald",
    "nl.wegwijs.pip.doel.voortgang-vastgelegd.v1": "Voortgang op een doel vastgelegd",
    "nl.wegwijs.pip.module.uren-vastgelegd.v1": "Uren van een onderdeel van het PIP vastgelegd",
    "nl.wegwijs.pip.vastgesteld.v1": "PIP vastgesteld",
    "nl.wegwijs.pip.bijgesteld.v1": "PIP bijgesteld",
    "nl.wegwijs.pip.deadline.nadert.v1": "Uiterste datum voor het PIP komt dichtbij",
    "nl.wegwijs.pip.deadline.verstreken.v1": "Uiterste datum voor het PIP is voorbij",
    "nl.wegwijs.pip.deadline.herberekend.v1": "Uiterste datum voor het PIP opnieuw berekend",
    "nl.wegwijs.pip.deadline.opgeschort.v1": "Uiterste datum voor het PIP stilgezet: wachten"
    " op informatie",
    "nl.wegwijs.pip.deadline.verlengd.v1": "Informatie binnen: uiterste datum voor het PIP"
    " verschoven",
    "nl.wegwijs.pip.inburgeringstermijn.eindigt-binnenkort.v1": "Inburgeringstermijn eindigt"
    " binnenkort",
    "nl.wegwijs.pip.inburgeringstermijn.verstreken.v1": "Inburgeringstermijn is voorbij",
    "nl.wegwijs.pip.verplichting.geschonden.v1": "Afspraak uit het PIP niet nagekomen",
    "nl.wegwijs.pip.handhaving.geopend.v1": "Handhaving begonnen",
    "nl.wegwijs.pip.maatregel.aan-de-orde.v1": "Maatregel is aan de orde",
    "nl.wegwijs.pip.maatregel.besloten.v1": "Besluit over een maatregel genomen",
    "nl.wegwijs.pip.participatiewet-besluit.vastgelegd.v1": (
        "Besluit van de klantmanager over de uitkering vastgelegd"
    ),
    "nl.wegwijs.pip.document.uitgegeven.v1": "Brief met het besluit over het PIP verstuurd",
    "nl.wegwijs.pip.handhavingsbesluit.uitgegeven.v1": "Brief met een waarschuwing of boete"
    " verstuurd",
    "nl.wegwijs.pip.overgedragen.v1": "PIP overgedragen aan de nieuwe gemeente (de"
    " inburgeringstermijn blijft)",
    # matching
    "nl.wegwijs.matching.begeleiding.geopend.v1": "Begeleiding aangemaakt",
    "nl.wegwijs.matching.koppelprofiel.vastgelegd.v1": "Gegevens voor het zoeken van een"
    " begeleider of plek vastgelegd",
    "nl.wegwijs.matching.voorstel.gedaan.v1": "Begeleider of plek voorgesteld",
    "nl.wegwijs.matching.voorstel.beantwoord.v1": "Voorstel beantwoord",
    "nl.wegwijs.matching.koppeling.gestart.v1": "Begeleiding of plek begonnen",
    "nl.wegwijs.matching.koppeling.beeindigd.v1": "Begeleiding of plek gestopt",
    "nl.wegwijs.matching.activiteit.vastgelegd.v1": "Activiteit van de begeleider vastgelegd",
    "nl.wegwijs.matching.signaal.gegeven.v1": "Signaal gegeven door de begeleider",
    "nl.wegwijs.matching.route.overgenomen.v1": "Leerroute overgenomen voor de begeleiding",
    "nl.wegwijs.matching.plan.overgenomen.v1": "PIP overgenomen voor de begeleiding",
    "nl.wegwijs.matching.doelstatus.overgenomen.v1": "Stand van een doel overgenomen voor de"
    " begeleiding",
    "nl.wegwijs.matching.huishouden.overgenomen.v1": "Huishouden overgenomen voor de begeleiding",
    "nl.wegwijs.matching.huishouden.begeleider-bijgewerkt.v1": "Begeleider van het huishouden"
    " bijgewerkt",
    "nl.wegwijs.matching.begeleider.geregistreerd.v1": "Begeleider ingeschreven",
    "nl.wegwijs.matching.begeleider.gewijzigd.v1": "Gegevens van een begeleider aangepast",
    "nl.wegwijs.matching.begeleider.gestopt.v1": "Begeleider gestopt",
    "nl.wegwijs.matching.begeleider.toegewezen.v1": "Begeleider begeleidt iemand meer",
    "nl.wegwijs.matching.begeleider.vrijgekomen.v1": "Begeleider begeleidt iemand minder",
    "nl.wegwijs.matching.plaatsing.aangeboden.v1": "Plek aangeboden",
    "nl.wegwijs.matching.plaatsing.gewijzigd.v1": "Gegevens van een plek aangepast",
    "nl.wegwijs.matching.plaatsing.bezet.v1": "Plek bezet",
    "nl.wegwijs.matching.plaatsing.vrijgekomen.v1": "Plek weer vrij",
    "nl.wegwijs.matching.plaatsing.gesloten.v1": "Plek niet meer aangeboden",
    "nl.wegwijs.matching.begeleiding.overgedragen.v1": "Begeleiding overgedragen aan de nieuwe"
    " gemeente",
    # consent
    "nl.wegwijs.consent.toestemmingen.geopend.v1": "Lijst van toestemmingen aangemaakt",
    "nl.wegwijs.consent.toestemming.gegeven.v1": "Toestemming gegeven",
    "nl.wegwijs.consent.toestemming.gewijzigd.v1": "Toestemming gewijzigd",
    "nl.wegwijs.consent.toestemming.ingetrokken.v1": "Toestemming ingetrokken",
    "nl.wegwijs.consent.toestemming.verlopen.v1": "Toestemming verlopen",
    "nl.wegwijs.consent.deelbesluiten.geopend.v1": "Lijst van besluiten over delen aangemaakt",
    "nl.wegwijs.consent.deelbesluit.genomen.v1": "Besloten welke gegevens een organisatie krijgt",
    "nl.wegwijs.consent.levering.tegengehouden.v1": "Gegevens toch niet gestuurd: het besluit"
    " gold niet meer",
    "nl.wegwijs.consent.relaties.geopend.v1": "Lijst van organisaties rond de persoon aangemaakt",
    "nl.wegwijs.consent.relatie.begonnen.v1": "Organisatie betrokken bij de persoon",
    "nl.wegwijs.consent.relatie.beeindigd.v1": "Organisatie niet meer betrokken bij de persoon",
    "nl.wegwijs.consent.partner.geregistreerd.v1": "Partnerorganisatie ingeschreven",
    "nl.wegwijs.consent.partner.gewijzigd.v1": "Gegevens van een partnerorganisatie aangepast",
    "nl.wegwijs.consent.abonnementen.geopend.v1": "Lijst van abonnementen aangemaakt",
    "nl.wegwijs.consent.abonnement.aangemaakt.v1": "Partnerorganisatie krijgt berichten",
    "nl.wegwijs.consent.abonnement.beeindigd.v1": "Partnerorganisatie krijgt geen berichten meer",
    "nl.wegwijs.consent.protocol.geopend.v1": "Lijst van protocollen aangemaakt",
    "nl.wegwijs.consent.protocol.vastgesteld.v1": "Protocol voor het delen van gegevens"
    " vastgesteld",
    "nl.wegwijs.consent.dossier.overgedragen.v1": "Toestemmingen overgedragen aan de nieuwe"
    " gemeente",
    # the gateway
    "nl.wegwijs.gateway.gegevens.ingezien.v1": "Gegevens bekeken",
    "nl.wegwijs.gateway.lijst.ingezien.v1": "Lijst met dossiers bekeken",
    "nl.wegwijs.gateway.inzage.geweigerd.v1": "Bekijken geweigerd",
    "nl.wegwijs.gateway.inzagelog.geopend.v1": "Logboek van wie het dossier bekeek aangemaakt",
    "nl.wegwijs.gateway.opdracht.behandeld.v1": "Opdracht afgehandeld",
    # the partner feed
    "nl.wegwijs.partnerfeed.toestemming-beeindigd.v1": "Partnerorganisatie gevraagd gegevens"
    " te verwijderen",
}

READS = frozenset(
    {
        "nl.wegwijs.gateway.gegevens.ingezien.v1",
        "nl.wegwijs.gateway.inzage.geweigerd.v1",
        "nl.wegwijs.intake.dossier.ingezien.v1",
        "nl.wegwijs.intake.signalen.ingezien.v1",
    }
)
COMMAND_LOG = frozenset({"nl.wegwijs.gateway.opdracht.behandeld.v1"})
BOOKKEEPING = frozenset(
    {
        "nl.wegwijs.gateway.inzagelog.geopend.v1",
        "nl.wegwijs.intake.inzagelog.geopend.v1",
        "nl.wegwijs.intake.signalenlijst.geopend.v1",
        "nl.wegwijs.consent.toestemmingen.geopend.v1",
        "nl.wegwijs.consent.deelbesluiten.geopend.v1",
        "nl.wegwijs.consent.relaties.geopend.v1",
        "nl.wegwijs.consent.relatie.begonnen.v1",
        "nl.wegwijs.consent.relatie.beeindigd.v1",
        "nl.wegwijs.matching.begeleiding.geopend.v1",
        "nl.wegwijs.matching.route.overgenomen.v1",
        "nl.wegwijs.matching.plan.overgenomen.v1",
        "nl.wegwijs.matching.doelstatus.overgenomen.v1",
        "nl.wegwijs.matching.huishouden.overgenomen.v1",
        "nl.wegwijs.matching.huishouden.begeleider-bijgewerkt.v1",
        "nl.wegwijs.pip.startpunten.vastgelegd.v1",
        "nl.wegwijs.pip.routekeuze.overgenomen.v1",
        "nl.wegwijs.pip.signaal.genoteerd.v1",
        "nl.wegwijs.pip.praktische-zaak.bijgewerkt.v1",
        # a move's parts: the move itself, the PIP and the guidance are on the timeline
        "nl.wegwijs.intake.onderdeel.overgedragen.v1",
    }
)
NOT_ON_TIMELINE = READS | COMMAND_LOG | BOOKKEEPING

SYSTEM_ACTOR = "system:"
# A document's issue links to the document: its id is the event's (services/common/documents).
DOCUMENTS = frozenset(
    {
        "nl.wegwijs.intake.handhavingsbesluit.uitgegeven.v1",
        "nl.wegwijs.pip.document.uitgegeven.v1",
        "nl.wegwijs.pip.handhavingsbesluit.uitgegeven.v1",
    }
)


def _on_timeline() -> sql.Composable:
    """The condition an entry of the timeline meets: the same text in the partial index and in
    the query, so that PostgreSQL sees the index answers the query."""
    return sql.SQL("event_type <> ALL (ARRAY[{}]::text[])").format(
        sql.SQL(", ").join(sql.Literal(t) for t in sorted(NOT_ON_TIMELINE))
    )


def index_ddl() -> list[sql.Composable]:
    """The timeline's index: a dossier's entries on the timeline by event time, so a page is an
    index range however often the dossier was read. Named after what it leaves out, so that a
    change of that makes a new index (and drops the old one)."""
    digest = hashlib.sha256("\n".join(sorted(NOT_ON_TIMELINE)).encode()).hexdigest()[:10]
    name = f"ledger_timeline_{digest}"
    return [
        sql.SQL(
            "CREATE INDEX IF NOT EXISTS {} ON audit.ledger (dossier_id, event_time, seq) WHERE {}"
        ).format(sql.Identifier(name), _on_timeline()),
        sql.SQL(
            """DO $$ DECLARE stale text;
            BEGIN
                FOR stale IN SELECT indexname FROM pg_indexes WHERE schemaname = 'audit'
                    AND indexname LIKE 'ledger\\_timeline\\_%' AND indexname <> {}
                LOOP EXECUTE format('DROP INDEX audit.%I', stale); END LOOP;
            END $$"""
        ).format(sql.Literal(name)),
    ]


def dossier_gemeenten(cur: Cursor, dossier_id: str) -> list[str]:
    """The gemeenten the dossier belonged to, in order: the one it was registered with, then
    the one of each accepted move (the last is its gemeente now). NotFound when the ledger has
    no dossier by that id (a dossier just registered is there within moments)."""
    cur.execute(
        sql.SQL(
            "SELECT gemeente FROM audit.ledger WHERE dossier_id = %s AND event_type IN ({})"
            " ORDER BY seq"
        ).format(OWNER_TYPES),
        (dossier_id,),
    )
    gemeenten = [row["gemeente"] for row in cur.fetchall()]
    if not gemeenten:
        raise NotFound("no such dossier")
    return gemeenten


def timeline_page(
    cur: Cursor,
    dossier_id: str,
    gemeente: str,
    before: int | None,
    limit: int,
    with_special: bool,
    partners: Mapping[str, str] | None = None,
    only_gemeente: bool = False,
) -> dict[str, Any]:
    """One page of the dossier's timeline, newest first (event time, then ledger order), and
    where the next starts (`before`: the `seq` of the last item seen) or None. Without
    `with_special`, entries that touch a special category (health) are left out. `partners`
    names partner organisations by OIN (consent's register; audit keeps no names of its own).
    With `only_gemeente`, only the entries filed under `gemeente`: a former gemeente's history
    (up to the move); without it, the whole timeline, for the dossier's gemeente now."""
    cur.execute(
        page_query(before is not None, with_special, only_gemeente),
        {"dossier_id": dossier_id, "gemeente": gemeente, "before": before, "limit": limit + 1},
    )
    rows = cur.fetchall()
    more = len(rows) > limit
    names = {**(partners or {}), **organisation_names()}
    items = [item(row, names) for row in rows[:limit]]
    return {
        "dossier_id": dossier_id,
        "gemeente": gemeente,
        "items": items,
        "next_before": items[-1]["seq"] if more else None,
    }


def page_query(
    after_a_page: bool, with_special: bool, only_gemeente: bool = True
) -> sql.Composable:
    """The statement of a page: a backward range of the timeline's index on the dossier (in each
    partition of the ledger, merged in order)."""
    where = [sql.SQL("dossier_id = %(dossier_id)s"), _on_timeline()]
    if only_gemeente:
        where.append(sql.SQL("gemeente = %(gemeente)s"))
    if not with_special:
        where.append(sql.SQL("confidentiality <> 'bijzonder'"))
    if after_a_page:
        where.append(
            sql.SQL(
                "(event_time, seq) < ((SELECT event_time FROM audit.ledger"
                " WHERE seq = %(before)s AND dossier_id = %(dossier_id)s), %(before)s)"
            )
        )
    return sql.SQL(
        "SELECT seq, event_id, event_type, event_time, actor, actor_roles, organisation,"
        " correlation_id, dossier_id"
        " FROM audit.ledger WHERE {} ORDER BY event_time DESC, seq DESC LIMIT %(limit)s"
    ).format(sql.SQL(" AND ").join(where))


def item(row: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """An entry as a timeline item: when, what in Dutch, who, and its trace."""
    return {
        "seq": row["seq"],
        "time": row["event_time"],
        "event_type": row["event_type"],
        "what": DESCRIPTIONS.get(row["event_type"], row["event_type"]),
        "who": who(row["actor"], row["actor_roles"], row["organisation"], names),
        "trace_id": row["correlation_id"],
        "document": (
            f"/api/v1/dossiers/{row['dossier_id']}/documents/{row['event_id']}"
            if row["event_type"] in DOCUMENTS
            else None
        ),
    }


def who(actor: str, actor_roles: str, organisation: str, names: Mapping[str, str]) -> dict:
    """Who did it: the user, their roles and organisation, and all of it written out."""
    if actor.startswith(SYSTEM_ACTOR):
        return {
            "user": None,
            "roles": [],
            "organisation": "",
            "description": "Wegwijs (automatisch)",
        }
    roles = [r for r in actor_roles.split(",") if r]
    role_names = " en ".join(dutch.role(r) for r in roles)
    organisation_name = dutch.organisation(organisation, names)
    described = ", ".join(part for part in (role_names, organisation and organisation_name) if part)
    return {
        "user": actor,
        "roles": roles,
        "organisation": organisation,
        "description": f"{actor} ({described})" if described else actor,
    }


@cache
def organisation_names() -> dict[str, str]:
    """The organisations known by name here: the region's gemeenten and Wegwijs itself."""
    names = dutch.gemeente_organisations(Region.load())
    names[settings.SYSTEM_OIN.get()] = "Wegwijs"
    return names


def check_page(before: Any, limit: Any) -> None:
    """Refuse a page the API would not ask for: `before` a `seq` (or None), `limit` 1 to 100."""
    errors = []
    if before is not None and not (isinstance(before, int) and 1 <= before <= 2**62):
        errors.append(field_error("before", f"must be a whole number from 1 to {2**62}"))
    if not (isinstance(limit, int) and 1 <= limit <= MAX_PAGE):
        errors.append(field_error("limit", f"must be a whole number from 1 to {MAX_PAGE}"))
    if errors:
        raise InvalidInput(errors)
