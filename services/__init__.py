"""Wegwijs: the civic-integration chain as event-sourced services.

nameko runs on eventlet. psycopg 3 must wait for the server through ``select`` so that eventlet can
switch greenthreads while a query runs; the C wait function would stall the whole hub. The variable
is read once, when psycopg is first imported, so it is set here, before any service module imports
psycopg. In a process eventlet has patched, `services.common.pgwait` then replaces that wait by a
cheaper one that parks on the hub directly.
"""

import os

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
