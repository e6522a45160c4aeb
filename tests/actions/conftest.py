"""Trackers as Rasa sends them, and the actions wired to the test session's real searcher."""

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_access
from knowledge.search import Searcher


@pytest.fixture(autouse=True)
def real_knowledge(searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> Searcher:
    monkeypatch.setattr(knowledge_access, "searcher", lambda: searcher)
    return searcher


def tracker(
    text: str,
    intent: str,
    confidence: float = 0.95,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    ranking: list[tuple[str, float]] | None = None,
) -> Tracker:
    ranking = ranking or [(intent, confidence)]
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": entities or [],
        "metadata": {},
    }
    return Tracker(
        sender_id="test",
        slots=dict(slots or {}),
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Action, given: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(messages, events) of one run of `action`."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, given, {}))
    return dispatcher.messages, events


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m["response"] for m in messages if m.get("response")]


def payload(messages: list[dict[str, Any]]) -> dict[str, Any]:
    found = [m["custom"] for m in messages if m.get("custom")]
    assert len(found) == 1, "every reply carries exactly one structured payload"
    return dict(found[0])


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in messages if m.get("text"))
