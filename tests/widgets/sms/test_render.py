"""A chat reply as one text message for an old phone: real replies captured from Rasa, hand-made
ones at the edges, and generated ones of any alphabet and length."""

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.chat import from_rasa
from widgets.models import Button, ChatReply, Message
from widgets.sms.gsm import is_gsm7, segments
from widgets.sms.render import dial, render

DATA = Path(__file__).resolve().parent.parent / "data"


def captured(name: str) -> ChatReply:
    said = json.loads((DATA / f"rest_{name}.json").read_text(encoding="utf-8"))
    return from_rasa("session-1234", said)


def service(i: int, **fields: Any) -> dict[str, Any]:
    return {"id": f"s{i}", "name": f"Sted nummer {i}", "crisis": False, **fields}


def reply(*texts: str, services: list[dict[str, Any]] | None = None, **fields: Any) -> ChatReply:
    messages = [Message(text=t) for t in texts]
    return ChatReply(session_id="s", messages=messages, services=services or [], **fields)


def test_guidance_gives_the_places_one_number_and_numbered_options() -> None:
    sms = render(captured("guidance"))
    assert is_gsm7(sms.text) and segments(sms.text) <= 3
    assert sms.text.startswith("Tak, fordi du skriver.")
    assert "62233000" in sms.text and "62 23 30 00" not in sms.text
    assert sms.text.endswith(
        "1 Flere muligheder\n2 Tal med et menneske\n3 Noget andet\nSvar 1, 2 eller 3."
    )
    assert [b.payload for b in sms.options] == ["/ask_more", "/ask_human", "/something_else"]
    # The three places reached through the switchboard share its one line.
    for name in ("forsorgshjem", "Sagsbehandler der, hvor du er", "Varmestue Svendborg"):
        assert name in sms.text
    assert sms.text.count("Ring til Svendborg Kommune, omstilling og Borgerservice: 62233000") == 1


def test_crisis_starts_with_112_and_the_crisis_lines_before_anything_else() -> None:
    sms = render(captured("crisis"))
    assert is_gsm7(sms.text) and segments(sms.text) <= 3
    assert sms.text.startswith("Ring 112 nu")
    first, rest = sms.text.split("\n", 1)
    assert "Livslinien på 70201201" in first
    assert rest.lstrip().startswith("Alarm 112\nTlf. 112")
    assert rest.index("Tlf. 112") < rest.index("Tlf. 70201201") < rest.index("Jeg er her stadig")
    assert sms.text.endswith("1 Tal med et menneske\nSvar 1.")


def test_crisis_lines_come_right_after_the_first_message_even_in_one_segment() -> None:
    crisis_lines = [
        service(1, name="Alarm 112", phone="112", crisis=True),
        service(2, name="Livslinien", phone="70 201 201", crisis=True),
    ]
    long_text = "Jeg er her stadig, og jeg lytter gerne til dig. " * 6
    r = reply("Ring 112 nu, hvis dit liv er i fare.", long_text, services=crisis_lines, crisis=True)
    r.messages[1].buttons = [Button(title="Tal med et menneske", payload="/ask_human")]
    sms = render(r, max_segments=1)
    assert segments(sms.text) == 1
    assert sms.text.startswith("Ring 112 nu, hvis dit liv er i fare.\n\nAlarm 112\nTlf. 112\n")
    assert "Livslinien\nTlf. 70201201" in sms.text
    assert "Jeg er her stadig" not in sms.text  # the other message made way
    assert sms.text.endswith("1 Tal med et menneske\nSvar 1.")


def test_a_crisis_line_a_message_refers_to_is_written_once() -> None:
    line = service(1, name="Livslinien", phone="70201201", crisis=True)
    r = reply("Ring 112 nu.", "Livslinien\ntlf. 70201201", services=[line], crisis=True)
    r.messages[1].services = ["s1"]
    assert render(r).text == "Ring 112 nu.\n\nLivslinien\nTlf. 70201201"


