"""A load driver: sessions at once, each holding real conversations, for a fixed time.

A session says a Danish need, then does what a person does with the bot's buttons: picks its
municipality when asked, asks for more options, says a second thing, asks for a person; then it
starts over as a new session. Every turn's latency is recorded, and every error: a non-200
answer, a timeout or broken connection, a reply with no messages, and (for /api/chat) a reply
the app had to make from the knowledge base alone because Rasa did not answer in time.

Three targets, for the same conversations: the app's POST /api/chat, Rasa's REST channel
directly (what the app adds), and Rasa's bare /model/parse of the typed messages (the baseline).

    python -m stack.load --sessions 10 --seconds 30 [--target api_chat|rasa_rest|parse]
"""

import argparse
import asyncio
import itertools
import json
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from stack.bench_stats import percentiles, rate
from stack.settings import get_settings

# How people open (DESIGN.md's vocabulary), and the municipality of the page they write from:
# None is a national page, where the bot asks for the municipality with buttons.
OPENINGS: list[tuple[str, str | None]] = [
    ("jeg har ingen steder at sove i nat", None),
    ("min søn drikker for meget og jeg ved ikke hvad jeg skal gøre", "svendborg"),
    ("jeg skylder penge til inkasso og kan ikke betale huslejen", None),
    ("jeg er så ensom, jeg snakker ikke med nogen mere", "nyborg"),
    ("min kæreste slår mig nogle gange", None),
    ("jeg skal snart løslades og har ikke noget sted at bo", "norddjurs"),
    ("jeg har det psykisk dårligt og kan ikke sove om natten", "jammerbugt"),
    ("jeg har mistet mit job og kan ikke finde et nyt", None),
    ("min datter på 16 ryger hash hver dag", "faxe"),
    ("hvordan klager jeg over min sagsbehandler", None),
    ("jeg vil ikke leve mere", None),
]
# A second thing said in the same conversation.
FOLLOW_UPS = [
    "jeg har også gæld",
    "kan jeg få hjælp uden at sige mit navn",
    "jeg drikker også for meget",
    "hvem kan jeg ringe til i aften",
]
MAX_TURNS = 6
# After an error the person waits a moment before starting over (and a broken target is not
# asked thousands of times a second).
ERROR_PAUSE_S = 1.0
# The baseline first: NLU alone, then a full turn in Rasa, then the app around it.
TARGETS = ("parse", "rasa_rest", "api_chat")


class TurnError(Exception):
    """A turn that did not get a proper answer; the message names the kind."""


@dataclass
class Answer:
    texts: list[str]
    payloads: list[str] = field(default_factory=list)
    services: int = 0


@dataclass
class Conversation:
    number: int
    kommune: str | None
    session_id: str | None = None
    sent: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Turn:
    at_s: float  # when it was sent, from the start of the run
    seconds: float
    message: str
    error: str | None = None
    reply: str = ""  # the reply's first text, shortened
    services: int = 0


@dataclass
class LoadRun:
    target: str
    sessions: int
    seconds: float
    elapsed_s: float = 0.0
    conversations: int = 0
    turns: list[Turn] = field(default_factory=list)

    @property
    def errors(self) -> Counter[str]:
        return Counter(t.error for t in self.turns if t.error)

    def summary(self) -> dict[str, Any]:
        """Turns, errors, answered turns a second, and p50/p95 over every turn (errors too, so
        a timeout counts at its full length)."""
        answered = sum(t.error is None for t in self.turns)
        figures: dict[str, Any] = {
            "target": self.target,
            "sessions": self.sessions,
            "seconds": self.seconds,
            "elapsed_s": round(self.elapsed_s, 1),
            "conversations": self.conversations,
            "turns": len(self.turns),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "per_s": rate(answered, self.elapsed_s),
        }
        if self.turns:
            figures |= percentiles([t.seconds for t in self.turns])
        return figures


class Target(Protocol):
    async def say(self, client: httpx.AsyncClient, talk: Conversation, message: str) -> Answer:
        """Send one message of the conversation; the answer, or TurnError."""


