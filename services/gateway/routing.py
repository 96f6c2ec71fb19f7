"""The gateway as a route table: one `Route` per operation says everything about it (method,
path, request and answer model, roles, activity, what the read puts in the access log, the
service call), and one handler in service.py carries out every route the same way:
authenticate, authorise, validate, call, log the read or the command, answer.

The OpenAPI document is made from the same table (openapi.py), so what is published and what
is done cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from services.common.access import Action
from services.gateway.access_log import THEIRS

Reads = list[tuple[str, str, Iterable[str]]]


@dataclass(frozen=True)
class Read:
    """What answering a read puts in the access log: under `endpoint`, about the dossier of the
    path, of the gemeente the answer names (or the dossier's own), with `categories` (fixed, or
    found in the answer). `each` instead lists several dossiers found in the answer."""

    endpoint: str
    categories: Iterable[str] | Callable[[Any], Iterable[str]] = ()
    gemeente_from_answer: bool = True
    each: Callable[[Any], Reads] | None = None
    # Only when the answer holds something (an empty audit query reads nobody).
    when: Callable[[Any], bool] | None = None

    def reads(self, dossier_id: str, answer: Any) -> Reads:
        if self.each is not None:
            return self.each(answer)
        if self.when is not None and not self.when(answer):
            return []
        categories = self.categories(answer) if callable(self.categories) else self.categories
        gemeente = answer.get("gemeente", THEIRS) if self.gemeente_from_answer else THEIRS
        return [(dossier_id, gemeente, list(categories))]


@dataclass(frozen=True)
class Call:
    """What the handler has in hand when it calls the service."""

    gateway: Any
    request: Any
    ctx: Any
    path: Mapping[str, Any]
    query: BaseModel | None
    body: Any

    def invoke(self, target: str, *args: Any) -> Any:
        """Call `service.method` as the gateway calls every service (timeout, errors)."""
        service, method = target.split(".")
        return self.gateway._call(getattr(getattr(self.gateway, service), method), *args)


@dataclass(frozen=True)
class Route:
    """One operation of the API.

    `call` is `"service.method"`, called with the path's values in order, then the query's
    fields in order, then the body; or a function of a `Call` for what needs more. `render`
    turns the answer into the HTTP response where it is not JSON with `status`."""

    method: str
    path: str  # as OpenAPI writes it: /api/v1/dossiers/{dossier_id}
    operation: str  # operationId, camelCase
    summary: str
    action: Action
    activity: str
    call: str | Callable[[Call], Any]
    body: type[BaseModel] | None = None
    answer: type[BaseModel] | None = None
    status: int = 200
    answer_description: str = ""
    errors: tuple[int, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)  # path parameter: type
    query: type[BaseModel] | None = None
    read: Read | None = None
    # A command about a dossier its path does not name: (dossier id, gemeente) of it, or None
    # while it is not known; asked before the call (answer None) and after it.
    subject: Callable[[Any, Any], tuple[str, str]] | None = None
    location: Callable[[Any], str] | None = None
    render: Callable[[Call, Any], Any] | None = None
    media: Mapping[str, Any] | None = None  # non-JSON answers: media type -> schema
    description: str = ""
    # OpenAPI links from the answer to other operations: name -> (operationId, parameters).
    links: Mapping[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)
    public: bool = False

    @property
    def name(self) -> str:
        """The method name the gateway's entrypoint gets: the operationId in snake_case."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.operation).lower()

    @property
    def path_names(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def rule(self) -> str:
        """The path as werkzeug routes it."""

        def converter(match: re.Match[str]) -> str:
            name = match.group(1)
            kind = self.params.get(name, str)
            if kind is int:
                return f"<int:{name}>"
            if kind == "path":
                return f"<path:{name}>"
            return f"<string:{name}>"

        return re.sub(r"{(\w+)}", converter, self.path)
