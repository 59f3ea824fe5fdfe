"""rag/cite.py: the labels ("Answer to Q2 — …"), the JSON record of a hit (its `text` is exactly
`document.text[start:end]`), `shorten`, and the shape of the Markdown and CSV exports, over the
tiny interview indexed with the fake embedder. (How Markdown and CSV escape a document's text is
tests/test_security.py's subject; here the quotes hold no character either would change.)"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from rag import store
from rag.cite import checked, csv_text, hit_json, markdown, reference, shorten, where
from rag.errors import IndexProblem
from rag.records import Hit, Passage
from rag.retrieve import open_retriever

from conftest import FakeEmbedder

JSON_KEYS = {"rank", "text", "score", "source", "doc_id", "document", "date", "start", "end", "section", "kind", "question",
             "speaker", "outlet", "paragraph", "page", "low_confidence"}


@pytest.fixture
def index(tiny_index):
    return store.load(tiny_index, embedder=FakeEmbedder())


def passage(index, section, kind="answer", n=0):
    return [p for p in index.passages + index.paragraphs if p.section == section and p.kind == kind][n]


def hits_of(index):
    """Every searchable passage as a hit, in index order, with made-up scores and provenance."""
    return [Hit(p, rank, 1 / rank, {"dense_rank": rank, "match_start": p.start, "match_end": p.end})
            for rank, p in enumerate(index.passages, 1)]


# ---- labels -------------------------------------------------------------------------------------

def test_labels_of_the_tiny_interview(index):
    assert where(passage(index, "opening", "statement")) == "Opening statement"
    assert where(passage(index, "Q1")) == "Answer to Q1 — What will happen to water prices next year?"
    assert where(passage(index, "Q1", "question")) == "Question Q1 — What will happen to water prices next year?"
    # the journalist's outlet, when the question names it
    assert where(passage(index, "Q2")) == "Answer to Q2 — Is the pipeline funded? (Daily Bugle)"


def test_label_of_a_long_question_is_shortened():
    question = "Mr Minister, " + "what do you make of the talks in Geneva and Brussels " * 4 + "?"
    p = Passage("d", 0, 5, "Hello", "Q7", "answer", 12, speaker="Sergey Lavrov", question=question)
    label = where(p)
    assert label.startswith("Answer to Q7 — Mr Minister, what do you make of the talks")
    assert label == f"Answer to Q7 — {shorten(question)}" and label.endswith("…")
    assert len(label) == len("Answer to Q7 — ") + len(shorten(question)) <= len("Answer to Q7 — ") + 80


def test_a_markdown_citation_carries_the_whole_question(index):
    """A seminar presenter: *Download Markdown* (as *Copy citation*) pasted "Answer to Q7 — President of Russia
    Vladimir Putin said at an emergency videoconference of the…" into their notes, where nothing shows the rest. The
    question is whole there (on one line); the page's label stays short."""
    question = "Mr Minister, " + "what do you make of the talks in Geneva and Brussels " * 4 + "?"
    first = index.passages[0]
    long = replace(first, section="Q7", kind="answer", question=question)
    md = markdown([Hit(long, 1, 1.0, {})], index)
    assert f"Answer to Q7 — {' '.join(question.split())}" in md and "…" not in md
    assert where(long).endswith("…")


def test_label_of_plain_text_is_its_paragraph():
    assert where(Passage("d", 0, 5, "Hello", "text", "paragraph", 12)) == "Paragraph 12"
    # a question section whose question was not found is labelled by its paragraph too
    assert where(Passage("d", 0, 5, "Hello", "Q3", "answer", 4)) == "Paragraph 4"


