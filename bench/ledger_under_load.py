"""`ledger_backlog.under_load` alone, on a platform of the test layout's own
(WEGWIJS_TEST_LAYOUT, fresh database and vhost): `.venv/bin/python -m bench.ledger_under_load`.
Prints one JSON object. `make bench` runs the same on its own platform (bench/run.py)."""

from bench import run  # noqa: F401 - eventlet's monkey-patching first, as in bench/run.py
from bench.ledger_backlog import main_under_load

if __name__ == "__main__":
    main_under_load()
