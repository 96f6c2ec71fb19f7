"""Signals: who may give them, who may read which, and every read recorded."""

from __future__ import annotations

import pytest

from services.common.errors import Forbidden, InvalidInput, NotFound
from services.intake.signals import SignalLog
from tests.unit.test_applications import context, guiding, stored
from tests.unit.test_intake_domain import TODAY, VALID

HEALTH_SIGNAL = {"domain": "gezondheid", "text": "Klachten na de reis; verwijzing nodig."}
HOUSING_SIGNAL = {"domain": "huisvesting", "text": "Woning heeft vochtproblemen."}
CONFIDENTIAL = {"domain": "gezin", "text": "Spanningen thuis.", "sensitivity": "vertrouwelijk"}


CONSENTED = {
    "required": True,
    "permit": True,
    "category": "gezondheid",
    "basis": "toestemming",
    "rule": "S02",
    "article": "AVG art. 9 lid 2 sub a",
    "consent_id": "c-1",
    "reason": "",
}
NOT_CONSENTED = {**CONSENTED, "permit": False, "consent_id": "", "reason": "geen toestemming"}


def consented(dossier_id, category):
    """Consent's answer when the person's consent to the gemeente covers the category."""
    return CONSENTED


def _given(intake, dossier_id):
    intake.give_signal(context("huisarts"), dossier_id, HEALTH_SIGNAL, None, consented)
    intake.give_signal(context("begeleider"), dossier_id, HOUSING_SIGNAL, guiding)
    intake.give_signal(context("maatschappelijk-werker"), dossier_id, CONFIDENTIAL)


def test_a_volunteer_never_reads_a_health_or_confidential_signal(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _given(intake, dossier_id)

    seen = intake.signals(context("begeleider"), dossier_id, guiding)

    assert [s["domain"] for s in seen["signals"]] == ["huisvesting"]
    assert seen["withheld"] == 2


def test_the_regievoerder_reads_every_signal_with_its_author(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _given(intake, dossier_id)

    seen = intake.signals(context(), dossier_id)["signals"]

    assert [(s["author_role"], s["domain"]) for s in seen] == [
        ("huisarts", "gezondheid"),
        ("begeleider", "huisvesting"),
        ("maatschappelijk-werker", "gezin"),
    ]
    assert seen[0]["author"] == "u-huisarts"


def test_a_klantmanager_reads_no_health_signal(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _given(intake, dossier_id)
    domains = [s["domain"] for s in intake.signals(context("klantmanager"), dossier_id)["signals"]]
    assert domains == ["huisvesting"]


def test_every_read_is_recorded_with_the_reader_and_what_was_withheld(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    _given(intake, dossier_id)
    intake.signals(context("begeleider"), dossier_id, guiding)
    intake.signals(context(), dossier_id)

    reads = stored(intake, "SignalLog.SignalsRead")
    assert [(r.reader, r.shown, r.withheld) for r in reads] == [
        ("u-begeleider", 1, 2),
        ("u-regievoerder", 3, 0),
    ]
    assert all(r.context["activity"] == "signalen-inzien" for r in reads)


def test_a_coa_employee_gives_signals_but_reads_none(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    intake.give_signal(context("coa-medewerker"), dossier_id, HOUSING_SIGNAL)
    with pytest.raises(Forbidden):
        intake.signals(context("coa-medewerker"), dossier_id)


def test_signals_about_another_gemeentes_dossier_are_refused_as_not_found(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    with pytest.raises(NotFound):
        intake.give_signal(context("huisarts", "0356"), dossier_id, HOUSING_SIGNAL)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"domain": "vrije-tijd", "text": "x"}, "domain"),
        ({"domain": "gezin", "text": ""}, "text"),
        ({**HOUSING_SIGNAL, "sensitivity": "geheim"}, "sensitivity"),
    ],
)
def test_an_invalid_signal_names_its_field_and_stores_nothing(intake, body, field):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        intake.give_signal(context("huisarts"), dossier_id, body)
    assert [e["field"] for e in refused.value.errors] == [field]
    assert not any(
        n.topic.endswith(SignalLog.SignalGiven.__qualname__)
        for n in intake.notification_log.select(start=1, limit=10)
    )


def test_a_health_signal_without_the_persons_consent_is_refused_naming_consent(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    asked = []

    def not_consented(dossier, category):
        asked.append(category)
        return NOT_CONSENTED

    for bases in (not_consented, None):  # without a way to ask consent: refused too
        with pytest.raises(InvalidInput) as refused:
            intake.give_signal(context("huisarts"), dossier_id, HEALTH_SIGNAL, None, bases)
        assert [e["field"] for e in refused.value.errors] == ["consent"]
    assert asked == ["gezondheid"]
    assert not stored(intake, "SignalLog.SignalGiven")


def test_a_health_signal_keeps_its_basis_and_the_ledger_names_it(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)

    given = intake.give_signal(context("huisarts"), dossier_id, HEALTH_SIGNAL, None, consented)

    assert given["basis"]["consent_id"] == "c-1" and given["basis"]["rule"] == "S02"
    [event] = stored(intake, "SignalLog.SignalGiven")
    assert event.basis["consent_id"] == "c-1"
    assert event.context["legal_basis"].startswith("gezondheid: ja (S02, toestemming c-1)")
    assert intake.signals(context(), dossier_id)["signals"][0]["basis"]["rule"] == "S02"


def test_a_signal_about_anything_else_asks_no_consent(intake):
    dossier_id = intake.register(context(), VALID, today=TODAY)

    def unasked(dossier, category):
        raise AssertionError("consent was asked")

    given = intake.give_signal(context("huisarts"), dossier_id, HOUSING_SIGNAL, None, unasked)

    assert given["basis"] is None
