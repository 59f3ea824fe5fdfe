"""The chat over an index of several meetings (Debian's chromium), where the Documents panel is open from the start:
a seminar host's rehearsal on five meetings (session 30) found the page wider than a phone, axe's serious violations in
the panel, the keyboard lost after the speaker choice and the same role of two meetings offered as one speaker. Built
with the fake embedder from tests/data/meetings/ and served in this process. Screenshots go to artifacts/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CHROMIUM, serve_folder

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "meetings"
ARTIFACTS = ROOT / "artifacts"
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"   # scripts/install.sh --test
NOTES = "Harbour notes, June 2, 2023.\n\nThe harbour dredging starts in July and ends in September.\n"
QUESTION = "What about the harbour dredging?"
# a long paragraph whose last sentence answers CRANE: its quote's box, in presenter mode, is scrolled down to it
LECTURE = ("A lecture on ports, March 3, 2024.\n\n" + " ".join(
    f"In the {w} decade the port grew by {n} berths and its trade changed with the ships that came." for n, w in
    enumerate(["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
               "eleventh", "twelfth"], 2)) + " The old harbour crane was repaired in August by the city's engineers.\n")
CRANE = "When was the old harbour crane repaired?"

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (bash scripts/install.sh --test)", allow_module_level=True)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Four documents: two meetings of the design team (the same roles, other people), a budget meeting, notes."""
    folder = tmp_path_factory.mktemp("documents")
    shutil.copy(DATA / "design.txt", folder / "design_kickoff_meeting.txt")
    design = (DATA / "design.txt").read_text(encoding="utf-8")
    (folder / "design_follow_up_meeting.txt").write_text(design.replace("yellow", "green"), encoding="utf-8")
    shutil.copy(DATA / "budget.txt", folder / "budget_committee_meeting.txt")
    (folder / "harbour_notes.txt").write_text(NOTES, encoding="utf-8")
    (folder / "port_lecture.txt").write_text(LECTURE, encoding="utf-8")
    for url in serve_folder(folder):
        yield url, folder


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


SLIDE = """() => { const s = [...document.querySelectorAll('#rq-presenter .rq-slide')].find(x => !x.hidden);
    const cite = s.querySelector('.rq-slide-cite');
    return {slide: s.dataset.slide, overflows: cite.scrollWidth > cite.clientWidth + 1 || cite.scrollHeight > cite.clientHeight + 1,
            cut: [...cite.children].filter(e => e.scrollWidth > e.clientWidth + 1
                                                && getComputedStyle(e).textOverflow !== 'ellipsis').map(e => e.className)}; }"""


def present(browser, app, **context):
    ctx, page = open_page(browser, app[0], **context)
    ask(page, "remote control buttons")
    page.click("#rq-present-toggle")
    page.wait_for_selector("#rq-presenter .rq-slide")
    page.wait_for_timeout(500)
    return ctx, page


def shown(page) -> str:
    return page.evaluate("() => [...document.querySelectorAll('#rq-presenter .rq-slide')].find(s => !s.hidden).dataset.slide")


def test_presenter_mode_on_a_phone_steps_by_touch_and_shows_the_whole_citation(browser, app):
    """Session 30: on a phone presenter mode offered only Leave ("Quote 1 of 5", and no way to quote 2 without ← →) and
    cut the citation off ("Sian Gwenllian AM · Turns of Sia")."""
    ctx, page = present(browser, app, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                        device_scale_factor=2)
    try:
        steps = page.locator("#rq-presenter .rq-step")
        assert page.locator("#rq-presenter .rq-slide").count() >= 3
        assert steps.count() == 2 and steps.first.is_disabled()          # no quote before the first
        assert all(b["height"] >= 40 for b in steps.evaluate_all("els => els.map(e => e.getBoundingClientRect())"))
        seen = [page.evaluate(SLIDE)]
        page.tap("#rq-presenter .rq-step[data-step='1']")
        assert shown(page) == "2"
        seen.append(page.evaluate(SLIDE))
        # a swipe leftwards: the next quote; rightwards: the one before
        swipe = """dx => { const e = document.querySelector('#rq-presenter .rq-slide:not([hidden]) .rq-slide-text');
            const r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + 40;
            const t = (x) => new Touch({identifier: 1, target: e, clientX: x, clientY: y});
            e.dispatchEvent(new TouchEvent('touchstart', {touches: [t(x)], changedTouches: [t(x)], bubbles: true}));
            e.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: [t(x + dx)], bubbles: true})); }"""
        page.evaluate(swipe, -120)
        assert shown(page) == "3"
        page.evaluate(swipe, 120)
        page.tap("#rq-presenter .rq-step[data-step='-1']")
        assert shown(page) == "1"
        page.screenshot(path=str(ARTIFACTS / "documents-presenter-phone.png"))
        assert [s for s in seen if s["overflows"] or s["cut"]] == []
    finally:
        ctx.close()


