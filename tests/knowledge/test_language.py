"""Language detection: the bot's Danish training data stays Danish, other scripts are found."""

import re
from pathlib import Path

import pytest
import yaml

from knowledge.language import detect

NLU = Path(__file__).resolve().parents[2] / "bot" / "data" / "nlu"
MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def examples(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in str(item.get("examples", "")).splitlines():
                found.append(MARKUP.sub(r"\1", line.strip().removeprefix("- ")))
    return [e for e in found if e]


def test_danish_is_almost_never_taken_for_another_latin_language() -> None:
    danish = [e for e in examples(NLU) if e.isascii() or set("æøåÆØÅ") & set(e)]
    wrong = [e for e in danish if detect(e) not in ("da", None, "en")]
    assert len(wrong) / len(danish) < 0.01, wrong[:20]


def test_english_is_found_in_most_english_messages() -> None:
    english = examples(NLU / "en")
    found = sum(detect(e) == "en" for e in english)
    assert found / len(english) >= 0.7, found / len(english)
    assert sum(detect(e) not in ("en", None) for e in english) / len(english) < 0.05


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("Мені нема де спати", "uk"),
        ("ليس لدي مكان للنوم", "ar"),
        ("nie mam gdzie spać", "pl"),
        ("kalacak yerim yok", "tr"),
        ("ma haysto meel aan seexdo", "so"),
        ("i have nowhere to sleep", "en"),
        ("jeg har ingen steder at sove", "da"),
        ("hej", None),
        ("/ask_human", None),
        ("", None),
    ],
)
def test_detect(message: str, language: str | None) -> None:
    assert detect(message) == language
