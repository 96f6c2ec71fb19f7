"""Intake's read models."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor, sql

from services.common import settings
from services.common.clock import AMSTERDAM
from services.common.documents.store import Documents
from services.common.errors import InvalidInput
from services.common.projection import Projection
from services.common.worklists import Worklist, first_items
from services.contracts.intake import page_end
from services.intake.brede_intake import BredeIntake
from services.intake.domain import Dossier
from services.intake.rules import NOT_YET, obligation_on
from services.intake.signals import SignalLog


class DossierIndex(Projection):
    """Which dossiers each gemeente has: the list a regievoerder starts from."""

    name = "dossier_index"
    tables = ("dossier_index", "practical_item_index", "sanction_step_index", "regievoerder_index")
    handles = (
        Dossier.Registered,
        Dossier.Corrected,
        Dossier.JoinedHousehold,
        Dossier.RegievoerderAssigned,
        Dossier.MoveProposed,
        Dossier.MoveDeclined,
        Dossier.MovedTo,
        BredeIntake.Started,
        BredeIntake.Completed,
        BredeIntake.PracticalItemOpened,
        BredeIntake.PracticalItemClosed,
        BredeIntake.SanctionStepDue,
        BredeIntake.SanctionStepDecided,
        BredeIntake.SanctionStepWithdrawn,
        SignalLog.Opened,
        SignalLog.SignalGiven,
        SignalLog.SignalsRead,
    )

    def create_statements(self, schema: str) -> list[sql.Composable]:
        table = sql.Identifier(schema, "dossier_index")
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " dossier_id uuid PRIMARY KEY,"
                " gemeente text NOT NULL,"
                " given_name text NOT NULL,"
                " family_name text NOT NULL,"
                " registered_at timestamptz NOT NULL)"
            ).format(table),
            # The list of a gemeente, newest first, a page at a time (issue 18): read from the
            # index in its order, never sorted whole.
            sql.SQL(
                "CREATE INDEX IF NOT EXISTS {} ON {} (gemeente, registered_at, dossier_id)"
            ).format(sql.Identifier("dossier_index_gemeente_page"), table),
            sql.SQL("DROP INDEX IF EXISTS {}").format(
                sql.Identifier(schema, "dossier_index_gemeente")
            ),
            # Search by words of a name (issue 18): trigrams, so that `ILIKE '%word%'` does not
            # read every dossier of the region. pg_trgm ships with PostgreSQL; migrate puts it
            # in a schema of its own that intake's role may use (public is closed to it), and
            # a rebuild (as that role) finds it there.
            sql.SQL(
                "DO $$ BEGIN"
                " IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_trgm') THEN"
                " CREATE SCHEMA IF NOT EXISTS trigrams;"
                " CREATE EXTENSION pg_trgm WITH SCHEMA trigrams; END IF;"
                " IF NOT has_schema_privilege({role}, 'trigrams', 'USAGE') THEN"
                " EXECUTE format('GRANT USAGE ON SCHEMA trigrams TO %I', {role}); END IF;"
                " END $$"
            ).format(role=sql.Literal(settings.database_role(schema))),
            sql.SQL(
                "CREATE INDEX IF NOT EXISTS {} ON {} USING gin"
                " ((given_name || ' ' || family_name) trigrams.gin_trgm_ops)"
            ).format(sql.Identifier("dossier_index_name_trigrams"), table),
            # Added with households; a database made before gets the columns on migrate.
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS household_id uuid").format(table),
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS relation text").format(table),
            # A dossier page reads its household by this (household_members); without the
            # index that read scans every dossier of the region (`make bench`, issue 16).
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (household_id)").format(
                sql.Identifier("dossier_index_household"), table
            ),
            # Added with search (issue 16); a database made before: `wegwijs rebuild
            # dossier_index` fills it.
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS v_nummer text").format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (v_nummer)").format(
                sql.Identifier("dossier_index_v_nummer"), table
            ),
            # Added with the werkvoorraad (issue 16): where the brede intake and the signals
            # stand. A database made before: `wegwijs rebuild dossier_index` fills them.
            *(
                sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} " + kind).format(
                    table, sql.Identifier(column)
                )
                for column, kind in (
                    ("intake_id", "uuid"),
                    ("intake_completed_at", "timestamptz"),
                    ("signal_log_id", "uuid"),
                    ("last_signal_at", "timestamptz"),
                    ("signals_read_at", "timestamptz"),
                )
            ),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (intake_id)").format(
                sql.Identifier("dossier_index_intake"), table
            ),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (signal_log_id)").format(
                sql.Identifier("dossier_index_signal_log"), table
            ),
            # Added with the obligation (issue 17): whether the person was inburgeringsplichtig
            # on registering (null: registered before, so yes) and, for a member not yet
            # obligated, the day the obligation is expected to start. A database made before:
            # `wegwijs rebuild dossier_index` fills them.
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS obligated boolean").format(table),
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS obligation_starts_on date").format(
                table
            ),
            # Added with moving (issue 17, verhuizing): the gemeente an open move goes to, and
            # the day of moving. A database made before: `wegwijs rebuild dossier_index`.
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS move_to text").format(table),
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS moved_on date").format(table),
            sql.SQL(
                "CREATE INDEX IF NOT EXISTS {} ON {} (move_to) WHERE move_to IS NOT NULL"
            ).format(sql.Identifier("dossier_index_move_to"), table),
            # The open practical items of each brede intake (issue 16: the klantmanager's
            # list). A database made before: `wegwijs rebuild dossier_index` fills it.
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " intake_id uuid NOT NULL,"
                " item text NOT NULL,"
                " opened_at timestamptz NOT NULL,"
                " PRIMARY KEY (intake_id, item))"
            ).format(sql.Identifier(schema, "practical_item_index")),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (item, opened_at)").format(
                sql.Identifier("practical_item_index_item"),
                sql.Identifier(schema, "practical_item_index"),
            ),
            # Added with the worklists (issue 17): the regievoerder responsible for each
            # dossier, the steps of the sanction ladder due and not decided, and the
            # regievoerders each gemeente knows (who took one of its dossiers). A database made
            # before: `wegwijs rebuild dossier_index` fills them.
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS regievoerder text").format(table),
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS regievoerder_name text").format(table),
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (regievoerder)").format(
                sql.Identifier("dossier_index_regievoerder"), table
            ),
            # Each werkvoorraad list of intake in its order, only its rows (issue 18): its first
            # items are read from here, and its length counted here, at any size of region.
            *(
                sql.SQL(
                    "CREATE INDEX IF NOT EXISTS {} ON {} (gemeente, " + moment + ", dossier_id)"
                    " WHERE " + rows
                ).format(sql.Identifier(f"dossier_index_{key}"), table)
                for key, moment, rows in (
                    ("intake_open", "registered_at", _WORKLISTS["intake_open"][0]),
                    ("obligation_coming", "obligation_starts_on", "obligated IS false"),
                    ("signals_new", "last_signal_at", _WORKLISTS["signals_new"][0]),
                )
            ),
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " intake_id uuid NOT NULL,"
                " step text NOT NULL,"
                " no_shows integer NOT NULL,"
                " due_at timestamptz NOT NULL,"
                " PRIMARY KEY (intake_id, step, no_shows))"
            ).format(sql.Identifier(schema, "sanction_step_index")),
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " gemeente text NOT NULL,"
                " user_id text NOT NULL,"
                " name text NOT NULL,"
                " PRIMARY KEY (gemeente, user_id))"
            ).format(sql.Identifier(schema, "regievoerder_index")),
        ]

    def apply(self, cur: Cursor, schema: str, domain_event: Any) -> None:
        table = sql.Identifier(schema, "dossier_index")

        def mark(assignment: str, key: str, value: Any, *values: Any) -> None:
            cur.execute(
                sql.SQL("UPDATE {} SET " + assignment + " WHERE {} = %s").format(
                    table, sql.Identifier(key)
                ),
                (*values, value),
            )

        e, when = domain_event, domain_event.timestamp
        if isinstance(e, BredeIntake.Started):
            mark("intake_id = %s", "dossier_id", e.dossier_id, e.originator_id)
        elif isinstance(e, BredeIntake.Completed):
            mark("intake_completed_at = %s", "intake_id", e.originator_id, when)
        elif isinstance(e, SignalLog.Opened):
            mark("signal_log_id = %s", "dossier_id", e.dossier_id, e.originator_id)
        elif isinstance(e, SignalLog.SignalGiven):
            mark("last_signal_at = %s", "signal_log_id", e.originator_id, when)
        elif isinstance(e, SignalLog.SignalsRead):
            mark("signals_read_at = %s", "signal_log_id", e.originator_id, when)
        elif isinstance(e, BredeIntake.PracticalItemOpened):
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (intake_id, item, opened_at) VALUES (%s, %s, %s)"
                    " ON CONFLICT (intake_id, item) DO UPDATE SET opened_at = EXCLUDED.opened_at"
                ).format(sql.Identifier(schema, "practical_item_index")),
                (e.originator_id, e.item, when),
            )
        elif isinstance(e, BredeIntake.SanctionStepDue):
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (intake_id, step, no_shows, due_at) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (intake_id, step, no_shows)"
                    " DO UPDATE SET due_at = EXCLUDED.due_at"
                ).format(sql.Identifier(schema, "sanction_step_index")),
                (e.originator_id, e.step, e.no_shows, when),
            )
        elif isinstance(e, BredeIntake.SanctionStepDecided | BredeIntake.SanctionStepWithdrawn):
            # The aggregate decides (or withdraws) the first undecided step of the kind.
            steps = sql.Identifier(schema, "sanction_step_index")
            cur.execute(
                sql.SQL(
                    "DELETE FROM {} WHERE (intake_id, step, no_shows) IN (SELECT intake_id, step,"
                    " no_shows FROM {} WHERE intake_id = %s AND step = %s"
                    " ORDER BY no_shows LIMIT 1)"
                ).format(steps, steps),
                (e.originator_id, e.step),
            )
        elif isinstance(e, Dossier.RegievoerderAssigned):
            mark(
                "regievoerder = %s, regievoerder_name = %s",
                "dossier_id",
                e.originator_id,
                e.regievoerder,
                e.name,
            )
            if e.context["actor"]["user_id"] == e.regievoerder:  # took it: a regievoerder here
                cur.execute(
                    sql.SQL(
                        "INSERT INTO {} (gemeente, user_id, name) VALUES (%s, %s, %s)"
                        " ON CONFLICT (gemeente, user_id) DO UPDATE SET name = EXCLUDED.name"
                    ).format(sql.Identifier(schema, "regievoerder_index")),
                    (e.context["subject"]["gemeente"], e.regievoerder, e.name),
                )
        elif isinstance(e, BredeIntake.PracticalItemClosed):
            cur.execute(
                sql.SQL("DELETE FROM {} WHERE intake_id = %s AND item = %s").format(
                    sql.Identifier(schema, "practical_item_index")
                ),
                (e.originator_id, e.item),
            )
        if isinstance(e, Dossier.MoveProposed):
            mark(
                "move_to = %s, moved_on = %s",
                "dossier_id",
                e.originator_id,
                e.to_gemeente,
                e.moved_on,
            )
        elif isinstance(e, Dossier.MoveDeclined):
            mark("move_to = NULL, moved_on = NULL", "dossier_id", e.originator_id)
        elif isinstance(e, Dossier.MovedTo):
            mark("gemeente = %s, move_to = NULL", "dossier_id", e.originator_id, e.to_gemeente)
        if isinstance(domain_event, Dossier.JoinedHousehold):
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET household_id = %s, relation = %s WHERE dossier_id = %s"
                ).format(sql.Identifier(schema, "dossier_index")),
                (domain_event.household_id, domain_event.relation, domain_event.originator_id),
            )
        elif isinstance(domain_event, Dossier.Corrected):
            obligation = getattr(domain_event, "obligation", None)
            if obligation is not None:
                cur.execute(
                    sql.SQL(
                        "UPDATE {} SET obligated = %s, obligation_starts_on = CASE WHEN %s"
                        " THEN NULL ELSE obligation_starts_on END WHERE dossier_id = %s"
                    ).format(sql.Identifier(schema, "dossier_index")),
                    (
                        obligation["inburgeringsplichtig"],
                        obligation["inburgeringsplichtig"],
                        domain_event.originator_id,
                    ),
                )
            names = {
                k: v
                for k, v in domain_event.changes.items()
                if k in ("given_name", "family_name", "v_nummer")
            }
            for column, value in names.items():
                cur.execute(
                    sql.SQL("UPDATE {} SET {} = %s WHERE dossier_id = %s").format(
                        sql.Identifier(schema, "dossier_index"), sql.Identifier(column)
                    ),
                    (value, domain_event.originator_id),
                )
        elif isinstance(domain_event, Dossier.Registered):
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (dossier_id, gemeente, given_name, family_name,"
                    " registered_at, v_nummer, obligated, obligation_starts_on)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (dossier_id) DO NOTHING"
                ).format(sql.Identifier(schema, "dossier_index")),
                (
                    domain_event.originator_id,
                    domain_event.gemeente,
                    domain_event.given_name,
                    domain_event.family_name,
                    domain_event.timestamp,
                    domain_event.v_nummer,
                    *_obligation_on_registering(domain_event),
                ),
            )


PROJECTIONS = (DossierIndex(), Documents("intake"))


def _obligation_on_registering(e: Dossier.Registered) -> tuple[bool, date | None]:
    """Whether the person was inburgeringsplichtig on registering and, when not yet (a minor),
    the day the obligation is expected to start (rules.obligation_on)."""
    obligated = getattr(e, "inburgeringsplichtig", True)  # registered before issue 17: yes
    if obligated:
        return True, None
    registered_on = e.timestamp.astimezone(AMSTERDAM).date()
    expected = obligation_on(registered_on, e.birth_date, e.duo_notice_date)
    return False, expected.starts_on if expected.status == NOT_YET else None


@dataclass(frozen=True)
class Search:
    """What a search asks for: one dossier by its BSN's claim or its v-nummer, or the dossiers
    whose name holds every word."""

    dossier_id: str | None = None
    v_nummer: str | None = None
    words: tuple[str, ...] = ()

    @classmethod
    def of(cls, q: str, claimant: Callable[[str], str | None]) -> Search | None:
        """`claimant(bsn)` is the dossier that claimed a BSN (the BSN itself is never stored)."""
        q = q.strip()
        if not q:
            return None
        if re.fullmatch(r"[0-9]{9}", q):
            return cls(dossier_id=claimant(q) or "00000000-0000-0000-0000-000000000000")
        if re.fullmatch(r"[0-9]{10}", q):
            return cls(v_nummer=q)
        return cls(words=tuple(q.split()[:5]))


@dataclass(frozen=True)
class Page:
    """Where a page of the list ended: its last dossier's registration moment and id."""

    registered_at: datetime
    dossier_id: UUID

    @classmethod
    def after(cls, cursor: str) -> Page | None:
        """The page end `cursor` (a page's `next_before`) names, if any."""
        if not cursor:
            return None
        try:
            return cls(*page_end(cursor))
        except (ValueError, OverflowError):
            raise InvalidInput(
                [{"field": "before", "detail": "the `next_before` of a page of this list"}]
            ) from None


