"""The Werkplek's pages with 10,000 dossiers in the region (issue 16): p50/p95/p99 of whole
HTML pages for logged-in regievoerders, against a same-run baseline of the gateway calls
behind each page.

- fill: the region up to 10,000 dossiers, registered over RPC as the gateway calls intake (its
  broker user, each call signed), from several clients at once; about a third with a brede
  intake started, some completed, some with a signal, a few with an established PIP (the demo's
  story of Rahaf). Every service takes them in as always (drafts of PIPs, consents, the ledger)
  before anything is measured.
- pages: regievoerders of Utrecht and Houten, each logged in once at the provider as a browser
  does, ask for the werkvoorraad, a search by name, a search by BSN, a dossier page and its
  brede intake and PIP tabs, several people at once; each answer is the page's HTML, read whole.
- baseline: the same people, with their own access tokens, make the gateway calls each page
  makes, in the same order, with the same concurrency; the ratio is the Werkplek's own share.

Runs inside `bench/run.py` on its platform (`measure`), or alone: `python -m bench.werkplek`
starts the bench platform itself and prints one JSON object.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterable  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urljoin  # noqa: E402

import requests  # noqa: E402

import services  # noqa: E402, F401 - psycopg waits cooperatively, as in the services
from services.common.context import Actor, CommandContext  # noqa: E402
from services.common.proxies import PlatformClient  # noqa: E402
from services.tools.cli import APPS, SERVICES  # noqa: E402
from tests.oidc_login import provider_login  # noqa: E402
from tests.platform import ROOT, Platform, eventually  # noqa: E402

SIZE = 10_000
FILL_CLIENTS = 12
# The region's dossiers: Utrecht is the largest gemeente.
GEMEENTEN = {"0344": 0.6, "0356": 0.15, "0321": 0.25}
# Shares of the dossiers with more than a registration.
INTAKE_STARTED, INTAKE_COMPLETED, PIP_ESTABLISHED, SIGNALLED = 0.25, 0.08, 0.008, 0.10
# Who reads: regievoerders of two gemeenten (infra/oidc/users.json), several sessions each.
USERS = (("anna", "0344"), ("noor", "0321")) * 2
SAMPLES = 12  # per page, per user and round
ROUNDS = 2  # baseline and pages take turns, so that both meet the same machine
GIVEN = (  # noqa: SIM905 - easier to read as words
    "Amanuel Rahaf Yonas Nour Hamid Selam Mohammed Fatima Ahmad Aisha Omar Layla Yusuf"
    " Mariam Ali Huda Samir Rania Tesfay Senait Dawit Helen Filmon Ruta Abdullah Zainab"
    " Khaled Bilal Sara Hassan Amina Mehmet Elif Oksana Dmytro Farid Shirin Reza Parisa"
    " Lina"
).split()
FAMILY = (  # noqa: SIM905 - easier to read as words
    "Haddad Kidane Tesfamariam Al-Hassan Abdi Yousef Ibrahim Khalil Mansour Nasser Saleh"
    " Hussein Ahmadi Rahimi Hosseini Karimi Tekle Berhane Ghebremedhin Haile Gebru Osman"
    " Farah Warsame Shevchenko Kovalenko Bondarenko Yilmaz Kaya Demir Al-Khatib Darwish"
    " Hamdan Suleiman Bakr Aziz Rashid Zaidi Qasim Mahmoud"
).split()
# A story's step (as in infra/demo-people.json) -> (service, method, activity, takes a body).
STEPS = {
    ("PUT", "intake/leerbaarheidstoets"): ("intake", "record_leerbaarheidstoets", "brede-intake"),
    ("POST", "intake/education"): ("intake", "add_education", "brede-intake"),
    ("POST", "intake/work"): ("intake", "add_work", "brede-intake"),
    ("PUT", "intake/personal-circumstances"): (
        "intake",
        "record_personal_circumstances",
        "brede-intake",
    ),
    ("POST", "intake/complete"): ("intake", "complete_intake", "brede-intake"),
    ("PATCH", "pip"): ("pip", "change_sections", "pip-opstellen"),
    ("POST", "pip/goals"): ("pip", "add_goal", "pip-opstellen"),
    ("POST", "pip/establish"): ("pip", "establish", "pip-opstellen"),
}
LIFE_DOMAIN = re.compile(r"intake/domains/(\w+)")
SIGNAL = {
    "domain": "huisvesting",
    "text": "Woning is te klein voor het gezin.",
    "sensitivity": "normaal",
}


# filling the region -------------------------------------------------------------------------
def _bsns() -> Iterable[str]:
    """Valid test BSNs of a range of their own (tests.platform counts up from 999900000)."""
    for n in range(900_000_000, 999_000_000):
        digits = str(n)
        weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
        if sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0:
            yield digits


def _people(count: int, rng: random.Random, today: date) -> list[dict[str, Any]]:
    """Registrations over the last half year: some PIP deadlines passed, some near, some not."""
    codes, weights = zip(*GEMEENTEN.items(), strict=True)
    people = []
    for bsn, _ in zip(_bsns(), range(count), strict=False):
        notice = today - timedelta(days=rng.randint(1, 180))
        people.append(
            {
                "bsn": bsn,
                "v_nummer": f"2{bsn}",
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY),
                "birth_date": date(rng.randint(1960, 2006), rng.randint(1, 12), 15).isoformat(),
                "gemeente": rng.choices(codes, weights)[0],
                "duo_notice_date": notice.isoformat(),
                "brp_registration_date": min(
                    today, notice + timedelta(days=rng.randint(0, 14))
                ).isoformat(),
            }
        )
    return people


class Services:
    """RPC to the services as the gateway makes it: its broker user, each call signed, the
    context of a regievoerder of the region with the activity of the step."""

    def __init__(self, clients: int) -> None:
        actor = Actor("bench-werkplek", "Bench", ("regievoerder",), "", tuple(GEMEENTEN))
        self.local = threading.local()  # green-thread local under eventlet
        self.proxies = [
            PlatformClient(
                "gateway",
                lambda: CommandContext(actor=actor, activity=self.local.activity),
            )
            for _ in range(clients)
        ]
        self.free = eventlet.queue.LightQueue()
        self.clients = clients
        self.failed: list[str] = []

    def __enter__(self) -> Services:
        for proxy in self.proxies:
            self.free.put(proxy.start())
        return self

    def __exit__(self, *exc: object) -> None:
        for proxy in self.proxies:
            proxy.stop()

    def call(self, service: str, method: str, activity: str, *args: Any) -> Any:
        rpc = self.free.get()
        try:
            self.local.activity = activity
            return getattr(getattr(rpc, service), method)(*args)
        finally:
            self.free.put(rpc)

    def each(self, items: Iterable[Any], task: Callable[[Any], Any]) -> list[Any]:
        """`task` of every item, `clients` at a time; a failure is noted, not raised."""

        def safely(item: Any) -> Any:
            try:
                return task(item)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                self.failed.append(f"{type(exc).__name__}: {exc}"[:300])
                return None

        return list(eventlet.GreenPool(self.clients).imap(safely, items))

    def story(self, dossier_id: str, steps: list[dict[str, Any]]) -> None:
        for step in steps:
            domain = LIFE_DOMAIN.fullmatch(step["path"])
            if domain:
                self.call(
                    "intake",
                    "record_life_domain",
                    "brede-intake",
                    dossier_id,
                    domain.group(1),
                    step["body"],
                )
                continue
            service, method, activity = STEPS[(step["method"], step["path"])]
            body = () if method == "complete_intake" else (step.get("body") or {},)
            self.call(service, method, activity, dossier_id, *body)


def _demo_stories() -> tuple[list[dict], list[dict], list[dict]]:
    """The demo's stories: a completed intake (Amanuel's), and Rahaf's up to her established
    PIP, split at the wait for pip to take in the completed intake."""
    people = json.loads((ROOT / "infra" / "demo-people.json").read_text(encoding="utf-8"))
    by_name = {p["given_name"]: p.get("story", []) for p in people["people"]}
    completed = by_name["Amanuel"]
    rahaf = by_name["Rahaf"]
    wait = next(i for i, s in enumerate(rahaf) if s.get("await") == "pip-starting-points")
    done = next(i for i, s in enumerate(rahaf) if s.get("await") == "matching-plan")
    return completed, rahaf[:wait], rahaf[wait + 1 : done]


def fill(platform: Platform, size: int = SIZE) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The region up to `size` dossiers, and the platform settled: what it holds, and the
    people registered now (each with its dossier id)."""
    started = time.perf_counter()
    have = platform.scalar("SELECT count(*) FROM intake.dossier_index")
    rng = random.Random(16)
    people = _people(max(0, size - have), rng, date.today())
    completed, rahaf_intake, rahaf_pip = _demo_stories()
    lbt = [s for s in completed if s["path"] == "intake/leerbaarheidstoets"]
    phases: dict[str, float] = {}

    def phase(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = round(now - since, 1)
        return now

    with Services(FILL_CLIENTS) as rpc:
        ids = rpc.each(people, lambda who: rpc.call("intake", "register", "registratie", who)["id"])
        at = phase("registering", started)
        plans: list[tuple[str, list[dict]]] = []
        to_establish = []
        for dossier_id in filter(None, ids):
            draw = rng.random()
            if draw < PIP_ESTABLISHED:
                plans.append((dossier_id, rahaf_intake))
                to_establish.append(dossier_id)
            elif draw < INTAKE_COMPLETED:
                plans.append((dossier_id, completed))
            elif draw < INTAKE_STARTED:
                plans.append((dossier_id, lbt))
            if rng.random() < SIGNALLED:
                plans.append((dossier_id, [{"signal": True}]))
        rpc.each(plans, lambda plan: _tell(rpc, *plan))
        at = phase("intakes_and_signals", at)
        platform.wait_ledger_complete(deadline=1800)
        at = phase("settling", at)
        rpc.each(to_establish, lambda dossier_id: rpc.story(dossier_id, rahaf_pip))
        platform.wait_ledger_complete(deadline=1800)
        phase("pips", at)
        failed = rpc.failed
    counts = platform.sql(
        "SELECT count(*) AS dossiers, count(intake_id) AS intakes,"
        " count(intake_completed_at) AS completed, count(last_signal_at) AS signalled"
        " FROM intake.dossier_index"
    )[0]
    established = platform.scalar(
        "SELECT count(*) FROM pip.pip_overview WHERE status = 'vastgesteld'"
    )
    return {
        **counts,
        "pips_established": established,
        "registered_now": len([i for i in ids if i]),
        "registrations_per_second": round(len(people) / phases["registering"], 1)
        if people
        else 0.0,
        "phase_seconds": phases,
        "failed": len(failed),
        "first_failures": failed[:3],
        "seconds": round(time.perf_counter() - started, 1),
    }, [{**who, "id": i} for who, i in zip(people, ids, strict=True) if i]


def _tell(rpc: Services, dossier_id: str, steps: list[dict[str, Any]]) -> None:
    if steps and steps[0].get("signal"):
        rpc.call("intake", "give_signal", "signalering", dossier_id, SIGNAL)
    else:
        rpc.story(dossier_id, steps)


# reading pages ------------------------------------------------------------------------------
class Reader:
    """One regievoerder at work: logged in at the Werkplek as a browser is, and, for the
    baseline, with an access token of their own straight at the gateway."""

    def __init__(self, platform: Platform, login: str, gemeente: str) -> None:
        self.login, self.gemeente = login, gemeente
        self.werkplek = f"http://{platform.env['WEGWIJS_WERKPLEK_ADDRESS']}"
        self.browser = requests.Session()
        answer = self.browser.get(f"{self.werkplek}/", timeout=30)  # on to the provider's form
        action = re.search(r'action="([^"]+)"', answer.text)
        if not action:
            raise RuntimeError(f"no login form for {login}: {answer.status_code} {answer.url}")
        answer = self.browser.post(
            urljoin(answer.url, action.group(1)),
            data={"login": login, "password": "wegwijs"},
            timeout=30,
        )
        if answer.status_code != 200 or answer.url != f"{self.werkplek}/":
            raise RuntimeError(f"{login} not logged in: {answer.status_code} {answer.url}")
        self.gateway = requests.Session()
        self.gateway.headers["Authorization"] = (
            f"Bearer {provider_login(platform, login)['access_token']}"
        )
        self.gateway_url = platform.url

    def get(self, session: requests.Session, url: str, taken: tuple[int, ...] = (200,)) -> float:
        """Milliseconds until the whole answer is in; any other status fails the bench."""
        started = time.perf_counter()
        answer = session.get(url, allow_redirects=False, timeout=60)
        answer.content  # noqa: B018 - read to its end, as a browser does
        took = (time.perf_counter() - started) * 1000
        if answer.status_code not in taken:
            raise RuntimeError(f"{url}: {answer.status_code} {answer.text[:200]}")
        return took

    def page(self, path: str) -> float:
        return self.get(self.browser, self.werkplek + path)

    def calls(self, paths: list[str]) -> float:
        """The gateway calls behind a page, one after the other as the Werkplek makes them (a
        part of the dossier that is not there yet is shown as such: 404 is an answer too)."""
        return sum(self.get(self.gateway, self.gateway_url + p, (200, 404)) for p in paths)


def pages(person: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    """Each page measured, for one person: its path, and the gateway calls it makes."""
    dossier = f"/api/v1/dossiers/{person['id']}"
    name = f"{person['given_name']} {person['family_name']}"
    return {
        "werkvoorraad": ("/", ["/api/v1/werkvoorraad"]),
        "search_by_name": (
            f"/zoeken?zoek={requests.utils.quote(name)}",
            [f"/api/v1/dossiers?q={requests.utils.quote(name)}&limit=50"],
        ),
        "search_by_bsn": (
            f"/zoeken?zoek={person['bsn']}",
            [f"/api/v1/dossiers?q={person['bsn']}&limit=50"],
        ),
        "dossier": (
            f"/dossiers/{person['id']}",
            [dossier, f"{dossier}/household", f"{dossier}/pip"],
        ),
        "dossier_intake_tab": (f"/dossiers/{person['id']}/intake", [dossier, f"{dossier}/intake"]),
        # A draft's tab shows the intake's starting points too (nearly every PIP is a draft).
        "dossier_pip_tab": (
            f"/dossiers/{person['id']}/pip",
            [dossier, f"{dossier}/pip", f"{dossier}/pip/starting-points"],
        ),
    }


def _percentiles(values: list[float]) -> dict[str, Any]:
    if len(values) < 2:
        return {"requests": len(values), "p50_ms": None, "p95_ms": None, "p99_ms": None}
    cut = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "requests": len(values),
        "p50_ms": round(cut[49], 1),
        "p95_ms": round(cut[94], 1),
        "p99_ms": round(cut[98], 1),
    }


def read_pages(readers: list[Reader], people: list[dict[str, Any]]) -> dict[str, Any]:
    """Every reader at once, SAMPLES times each page, in rounds of gateway calls and pages. A
    page that fails is counted (and its first failure kept), not timed."""
    theirs = {g: [p for p in people if p["gemeente"] == g] for g in GEMEENTEN}
    timings: dict[str, dict[str, list[float]]] = {"werkplek": {}, "gateway": {}}
    failed: dict[str, dict[str, list[str]]] = {"werkplek": {}, "gateway": {}}

    def work(number: int, round_no: int, way: str) -> None:
        reader = readers[number]
        rng = random.Random(f"{number}-{round_no}")  # the same dossiers both ways
        for _ in range(SAMPLES):
            asked = list(pages(rng.choice(theirs[reader.gemeente])).items())
            rng.shuffle(asked)
            for name, (path, calls) in asked:
                try:
                    took = reader.page(path) if way == "werkplek" else reader.calls(calls)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    failed[way].setdefault(name, []).append(str(exc)[:300])
                else:
                    timings[way].setdefault(name, []).append(took)

    started = time.perf_counter()
    for round_no in range(ROUNDS):
        # Each way goes first in turn, so that neither always meets a warmer machine.
        ways = ("gateway", "werkplek") if round_no % 2 == 0 else ("werkplek", "gateway")
        for way in ways:
            pool = eventlet.GreenPool(len(readers))
            for number in range(len(readers)):
                pool.spawn(work, number, round_no, way)
            pool.waitall()
    result: dict[str, Any] = {}
    for name in pages(people[0]):
        page = _percentiles(timings["werkplek"].get(name, []))
        calls = _percentiles(timings["gateway"].get(name, []))
        result[name] = {
            **page,
            "failed": len(failed["werkplek"].get(name, [])),
            "first_failure": (failed["werkplek"].get(name) or [""])[0],
            "gateway_calls": {**calls, "failed": len(failed["gateway"].get(name, []))},
            "p95_ratio_to_gateway": round(page["p95_ms"] / calls["p95_ms"], 2)
            if page["requests"] and calls["requests"]
            else None,
        }
    return {"pages": result, "seconds": round(time.perf_counter() - started, 1)}


def measure(platform: Platform, size: int = SIZE) -> dict[str, Any]:
    """Fill the region, log the readers in, and read the pages: one JSON-able result."""
    print(f"bench: the region up to {size:,} dossiers ...", flush=True)
    filled, people = fill(platform, size)
    print("bench: the Werkplek's pages, with the gateway calls behind them ...", flush=True)
    readers = [Reader(platform, login, gemeente) for login, gemeente in USERS]
    read = read_pages(readers, people)
    # The target holds when every page answered every time, within it at p95.
    complete = all(p["p95_ms"] is not None and not p["failed"] for p in read["pages"].values())
    slowest = max(p["p95_ms"] or 0 for p in read["pages"].values())
    return {
        "region": filled,
        "readers": len(readers),
        "samples_per_page_and_reader": SAMPLES * ROUNDS,
        **read,
        "slowest_page_p95_ms": slowest if complete else None,
    }


def _start_patiently(platform: Platform, deadline: float = 600) -> None:
    """Every process, waiting for each as long as a busy shared machine needs (start_all gives
    each a minute)."""
    started = [platform.start(name, wait=False) for name in (*SERVICES, *APPS)]
    for process in started:
        path = "/.well-known/openid-configuration" if process.service == "oidc" else "/health"
        eventually(
            lambda url=f"http://127.0.0.1:{process.port}{path}": _answers(url),
            bool,
            deadline=deadline,
            what=f"{process.name} answers",
        )
    platform.wait_healthy()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=10).status_code in (200, 503)
    except requests.RequestException:
        return False


def main() -> None:
    from bench.run import BENCH

    size = int(sys.argv[1]) if len(sys.argv) > 1 else SIZE
    os.environ.update(BENCH.env())
    platform = Platform(BENCH)
    platform.reset_infrastructure()
    try:
        _start_patiently(platform)
        print(json.dumps(measure(platform, size), indent=2))
    finally:
        platform.stop_all()


if __name__ == "__main__":
    main()
