"""Prometheus metrics of every service, declared once (Prometheus naming, few label values)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

ENTRYPOINT_LATENCY = Histogram(
    "wegwijs_entrypoint_latency_seconds",
    "Time a nameko entrypoint (RPC, HTTP, consumer, timer) took, by outcome.",
    ["service", "entrypoint", "outcome"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_STORED = Counter(
    "wegwijs_events_stored_total", "Domain events committed to the event store.", ["service"]
)
EVENTS_PUBLISHED = Counter(
    "wegwijs_events_published_total",
    "Integration events confirmed by RabbitMQ (a republish after a fault counts again).",
    ["service"],
)
EVENTS_CONSUMED = Counter(
    "wegwijs_events_consumed_total",
    "Events from another service applied (each once in effect).",
    ["service", "origin"],
)
EVENTS_DUPLICATE = Counter(
    "wegwijs_events_duplicate_total",
    "Deliveries recognised as already applied and ignored.",
    ["service", "origin"],
)
OUTBOX_LAG = Gauge(
    "wegwijs_outbox_lag_events",
    "Stored events not yet confirmed by RabbitMQ.",
    ["service"],
)
CONSUMER_LAG = Gauge(
    "wegwijs_consumer_lag_events",
    "Events of an origin known to exist but not yet applied.",
    ["service", "origin"],
)

PROJECTION_QUARANTINED = Counter(
    "wegwijs_projection_quarantined_total",
    "Stored events a read model could not take and set aside in <schema>.projection_quarantine"
    " (the read model goes on without them).",
    ["service", "projection"],
)


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
