"""Rasa over HTTP only: its REST channel for turns, its HTTP API for history and parsing.

A client returns results, not transport: a list of bot messages, or RasaUnavailable.

There is one Rasa, or several replicas that share a PostgreSQL tracker store and a Redis lock
store (stack/settings.py). A conversation goes to the replica its id picks, and on to the next
when that one does not answer. A turn is never sent twice where it could be kept twice:

- nothing reached the replica (connection refused, connect timeout): the next one takes it;
- the replica took the turn and went away before answering (reset, closed): Rasa writes a turn's
  events in one commit at its end, so the turn is either all in the tracker store or not at all.
  The client first waits until the gone replica's lock on the conversation has expired (Rasa's
  Redis lock store; see `_outwait_lock`), and by then that replica cannot write the turn any more.
  Another replica's copy of the tracker then tells which, by the mark this client puts on every
  turn.
  Kept: the bot's answer is read back from there. Not kept: the next replica takes it;
- the replica is still at it (read timeout): it may yet keep the turn, so it is not sent again.
"""

import asyncio
import secrets
import time
import zlib
from typing import Any

import httpx

REST_WEBHOOK = "/webhooks/rest/webhook"
# Put on every turn's metadata; Rasa keeps it with the user's event in the tracker store.
TURN_KEY = "turn_id"
# A replica that went away is tried after the others for this long.
DOWN_S = 10.0
# Rasa looks at a conversation's lock about once a second (and a little more).
LOCK_POLL_S = 1.5
# Errors where the request never reached the replica: safe to send to another.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Errors where the replica may have taken the turn and then went away.
CUT_OFF = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


def replica_order(urls: list[str], sender: str) -> list[str]:
    """Every replica, the conversation's own first: each conversation stays on one replica,
    conversations spread over all of them, and every app worker picks alike."""
    first = zlib.crc32(sender.encode()) % len(urls)
    return urls[first:] + urls[:first]


