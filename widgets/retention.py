"""Retention: forget conversations older than the retention period, everywhere they are kept.

Kept today: Rasa's tracker store (every event of a conversation, in var/rasa/tracker.db, or in
PostgreSQL in production: widgets/tracker_store.py) and the SMS gateway's state (options
offered, languages, rate-limit counts, seen message ids). Both hold redacted text and anonymous
keys only, and both lose what is older than `retention_days`.

Run it by hand or from cron: `make purge` (python -m widgets.retention). The app also runs it
every `purge_interval_s` while it is up.
"""

import asyncio
import logging
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from widgets.settings import WebSettings, get_web_settings
from widgets.tracker_store import StoreError, delete_older_than, describe

log = logging.getLogger(__name__)
DAY_S = 86_400.0
# The SMS state's tables; each row has the time it was written in `at` (widgets/sms/state.py).
SMS_TABLES = ("options", "seen", "hits", "warned", "languages")


def purge_sms(sms_db: Path, cutoff: float) -> int:
    if not sms_db.is_file():
        return 0
    deleted = 0
    with closing(sqlite3.connect(sms_db, timeout=30)) as db, db:
        for table in SMS_TABLES:
            if _has_table(db, table):
                deleted += db.execute(f"delete from {table} where at < ?", (cutoff,)).rowcount
    return deleted


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    found = db.execute("select 1 from sqlite_master where type = 'table' and name = ?", (name,))
    return found.fetchone() is not None


def purge(settings: WebSettings, now: float | None = None) -> dict[str, int]:
    """Everything older than the retention period, gone; what was deleted, per store."""
    cutoff = (now if now is not None else time.time()) - settings.retention_days * DAY_S
    return {
        "tracker_events": delete_older_than(settings, cutoff),
        "sms_rows": purge_sms(settings.sms_db, cutoff),
    }


async def purge_every(settings: WebSettings) -> None:
    """The app's schedule: purge at start, then every purge_interval_s, until cancelled."""
    while True:
        try:
            deleted = await run_in_threadpool(purge, settings)
            if any(deleted.values()):
                log.info("Retention: deleted %s", deleted)
        except StoreError as error:
            # A busy, unreachable or damaged store must not stop the app; the next round tries
            # again.
            log.warning("Retention purge failed: %s", error)
        await asyncio.sleep(settings.purge_interval_s)


def main() -> int:
    settings = get_web_settings()
    try:
        deleted = purge(settings)
    except StoreError as error:
        print(f"Could not purge: {error}", file=sys.stderr)
        return 1
    print(
        f"Deleted what was older than {settings.retention_days:g} days: "
        f"{deleted['tracker_events']} tracker events ({describe(settings)}), "
        f"{deleted['sms_rows']} SMS state rows ({settings.sms_db})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
