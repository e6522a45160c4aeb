"""Slow clients cannot hold a worker: uvicorn as the supervisor and the images start it."""

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from stack.settings import StackSettings
from stack.supervisor import processes
from widgets.serving import HeaderDeadline


async def tiny_app(scope: dict[str, object], receive: object, send: object) -> None:
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]


class QuickDeadline(HeaderDeadline):
    header_timeout_s = 0.5


@pytest.fixture
def server() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        tiny_app,
        host="127.0.0.1",
        port=port,
        http=QuickDeadline,
        timeout_keep_alive=1,
        log_level="warning",
        lifespan="off",
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.01)
    yield port
    running.should_exit = True
    thread.join(5)


def closed_within(sock: socket.socket, seconds: float) -> float:
    """How long until the server closes the connection (fails if it has not by `seconds`)."""
    started = time.monotonic()
    sock.settimeout(seconds)
    while sock.recv(4096):
        pass
    return time.monotonic() - started


def test_a_connection_that_sends_nothing_is_closed(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        assert closed_within(sock, 3) < 2


def test_headers_sent_a_byte_at_a_time_are_cut_off(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        started = time.monotonic()
        with pytest.raises(OSError):
            for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)
        assert time.monotonic() - started < 3


def test_an_ordinary_request_is_answered_and_an_idle_one_let_go(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(3)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        assert closed_within(sock, 4) < 2.5  # keep-alive 1 s


def test_every_start_of_the_app_sets_both_timeouts() -> None:
    settings = StackSettings()
    (app,) = [p for p in processes(settings) if p.name == "app"]
    command = app.command
    assert command[command.index("--timeout-keep-alive") + 1] == str(settings.keep_alive_s)
    assert command[command.index("--http") + 1] == "widgets.serving:HeaderDeadline"
    assert settings.keep_alive_s <= 5 and settings.header_timeout_s <= 10
