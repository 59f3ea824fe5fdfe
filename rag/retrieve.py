"""Find the passages that answer a query.

Dense search over the FAISS index; overlapping passages (neighbouring windows of
one paragraph) are returned once, the better-scored one.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from .errors import QueryError
from .records import Hit, Passage
from .store import Index

MAX_QUERY_CHARS = 1000
MAX_K = 50


@dataclass(frozen=True)
class Result:
    query: str                       # the query as searched (cleaned, perhaps cut)
    hits: list[Hit]
    abstained: bool = False
    notices: list[str] = field(default_factory=list)


def clean_query(query: str) -> tuple[str, list[str]]:
    """Drop control and invisible format characters, fold whitespace, cut to MAX_QUERY_CHARS."""
    if not isinstance(query, str):
        raise QueryError("The query must be text.")
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in query if unicodedata.category(c) != "Cf")
    text = re.sub(r"\s+", " ", text).strip()
    notices = []
    if not text:
        raise QueryError("Please type a question: the query is empty.")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
        notices.append(f"The query was cut to its first {len(text)} characters (limit {MAX_QUERY_CHARS}).")
    return text, notices


def check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise QueryError(f"The number of passages must be a whole number, not {k!r}.")
    if not 1 <= k <= MAX_K:
        raise QueryError(f"The number of passages must be between 1 and {MAX_K}, not {k}.")
    return int(k)


def overlaps(a: Passage, b: Passage) -> bool:
    return a.doc == b.doc and a.start < b.end and b.start < a.end


class Retriever:
    def __init__(self, index: Index, embedder):
        self.index = index
        self.embedder = embedder

    def search(self, query: str, k: int = 5) -> Result:
        k = check_k(k)
        text, notices = clean_query(query)
        n = len(self.index.passages)
        if n == 0:
            return Result(text, [], abstained=True, notices=notices + ["The index holds no passages."])
        vec = self.embedder.encode_query(text)
        scores, rows = self.index.vectors.search(vec[None, :].astype("float32"), min(n, k * 4 + 4))
        hits: list[Hit] = []
        for dense_rank, (score, row) in enumerate(zip(scores[0], rows[0]), 1):
            if row < 0:
                continue
            p = self.index.passages[row]
            if any(overlaps(p, h.passage) for h in hits):
                continue
            hits.append(Hit(passage=p, rank=len(hits) + 1, score=float(score),
                            provenance={"dense_rank": dense_rank, "dense_score": float(score)}))
            if len(hits) == k:
                break
        return Result(text, hits, notices=notices)


def open_retriever(folder=None, embedder=None) -> Retriever:
    """Load and check the index in `folder` for `embedder` (the default model when None)."""
    from . import store
    from .embed import default_embedder

    embedder = embedder or default_embedder()
    return Retriever(store.load(folder or store.DEFAULT_INDEX, embedder=embedder), embedder)
