"""The probes of issue 16 against the real stack: `/intent{json}` payloads and personal data by
every path that reaches Rasa, then a read of the tracker store and of every log the supervisor
writes; and ids across channels."""

import json
import random
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing
from typing import Any

import pytest
from twilio.request_validator import RequestValidator

from knowledge.payloads import get_allow_list
from knowledge.redact_gen import KINDS, Sample, missed, sample
from stack.conversation import send
from stack.supervisor import Supervisor
from tests.widgets.sms.signing import gatewayapi_signed
from tests.widgets.sms.test_sms_stack import OldPhone
from tests.widgets.test_privacy_stack import PRIVATE, post
from widgets.ids import is_web_id
from widgets.settings import WebSettings
from widgets.sms.state import number_key

pytestmark = pytest.mark.stack

# Made-up, and none of it may end up in a slot, an entity or a log: a name and a street where
# a municipality goes, and a CPR number Rasa itself would decode from \u escapes.
NAME, STREET = "Mette Kjærgaard Thygesen", "Rødtjørnevænget"
CPR_ESCAPED = "".join(f"\\u{ord(c):04x}" for c in PRIVATE["cpr"])


def payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


PAYLOADS = [
    payload("inform_kommune", kommune=CPR_ESCAPED).replace("\\\\", "\\"),
    payload("inform_kommune", kommune=NAME),
    payload("inform_kommune", kommune="faxe", theme=STREET),
    payload("need_bolig", kommune=f"{STREET} {PRIVATE['phone']}"),
    payload("inform_kommune", kommune=NAME).replace("{", "@1.0{", 1),
    payload("crisis", crisis_kind=NAME),
    "/restart",
    " /" + payload("session_start", kommune=STREET),
]
PERSONAL = [
    f"jeg hedder {NAME} og bor på {PRIVATE['address']}, mit cpr er {PRIVATE['cpr']}",
    f"ring på {PRIVATE['phone']} eller skriv til {PRIVATE['email']}, jeg har gæld",
]
# Kept nowhere, neither in the tracker store nor in a log: the four kinds, and the CPR number
# Rasa would have decoded from the escapes.
NOT_STORED = [*PRIVATE.values(), "150387", "28 41"]
# In no slot, no entity and no log (the tracker store keeps the redacted words, names included).
NOT_SET = [NAME, STREET, "Kjærgaard", "Thygesen", "Rødtjørne"]
# The slots that keep the person's own (redacted) words, to answer them later: a name they
# wrote may be there, as in the tracker's user events, but never a personal value.
WORD_SLOTS = frozenset({"pending", "query"})


def form(stack: Supervisor, fields: dict[str, str]) -> str:
    request = urllib.request.Request(
        f"{stack.settings.app_url}/chat",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return str(response.read().decode())


def session_of(page: str) -> str:
    found = re.search(r'name="session" value="([^"]+)"', page)
    assert found, page[-2000:]
    return found.group(1)


def events_of(stack: Supervisor, senders: list[str]) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(stack.settings.tracker_db)) as db:
        marks = ",".join("?" * len(senders))
        query = f"select type_name, data from events where sender_id in ({marks})"
        rows = db.execute(query, senders).fetchall()
    return [{"type": kind, **json.loads(data)} for kind, data in rows]


def logs(stack: Supervisor) -> str:
    """Every log the supervisor writes (var/log/<process>.log), and whatever else is there."""
    files = sorted(stack.settings.log_dir.glob("**/*"))
    assert {"app.log", "rasa.log", "actions.log"} <= {f.name for f in files}
    return "\n".join(f.read_text(errors="replace") for f in files if f.is_file())


def everything(stack: Supervisor) -> str:
    with closing(sqlite3.connect(stack.settings.tracker_db)) as db:
        stored = [repr(row) for row in db.execute("select * from events").fetchall()]
    return "\n".join([*stored, logs(stack)])


