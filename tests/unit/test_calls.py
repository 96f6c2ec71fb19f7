"""Signed calls: a context is taken for the one call it was signed for, by its own caller."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.common.calls import RefusedCall, sign_call, verify_call
from services.common.context import system_context
from tests.unit.test_applications import context

KEYS = {name: Ed25519PrivateKey.generate() for name in ("gateway", "intake", "audit")}
PUBLIC = {name: key.public_key() for name, key in KEYS.items()}
DOSSIER = "3f1c2b8e-0d4a-4b6e-9c1f-2a3b4c5d6e7f"


def _signed(caller="gateway", target="intake", method="dossier", args=(DOSSIER,), **kw):
    key = kw.pop("key", KEYS[caller])
    ctx = kw.pop("ctx", context())
    return sign_call(caller, key, ctx, target, method, args, {}, **kw)


def _verify(header, service="intake", method="dossier", args=(DOSSIER,), now=None):
    return verify_call(header, service, method, args, {}, PUBLIC, now=now)


def test_a_call_signed_by_its_caller_for_its_target_and_arguments_is_taken():
    verified = _verify(_signed())

    assert verified.caller == "gateway"
    assert verified.context == context()
    assert len(verified.nonce) == 32


@pytest.mark.parametrize(
    ("header", "method", "args", "reason"),
    [
        (
            lambda: _signed(target="consent", method="protocol", args=()),
            "dossier",
            (DOSSIER,),
            "signed for",
        ),
        (lambda: _signed(), "correct", (DOSSIER,), "signed for"),
        (lambda: _signed(), "dossier", ("another-dossier",), "arguments"),
        (lambda: _signed(now=time.time() - 60), "dossier", (DOSSIER,), "expired"),
        (lambda: _signed(now=time.time() + 60), "dossier", (DOSSIER,), "times"),
        (lambda: _signed(key=KEYS["intake"]), "dossier", (DOSSIER,), "not gateway's"),
        (lambda: _signed(caller="intake"), "dossier", (DOSSIER,), "may not call"),
        (lambda: "", "dossier", (DOSSIER,), "no signed context"),
        (lambda: "bm9uc2Vuc2U.AAAA", "dossier", (DOSSIER,), "known caller"),
    ],
    ids=[
        "other-method-and-service",
        "other-method",
        "other-arguments",
        "expired",
        "issued-in-the-future",
        "another-key",
        "a-call-the-caller-may-not-make",
        "no-header",
        "garbage",
    ],
)
def test_a_context_that_does_not_hold_for_this_call_is_refused(header, method, args, reason):
    with pytest.raises(RefusedCall, match=reason):
        _verify(header(), method=method, args=args)


def test_a_process_may_act_as_a_system_only_as_itself():
    own = _signed(
        caller="audit",
        method="notifications",
        args=(1, 10),
        ctx=system_context("audit", "replicatie"),
    )
    assert _verify(own, method="notifications", args=(1, 10)).caller == "audit"

    posing = _signed(
        caller="audit",
        method="notifications",
        args=(1, 10),
        ctx=system_context("gateway", "replicatie"),
    )
    with pytest.raises(RefusedCall, match="as itself"):
        _verify(posing, method="notifications", args=(1, 10))


def test_the_gateway_never_reaches_a_notification_log():
    header = _signed(method="notifications", args=(1, 10))
    with pytest.raises(RefusedCall, match="may not call"):
        _verify(header, method="notifications", args=(1, 10))


def test_a_call_is_taken_only_when_its_answer_goes_where_the_caller_signed():
    header = _signed(reply_to="reply.gateway.1")

    assert verify_call(
        header, "intake", "dossier", (DOSSIER,), {}, PUBLIC, reply_to="reply.gateway.1"
    )
    with pytest.raises(RefusedCall, match="elsewhere"):
        verify_call(header, "intake", "dossier", (DOSSIER,), {}, PUBLIC, reply_to="reply.other.2")
