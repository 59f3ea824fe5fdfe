"""The real app (`python app.py` in a subprocess, the real model) driven in Debian's chromium.

One app over the default transcript (the shipped index when it is current, else one built
here) and one over a hostile document, each started once for the module. Every page
records its requests: none may leave 127.0.0.1. Screenshots go to artifacts/.
"""
from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CHROMIUM, open_documents

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "000_17cb08188d8e02ca.txt"
ARTIFACTS = ROOT / "artifacts"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
       "PYTHONUNBUFFERED": "1"}
ENV.pop("RAG_PASSWORD", None)
ENV.pop("GRADIO_SERVER_PORT", None)
QUESTION = "Does Russia respect Finland's right to join NATO?"

HOSTILE = """Hostile briefing, Nowhere, May 1, 2024.

Question: <script>window.__pwned = 1</script> Is the <b>water</b> ${window.__pwned = 4} safe to drink?

Jane Doe: <img src="http://example.com/x.png" onerror="window.__pwned = 2"> The water is safe to drink. ![pixel](http://example.com/p.png) [click me](javascript:window.__pwned=5) <a href="http://example.com">link</a>

Question: Is the reservoir full? <iframe src="http://example.com/frame"></iframe>

Jane Doe: The reservoir is full. <svg onload="window.__pwned = 3"></svg> <link rel="stylesheet" href="http://example.com/s.css">
"""

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (bash scripts/install.sh --test)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rag(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=timeout)


def shipped_index_is_current() -> bool:
    from rag import store
    from rag.embed import default_embedder

    try:
        store.load(ROOT / "embeddings", embedder=default_embedder())
        return True
    except Exception:  # noqa: BLE001 - any refusal means: build one here
        return False


