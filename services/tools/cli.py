"""`wegwijs`: run, stop and inspect the platform; issue development tokens."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from services.common import settings
from services.common.secrets import (
    load_env_file,
    masked,
    only_own_secrets,
    refuse_unfit,
    write_development_env,
)

# name -> (nameko service class, number: its default /health and /metrics port is the base + it)
SERVICES: dict[str, tuple[str, int]] = {
    "intake": ("services.intake.service:IntakeService", 1),
    "pip": ("services.pip.service:PipService", 2),
    "matching": ("services.matching.service:MatchingService", 3),
    "consent": ("services.consent.service:ConsentService", 4),
    "audit": ("services.audit.service:AuditService", 5),
    "gateway": ("services.gateway.service:GatewayService", 0),
}
NAMEKO_CONFIG = settings.ROOT / "infra" / "nameko.yaml"
# The processes beside the services: the development OpenID Connect provider and the Werkplek.
APPS = ("oidc", "werkplek")


def service_env(service: str, http_address: str = "") -> dict[str, str]:
    """The environment of one service process: every setting resolved, its own address and
    broker URI (as its own user), and of the secrets only its own."""
    env = dict(os.environ)
    for setting in settings.declared():
        env[setting.name] = setting.get()
    if service == "gateway":
        address = settings.GATEWAY_ADDRESS.get()
    else:
        port = int(settings.HTTP_PORT_BASE.get()) + SERVICES[service][1]
        address = http_address or settings.HTTP_ADDRESS.get() or f"127.0.0.1:{port}"
    env["WEGWIJS_HTTP_ADDRESS"] = address
    env["WEGWIJS_SERVICE"] = service
    env["WEGWIJS_AMQP_URI"] = settings.amqp_uri(service)
    return only_own_secrets(env, service)


def nameko_command(service: str) -> list[str]:
    nameko = Path(sys.executable).with_name("nameko")
    executable = str(nameko) if nameko.exists() else shutil.which("nameko") or "nameko"
    return [executable, "run", "--config", str(NAMEKO_CONFIG), SERVICES[service][0]]


def app_env(app: str) -> dict[str, str]:
    """The environment of the provider or the Werkplek: every setting resolved, and of the
    secrets only the Werkplek's client secret (neither holds a broker or database password)."""
    env = dict(os.environ)
    for setting in settings.declared():
        env[setting.name] = setting.get()
    env["WEGWIJS_WERKPLEK_URL"] = settings.werkplek_url()
    env["WEGWIJS_OIDC_KEYS_FILE"] = str(_run_dir() / "oidc-keys.json")
    return {
        k: v
        for k, v in env.items()
        if k == settings.OIDC_CLIENT_SECRET.name or k not in settings.secret_names()
    }


def app_command(app: str) -> list[str]:
    if app == "oidc":
        node = shutil.which("node") or "node"
        return [node, str(settings.ROOT / "infra" / "oidc" / "provider.mjs")]
    host, _, port = settings.WERKPLEK_ADDRESS.get().rpartition(":")
    uvicorn = Path(sys.executable).with_name("uvicorn")
    return [
        str(uvicorn) if uvicorn.exists() else shutil.which("uvicorn") or "uvicorn",
        "services.werkplek.app:app",
        "--host",
        host,
        "--port",
        port,
        "--no-server-header",
        "--log-level",
        "warning",
    ]


def app_health_url(app: str) -> str:
    if app == "oidc":
        return f"{settings.OIDC_ISSUER.get().rstrip('/')}/.well-known/openid-configuration"
    return f"http://{settings.WERKPLEK_ADDRESS.get()}/health"


def cmd_run(args: argparse.Namespace) -> int:
    if args.service in APPS:
        command, env = app_command(args.service), app_env(args.service)
    else:
        refuse_unfit(args.service)
        env = service_env(args.service, args.http_address or "")
        command = nameko_command(args.service)
    os.execve(command[0], command, env)
    return 0  # not reached


def cmd_migrate(args: argparse.Namespace) -> int:
    from services.tools.migrate import migrate

    refuse_unfit(settings.ADMIN)
    for line in migrate():
        print(f"migrate: {line}")
    return 0


def _run_dir() -> Path:
    path = Path(settings.RUN_DIR.get())
    path.mkdir(parents=True, exist_ok=True)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _pid(service: str) -> int | None:
    pidfile = _run_dir() / f"{service}.pid"
    if not pidfile.exists():
        return None
    pid = int(pidfile.read_text() or "0")
    return pid if pid and _alive(pid) else None


def gateway_url() -> str:
    return f"http://{settings.GATEWAY_ADDRESS.get()}"


