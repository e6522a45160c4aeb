"""Upkeep of the gettext catalogs under locale/ (the Makefile's catalogs-* targets call this).

`annotate` writes the Danish source text into the template (locale/messages.pot) as a comment
on each key, so a translator working on en.po or uk.po sees what to translate. `check` lists
what a catalog lacks: a key with no text, a fuzzy text, or a {field} that differs from Danish.
"""

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from knowledge.i18n import LOCALE_DIR, SOURCE, UI_LANGUAGES

TEMPLATE = LOCALE_DIR / "messages.pot"
FIELD = re.compile(r"\{(\w+)\}")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _strings(message: Message) -> list[str]:
    value = message.string
    return [str(s) for s in value] if isinstance(value, tuple | list) else [str(value or "")]


def annotate(template: Path = TEMPLATE) -> None:
    source = read(po_path(SOURCE))
    pot = read(template)
    for message in pot:
        if not message.id:
            continue
        danish = source.get(message.id)
        message.auto_comments = [f"da: {' | '.join(_strings(danish))}"] if danish else []
    with template.open("wb") as handle:
        write_po(handle, pot, width=100, omit_header=True)


def check(language: str, template: Path = TEMPLATE) -> list[str]:
    """What `language`'s catalog lacks against the template; [] when it is complete."""
    pot, catalog, source = read(template), read(po_path(language)), read(po_path(SOURCE))
    problems = []
    for wanted in pot:
        if not wanted.id:
            continue
        key = wanted.id if isinstance(wanted.id, str) else wanted.id[0]
        found = catalog.get(wanted.id)
        if found is None:
            problems.append(f"{language}: {key}: missing")
        elif found.fuzzy:
            problems.append(f"{language}: {key}: fuzzy")
        elif not all(s.strip() for s in _strings(found)):
            problems.append(f"{language}: {key}: no text")
        else:
            danish = source.get(wanted.id)
            fields = set(FIELD.findall(" ".join(_strings(danish)))) if danish else set()
            if any(set(FIELD.findall(s)) - fields for s in _strings(found)):
                problems.append(f"{language}: {key}: a {{field}} that the Danish text lacks")
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["annotate"]:
        annotate()
        return 0
    if argv[:1] == ["check"]:
        problems = [p for language in UI_LANGUAGES for p in check(language)]
        print("\n".join(problems) or "catalogs: every key has a text in " + ", ".join(UI_LANGUAGES))
        return 1 if problems else 0
    print("usage: python -m knowledge.catalogs annotate|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
