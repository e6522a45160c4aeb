"""Texts a person reads, one YAML file per language; read once, on first use."""

from functools import lru_cache
from pathlib import Path

import yaml

_DIR = Path(__file__).resolve().parent


@lru_cache
def texts(language: str = "da") -> dict[str, dict[str, str]]:
    data = yaml.safe_load((_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    return dict(data)


def text(key: str, language: str = "da", **values: str) -> str:
    """The text at "group.name", with `values` filled in."""
    group, name = key.split(".", 1)
    return texts(language)[group][name].format(**values)
