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


def test_a_gpo_senate_hearings_indented_paragraphs_and_mixed_case_labels():
    # (the review: a GPO print of a Senate hearing, its paragraphs indented lines with no blank line between them and
    # its speakers "Senator Pruitt.", "Mr. Tolliver." in mixed case, had no speakers, and one passage ran over four of
    # them: an indent over wrapped lines opens a paragraph where the file is laid out so)
    doc, ps = parsed("senate-hearing.txt")
    turns = [(p.speaker, p.text.split()[0]) for p in ps if p.kind == "turn"]
    assert turns == [("Senator Delacroix", "Good"), ("Senator Delacroix", "I"), ("Senator Haskins", "Thank"),
                     ("Senator Delacroix", "Mr."), ("Mr. Ferreira", "Thank"), ("Senator Haskins", "Mr."),
                     ("Mr. Ferreira", "Yes,"), ("Senator Delacroix", "Thank")]
    assert said(ps, "[Applause.]").speaker is None
    assert said(ps, "Pole attachment fees").text.endswith("the permits take nine months.")
    # (its title: the cover's above "HEARING", not the Congress below it)
    assert doc.title == "RURAL BROADBAND: CLOSING THE LAST MILE GAP" and doc.date == "2024-04-17"


def test_a_hearings_mixed_case_labels_with_blank_lines_between_paragraphs():
    text = ("Senator Delacroix. The Subcommittee will come to order.\n\nSenator Haskins. The maps are the problem.\n\n"
            "Mr. Ferreira. Pole fees cost us $41 a pole.\n\nSenator Haskins. Would a shot clock help?\n\n"
            "Mr. Ferreira. Yes, Senator.\n\nThe Chair. The record will remain open.\n")
    _, ps = parse(_doc(text))
    assert [p.speaker for p in ps] == ["Senator Delacroix", "Senator Haskins", "Mr. Ferreira", "Senator Haskins",
                                       "Mr. Ferreira", "The Chair"]


def _doc(text, name="t.txt"):
    from rag.records import Document
    return Document.from_text(name, text)


def test_prose_and_addresses_opening_with_a_titled_name_are_no_labels():
    # a news story and a press conference's addresses ("Mr. President.") in mixed case: no speakers
    story = ("Mr. Okafor. That was the name on every invoice the auditors found.\n\n"
             "The company paid him twice in March, the report says.\n\n"
             "Mr. Okafor. The name came up again in April, on a contract for road salt.\n\n"
             "Ms. Lund. She signed all of them, according to the board.\n")
    _, ps = parse(_doc(story))
    assert all(p.speaker is None for p in ps)
    briefing = ("Mr. President. Thank you. On the tariffs, will you extend them?\n\n"
                "We will decide next week.\n\nMr. President. And on the steel quotas?\n\n"
                "Madam Secretary. Can you say when?\n\nMadam Secretary. Is it this month?\n")
    _, ps = parse(_doc(briefing))
    assert all(p.speaker is None for p in ps)


def test_a_summary_of_evidence_headed_by_each_witness_has_no_speakers():
    # (the hostile review: a judge's summary whose paragraphs open "Dr. Harper. The expert's evidence was …",
    # "Ms. Lopez. The claimant described …", twice each, became their turns, and the judge's finding Ms. Lopez's:
    # paragraphs that speak of someone in the third person are a summary of who said what, not their words)
    text = ("Summary of the evidence, Lopez v. Harbour Board, 12 June 2024\n\n"
            "Dr. Harper. The expert's evidence was that the silt had risen by more than a metre, which I accept.\n\n"
            "Ms. Lopez. The claimant described the grounding of her boat in clear terms.\n\n"
            "Dr. Harper. In cross-examination he conceded that the survey was never checked.\n\n"
            "Ms. Lopez. She accepted that she had not read the harbour notice before sailing.\n\n"
            "I therefore find the Board liable.\n")
    _, ps = parse(_doc(text))
    assert all(p.speaker is None for p in ps)
    # a hearing's own words may speak of someone so, where the print says it is a hearing
    hearing = ("HEARING\n\nSenator Delacroix. He is right that the maps are the problem.\n\n"
               "Senator Haskins. She has it: the maps.\n\nMr. Ferreira. Pole fees cost us $41 a pole.\n\n"
               "Senator Haskins. Would a shot clock help?\n\nMr. Ferreira. Yes, Senator.\n")
    _, ps = parse(_doc(hearing))
    assert [p.speaker for p in ps][1:] == ["Senator Delacroix", "Senator Haskins", "Mr. Ferreira", "Senator Haskins",
                                           "Mr. Ferreira"]


