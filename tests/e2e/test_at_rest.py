"""A platform at rest costs (almost) nothing: it holds only the PostgreSQL connections it declares,
and it needs no polling to pass on what another process stored."""

from __future__ import annotations

from services.common import settings
from services.common.context import Actor, CommandContext
from services.intake.application import Intake
from services.tools.cli import APPS
from tests.platform import eventually, person


def _connections(platform) -> list[dict]:
    """The platform's processes' connections, by application (process and pool)."""
    return platform.sql(
        "SELECT application_name AS application, count(*) AS n FROM pg_stat_activity"
        " WHERE datname = %s AND usename LIKE %s GROUP BY 1 ORDER BY 1",
        platform.layout.name,
        f"{platform.layout.name}\\_%",
    )


def test_at_rest_the_platform_holds_only_the_connections_it_declares(platform):
    platform.register()
    platform.wait_ledger_complete()
    services = [p for p in platform.processes.values() if p.service not in APPS]
    budget = settings.connections_at_rest(len(services))
    idle = float(platform.env["WEGWIJS_PG_IDLE_SECONDS"])

    at_rest = eventually(
        lambda: _connections(platform),
        lambda rows: sum(r["n"] for r in rows) <= budget,
        # each pool closes what it did not use for a whole idle period
        deadline=4 * idle + 30,
        what=f"at most {budget} connections at rest",
    )

    # What is left is each process listening for new events, and nothing it does not declare.
    listening = {f"wegwijs-{p.service}-listen" for p in services}
    assert {r["application"] for r in at_rest} <= listening | {
        f"wegwijs-{p.service}{part}" for p in services for part in ("", "-events")
    }, at_rest


def _register_elsewhere() -> str:
    """Register a person as another instance of intake would, here in the test's process (which
    relays nothing): returns the dossier's id."""
    ctx = CommandContext(
        actor=Actor("test-direct", "Direct", ("regievoerder",), "", ("0344",)),
        activity="registratie",
    )
    other = Intake.on_postgres()
    try:
        return str(other.register(ctx, person()))
    finally:
        other.close()


def _passed_on(platform, dossier_id: str) -> None:
    """Relayed, projected by intake, taken into the ledger, and a draft PIP opened, within a
    deadline far below the fallback timers: only a notification can have woken them."""

    def arrived() -> dict[str, int]:
        return {
            "ledger": platform.scalar(
                "SELECT count(*) FROM audit.ledger WHERE dossier_id = %s", dossier_id
            ),
            "intake read model": platform.scalar(
                "SELECT count(*) FROM intake.dossier_index WHERE dossier_id = %s", dossier_id
            ),
            "draft pip": platform.scalar(
                "SELECT count(*) FROM pip.pips_events WHERE topic LIKE %s"
                " AND convert_from(state, 'UTF8') LIKE %s",
                "%Pip.DraftOpened",
                f'%"_data_":"{dossier_id.replace("-", "")}"%',
            ),
        }

    eventually(arrived, lambda found: all(found.values()), deadline=10, what="passed on at once")


def test_what_another_process_stored_is_passed_on_at_once_without_polling(platform):
    assert float(platform.env.get("WEGWIJS_RELAY_POLL_SECONDS") or "30") >= 30
    assert float(platform.env.get("WEGWIJS_CATCHUP_FALLBACK_SECONDS") or "60") >= 30
    platform.wait_ledger_complete()
    _passed_on(platform, _register_elsewhere())


def test_what_was_stored_while_the_listeners_were_cut_off_is_passed_on_when_they_are_back(
    platform,
):
    """Every process's listening connection ends (as when PostgreSQL restarts); what is stored
    meanwhile is still passed on, when they have listened again."""
    platform.wait_ledger_complete()
    cut = platform.sql(
        "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity"
        " WHERE datname = %s AND application_name LIKE %s",
        platform.layout.name,
        "wegwijs-%-listen",
    )
    assert len(cut) >= 5, cut
    _passed_on(platform, _register_elsewhere())