def test_label_of_a_reports_paragraph_is_its_section():
    # a reviewer's report: a paragraph under "5. Community Engagement" was cited "Paragraph 29 · ¶29", the section
    # (in the JSON) never shown
    p = Passage("d", 0, 5, "Hello", "5. Community Engagement", "paragraph", 29)
    assert where(p) == "5. Community Engagement"
    long = "Annex B: " + "the measures of the strategy and their costs " * 4
    assert where(Passage("d", 0, 5, "Hello", long, "paragraph", 3)) == shorten(long)
    assert where(Passage("d", 0, 5, "Hello", "Results", "paragraph", 4, time=62.0)) == "Results at 00:01:02"
    # a window of a host's welcome and a guest's first words is no one's opening statement
    two = Passage("d", 0, 5, "Hello", "opening", "statement", 1, speaker="Moderator", speakers=("Moderator", "Dr. Lee"))
    assert where(two) == "Opening statements of Moderator and Dr. Lee"
    assert where(Passage("d", 0, 5, "Hello", "opening", "statement", 1, speaker="Moderator")) == "Opening statement"
    # a turn of a meeting under a heading is still its speaker's
    assert where(Passage("d", 0, 5, "Hello", "Agenda", "turn", 4, speaker="Anna")) == "Turn of Anna, paragraph 4"


# ---- shorten ------------------------------------------------------------------------------------

def test_shorten_keeps_short_text_and_collapses_white_space():
    assert shorten("Is the pipeline funded?") == "Is the pipeline funded?"
    assert shorten("  Is the\n pipeline\t\tfunded? ") == "Is the pipeline funded?"
    assert shorten("x" * 80) == "x" * 80


def test_shorten_cuts_at_a_word_and_marks_the_cut():
    text = " ".join(f"word{i}" for i in range(40))
    for limit in (20, 33, 80):
        short = shorten(text, limit)
        assert len(short) <= limit and short.endswith("…")
        assert text.startswith(short[:-1]) and text[len(short) - 1] == " "   # whole words only
    assert shorten(text, 20) == "word0 word1 word2…"


# ---- the JSON record of a hit ------------------------------------------------------------------

def test_hit_json_fields_of_an_answer(index):
    p = passage(index, "Q2")
    doc = index.documents[p.doc]
    record = hit_json(Hit(p, 1, 0.123456789, {"dense_rank": 1, "match_start": p.start, "match_end": p.end}), index)
    assert set(record) == JSON_KEYS | {"dense_rank", "match_start", "match_end"}
    assert record["text"] == doc.text[record["start"]:record["end"]] == p.text
    assert record["text"] == "Yes. The pipeline is funded by a regional grant of 4 million dollars."
    assert (record["start"], record["end"]) == (p.start, p.end)
    assert record["rank"] == 1 and record["score"] == 0.1235                   # rounded to 4 places
    assert record["section"] == "Q2" and record["question"] == "Is the pipeline funded?"
    assert record["speaker"] == "Jane Doe" and record["outlet"] == "Daily Bugle"
    assert record["paragraph"] == p.paragraph == 6 and record["page"] is None
    assert record["document"] == "Press briefing on water policy, Springfield, March 3, 2023"
    assert record["date"] == "2023-03-03" and record["low_confidence"] is False
    assert record["source"] == "briefing.txt"                # relative to the folder holding the index
    assert record["dense_rank"] == 1 and record["match_start"] == p.start   # the provenance, merged in
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record


def test_hit_json_of_the_opening_statement(index):
    p = passage(index, "opening", "statement")
    record = hit_json(Hit(p, 3, 0.5, low_confidence=True), index)
    # no provenance given, none added ("speakers": the window's, when chunking gives them)
    assert set(record) - {"speakers"} == JSON_KEYS
    assert record["section"] == "opening" and record["question"] is None and record["outlet"] is None
    assert record["low_confidence"] is True and record["rank"] == 3
    assert record["text"].startswith("Good afternoon.") and record["text"] == \
        index.documents[p.doc].text[record["start"]:record["end"]]


