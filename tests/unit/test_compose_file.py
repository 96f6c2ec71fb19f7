"""The development stack in docker-compose.yml is valid Compose and wires the platform correctly.

infra/compose-spec.schema.json is the official Compose Specification JSON schema, vendored
verbatim from the GitHub repository compose-spec/compose-spec, path schema/compose-spec.json
(commit 00655e2222608fa6eaecdf12ac5195889ca2244a). To refresh it, copy that file over the
vendored one unchanged.

These tests need no Docker engine: they read the files only.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from jsonschema import (
    Draft4Validator,
    Draft6Validator,
    Draft7Validator,
    Draft201909Validator,
    Draft202012Validator,
)
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = ROOT / "infra" / "compose-spec.schema.json"
PROMETHEUS_FILE = ROOT / "infra" / "prometheus.yml"
DOCKERFILE = ROOT / "infra" / "Dockerfile"

# Every Wegwijs service and the port of its HTTP endpoint (/health and /metrics).
SERVICE_PORTS = {
    "intake": 8101,
    "pip": 8102,
    "matching": 8103,
    "consent": 8104,
    "audit": 8105,
    "gateway": 8000,
}
INFRASTRUCTURE = ("rabbitmq", "postgres", "prometheus")
ONE_SHOT_JOBS = ("migrate", "demo", "broker-definitions")
HOST_PORTS = {
    "gateway": 8000,
    "werkplek": 8080,
    "oidc": 8090,
    "rabbitmq": 15672,
    "prometheus": 9090,
}


def _meta_schema_key(uri: str) -> str:
    """A meta-schema URI without scheme and trailing '#', so http/https spellings compare equal."""
    parts = urlsplit(uri)
    return parts.netloc + parts.path.rstrip("/")


def _validator_class_for(schema: dict[str, Any]) -> type[Validator]:
    declared = _meta_schema_key(schema["$schema"])
    for candidate in (
        Draft4Validator,
        Draft6Validator,
        Draft7Validator,
        Draft201909Validator,
        Draft202012Validator,
    ):
        meta = candidate.META_SCHEMA
        if _meta_schema_key(meta.get("$id", meta.get("id", ""))) == declared:
            return candidate
    raise AssertionError(f"no jsonschema validator implements $schema {schema['$schema']!r}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Validator:
    validator_class = _validator_class_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _schema_errors(validator: Validator, document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def _dependencies(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """depends_on in long form; the short list form carries no condition at all."""
    depends_on = service.get("depends_on", {})
    if isinstance(depends_on, list):
        return {name: {} for name in depends_on}
    return depends_on


def _long_running(services: dict[str, dict[str, Any]]) -> list[str]:
    return [name for name in services if name not in ONE_SHOT_JOBS]


def test_the_vendored_schema_is_the_compose_specification_in_draft_7(
    schema: dict[str, Any],
) -> None:
    assert schema.get("title") == "Compose Specification", "not the Compose Specification schema"
    assert _validator_class_for(schema) is Draft7Validator, (
        f"the Compose Specification schema declares $schema {schema['$schema']!r}, expected draft 7"
    )


def test_the_compose_file_conforms_to_the_compose_specification(
    validator: Validator, compose: dict[str, Any]
) -> None:
    errors = _schema_errors(validator, compose)
    assert not errors, (
        "docker-compose.yml does not follow the Compose Specification:\n  "
        + "\n  ".join(errors)
        + f"\nmost relevant: {best_match(validator.iter_errors(compose)).message}"
    )


def test_the_compose_file_says_at_the_top_that_it_is_for_development() -> None:
    first_line = COMPOSE_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("#") and "development" in first_line.lower(), (
        f"the first line of docker-compose.yml should say it is for development: {first_line!r}"
    )


def test_every_platform_service_job_and_piece_of_infrastructure_is_defined(
    services: dict[str, dict[str, Any]],
) -> None:
    expected = [*SERVICE_PORTS, "migrate", *INFRASTRUCTURE]
    missing = [name for name in expected if name not in services]
    assert not missing, f"docker-compose.yml lacks the services {missing}"


def test_every_long_running_container_has_a_healthcheck(
    services: dict[str, dict[str, Any]],
) -> None:
    without = [
        name
        for name in _long_running(services)
        if not services[name].get("healthcheck", {}).get("test")
        or services[name]["healthcheck"].get("disable") in (True, "true")
    ]
    assert not without, f"long-running services without an enabled healthcheck: {without}"


def test_one_shot_jobs_are_not_restarted_after_they_exit(
    services: dict[str, dict[str, Any]],
) -> None:
    restarting = [
        name for name in ONE_SHOT_JOBS if services.get(name, {}).get("restart", "no") != "no"
    ]
    assert not restarting, f"one-shot jobs must use restart 'no', but {restarting} do not"


def test_each_wegwijs_service_healthcheck_probes_health_on_its_own_port(
    services: dict[str, dict[str, Any]],
) -> None:
    wrong = {}
    for name, port in SERVICE_PORTS.items():
        probe = " ".join(services[name]["healthcheck"]["test"])
        if f"127.0.0.1:{port}/health" not in probe:
            wrong[name] = probe
    assert not wrong, f"healthchecks that do not probe the service's own /health: {wrong}"


def test_each_wegwijs_service_listens_on_all_interfaces_at_its_own_port(
    services: dict[str, dict[str, Any]],
) -> None:
    wrong = {}
    for name, port in SERVICE_PORTS.items():
        setting = "WEGWIJS_GATEWAY_ADDRESS" if name == "gateway" else "WEGWIJS_HTTP_ADDRESS"
        address = _environment(services[name]).get(setting)
        if address != f"0.0.0.0:{port}":
            wrong[name] = f"{setting}={address!r}"
    assert not wrong, f"services not listening on 0.0.0.0 at their own port: {wrong}"


def test_wegwijs_containers_share_one_environment_that_points_at_the_compose_hosts(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in [*SERVICE_PORTS, "migrate"]:
        environment = _environment(services[name])
        assert environment.get("WEGWIJS_AMQP_URI") == "amqp://rabbitmq:5672/wegwijs", (
            f"{name} does not reach the platform's vhost at rabbitmq:5672: {environment}"
        )
        assert environment.get("WEGWIJS_PG_HOST") == "postgres", (
            f"{name} does not reach PostgreSQL at host postgres: {environment}"
        )
        assert environment.get("WEGWIJS_PG_DBNAME") == "wegwijs", f"{name}: wrong database"
        assert services[name].get("env_file") == [".secrets/development.env"], (
            f"{name} does not take its secrets from the secrets file"
        )


def test_the_compose_file_holds_no_secret() -> None:
    """Every secret comes from the secrets file of the checkout, none is written here: a secret
    is at most taken from it by name (`${NAME:?...}`, as the provider takes only its own)."""
    from services.common import settings

    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for setting in settings.declared():
        if setting.secret:
            for value in re.findall(rf"^\s*{setting.name}:(.*)$", text, re.MULTILINE):
                from_secrets_file = rf"\s*\$\{{{setting.name}:\?[^}}]*\}}\s*"
                assert re.fullmatch(from_secrets_file, value), f"{setting.name} is set here"
            assert not setting.default or setting.default not in text, setting.name
    assert "wegwijs-dev" not in text and "guest" not in text


def test_every_wegwijs_service_waits_for_healthy_rabbitmq_and_postgres(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in SERVICE_PORTS:
        dependencies = _dependencies(services[name])
        for infrastructure in ("rabbitmq", "postgres"):
            assert infrastructure in dependencies, f"{name} does not depend on {infrastructure}"


def test_every_dependency_on_rabbitmq_or_postgres_waits_until_it_is_healthy(
    services: dict[str, dict[str, Any]],
) -> None:
    wrong = {
        f"{name} -> {target}": dependency.get("condition")
        for name, service in services.items()
        for target, dependency in _dependencies(service).items()
        if target in ("rabbitmq", "postgres") and dependency.get("condition") != "service_healthy"
    }
    assert not wrong, f"dependencies on rabbitmq/postgres without service_healthy: {wrong}"


def test_every_wegwijs_service_starts_only_after_migrate_completed_successfully(
    services: dict[str, dict[str, Any]],
) -> None:
    wrong = {
        name: _dependencies(services[name]).get("migrate", {}).get("condition")
        for name in SERVICE_PORTS
        if _dependencies(services[name]).get("migrate", {}).get("condition")
        != "service_completed_successfully"
    }
    assert not wrong, f"services not waiting for migrate to complete successfully: {wrong}"


def test_migrate_waits_for_a_healthy_postgres(services: dict[str, dict[str, Any]]) -> None:
    migrate = services["migrate"]
    assert migrate.get("command") == ["wegwijs", "migrate"], migrate.get("command")
    condition = _dependencies(migrate).get("postgres", {}).get("condition")
    assert condition == "service_healthy", f"migrate waits for postgres with {condition!r}"


def test_every_service_healthy_condition_points_at_a_container_with_a_healthcheck(
    services: dict[str, dict[str, Any]],
) -> None:
    dangling = [
        f"{name} -> {target}"
        for name, service in services.items()
        for target, dependency in _dependencies(service).items()
        if dependency.get("condition") == "service_healthy"
        and not services.get(target, {}).get("healthcheck")
    ]
    assert not dangling, f"service_healthy on containers without a healthcheck: {dangling}"


def test_the_gateway_is_healthy_only_after_every_other_service_is(
    services: dict[str, dict[str, Any]],
) -> None:
    dependencies = _dependencies(services["gateway"])
    wrong = [
        name
        for name in SERVICE_PORTS
        if name != "gateway" and dependencies.get(name, {}).get("condition") != "service_healthy"
    ]
    assert not wrong, f"the gateway does not wait for these services to be healthy: {wrong}"


def test_the_demo_loads_only_once_the_gateway_is_healthy(
    services: dict[str, dict[str, Any]],
) -> None:
    demo = services["demo"]
    assert demo.get("command") == ["wegwijs", "demo"], demo.get("command")
    condition = _dependencies(demo).get("gateway", {}).get("condition")
    assert condition == "service_healthy", f"demo waits for the gateway with {condition!r}"


def test_every_wegwijs_container_is_built_from_the_shared_dockerfile_and_runs_its_own_command(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in [*SERVICE_PORTS, *ONE_SHOT_JOBS]:
        build = services[name].get("build")
        assert isinstance(build, dict) and build.get("dockerfile") == "infra/Dockerfile", (
            f"{name} is not built from infra/Dockerfile: {build!r}"
        )
        assert build.get("context") == ".", f"{name} must build from the repository root"
    for name in SERVICE_PORTS:
        command = services[name].get("command")
        assert command == ["wegwijs", "run", name], f"{name} runs {command!r}"


def test_the_gateway_rabbitmq_management_and_prometheus_are_published_on_the_host(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, port in HOST_PORTS.items():
        published = [str(mapping) for mapping in services[name].get("ports", [])]
        assert f"{port}:{port}" in published, f"{name} does not publish {port}: {published}"


def test_rabbitmq_comes_with_the_management_plugin_and_postgres_is_15_or_16(
    services: dict[str, dict[str, Any]],
) -> None:
    rabbitmq_image = services["rabbitmq"]["image"]
    assert rabbitmq_image.startswith("rabbitmq:") and "management" in rabbitmq_image, (
        f"RabbitMQ image without the management plugin: {rabbitmq_image}"
    )
    postgres_image = services["postgres"]["image"]
    assert postgres_image.split(":")[1].split(".")[0].split("-")[0] in ("15", "16"), (
        f"PostgreSQL image is not version 15 or 16: {postgres_image}"
    )


def test_prometheus_is_given_the_scrape_configuration_from_infra(
    services: dict[str, dict[str, Any]],
) -> None:
    volumes = [str(volume) for volume in services["prometheus"].get("volumes", [])]
    assert any(volume.startswith("./infra/prometheus.yml:") for volume in volumes), (
        f"prometheus does not mount infra/prometheus.yml: {volumes}"
    )


def test_prometheus_scrapes_the_metrics_of_every_wegwijs_service() -> None:
    config = yaml.safe_load(PROMETHEUS_FILE.read_text(encoding="utf-8"))
    scraped = {
        (target, job.get("metrics_path", "/metrics"))
        for job in config["scrape_configs"]
        for static in job.get("static_configs", [])
        for target in static.get("targets", [])
    }
    missing = [
        f"{name}:{port}/metrics"
        for name, port in SERVICE_PORTS.items()
        if (f"{name}:{port}", "/metrics") not in scraped
    ]
    assert not missing, f"infra/prometheus.yml does not scrape {missing}; it scrapes {scraped}"


def test_the_image_is_python_3_11_slim_and_runs_the_gateway_by_default() -> None:
    instructions = [
        line.strip()
        for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    stages = [line for line in instructions if line.startswith("FROM ")]
    # The Node.js stages (the CSS, the development provider) come first; the image is the last.
    assert stages[-1] == "FROM python:3.11-slim", stages
    assert any("pip install -r requirements.lock" in line for line in instructions)
    assert any("pip install --no-deps ." in line for line in instructions)
    assert instructions[-1] == 'CMD ["wegwijs", "run", "gateway"]', instructions[-1]


def _misspell_a_depends_on_condition(compose: dict[str, Any]) -> str:
    compose["services"]["gateway"]["depends_on"]["rabbitmq"]["condition"] = "service_heathy"
    return "gateway"


def _give_healthcheck_retries_the_wrong_type(compose: dict[str, Any]) -> str:
    compose["services"]["intake"]["healthcheck"]["retries"] = ["three"]
    return "intake"


def _misspell_the_healthcheck_key(compose: dict[str, Any]) -> str:
    postgres = compose["services"]["postgres"]
    postgres["healtcheck"] = postgres.pop("healthcheck")
    return "postgres"


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(_misspell_a_depends_on_condition, id="misspelled-depends-on-condition"),
        pytest.param(_give_healthcheck_retries_the_wrong_type, id="healthcheck-retries-a-list"),
        pytest.param(_misspell_the_healthcheck_key, id="misspelled-healthcheck-key"),
    ],
)
def test_a_compose_file_with_a_mistake_fails_validation_at_the_broken_service(
    validator: Validator,
    compose: dict[str, Any],
    break_it: Callable[[dict[str, Any]], str],
) -> None:
    assert validator.is_valid(compose), "precondition: the real compose file must be valid"
    broken = copy.deepcopy(compose)
    service = break_it(broken)
    errors = list(validator.iter_errors(broken))
    assert errors, f"the schema accepted a compose file with a broken {service} service"
    assert any(tuple(error.absolute_path)[:2] == ("services", service) for error in errors), (
        f"errors do not point at services/{service}: {_schema_errors(validator, broken)}"
    )


def test_the_werkplek_and_the_provider_run_in_the_stack_with_one_issuer_for_everyone(
    services: dict[str, dict[str, Any]],
) -> None:
    """The browser, the Werkplek and the gateway must see the same issuer URL: a token's `iss`
    is compared with it. The provider's network alias makes its browser-facing name
    (*.localhost resolves to the host in browsers) resolve inside the stack too."""
    shared = services["gateway"]["environment"]["WEGWIJS_OIDC_ISSUER"]
    provider = services["oidc"]
    assert provider["environment"]["WEGWIJS_OIDC_ISSUER"] == shared
    assert services["werkplek"]["environment"]["WEGWIJS_OIDC_ISSUER"] == shared
    issuer_host = urlsplit(shared).hostname
    assert issuer_host in provider["networks"]["default"]["aliases"]
    assert issuer_host == "localhost" or issuer_host.endswith(".localhost")
    assert provider["build"]["target"] == "oidc"
    assert services["werkplek"]["command"] == ["wegwijs", "run", "werkplek"]
    assert services["werkplek"]["environment"]["WEGWIJS_GATEWAY_ADDRESS"] == "gateway:8000"
    callback = services["werkplek"]["environment"]["WEGWIJS_WERKPLEK_URL"]
    assert provider["environment"]["WEGWIJS_WERKPLEK_URL"] == callback
