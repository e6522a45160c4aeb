"""The text redaction reads: one spelling for what people type many ways, mapped back to the
original, so that only what is redacted changes in the stored text.

Unicode NFKC (full-width and circled digits, ＠ and ﹫), then every dash kind as "-", every
space kind as " ", every decimal digit of any script as 0-9, and format characters (zero-width
spaces and joiners, soft hyphens, direction marks) and leftover combining marks removed.
Plain Python, since it runs in both environments.
"""

import unicodedata

# Dashes NFKC leaves as they are (U+2011 and the full-width ones it maps itself).
DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\u30fc\ufe58")
AT_SIGNS = frozenset("\ufe6b\uff20\u0040")  # ﹫ ＠ (NFKC maps them too; kept for clarity)
KEEP_SPACES = frozenset("\n\t")
_DROPPED = ("Cf", "Mn", "Me", "Cc")


def _cluster_ends(text: str) -> list[int]:
    """Where each character and the marks that follow it end ("a" + ring above is one)."""
    ends: list[int] = []
    for i, ch in enumerate(text):
        if ends and unicodedata.category(ch) in ("Mn", "Me"):
            ends[-1] = i + 1
        else:
            ends.append(i + 1)
    return ends


def _one(ch: str) -> str:
    if ch in DASHES:
        return "-"
    if ch in AT_SIGNS:
        return "@"
    if ch in KEEP_SPACES:
        return ch
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if category in _DROPPED:
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    return ch


def normalise(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The normalised text, and for each of its characters the span of `text` it came from."""
    out: list[str] = []
    origin: list[tuple[int, int]] = []
    start = 0
    for end in _cluster_ends(text):
        cluster = text[start:end]
        if cluster.isascii():
            folded = cluster
        else:
            folded = "".join(_one(ch) for ch in unicodedata.normalize("NFKC", cluster))
        for ch in folded:
            out.append(ch)
            origin.append((start, end))
        start = end
    return "".join(out), origin