def test_every_searched_quote_is_exactly_its_span(tiny_index):
    retriever = open_retriever(tiny_index, FakeEmbedder())
    text = next(iter(retriever.index.documents.values())).text
    seen = 0
    for query in ("Is the pipeline funded?", "water prices next year", "reservoir after the spring rains"):
        result = retriever.search(query, 5, abstain=False)
        for rank, h in enumerate(result.hits, 1):
            record = hit_json(h, retriever.index)
            assert record["rank"] == rank and record["text"] == text[record["start"]:record["end"]]
            assert record["match_start"] >= record["start"] and record["match_end"] <= record["end"]
            seen += 1
    assert seen >= 6


def test_a_passage_that_does_not_match_its_document_is_never_quoted(index):
    p = passage(index, "Q2")
    edited = replace(p, text=p.text.replace("4 million", "40 million"))
    with pytest.raises(IndexProblem, match="does not match its document; the index must be rebuilt"):
        checked(edited, index.documents[p.doc])
    with pytest.raises(IndexProblem):
        hit_json(Hit(edited, 1, 1.0), index)
    moved = replace(p, start=p.start + 1)                    # right text, wrong offsets
    with pytest.raises(IndexProblem):
        hit_json(Hit(moved, 1, 1.0), index)
    assert checked(p, index.documents[p.doc]) == p.text


# ---- the reference line, Markdown and CSV ------------------------------------------------------

def test_reference_line(index):
    p = passage(index, "Q2")
    line = reference(p, index.documents[p.doc])
    parts = ["Jane Doe", "Press briefing on water policy, Springfield, March 3, 2023", "2023-03-03",
             "Answer to Q2 — Is the pipeline funded? (Daily Bugle)", "para. 6", f"chars {p.start}–{p.end}"]
    assert [line.index(part) for part in parts] == sorted(line.index(part) for part in parts)   # in this order
    assert "p. " not in line.replace("para. ", "")           # no page for a text file
    assert f"p. 3, chars {p.start}" in reference(replace(p, page=3), index.documents[p.doc])


def test_markdown_has_one_block_quote_and_reference_per_hit_in_rank_order(index):
    hits = hits_of(index)
    md = markdown(hits, index)
    refs = [line for line in md.splitlines() if line.startswith("— [")]
    assert [r.split("]")[0] for r in refs] == [f"— [{h.rank}" for h in hits]
    quotes = [line for line in md.splitlines() if line.startswith("> ")]
    assert len(quotes) == len(hits)                          # each quote here is one line
    for h, q in zip(hits, quotes):
        assert h.passage.text.split()[0] in q and q.rstrip().endswith(h.passage.text.split()[-1])
    assert markdown([], index) == ""


def test_csv_has_a_row_per_hit_whose_offsets_give_the_exact_quote(index):
    hits = hits_of(index)
    rows = list(csv.DictReader(io.StringIO(csv_text(hits, index))))
    assert len(rows) == len(hits)
    text = next(iter(index.documents.values())).text
    for h, row in zip(hits, rows):
        assert int(row["rank"]) == h.rank
        assert (int(row["start"]), int(row["end"])) == (h.passage.start, h.passage.end)
        assert text[int(row["start"]):int(row["end"])] == h.passage.text == row["quote"]
        assert row["source"] == "briefing.txt" and row["section"] == h.passage.section
        assert float(row["score"]) == pytest.approx(h.score, abs=1e-4)
    header = next(csv.reader(io.StringIO(csv_text([], index))))
    assert {"rank", "quote", "source", "start", "end", "score"} <= set(header)
    # every text cell quoted: read with ";" as the separator (a spreadsheet where the decimal separator is a comma),
    # a quote holding ";=1+1" stays one cell and no cell begins with a formula's sign (a hostile review)
    p = hits[0].passage
    poisoned = replace(p, text="Budget approved;=1+1;@SUM(A1)")
    doc = index.documents[p.doc]
    index2 = replace(index, documents={p.doc: replace(doc, text=doc.text[:p.start] + poisoned.text
                                                       + doc.text[p.start + len(poisoned.text):])})
    row = csv_text([Hit(replace(poisoned, end=p.start + len(poisoned.text)), 1, 0.5)], index2).splitlines()[1]
    cells = next(csv.reader([row], delimiter=";"))
    assert not [c for c in cells if c.lstrip()[:1] in ("=", "+", "-", "@")], cells


