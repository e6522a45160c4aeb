"""Whole conversations by SMS through the real stack: Twilio-signed posts to the running app."""

import sqlite3
import urllib.parse
import urllib.request
from xml.sax.saxutils import unescape

import pytest
from twilio.request_validator import RequestValidator

from stack.supervisor import Supervisor
from widgets.settings import WebSettings
from widgets.sms.gsm import is_gsm7, segments
from widgets.sms.simulate import describe, send
from widgets.sms.state import number_key

pytestmark = pytest.mark.stack


class OldPhone:
    def __init__(self, stack: Supervisor, number: str, kommune: str) -> None:
        self.url = f"{stack.settings.app_url}/sms/twilio?kommune={kommune}"
        self.number = number
        self.count = 0

    def text(self, body: str) -> str:
        self.count += 1
        params = {"From": self.number, "Body": body, "MessageSid": f"{self.number}-{self.count}"}
        signature = RequestValidator("dev-twilio-token").compute_signature(self.url, params)
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(params).encode(),
            headers={"X-Twilio-Signature": signature},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            xml = response.read().decode()
        reply = unescape(xml.split("<Message>")[1].split("</Message>")[0])
        assert is_gsm7(reply) and segments(reply) <= 3, reply
        return reply


def test_homelessness_by_sms_reaches_a_number_to_call(running_stack: Supervisor) -> None:
    phone = OldPhone(running_stack, "+4520000001", "jammerbugt")
    first = phone.text("har ingen steder at sove")
    assert "Svar 1, 2 eller 3" in first and "72577777" in first
    more = phone.text("1")
    assert "Tlf." in more or "Ring til" in more


def test_crisis_by_sms_gets_112_and_the_line_first(running_stack: Supervisor) -> None:
    reply = OldPhone(running_stack, "+4520000002", "svendborg").text("jeg vil ikke leve mere")
    assert reply.startswith("Ring 112")
    assert reply.index("70201201") < 200
    assert "Tlf. 112\nRing og spørg" not in reply  # no guessing at the hours of 112


def test_two_problems_by_sms_are_both_named(running_stack: Supervisor) -> None:
    phone = OldPhone(running_stack, "+4520000003", "norddjurs")
    reply = phone.text("jeg har mistet min lejlighed og drikker for meget")
    assert "bolig" in reply and ("alkohol" in reply or "misbrug" in reply)
    assert "89591000" in reply


def test_out_of_scope_by_sms_still_ends_at_a_door(running_stack: Supervisor) -> None:
    reply = OldPhone(running_stack, "+4520000004", "svendborg").text("hvem vandt fodboldkampen")
    assert "62233000" in reply


def test_stop_forgets_the_conversation_and_the_number_is_never_stored(
    running_stack: Supervisor,
) -> None:
    number = "+4520000005"
    phone = OldPhone(running_stack, number, "svendborg")
    phone.text("jeg har gæld til inkasso")
    key = number_key(number, WebSettings().sms_number_secret)
    tracker_db = running_stack.settings.tracker_db
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute("select count(*) from events where sender_id = ?", (key,)).fetchone()
    assert rows[0] > 0
    assert "slettet" in phone.text("STOP")
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute("select count(*) from events where sender_id = ?", (key,)).fetchone()
    assert rows[0] == 0
    stored = [tracker_db, running_stack.settings.var_dir / "sms" / "state.db"]
    stored += list(running_stack.settings.log_dir.glob("*.log"))
    for path in stored:
        assert b"20000005" not in path.read_bytes(), path


def test_the_simulator_shows_each_reply_with_encoding_and_segments(
    running_stack: Supervisor,
) -> None:
    url = f"{running_stack.settings.app_url}/sms/twilio?kommune=faxe"
    reply = send(url, WebSettings().twilio_auth_token, "+4520000006", "jeg er så ensom")
    assert reply and describe(reply).startswith("[GSM-7, ")


def test_a_whole_conversation_in_english_by_sms(running_stack: Supervisor) -> None:
    phone = OldPhone(running_stack, "+4520000011", "svendborg")
    first = phone.text("i have nowhere to sleep tonight")
    assert "Reply 1, 2 or 3" in first, first
    assert "Phone" in first or "Call" in first, first
    more = phone.text("1")  # More options
    assert "Svar" not in more and ("Phone" in more or "Call" in more or "Contact" in more), more
    human = phone.text("2")  # Talk to a person
    assert any(ch.isdigit() for ch in human) and "Svar" not in human, human
    assert "NEW" in phone.text("HELP")
    assert "deleted" in phone.text("STOP").lower()


def test_ukrainian_by_sms_is_answered_in_english_with_an_interpreter_offer(
    running_stack: Supervisor,
) -> None:
    reply = OldPhone(running_stack, "+4520000012", "svendborg").text(
        "Мені нема де спати, мене виселили з квартири"
    )
    assert "tolk" in reply and "interpreter" in reply, reply
