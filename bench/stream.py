"""A region's event stream made through the services' own domain, for the rebuild and aggregate
benches: the applications of intake, pip, matching and consent on PostgreSQL in one plain
process, each reacting to the others' integration events as their consumers would (no broker,
no gateway). Kept in its own database and reused while it holds the wanted number of dossiers.

Each dossier: a registration (with its BSN claim and household checklist), three parts of the
brede intake, a life domain, the draft PIP and two goals, with the reactions of matching and
consent to all of it: about twenty stored events a dossier over the four stores.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, timedelta

import psycopg

from services.common import settings
from services.common.context import Actor, CommandContext
from services.common.envelope import UnpublishedEvent, to_cloudevent
from services.common.secrets import development_secrets

CONSUMERS = {
    "intake": ("pip", "matching", "consent"),
    "pip": ("matching", "consent"),
    "matching": ("pip", "consent"),
    "consent": (),
}
GEMEENTEN = ("0344", "0356", "0321")
TODAY = date(2026, 10, 1)
# Dossiers made through the domain; a larger stream repeats theirs under new ids (see `multiply`).
THROUGH_DOMAIN = 200
EVENT_TABLES = {
    "intake": "intake_events",
    "pip": "pips_events",
    "matching": "matching_events",
    "consent": "consent_events",
}
_ID = re.compile(
    rb"(?<![0-9a-f])([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    rb"(?![0-9a-f])"
)


def environment(dbname: str) -> dict[str, str]:
    """A development platform's settings on database `dbname` (no broker is used)."""
    return {
        **development_secrets(),
        "WEGWIJS_ENV_FILE": "",
        "WEGWIJS_PG_DBNAME": dbname,
        "WEGWIJS_SERVICE": "",
        "WEGWIJS_PG_CONNECTIONS": "6",
    }


def admin_conninfo(dbname: str) -> str:
    return settings.postgres_conninfo(dbname, identity=settings.ADMIN)


@contextmanager
def applications() -> Iterator[dict]:
    """The four event-sourced applications on this database, as its administrator."""
    from services.consent.application import Consent
    from services.intake.application import Intake
    from services.matching.application import Matching
    from services.pip.application import Pips

    apps = {
        "intake": Intake(env=settings.eventsourcing_env("intake", identity=settings.ADMIN)),
        "pip": Pips.on_postgres(identity=settings.ADMIN),
        "matching": Matching.on_postgres(identity=settings.ADMIN),
        "consent": Consent.on_postgres(identity=settings.ADMIN),
    }
    try:
        yield apps
    finally:
        for app in apps.values():
            app.close()


