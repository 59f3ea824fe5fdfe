"""An index in Milvus searched (stage: store; rag/milvus.py writes and loads it): ``Index.parts`` is a ``Parts``,
whose dense search is Milvus's exact (FLAT) inner product and whose lexical search is Milvus's BM25 function over
the passages' stored tokens (rag.lexical.tokenize), each as rag/dense.py's and rag/lexical.py's are for a folder:
the same ``Candidates``, fused, diversified and abstained on by retrieve.py. A document filter is a Milvus
expression of row ranges (a document's passages are contiguous). What it leaves out: Milvus's approximate
indexes (FLAT is exact, as FAISS's flat index is) and its own fusion (rank fusion is retrieve.py's)."""
from __future__ import annotations

import numpy as np

from .dense import DenseSearch
from .milvus import EMPTY, K1, Target, client, ready


def row_filter(allowed: np.ndarray | None) -> str | None:
    """A Milvus filter for the rows of a mask, as ranges (a document's passages are contiguous)."""
    if allowed is None or allowed.all():
        return None
    idx = np.flatnonzero(allowed)
    if not len(idx):
        return "row < 0"
    breaks = np.flatnonzero(np.diff(idx) != 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]]) + 1
    return " or ".join(f"(row >= {int(a)} and row < {int(b)})" for a, b in zip(starts, ends))


def _hits(result) -> list[tuple[int, float]]:
    out = []
    for h in result[0] if result else []:
        row = h.get("row", (h.get("entity") or {}).get("row"))
        out.append((int(row), float(h["distance"])))
    return out


class Parts:
    """Index.parts for an index in Milvus: the search components over one version's collection."""

    def __init__(self, target: Target, collection: str, texts: list[str], stem: bool):
        self.target, self.collection, self.stem = target, collection, stem
        self.vocab = frozenset(t for text in texts for t in text.split() if t != EMPTY)

    def dense(self, index, embedder):
        return MilvusDense(index, embedder, self)

    def lexical(self, index):
        return MilvusLexical(index, self)


class MilvusDense(DenseSearch):
    """Dense candidates from Milvus's exact (FLAT) inner-product search; the vectors (for MMR and
    paragraph cosines) are those read back from Milvus on load."""

    def __init__(self, index, embedder, parts: Parts):
        super().__init__(index, embedder)
        self.parts = parts

    def search(self, vec: np.ndarray, allowed: np.ndarray | None, depth: int):
        from .records import Candidates

        n = len(self.passages)
        if n == 0:
            return Candidates([], {})
        kwargs = {"filter": row_filter(allowed)} if allowed is not None else {}
        c = client(self.parts.target)
        ready(c, self.parts.collection)
        res = c.search(
            self.parts.collection, data=[np.asarray(vec, dtype="float32").tolist()], anns_field="vector",
            limit=min(n, depth + 10), search_params={"metric_type": "IP"}, output_fields=["row"], **kwargs)
        pairs = sorted(_hits(res), key=lambda p: (-p[1], p[0]))[:depth]
        return Candidates([r for r, _ in pairs], dict(pairs))


class MilvusLexical:
    """BM25 candidates from Milvus's BM25 function, over the same tokens as rag.lexical (the passages'
    were stored tokenised); scores divided by k1 + 1, which makes them bm25s's (method "lucene")."""

    def __init__(self, index, parts: Parts):
        self.index, self.parts = index, parts

    def warm_up(self) -> None:
        pass

    def encode(self, text: str) -> list[str]:
        from .lexical import tokenize
        return tokenize(text, self.parts.stem)

    def search(self, tokens: list[str], allowed: np.ndarray | None, depth: int):
        from .records import Candidates

        known = [t for t in tokens if t in self.parts.vocab]
        n = len(self.index.passages)
        if not known or n == 0:
            return Candidates([], {})
        kwargs = {"filter": row_filter(allowed)} if allowed is not None else {}
        c = client(self.parts.target)
        ready(c, self.parts.collection)
        res = c.search(
            self.parts.collection, data=[" ".join(known)], anns_field="sparse", limit=min(n, depth + 10),
            search_params={"metric_type": "BM25"}, output_fields=["row"], **kwargs)
        # Milvus Lite gives -score as the distance, a server the score: BM25 is never negative
        pairs = [(r, abs(d) / (K1 + 1)) for r, d in _hits(res)]
        pairs = sorted((p for p in pairs if p[1] > 0), key=lambda p: (-p[1], p[0]))[:depth]
        return Candidates([r for r, _ in pairs], dict(pairs))

    def coverage(self, tokens: list[str]) -> float:
        return sum(t in self.parts.vocab for t in tokens) / len(tokens) if tokens else 0.0
