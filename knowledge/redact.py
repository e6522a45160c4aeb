"""Take out what identifies a person before anything is stored: CPR, phone, e-mail, address.

Used by the app before a message goes to Rasa (whose tracker store keeps it) and by Rasa's own
channel (bot/addons/channel.py) for anything that reaches Rasa another way. Plain `re` only, since
it runs in both Python environments.

Each pattern errs towards taking out too much: a lost digit costs nothing in guidance, a kept CPR
number costs the person. No CPR check digit is used (the modulus-11 rule was dropped in 2007).
"""

import re
from dataclasses import dataclass

# What replaces each kind in the stored text: short, language-neutral, and visibly not the data.
MARKS = {"cpr": "[cpr]", "phone": "[tlf]", "email": "[e-mail]", "address": "[adresse]"}

_NOT_DIGIT_BEFORE = r"(?<![\d.,+])"
_NOT_DIGIT_AFTER = r"(?![\d]|[.,]\d)"

# DDMMYY-SSSS: ten digits; the dash, a space or nothing between, and also the date written in
# pairs ("01 02 03-1234", "01.02.03-1234"). The date is not checked: any such number goes.
CPR = re.compile(
    _NOT_DIGIT_BEFORE + r"\d{2}[ .]?\d{2}[ .]?\d{2}\s{0,2}[-‐‑–—/]?\s{0,2}\d{4}" + _NOT_DIGIT_AFTER
)

EMAIL = re.compile(r"[\w.+%-]+\s?(?:@|\(at\)|\[at\])\s?[\w-]+(?:\s?\.\s?[\w-]+)+", re.IGNORECASE)

# Danish numbers: 8 digits, with an optional +45/0045, written whole or in groups of 2 or 4.
# Foreign numbers: a + and 8 to 14 more digits. Not an amount ("12345678 kr").
PHONE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:(?:\+|00)\s?45[ -]?)?"
    + r"(?:\d{8}|\d{2}(?:[ .-]\d{2}){3}|\d{4}[ .-]\d{4})"
    + _NOT_DIGIT_AFTER
    + r"(?!\s?(?:kr\b|kroner|dkk|,-))"
    + r"|\+\d{1,3}[ -]?\d(?:[ -]?\d){6,13}"
    + _NOT_DIGIT_AFTER,
    re.IGNORECASE,
)

# A street name, a house number, maybe a floor and side, maybe a postcode and town. A street
# name is a word that ends in a street word after at least two letters ("Vestergade", not "gade"
# alone: "på gaden 3 år" is not an address), or a capitalised word before one ("Nørre Allé").
_STREET_WORDS = (
    r"vej|vejen|gade|gaden|allé|alle|alléen|stræde|strædet|plads|pladsen|torv|torvet|"
    r"vænge|vænget|boulevard|kaj|kajen|stien|parken|haven|bakken|toften|løkke|engen|"
    r"straße|strasse|street|road"
)
# A number followed by a unit of time or money is not a house number ("i Danmark 10 år").
_NOT_A_COUNT = (
    r"(?!\s*(?:år|måned|uge|dag|døgn|nat|nætter|time|minut|gang|kr|year|month|week|day|night))"
)
_HOUSE = (
    r"\s+\d{1,4}(?:\s?[a-zA-Z]\b)?\b"
    + _NOT_A_COUNT
    + r"(?:,?\s*(?:st|kl|\d{1,2})\.?(?:\s*sal\b)?(?:,?\s*(?:th|tv|mf)\b|\s+\d{1,4}\b)?)?"
    + r"(?:,?\s*\d{4}\s+[A-ZÆØÅ][\wæøå-]+)?"
)
ADDRESS = re.compile(
    r"(?:\b[\wæøåÆØÅ-]{2,}(?:" + _STREET_WORDS + r")\b"
    r"|\b(?-i:[A-ZÆØÅ])[\wæøå-]+\s(?:" + _STREET_WORDS + r")\b)" + _HOUSE,
    re.IGNORECASE,
)
# "jeg bor på Skovbrynet 4": a name and a number after "bor på/i" is an address, whatever its end.
LIVES_AT = re.compile(
    r"\b(?P<keep>bor\s+(?:på|i|paa)\s+)[\wæøå-]+(?:\s(?-i:[A-ZÆØÅ])[\wæøå-]+)?" + _HOUSE,
    re.IGNORECASE,
)

# Order matters: the longest and most certain first, so a CPR number is not half a phone number.
PATTERNS = (("email", EMAIL), ("cpr", CPR), ("address", ADDRESS), ("address", LIVES_AT))


@dataclass(frozen=True)
class Redacted:
    text: str
    kinds: tuple[str, ...]  # what was taken out, each kind once, in the order met

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def _keep(match: re.Match[str]) -> str:
    # The words before an address ("bor på") stay: they are not the address.
    return (match.groupdict().get("keep") or "") if match.re is LIVES_AT else ""


def redact(text: str) -> Redacted:
    """The text with every CPR number, phone number, e-mail and street address replaced."""
    kinds: list[str] = []
    for kind, pattern in (*PATTERNS, ("phone", PHONE)):
        mark = MARKS[kind]
        text, count = pattern.subn(lambda m: _keep(m) + mark, text)  # noqa: B023 (used at once)
        if count and kind not in kinds:
            kinds.append(kind)
    return Redacted(text, tuple(kinds))
