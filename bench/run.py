"""`make bench`: throughput and propagation latency of the platform against same-run baselines.

Starts its own platform (database and vhost `wegwijs_bench`, gateway on 28000), measures
- sustained registrations per second through the gateway (HTTP) and straight to intake (RPC);
- propagation latency from a registration's stored event to its audit ledger entry, at half the
  sustained gateway rate (p50/p95/p99), and to the draft PIP's ledger entry (two hops);
- baselines in a plain process: eventsourcing `save` on PostgreSQL, a psycopg single-row insert,
  a kombu publish with publisher confirms;
- the audit ledger at one million entries (bench/ledger.py, its own database): `wegwijs audit
  verify` in entries per second, with 1 and 2 worker processes, against streaming the rows, and
  an auditor's dossier query p95 against a primary-key fetch;
- the ledger keeping up (bench/ledger_backlog.py): a 10,000-event backlog drained as catch-up does
  it against plain batched INSERTs (its own database); and on this platform, at the sustained
  gateway rate, the ledger's lag to the stores, and a backlog built while audit was stopped,
  drained while the load goes on;
- matching's ranking of one person against 10,000 guides and 2,000 placements (bench/matching.py)
  against one pass over and a sort of the same candidates, and the same with the pool kept from
  PostgreSQL as the service keeps it (its own database);
- every read model's rebuild in events per second against a plain scan of the same log
  (bench/rebuild.py, its own database), and loading a dossier and a PIP of 2,000 events with and
  without snapshots against selecting their rows (bench/aggregates.py, its own database);
- the cost of one command (bench/hotpath.py, its own platform and RabbitMQ node, before this
  one starts): CPU per registration with its whole cascade summed over every process, where it
  goes, the closed-loop gateway rate beside `save`, and propagation at half that rate;
- the Werkplek's pages with 10,000 dossiers in the region (bench/werkplek.py, on this platform):
  p50/p95/p99 of the werkvoorraad, searches by name and BSN, a dossier page and two of its tabs
  for several logged-in regievoerders at once, against the gateway calls behind each page;
- interactive answers at scale (bench/scale.py, its own database `wegwijs_scale`, made once and
  reused; `WEGWIJS_SCALE_DOSSIERS`, default 100,000): 16 users in a mixed workload through the
  gateway, p50/p95 per operation beside Open Zaak's published 16-user median, and the RSS of every
  process after it against the same process idle; run after this platform has stopped;
- the platform at rest (bench/rest.py, its own platform): the PostgreSQL connections it holds
  and the CPU it burns per second, against an idle Python process in the same window;
and prints a table, writing everything to bench/results.json.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import os  # noqa: E402
import platform as host  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402

import services  # noqa: E402, F401 - psycopg waits cooperatively, as in the services
from bench import ledger_backlog, rest, scale, werkplek  # noqa: E402
from services.common import settings  # noqa: E402
from services.common.context import Actor, CommandContext  # noqa: E402
from services.common.proxies import PlatformClient  # noqa: E402
from tests.platform import ROOT, Layout, Platform, person  # noqa: E402

# Alone on the machine: the production pool sizes (settings' defaults), not the tests' smaller ones.
BENCH = Layout(
    "wegwijs_bench",
    gateway_port=28000,
    service_port_base=28100,
    pg_connections=settings.PG_CONNECTIONS.default,
    pg_idle_seconds=settings.PG_IDLE_SECONDS.default,
)
CLIENTS = 8
SECONDS = 10.0
RESULTS = ROOT / "bench" / "results.json"


def throughput(
    operation, clients: int = CLIENTS, seconds: float = SECONDS, count: int | None = None
) -> dict:
    """`operation` by `clients` clients, each doing it again as soon as it is done (closed
    loop), for `seconds`, or until `count` were started."""
    done, failed, left = [0], [0], [count if count is not None else float("inf")]
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while left[0] > 0 and time.perf_counter() < deadline:
            left[0] -= 1
            try:
                operation()
                done[0] += 1
            except Exception:  # noqa: BLE001 - counted and reported
                failed[0] += 1

    started = time.perf_counter()
    pool = eventlet.GreenPool(clients)
    for _ in range(clients):
        pool.spawn(client)
    pool.waitall()
    elapsed = time.perf_counter() - started
    return {
        "operations": done[0],
        "failed": failed[0],
        "seconds": round(elapsed, 3),
        "clients": clients,
        "per_second": round(done[0] / elapsed, 1),
    }


def rpc_registrations(platform: Platform) -> dict:
    ctx = CommandContext(
        actor=Actor("bench", "Bench", ("regievoerder",), "", ("0344", "0356", "0321")),
        activity="registratie",
    )
    # Calls as the gateway makes them: its broker user, each call signed with its key.
    proxies = [PlatformClient("gateway", lambda: ctx) for _ in range(CLIENTS)]
    clients = eventlet.queue.LightQueue()
    for proxy in proxies:
        clients.put(proxy.start())

    def register() -> None:
        rpc = clients.get()
        try:
            rpc.intake.register(person())
        finally:
            clients.put(rpc)

    try:
        return throughput(register)
    finally:
        for proxy in proxies:
            proxy.stop()


def paced(platform: Platform, rate: float, seconds: float = SECONDS) -> dict:
    """Registrations at a steady `rate` per second; returns how many were sent and refused."""
    interval, sent, failed = 1.0 / rate, [0], [0]
    pool = eventlet.GreenPool(200)

    def one() -> None:
        try:
            platform.register()
            sent[0] += 1
        except Exception:  # noqa: BLE001 - counted and reported
            failed[0] += 1

    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < seconds:
        pool.spawn(one)
        n += 1
        eventlet.sleep(max(0.0, started + n * interval - time.perf_counter()))
    pool.waitall()
    return {"rate_per_second": round(rate, 1), "registrations": sent[0], "failed": failed[0]}


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    def rank(p: float) -> float:
        return round(
            ordered[min(len(ordered) - 1, max(0, int(p / 100 * len(ordered) + 0.5) - 1))], 2
        )

    return {"count": len(ordered), "p50_ms": rank(50), "p95_ms": rank(95), "p99_ms": rank(99)}


def latencies(platform: Platform, after_seq: int, event_type: str) -> list[float]:
    rows = platform.sql(
        "SELECT event_time, ledger_time FROM audit.ledger WHERE seq > %s AND event_type = %s",
        after_seq,
        event_type,
    )
    return [
        (
            datetime.fromisoformat(r["ledger_time"]) - datetime.fromisoformat(r["event_time"])
        ).total_seconds()
        * 1000
        for r in rows
    ]


def two_hop_latencies(platform: Platform, after_seq: int) -> list[float]:
    """From the registration's stored event to the draft PIP's ledger entry."""
    rows = platform.sql(
        "SELECT r.event_time, p.ledger_time FROM audit.ledger r JOIN audit.ledger p"
        " ON p.dossier_id = r.dossier_id AND p.event_type = %s"
        " WHERE r.seq > %s AND r.event_type = %s",
        "nl.wegwijs.pip.concept.geopend.v1",
        after_seq,
        "nl.wegwijs.intake.dossier.geregistreerd.v1",
    )
    return [
        (
            datetime.fromisoformat(r["ledger_time"]) - datetime.fromisoformat(r["event_time"])
        ).total_seconds()
        * 1000
        for r in rows
    ]


# The raw kombu baseline publishes on the broker's default vhost as its administrator, beside the
# platform (whose users may declare nothing).
BASELINE_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def baselines(platform: Platform, dbname: str = BENCH.name) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PSYCOPG_WAIT_FUNC"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.baselines", dbname, BASELINE_AMQP_URI],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def plain_process(module: str, *args: str) -> dict:
    """Run a bench module in a process of its own and read its JSON."""
    env = {k: v for k, v in os.environ.items() if k != "PSYCOPG_WAIT_FUNC"}
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    return json.loads(done.stdout)


def at_rest() -> dict:
    """bench/rest.py in its own process, on its own platform; its last line is its JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.rest"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 3) if baseline else 0.0


