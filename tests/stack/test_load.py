"""The load driver: what a session says next, how turns are judged, the arithmetic of a run, and
one short real run through the app of the running stack."""

import asyncio
import json

import httpx
import pytest

from stack.bench_stats import growth, percentile, percentiles, rate, ratio
from stack.load import (
    OPENINGS,
    Answer,
    ApiChat,
    Conversation,
    LoadRun,
    RasaParse,
    RasaRest,
    Turn,
    TurnError,
    drive,
    next_message,
    one_turn,
    run_load,
)
from stack.supervisor import Supervisor

KOMMUNE_BUTTONS = [f'/inform_kommune{{"kommune": "{k}"}}' for k in ("nyborg", "faxe", "anden")]
AFTER_SERVICES = ["/ask_more", "/ask_human", "/something_else"]


def test_a_session_picks_its_municipality_from_the_buttons() -> None:
    talk = Conversation(number=4, kommune=None, sent=["jeg har ingen steder at sove"])
    said = next_message(Answer(["Hvilken kommune bor du i?"], KOMMUNE_BUTTONS), talk)
    assert said == KOMMUNE_BUTTONS[4 % 3]


def test_a_session_asks_for_more_then_a_second_need_then_a_person_then_ends() -> None:
    talk = Conversation(number=0, kommune="faxe", sent=["jeg har ingen steder at sove"])
    answer = Answer(["Her er steder, der kan hjælpe"], AFTER_SERVICES)
    said = []
    while (message := next_message(answer, talk)) is not None:
        said.append(message)
        talk.sent.append(message)
    assert said == ["/ask_more", "jeg har også gæld", "/ask_human"]


def test_a_conversation_ends_after_the_most_turns_even_if_asked_again() -> None:
    talk = Conversation(number=0, kommune=None, sent=["a", "b", "c", "d", "e", "f"])
    assert next_message(Answer(["Hvilken kommune?"], KOMMUNE_BUTTONS), talk) is None


def test_without_buttons_a_session_says_its_second_thing_and_stops() -> None:
    talk = Conversation(number=1, kommune=None, sent=["min søn drikker"])
    assert next_message(Answer(["misbrug"]), talk) == "kan jeg få hjælp uden at sige mit navn"
    talk.sent.append("kan jeg få hjælp uden at sige mit navn")
    assert next_message(Answer(["misbrug"]), talk) is None


def mock_client(reply: httpx.Response | Exception) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(reply, Exception):
            raise reply
        return reply

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def api_turn(reply: httpx.Response | Exception) -> Turn:
    async def go() -> Turn:
        async with mock_client(reply) as client:
            talk = Conversation(number=0, kommune="faxe")
            turn, _ = await one_turn(client, ApiChat("http://app"), talk, "hej", 0.0)
            return turn

    return asyncio.run(go())


def chat_reply(**fields: object) -> dict[str, object]:
    return {"session_id": "s-123456789", "messages": [{"text": "Hej", "buttons": []}]} | fields


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (httpx.Response(200, json=chat_reply()), None),
        (httpx.Response(500, text="oops"), "http 500"),
        (httpx.Response(429, json={"detail": "slow down"}), "http 429"),
        (httpx.Response(200, text="<html>"), "not json"),
        (httpx.Response(200, json=chat_reply(messages=[])), "no messages"),
        (httpx.Response(200, json=chat_reply(limited=True)), "limited (Rasa did not answer)"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (httpx.ConnectError("refused"), "transport ConnectError"),
    ],
)
def test_every_kind_of_failed_turn_is_an_error(
    reply: httpx.Response | Exception, error: str | None
) -> None:
    turn = api_turn(reply)
    assert turn.error == error
    assert turn.reply == ("Hej" if error is None else "")


def test_rasa_rest_and_parse_answers_are_read() -> None:
    said = [
        {"recipient_id": "x", "text": "Hvilken kommune?", "buttons": [{"payload": "/a"}]},
        {"recipient_id": "x", "custom": {"type": "alle_doere", "services": [{"id": "s"}]}},
    ]

    async def go() -> tuple[Answer, Answer]:
        async with mock_client(httpx.Response(200, json=said)) as client:
            rest = await RasaRest("http://rasa", "t").say(client, Conversation(0, None), "hej")
        parsed = {"intent": {"name": "need_bolig", "confidence": 0.9}}
        async with mock_client(httpx.Response(200, json=parsed)) as client:
            parse = await RasaParse("http://rasa", "t").say(client, Conversation(0, None), "hej")
        return rest, parse

    rest, parse = asyncio.run(go())
    assert (rest.texts, rest.payloads, rest.services) == (["Hvilken kommune?"], ["/a"], 1)
    assert parse.texts == ["need_bolig"]


