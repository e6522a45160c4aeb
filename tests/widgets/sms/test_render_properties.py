"""Properties of the SMS made from any chat reply (widgets/sms/render.py), over generated replies
with text of every alphabet and length, buttons, services and the crisis flag, in Danish and
English: the text is GSM-7 within its segments, the numbered options map back to their payloads,
a service's name never comes without its number, the first door keeps its number when there is
room for it, and a crisis puts the crisis lines first."""

from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.i18n import text as say
from widgets.models import Button, ChatReply, Message
from widgets.sms.gsm import PART_GSM7, SINGLE_GSM7, is_gsm7, segments, septets, to_gsm7
from widgets.sms.render import MIN_ROOM, TITLE_LIMIT, SmsText, dial, render

PROPERTY = settings(max_examples=150, deadline=None)

# What replies carry and old phones lack: typography, emoji with modifiers and joiners,
# right-to-left scripts and their marks, Cyrillic, the extension table, odd whitespace, and phone
# numbers written the way the bot writes them.
PIECES = [
    "“citat”",
    "‘a’",
    " – ",
    "—",
    "…",
    "😀",
    "🙏🏽",
    "👩\u200d👩\u200d👧",
    "مرحبا بك",
    "שלום",
    "\u200f",
    "\u202e",
    "Привет",
    "æøå ÆØÅ",
    "€",
    "{[]}",
    "\t",
    "\r\n",
    "\u00a0",
    "\n\n",
    "62 23 30 00",
    "+45 70 201 201",
    "112",
]
words = st.from_regex(r"[A-Za-zæøåÆØÅ ,.]{1,40}", fullmatch=True)
snippets = st.lists(
    st.one_of(st.text(max_size=30), st.sampled_from(PIECES), words), max_size=15
).map("".join)
paragraphs = st.lists(words, max_size=15).map(" ".join)  # plain text up to about 600 characters
long_texts = st.builds(lambda part, n: part * n, snippets, st.integers(10, 30))
texts = st.one_of(st.text(max_size=200), snippets, paragraphs, long_texts)
FIRST_WORDS = "Her er nogen, der kan hjælpe dig med det, du skriver om. " * 12  # 684 characters
# Danish numbers as the catalogue writes them; any of them dials as the same 8 digits.
PHONE_FORMATS = ["{0} {1} {2} {3}", "+45 {0}{1}{2}{3}", "0045 {0} {1} {2} {3}", "{0}{1}{2}{3}"]


@dataclass
class Case:
    reply: ChatReply
    language: str
    max_segments: int


@st.composite
def cases(
    draw: st.DrawFn,
    crisis: bool | None = None,
    plain_names: bool = False,
    refer: bool = True,
    sized_first: bool = False,
) -> Case:
    """A ChatReply of any shape. With `plain_names` each service is named "Sted<i>" and has its
    own number (or none), so the text can be searched for it; `refer` lets messages be the text
    form of cards; `sized_first` makes the first message plain words of any length up to past
    three segments (so that it often fits alone, but not beside the options and doors)."""
    count = draw(st.integers(0, 6))
    numbers = draw(st.lists(st.integers(20_000_000, 99_999_999), min_size=count, max_size=count))
    services: list[dict[str, Any]] = []
    for i, number in enumerate(numbers):
        pairs = f"{number:08d}"
        phone = draw(st.sampled_from(PHONE_FORMATS)).format(
            *(pairs[j : j + 2] for j in (0, 2, 4, 6))
        )
        services.append(
            {
                "id": f"s{i}",
                "name": f"Sted{i}" if plain_names else draw(texts),
                "phone": draw(st.sampled_from([phone, phone, None]))
                if plain_names
                else draw(st.none() | st.just(phone) | st.text(max_size=20)),
                "crisis": draw(st.booleans()),
                "address": draw(st.none() | texts),
                "opening": draw(st.none() | texts),
                "open_now": draw(st.sampled_from([None, True, False])),
                "url": draw(st.sampled_from([None, "https://www.livslinien.dk", "x" * 120])),
            }
        )
    if plain_names:  # each its own number: cards never share a contact line
        seen: set[str] = set()
        for service in services:
            if service["phone"] and dial(service["phone"]) in seen:
                service["phone"] = None
            seen.add(dial(service["phone"] or ""))
    ids = [s["id"] for s in services] + ["missing"]
    messages = []
    for m in range(draw(st.integers(0, 4))):
        titles = draw(st.lists(st.one_of(st.text(max_size=60), snippets), max_size=4))
        messages.append(
            Message(
                text=draw(texts),
                buttons=[Button(title=t, payload=f"/p{m}_{j}") for j, t in enumerate(titles)],
                services=draw(st.lists(st.sampled_from(ids), max_size=3)) if refer else [],
            )
        )
    max_segments = draw(st.integers(1, 4))
    if sized_first:
        # Any length, and often just under the room of the segments: fits alone, not with more.
        under = st.integers(-20, 150).map(lambda d: budget(max_segments) - d)
        first = FIRST_WORDS[: draw(st.integers(0, len(FIRST_WORDS)) | under)]
        if messages:
            messages[0].text = first
        else:
            messages.append(Message(text=first))
    sources = draw(
        st.lists(
            st.fixed_dictionaries({"document": texts, "section": st.none() | texts}), max_size=2
        )
    )
    language = draw(st.sampled_from(["da", "en"]))
    reply = ChatReply(
        session_id="s",
        messages=messages,
        services=services,
        sources=sources,
        crisis=draw(st.booleans()) if crisis is None else crisis,
        language=language,
    )
    return Case(reply, language, max_segments)


