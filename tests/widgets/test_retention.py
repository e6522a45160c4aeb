"""Retention on real stores: Rasa's tracker store as the running stack writes it (SQLite) and as
Rasa writes it to a real PostgreSQL, and the SMS state as the gateway writes it."""

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stack.conversation import send
from stack.settings import PROJECT_DIR, StackSettings
from stack.supervisor import Supervisor
from tests.services import Postgres
from widgets.app import create_app
from widgets.retention import DAY_S, purge, purge_sms
from widgets.settings import WebSettings
from widgets.sms.state import Option, SmsState
from widgets.tracker_store import forget_conversation


def rows(db: Path, query: str, *args: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(query, args).fetchall()


@pytest.mark.stack
def test_old_conversations_go_and_new_ones_stay(running_stack: Supervisor) -> None:
    settings = running_stack.settings
    send(settings.rasa_url, "retention-old-0001", "jeg har gæld", {"kommune": "nyborg"})
    send(settings.rasa_url, "retention-new-0001", "jeg har gæld", {"kommune": "nyborg"})
    tracker = settings.tracker_db
    # The first conversation happened 31 days ago, as far as the store can tell.
    with closing(sqlite3.connect(tracker)) as db, db:
        db.execute(
            "update events set timestamp = timestamp - ? where sender_id = ?",
            (31 * DAY_S, "retention-old-0001"),
        )
    count = "select count(*) from events where sender_id = ?"
    assert rows(tracker, count, "retention-old-0001")[0][0] > 0
    new_before = rows(tracker, count, "retention-new-0001")[0][0]

    deleted = purge(WebSettings(var_dir=settings.var_dir, retention_days=30))

    assert rows(tracker, count, "retention-old-0001")[0][0] == 0
    assert rows(tracker, count, "retention-new-0001")[0][0] == new_before > 0
    assert deleted["tracker_events"] > 0


def test_make_purge_runs_from_the_command_line(tmp_path: Path) -> None:
    # As cron runs it: a process of its own, settings from the environment.
    state = SmsState(tmp_path / "sms" / "state.db")
    state.remember_language("key", "en")
    done = subprocess.run(
        [sys.executable, "-m", "widgets.retention"],
        env={"ALLEDORE_VAR_DIR": str(tmp_path), "ALLEDORE_RETENTION_DAYS": "0", "PATH": ""},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "older than 0 days: 0 tracker events" in done.stdout
    assert "1 SMS state rows" in done.stdout
    assert state.language("key") is None


def test_old_sms_state_goes_and_new_stays(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    state = SmsState(path)
    state.remember_options("old", [Option("Bolig", "/x")])
    state.remember_language("old", "en")
    state.first_time("twilio", "SM-old")
    with closing(sqlite3.connect(path)) as db, db:
        for table in ("options", "languages", "seen"):
            db.execute(f"update {table} set at = at - ?", (40 * DAY_S,))
    state.remember_options("new", [Option("Gæld", "/y")])
    state.remember_language("new", "da")

    deleted = purge_sms(path, time.time() - 30 * DAY_S)

    assert deleted == 3
    assert state.options("old") == [] and state.language("old") is None
    assert state.options("new") == [Option("Gæld", "/y")] and state.language("new") == "da"
    assert state.first_time("twilio", "SM-old")  # forgotten, so it would be new again


def test_nothing_to_purge_when_nothing_was_kept(tmp_path: Path) -> None:
    assert purge(WebSettings(var_dir=tmp_path)) == {"tracker_events": 0, "sms_rows": 0}


# Rasa's own SQLTrackerStore, in Rasa's environment, makes its table in PostgreSQL and keeps two
# conversations there: one from 40 days ago, one from now (three events each).
RASA_WRITES = """
import asyncio, sys, time
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

host, port, db, user, password = sys.argv[1:6]
store = SQLTrackerStore(
    dialect="postgresql", host=host, port=port, db=db, username=user, password=password
)
for sender, age_days in (("retention-old-0001", 40), ("retention-new-0001", 0)):
    at = time.time() - age_days * 86400
    events = [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered("jeg har gæld", {"name": "oekonomi"}, timestamp=at),
        BotUttered("Her er hjælp", timestamp=at),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
"""


def test_make_purge_and_sms_stop_forget_on_postgresql(postgres: Postgres, tmp_path: Path) -> None:
    db = postgres.database("retention")
    rasa_python = StackSettings().rasa_venv / "bin" / "python"
    arguments = [db.host, str(db.port), db.db, db.user, db.password]
    quiet = {"RASA_TELEMETRY_ENABLED": "false", "PATH": os.environ["PATH"]}
    subprocess.run([rasa_python, "-c", RASA_WRITES, *arguments], env=quiet, check=True)

    def events(sender: str) -> int:
        with db.connect() as connection:
            query = "select count(*) from events where sender_id = %s"
            found = connection.execute(query, (sender,)).fetchone()
        assert found is not None
        return int(found[0])

    assert (events("retention-old-0001"), events("retention-new-0001")) == (3, 3)
    # As cron runs it in production: a process of its own, the store from the environment.
    env = {f"ALLEDORE_{key.upper()}": str(value) for key, value in db.settings().items()}
    env |= {"ALLEDORE_VAR_DIR": str(tmp_path), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-m", "widgets.retention"],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"3 tracker events (PostgreSQL 127.0.0.1:{db.port}/retention)" in done.stdout
    assert (events("retention-old-0001"), events("retention-new-0001")) == (0, 3)
    # SMS STOP: the app forgets the whole conversation there too.
    settings = WebSettings(var_dir=tmp_path, **db.settings())
    assert forget_conversation(settings, "retention-new-0001") == 3
    assert events("retention-new-0001") == 0


def test_nothing_to_purge_on_postgresql_before_rasa_made_its_table(
    postgres: Postgres, tmp_path: Path
) -> None:
    db = postgres.database("retention_empty")
    settings = WebSettings(var_dir=tmp_path, **db.settings())
    assert purge(settings) == {"tracker_events": 0, "sms_rows": 0}
    assert forget_conversation(settings, "anyone") == 0


def test_the_app_purges_on_its_own_schedule(tmp_path: Path) -> None:
    path = tmp_path / "sms" / "state.db"
    state = SmsState(path)
    state.remember_language("old", "en")
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("update languages set at = at - ?", (40 * DAY_S,))
    state.remember_language("new", "da")
    app = create_app(WebSettings(var_dir=tmp_path, purge_interval_s=0.2))
    with TestClient(app):  # the lifespan starts the schedule, as uvicorn does
        deadline = time.monotonic() + 60
        while state.language("old") is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert state.language("old") is None
        assert state.language("new") == "da"