async def post_json(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> Any:
    try:
        response = await client.post(url, json=body)
    except httpx.TimeoutException as error:
        raise TurnError("timeout") from error
    except httpx.HTTPError as error:
        raise TurnError(f"transport {type(error).__name__}") from error
    if response.status_code != 200:
        raise TurnError(f"http {response.status_code}")
    try:
        return response.json()
    except ValueError as error:
        raise TurnError("not json") from error


@dataclass
class ApiChat:
    """The app's POST /api/chat, as the widget calls it."""

    app_url: str

    async def say(self, client: httpx.AsyncClient, talk: Conversation, message: str) -> Answer:
        body = {"session_id": talk.session_id, "message": message, "kommune": talk.kommune}
        reply = await post_json(client, f"{self.app_url}/api/chat", body)
        talk.session_id = reply.get("session_id")
        if reply.get("limited"):
            raise TurnError("limited (Rasa did not answer)")
        messages = reply.get("messages") or []
        return Answer(
            texts=[m.get("text", "") for m in messages],
            payloads=[b.get("payload", "") for m in messages for b in m.get("buttons") or []],
            services=len(reply.get("services") or []),
        )


@dataclass
class RasaRest:
    """Rasa's REST channel straight, with the action server behind it: the app left out."""

    rasa_url: str
    token: str  # the channel answers only callers with the stack's token

    async def say(self, client: httpx.AsyncClient, talk: Conversation, message: str) -> Answer:
        talk.session_id = talk.session_id or f"load-{uuid.uuid4().hex[:12]}"
        body = {
            "sender": talk.session_id,
            "message": message,
            "metadata": {"kommune": talk.kommune},
        }
        url = f"{self.rasa_url}/webhooks/rest/webhook?token={self.token}"
        said = await post_json(client, url, body)
        said = [item for item in said if isinstance(item, dict)]
        custom = [item["custom"] for item in said if isinstance(item.get("custom"), dict)]
        return Answer(
            texts=[item["text"] for item in said if item.get("text")],
            payloads=[b.get("payload", "") for item in said for b in item.get("buttons") or []],
            services=sum(len(c.get("services") or []) for c in custom),
        )


@dataclass
class RasaParse:
    """The baseline: Rasa's NLU alone on what the person typed (no dialogue, no actions)."""

    rasa_url: str
    token: str

    async def say(self, client: httpx.AsyncClient, talk: Conversation, message: str) -> Answer:
        url = f"{self.rasa_url}/model/parse?token={self.token}"
        parsed = await post_json(client, url, {"text": message})
        intent = (parsed.get("intent") or {}).get("name")
        # An answer without an intent is not NLU, whatever the status said.
        return Answer(texts=[intent] if intent else [])


def next_message(answer: Answer, talk: Conversation) -> str | None:
    """What the person says next, from the buttons they were offered; None ends it."""
    if len(talk.sent) >= MAX_TURNS:
        return None
    kommuner = [p for p in answer.payloads if p.startswith("/inform_kommune")]
    if kommuner:
        return kommuner[talk.number % len(kommuner)]
    if "/ask_more" in answer.payloads and "/ask_more" not in talk.sent:
        return "/ask_more"
    follow_up = FOLLOW_UPS[talk.number % len(FOLLOW_UPS)]
    if follow_up not in talk.sent:
        return follow_up
    if "/ask_human" in answer.payloads and "/ask_human" not in talk.sent:
        return "/ask_human"
    return None


async def one_turn(
    client: httpx.AsyncClient, target: Target, talk: Conversation, message: str, start: float
) -> tuple[Turn, Answer | None]:
    sent = time.monotonic()
    try:
        answer = await target.say(client, talk, message)
        if not answer.texts:
            raise TurnError("no messages")
    except TurnError as error:
        return Turn(sent - start, time.monotonic() - sent, message, error=str(error)), None
    first = answer.texts[0][:100]
    turn = Turn(sent - start, time.monotonic() - sent, message, None, first, answer.services)
    return turn, answer


async def session(
    client: httpx.AsyncClient,
    target: Target,
    numbers: Iterator[int],
    run: LoadRun,
    start: float,
    deadline: float,
) -> None:
    """Conversations one after another until the deadline; no new turn starts after it."""
    while time.monotonic() < deadline:
        number = next(numbers)
        opening, kommune = OPENINGS[number % len(OPENINGS)]
        talk = Conversation(number, kommune)
        message: str | None = opening
        while message is not None and time.monotonic() < deadline:
            turn, answer = await one_turn(client, target, talk, message, start)
            run.turns.append(turn)
            talk.sent.append(message)
            if answer is None:
                await asyncio.sleep(ERROR_PAUSE_S)
                break
            message = next_message(answer, talk)
        run.conversations += bool(talk.sent)


async def drive(
    target: Target, name: str, sessions: int, seconds: float, timeout: float
) -> LoadRun:
    """`sessions` conversations at a time for `seconds`, each started as the last one ended."""
    run = LoadRun(name, sessions, seconds)
    numbers = itertools.count()
    limits = httpx.Limits(max_connections=sessions, max_keepalive_connections=sessions)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        start = time.monotonic()
        deadline = start + seconds

        async def staggered(i: int) -> None:
            # Spread over the first second (a tenth of a short run), so the first messages do
            # not all land at once.
            await asyncio.sleep(min(1.0, seconds / 10) * i / sessions)
            await session(client, target, numbers, run, start, deadline)

        await asyncio.gather(*(staggered(i) for i in range(sessions)))
        run.elapsed_s = time.monotonic() - start
    return run


def make_target(name: str, app_url: str, rasa_url: str, token: str) -> Target:
    if name == "api_chat":
        return ApiChat(app_url)
    if name == "rasa_rest":
        return RasaRest(rasa_url, token)
    if name == "parse":
        return RasaParse(rasa_url, token)
    raise ValueError(f"unknown target {name!r}: one of {', '.join(TARGETS)}")


def run_load(
    target: Target, name: str, sessions: int, seconds: float, timeout: float = 30.0
) -> LoadRun:
    return asyncio.run(drive(target, name, sessions, seconds, timeout))


def main(argv: list[str] | None = None) -> int:
    """Against a running stack (make run): a load run's figures as JSON."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m stack.load", description=__doc__)
    parser.add_argument("--target", choices=TARGETS, default="api_chat")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--app-url", default=settings.app_url)
    parser.add_argument("--rasa-url", default=settings.rasa_url)
    args = parser.parse_args(argv)
    target = make_target(args.target, args.app_url, args.rasa_url, settings.rasa_token)
    run = run_load(target, args.target, args.sessions, args.seconds)
    print(json.dumps(run.summary(), indent=2, ensure_ascii=False))
    return 1 if run.errors else 0


if __name__ == "__main__":
    sys.exit(main())
