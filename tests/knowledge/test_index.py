import json
import shutil
from pathlib import Path

import pytest

from knowledge.embedding import Embedder
from knowledge.errors import KnowledgeError
from knowledge.index import build_index, load_index, load_lexicon
from knowledge.settings import KnowledgeSettings


class CountingEmbedder:
    """The real model, counting how many passages it is asked to embed."""

    def __init__(self, inner: Embedder, name: str | None = None) -> None:
        self.inner, self.passages = inner, 0
        self._name = name or inner.name

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_queries(self, texts: list[str]):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]):
        self.passages += len(texts)
        return self.inner.embed_passages(texts)


DATA = Path(__file__).parent / "data"


@pytest.fixture
def local(tmp_path: Path) -> KnowledgeSettings:
    """A copy of the small test data set, so builds are quick and the data can be changed."""
    shutil.copytree(DATA / "corpus", tmp_path / "corpus")
    return KnowledgeSettings(
        corpus_dir=tmp_path / "corpus",
        catalogue_dir=DATA / "catalogue",
        index_dir=tmp_path / "ix",
    )


@pytest.mark.slow
def test_build_then_incremental_then_unchanged(
    local: KnowledgeSettings, embedder: Embedder
) -> None:
    model = CountingEmbedder(embedder)
    first = build_index(local, model)
    assert first.embedded == first.total > 20
    assert model.passages == first.total - 26  # the 26 theme phrases are embedded as queries
    manifest = json.loads((local.index_dir / "manifest.json").read_text())
    assert manifest["model"] == embedder.name and manifest["dim"] == embedder.dim

    again = build_index(local, model)
    assert again.up_to_date and model.passages == first.total - 26  # nothing re-embedded

    policy = sorted(local.corpus_dir.rglob("*.txt"))[0]
    policy.write_text(policy.read_text() + "\n\nHELT NYT AFSNIT\n\n" + "Nye ord her. " * 30)
    model.passages = 0
    third = build_index(local, model)
    assert 0 < third.embedded <= 3 and model.passages == third.embedded
    assert first.total <= third.total <= first.total + 2  # one new section, maybe a changed tail
    assert third.reused >= first.total - 3


@pytest.mark.slow
def test_reingesting_the_same_text_changes_nothing(
    local: KnowledgeSettings, embedder: Embedder
) -> None:
    build_index(local, embedder)
    before = (local.index_dir / "items.json").read_text()
    build_index(local, embedder, force=True)
    assert (local.index_dir / "items.json").read_text() == before


@pytest.mark.slow
def test_mismatched_and_corrupt_indexes_are_refused(
    local: KnowledgeSettings, embedder: Embedder
) -> None:
    build_index(local, embedder)
    with pytest.raises(KnowledgeError, match=r"was built by .* not 'other/model'"):
        load_index(local.index_dir, "other/model")
    (local.index_dir / "index.faiss").write_bytes(b"garbage")
    with pytest.raises(KnowledgeError, match="damaged"):
        load_index(local.index_dir, embedder.name)
    rebuilt = build_index(local, embedder)  # what `make run` does next
    assert not rebuilt.up_to_date and rebuilt.embedded == rebuilt.total
    assert len(load_index(local.index_dir, embedder.name).items) == rebuilt.total
    shutil.rmtree(local.index_dir)
    with pytest.raises(KnowledgeError, match="No usable index"):
        load_index(local.index_dir, embedder.name)


@pytest.mark.slow
def test_a_model_change_rebuilds_everything(local: KnowledgeSettings, embedder: Embedder) -> None:
    first = build_index(local, embedder)
    other = CountingEmbedder(embedder, name="test/other-model")
    second = build_index(local, other)
    assert second.embedded == first.total and second.reused == 0


def test_theme_phrases_must_cover_every_theme_once(local: KnowledgeSettings) -> None:
    path = local.corpus_dir / "themes.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  kontakt:\n", "  kontakt_x:\n"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"themes without phrases \['kontakt'\]"):
        load_lexicon(local)
    path.write_text(text.replace("- escort", "- gæld"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="'gæld' is under both oekonomi and prostitution"):
        load_lexicon(local)

    path.write_text("themes: [gæld, hjemløs]", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="must map each theme slug to a list"):
        load_lexicon(local)
