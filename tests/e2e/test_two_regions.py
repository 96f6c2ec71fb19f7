"""Two regions on one PostgreSQL server and one RabbitMQ broker, with nothing crossing.

A region is one database and one vhost. Region A is the session's platform; region B is a second
whole platform with the same process names, its own database, vhost, ports and secrets (its own
token key, call keys, passwords and OpenID Connect provider), as a second region would be
deployed beside the first. The same gemeente (0344), the same partner organisation and the same
demo login exist in both, so that only the region keeps them apart.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import jwt
import psycopg
import pytest
from amqp.exceptions import AccessRefused, NotAllowed
from kombu import Connection, Consumer, Queue
from psycopg import sql

from services.common import settings
from services.common.clock import today_in_amsterdam
from services.common.secrets import development_secrets
from services.gateway.auth import issue_token
from tests.e2e.http import send
from tests.matching_fixtures import SEMHAR_PROFILE, guide_body
from tests.oidc_login import provider_login
from tests.platform import TEST, Layout, Platform, eventually, person

# Below the ephemeral port range, clear of test_two_commands (+8000) and the bench (28000).
REGION_B = Layout(
    f"{TEST.name}_b",
    gateway_port=TEST.gateway_port + 8500,
    service_port_base=TEST.service_port_base + 8500,
    pg_connections="9",
)
PARTNER = "00000003000000000077"  # registered in both regions
PROPOSED = "nl.wegwijs.matching.voorstel.gedaan.v1"
SCHEMAS = ("intake", "pip", "matching", "consent", "audit", "gateway")


class Region(Platform):
    """A platform with secrets of its own: nothing it signs or stores is another region's."""

    def __init__(self, layout: Layout) -> None:
        super().__init__(layout)
        self.secrets = development_secrets()
        self.env.update(self.secrets)

    def token(self, role: str = "regievoerder", *gemeenten: str) -> str:
        return self.signed(issue_token(role, list(gemeenten or ("0344",)), user_id=f"test-{role}"))

    def signed(self, token: str) -> str:
        """The same claims, signed with this region's own key."""
        claims = jwt.decode(token, options={"verify_signature": False})
        return jwt.encode(claims, self.secrets[settings.JWT_SECRET.name], algorithm="HS256")


def _as(region: Platform, role: str = "regievoerder", organisation: str = "") -> dict[str, str]:
    """Headers of a user of `region` acting for 0344 (and `organisation`)."""
    token = issue_token(role, ["0344"], user_id=f"e2e-{role}", organisation=organisation)
    if isinstance(region, Region):
        token = region.signed(token)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def region_b(platform) -> Iterator[Region]:
    region = Region(REGION_B)
    region.reset_infrastructure()
    try:
        region.start_all()
        yield region
    finally:
        region.stop_all()


@pytest.fixture(scope="module")
def people(platform, region_b) -> dict[str, dict]:
    """One person registered in each region, in the same gemeente; in both regions the same
    partner organisation offers a guide, who is proposed to the region's person, and is
    subscribed to the proposals."""
    feeds = {}
    for name, region in (("a", platform), ("b", region_b)):
        out = region.cli(
            "partner", "add", "--oin", PARTNER, "--name", "Welzijn Twee Regio's",
            "--kind", "maatschappelijke-begeleiding", "--gemeente", "0344",
        )  # fmt: skip
        feeds[name] = json.loads(out.strip().splitlines()[-1])["feed"]
        region.cli(
            "partner", "subscribe", "--oin", PARTNER, "--channel", "matching", "--type", PROPOSED,
            "--gemeente", "0344", "--purpose", "maatschappelijke-begeleiding",
        )  # fmt: skip
    found = {}
    for name, region in (("a", platform), ("b", region_b)):
        who = person("0344", family_name=f"Regio{name.upper()} {person()['bsn']}")
        dossier = region.register(who)
        guide = send(
            region,
            "POST",
            "/api/v1/guides",
            guide_body(f"Gids {name}", today_in_amsterdam()),
            _as(region, "coordinator", PARTNER),
        )
        assert guide.status_code == 201, guide.text
        _propose(region, dossier, guide.json()["id"])
        found[name] = {"dossier": dossier, "person": who, "feed": feeds[name]}
    for region in (platform, region_b):
        region.wait_ledger_complete(deadline=120)
    return found