def list_dossiers(
    cur: Cursor,
    gemeenten: tuple[str, ...],
    limit: int = 20,
    search: Search | None = None,
    after: Page | None = None,
) -> list[dict[str, Any]]:
    """The newest dossiers of the gemeenten (after `after`), or those `search` finds. Each
    gemeente's newest come from its index in order (a lateral join per gemeente), so a page
    costs the same with 100 dossiers or 100,000."""
    where, params = ["gemeente = g.code"], []
    if after is not None:
        where.append("(registered_at, dossier_id) < (%s, %s)")
        params += [after.registered_at, after.dossier_id]
    if search and search.dossier_id:
        where.append("dossier_id = %s")
        params.append(search.dossier_id)
    elif search and search.v_nummer:
        where.append("v_nummer = %s")
        params.append(search.v_nummer)
    for word in search.words if search else ():
        where.append("(given_name || ' ' || family_name) ILIKE %s")
        params.append(f"%{_like(word)}%")
    cur.execute(
        "SELECT page.* FROM unnest(%s::text[]) AS g(code), LATERAL ("
        " SELECT dossier_id, gemeente, given_name, family_name, registered_at"
        f" FROM intake.dossier_index WHERE {' AND '.join(where)}"
        " ORDER BY registered_at DESC, dossier_id DESC LIMIT %s) AS page"
        " ORDER BY registered_at DESC, dossier_id DESC LIMIT %s",
        (list(gemeenten), *params, limit, limit),
    )
    return [
        {
            "id": str(row["dossier_id"]),
            "gemeente": row["gemeente"],
            "given_name": row["given_name"],
            "family_name": row["family_name"],
            "registered_at": row["registered_at"].isoformat(),
        }
        for row in cur.fetchall()
    ]


