"""Parts of the real stack stopped, frozen or broken, and brought back, while the app runs.

Rasa or the action server down or frozen (SIGSTOP: it accepts connections and never answers,
a part slower than any timeout), and the index missing or damaged: /health names the part,
/api/chat still ends at a door, and full service is back without restarting the app. Every
test puts back what it broke, so the session's other stack tests find a whole stack.
"""

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from stack.supervisor import Supervisor
from tests.widgets.test_stack_web import call

pytestmark = pytest.mark.stack

# Long enough for the parts to come back on a busy shared machine; a bound, not a measurement.
BACK_WITHIN_S = 180.0
DEBT = {"message": "jeg har gæld til inkasso", "kommune": "svendborg"}
SVENDBORG_PHONE = "62 23 30 00"  # the verified front door (bot/addons/fallback.yml)
RETRY_S = 2  # ALLEDORE_INDEX_RETRY_S of the processes restarted on a broken index


def texts(reply: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in reply["messages"])


def timed_chat(stack: Supervisor, body: dict[str, Any]) -> dict[str, Any]:
    """A turn, with how long it took printed (pytest -s) for the record, never asserted."""
    started = time.monotonic()
    reply: dict[str, Any] = call(stack, "/api/chat", body)
    print(f"  {body['message']!r}: {time.monotonic() - started:.1f} s, limited={reply['limited']}")
    return reply


def wait_whole(stack: Supervisor) -> None:
    """Until /health says every part is up (the index is picked up by itself)."""
    deadline = time.monotonic() + BACK_WITHIN_S
    while (health := call(stack, "/health"))["status"] != "ok":
        assert time.monotonic() < deadline, health
        time.sleep(1.0)


def assert_full_service(stack: Supervisor) -> None:
    """The same app process answers through the bot again, with searched services."""
    wait_whole(stack)
    back = timed_chat(stack, DEBT)
    assert back["limited"] is False
    assert any("oekonomi" in s["themes"] and not s["front_door"] for s in back["services"])


def assert_limited_help(reply: dict[str, Any]) -> None:
    """Found by the app's own search: services for the need, then the front door."""
    assert reply["limited"] is True
    assert any("oekonomi" in s["themes"] for s in reply["services"])
    assert reply["services"][-1]["id"] == "svendborg-kommune"


def assert_crisis_first(stack: Supervisor) -> None:
    crisis = timed_chat(stack, {"message": "han slår mig", "kommune": "faxe"})
    assert crisis["crisis"] is True and crisis["messages"][0]["text"].startswith("Ring 112")


def test_rasa_stopped_the_app_still_helps_and_recovers_by_itself(
    running_stack: Supervisor,
) -> None:
    running_stack.stop_one("rasa")
    try:
        health = call(running_stack, "/health")
        assert health["status"] == "degraded" and not health["parts"]["rasa"]["ok"]
        assert_limited_help(timed_chat(running_stack, DEBT))
        assert_crisis_first(running_stack)
    finally:
        running_stack.restart("rasa")
    assert_full_service(running_stack)


def test_rasa_frozen_the_app_answers_within_its_timeout_and_recovers(
    running_stack: Supervisor,
) -> None:
    running_stack.pause("rasa")
    try:
        # Rasa takes the connection and never answers: the app gives up after chat_timeout.
        assert_limited_help(timed_chat(running_stack, DEBT))
        assert_crisis_first(running_stack)
        health = call(running_stack, "/health")  # health_timeout: it does not hang either
        assert health["status"] == "degraded"
        assert not health["parts"]["rasa"]["ok"] and health["parts"]["index"]["ok"]
    finally:
        running_stack.resume("rasa")
    assert_full_service(running_stack)


def test_action_server_frozen_the_app_answers_within_its_timeout_and_recovers(
    running_stack: Supervisor,
) -> None:
    running_stack.pause("actions")
    try:
        # Rasa waits for the action far longer than the app waits for Rasa; the app answers.
        assert_limited_help(timed_chat(running_stack, DEBT))
        crisis = timed_chat(
            running_stack, {"message": "jeg vil ikke leve mere", "kommune": "svendborg"}
        )
        assert crisis["crisis"] is True and crisis["messages"][0]["text"].startswith("Ring 112")
        health = call(running_stack, "/health")
        assert not health["parts"]["actions"]["ok"] and health["parts"]["rasa"]["ok"]
    finally:
        running_stack.resume("actions")
    assert_full_service(running_stack)


