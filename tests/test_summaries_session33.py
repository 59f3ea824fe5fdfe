"""The extractive summary states what the quotes say, never what they ask (session 33's review: a webinar host's "How
much is the Boiler Upgrade Scheme now?" was a summary's first line, "ok, support 1.00")."""
from __future__ import annotations

from rag.build import build
from rag.retrieve import open_retriever
from rag.summarise import NO_QUESTIONS_ONLY, extractive_summary

from conftest import FakeEmbedder

WEBINAR = """Rachel Osei: Hi all, thanks for joining the heat pump webinar. And the grant? How much is the Boiler Upgrade Scheme now?

Daniel Brandt: It's 7,500 pounds for an air source heat pump in England and Wales. Scotland has its own scheme.

Rachel Osei: Is it paid to the installer? Or to the household?

Daniel Brandt: To the installer, who takes it off the price.
"""


def test_an_extractive_summary_takes_no_question(tmp_path):
    (tmp_path / "webinar.txt").write_text(WEBINAR, encoding="utf-8")
    embedder = FakeEmbedder()
    build([tmp_path / "webinar.txt"], embedder, folder=tmp_path / "idx")
    r = open_retriever(tmp_path / "idx", embedder=embedder)
    hits = r.search("How much is the Boiler Upgrade Scheme grant?", k=5, abstain=False).hits
    assert any("?" in h.passage.text for h in hits)           # the quotes hold the host's questions
    summary = extractive_summary("How much is the Boiler Upgrade Scheme grant?", hits, r.index, embedder)
    assert summary.sentences and not any(s.text.endswith("?") for s in summary.sentences), summary.sentences
    text = r.index.documents["webinar.txt"].text
    assert all(s.text in text for s in summary.sentences)
    # quotes that only ask: nothing to summarise, and it says so
    (tmp_path / "asks.txt").write_text("Is the grant paid to the installer? Or is it paid to the household?\n",
                                       encoding="utf-8")
    build([tmp_path / "asks.txt"], embedder, folder=tmp_path / "idx2")
    r = open_retriever(tmp_path / "idx2", embedder=embedder)
    hits = r.search("Who is the grant paid to?", k=5, abstain=False).hits
    assert hits
    summary = extractive_summary("Who is the grant paid to?", hits, r.index, embedder)
    assert not summary.sentences and summary.reason == NO_QUESTIONS_ONLY


def test_a_question_in_another_script_is_no_summary_line_either(tmp_path):
    """The day's review: only an ASCII "?" was read; a Chinese or Japanese "？" (where rag/sentences.py itself ends a
    sentence) and an Arabic "؟" were summary lines."""
    text = "会议什么时候开始？会议九点开始。费用是多少？费用是五百元。\n"
    (tmp_path / "zh.txt").write_text(text, encoding="utf-8")
    embedder = FakeEmbedder()
    build([tmp_path / "zh.txt"], embedder, folder=tmp_path / "idx")
    r = open_retriever(tmp_path / "idx", embedder=embedder)
    hits = r.search("会议什么时候开始", k=3, abstain=False).hits
    summary = extractive_summary("会议什么时候开始", hits, r.index, embedder)
    assert summary.sentences and not any(s.text.endswith("？") for s in summary.sentences), summary.sentences
