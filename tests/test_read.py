"""Reading files of every format into Documents: the text kept, the chrome dropped, clear refusals."""

import pytest

from rag import read
from rag.errors import DocumentError
from rag.parse import parse

from pdfgen import make_pdf

HTML = """<!doctype html>
<html><head><title>Mayor's briefing | City News</title>
<meta property="article:published_time" content="2024-02-05T10:00:00Z">
<style>.x { color: red }</style>
<script>var tracking = "SCRIPT-SECRET";</script>
</head><body>
<header><nav><a href="/">Home</a> <a href="/sport">NAV-SPORT</a></nav><div class="logo">SITE-LOGO</div></header>
<aside>ASIDE-ADVERT: subscribe now</aside>
<article>
  <h1>Mayor's briefing on the budget</h1>
  <p>The mayor opened with a short statement on the <b>budget</b> for next year.</p>
  <p>Question: Will taxes rise?</p>
  <p>Anna Berg: No. Taxes will stay where they are, and the &amp; parks budget grows.</p>
  <h2>Transport</h2>
  <p>Question (Radio North): When does the tram open?</p>
  <p>Anna Berg: In the autumn.<br>The tests start in June.</p>
  <script>document.write("INLINE-SCRIPT")</script>
</article>
<footer>FOOTER-COPYRIGHT 2024</footer>
</body></html>
"""


def test_html_keeps_the_article_drops_navigation_and_scripts(tmp_path):
    path = tmp_path / "briefing.html"
    path.write_text(HTML, encoding="utf-8")
    doc = read.read(path)
    for chrome in ("SCRIPT-SECRET", "NAV-SPORT", "SITE-LOGO", "ASIDE-ADVERT", "FOOTER-COPYRIGHT", "INLINE-SCRIPT",
                   "color: red"):
        assert chrome not in doc.text
    assert "Taxes will stay where they are, and the & parks budget grows." in doc.text
    assert "the budget for next year" in doc.text      # inline markup joins its words, spaced right
    assert doc.title == "Mayor's briefing on the budget" and doc.date == "2024-02-05"
    doc, paras = parse(doc)
    for p in paras:
        assert doc.text[p.start:p.end] == p.text
    answers = [p for p in paras if p.kind == "answer"]
    assert [p.section for p in answers] == ["Q1", "Q2"]
    assert answers[1].question == "When does the tram open?" and answers[1].outlet == "Radio North"
    assert answers[1].text == "In the autumn.\nThe tests start in June." and answers[0].speaker == "Anna Berg"


