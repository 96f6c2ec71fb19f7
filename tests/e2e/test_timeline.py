"""The dossier's timeline (issue 16): what happened in the dossier and who did it, newest first,
a page at a time, for the staff of its gemeente; never the person's data or a signal's text, no
reads; and reading it is itself in the access log."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg import sql

from services.audit.timeline import page_query
from services.common import settings
from services.common.clock import today_in_amsterdam
from services.gateway.auth import issue_token
from tests.e2e.http import send, trace_of
from tests.platform import eventually, person
from tests.unit.test_brede_intake import EDUCATION, LBT

UTRECHT_OIN = "00000001000000000344"
READS = {
    "nl.wegwijs.gateway.gegevens.ingezien.v1",
    "nl.wegwijs.intake.dossier.ingezien.v1",
    "nl.wegwijs.intake.signalen.ingezien.v1",
}


def _as(user: str, role: str, gemeente: str = "0344", organisation: str = "") -> dict[str, str]:
    token = issue_token(role, [gemeente], user_id=user, organisation=organisation)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


ANNA = _as("tijdlijn-anna", "regievoerder", organisation=UTRECHT_OIN)
KLANTMANAGER = _as("tijdlijn-karim", "klantmanager", organisation=UTRECHT_OIN)
HUISARTS = _as("tijdlijn-dokter", "huisarts")


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _timeline(platform, dossier_id: str, headers: dict, query: str = "") -> Any:
    return send(platform, "GET", f"/api/v1/dossiers/{dossier_id}/timeline{query}", None, headers)


@pytest.fixture(scope="module")
def dossier(platform) -> dict[str, Any]:
    """A person registered, two intake steps, their consent to health signals, a health signal by
    their GP with a secret text, and a housing signal by the regievoerder; settled in the
    timeline."""
    who = person("0344", family_name=f"Tijdlijn {uuid.uuid4().hex[:6]}")
    registered = send(platform, "POST", "/api/v1/dossiers", who, ANNA)
    dossier_id = _ok(registered, 201)["id"]
    intake = f"/api/v1/dossiers/{dossier_id}/intake"
    _ok(send(platform, "PUT", f"{intake}/leerbaarheidstoets", LBT, ANNA))
    _ok(send(platform, "POST", f"{intake}/education", EDUCATION, ANNA))
    # A health signal reaches the gemeente only with the person's consent to it (issue 17).
    to_gemeente = {
        "grantor": {"kind": "betrokkene"},
        "grantee": {"oin": UTRECHT_OIN, "name": "Gemeente Utrecht"},
        "purpose": "inburgering",
        "categories": ["gezondheid"],
        "valid_until": (today_in_amsterdam() + timedelta(days=365)).isoformat(),
        "collection": {"method": "mondeling-met-tolk", "language": "Arabisch"},
        "evidence": "Toestemmingsformulier signalen",
    }
    _ok(send(platform, "POST", f"/api/v1/dossiers/{dossier_id}/consents", to_gemeente, ANNA), 201)
    secret = f"Geheim {uuid.uuid4().hex[:8]}: zware hoofdpijn"
    signals = f"/api/v1/dossiers/{dossier_id}/signals"
    _ok(send(platform, "POST", signals, {"domain": "gezondheid", "text": secret}, HUISARTS), 201)
    housing = {"domain": "huisvesting", "text": "De verwarming doet het niet."}
    _ok(send(platform, "POST", signals, housing, ANNA), 201)
    eventually(
        lambda: _timeline(platform, dossier_id, ANNA, "?limit=100"),
        lambda r: (
            r.status_code == 200
            and [i["what"] for i in r.json()["items"]].count("Signaal gegeven") == 2
        ),
        what="both signals in the timeline",
    )
    return {"id": dossier_id, "who": who, "secret": secret, "trace": trace_of(registered)}


def test_the_timeline_lists_what_happened_newest_first_in_dutch_and_who_did_it(platform, dossier):
    answer = _timeline(platform, dossier["id"], ANNA, "?limit=100")
    items = _ok(answer)["items"]
    what = [i["what"] for i in items]

    steps = [
        "Signaal gegeven",
        "Toestemming gegeven",
        "Opleiding toegevoegd",
        "Leerbaarheidstoets vastgelegd",
        "Persoon ingeschreven",
    ]
    assert [w for w in what if w in steps] == ["Signaal gegeven", *steps]
    assert what[-1] == "Persoon ingeschreven"
    assert [i["time"] for i in items] == sorted((i["time"] for i in items), reverse=True)
    by_what = {i["what"]: i for i in reversed(items)}  # the newest of each
    registered = by_what["Persoon ingeschreven"]
    assert registered["who"]["description"] == "tijdlijn-anna (regievoerder, Gemeente Utrecht)"
    assert registered["who"]["roles"] == ["regievoerder"]
    assert registered["trace_id"] == dossier["trace"]
    assert by_what["Leerbaarheidstoets vastgelegd"]["who"]["user"] == "tijdlijn-anna"
    signals = [i["who"]["description"] for i in items if i["what"] == "Signaal gegeven"]
    assert signals == [
        "tijdlijn-anna (regievoerder, Gemeente Utrecht)",
        "tijdlijn-dokter (huisarts)",
    ]


def test_the_timeline_shows_no_data_of_the_person_no_signal_text_and_no_reads(platform, dossier):
    _ok(send(platform, "GET", f"/api/v1/dossiers/{dossier['id']}", None, ANNA))
    _ok(send(platform, "GET", f"/api/v1/dossiers/{dossier['id']}/signals", None, ANNA))
    _ok(_timeline(platform, dossier["id"], ANNA))
    platform.wait_ledger_complete()

    answer = _timeline(platform, dossier["id"], ANNA, "?limit=100")

    items = _ok(answer)["items"]
    assert dossier["secret"] not in answer.text and "hoofdpijn" not in answer.text
    assert "verwarming" not in answer.text
    for personal in (dossier["who"]["bsn"], dossier["who"]["v_nummer"]):
        assert personal not in answer.text
    assert dossier["who"]["family_name"] not in answer.text
    assert {i["event_type"] for i in items} & READS == set()
    assert "Gegevens bekeken" not in {i["what"] for i in items}


def test_the_klantmanager_sees_the_timeline_without_what_touches_health(platform, dossier):
    items = _ok(_timeline(platform, dossier["id"], KLANTMANAGER, "?limit=100"))["items"]

    signals = [i["who"]["user"] for i in items if i["what"] == "Signaal gegeven"]
    assert signals == ["tijdlijn-anna"]
    assert "Persoon ingeschreven" in {i["what"] for i in items}


@pytest.mark.parametrize(
    ("role", "gemeente", "refused"),
    [
        ("regievoerder", "0321", 404),  # another gemeente's: as if there were no such dossier
        ("klantmanager", "0356", 404),
        ("auditor", "0344", 403),
        ("begeleider", "0344", 403),
        ("coordinator", "0344", 403),
    ],
)
def test_another_gemeente_or_another_role_is_refused(platform, dossier, role, gemeente, refused):
    answer = _timeline(platform, dossier["id"], _as(f"tijdlijn-{role}", role, gemeente))

    assert answer.status_code == refused, answer.text
    assert "Persoon ingeschreven" not in answer.text


def test_an_unknown_dossier_is_not_found_and_a_bad_page_is_named(platform, dossier):
    assert _timeline(platform, str(uuid.uuid4()), ANNA).status_code == 404
    refused = _timeline(platform, dossier["id"], ANNA, "?limit=0&before=x")
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"limit", "before"}


def test_the_timeline_pages_with_a_cursor_and_a_link_to_the_next_page(platform, dossier):
    whole = _ok(_timeline(platform, dossier["id"], ANNA, "?limit=100"))["items"]

    first = _timeline(platform, dossier["id"], ANNA, "?limit=2")
    pages, page = [_ok(first)], _ok(first)
    assert 'rel="next"' in first.headers["Link"] and "before=" in first.headers["Link"]
    while page["next_before"] is not None:
        page = _ok(
            _timeline(platform, dossier["id"], ANNA, f"?limit=2&before={page['next_before']}")
        )
        pages.append(page)

    assert all(len(p["items"]) <= 2 for p in pages)
    assert [i["seq"] for p in pages for i in p["items"]] == [i["seq"] for i in whole]
    assert len(pages) >= 4
    assert "Link" not in _timeline(platform, dossier["id"], ANNA, "?limit=100").headers


def test_reading_the_timeline_is_in_who_saw_this_dossier(platform, dossier):
    reader = _as("tijdlijn-lezer", "regievoerder", organisation=UTRECHT_OIN)
    _ok(_timeline(platform, dossier["id"], reader))
    auditor = _as("tijdlijn-auditor", "auditor")

    readers = eventually(
        lambda: _ok(
            send(platform, "GET", f"/api/v1/audit/dossiers/{dossier['id']}/readers", None, auditor)
        )["readers"],
        lambda found: any(r["actor"] == "tijdlijn-lezer" for r in found),
        what="the timeline's read in the access log",
    )
    read = next(r for r in readers if r["actor"] == "tijdlijn-lezer")
    assert (read["activity"], read["gemeente"]) == ("dossier-inzien", "0344")


@pytest.mark.parametrize("after_a_page", [False, True], ids=["first page", "a later page"])
@pytest.mark.parametrize("with_special", [True, False], ids=["regievoerder", "klantmanager"])
def test_a_page_is_a_range_of_the_timeline_index_on_the_dossier(
    platform, dossier, after_a_page, with_special
):
    # On a million entries PostgreSQL picks it by itself (about a millisecond a page). On the
    # test's small ledger a sequential scan, or a bitmap scan and a sort of a few rows, is as
    # cheap, so those are taken off the table: what is left shows that the index alone gives
    # the page in its order (a plan that still needs a sort would show one). The ledger is
    # partitioned by seq: the page is a backward range of each partition's part of the timeline
    # index, merged in order (Merge Append), with no sort.
    params = {"dossier_id": dossier["id"], "gemeente": "0344", "before": 2**40, "limit": 26}
    statement = page_query(after_a_page, with_special)
    with psycopg.connect(settings.postgres_conninfo(platform.layout.name)) as conn:
        for method in ("seqscan", "bitmapscan", "sort"):
            conn.execute(f"SET enable_{method} = off")
        plan = "\n".join(r[0] for r in conn.execute(sql.SQL("EXPLAIN ") + statement, params))
        timeline_indexes = {
            r[0]
            for r in conn.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " JOIN pg_class p ON p.oid = i.inhparent"
                " WHERE p.relname LIKE 'ledger\\_timeline\\_%'"
            )
        }

    used = re.findall(r"Index Scan Backward using (\S+)", plan)
    assert used and set(used) <= timeline_indexes, plan
    assert not re.search(r"^\s*(->\s+)?(Incremental )?Sort\s+\(", plan, re.MULTILINE), plan