def test_presenter_citation_is_cut_with_an_ellipsis_at_150_percent(browser, app):
    """Session 30: at 1024x768 and 150 % the citation was cut mid-word by the line's edge, "Turns of Hon. Bill Morne",
    with no "…": only the parts cut with their own "…" give way."""
    ctx, page = present(browser, app, viewport={"width": 683, "height": 512}, device_scale_factor=1.5)
    try:
        seen = []
        for _ in range(page.locator("#rq-presenter .rq-slide").count()):
            seen.append(page.evaluate(SLIDE))
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(100)
        page.screenshot(path=str(ARTIFACTS / "documents-presenter-683x512.png"))
        assert [s for s in seen if s["overflows"] or s["cut"]] == [], seen
    finally:
        ctx.close()


def test_presenter_mode_opens_a_scrolled_quote_on_a_whole_line(browser, app):
    """Session 30: at 1024x768 (and at 150 %) a quote's box scrolled down to what matched opened on a line sliced in
    half by its top edge."""
    for viewport, scale in (({"width": 1024, "height": 768}, 1), ({"width": 683, "height": 512}, 1.5)):
        ctx, page = open_page(browser, app[0], viewport=viewport, device_scale_factor=scale)
        try:
            ask(page, CRANE)
            page.click("#rq-present-toggle")
            page.wait_for_selector("#rq-presenter .rq-slide")
            page.wait_for_timeout(500)
            seen = page.evaluate("""() => { const s = [...document.querySelectorAll('#rq-presenter .rq-slide')].find(x => !x.hidden);
                const text = s.querySelector('.rq-slide-text'), box = text.getBoundingClientRect(), lines = document.createRange();
                lines.selectNodeContents(text);
                return {doc: s.dataset.doc, scrolled: text.scrollTop, half: [...lines.getClientRects()].filter(
                    q => q.width > 2 && q.top < box.top - 1 && q.bottom > box.top + 2).map(q => Math.round(box.top - q.top))}; }""")
            assert seen["doc"] == "port_lecture.txt" and seen["scrolled"] > 0, seen       # (what this test is about)
            assert seen["half"] == [], (viewport, seen)
        finally:
            ctx.close()


def test_tab_goes_on_from_the_speaker_choice_and_escape_closes_the_context_panel(browser, app):
    """Session 30: Tab from the Speaker choice (its list open, and scrolling) put the focus on <body>, no ring
    anywhere, and Shift+Tab went elsewhere; Escape did not close the context panel."""
    ctx, page = open_page(browser, app[0], viewport={"width": 1280, "height": 420})
    try:
        where = "() => { const e = document.activeElement; return e === document.body ? 'body' : (e.closest('[id]') || {}).id; }"
        page.locator("#rq-speaker input").focus()
        page.wait_for_timeout(300)
        page.keyboard.press("Tab")
        page.wait_for_timeout(200)
        after = page.evaluate(where)
        page.keyboard.press("Shift+Tab")
        page.wait_for_timeout(200)
        assert (after, page.evaluate(where)) == ("rq-upload", "rq-speaker")
        page.keyboard.press("Escape")                       # (the list closes)
        page.set_viewport_size({"width": 1280, "height": 720})
        turn = ask(page, QUESTION)
        number = turn.locator(".rq-open").first
        number.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("#rq-source mark.rq-hl")
        page.wait_for_timeout(300)
        assert page.locator("#rq-source-col").is_visible()
        page.click("#rq-present-toggle")                    # Esc in presenter mode leaves it, and only that
        page.wait_for_selector("#rq-presenter .rq-slide")
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
        assert not page.locator("#rq-presenter").is_visible() and page.locator("#rq-source-col").is_visible()
        number.focus()
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
        assert not page.locator("#rq-source-col").is_visible()
        assert number.evaluate("e => e === document.activeElement")       # back on the quote that opened it
        number.click()                                                      # and it opens again
        page.wait_for_timeout(500)
        assert page.locator("#rq-source-col").is_visible()
    finally:
        ctx.close()