def test_payloads_and_personal_data_by_every_path_leave_no_trace(
    running_stack: Supervisor,
) -> None:
    settings = running_stack.settings
    app = settings.app_url
    senders: list[str] = []
    # The web widget's API, one conversation.
    session: str | None = None
    for message in [*PERSONAL, *PAYLOADS, '/inform_kommune{"kommune": "faxe"}']:
        reply = post(f"{app}/api/chat", {"session_id": session, "message": message})
        session = reply["session_id"]
    assert session is not None
    senders.append(session)
    # The page without JavaScript, another.
    page = form(running_stack, {"message": PERSONAL[0], "kommune": "svendborg"})
    for message in [*PAYLOADS, PERSONAL[1]]:
        page = form(running_stack, {"message": message, "session": session_of(page)})
    senders.append(session_of(page))
    # SMS, a third.
    number = "+4520001616"
    phone = OldPhone(running_stack, number, "faxe")
    for message in [*PERSONAL, *PAYLOADS]:
        phone.text(message)
    senders.append(number_key(number, WebSettings().sms_number_secret))
    # Rasa's own REST channel, straight, with the token: a fourth.
    for message in [*PERSONAL, *PAYLOADS]:
        send(settings.rasa_url, "security-direct-0001", message)
    senders.append("security-direct-0001")

    events = events_of(running_stack, senders)
    by_sender = {s: events_of(running_stack, [s]) for s in senders}
    assert all(by_sender.values()), {s: len(e) for s, e in by_sender.items()}
    allow = get_allow_list()
    for event in events:
        # Only offered payloads reached Rasa as payloads; the rest came as words.
        if event["type"] == "user" and str(event.get("text", "")).startswith("/"):
            assert allow.allowed(event["text"]) is not None, event["text"]
        # What a payload set is in the vocabulary of the offered buttons ...
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            if entity.get("extractor") == "RegexMessageHandler":
                assert entity.get("value") in allow.vocabulary[entity["entity"]], entity
        # ... and no slot holds a personal value or what a payload tried to set.
        if event["type"] == "slot":
            value = json.dumps(event.get("value"), ensure_ascii=False)
            banned = NOT_STORED if event.get("name") in WORD_SLOTS else [*NOT_STORED, *NOT_SET]
            assert not any(v in value for v in banned), event
    # Neither the tracker store nor any log holds a personal value.
    stored = everything(running_stack)
    for value in NOT_STORED:
        assert value not in stored, value
    # The logs hold no message text at all: not a name, not a payload, not a redacted message.
    written = logs(running_stack)
    for words in [*NOT_SET, "inform_kommune{", "need_bolig{", "jeg har gæld", "ring på [tlf]"]:
        assert words not in written, words


def test_a_web_route_never_returns_an_sms_conversation(running_stack: Supervisor) -> None:
    number = "+4520001717"
    OldPhone(running_stack, number, "svendborg").text("jeg er ensom om aftenen")
    key = number_key(number, WebSettings().sms_number_secret)
    assert events_of(running_stack, [key])
    app = running_stack.settings.app_url
    with urllib.request.urlopen(f"{app}/chat?s={key}", timeout=60) as response:
        page = response.read().decode()
    assert "ensom om aftenen" not in page and key not in page
    reply = post(f"{app}/api/chat", {"session_id": key, "message": "hvad skrev jeg før?"})
    assert reply["session_id"] != key and is_web_id(
        reply["session_id"], WebSettings().session_id_secret
    )
    said = [e.get("text") for e in events_of(running_stack, [key]) if e["type"] == "user"]
    assert said == ["jeg er ensom om aftenen"]


def test_a_made_up_web_id_is_never_stored(running_stack: Supervisor) -> None:
    app = running_stack.settings.app_url
    made_up = PRIVATE["cpr"]
    reply = post(f"{app}/api/chat", {"session_id": made_up, "message": "hej"})
    assert reply["session_id"] != made_up
    assert events_of(running_stack, [made_up]) == []
    assert events_of(running_stack, [reply["session_id"]])


# The redaction fuzz, through the running stack: a sample of the generated set (the full 10,000
# of each kind run in-process, `make redact-fuzz`).
FUZZ_PER_KIND = 25
FUZZ_SEED = 1616


