"""Awkward text (session 37's hostile review): a document written in decomposed accents (NFD), or with a soft hyphen or
a zero-width joiner inside a name, was said "never to mention" the name it holds, and withheld its answer; such words
and a PDF's ligatures ("ﬁnance") were found by no lexical search; a speaker's label with a no-break space ("Ana Li:")
gave her words to the speaker before; a document's own footnote mark "[2]" in an extractive summary linked to quote 2;
a word of 60,000 letters (one unknown token) made a window of a whole 120 KB file; the Markdown citation broke lines at
U+2028; a file of zero-width characters was indexed as a blank quote, a UTF-32 file refused as "binary data"; a U+2028
in JSON lines cut a record for a reader splitting lines as Python does. Every quote stays exactly the stored text."""
from __future__ import annotations

import json

import pytest

from rag import chat, render
from rag.chunk import CHARS_PER_TOKEN, ChunkSettings, chunk
from rag.cite import markdown_citation
from rag.errors import DocumentError
from rag.lexical import _retokenized, plain_text, tokenize
from rag.parse import parse
from rag.read import decode, read
from rag.records import Document, json_line
from rag.summarise import EXTRACTIVE, Summary
from rag.verify import CheckedSentence

from conftest import one_file_retriever


@pytest.mark.parametrize("text, query, name", [
    ("Council minutes\n\nDr Zoe\u0308 Bronte\u0308 spoke on water quality in the river. She asked for tests.\n\n"
     "The ferry timetable will change in June.\n", "What did Dr Zoë Brontë say about water?", "Zoë Brontë"),
    ("Council minutes\n\nCouncillor Wom\u00adbatson asked about parking fees near the station. Fees will rise by ten "
     "percent.\n\nThe ferry timetable will change in June.\n", "What did Councillor Wombatson ask?", "Wombatson"),
    ("Council minutes\n\nMayor Kanga\u200droo closed the meeting after the vote on parking fees.\n\n"
     "The ferry timetable will change in June.\n", "What did Mayor Kangaroo say at the close?", "Kangaroo"),
])
def test_a_name_the_document_holds_in_another_encoding_is_not_missing(tmp_path, fake_embedder, text, query, name):
    retriever = one_file_retriever(tmp_path, fake_embedder, text)
    result = retriever.search(query, 3)
    assert result.missing_terms == [] and not any("never mentions" in n for n in result.notices)
    stored = retriever.index.documents["council.txt"].text
    assert stored == text                            # the stored text as written: soft hyphen and all
    assert all(h.passage.text == stored[h.passage.start:h.passage.end] for h in result.hits)


def test_a_name_the_document_does_not_hold_is_still_missing(tmp_path, fake_embedder):
    text = "Council minutes\n\nCouncillor Wom\u00adbatson asked about parking fees near the station.\n"
    result = one_file_retriever(tmp_path, fake_embedder, text).search("What did Councillor Platypus ask?", 3)
    assert result.missing_terms and result.abstained


def test_words_are_matched_without_invisible_characters_and_ligatures():
    assert tokenize("Wom\u00adbatson kanga\u200droo \ufb01nance o\ufb03ce") == tokenize("Wombatson kangaroo finance office")
    assert tokenize("cafe\u0301") == tokenize("café")
    assert plain_text("plain ASCII") == "plain ASCII"
    # an index made by the tokenizer before (version 2) is read again where its text holds such characters, else not
    assert _retokenized(["the Wom\u00adbatson report"], 2) and _retokenized(["\ufb01nance"], 2)
    assert not _retokenized(["an ordinary text, “quoted”, with a no-break\u00a0space"], 2)
    assert not _retokenized(["the Wom\u00adbatson report"], 3)


def test_a_lexical_search_finds_a_word_broken_by_a_zero_width_character(tmp_path, fake_embedder):
    text = ("Zoo notes\n\nThe kanga\u200droo enclosure reopens in May.\n\nThe penguin pool is being cleaned.\n\n"
            "The \ufb01nance o\ufb03ce moved to the east gate.\n")
    from rag.retrieve import open_retriever

    one_file_retriever(tmp_path, fake_embedder, text)
    retriever = open_retriever(tmp_path / "idx", fake_embedder, mode="lexical")
    for query, words in [("kangaroo", "enclosure reopens"), ("finance office", "east gate")]:
        hits = retriever.search(query, 1).hits
        assert words in hits[0].passage.text, query


def test_a_label_with_a_no_break_space_names_its_speaker():
    turns = [("Tom Hale", "tram"), ("Ana\u00a0Li", "ferry"), ("Tom Hale", "bus"), ("Ana\u00a0Li", "bridge"),
             ("Eve\u202fPark", "road")]
    text = "\n\n".join(f"{who}: The {what} plan was discussed at length by the committee today. We agreed to review "
                       f"the {what} costs next month." for who, what in turns) + "\n"
    _, passages = parse(Document(id="m.txt", text=text))
    said = {p.text.split(" plan")[0]: p.speaker for p in passages}
    assert said == {"The tram": "Tom Hale", "The ferry": "Ana Li", "The bus": "Tom Hale", "The bridge": "Ana Li",
                    "The road": "Eve Park"}
    assert all(p.text == text[p.start:p.end] for p in passages)