def test_greeting_with_the_front_door_and_the_buttons_of_the_first_message() -> None:
    sms = render(captured("greet"))
    assert sms.text.startswith("Hej. Jeg hjælper dig")
    assert "Svendborg Kommune, omstilling og Borgerservice\nTlf. 62233000" in sms.text
    assert "tlf. 62 23 30 00" not in sms.text  # the card replaced its text form
    assert sms.text.endswith("1 Tal med et menneske\n2 Noget andet\nSvar 1 eller 2.")
    assert [b.title for b in sms.options] == ["Tal med et menneske", "Noget andet"]


def test_only_the_buttons_of_the_last_message_with_any_become_options() -> None:
    r = reply("Først", "Så", "Til sidst")
    r.messages[0].buttons = [Button(title="Gammel", payload="/old")]
    r.messages[1].buttons = [Button(title="Ja – tak", payload="/yes")]
    sms = render(r)
    assert sms.options == [Button(title="Ja - tak", payload="/yes")]
    assert "Gammel" not in sms.text and sms.text.endswith("1 Ja - tak\nSvar 1.")


def test_six_long_cards_are_cut_to_three_segments_keeping_the_first_phone_and_options() -> None:
    cards = [
        service(
            i,
            name=f"Et sted med et ret langt navn, som fylder godt op, nummer {i}",
            phone=f"+45 {10 + i} 20 30 40",
            address=f"Lang Vejnavnegade {i}, 5700 Svendborg",
            opening="Åben mandag til fredag fra klokken 9 til 15, lørdag fra 10 til 12.",
        )
        for i in range(6)
    ]
    r = reply("Her er steder, der kan hjælpe dig med det, du skriver om:", services=cards)
    for card in cards:  # each card's text form, as the bot sends it
        r.messages.append(Message(text=card["name"], services=[card["id"]]))
    r.messages.append(Message(text="Vil du se flere?", buttons=[Button(title="Ja", payload="/y")]))
    sms = render(r)
    assert is_gsm7(sms.text) and segments(sms.text) <= 3
    assert sms.text.startswith("Her er steder")
    assert "nummer 0\nTlf. 10203040" in sms.text
    assert sms.text.endswith("1 Ja\nSvar 1.") and len(sms.options) == 1
    assert "nummer 4\nTlf. 14203040" in sms.text
    assert "nummer 5" not in sms.text and "Vejnavnegade 1" not in sms.text  # made way


def test_a_first_message_too_long_is_cut_at_a_word_and_the_options_stay() -> None:
    r = reply("Det her er en meget lang besked om alt det, du kan få hjælp til. " * 20)
    r.messages[0].buttons = [Button(title="Tal med et menneske", payload="/ask_human")]
    sms = render(r)
    assert segments(sms.text) <= 3
    body = sms.text.split("\n")[0]
    assert body.endswith("...") and len(body) > 300
    assert r.messages[0].text.startswith(body[:-3] + " ")  # cut where a word ends
    assert sms.text.endswith("1 Tal med et menneske\nSvar 1.")


def test_a_first_message_that_fits_alone_still_makes_way_for_the_options_and_door() -> None:
    # Regression (property tests): a first message that fitted whole before the options and the
    # first card were placed stayed whole, and both were left out.
    r = reply("ord " * 37 + "slut", services=[service(1, name="Borgerservice", phone="62233000")])
    r.messages[0].buttons = [
        Button(title="Tal med et menneske", payload="/ask_human"),
        Button(title="Noget andet", payload="/something_else"),
    ]
    sms = render(r, max_segments=1)
    assert segments(sms.text) == 1 and sms.text.startswith("ord ord")
    assert sms.text.endswith(
        "ord...\n\nBorgerservice\nTlf. 62233000\n\n1 Tal med et menneske\n2 Noget andet\n"
        "Svar 1 eller 2."
    )
    assert [b.payload for b in sms.options] == ["/ask_human", "/something_else"]


