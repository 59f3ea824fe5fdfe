"""The speaker choice in the real chat page (Debian's chromium): a two-meeting index built with the
fake embedder (tests/data/meetings/), served in this process; picking a speaker shows only the
passages where they speak, their turn marked, each quote still exactly its document's text, and
ticking a document narrows the choice to its speakers. Screenshots go to artifacts/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CHROMIUM, FLAGS, serve_folder

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "meetings"
ARTIFACTS = ROOT / "artifacts"

NOTES = "Harbour notes, June 2, 2023.\n\nThe harbour dredging starts in July and ends in September.\n"

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (bash scripts/install.sh --test)", allow_module_level=True)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("speakers")
    for name in ("design.txt", "budget.txt"):
        shutil.copy(DATA / name, folder / name)
    (folder / "notes.txt").write_text(NOTES, encoding="utf-8")          # a document without speakers
    for url in serve_folder(folder):
        yield url, folder


@pytest.fixture(scope="module")
def page(app):
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})

        def route(r):
            if r.request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.goto(app[0])
        page.wait_for_selector("#rq-question textarea")
        yield page
        context.close()
        browser.close()
    assert not outside, f"requests outside 127.0.0.1: {outside}"


def options(page) -> list[str]:
    page.locator("#rq-speaker input").click()
    page.wait_for_selector("[role=option]")
    names = [n.replace("✓", "").strip() for n in page.locator("[role=option]").all_inner_texts()]
    page.click("#rq-header")            # closes the list
    page.wait_for_selector("[role=option]", state="detached")
    return names


def test_picking_a_speaker_shows_only_their_passages_their_turn_marked(page, app):
    folder = app[1]
    # of several documents, each name says where it speaks (a role is another person in each meeting: session 30)
    assert options(page) == ["Anyone", "Industrial Designer (design.txt)", "Marketing (design.txt)",
                             "Mr. Tom Brown (budget.txt)", "Ms. Jane Smith (budget.txt)", "Project Manager (design.txt)",
                             "The Chair (budget.txt)"]
    page.locator("#rq-speaker input").click()
    page.locator("[role=option]", has_text="Mr. Tom Brown").click()
    page.wait_for_function("document.querySelector('#rq-speaker input').value === 'Mr. Tom Brown (budget.txt)'",
                           timeout=10_000)
    page.fill("#rq-question textarea", "What about the harbour dredging?")
    page.click("#rq-ask")
    page.wait_for_selector("#rq-conversation .rq-turn .rq-quote", timeout=60_000)
    turn = page.locator("#rq-conversation .rq-turn").last
    assert "Only passages where Mr. Tom Brown speaks." in turn.inner_text()
    quotes = turn.locator(".rq-quote").evaluate_all(
        "els => els.map(e => ({doc: e.dataset.doc, start: +e.dataset.start, end: +e.dataset.end,"
        " text: e.querySelector('.rq-text').textContent,"
        " marked: [...e.querySelectorAll('mark.rq-turn-best')].map(m => m.textContent)}))")
    assert quotes and {q["doc"] for q in quotes} == {"budget.txt"}      # design.txt: he does not speak there
    text = (folder / "budget.txt").read_text(encoding="utf-8")
    for q in quotes:
        assert q["text"] == text[q["start"]:q["end"]]                    # marks only around exact text
        assert q["marked"] == ["The dredging contract was tendered twice."]     # his turn, marked
    label = turn.locator(".rq-turn-who", has_text="Mr. Tom Brown:").first
    assert label.evaluate("e => getComputedStyle(e).fontWeight") >= "700"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-speakers.png"))
    # ticking one meeting narrows the choice to its speakers; the chosen one, absent there, is let go
    page.locator("#rq-filter label", has_text="design").click()
    page.wait_for_function("!document.querySelector('#rq-speaker input').value.includes('Tom')", timeout=10_000)
    assert options(page) == ["Anyone", "Industrial Designer", "Marketing", "Project Manager"]
    assert "rq-error" not in page.locator("#rq-conversation").inner_html()
    # a document whose text names no speaker: the choice hides, and questions are still answered
    page.locator("#rq-filter label", has_text="design").click()
    page.locator("#rq-filter label", has_text="Harbour notes").click()
    page.wait_for_selector("#rq-speaker", state="hidden", timeout=10_000)
    page.fill("#rq-question textarea", "When does the dredging start?")
    page.click("#rq-ask")
    page.wait_for_function("document.querySelectorAll('#rq-conversation .rq-turn').length >= 2", timeout=60_000)
    second = page.locator("#rq-conversation .rq-turn").nth(1)
    docs = second.locator(".rq-quote").evaluate_all("els => els.map(e => e.dataset.doc)")
    assert docs and set(docs) == {"notes.txt"} and "rq-error" not in second.inner_html()



def test_a_permalink_reopens_the_answer_with_its_speaker_chosen(page, app):
    from rag import chat

    page.goto(app[0] + chat.permalink("harbour dredging", 3, "", speaker="Mr. Tom Brown"))
    page.wait_for_selector("#rq-conversation .rq-turn .rq-quote", timeout=60_000)
    page.wait_for_timeout(500)           # the page's other loads have run too
    turn = page.locator("#rq-conversation .rq-turn").last
    assert "Only passages where Mr. Tom Brown speaks." in turn.inner_text()
    assert page.locator("#rq-speaker input").input_value() == "Mr. Tom Brown (budget.txt)"