def test_no_break_spaces_leave_the_passages_quoted_as_written():
    text = "Harbour report\n\nThe levy is 10\u00a0% of the fee.\u00a0It rises in May.\n\nThe ferry runs at 9\u202fam.\n"
    doc, passages = parse(Document(id="r.txt", text=text))
    assert doc.text == text and passages
    assert all(p.text == text[p.start:p.end] for p in passages)
    assert any("\u00a0" in p.text for p in passages) and any("\u202f" in p.text for p in passages)


@pytest.fixture
def retriever(tmp_path, fake_embedder, interview_file):
    from rag.build import build
    from rag.retrieve import open_retriever

    build([interview_file], fake_embedder, folder=tmp_path / "idx")
    return open_retriever(tmp_path / "idx", fake_embedder)


def test_a_footnote_mark_in_an_extractive_sentence_is_text_not_a_link(retriever):
    turn = chat.ask(retriever, "Is the pipeline funded?", 2, summary_on=True)
    sentence = CheckedSentence(text="The pipeline is funded by a regional grant.[2] It is large.", citations=[1],
                               supported=True, support=1.0)
    turn.summary = Summary(sentences=[sentence], model=EXTRACTIVE)
    out = render.summary_html(turn, 4)
    assert 'data-quote="t4-q2"' not in out                  # the document's footnote: no link to quote 2
    assert "grant.[2] It is large." in out
    assert out.count('data-quote="t4-q1"') == 1              # its own quote, cited once after it
    free = CheckedSentence(text="It is funded by a grant [2].", citations=[2], supported=True, support=0.9)
    turn.summary = Summary(sentences=[free], model="tiny-model")
    assert render.summary_html(turn, 4).count('data-quote="t4-q2"') == 1     # a model's own [2] is its citation


def test_a_word_the_tokenizer_reads_as_one_token_does_not_make_a_window_of_the_whole_file():
    text = "Intro to the tortoise. " + "x" * 60000 + " The tortoise shell is hard. " + "y" * 60000 + " End.\n"
    _, passages = parse(Document(id="l.txt", text=text))

    def one_token_a_word(texts):        # as a word-piece tokenizer counts a word over 100 letters: [UNK]
        return [len(t.split()) for t in texts]

    settings = ChunkSettings()
    chunks = chunk(passages, text, one_token_a_word, settings)
    assert chunks and all(c.text == text[c.start:c.end] for c in chunks)
    longest = max(c.end - c.start for c in chunks)
    assert longest <= settings.turn_tokens * CHARS_PER_TOKEN
    assert any(c.text == "The tortoise shell is hard." for c in chunks)


def test_the_markdown_citation_breaks_lines_only_at_line_breaks():
    text = "The koala count\u2028rose sharply.\x1cThe cassowary count\nstayed flat."
    doc = Document(id="u.txt", text=text, title="Counts")
    _, passages = parse(doc)
    p = passages[0]
    md = markdown_citation(p, doc)
    assert "> The koala count\u2028rose sharply.\x1cThe cassowary count\n> stayed flat." in md


def test_a_file_of_invisible_characters_has_no_text(tmp_path):
    path = tmp_path / "zw.txt"
    path.write_text("\u200b\u200b\n\u200d\n\ufeff\u2060\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="has no text"):
        read(path)


def test_a_utf32_file_is_read():
    text = "The heron nests by the weir.\n"
    assert decode(text.encode("utf-32")) == text
    with pytest.raises(DocumentError, match="not UTF-32 text"):
        decode(b"\xff\xfe\x00\x00" + "ok".encode("utf-32-le") + b"\x00\x00\x11\x00")    # (U+110000: none)


def test_json_lines_escape_the_line_separators():
    record = {"text": "koala\u2028count\u2029x é"}
    line = json_line(record)
    assert len(line.splitlines()) == 1 and json.loads(line) == record and "é" in line


def test_a_zero_width_space_breaks_words(tmp_path, fake_embedder):
    """(The review of the fix: U+200B, Thai's and HTML's <wbr> word break, was dropped, gluing "ferry\u200bschedule"
    into one word that no query holds: "never mentions 'ferry'".)"""
    assert tokenize("ferry\u200bschedule") == tokenize("ferry schedule")
    assert not _retokenized(["the\u200bferry"], 2)      # (version 2 read it as a break too)
    text = "Notes\n\nThe\u200bnew\u200bferry\u200btimetable starts in June.\n\nThe bridge closes in May.\n"
    result = one_file_retriever(tmp_path, fake_embedder, text).search("When does the ferry timetable start?", 2)
    assert result.missing_terms == [] and "timetable" in result.hits[0].passage.text


def test_a_window_of_turns_opens_with_its_label_written_with_a_no_break_space():
    text = "\n\n".join(f"{who}: The {what} plan." for who, what in
                       [("Tom\u00a0Hale", "tram"), ("Ana\u00a0Li", "ferry"), ("Tom\u00a0Hale", "bus")]) + "\n"
    _, passages = parse(Document(id="m.txt", text=text))
    windows = chunk(passages, text, lambda texts: [len(t.split()) for t in texts])
    assert len(windows) == 1 and windows[0].start == 0 and windows[0].text.startswith("Tom\u00a0Hale: The tram")
    assert windows[0].speakers == ("Tom Hale", "Ana Li")
