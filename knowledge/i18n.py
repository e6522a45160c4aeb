"""Texts a person reads, in their language: gettext catalogs under locale/, formats from babel.

The msgids are stable keys ("chat.empty", "staff.title"); locale/da holds the Danish source text
and the other catalogs translate it (see locale/README.md). Keys keep the words out of the code
and let Danish be edited like any other language. `make catalogs` compiles the .po files to the
.mo files read here; nothing is read before first use.
"""

import gettext
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import read_mo

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
SOURCE = "da"
# Languages with a full catalog of the words around the answers (widget, pages, SMS, errors).
UI_LANGUAGES = ("da", "en", "uk", "ar")
# Languages the bot's own dialogue is written in (bot/domain); others are answered in English.
REPLY_LANGUAGES = ("da", "en")
RIGHT_TO_LEFT = frozenset({"ar"})
# Babel's locale for a language: Danish and English as written in Denmark.
LOCALES = {"da": "da_DK", "en": "en_DK", "uk": "uk_UA", "ar": "ar"}
# Norwegian and Swedish readers are served in Danish, the nearest catalog.
NEAREST = {"nb": "da", "nn": "da", "no": "da", "sv": "da"}


class MissingCatalog(RuntimeError):
    """The compiled catalogs are not there: `make catalogs` makes them from locale/*.po."""


def N_(key: str) -> str:
    """Marks a key for `make catalogs-extract` where the text is looked up later."""
    return key


def language_code(value: str | None) -> str:
    """The bare language of a tag: "en-GB" -> "en", "AR_eg" -> "ar"; "" for nothing usable."""
    tag = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return tag if tag.isascii() and tag.isalpha() and 2 <= len(tag) <= 3 else ""


def ui_language(value: str | None) -> str:
    """The catalog to show a person who reads `value`: their own, the nearest, else English
    (a person who writes Polish reads English more often than Danish); Danish when unknown."""
    code = language_code(value)
    code = NEAREST.get(code, code)
    if not code:
        return SOURCE
    return code if code in UI_LANGUAGES else "en"


def from_accept_language(header: str | None) -> str:
    """The catalog for an Accept-Language header ("uk-UA,uk;q=0.9,en;q=0.8"): the first of the
    person's languages, by their weights, that has one; Danish when none has."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "")[:500].split(",")):
        tag, _, weight = part.partition(";q=")
        try:
            quality = float(weight) if weight else 1.0
        except ValueError:
            continue
        code = NEAREST.get(language_code(tag), language_code(tag))
        if code in UI_LANGUAGES and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else SOURCE


def reply_language(value: str | None) -> str:
    """The language the bot answers in: Danish or English."""
    code = ui_language(value)
    return code if code in REPLY_LANGUAGES else "en"


def direction(language: str) -> str:
    return "rtl" if ui_language(language) in RIGHT_TO_LEFT else "ltr"


def locale(language: str) -> Locale:
    return Locale.parse(LOCALES[ui_language(language)])


def _mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


@lru_cache
def translations(language: str = SOURCE) -> gettext.NullTranslations:
    """The catalog of `language`, falling back to English, then to the Danish source."""
    language = ui_language(language)
    chain = [language, "en", SOURCE] if language != SOURCE else [SOURCE]
    found: gettext.NullTranslations | None = None
    for code in dict.fromkeys(chain):
        path = _mo_path(code)
        if not path.is_file():
            raise MissingCatalog(f"{path} is missing: run `make catalogs`")
        with path.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)
        if found is None:
            found = catalog
        else:
            found.add_fallback(catalog)
    assert found is not None
    return found


def text(key: str, language: str = SOURCE, **values: object) -> str:
    """The text for `key` in `language`, with {name} fields filled in."""
    found = translations(language).gettext(key)
    return found.format(**values) if values else found


def plural(key: str, plural_key: str, count: int, language: str = SOURCE, **values: object) -> str:
    """A text that depends on a count ({count} is filled in, formatted for the locale)."""
    from babel.numbers import format_decimal

    found = translations(language).ngettext(key, plural_key, count)
    return found.format(count=format_decimal(count, locale=locale(language)), **values)


@lru_cache
def group(prefix: str, language: str = SOURCE) -> dict[str, str]:
    """Every text whose key starts with `prefix` ("widget."), by key: what a
    client that renders on its own (widget.js) needs."""
    with _mo_path(SOURCE).open("rb") as handle:
        keys = [m.id for m in read_mo(handle) if isinstance(m.id, str) and m.id.startswith(prefix)]
    return {key: text(key, language) for key in keys}
