"""Rasa's REST channel, with five things added.

- Every message gets an answer: if a turn fails (the action server is down or slow) and nothing
  was said, the person gets the short answer in fallback.yml: 112 for danger, and the
  municipality's front door.
- Nothing that identifies a person reaches the tracker store: the app redacts before it sends,
  and this channel does it again for anything that reaches Rasa another way (knowledge/redact.py).
- Only a caller with the token (credentials.yml) may talk to it.
- No message text in its logs, or in any other log of Rasa's process: every record goes through
  knowledge/logsafe.py, and the turn's text is withheld from every record made while it runs.
- A message starting with `/` sets an intent and entities only when it is a button payload the
  bot offers, with checked values (knowledge/payloads.py, the same rule as the app's); anything
  else goes on as plain words, so a direct POST here cannot set a slot either.
"""

import hmac
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from knowledge.logsafe import install, turn, withhold
from knowledge.payloads import get_allow_list, guard
from knowledge.redact import redact

logger = logging.getLogger(__name__)
FALLBACK = Path(__file__).resolve().parent / "fallback.yml"
DOMAIN = Path(__file__).resolve().parent.parent / "domain"


def checked(text: str) -> str:
    """What Rasa may read of a message: an offered payload as it is, else the words redacted."""
    said, is_payload = guard(text, get_allow_list(DOMAIN))
    return said if is_payload else redact(said).text


def fallback_text(metadata: dict[str, Any] | None, texts: dict[str, Any]) -> str:
    # English for a person the app answers in English; the file's top level is Danish.
    if (metadata or {}).get("language") == "en" and isinstance(texts.get("en"), dict):
        texts = texts["en"]
    kommune = (metadata or {}).get("kommune")
    door = texts["doors"].get(kommune) if isinstance(kommune, str) else None
    return "\n".join([texts["limited"], door or texts["any_door"]])


class SafeRestInput(RestInput):
    """POST /webhooks/rest/webhook, as Rasa's own REST channel."""

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        # Rasa makes its channels once, as it starts and before any message: from here on no
        # record of this process holds what a person wrote.
        install()
        self.token = token or ""
        self.texts: dict[str, Any] = yaml.safe_load(FALLBACK.read_text(encoding="utf-8"))

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "SafeRestInput":
        return cls(token=(credentials or {}).get("token"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def answered(message: UserMessage) -> None:
            # The text as sent and as Rasa reads it are withheld from every record of the turn.
            with turn(message.text or ""):
                if message.text:
                    message.text = checked(message.text)
                    withhold(message.text)
                await respond(message)

        async def respond(message: UserMessage) -> None:
            collector = message.output_channel
            before = len(getattr(collector, "messages", []))
            try:
                await on_new_message(message)
            except Exception:
                logger.exception("A turn failed; sending the fallback answer.")
            if len(getattr(collector, "messages", [])) == before:
                text = fallback_text(message.metadata, self.texts)
                await collector.send_text_message(message.sender_id, text)

        blueprint = super().blueprint(answered)

        @blueprint.middleware("request")
        async def check_token(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not self.token:
                return None
            given = str(request.args.get("token", ""))
            if hmac.compare_digest(given.encode(), self.token.encode()):
                return None
            return response.json({"error": "a valid token is required"}, status=401)

        return blueprint
