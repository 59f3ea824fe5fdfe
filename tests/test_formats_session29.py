"""Session 29: a researcher's review of transcripts in other people's layouts (a focus group's header, a UK Hansard
debate, a US Senate hearing as the GPO prints it, a court record without its line numbers). Each fixture in
tests/data/formats/ is small, written for these tests."""
from pathlib import Path

from rag import read
from rag.parse import parse

DATA = Path(__file__).parent / "data" / "formats"


def parsed(name):
    doc, ps = parse(read.read(DATA / name))
    for p in ps:
        assert doc.text[p.start:p.end] == p.text
    return doc, ps


def said(ps, words):
    return next(p for p in ps if words in p.text)


def test_a_focus_groups_header_lines_are_nobodys():
    # (the review: "Participants: 7 (P1–P7), recruited …" and "Duration: 01:28:14" were the main answerer's words:
    # a header line of a prose label was nobody's only when short)
    _, ps = parsed("focus-group.txt")
    for words in ("Participants: 5", "Duration: 00:58:40", "[Recording starts"):
        p = said(ps, words)
        assert p.speaker is None and p.kind == "paragraph" and p.section == "text", words


def test_a_participant_who_asks_once_in_passing_is_no_interviewer():
    # (the review: "P5 (female, 41): Can I jump in? …" opened an exchange of its own, so what P5 said was a question
    # and "What did P5 say …" found none of it; a bracket names an outlet that asks only where the one who speaks most
    # is not the moderator)
    _, ps = parsed("focus-group.txt")
    p = said(ps, "no lift")
    assert p.speaker == "P3" and p.kind == "answer" and p.question.startswith("What would make")
    assert said(ps, "That's useful").kind == "question"
    assert [p.speaker for p in ps if p.kind == "question"] == ["Moderator"] * 3


def test_hansards_numbered_oral_question_is_the_members():
    # (the review: "1. Helen Marchant (…) (LD): What assessment …" was no label, the number before it, so her question
    # went on the turn before; a number before a label with its seat in brackets is the question's)
    _, ps = parsed("hansard.txt")
    for words, who, seat in (("What recent assessment", "Jessica Moor", "Stroud"),
                             ("What steps her Department", "Daniel Okafor", "Bristol South")):
        p = said(ps, words)
        assert (p.speaker, p.outlet, p.kind) == (who, seat, "turn") and p.text.startswith(words)


def test_a_minister_named_by_office_is_the_name_in_brackets_with_an_outlet_of_their_own():
    # (the review: "The Minister of State, Department for Transport (Catherine Baird): …" was no label, so her answer
    # was the Deputy Speaker's, cited as the answer to the question before, and the Minister's answers carried the
    # asking member's seat as their outlet: the office is the name's (who is called by name after), the debate a
    # conversation of turns, each with its speaker's own outlet)
    _, ps = parsed("hansard.txt")
    p = said(ps, "Water companies must now monitor")
    assert p.speaker == "Laura Fenwick" and p.kind == "turn" and p.question is None
    assert p.outlet == "The Parliamentary Under-Secretary of State for Environment, Food and Rural Affairs"
    assert {q.outlet for q in ps if q.speaker == "Peter Gaskell"} == {"The Minister for Water and Rural Growth"}
    assert said(ps, "Farmers in my constituency").outlet == "Brecon and Radnor"


def test_hansards_column_markers_members_rising_and_headings_are_nobodys():
    _, ps = parsed("hansard.txt")
    for words in ("6 Mar 2024 : Column 302", "Several hon. Members rose—", "River Water Quality"):
        p = said(ps, words)
        assert p.speaker is None and p.kind == "paragraph", words


def test_a_speech_over_a_column_break_is_one_paragraph():
    # (the review: "… delivering improvements now, in places" / "14 Nov 2023 : Column 614" / "like Cornwall …" was
    # cut mid-sentence, its second half the page's; the quote keeps the marker, as the record prints it)
    doc, ps = parsed("hansard.txt")
    p = said(ps, "Agriculture in Wales is devolved")
    assert p.speaker == "Peter Gaskell" and p.text.endswith("so I urge farmers to apply.")
    assert "6 Mar 2024 : Column 303" in p.text
    assert said(ps, "Questions must be brief").text.endswith("I call Mr Owen Price.")     # (a sentence's end: not joined)
