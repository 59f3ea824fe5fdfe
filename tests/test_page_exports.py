"""Transcripts as PDF, HTML and Markdown pages print them: what the page prints around the words (line numbers,
running headers, page numbers, share buttons, tags, a copyright) is nobody's words, and every speaker keeps theirs."""

from hypothesis import given, settings, strategies as st

from rag import read
from rag.pdf import _pdf_paragraphs, _without_furniture

from conftest import parsed_file
from pdfgen import make_pdf

HEADER = "PRECISION COURT REPORTING, LLC (570) 555-0142"


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
    page3 = ["Q. Did anyone else see the emails?", "A. Not that I know of.", "Q. Thank you, that is all.",
             "MR. PRZYBYLSKI: No questions.", "MR. HALVORSEN: We are done for today.", "Q. Thank you, sir.",
             "A. You are welcome.", "MR. HALVORSEN: Off the record."]
    path = tmp_path / "deposition.pdf"
    path.write_bytes(make_pdf([[f"Page {42 + n}", HEADER] + _numbered(lines) for n, lines in enumerate(
        [page1, page2, page3])]))
    doc, paras = parsed_file(path)
    # the reporter's header is kept once, where it first stands, never inside a later page's quotes
    assert doc.text.count("PRECISION") == 1 and "Page 4" not in doc.text
    assert not any("PRECISION" in p.text for p in paras if (p.page or 1) > 1)
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
                "federal employees have complied.", "Q: And the contractors?"],
        head + ["3", "MS. PSAKI: The same rule applies to them, and we expect the same result.", "Q: Thank you."]]))
    doc, paras = parsed_file(path)
    assert doc.text.count("THE WHITE HOUSE") == 1 and doc.text.count("Office of the Press") == 1
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


