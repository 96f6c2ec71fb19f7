"""The one field-validation toolkit: a request's shape is checked by its published model
(services/contracts), the same at the gateway and in the service that carries it out, and each
wrong field is named in one way (`field_errors`: a path such as `grantor/kind`, and what is
accepted). A service then checks only what the contract cannot say (what is recorded, today's
date, the protocol in force)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from services.common.errors import InvalidInput
from services.contracts.base import field_errors

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Any) -> M:
    """`data` (JSON as parsed) as `model` takes it, or InvalidInput naming each wrong field.
    Read as JSON, so a date is text written YYYY-MM-DD and a number is never text."""
    try:
        return model.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        raise InvalidInput(field_errors(exc)) from None
    except (TypeError, ValueError):  # not JSON at all: no caller of the API sends this
        raise InvalidInput([{"field": "", "detail": "the body must be JSON"}]) from None