class App:
    def __init__(self, index: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "app.py", "--index", str(index), "--port", str(self.port)],
                                     cwd=ROOT, env=ENV, stdout=open(log, "w"), stderr=subprocess.STDOUT)

    def wait(self, timeout=120) -> float:
        while time.monotonic() - self.started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - self.started
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"the app did not come up: {self.log.read_text()[-3000:]}")

    def wait_ready(self, timeout=120) -> float:
        """Until the model has loaded (before, answers come from word matching alone)."""
        while time.monotonic() - self.started < timeout:
            if "ready: index and model loaded" in self.log.read_text():
                return time.monotonic() - self.started
            time.sleep(0.2)
        raise TimeoutError(f"the model did not load: {self.log.read_text()[-3000:]}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def serve_file(tmp: Path, name: str, data: str | bytes) -> App:
    """The app over an index of one file `name` holding `data`, written in `tmp`, indexed by `rag index` and served
    (ready: the model loaded); stop() it after."""
    source = tmp / name
    source.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    built = subprocess.run([sys.executable, "-m", "rag", "index", str(source), "--index", str(tmp / "idx"), "--quiet"],
                           cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    served = App(tmp / "idx", tmp / "app.log")
    served.wait()
    served.wait_ready()
    return served


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """Both apps, started side by side: (transcript app, hostile app)."""
    tmp = tmp_path_factory.mktemp("browser")
    ARTIFACTS.mkdir(exist_ok=True)
    hostile_file = tmp / "hostile.txt"
    hostile_file.write_text(HOSTILE, encoding="utf-8")
    jobs = [subprocess.Popen([sys.executable, "-m", "rag", "index", str(hostile_file), "--index", str(tmp / "hidx"),
                              "--quiet"], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)]
    if shipped_index_is_current():
        index = ROOT / "embeddings"
    else:   # the working tree's parser or chunking is newer than the shipped index
        index = tmp / "idx"
        jobs.append(subprocess.Popen([sys.executable, "-m", "rag", "index", str(CORPUS), "--index", str(index),
                                      "--quiet"], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    if index == ROOT / "embeddings":
        main = App(index, tmp / "app.log")
        jobs[0].wait(300)
    else:
        for job in jobs:
            job.wait(300)
        main = App(index, tmp / "app.log")
    out = jobs[0].stdout.read().decode()
    assert jobs[0].returncode == 0, out
    hostile = App(tmp / "hidx", tmp / "hostile.log")
    main.up_after = main.wait()
    main.ready_after = main.wait_ready()
    hostile.wait()
    hostile.wait_ready()
    yield main, hostile
    main.stop()
    hostile.stop()


class Page:
    """A fresh browser context and page that records every request and dialog."""

    def __init__(self, browser, base: str, **context):
        self.context = browser.new_context(**{"viewport": {"width": 1400, "height": 1000}, **context})
        self.base = base
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []

        def route(r):
            url = r.request.url
            self.requests.append(url)
            if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
                r.continue_()
            else:
                self.outside.append(url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: str = ""):
        self.page.goto(self.base + path)
        self.page.wait_for_selector("#rq-question textarea")
        return self.page

    def ask(self, question: str, turns: int):
        self.page.fill("#rq-question textarea", question)
        self.page.click("#rq-ask")
        self.page.wait_for_function(f"document.querySelectorAll('#rq-conversation .rq-turn').length >= {turns}",
                                    timeout=90_000)
        self.page.wait_for_timeout(300)
        return self.page.locator("#rq-conversation .rq-turn").nth(turns - 1)

    def close(self):
        assert not self.outside, f"requests outside 127.0.0.1: {self.outside}"
        self.context.close()


@pytest.fixture
def page(browser, apps):
    p = Page(browser, apps[0].url)
    yield p
    p.close()


@pytest.fixture(scope="module")
def source_text() -> str:
    return CORPUS.read_text(encoding="utf-8")


def quotes(turn) -> list[dict]:
    return turn.locator(".rq-quote").evaluate_all(
        "els => els.map(e => ({doc: e.dataset.doc, start: +e.dataset.start, end: +e.dataset.end,"
        " text: e.querySelector('.rq-text').textContent, label: e.querySelector('.rq-where').textContent,"
        " n: e.querySelector('.rq-n').textContent}))")


def test_start_up(apps):
    # a loose bound (a busy machine is slow): README's numbers come from a quiet one
    assert apps[0].up_after < 60 and apps[0].ready_after < 120
    print(f"page up after {apps[0].up_after:.1f} s, model ready after {apps[0].ready_after:.1f} s")


def test_answer_is_numbered_exact_quotes_with_their_questions(page, source_text):
    page.open()
    started = time.monotonic()
    turn = page.ask(QUESTION, 1)
    elapsed = time.monotonic() - started
    found = quotes(turn)
    assert [q["n"] for q in found] == [f"[{n}]" for n in range(1, 6)]
    for q in found:
        assert q["text"] == source_text[q["start"]:q["end"]]         # exact, offsets into the source
    assert found[0]["label"].startswith("Answer to Q5 — Does Russia respect the sovereignty of Finland")
    assert "Sergey Lavrov" in turn.locator(".rq-quote").first.inner_text()
    page.page.screenshot(path=str(ARTIFACTS / "chat-answer.png"))
    print(f"answered in {elapsed:.2f} s")


def test_click_citation_shows_the_whole_exchange_highlighted(page, source_text):
    page.open()
    turn = page.ask(QUESTION, 1)
    first = quotes(turn)[0]
    turn.locator(".rq-n").first.click()
    mark = page.page.locator("#rq-source mark.rq-hl")
    mark.wait_for()
    assert mark.text_content() == source_text[first["start"]:first["end"]]
    panel = page.page.locator("#rq-source").inner_text()
    assert "Q5: the full exchange" in panel
    assert "Does Russia respect the sovereignty of Finland and Sweden" in panel      # the journalist's question
    box = mark.bounding_box()
    assert box and 0 <= box["y"] < page.page.viewport_size["height"]               # scrolled into view
    page.page.screenshot(path=str(ARTIFACTS / "chat-context.png"))
    # the citation survives a reload: the address bar holds the quote's permalink
    assert page.page.url.endswith(f"#Q5:{first['start']}-{first['end']}")
    page.page.reload()
    page.page.locator("#rq-source mark.rq-hl").wait_for()
    assert page.page.locator("#rq-source mark.rq-hl").text_content() == source_text[first["start"]:first["end"]]
    assert quotes(page.page.locator(".rq-turn").first)[0] == first


def test_a_later_answers_quote_opened_in_context_stays_in_view(browser, apps, source_text):
    """A meetings researcher at 1280x720: "Show in context" on the second answer's quote scrolled the page back to
    the first answer (the context column did not stick, Gradio's container hiding its overflow, and the panel's
    scrollIntoView scrolled the page), the clicked card 3,400 px away. The column sticks beside the answers and the
    panel scrolls itself to the quoted words; the page stays where the reader is."""
    viewer = Page(browser, apps[0].url, viewport={"width": 1280, "height": 720})
    try:
        p = viewer.open()
        viewer.ask("How are Russia's relations with Japan?", 1)
        turn = viewer.ask(QUESTION, 2)
        card = turn.locator(".rq-quote").nth(1)
        card.scroll_into_view_if_needed()
        card.locator(".rq-n").click()
        mark = p.locator("#rq-source mark.rq-hl")
        mark.wait_for()
        p.wait_for_timeout(800)
        box, seen = card.bounding_box(), mark.bounding_box()
        assert box and box["y"] < 720 and box["y"] + box["height"] > 0, box      # the clicked card: still in view
        assert seen and 0 <= seen["y"] < 720, seen                                 # and the quoted words beside it
        assert mark.text_content() == source_text[int(card.get_attribute("data-start")):
                                                  int(card.get_attribute("data-end"))]
    finally:
        viewer.close()


def test_permalink_reopens_the_same_quotes_and_span(page, browser, apps, source_text):
    page.open()
    turn = page.ask(QUESTION, 1)
    before = quotes(turn)
    href = turn.locator(".rq-quote").nth(1).locator("a.rq-permalink").get_attribute("href")
    assert re.search(r"[?&]v=\w+", href) and re.search(r"#Q\d+:\d+-\d+$", href)
    other = Page(browser, apps[0].url)
    try:
        again = other.open(href)
        again.wait_for_selector("#rq-conversation .rq-quote")
        assert quotes(again.locator(".rq-turn").first) == before
        mark = again.locator("#rq-source mark.rq-hl")
        mark.wait_for()
        assert mark.text_content() == source_text[before[1]["start"]:before[1]["end"]]
        # a link made with another index version says so, and shows no span
        stale = re.sub(r"v=\w+", "v=000000000000", href)
        other.open(stale).wait_for_selector("#rq-conversation .rq-note")
        assert "index version 000000000000" in again.locator("#rq-conversation").inner_text()
        assert again.locator("#rq-source mark").count() == 0
    finally:
        other.close()


def test_follow_up_is_searched_with_the_previous_question(page):
    page.open()
    first = page.ask("How are Russia's relations with Japan?", 1)
    assert quotes(first)[0]["label"].startswith("Answer to Q16")
    second = page.ask("and what about India?", 2)
    assert "Searched for: How are Russia's relations with India?" in second.locator(".rq-searched").inner_text()
    assert quotes(second)[0]["label"].startswith("Answer to Q21")


def test_copy_and_exports_match_the_source(page, source_text):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base.rstrip("/"))
    page.open()
    turn = page.ask(QUESTION, 1)
    found = quotes(turn)
    turn.locator(".rq-copy").first.click()
    page.page.wait_for_function("document.querySelector('.rq-copy').textContent.startsWith('Copied')")
    copied = page.page.evaluate("navigator.clipboard.readText()")
    exact = source_text[found[0]["start"]:found[0]["end"]]
    assert copied.startswith("> " + exact.replace("\n", "\n> ") + "\n\n— Sergey Lavrov, ")
    assert "2022-01-14" in copied and "Answer to Q5" in copied and "para." in copied
    with page.page.expect_download() as info:
        turn.locator("a.rq-dl-md").click()
    md = Path(info.value.path()).read_text(encoding="utf-8")
    for q in found:
        assert "> " + source_text[q["start"]:q["end"]].replace("\n", "\n> ") in md
    with page.page.expect_download() as info:
        turn.locator("a.rq-dl-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert [r["quote"] for r in rows] == [source_text[q["start"]:q["end"]] for q in found]
    assert [(int(r["start"]), int(r["end"])) for r in rows] == [(q["start"], q["end"]) for q in found]


def test_bad_queries_are_messages(page):
    p = page.open()
    turn = page.ask("<img src=x onerror=alert(1)> \u202e NATO 💥", 1)
    assert "<img src=x onerror=alert(1)>" in turn.locator(".rq-question").inner_text()
    assert turn.locator(".rq-quote").count() == 5
    p.evaluate("q => { const t = document.querySelector('#rq-question textarea'); t.value = q;"
               " t.dispatchEvent(new Event('input', {bubbles: true})); }", "NATO " * 20_000)
    p.click("#rq-ask")
    p.wait_for_function("document.querySelectorAll('#rq-conversation .rq-turn').length >= 2", timeout=90_000)
    assert "Searched for its first" in p.locator("#rq-conversation .rq-turn").nth(1).inner_text()   # (cut, and said)
    assert not page.dialogs


def test_an_empty_ask_adds_nothing_and_leaves_the_answer_where_it_is(page):
    """A presenter's double click on Ask (or Enter pressed twice) added a turn "Please type a question: the query is
    empty." and scrolled it into view, burying the answer just given. An empty or blank box asks nothing."""
    p = page.open()
    p.fill("#rq-question textarea", QUESTION)
    p.dblclick("#rq-ask")
    p.wait_for_selector("#rq-conversation .rq-quote", timeout=90_000)
    p.wait_for_timeout(1500)
    turns = p.locator("#rq-conversation .rq-turn")
    assert turns.count() == 1
    p.locator("#rq-conversation .rq-quote").nth(2).scroll_into_view_if_needed()
    before = p.evaluate("scrollY")
    for blank in ("", "   ", "\u200b\ufeff\u200b"):        # (zero-width characters only: a turn "the query is empty")
        p.fill("#rq-question textarea", blank)
        p.click("#rq-ask")
        p.press("#rq-question textarea", "Enter")
        p.wait_for_timeout(1500)
        assert turns.count() == 1 and p.locator("#rq-conversation .rq-error").count() == 0, repr(blank)
        assert p.evaluate("scrollY") == before                  # the reader stays where they were


def test_a_question_typed_while_the_answer_comes_is_kept(page):
    """A presenter's review: five questions asked a moment apart gave four answers, one gone without a word: the box
    emptied when each answer came, wiping what had been typed since. It empties when the question is taken."""
    p = page.open()
    p.fill("#rq-question textarea", QUESTION)
    p.press("#rq-question textarea", "Enter")
    # the box is empty before the answer is there (it emptied with the answer, wiping what was typed meanwhile)
    quotes = p.wait_for_function("(() => document.querySelector('#rq-question textarea').value === '' && "
                                 "String(document.querySelectorAll('#rq-conversation .rq-quote').length))()",
                                 polling="raf", timeout=30_000).json_value()
    assert quotes == "0"
    p.fill("#rq-question textarea", "What did Lavrov say about NATO?")     # before the first answer has come
    p.wait_for_selector("#rq-conversation .rq-quote", timeout=90_000)
    p.wait_for_timeout(1500)
    assert p.input_value("#rq-question textarea") == "What did Lavrov say about NATO?"
    p.press("#rq-question textarea", "Enter")
    p.wait_for_function("document.querySelectorAll('#rq-conversation .rq-turn').length === 2", timeout=90_000)
    assert "NATO" in p.locator("#rq-conversation .rq-turn").nth(1).text_content()


def test_summary_streams_above_the_quotes_as_the_models_words(page):
    import rag.summarise  # noqa: F401 - a broken import fails the test, never skips it
    from rag import models
    if not (models.converted_path() / "config.json").is_file():
        pytest.skip("the summary model is not prepared (rag models)")
    p = page.open()
    p.click("#rq-settings button, #rq-settings .label-wrap")
    p.check("#rq-summary-on input")
    p.fill("#rq-k input[type=number]", "2")                  # a shorter prompt: a quicker test
    p.press("#rq-k input[type=number]", "Enter")
    turn = page.ask(QUESTION, 1)
    assert turn.locator(".rq-quote").count() == 2            # the quotes are there before the summary
    p.wait_for_selector("#rq-conversation .rq-summary .rq-summary-text:not(.rq-streaming)", timeout=120_000)
    summary = turn.locator(".rq-summary")
    text = summary.text_content()
    assert "not a quote" in text or "without a model" in text
    assert summary.locator("blockquote").count() == 0
    assert p.evaluate("(() => { const q = document.querySelector('#rq-conversation .rq-quotes');"
                      " const s = document.querySelector('#rq-conversation .rq-summary');"
                      " return !!(s.compareDocumentPosition(q) & Node.DOCUMENT_POSITION_FOLLOWING); })()")
    for ref in summary.locator("a.rq-ref").all():               # every [n] is a link to its quote
        assert p.locator("#" + ref.get_attribute("data-quote")).count() == 1
    refs = summary.locator("a.rq-ref")
    assert refs.count()         # Enter on [n] takes the focus to its quote, not only the eye (a hostile review)
    refs.first.focus()
    p.keyboard.press("Enter")
    quote = p.locator("#" + refs.first.get_attribute("data-quote"))
    assert quote.locator(".rq-open").first.evaluate("e => e === document.activeElement")
    assert "summary=1" in turn.locator("a.rq-answer-link").get_attribute("href")
    summary.scroll_into_view_if_needed()
    p.screenshot(path=str(ARTIFACTS / "chat-summary.png"))


def test_phone_width_dark_mode(browser, apps):
    phone = Page(browser, apps[0].url, viewport={"width": 390, "height": 844}, color_scheme="dark",
                 device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        p = phone.open("?__theme=dark")
        phone.ask(QUESTION, 1)
        assert p.evaluate("document.documentElement.scrollWidth") <= 391        # no sideways scrolling
        assert "__theme=dark" in p.url and "q=Does" in p.url                   # a reload keeps both
        assert p.evaluate("document.querySelector('.gradio-container').classList.contains('dark')"
                          " || document.body.classList.contains('dark')")
        p.screenshot(path=str(ARTIFACTS / "chat-phone-dark.png"))
    finally:
        phone.close()


def test_hostile_document_runs_and_fetches_nothing(browser, apps):
    hostile = Page(browser, apps[1].url)
    try:
        p = hostile.open()
        turn = hostile.ask("Is the water safe to drink?", 1)
        assert turn.locator(".rq-quote").count() >= 1
        turn.locator(".rq-n").first.click()
        p.locator("#rq-source mark.rq-hl").wait_for()
        turn.locator(".rq-where").first.click()          # the full question, with its <script>, expanded
        p.wait_for_timeout(500)
        text = p.locator("#rq-conversation").inner_text() + p.locator("#rq-source").inner_text()
        assert '<img src="http://example.com/x.png"' in text and "<script>" in text
        assert p.evaluate("window.__pwned") is None
        assert p.locator("#rq-conversation img, #rq-source img, #rq-source script, iframe, svg[onload]").count() == 0
        assert not hostile.dialogs
        assert not [u for u in hostile.requests if "example.com" in u]
        p.screenshot(path=str(ARTIFACTS / "chat-hostile.png"))
    finally:
        hostile.close()


def test_upload_filter_and_remove_a_document(browser, apps, tmp_path):
    # on the hostile app's temporary index: the shipped index is never written by a test
    harbour = tmp_path / "harbour.txt"
    harbour.write_text("Harbour report, June 2, 2023.\n\nThe harbour dredging starts in July and ends in "
                       "September.\n\nThe harbour master expects larger ships next year.\n", encoding="utf-8")
    docs = Page(browser, apps[1].url)
    try:
        p = docs.open()
        open_documents(p)
        ticked = p.locator("#rq-filter input[type=checkbox]").first     # a filter set before the upload ...
        ticked.check()
        p.set_input_files("#rq-upload input[type=file]", str(harbour))
        p.wait_for_timeout(500)
        p.click("#rq-add")
        p.wait_for_function("document.querySelector('#rq-doc-status').innerText.includes('1 added')",
                            timeout=90_000)
        assert "harbour.txt" in p.locator("#rq-documents table.rq-docs").inner_text()
        p.wait_for_timeout(300)
        assert ticked.is_checked()          # ... stays set (an upload cleared it without a word)
        # the ask box says what the header says (it said "Ask the transcript…" under "Ask the documents")
        assert p.locator("#rq-header h1").inner_text() == "Ask the documents"
        assert p.locator("#rq-question textarea").get_attribute("placeholder") == "Ask the documents…"
        ticked.uncheck()
        # only the new document, ticked in the filter
        p.locator("#rq-filter label", has_text="Harbour report").click()
        turn = docs.ask("When does the dredging start?", 1)
        found = quotes(turn)
        assert found and {q["doc"] for q in found} == {"harbour.txt"}
        assert found[0]["text"] == harbour.read_text(encoding="utf-8")[found[0]["start"]:found[0]["end"]]
        p.screenshot(path=str(ARTIFACTS / "chat-documents.png"))
        # a page opened after the upload sees it too, and can filter by it
        fresh = Page(browser, apps[1].url)
        try:
            q = fresh.open()
            open_documents(q)
            assert "harbour.txt" in q.locator("#rq-documents table.rq-docs").inner_text()
            q.locator("#rq-filter label", has_text="Harbour report").click()
            again = quotes(fresh.ask("When does the dredging start?", 1))
            assert again and {x["doc"] for x in again} == {"harbour.txt"}
            assert "rq-error" not in fresh.page.locator("#rq-conversation").inner_html()
        finally:
            fresh.close()
        # remove it again
        p.locator("#rq-remove-choice input").click()
        p.locator("[role=option]", has_text="Harbour report").click()
        p.click("#rq-remove")           # it asks first (session 32): "Remove Harbour report… for good?"
        p.wait_for_function("document.querySelector('#rq-remove').innerText.includes('for good?')")
        p.click("#rq-remove")
        p.wait_for_function("document.querySelector('#rq-doc-status').innerText.includes('1 removed')",
                            timeout=60_000)
        assert "harbour.txt" not in p.locator("#rq-documents table.rq-docs").inner_text()
    finally:
        docs.close()


def test_a_second_add_clicked_while_the_first_embeds_is_added_too(browser, apps, tmp_path):
    """A hostile review: a visitor added a large file and, while it embedded, chose a second and clicked Add again: the
    click was dropped (Gradio's "once") and the file box emptied when the first add ended; only "1 added" was said."""
    import random

    random.seed(1)
    words = "harbour ferry tram ticket river bridge council budget school library park road".split()
    big = tmp_path / "big-minutes.txt"
    big.write_text("\n\n".join(" ".join(random.choice(words) for _ in range(60)) + "." for _ in range(300)),
                   encoding="utf-8")
    second = tmp_path / "cable-car.txt"
    second.write_text("The cable car opens in July, the council said.\n", encoding="utf-8")
    docs = Page(browser, apps[1].url)
    try:
        p = docs.open()
        open_documents(p)
        p.set_input_files("#rq-upload input[type=file]", str(big))
        p.wait_for_timeout(800)
        p.click("#rq-add")
        p.wait_for_timeout(300)
        p.set_input_files("#rq-upload input[type=file]", str(second))
        p.wait_for_timeout(800)
        p.click("#rq-add")
        p.wait_for_function("document.querySelector('table.rq-docs').innerText.includes('cable-car.txt')",
                            timeout=120_000)
        listed = p.locator("#rq-documents table.rq-docs").inner_text()
        assert "big-minutes.txt" in listed and "cable-car.txt" in listed
        for name in ("big-minutes", "cable-car"):      # the hostile app's index as it was, for the tests after
            p.locator("#rq-remove-choice input").click()
            p.locator("[role=option]", has_text=name).click()
            p.click("#rq-remove")       # (it asks first: a second click removes)
            p.wait_for_function("document.querySelector('#rq-remove').innerText.includes('for good?')")
            p.click("#rq-remove")
            p.wait_for_function(f"!document.querySelector('table.rq-docs').innerText.includes('{name}.txt')",
                                timeout=60_000)
    finally:
        docs.close()


def test_two_sessions_have_their_own_conversations(browser, apps):
    alice, bob = Page(browser, apps[0].url), Page(browser, apps[0].url)
    try:
        alice.open()
        bob.open()
        alice.ask("How are Russia's relations with Japan?", 1)
        bob.ask("Why did Russia send CSTO troops to Kazakhstan?", 1)
        second = alice.ask("and what about India?", 2)          # rewritten with alice's turn, not bob's
        assert "relations with India" in second.locator(".rq-searched").inner_text()
        assert bob.page.locator("#rq-conversation .rq-question").all_text_contents() == [
            "Why did Russia send CSTO troops to Kazakhstan?"]
        assert alice.page.locator("#rq-conversation .rq-question").all_text_contents() == [
            "How are Russia's relations with Japan?", "and what about India?"]
    finally:
        alice.close()
        bob.close()


# ---- in front of a room (ask box, matched words, presenter mode, accessibility) -----------------

AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"   # scripts/install.sh --test
THREE = ["Does Russia respect Finland's right to join NATO?", "How are Russia's relations with Japan?",
         "Why did Russia send CSTO troops to Kazakhstan?"]


def in_view(page, selector) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


@pytest.mark.parametrize("width, height, theme", [(1400, 1000, ""), (1024, 768, "?__theme=dark"), (390, 844, "")])
def test_the_ask_box_is_always_in_view(browser, apps, width, height, theme):
    view = Page(browser, apps[0].url, viewport={"width": width, "height": height})
    try:
        p = view.open(theme)
        assert in_view(p, "#rq-question textarea")
        for n, question in enumerate(THREE, 1):
            turn = view.ask(question, n)
            assert in_view(p, "#rq-question textarea"), f"after answer {n}"
            assert turn.bounding_box()["y"] < height          # the newest answer is brought into view
        p.keyboard.press("Tab")                                 # away from the box, then "/" brings it back
        p.keyboard.press("/")
        assert p.evaluate("document.activeElement === document.querySelector('#rq-question textarea')")
        # the last control of the page is not under the bar (at 1024x768 it covered the Documents panel's header)
        p.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        p.locator("#rq-documents > button, #rq-documents .label-wrap").first.click(timeout=5000)
        p.screenshot(path=str(ARTIFACTS / f"chat-{width}x{height}.png"))
    finally:
        view.close()


def test_the_keyboard_reaches_the_answer_in_two_tabs(page):
    """A hostile review of the chat: after an answer, reaching its first quote took ten Tabs, and Enter on a summary's
    [1] scrolled to the quote but left the focus on a button scrolled out of view. The ask bar's skip link (seen only
    when focused, absent before an answer) takes the focus to the newest answer's first quote."""
    p = page.open()
    assert p.locator("#rq-jump").evaluate("e => getComputedStyle(e).display") == "none"     # no answer yet
    page.ask("What did Lavrov say about NATO expansion?", 1)
    turn = page.ask("What about the OSCE?", 2)
    p.focus("#rq-question textarea")
    p.keyboard.press("Tab")                                     # the Ask button
    p.keyboard.press("Tab")                                     # the skip link, shown now
    assert p.evaluate("document.activeElement.classList.contains('rq-jump')")
    assert p.locator("#rq-jump").bounding_box()["width"] > 100
    p.keyboard.press("Enter")
    first = turn.locator(".rq-quote .rq-open").first
    assert first.evaluate("e => e === document.activeElement")     # the newest answer's, not the first answer's
    assert in_view(p, "#rq-conversation .rq-turn:nth-of-type(2) .rq-quote .rq-open >> nth=0")


def test_the_matched_sentences_are_marked_exactly(page, apps, source_text):
    from gradio_client import Client

    p = page.open()
    turn = page.ask(THREE[0], 1)
    card = turn.locator(".rq-quote").first
    mark = card.locator("mark.rq-match")
    start, end = int(mark.get_attribute("data-start")), int(mark.get_attribute("data-end"))
    assert mark.text_content() == source_text[start:end]
    # the whole quote is still there, unchanged, and the marks are the search's own match
    first = quotes(turn)[0]
    assert first["text"] == source_text[first["start"]:first["end"]] and first["start"] <= start < end <= first["end"]
    api = Client(apps[0].url, verbose=False).predict(THREE[0], 5, api_name="/search")["passages"][0]
    assert (api["match_start"], api["match_end"]) == (start, end)
    # "Copy marked sentences" copies that span with its own offsets
    copied = card.locator(".rq-copy-marked").get_attribute("data-copy")
    assert f"{start}" in copied and f"{end}" in copied
    p.screenshot(path=str(ARTIFACTS / "chat-marked.png"))


def test_presenter_mode_steps_through_quotes_and_its_qr_opens_the_answer(browser, apps):
    import zxingcpp
    from PIL import Image

    view = Page(browser, apps[0].url, viewport={"width": 1400, "height": 1000})
    try:
        p = view.open("?present=1")
        turn = view.ask(THREE[0], 1)
        assert p.locator("#rq-presenter").is_visible()
        visible = "() => [...document.querySelectorAll('#rq-presenter .rq-slide')].filter(s => !s.hidden).map(s => s.dataset.slide)"
        assert p.evaluate(visible) == ["1"]
        assert p.locator("#rq-presenter .rq-present-q").inner_text() == THREE[0]
        p.locator("#rq-presenter").focus()
        for key, expected in (("ArrowRight", "2"), ("PageDown", "3"), ("PageUp", "2"), ("ArrowLeft", "1")):
            p.keyboard.press(key)
            assert p.evaluate(visible) == [expected], key
        assert p.locator("#rq-presenter .rq-slide:not([hidden]) .rq-slide-cite").is_visible()
        link = turn.locator("a.rq-answer-link").get_attribute("href")
        expected_url = p.evaluate("(h) => new URL(h, location.origin + location.pathname).href", link)
        shot = ARTIFACTS / "presenter.png"
        p.screenshot(path=str(shot))
        # served at 127.0.0.1, which no phone reaches: no QR code (it encoded this machine's own address, captioned
        # "Open this answer on your phone"), but how to get one
        assert p.locator("#rq-presenter .rq-qr svg").count() == 0
        assert "--host 0.0.0.0" in p.locator("#rq-presenter .rq-qr-note").inner_text()
        p.keyboard.press("Escape")
        assert not p.locator("#rq-presenter").is_visible()
        # at a network address, the QR code opens the answer
        from rag import render

        room = expected_url.replace("127.0.0.1", "192.168.1.20")
        p.set_content(f'<body style="background:#fff">{render.qr_html(room)}</body>')
        p.locator(".rq-qr svg").screenshot(path=str(ARTIFACTS / "presenter-qr.png"))
        # QR codes only: a linear format's reader sometimes finds a "barcode" in a QR code's modules (CI once read
        # "0941" beside the URL, which varies with the server's random port)
        codes = zxingcpp.read_barcodes(Image.open(ARTIFACTS / "presenter-qr.png"),
                                       formats=zxingcpp.BarcodeFormat.QRCode)
        assert [c.text for c in codes] == [room]
    finally:
        view.close()


def test_presenter_mode_answers_a_question_typed_there_and_steps_at_once(browser, apps):
    """A hostile test: in presenter mode, asking with "/" and Enter left the focus in the ask box, whose keys the
    clicker's PageDown and Esc went to, so the slides stayed on 1/5 and presenter mode stayed on; and a quote
    stepped to opened where the last was scrolled, its question cut off."""
    view = Page(browser, apps[0].url, viewport={"width": 1280, "height": 720})
    try:
        p = view.open("?present=1")
        visible = "() => [...document.querySelectorAll('#rq-presenter .rq-slide')].filter(s => !s.hidden).map(s => s.dataset.slide)"
        p.keyboard.press("/")
        p.keyboard.type("Why did Russia send CSTO troops to Kazakhstan?")
        p.keyboard.press("Enter")
        p.wait_for_selector("#rq-presenter .rq-slide", timeout=90_000)
        p.wait_for_timeout(300)
        # each quote shown has what matched on screen, above the ask box (at 1280 x 720 it was behind it): its
        # first 100 pixels at least
        below = """() => { const s = [...document.querySelectorAll('#rq-presenter .rq-slide')].find(x => !x.hidden);
            const m = s.querySelector('mark.rq-match, mark.rq-turn-best');
            if (!m) return null;
            const r = m.getBoundingClientRect();
            return r.top >= 0 && r.top + Math.min(r.height, 100)
                   <= document.querySelector('#rq-ask-row').getBoundingClientRect().top; }"""
        assert p.evaluate(below) is not False
        p.evaluate("() => document.querySelector('#rq-presenter').scrollTo(0, 400)")
        p.keyboard.press("PageDown")
        assert p.evaluate(visible) == ["2"] and p.evaluate(below) is not False
        p.keyboard.press("/")                  # back in the ask box, Esc still leaves presenter mode
        p.keyboard.press("Escape")
        assert not p.locator("#rq-presenter").is_visible()
        p.click("#rq-present-toggle")          # and a mouse leaves it by the button on the slides
        p.click("#rq-presenter .rq-present-exit")
        assert not p.locator("#rq-presenter").is_visible()
    finally:
        view.close()


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations of WCAG 2.1 AA, and its heading-order (a best practice, moderate: the
    context panel's h3 followed the page's h1 with no h2 between, session 29)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => [
        ...(await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical'),
        ...(await axe.run(document, {runOnly: {type: 'rule', values: ['heading-order']}})).violations]
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))""")


def settled(page, selector: str) -> None:
    """Wait until `selector` and every element around it are drawn at full opacity: Gradio dims an event's outputs
    (`.pending`, opacity 0.2) until the event ends, a moment after their new content shows, and axe measured the
    context panel's muted text against the page in that moment (a clean clone's CI run, under load)."""
    page.wait_for_function("""sel => { let e = document.querySelector(sel);
        if (!e) return false;
        for (; e; e = e.parentElement) if (parseFloat(getComputedStyle(e).opacity) < 1) return false;
        return true; }""", arg=selector, timeout=30_000)


@pytest.mark.parametrize("theme", ["", "?__theme=dark"])
def test_no_serious_accessibility_violation(browser, apps, theme):
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is not installed at {AXE} (bash scripts/install.sh --test installs it)")
        pytest.skip("axe-core is not installed (bash scripts/install.sh --test)")
    view = Page(browser, apps[0].url)
    try:
        p = view.open(theme)
        p.wait_for_timeout(500)
        found = {"landing": axe_violations(p)}
        view.ask(THREE[0], 1)
        found["answer"] = axe_violations(p)
        p.click("#rq-conversation .rq-quote .rq-n")
        p.wait_for_selector("#rq-source mark.rq-hl")
        settled(p, "#rq-source mark.rq-hl")
        found["context panel"] = axe_violations(p)
        p.click("#rq-present-toggle")
        p.wait_for_selector("#rq-presenter .rq-slide")
        settled(p, "#rq-presenter .rq-slide")
        found["presenter mode"] = axe_violations(p)
        assert found == {k: [] for k in found}
    finally:
        view.close()


def test_the_keyboard_focus_is_never_behind_the_ask_bar(browser, apps):
    """A presenter's Tab through the page at 1280x720 stopped on controls behind the ask bar fixed at the bottom (the
    Documents panel's header, a quote's buttons): the page's scroll padding is the bar's height (static/jump.js)."""
    view = Page(browser, apps[0].url, viewport={"width": 1280, "height": 720})
    try:
        p = view.open()
        view.ask(THREE[2], 1)
        p.keyboard.press("/")
        covered = []
        for n in range(1, 61):
            p.keyboard.press("Tab")
            where = p.evaluate("""() => { const e = document.activeElement, bar = document.querySelector('#rq-ask-row');
                if (!e || e === document.body || bar.contains(e)) return null;
                const r = e.getBoundingClientRect();
                if (!r.width && !r.height) return null;
                const x = r.x + Math.min(r.width / 2, 20), y = r.y + Math.min(r.height / 2, 10);
                const hit = document.elementFromPoint(x, y);
                return (y < 0 || y > innerHeight || (hit && bar.contains(hit)))
                    ? `${e.tagName} ${(e.textContent || '').trim().slice(0, 30)} at ${Math.round(r.top)}` : null; }""")
            if where:
                covered.append((n, where))
        assert not covered
    finally:
        view.close()


def test_presenter_mode_keeps_the_question_and_citation_in_view_on_every_slide(browser, apps):
    """A seminar at 1280x720: a slide whose marked words sat low scrolled the question, "Quote n of 5", the citation,
    the QR code and Leave off the screen (8 slides of 20). The slide fits above the ask bar; the quote scrolls inside
    itself, what matched brought into its view."""
    view = Page(browser, apps[0].url, viewport={"width": 1280, "height": 720})
    seen = """() => { const bar = document.querySelector('#rq-ask-row').getBoundingClientRect().top;
        const s = [...document.querySelectorAll('#rq-presenter .rq-slide')].find(x => !x.hidden);
        const out = [];
        for (const [name, e] of [['question', document.querySelector('#rq-presenter .rq-present-q')],
                                 ['leave', document.querySelector('#rq-presenter .rq-present-exit')],
                                 ['count', s.querySelector('.rq-slide-count')], ['citation', s.querySelector('.rq-slide-cite')],
                                 ['quote', s.querySelector('.rq-slide-text')]]) {
            const r = e.getBoundingClientRect();
            if (r.top < 0 || (name === 'quote' ? r.top + 40 : r.bottom) > bar) out.push(`${name} at ${Math.round(r.top)}`);
        }
        const m = s.querySelector('mark.rq-match, mark.rq-turn-best');
        if (m) { const r = m.getBoundingClientRect();
                 if (r.top < 0 || r.top + Math.min(r.height, 40) > bar) out.push(`the match at ${Math.round(r.top)}`); }
        return [s.dataset.slide, out]; }"""
    try:
        p = view.open("?present=1")
        hidden = []
        for n, question in enumerate(["Will Finland join NATO?", THREE[2],
                                      "What will Russia do if the US and NATO reject its security proposals?"], 1):
            p.keyboard.press("/")
            p.keyboard.type(question)
            p.keyboard.press("Enter")
            p.wait_for_function(f"document.querySelectorAll('#rq-conversation .rq-turn').length >= {n}",
                                timeout=90_000)
            p.wait_for_timeout(500)
            for _ in range(5):
                slide, out = p.evaluate(seen)
                if out:
                    hidden.append((question, slide, out))
                p.keyboard.press("ArrowRight")
        p.screenshot(path=str(ARTIFACTS / "presenter-1280x720.png"))
        assert not hidden
    finally:
        view.close()


def test_a_very_long_question_shows_its_first_lines_and_the_first_quote(browser, apps):
    """A question of 880 characters filled a 1280x720 screen in bold, its first quote below the fold: the chat shows
    its first lines, and all of it on demand."""
    long = ("I would like to ask about the broader context of European security, and in particular about how the "
            "Minister " * 8) + "what did he say about Finland and Sweden joining NATO?"
    view = Page(browser, apps[0].url, viewport={"width": 1280, "height": 720})
    try:
        p = view.open()
        turn = view.ask(long, 1)
        p.wait_for_timeout(500)
        question = turn.locator(".rq-question")
        assert question.bounding_box()["height"] < 150
        assert turn.locator(".rq-quote").first.bounding_box()["y"] < 720 - 150      # above the ask bar
        assert question.text_content() == " ".join(long.split())        # all of it there, only clamped
        turn.locator(".rq-more summary").click()
        assert question.bounding_box()["height"] > 200
    finally:
        view.close()


def test_the_quote_buttons_line_up_and_the_documents_panel_reads_well(browser, apps):
    """Zoomed screenshots of a seminar: "Permalink" (a link) sat 2 px below its sibling buttons, the dotted underline
    of "[1]" touched the digits, the Documents table's Id column broke a file name a few letters a line, a filter's
    label broke its date "(2022-01-" / "14)", and the red Remove button looked ready with no document chosen (now
    offered with an upload only)."""
    view = Page(browser, apps[0].url, viewport={"width": 1280, "height": 720})
    try:
        p = view.open()
        turn = view.ask(QUESTION, 1)
        tops = turn.locator(".rq-quote").first.locator(".rq-actions .rq-btn").evaluate_all(
            "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
        assert len(tops) >= 3 and len(set(tops)) == 1, tops
        assert turn.locator(".rq-n").first.evaluate("e => getComputedStyle(e).textUnderlineOffset") != "auto"
        open_documents(p)
        p.wait_for_timeout(500)
        cell = p.locator("#rq-documents table.rq-docs td code").first
        assert cell.bounding_box()["width"] >= 100
        label = p.locator("#rq-filter label").first.inner_text()
        assert re.search(r"\u00a0\(\d{4}\u2011\d\d\u2011\d\d\)$", label), label
        # the shipped transcript is the server's file: the chat offers no Remove of it (session 32: it was offered, and
        # refused after the click; the red button's look with no document chosen: test_chat_session32.py)
        assert not p.locator("#rq-remove-choice").is_visible() and not p.locator("#rq-remove").is_visible()
    finally:
        view.close()


PRESENTED = """() => { const bar = document.querySelector('#rq-ask-row').getBoundingClientRect().top;
    const panel = document.querySelector('#rq-presenter');
    const s = [...panel.querySelectorAll('.rq-slide')].find(x => !x.hidden);
    const box = (e) => e.getBoundingClientRect();
    const out = [];
    for (const [name, e] of [['question', panel.querySelector('.rq-present-q')], ['leave', panel.querySelector('.rq-present-exit')],
                             ['count', s.querySelector('.rq-slide-count')], ['citation', s.querySelector('.rq-slide-cite')]]) {
        if (box(e).top < 0 || box(e).bottom > bar) out.push(`${name} at ${Math.round(box(e).top)}-${Math.round(box(e).bottom)}`);
    }
    const quote = box(s.querySelector('.rq-slide-text'));
    if (quote.height < 40 || quote.bottom > bar + 1) out.push(`the quote at ${Math.round(quote.top)}-${Math.round(quote.bottom)}`);
    for (const e of panel.querySelectorAll('.rq-present-keys, .rq-qr, .rq-qr-note')) {     // nothing drawn over the quote
        const r = box(e);
        if (r.height && (r.top < quote.bottom - 1 && r.bottom > quote.top + 1 || r.bottom > bar + 1)) out.push(`${e.className} over it`);
    }
    if (panel.scrollTop || panel.scrollHeight > panel.clientHeight + 1) out.push(`the overlay scrolls ${panel.scrollHeight}`);
    return out; }"""


@pytest.mark.parametrize("width, height, scale, question", [
    (683, 512, 1.5, "Will Finland join NATO?"),             # a 1024x768 projector at 150 %
    (390, 844, 2, "Will Finland join NATO?"),               # a phone
    (1280, 720, 1, ("I would like to ask about the broader context of European security, and in particular about how "
                    "the Minister sees NATO. " * 50)[:5000])])
def test_presenter_mode_fits_any_screen(browser, apps, width, height, scale, question):
    """A hostile review: at 720 CSS px wide or less (or with a 5,000-character question) the slide was taller than the
    screen: the overlay scrolled, the question, Leave, "Quote n of 5" and the citation went above the top, and the key
    hint was drawn over the quote. They stay; the quote's box takes the rest; the key hint and the QR go when there is
    no room for them (static/presenter.js)."""
    view = Page(browser, apps[0].url, viewport={"width": width, "height": height}, device_scale_factor=scale)
    try:
        p = view.open("?present=1")
        p.evaluate("q => { const t = document.querySelector('#rq-question textarea'); t.value = q; "
                   "t.dispatchEvent(new Event('input', {bubbles: true})); }", question)
        p.click("#rq-ask")
        p.wait_for_selector("#rq-presenter .rq-slide", timeout=90_000)
        p.wait_for_timeout(800)
        seen = []
        for _ in range(5):
            seen += p.evaluate(PRESENTED)
            p.keyboard.press("ArrowRight")
            p.wait_for_timeout(100)
        p.screenshot(path=str(ARTIFACTS / f"presenter-{width}x{height}.png"))
        assert not seen
    finally:
        view.close()


def test_tab_in_presenter_mode_stays_on_the_slides_and_the_ask_bar(browser, apps):
    """A hostile review: Tab in presenter mode went on into the chat hidden under the overlay (28 invisible stops,
    which Enter acted on)."""
    view = Page(browser, apps[0].url, viewport={"width": 1280, "height": 720})
    try:
        p = view.open("?present=1")
        view.ask("Will Finland join NATO?", 1)
        where = "() => { const e = document.activeElement; return e.closest('#rq-presenter') ? 'slides' : e.closest('#rq-ask-row') ? 'bar' : e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30); }"
        seen = []
        for key in ["Tab"] * 12 + ["Shift+Tab"] * 12:
            p.keyboard.press(key)
            seen.append(p.evaluate(where))
        assert set(seen) == {"slides", "bar"}, seen
    finally:
        view.close()


def test_nothing_the_keyboard_reaches_is_under_a_grown_ask_bar(browser, apps):
    """A hostile review: a five-line question grew the ask bar to 163 px, and the page's last Tab stop, Gradio's "Use
    via API" link, lay under it: the page's bottom room is the bar's height."""
    view = Page(browser, apps[0].url, viewport={"width": 1280, "height": 720})
    try:
        p = view.open()
        p.fill("#rq-question textarea", "line\n" * 5)
        p.wait_for_timeout(500)
        assert p.locator("#rq-ask-row").bounding_box()["height"] > 120
        p.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        p.wait_for_timeout(300)
        under = p.evaluate("""() => { const bar = document.querySelector('#rq-ask-row').getBoundingClientRect().top;
            return [...document.querySelectorAll('footer a, footer button')].filter(e => e.getClientRects().length
                && e.getBoundingClientRect().bottom > bar).map(e => e.textContent.trim()); }""")
        assert p.locator("footer a, footer button").count() and not under
    finally:
        view.close()


SEMINAR = "What security guarantees does Russia demand from NATO?"
SLIDE = """() => { const bar = document.querySelector('#rq-ask-row').getBoundingClientRect().top;
    const s = [...document.querySelectorAll('#rq-presenter .rq-slide')].find(x => !x.hidden);
    const box = s.querySelector('.rq-slide-text').getBoundingClientRect(), cite = s.querySelector('.rq-slide-cite');
    const m = s.querySelector('mark.rq-match, mark.rq-turn-best'), r = m && m.getBoundingClientRect();
    return {slide: s.dataset.slide, box: box.height, bar,
            match: r ? r.top >= box.top - 1 && r.top + Math.min(r.height, 30) <= Math.min(box.bottom, bar) + 1 : null,
            cite: cite.getBoundingClientRect().height / parseFloat(getComputedStyle(cite).fontSize),
            citeFont: parseFloat(getComputedStyle(cite).fontSize)}; }"""


@pytest.mark.parametrize("width, height, scale", [(683, 512, 1.5), (1280, 720, 1)])
def test_presenter_mode_opens_each_quote_at_what_matched_and_gives_it_the_screen(browser, apps, width, height, scale):
    """Session 29, a seminar's rehearsal at 1024x768 and 150 % (and at 1280x720): presenter mode opened by its button
    showed quote 1 from its top, the marked sentences 300 px below its box's fold, and the box had 135 of 512 px, the
    question and a bold citation of four lines the rest. What matched is in view on every slide, the citation is one
    line (at least 20 px, for the back of the room), the quote's box at least half of the screen above the ask bar."""
    view = Page(browser, apps[0].url, viewport={"width": width, "height": height}, device_scale_factor=scale)
    try:
        p = view.open()
        view.ask(SEMINAR, 1)
        p.click("#rq-present-toggle")
        p.wait_for_timeout(500)
        seen = []
        for _ in range(5):
            seen.append(p.evaluate(SLIDE))
            p.keyboard.press("ArrowRight")
            p.wait_for_timeout(150)
        p.screenshot(path=str(ARTIFACTS / f"presenter-seminar-{width}x{height}.png"))
        assert [x["slide"] for x in seen if x["match"] is False] == []
        assert [x["slide"] for x in seen if x["cite"] > 2 or x["citeFont"] < 20] == []
        assert [x["slide"] for x in seen if x["box"] < 0.5 * x["bar"]] == [], seen
    finally:
        view.close()


def test_in_one_column_a_quote_opened_in_context_is_scrolled_to_and_focused(browser, apps):
    """Session 29: at 1024x768 and 150 % (one column) a click on a quote's number put the context panel 4,600 px down,
    out of sight, the page unmoved: it seemed to do nothing. The page goes to the panel, the focus with it (Enter on
    the number, a keyboard's click), and "Back to the quote" returns both."""
    view = Page(browser, apps[0].url, viewport={"width": 683, "height": 512}, device_scale_factor=1.5)
    try:
        p = view.open()
        turn = view.ask(SEMINAR, 1)
        number = turn.locator(".rq-n").first
        number.focus()
        p.keyboard.press("Enter")
        p.wait_for_selector("#rq-source mark.rq-hl")
        p.wait_for_timeout(500)
        place = """() => { const bar = document.querySelector('#rq-ask-row').getBoundingClientRect().top;
            const r = document.querySelector('#rq-source mark.rq-hl').getBoundingClientRect();
            return [r.top >= 0 && r.top + 20 <= bar, document.querySelector('#rq-source').contains(document.activeElement)]; }"""
        assert p.evaluate(place) == [True, True]
        p.screenshot(path=str(ARTIFACTS / "context-one-column.png"))
        p.click("#rq-source .rq-back")
        assert number.evaluate("e => e === document.activeElement")
        assert in_view(p, "#rq-conversation .rq-quote .rq-n >> nth=0")
    finally:
        view.close()


def test_after_an_answer_its_first_quote_shows_and_no_empty_panel_is_kept(browser, apps):
    """Session 29: at 1280x720 and 150 % an answer showed 88 px of quote 1 above the ask bar (its question and citation
    the rest), and at 100 % 40 % of the width was an empty panel, "Click a quote's number…", also a Tab stop."""
    view = Page(browser, apps[0].url, viewport={"width": 853, "height": 480}, device_scale_factor=1.5)
    try:
        p = view.open()
        turn = view.ask(SEMINAR, 1)
        shown = turn.locator(".rq-quote .rq-text").first.evaluate("""e => { const r = e.getBoundingClientRect();
            return Math.min(r.bottom, document.querySelector('#rq-ask-row').getBoundingClientRect().top) - Math.max(0, r.top); }""")
        assert shown >= 96
        assert turn.locator(".rq-meta").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 16
    finally:
        view.close()
    view = Page(browser, apps[0].url, viewport={"width": 1280, "height": 720})
    try:
        p = view.open()
        turn = view.ask(SEMINAR, 1)
        assert p.evaluate("document.querySelector('#rq-source-col').getClientRects().length") == 0      # nor a Tab stop
        assert p.locator("#rq-conversation").bounding_box()["width"] > 1000
        turn.locator(".rq-n").nth(1).click()
        p.wait_for_selector("#rq-source mark.rq-hl")
        p.wait_for_timeout(500)
        assert p.locator("#rq-source-col").bounding_box()["width"] > 300         # beside the answers, once opened
        assert in_view(p, "#rq-conversation .rq-quote.rq-active .rq-n")           # the quote opened still in view
    finally:
        view.close()
