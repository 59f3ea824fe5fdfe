"""A hostile review of the chat in front of a room (session 36), below the page: a question of no words, and a quote of
several paragraphs cited by its first alone. (The page itself: tests/test_browser_session36.py.)"""
from __future__ import annotations

import pytest

from rag import chat, cite, handlers
from rag.engine import Engine
from rag.errors import QueryError
from rag.query import clean_query

from conftest import one_file_retriever

MEETING = """Harbour Committee Meeting, 3 April 2025

Amira Haddad: Good morning everyone. Today we discuss the ferry route and the dredging budget for the harbour.

Tom Brown: Thank you. The dredging will cost about 2.4 million euros, and we need it done before the summer season.

Amira Haddad: What about the environmental survey? The residents complained about noise at night.

Jonas Lindqvist: The survey found no protected species near the pier.

Amira Haddad: Good. Then we vote on the dredging next month.
"""


@pytest.mark.parametrize("question", ["?!?", "\U0001f525\U0001f525", " -- ... ", "¿¡"])
def test_a_question_of_no_words_is_refused_with_why_not_searched(tiny_index, fake_embedder, question):
    """"?!?" and "🔥🔥" were searched: on an index without a threshold of its own (a user's meeting) they got quotes
    with no notice. Now a line says why nothing is searched; in the chat it is a turn (the box had been emptied)."""
    with pytest.raises(QueryError, match="no letter or digit"):
        clean_query(question)
    assert not chat.blank(question)
    *_, (turns, html) = handlers.answer(Engine(tiny_index, fake_embedder), question, 2, False, "", [])
    assert turns[-1].error and "no letter or digit" in html and turns[-1].result is None
    for fine in ("Q3?", "2022", "Кто?", "北京"):
        assert clean_query(fine)[0] == fine
    assert chat.blank("\u200b ") and chat.blank("")


def test_a_quote_of_several_paragraphs_is_cited_through_its_last(tmp_path, fake_embedder):
    """A meeting's window of five turns was cited "paragraph 1" (the chair's greeting) in its label, the line under
    it, the copied citation and the JSON, where its context says "Paragraphs 1–5"."""
    r = one_file_retriever(tmp_path, fake_embedder, MEETING, name="harbour.txt")
    [hit] = r.search("What did Tom Brown say about the dredging cost?", 1, abstain=False).hits
    p, doc = hit.passage, r.index.documents[hit.passage.doc]
    last = cite.through(p, r.index)
    paragraphs = [t for t in r.index.paragraphs if t.doc == p.doc and t.start < p.end and t.end > p.start]
    assert len(paragraphs) > 1 and last == paragraphs[-1].paragraph > p.paragraph
    assert f"paragraphs {p.paragraph}–{last}" in cite.where(p, through=last)
    cited = cite.reference(p, doc, through=last)
    assert cited.count(f"paragraphs {p.paragraph}–{last}") == 1 and "para. " not in cited
    assert cite.hit_json(hit, r.index)["paragraph_end"] == last
    one = paragraphs[1]     # a quote of one paragraph: as before
    assert cite.through(one, r.index) is None and "paragraph " in cite.where(one).lower()
