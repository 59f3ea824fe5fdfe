"""The chat's wording of a search's result, from a seminar host's rehearsal of session 30."""
from __future__ import annotations

from types import SimpleNamespace

from rag import render
from rag.records import Document, Hit, Passage
from rag.retrieve import Result


def _two_documents():
    docs, hits = {}, []
    for n, name in enumerate(("a.txt", "b.txt"), 1):
        text = f"Marketing: The remote control casing is grey in meeting {n}."
        docs[name] = Document(id=name, text=text, title=name)
        hits.append(Hit(Passage(doc=name, start=0, end=len(text), text=text, section="text", kind="turn",
                                paragraph=1, speaker="Marketing"), n, 1.0))
    return SimpleNamespace(documents=docs, passages=[h.passage for h in hits]), hits


def test_nearest_passages_that_discuss_nothing_are_not_said_to_discuss_it():
    """"Did anyone propose a cork casing for the remote control?" on five meetings: the search said "No document
    mentions 'cork'" and grouped no documents (Result.documents empty), but the chat grouped the hits itself and
    said in bold "2 documents discuss this" under that notice."""
    index, hits = _two_documents()
    silent = Result("cork casing", hits, notices=["No document mentions 'cork'."], missing_terms=["cork"],
                    documents=[])
    assert render._documents_line(silent, index) == ""
    grouped = Result("casing", hits, documents=[("a.txt", 1), ("b.txt", 1)])
    assert render._documents_line(grouped, index).startswith('<p class="rq-docs-line">2 documents discuss this: ')