def main() -> int:
    os.environ.update(BENCH.env())  # calls made from here sign with this platform's keys
    platform = Platform(BENCH)
    print("bench: fresh database and vhost, starting the platform ...", flush=True)
    platform.reset_infrastructure()
    base = baselines(platform)
    print("bench: the audit ledger at one million entries (made once, then reused) ...", flush=True)
    ledger = plain_process("bench.ledger")
    print("bench: the ledger draining a 10,000-event backlog ...", flush=True)
    backlog = plain_process("bench.ledger_backlog")
    print("bench: ranking one person against 10,000 guides and 2,000 placements ...", flush=True)
    matching = plain_process("bench.matching")
    print("bench: rebuilding every read model, loading aggregates of 2,000 events ...", flush=True)
    rebuild = plain_process("bench.rebuild")
    aggregates = plain_process("bench.aggregates")
    print("bench: the platform at rest, on its own platform ...", flush=True)
    resting = at_rest()
    print("bench: the cost of one registration (its own platform and broker) ...", flush=True)
    hot = plain_process("bench.hotpath", "--json")
    platform.start_all()
    try:
        for _ in range(30):
            platform.register()
        print("bench: registrations through the gateway ...", flush=True)
        gateway = throughput(platform.register)
        print("bench: registrations over RPC ...", flush=True)
        rpc = rpc_registrations(platform)
        platform.wait_ledger_complete(deadline=300)
        start_seq = platform.ledger_head()
        print("bench: propagation at half the sustained gateway rate ...", flush=True)
        pacing = paced(platform, gateway["per_second"] / 2)
        platform.wait_ledger_complete(deadline=300)
        one_hop = percentiles(
            latencies(platform, start_seq, "nl.wegwijs.intake.dossier.geregistreerd.v1")
        )
        two_hop = percentiles(two_hop_latencies(platform, start_seq))
        pages = werkplek.measure(platform)
        print("bench: the ledger under the sustained gateway rate, and a backlog ...", flush=True)
        keeping_up = ledger_backlog.under_load(
            platform, platform.register, gateway["per_second"], SECONDS
        )
    finally:
        platform.stop_all()
    at_scale = scale.measure(
        scale.scale_layout(), int(os.environ.get("WEGWIJS_SCALE_DOSSIERS") or 100_000)
    )

    save = base["eventsourcing_save"]["per_second"]
    results = {
        "measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": host.python_version()},
        "baselines": base,
        "registrations_via_gateway": {
            **gateway,
            "ratio_to_eventsourcing_save": ratio(gateway["per_second"], save),
        },
        "registrations_via_rpc": {
            **rpc,
            "ratio_to_eventsourcing_save": ratio(rpc["per_second"], save),
        },
        "propagation": {
            "paced": pacing,
            "commit_to_ledger": one_hop,
            "commit_to_draft_pip_ledger_entry": two_hop,
        },
        "hotpath": hot,
        "audit_ledger": ledger,
        "ledger_backlog": backlog,
        "ledger_under_load": keeping_up,
        "matching": matching,
        "rebuild": rebuild,
        "aggregates": aggregates,
        "werkplek": pages,
        "scale": at_scale,
        "at_rest": resting,
        "targets": {
            **scale.targets(at_scale),
            **rest.targets(resting),
            "gateway_at_least_half_of_save": ratio(gateway["per_second"], save) >= 0.5,
            "propagation_p99_within_100_ms": one_hop["p99_ms"] <= 100,
            "ledger_verify_at_least_50000_per_second": ledger["verify"]["per_second"] >= 50_000,
            "ledger_dossier_query_p95_within_20_ms": ledger["queries"]["dossier"]["p95_ms"] <= 20,
            "verify_at_least_0_8_of_stream": ledger["verify"]["ratio_to_stream"] >= 0.8,
            "ledger_keeps_up_under_load": keeping_up["lag_under_load"]["p99_seconds"] <= 1
            and keeping_up["backlog"]["caught_up"]
            and keeping_up["backlog"]["per_second"] >= 5_000
            and backlog["drain"]["per_second"] >= 5_000,
            "matching_rank_p95_within_100_ms": matching["rank_one_person"]["p95_ms"] <= 100,
            "matching_rank_from_read_model_p95_within_100_ms": matching["through_read_model"][
                "refresh_and_rank"
            ]["p95_ms"]
            <= 100,
            # A page's whole HTML within 300 ms at p95 leaves the rest of the second in which a
            # person keeps their flow of thought (Nielsen's 1 s) to the network and the browser,
            # and stays well inside the 800 ms of a "good" time to first byte (Core Web Vitals);
            # a regievoerder goes through dozens of dossiers an hour. Every page must also have
            # answered every time (slowest_page_p95_ms is null when one did not).
            "werkplek_page_p95_within_300_ms": (pages["slowest_page_p95_ms"] or 10**9) <= 300,
            "rebuild_at_least_20000_events_per_second": rebuild["slowest_read_model_per_second"]
            >= 20_000,
            "long_aggregate_load_within_20_ms": aggregates["slowest_p95_ms"] <= 20,
            # issue 18: CPU summed over every process per registration with its cascade, the
            # gateway's closed-loop rate, and propagation at half that rate (bench/hotpath.py)
            **hot["targets"],
        },
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    return 0


