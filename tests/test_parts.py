"""The Retriever's parts: the dense and lexical retrievers share one interface, and another
backend written against it plugs in; warm_up fills the caches; the vectors are not copied."""
from __future__ import annotations

import numpy as np
import pytest

from rag import lexical, store
from rag.dense import DenseSearch, rows_view
from rag.lexical import LexicalSearch
from rag.records import Candidates
from rag.retrieve import Retriever, SearchSettings, confidence, fuse

QUERIES = ["Is the pipeline funded?", "water prices next year", "reservoir spring rains", "zebra migration"]


@pytest.fixture
def index(tiny_index, fake_embedder):
    return store.load(tiny_index, embedder=fake_embedder)


def parts(index, embedder):
    return {"dense": DenseSearch(index, embedder), "lexical": LexicalSearch(index)}


@pytest.mark.parametrize("name", ["dense", "lexical"])
def test_both_retrievers_answer_in_the_same_shape(index, fake_embedder, name):
    part = parts(index, fake_embedder)[name]
    part.warm_up()
    n = len(index.passages)
    for query in QUERIES:
        found = part.search(part.encode(query), None, 3)
        assert isinstance(found, Candidates) and len(found.rows) <= 3
        assert all(isinstance(r, int) and 0 <= r < n for r in found.rows)
        assert set(found.scores) == set(found.rows)
        assert [found.scores[r] for r in found.rows] == sorted(found.scores.values(), reverse=True)
        allowed = np.zeros(n, dtype=bool)
        allowed[::2] = True
        only = part.search(part.encode(query), allowed, n)
        assert all(allowed[r] for r in only.rows)


def test_the_retrievers_init_reads_nothing(index, fake_embedder, monkeypatch):
    def fail(*a, **k):
        raise AssertionError("read at construction")

    monkeypatch.setattr(lexical, "load", fail)
    monkeypatch.setattr(lexical, "build", fail)
    monkeypatch.setattr(fake_embedder, "encode_query", fail)
    Retriever(index, fake_embedder)


def test_warm_up_fills_the_caches(index, fake_embedder, monkeypatch):
    r = Retriever(index, fake_embedder).warm_up()

    def fail(*a, **k):
        raise AssertionError("read at search time, after warm_up")

    monkeypatch.setattr(lexical, "load", fail)
    monkeypatch.setattr(lexical, "build", fail)
    monkeypatch.setattr("rag.dense.rows_view", fail)
    assert r.search("Is the pipeline funded?", 3).hits
    assert r.with_settings(mode="lexical").search("pipeline", 2).hits     # the caches travel with it


def test_the_vectors_are_faiss_own_memory_not_a_copy(index):
    a, b = rows_view(index.vectors), rows_view(index.vectors)
    assert a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
    assert np.array_equal(a, store.vectors_array(index.vectors)) and not a.flags.writeable


# ---- another backend, written against the interface only -------------------------------------

class NumpyDense:
    """A dense backend with no FAISS: brute-force cosine over its own copy of the vectors."""

    def __init__(self, index, embedder):
        self.embedder = embedder
        self.passages = index.passages
        self.vectors = store.vectors_array(index.vectors)
        self.searched = 0

    def warm_up(self):
        pass

    def encode(self, text):
        return np.asarray(self.embedder.encode_query(text), dtype="float32")

    def search(self, vec, allowed, depth):
        self.searched += 1
        sims = self.vectors @ vec
        rows = np.flatnonzero(allowed) if allowed is not None else np.arange(len(sims))
        top = rows[np.argsort(-sims[rows], kind="stable")[:depth]]
        return Candidates([int(r) for r in top], {int(r): float(sims[r]) for r in top})

    def paragraph_cosine(self, vec, rows):
        if vec is None or not rows:
            return 0.0
        out = []
        for r in rows:
            p = self.passages[r]
            same = [i for i, q in enumerate(self.passages) if (q.doc, q.paragraph) == (p.doc, p.paragraph)]
            m = self.vectors[same].mean(axis=0)
            out.append(float(m / (np.linalg.norm(m) or 1.0) @ vec))
        return max(out)