def test_html_without_article_drops_site_header_and_footer(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text("<html><head><title>Site | Page</title></head><body><header>MENU</header><div><p>First point.</p><p>Second point.</p></div>"
                    "<footer>COPY</footer></body></html>", encoding="utf-8")
    doc = read.read(path)
    assert doc.text.split() == ["First", "point.", "Second", "point."]
    assert doc.title == "Site | Page"      # no article heading: the page's title


def two_page_pdf(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf([
        ["Water Report", "The reservoir is full again after the spring rains, and the council",
         "expects prices to stay flat through the year.", "Question: Is the pipeline funded?",
         "Jane Doe: Yes. It is funded by a regional grant."],
        ["Jane Doe: The work starts in May and the", "first section opens in the spring of 2025.",
         "Question: And the prices?", "Jane Doe: They stay flat."],
    ], title="Water report 2024"))
    return path


def test_pdf_pages_and_structure(tmp_path):
    doc = read.read(two_page_pdf(tmp_path))
    assert doc.title == "Water report 2024"
    assert doc.text.count("\f") == 1
    doc, paras = parse(doc)
    for p in paras:
        assert doc.text[p.start:p.end] == p.text
    pages = {p.text: p.page for p in paras}
    assert pages["Yes. It is funded by a regional grant."] == 1
    assert pages["The work starts in May and the first section opens in the spring of 2025."] == 2
    assert pages["They stay flat."] == 2
    q = {p.text: (p.section, p.kind, p.question) for p in paras}
    assert q["They stay flat."] == ("Q2", "answer", "And the prices?")
    # lines of one paragraph are joined; the heading stands alone
    assert q["# Water Report"][1] == "heading"
    assert any(p.text.startswith("The reservoir is full") and p.text.endswith("through the year.") for p in paras)


def test_docx(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.title = "Interview with Jane Doe"
    d.add_heading("Interview with Jane Doe", level=1)
    d.add_paragraph("Q: What did the council decide?")
    d.add_paragraph("A: It decided to keep prices flat.")
    d.add_paragraph("Q: And the pipeline?")
    d.add_paragraph("A: It is funded.")
    path = tmp_path / "interview.docx"
    d.save(path)
    doc, paras = parse(read.read(path))
    assert doc.title == "Interview with Jane Doe"
    answers = [(p.section, p.text, p.question) for p in paras if p.kind == "answer"]
    assert answers == [("Q1", "It decided to keep prices flat.", "What did the council decide?"),
                       ("Q2", "It is funded.", "And the pipeline?")]
    for p in paras:
        assert doc.text[p.start:p.end] == p.text


def test_markdown_title_and_sections(tmp_path):
    path = tmp_path / "2021-06-30_notes.md"
    path.write_text("# Field notes\n\nWe met the growers.\n\n## Costs\n\nFuel doubled.\n\nSeeds too.\n",
                    encoding="utf-8")
    doc, paras = parse(read.read(path))
    assert doc.title == "Field notes" and doc.date == "2021-06-30"    # the date from the file name
    body = [(p.section, p.text) for p in paras if p.kind == "paragraph"]
    assert body == [("Field notes", "We met the growers."), ("Costs", "Fuel doubled."), ("Costs", "Seeds too.")]


@pytest.mark.parametrize("name, data, words", [
    ("scan.xyz", b"hello", "unsupported file type '.xyz'"),
    ("bad.txt", b"\x80\x81\x00garbage", "not UTF-8"),
    ("odd.txt", b"\xff\xfeA\x00B", "not UTF-16"),     # a UTF-16 BOM, then half a character
    ("empty.txt", b"  \n\n", "no text"),
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ("broken.docx", b"PK\x03\x04 not a zip", "DOCX"),
    ("broken.html", b"<html><body><script>only()</script></body></html>", "no text"),
    ("renamed.html", bytes(range(256)) * 8, "binary data"),     # an image renamed: was indexed as 2 passages of noise
    ("utf16.txt", "Harbour notes\nThe ferry.\n".encode("utf-16-le"), "UTF-16 without a byte-order mark"),
    ("nul.txt", b"Harbour notes\nThe ferry\x00 runs late.\n", "line 2 holds NUL bytes: binary data?"),  # not UTF-16
    ("russian.txt", "Министр иностранных дел, пресс-конференция.\nВопрос: когда?\n".encode("utf-16-le"),
     "UTF-16 without a byte-order mark"),     # NULs only at its spaces and stops (a review's)
])
def test_unreadable_files_are_refused_clearly(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as e:
        read.read(path)
    assert name in str(e.value) and words in str(e.value)


def test_expand_folders_and_report_unknown(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("B.", encoding="utf-8")
    (tmp_path / "sub" / "c.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("H.", encoding="utf-8")
    files, skipped = read.expand([tmp_path, tmp_path / "missing.txt"])
    assert [f.name for f in files] == ["a.txt", "b.md"]
    assert [(s[0].rsplit("/", 1)[-1], s[1].split(" (")[0]) for s in skipped] == [
        ("c.png", "unsupported file type '.png'"), ("missing.txt", "no such file")]


def test_date_from_name():
    assert read.date_from_name("2022-01-14_lavrov.txt") == "2022-01-14"
    assert read.date_from_name("talk_20230305.pdf") == "2023-03-05"
    assert read.date_from_name("report_2023.pdf") is None and read.date_from_name("000_17cb08188d8e02ca.txt") is None


def test_markdown_front_matter(tmp_path):
    path = tmp_path / "post.md"
    path.write_text('---\ntitle: "Notes from the field"\ndate: 2020-11-03\ntags: [a, b]\n---\n\n'
                    "Question: Why here?\n\nAli Musa: The soil.\n\nQuestion: And now?\n\nAli Musa: We stay.\n",
                    encoding="utf-8")
    doc, paras = parse(read.read(path))
    assert doc.title == "Notes from the field" and doc.date == "2020-11-03"
    assert not any("title:" in p.text or p.text.startswith("---") for p in paras)
    assert [p.text for p in paras if p.kind == "answer"] == ["The soil.", "We stay."]


def test_markdown_text_on_the_line_after_the_front_matter_is_its_first_paragraph(tmp_path):
    """A hostile review: a Jekyll/Hugo post whose text opens on the line after the closing '---' lost that paragraph
    (one block with the metadata, left out); a post of that paragraph alone was skipped as "no text to index"."""
    path = tmp_path / "n.md"
    path.write_text("---\ntitle: Ferry news\n---\nThe ferry sails on Wednesdays at nine.\n\nIt is blue.\n",
                    encoding="utf-8")
    doc, paras = parse(read.read(path))
    assert doc.title == "Ferry news"
    assert [p.text for p in paras] == ["The ferry sails on Wednesdays at nine.", "It is blue."]
    assert all(doc.text[p.start:p.end] == p.text for p in paras)


def test_unreadable_permissions_are_a_message(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("secret", encoding="utf-8")

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", denied)
    with pytest.raises(DocumentError) as e:
        read.read(path)
    assert "locked.txt" in str(e.value) and "cannot be read (Permission denied)" in str(e.value)
