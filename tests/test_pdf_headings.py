"""A PDF's headings as a report prints them: numbered sections and chapters are headings (its passages are cited by
them), a table's cells and a ranked list's items are not, and a footnote's mark is set apart (a reviewer's 199-page
report: every "heading" found was a table cell, "Site", "Year", while "13.2 Shellfish closures at Kelloran Estuary"
ran into the paragraph after it)."""
from rag import read
from rag.parse import parse
from rag.pdf import _pdf_paragraphs

from pdfgen import make_pdf

BODY = ["The preliminary embankment compared by the contractor team shows that the floodplain near the levee was",
        "judged provisional during 2008, and the survey confirmed the finding in the following spring season."]


def test_numbered_sections_and_chapters_are_headings_after_a_sentences_end():
    text = _pdf_paragraphs(["Chapter 2: Conditions at Ostervik", *BODY, "2.1 Saltmarsh loss at Sillhaven", *BODY,
                            "3. Priority Measures", *BODY])
    assert [p for p in text.split("\n\n") if p.startswith("# ")] == [
        "# Chapter 2: Conditions at Ostervik", "# 2.1 Saltmarsh loss at Sillhaven", "# 3. Priority Measures"]
    # after a title page's short lines too (not only after a sentence's end)
    title = _pdf_paragraphs(["Municipality of Vestmark, Department of Climate Adaptation", "March 2025",
                             "1. Executive Summary", *BODY])
    assert "\n\n# 1. Executive Summary\n\n" in title
    # not in mid-sentence: a line that opens with a number there goes on the sentence
    running = _pdf_paragraphs([BODY[0], "12 Regional Offices were opened in the following spring season, and more.",
                               BODY[1]])
    assert "# " not in running


def test_a_tables_cells_and_a_ranked_lists_items_are_no_headings():
    table = _pdf_paragraphs([*BODY, "", "Site", "Indicator", "Value", "Year", "Brackwater", "tourist overnight stays",
                             "874", "2015", "Sillhaven", "tourist overnight stays", "595", "2016", *BODY])
    assert "# " not in table
    ranked = _pdf_paragraphs(["Top ten countries by renewable share of electricity, 2022, as the agency reports it.",
                              "1 Norway 98%", "2 Iceland 97%", "3 Paraguay 96%", *BODY])
    assert "# " not in ranked
    deposition = _pdf_paragraphs(["10 A. Sixty, maybe more", "11 Q. What happened next?", *BODY])
    assert "# " not in deposition


def test_a_footnotes_mark_is_set_apart():
    text = _pdf_paragraphs(["In 2016 the shellfish closures reached 4,416 days, the highest since monitoring began.26",
                            "The preliminary embankment recorded by the team suggests that the jetty is modest."])
    assert "began.[26] The preliminary" in text and "4,416 days" in text
    # not an abbreviation's number (a code review: "Fig.[3]", "Art.[12]")
    refs = _pdf_paragraphs(["As Fig.3 and Art.12 show, and para.12 says, the levee held. It was repaired in spring."])
    assert "Fig.3" in refs and "Art.12" in refs and "para.12" in refs


def test_a_date_on_its_own_line_is_no_heading():
    # (a code review: now that a paragraph is cited by its heading, a letter's "March 2025" cited its body)
    text = _pdf_paragraphs(["Dear members of the board, this letter reports on the meeting that the board held.", "",
                            "March 2025", "The board agreed to raise the dike and to restore the marsh in spring."])
    assert "# March 2025" not in text


def test_a_reports_passages_are_cited_by_their_numbered_section(tmp_path):
    path = tmp_path / "review.pdf"
    other = [line.replace("embankment", "revetment") for line in BODY]      # (a paragraph printed twice is kept once)
    path.write_bytes(make_pdf([["Coastal Resilience Review 2025", "1.1 Sediment supply at Brackwater", *BODY,
                                "1.2 Shellfish closures at Quillan Bay", *other]]))
    doc, paras = parse(read.read(path))
    sections = [p.section for p in paras if p.kind != "heading"]
    assert "1.1 Sediment supply at Brackwater" in sections and "1.2 Shellfish closures at Quillan Bay" in sections
    assert all(p.text == doc.text[p.start:p.end] for p in paras)
