"""Text normalisation shared by the loaders, the chunker and lexical search."""

import re
import unicodedata

# People often write Danish without æøå ("hjaelp", "gaeld", "boern") or with a plain vowel
# ("hjalp", "born"). Folding both the query and the documents to the two-letter forms, and also
# plain ones for the second style, lets a misspelt query meet the text.
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def clean(text: str) -> str:
    """Remove control and invisible characters and collapse white space."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lowercase and fold æøå so that "Hjælp", "hjaelp" and "hjalp" come close.

    The double-vowel forms are then shortened (ae->a, oe->o, aa->a) so that both spellings
    without æøå land on the same string.
    """
    text = clean(text).lower().translate(_FOLD)
    text = text.replace("ae", "a").replace("oe", "o").replace("aa", "a")
    return " ".join(_WORD.findall(text))


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def lix(text: str) -> float:
    """Readability index used for Danish: words per sentence + percent of words over 6 letters.

    Below 35 is easy to read; the citizen-facing texts aim for that.
    """
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(re.findall(r"[.!?:]+(?:\s|$)", text.strip() + " ")))
    long_words = sum(len(w) > 6 for w in words)
    return len(words) / sentences + 100 * long_words / len(words)


def strip_phrases(text: str, phrases: set[tuple[str, ...]]) -> str:
    """Remove whole-word occurrences of folded `phrases` (token tuples) from `text`.

    Matching is on folded tokens, so "Grenå", "grenaa" and "grena" all go; the rest of the text
    is kept as written. Used to take place names out of a question before ranking by topic.
    """
    spans = [(m.start(), m.end(), fold(m.group(0))) for m in _WORD.finditer(text)]
    longest = max((len(p) for p in phrases), default=0)
    keep: list[str] = []
    cursor = i = 0
    while i < len(spans):
        for size in range(min(longest, len(spans) - i), 0, -1):
            if tuple(s[2] for s in spans[i : i + size]) in phrases:
                keep.append(text[cursor : spans[i][0]])
                cursor = spans[i + size - 1][1]
                i += size
                break
        else:
            i += 1
    keep.append(text[cursor:])
    return clean("".join(keep))