def print_table(r: dict) -> None:
    from bench import hotpath  # imports this module: here, not at the top

    base = r["baselines"]
    rows = [
        (
            "baseline: eventsourcing save (2 aggregates)",
            base["eventsourcing_save"]["per_second"],
            "/s",
            "1.000",
        ),
        ("baseline: psycopg single-row insert", base["psycopg_insert"]["per_second"], "/s", ""),
        (
            "baseline: kombu confirmed publish",
            base["kombu_confirmed_publish"]["per_second"],
            "/s",
            "",
        ),
        (
            f"registrations via gateway ({CLIENTS} clients)",
            r["registrations_via_gateway"]["per_second"],
            "/s",
            f"{r['registrations_via_gateway']['ratio_to_eventsourcing_save']:.3f}",
        ),
        (
            f"registrations via RPC ({CLIENTS} clients)",
            r["registrations_via_rpc"]["per_second"],
            "/s",
            f"{r['registrations_via_rpc']['ratio_to_eventsourcing_save']:.3f}",
        ),
    ]
    prop = r["propagation"]
    for label, key in (
        ("commit -> ledger", "commit_to_ledger"),
        ("commit -> draft PIP in ledger", "commit_to_draft_pip_ledger_entry"),
    ):
        for p in ("p50_ms", "p95_ms", "p99_ms"):
            rows.append(
                (f"{label} {p[:3]} at {prop['paced']['rate_per_second']}/s", prop[key][p], "ms", "")
            )
    audit = r["audit_ledger"]
    size = f"{audit['size']:,}"
    rows += [
        (f"baseline: stream {size} ledger rows", audit["baseline_stream"]["per_second"], "/s", ""),
        (
            f"audit verify, {size} entries (ratio to stream)",
            audit["verify"]["per_second"],
            "/s",
            f"{audit['verify']['ratio_to_stream']:.3f}",
        ),
        (
            "audit verify, 2 workers (ratio to stream)",
            audit["verify_2_workers"]["per_second"],
            "/s",
            f"{audit['verify_2_workers']['ratio_to_stream']:.3f}",
        ),
        (
            "baseline: plain batched INSERTs of the backlog",
            r["ledger_backlog"]["baseline_plain_inserts"]["per_second"],
            "/s",
            "",
        ),
        (
            "ledger drains a 10,000-event backlog (ratio to INSERTs)",
            r["ledger_backlog"]["drain"]["per_second"],
            "/s",
            f"{r['ledger_backlog']['ratio_to_plain_inserts']:.3f}",
        ),
        (
            "ledger lag to the stores p99, sustained rate",
            r["ledger_under_load"]["lag_under_load"]["p99_seconds"],
            "s",
            "",
        ),
        (
            "backlog drained while the load goes on (audit's start included)",
            r["ledger_under_load"]["backlog"]["per_second"],
            "/s",
            "",
        ),
        (
            "  until the ledger held every event, the load's new ones included",
            r["ledger_under_load"]["backlog"]["drain_seconds"],
            "s",
            "",
        ),
        ("baseline: ledger entry by key p95", audit["queries"]["by_key"]["p95_ms"], "ms", ""),
        (
            "auditor dossier query p95 (ratio to by key)",
            audit["queries"]["dossier"]["p95_ms"],
            "ms",
            f"{audit['queries']['dossier_p95_ratio_to_by_key']:.2f}",
        ),
        ("who saw this dossier p95", audit["queries"]["readers"]["p95_ms"], "ms", ""),
        ("trace query p95", audit["queries"]["trace"]["p95_ms"], "ms", ""),
        (
            "baseline: pass over and sort 12,000 candidates p95",
            r["matching"]["baseline_pass_and_sort"]["p95_ms"],
            "ms",
            "",
        ),
        (
            "rank one person, 10,000 guides + 2,000 places p95",
            r["matching"]["rank_one_person"]["p95_ms"],
            "ms",
            f"{r['matching']['p95_ratio_to_baseline']:.2f}",
        ),
        (
            "same, pool refreshed from PostgreSQL (ratio to rank alone)",
            r["matching"]["through_read_model"]["refresh_and_rank"]["p95_ms"],
            "ms",
            f"{r['matching']['through_read_model']['p95_ratio_to_rank_alone']:.2f}",
        ),
        (
            "pool's first load from PostgreSQL",
            r["matching"]["through_read_model"]["first_load_ms"],
            "ms",
            "",
        ),
    ]
    rows += rebuild_rows(r["rebuild"]) + aggregate_rows(r["aggregates"])
    rows += werkplek_rows(r["werkplek"])
    rows += scale.rows(r["scale"])
    rows += rest.rows_of(r["at_rest"])
    rows += [(f"hotpath: {label}", *rest) for label, *rest in hotpath.rows(r["hotpath"])]
    print(f"\n{'measure':<58}{'value':>12}  {'unit':<4}{'ratio':>15}")
    for label, value, unit, ratio_text in rows:
        print(f"{label:<58}{value:>12}  {unit:<4}{ratio_text:>15}")
    for line in hotpath.profile_lines(r["hotpath"]):
        print(line)
    for target, met in r["targets"].items():
        print(f"target {target}: {'met' if met else 'NOT met'}")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


