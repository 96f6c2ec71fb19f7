"""`wegwijs audit ...`: sign a checkpoint, export the checkpoints, and verify the ledger against
them. Run on the database directly, so it works when no service does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from services.common import settings


def _ledger() -> Any:
    from services.audit.ledger import Ledger
    from services.common.db import Database

    return Ledger(Database().open())


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
        report = ledger.verify_all(checkpoints, public_key)
    finally:
        ledger.db.close()
    for finding in report.findings:
        print(f"audit verify: {finding}", file=sys.stderr)
    state = "clean" if report.clean else "TAMPERED"
    print(
        f"audit verify: {state}: {report.checked} entries chained, "
        f"{report.checkpoints} checkpoints checked"
    )
    return 0 if report.clean else 1


def add_parsers(sub: Any) -> None:
    audit = sub.add_parser("audit", help="the audit ledger: checkpoints and verification")
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
    verify.set_defaults(func=cmd_verify)
