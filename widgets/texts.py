"""Texts a person reads on the web surfaces: widgets/texts/<language>/*.yml, one file per surface,
each holding groups of texts; the files of a language are merged."""

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_DIR = Path(__file__).resolve().parent / "texts"
DEFAULT_LANGUAGE = "da"


@lru_cache
def ui_texts(language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """All texts for `language`, falling back to Danish for a language with no file."""
    folder = _DIR / language
    if not folder.is_dir():
        folder = _DIR / DEFAULT_LANGUAGE
    merged: dict[str, Any] = {}
    for path in sorted(folder.glob("*.yml")):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return merged


def ui_text(key: str, language: str = DEFAULT_LANGUAGE, **values: str) -> str:
    """The text at "group.name", with `values` filled in."""
    group, name = key.split(".", 1)
    return str(ui_texts(language)[group][name]).format(**values)
