"""Redaction: what identifies a person goes, what the bot needs to help stays."""

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.redact import redact

FOUND = [
    ("mit cpr er 010203-1234 og jeg har gæld", "cpr", "mit cpr er [cpr] og jeg har gæld"),
    ("cpr 0102031234", "cpr", "cpr [cpr]"),
    ("01 02 03-1234", "cpr", "[cpr]"),
    ("311299 - 9999 er mit nummer", "cpr", "[cpr] er mit nummer"),
    ("ring til mig på 12 34 56 78", "phone", "ring til mig på [tlf]"),
    ("+45 12345678", "phone", "[tlf]"),
    ("tlf 1234 5678", "phone", "tlf [tlf]"),
    ("0045 12 34 56 78", "phone", "[tlf]"),
    ("+46 70 123 45 67", "phone", "[tlf]"),
    ("min mail er ole.hansen@gmail.com", "email", "min mail er [e-mail]"),
    ("skriv til ole (at) mail.dk", "email", "skriv til [e-mail]"),
    ("jeg bor på Vestergade 12, 2. th, 5700 Svendborg", "address", "jeg bor på [adresse]"),
    ("jeg bor på norregade 3", "address", "jeg bor på [adresse]"),
    ("Nørre Allé 12", "address", "[adresse]"),
    ("bor på Skovbrynet 4 og har ingen penge", "address", "bor på [adresse] og har ingen penge"),
    ("Hovedvejen 12A", "address", "[adresse]"),
]

# Hard negatives: amounts, ages, durations, times, the crisis numbers a person repeats.
KEPT = [
    "jeg skylder 12345678 kr",
    "jeg skylder 150.000 kr",
    "gæld på 1 500 000",
    "jeg er 17 år",
    "ring 112",
    "jeg har boet på gaden 3 år",
    "jeg bor i Danmark 10 år",
    "jeg har sovet i parken 3 nætter",
    "mødet er kl 10.30 d. 12.03.2024",
    "bor i Svendborg",
    "jeg har været hjemløs i 2 år",
]


@pytest.mark.parametrize(("message", "kind", "stored"), FOUND)
def test_what_identifies_a_person_is_replaced(message: str, kind: str, stored: str) -> None:
    found = redact(message)
    assert found.text == stored
    assert found.kinds == (kind,)


@pytest.mark.parametrize("message", KEPT)
def test_what_the_bot_needs_is_kept(message: str) -> None:
    found = redact(message)
    assert found.text == message and not found.changed


def test_several_kinds_are_each_named_once() -> None:
    found = redact("cpr 010203-1234, mail a@b.dk, tlf 12345678, og cpr 020304-5678")
    assert found.kinds == ("email", "cpr", "phone")
    assert not re.search(r"\d{4}", found.text)


def test_no_training_or_evaluation_message_is_touched(project_root: Path) -> None:
    # The bot's own data has no personal data; a change there would be a false alarm that
    # changes what the bot understands.
    files = [
        *sorted((project_root / "bot" / "data").rglob("*.yml")),
        *sorted((project_root / "bot" / "eval").glob("*.yml")),
    ]
    touched = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            message = line.strip().removeprefix("- ").removeprefix("message:").strip()
            if message and redact(message).changed:
                touched.append((path.name, message))
    assert touched == []


def test_training_data_is_read(project_root: Path) -> None:
    # The test above must see real messages, not an empty folder.
    nlu = yaml.safe_load((project_root / "bot" / "data" / "nlu" / "bolig.yml").read_text())
    assert nlu["nlu"][0]["examples"]


# Generated CPR-like strings: any six digits (the date is not checked), any separator a person
# types between date and serial, inside any Danish-like text.
pairs = st.integers(0, 99).map(lambda n: f"{n:02d}")
date_part = st.tuples(pairs, pairs, pairs, st.sampled_from(["", " ", "."])).map(
    lambda t: t[3].join(t[:3])
)
separator = st.sampled_from(["", "-", " ", " - ", "–", "/", "  "])
serial = st.integers(0, 9999).map(lambda n: f"{n:04d}")
cpr_like = st.tuples(date_part, separator, serial).map("".join)
words = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzæøå ,.!?:;()"), max_size=40)


@settings(max_examples=500, deadline=None)
@given(before=words, cpr=cpr_like, after=words)
def test_no_generated_cpr_number_is_left(before: str, cpr: str, after: str) -> None:
    found = redact(f"{before} {cpr} {after}")
    digits = re.sub(r"\D", "", cpr)
    assert digits not in re.sub(r"\D", "", found.text)
    assert "cpr" in found.kinds or "phone" in found.kinds


@settings(max_examples=300, deadline=None)
@given(message=st.text(max_size=300))
def test_any_text_is_answered_and_nothing_else_grows(message: str) -> None:
    # Never raises on any input, and only ever shortens the text to marks.
    found = redact(message)
    assert isinstance(found.text, str)
    assert found.changed or found.text == message