def said_in(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot's messages at the start of `events`, up to the next user message, in the shape
    of Rasa's REST channel."""
    said = []
    for event in events:
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            data = event.get("data") or {}
            item = {"text": event.get("text")} | {
                key: data.get(key) for key in ("buttons", "image", "attachment", "custom")
            }
            said.append({key: value for key, value in item.items() if value})
    return said


def describe(error: Exception | None) -> str:
    return (str(error) or type(error).__name__) if error else "no Rasa server"


class RasaClient:
    """Rasa and the action server behind it (Rasa calls it; the app only asks if it is up)."""

    def __init__(
        self,
        base_urls: str | list[str],
        token: str,
        timeout: float,
        actions_url: str,
        connect_timeout: float | None = None,
        lock_lifetime_s: float = 0.0,
    ) -> None:
        """`lock_lifetime_s`: how long a Rasa replica's lock on a conversation lasts (Rasa's
        TICKET_LOCK_LIFETIME with the Redis lock store; 0 without one)."""
        urls = [base_urls] if isinstance(base_urls, str) else base_urls
        self.urls = [url.rstrip("/") for url in urls]
        if not self.urls:
            raise ValueError("no Rasa server to talk to")
        self.actions_url = actions_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.connect_timeout = connect_timeout or timeout
        self.lock_lifetime_s = lock_lifetime_s
        self._down_until: dict[str, float] = {}
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        # Made on first use, inside the running event loop, and reused for keep-alive.
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(
                    self.timeout, connect=min(self.timeout, self.connect_timeout)
                ),
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def replicas(self, sender: str) -> list[str]:
        """The order to try the replicas in for this conversation: its own first, those that
        went away lately last."""
        now = time.monotonic()
        return sorted(
            replica_order(self.urls, sender), key=lambda url: self._down_until.get(url, 0) > now
        )

    def _note(self, url: str, error: Exception | None) -> None:
        if isinstance(error, NOT_SENT + CUT_OFF):
            self._down_until[url] = time.monotonic() + DOWN_S
        elif error is None:
            self._down_until.pop(url, None)

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """One turn: what the bot said back, in order."""
        turn = secrets.token_hex(8)
        body = {"sender": sender, "message": message, "metadata": metadata | {TURN_KEY: turn}}
        replicas = self.replicas(sender)
        failure: Exception | None = None
        for at, url in enumerate(replicas):
            sent_at = time.monotonic()
            try:
                response = await self.client.post(
                    f"{url}{REST_WEBHOOK}", params={"token": self.token}, json=body
                )
                response.raise_for_status()
                said = response.json()
            except NOT_SENT as error:
                self._note(url, error)
                failure = error
                continue
            except CUT_OFF as error:
                self._note(url, error)
                failure = error
                others = replicas[at + 1 :]
                if not others:
                    break
                await self._outwait_lock(sent_at)
                kept = await self._kept(others, sender, turn)
                if kept is not None:
                    return kept
                continue
            except (httpx.HTTPError, ValueError) as error:
                raise RasaUnavailable(describe(error)) from error
            self._note(url, None)
            if not isinstance(said, list):
                raise RasaUnavailable("the REST channel did not answer with a list")
            return [item for item in said if isinstance(item, dict)]
        raise RasaUnavailable(describe(failure)) from failure

    async def _outwait_lock(self, sent_at: float) -> None:
        """Until the lock that the gone replica may have taken on the conversation, when the
        turn was sent, has surely expired.

        Sent sooner, the next replica would queue behind a ticket that nobody will finish, and
        Rasa serves a queued ticket only while it is itself unexpired: issued within about a
        second of the dead one, it lapses with it and the turn waits for ever. The gone replica
        took its lock at most chat_timeout after `sent_at` (the app gives up then), and the
        lifetime is longer than that; so from `sent_at` + lifetime + a poll, the next replica's
        ticket is served at once, and the gone replica can no longer write the turn."""
        if self.lock_lifetime_s > 0:
            until = sent_at + self.lock_lifetime_s + LOCK_POLL_S
            await asyncio.sleep(max(0.0, until - time.monotonic()))

    async def _kept(
        self, replicas: list[str], sender: str, turn: str
    ) -> list[dict[str, Any]] | None:
        """After a replica went away mid-turn: what the bot said in that turn if the tracker
        store kept it, None if it did not. RasaUnavailable when no replica can tell."""
        events = await self._events(replicas, sender)
        for at, event in enumerate(events):
            metadata = event.get("metadata")
            mark = metadata.get(TURN_KEY) if isinstance(metadata, dict) else None
            if event.get("event") == "user" and mark == turn:
                return said_in(events[at + 1 :])
        return None

    async def events(self, sender: str) -> list[dict[str, Any]]:
        """The conversation so far (the no-JavaScript page shows it again after a reload)."""
        return await self._events(self.replicas(sender), sender)

    async def _events(self, replicas: list[str], sender: str) -> list[dict[str, Any]]:
        # Reading changes nothing: any replica will do, whatever went wrong with the last.
        failure: Exception | None = None
        for url in replicas:
            try:
                response = await self.client.get(
                    f"{url}/conversations/{sender}/tracker",
                    params={"token": self.token, "include_events": "ALL"},
                )
                response.raise_for_status()
                events = response.json().get("events") or []
            except (httpx.HTTPError, ValueError, AttributeError) as error:
                self._note(url, error)
                failure = error
                continue
            return [e for e in events if isinstance(e, dict)]
        raise RasaUnavailable(describe(failure)) from failure

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU alone (the benchmark's baseline); it keeps nothing, so any replica will do."""
        failure: Exception | None = None
        for url in self.replicas(text):
            try:
                response = await self.client.post(
                    f"{url}/model/parse", params={"token": self.token}, json={"text": text}
                )
                response.raise_for_status()
                parsed: dict[str, Any] = response.json()
            except (httpx.HTTPError, ValueError) as error:
                self._note(url, error)
                failure = error
                continue
            return parsed
        raise RasaUnavailable(describe(failure)) from failure

    async def ready(self, timeout: float) -> tuple[bool, str]:
        """Up with a model loaded: one replica is enough for every conversation to go on."""
        states = await asyncio.gather(*(self._ready(url, timeout) for url in self.urls))
        if len(states) == 1:
            return states[0]
        pairs = zip(self.urls, states, strict=True)
        down = [f"{url} {detail}" for url, (ok, detail) in pairs if not ok]
        up = len(states) - len(down)
        return up > 0, "; ".join([f"{up} of {len(states)} replicas have a model loaded", *down])

    async def _ready(self, url: str, timeout: float) -> tuple[bool, str]:
        try:
            response = await self.client.get(
                f"{url}/status", params={"token": self.token}, timeout=timeout
            )
            response.raise_for_status()
            model = response.json().get("model_file")
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            return False, f"not answering ({type(error).__name__})"
        return (True, "model loaded") if model else (False, "no model loaded")

    async def actions_ready(self, timeout: float) -> tuple[bool, str]:
        return await answers(f"{self.actions_url}/health", timeout)


async def answers(url: str, timeout: float) -> tuple[bool, str]:
    """A plain health URL answers 200 (the action server's /health)."""
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.get(url)
    except httpx.HTTPError as error:
        return False, f"not answering ({type(error).__name__})"
    return (
        (True, "answering")
        if response.status_code == 200
        else (False, f"HTTP {response.status_code}")
    )
