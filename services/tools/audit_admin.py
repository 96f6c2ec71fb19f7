"""`wegwijs audit ...`: sign a checkpoint, export the checkpoints, and verify the ledger against
them, on the database directly, so it works when no service does; and an auditor's queries
(`entries`, `readers`), through the API with the auditor's own token, so the gemeenten they may see
are the ones their token names and each query is itself in the access log."""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

from services.common import settings


def _ledger() -> Any:
    """The ledger, as audit's own role reaches it: it may read and append, nothing more."""
    from services.audit.ledger import Ledger
    from services.common.db import Database

    return Ledger(Database(settings.postgres_conninfo(identity="audit")).open())


def cmd_checkpoint(args: argparse.Namespace) -> int:
    from services.audit.checkpoints import signing_key

    ledger = _ledger()
    try:
        signed = ledger.checkpoint(signing_key())
    finally:
        ledger.db.close()
    print(json.dumps(signed) if signed else "audit checkpoint: the last checkpoint is current")
    return 0


def cmd_checkpoints(args: argparse.Namespace) -> int:
    """Every checkpoint, one JSON object a line: give this to whoever keeps them outside."""
    ledger = _ledger()
    try:
        for checkpoint in ledger.checkpoints():
            print(json.dumps(checkpoint, sort_keys=True))
    finally:
        ledger.db.close()
    return 0


def cmd_public_key(args: argparse.Namespace) -> int:
    from services.audit.checkpoints import public_key_text, signing_key

    print(public_key_text(signing_key().public_key()))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the chain and every checkpoint hold; 1 naming the first bad entry."""
    from services.audit.checkpoints import public_key_from_text, signing_key

    key_text = args.public_key or settings.AUDIT_PUBLIC_KEY.get()
    public_key = public_key_from_text(key_text) if key_text else signing_key().public_key()
    ledger = _ledger()
    try:
        if args.checkpoints:
            lines = Path(args.checkpoints).read_text(encoding="utf-8").splitlines()
            checkpoints = [json.loads(line) for line in lines if line.strip()]
        else:
            checkpoints = ledger.checkpoints()
        report = ledger.verify_all(checkpoints, public_key, workers=args.workers)
        recorded = _record(ledger, report, outside=bool(args.checkpoints))
    finally:
        ledger.db.close()
    for finding in report.findings:
        print(f"audit verify: {finding}", file=sys.stderr)
    if not recorded:
        print("audit verify: the outcome could not be recorded for the auditors", file=sys.stderr)
    state = "clean" if report.clean else "TAMPERED"
    print(
        f"audit verify: {state}: {report.checked} entries chained, "
        f"{report.checkpoints} checkpoints checked"
    )
    return 0 if report.clean else 1


def _record(ledger: Any, report: Any, outside: bool) -> bool:
    """Keep the outcome in `audit.verifications`, where auditors see it (GET
    /api/v1/audit/status). A ledger that cannot take it (a read-only copy) is still verified."""
    import psycopg

    from services.audit import verifications

    try:
        with ledger.db.transaction() as cur:
            verifications.record(cur, report, verifications.BY_CLI, outside_checkpoints=outside)
    except psycopg.Error:
        return False
    return True


# `wegwijs audit entries` options and the API's filters they become.
ENTRY_FILTERS = {
    "dossier": "dossier_id",
    "actor": "actor",
    "organisation": "organisation",
    "gemeente": "gemeente",
    "activity": "activity",
    "processing_activity": "processing_activity",
    "event_type": "event_type",
    "trace_id": "trace_id",
    "since": "from",
    "until": "to",
}
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class ApiError(RuntimeError):
    """The API refused a query: the problem document's title and detail."""


def _pages(url: str, token: str, path: str) -> Iterator[tuple[str, bytes]]:
    """GET `path` and each next page its `Link` header names: (content type, body) per page."""
    origin = urlsplit(url)[:2]
    while path:
        target = urljoin(url, path)
        if urlsplit(target)[:2] != origin:  # the token goes to the API it was given for only
            raise ApiError(f"the API sent the next page to another host: {target}")
        request = urllib.request.Request(target, method="GET")
        request.add_unredirected_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body, headers = response.read(), response.headers
        except urllib.error.HTTPError as exc:
            raise ApiError(_problem_text(exc.code, exc.read())) from None
        except (urllib.error.URLError, TimeoutError) as exc:
            raise ApiError(f"the API at {url} does not answer: {exc}") from None
        yield headers.get("Content-Type", ""), body
        found = _NEXT.search(headers.get("Link", ""))
        path = found.group(1) if found else ""


