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


# A reference from 3GPP TS 23.038 and the wire: texts encoded as a phone sends them (GSM-7 septets,
# an escape before each extension character; UCS-2 as UTF-16 bytes), then cut into messages.
REFERENCE_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
REFERENCE_EXTENSION = {
    0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
    0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
}  # fmt: skip
ESCAPE = 0x1B
REFERENCE_ALPHABET = set(REFERENCE_BASIC.replace("\x1b", "")) | set(REFERENCE_EXTENSION.values())


def gsm_encode(text: str) -> list[int]:
    extension = {ch: code for code, ch in REFERENCE_EXTENSION.items()}
    out: list[int] = []
    for ch in text:
        out += [ESCAPE, extension[ch]] if ch in extension else [REFERENCE_BASIC.index(ch)]
    return out


def gsm_decode(codes: list[int]) -> str:
    out, escaped = [], False
    for code in codes:
        if escaped:
            out.append(REFERENCE_EXTENSION[code])
            escaped = False
        elif code == ESCAPE:
            escaped = True
        else:
            out.append(REFERENCE_BASIC[code])
    return "".join(out)


def pack(codes: list[int]) -> bytes:
    """Septets packed into octets, least significant bit first, as they travel."""
    bits = sum(code << (7 * i) for i, code in enumerate(codes))
    return bits.to_bytes(-(-7 * len(codes) // 8), "little")


def unpack(data: bytes, count: int) -> list[int]:
    bits = int.from_bytes(data, "little")
    return [(bits >> (7 * i)) & 0x7F for i in range(count)]


def reference_segments(text: str) -> int:
    """Messages a phone sends: one when the whole fits, else parts cut every 153 septets (67
    UTF-16 units), a cut moved back one where it would split an escape or a surrogate pair."""
    if not text:
        return 0
    if set(text) <= REFERENCE_ALPHABET:
        units = gsm_encode(text)
        single, part = 160, 153
        glued = {k + 1 for k, unit in enumerate(units) if unit == ESCAPE}
    else:
        raw = text.encode("utf-16-be")
        units = [int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw), 2)]
        single, part = 70, 67
        glued = {k + 1 for k, unit in enumerate(units) if 0xD800 <= unit <= 0xDBFF}
    if len(units) <= single:
        return 1
    count, start = 0, 0
    while start < len(units):
        end = min(start + part, len(units))
        end -= end in glued  # never between an escape or high surrogate and what follows it
        count, start = count + 1, end
    return count


def test_the_tables_are_3gpps() -> None:
    assert len(REFERENCE_BASIC) == 128
    assert set(REFERENCE_BASIC) - {"\x1b"} == BASIC
    assert set(REFERENCE_EXTENSION.values()) == EXTENSION


lengths = st.integers(0, 700)
any_long_text = st.one_of(
    st.text(max_size=700),
    st.text(alphabet=st.sampled_from(sorted(BASIC | EXTENSION)), max_size=700),
    st.text(alphabet=st.sampled_from(sorted(EXTENSION)) | st.just("a"), max_size=500),
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF) | st.just("ø")),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "€", "ж", "😀"]), lengths),
)


@FAST
@given(any_long_text)
def test_segments_are_what_a_phone_sends(text: str) -> None:
    assert segments(text) == reference_segments(text)


@FAST
@given(st.one_of(gsm_text, st.text().map(to_gsm7)))
def test_gsm7_text_round_trips_through_the_alphabet_and_the_wire(text: str) -> None:
    codes = gsm_encode(text)
    assert len(codes) == septets(text)
    assert gsm_decode(unpack(pack(codes), len(codes))) == text
