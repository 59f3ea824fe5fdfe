"""Session 33's parsing fixes: Markdown footnotes on consecutive lines, a lecture's captions whose host is labelled by
role (">> MODERATOR:"), a podcast's "Host: … Guest: …" header line."""
from rag.parse import parse
from rag.records import Document


def _parse(name: str, text: str):
    doc, passages = parse(Document.from_text(name, text))
    for p in passages:      # every quote is the document's text at its offsets
        assert text[p.start:p.end] == p.text
    return doc, passages


REPORT = """# Riverside Library Network — Annual Report 2024

## 1. Summary

The network's seven branches recorded 612,400 visits in 2024, up 8.3% on 2023.[^1] The Eastgate branch reopened.

## 2. Visits by branch

Millbrook was the only branch where visits fell. Its opening hours were cut in April.[^2]

## 3. Finances

Total spending was £4.82 million, of which staff costs were £3.35 million.

[^1]: Visit counts come from door counters; the Eastgate counter was offline for 19 days in July.
[^2]: Millbrook's hours will be restored once two library assistant posts are filled.
"""


def test_footnotes_on_consecutive_lines_are_each_cited_in_the_section_that_refers_to_it():
    _, passages = _parse("report.md", REPORT)
    notes = {p.text[:5]: p for p in passages if p.text.startswith("[^")}
    assert set(notes) == {"[^1]:", "[^2]:"}
    assert notes["[^1]:"].section == "1. Summary"
    assert notes["[^2]:"].section == "2. Visits by branch"
    assert notes["[^2]:"].text == "[^2]: Millbrook's hours will be restored once two library assistant posts are filled."
