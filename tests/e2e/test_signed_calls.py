"""A signed context is good for one call only: its target, its arguments, its moment, once
(issue 13, finding 2). Headers are made here the way the gateway makes them (the test holds the
gateway's key), then sent where they do not belong."""

from __future__ import annotations

import time

import pytest

from services.common import remote  # noqa: F401 - refusals arrive as Unauthenticated
from services.common.calls import sign_call, signing_key_of
from services.common.context import Actor, CommandContext
from services.common.errors import Unauthenticated
from services.common.proxies import PlatformClient
from tests.platform import eventually, extra_port, person

KLANTMANAGER = CommandContext(
    actor=Actor("km-1", "Klant Manager", ("klantmanager",), "", ("0344",)),
    activity="protocol-inzien",
)
REGIEVOERDER = CommandContext(
    actor=Actor("rv-1", "Regie Voerder", ("regievoerder",), "", ("0344",)),
    activity="registratie",
)


def _header(ctx, target, method, *args, now=None, signed_by="gateway", caller="gateway"):
    """A header signed once, for the reply key of the first client that sends it."""
    signed: list[str] = []

    def for_reply(reply_to: str) -> str:
        if not signed:
            key = signing_key_of(signed_by)
            signed.append(
                sign_call(caller, key, ctx, target, method, args, {}, now=now, reply_to=reply_to)
            )
        return signed[0]

    return for_reply


def _sending(header) -> PlatformClient:
    """A client (as the gateway's broker user) that sends `header` with every call."""
    return PlatformClient("gateway", signer=lambda *call: header(call[-1]))


def test_a_context_captured_on_a_harmless_read_is_refused_on_another_method(platform):
    dossier_id = platform.register(person("0344"))
    captured = _header(KLANTMANAGER, "consent", "protocol")
    with _sending(captured) as rpc:
        assert rpc.consent.protocol()["version"]  # where it was signed for: taken
    with _sending(captured) as rpc, pytest.raises(Unauthenticated, match="signed for"):
        rpc.intake.dossier(dossier_id)


def test_a_context_signed_for_one_dossier_is_refused_for_another(platform):
    mine, other = platform.register(person("0344")), platform.register(person("0344"))
    change = {"changes": {"given_name": "Overgenomen"}, "reason": "replay"}
    header = _header(REGIEVOERDER, "intake", "correct", mine, change)

    with _sending(header) as rpc, pytest.raises(Unauthenticated, match="arguments"):
        rpc.intake.correct(other, change)

    assert platform.get(f"/api/v1/dossiers/{other}").json()["given_name"] == "Test"


def test_a_context_is_refused_after_its_expiry(platform):
    dossier_id = platform.register(person("0344"))
    late = _header(REGIEVOERDER, "intake", "dossier", dossier_id, now=time.time() - 30)

    with _sending(late) as rpc, pytest.raises(Unauthenticated, match="expired"):
        rpc.intake.dossier(dossier_id)


def test_a_context_is_taken_once_by_all_instances_of_a_service_together(platform):
    dossier_id = platform.register(person("0344"))
    second = platform.start("intake", name="intake-replayed", port=extra_port(20))
    try:
        header = _header(REGIEVOERDER, "intake", "dossier", dossier_id)
        outcomes = []
        with _sending(header) as rpc:
            for _ in range(6):
                try:
                    outcomes.append(rpc.intake.dossier(dossier_id)["id"])
                except Unauthenticated as refused:
                    outcomes.append(str(refused))
    finally:
        platform.stop(second.name)

    assert outcomes[0] == dossier_id
    assert all("replay" in outcome for outcome in outcomes[1:]), outcomes


def test_a_context_captured_on_the_way_is_refused_from_another_connection(platform):
    """The answer goes where the caller said: a captured call sent again from elsewhere would
    have its answer (a command's stored outcome, say) delivered to whoever sent it."""
    dossier_id = platform.register(person("0344"))
    captured = _header(REGIEVOERDER, "intake", "dossier", dossier_id)
    with _sending(captured) as rpc:
        assert rpc.intake.dossier(dossier_id)["id"] == dossier_id
    with _sending(captured) as rpc, pytest.raises(Unauthenticated, match="elsewhere"):
        rpc.intake.dossier(dossier_id)


def test_a_service_cannot_sign_as_the_gateway(platform):
    dossier_id = platform.register(person("0344"))
    forged = _header(REGIEVOERDER, "intake", "dossier", dossier_id, signed_by="pip")

    with _sending(forged) as rpc, pytest.raises(Unauthenticated, match="not gateway's"):
        rpc.intake.dossier(dossier_id)


def test_a_refused_call_is_logged_without_its_arguments(platform):
    who = person("0344", given_name="Zzlogmarker")
    dossier_id = platform.register(who)
    change = {"changes": {"family_name": "Qqgeheimnaam"}, "reason": "Xxredenmarker"}
    header = _header(REGIEVOERDER, "intake", "correct", dossier_id, {"other": "body"})

    with _sending(header) as rpc, pytest.raises(Unauthenticated):
        rpc.intake.correct(dossier_id, change)

    log = platform.processes["intake"].log
    refusals = eventually(
        lambda: [line for line in log.read_text().splitlines() if "call_refused" in line],
        bool,
        what="the refusal is in intake's log",
    )
    assert any("intake.correct" in line for line in refusals)
    text = log.read_text()
    for secret in (who["bsn"], "Qqgeheimnaam", "Xxredenmarker"):
        assert secret not in text
