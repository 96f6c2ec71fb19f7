"""Every read of a dossier's data that the API answered in this test run, by whoever read it,
appears in "who saw this dossier" as often as it happened."""

from __future__ import annotations

from collections import Counter

import psycopg
import pytest
from psycopg.rows import dict_row

from services.audit.queries import readers
from services.common import settings
from services.common.region import Region


@pytest.mark.last
def test_every_read_of_the_run_appears_in_who_saw_this_dossier(platform):
    # It checks the reads of the run so far; alone it would check nothing.
    platform.register()
    dossier_id = platform.register()
    platform.get(f"/api/v1/dossiers/{dossier_id}")
    assert platform.reads, "the test client counted no reads"

    platform.wait_ledger_complete()
    region = Region.load().codes()
    with psycopg.connect(
        settings.postgres_conninfo(platform.layout.name), row_factory=dict_row
    ) as conn:
        cur = conn.cursor()
        seen = Counter()
        for dossier in {d for d, _user in platform.reads}:
            seen.update((dossier, r["actor"]) for r in readers(cur, dossier, region))
    missing = {read: n - seen[read] for read, n in platform.reads.items() if seen[read] < n}
    assert not missing, f"reads the ledger does not show (dossier, user): times missing: {missing}"
    assert sum(platform.reads.values()) >= 3
