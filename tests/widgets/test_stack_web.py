"""The web app in front of the real Rasa and action server, started as `make run` starts them."""

import json
import urllib.parse
import urllib.request
from typing import Any

import pytest

from stack.supervisor import Supervisor

pytestmark = pytest.mark.stack


def call(stack: Supervisor, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{stack.settings.app_url}{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        return json.loads(response.read())


def test_health_reports_every_part_up(running_stack: Supervisor) -> None:
    body = call(running_stack, "/health")
    assert body["status"] == "ok", body
    assert all(part["ok"] for part in body["parts"].values())


def test_a_whole_conversation_through_the_app(running_stack: Supervisor) -> None:
    first = call(running_stack, "/api/chat", {"message": "jeg har ingen steder at sove"})
    assert any("inform_kommune" in b["payload"] for m in first["messages"] for b in m["buttons"])
    session = first["session_id"]
    second = call(
        running_stack,
        "/api/chat",
        {"session_id": session, "message": '/inform_kommune{"kommune": "jammerbugt"}'},
    )
    assert second["services"] and "bolig" in second["themes"]
    assert {s["kommune"] for s in second["services"]} <= {"jammerbugt", None}
    more = call(running_stack, "/api/chat", {"session_id": session, "message": "/ask_more"})
    assert {s["id"] for s in more["services"]}.isdisjoint(s["id"] for s in second["services"])
    crisis = call(running_stack, "/api/chat", {"session_id": session, "message": "jeg vil dø"})
    assert crisis["crisis"] is True and crisis["messages"][0]["text"].startswith("Ring 112")


def test_the_page_without_javascript_keeps_the_conversation_on_reload(
    running_stack: Supervisor,
) -> None:
    form = urllib.parse.urlencode({"message": "jeg drikker for meget", "kommune": "nyborg"})
    request = urllib.request.Request(f"{running_stack.settings.app_url}/chat", data=form.encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode()
    session = page.split('name="session" value="', 1)[1].split('"', 1)[0]
    assert "jeg drikker for meget" in page and 'class="card"' in page
    url = f"{running_stack.settings.app_url}/chat?s={session}&kommune=nyborg"
    with urllib.request.urlopen(url, timeout=60) as response:
        again = response.read().decode()
    assert "jeg drikker for meget" in again and 'class="card"' in again
