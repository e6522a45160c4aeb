"""The app with fakes for Rasa (dependency overrides) and the real knowledge base."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from knowledge.search import Searcher
from widgets.app import create_app
from widgets.deps import get_rasa, get_searcher_factory
from widgets.rasa_client import RasaUnavailable
from widgets.settings import WebSettings

DATA = Path(__file__).resolve().parent / "data"


def captured(name: str) -> list[dict[str, Any]]:
    """What Rasa's REST channel really answered (captured from the running stack)."""
    loaded: list[dict[str, Any]] = json.loads((DATA / f"{name}.json").read_text())
    return loaded


class FakeRasa:
    """Answers turns from a script, or is down; records what it was sent."""

    def __init__(self) -> None:
        self.said: list[dict[str, Any]] = []
        self.down = False
        self.actions_down = False
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.events_by_sender: dict[str, list[dict[str, Any]]] = {}

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if self.down:
            raise RasaUnavailable("connection refused")
        self.sent.append((sender, message, metadata))
        return self.said

    async def events(self, sender: str) -> list[dict[str, Any]]:
        if self.down:
            raise RasaUnavailable("connection refused")
        return self.events_by_sender.get(sender, [])

    async def ready(self, timeout: float) -> tuple[bool, str]:
        return (False, "not answering (ConnectError)") if self.down else (True, "model loaded")

    async def actions_ready(self, timeout: float) -> tuple[bool, str]:
        return (False, "not answering (ConnectError)") if self.actions_down else (True, "answering")

    async def close(self) -> None:
        return None


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def client(rasa: FakeRasa, searcher: Searcher, tmp_path: Path) -> Iterator[TestClient]:
    # Its own var/: the SMS state (seen message ids, limits) starts empty in every test.
    app = create_app(WebSettings(health_timeout=0.5, var_dir=tmp_path))
    app.dependency_overrides[get_rasa] = lambda: rasa
    loaded: Callable[[], Searcher] = lambda: searcher  # noqa: E731
    app.dependency_overrides[get_searcher_factory] = lambda: loaded
    yield TestClient(app)
