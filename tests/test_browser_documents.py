"""The chat over an index of several meetings (Debian's chromium), where the Documents panel is open from the start:
a seminar host's rehearsal on five meetings (session 30) found the page wider than a phone, axe's serious violations in
the panel, the keyboard lost after the speaker choice and the same role of two meetings offered as one speaker. Built
with the fake embedder from tests/data/meetings/ and served in this process. Screenshots go to artifacts/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CHROMIUM

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "meetings"
ARTIFACTS = ROOT / "artifacts"
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"   # scripts/install.sh --test
NOTES = "Harbour notes, June 2, 2023.\n\nThe harbour dredging starts in July and ends in September.\n"
QUESTION = "What about the harbour dredging?"

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (bash scripts/install.sh --test)", allow_module_level=True)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Four documents: two meetings of the design team (the same roles, other people), a budget meeting, notes."""
    from conftest import FakeEmbedder
    from rag import ui
    from rag.build import build
    from test_ui_api import free_port

    folder = tmp_path_factory.mktemp("documents")
    shutil.copy(DATA / "design.txt", folder / "design_kickoff_meeting.txt")
    design = (DATA / "design.txt").read_text(encoding="utf-8")
    (folder / "design_follow_up_meeting.txt").write_text(design.replace("yellow", "green"), encoding="utf-8")
    shutil.copy(DATA / "budget.txt", folder / "budget_committee_meeting.txt")
    (folder / "harbour_notes.txt").write_text(NOTES, encoding="utf-8")
    embedder = FakeEmbedder()
    build(sorted(folder.glob("*.txt")), embedder, folder=folder / "idx")
    demo, url = ui.serve(folder / "idx", port=free_port(), embedder=embedder, block=False)
    yield url, folder
    demo.close()


def open_page(browser, url: str, **context):
    ctx = browser.new_context(**{"viewport": {"width": 1280, "height": 720}, **context})
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_selector("#rq-question textarea")
    page.wait_for_timeout(500)
    return ctx, page


def ask(page, question: str):
    n = page.locator("#rq-conversation .rq-turn").count()
    page.fill("#rq-question textarea", question)
    page.click("#rq-ask")
    page.wait_for_function(f"document.querySelectorAll('#rq-conversation .rq-turn').length > {n}", timeout=60_000)
    settled(page, "#rq-conversation .rq-turn:last-child")
    return page.locator("#rq-conversation .rq-turn").nth(n)


def settled(page, selector: str) -> None:
    """Until `selector` and everything around it is drawn at full opacity (Gradio dims an event's outputs, `.pending`,
    a moment after their content shows: tests/test_browser.py)."""
    page.wait_for_function("""sel => { let e = document.querySelector(sel);
        if (!e) return false;
        for (; e; e = e.parentElement) if (parseFloat(getComputedStyle(e).opacity) < 1) return false;
        return true; }""", arg=selector, timeout=30_000)
    page.wait_for_timeout(200)


@pytest.mark.parametrize("mobile", [False, True])
def test_a_phone_fits_the_page_and_a_permalink_opens_at_its_answer(browser, app, mobile):
    """Session 30: on a 390x844 phone the Documents panel, open by default on several documents, held a 520 px table:
    the page was 634 px wide, the ask bar ended below the screen and Ask past its right edge, and a permalink (the QR
    code's) opened scrolled 3,181 px past its answer."""
    from rag import chat

    ctx, page = open_page(browser, app[0], viewport={"width": 390, "height": 844}, is_mobile=mobile, has_touch=True,
                          device_scale_factor=2)
    try:
        page.goto(app[0] + chat.permalink(QUESTION, 3, ""))
        page.wait_for_selector("#rq-conversation .rq-quote", timeout=60_000)
        page.wait_for_timeout(1500)
        assert page.locator("#rq-documents table.rq-docs").is_visible()        # the panel is open
        seen = page.evaluate("""() => { const r = (s) => document.querySelector(s).getBoundingClientRect();
            return {width: document.documentElement.scrollWidth, quote: r('#rq-conversation .rq-quote').top,
                    ask: r('#rq-ask').right, bar: r('#rq-ask-row').bottom}; }""")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"documents-phone-{'mobile' if mobile else 'narrow'}.png"))
        assert seen["width"] <= 390, seen
        assert 0 <= seen["quote"] < 844 - 100, seen
        assert seen["ask"] <= 390 and seen["bar"] <= 845, seen
    finally:
        ctx.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))
        .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))""")


@pytest.mark.parametrize("theme", ["", "?__theme=dark"])
def test_no_serious_accessibility_violation_with_the_documents_open(browser, app, theme):
    """Session 30: with several documents the Documents panel is open from the start, and axe found the upload box's
    "- or -" and the Settings slider's largest value at 1.9:1, and the upload box's name not its visible label."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (bash scripts/install.sh --test)")
    ctx, page = open_page(browser, app[0] + theme)
    try:
        assert page.locator("#rq-documents table.rq-docs").is_visible()
        page.click("#rq-settings button, #rq-settings .label-wrap")         # the slider's values shown
        page.wait_for_timeout(500)
        found = {"landing": axe_violations(page)}
        ask(page, QUESTION)
        found["answer"] = axe_violations(page)
        assert found == {k: [] for k in found}
    finally:
        ctx.close()
