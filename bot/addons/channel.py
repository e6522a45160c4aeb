"""Rasa's REST channel, with one promise added: every message gets an answer.

If a turn fails (the action server is down or slow) and nothing was said, the person gets the
short answer in fallback.yml: 112 for danger, and the municipality's front door.
"""

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

logger = logging.getLogger(__name__)
FALLBACK = Path(__file__).resolve().parent / "fallback.yml"


def fallback_text(metadata: dict[str, Any] | None, texts: dict[str, Any]) -> str:
    # English for a person the app answers in English; the file's top level is Danish.
    if (metadata or {}).get("language") == "en" and isinstance(texts.get("en"), dict):
        texts = texts["en"]
    kommune = (metadata or {}).get("kommune")
    door = texts["doors"].get(kommune) if isinstance(kommune, str) else None
    return "\n".join([texts["limited"], door or texts["any_door"]])


class SafeRestInput(RestInput):
    """POST /webhooks/rest/webhook, as Rasa's own REST channel."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, Any] = yaml.safe_load(FALLBACK.read_text(encoding="utf-8"))

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def answered(message: UserMessage) -> None:
            collector = message.output_channel
            before = len(getattr(collector, "messages", []))
            try:
                await on_new_message(message)
            except Exception:
                logger.exception("A turn failed; sending the fallback answer.")
            if len(getattr(collector, "messages", [])) == before:
                text = fallback_text(message.metadata, self.texts)
                await collector.send_text_message(message.sender_id, text)

        return super().blueprint(answered)