def test_a_transcript_wrapped_with_a_hanging_indent_reads_as_whole_turns():
    # (the hostile review: labels at the margin over lines wrapped four spaces deeper were cut at every wrapped line,
    # each quote a fragment: a deeper line opens a paragraph where it is a first line, not a hanging indent's)
    text = ("Harbour committee, 4 March 2024\n\n"
            "MARIA LOPEZ: The dredging budget must rise to forty\n    thousand pounds this year, because the silt is\n"
            "    worse than ever.\nTOM REED: I disagree. The dredging can wait until\n"
            "    the autumn, when the grant arrives from the\n    county.\n"
            "MARIA LOPEZ: Then the ferry will run aground by\n    August, and the island will be cut off.\n"
            "TOM REED: We will review the ferry timetable\n    instead, and report back in May.\n")
    doc, ps = parse(_doc(text))
    turns = [(p.speaker, " ".join(p.text.split())) for p in ps if p.speaker]
    assert turns == [
        ("MARIA LOPEZ", "The dredging budget must rise to forty thousand pounds this year, because the silt is worse "
                        "than ever."),
        ("TOM REED", "I disagree. The dredging can wait until the autumn, when the grant arrives from the county."),
        ("MARIA LOPEZ", "Then the ferry will run aground by August, and the island will be cut off."),
        ("TOM REED", "We will review the ferry timetable instead, and report back in May.")]
    assert all(doc.text[p.start:p.end] == p.text for p in ps)
    # without labels, no wrapped line of a hanging indent opens a paragraph either
    notes = ("Notes\n\nThe dredging budget must rise to forty thousand pounds this\n    year, because the silt is "
             "worse than ever before on\n    the north side.\nThe ferry timetable will be reviewed instead, and a\n"
             "    report will come back to the committee in May,\n    with costs.\nThe grant from the county arrives "
             "in the autumn, so\n    the dredging can wait until then at the earliest,\n    the treasurer said.\n"
             "The harbour wall will be painted in June, when the\n    weather is dry enough for the paint to hold,\n"
             "    and the scaffolding is free.\n")
    _, ps = parse(_doc(notes))
    assert {p.text.split()[0] for p in ps} <= {"Notes", "The"}


def test_a_court_record_indented_without_line_numbers_has_its_speakers():
    # (the review: the trial's pages without their margin numbers, labels on indented lines over lines wrapped at four
    # spaces, had no speakers: one paragraph a page)
    _, ps = parsed("court-indented.txt")
    got = [(p.kind, p.speaker, p.text.split("  ")[0][:20]) for p in ps if p.speaker]
    assert got == [
        ("statement", "THE COURT", "Good morning."), ("statement", "MS. REYES", "The plaintiff calls "),
        ("statement", "THE CLERK", "Please state your fu"), ("statement", "THE WITNESS", "Samuel Okafor, O-K-A"),
        ("question", "MS. REYES", "Where do you work?"), ("answer", "THE WITNESS", "At the Platte Valley"),
        ("question", "MS. REYES", "What happened on the"), ("answer", "THE WITNESS", "The dust alarm went "),
        # (an objection and the ruling on it are colloquy, turns, not the witness's answer: session 31)
        ("turn", "MR. BOYLE", "Objection, Your Hono"), ("turn", "THE COURT", "Overruled."),
        ("question", "MS. REYES", "Who did you call?"), ("answer", "THE WITNESS", "The shift supervisor")]
    # the caption, the reporter's line and the page's head are nobody's, the examination's heading too
    for words in ("IN THE UNITED STATES", "Diane M. Foss", "Okafor - Direct", "DIRECT EXAMINATION"):
        assert said(ps, words).speaker is None, words
    assert said(ps, "The dust alarm").text.endswith("shut the conveyor down myself.")


def test_written_answers_by_office_are_the_office_holders_where_no_label_names_them_alone():
    # (session 34's review: "The Cabinet Secretary for Transport (Huw Tregaron):" was a label only where "Huw
    # Tregaron:" labelled a turn elsewhere; in written questions no one speaks twice by name, so each answer went to
    # the member who asked it, and "What did Huw Tregaron say …" said he was no speaker)
    _, ps = parsed("written-questions.txt")
    p = said(ps, "87 registered bus services")
    assert (p.speaker, p.outlet, p.kind) == ("Huw Tregaron", "The Cabinet Secretary for Transport", "turn")
    assert p.text.startswith("Between July 2023")
    assert said(ps, "1 hour 58 minutes").speaker == "Dr Nia Castellanos"
    assert said(ps, "To ask the Cabinet Secretary for Transport whether").speaker == "Gareth Pryce-Jones"
