"""Transcripts as PDF, HTML and Markdown pages print them: what the page prints around the words (line numbers,
running headers, page numbers, share buttons, tags, a copyright) is nobody's words, and every speaker keeps theirs."""

from rag import read
from rag.parse import parse

from pdfgen import make_pdf

HEADER = "PRECISION COURT REPORTING, LLC (570) 555-0142"


def _parsed(path):
    doc, paras = parse(read.read(path))
    for p in paras:
        assert doc.text[p.start:p.end] == p.text
    return doc, paras


def _numbered(lines):
    out = []
    for n, line in enumerate(lines, 1):
        out += [str(n), "      " + line]         # pypdf reads a deposition's line number as a line of its own
    return out


def test_a_deposition_pdf_loses_its_line_numbers_page_headers_and_page_numbers(tmp_path):
    page1 = ["Q. Please state your full name for the record.", "A. Gregory Alan Whitcombe.",
             "Q. Where were you employed in March of 2019?", "A. I was the night shift supervisor at the Dunmore",
             "distribution warehouse on Route 11.", "Q. Did you see the forklift accident that night?",
             "MR. PRZYBYLSKI: Objection. Form.", "A. I did not see it happen. I heard the crash from the",
             "loading office and ran out to bay seven."]
    page2 = ["Q. Who was responsible for ordering repairs?", "A. The day shift maintenance lead, Kevin Marsh. I sent him",
             "two emails about the brakes.", "Q. Did he reply?", "A. He never replied to either of them in writing.",
             "MR. HALVORSEN: Let's mark those emails as Exhibit 14.", "Q. Are these your emails?", "A. Yes."]
    path = tmp_path / "deposition.pdf"
    path.write_bytes(make_pdf([["Page 42", HEADER] + _numbered(page1), ["Page 43", HEADER] + _numbered(page2)]))
    doc, paras = _parsed(path)
    assert "PRECISION" not in doc.text and "Page 4" not in doc.text
    text = {p.text: p for p in paras}
    # each answer a paragraph of its own, no line number inside ("... Dunmore 5 distribution ...")
    assert "I was the night shift supervisor at the Dunmore distribution warehouse on Route 11." in text
    assert "He never replied to either of them in writing." in text
    assert text["Objection. Form."].speaker == "MR. PRZYBYLSKI"
    assert text["Yes."].page == 2


def test_running_headers_and_page_numbers_are_left_out_of_a_briefings_quotes(tmp_path):
    head = ["THE WHITE HOUSE", "Office of the Press Secretary", "For Immediate Release"]
    path = tmp_path / "briefing.pdf"
    path.write_bytes(make_pdf([
        head + ["1", "MS. PSAKI: Good afternoon, everyone. I have two items for you at the top today.",
                "Q: On the oil release, how long will it take for prices to come down?",
                "MS. PSAKI: A few weeks, as it works its way through refineries."],
        head + ["2", "I would point you to them for the legal strategy. Ninety-seven percent of",
                "federal employees have complied.", "Q: Thank you."]]))
    doc, paras = _parsed(path)
    assert "THE WHITE HOUSE" not in doc.text and "Office of the Press" not in doc.text
    # the page number was the first word of the page's first paragraph
    assert any(p.text.startswith("I would point you") and p.page == 2 for p in paras)


def test_a_word_split_at_a_line_end_is_joined_without_its_hyphen_where_it_is_one_word(tmp_path):
    path = tmp_path / "newsletter.pdf"
    path.write_bytes(make_pdf([["Ingrid Solberg: Nobody had to buy a second combine harves-",
                                "ter on credit. It was a well-", "known story in the coope-",
                                "rative and a long-", "term plan."]]))
    doc = read.read(path)
    assert "combine harvester on credit" in doc.text
    assert "in the cooperative" in doc.text
    assert "well-known story" in doc.text and "long-term plan" in doc.text


