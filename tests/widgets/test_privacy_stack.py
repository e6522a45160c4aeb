"""Privacy and the tokens, through the real stack: what a person writes about themselves is not
in Rasa's tracker store or in any log, and only callers with a token reach Rasa and the actions."""

import json
import sqlite3
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from stack.conversation import send
from stack.supervisor import Supervisor

pytestmark = pytest.mark.stack

# Made-up data of the shapes people write; none of it may be stored anywhere.
PRIVATE = {
    "cpr": "150387-2941",
    "phone": "28 41 93 67",
    "email": "mette.k.jensen@hotmail.dk",
    "address": "Kildebakken 14, 2. tv",
}


def post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def everything_stored(stack: Supervisor) -> str:
    """Every column of every tracker event, and every log the stack wrote, as one text."""
    with closing(sqlite3.connect(stack.settings.tracker_db)) as db:
        events = db.execute("select * from events").fetchall()
    logs = [p.read_text(errors="replace") for p in stack.settings.log_dir.glob("*.log")]
    return "\n".join([*(repr(e) for e in events), *logs])


def test_personal_data_is_taken_out_before_it_is_stored_and_the_person_is_told(
    running_stack: Supervisor,
) -> None:
    app = running_stack.settings.app_url
    message = (
        f"jeg har gæld og bor på {PRIVATE['address']}. mit cpr er {PRIVATE['cpr']}, "
        f"ring på {PRIVATE['phone']} eller skriv til {PRIVATE['email']}"
    )
    reply = post(f"{app}/api/chat", {"message": message, "kommune": "svendborg"})
    first = reply["messages"][0]["text"]
    assert first.startswith("Jeg har fjernet") and "ikke bliver gemt" in first
    for named in ("en e-mail", "et CPR-nummer", "en adresse", "et telefonnummer"):
        assert named in first
    # The need itself was understood: the answer goes on to help with debt.
    assert "oekonomi" in reply["themes"] and reply["services"]
    stored = everything_stored(running_stack)
    assert reply["session_id"] in stored  # the conversation is there ...
    with closing(sqlite3.connect(running_stack.settings.tracker_db)) as db:
        user = db.execute(
            "select data from events where sender_id = ? and type_name = 'user'",
            (reply["session_id"],),
        ).fetchall()
    assert [json.loads(row[0])["text"] for row in user] == [
        # "2. tv." goes whole with the address: its dot may be the floor's or the sentence's.
        "jeg har gæld og bor på [adresse] mit cpr er [cpr], ring på [tlf] eller skriv til [e-mail]"
    ]
    for kind, value in PRIVATE.items():
        assert value not in stored, kind
    assert "150387" not in stored and "28 41" not in stored


def test_rasa_takes_it_out_too_when_a_message_does_not_come_through_the_app(
    running_stack: Supervisor,
) -> None:
    settings = running_stack.settings
    send(settings.rasa_url, "privacy-direct-0001", f"cpr {PRIVATE['cpr']} jeg er ensom")
    with closing(sqlite3.connect(settings.tracker_db)) as db:
        texts = db.execute(
            "select data from events where sender_id = ? and type_name = 'user'",
            ("privacy-direct-0001",),
        ).fetchall()
    assert texts and all(PRIVATE["cpr"] not in row[0] for row in texts)
    assert any('"text": "cpr [cpr] jeg er ensom"' in row[0] for row in texts)


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/rest/webhook",
        "/webhooks/rest/webhook?token=wrong",
    ],
)
def test_rasa_answers_only_with_its_token(running_stack: Supervisor, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        post(f"{running_stack.settings.rasa_url}{path}", {"sender": "x", "message": "hej"})
    assert refused.value.code == 401


def test_the_action_server_answers_only_with_its_token(running_stack: Supervisor) -> None:
    actions = running_stack.settings.actions_url
    body = {"next_action": "action_guide", "tracker": {}, "domain": {}, "version": "3.6.21"}
    with pytest.raises(urllib.error.HTTPError) as refused:
        post(f"{actions}/webhook", body)
    assert refused.value.code == 401
    with urllib.request.urlopen(f"{actions}/health", timeout=10) as health:
        assert health.status == 200  # says only "up"
    token = running_stack.settings.actions_token
    with urllib.request.urlopen(f"{actions}/actions?token={token}", timeout=10) as listed:
        assert {"name": "action_guide"} in json.loads(listed.read())


def test_every_process_listens_on_loopback_only(running_stack: Supervisor) -> None:
    settings = running_stack.settings
    assert settings.host == "127.0.0.1"
    listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
    ports = {settings.rasa_port, settings.actions_port, settings.app_port}
    found = {}
    for line in listening:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if state == "0A" and int(port, 16) in ports:  # 0A: LISTEN
            found[int(port, 16)] = address
    # 0100007F is 127.0.0.1 in the kernel's little-endian hex.
    assert found == dict.fromkeys(ports, "0100007F")