def test_copy_citation_puts_the_exact_characters_on_the_clipboard_as_html_too(browser, app):
    """Session 30: a copied citation pasted into notes or an email showed Markdown's backslashes ("design\\_kickoff…").
    The clipboard holds HTML too (what such an app takes): the document's characters, no backslash; its plain text is
    still the Markdown, which makes no link where a plain-text editor renders it."""
    ctx, page = open_page(browser, app[0])
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=app[0].rstrip("/"))
    try:
        turn = ask(page, QUESTION)
        card = turn.locator(".rq-quote").first
        doc, start, end = (card.get_attribute(a) for a in ("data-doc", "data-start", "data-end"))
        card.locator(".rq-copy").first.click()
        page.wait_for_function("document.querySelector('.rq-copy').textContent.startsWith('Copied')")
        plain, rich = page.evaluate("""async () => { const [item] = await navigator.clipboard.read();
            const html = await (await item.getType('text/html')).text();
            const box = document.createElement('div'); box.innerHTML = html;
            box.querySelectorAll('br').forEach(b => b.replaceWith('\\n'));
            return [await navigator.clipboard.readText(), box.textContent]; }""")
        text = (app[1] / doc).read_text(encoding="utf-8")
        assert rich.startswith(text[int(start):int(end)] + "\u2014 ") and "\\" not in rich and doc in rich
        assert plain.startswith("> ") and doc.replace("_", "\\_") in plain
    finally:
        ctx.close()


def test_an_upload_shows_its_progress_once_and_not_over_the_ask_box(browser, app, tmp_path):
    """Session 30: an upload's progress overlay showed three times, once over the ask box (which looked busy or
    gone), and sat at "0/84 steps" while the first batch embedded."""
    ctx, page = open_page(browser, app[0])
    try:
        page.evaluate("""() => { window.rqBusy = new Set();
            const look = () => document.querySelectorAll('.progress-text, .eta-bar, .pending').forEach(e => {
                const where = e.closest('[id^="rq-"]'); window.rqBusy.add(where ? where.id : 'elsewhere'); });
            new MutationObserver(look).observe(document.body, {subtree: true, childList: true, attributes: true}); }""")
        notes = tmp_path / "ferry_notes.txt"
        notes.write_text("Ferry notes, July 1, 2023.\n\nThe ferry timetable changes in October.\n", encoding="utf-8")
        page.set_input_files("#rq-upload input[type=file]", str(notes))
        page.wait_for_timeout(500)
        page.click("#rq-add")
        page.wait_for_function("document.querySelector('#rq-doc-status').innerText.includes('1 added')", timeout=60_000)
        busy = set(page.evaluate("[...window.rqBusy]"))
        assert "rq-doc-status" in busy
        assert not busy & {"rq-ask-row", "rq-question", "rq-header", "rq-filter", "rq-speaker", "rq-remove-choice"}, busy
        # (the index as it was, for the other tests)
        page.locator("#rq-remove-choice input").click()
        page.locator("[role=option]", has_text="Ferry notes").click()
        page.click("#rq-remove")            # (it asks first: a second click removes)
        page.wait_for_function("document.querySelector('#rq-remove').innerText.includes('for good?')")
        page.click("#rq-remove")
        page.wait_for_function("document.querySelector('#rq-doc-status').innerText.includes('1 removed')",
                               timeout=60_000)
    finally:
        ctx.close()


def test_the_speaker_choice_names_each_speakers_meetings(browser, app):
    """Session 30: across meetings the choice listed each role once with no meeting (a Project Manager in each is
    another person)."""
    ctx, page = open_page(browser, app[0])
    try:
        # (under the filter, at its left: Gradio centred it, grey blocks of its form on either side)
        assert page.evaluate("""() => { const s = document.querySelector('#rq-speaker');
            return [Math.round(s.getBoundingClientRect().left - document.querySelector('#rq-filter').getBoundingClientRect().left),
                    getComputedStyle(s.parentElement).backgroundColor]; }""") == [0, "rgba(0, 0, 0, 0)"]
        page.locator("#rq-filter label", has_text="design_kickoff").click()
        page.locator("#rq-filter label", has_text="design_follow_up").click()
        page.locator("#rq-speaker input").click()
        page.wait_for_selector("[role=option]")
        names = [n.replace("✓", "").strip() for n in page.locator("[role=option]").all_inner_texts()]
        assert "Project Manager (design_follow_up_meeting.txt, design_kickoff_meeting.txt)" in names, names
    finally:
        ctx.close()
