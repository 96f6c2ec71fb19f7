"""Interactive answers at scale (issue 18): a region of many dossiers kept in its own database,
16 people at work on it through the gateway, and the memory every process holds afterwards.

- `make_region(layout, dossiers)`: the region, made once and reused while its marker table
  (`public.scale_region`) says it is complete at that size. A few template dossiers go through
  the running platform as people make them (registration, brede intake steps, a PIP with goals
  established, a signal: every service reacts as always, the ledger takes it all in); then each
  is copied with fresh ids, names, BSNs and v-nummers into every service's stored events with
  COPY, as the services' own recorders lay them out (ids derived from a dossier id are derived
  again from the new one), the ledger gets the copies' entries chained on, every consumer's and
  relay's position moves past the copies, each read model is made from the events by the
  projector as `wegwijs rebuild` runs it, and the tables are vacuumed and analysed. Copies keep
  their template's moments, correlation ids and (in the ledger) payload hashes. W6's rebuild
  measurement can start from `make_region` and `rebuild_all`.
- `measure(layout, dossiers)`: 16 users (regievoerders of the three gemeenten, with tokens as
  the gateway takes them) in a closed loop over the worklist, the list of dossiers (its first
  page), a search by name and by BSN, a dossier, its PIP, a registration, a brede intake step
  and a PIP goal: p50/p95 per operation, each beside Open Zaak's published median with 16 users
  (240-390 ms over its main endpoints, 1,000,000 zaken on 10 pods of 1 CPU) as a ratio to both
  bounds; and, meanwhile, a dossier fetched by its key straight from PostgreSQL as the same-run
  baseline of how busy the machine is.
- RSS (VmRSS) of every process of the platform after the workload, against the same process
  idle just after it started.

Alone: `.venv/bin/python -m bench.scale --dossiers N [--seconds S]` starts its platform
(`WEGWIJS_SCALE_LAYOUT`, default `wegwijs_scale:29000:29100`) and prints one JSON object;
`bench/run.py` calls `measure` and `targets` after its own platform has stopped
(`WEGWIJS_SCALE_DOSSIERS`, default 100,000).
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterable  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import psycopg  # noqa: E402
import requests  # noqa: E402
from psycopg.rows import dict_row  # noqa: E402

import services  # noqa: E402, F401 - psycopg waits cooperatively, as in the services
from bench import werkplek  # noqa: E402
from services.audit.ledger import GENESIS, chain_hash  # noqa: E402
from services.common import settings  # noqa: E402
from services.common.clock import today_in_amsterdam  # noqa: E402
from services.common.envelope import event_id  # noqa: E402
from services.common.secrets import development_secrets  # noqa: E402
from services.intake.domain import BsnClaim  # noqa: E402
from tests.platform import Layout, Platform, rabbitmqctl  # noqa: E402

USERS = 16
SECONDS = 60.0
# Open Zaak's published median with 16 users over its main endpoints (1,000,000 zaken, 10 pods
# of 1 CPU): the lower and the upper bound of that range.
OPEN_ZAAK_16_USERS_MS = (240.0, 390.0)
# Where each service stores its events (eventsourcing's postgres recorder: one table a schema).
EVENT_TABLES = {
    "intake": "intake.intake_events",
    "pip": "pip.pips_events",
    "matching": "matching.matching_events",
    "consent": "consent.consent_events",
}
# A template's kind -> its share of the region. A region's active dossiers are spread over a
# trajectory of three years: most have a PIP in force and a history of months of follow-up
# (`following`, about 140 stored events each); the mix gives about 100 events a dossier, as the
# issue's region of 100,000 dossiers and 10,000,000 events has it.
KINDS = {
    "registered": 0.08,
    "intake_started": 0.05,
    "intake_completed": 0.05,
    "pip": 0.12,
    "following": 0.70,
}
TEMPLATES_PER_KIND = 3  # one in each gemeente
# How many months of follow-up a `following` template has had since its PIP was established:
# each month a conversation planned and attended, progress on a goal and hours of a module.
FOLLOW_MONTHS = 24
# What a region's making depends on, kept in its marker: a region made otherwise (an older mix,
# or copies without their ledger positions: `copy` 1) is made again, not measured as this one.
MIX = {"kinds": KINDS, "follow_months": FOLLOW_MONTHS, "copy": 2}
GEMEENTEN = ("0344", "0356", "0321")
# The operations of the mixed workload and how often each comes (reads are most of a day).
OPERATIONS = {
    "worklist": 3,
    "list": 2,
    "search_name": 2,
    "search_bsn": 2,
    "dossier": 4,
    "pip": 3,
    "register": 1,
    "intake_step": 1,
    "pip_goal": 1,
}
_UUID = re.compile(
    rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])"
)
_PERSON = re.compile(rb'"(given_name|family_name|bsn|v_nummer|digest)":"([^"]*)"')
_NAMESPACES = tuple(
    uuid.UUID(value)
    for value in (
        "9a3e1c55-0b7d-4f0e-8c1a-54d3f2e6b781",  # pip.domain
        "5d0b7e4a-2c1f-4b8e-9a6d-3e7f1c2b4a90",  # pip.handhaving
        "9b0e4c2d-6a1f-4e37-8d5b-2c7f1a3e9d64",  # matching guidance
        "c3a1d9e2-5b7f-4a60-8e14-2f9b0c6d7e81",  # consent records
        "6e2b9a71-0c4d-4f8e-b3a5-d17c2e9f4b08",  # consent decisions
        "5c0e7a3d-9b24-4f61-8d1e-2a7b3c9e0f58",  # consent relations
        "6a1d7c3e-2b9f-4e58-8c0d-5f4b3a2e1d90",  # intake household checklist (of a household)
        "a6c2e0f4-1b3d-4e5f-8a7b-9c0d1e2f3a4b",  # intake signals
        "c3e1f0a2-5b4d-4c6e-9f8a-1b2c3d4e5f60",  # intake views
        "3f0c1b7e-8d2a-4c6e-b5a4-7e9d1c2f3a61",  # intake brede intake
        "b7e3a2f1-6c4d-4e8a-9f0b-2d1c3e4f5a67",  # gateway access log
    )
)
_BSN_CLAIM = uuid.UUID("5b0b8f1e-2d4c-4a8e-9d6f-1f3c2b7a9e40")


def scale_layout() -> Layout:
    name, gateway, base = (
        os.environ.get("WEGWIJS_SCALE_LAYOUT") or "wegwijs_scale:29000:29100"
    ).split(":")
    return Layout(
        name,
        gateway_port=int(gateway),
        service_port_base=int(base),
        pg_connections=settings.PG_CONNECTIONS.default,
        pg_idle_seconds=settings.PG_IDLE_SECONDS.default,
    )


def secrets_of(layout: Layout) -> dict[str, str]:
    """The region's secrets, kept beside its run directory (mode 0600) for as long as its
    database is: its BSN claims are keyed with them."""
    path = Path(layout.env()["WEGWIJS_RUN_DIR"]).with_name(f"{layout.name}.secrets.json")
    if path.exists():
        return json.loads(path.read_text())
    values = development_secrets()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(values, file)
    return values


def platform_of(layout: Layout) -> Platform:
    """A platform on the region's database, its processes with the region's secrets and
    without the development check of every answer (production does not check them)."""
    kept = secrets_of(layout)
    os.environ.update({**layout.env(), **kept, "WEGWIJS_CHECK_ANSWERS": "0"})
    platform = Platform(layout)
    platform.env.update({**kept, "WEGWIJS_CHECK_ANSWERS": "0"})
    return platform


def _connect(dbname: str) -> psycopg.Connection:
    return psycopg.connect(settings.postgres_conninfo(dbname), row_factory=dict_row)


def region_marker(dbname: str) -> dict[str, Any] | None:
    """How the region in `dbname` was made, when it was made completely."""
    try:
        with _connect(dbname) as conn:
            row = conn.execute(
                "SELECT * FROM public.scale_region WHERE complete ORDER BY made_at DESC LIMIT 1"
            ).fetchone()
    except psycopg.Error:
        return None
    return dict(row) if row else None


# the templates ---------------------------------------------------------------------------
def _templates(platform: Platform) -> dict[str, str]:
    """Template dossiers made as people make them: dossier id -> kind."""
    completed, rahaf_intake, rahaf_pip = werkplek._demo_stories()
    started = [s for s in completed if s["path"] == "intake/leerbaarheidstoets"]
    stories = {
        "registered": [],
        "intake_started": started,
        "intake_completed": completed,
        "pip": rahaf_intake,
        "following": rahaf_intake,
    }
    people = werkplek._people(len(KINDS) * TEMPLATES_PER_KIND, random.Random(18), _today())
    kinds = {}
    with werkplek.Services(4) as rpc:
        for number, who in enumerate(people):
            kind = list(KINDS)[number // TEMPLATES_PER_KIND]
            who["gemeente"] = GEMEENTEN[number % len(GEMEENTEN)]
            dossier_id = rpc.call("intake", "register", "registratie", who)["id"]
            rpc.story(dossier_id, stories[kind])
            if number % 2:
                rpc.call("intake", "give_signal", "signalering", dossier_id, werkplek.SIGNAL)
            kinds[dossier_id] = kind
        platform.wait_ledger_complete(deadline=600)
        for dossier_id, kind in kinds.items():
            if kind in ("pip", "following"):
                rpc.story(dossier_id, rahaf_pip)
        for dossier_id, kind in kinds.items():
            if kind == "following":
                _follow(rpc, dossier_id, FOLLOW_MONTHS)
        if rpc.failed:
            raise RuntimeError(f"templates failed: {rpc.failed[:3]}")
    platform.wait_ledger_complete(deadline=600)
    return kinds


def _follow(rpc: werkplek.Services, dossier_id: str, months: int) -> None:
    """The months after a PIP was established, as the regievoerder records them: each month a
    conversation planned and attended, progress on one of the goals, hours of a module."""
    plan = rpc.call("pip", "pip", "pip-inzien", dossier_id)["plan"]
    goals = [goal["id"] for goal in plan["goals"]]
    modules = sorted(plan.get("modules") or {})
    for month in range(1, months + 1):
        rpc.call(
            "intake",
            "plan_conversation",
            "brede-intake",
            dossier_id,
            {"planned_on": _today().isoformat(), "purpose": f"Voortgangsgesprek {month}"},
        )
        rpc.call(
            "intake", "record_attendance", "brede-intake", dossier_id, month, {"attended": True}
        )
        rpc.call(
            "pip",
            "record_goal_progress",
            "pip-voortgang",
            dossier_id,
            goals[month % len(goals)],
            {"status": "bezig", "note": f"Besproken in gesprek {month}."},
        )
        if modules:
            rpc.call(
                "pip",
                "record_module_hours",
                "pip-voortgang",
                dossier_id,
                modules[month % len(modules)],
                {"hours": 8, "note": f"Lessen in maand {month}."},
            )


def _today() -> date:
    return today_in_amsterdam()


class Template:
    """One template dossier's stored events, per service, and how to copy them."""

    def __init__(self, dossier_id: str, kind: str, gemeente: str) -> None:
        self.dossier_id, self.kind, self.gemeente = uuid.UUID(dossier_id), kind, gemeente
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.derived: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}

    def take(self, service: str, rows: list[dict[str, Any]]) -> None:
        """Keep the events of every aggregate whose history names the dossier (or an id derived
        from it)."""
        own = {self.dossier_id, *(uuid.uuid5(ns, str(self.dossier_id)) for ns in _NAMESPACES)}
        hex_forms = {str(u).encode() for u in own} | {u.hex.encode() for u in own}
        mine = {
            row["originator_id"]
            for row in rows
            if row["originator_id"] in own or any(h in row["state"] for h in hex_forms)
        }
        self.events[service] = [row for row in rows if row["originator_id"] in mine]

    def settle(self) -> None:
        """Once per template: which ids are derived from another (a uuid5 of it), so a copy
        derives them again from its own, the rest drawn fresh in each copy; and each event's
        state cut at its ids and personal fields, so a copy is a join of the pieces."""
        seen = {self.dossier_id}
        for rows in self.events.values():
            for row in rows:
                seen.add(row["originator_id"])
                seen |= {_as_uuid(m) for m in _UUID.findall(row["state"])}
        for root in seen:
            for ns in _NAMESPACES:
                derived = uuid.uuid5(ns, str(root))
                if derived in seen and derived != root:
                    self.derived[derived] = (ns, root)
        self.claims = {
            row["originator_id"]
            for rows in self.events.values()
            for row in rows
            if row["topic"].startswith("services.intake.domain:BsnClaim")
        }
        self.order = sorted(seen, key=lambda old: old in self.derived)  # roots first
        for rows in self.events.values():
            for row in rows:
                row["pieces"] = _pieces(row["state"])

    def ids_for_copy(self, new_dossier: uuid.UUID, digest: str) -> dict[bytes, bytes]:
        """Every id of the template in both its written forms -> the copy's (the same each
        time it is asked for one copy: its fresh ids are drawn from the copy's own id)."""
        draw = random.Random(new_dossier.int)
        mapping: dict[uuid.UUID, uuid.UUID] = {self.dossier_id: new_dossier}
        for claim in self.claims:
            mapping[claim] = BsnClaim.create_id(digest)

        def new(old: uuid.UUID) -> uuid.UUID:
            if old not in mapping:
                if old in self.derived:
                    ns, root = self.derived[old]
                    mapping[old] = uuid.uuid5(ns, str(new(root)))
                else:
                    mapping[old] = uuid.UUID(int=draw.getrandbits(128), version=4)
            return mapping[old]

        for old in self.order:
            new(old)
        forms: dict[bytes, bytes] = {}
        for old, fresh in mapping.items():
            forms[str(old).encode()] = str(fresh).encode()
            forms[old.hex.encode()] = fresh.hex.encode()
        return forms


