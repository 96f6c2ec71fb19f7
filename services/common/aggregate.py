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

    def subject(self) -> dict[str, str] | None:
        """Whom the aggregate is about (`dossier_id`, `gemeente`), recorded in the context of
        every later event, so each can be published and logged against its data subject. By
        default taken from the aggregate's own `dossier_id` and `gemeente`, when it has them."""
        dossier_id, gemeente = getattr(self, "dossier_id", None), getattr(self, "gemeente", None)
        if dossier_id is None or gemeente is None:
            return None
        return {"dossier_id": str(dossier_id), "gemeente": gemeente}

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        context = _context_now()
        if subject := self.subject():
            context["subject"] = subject
        super().trigger_event(event_class, context=context, **kwargs)
