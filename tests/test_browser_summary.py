"""The answer first, and its fragments on hover, in the real browser: the real app (`python app.py`
in a subprocess) over the tiny briefing, with the shipped SmolLM2 writing a grounded summary,
driven in Debian's chromium. Pointing at (or tabbing to) a fragment of a summary sentence marks
the same words inside the quote it came from; the summary sits above the quotes."""
from __future__ import annotations


import pytest

from conftest import INTERVIEW
from test_browser import ARTIFACTS, Page, serve_file

pytestmark = pytest.mark.browser

QUESTION = "Is the pipeline funded?"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from rag import models

    if not (models.converted_path() / "config.json").is_file():
        pytest.skip("the summary model is not prepared (rag models)")
    served = serve_file(tmp_path_factory.mktemp("browser-summary"), "briefing.txt", INTERVIEW)
    yield served
    served.stop()


HIGHLIGHTED = """(frag) => {
  const card = document.getElementById(frag.dataset.target);
  const marks = [...document.querySelectorAll('#rq-conversation mark.rq-frag-hl')];
  return {inside: marks.every((m) => card.contains(m)), text: marks.map((m) => m.textContent).join(''),
          cited: card.classList.contains('rq-cited'), target: frag.dataset.target,
          marks: marks.length};
}"""


def test_hovering_a_fragment_marks_its_words_in_its_quote(browser, app):
    page = Page(browser, app.url)
    try:
        p = page.open()
        p.click("#rq-settings button, #rq-settings .label-wrap")
        p.check("#rq-summary-on input")
        p.fill("#rq-k input[type=number]", "3")
        p.press("#rq-k input[type=number]", "Enter")
        turn = page.ask(QUESTION, 1)
        p.wait_for_selector("#rq-conversation .rq-summary .rq-frag", timeout=120_000)
        summary = turn.locator(".rq-summary")
        assert "stitched from the quotes' own words" in summary.text_content()
        # the answer first: the summary comes before the quotes in the page and on the screen
        assert p.evaluate("(() => { const q = document.querySelector('#rq-conversation .rq-quotes');"
                          " const s = document.querySelector('#rq-conversation .rq-summary');"
                          " return !!(s.compareDocumentPosition(q) & Node.DOCUMENT_POSITION_FOLLOWING)"
                          " && s.getBoundingClientRect().bottom <= q.getBoundingClientRect().top; })()")
        frags = summary.locator(".rq-frag")
        assert frags.count() >= 1
        assert p.locator("mark.rq-frag-hl").count() == 0
        for i in range(frags.count()):
            frag = frags.nth(i)
            frag.hover()
            seen = frag.evaluate(HIGHLIGHTED)
            assert seen["marks"] >= 1 and seen["inside"] and seen["cited"], seen
            assert seen["text"] == frag.text_content(), seen       # the same words, in the quote they came from
            assert seen["target"] == f"t1-q{frag.get_attribute('data-quote')}"
            if i == 0:
                p.screenshot(path=str(ARTIFACTS / "chat-summary-hover.png"))
        p.mouse.move(5, 5)
        p.wait_for_function("document.querySelectorAll('mark.rq-frag-hl').length === 0", timeout=5000)
        # the keyboard too: a fragment takes the focus and marks its words the same way
        frags.first.focus()
        seen = frags.first.evaluate(HIGHLIGHTED)
        assert seen["inside"] and seen["text"] == frags.first.text_content()
        # the marking changes no character of the quote
        for card in turn.locator(".rq-quote").all():
            text = card.locator(".rq-text").text_content()
            assert len(text) == int(card.get_attribute("data-end")) - int(card.get_attribute("data-start"))
    finally:
        page.close()


@pytest.fixture(scope="module")
def windows_app(tmp_path_factory):
    """The briefing saved with Windows line endings and an emoji before the answer's words."""
    from rag import models

    if not (models.converted_path() / "config.json").is_file():
        pytest.skip("the summary model is not prepared (rag models)")
    text = INTERVIEW.replace("Jane Doe: Yes.", "Jane Doe: Yes \U0001F30A.").replace("\n", "\r\n")
    served = serve_file(tmp_path_factory.mktemp("browser-summary-crlf"), "briefing.txt", text.encode("utf-8"))
    yield served, text
    served.stop()


def test_a_fragment_marks_its_own_words_in_a_windows_file_with_an_emoji(browser, windows_app):
    """A hostile review: in a file saved with CRLF the marked words ran one character later per line break before
    them (the HTML parser dropped the CRs, the offsets counted them), and in one with an emoji one earlier (the
    page counts UTF-16 units, the server characters). The quote on the page now keeps every character, CRs
    included, and a fragment marks exactly its words."""
    app, text = windows_app
    page = Page(browser, app.url)
    try:
        p = page.open()
        p.click("#rq-settings button, #rq-settings .label-wrap")
        p.check("#rq-summary-on input")
        turn = page.ask(QUESTION, 1)
        p.wait_for_selector("#rq-conversation .rq-summary .rq-frag", timeout=120_000)
        for card in turn.locator(".rq-quote").all():       # exactly source[start:end], "\r" and the emoji too
            start, end = int(card.get_attribute("data-start")), int(card.get_attribute("data-end"))
            assert card.locator(".rq-text").text_content() == text[start:end]
        assert any("\r\n" in text[int(c.get_attribute("data-start")):int(c.get_attribute("data-end"))]
                   or "\U0001F30A" in text[int(c.get_attribute("data-start")):int(c.get_attribute("data-end"))]
                   for c in turn.locator(".rq-quote").all())
        frags = turn.locator(".rq-summary .rq-frag")
        assert frags.count() >= 1
        for i in range(frags.count()):
            frag = frags.nth(i)
            frag.hover()
            seen = frag.evaluate(HIGHLIGHTED)
            assert seen["marks"] >= 1 and seen["inside"] and seen["text"] == frag.text_content(), seen
    finally:
        page.close()


def test_a_carriage_return_in_a_quote_survives_the_browsers_html_parser(browser):
    """A browser reads a CR or CRLF in HTML as LF: a quote of a Windows file lost its CRs on the page (its text no
    longer source[start:end]), and the offsets into it drifted one character per line break. Written as "&#13;" by
    render.esc, the page's text is the source's, character for character."""
    from rag.render import esc

    text = "Helen Marsh: We agree.\r\n\r\nOmar Haddad: Then June \U0001F30A.\r\nLast line.\r"
    page = browser.new_page()
    try:
        page.set_content(f'<p id="q">{esc(text)}</p>')
        assert page.evaluate("document.getElementById('q').textContent") == text
    finally:
        page.close()