def test_a_message_cut_mid_word_leaves_room_for_the_newline_after_it() -> None:
    # Regression (property tests): the room for a cut message left out the newline joining it
    # to the card, so the text came out one septet over: two segments where one was asked for.
    sms = render(reply("a" * 170, services=[service(1, name="N", phone="112")]), max_segments=1)
    assert segments(sms.text) == 1
    assert sms.text == "a" * 146 + "...\nN\nTlf. 112"  # 160 septets


def test_the_door_makes_way_for_a_cut_message_without_hanging() -> None:
    # Regression (property tests): dropping the first card to leave a cut first message
    # MIN_ROOM septets picked its contact line, which its name pulled straight back: for ever.
    door = service(1, name="Et sted med et ret langt navn, som fylder godt op", phone="62233000")
    r = reply("ord " * 100, services=[door])
    r.messages[0].buttons = [
        Button(title="Tal med et menneske", payload="/ask_human"),
        Button(title="Noget andet", payload="/something_else"),
    ]
    sms = render(r, max_segments=1)
    assert segments(sms.text) == 1 and "Et sted" not in sms.text
    assert sms.text.endswith("ord...\n\n1 Tal med et menneske\n2 Noget andet\nSvar 1 eller 2.")


def test_a_crisis_puts_its_lines_first_even_when_the_first_message_is_cards() -> None:
    # Regression (property tests): without a text first message, the crisis lines came after
    # other cards, and without any message they lost their place entirely.
    door = service(1, name="Borgerservice", phone="62233000")
    line = service(2, name="Livslinien", phone="70201201", crisis=True)
    cards_first = reply("Borgerservice", "Jeg er her.", services=[door, line], crisis=True)
    cards_first.messages[0].services = ["s1"]
    no_messages = reply(services=[door, line], crisis=True)
    for r in (cards_first, no_messages):
        assert render(r).text.startswith("Livslinien\nTlf. 70201201\n\nBorgerservice\n")


def test_a_cut_never_splits_a_phone_number() -> None:
    sms = render(reply("a" * 100 + "1" * 200), max_segments=1)
    assert sms.text == "a" * 100 + "..."


def test_a_text_only_in_another_script_still_gives_the_card() -> None:
    door = service(1, name="Borgerservice", phone="62 23 30 00")
    sms = render(reply("مرحبا، أنا هنا لمساعدتك. 😀", services=[door]))
    assert is_gsm7(sms.text) and sms.text
    assert "Borgerservice\nTlf. 62233000" in sms.text


def test_a_name_only_in_another_script_still_gives_the_phone() -> None:
    sms = render(reply("Her:", services=[service(1, name="Помощь", phone="33 33 33 33")]))
    assert sms.text == "Her:\n\nTlf. 33333333"


def test_nothing_writable_still_says_where_to_turn() -> None:
    sms = render(reply("Привет"))
    assert is_gsm7(sms.text) and "112" in sms.text


def test_how_a_card_is_reached() -> None:
    via = {"name": "Svendborg Kommune", "phone": "62 23 30 00", "address": "Bibliotek"}
    cases = [
        (service(1, phone="+45 12 34 56 78", url="https://x.dk"), "Tlf. 12345678"),
        (service(1, phone="1888"), "Tlf. 1888"),
        (service(1, phones=[{"number": "33 33 33 33", "type": "voice"}]), "Tlf. 33333333"),
        (service(1, via=via, url="https://x.dk"), "Ring til Svendborg Kommune: 62233000"),
        (service(1, address="Vestergade 1", url="https://x.dk"), "Adresse: Vestergade 1"),
        (service(1, via={**via, "phone": None}), "Kontakt Svendborg Kommune, Bibliotek"),
        (service(1, url="https://www.livslinien.dk"), "https://www.livslinien.dk"),
    ]
    for card, line in cases:
        text = render(reply("Her:", services=[card])).text
        assert text == f"Her:\n\nSted nummer 1\n{line}", card
        assert ("https" in text) == (line.startswith("https"))


def test_an_address_and_the_opening_come_after_the_phone_when_there_is_room() -> None:
    card = service(1, phone="112", address="Vej 1", opening="Åben hele døgnet.")
    assert render(reply("Her:", services=[card])).text == (
        "Her:\n\nSted nummer 1\nTlf. 112\nAdresse: Vej 1\nÅben hele døgnet."
    )