def _propose(region: Platform, dossier: str, guide: str) -> None:
    headers = _as(region)
    eventually(
        lambda: send(region, "GET", f"/api/v1/dossiers/{dossier}/guidance", None, headers),
        lambda r: r.status_code == 200,
        what="matching knows the dossier",
    )
    profile = f"/api/v1/dossiers/{dossier}/matching-profile"
    assert send(region, "PUT", profile, SEMHAR_PROFILE, headers).status_code == 200
    proposal = {"kind": "begeleider", "candidate_id": guide}
    proposed = send(region, "POST", f"/api/v1/dossiers/{dossier}/proposals", proposal, headers)
    assert proposed.status_code == 201, proposed.text


def _mentions(region: Platform, *needles: str) -> list[str]:
    """Every table.column of the region's database (every schema of the platform) holding any
    of `needles`, in text or in bytes (stored events and snapshots are JSON in bytea)."""
    columns = region.sql(
        "SELECT c.table_schema, c.table_name, c.column_name, c.data_type"
        " FROM information_schema.columns c JOIN information_schema.tables t"
        " USING (table_schema, table_name)"
        " WHERE c.table_schema = ANY(%s) AND t.table_type = 'BASE TABLE'",
        list(SCHEMAS),
    )
    found = []
    with psycopg.connect(settings.postgres_conninfo(region.layout.name)) as conn:
        for c in columns:
            column = sql.Identifier(c["column_name"])
            if c["data_type"] == "bytea":
                test = sql.SQL("position(convert_to(%s, 'UTF8') in {}) > 0").format(column)
            else:
                test = sql.SQL("strpos({}::text, %s) > 0").format(column)
            query = sql.SQL("SELECT 1 FROM {} WHERE {} LIMIT 1").format(
                sql.Identifier(c["table_schema"], c["table_name"]), test
            )
            for needle in needles:
                if conn.execute(query, (needle,)).fetchone():
                    found.append(f"{c['table_schema']}.{c['table_name']}.{c['column_name']}")
    return found


def test_each_region_stores_its_own_person_and_nothing_of_the_other(platform, region_b, people):
    a, b = people["a"], people["b"]
    for region, own, other in ((platform, a, b), (region_b, b, a)):
        assert _mentions(region, own["dossier"]), "the search finds what is there"
        assert _mentions(region, own["person"]["family_name"])
        assert _mentions(region, other["dossier"], other["person"]["family_name"]) == [], (
            "no event, read model, ledger entry, consent or access log of the other region"
        )
        assert (
            region.scalar("SELECT count(*) FROM audit.ledger WHERE dossier_id = %s", own["dossier"])
            > 0
        )


def test_a_user_of_one_region_sees_nothing_of_the_other(platform, region_b, people):
    a, b = people["a"], people["b"]
    for region, own, other in ((platform, a, b), (region_b, b, a)):
        listed = region.get("/api/v1/dossiers", "regievoerder", "0344")
        assert listed.status_code == 200, listed.text
        ids = {d["id"] for d in listed.json()["dossiers"]}
        assert own["dossier"] in ids and other["dossier"] not in ids
        for path in ("", "/pip", "/consents", "/timeline"):
            answer = region.get(f"/api/v1/dossiers/{other['dossier']}{path}", "regievoerder")
            assert answer.status_code in (403, 404), (path, answer.status_code)
        audit = region.get(f"/api/v1/audit/dossiers/{other['dossier']}", "auditor", "0344")
        assert audit.status_code in (403, 404) or audit.json()["entries"] == []


