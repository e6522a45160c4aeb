"""The language of a page or reply: what the person chose, else what their browser asks for.

Templates get `_`, `ngettext`, `lang` and `dir` from `template_context`, so a page only says which
language it is in (`request.state.language`) when it knows better than the request does.
"""

from functools import partial
from typing import Any

from fastapi import Request

from knowledge.i18n import UI_LANGUAGES, direction, from_accept_language, plural, text, ui_language

# Each language named in itself, for the language menus.
NATIVE_NAMES = {"da": "Dansk", "en": "English", "uk": "Українська", "ar": "العربية"}


def request_language(request: Request) -> str:
    chosen = getattr(request.state, "language", None) or request.query_params.get("language")
    if chosen and chosen.strip():
        return ui_language(chosen[:20])
    return from_accept_language(request.headers.get("accept-language"))


def template_context(request: Request) -> dict[str, Any]:
    language = request_language(request)

    def ngettext(key: str, plural_key: str, count: int, **values: object) -> str:
        return plural(key, plural_key, count, language, **values)

    return {
        "_": partial(text, language=language),
        "ngettext": ngettext,
        "lang": language,
        "dir": direction(language),
        "languages": {code: NATIVE_NAMES[code] for code in UI_LANGUAGES},
    }