def _pieces(state: bytes) -> list[tuple[int, bytes]]:
    """`state` as literal pieces (0), ids (1) and personal fields (2, the field's name)."""
    marks = sorted(
        [(m.start(), m.end(), 1, m.group(0)) for m in _UUID.finditer(state)]
        + [(m.start(2), m.end(2), 2, m.group(1)) for m in _PERSON.finditer(state)]
    )
    pieces, at = [], 0
    for start, end, kind, value in marks:
        if start < at:
            continue  # an id inside a personal field (never so far): kept as the field
        pieces.append((0, state[at:start]))
        pieces.append((kind, value))
        at = end
    pieces.append((0, state[at:]))
    return pieces


def _joined(pieces: list[tuple[int, bytes]], ids: dict[bytes, bytes], person: Person) -> bytes:
    return b"".join(
        value if kind == 0 else ids.get(value, value) if kind == 1 else person.values[value]
        for kind, value in pieces
    )


def _as_uuid(found: bytes) -> uuid.UUID:
    return uuid.UUID(found.decode())


# copying -----------------------------------------------------------------------------------
class Person:
    """The copy's own person: a name, a test BSN and its v-nummer, the BSN's claim digest."""

    def __init__(self, bsn: str, given: str, family: str, bsn_key: str) -> None:
        self.values = {
            b"given_name": given.encode(),
            b"family_name": family.encode(),
            b"bsn": bsn.encode(),
            b"v_nummer": f"2{bsn}".encode(),
        }
        self.digest = BsnClaim.digest_of(bsn, bsn_key)
        self.values[b"digest"] = self.digest.encode()


