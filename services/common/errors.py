"""Errors that cross service boundaries.

`services.common.remote` registers them with nameko, so that an RPC caller gets the same exception
class back, with its arguments, and the gateway can turn each into an RFC 9457 problem document.
"""

from __future__ import annotations


class ChainError(Exception):
    """Base of the errors a caller can cause and can be told about."""

    status = 400
    title = "Bad request"
    slug = "ongeldig-verzoek"  # the problem type: urn:wegwijs:probleem:<slug>


class InvalidInput(ChainError):
    """One or more fields are wrong; `errors` names each field and what is accepted."""

    status = 422
    title = "Invalid input"
    slug = "ongeldige-invoer"

    def __init__(self, errors: list[dict[str, str]]):
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return "; ".join(f"{e['field']}: {e['detail']}" for e in self.errors)


class NotFound(ChainError):
    """The thing does not exist, or the actor may not know that it does."""

    status = 404
    title = "Not found"
    slug = "niet-gevonden"


class Forbidden(ChainError):
    """The actor's role does not allow this action."""

    status = 403
    title = "Forbidden"
    slug = "geen-toegang"


class Unauthenticated(ChainError):
    """The call carries no valid actor context."""

    status = 401
    title = "Unauthenticated"
    slug = "niet-aangemeld"


class Conflict(ChainError):
    """The command contradicts what is already recorded."""

    status = 409
    title = "Conflict"
    slug = "conflict"


class AlreadyRegistered(Conflict):
    """The person has a dossier already, and the caller may see it: `dossier_id` names it, so a
    client can carry on with that dossier."""

    def __init__(self, message: str, dossier_id: str):
        super().__init__(message, dossier_id)
        self.dossier_id = dossier_id

    def __str__(self) -> str:
        return str(self.args[0])


class Contention(Conflict):
    """What a command changes was changed by others each time it tried: nothing was done, and
    the same command may be sent again."""


class GivenUp(Conflict):
    """The command was given up, after its answer got lost, and never takes effect: send it
    again (with the same Idempotency-Key, as a new attempt)."""


class Unavailable(ChainError):
    """Something the answer depends on is down for now; nothing was done. Try again later."""

    status = 503
    title = "Service unavailable"
    slug = "dienst-onbereikbaar"


EXPECTED = (
    InvalidInput,
    NotFound,
    Forbidden,
    Unauthenticated,
    AlreadyRegistered,
    Contention,
    GivenUp,
    Conflict,
    Unavailable,
)


def field_error(field: str, detail: str) -> dict[str, str]:
    return {"field": field, "detail": detail}