def test_dial_writes_one_run_of_digits() -> None:
    assert dial("+45 12 34 56 78") == "12345678"
    assert dial("0045 70 20 12 01") == "70201201"
    assert dial("70 201 201") == "70201201"
    assert dial("112") == "112"
    assert dial("+46 8 123 456") == "+468123456"


def test_the_source_line_only_when_there_is_room() -> None:
    source = {"document": "Svendborgs politik", "section": "Bolig", "excerpt": "..."}
    assert render(reply("Kort svar.", sources=[source])).text == (
        "Kort svar.\n\nKilde: Svendborgs politik, Bolig"
    )
    tight = render(reply("ord " * 38, sources=[source]), max_segments=1)
    assert "Kilde" not in tight.text and segments(tight.text) == 1


def test_blank_lines_between_blocks_only_when_they_fit() -> None:
    r = reply("a" * 149, services=[service(1, name="N", phone="112")])
    assert render(r, max_segments=1).text == "a" * 149 + "\nN\nTlf. 112"  # 160 septets
    assert render(r, max_segments=2).text == "a" * 149 + "\n\nN\nTlf. 112"


def test_typography_in_texts_and_titles_becomes_gsm7() -> None:
    r = reply("Det er “godt” – ikke…")
    r.messages[0].buttons = [
        Button(title="“Ja” 👍", payload="/y"),
        Button(title="🙂", payload="/x"),
    ]
    sms = render(r)
    assert sms.text == 'Det er "godt" - ikke...\n\n1 "Ja"\nSvar 1.'
    assert [b.payload for b in sms.options] == ["/y"]  # nothing left of the emoji-only title


# Generated replies: any alphabet, any length, random services and buttons.
any_text = st.text(max_size=2000) | st.text(alphabet="abc æøå€\n.", max_size=2000)
phone = st.none() | st.from_regex(r"\+?[0-9 ]{0,14}", fullmatch=True) | st.text(max_size=20)


@st.composite
def replies(draw: st.DrawFn) -> ChatReply:
    services = [
        {
            "id": f"s{i}",
            "name": draw(st.text(max_size=120)),
            "phone": draw(phone),
            "crisis": draw(st.booleans()),
            "address": draw(st.none() | st.text(max_size=80)),
            "opening": draw(st.none() | st.text(max_size=80)),
            "via": draw(st.none() | st.fixed_dictionaries({"name": st.text(), "phone": phone})),
        }
        for i in range(draw(st.integers(0, 8)))
    ]
    ids = [s["id"] for s in services] + ["missing"]
    messages = [
        Message(
            text=draw(any_text),
            buttons=draw(
                st.lists(
                    st.builds(Button, title=st.text(max_size=80), payload=st.just("/b")), max_size=4
                )
            ),
            services=draw(st.lists(st.sampled_from(ids), max_size=3)),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    sources = draw(
        st.lists(st.fixed_dictionaries({"document": st.text(), "section": st.text()}), max_size=2)
    )
    return ChatReply(
        session_id="s",
        messages=messages,
        services=services,
        sources=sources,
        crisis=draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None)
@given(replies(), st.integers(1, 4))
def test_any_reply_is_gsm7_within_the_segments_with_matching_options(
    r: ChatReply, max_segments: int
) -> None:
    sms = render(r, max_segments)
    assert sms.text and is_gsm7(sms.text)
    assert segments(sms.text) <= max_segments
    last = next((m for m in reversed(r.messages) if m.buttons), None)
    payloads = [b.payload for b in last.buttons] if last else []
    assert len(sms.options) <= len(payloads)
    n = len(sms.options)
    if n:
        lines = sms.text.split("\n")
        assert lines[-n - 1 : -1] == [f"{i} {b.title}" for i, b in enumerate(sms.options, 1)]
        answer = "Svar 1." if n == 1 else f"Svar {', '.join(map(str, range(1, n)))} eller {n}."
        assert lines[-1] == answer