def test_numbered_agenda_items_start_their_own_section_and_end_the_last_turn(tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(make_pdf([[
        "CITY OF MAPLE RIDGE - REGULAR COUNCIL MEETING MINUTES", "Page 1 of 2", "Approved: April 23, 2024",
        "1. Call to Order", "Mayor Dana Whitfield called the regular meeting to order at 7:02 p.m. All five",
        "councilmembers were present.", "2. Public Comment",
        "Rosa Delgado: The storm drains flooded our basements three times this spring.",
        "Mayor Whitfield: Thank you, Ms. Delgado. Staff will report at the next meeting.",
        "Councilmember Ortiz: I move that we cover the difference from the reserve.",
        "Mayor Whitfield: The motion carries four to one.", "4. Adjournment",
        "There being no further business, the meeting adjourned at 8:15 p.m."]]))
    doc, paras = _parsed(path)
    assert "Page 1 of 2" not in doc.text
    by = {p.text: p for p in paras}
    assert "Approved" not in {p.speaker for p in paras}
    closing = by["There being no further business, the meeting adjourned at 8:15 p.m."]
    assert closing.speaker is None and closing.section == "4. Adjournment"
    assert by["The motion carries four to one."].speaker == "Mayor Whitfield"


WHITE_HOUSE = """<html><body><main>
<h1>Press Briefing by Press Secretary Karine Jean-Pierre</h1>
<p>James S. Brady Press Briefing Room</p>
<p>1:52 P.M. EDT</p>
<p>MS. JEAN-PIERRE:&nbsp; Good afternoon. The President signed an executive order on AI safety today.</p>
<p>Q&nbsp;&nbsp;&nbsp; Thanks, Karine. Which agency will receive the safety test results?</p>
<p>MS. JEAN-PIERRE:&nbsp; The Commerce Department will receive them.</p>
<p>Q&nbsp;&nbsp;&nbsp; And on the border deal in the Senate?</p>
<p>MS. JEAN-PIERRE:&nbsp; We are hopeful about the talks.</p>
<p>Q&nbsp;&nbsp;&nbsp; Admiral, how many interceptors will go to Israel?</p>
<p>ADMIRAL KIRBY:&nbsp; I will not give an exact number of interceptors.</p>
<p>2:41 P.M. EDT</p>
<p>Share on Facebook Share on X Email</p>
<p>Tags: Briefings, Israel</p>
<p>© 2023 The White House. All rights reserved</p>
</main></body></html>"""


def test_a_white_house_q_with_neither_colon_nor_stop_asks_and_the_page_after_the_last_answer_is_nobodys(tmp_path):
    path = tmp_path / "briefing.html"
    path.write_text(WHITE_HOUSE, encoding="utf-8")
    doc, paras = _parsed(path)
    by = {p.text: p for p in paras}
    answer = by["The Commerce Department will receive them."]
    assert (answer.kind, answer.speaker) == ("answer", "MS. JEAN-PIERRE")
    assert answer.question.startswith("Thanks, Karine. Which agency")
    assert not any(p.speaker == "MS. JEAN-PIERRE" and "Which agency" in p.text for p in paras)
    kirby = by["I will not give an exact number of interceptors."]
    assert kirby.speaker == "ADMIRAL KIRBY" and kirby.question.startswith("Admiral, how many")
    for chrome in ("2:41 P.M. EDT", "Share on Facebook", "1:52 P.M. EDT"):
        assert chrome not in {p.text for p in paras}, chrome
    for tail in ("Tags: Briefings, Israel", "© 2023 The White House. All rights reserved"):
        assert by[tail].speaker is None and by[tail].kind == "paragraph"


def test_a_markdown_heading_ends_the_last_speakers_turn(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Support sync\n\n**Ravi:** The rounding bug is back in the invoices.\n\n"
                    "**Sofia:** I can write a macro for the support team.\n\n**Ravi:** Good, and I fix the bug.\n\n"
                    "## Action items\n\n- Ravi: fix rounding bug\n- Sofia: write support macro\n", encoding="utf-8")
    _, paras = _parsed(path)
    items = next(p for p in paras if "write support macro" in p.text)
    assert items.speaker is None and items.section == "Action items"
    assert next(p for p in paras if p.text == "Good, and I fix the bug.").speaker == "Ravi"


def test_a_podcast_pages_note_on_its_transcript_is_no_ones_answer(tmp_path):
    path = tmp_path / "podcast.html"
    path.write_text("<html><body><article><h1>Episode 12</h1>"
                    "<p><strong>Lena:</strong> Welcome back. Why snow leopards?</p>"
                    "<p><strong>Omar Haddad:</strong> Because they vanish first when the climate shifts.</p>"
                    "<p><strong>Lena:</strong> How do you find them?</p>"
                    "<p><strong>Omar Haddad:</strong> Camera traps, and patience.</p>"
                    "<p>This transcript was generated automatically and may contain errors.</p>"
                    "</article></body></html>", encoding="utf-8")
    _, paras = _parsed(path)
    assert not any("generated automatically" in p.text for p in paras)