def _like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


WORKLIST_LIMIT = 50
_WORKLISTS = {
    # registered, the brede intake not completed: oldest registration first (a member without
    # an obligation has no brede intake: Wi 2021 art. 14 is the inburgeringsplichtige's)
    "intake_open": ("intake_completed_at IS NULL AND obligated IS NOT false", "registered_at"),
    # a member who becomes inburgeringsplichtig within six months (DUO's notice is expected;
    # past: not recorded yet), or whose day has come: earliest first
    "obligation_coming": (
        "obligated IS false AND obligation_starts_on <= current_date + interval '6 months'",
        "obligation_starts_on",
    ),
    # a signal given since anyone last read the dossier's signals
    "signals_new": (
        "last_signal_at > coalesce(signals_read_at, '-infinity'::timestamptz)",
        "last_signal_at",
    ),
}


def worklist(
    cur: Cursor, gemeenten: tuple[str, ...], named: list[str], regievoerder: str | None = None
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, str]]]:
    """Intake's lists of the werkvoorraad (count, and the first WORKLIST_LIMIT with the moment
    each is about), and the name and gemeente of each dossier in them and in `named` (the
    dossiers of pip's lists), of the gemeenten only; with `regievoerder` (a user id), only the
    dossiers they are responsible for."""

    def mine(column: str) -> str:
        return f" AND {column} = %(regievoerder)s" if regievoerder is not None else ""

    bounds = {"gemeenten": list(gemeenten), "limit": WORKLIST_LIMIT, "regievoerder": regievoerder}
    lists = {}
    found = first_items(
        cur,
        {
            key: Worklist(
                select=f"dossier_id, {moment} AS at",
                source="intake.dossier_index",
                gemeente_column="gemeente",
                condition=condition + mine("regievoerder"),
                order=("at", "dossier_id"),
            )
            for key, (condition, moment) in _WORKLISTS.items()
        },
        gemeenten=gemeenten,
        binds=bounds,
        limit=WORKLIST_LIMIT,
    )
    for key, (count, rows) in found.items():
        lists[key] = {
            "count": count,
            "items": [
                {"dossier_id": str(r["dossier_id"]), "on": _day(r["at"]).isoformat()} for r in rows
            ],
        }
    # The steps of the sanction ladder due and not decided: one item per step, oldest first.
    cur.execute(
        "SELECT d.dossier_id, s.step, s.due_at, count(*) OVER () AS total"
        " FROM intake.sanction_step_index s"
        " JOIN intake.dossier_index d ON d.intake_id = s.intake_id"
        f" WHERE d.gemeente = ANY(%(gemeenten)s){mine('d.regievoerder')}"
        " ORDER BY s.due_at, d.dossier_id, s.no_shows LIMIT %(limit)s",
        bounds,
    )
    rows = cur.fetchall()
    lists["breaches_to_decide"] = {
        "count": rows[0]["total"] if rows else 0,
        "items": [
            {
                "dossier_id": str(r["dossier_id"]),
                "on": _day(r["due_at"].astimezone(AMSTERDAM)).isoformat(),
                "source": "intake",
                "measure": r["step"],
            }
            for r in rows
        ],
    }
    lists.update(_move_lists(cur, gemeenten, regievoerder))
    wanted = {i["dossier_id"] for entry in lists.values() for i in entry["items"]} | set(named)
    # A dossier moving to one of the gemeenten is named to them: they decide whether to accept.
    cur.execute(
        "SELECT dossier_id, gemeente, given_name, family_name, regievoerder, regievoerder_name"
        " FROM intake.dossier_index WHERE dossier_id = ANY(%s)"
        " AND (gemeente = ANY(%s) OR move_to = ANY(%s))",
        (list(wanted), list(gemeenten), list(gemeenten)),
    )
    names = {
        str(r["dossier_id"]): {
            "gemeente": r["gemeente"],
            "given_name": r["given_name"],
            "family_name": r["family_name"],
            "regievoerder": r["regievoerder"]
            and {"id": r["regievoerder"], "name": r["regievoerder_name"] or r["regievoerder"]},
        }
        for r in cur.fetchall()
    }
    return lists, names