def test_minutes_approval_footer_and_page_number_are_no_speaker_and_no_words(tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(make_pdf([[
        "CITY OF MAPLE RIDGE - REGULAR COUNCIL MEETING MINUTES", "Page 1 of 2", "Approved: April 23, 2024",
        "Rosa Delgado: The storm drains flooded our basements three times this spring.",
        "Mayor Whitfield: Thank you, Ms. Delgado. Staff will report at the next meeting.",
        "Councilmember Ortiz: I move that we cover the difference from the reserve.",
        "Mayor Whitfield: The motion carries four to one."]]))
    doc, paras = parsed_file(path)
    assert "Page 1 of 2" not in doc.text
    assert "Approved" not in {p.speaker for p in paras}
    assert {p.text: p.speaker for p in paras}["The motion carries four to one."] == "Mayor Whitfield"


def test_what_a_pdf_prints_that_is_no_furniture_stays(tmp_path):
    # (a second review: numbered points, a ranked table, slides' titles, a title page's year and a speaker's
    # unpunctuated line were taken for headings, line numbers, running headers or page numbers, and lost)
    path = tmp_path / "report.pdf"
    ranked = [f"{n} {country} {99 - n}%" for n, country in enumerate(
        ["Norway", "Iceland", "Finland", "Denmark", "Sweden", "Estonia", "Latvia", "Chile", "Peru", "Spain"], 1)]
    path.write_bytes(make_pdf([
        ["Acme Water Utility", "2024", "Our plan has four points for the next five years, as follows.",
         "1. Replace lead service lines", "2. Train local inspectors", "Each point has its own budget line."] + ranked,
        ["Q1 2023 Results", "Cllr Diaz: We looked at every option before choosing this one.", "Thank you Madam Chair",
         "and I hope the council will support it.", "Cllr Ortiz: I agree with the plan.", "Cllr Diaz: Good."],
        ["Q2 2023 Results", "Cllr Ortiz: The figures are better than the forecast this quarter."]]))
    doc, paras = parsed_file(path)
    for kept in ("2024", "1. Replace lead service lines", "Q1 2023 Results", "Q2 2023 Results", "1 Norway 98%",
                 "10 Spain 89%", "Thank you Madam Chair"):
        assert kept in doc.text, kept
    in_passages = " ".join(p.text for p in paras if p.kind != "heading")
    assert "Replace lead service lines" in in_passages and "Thank you Madam Chair" in in_passages
    assert next(p for p in paras if "Thank you Madam Chair" in p.text).speaker == "Cllr Diaz"


def test_figures_at_a_pages_edge_and_a_tables_repeated_header_stay(tmp_path):
    # (a third review: a lone number at a page's top or bottom was taken for its page number, a table's header row
    # repeated on each page for a running header: a slide's "312" and the table's last cells were lost)
    path = tmp_path / "table.pdf"
    path.write_bytes(make_pdf([["Ward", "Households", "Grants", "Ward 1", "331", "53", "Ward 2", "338", "54"],
                               ["Ward", "Households", "Grants", "Ward 3", "412", "61", "Ward 4", "97", "7"],
                               ["Ward", "Households", "Grants", "Ward 5", "120", "12"],
                               ["Young people enrolled", "312", "Employers signed up", "57"]]))
    doc = read.read(path)
    words = doc.text.split()
    for figure in ("331", "54", "97", "7", "12", "312", "57"):
        assert figure in words, figure
    assert doc.text.count("Households") == 1       # a table's header row repeated on each page: kept once
    # a one-page ranked table read a cell a line ("1", "Norway", "98%", …) keeps its ranks: no line numbers
    cells = [x for n, country in enumerate(["Norway", "Iceland", "Finland", "Denmark", "Sweden", "Estonia", "Latvia",
                                             "Chile", "Peru", "Spain"], 1) for x in (str(n), country, f"{99 - n}%")]
    path.write_bytes(make_pdf([["Broadband coverage by country"] + cells]))
    words = read.read(path).text.split()
    for figure in ("1", "5", "10"):
        assert figure in words, figure


def test_a_prefix_hyphen_at_a_line_end_stays(tmp_path):
    path = tmp_path / "chem.pdf"
    path.write_bytes(make_pdf([["The un-", "ionized form crosses the membrane, and an e-", "mail went out."]]))
    assert "un-ionized" in read.read(path).text


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
<p>Share this article Telegram VK</p>
<p>Rate this article (votes: 12)</p>
<p>© 2023 The White House. All rights reserved</p>
</main></body></html>"""


def test_a_white_house_q_with_neither_colon_nor_stop_asks_and_the_page_after_the_last_answer_is_nobodys(tmp_path):
    path = tmp_path / "briefing.html"
    path.write_text(WHITE_HOUSE, encoding="utf-8")
    doc, paras = parsed_file(path)
    by = {p.text: p for p in paras}
    answer = by["The Commerce Department will receive them."]
    assert (answer.kind, answer.speaker) == ("answer", "MS. JEAN-PIERRE")
    assert answer.question.startswith("Thanks, Karine. Which agency")
    assert not any(p.speaker == "MS. JEAN-PIERRE" and "Which agency" in p.text for p in paras)
    kirby = by["I will not give an exact number of interceptors."]
    assert kirby.speaker == "ADMIRAL KIRBY" and kirby.question.startswith("Admiral, how many")
    for chrome in ("2:41 P.M. EDT", "Share on Facebook", "1:52 P.M. EDT", "Share this article", "Rate this article"):
        assert not any(p.text.startswith(chrome) for p in paras), chrome
    for tail in ("Tags: Briefings, Israel", "© 2023 The White House. All rights reserved"):
        assert by[tail].speaker is None and by[tail].kind == "paragraph"


def _speakers(path, text):
    """Each paragraph's speaker (by its text) once `text` is written to `path` and read."""
    path.write_text(text, encoding="utf-8")
    return {p.text: p.speaker for p in parsed_file(path)[1]}


def test_a_heading_inside_a_speech_keeps_its_speaker(tmp_path):
    # (a heading ended the turn for a while: a councillor presenting a plan under "## Housing", "## Transport" lost
    # her words to nobody; a second review)
    said = _speakers(tmp_path / "meeting.md",
                     "# Council\n\n**Chair:** Councillor Hansen will present the plan.\n\n**Cllr Hansen:** Thank you.\n\n"
                     "## Housing\n\nWe build four hundred homes by 2027.\n\n## Transport\n\nTwo new bus lines.\n\n"
                     "**Chair:** Thank you, Councillor.\n")
    assert said["We build four hundred homes by 2027."] == "Cllr Hansen" == said["Two new bus lines."]


def test_lines_a_speaker_says_stay_theirs_at_the_start_and_the_end(tmp_path):
    # (a second review: a short unpunctuated last line, "Thank you", and a first line, "Thank you for coming at such
    # short notice", were taken for the page's lines)
    said = _speakers(tmp_path / "press.txt",
                     "Bridge briefing\n\nThank you for coming at such short notice\n\nWe have three announcements.\n\n"
                     "Question: Will the bridge reopen?\n\nMinister: Yes, in May.\n\nQuestion: And the tolls?\n\n"
                     "Minister: They stay as they are\n\nAfter that it will be too late\n\nThank you\n\n"
                     "Tags: Transport, Bridges\n")
    assert said["Thank you for coming at such short notice"] == "Minister"
    assert said["After that it will be too late"] == "Minister" == said["Thank you"]
    assert said["Tags: Transport, Bridges"] is None


def test_q_street_in_a_hearing_is_no_question_label(tmp_path):
    path = tmp_path / "hearing.txt"
    path.write_text("Chair: We turn to the zoning plan.\n\nQ Street would get a protected lane under the plan.\n\n"
                    "Witness: The lane is welcome.\n\nQ Street residents wrote to us as well.\n\n"
                    "Chair: Thank you. Next item.\n", encoding="utf-8")
    doc, paras = parsed_file(path)
    assert not any(p.kind == "question" for p in paras)
    assert any(p.text.startswith("Q Street would get") for p in paras)


def test_a_hard_wrapped_line_that_reads_like_chrome_is_kept(tmp_path):
    path = tmp_path / "wrapped.txt"
    path.write_text("Alice: The vendor said they agreed to\nshare on Friday the full test results.\n\n"
                    "Bob: Then let's meet again at\n10:30 AM\non Monday.\n\nAlice: Agreed.\n", encoding="utf-8")
    doc, paras = parsed_file(path)
    text = " ".join(p.text for p in paras)
    assert "share on Friday the full test results" in text and "10:30 AM" in text


def test_a_podcast_pages_note_on_its_transcript_is_no_ones_answer(tmp_path):
    path = tmp_path / "podcast.html"
    path.write_text("<html><body><article><h1>Episode 12</h1>"
                    "<p><strong>Lena:</strong> Welcome back. Why snow leopards?</p>"
                    "<p><strong>Omar Haddad:</strong> Because they vanish first when the climate shifts.</p>"
                    "<p><strong>Lena:</strong> How do you find them?</p>"
                    "<p><strong>Omar Haddad:</strong> Camera traps, and patience.</p>"
                    "<p>This transcript was generated automatically and may contain errors.</p>"
                    "</article></body></html>", encoding="utf-8")
    _, paras = parsed_file(path)
    assert not any("generated automatically" in p.text for p in paras)


# what a PDF page may hold: numbers (a page's, a line's, a table's), headers, labels, words, blank lines
_LINES = st.one_of(st.integers(0, 30).map(str), st.sampled_from(
    ["Page 3", "Page 2 of 9", "- 4 -", "THE WHITE HOUSE", "Q. Why?", "A. Yes.", "MS. PSAKI: Good.", "Q Thanks.",
     "Jane Doe 0:03", "", "Ward", "harves-", "ter on credit.", "1. Replace lines", "Tags: x"]),
    st.text(alphabet="ab -.:", max_size=12))


@settings(deadline=None, max_examples=300)
@given(st.lists(st.lists(_LINES, max_size=30), max_size=5))
def test_page_furniture_only_ever_leaves_lines_out_and_never_fails(pages):
    # whatever a PDF's pages hold, what is kept of each page is its own lines in their order (nothing invented or
    # moved across pages), and its paragraphs are made of them
    kept = _without_furniture(pages)
    assert len(kept) == len(pages)
    for lines, out in zip(pages, kept):
        it = iter(lines)
        assert all(any(line == x for x in it) for line in out)
        _pdf_paragraphs(out)
