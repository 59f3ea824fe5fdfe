"""A court reporter's transcript delivered as text pages (margin line numbers, a printed page number, a running
header and footer) read as the PDF of it is; numbered text that is no such pages read as it is (session 29)."""

import re
from pathlib import Path

import pytest

from rag import read
from rag.parse import parse
from rag.pdf import PAGE_BREAK
from rag.printed import PAGE_LINES, printed_text

from pdfgen import make_pdf
from conftest import exact, by_text

FORMATS = Path(__file__).parent / "data" / "formats"


# ---- a court reporter's text pages ----------------------------------------------------------------

def test_a_court_reporters_text_pages_read_as_their_pdf_does():
    doc = read.read(FORMATS / "court-day2.txt")
    assert doc.text.count(PAGE_BREAK) == 3                       # four pages, a page break between each
    assert not re.search(r"(?m)^ ?\d{1,2} ", doc.text)          # no margin line numbers
    assert not re.search(r"(?m)^\s*(?:87|88|89|90)\s*$", doc.text)     # nor the printed page numbers
    assert "Official Reporter" not in doc.text                   # the reporter's foot on every page: nobody's (session 31)
    assert doc.text.count("Pruitt - Direct") == 1
    doc, paras = parse(doc)
    exact(doc, paras)
    asked = by_text(paras, "What did you see?")
    assert (asked.kind, asked.speaker, asked.text, asked.page) == ("question", "MS. BIRKELAND", "What did you see?", 2)
    answer = by_text(paras, "A silver sedan")
    assert answer.text == ("A silver sedan came through the light at Center Street well after it turned red. "
                           "I clocked it at fifty-one in a thirty-five zone.")      # lines joined, one answer
    assert answer.kind == "answer" and answer.page == 2
    assert by_text(paras, "Objection. Relevance.").speaker == "MR. TAKAHASHI"
    assert by_text(paras, "We'll take ten minutes.").speaker == "THE COURT"
    cross = by_text(paras, "Shell lot slopes")
    assert (cross.speaker, cross.page) == ("MR. TAKAHASHI", 3)
    assert by_text(paras, "You may step down.").page == 4
    assert "BY MS. BIRKELAND:" in doc.text.split("\n\n")      # the examining lawyer's line its own paragraph


def test_court_text_pages_without_form_feeds_read_the_same():
    text = (FORMATS / "court-day2.txt").read_text()
    assert printed_text(text) is not None and printed_text(text.replace("\f", "")) == printed_text(text)


def test_a_label_ending_a_pdf_line_opens_a_paragraph(tmp_path):
    path = tmp_path / "deposition.pdf"
    path.write_bytes(make_pdf([["having been first duly sworn, was examined and testified as follows:",
                                "EXAMINATION", "BY MS. OKAFOR:", "Q. Please state your name for the record.",
                                "A. Martin Lyle Hobbs."]]))
    paras = read.read(path).text.split("\n\n")
    assert "BY MS. OKAFOR:" in paras


def court_page(lines: list[str]) -> str:
    return "\n".join(f"{i:>2}  {line}" for i, line in enumerate(lines, 1))


@pytest.mark.parametrize("text", [
    # a numbered list without full stops, started again under a second heading
    "Packing list\n" + court_page([f"item {i}" for i in range(1, 11)]) + "\n\nFood\n"
    + court_page([f"tin {i}" for i in range(1, 11)]) + "\n",
    # a code listing numbered on, over a form feed
    court_page([f"x{i} = {i}" for i in range(1, 31)]) + "\n\f\n"
    + "\n".join(f"{i:>2}  y{i} = {i}" for i in range(31, 61)) + "\n",
    # a table of figures
    "\n".join(f"{i:>2}  {i * 3:>4}  {i * 7:>5}" for i in range(1, 26)) + "\n\f\n"
    + "\n".join(f"{i:>2}  {i * 3:>4}  {i * 7:>5}" for i in range(1, 26)) + "\n",
    # pages numbered in the margin but with a line between them unnumbered (a quotation, not a reporter's page)
    court_page([f"line {i}" for i in range(1, PAGE_LINES + 2)]).replace(" 5  line 5", "     line 5") + "\n\f\n"
    + court_page([f"line {i}" for i in range(1, PAGE_LINES + 2)]) + "\n",
    # (the hostile review) two long numbered lists, the numbers starting again: no speaker's label, items short
    "Meeting attendees\n\n" + court_page([f"Attendee number {i}, harbour resident" for i in range(1, 23)])
    + "\n\nActions agreed\n\n" + court_page([f"Repair the slipway, part {i}" for i in range(1, 22)]) + "\n",
    # a code listing, its lines numbered again in each file of it
    "setup.py\n" + court_page([f"    config_value_{i} = load_setting('section', 'key_{i}')  # read it"
                                for i in range(1, 24)])
    + "\n\nmain.py\n" + court_page([f"    result_{i} = compute_total(config_value_{i}, weight={i})"
                                    for i in range(1, 24)])
    + "\n",
])
def test_numbered_text_that_is_no_reporters_pages_reads_as_it_is(tmp_path, text):
    assert printed_text(text) is None
    path = tmp_path / "notes.txt"
    path.write_text(text)
    assert read.read(path).text == text


@pytest.mark.parametrize("name", ["stamped.txt", "interview.txt", "qa.txt", "press.txt"])
def test_ordinary_transcripts_read_as_they_are(name):
    path = FORMATS / name
    assert read.read(path).text == path.read_text(encoding="utf-8-sig")


def test_a_markdown_file_is_never_read_as_printed_pages(tmp_path):
    text = (FORMATS / "court-day2.txt").read_text()
    path = tmp_path / "court.md"
    path.write_text(text)
    assert read.read(path).text == text


def test_text_pages_of_wrapped_prose_with_page_numbers_read_as_pages_without_labels():
    # a reporter's pages whose text holds no label (a judge's ruling read into the record): the layout says so,
    # long wrapped lines and a printed page number on each page
    line = "the court has considered the motion and the papers filed in support of it"
    pages = [f"{' ' * 60}{n}\n" + court_page([f"{line} {i}" for i in range(1, 26)]) for n in (12, 13)]
    text = "\f\n".join(pages) + "\n"
    assert printed_text(text) is not None and not re.search(r"(?m)^ ?\d{1,2} ", printed_text(text))
