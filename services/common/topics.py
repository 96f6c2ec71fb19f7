"""Stored events are forever: a stored event names its class by a topic,
`<module>:<Aggregate>.<Event>`, as the class was when the event was stored. Move or rename an
aggregate class and, without more, its stored events no longer resolve: the aggregate's history
is unreadable.

So each service declares, as data, the topic of every aggregate class its stored events carry
and the class it means now (`STORED_TOPICS` beside its application), and registers them here at
import. When a class moves, its entry keeps the old topic and names the moved class; events
stored after the move carry the new topic, which resolves by itself. A topic names an aggregate,
and its events resolve through it (`Dossier.Registered` through `Dossier`).
`tests/unit/test_stored_topics.py` holds every aggregate class to an entry and shows a moved
class reading its history.

A change to what an event holds is an upcast: the event class gets a `class_version` and a
static `upcast_v<n>_v<n+1>(state)` that brings an older stored state up to date when it is read
(eventsourcing's upcasting), as `HandledCommand.Handled` does (services/gateway/access_log.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from eventsourcing.utils import register_topic


def keep_topics(stored: Mapping[str, type]) -> None:
    """Let each topic stored events carry go on meaning the class `stored` names for it."""
    for topic, cls in stored.items():
        register_topic(topic, cls)
