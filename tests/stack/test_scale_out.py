"""The production settings on real parts: two Rasa replicas on one PostgreSQL tracker store and
one Redis lock store, behind the app with two workers and its rate limits in that Redis.

PostgreSQL and Redis are the session's own (tests/services.py: from Debian's packages, installed
when missing). Conversations go through the app and spread over both replicas; one replica is
killed (SIGKILL) while it holds a turn, and that conversation goes on on the other. Every
conversation is then read back from PostgreSQL: each message once, in order, each answered.
"""

import json
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from knowledge.embedding import Embedder
from knowledge.index import build_index
from knowledge.settings import KnowledgeSettings, get_settings
from stack.__main__ import build_index_if_stale
from stack.model import train
from stack.settings import StackSettings
from stack.supervisor import Supervisor
from tests.services import Postgres, RedisServer, port
from tests.widgets.test_stack_web import call
from widgets.ids import new_web_id
from widgets.rasa_client import TURN_KEY, replica_order
from widgets.retention import DAY_S, purge
from widgets.settings import WebSettings
from widgets.tracker_store import forget_conversation

# The fixture starts five processes on a machine of two cores; a bound, not a measurement.
pytestmark = [pytest.mark.stack, pytest.mark.timeout(1200)]

KOMMUNE = "svendborg"
# Each conversation, turn by turn; the third and fourth need the action server (services).
TURNS = ["hej", "jeg har gæld til inkasso", "jeg har ingen steder at sove", "tak for hjælpen"]
KILLED_TURN = 2  # the turn the first replica is killed in, in one of its conversations
CONVERSATIONS_PER_REPLICA = 3
SESSION_LIMIT = 8  # turns a minute per conversation, above the conversations' own
# Long enough for a busy shared machine; a bound, not a measurement.
WITHIN_S = 60.0


@pytest.fixture(scope="module")
def tracker_db(postgres: Postgres) -> Postgres:
    """The replicas' tracker store: a new database of the session's PostgreSQL."""
    return postgres.database("scale_out")


@pytest.fixture(scope="module")
def scaled_out(
    tracker_db: Postgres,
    redis_server: RedisServer,
    embedder: Embedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Supervisor]:
    """Two replicas, the action server and the app (two workers), on the production settings,
    on ports of their own; stopped when the module's tests are done."""
    train(StackSettings())  # the model in var/models, trained only if bot/ changed
    build_index_if_stale()
    var = tmp_path_factory.mktemp("scale-out")
    shutil.copytree(get_settings().index_dir, var / "index")
    build_index(KnowledgeSettings(index_dir=var / "index"), embedder)
    redis_server.client().flushdb()
    settings = StackSettings(
        rasa_port=port(16005),
        rasa_replicas=2,
        actions_port=port(16055),
        app_port=port(18100),
        app_workers=2,
        var_dir=var,
        index_dir=var / "index",
        lock_store="redis",
        **tracker_db.settings(),
        **redis_server.settings(),
    )
    # Every test talks from 127.0.0.1: the per-address limit would count them all as one.
    supervisor = Supervisor(
        settings,
        {
            "ALLEDORE_RATE_LIMIT_STORE": "redis",
            "ALLEDORE_RATE_SESSION_PER_MINUTE": str(SESSION_LIMIT),
            "ALLEDORE_RATE_ADDRESS_PER_MINUTE": "0",
        },
    )
    supervisor.start()
    try:
        supervisor.wait_healthy()
        yield supervisor
    finally:
        supervisor.stop()


def stored(db: Postgres, sender: str) -> list[dict[str, Any]]:
    """A conversation's events as Rasa keeps them in PostgreSQL, in the order it wrote them."""
    with db.connect() as connection:
        query = "select data from events where sender_id = %s order by id"
        rows = connection.execute(query, (sender,)).fetchall()
    return [json.loads(str(data)) for (data,) in rows]


def chat(stack: Supervisor, session: str, message: str) -> dict[str, Any]:
    body = {"session_id": session, "message": message, "kommune": KOMMUNE}
    reply: dict[str, Any] = call(stack, "/api/chat", body)
    return reply


def assert_answered_by_the_bot(reply: dict[str, Any]) -> None:
    """Rasa answered (with the action server behind it), not the app's limited fallback."""
    assert reply["messages"] and reply["limited"] is False, reply


def issued() -> str:
    """A conversation id as the app issues them (with its secret: the test's environment's,
    which the supervisor passes on), so the app keeps it (widgets/ids.py)."""
    return new_web_id(WebSettings().session_id_secret)


def sessions_on(urls: list[str], replica: str, count: int) -> list[str]:
    """Conversation ids that the app sends to `replica` first (widgets/rasa_client.py)."""
    found = []
    for _ in range(1000):
        session = issued()
        if replica_order(urls, session)[0] == replica:
            found.append(session)
        if len(found) == count:
            return found
    raise AssertionError("no session ids for the replica")


def wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WITHIN_S
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_conversations_survive_a_replica_killed_mid_turn_with_no_turn_lost_or_doubled(
    scaled_out: Supervisor, tracker_db: Postgres, redis_server: RedisServer
) -> None:
    stack = scaled_out
    first, second = stack.settings.rasa_urls
    on_first = sessions_on(stack.settings.rasa_urls, first, CONVERSATIONS_PER_REPLICA)
    on_second = sessions_on(stack.settings.rasa_urls, second, CONVERSATIONS_PER_REPLICA)
    sessions = on_first + on_second
    victim = on_first[0]
    for turn in TURNS[:KILLED_TURN]:
        for session in sessions:
            assert_answered_by_the_bot(chat(stack, session, turn))

    # The victim's next turn reaches the first replica, which takes the conversation's lock in
    # Redis and waits on the action server (frozen); then the replica is killed outright.
    locks = redis_server.client()
    stack.pause("actions")
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        pending = pool.submit(chat, stack, victim, TURNS[KILLED_TURN])
        try:
            wait_for(lambda: locks.exists(f"lock:{victim}") or pending.done(), "no lock taken")
            assert not pending.done(), "the turn ended before the replica was killed"
            stack.kill("rasa-1")
            killed = time.monotonic()
        finally:
            stack.resume("actions")
        reply = pending.result()
    answered = time.monotonic()
    print(
        f"\n  the killed turn: {killed - started:.1f} s on the first replica, answered by the "
        f"second {answered - killed:.1f} s after the kill (the lock lifetime is "
        f"{stack.settings.rasa_lock_lifetime_s} s)"
    )
    assert_answered_by_the_bot(reply)

    health = call(stack, "/health")
    assert health["parts"]["rasa"]["ok"], health
    assert health["parts"]["rasa"]["detail"].startswith("1 of 2 replicas"), health

    # Every conversation goes on: the first replica's ones now on the second.
    for turn_at, turn in enumerate(TURNS[KILLED_TURN:], start=KILLED_TURN):
        for session in sessions:
            if (session, turn_at) != (victim, KILLED_TURN):
                started = time.monotonic()
                assert_answered_by_the_bot(chat(stack, session, turn))
                if session == on_first[1] and turn_at == KILLED_TURN:
                    print(f"  a turn after the kill: {time.monotonic() - started:.1f} s")

    # Read back from PostgreSQL: each message once, in order, each followed by the bot's answer.
    for session in sessions:
        events = stored(tracker_db, session)
        said = [e for e in events if e["event"] == "user"]
        assert [e["text"] for e in said] == TURNS, session
        marks = [e["metadata"][TURN_KEY] for e in said]
        assert len(set(marks)) == len(TURNS), session
        kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
        answered_turns = [
            kinds[n + 1 : n + 2] == ["bot"] for n, k in enumerate(kinds) if k == "user"
        ]
        assert answered_turns == [True] * len(TURNS), (session, kinds)
    print(f"  read back: {len(sessions)} conversations, {len(sessions) * len(TURNS)} turns")


def test_two_app_workers_keep_one_rate_limit_in_redis(
    scaled_out: Supervisor, redis_server: RedisServer
) -> None:
    # Empty messages cost the bot nothing and still count. New connections each time, so both
    # workers take turns; each would let SESSION_LIMIT through on its own.
    session = issued()
    for _ in range(SESSION_LIMIT):
        call(scaled_out, "/api/chat", {"session_id": session, "message": ""})
    request = urllib.request.Request(
        f"{scaled_out.settings.app_url}/api/chat",
        data=json.dumps({"session_id": session, "message": ""}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 429 and int(refused.value.headers["Retry-After"]) >= 1
    assert redis_server.client().zcard(f"alledore:rate:session:{session}") == SESSION_LIMIT


def test_retention_and_sms_stop_delete_from_postgresql(
    scaled_out: Supervisor, tracker_db: Postgres
) -> None:
    # Three conversations of their own, through the app, kept by the replicas in PostgreSQL;
    # the first happened 31 days ago, as far as the store can tell.
    old, stop, kept = issued(), issued(), issued()
    for session in (old, stop, kept):
        assert_answered_by_the_bot(chat(scaled_out, session, TURNS[1]))
    with tracker_db.connect() as db:
        db.execute(
            "update events set timestamp = timestamp - %s where sender_id = %s", (31 * DAY_S, old)
        )
    before = {session: len(stored(tracker_db, session)) for session in (old, stop, kept)}
    assert all(before.values()), before
    settings = WebSettings(
        var_dir=scaled_out.settings.var_dir, retention_days=30, **tracker_db.settings()
    )

    assert purge(settings)["tracker_events"] == before[old]
    assert stored(tracker_db, old) == []
    assert forget_conversation(settings, stop) == before[stop]  # SMS STOP
    assert stored(tracker_db, stop) == []
    assert len(stored(tracker_db, kept)) == before[kept]