def rebuild_rows(b: dict) -> list[tuple[str, object, str, str]]:
    """Per service: the scan of its log (baseline), each read model's rebuild, and all at once."""
    rows: list[tuple[str, object, str, str]] = []
    for service, together in b["services"].items():
        scan = together["baseline_scan"]
        rows.append(
            (f"baseline: scan {scan['events']:,} {service} events", scan["per_second"], "/s", "")
        )
        for name in together["read_models"]:
            model = b["read_models"][name]
            rows.append(
                (f"rebuild {name}", model["per_second"], "/s", f"{model['ratio_to_scan']:.3f}")
            )
        rows.append(
            (
                f"rebuild --all of {service}",
                together["per_second"],
                "/s",
                f"{together['ratio_to_scan']:.3f}",
            )
        )
    return rows


def aggregate_rows(a: dict) -> list[tuple[str, object, str, str]]:
    """Per aggregate: select its rows (baseline), load it without and with snapshots."""
    rows: list[tuple[str, object, str, str]] = []
    for name in ("dossier", "pip"):
        each = a[name]
        rows += [
            (
                f"baseline: select a {name}'s {a['events']:,} rows p95",
                each["baseline_select_rows"]["p95_ms"],
                "ms",
                "",
            ),
            (
                f"load a {name} of {a['events']:,} events, no snapshots p95",
                each["without_snapshots"]["p95_ms"],
                "ms",
                f"{each['without_snapshots']['p95_ratio_to_select']:.2f}",
            ),
            (
                f"load a {name} of {a['events']:,} events, snapshots p95",
                each["with_snapshots"]["p95_ms"],
                "ms",
                f"{each['with_snapshots']['p95_ratio_to_select']:.2f}",
            ),
        ]
    return rows


def werkplek_rows(w: dict) -> list[tuple[str, object, str, str]]:
    """Per page: the gateway calls behind it (baseline) and the page, p95 (ratio to them)."""
    region = w["region"]["dossiers"]
    rows: list[tuple[str, object, str, str]] = []
    for name, page in w["pages"].items():
        label = name.replace("_", " ")
        failed = f", {page['failed']} failed" if page["failed"] else ""
        rows += [
            (
                f"baseline: gateway calls behind {label} p95",
                _shown(page["gateway_calls"]["p95_ms"]),
                "ms",
                "",
            ),
            (
                f"werkplek {label}, {region:,} dossiers p95{failed}",
                _shown(page["p95_ms"]),
                "ms",
                ""
                if page["p95_ratio_to_gateway"] is None
                else f"{page['p95_ratio_to_gateway']:.2f}",
            ),
        ]
    return rows


def _shown(value: float | None) -> object:
    return "-" if value is None else value


if __name__ == "__main__":
    sys.exit(main())