def budget(max_segments: int) -> int:
    return SINGLE_GSM7 if max_segments == 1 else PART_GSM7 * max_segments


def choosable(reply: ChatReply) -> list[Button]:
    """The buttons that can become options: those of the last message with any, whose title
    keeps something in GSM-7 (a title of emoji alone cannot be chosen by its number)."""
    last = next((m for m in reversed(reply.messages) if m.buttons), None)
    return [b for b in (last.buttons if last else []) if " ".join(to_gsm7(b.title).split())]


def contact(service: dict[str, Any], language: str) -> str:
    return say("sms_render.phone", language, phone=dial(service["phone"]))


def sms_for(case: Case) -> SmsText:
    return render(case.reply, case.max_segments, language=case.language)


@PROPERTY
@given(cases())
def test_any_reply_is_gsm7_within_its_segments(case: Case) -> None:
    sms = sms_for(case)
    assert sms.text and is_gsm7(sms.text)
    assert segments(sms.text) <= case.max_segments
    assert septets(sms.text) <= budget(case.max_segments)
    for option in sms.options:
        assert option.title and is_gsm7(option.title) and septets(option.title) <= TITLE_LIMIT


@PROPERTY
@given(cases() | cases(sized_first=True))
def test_the_options_are_numbered_in_order_and_map_back_to_their_payloads(case: Case) -> None:
    sms = sms_for(case)
    expected = choosable(case.reply)
    if not case.reply.crisis and case.max_segments >= 2:
        # Without a crisis only the first message comes before the options, and it is cut to
        # make room for them: four of them fit in two segments.
        assert bool(sms.options) == bool(expected)
    if not sms.options:
        return
    assert [b.payload for b in sms.options] == [b.payload for b in expected]
    n = len(sms.options)
    lines = sms.text.split("\n")
    numbered = [
        say("sms_render.option", case.language, number=k, title=b.title)
        for k, b in enumerate(sms.options, 1)
    ]
    assert lines[-n - 1 : -1] == numbered
    if n == 1:
        answer = say("sms_render.answer_one", case.language, last=1)
    else:
        numbers = ", ".join(str(k) for k in range(1, n))
        answer = say("sms_render.answer_many", case.language, numbers=numbers, last=n)
    assert lines[-1] == answer


@PROPERTY
@given(cases(plain_names=True))
def test_a_name_never_comes_without_its_number(case: Case) -> None:
    lines = sms_for(case).text.split("\n")
    for service in case.reply.services:
        if service["phone"] and service["name"] in lines:
            after = lines[lines.index(service["name"]) + 1]
            assert after == contact(service, case.language)


@PROPERTY
@given(cases(crisis=False, plain_names=True, refer=False, sized_first=True))
def test_the_first_door_keeps_its_number_when_there_is_room(case: Case) -> None:
    services = case.reply.services
    if not services or not services[0]["phone"]:
        return
    first = services[0]
    card = len(first["name"]) + 1 + septets(contact(first, case.language))
    options = len(choosable(case.reply))
    # At most: each option line ("4 " and a title of TITLE_LIMIT), and the "answer" line.
    room_for_options = options * (2 + TITLE_LIMIT + 1) + 30 if options else 0
    # The first message gives way down to MIN_ROOM septets; a newline between each block.
    if card + room_for_options + MIN_ROOM + 3 <= budget(case.max_segments):
        lines = sms_for(case).text.split("\n")
        assert first["name"] in lines and contact(first, case.language) in lines


@PROPERTY
@given(cases(crisis=True, plain_names=True))
def test_a_crisis_puts_the_crisis_lines_first(case: Case) -> None:
    lines = sms_for(case).text.split("\n")
    phones = [s for s in case.reply.services if s["phone"]]
    crisis_lines = [contact(s, case.language) for s in phones if s["crisis"]]
    others = [contact(s, case.language) for s in phones if not s["crisis"]]
    # Two crisis lines with their names fit in one segment with room to spare.
    for line in crisis_lines[:2]:
        assert line in lines
    shown = [lines.index(line) for line in crisis_lines if line in lines]
    later = [lines.index(line) for line in others if line in lines]
    assert not later or max(shown, default=-1) < min(later)
