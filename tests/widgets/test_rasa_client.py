"""The Rasa client against real sockets: a Rasa that hangs, one that is not there, and
replicas that share a store, where one refuses, dies mid-turn or hangs."""

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from widgets.rasa_client import (
    LOCK_POLL_S,
    TURN_KEY,
    RasaClient,
    RasaUnavailable,
    replica_order,
)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never answers: a Rasa stuck on something."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_hanging_rasa_times_out_as_unavailable(silent_port: int) -> None:
    client = RasaClient(f"http://127.0.0.1:{silent_port}", "t", 0.5, "http://127.0.0.1:1")

    async def turn() -> float:
        start = time.perf_counter()
        with pytest.raises(RasaUnavailable):
            await client.send("s1", "hej", {})
        await client.close()
        return time.perf_counter() - start

    assert asyncio.run(turn()) < 5


def test_nothing_listening_is_unavailable_and_reported_down() -> None:
    client = RasaClient("http://127.0.0.1:1", "t", 0.5, "http://127.0.0.1:1")

    async def check() -> tuple[bool, bool]:
        with pytest.raises(RasaUnavailable):
            await client.send("s1", "hej", {})
        rasa_ok, _ = await client.ready(0.5)
        actions_ok, _ = await client.actions_ready(0.5)
        await client.close()
        return rasa_ok, actions_ok

    assert asyncio.run(check()) == (False, False)


class Replica:
    """A Rasa replica over real HTTP, keeping its conversations in a store shared with the
    others (as the replicas share PostgreSQL). `dies`: it reads a turn and goes away without an
    answer; `keeps`: before that, its turn reached the store."""

    def __init__(self, store: dict[str, list[dict[str, Any]]], name: str) -> None:
        self.store = store
        self.name = name
        self.dies = False
        self.keeps = False
        self.turns: list[dict[str, Any]] = []
        self.arrived: list[float] = []
        replica = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                replica.turns.append(body)
                replica.arrived.append(time.monotonic())
                said = {"text": f"{replica.name} svarer: {body['message']}"}
                if not replica.dies or replica.keeps:
                    user = {"event": "user", "text": body["message"], "metadata": body["metadata"]}
                    bot = {"event": "bot", "text": said["text"], "data": {"buttons": None}}
                    replica.store.setdefault(body["sender"], []).extend([user, bot])
                if replica.dies:
                    self.close_connection = True
                    return
                self.answer([{"recipient_id": body["sender"], **said}])

            def do_GET(self) -> None:
                if self.path.startswith("/status"):
                    self.answer({"model_file": "model.tar.gz"})
                    return
                sender = self.path.split("/")[2]
                self.answer({"events": replica.store.get(sender, [])})

            def answer(self, data: object) -> None:
                payload = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def replicas() -> Iterator[tuple[Replica, Replica]]:
    store: dict[str, list[dict[str, Any]]] = {}
    pair = (Replica(store, "A"), Replica(store, "B"))
    yield pair
    for replica in pair:
        replica.close()


def sender_for(first: str, urls: list[str]) -> str:
    """A conversation id whose own replica is `first`."""
    return next(
        s for s in (f"session-{n:04d}" for n in range(100)) if replica_order(urls, s)[0] == first
    )


def turn(client: RasaClient, sender: str, message: str) -> list[dict[str, Any]]:
    async def go() -> list[dict[str, Any]]:
        try:
            return await client.send(sender, message, {"kommune": "faxe"})
        finally:
            await client.close()

    return asyncio.run(go())


