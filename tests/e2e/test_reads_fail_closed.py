"""No read escapes the access log: an id in any notation is accounted for under the dossier's own
id, a read that cannot be recorded is not answered, a refused read is recorded as refused, and a
command is filed under the dossier's gemeente whoever asked it (issue 13, findings 5 and 6)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from services.common import settings
from services.gateway.auth import issue_token
from tests.e2e.http import send
from tests.e2e.test_matching import GUIDES_ORG, _guide, _semhar, organisations  # noqa: F401
from tests.platform import eventually, person

READ = "nl.wegwijs.gateway.gegevens.ingezien.v1"
REFUSED = "nl.wegwijs.gateway.inzage.geweigerd.v1"
COMMAND = "nl.wegwijs.gateway.opdracht.behandeld.v1"


def _as(user: str, role: str = "regievoerder", *gemeenten: str, organisation: str = "") -> dict:
    token = issue_token(role, list(gemeenten or ("0344",)), user_id=user, organisation=organisation)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _ledger(platform, dossier_id: str, event_type: str, actor: str) -> list[dict]:
    return platform.sql(
        "SELECT gemeente, result, actor FROM audit.ledger"
        " WHERE dossier_id = %s AND event_type = %s AND actor = %s ORDER BY seq",
        dossier_id,
        event_type,
        actor,
    )


def test_an_id_in_any_uuid_notation_is_read_and_accounted_for_under_the_dossier_s_id(platform):
    dossier_id = platform.register(person("0344"))
    hexed = uuid.UUID(dossier_id).hex
    notations = {
        "upper": dossier_id.upper(),
        "urn": f"urn:uuid:{dossier_id}",
        "braces": f"{{{dossier_id}}}",
        "hex": hexed,
    }
    for name, notation in notations.items():
        response = platform.http.get(
            f"{platform.url}/api/v1/dossiers/{notation}", headers=_as(f"reader-{name}"), timeout=15
        )
        assert response.status_code == 200, (name, response.text)
        assert response.json()["id"] == dossier_id

    for name in notations:
        eventually(
            lambda name=name: _ledger(platform, dossier_id, READ, f"reader-{name}"),
            lambda rows: len(rows) == 1 and rows[0]["gemeente"] == "0344",
            what=f"the {name} read is in the ledger under the dossier's own id",
        )


def test_an_id_that_is_no_uuid_is_not_found(platform):
    for garbage in ("12345", "not-a-uuid", "00000000-0000-0000-0000-00000000000g"):
        response = platform.http.get(
            f"{platform.url}/api/v1/dossiers/{garbage}/pip", headers=_as("garbage"), timeout=15
        )
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/problem+json"


def test_a_read_that_cannot_be_recorded_is_refused_and_shows_nothing(platform):
    who = person("0344")
    dossier_id = platform.register(who)
    role = settings.database_role("gateway")
    table = "gateway.accesslogs_events"
    platform.execute(f"REVOKE INSERT ON {table} FROM {role}")
    try:
        response = platform.http.get(
            f"{platform.url}/api/v1/dossiers/{dossier_id}", headers=_as("unlogged"), timeout=15
        )
    finally:
        platform.execute(f"GRANT INSERT ON {table} TO {role}")

    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert who["bsn"] not in response.text and who["family_name"] not in response.text


def test_every_one_of_many_reads_of_one_dossier_at_once_is_recorded(platform):
    dossier_id = platform.register(person("0344"))
    url = f"{platform.url}/api/v1/dossiers/{dossier_id}"

    def read(n: int) -> int:
        return platform.http.get(url, headers=_as("crowd"), timeout=30).status_code

    with ThreadPoolExecutor(8) as pool:
        answered = list(pool.map(read, range(24)))

    assert answered.count(200) == 24
    eventually(
        lambda: len(_ledger(platform, dossier_id, READ, "crowd")),
        lambda n: n == 24,
        what="each of the 24 reads is in the ledger",
    )


def test_a_refused_read_of_a_dossier_is_in_the_ledger_of_the_dossier_s_gemeente(platform):
    dossier_id = platform.register(person("0344"))
    other_gemeente = platform.http.get(
        f"{platform.url}/api/v1/dossiers/{dossier_id}",
        headers=_as("prober", "regievoerder", "0356"),
        timeout=15,
    )
    wrong_role = platform.http.get(
        f"{platform.url}/api/v1/dossiers/{dossier_id}/view",
        headers=_as("wrong-role", "auditor", "0344"),
        timeout=15,
    )
    assert (other_gemeente.status_code, wrong_role.status_code) == (404, 403)

    for actor in ("prober", "wrong-role"):
        refused = eventually(
            lambda actor=actor: _ledger(platform, dossier_id, REFUSED, actor),
            lambda rows: len(rows) == 1,
            what=f"{actor}'s refused read is in the ledger",
        )
        assert refused[0]["gemeente"] == "0344"
        assert refused[0]["result"] == "geweigerd"


def test_a_command_is_filed_under_the_dossier_s_gemeente_whoever_asks_it(
    platform,
    organisations,  # noqa: F811
):
    """A coordinator of the regional pool acting for Nieuwegein answers a proposal for a person of
    Utrecht: the command is Utrecht's to account for."""
    dossier_id = _semhar(platform)
    guide_id = _guide(platform, "Pool Begeleider", languages={"ti": "C2"})
    base = f"/api/v1/dossiers/{dossier_id}/proposals"
    proposed = send(platform, "POST", base, {"kind": "begeleider", "candidate_id": guide_id})
    assert proposed.status_code == 201, proposed.text
    answers = f"{base}/{proposed.json()['id']}/answers"
    pool_coordinator = _as("pool-coordinator", "coordinator", "0356", organisation=GUIDES_ORG)

    answered = send(
        platform, "POST", answers, {"side": "aanbieder", "accepted": True}, pool_coordinator
    )

    assert answered.status_code == 200, answered.text
    filed = eventually(
        lambda: _ledger(platform, dossier_id, COMMAND, "pool-coordinator"),
        bool,
        what="the coordinator's command is in the ledger",
    )
    assert [row["gemeente"] for row in filed] == ["0344"]
