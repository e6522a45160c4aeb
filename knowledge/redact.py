"""Take out what identifies a person before anything is stored: CPR, phone, e-mail, address.

Used by the app before a message goes to Rasa (whose tracker store keeps it) and by Rasa's own
channel (bot/addons/channel.py) for anything that reaches Rasa another way. Plain Python and `re`
only, since it runs in both environments.

The text is normalised first (knowledge/redact_normal.py) and matched there
(knowledge/redact_rules.py); what is found is replaced in the text as written, so nothing but
the redacted parts changes. A long message is redacted before it is cut: a number that the cut
would halve goes whole.
"""

from dataclasses import dataclass

from knowledge.redact_normal import normalise
from knowledge.redact_rules import RULES, is_public

# What replaces each kind in the stored text: short, language-neutral, and visibly not the data.
MARKS = {"cpr": "[cpr]", "phone": "[tlf]", "email": "[e-mail]", "address": "[adresse]"}
# Read this much past the cut, so that what the cut goes through is seen whole.
READ_MARGIN = 256
_FILLER = "\x00"  # what a matched span becomes for the rules after it: no digit, no word


@dataclass(frozen=True)
class Redacted:
    text: str
    kinds: tuple[str, ...]  # what was taken out, each kind once, in the order met
    cut: bool = False  # the text was longer than max_chars and was cut

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def find(text: str) -> list[tuple[int, int, str]]:
    """Where each personal value is in `text` (start, end, kind), in order, not overlapping."""
    work, origin = normalise(text)
    found: list[tuple[int, int, str]] = []
    for kind, pattern in RULES:
        spans = []
        for match in pattern.finditer(work):
            group = "x" if "x" in pattern.groupindex else 0
            start, end = match.span(group)
            if start == end or (kind == "phone" and is_public(match.group())):
                continue
            spans.append((start, end))
            if kind != "keep":
                found.append((origin[start][0], origin[end - 1][1], kind))
        for start, end in spans:
            work = work[:start] + _FILLER * (end - start) + work[end:]
    found.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, kind))
    return merged


def redact(text: str, max_chars: int | None = None) -> Redacted:
    """The text with every CPR number, phone number, e-mail and street address replaced; with
    `max_chars`, also cut there (after redaction, reading at most READ_MARGIN past the cut)."""
    cut = max_chars is not None and len(text) > max_chars
    if max_chars is not None:
        text = text[: max_chars + READ_MARGIN]
    limit = max_chars if max_chars is not None and cut else len(text)
    parts: list[str] = []
    kinds: list[str] = []
    at = 0
    for start, end, kind in find(text):
        if start >= limit:
            break
        parts += [text[at:start], MARKS[kind]]
        kinds += [kind] if kind not in kinds else []
        at = end
    parts.append(text[at:limit] if at < limit else "")
    return Redacted("".join(parts), tuple(kinds), cut)
