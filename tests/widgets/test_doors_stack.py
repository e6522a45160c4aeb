"""The first reply ends at a door with a phone, in every municipality and without one, on the
web API, the page without JavaScript and SMS (issue 17), through the real stack."""

import json
import re
import urllib.parse
import urllib.request
from typing import Any

import pytest

from stack.door_eval import phones
from stack.supervisor import Supervisor
from tests.widgets.sms.test_sms_stack import OldPhone

pytestmark = pytest.mark.stack

KOMMUNER = (None, "nyborg", "svendborg", "faxe", "norddjurs", "jammerbugt")
NEED = "jeg har ikke noget sted at bo og sover hos venner"
OUT_OF_SCOPE = "hvornår har svømmehallen åbent"
# A Danish phone number as the page shows it: 8 digits in groups, or a short national line.
PHONE = re.compile(r"\b\d{2} ?\d{2} ?\d{2} ?\d{2}\b|\b\d{2} \d{3} \d{3}\b|\b1888\b|\b1818\b")


def first(stack: Supervisor, message: str, kommune: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if kommune:
        body["kommune"] = kommune
    request = urllib.request.Request(
        f"{stack.settings.app_url}/api/chat",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        reply: dict[str, Any] = json.loads(response.read())
    return reply


@pytest.mark.parametrize("kommune", KOMMUNER)
def test_a_first_need_gets_a_phone_on_the_web(running_stack: Supervisor, kommune: str) -> None:
    reply = first(running_stack, NEED, kommune)
    assert [n for n in phones(reply) if n != "112"], reply["services"]
    if kommune is None:
        # The question that leads to the municipality's own help comes with the door.
        buttons = [b["title"] for m in reply["messages"] for b in m["buttons"]]
        assert "Svendborg" in buttons and "Anden kommune / ved ikke" in buttons


@pytest.mark.parametrize("kommune", KOMMUNER)
def test_out_of_scope_gets_a_pointer_and_the_front_door_only(
    running_stack: Supervisor, kommune: str
) -> None:
    reply = first(running_stack, OUT_OF_SCOPE, kommune)
    assert [n for n in phones(reply) if n != "112"], reply["services"]
    assert all(s["front_door"] for s in reply["services"]), [s["id"] for s in reply["services"]]
    assert "borger.dk" in " ".join(m["text"] for m in reply["messages"])


@pytest.mark.parametrize("kommune", KOMMUNER)
def test_a_first_need_gets_a_phone_on_the_page_without_javascript(
    running_stack: Supervisor, kommune: str
) -> None:
    form = {"message": NEED, **({"kommune": kommune} if kommune else {})}
    request = urllib.request.Request(
        f"{running_stack.settings.app_url}/chat", data=urllib.parse.urlencode(form).encode()
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode()
    cards = page.split('class="card"')[1:]
    assert cards and any(PHONE.search(card) for card in cards), page[-3000:]


@pytest.mark.parametrize("kommune", KOMMUNER)
def test_a_first_need_gets_a_phone_by_sms(running_stack: Supervisor, kommune: str) -> None:
    number = f"+452100000{KOMMUNER.index(kommune)}"
    phone = OldPhone(running_stack, number, kommune or "")
    reply = phone.text(NEED)
    numbers = [n for n in re.findall(r"\d[\d ]{1,10}\d", reply) if n.replace(" ", "") != "112"]
    assert any(len(n.replace(" ", "")) >= 4 for n in numbers), reply
