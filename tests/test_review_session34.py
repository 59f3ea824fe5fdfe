"""Session 34's review of documents in other scripts and encodings: labels whose accents are combining marks (a file
in Unicode's NFD, "Rene\u0301e Castan\u0303eda:") or whose hyphen is a non-breaking one ("Omar Al\u2011Farouq:") were no
labels, so a podcast had no speakers; and a query's "café" never met the text's "cafe\u0301"."""
from __future__ import annotations

from rag import lexical
from rag.build import build
from rag.parse import parse
from rag.query import clean_query
from rag.records import Document
from rag.retrieve import open_retriever
from rag.speakers import resolve

from conftest import FakeEmbedder

NFD_PODCAST = ("Neighbourhood Table, episode 48\n\n"
               "Rene\u0301e Castan\u0303eda: Welcome back. Today we talk about the cafe\u0301 on Mill Street.\n\n"
               "Omar Al\u2011Farouq: The cafe\u0301 closes at six now, which is a shame for the night-shift workers.\n\n"
               "Rene\u0301e Castan\u0303eda: And the pin\u0303ata workshop? Who runs it?\n\n"
               "Omar Al\u2011Farouq: Two retired teachers. The children take their pin\u0303atas home.\n")


def test_labels_with_combining_accents_and_a_no_break_hyphen_are_speakers():
    doc, ps = parse(Document.from_text("ep48.txt", NFD_PODCAST))
    assert {p.speaker for p in ps if p.speaker} | {s for p in ps for s in p.speakers} == \
        {"Rene\u0301e Castan\u0303eda", "Omar Al\u2011Farouq"}
    for p in ps:
        assert doc.text[p.start:p.end] == p.text        # the stored text as read: nothing composed in it
    names = ["Rene\u0301e Castan\u0303eda", "Omar Al\u2011Farouq"]
    assert resolve("What did Renée say about the café?", names).speakers == ("Rene\u0301e Castan\u0303eda",)
    assert resolve("What did Castaneda say?", names).speakers == ("Rene\u0301e Castan\u0303eda",)
    assert resolve("What did Al-Farouq say?", names).speakers == ("Omar Al\u2011Farouq",)


def test_a_query_and_a_text_meet_whichever_way_their_accents_are_written():
    assert lexical.tokenize("the cafe\u0301 closes") == lexical.tokenize("the café closes")
    assert clean_query("cafe\u0301")[0] == "café"


def test_an_nfd_podcast_is_searched_by_its_speakers_words(tmp_path):
    (tmp_path / "ep48.txt").write_text(NFD_PODCAST, encoding="utf-8")
    build([tmp_path / "ep48.txt"], FakeEmbedder(), folder=tmp_path / "idx")
    retriever = open_retriever(tmp_path / "idx", embedder=FakeEmbedder())
    result = retriever.search("When does the café close?", k=1)
    assert "closes at six" in result.hits[0].passage.text and not result.missing_terms
    assert retriever.lexical.lexical.scores("piñatas").max() > 0      # (the text's "pin\u0303atas": "pin", "atas")
