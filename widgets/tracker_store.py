"""Deleting from Rasa's tracker store, which Rasa's HTTP API cannot do: one conversation (SMS
STOP) or everything older than the retention period.

The store is Rasa's SQLTrackerStore, on SQLite (the embedded default, var/rasa/tracker.db) or
on PostgreSQL (production, shared by every replica); stack/settings.py says which. The table
and columns are its schema: events (sender_id, timestamp, ...). Until Rasa first starts there is
no table, and nothing to delete.
"""

import sqlite3
from contextlib import closing
from typing import LiteralString

import psycopg

from stack.settings import StackSettings

# What a busy, missing or damaged store raises.
StoreError = (sqlite3.Error, psycopg.Error)


def forget_conversation(settings: StackSettings, sender_id: str) -> int:
    """Delete every event of `sender_id`; the number of rows deleted."""
    return _delete(settings, "delete from events where sender_id = %s", sender_id)


def delete_older_than(settings: StackSettings, cutoff: float) -> int:
    """Delete the events older than `cutoff` (Unix time); the number deleted."""
    return _delete(settings, "delete from events where timestamp < %s", cutoff)


def _delete(settings: StackSettings, query: LiteralString, value: str | float) -> int:
    """`query` with one %s, for the value."""
    if settings.tracker_store == "postgresql":
        with psycopg.connect(
            host=settings.postgres_host,
            port=settings.postgres_port,
            dbname=settings.postgres_db,
            user=settings.postgres_user,
            password=settings.postgres_password,
            connect_timeout=10,
        ) as db:  # commits on the way out
            table = db.execute("select to_regclass('events')").fetchone()
            if table is None or table[0] is None:
                return 0
            return db.execute(query, (value,)).rowcount
    if not settings.tracker_db.is_file():
        return 0
    with closing(sqlite3.connect(settings.tracker_db, timeout=30)) as lite, lite:
        found = lite.execute("select 1 from sqlite_master where type = 'table' and name = 'events'")
        if found.fetchone() is None:
            return 0
        return lite.execute(query.replace("%s", "?"), (value,)).rowcount


def describe(settings: StackSettings) -> str:
    """Where the tracker store is, for a person reading a log."""
    if settings.tracker_store == "postgresql":
        where = f"{settings.postgres_host}:{settings.postgres_port}/{settings.postgres_db}"
        return f"PostgreSQL {where}"
    return str(settings.tracker_db)
