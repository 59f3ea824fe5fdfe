"""A hostile review of the chat in front of a room (session 36), in the real page (Debian's chromium) at a projector's
1024x768 and 150 %: a long missing name ran out of the notice's box, a question of no words got quotes, and a quote of
five turns was cited "paragraph 1", the chair's greeting, where its context says "Paragraphs 1–5"."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CHROMIUM, FLAGS, serve_folder

pytestmark = pytest.mark.browser

MEETING = """Harbour Committee Meeting, 3 April 2025

Amira Haddad: Good morning everyone. Today we discuss the ferry route and the dredging budget for the harbour.

Tom Brown: Thank you. The dredging will cost about 2.4 million euros, and we need it done before the summer season, \
otherwise the ferry cannot dock at low tide.

Amira Haddad: What about the environmental survey? The residents complained about noise at night.

Jonas Lindqvist: The survey found no protected species near the pier.

Amira Haddad: Good. Then we vote on the dredging next month.
"""

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (bash scripts/install.sh --test)", allow_module_level=True)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("room")
    (folder / "harbour.txt").write_text(MEETING, encoding="utf-8")
    for url in serve_folder(folder):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            context = browser.new_context(viewport={"width": 1024, "height": 768}, device_scale_factor=1.5)
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("#rq-question textarea")
            yield page
            context.close()
            browser.close()


def ask(page, question: str):
    before = page.locator("#rq-conversation .rq-turn").count()
    page.fill("#rq-question textarea", question)
    page.press("#rq-question textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#rq-conversation .rq-turn').length > {before}",
                           timeout=60_000)
    return page.locator("#rq-conversation .rq-turn").last


def test_a_long_missing_name_stays_inside_its_notice(page):
    turn = ask(page, "What did they say about " + "Xq" * 100 + "?")
    notices = turn.locator(".rq-abstain, .rq-note, .rq-warning, .rq-error")
    assert notices.count()
    wide = notices.evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className)")
    assert wide == []


@pytest.mark.parametrize("question", ["?!?", "\U0001f525\U0001f525"])
def test_a_question_of_no_words_gets_no_quotes_but_a_line_saying_why(page, question):
    turn = ask(page, question)
    assert turn.locator(".rq-quote").count() == 0
    assert "no letter or digit to search for" in turn.inner_text()


def test_a_quote_of_several_turns_is_cited_with_every_paragraph_it_spans(page):
    turn = ask(page, "What did Tom Brown say about the dredging cost?")
    quote = turn.locator(".rq-quote").first
    meta = quote.locator(".rq-meta").inner_text()
    shown = re.search(r"¶ (\d+)(?:–(\d+))?", meta)
    quote.locator(".rq-actions .rq-open").click()
    page.wait_for_selector(".rq-exchange, #rq-source .rq-p", timeout=30_000)
    panel = page.locator("#rq-source").inner_text()
    spans = re.search(r"Paragraphs (\d+)–(\d+)", panel)
    assert spans and shown.group(2) and (shown.group(1), shown.group(2)) == spans.groups(), (meta, panel[:200])
    copied = quote.locator(".rq-actions .rq-copy").first.get_attribute("data-copy")
    assert f"paragraphs {shown.group(1)}–{shown.group(2)}" in copied, copied


def test_questions_sent_one_after_another_are_each_answered_in_order(page):
    """The review's room, three questions sent with Enter a moment apart: one was dropped (taken by the server with
    "once" while the one before was still being taken) and its words wiped from the box, or its answer painted over
    by an earlier answer's. Each is now taken in the page at once, and every answer keeps its place."""
    before = page.locator("#rq-conversation .rq-turn").count()
    asked = ["Who will vote on the dredging?", "What did the survey find?", "When does the dredging cost apply?"]
    for q in asked:             # (as fast as hands go: the box is emptied by the page a moment after Enter)
        page.fill("#rq-question textarea", q)
        page.press("#rq-question textarea", "Enter")
        page.wait_for_timeout(150)
    page.wait_for_function(f"document.querySelectorAll('#rq-conversation .rq-turn').length >= {before + 3}",
                           timeout=60_000)
    page.wait_for_timeout(1500)         # (an answer finishing late would repaint the page here)
    shown = page.locator("#rq-conversation .rq-question").all_inner_texts()[before:]
    assert [" ".join(s.split()) for s in shown] == asked
    assert page.locator("#rq-question textarea").input_value() == ""


def test_a_double_click_asks_an_example_once(page):
    """The re-review: with the example taken in the page, a double click on an example asked it twice."""
    example = page.locator(".rq-example").first
    example.wait_for(timeout=30_000)
    text = " ".join(example.inner_text().split())
    before = page.locator("#rq-conversation .rq-turn").count()
    example.dblclick()
    page.wait_for_function(f"document.querySelectorAll('#rq-conversation .rq-turn').length > {before}",
                           timeout=60_000)
    page.wait_for_timeout(2000)
    shown = [" ".join(q.split()) for q in page.locator("#rq-conversation .rq-question").all_inner_texts()[before:]]
    assert shown == [text]