def test_generated_personal_data_through_the_api_leaves_no_trace(
    running_stack: Supervisor,
) -> None:
    app = running_stack.settings.app_url
    rng = random.Random(FUZZ_SEED)
    sent: dict[str, list[Sample]] = {}
    generated_set = [sample(kind, rng) for kind in KINDS for _ in range(FUZZ_PER_KIND)]
    # Conversations of ten turns: under the per-conversation rate limit (20 a minute).
    for start in range(0, len(generated_set), 10):
        samples = generated_set[start : start + 10]
        session: str | None = None
        for generated in samples:
            reply = post(f"{app}/api/chat", {"session_id": session, "message": generated.message})
            session = reply["session_id"]
        assert session is not None
        sent[session] = samples
    written = logs(running_stack)
    for session, samples in sent.items():
        events = events_of(running_stack, [session])
        said = [str(e.get("text") or "") for e in events if e["type"] == "user"]
        # Every turn reached Rasa, as the redacted words: no digit, no word of the value left.
        assert len(said) == len(samples), (len(said), len(samples))
        for stored, generated in zip(said, samples, strict=True):
            assert not missed(stored, generated.secrets), (generated.message, stored)
        # The slots that keep the person's words keep the redacted ones.
        for event in events:
            if event["type"] == "slot" and event.get("name") in WORD_SLOTS and event.get("value"):
                value = str(event["value"])
                assert any(value in s for s in said), value
        # And no log holds a message or a word of a value.
        for generated in samples:
            assert generated.message not in written
            for word in generated.secrets:
                assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", written.lower()), word


def gatewayapi(stack: Supervisor, body: dict[str, Any], header: str) -> int:
    request = urllib.request.Request(
        f"{stack.settings.app_url}/sms/gatewayapi?kommune=nyborg",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Gwapi-Signature": header},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def twilio(stack: Supervisor, params: dict[str, str], signature: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{stack.settings.app_url}/sms/twilio?kommune=nyborg",
        data=urllib.parse.urlencode(params).encode(),
        headers={"X-Twilio-Signature": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), ""


def user_turns(stack: Supervisor, number: str) -> list[str]:
    key = number_key(number, WebSettings().sms_number_secret)
    return [str(e.get("text")) for e in events_of(stack, [key]) if e["type"] == "user"]


def test_forged_and_replayed_webhooks_are_refused(running_stack: Supervisor) -> None:
    settings = WebSettings()
    # GatewayAPI: signed by another secret, a signature of another message, a replay.
    number = 4520001818
    mo = {"id": 91000001, "msisdn": number, "receiver": 451204, "message": "jeg er hjemløs"}
    body, header = gatewayapi_signed(mo, settings.gatewayapi_jwt_secret)
    assert gatewayapi(running_stack, body, gatewayapi_signed(mo, "x" * 32)[1]) == 403
    assert gatewayapi(running_stack, {**body, "message": "noget andet"}, header) == 403
    old, old_header = gatewayapi_signed(mo, settings.gatewayapi_jwt_secret, sent=1.0e9)
    assert gatewayapi(running_stack, old, old_header) == 403
    assert gatewayapi(running_stack, body, header) == 200
    assert gatewayapi(running_stack, body, header) == 200
    assert user_turns(running_stack, str(number)) == ["jeg er hjemløs"]
    # Twilio: a forged signature, then the same MessageSid twice, then no MessageSid twice.
    url = f"{running_stack.settings.app_url}/sms/twilio?kommune=nyborg"
    number_t = "+4520001919"
    params = {"From": number_t, "Body": "jeg har gæld", "MessageSid": "SMforged0001"}
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, params)
    forged = RequestValidator("x").compute_signature(url, params)
    assert twilio(running_stack, params, forged)[0] == 403
    first = twilio(running_stack, params, signature)
    again = twilio(running_stack, params, signature)
    assert first[0] == again[0] == 200 and "<Message>" in first[1] and "<Message>" not in again[1]
    bare = {"From": number_t, "Body": "jeg er ensom"}
    signed = RequestValidator(settings.twilio_auth_token).compute_signature(url, bare)
    assert twilio(running_stack, bare, signed)[0] == twilio(running_stack, bare, signed)[0] == 200
    assert user_turns(running_stack, number_t) == ["jeg har gæld", "jeg er ensom"]


ODD_REPLIES = ["²", "①", "🙂", "", "   ", "٣", "1" * 400]


@pytest.mark.parametrize("body", ODD_REPLIES)
def test_odd_sms_replies_after_a_menu_get_a_kind_answer(
    running_stack: Supervisor, body: str
) -> None:
    # A number of its own for each reply: the phone's message ids count from 1 again.
    phone = OldPhone(running_stack, f"+452000{2100 + ODD_REPLIES.index(body)}", "faxe")
    app_log = running_stack.settings.log_dir / "app.log"
    before = app_log.stat().st_size
    phone.text("hej")
    reply = phone.text(body)
    # What the app wrote meanwhile (other tests stop Rasa or the actions on purpose).
    with app_log.open("rb") as log:
        log.seek(before)
        written = log.read().decode(errors="replace")
    assert reply.strip() and "Traceback" not in written and "Exception" not in written
