"""Odd queries through the library: a clear QueryError or a sensible result, never a crash."""
import pytest

from rag import store
from rag.errors import QueryError
from rag.retrieve import MAX_QUERY_CHARS, Retriever, clean_query


@pytest.fixture
def retriever(tiny_index, fake_embedder):
    return Retriever(store.load(tiny_index, embedder=fake_embedder), fake_embedder)


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\u200b\u200d\ufeff", "\x00\x07"])
def test_empty_queries_refused(retriever, query):
    with pytest.raises(QueryError, match="empty"):
        retriever.search(query)


@pytest.mark.parametrize("query", [
    "pipeline\x00 funded\x07?", "pipe\u200bline funded", "\u202epipeline funded\u202c", "🙂 pipeline 🚀 funded",
    "Финансируется ли трубопровод?", "<script>alert(1)</script> pipeline", "**pipeline** [funded](http://x.y)",
    "پایپ لاین", "pipeline " * 3,
])
def test_odd_queries_search(retriever, query):
    result = retriever.search(query, k=3)
    assert result.query and "\x00" not in result.query and "\u200b" not in result.query
    assert len(result.hits) <= 3
    for h in result.hits:
        doc = retriever.index.documents[h.passage.doc]
        assert doc.text[h.passage.start:h.passage.end] == h.passage.text


def test_huge_query_is_cut_with_notice(retriever):
    result = retriever.search("pipeline funded " * 7000, k=2)
    assert len(result.query) <= MAX_QUERY_CHARS
    assert any("cut" in n for n in result.notices)
    assert result.hits


@pytest.mark.parametrize("k", [0, -1, 51, 10**9, 2.5, "3", None, True])
def test_bad_k_refused(retriever, k):
    with pytest.raises(QueryError):
        retriever.search("pipeline", k=k)


def test_k_larger_than_index_returns_what_exists(retriever):
    result = retriever.search("pipeline", k=50)
    assert 0 < len(result.hits) <= len(retriever.index.passages)
    spans = [(h.passage.start, h.passage.end) for h in result.hits]
    for i, (s1, e1) in enumerate(spans):
        for s2, e2 in spans[i + 1:]:
            assert e1 <= s2 or e2 <= s1, "returned passages overlap"


def test_non_text_query_refused():
    with pytest.raises(QueryError):
        clean_query(None)