def _copies(plan: list[tuple[Template, uuid.UUID, Person]]) -> Iterable[tuple[Any, ...]]:
    for template, dossier_id, person in plan:
        yield template, template.ids_for_copy(dossier_id, person.digest), person


def _bsns_from(start: int) -> Iterable[str]:
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    for n in range(start, 999_999_999):
        digits = str(n)
        if sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0:
            yield digits


def copy_region(platform: Platform, kinds: dict[str, str], dossiers: int) -> dict[str, Any]:
    """Copy the templates up to `dossiers` dossiers: stored events, ledger entries, positions."""
    dbname = platform.layout.name
    rng = random.Random(100_000)
    with _connect(dbname) as conn:
        gemeenten = {
            str(r["dossier_id"]): r["gemeente"]
            for r in conn.execute("SELECT dossier_id, gemeente FROM intake.dossier_index")
        }
        templates = [Template(d, k, gemeenten[d]) for d, k in kinds.items()]
        for service, table in EVENT_TABLES.items():
            rows = conn.execute(
                f"SELECT originator_id, originator_version, topic, state, notification_id"
                f" FROM {table} ORDER BY notification_id"
            ).fetchall()
            for template in templates:
                template.take(service, rows)
        for template in templates:
            template.settle()
        ledger = {
            (r["origin"], r["origin_position"]): r
            for r in conn.execute(
                "SELECT * FROM audit.ledger WHERE origin = ANY(%s)", (list(EVENT_TABLES),)
            )
        }
        heads = {
            service: conn.execute(
                f"SELECT coalesce(max(notification_id), 0) AS n FROM {table}"
            ).fetchone()["n"]
            for service, table in EVENT_TABLES.items()
        }
        head = conn.execute(
            "SELECT seq, entry_hash FROM audit.ledger ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    bsn_key = platform.env[settings.BSN_INDEX_KEY.name]
    kinds_list, weights = zip(*KINDS.items(), strict=True)
    by_kind = {k: [t for t in templates if t.kind == k] for k in KINDS}
    bsns = _bsns_from(910_000_000)
    to_make = max(0, dossiers - len(gemeenten))
    plan = []
    for _ in range(to_make):
        template = rng.choice(by_kind[rng.choices(kinds_list, weights)[0]])
        person = Person(
            next(bsns), rng.choice(werkplek.GIVEN), rng.choice(werkplek.FAMILY), bsn_key
        )
        plan.append((template, uuid.uuid4(), person))
    started = time.perf_counter()
    counts = dict.fromkeys(EVENT_TABLES, 0)
    seq, prev_hash = (head["seq"], head["entry_hash"]) if head else (0, GENESIS)
    now = datetime.now(UTC).isoformat()
    columns = [c for c in next(iter(ledger.values()))] if ledger else []
    # One pass over the copies, each written to every table at once (a COPY on a connection
    # of its own per table), so each copy's ids are worked out once.
    with contextlib.ExitStack() as stack:
        conns = {name: stack.enter_context(_connect(dbname)) for name in (*EVENT_TABLES, "ledger")}
        copies = {
            service: stack.enter_context(
                conns[service]
                .cursor()
                .copy(
                    f"COPY {table} (originator_id, originator_version, topic, state,"
                    " notification_id) FROM STDIN"
                )
            )
            for service, table in EVENT_TABLES.items()
        }
        # The ledger's partitions reach beyond every copy's entry (the audit process makes
        # them ahead only as it appends).
        bound = seq + sum(len(rows) for t, _, _ in plan for rows in t.events.values())
        conns["ledger"].execute("SELECT audit.ledger_partitions_ahead(%s)", (bound,))
        ledger_copy = stack.enter_context(
            conns["ledger"].cursor().copy(f"COPY audit.ledger ({', '.join(columns)}) FROM STDIN")
        )
        # What the audit consumer reads its position from, and what keeps a redelivered event
        # from a second entry: each copy's origin position, as the ledger writes it.
        conns["positions"] = stack.enter_context(_connect(dbname))
        positions_copy = stack.enter_context(
            conns["positions"]
            .cursor()
            .copy("COPY audit.ledger_origin_position (origin, origin_position, seq) FROM STDIN")
        )
        positions = dict(heads)
        entries = 0
        for template, ids, person in _copies(plan):
            for service, copy in copies.items():
                for row in template.events[service]:
                    positions[service] = position = positions[service] + 1
                    copy.write_row(
                        (
                            ids[str(row["originator_id"]).encode()].decode(),
                            row["originator_version"],
                            row["topic"],
                            _joined(row["pieces"], ids, person),
                            position,
                        )
                    )
                    entry = ledger.get((service, row["notification_id"]))
                    if entry is None:
                        continue
                    seq += 1
                    entries += 1
                    dossier = ids.get(entry["dossier_id"].encode())
                    new = {
                        **entry,
                        "seq": seq,
                        "origin_position": position,
                        "event_id": event_id(service, position),
                        "dossier_id": dossier.decode() if dossier else entry["dossier_id"],
                        "ledger_time": now,
                        "prev_hash": prev_hash,
                    }
                    new["entry_hash"] = prev_hash = chain_hash(prev_hash, new)
                    ledger_copy.write_row([new[c] for c in columns])
                    positions_copy.write_row((service, position, seq))
    with _connect(dbname) as conn, conn.cursor() as cur:
        for service, table in EVENT_TABLES.items():
            counts[service] = positions[service] - heads[service]
            cur.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
                (table, positions[service]),
            )
        _move_positions(cur)
    return {
        "copied_dossiers": to_make,
        "copied_events": counts,
        "copied_ledger_entries": entries,
        "copy_seconds": round(time.perf_counter() - started, 1),
    }


