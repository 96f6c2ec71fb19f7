"""Base aggregate of the chain: every event it triggers records the actor context."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from services.common.context import current_context


class MissingActorContext(RuntimeError):
    """An event was triggered outside `acting(ctx)`: nobody would be accountable for it."""


def _context_now() -> dict[str, Any]:
    ctx = current_context()
    if ctx is None:
        raise MissingActorContext("domain events can only be triggered inside acting(ctx)")
    return ctx.as_dict()


class ChainAggregate(Aggregate):
    """An aggregate whose every stored event carries who, why and the correlation id."""

    class Event(Aggregate.Event):
        context: dict[str, Any]

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _create(cls, event_class: type[Any], *, id: Any = None, **kwargs: Any) -> Any:
        return super()._create(event_class, id=id, context=_context_now(), **kwargs)

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        super().trigger_event(event_class, context=_context_now(), **kwargs)