class Scripted:
    """A stand-in bot that asks for the municipality, then offers more, at no cost."""

    async def say(self, client: httpx.AsyncClient, talk: Conversation, message: str) -> Answer:
        await asyncio.sleep(0.001)
        if len(talk.sent) == 0 and talk.kommune is None:
            return Answer(["Hvilken kommune?"], KOMMUNE_BUTTONS)
        return Answer(["Her er steder"], AFTER_SERVICES, services=3)


def test_sessions_hold_conversations_until_the_deadline_and_start_new_ones() -> None:
    run = asyncio.run(drive(Scripted(), "scripted", sessions=3, seconds=0.3, timeout=5.0))
    assert run.turns and not run.errors
    assert run.conversations >= 3
    assert all(t.at_s < 0.3 for t in run.turns)  # no turn starts after the deadline
    openings = {opening for opening, _ in OPENINGS}
    assert sum(t.message in openings for t in run.turns) == run.conversations
    assert any(t.message.startswith("/inform_kommune") for t in run.turns)
    assert any(t.message == "/ask_more" for t in run.turns)


class Broken:
    async def say(self, client: httpx.AsyncClient, talk: Conversation, message: str) -> Answer:
        raise TurnError("http 500")


def test_after_an_error_a_session_pauses_then_starts_a_new_conversation() -> None:
    run = asyncio.run(drive(Broken(), "broken", sessions=2, seconds=0.5, timeout=5.0))
    # One failed opening per session: the pause (1 s) outlasts the run.
    assert len(run.turns) == 2 and run.errors == {"http 500": 2}
    assert run.conversations == 2
    assert run.summary()["per_s"] == 0.0


def test_a_run_summary_counts_turns_errors_and_answered_turns_a_second() -> None:
    turns = [Turn(0.0, 0.1, "a")] * 18 + [Turn(0.0, 2.0, "b", error="timeout")] * 2
    run = LoadRun("api_chat", sessions=2, seconds=10, elapsed_s=9.0, conversations=4, turns=turns)
    summary = run.summary()
    assert summary["turns"] == 20 and summary["errors"] == 2
    assert summary["error_kinds"] == {"timeout": 2}
    assert summary["per_s"] == 2.0  # 18 answered in 9 s
    assert summary["p50_ms"] == 100.0 and summary["p95_ms"] == 2000.0  # errors count too


def test_percentiles_are_nearest_rank() -> None:
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 0.5) == 50.0 and percentile(samples, 0.95) == 95.0
    assert percentile([3.0], 0.95) == 3.0
    assert percentiles([0.01] * 19 + [0.1]) == {"p50_ms": 10.0, "p95_ms": 10.0}
    assert percentiles([0.01] * 18 + [0.1] * 2) == {"p50_ms": 10.0, "p95_ms": 100.0}
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_rates_and_ratios() -> None:
    assert rate(150, 60.0) == 2.5 and rate(5, 0.0) == 0.0
    assert ratio(30.0, 15.0) == 2.0 and ratio(1.0, 0.0) is None


def test_memory_that_levels_off_has_stopped_growing() -> None:
    series = [100.0, 150.0, 180.0, 200.0, 201.0, 200.5, 201.5, 200.0, 201.0]
    judged = growth(series)
    assert judged["stopped_growing"] is True
    assert (judged["start_mb"], judged["end_mb"], judged["max_mb"]) == (100.0, 201.0, 201.5)
    assert judged["middle_third_max_mb"] == 201.0 and judged["last_third_max_mb"] == 201.5


def test_memory_that_keeps_climbing_has_not_stopped_growing() -> None:
    series = [1000.0 + 10 * i for i in range(30)]  # 10 MB a sample, to the end
    assert growth(series)["stopped_growing"] is False


def test_too_few_samples_say_nothing_about_growth() -> None:
    assert growth([100.0, 120.0])["stopped_growing"] is None


@pytest.mark.stack
def test_a_short_real_load_run_through_the_app(running_stack: Supervisor) -> None:
    # The test stack's app has the per-address limit off (tests/conftest.py), as the bench's.
    settings = running_stack.settings
    run = run_load(ApiChat(settings.app_url), "api_chat", sessions=3, seconds=5.0)
    summary = run.summary()
    assert summary["turns"] > 0 and summary["errors"] == 0, json.dumps(summary)
    assert summary["per_s"] > 0 and summary["p50_ms"] > 0
    # Real replies: words from the bot, services on the way, and the buttons were followed.
    assert all(t.reply for t in run.turns)
    assert any(t.services > 0 for t in run.turns)
    assert any(t.message.startswith("/") for t in run.turns)
