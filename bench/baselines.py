"""Baselines, each in this plain process (no eventlet, psycopg's own C wait): what PostgreSQL,
eventsourcing and RabbitMQ do alone on this machine. Prints one JSON object."""

from __future__ import annotations

import json
import sys
import time
import uuid

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from kombu import Connection, Exchange, Producer, Queue

SECONDS = 3.0


class Thing(Aggregate):
    @event("Made")
    def __init__(self, name: str):
        self.name = name


def _rate(operation) -> dict[str, float]:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        operation(done)
        done += 1
    elapsed = time.perf_counter() - started
    return {
        "operations": done,
        "seconds": round(elapsed, 3),
        "per_second": round(done / elapsed, 1),
    }


def eventsourcing_save(dbname: str) -> dict[str, float]:
    """`save` of two new aggregates in one transaction: a registration's worth of storing."""
    with psycopg.connect(f"host=127.0.0.1 dbname={dbname} user=postgres", autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS bench_baseline")
    app = Application(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": "5432",
            "POSTGRES_USER": "postgres",
            "POSTGRES_PASSWORD": "",
            "POSTGRES_SCHEMA": "bench_baseline",
        }
    )
    try:
        return _rate(lambda i: app.save(Thing(name=str(i)), Thing(name=f"claim-{i}")))
    finally:
        app.close()


def psycopg_insert(dbname: str) -> dict[str, float]:
    with psycopg.connect(f"host=127.0.0.1 dbname={dbname} user=postgres", autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS bench_baseline")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_baseline.rows (id uuid PRIMARY KEY, body text)"
        )
        return _rate(
            lambda i: conn.execute(
                "INSERT INTO bench_baseline.rows VALUES (%s, %s)", (uuid.uuid4(), f"row {i}")
            )
        )


def kombu_confirmed_publish(amqp_uri: str) -> dict[str, float]:
    exchange = Exchange("bench.baseline", type="direct", durable=True)
    queue = Queue("bench.baseline", exchange=exchange, routing_key="b", durable=True)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        queue(channel).declare()
        producer = Producer(channel, exchange=exchange, serializer="json")
        try:
            return _rate(
                lambda i: producer.publish({"i": i}, routing_key="b", delivery_mode=2, retry=False)
            )
        finally:
            queue(channel).delete()


def main() -> None:
    dbname, amqp_uri = sys.argv[1], sys.argv[2]
    print(
        json.dumps(
            {
                "eventsourcing_save": eventsourcing_save(dbname),
                "psycopg_insert": psycopg_insert(dbname),
                "kombu_confirmed_publish": kombu_confirmed_publish(amqp_uri),
            }
        )
    )


if __name__ == "__main__":
    main()