def _problem_text(status: int, body: bytes) -> str:
    try:
        problem = json.loads(body)
    except ValueError:
        return f"HTTP {status}"
    errors = "; ".join(f"{e.get('field')}: {e.get('detail')}" for e in problem.get("errors", []))
    text = f"HTTP {status} {problem.get('title', '')}: {problem.get('detail', '')}"
    return f"{text} ({errors})" if errors else text


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise ApiError("the API answered something that is not JSON") from None


def _token(args: argparse.Namespace) -> str:
    token = args.token or settings.TOKEN.get()
    if not token:
        raise ApiError("give the auditor's bearer token: --token TOKEN or WEGWIJS_TOKEN")
    return token


def cmd_entries(args: argparse.Namespace) -> int:
    """Every matching ledger entry, following the pages: JSON lines, or one CSV with one header."""
    query = {api: getattr(args, option) for option, api in ENTRY_FILTERS.items()}
    query = {k: v for k, v in query.items() if v}
    query["limit"] = args.page_size
    if args.format == "csv":
        query["format"] = "csv"
    path = f"/api/v1/audit/entries?{urlencode(query)}"
    try:
        for number, (_type, body) in enumerate(_pages(args.url, _token(args), path)):
            if args.format == "csv":
                lines = body.decode("utf-8").splitlines(keepends=True)
                sys.stdout.write("".join(lines if number == 0 else lines[1:]))
            else:
                for entry in _json(body)["entries"]:
                    print(json.dumps(entry, sort_keys=True, ensure_ascii=False))
    except ApiError as exc:
        print(f"audit entries: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_readers(args: argparse.Namespace) -> int:
    """Who saw this dossier: one JSON line per read."""
    path = f"/api/v1/audit/dossiers/{quote(args.dossier, safe='')}/readers"
    try:
        for _type, body in _pages(args.url, _token(args), path):
            for reader in _json(body)["readers"]:
                print(json.dumps(reader, sort_keys=True, ensure_ascii=False))
    except ApiError as exc:
        print(f"audit readers: {exc}", file=sys.stderr)
        return 2
    return 0


def _api_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--token", help="the auditor's bearer token (default: WEGWIJS_TOKEN)")
    parser.add_argument(
        "--url", default=settings.public_url(), help="the API (default: WEGWIJS_PUBLIC_URL)"
    )


def add_parsers(sub: Any) -> None:
    audit = sub.add_parser(
        "audit", help="the audit ledger: checkpoints, verification and an auditor's queries"
    )
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("checkpoint", help="sign a checkpoint now").set_defaults(
        func=cmd_checkpoint
    )
    audit_sub.add_parser(
        "checkpoints", help="export every checkpoint (JSON lines) to keep outside"
    ).set_defaults(func=cmd_checkpoints)
    audit_sub.add_parser("public-key", help="the key checkpoints are verified with").set_defaults(
        func=cmd_public_key
    )
    verify = audit_sub.add_parser(
        "verify", help="recompute the chain and the checkpoints; exit 1 on tampering"
    )
    verify.add_argument("--checkpoints", help="a file of exported checkpoints (JSON lines)")
    verify.add_argument("--public-key", help="base64 Ed25519 public key (default: settings)")
    verify.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes verifying segments between signed checkpoints in parallel (default 1)",
    )
    verify.set_defaults(func=cmd_verify)

    entries = audit_sub.add_parser(
        "entries", help="ledger entries by dossier, actor, trace, ... (JSON lines or CSV)"
    )
    entries.add_argument("--dossier", help="a dossier id")
    entries.add_argument("--actor", help="a user id")
    entries.add_argument("--organisation", help="an OIN")
    entries.add_argument("--gemeente", help="a CBS code (only gemeenten your token names)")
    entries.add_argument("--activity", help="the activity the actor gave, e.g. dossier-inzien")
    entries.add_argument(
        "--processing-activity", help="a register URI, e.g. urn:wegwijs:verwerking:registratie"
    )
    entries.add_argument("--event-type", help="e.g. nl.wegwijs.intake.dossier.geregistreerd.v1")
    entries.add_argument("--trace-id", help="one action across services (in event-time order)")
    entries.add_argument("--since", help="event time from (ISO 8601, inclusive)")
    entries.add_argument("--until", help="event time before (ISO 8601, exclusive)")
    entries.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    entries.add_argument("--page-size", type=int, default=500, help="entries per request")
    _api_options(entries)
    entries.set_defaults(func=cmd_entries)
    readers = audit_sub.add_parser("readers", help="who saw this dossier (JSON lines)")
    readers.add_argument("dossier", help="a dossier id")
    _api_options(readers)
    readers.set_defaults(func=cmd_readers)
