"""The Rasa client against real sockets: a Rasa that hangs, and one that answers nonsense."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from widgets.rasa_client import RasaClient, RasaUnavailable


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
