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