def wait_healthy(url: str, deadline_seconds: float) -> dict:
    deadline = time.monotonic() + deadline_seconds
    last: dict = {}
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            last = json.loads(exc.read() or b"{}")
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = {"error": repr(exc)}
        time.sleep(0.5)
    raise SystemExit(f"not healthy within {deadline_seconds:.0f} s: {json.dumps(last)}")


def cmd_secrets(args: argparse.Namespace) -> int:
    """Write fresh development secrets to WEGWIJS_ENV_FILE unless it is there already."""
    env_file = settings.ENV_FILE.get()
    if not env_file:
        print("secrets: WEGWIJS_ENV_FILE is empty: nowhere to write", file=sys.stderr)
        return 2
    if write_development_env(Path(env_file)):
        print(f"secrets: wrote fresh development secrets to {env_file} (mode 0600, not in git)")
    else:
        print(f"secrets: {env_file} is there; kept as it is")
    load_env_file()
    return 0


def cmd_broker_definitions(args: argparse.Namespace) -> int:
    from services.common.broker import platform_definitions

    print(json.dumps(platform_definitions(), indent=2))
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    cmd_secrets(args)
    cmd_migrate(args)
    run_dir = _run_dir()
    for service in (*SERVICES, *APPS):
        if _pid(service):
            print(f"up: {service} already running (pid {_pid(service)})")
            continue
        log = open(run_dir / f"{service}.log", "ab")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(
            [sys.executable, "-m", "services.tools.cli", "run", service],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=settings.ROOT,
        )
        (run_dir / f"{service}.pid").write_text(str(process.pid))
        print(f"up: started {service} (pid {process.pid}, log {run_dir / f'{service}.log'})")
    wait_healthy(f"{gateway_url()}/health", args.wait)
    for app in APPS:
        wait_healthy(app_health_url(app), args.wait)
    from services.tools.demo import load_demo, load_offer

    loaded = load_demo(gateway_url())
    offered = load_offer(gateway_url())
    print(f"up: demo region loaded ({loaded} new people, {offered} new guides and placements)")
    _print_where_to_look()
    return 0


def _print_where_to_look() -> None:
    url = gateway_url()
    print(
        "\nWegwijs is running.\n"
        f"  Werkplek        {settings.werkplek_url()} (log in as anna, karim, noor, mila,"
        " yara, sanne, bas or admin; password wegwijs)\n"
        f"  Login           {settings.OIDC_ISSUER.get()} (the development OpenID Connect"
        " provider)\n"
        f"  API             {url}/api/v1/dossiers\n"
        f"  OpenAPI         {url}/openapi.json\n"
        f"  Health          {url}/health\n"
        f"  Metrics         {url}/metrics (each service also on :8101-:8105/metrics)\n"
        f"  Logs            {settings.RUN_DIR.get()}/<service>.log\n"
        "  A token         .venv/bin/wegwijs token --role regievoerder --gemeente 0344\n"
        f'  Try             curl -H "Authorization: Bearer $(.venv/bin/wegwijs token --role '
        f'regievoerder --gemeente 0344)" {url}/api/v1/dossiers\n'
        "  Stop            make down\n"
    )


def cmd_down(args: argparse.Namespace) -> int:
    run_dir = _run_dir()
    pids = {s: _pid(s) for s in (*SERVICES, *APPS)}
    for pid in pids.values():
        if pid:
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for service, pid in pids.items():
        while pid and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid and _alive(pid):
            os.killpg(pid, signal.SIGKILL)
        (run_dir / f"{service}.pid").unlink(missing_ok=True)
        if pid:
            print(f"down: stopped {service} (pid {pid})")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from services.tools.demo import load_demo, load_offer

    url = args.gateway or gateway_url()
    print(f"demo: {load_demo(url)} new people registered")
    print(f"demo: {load_offer(url)} new guides and placements offered")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from services.gateway.auth import issue_token

    if not settings.is_development():
        print(
            "token: development tokens exist only on a development platform"
            f" ({settings.ENVIRONMENT.name}=development); elsewhere a token comes from the"
            " identity provider",
            file=sys.stderr,
        )
        return 2
    print(
        issue_token(
            args.role,
            args.gemeente or [],
            user_id=args.user or "",
            name=args.name or "",
            organisation=args.organisation or "",
            ttl_seconds=args.ttl,
        )
    )
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    for setting in settings.declared():
        default = "a development value" if setting.secret and setting.default else None
        default = default or repr(setting.default)
        print(f"{setting.name}={masked(setting)}\n    {setting.help} (default {default})")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    from services.gateway.openapi import openapi_document

    print(json.dumps(openapi_document(), indent=2, ensure_ascii=False))
    return 0


def read_models() -> dict[str, tuple[type, tuple]]:
    """Every read model by name, with its service's Application class and projections."""
    from services.tools.migrate import applications

    return {
        projection.name: (app_class, projections)
        for app_class, projections in applications().values()
        for projection in projections
    }


