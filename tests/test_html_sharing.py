"""A podcast page's sharing widget and a row of social links left out of an HTML page's text (session 29)."""

from pathlib import Path

from rag import read
from rag.parse import parse

FORMATS = Path(__file__).parent / "data" / "formats"


# ---- a page's sharing widget -----------------------------------------------------------------------

def test_a_sharing_widget_and_a_row_of_social_links_are_left_out_of_an_html_page():
    doc = read.read(FORMATS / "share-widget.html")
    assert "Share this" not in doc.text and "Follow us" not in doc.text and "Instagram" not in doc.text
    # an article filed under "social history" is kept, and a sentence that links to a social site too
    doc, paras = parse(doc)
    assert [p.speaker for p in paras if p.kind == "turn"][:4] == ["Ruth Penhale", "Tom Carne", "Ruth Penhale",
                                                                  "Tom Carne"]
    assert "page on Facebook for launch news." in doc.text