class SharedWords:
    """A lexical backend with no BM25: the number of distinct query words a passage contains."""

    def __init__(self, index):
        self.words = [set(p.text.lower().split()) for p in index.passages]

    def warm_up(self):
        pass

    def encode(self, text):
        return sorted(set(text.lower().replace("?", "").split()))

    def search(self, tokens, allowed, depth):
        scores = {i: float(len(w & set(tokens))) for i, w in enumerate(self.words)
                  if (allowed is None or allowed[i]) and w & set(tokens)}
        rows = sorted(scores, key=lambda i: (-scores[i], i))[:depth]
        return Candidates(rows, {r: scores[r] for r in rows})

    def coverage(self, tokens):
        return sum(any(t in w for w in self.words) for t in tokens) / len(tokens) if tokens else 0.0


def _ids(result):
    return [(h.passage.id, round(h.score, 6)) for h in result.hits]


def test_a_dense_backend_written_against_the_interface_plugs_in(index, fake_embedder):
    backend = NumpyDense(index, fake_embedder)
    ours = Retriever(index, fake_embedder, SearchSettings())
    theirs = Retriever(index, fake_embedder, SearchSettings(), dense=backend)
    for query in QUERIES:
        a, b = ours.search(query, 3), theirs.search(query, 3)
        assert _ids(a) == _ids(b) and a.confidence == pytest.approx(b.confidence)
    assert backend.searched == len(QUERIES)
    assert theirs.with_settings(mode="dense").dense is backend


def test_a_lexical_backend_written_against_the_interface_plugs_in(index, fake_embedder):
    r = Retriever(index, fake_embedder, SearchSettings(mode="lexical"), lexical=SharedWords(index))
    result = r.search("pipeline funded grant", 2)
    assert "regional grant" in result.hits[0].passage.text
    assert result.hits[0].provenance["lexical_score"] == 3.0 and result.hits[0].provenance["dense_rank"] is None


# ---- the pure steps --------------------------------------------------------------------------

def test_fuse_follows_the_mode():
    dense, lex = Candidates([1, 2], {1: 0.9, 2: 0.5}), Candidates([2, 3], {2: 4.0, 3: 2.0})
    none = Candidates([], {})
    assert fuse(dense, none, SearchSettings(mode="dense")) == {1: 0.9, 2: 0.5}
    assert fuse(none, lex, SearchSettings(mode="lexical")) == {2: 4.0, 3: 2.0}
    hybrid = fuse(dense, lex, SearchSettings())     # 0.4 * min-max(cosine) + 0.6 * BM25 / best BM25
    assert hybrid == pytest.approx({1: 0.4 + 0.6 * 0.5, 2: 0.6, 3: 0.6 * 0.5})
    rrf = fuse(dense, lex, SearchSettings(fusion="rrf", rrf_k=10))
    assert rrf[2] == pytest.approx(1 / 12 + 1 / 11)


def test_confidence_adds_the_lexical_evidence_except_in_dense_mode():
    lex = Candidates([0], {0: 3.0})
    assert confidence(SearchSettings(mode="dense"), 0.4, lex, 3, 1.0) == 0.4
    assert confidence(SearchSettings(), 0.4, lex, 3, 1.0) == pytest.approx(0.4 + 0.5 * 3.0 / 3 + 0.5 * 1.0)
    assert confidence(SearchSettings(), 0.0, Candidates([], {}), 0, 0.0) == 0.0


def test_bm25_runs_while_the_query_is_embedded(index, fake_embedder):
    # an embedder that can embed on a thread of its own (encode_query_later) is asked first, and the search
    # does its lexical work before it waits for the vector: on two cores the two overlap
    import threading
    from concurrent.futures import Future

    searched = threading.Event()
    seen = []

    class Later(type(fake_embedder)):
        def encode_query_later(self, text):
            future = Future()

            def run():      # the vector is ready only once BM25 has searched (or after 5 s, reported)
                seen.append(searched.wait(5))
                future.set_result(self._vec(text))
            threading.Thread(target=run, daemon=True).start()
            return future

    class Watched(LexicalSearch):
        def search(self, *args, **kwargs):
            searched.set()
            return super().search(*args, **kwargs)

    embedder = Later()
    ours = Retriever(index, embedder, SearchSettings(), lexical=Watched(index))
    plain = Retriever(index, fake_embedder, SearchSettings())
    for query in QUERIES:
        searched.clear()
        assert _ids(ours.search(query, 3)) == _ids(plain.search(query, 3))
    assert seen == [True] * len(QUERIES)
