"""Chunking: whole paragraphs when they fit, sentence windows otherwise, exact spans, questions as context."""
from __future__ import annotations

import re

from rag.chunk import ChunkSettings, chunk, embed_text, sentences
from rag.records import Document
from rag.parse import parse
from tests.conftest import INTERVIEW


def count(texts):
    return [len(re.findall(r"\w+|[^\w\s]", t)) for t in texts]


def _parsed(text):
    doc, paras = parse(Document.from_text("t.txt", text))
    return doc, paras


def test_a_paragraph_that_fits_is_one_whole_chunk():
    doc, paras = _parsed(INTERVIEW)
    chunks = chunk(paras, doc.text, count)
    answers = [p for p in paras if p.kind != "question"]
    assert [(c.start, c.end) for c in chunks] == [(p.start, p.end) for p in answers]
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)
    assert all(c.kind != "question" for c in chunks)


def test_a_long_paragraph_becomes_overlapping_sentence_windows():
    body = " ".join(f"Sentence number {i} talks about topic {i} at some length here." for i in range(40))
    text = f"Question: What about the topics?\n\nJane Doe: {body}\n\nQuestion: And then?\n\nJane Doe: Fine.\n"
    doc, paras = _parsed(text)
    settings = ChunkSettings(max_tokens=60, overlap=1)
    chunks = [c for c in chunk(paras, doc.text, count, settings) if c.section == "Q1"]
    assert len(chunks) > 3
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
        assert count([c.text])[0] <= 60
        assert c.text.endswith(".")                        # whole sentences
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end                             # one sentence of overlap
        assert b.start > a.start
    assert chunks[0].start == paras[1].start and chunks[-1].end == paras[1].end   # the whole paragraph is covered


def test_answers_carry_their_question_as_context_within_the_window():
    doc, paras = _parsed(INTERVIEW)
    chunks = chunk(paras, doc.text, count, ChunkSettings())
    funded = next(c for c in chunks if "regional grant" in c.text)
    assert funded.context == "Is the pipeline funded?"
    assert embed_text(funded) == f"{funded.text}\n{funded.context}"
    tight = chunk(paras, doc.text, count, ChunkSettings(window=count([funded.text])[0] + 4))
    tight_funded = next(c for c in tight if "regional grant" in c.text)
    assert count([tight_funded.context])[0] <= 2


def test_sentences_skip_abbreviations():
    text = "Mr. Smith met Dr. Jones on Jan. 5. They talked. Then they left."
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == ["Mr. Smith met Dr. Jones on Jan. 5.", "They talked.", "Then they left."]


def _chars(texts):      # a tokenizer with no word boundaries to lean on: a character a token
    return [len(t) for t in texts]


def test_chinese_sentences_end_at_their_full_stop():
    # a hostile review: a turn in Chinese was one "sentence" (。 was no end) and one 1,282-token passage
    text = "欢迎大家参加港口会议。港口的预算增加了很多！市长说工程必须完成？好。"
    assert [text[s:e] for s, e in sentences(text)] == ["欢迎大家参加港口会议。", "港口的预算增加了很多！", "市长说工程必须完成？", "好。"]
    mixed = "He left. Then 她说：好。 OK."
    assert [mixed[s:e] for s, e in sentences(mixed)] == ["He left.", "Then 她说：好。", "OK."]


def test_a_word_longer_than_the_window_is_cut_into_pieces_that_fit():
    # a run without spaces past the model's window (a long URL, a language written without spaces): it was kept
    # whole, one passage the model saw a fifth of
    word = "港" * 300
    text = f"Question: What about the port?\n\nJane Doe: {word}\n"
    doc, paras = _parsed(text)
    last = paras[-1]
    chunks = [c for c in chunk(paras, doc.text, _chars, ChunkSettings(max_tokens=60, overlap=0, turn_tokens=60))
              if c.start >= last.start]
    assert len(chunks) >= 5 and all(_chars([c.text])[0] <= 60 for c in chunks)
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)
    assert chunks[0].start == last.start and chunks[-1].end == last.end and \
        all(b.start <= a.end for a, b in zip(chunks, chunks[1:]))       # all of it, in order