def cmd_contracts(args: argparse.Namespace) -> int:
    from services.tools import contracts

    if args.check:
        stale = contracts.stale()
        for name in stale:
            print(f"{name} is not what the code makes: run `wegwijs contracts`")
        return 1 if stale else 0
    for name in contracts.write():
        print(f"wrote {name}")
    return 0


def cmd_asyncapi(args: argparse.Namespace) -> int:
    from services.consent.asyncapi import asyncapi_document

    print(json.dumps(asyncapi_document(), indent=2, ensure_ascii=False))
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from services.common.db import Database
    from services.common.projection import Projector
    from services.tools.migrate import applications

    if args.all == (args.projection is not None):
        raise SystemExit("rebuild: name one read model, or --all")
    if args.all:
        jobs = [(cls, projections, None) for cls, projections in applications().values()]
    else:
        cls, projections = read_models()[args.projection]
        jobs = [(cls, projections, args.projection)]
    for app_class, projections, name in jobs:
        if not projections:
            continue
        owner = app_class.schema  # the read models' own service, whose role owns their tables
        app = app_class.on_postgres(identity=owner)
        db = Database(settings.postgres_conninfo(identity=owner)).open()
        try:
            projector = Projector(app, db, projections)
            started = time.perf_counter()
            count = projector.rebuild(name) if name else projector.rebuild_all()
            elapsed = time.perf_counter() - started
        finally:
            app.close()
            db.close()
        rebuilt = name or ", ".join(p.name for p in projections)
        print(f"rebuild: {rebuilt} rebuilt from {count} events in {elapsed:.1f} s")
        if projector.quarantined:
            print(
                f"rebuild: {projector.quarantined} events could not be taken and are quarantined"
                f" in {app.schema}.projection_quarantine"
            )
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wegwijs", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run one service in the foreground (nameko run)")
    run.add_argument("service", choices=sorted((*SERVICES, *APPS)))
    run.add_argument("--http-address", help="host:port for /health and /metrics")
    run.set_defaults(func=cmd_run)

    sub.add_parser("migrate", help="create the database, schemas and tables").set_defaults(
        func=cmd_migrate
    )
    up = sub.add_parser("up", help="migrate, start every service, load the demo region")
    up.add_argument("--wait", type=float, default=90, help="seconds to wait for /health")
    up.set_defaults(func=cmd_up)
    sub.add_parser("down", help="stop what `up` started").set_defaults(func=cmd_down)

    demo = sub.add_parser("demo", help="register the demo people through the gateway")
    demo.add_argument("--gateway", help="gateway base URL")
    demo.set_defaults(func=cmd_demo)

    token = sub.add_parser("token", help="print a development bearer token")
    token.add_argument("--role", required=True)
    token.add_argument("--gemeente", action="append", help="CBS code; repeat for several")
    token.add_argument("--user")
    token.add_argument("--name")
    token.add_argument("--organisation", help="OIN of the actor's organisation")
    token.add_argument("--ttl", type=int, default=8 * 3600, help="seconds the token is valid")
    token.set_defaults(func=cmd_token)

    from services.tools.audit_admin import add_parsers as add_audit_parsers
    from services.tools.partner_admin import add_parsers as add_partner_parsers

    add_partner_parsers(sub)
    add_audit_parsers(sub)

    sub.add_parser("settings", help="list every setting with its help").set_defaults(
        func=cmd_settings
    )
    sub.add_parser(
        "secrets", help="write fresh development secrets to WEGWIJS_ENV_FILE if it is missing"
    ).set_defaults(func=cmd_secrets)
    sub.add_parser(
        "broker-definitions",
        help="print the platform's broker definitions (users, permissions, topology) as JSON",
    ).set_defaults(func=cmd_broker_definitions)
    sub.add_parser("openapi", help="print the OpenAPI document").set_defaults(func=cmd_openapi)
    made = sub.add_parser(
        "contracts", help="write the published documents made from the code (contracts/)"
    )
    made.add_argument("--check", action="store_true", help="change nothing; fail when stale")
    made.set_defaults(func=cmd_contracts)
    sub.add_parser("asyncapi", help="print the partner feed's AsyncAPI document").set_defaults(
        func=cmd_asyncapi
    )
    rebuild = sub.add_parser("rebuild", help="drop a read model and rebuild it from events")
    rebuild.add_argument("projection", nargs="?", choices=sorted(read_models()))
    rebuild.add_argument(
        "--all",
        action="store_true",
        help="every read model of every service, each service's from one pass over its log",
    )
    rebuild.set_defaults(func=cmd_rebuild)
    return p


def main(argv: list[str] | None = None) -> int:
    load_env_file()
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
