"""Whole conversations with the real running stack, over Rasa's REST channel."""

import sqlite3
import uuid

import pytest

from stack.conversation import Reply, choose_kommune, send
from stack.supervisor import Supervisor

pytestmark = pytest.mark.stack


def talk(stack: Supervisor, *messages: str, kommune: str | None = None) -> list[Reply]:
    sender = f"test-{uuid.uuid4().hex[:10]}"
    metadata = {"kommune": kommune} if kommune else None
    return [send(stack.settings.rasa_url, sender, m, metadata) for m in messages]


def test_a_crisis_first_message_gets_112_and_the_line_before_anything(
    running_stack: Supervisor,
) -> None:
    (reply,) = talk(running_stack, "jeg vil ikke leve mere")
    assert reply.texts[0].startswith("Ring 112")
    assert "70 201 201" in reply.texts[0]
    assert reply.crisis
    assert not reply.asks_kommune


def test_a_crisis_in_the_middle_of_another_flow(running_stack: Supervisor) -> None:
    first, second = talk(running_stack, "jeg har gæld til inkasso", "han slår mig lige nu")
    assert first.asks_kommune
    assert second.texts[0].startswith("Ring 112")
    assert "1888" in second.texts[0]
    assert second.crisis


def test_guidance_asks_the_municipality_then_shows_doors(running_stack: Supervisor) -> None:
    first, second = talk(running_stack, "har ingen steder at sove", choose_kommune("jammerbugt"))
    assert first.asks_kommune and first.themes == ["bolig"]
    assert 1 <= len(second.services) <= 3
    assert second.services[0]["kommune"] == "jammerbugt"
    assert any(s["phone"] or (s["via"] or {}).get("phone") for s in second.services)
    assert [b["title"] for b in second.buttons] == [
        "Flere muligheder",
        "Tal med et menneske",
        "Noget andet",
    ]


def test_a_town_in_the_first_message_means_no_question(running_stack: Supervisor) -> None:
    (reply,) = talk(running_stack, "jeg drikker alt for meget, bor i grenaa")
    assert not reply.asks_kommune
    assert reply.themes[0] == "misbrug"
    assert {s["kommune"] for s in reply.services} <= {"norddjurs", None}


def test_the_municipality_from_the_channel_is_used(running_stack: Supervisor) -> None:
    (reply,) = talk(
        running_stack, "jeg har gæld til inkasso og kan ikke betale", kommune="svendborg"
    )
    assert not reply.asks_kommune
    assert reply.services and reply.services[0]["kommune"] == "svendborg"


def test_two_problems_at_once_drop_neither(running_stack: Supervisor) -> None:
    (reply,) = talk(
        running_stack, "jeg har mistet min lejlighed og drikker for meget", kommune="jammerbugt"
    )
    assert {"bolig", "misbrug"} <= set(reply.themes)
    assert reply.services[0]["front_door"]


def test_out_of_scope_says_what_we_do_and_gives_a_door(running_stack: Supervisor) -> None:
    (reply,) = talk(running_stack, "hvem vandt fodboldkampen i går", kommune="norddjurs")
    assert reply.out_of_scope
    assert "89 59 10 00" in "\n".join(reply.texts)
    assert "jeg forstår ikke" not in " ".join(reply.texts).lower()


def test_a_policy_question_is_answered_from_the_policy(running_stack: Supervisor) -> None:
    (reply,) = talk(running_stack, "hvad gør kommunen for hjemløse", kommune="svendborg")
    sources = [s for p in reply.payloads for s in p["sources"]]
    assert sources and sources[0]["kommune"] == "svendborg"
    assert sources[0]["excerpt"][:40] in "\n".join(reply.texts)


def test_a_human_for_the_theme(running_stack: Supervisor) -> None:
    replies = talk(
        running_stack, "min søn tager stoffer", "kan jeg tale med et menneske", kommune="jammerbugt"
    )
    handover = replies[-1].payloads[-1]["handover"]
    assert handover and handover["phone"]


@pytest.mark.parametrize(
    "message",
    ["", "   ", "🙂🙂🙂", "<script>alert('x')</script>", "ж" * 300, "hjælp " * 3500, "' OR 1=1 --"],
)
def test_bad_input_gets_a_kind_answer_with_a_door(running_stack: Supervisor, message: str) -> None:
    (reply,) = talk(running_stack, message, kommune="norddjurs")
    assert reply.texts
    assert "Traceback" not in " ".join(reply.texts)
    assert reply.services


def test_the_tracker_store_is_sqlite_and_keeps_the_conversation(running_stack: Supervisor) -> None:
    sender = f"test-{uuid.uuid4().hex[:10]}"
    send(running_stack.settings.rasa_url, sender, "jeg har brug for en psykolog")
    with sqlite3.connect(running_stack.settings.tracker_db) as db:
        rows = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()
    assert rows[0] > 0


def test_with_the_action_server_down_there_is_still_an_answer(running_stack: Supervisor) -> None:
    running_stack.stop_one("actions")
    try:
        crisis, need = talk(
            running_stack, "jeg vil ikke leve mere", "jeg har ingen bolig", kommune="svendborg"
        )
        assert crisis.texts[0].startswith("Ring 112")
        assert need.texts and "112" in need.texts[0]
        assert "62 23 30 00" in "\n".join(need.texts)
    finally:
        running_stack.restart("actions")
    (after,) = talk(running_stack, "jeg har ingen bolig", kommune="svendborg")
    assert after.services
