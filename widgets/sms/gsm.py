"""The GSM 03.38 alphabet: what an old phone shows, what a text costs, and text made to fit it.

A text of only GSM-7 characters travels as 7-bit septets (160 a message, 153 a part of a longer
one); a single other character turns the whole text into UCS-2 (70 a message, 67 a part). Curly
quotes, dashes and emoji slip in easily, so replies are made GSM-7 with `to_gsm7` before sending.
"""

import unicodedata
from bisect import bisect_right
from itertools import accumulate

# 3GPP TS 23.038, 6.2.1 "GSM 7 bit Default Alphabet", positions 0x00-0x7F in order. 0x1B is the
# escape to the extension table, not a character: it is written here as \x1b and left out below.
_BASIC_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
BASIC = frozenset(_BASIC_TABLE) - {"\x1b"}
# 3GPP TS 23.038, 6.2.1.1 "Default Alphabet Extension Table": sent as escape + one septet, so
# each costs 2 septets (form feed, ^ { } \ [ ~ ] | €).
EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7 = BASIC | EXTENSION

SINGLE_GSM7, PART_GSM7 = 160, 153  # septets; a part loses 7 to the concatenation header
SINGLE_UCS2, PART_UCS2 = 70, 67  # UTF-16 code units
ELLIPSIS = "..."

# Typographic characters the alphabet lacks, written with the nearest characters it has.
_LOOK_ALIKES = {
    **dict.fromkeys("‘’‚‛′ʼ´`‹›", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−•·⁃", "-"),
    "…": "...",
    "⁄": "/",
    "×": "x",
    **dict.fromkeys("\t\v", " "),
    **dict.fromkeys("\u2028\u2029\x85", "\n"),
    # Letters Unicode does not decompose into base + accent.
    **{"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "œ": "oe", "Œ": "OE", "ð": "d", "þ": "th"},
}


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7 for ch in text)


def encoding(text: str) -> str:
    """ "GSM-7" when every character is in the alphabet, else "UCS-2"."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def _cost(ch: str) -> int:
    return 2 if ch in EXTENSION else 1


def septets(text: str) -> int:
    """The length of a GSM-7 text in septets (an extension character counts 2).

    Raises ValueError for a text that is not GSM-7: it has no length in septets."""
    if not is_gsm7(text):
        raise ValueError("not a GSM-7 text")
    return sum(_cost(ch) for ch in text)


def _parts(costs: list[int], part: int) -> int:
    """Parts of at most `part` units each, never splitting one character's units: phones do not
    split an escape pair or a surrogate pair across parts, so this can be one more than
    ceil(total / part) when such a pair falls on a boundary."""
    count, used = 1, 0
    for cost in costs:
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count


def segments(text: str) -> int:
    """How many messages the text is sent as. The empty text is 0: nothing is sent."""
    if not text:
        return 0
    if is_gsm7(text):
        costs = [_cost(ch) for ch in text]
        single, part = SINGLE_GSM7, PART_GSM7
    else:
        # UTF-16 code units: a character outside the Basic Multilingual Plane (emoji) counts 2.
        costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part = SINGLE_UCS2, PART_UCS2
    return 1 if sum(costs) <= single else _parts(costs, part)


def _replace(ch: str) -> str | None:
    """A GSM-7 stand-in for one character, or None when it has none."""
    if ch in GSM7:
        return ch
    if ch in _LOOK_ALIKES:
        return _LOOK_ALIKES[ch]
    if unicodedata.category(ch) == "Zs":  # no-break, thin, em ... spaces
        return " "
    return None


def _base(ch: str) -> str | None:
    """The letter without its accent (á -> a, ł stays unknown) or a compatibility form (ﬁ -> fi,
    full-width Ａ -> A), when that is GSM-7."""
    parts = [_replace(c) for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)]
    if not parts or any(p is None for p in parts):
        return None
    return "".join(p for p in parts if p is not None)


def to_gsm7(text: str) -> str:
    """The text in GSM-7: kept where it already is, look-alikes for typography, base letters for
    accents the alphabet lacks; anything else (emoji, other scripts, symbols) is dropped."""
    # NFC first: a letter written as base + combining accent (e + ´) becomes é, which the
    # alphabet has. NFC leaves GSM-7 text as it is, so such text comes back unchanged.
    out: list[str] = []
    dropped = False
    for ch in unicodedata.normalize("NFC", text):
        new = _replace(ch)
        if new is None:
            new = _base(ch)
        if not new:
            dropped = True
            continue
        # "a 😀 b" would leave two spaces where the emoji was; a double space the writer typed
        # is theirs and stays.
        if dropped and new.startswith(" ") and out and out[-1].endswith(" "):
            new = new[1:]
        if new:
            out.append(new)
            dropped = False
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """A GSM-7 text in at most `limit` septets, ending in "..." when cut: at a word boundary when
    that keeps at least half of it, else mid-word, but never inside a run of digits (a phone)."""
    upto = list(accumulate(_cost(ch) for ch in text))  # upto[k]: septets of text[: k + 1]
    if not upto or upto[-1] <= limit:
        return text
    room = limit - len(ELLIPSIS)
    if room <= 0:
        return ""
    fits = bisect_right(upto, room)  # text[:fits] fits, and fits < len(text)
    end = next((k for k in range(fits, 0, -1) if text[k].isspace()), 0)
    if not end or end < fits / 2:  # no word end, or one that would waste half the room
        end = fits
        while end and text[end].isdigit() and (text[end - 1].isdigit() or text[end - 1] == "+"):
            end -= 1
    kept = text[:end].rstrip(" \n,.;:")
    return kept + ELLIPSIS if kept else ""
