"""Lexical search: character n-grams over folded text, for misspellings and missing æøå."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge.embedding import Vectors
from knowledge.text import fold


class LexicalIndex:
    """TF-IDF over character 3-5-grams within words, after folding æ/ø/å and case."""

    def __init__(self, texts: list[str]) -> None:
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), preprocessor=fold, sublinear_tf=True
        )
        self._matrix = self._vectorizer.fit_transform(texts) if texts else None

    def scores(self, query: str) -> Vectors:
        """Cosine similarity of the query to every text, in index order."""
        if self._matrix is None:
            return np.zeros(0, dtype=np.float32)
        query_vector = self._vectorizer.transform([query])
        return np.asarray((self._matrix @ query_vector.T).toarray().ravel(), dtype=np.float32)