def regievoerder_dossiers(
    cur: Cursor, gemeenten: tuple[str, ...], regievoerder: str, limit: int = 5000
) -> list[str]:
    """The dossiers of the gemeenten a regievoerder (a user id) is responsible for."""
    cur.execute(
        "SELECT dossier_id FROM intake.dossier_index WHERE regievoerder = %s"
        " AND gemeente = ANY(%s) ORDER BY dossier_id LIMIT %s",
        (regievoerder, list(gemeenten), limit),
    )
    return [str(r["dossier_id"]) for r in cur.fetchall()]


def known_regievoerder(cur: Cursor, gemeente: str, user_id: str) -> str | None:
    """The name of a regievoerder the gemeente knows (who took one of its dossiers), or None."""
    cur.execute(
        "SELECT name FROM intake.regievoerder_index WHERE gemeente = %s AND user_id = %s",
        (gemeente, user_id),
    )
    row = cur.fetchone()
    return row["name"] if row else None


def _move_lists(
    cur: Cursor, gemeenten: tuple[str, ...], regievoerder: str | None = None
) -> dict[str, dict[str, Any]]:
    """Moves to accept (to the gemeenten) and moves proposed and not yet answered (from them),
    each with the day of moving, earliest first. With `regievoerder` (a user id), only the moves
    of their own dossiers: one still to accept is nobody's yet."""
    binds = {"gemeenten": list(gemeenten), "limit": WORKLIST_LIMIT, "regievoerder": regievoerder}
    mine = " AND regievoerder = %(regievoerder)s" if regievoerder is not None else ""
    lists = {}
    for key, condition in (
        ("moves_to_accept", "move_to = ANY(%(gemeenten)s)" + (" AND false" if mine else "")),
        ("moves_proposed", "gemeente = ANY(%(gemeenten)s) AND move_to IS NOT NULL" + mine),
    ):
        cur.execute(
            "SELECT dossier_id, moved_on, count(*) OVER () AS total FROM intake.dossier_index"
            f" WHERE {condition} ORDER BY moved_on, dossier_id LIMIT %(limit)s",
            binds,
        )
        rows = cur.fetchall()
        lists[key] = {
            "count": rows[0]["total"] if rows else 0,
            "items": [
                {"dossier_id": str(r["dossier_id"]), "on": r["moved_on"].isoformat()} for r in rows
            ],
        }
    return lists


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


