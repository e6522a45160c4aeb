"""Retention on real stores: Rasa's tracker store as the running stack writes it, and the SMS
state as the gateway writes it."""

import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from stack.conversation import send
from stack.settings import PROJECT_DIR
from stack.supervisor import Supervisor
from widgets.retention import DAY_S, purge, purge_sms
from widgets.settings import WebSettings
from widgets.sms.state import Option, SmsState


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
