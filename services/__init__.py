"""Wegwijs: the civic-integration chain as event-sourced services.

nameko runs on eventlet. psycopg 3 must wait for the server through ``select`` so that eventlet can
switch greenthreads while a query runs; the C wait function would stall the whole hub. The variable
is read once, when psycopg is first imported, so it is set here, before any service module imports
psycopg.
"""

import os

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