def _move_positions(cur: psycopg.Cursor) -> None:
    """Every consumer has taken in the copies (its tracking at each origin's head), every relay
    has published them: nothing of the copies flows again when the platform starts."""
    for service, table in EVENT_TABLES.items():
        cur.execute(f"SELECT max(notification_id) AS n FROM {table}")
        head = cur.fetchone()["n"]
        cur.execute(
            f"UPDATE {service}.outbox_position SET position = %s WHERE origin = %s", (head, service)
        )
        for consumer_table in EVENT_TABLES.values():
            cur.execute(
                f"UPDATE {consumer_table.replace('_events', '_tracking')}"
                " SET notification_id = %s WHERE application_name = %s",
                (head, service),
            )


def make_region(layout: Layout, dossiers: int) -> dict[str, Any]:
    """The region of `dossiers` dossiers in `layout`'s database: made now, or as an earlier run
    made it (its marker says so). Returns the marker."""
    found = region_marker(layout.name)
    if found and found["dossiers"] == dossiers and (found["how"] or {}).get("mix") == MIX:
        return {**found, "reused": True}
    platform = platform_of(layout)
    started = time.perf_counter()
    platform.reset_infrastructure()
    werkplek._start_patiently(platform)
    try:
        kinds = _templates(platform)
        templates_seconds = time.perf_counter() - started
    finally:
        platform.stop_all()
    copied = copy_region(platform, kinds, dossiers)
    at = time.perf_counter()
    rebuild_all()
    rebuild_seconds = time.perf_counter() - at
    with psycopg.connect(settings.postgres_conninfo(layout.name), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    with _connect(layout.name) as conn:
        events = sum(
            conn.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"]
            for t in EVENT_TABLES.values()
        )
        ledger = conn.execute("SELECT count(*) AS n FROM audit.ledger").fetchone()["n"]
        made = conn.execute("SELECT count(*) AS n FROM intake.dossier_index").fetchone()["n"]
        marker = {
            "dossiers": dossiers,
            "dossiers_indexed": made,
            "stored_events": events,
            "ledger_entries": ledger,
            "templates": len(kinds),
            "mix": MIX,
            "how": "templates made through the platform, copied with fresh ids, names and BSNs"
            " (COPY), read models rebuilt by the projector, then VACUUM ANALYZE",
            "templates_seconds": round(templates_seconds, 1),
            "copy_seconds": copied["copy_seconds"],
            "rebuild_seconds": round(rebuild_seconds, 1),
            "seconds": round(time.perf_counter() - started, 1),
        }
        conn.execute(
            "CREATE TABLE IF NOT EXISTS public.scale_region (made_at timestamptz NOT NULL"
            " DEFAULT now(), dossiers int NOT NULL, complete boolean NOT NULL, how jsonb)"
        )
        conn.execute(
            "INSERT INTO public.scale_region (dossiers, complete, how) VALUES (%s, true, %s)",
            (dossiers, json.dumps(marker)),
        )
        conn.commit()
    return {**marker, **copied, "reused": False}


def rebuild_all() -> dict[str, int]:
    """Every read model made again from the events, as `wegwijs rebuild` makes one (as the
    role of its service), in this process: how many events each took."""
    from services.common.db import Database
    from services.common.projection import Projector
    from services.tools.cli import read_models

    taken = {}
    for name, (app_class, projections) in sorted(read_models().items()):
        app = app_class.on_postgres(identity=app_class.schema)
        db = Database(settings.postgres_conninfo(identity=app_class.schema)).open()
        try:
            taken[name] = Projector(app, db, projections).rebuild(name)
        finally:
            app.close()
            db.close()
    return taken


# the mixed workload ------------------------------------------------------------------------
def _people_of_region(dbname: str, count: int = 600) -> list[dict[str, Any]]:
    """People of the region as the readers know them: id, gemeente, name, BSN; whether their
    brede intake is open and whether their PIP is a draft."""
    with _connect(dbname) as conn:
        rows = conn.execute(
            "SELECT e.originator_id::text AS id, convert_from(e.state, 'UTF8')::jsonb AS s,"
            " d.intake_completed_at IS NULL AND d.obligated IS NOT false AS intake_open,"
            " coalesce(p.status <> 'vastgesteld', false) AS pip_draft"
            " FROM intake.intake_events e"
            " JOIN intake.dossier_index d ON d.dossier_id = e.originator_id"
            " LEFT JOIN pip.pip_overview p ON p.dossier_id = e.originator_id"
            " WHERE e.topic = 'services.intake.domain:Dossier.Registered'"
            " AND e.originator_version = 1 ORDER BY random() LIMIT %s",
            (count,),
        ).fetchall()
    return [
        {
            "id": r["id"],
            "gemeente": r["s"]["gemeente"],
            "name": f"{r['s']['given_name']} {r['s']['family_name']}",
            "bsn": r["s"]["bsn"],
            "intake_open": r["intake_open"],
            "pip_draft": r["pip_draft"],
        }
        for r in rows
    ]


class User:
    """One regievoerder of a gemeente at work through the gateway, with their own token."""

    def __init__(self, platform: Platform, gemeente: str, people: list[dict], number: int):
        self.url, self.gemeente = platform.url, gemeente
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {platform.token('regievoerder', gemeente)}"
        self.people = [p for p in people if p["gemeente"] == gemeente]
        self.rng = random.Random(number)
        self.number = number
        # A range of its own, from a place of this run's (a reused region has earlier runs' people).
        self.bsns = _bsns_from(
            960_000_000 + number * 1_000_000 + random.SystemRandom().randrange(990_000)
        )
        _, rahaf_intake, rahaf_pip = werkplek._demo_stories()
        self.step = next(s for s in rahaf_intake if s["path"] == "intake/leerbaarheidstoets")
        self.goal = next(s for s in rahaf_pip if s["path"] == "pip/goals")

    def one(self, operation: str) -> tuple[float, int]:
        """Milliseconds until the whole answer is in, and its status."""
        who = self.rng.choice(self.people)
        dossier = f"/api/v1/dossiers/{who['id']}"
        method, path, body, ok = "GET", dossier, None, (200,)
        if operation == "worklist":
            path = "/api/v1/werkvoorraad"
        elif operation == "list":
            path = "/api/v1/dossiers"
        elif operation == "search_name":
            path = f"/api/v1/dossiers?q={requests.utils.quote(who['name'])}"
        elif operation == "search_bsn":
            path = f"/api/v1/dossiers?q={who['bsn']}"
        elif operation == "pip":
            path, ok = f"{dossier}/pip", (200, 404)
        elif operation == "register":
            bsn = next(self.bsns)
            method, path, ok = "POST", "/api/v1/dossiers", (201,)
            body = {
                "bsn": bsn,
                "v_nummer": f"2{bsn}",
                "given_name": self.rng.choice(werkplek.GIVEN),
                "family_name": self.rng.choice(werkplek.FAMILY),
                "birth_date": "1990-05-15",
                "gemeente": self.gemeente,
                "duo_notice_date": _today().isoformat(),
                "brp_registration_date": _today().isoformat(),
            }
        elif operation == "intake_step":
            who = self.rng.choice([p for p in self.people if p["intake_open"]] or self.people)
            method, body = "PUT", self.step["body"]
            path = f"/api/v1/dossiers/{who['id']}/intake/leerbaarheidstoets"
        elif operation == "pip_goal":
            who = self.rng.choice([p for p in self.people if p["pip_draft"]] or self.people)
            method, body, ok = "POST", self.goal["body"], (200, 201)
            path = f"/api/v1/dossiers/{who['id']}/pip/goals"
        headers = {"Idempotency-Key": str(uuid.uuid4())} if method != "GET" else {}
        started = time.perf_counter()
        answer = self.http.request(method, self.url + path, json=body, headers=headers, timeout=60)
        answer.content  # noqa: B018 - read to its end
        took = (time.perf_counter() - started) * 1000
        if answer.status_code not in ok:
            raise RuntimeError(f"{operation} {answer.status_code}: {answer.text[:200]}")
        return took, answer.status_code


def workload(platform: Platform, seconds: float = SECONDS, users: int = USERS) -> dict[str, Any]:
    """`users` people at once, each asking one thing after another for `seconds`."""
    people = _people_of_region(platform.layout.name)
    crowd = [User(platform, GEMEENTEN[n % len(GEMEENTEN)], people, n) for n in range(users)]
    names, weights = zip(*OPERATIONS.items(), strict=True)
    timings: dict[str, list[float]] = {name: [] for name in names}
    failures: dict[str, list[str]] = {name: [] for name in names}
    deadline = time.perf_counter() + seconds

    def work(user: User) -> None:
        while time.perf_counter() < deadline:
            operation = user.rng.choices(names, weights)[0]
            try:
                took, _ = user.one(operation)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failures[operation].append(str(exc)[:300])
            else:
                timings[operation].append(took)

    machine: list[float] = []

    def baseline() -> None:
        """The machine's own pace meanwhile: one dossier fetched by its key, in this process."""
        with _connect(platform.layout.name) as conn:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                conn.execute(
                    "SELECT * FROM intake.dossier_index WHERE dossier_id = %s",
                    (random.choice(people)["id"],),
                ).fetchone()
                machine.append((time.perf_counter() - started) * 1000)
                eventlet.sleep(0.05)

    pool = eventlet.GreenPool(users + 1)
    pool.spawn(baseline)
    for user in crowd:
        pool.spawn(work, user)
    pool.waitall()
    low, high = OPEN_ZAAK_16_USERS_MS
    result = {"baseline_primary_key_fetch": werkplek._percentiles(machine)}
    for name in names:
        shown = werkplek._percentiles(timings[name])
        p50 = shown["p50_ms"]
        result[name] = {
            **shown,
            "failed": len(failures[name]),
            "first_failure": (failures[name] or [""])[0],
            "p50_ratio_to_open_zaak_16_users_lower_240_ms": round(p50 / low, 3) if p50 else None,
            "p50_ratio_to_open_zaak_16_users_upper_390_ms": round(p50 / high, 3) if p50 else None,
        }
    return result


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def rss_of(platform: Platform) -> dict[str, float]:
    return {name: rss_mb(p.popen.pid) for name, p in platform.processes.items()}


READS = ("worklist", "list", "search_name", "search_bsn", "dossier", "pip")


def measure(
    layout: Layout, dossiers: int, seconds: float = SECONDS, profiled: bool = False
) -> dict[str, Any]:
    """Make (or reuse) the region, start the platform on it, run the workload, read the RSS.
    `profiled`: every Python process samples where its CPU goes meanwhile (as bench/hotpath.py
    has them do), which costs a little CPU of its own."""
    print(f"bench: the scale region of {dossiers:,} dossiers (made once) ...", flush=True)
    region = make_region(layout, dossiers)
    platform = platform_of(layout)
    profiles = Path(platform.env["WEGWIJS_RUN_DIR"]) / "profile"
    if profiled:
        platform.env["WEGWIJS_PROFILE_DIR"] = str(profiles)
        profiles.mkdir(parents=True, exist_ok=True)
        for old in profiles.glob("*"):
            old.unlink()
    platform._kill_leftovers()
    platform.cli("migrate")  # a region made by older code gets today's tables and indexes
    werkplek._start_patiently(platform)
    from bench.hotpath import CpuMeter  # bench.hotpath imports bench.run, which imports this

    try:
        settled = _settle(platform)
        idle = rss_of(platform)
        print(f"bench: {USERS} users in a mixed workload for {seconds:.0f} s ...", flush=True)
        if profiled:
            (profiles / "sampling").touch()
            eventlet.sleep(1.0)  # every sampler has seen it
        meter = CpuMeter(platform, _machine_broker_pid())
        meter.start()
        operations = workload(platform, seconds)
        cpu = meter.stop()
        busy = rss_of(platform)
        if profiled:
            (profiles / "sampling").unlink()
            eventlet.sleep(3.0)  # every sampler has written its last counts
    finally:
        platform.stop_all()
    done = sum(v["requests"] for k, v in operations.items() if k != "baseline_primary_key_fetch")
    complete = all(
        operations[r]["p95_ms"] is not None and not operations[r]["failed"] for r in READS
    )
    slowest = max(operations[r]["p95_ms"] or 0 for r in READS)
    return {
        "region": region,
        "settled_before_seconds": settled,
        "users": USERS,
        "seconds": seconds,
        "operations": operations,
        "slowest_read_p95_ms": slowest if complete else None,
        "rss_mb": {
            name: {
                "after_workload": busy[name],
                "idle": idle[name],
                "ratio_to_idle": round(busy[name] / idle[name], 2) if idle[name] else None,
            }
            for name in busy
        },
        "largest_rss_mb": max(busy.values()),
        # Where the machine's two cores went: CPU per operation of the mix, per process (the
        # machine's RabbitMQ counted whole; the bench's own process not at all).
        "cpu_ms_per_operation": {
            group: round(seconds_used * 1000 / max(done, 1), 2)
            for group, seconds_used in sorted(cpu["cpu_seconds"].items(), key=lambda kv: -kv[1])
        },
        "cpu_ms_per_operation_total": round(cpu["total_cpu_seconds"] * 1000 / max(done, 1), 2),
        **({"profile": _where(profiles, cpu, done)} if profiled else {}),
    }


def _where(profiles: Path, cpu: dict[str, Any], done: int) -> dict[str, Any]:
    """Per process: its CPU per operation of the mix, and where it went by library and by
    Wegwijs function (ms per operation, from its sampler's counts)."""
    from bench.hotpath import _net

    table = {}
    for name, seconds_used in sorted(cpu["cpu_seconds"].items(), key=lambda kv: -kv[1]):
        ms = seconds_used * 1000 / max(done, 1)
        report_file = profiles / f"{name}.profile.json"
        report = json.loads(report_file.read_text()) if report_file.exists() else None
        entry: dict[str, Any] = {"ms_per_operation": round(ms, 2)}
        for key, field in (("groups_ms", "groups"), ("wegwijs_functions_ms", "functions")):
            if net := _net(report, ms, None, 0.0, field):
                entry[key] = net
        table[name] = entry
    return table


def _settle(platform: Platform, deadline: float = 900.0) -> float:
    """Until every consumer, the ledger too, holds what the stores hold: what an earlier run
    left behind (its platform stops as its workload ends) is not taken in during this one's
    minute, where it would count as this workload's CPU. Returns the seconds it took."""
    from tests.platform import EVENT_TABLES, eventually

    def behind() -> int:
        heads = {origin: platform._head(origin) for origin in EVENT_TABLES}
        ledger = {  # each origin's position, from the key's index
            origin: platform.scalar(
                "SELECT coalesce(max(origin_position), 0) FROM audit.ledger_origin_position"
                " WHERE origin = %s",
                origin,
            )
            for origin in heads
        }
        unledgered = sum(max(head - ledger.get(o, 0), 0) for o, head in heads.items())
        consumers = platform.consumers_behind()
        # A store that moved meanwhile: whatever was read may be old already.
        moved = int(heads != {origin: platform._head(origin) for origin in EVENT_TABLES})
        return consumers + unledgered + moved

    started = time.perf_counter()
    eventually(behind, lambda n: n == 0, deadline=deadline, what="the region settled")
    return round(time.perf_counter() - started, 1)


def _machine_broker_pid() -> int | None:
    """The OS pid of the RabbitMQ node the platform uses (the machine's own), if it answers."""
    with contextlib.suppress(Exception):
        return int(rabbitmqctl("-q", "eval", "os:getpid().").strip().strip('"'))
    return None


def targets(result: dict[str, Any]) -> dict[str, bool]:
    return {
        "scale_reads_p95_within_100_ms": (result["slowest_read_p95_ms"] or 10**9) <= 100,
        "rss_per_service_at_most_200_mb": result["largest_rss_mb"] <= 200,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument(
        "--profile", action="store_true", help="where each process's CPU goes, per operation"
    )
    args = parser.parse_args()
    result = measure(scale_layout(), args.dossiers, args.seconds, profiled=args.profile)
    print(json.dumps({**result, "targets": targets(result)}, indent=2, default=str))


def rows(result: dict[str, Any]) -> list[tuple[str, object, str, str]]:
    """bench/run.py's table: per operation p50 and p95 (ratio of p50 to Open Zaak's 16-user
    median, lower bound 240 ms), the largest RSS (ratio to the same process idle), and the CPU
    per operation, per process."""
    size = f"{result['region']['dossiers']:,}"
    found: list[tuple[str, object, str, str]] = [
        ("baseline: Open Zaak median, 16 users (lower bound)", OPEN_ZAAK_16_USERS_MS[0], "ms", "")
    ]
    machine = result["operations"]["baseline_primary_key_fetch"]
    found.append(("baseline: a dossier by key meanwhile, p95", machine["p95_ms"], "ms", ""))
    for name, shown in result["operations"].items():
        if name == "baseline_primary_key_fetch":
            continue
        failed = f", {shown['failed']} failed" if shown["failed"] else ""
        ratio = shown["p50_ratio_to_open_zaak_16_users_lower_240_ms"]
        found += [
            (
                f"{name.replace('_', ' ')} p50, {size} dossiers{failed}",
                "-" if shown["p50_ms"] is None else shown["p50_ms"],
                "ms",
                "" if ratio is None else f"{ratio:.3f}",
            ),
            (
                f"{name.replace('_', ' ')} p95",
                "-" if shown["p95_ms"] is None else shown["p95_ms"],
                "ms",
                "",
            ),
        ]
    largest = max(result["rss_mb"], key=lambda n: result["rss_mb"][n]["after_workload"])
    rss = result["rss_mb"][largest]
    found += [
        (f"baseline: RSS of {largest} idle", rss["idle"], "MB", ""),
        (
            f"largest RSS after the workload ({largest})",
            rss["after_workload"],
            "MB",
            f"{rss['ratio_to_idle']:.2f}",
        ),
    ]
    if "cpu_ms_per_operation_total" in result:
        total = result["cpu_ms_per_operation_total"]
        found.append(("CPU per operation of the mix, all processes", total, "ms", ""))
        for group, ms in result["cpu_ms_per_operation"].items():
            found.append((f"  of which {group}", ms, "ms", ""))
    return found


if __name__ == "__main__":
    main()
