"""Personal values of the four kinds, generated in the many ways people write them, inside the
many things people write around them. Used by the tests (hypothesis hands in its `Random`, so a
failure shrinks and replays) and by `make redact-fuzz` (a seeded `Random`, 10,000 of each kind).

Each generator returns a `Sample`: the message, and what must not be left of the value after
redaction (its digits, its words). Surroundings hold no digits, so any digit left is a leak.
Values that are something else by any reading (a phone number written as a valid date,
"22.03.2024"; a year range, "2019-2021"; a national line; 112 after a street name with no
street word, "Solsikken 112") are not generated: they are kept on purpose
(knowledge/redact_rules.py: KEEP, PUBLIC_NUMBERS, _LINES).
"""

import random
import re
from dataclasses import dataclass

KINDS = ("cpr", "phone", "email", "address")

DASHES = ["-", "–", "—", "−", "‐", "‑", "﹣", "－"]
SPACES = [" ", "\u00a0", "\u2009", "\u202f", "\u2007", "\u3000"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
CPR_SEPARATORS = ["", "-", " ", " - ", "--", "---", " -- ", ".", "/", "_", " / ", "  ", "-\u200b"]
PAIR_SEPARATORS = ["", " ", ".", "-", "/"]
PHONE_SEPARATORS = ["", " ", "-", ".", "/", " - ", "  "]
PHONE_GROUPS = [(8,), (2, 2, 2, 2), (4, 4), (2, 2, 4), (4, 2, 2), (3, 3, 2)]
PHONE_PREFIXES = ["", "", "", "+45 ", "+45", "0045 ", "0045", "(+45) ", "+45-", "+ 45 "]
AT_SIGNS = ["@", "@", "＠", "﹫", " @ ", "(at)", " (at) ", "[at]", " [at] ", " at ", " AT "]
AT_SIGNS += [" snabel-a ", "(snabel-a)", " snabel a ", "{at}", "<at>", "&#64;"]
DOTS = [".", ".", ".", " dot ", " (dot) ", "(dot)", "[dot]", " punktum ", " DOT "]
NAMES = ["ole", "mette", "jens.peter", "anne_k", "m.hansen", "k-larsen", "lise85", "bo"]
DOMAINS = [
    "gmail.com",
    "hotmail.dk",
    "mail.tele.dk",
    "live.dk",
    "outlook.com",
    "yahoo.co.uk",
    "ofir.dk",
    "privat-mail.dk",
    "stofanet.dk",
]
SUFFIXED = [
    "Vestergade",
    "Strandvej",
    "Nørregade",
    "Hovedgaden",
    "Kirkevej",
    "Skolevej",
    "Møllevænget",
    "Nørre Allé",
    "Store Kongensgade",
    "Søndre Boulevard",
    "Lærkevej",
    "Havnegade",
    "Rådhuspladsen",
    "Æblehaven",
    "Bøgebakken",
]
BARE = [
    "Skovbrynet",
    "Solsikken",
    "Bakkedraget",
    "Grønningen",
    "Kløverbladet",
    "Egeskoven",
    "Agerhønen",
    "Hybenrosen",
    "Fiskerlejet",
    "Tranebærret",
]
TOWNS = ["Svendborg", "Nyborg", "Haslev", "Grenaa", "Aabybro", "København Ø", "Aarhus C", "Faxe"]
POSTCODES = ["5700", "5800", "4690", "8500", "9440", "2100", "8000", "4640"]
FLOORS = ["", "", "", ", 2. th", " st. tv", ", 1. sal", " 3 tv", ", kl.", " 4. mf"]

# Around the value: before and after a word, a dot, a comma, a list, a URL, inside parentheses.
AROUND = [
    "{x}",
    "{x}.",
    "{x},",
    "hej {x} tak",
    "({x})",
    "[{x}]",
    '"{x}"',
    "«{x}»",
    "det er {x}. kan i hjælpe",
    "{x}, og så har jeg gæld",
    "{x}, {y} og {z}",
    "{x},{y}",
    "{x}; {y}",
    "se https://svendborg.dk/hjaelp og {x}",
    "{x} https://nyborg.dk/kontakt",
    "hej\n{x}\nmvh",
    "!{x}!",
    "{x}?",
]
BEFORE = {
    "cpr": ["mit cpr er {x}", "cpr: {x}", "cpr.{x}", "cpr-nr.{x}", "cpr,{x}", "nr:{x}"],
    "phone": ["ring på {x}", "tlf:{x}", "tlf.{x}", "mobil {x}", "mit nummer er {x}", "nr.{x}"],
    "email": ["min mail er {x}", "mail:{x}", "skriv til {x}", "e-mail {x}"],
    "address": ["jeg bor på {x}", "min adresse er {x}", "adresse: {x}", "vi bor på {x} nu"],
}


@dataclass(frozen=True)
class Sample:
    kind: str
    message: str
    secrets: tuple[str, ...]  # words that must not be left (lowercase, normalised)


def _digits(rng: random.Random, count: int, first: str = "0123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(count - 1))


def _odd_forms(rng: random.Random, value: str) -> str:
    """Full-width digits, odd dashes and spaces, a zero-width character: what survives NFKC."""
    if rng.random() < 0.15:
        value = "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in value)
    if rng.random() < 0.3:
        dash = rng.choice(DASHES)
        value = value.replace("-", dash)
    if rng.random() < 0.3:
        value = re.sub(" ", lambda _: rng.choice(SPACES), value)
    if rng.random() < 0.2 and len(value) > 2:
        at = rng.randrange(1, len(value))
        value = value[:at] + rng.choice(ZERO_WIDTH) + value[at:]
    return value


def cpr(rng: random.Random) -> str:
    date = rng.choice(PAIR_SEPARATORS).join(_digits(rng, 2) for _ in range(3))
    return date + rng.choice(CPR_SEPARATORS) + _digits(rng, 4)


def _kept_anyway(digits: str, groups: tuple[int, ...], separator: str) -> bool:
    """A phone number that is also a date (22.03.2024, 2024-03-22) or a year range, or a
    national line."""
    from knowledge.redact_rules import PUBLIC_NUMBERS

    if digits in PUBLIC_NUMBERS:
        return True
    dated = separator in ("-", ".", "/") and groups == (2, 2, 4)
    if dated and 1 <= int(digits[:2]) <= 31 and 1 <= int(digits[2:4]) <= 12:
        return digits[4:6] in ("19", "20")
    iso = separator == "-" and groups == (4, 2, 2) and digits[:2] in ("19", "20")
    if iso and 1 <= int(digits[4:6]) <= 12 and 1 <= int(digits[6:]) <= 31:
        return True
    ranged = separator.strip() in ("-", "/") and groups == (4, 4)
    return ranged and digits[:2] in ("19", "20") and digits[4:6] in ("19", "20")


def phone(rng: random.Random) -> str:
    while True:
        digits = _digits(rng, 8, "23456789")
        groups, separator = rng.choice(PHONE_GROUPS), rng.choice(PHONE_SEPARATORS)
        if not _kept_anyway(digits, groups, separator):
            break
    parts, at = [], 0
    for size in groups:
        parts.append(digits[at : at + size])
        at += size
    return rng.choice(PHONE_PREFIXES) + separator.join(parts)


def email(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    name, domain = rng.choice(NAMES), rng.choice(DOMAINS)
    dot = rng.choice(DOTS)
    written = name.replace(".", dot) + rng.choice(AT_SIGNS) + domain.replace(".", dot)
    if rng.random() < 0.2:
        written = written.upper() if rng.random() < 0.5 else written.title()
    words = re.split(r"[._-]", name) + domain.split(".")[:-1]
    return written, tuple(w for w in words if len(w) > 2)


def address(rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
    """(address, the phrase it goes in, what must go)."""
    town_at = rng.randrange(len(TOWNS))
    post = f", {POSTCODES[town_at]} {TOWNS[town_at]}" if rng.random() < 0.3 else ""
    number = str(rng.randint(1, 250)) + rng.choice(["", "", "", "A", "b", "-7"])
    if rng.random() < 0.1:
        return f"{POSTCODES[town_at]} {TOWNS[town_at]}", "{x}", (TOWNS[town_at].lower(),)
    bare = rng.random() < 0.4
    street = rng.choice(BARE if bare else SUFFIXED)
    if bare and number in ("112", "114"):
        number = "7"  # "Solsikken 112" reads as the emergency number: kept on purpose
    around = "{x}"
    if bare and rng.random() < 0.4:
        # A name without a street word, in lower case: only its context says it is an address.
        street = street.lower()
        around = rng.choice(["jeg bor på {x}", f"bor i {TOWNS[town_at]} på {{x}}", "adresse: {x}"])
    elif not bare and rng.random() < 0.3:
        street = street.lower()
    glue = "" if not bare and rng.random() < 0.2 else " "
    written = street + glue + number + rng.choice(FLOORS) + post
    return written, around, tuple(street.lower().split())


def _value(kind: str, rng: random.Random) -> tuple[str, str | None, tuple[str, ...]]:
    """(value, the phrase it must go in or None, words that must go)."""
    if kind == "cpr":
        return cpr(rng), None, ()
    if kind == "phone":
        return phone(rng), None, ()
    if kind == "email":
        value, words = email(rng)
        return value, None, words
    value, inner, words = address(rng)
    return value, None if inner == "{x}" else inner, words


def sample(kind: str, rng: random.Random) -> Sample:
    """One message with one personal value of `kind` (or a list of three) in it."""
    value, inner, secrets = _value(kind, rng)
    if inner is not None:
        return Sample(kind, inner.format(x=_odd_forms(rng, value)), secrets)
    around = rng.choice(AROUND) if rng.random() < 0.7 else rng.choice(BEFORE[kind])
    values = [value]
    while len(values) < sum(f"{{{n}}}" in around for n in "xyz"):
        more, inner, words = _value(kind, rng)
        if inner is None:
            values.append(more)
            secrets += words
    values += [""] * (3 - len(values))
    odd = [_odd_forms(rng, v) for v in values]
    # A word of the value that is also a word around it ("mail" in "min mail er") cannot show.
    said = set(re.findall(r"\w+", around.lower()))
    kept = tuple(w for w in secrets if w not in said)
    return Sample(kind, around.format(x=odd[0], y=odd[1], z=odd[2]), kept)


def missed(found: str, secrets: tuple[str, ...]) -> bool:
    """Is anything of the value left in the redacted text: a digit, or one of its words?"""
    from knowledge.redact import MARKS
    from knowledge.redact_normal import normalise

    text = normalise(found)[0].lower()
    for mark in MARKS.values():
        text = text.replace(mark, " ")
    return bool(re.search(r"[0-9]", text)) or any(
        re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text) for word in secrets
    )
