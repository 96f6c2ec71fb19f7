"""Published events and the API description match contracts/, and nothing personal leaks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from services.common import settings
from services.common.aggregate import ChainAggregate
from services.common.envelope import to_cloudevent
from services.consent import decisions as consent_decisions
from services.consent import feeds as consent_feeds
from services.consent import partners as consent_partners
from services.consent import protocol as consent_protocol
from services.consent import records as consent_records
from services.consent import relations as consent_relations
from services.consent.events import PUBLICATIONS as CONSENT
from services.contracts.categories import Categories
from services.gateway import access_log as gateway_access_log
from services.gateway.access_log import PUBLICATIONS as GATEWAY
from services.gateway.openapi import openapi_document
from services.intake import brede_intake, household_checklist, signals, views
from services.intake import domain as intake_domain
from services.intake.events import PUBLICATIONS as INTAKE
from services.matching import domain as matching_domain
from services.matching.application import CONSUMED as MATCHING_CONSUMED
from services.matching.events import PUBLICATIONS as MATCHING
from services.pip import domain as pip_domain
from services.pip import handhaving as pip_handhaving
from services.pip.application import CONSUMED as PIP_CONSUMED
from services.pip.events import PUBLICATIONS as PIP
from tests.unit.test_applications import _registration_cloudevent, context
from tests.unit.test_intake_domain import TODAY, VALID

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
EVENTS = CONTRACTS / "events"


def _schemas() -> Registry:
    """Every event schema, known by its `$id` (as Ajv knows them too)."""
    resources = [
        Resource.from_contents(json.loads(path.read_text())) for path in EVENTS.glob("*.json")
    ]
    return Registry().with_resources((r.contents["$id"], r) for r in resources)


def _validate(event: dict) -> None:
    schema = json.loads((EVENTS / f"{event['type']}.json").read_text())
    validator = jsonschema.Draft202012Validator(
        schema, registry=_schemas(), format_checker=jsonschema.FormatChecker()
    )
    validator.validate(event)


def _domain_event_classes(*modules) -> set[type]:
    found = set()
    for value in (v for module in modules for v in vars(module).values()):
        if (
            isinstance(value, type)
            and issubclass(value, ChainAggregate)
            and value is not ChainAggregate
        ):
            for name, attribute in vars(value).items():
                # Each aggregate has its own abstract `Event` and `Created` bases; skip them.
                if name in ("Event", "Created"):
                    continue
                if isinstance(attribute, type) and issubclass(attribute, ChainAggregate.Event):
                    found.add(attribute)
    return found


@pytest.mark.parametrize(
    ("modules", "publications"),
    [
        ((intake_domain, brede_intake, signals, views, household_checklist), INTAKE),
        ((pip_domain, pip_handhaving), PIP),
        (
            (
                consent_records,
                consent_protocol,
                consent_partners,
                consent_decisions,
                consent_feeds,
                consent_relations,
            ),
            CONSENT,
        ),
        ((gateway_access_log,), GATEWAY),
        ((matching_domain,), MATCHING),
    ],
    ids=["intake", "pip", "consent", "gateway", "matching"],
)
def test_every_domain_event_class_is_published_under_a_type_with_a_schema(modules, publications):
    classes = _domain_event_classes(*modules)
    assert classes, "no domain events found: the test would prove nothing"
    assert classes == set(publications)
    for publication in publications.values():
        assert (EVENTS / f"{publication.type}.json").exists(), publication.type


def test_every_consumed_type_is_in_contracts():
    consumed = [*PIP_CONSUMED, *(t for types in MATCHING_CONSUMED.values() for t in types)]
    for event_type in consumed:
        assert (EVENTS / f"{event_type}.json").exists(), event_type


def test_published_events_validate_against_their_schemas_and_carry_no_personal_data(intake, pips):
    dossier_id = intake.register(context(), VALID, today=TODAY)
    pips.process("intake", [_registration_cloudevent(intake)])
    published = []
    for app, service, publications in ((intake, "intake", INTAKE), (pips, "pip", PIP)):
        for n in app.notification_log.select(start=1, limit=10):
            published.append(
                to_cloudevent(service, publications, n.id, app.mapper.to_domain_event(n), n.state)
            )
    assert len(published) == 4  # registered, claimed, the household's checklist; pip's draft
    for event in published:
        _validate(event)
        assert event["subject"] == str(dossier_id)
        text = json.dumps(event)
        for personal in ("bsn", "v_nummer", "given_name", "family_name", "birth_date"):
            assert VALID[personal].strip() not in text, (event["type"], personal)


def test_a_schema_refuses_an_event_with_a_bsn_in_its_data(intake):
    intake.register(context(), VALID, today=TODAY)
    event = _registration_cloudevent(intake)
    event["data"]["bsn"] = VALID["bsn"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(event)


def test_the_envelope_models_take_what_the_platform_publishes_and_refuse_the_rest(intake):
    import pydantic

    from services.common.topology import PUBLISHES
    from services.contracts.events.envelope import ORIGINS, CloudEvent, PartnerCloudEvent

    assert set(PUBLISHES) <= set(ORIGINS)
    intake.register(context(), VALID, today=TODAY)
    event = _registration_cloudevent(intake)
    CloudEvent.model_validate_json(json.dumps(event))
    for wrong in ({"colour": "rood"}, {"subject": None}, {"origin": "elders"}, {"sequence": "1"}):
        with pytest.raises(pydantic.ValidationError):
            CloudEvent.model_validate_json(json.dumps({**event, **wrong}))
    delivery = {k: event[k] for k in ("type", "time", "subject")} | {"event_id": event["id"]}
    sent = consent_feeds.partner_cloudevent("0" * 20, delivery, {"dossier_id": event["subject"]})
    PartnerCloudEvent.model_validate_json(json.dumps(sent))
    with pytest.raises(pydantic.ValidationError):
        PartnerCloudEvent.model_validate_json(json.dumps({**sent, "origin": "intake"}))


def test_contracts_openapi_json_is_the_document_the_gateway_serves():
    stored = json.loads((CONTRACTS / "openapi.json").read_text())
    assert stored == openapi_document(), "regenerate: wegwijs contracts"


def test_every_api_error_response_is_a_problem_document():
    document = openapi_document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if (status.startswith(("4", "5")) and status != "503") or (
                    status == "503" and path != "/health"
                ):
                    assert response == {"$ref": "#/components/responses/Problem"}, (
                        path,
                        method,
                        status,
                    )


def test_every_setting_is_declared_once_with_help_and_a_wegwijs_name():
    names = [s.name for s in settings.declared()]
    assert len(names) == len(set(names))
    for setting in settings.declared():
        assert setting.name.startswith("WEGWIJS_")
        assert len(setting.help) > 10, setting.name


def test_brede_intake_events_validate_and_never_carry_health_or_history(intake):
    from tests.unit.test_brede_intake import CIRCUMSTANCES, EDUCATION, LBT

    dossier_id = intake.register(context(), VALID, today=TODAY)
    intake.record_leerbaarheidstoets(context(), dossier_id, LBT, today=TODAY)
    intake.add_education(context(), dossier_id, EDUCATION)
    intake.add_work(
        context(), dossier_id, {"country": "Eritrea", "occupation": "Kapper", "years": 4}
    )
    intake.record_personal_circumstances(context(), dossier_id, CIRCUMSTANCES)
    intake.complete_intake(context(), dossier_id, today=TODAY)
    intake.choose_route(
        context(), dossier_id, {"route": "z", "reason": "Analfabeet in eigen taal."}
    )

    published = [
        to_cloudevent("intake", INTAKE, n.id, intake.mapper.to_domain_event(n), n.state)
        for n in intake.notification_log.select(start=4, limit=10)  # after the registration
    ]
    assert len(published) == 7  # started, lbt, education, work, circumstances, completed, route
    for event in published:
        _validate(event)
        assert event["subject"] == str(dossier_id)
        assert event["gemeente"] == "0344"
        text = json.dumps(event)
        for private in (*CIRCUMSTANCES.values(), "Kapper", "Analfabeet"):
            assert private not in text, (event["type"], private)


def _pip_lifecycles(pips) -> list[str]:
    """Two dossiers whose PIPs between them store every kind of pip event; returns their ids."""
    from datetime import date

    from tests.pip_fixtures import goal, intake_event
    from tests.unit.test_pip_plan import TODAY, _afschalen, _dossier, _established, log_nt2
    from tests.unit.test_pip_progress import _breach

    lived = _established(pips, decided_on=date(2026, 11, 20))
    goals = pips.pip(context(), lived)["plan"]["goals"]
    pips.record_goal_progress(
        context(), lived, goals[0]["id"], {"status": "bezig", "note": "Geheime notitie"}
    )
    pips.record_module_hours(
        context(), lived, "nt2", {"hours": 6, "on": "2026-11-26", "note": "Les 1"}
    )
    log_nt2(pips, lived, 614)
    pips.revise(context(), lived, _afschalen(620), today=TODAY)
    _breach(pips, lived)
    _breach(pips, lived)
    culpable = {"culpable": True, "circumstances": "Bleef weg zonder bericht."}
    warning = {"take": True, "reason": "Eerste keer.", "culpability": culpable}
    pips.decide_measure(context(), lived, 1, warning)  # and its letter is issued
    pips.monitor(lived, date(2029, 11, 10))
    pips.monitor(lived, date(2029, 11, 21))
    nieuwegein = _referred_participatiewet_measure(pips)

    draft = _dossier(pips)
    pips.process(
        "intake",
        [
            intake_event(
                "nl.wegwijs.intake.route.gekozen.v1",
                {"dossier_id": draft, "route": "z", "advised": "b1", "differs": True},
            ),
            intake_event(
                "nl.wegwijs.intake.praktische-zaak.geopend.v1",
                {"dossier_id": draft, "item": "schulden-aanpakken"},
            ),
            intake_event(
                "nl.wegwijs.intake.signaal.gegeven.v1",
                {"dossier_id": draft, "domain": "gezin", "author_role": "huisarts"},
            ),
            intake_event(
                "nl.wegwijs.intake.dossier.gecorrigeerd.v1",
                {
                    "dossier_id": draft,
                    "fields": ["duo_notice_date"],
                    "duo_notice_date": "2026-09-02",
                },
            ),
        ],
    )
    pips.monitor(draft, date(2026, 11, 10))
    pips.request_extension(
        context(),
        draft,
        {"awaited": "Geheim rapport", "from_party": "GGD", "requested_on": "2026-11-20"},
        today=TODAY,
    )
    pips.information_arrived(context(), draft, {"arrived_on": "2026-11-21"}, today=TODAY)
    pips.monitor(draft, date(2026, 12, 6))
    added = pips.add_goal(context(), draft, goal(date(2026, 11, 20), "werk"))
    goal_id = added["plan"]["goals"][0]["id"]
    pips.change_goal(context(), draft, goal_id, {"description": "Doel op iets geheims."})
    pips.remove_goal(context(), draft, goal_id)
    moved = {"dossier_id": lived, "from_gemeente": "0344", "to_gemeente": "0356"}
    pips.process(
        "intake",
        [
            intake_event(
                "nl.wegwijs.intake.dossier.verhuisd.v1",
                {**moved, "moved_on": "2029-11-22"},
                gemeente="0356",
            )
        ],
    )
    return [lived, draft, nieuwegein]


def _referred_participatiewet_measure(pips):
    """A PIP in Nieuwegein, whose ladder makes a Participatiewet measure due on the second
    breach: the regievoerder refers it and the klantmanager records their decision."""
    from datetime import date

    from tests.unit.test_pip_plan import TODAY, _dossier, _ready
    from tests.unit.test_pip_progress import _breach

    regie = context("regievoerder", "0356")
    dossier_id = _dossier(pips, gemeente="0356")
    _ready(pips, dossier_id, date(2026, 11, 20), gemeente="0356")
    pips.establish(regie, dossier_id, {"decided_on": "2026-11-20"}, today=TODAY)
    _breach(pips, dossier_id, "0356")
    _breach(pips, dossier_id, "0356")
    referral = {"take": False, "reason": "Eerste keer.", "refer_to_klantmanager": True}
    pips.decide_measure(regie, dossier_id, 2, referral)
    decision = {"lowered": False, "decided_on": "2026-11-28", "reason": "Eerste keer."}
    pips.record_participatiewet_decision(context("klantmanager", "0356"), dossier_id, 2, decision)
    return dossier_id


def test_every_pip_event_validates_and_leaves_the_words_in_pip(pips):
    dossiers = _pip_lifecycles(pips)

    published = [
        to_cloudevent("pip", PIP, n.id, pips.mapper.to_domain_event(n), n.state)
        for n in pips.recorder.select_notifications(start=1, limit=200)
    ]
    assert {e["type"] for e in published} == {p.type for p in PIP.values()}
    for event in published:
        _validate(event)
        assert event["subject"] in dossiers and event["gemeente"] in ("0344", "0356")
        text = json.dumps(event)
        for words in ("Geheim", "Doel op", "Drie weken afwezig", "Eerste keer", "Les 1"):
            assert words not in text, (event["type"], words)


def test_every_field_of_every_integration_event_has_a_data_category():
    categories = Categories.load()
    known = set(categories.labels)
    schemas = [json.loads(p.read_text()) for p in EVENTS.glob("nl.wegwijs.*.json")]
    assert {s["properties"]["type"]["const"] for s in schemas} == set(categories.events)
    for schema in schemas:
        event_type = schema["properties"]["type"]["const"]
        data = schema["properties"]["data"]
        fields = set(data.get("properties", {}))
        if "allOf" in data:  # a goal outline: its fields come from the shared definition
            fields |= set(
                json.loads((EVENTS / "pip-plan.v1.json").read_text())["$defs"]["goal"]["properties"]
            )
        mapped = categories.of_event(event_type)
        assert set(mapped.fields) == fields, event_type
        for spec in (mapped.event, *mapped.fields.values()):
            assert _named(spec) <= known, (event_type, spec)


def _named(spec) -> set[str]:
    """The categories a field's or event's spec can give."""
    if isinstance(spec, str):
        return {spec}
    values = spec.get("by_value") or spec.get("each_by_value")
    return {spec["default"], *values.values(), *([spec["absent"]] if "absent" in spec else [])}


def test_consent_events_validate_and_never_carry_the_grantors_name_or_the_evidence(consent):
    from tests.unit.test_consent import _admin, _ask, _consent, _dossier

    consent.adopt_protocol()
    consent.register_partner(
        _admin(),
        {
            "oin": "00000003000000000001",
            "name": "VWN",
            "kind": "maatschappelijke-begeleiding",
            "gemeenten": ["0344"],
        },
    )
    dossier_id = _dossier(consent)
    given = consent.give_consent(
        context(),
        dossier_id,
        _consent(grantor={"kind": "wettelijk-vertegenwoordiger", "name": "Geheime Voogd"}),
    )
    consent.change_consent(
        context(), dossier_id, given["id"], {"valid_until": "2027-06-01", "reason": "Korter."}
    )
    _ask(consent, dossier_id, categories=("gezondheid", "pip"))
    consent.withdraw_consent(context(), dossier_id, given["id"], {"reason": "Geheime reden"})

    published = [
        to_cloudevent("consent", CONSENT, n.id, consent.mapper.to_domain_event(n), n.state)
        for n in consent.recorder.select_notifications(start=1, limit=100)
    ]
    assert len({e["type"] for e in published}) >= 9
    for event in published:
        _validate(event)
        for words in ("Geheime", "Formulier T-2026-114", "Korter"):
            assert words not in json.dumps(event), (event["type"], words)


def test_gateway_command_events_validate_with_and_without_a_dossier():
    """A command the API answered is published with the time its request came in; one refused
    before any dossier existed has no subject."""
    from services.gateway.access_log import AccessLogs

    logs = AccessLogs.in_memory()
    dossier_id = "7c1f9e52-1c2a-4a8e-9a54-2f0b7d1f3c11"
    logs.record_command(
        context(), "POST", "/api/v1/dossiers", 201, "2026-11-29T09:00:00.000001+00:00",
        dossier_id=dossier_id, gemeente="0344",
    )  # fmt: skip
    logs.record_command(context(), "POST", "/api/v1/dossiers", 422, "2026-11-29T09:01:00+00:00")
    made, refused = [
        to_cloudevent("gateway", GATEWAY, n.id, logs.mapper.to_domain_event(n), n.state)
        for n in logs.notification_log.select(start=1, limit=10)
    ]
    for event in (made, refused):
        _validate(event)
    assert made["time"] == "2026-11-29T09:00:00.000001+00:00"
    assert made["subject"] == dossier_id and made["gemeente"] == "0344"
    assert made["data"]["result"] == "uitgevoerd"
    assert "subject" not in refused and refused["data"] == {
        "method": "POST", "route": "/api/v1/dossiers", "status": 422, "result": "geweigerd"
    }  # fmt: skip


def test_every_gateway_route_is_in_the_openapi_document():
    import re

    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

    from services.gateway.service import GatewayService

    documented = {
        (method.upper(), path)
        for path, operations in openapi_document()["paths"].items()
        for method in operations
    }
    routes = set()
    for name in dir(GatewayService):
        for entrypoint in getattr(getattr(GatewayService, name), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if not hasattr(entrypoint, "url"):
                continue  # an RPC entrypoint (the access log's notifications)
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", entrypoint.url)
            routes.add((entrypoint.method, path))
    assert routes, "no routes found: the test would prove nothing"
    assert routes - documented == set()


def test_contracts_asyncapi_json_is_the_partner_feed_document_and_names_real_types():
    from services.consent.asyncapi import asyncapi_document

    stored = json.loads((CONTRACTS / "asyncapi.json").read_text())
    assert stored == asyncapi_document(), "regenerate: wegwijs asyncapi > contracts/asyncapi.json"
    assert stored["asyncapi"] == "3.0.0"
    messages = stored["channels"]["partnerFeed"]["messages"]
    operation = stored["operations"]["receiveFeed"]
    assert len(operation["messages"]) == len(messages)
    schemas = stored["components"]["schemas"]
    for message in messages.values():
        assert message["payload"]["$ref"].removeprefix("#/components/schemas/") in schemas
        if message["name"] != "nl.wegwijs.partnerfeed.toestemming-beeindigd.v1":
            assert (EVENTS / f"{message['name']}.json").exists(), message["name"]
    shared = {m["name"] for m in messages.values()}
    assert "nl.wegwijs.pip.doel.toegevoegd.v1" in shared
    assert "nl.wegwijs.intake.dossier.ingezien.v1" not in shared, "intern never goes to partners"


def test_every_event_type_belongs_to_exactly_one_processing_activity():
    import re

    from services.audit.register import ProcessingRegister

    register = ProcessingRegister.load()
    types = {
        json.loads(p.read_text())["properties"]["type"]["const"]
        for p in EVENTS.glob("nl.wegwijs.*.json")
    }
    by_type = register.by_type()
    assert types - set(by_type) == set(), "event types in no processing activity"
    assert {t: a for t, a in by_type.items() if len(a) != 1} == {}, "in more than one activity"
    assert set(by_type) <= types, "the register names event types that do not exist"
    categories = set(Categories.load().labels)
    for activity in register.activities:
        assert activity.id.startswith("urn:wegwijs:verwerking:"), activity.id
        assert set(activity.data_categories) <= categories, activity.slug
        assert re.fullmatch(r"P\d+[YMD]", activity.retention), activity.slug
        assert activity.purpose and activity.legal_basis, activity.slug