def test_action_server_stopped_rasas_own_words_then_search_and_recovers(
    running_stack: Supervisor,
) -> None:
    running_stack.stop_one("actions")
    try:
        reply = timed_chat(running_stack, DEBT)
        assert_limited_help(reply)
        # Rasa's own fallback first: 112 and the municipality's verified door.
        assert "112" in reply["messages"][0]["text"] and SVENDBORG_PHONE in texts(reply)
        assert_crisis_first(running_stack)
        health = call(running_stack, "/health")
        assert not health["parts"]["actions"]["ok"] and health["parts"]["rasa"]["ok"]
    finally:
        running_stack.restart("actions")
    assert_full_service(running_stack)


@contextmanager
def restarted_on_a_broken_index(
    stack: Supervisor, monkeypatch: pytest.MonkeyPatch, breaker: Callable[[Path], None]
) -> Iterator[None]:
    """The app and the action server started afresh on a broken index (a running one keeps the
    index it loaded). On the way out the index is put back whole, and both must pick it up
    by themselves: they are not restarted again."""
    index = stack.settings.index_dir
    assert index is not None
    saved = index.with_name("index.saved")
    shutil.copytree(index, saved)
    # A short retry for the processes started here, so the test does not wait the default.
    monkeypatch.setenv("ALLEDORE_INDEX_RETRY_S", str(RETRY_S))
    try:
        stack.stop_one("app")
        stack.stop_one("actions")
        breaker(index)
        stack.restart("actions")
        stack.restart("app")
        yield
    finally:
        # Copied beside and swapped in, as `make index` does, so no half index is ever read.
        fresh = index.with_name("index.fresh")
        shutil.copytree(saved, fresh)
        shutil.rmtree(index, ignore_errors=True)
        fresh.rename(index)
        shutil.rmtree(saved)
        for name in ("actions", "app"):
            if not any(p.name == name for p in stack.running):
                stack.restart(name)
        wait_whole(stack)  # the app has picked it up
        # The action server tries again on the first action after its retry interval (its
        # health does not tell); once that has passed since the index came back, it will.
        time.sleep(RETRY_S + 0.5)


def assert_bot_ends_at_the_front_door(stack: Supervisor) -> None:
    """No search, but the bot understands the need and gives the municipality's front door."""
    reply = timed_chat(stack, DEBT)
    assert reply["messages"] and reply["services"], reply
    door = reply["services"][-1]
    assert door["id"] == "svendborg-kommune" and door["phone"]


def test_index_missing_the_app_starts_says_so_still_helps_and_picks_it_up(
    running_stack: Supervisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def remove(index: Path) -> None:
        shutil.rmtree(index)

    with restarted_on_a_broken_index(running_stack, monkeypatch, remove):
        log = (running_stack.settings.log_dir / "app.log").read_text(errors="replace")
        assert "Starting without the search index" in log
        health = call(running_stack, "/health")
        assert health["status"] == "degraded"
        index = health["parts"]["index"]
        assert not index["ok"] and "manifest.json is missing" in index["detail"]
        assert "make index" in index["detail"]
        assert health["parts"]["rasa"]["ok"] and health["parts"]["actions"]["ok"]
        assert_bot_ends_at_the_front_door(running_stack)
        assert_crisis_first(running_stack)
        # Rasa frozen as well: the verified fallback doors, without the knowledge base.
        running_stack.pause("rasa")
        try:
            alone = timed_chat(running_stack, DEBT)
        finally:
            running_stack.resume("rasa")
        assert alone["limited"] is True and SVENDBORG_PHONE in texts(alone)
        assert "112" in texts(alone)
    assert_full_service(running_stack)


def _garbage(index: Path) -> None:
    (index / "index.faiss").write_bytes(b"not an index" * 1000)


def _truncated_manifest(index: Path) -> None:
    path = index / "manifest.json"
    path.write_bytes(path.read_bytes()[:40])


@pytest.mark.parametrize(
    ("breaker", "said"),
    [
        (_garbage, "index.faiss cannot be read"),
        (_truncated_manifest, "manifest.json cannot be read"),
    ],
    ids=["index.faiss garbage", "manifest.json truncated"],
)
def test_index_damaged_health_says_what_the_bot_still_helps_and_it_is_picked_up(
    running_stack: Supervisor,
    monkeypatch: pytest.MonkeyPatch,
    breaker: Callable[[Path], None],
    said: str,
) -> None:
    with restarted_on_a_broken_index(running_stack, monkeypatch, breaker):
        index = call(running_stack, "/health")["parts"]["index"]
        assert not index["ok"] and said in index["detail"] and "make index" in index["detail"]
        assert_bot_ends_at_the_front_door(running_stack)
    assert_full_service(running_stack)
