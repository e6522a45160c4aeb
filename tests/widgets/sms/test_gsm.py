"""The GSM 03.38 alphabet, the cost of a text in segments, and text made GSM-7."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.sms.gsm import (
    BASIC,
    EXTENSION,
    encoding,
    is_gsm7,
    segments,
    septets,
    shorten,
    to_gsm7,
)

FAST = settings(max_examples=300, deadline=None)


def test_the_tables_have_the_size_3gpp_gives_them() -> None:
    assert len(BASIC) == 127  # 128 positions, less the escape to the extension table
    assert len(EXTENSION) == 10
    assert not is_gsm7("\x1b")


def test_a_short_danish_text_is_one_gsm7_segment() -> None:
    assert encoding("Hej med dig") == "GSM-7"
    assert segments("Hej med dig") == 1


@pytest.mark.parametrize(
    ("length", "expected"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)]
)
def test_gsm7_segments(length: int, expected: int) -> None:
    assert segments("a" * length) == expected


def test_the_empty_text_is_no_segment() -> None:
    assert segments("") == 0


@pytest.mark.parametrize(
    "text",
    ["æøåÆØÅ", "éÉüÜöÖäÄñÑàùìòÇß£¥§¤¡¿", "ΔΦΓΛΩΠΨΣΘΞ", "@$_!#%&'()*+,-./:;<=>?\"\n\r"],
)
def test_danish_and_the_other_basic_characters_are_gsm7(text: str) -> None:
    assert is_gsm7(text)
    assert septets(text) == len(text)


def test_extension_characters_count_two_septets() -> None:
    assert septets("€") == 2
    assert septets("^{}\\[~]|€\f") == 20
    assert segments("€" * 80) == 1  # 160 septets
    assert segments("€" * 81) == 2


def test_an_escape_pair_is_not_split_across_parts() -> None:
    # 152 'a' + '€' would end on septet 154: the pair moves whole into the second part.
    assert septets("a" * 152 + "€" + "a" * 152) == 306
    assert segments("a" * 152 + "€" + "a" * 152) == 3


def test_septets_of_a_text_that_is_not_gsm7_is_an_error() -> None:
    with pytest.raises(ValueError):
        septets("ж")


def test_one_curly_quote_makes_the_whole_text_ucs2() -> None:
    assert not is_gsm7("“citat”")
    assert encoding("“citat”") == "UCS-2"
    assert segments("ж" * 70) == 1
    assert segments("ж" * 71) == 2
    assert segments("ж" * 134) == 2
    assert segments("ж" * 135) == 3


def test_an_emoji_counts_two_utf16_units() -> None:
    assert segments("😀" * 35) == 1
    assert segments("😀" * 36) == 2
    assert segments("a" + "😀" * 35) == 2  # 71 units


def test_typography_becomes_its_gsm7_look_alike() -> None:
    assert to_gsm7("Det er “godt” – ikke…") == 'Det er "godt" - ikke...'
    assert to_gsm7("‘a’ „b“ «c» x—y 1−2 •\u00a0punkt ´d`") == "'a' \"b\" \"c\" x-y 1-2 - punkt 'd'"


def test_danish_letters_stay() -> None:
    assert to_gsm7("Hjælp på Ærø") == "Hjælp på Ærø"
    assert to_gsm7("Ålborg, Øster, æble, ø, å") == "Ålborg, Øster, æble, ø, å"


def test_accents_the_alphabet_lacks_become_the_base_letter() -> None:
    assert to_gsm7("á â ã õ ô ê ë ï î í ú û ý č ł ś ž") == "a a a o o e e i i i u u y c l s z"
    assert to_gsm7("Café Noël, Ærøskøbing") == "Café Noel, Ærøskøbing"
    assert to_gsm7("e\u0301") == "é"  # a decomposed é is composed, not stripped
    assert to_gsm7("Ａ ﬁ") == "A fi"


def test_emoji_and_other_scripts_are_dropped_without_double_spaces() -> None:
    assert to_gsm7("Hej 😀 med dig") == "Hej med dig"
    assert to_gsm7("Tak 🙏🏽 og مرحبا og Привет!") == "Tak og og !"
    assert to_gsm7("😀") == ""
    assert to_gsm7("to  mellemrum") == "to  mellemrum"  # typed by the writer: kept


@FAST
@given(st.text())
def test_any_text_becomes_gsm7_and_stays_so(text: str) -> None:
    made = to_gsm7(text)
    assert is_gsm7(made)
    assert to_gsm7(made) == made


gsm_text = st.text(alphabet=st.sampled_from(sorted(BASIC | EXTENSION)))


@FAST
@given(gsm_text)
def test_gsm7_text_comes_back_unchanged(text: str) -> None:
    assert to_gsm7(text) == text
    assert septets(text) == len(text) + sum(ch in EXTENSION for ch in text)


@FAST
@given(gsm_text)
def test_gsm7_segments_follow_the_parts(text: str) -> None:
    count = septets(text)
    if count <= 160:
        assert segments(text) == (1 if text else 0)
    else:
        # At least ceil(count / 153), at most one more part per escape pair on a boundary.
        assert -(-count // 153) <= segments(text) <= -(-count // 152)


def test_shorten_cuts_at_a_word_and_never_inside_a_number() -> None:
    assert shorten("Hej med dig", 11) == "Hej med dig"
    assert shorten("Hej med dig", 10) == "Hej med..."
    assert shorten("Ring 70201201 nu", 12) == "Ring..."
    assert shorten("x" * 20 + "12345678", 25) == "x" * 20 + "..."
    assert shorten("€€€€", 6) == "€..."  # no word end: cut between characters
    assert shorten("abc", 2) == ""


@FAST
@given(gsm_text, st.integers(0, 200))
def test_shorten_fits_and_keeps_the_start(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert septets(short) <= limit
    assert short in ("", text) or (text.startswith(short[:-3]) and short.endswith("..."))