def test_conversations_spread_over_the_replicas_and_stay_on_theirs(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    client = RasaClient([a.url, b.url], "t", 5, "http://127.0.0.1:1")
    on_a, on_b = sender_for(a.url, client.urls), sender_for(b.url, client.urls)
    for _ in range(2):
        assert turn(client, on_a, "hej")[0]["text"] == "A svarer: hej"
        assert turn(client, on_b, "hej")[0]["text"] == "B svarer: hej"
    assert [t["sender"] for t in a.turns] == [on_a, on_a]
    assert [t["sender"] for t in b.turns] == [on_b, on_b]


def test_a_replica_that_refuses_is_passed_over(replicas: tuple[Replica, Replica]) -> None:
    _, b = replicas
    gone = "http://127.0.0.1:1"
    client = RasaClient([gone, b.url], "t", 5, "http://127.0.0.1:1")
    sender = sender_for(gone, client.urls)
    assert turn(client, sender, "hej")[0]["text"] == "B svarer: hej"
    assert turn(client, sender, "igen")[0]["text"] == "B svarer: igen"
    assert [t["message"] for t in b.turns] == ["hej", "igen"]
    assert client.replicas(sender) == [b.url, gone]  # tried last while it is down


def test_a_replica_that_dies_mid_turn_before_keeping_it_the_next_takes_the_turn_once(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    a.dies = True
    client = RasaClient([a.url, b.url], "t", 5, "http://127.0.0.1:1")
    sender = sender_for(a.url, client.urls)
    assert turn(client, sender, "jeg har gæld")[0]["text"] == "B svarer: jeg har gæld"
    assert [t["message"] for t in a.turns + b.turns] == ["jeg har gæld", "jeg har gæld"]
    # One turn in the shared store: the one B kept; A's never got there.
    users = [e for e in b.store[sender] if e["event"] == "user"]
    assert [e["text"] for e in users] == ["jeg har gæld"]
    assert a.turns[0]["metadata"][TURN_KEY] == b.turns[0]["metadata"][TURN_KEY]


def test_the_turn_is_sent_again_only_once_the_gone_replicas_lock_has_expired(
    replicas: tuple[Replica, Replica],
) -> None:
    # Rasa serves a queued ticket only while it is unexpired: sent at once, the next replica's
    # ticket would lapse with the dead one's, and the turn would wait for ever.
    a, b = replicas
    a.dies = True
    client = RasaClient([a.url, b.url], "t", 5, "http://127.0.0.1:1", lock_lifetime_s=0.5)
    sent = time.monotonic()
    assert turn(client, sender_for(a.url, client.urls), "hej")[0]["text"] == "B svarer: hej"
    assert b.arrived[0] - sent >= 0.5 + LOCK_POLL_S


def test_a_replica_that_dies_after_keeping_the_turn_is_not_sent_it_again(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    a.dies = a.keeps = True
    client = RasaClient([a.url, b.url], "t", 5, "http://127.0.0.1:1")
    sender = sender_for(a.url, client.urls)
    # The answer is read back from the store, and B is never sent the turn.
    assert turn(client, sender, "jeg har gæld") == [{"text": "A svarer: jeg har gæld"}]
    assert b.turns == []
    assert [e["event"] for e in b.store[sender]] == ["user", "bot"]


def test_a_replica_that_hangs_is_not_sent_the_turn_again(
    silent_port: int, replicas: tuple[Replica, Replica]
) -> None:
    # It may still keep the turn: sent again, it could be kept twice.
    _, b = replicas
    hanging = f"http://127.0.0.1:{silent_port}"
    client = RasaClient([hanging, b.url], "t", 0.5, "http://127.0.0.1:1")
    with pytest.raises(RasaUnavailable):
        turn(client, sender_for(hanging, client.urls), "hej")
    assert b.turns == []


def test_health_is_ok_while_one_replica_has_a_model(replicas: tuple[Replica, Replica]) -> None:
    a, b = replicas
    gone = "http://127.0.0.1:1"

    async def check(urls: list[str]) -> tuple[bool, str]:
        client = RasaClient(urls, "t", 5, "http://127.0.0.1:1")
        try:
            return await client.ready(0.5)
        finally:
            await client.close()

    assert asyncio.run(check([a.url, b.url])) == (True, "2 of 2 replicas have a model loaded")
    ok, detail = asyncio.run(check([a.url, gone]))
    assert (
        ok and detail == f"1 of 2 replicas have a model loaded; {gone} not answering (ConnectError)"
    )
    assert asyncio.run(check([a.url])) == (True, "model loaded")