def test_json_adds_time_and_speakers_only_when_the_passage_has_them(index):
    p = passage(index, "Q1")
    plain = hit_json(Hit(p, 1, 0.5), index)
    assert "time" not in plain and "speakers" not in plain
    timed = hit_json(Hit(replace(p, time=751.5, speakers=("Jane Doe", "Question")), 1, 0.5), index)
    assert timed["time"] == 751.5 and timed["speakers"] == ["Jane Doe", "Question"]
    assert {k: v for k, v in timed.items() if k not in ("time", "speakers", "said_by")} == plain
    assert "said_by" in timed and "said_by" not in plain        # only a window of several speakers says whose matched
    assert where(replace(p, time=751.5)).endswith(" at 00:12:31")


def test_reference_of_a_turn_names_its_speaker_once():
    p = Passage("d", 0, 5, "Hello", "text", "turn", 4, speaker="Grad A", time=62.0)
    from rag.records import Document
    line = reference(p, Document("d", "Hello", title="Meeting"))
    assert line == "Meeting, Turn of Grad A at 00:01:02, para. 4, chars 0–5"


LAB_MEETING = (
    "Maria Okafor: Good. Third item, the conference. The abstract deadline is the fifteenth of May.\n"
    "Helen Brandt: I can draft the abstract. I would focus on the trust in local government findings.\n"
    "Tomasz Wierzbicki: But we have not recoded yet. The local government subcode does not exist yet.\n"
    "Helen Brandt: The abstract only needs the argument. The numbers can come in the full paper.\n"
    "Maria Okafor: I'm not comfortable submitting an argument we cannot yet support. Helen, write it carefully.\n"
    "Helen Brandt: Fair enough. I will send a draft by the end of April.\n"
    "Maria Okafor: Any other business?\n")


def test_the_best_match_of_a_window_is_who_takes_the_matter_up_not_who_names_it():
    """A new user's lab meeting: "Who will draft the conference abstract?" showed "best match: Maria Okafor", whose
    agenda line names the conference once, over Helen's "I can draft the abstract" and "I will send a draft": the
    speaker whose turns hold the question's words most, saying a word again counting less each time."""
    from rag.cite import best_turns
    from rag.parse import parse
    from rag.records import Document

    _, paras = parse(Document.from_text("lab.txt", LAB_MEETING))
    turns = [p for p in paras if p.kind == "turn"]
    assert len(turns) == 7
    for query in ("Who will draft the conference abstract?", "Who will draft the conference abstract, and by when?"):
        best = best_turns(turns, query)
        assert {t.speaker for t in best} == {"Helen Brandt"}, query
        assert "I can draft the abstract" in best[0].text
    # (one who says a word often is not the one who answers: the chair's three "budget"s, the treasurer's deficit)
    _, paras = parse(Document.from_text("board.txt", (
        "Chair: Next item, the budget.\nChair: Any more on the budget?\nTreasurer: The budget deficit is two million "
        "pounds, because of the pay award.\nChair: The budget item is closed, then.\nTreasurer: Thank you.\n")))
    turns = [p for p in paras if p.kind == "turn"]
    assert [t.speaker for t in best_turns(turns, "What was said about the budget deficit?")] == ["Treasurer"]