def test_a_token_of_one_region_is_refused_by_the_other(platform, region_b, people):
    b = people["b"]
    own_path = f"/api/v1/dossiers/{b['dossier']}"
    assert region_b.get(own_path, "regievoerder", "0344").status_code == 200
    development = platform.token("regievoerder", "0344")  # region A's key, the same issuer name
    provider = provider_login(platform, "anna")["access_token"]  # region A's provider, anna 0344
    for token in (development, provider):
        answer = region_b.http.get(
            region_b.url + own_path, headers={"Authorization": f"Bearer {token}"}, timeout=15
        )
        assert answer.status_code == 401, answer.text


def test_database_roles_of_one_region_cannot_connect_to_the_other(platform, region_b):
    for process in ("intake", "pip", "matching", "consent", "audit", "gateway"):
        for foreign in (region_b.layout.name, platform.layout.name):
            own = platform if foreign == region_b.layout.name else region_b
            refusal = eventually(
                lambda own=own, foreign=foreign, process=process: _connect(own, foreign, process),
                lambda answer: not any(busy in answer for busy in SERVER_BUSY),
                what="an answer from PostgreSQL about the role, not about its load",
            )
            assert "permission denied for database" in refusal, (process, foreign, refusal)


# The server's own limits, which a machine shared with other test runs may meet for a moment.
SERVER_BUSY = ("remaining connection slots are reserved", "too many clients")


def _connect(own: Platform, dbname: str, process: str) -> str:
    """What PostgreSQL answers when `own`'s role of `process` connects to database `dbname`."""
    try:
        psycopg.connect(
            host=settings.PG_HOST.get(),
            port=settings.PG_PORT.get(),
            dbname=dbname,
            user=f"{own.layout.name}_{process}",
            password=own.env[settings.PG_PASSWORDS[process].name],
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as refused:
        return str(refused)
    return "connected"


def test_broker_users_of_one_region_cannot_reach_the_other_vhost(platform, region_b, people):
    for own, other in ((platform, region_b), (region_b, platform)):
        for process in ("intake", "consent", "audit", "gateway"):
            user = f"{own.layout.name}-{process}"
            password = own.env[settings.AMQP_PASSWORDS[process].name]
            uri = f"amqp://{user}:{password}@127.0.0.1:5672/{other.layout.name}"
            with (
                pytest.raises((AccessRefused, NotAllowed)),
                Connection(uri, connect_timeout=5) as c,
            ):
                c.connect()
    # The partner organisation is known in both, with a user and a vhost per region.
    a_feed, b_feed = people["a"]["feed"], people["b"]["feed"]
    assert a_feed["amqp_uri"] != b_feed["amqp_uri"]
    crossed = b_feed["amqp_uri"].rsplit("/", 1)[0] + "/" + a_feed["amqp_uri"].rsplit("/", 1)[1]
    with pytest.raises((AccessRefused, NotAllowed)), Connection(crossed, connect_timeout=5) as c:
        c.connect()


def test_a_partner_s_feed_in_one_region_carries_only_that_region_s_people(people):
    for name, other in (("a", "b"), ("b", "a")):
        feed = people[name]["feed"]
        subjects = _drain(feed["amqp_uri"], feed["queue"], people[name]["dossier"])
        assert people[name]["dossier"] in subjects
        assert people[other]["dossier"] not in subjects


def _drain(uri: str, queue: str, expected: str) -> set[str]:
    """The subjects of the feed's messages, read until `expected` arrived (and a little after)."""
    subjects: set[str] = set()

    def take(body, message) -> None:
        event = body if isinstance(body, dict) else json.loads(body)
        subjects.add(event.get("subject", ""))
        message.ack()

    with (
        Connection(uri, connect_timeout=5) as conn,
        Consumer(conn, queues=[Queue(queue, no_declare=True)], callbacks=[take]),
    ):

        def read() -> set[str]:
            with contextlib.suppress(TimeoutError):
                conn.drain_events(timeout=1)
            return subjects

        eventually(read, lambda s: expected in s, deadline=60, what="the region's own event")
        for _ in range(3):  # whatever else is queued for it
            read()
    return subjects
