"""Talk to the running bot over Rasa's REST channel, as the web and SMS channels will."""

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from actions.payload import PAYLOAD_TYPE
from stack.settings import get_settings


@dataclass
class Reply:
    texts: list[str] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    payloads: list[dict[str, Any]] = field(default_factory=list)

    @property
    def services(self) -> list[dict[str, Any]]:
        return [s for p in self.payloads for s in p.get("services", [])]

    @property
    def themes(self) -> list[str]:
        found = [p["themes"] for p in self.payloads if p.get("themes")]
        return found[0] if found else []

    @property
    def crisis(self) -> bool:
        return any(p.get("crisis") for p in self.payloads)

    @property
    def out_of_scope(self) -> bool:
        return any(p.get("out_of_scope") for p in self.payloads)

    @property
    def asks_kommune(self) -> bool:
        return any("inform_kommune" in b.get("payload", "") for b in self.buttons)


def send(
    rasa_url: str,
    sender: str,
    message: str,
    metadata: dict[str, Any] | None = None,
    token: str | None = None,
) -> Reply:
    """One turn through the REST channel; its token is the stack's unless given."""
    body = json.dumps({"sender": sender, "message": message, "metadata": metadata or {}})
    query = urllib.parse.urlencode({"token": token or get_settings().rasa_token})
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook?{query}",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        said: list[dict[str, Any]] = json.loads(response.read())
    reply = Reply()
    for item in said:
        if item.get("text"):
            reply.texts.append(item["text"])
        reply.buttons += item.get("buttons") or []
        custom = item.get("custom")
        if isinstance(custom, dict) and custom.get("type") == PAYLOAD_TYPE:
            reply.payloads.append(custom)
    return reply


def parse(rasa_url: str, token: str, text: str) -> dict[str, Any]:
    """NLU alone, through Rasa's HTTP API: the benchmarks' baseline."""
    request = urllib.request.Request(
        f"{rasa_url}/model/parse?token={token}",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        parsed: dict[str, Any] = json.loads(response.read())
    return parsed


def choose_kommune(kommune: str | None) -> str:
    """The button a person presses when asked for their municipality."""
    return '/inform_kommune{"kommune": "%s"}' % (kommune or "anden")
