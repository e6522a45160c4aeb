"""Which language a message is written in, when the person has not said.

Arabic and Cyrillic script decide most of it; for Latin script a small character n-gram model
(py3langid, shipped with its package) chooses among the languages we meet most. Danish is the
default: a short or unclear message ("hej", "hjelp") is read as Danish, and a Norwegian or
Swedish one too. The thresholds were set on the bot's training data (tests/knowledge/
test_language.py holds the figures).
"""

from functools import lru_cache
from typing import Any

from knowledge.i18n import language_code, reply_language

# Languages the model chooses among for Latin script; Scandinavian ones count as Danish.
LATIN = ("da", "en", "pl", "so", "tr", "de", "sv", "no", "nl", "fr", "es", "ro", "lt")
CYRILLIC = ("uk", "ru", "bg")
AS_DANISH = {"sv", "no"}
# A Latin-script message leaves Danish only when the model is this sure, with this many words.
# English, the most common other language here, needs less: on the bot's training data 0.6 took
# no Danish message for English and found half of the English ones 0.9 left as unclear.
SURE = 0.9
SURE_ENGLISH = 0.6
MIN_WORDS = 2


@lru_cache
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def _script(text: str) -> str:
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f")
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in text if (c.isascii() and c.isalpha()) or "\u00c0" <= c <= "\u024f")
    counts = {"arabic": arabic, "cyrillic": cyrillic, "latin": latin}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else ""


def detect(text: str) -> str | None:
    """The language of `text` as a code ("da", "en", "uk", "ar", "pl", ...), or None when it is
    too short or unclear to tell (the caller then keeps what it had, or Danish)."""
    text = " ".join((text or "").split())[:1000]
    if text.startswith("/"):  # a button's payload, not words
        return None
    script = _script(text)
    if script == "arabic":
        return "ar"
    if script == "cyrillic":
        language, _ = _identifier(CYRILLIC).classify(text)
        return str(language)
    if script != "latin":
        return None
    language, probability = _identifier(LATIN).classify(text)
    if language in AS_DANISH or language == "da":
        return "da"
    needed = SURE_ENGLISH if language == "en" else SURE
    if probability < needed or len(text.split()) < MIN_WORDS:
        return None
    return str(language)


def resolve(given: str | None, message: str) -> str:
    """What the person writes: what the channel says, else what the message is in, else Danish."""
    return language_code(given) or detect(message[:1000]) or "da"


def language_metadata(writes: str) -> dict[str, str]:
    """What a channel tells Rasa (bot/addons/language.py): the language to answer in, and the
    one the person writes."""
    return {"language": reply_language(writes), "user_language": writes}
