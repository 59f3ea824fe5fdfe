"""Dense search: the passages whose vectors are nearest the query's (inner product of the normalised
MiniLM vectors FAISS holds, i.e. cosine), one of the two retrievers of retrieve.py.

Both retrievers offer one interface, the seam another store backend plugs into:
``encode(text)`` (here: the query's vector; ``encode_later(text)``, optional, starts it on the embedder's
thread and returns a function that waits for it), ``search(encoded, allowed, depth) -> Candidates``
(``allowed``: a mask of the rows that may be returned, or None for all) and ``warm_up()``
(fill the caches now; ``__init__`` does no work). The dense one also gives what diversity
and abstention need of the vectors: ``vectors`` (row i == passage i, for MMR's near-duplicates)
and ``paragraph_cosine`` (the query against whole paragraphs, for the confidence); the lexical
one ``coverage`` (the share of the query's words the index knows).

The vectors are FAISS's own memory, seen as a read-only numpy array: never copied; one query is one
matrix-vector product over them (numpy's BLAS: half the time of FAISS's flat search for a single query).
What it leaves out: approximate indexes (the flat index is exact and fast enough for
100k passages), other backends than FAISS.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .records import Candidates


def rows_view(vectors) -> np.ndarray:
    """The rows of a FAISS index as an (n, d) float32 array: for a flat index a read-only view
    of its own memory (valid while it lives and is not changed), else a copy."""
    import faiss

    n, d = vectors.ntotal, vectors.d
    if n == 0:
        return np.zeros((0, d), dtype="float32")
    if isinstance(vectors, faiss.IndexFlat):
        view = faiss.rev_swig_ptr(vectors.get_xb(), n * d).reshape(n, d)
        view.flags.writeable = False
        return view
    return vectors.reconstruct_n(0, n)


class DenseSearch:
    """Dense candidates over an Index's FAISS vectors, the query embedded by `embedder`."""

    def __init__(self, index, embedder):
        self.faiss = index.vectors          # kept: `vectors` is a view of its memory
        self.passages = index.passages
        self.embedder = embedder
        self._vectors = None
        self._paragraphs = None             # (paragraph vectors, each passage's paragraph): _paragraph_vectors

    @property
    def vectors(self) -> np.ndarray:
        """Every passage's vector (row i == passage i); needs no model (a lexical search uses it too)."""
        if self._vectors is None:
            self._vectors = rows_view(self.faiss)
        return self._vectors

    def warm_up(self) -> None:
        """The vectors and the paragraphs' vectors (the model loads on the first `encode`)."""
        self._paragraph_vectors()

    def encode(self, text: str) -> np.ndarray:
        """The query's vector (float32, normalised by the model)."""
        return np.array(self.embedder.encode_query(text), dtype="float32")

    def encode_later(self, text: str):
        """A function that returns the query's vector, computed meanwhile on the embedder's own thread where it
        has one (``encode_query_later``: the search does its BM25 and name work while the model runs), else now."""
        later = getattr(self.embedder, "encode_query_later", None)
        if later is None or type(self).encode is not DenseSearch.encode:    # a subclass's own encode: itself
            vec = self.encode(text)
            return lambda: vec
        future = later(text)
        return lambda: np.array(future.result(), dtype="float32")

    def search(self, vec: np.ndarray, allowed: np.ndarray | None, depth: int) -> Candidates:
        """The `depth` rows nearest `vec` (among `allowed`), by cosine."""
        if allowed is None:     # IndexFlatIP.search took twice as long (13k passages: 1.7 ms; 10^5: 17.6 ms)
            every = self.vectors @ vec
            return replace(Candidates.best(every, depth), every=every)      # (kept: retrieve's region reads them)
        rows = np.flatnonzero(allowed)
        # a few documents of many: only their rows (one document of 10^5 passages: 63 -> ~1 ms)
        if len(rows) * 4 < len(self.passages):
            return Candidates.best(self.vectors[rows] @ vec, depth, rows)
        every = self.vectors @ vec
        return replace(Candidates.best(every[rows], depth, rows), every=every)

    def paragraph_cosine(self, vec: np.ndarray | None, rows: list[int]) -> float:
        """The best cosine of the query with the paragraphs of `rows`, each paragraph's vector being
        the normalised mean of its windows' (a whole answer, not one phrase of it, must match);
        0 without a query vector or rows."""
        if vec is None or not rows:
            return 0.0
        matrix, of_row = self._paragraph_vectors()
        return float((matrix[of_row[np.asarray(rows)]] @ vec).max())

    def _paragraph_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(each paragraph's vector, the normalised mean of its windows', a row per paragraph; each passage's
        row in it)."""
        if self._paragraphs is None:
            keys: dict = {}
            for i, p in enumerate(self.passages):
                keys.setdefault((p.doc, p.paragraph), []).append(i)
            of_row = np.zeros(len(self.passages), dtype=np.int64)
            means = np.zeros((len(keys), self.vectors.shape[1] if len(self.passages) else 0), dtype="float32")
            for j, rows in enumerate(keys.values()):
                of_row[rows] = j
                means[j] = self.vectors[rows].mean(axis=0)
            means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
            self._paragraphs = (means, of_row)
        return self._paragraphs
