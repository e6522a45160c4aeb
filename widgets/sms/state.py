"""What the gateway remembers about a phone number, without ever keeping the number.

A conversation is keyed by an HMAC of the number with a secret from settings: the same number
always finds its conversation, and nobody who reads the database (or Rasa's tracker store, where
the key is the sender id) can tell whose it is. Held in SQLite beside the rest of var/.
"""

import hashlib
import hmac
import json
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from widgets.ids import SMS_PREFIX

SCHEMA = """
create table if not exists options (key text primary key, options text not null, at real);
create table if not exists seen (id text primary key, at real not null);
create table if not exists hits (key text not null, at real not null);
create index if not exists hits_key on hits (key, at);
create table if not exists warned (key text primary key, at real not null);
create table if not exists languages (key text primary key, language text not null, at real);
"""


def number_key(number: str, secret: str) -> str:
    """The conversation key of a phone number: digits only, so "+45 12 34 56 78" and
    "4512345678" are one person."""
    digits = "".join(ch for ch in number if ch.isdigit())
    # The prefix keeps SMS conversations out of the web's id space (widgets/ids.py).
    return SMS_PREFIX + hmac.new(secret.encode(), digits.encode(), hashlib.sha256).hexdigest()[:40]


@dataclass
class Option:
    title: str
    payload: str


class SmsState:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._made = False

    def _db(self) -> sqlite3.Connection:
        # The file and its tables are made on first use, not on every message.
        if not self._made:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=10)) as db:
                db.executescript(SCHEMA)
            self._made = True
        return sqlite3.connect(self.path, timeout=10)

    def remember_options(self, key: str, options: list[Option]) -> None:
        data = json.dumps([[o.title, o.payload] for o in options])
        with closing(self._db()) as db, db:
            db.execute(
                "insert or replace into options (key, options, at) values (?, ?, ?)",
                (key, data, time.time()),
            )

    def options(self, key: str) -> list[Option]:
        with closing(self._db()) as db:
            row = db.execute("select options from options where key = ?", (key,)).fetchone()
        return [Option(t, p) for t, p in json.loads(row[0])] if row else []

    def remember_language(self, key: str, language: str) -> None:
        with closing(self._db()) as db, db:
            db.execute(
                "insert or replace into languages (key, language, at) values (?, ?, ?)",
                (key, language, time.time()),
            )

    def language(self, key: str) -> str | None:
        with closing(self._db()) as db:
            row = db.execute("select language from languages where key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def first_time(self, provider: str, message_id: str) -> bool:
        """True the first time a provider's message id is seen; a redelivery gets False."""
        if not message_id:
            return True
        digest = hashlib.sha256(f"{provider}:{message_id}".encode()).hexdigest()
        with closing(self._db()) as db, db:
            done = db.execute(
                "insert or ignore into seen (id, at) values (?, ?)", (digest, time.time())
            )
            return done.rowcount == 1

    def allow(self, key: str, limit: int, window_s: float, now: float | None = None) -> str:
        """ "ok" under the limit; over it, "warn" the first time (one polite reply), then
        "silent" until the window has passed."""
        now = now if now is not None else time.time()
        with closing(self._db()) as db, db:
            db.execute("delete from hits where at < ?", (now - window_s,))
            db.execute("delete from warned where at < ?", (now - window_s,))
            count = db.execute("select count(*) from hits where key = ?", (key,)).fetchone()[0]
            if count < limit:
                db.execute("insert into hits (key, at) values (?, ?)", (key, now))
                return "ok"
            if db.execute("select 1 from warned where key = ?", (key,)).fetchone():
                return "silent"
            db.execute("insert into warned (key, at) values (?, ?)", (key, now))
            return "warn"

    def forget(self, key: str) -> None:
        with closing(self._db()) as db, db:
            for table in ("options", "hits", "warned", "languages"):
                db.execute(f"delete from {table} where key = ?", (key,))
