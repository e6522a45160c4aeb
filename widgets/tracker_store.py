"""Forgetting a conversation in Rasa's tracker store (SMS STOP), which Rasa's HTTP API cannot do.

Only for the embedded SQLite store that `make run` configures; the table and column are Rasa's
SQLTrackerStore schema (events.sender_id).
"""

import sqlite3
from contextlib import closing
from pathlib import Path


def forget_conversation(tracker_db: Path, sender_id: str) -> int:
    """Delete every event of `sender_id`; the number of rows deleted."""
    if not tracker_db.is_file():
        return 0
    with closing(sqlite3.connect(tracker_db, timeout=10)) as db, db:
        return db.execute("delete from events where sender_id = ?", (sender_id,)).rowcount