def test_a_summary_sentence_of_a_meeting_says_whose_words_it_is_stitched_from(tmp_path, capsys):
    """A new user's meeting: the grounded summary read "I can draft the abstract. [1]" with no name; the quotes were
    three people's. Each sentence now says whose words its fragments are (the chat, `rag ask`, the JSON); a press
    conference's answers, one person's, say nothing."""
    from rag import render
    from rag.build import build
    from rag.chat import Turn
    from rag.cite import sentence_speakers
    from rag.cli import _summary_json
    from rag.retrieve import Result
    from rag.summarise import Summary
    from rag.verify import CheckedSentence, Fragment

    text = ("Maria Okafor: Third item, the conference. The abstract deadline is the fifteenth of May.\n\n"
            "Helen Brandt: I can draft the abstract. I will send a draft by the end of April.\n\n"
            "Tomasz Wierzbicki: Fine by me.\n\nMaria Okafor: Good. Next, the budget.\n\n"
            "Tomasz Wierzbicki: The transcription costs more than planned.\n\nHelen Brandt: We can ask the dean.\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "meeting.txt").write_text(text, encoding="utf-8")
    build([tmp_path / "m"], FakeEmbedder(), folder=tmp_path / "idx")
    idx = store.load(tmp_path / "idx")
    window = next(p for p in idx.passages if "I can draft" in p.text)
    hits = [Hit(passage=window, rank=1, score=1.0)]
    at = text.index("I can draft the abstract.")
    helen = CheckedSentence("I can draft the abstract.", [1], True, 1.0,
                            fragments=(Fragment(1, at, at + 25, text[at:at + 25]),))
    at2 = text.index("The abstract deadline")
    both = CheckedSentence("The abstract deadline is the fifteenth of May and I can draft the abstract.", [1], True,
                           1.0, fragments=(Fragment(1, at2, at2 + 44, text[at2:at2 + 44]),
                                           Fragment(1, at, at + 25, text[at:at + 25])))
    assert sentence_speakers(helen, hits, idx) == ["Helen Brandt"]
    assert sentence_speakers(both, hits, idx) == ["Maria Okafor", "Helen Brandt"]
    summary = Summary([helen, both], "SmolLM2", grounded=True)
    page = render.summary_html(Turn("q", "q", summary_on=True, result=Result("q", hits), index=idx, summary=summary), 1)
    assert '<span class="rq-sent-who">Helen Brandt:</span>' in page
    assert '<span class="rq-sent-who">Maria Okafor, Helen Brandt:</span>' in page
    assert _summary_json(summary, hits, idx)["summary"][0]["speakers"] == ["Helen Brandt"]
    # one person's words: nothing said (a press conference's answers are all the minister's)
    alone = Passage(doc="meeting.txt", start=at, end=at + 25, text=text[at:at + 25], section="text", kind="turn",
                    paragraph=2, speaker="Helen Brandt")
    assert sentence_speakers(helen, [Hit(passage=alone, rank=1, score=1.0)], idx) == []


def test_saying_the_questions_words_again_does_not_outweigh_the_turn_that_holds_more_of_them():
    """The chair's "Next, the dredging budget." / "Any questions on the dredging budget?" / "Then the dredging
    budget is noted." were the best match of "What is the dredging budget for next year?" (their turns pooled) over
    Helen's one turn that holds all their words and the year, the answer: the window was shown as said by the Chair.
    Repeating the words still counts where each speaker holds a word the other's turns lack (the abstract above),
    and breaks a tie of the same words."""
    from rag.cite import best_turns
    from rag.parse import parse
    from rag.records import Document

    _, paras = parse(Document.from_text("harbour.txt", (
        "Chair: Next, the dredging budget.\n"
        "Helen Park: The dredging budget for next year is 40,000 pounds, agreed with the county.\n"
        "Chair: Thank you. Any questions on the dredging budget?\nTom Reed: No.\n"
        "Chair: Then the dredging budget is noted.\n")))
    turns = [p for p in paras if p.kind == "turn"]
    assert len(turns) == 5
    best = best_turns(turns, "What is the dredging budget for next year?")
    assert [t.speaker for t in best] == ["Helen Park"]
    assert best[0].text.startswith("The dredging budget for next year")
    # (the same words in both: who says them again breaks the tie)
    assert {t.speaker for t in best_turns(turns, "What about the dredging budget?")} == {"Chair"}
