"""Rasa over HTTP only: its REST channel for turns, its HTTP API for history and parsing.

A client returns results, not transport: a list of bot messages, or RasaUnavailable.
"""

from typing import Any

import httpx

REST_WEBHOOK = "/webhooks/rest/webhook"


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    """Rasa and the action server behind it (Rasa calls it; the app only asks if it is up)."""

    def __init__(self, base_url: str, token: str, timeout: float, actions_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.actions_url = actions_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        # Made on first use, inside the running event loop, and reused for keep-alive.
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=self.timeout,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """One turn: what the bot said back, in order."""
        body = {"sender": sender, "message": message, "metadata": metadata}
        try:
            response = await self.client.post(REST_WEBHOOK, params={"token": self.token}, json=body)
            response.raise_for_status()
            said = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(str(error) or type(error).__name__) from error
        if not isinstance(said, list):
            raise RasaUnavailable("the REST channel did not answer with a list")
        return [item for item in said if isinstance(item, dict)]

    async def events(self, sender: str) -> list[dict[str, Any]]:
        """The conversation so far (the no-JavaScript page shows it again after a reload)."""
        try:
            response = await self.client.get(
                f"/conversations/{sender}/tracker",
                params={"token": self.token, "include_events": "ALL"},
            )
            response.raise_for_status()
            events = response.json().get("events") or []
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            raise RasaUnavailable(str(error) or type(error).__name__) from error
        return [e for e in events if isinstance(e, dict)]

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU alone (the benchmark's baseline)."""
        try:
            response = await self.client.post(
                "/model/parse", params={"token": self.token}, json={"text": text}
            )
            response.raise_for_status()
            parsed: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(str(error) or type(error).__name__) from error
        return parsed

    async def ready(self, timeout: float) -> tuple[bool, str]:
        """Up with a model loaded."""
        try:
            response = await self.client.get(
                "/status", params={"token": self.token}, timeout=timeout
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