def dossiers_in(dbname: str) -> int:
    """How many dossiers the stream in `dbname` has (-1: no stream there)."""
    with psycopg.connect(admin_conninfo("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
            return -1
    with psycopg.connect(admin_conninfo(dbname)) as conn:
        try:
            return conn.execute(
                "SELECT count(*) FROM intake.intake_events WHERE topic LIKE '%:Dossier.Registered'"
            ).fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return -1


def size(dossiers: int) -> tuple[int, int]:
    """How many dossiers are made through the domain, and how many copies of them in all."""
    base = min(dossiers, THROUGH_DOMAIN)
    return base, math.ceil(dossiers / base)


def prepare(dbname: str, dossiers: int) -> bool:
    """The stream of about `dossiers` dossiers (a multiple of those made through the domain) in
    `dbname`: made anew unless it is there; True if made. The environment must be
    `environment(dbname)`. Commits of the making need not wait for the disk (the session's
    synchronous_commit; nothing of the server changes)."""
    base, copies = size(dossiers)
    if dossiers_in(dbname) == base * copies:
        return False
    with psycopg.connect(admin_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    from services.tools.migrate import migrate_database

    before = os.environ.get("PGOPTIONS")
    os.environ["PGOPTIONS"] = "-c synchronous_commit=off"
    try:
        migrate_database()
        with applications() as apps:
            Region(apps).make(base)
        multiply(dbname, copies)
        with psycopg.connect(admin_conninfo(dbname), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    finally:
        if before is None:
            os.environ.pop("PGOPTIONS")
        else:
            os.environ["PGOPTIONS"] = before
    return True


def multiply(dbname: str, copies: int) -> None:
    """Repeat the stream made through the domain `copies` times in all, each copy's ids (dashed
    or hex) mapped to new ones the same way in every store: each copy is another set of dossiers
    with the same history."""
    with psycopg.connect(admin_conninfo(dbname)) as conn:
        for schema, table in EVENT_TABLES.items():
            rows = conn.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {schema}.{table}"
                " ORDER BY notification_id"
            ).fetchall()
            with conn.cursor().copy(
                f"COPY {schema}.{table} (originator_id, originator_version, topic, state)"
                " FROM STDIN"
            ) as copy:
                for k in range(1, copies):
                    for originator_id, version, topic, state in rows:
                        copy.write_row(
                            (_copy_id(k, originator_id), version, topic, _copy_ids(k, state))
                        )


def _copy_id(k: int, original: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(original, str(k))


def _copy_ids(k: int, state: bytes) -> bytes:
    def swap(found: re.Match) -> bytes:
        text = found.group(1)
        new = _copy_id(k, uuid.UUID(text.decode()))
        return (str(new) if b"-" in text else new.hex).encode()

    return _ID.sub(swap, bytes(state))


def regievoerder() -> CommandContext:
    """The bench's regievoerder, of every gemeente of the region."""
    actor = Actor("bench", "Bench Regie", ("regievoerder",), "00000001000000000344", GEMEENTEN)
    return CommandContext(actor=actor, activity="registratie")


class Region:
    """Commands as a regievoerder would give them, and the services' reactions, in order."""

    def __init__(self, apps: dict):
        self.apps = apps
        self.forwarded = dict.fromkeys(apps, 0)
        self.ctx = regievoerder()
        self.bsns = _bsns()

    def make(self, dossiers: int) -> None:
        self.partners()
        for n in range(dossiers):
            self.dossier(n)
            if n % 20 == 0:
                self.offer(n)
            if n % 50 == 49:
                self.cascade()
        self.cascade()

    def partners(self) -> None:
        """The partner organisations of the region (consent's partner register)."""
        admin = CommandContext(
            actor=Actor("bench-admin", "Beheer", ("admin",), "", GEMEENTEN),
            activity="partner-beheren",
        )
        for oin, name, kind in PARTNERS:
            self.apps["consent"].register_partner(
                admin, {"oin": oin, "name": name, "kind": kind, "gemeenten": list(GEMEENTEN)}
            )

    def offer(self, n: int) -> None:
        """A guide and a placement offered by the partners (matching's pool)."""
        from services.common.clock import today_in_amsterdam
        from tests.matching_fixtures import guide_body, placement_body

        def coordinator(oin: str) -> CommandContext:
            actor = Actor(f"bench-{oin}", "Coördinator", ("coordinator",), oin, ("0344",))
            return CommandContext(actor=actor, activity="koppelen")

        matching = self.apps["matching"]
        matching.register_guide(
            coordinator(PARTNERS[0][0]), guide_body(f"Gids {n}", today_in_amsterdam())
        )
        matching.offer_placement(coordinator(PARTNERS[1][0]), placement_body(f"Plek {n}"))

    def dossier(self, n: int) -> str:
        from tests.pip_fixtures import goal

        intake, ctx = self.apps["intake"], self.ctx
        bsn = next(self.bsns)
        dossier = str(
            intake.register(
                ctx,
                {
                    "bsn": bsn,
                    "v_nummer": f"3{bsn}",
                    "given_name": "Bench",
                    "family_name": f"Persoon {n}",
                    "birth_date": "1990-05-17",
                    "gemeente": GEMEENTEN[n % 3],
                    "duo_notice_date": (TODAY - timedelta(days=20)).isoformat(),
                    "brp_registration_date": (TODAY - timedelta(days=5)).isoformat(),
                },
                today=TODAY,
            )
        )
        intake.record_leerbaarheidstoets(ctx, dossier, LBT, today=TODAY)
        intake.add_education(ctx, dossier, EDUCATION)
        intake.record_personal_circumstances(ctx, dossier, CIRCUMSTANCES)
        intake.record_life_domain(ctx, dossier, "financien", FINANCES)
        self.cascade()
        pips = self.apps["pip"]
        pips.add_goal(ctx, dossier, goal(TODAY, "werk"))
        pips.add_goal(ctx, dossier, goal(TODAY, "taal"))
        return dossier

    def cascade(self) -> None:
        """Deliver every origin's new integration events to its consumers until all are quiet."""
        moved = True
        while moved:
            moved = False
            for origin, consumers in CONSUMERS.items():
                events = self._new_events(origin)
                if not events:
                    continue
                moved = True
                for consumer in consumers:
                    for start in range(0, len(events), 100):
                        self.apps[consumer].process(origin, events[start : start + 100])

    def _new_events(self, origin: str) -> list[dict]:
        app = self.apps[origin]
        publications = PUBLICATIONS[origin]()
        events = []
        while notifications := app.recorder.select_notifications(
            start=self.forwarded[origin] + 1, limit=1000
        ):
            for notification in notifications:
                event = app.mapper.to_domain_event(notification)
                with suppress(UnpublishedEvent):
                    events.append(
                        to_cloudevent(
                            origin, publications, notification.id, event, notification.state
                        )
                    )
            self.forwarded[origin] = notifications[-1].id
        return events


def _publications(module: str):
    def load() -> dict:
        return __import__(f"services.{module}.events", fromlist=["PUBLICATIONS"]).PUBLICATIONS

    return load


PUBLICATIONS = {name: _publications(name) for name in CONSUMERS}


def _bsns() -> Iterator[str]:
    """Valid test BSNs (the eleven test), from a range no test uses."""
    return (
        str(n)
        for n in itertools.count(int(os.environ.get("WEGWIJS_BENCH_BSN_START") or 990000000))
        if sum(int(d) * w for d, w in zip(str(n), (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11
        == 0
    )


PARTNERS = (
    ("00000003000000000001", "VluchtelingenWerk", "maatschappelijke-begeleiding"),
    ("00000003000000000003", "Kringloop", "werkgever"),
)
LBT = {"taken_on": "2026-09-20", "outcome": "gemiddeld"}
EDUCATION = {
    "country": "Eritrea",
    "level": "voortgezet",
    "years": 10,
    "diploma": True,
    "recognition_requested": False,
}
CIRCUMSTANCES = {"summary": "Woont sinds oktober hier; gezin volgt."}
FINANCES = {
    "income": "bijstand",
    "debts": True,
    "huurtoeslag_applied": False,
    "zorgtoeslag_applied": True,
    "advance_needed": False,
}
