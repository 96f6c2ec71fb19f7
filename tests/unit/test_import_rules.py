"""Each room knows its door: a service imports only `services.common`, `services.contracts` and
itself; `services.common` imports no service; `services.contracts` imports nothing of `services`
but itself; only `services.tools` (the command-line tools) may import every service.

Every `.py` under `services/` is parsed, not imported: `import x` and `from x import y`, relative
ones too, wherever they stand (in a function, under `if TYPE_CHECKING:`)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services"

COMMON, CONTRACTS = "services.common", "services.contracts"
DOMAIN_SERVICES = ("intake", "pip", "matching", "consent", "audit")
# What each package may import of `services`; `services.tools` may import anything.
ALLOWED: dict[str, frozenset[str]] = {
    **{f"services.{s}": frozenset({COMMON, CONTRACTS, f"services.{s}"}) for s in DOMAIN_SERVICES},
    COMMON: frozenset({COMMON, CONTRACTS}),
    CONTRACTS: frozenset({CONTRACTS}),
    "services.gateway": frozenset({COMMON, CONTRACTS, "services.gateway"}),
    # The Werkplek reaches the chain only through the gateway's HTTP API.
    "services.werkplek": frozenset({COMMON, CONTRACTS, "services.werkplek"}),
}
UNRULED = frozenset({"services.tools"})


def module_name(path: Path) -> str:
    """`services/intake/application.py` -> `services.intake.application`."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in `source`, the source of `module`, relative ones made
    absolute. `from a import b` yields `a.b` when `a` is the `services` namespace itself, so that
    `from services import pip` counts as importing `services.pip`."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            if base == "services":
                for alias in node.names:
                    yield node.lineno, f"services.{alias.name}"
            else:
                yield node.lineno, base


def top_package(name: str) -> str:
    """`services.intake.domain` -> `services.intake`; anything outside `services` -> ``."""
    parts = name.split(".")
    if parts[0] != "services":
        return ""
    return ".".join(parts[:2])


def offences(source: str, module: str, allowed: Iterable[str], is_package: bool = False):
    """`line -> module` for each import of a `services` package not in `allowed`."""
    allowed = set(allowed)
    return [
        f"{line} -> {name}"
        for line, name in sorted(imported(source, module, is_package))
        if name != "services" and top_package(name) and top_package(name) not in allowed
    ]


def files_of(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


def violations(package: str) -> list[str]:
    found = []
    for path in files_of(package):
        for offence in offences(
            path.read_text(encoding="utf-8"),
            module_name(path),
            ALLOWED[package],
            is_package=path.name == "__init__.py",
        ):
            found.append(f"{path.relative_to(ROOT)}:{offence}")
    return found


def _assert_keeps_to_its_rule(package: str) -> None:
    found = violations(package)
    allowed = ", ".join(sorted(ALLOWED[package]))
    assert not found, (
        f"{package} may import of `services` only {allowed}; it imports:\n  " + "\n  ".join(found)
    )


@pytest.mark.parametrize("service", DOMAIN_SERVICES)
def test_a_domain_service_imports_only_common_contracts_and_itself(service: str) -> None:
    _assert_keeps_to_its_rule(f"services.{service}")


def test_common_imports_no_service() -> None:
    _assert_keeps_to_its_rule(COMMON)


def test_contracts_import_nothing_of_the_services() -> None:
    _assert_keeps_to_its_rule(CONTRACTS)


def test_the_gateway_imports_only_common_contracts_and_itself() -> None:
    _assert_keeps_to_its_rule("services.gateway")


def test_every_module_of_services_is_in_a_package_with_a_rule() -> None:
    """A new package, or a tool left at the top of `services/`, would escape the rules."""
    ruled = set(ALLOWED) | UNRULED
    loose = [
        str(path.relative_to(ROOT))
        for path in SERVICES.rglob("*.py")
        if path != SERVICES / "__init__.py" and top_package(module_name(path)) not in ruled
    ]
    assert not loose, f"modules in no package with an import rule: {sorted(loose)}"


def test_the_checker_catches_a_service_that_imports_another() -> None:
    source = (
        "from __future__ import annotations\n"
        "import services.common.settings\n"
        "from services.contracts.values import CEFR\n"
        "from services.intake import domain\n"
        "from services.pip.application import Pips\n"
        "def later():\n"
        "    import services.matching.ranking\n"
        "    from services import consent\n"
        "    from .. import audit\n"
        "    from . import views\n"
    )
    found = offences(source, "services.intake.application", ALLOWED["services.intake"])
    assert found == [
        "5 -> services.pip.application",
        "7 -> services.matching.ranking",
        "8 -> services.consent",
        "9 -> services.audit",
    ], found