PRACTICAL_ITEMS_LIMIT = 200


def open_practical_items(
    cur: Cursor, gemeenten: tuple[str, ...], items: list[str]
) -> tuple[int, list[dict[str, Any]]]:
    """How many of `items` are open in the brede intakes of the gemeenten, and the first
    PRACTICAL_ITEMS_LIMIT of them, longest open first, with the person's name."""
    cur.execute(
        "SELECT d.dossier_id, d.gemeente, d.given_name, d.family_name, p.item, p.opened_at,"
        " count(*) OVER () AS total"
        " FROM intake.practical_item_index p"
        " JOIN intake.dossier_index d ON d.intake_id = p.intake_id"
        " WHERE d.gemeente = ANY(%s) AND p.item = ANY(%s)"
        " ORDER BY p.opened_at, d.dossier_id, p.item LIMIT %s",
        (list(gemeenten), list(items), PRACTICAL_ITEMS_LIMIT),
    )
    rows = cur.fetchall()
    return (rows[0]["total"] if rows else 0), [
        {
            "dossier_id": str(r["dossier_id"]),
            "gemeente": r["gemeente"],
            "given_name": r["given_name"],
            "family_name": r["family_name"],
            "item": r["item"],
            "opened_at": r["opened_at"].isoformat(),
        }
        for r in rows
    ]


def household_members(cur: Cursor, household_id: Any, gemeente: str) -> list[dict[str, Any]]:
    """The dossiers of one household in `gemeente`: its first member and everyone who joined
    it (a member who moved to another gemeente is that gemeente's, and not named here)."""
    cur.execute(
        "SELECT dossier_id, given_name, family_name, coalesce(relation, '') AS relation"
        " FROM intake.dossier_index WHERE (dossier_id = %s OR household_id = %s)"
        " AND gemeente = %s ORDER BY registered_at",
        (household_id, household_id, gemeente),
    )
    return [
        {
            "id": str(row["dossier_id"]),
            "given_name": row["given_name"],
            "family_name": row["family_name"],
            "relation": row["relation"],
        }
        for row in cur.fetchall()
    ]
