"""Which secrets each process needs, whether they are fit for use, and a development set.

Outside development a process refuses to start when a secret it needs is empty, still at its
published default or too short, and says which (`refuse_unfit`). `wegwijs up` writes a file of
fresh secrets for development (`write_development_env`), which the `wegwijs` command reads for
what the environment does not set (`load_env_file`).
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from services.common import settings
from services.common.settings import ADMIN, PROCESSES, Setting

log = logging.getLogger(__name__)

# Secrets some processes need besides their own broker password, database password and call key.
_OWN_SECRETS: dict[str, tuple[Setting, ...]] = {
    "gateway": (settings.JWT_SECRET,),
    "intake": (settings.BSN_INDEX_KEY,),
    "audit": (settings.AUDIT_SIGNING_KEY,),
}
_KEYS = frozenset({settings.AUDIT_SIGNING_KEY.name, *(s.name for s in settings.CALL_KEYS.values())})


class UnfitSecrets(SystemExit):
    """A process that may not start: the secrets it names are unfit for use."""


def needed_by(identity: str) -> tuple[Setting, ...]:
    """The secrets a process (or the administrator running migrate) cannot do without."""
    if identity == ADMIN:
        return (
            settings.PG_ADMIN_PASSWORD,
            *settings.AMQP_PASSWORDS.values(),
            *settings.PG_PASSWORDS.values(),
        )
    return (
        settings.AMQP_PASSWORDS[identity],
        settings.PG_PASSWORDS[identity],
        settings.CALL_KEYS[identity],
        *(s for s in _OWN_SECRETS.get(identity, ()) if s in _needed_here()),
    )


def _needed_here() -> set[Setting]:
    """Own secrets as this environment needs them: the key of the development tokens only in
    development (elsewhere the gateway takes only its OpenID Connect provider's tokens)."""
    every = {s for secrets_ in _OWN_SECRETS.values() for s in secrets_}
    return every if settings.is_development() else every - {settings.JWT_SECRET}


def problems(identity: str) -> list[str]:
    """What is wrong with the secrets `identity` needs, one sentence each, naming the setting."""
    found = []
    for setting in needed_by(identity):
        value = setting.get()
        if not value:
            found.append(f"{setting.name} is empty")
        elif setting.default and value == setting.default:
            found.append(f"{setting.name} is the published development default")
        elif len(value) < setting.min_length:
            found.append(f"{setting.name} is shorter than {setting.min_length} characters")
        elif setting.name in _KEYS and not _is_ed25519_seed(value):
            found.append(f"{setting.name} is not a 32-byte key in base64")
    if identity != ADMIN and not settings.CALL_PUBLIC_KEYS.get():
        found.append(f"{settings.CALL_PUBLIC_KEYS.name} is empty")
    return found


def refuse_unfit(identity: str) -> None:
    """Outside development: stop, naming each unfit secret. In development: log them."""
    found = problems(identity)
    if not found:
        return
    if settings.is_development():
        log.warning("development_secrets_in_use", extra={"problems": found})
        return
    raise UnfitSecrets(
        f"wegwijs {identity}: refusing to start outside development: " + "; ".join(found)
    )


def _is_ed25519_seed(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == 32
    except ValueError:
        return False


def masked(setting: Setting) -> str:
    """How `wegwijs settings` shows a value: a secret never in clear."""
    value = setting.get()
    if not setting.secret:
        return repr(value)
    return f"<secret, {len(value)} characters>" if value else "<secret, not set>"


def new_signing_key() -> str:
    """A fresh Ed25519 private key: 32 random bytes, base64."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def public_key_of(private_key: str) -> str:
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_key))
    return base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def development_secrets() -> dict[str, str]:
    """A complete set of fresh secrets for a development or test platform."""
    values = {
        settings.ENVIRONMENT.name: "development",
        settings.JWT_SECRET.name: secrets.token_urlsafe(48),
        settings.OIDC_CLIENT_SECRET.name: secrets.token_urlsafe(48),
        settings.BSN_INDEX_KEY.name: secrets.token_urlsafe(48),
        settings.AUDIT_SIGNING_KEY.name: new_signing_key(),
        # Ignored by a PostgreSQL that trusts local connections; the compose file's needs it.
        settings.PG_ADMIN_PASSWORD.name: secrets.token_urlsafe(24),
    }
    public = []
    for process in PROCESSES:
        values[settings.AMQP_PASSWORDS[process].name] = secrets.token_urlsafe(24)
        values[settings.PG_PASSWORDS[process].name] = secrets.token_urlsafe(24)
        key = values[settings.CALL_KEYS[process].name] = new_signing_key()
        public.append(f"{process}:{public_key_of(key)}")
    values[settings.CALL_PUBLIC_KEYS.name] = ",".join(public)
    return values


def write_development_env(path: Path) -> bool:
    """Write fresh development secrets to `path` (mode 0600) unless it exists; True if written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{k}={v}\n" for k, v in development_secrets().items())
    header = "# Development secrets of this checkout, made by `wegwijs up`. Never commit them.\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(header + body)
    return True


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def load_env_file() -> None:
    """Take the settings of WEGWIJS_ENV_FILE that the environment does not set."""
    name = settings.ENV_FILE.get()
    path = Path(name) if name else None
    if path is None or not path.is_file():
        return
    for key, value in read_env_file(path).items():
        os.environ.setdefault(key, value)


def only_own_secrets(env: dict[str, str], identity: str) -> dict[str, str]:
    """`env` without the secrets of other processes and of the administrator: a process is
    given only what it needs."""
    own = {s.name for s in needed_by(identity)}
    foreign = {
        s.name
        for s in (
            settings.PG_ADMIN_PASSWORD,
            *settings.AMQP_PASSWORDS.values(),
            *settings.PG_PASSWORDS.values(),
            *settings.CALL_KEYS.values(),
            *(s for secrets_ in _OWN_SECRETS.values() for s in secrets_),
        )
    } - own
    return {k: v for k, v in env.items() if k not in foreign}
