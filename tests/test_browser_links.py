"""A report's quotes in the real browser (`python app.py` in a subprocess, the real model, Debian's chromium): a
quote's permalink under any heading reopens it, and a copy button gets its own label back after a copy."""
from __future__ import annotations

import pytest

from test_browser import Page, serve_file

pytestmark = pytest.mark.browser

REPORT = """# Harbour works review

## Chapter 2: Dredging

The harbour board met eleven times in 2024 and visited the works twice. Its members asked for monthly reports from
the contractor. The dredging of the outer channel cost 1.4 million euros in 2024. The contractor finished two weeks
late because of the storms in February. Ships of up to twelve metres draught can now enter at low tide. The
pilots' association welcomed the deeper channel but asked for new buoys at the entrance, where two groundings were
recorded last winter. The port authority will install them in the spring, together with a new radar station on the
western pier. Fishing boats from the old harbour keep their berths during the works, and the ferry to the islands runs
on its summer timetable from the first of May. The next review of the works is planned for the autumn, when the
board will publish the accounts of the whole project and the results of the survey of the seabed. Until then the
works office on the quay stays open on weekdays, and residents may ask there about noise, traffic on the harbour
road and the closures of the promenade. The board thanked the crews of the dredgers, who worked through the storms,
and the neighbours of the harbour for their patience during a long and loud year of works on their doorstep.

## Findings of the independent review panel on coastal erosion

The panel found that erosion on the north beach doubled after the breakwater was extended.
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    served = serve_file(tmp_path_factory.mktemp("browser-links"), "report.md", REPORT)
    yield served
    served.stop()


@pytest.mark.parametrize("question, heading", [
    ("What did the dredging cost?", "Chapter 2: Dredging"),
    ("What did the panel find about erosion?", "Findings of the independent review panel on coastal erosion"),
])
def test_a_quotes_permalink_under_any_heading_reopens_it(browser, app, question, heading):
    """A hostile review: under "Chapter 2: Dredging", or a heading over 40 characters once the browser had
    percent-encoded it, "Show in context" put a link in the address bar that a reload refused ("The link's cited
    span … is not of the form #Q7:12345-12789")."""
    page = Page(browser, app.url)
    try:
        p = page.open()
        turn = page.ask(question, 1)
        card = turn.locator(".rq-quote").first
        start, end = int(card.get_attribute("data-start")), int(card.get_attribute("data-end"))
        assert heading in card.locator(".rq-where").text_content()
        card.locator(".rq-open").first.click()
        p.wait_for_function("location.hash.length > 1")
        p.reload()
        p.wait_for_selector("#rq-source mark.rq-hl", timeout=60_000)
        assert "rq-error" not in p.locator("#rq-conversation").inner_html()
        assert p.locator("#rq-source mark.rq-hl").text_content() == REPORT[start:end]
    finally:
        page.close()


def test_a_copy_button_gets_its_own_label_back(browser, app):
    """A hostile review: after a copy "Copy marked sentences" came back as "Copy citation", so the card showed two
    "Copy citation" buttons that copy different texts."""
    page = Page(browser, app.url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base.rstrip("/"))
    try:
        p = page.open()
        turn = page.ask("What did the dredging cost?", 1)
        buttons = turn.locator(".rq-quote").first.locator(".rq-copy")
        labels = [b.text_content() for b in buttons.all()]
        assert "Copy marked sentences" in labels
        for b in buttons.all():
            b.click()
        p.wait_for_timeout(3000)
        assert [b.text_content() for b in buttons.all()] == labels
    finally:
        page.close()
