"""Session 32: a seminar host's review of the chat in a real browser (their own documents: a board meeting, an interview
as subtitles, a report). Each test fails without its fix. The browser tests (marked) serve the chat in this process
over a folder indexed with the fake embedder and drive it in Debian's chromium; screenshots go to artifacts/."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CHROMIUM, open_documents
from test_browser_documents import ask, open_page as opened

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
browser_test = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")

# the host's 1,575-character question (repro 08)
LONG = ("I would like to understand, in as much detail as the transcript allows, what exactly the minister said about "
        "the security guarantees that Russia proposed to the United States and NATO in December, " * 8).strip()


# ---- 10: a long question gets one count ------------------------------------------------------------------------------

def test_a_long_question_is_counted_once_the_same(tiny_index, fake_embedder):
    """Session 32: a 1,575-character question showed "Show the part searched (998 of its 1,575 characters)" above
    "Searched for its first 997 characters." (the API said 997 too): the page counted its own shortening, "…"
    included. Both say how much was searched, and the question shown is that part."""
    from rag import chat, render
    from rag.retrieve import open_retriever

    assert len(LONG) == 1575
    turn = chat.ask(open_retriever(tiny_index, fake_embedder), LONG, 2)
    shown = render.turn_html(turn, 1)
    toggle = re.search(r"Show the part searched \(([\d,]+) of its 1,575 characters\)", shown)
    line = re.search(r"Searched for its first ([\d,]+) characters\.", shown)
    assert toggle and line and toggle.group(1) == line.group(1) == f"{len(turn.query):,}", (toggle, line)
    question = re.search(r'<p class="rq-question">(.*?)</p>', shown).group(1)
    assert question == render.esc(turn.query) + "\u2026"


# ---- the host's kinds of documents, small: an interview as subtitles, a board meeting, a report ----------------------

INTERVIEW_SRT = """1
00:00:01,000 --> 00:00:05,200
<v Lena Hoffmann>Welcome back to Coastal Voices. Today I'm talking with Omar Haddad, who fishes out of Kalvik.

2
00:00:09,500 --> 00:00:12,000
<v Omar Haddad>Thank you for having me, Lena.

3
00:00:12,800 --> 00:00:17,400
<v Lena Hoffmann>Why do you think the cod moved?

4
00:00:18,000 --> 00:00:24,500
<v Omar Haddad>The water is warmer. In August the surface is three degrees warmer than when my father fished.

5
00:00:24,500 --> 00:00:31,000
<v Lena Hoffmann>What happened to the mussel farm in 2011?

6
00:00:31,500 --> 00:00:39,800
<v Omar Haddad>They dumped the silt off Seal Point. Within a year half of the mussel farm at Kalvik was dead.

7
00:00:40,500 --> 00:00:45,000
<v Lena Hoffmann>And the fish market roof?

8
00:00:45,400 --> 00:00:51,700
<v Omar Haddad>It leaks on my stall, number nine. I put a bucket under it when it rains.

9
00:00:52,500 --> 00:00:57,000
<v Lena Hoffmann>So what would it be?

10
00:00:57,600 --> 00:01:06,000
<v Omar Haddad>A cold store. A proper cold store at the harbour, shared by all the boats.

11
00:01:06,500 --> 00:01:11,000
<v Lena Hoffmann>Who pays for the new cold store at the harbour?

12
00:01:11,600 --> 00:01:18,000
<v Omar Haddad>The boats would pay a small fee each month, and the harbour board the rest.
"""

MEETING = """Harbour Board, monthly meeting, 3 March 2025

Maria Lindgren: Good evening, everyone. We have three items tonight: the dredging contract, the night ferry and the roof.

Tomas Berg: The surveyor came on Friday. The whole eastern section of the roof is corroded above stall nine.

Yuki Tanaka: Ninety-two thousand is more than the entire maintenance reserve. We have sixty-one thousand left in it.

Aisha Karim: Could we split it? Patch the roof now, and put the replacement into next year's capital plan?

Tomas Berg: That is what the surveyor recommended. The patch buys us time if it is done before April.

Maria Lindgren: Then the patch is approved. Next, the dredging contract for the harbour channel.

Yuki Tanaka: The maintenance reserve cannot pay for dredging as well; the dredging needs its own budget line.
"""


def the_hosts_folder(folder: Path) -> Path:
    """The interview (.srt) and the meeting (.txt) written in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "interview-fisher.srt").write_text(INTERVIEW_SRT, encoding="utf-8")
    (folder / "harbour-board-meeting.txt").write_text(MEETING, encoding="utf-8")
    return folder


def engine_over(folder: Path, files=None):
    from conftest import FakeEmbedder
    from rag.build import build
    from rag.engine import Engine

    embedder = FakeEmbedder()
    build(sorted(files or [f for f in folder.iterdir() if f.is_file()]), embedder, folder=folder / "idx")
    return Engine(folder / "idx", embedder)


# ---- 8: every speaker the index has can be chosen --------------------------------------------------------------------

def test_the_interviewer_can_be_chosen_as_a_speaker(tmp_path):
    """Session 32: the Documents table listed "Lena Hoffmann, Omar Haddad" for an interview, and `rag search --speaker
    "Lena Hoffmann"` worked, but the chat's Speaker choice offered only Omar Haddad (and the meeting's people). Every
    name offered is one the search takes."""
    from rag import handlers, render

    engine = engine_over(the_hosts_folder(tmp_path / "docs"))
    index = engine.index_or_none()
    offered = [value for _, value in handlers.speaker_choices(index)]
    table = render.documents_html(index)
    for name in ("Lena Hoffmann", "Omar Haddad", "Maria Lindgren", "Yuki Tanaka"):
        assert name in table and name in offered, (name, offered)
    assert [v for _, v in handlers.speaker_choices(index, ["interview-fisher.srt"])] == \
        ["", "Lena Hoffmann", "Omar Haddad"]
    for name in offered[1:]:
        *_, (turns, page) = handlers.answer(engine, "the harbour", 3, False, "", [], speaker=name)
        assert turns[-1].error is None and turns[-1].result.hits, (name, turns[-1].error)
    *_, (turns, page) = handlers.answer(engine, "the cod", 3, False, "", [], speaker="Lena Hoffmann")
    assert "Only the answers to Lena Hoffmann" in page


# ---- 12: the upload box names subtitles ------------------------------------------------------------------------------

def upload_box(engine):
    from rag import ui

    demo = ui.build_app(engine)
    return next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "rq-upload")


def test_the_upload_box_names_every_kind_it_takes(tiny_index, fake_embedder):
    """Session 32: the upload box said "Add documents (text, Markdown, HTML, PDF, Word; 50 MB at most each)" and took
    .srt and .vtt subtitles (its accept list), which a host looking for them on the page did not find."""
    from rag.engine import Engine

    box = upload_box(Engine(tiny_index, fake_embedder))
    assert {".srt", ".vtt"} <= set(box.file_types)
    assert "subtitles .srt/.vtt" in box.label, box.label


# ---- the chat served in this process, in Debian's chromium -----------------------------------------------------------

def serving(folder: Path, files: list[Path]):
    """The chat served in this process over an index (the fake embedder's, in `folder`/idx) of `files`: a generator
    yielding (url, engine), the server closed after."""
    from conftest import FakeEmbedder
    from rag import ui
    from rag.build import build
    from test_ui_api import free_port

    embedder = FakeEmbedder()
    build(sorted(files), embedder, folder=folder / "idx")
    demo, url = ui.serve(folder / "idx", port=free_port(), embedder=embedder, block=False)
    try:
        yield url
    finally:
        demo.close()


@pytest.fixture
def served(tmp_path):
    """serve(files...): the chat over those of the host's kinds of documents, written in tmp_path; closed after."""
    servers = []

    def serve(*names: str) -> str:
        folder = the_hosts_folder(tmp_path / f"docs{len(servers)}")
        gen = serving(folder, [folder / n for n in names])
        servers.append(gen)
        return next(gen)

    yield serve
    for gen in servers:
        gen.close()


def open_page(browser, url: str, width: int = 1280, height: int = 720):
    return opened(browser, url, viewport={"width": width, "height": height})


def upload(page, path: Path) -> None:
    """`path` uploaded through the Documents panel (open), once it says "1 added"."""
    page.set_input_files("#rq-upload input[type=file]", str(path))
    page.wait_for_timeout(500)
    page.click("#rq-add")
    page.wait_for_function("document.querySelector('#rq-doc-status').innerText.includes('1 added')", timeout=60_000)


AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"   # scripts/install.sh --test


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 AA violations of the page ([] where axe is not installed)."""
    if not AXE.is_file():
        return []
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))
        .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))""")


def example_buttons(page) -> list[str]:
    """The example questions shown: the page's buttons outside its named parts (and Gradio's footer)."""
    return page.evaluate("() => [...document.querySelectorAll('button')].filter(b => b.offsetParent "
                         "&& !b.closest('[id^=\"rq-\"], footer')).map(b => b.innerText.trim())")


# ---- 3: an example asks its own question, and stands on its own ------------------------------------------------------

def test_examples_offered_are_questions_that_stand_on_their_own(tmp_path):
    """Session 32: on the host's interview the examples were the interviewer's own lines, two of which only make sense
    after another question ("What happened in 2011?", "And the fish market roof?")."""
    from rag import chat
    from rag.examples import self_contained

    for leaning in ("And the fish market roof?", "So what would it be?", "But why?", "Is it funded?",
                    "What do you make of that?", "Why did they dump the silt?"):
        assert not self_contained(leaning), leaning
    for alone in ("Why do you think the cod moved?", "Did your catch change this year?",
                  "If you could ask the board for one thing, what would it be?", "Who pays for the new cold store?"):
        assert self_contained(alone), alone
    engine = engine_over(the_hosts_folder(tmp_path / "docs"))
    examples = chat.example_questions(engine.index_or_none())
    assert "And the fish market roof?" not in examples and "So what would it be?" not in examples
    assert "Who pays for the new cold store at the harbour?" in examples
    # the meeting, which asks no question, is offered too: its speakers on their topics, in turn with the interview's
    assert any(" on " in e and not e.endswith("?") for e in examples), examples


@browser_test
@pytest.mark.browser
def test_an_example_clicked_after_a_question_asks_the_example_alone(browser, served):
    """Session 32: after "Who wants a cold store?", the example "Why do you think the cod moved?" was "Searched
    together with the question before it", its top quote about the cold store and its permalink
    "?q=Who wants a cold store? Why do you think the cod moved?"."""
    from urllib.parse import parse_qs, urlsplit

    from rag import chat

    url = served("interview-fisher.srt")
    example = "Why do you think the cod moved?"
    # (typed, it was a follow-up until session 33 read a whole "Why …?" question as standing alone; an example is
    # asked alone whatever the rule for typed questions)
    assert chat.rewrite_followup(example, "Who wants a cold store?") == example
    ctx, page = open_page(browser, url)
    try:
        assert example in example_buttons(page)
        ask(page, "Who wants a cold store?")
        n = page.locator("#rq-conversation .rq-turn").count()
        page.get_by_role("button", name=example, exact=True).click()
        page.wait_for_function(f"document.querySelectorAll('#rq-conversation .rq-turn').length > {n}", timeout=60_000)
        page.wait_for_timeout(800)
        turn = page.locator("#rq-conversation .rq-turn").nth(n)
        assert turn.locator(".rq-searched").count() == 0, turn.inner_text()
        assert parse_qs(urlsplit(page.url).query)["q"] == [example]
        assert "cod" in turn.locator(".rq-quote").first.inner_text()
    finally:
        ctx.close()


# ---- 9: the intro and the examples follow the index ------------------------------------------------------------------

@browser_test
@pytest.mark.browser
def test_the_intro_and_examples_follow_an_upload_and_a_reload(browser, served, tmp_path):
    """Session 32: after an upload the header said "2 documents", but the intro still named the one transcript and the
    examples were still its own, even after a reload."""
    url = served("interview-fisher.srt")
    ctx, page = open_page(browser, url)
    try:
        intro = page.locator("#rq-conversation .rq-hello").inner_text()
        assert "2 documents" not in intro
        before = example_buttons(page)
        assert before and all(e.endswith("?") for e in before)
        open_documents(page)
        meeting = tmp_path / "harbour-board-meeting.txt"
        meeting.write_text(MEETING, encoding="utf-8")
        upload(page, meeting)
        # as soon as the upload says it is done (the intro was read just after "1 added", and named one transcript)
        assert "2 documents" in page.locator("#rq-conversation .rq-hello").inner_text()
        seen = {"after the upload": example_buttons(page)}
        page.reload()
        page.wait_for_selector("#rq-question textarea")
        page.wait_for_function("document.querySelector('#rq-conversation .rq-hello').innerText"
                               ".includes('2 documents')", timeout=10_000)
        page.wait_for_timeout(800)
        seen["after a reload"] = example_buttons(page)
        for when, now in seen.items():          # the meeting's speakers on their topics among them
            assert now != before and any(" on " in e and not e.endswith("?") for e in now), (when, now)
    finally:
        ctx.close()


# ---- 6 and 13: Remove asks first, offers only uploads; a removed document's quotes say so ----------------------------

def remove_offers(page) -> list[str]:
    if not page.locator("#rq-remove-choice").is_visible():
        return []
    page.locator("#rq-remove-choice input").click()
    page.wait_for_timeout(400)
    offered = [o.replace("✓", "").strip() for o in page.locator("[role=option]").all_inner_texts()]
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    return offered


@browser_test
@pytest.mark.browser
def test_remove_offers_only_uploads_asks_first_and_marks_the_quotes_it_took(browser, served, tmp_path):
    """Session 32: one click on Remove took an upload out for good (no confirmation, no undo, and no file to index it
    from again), and the list offered the server's own files, which Remove then refused. After a removal, the quotes
    of the removed document stayed on the page, and "Show in context" opened it as if nothing had happened."""
    url = served("interview-fisher.srt")
    ctx, page = open_page(browser, url)
    try:
        open_documents(page)
        page.wait_for_timeout(500)
        assert remove_offers(page) == []                    # the server's own file is not offered
        meeting = tmp_path / "harbour-board-meeting.txt"
        meeting.write_text(MEETING, encoding="utf-8")
        upload(page, meeting)
        page.wait_for_timeout(500)
        offered = remove_offers(page)
        assert len(offered) == 1 and "Harbour Board" in offered[0], offered
        assert page.locator("#rq-remove").is_disabled()         # (nothing chosen: it does not look ready)
        turn = ask(page, "What is left in the maintenance reserve?")
        quoted = turn.locator(".rq-quote[data-doc='harbour-board-meeting.txt']")
        assert quoted.count() >= 1
        table = "#rq-documents table.rq-docs"

        def choose():
            page.locator("#rq-remove-choice input").click()
            page.locator("[role=option]", has_text="Harbour Board").click()
            page.wait_for_timeout(500)

        # a first click asks, naming the document; Cancel keeps it
        choose()
        page.click("#rq-remove")
        page.wait_for_function("document.querySelector('#rq-remove').innerText.includes('for good?')")
        label = page.locator("#rq-remove").inner_text()
        assert label.startswith("Remove Harbour Board") and label.endswith(" for good?"), label
        # (the line under it comes with the same answer, drawn a moment later on a busy machine: a clean clone's CI
        # read the "1 added" before it)
        page.wait_for_function("document.querySelector('#rq-doc-status').innerText.includes('for good?')",
                               timeout=10_000)
        page.locator("#rq-remove-cancel").focus()             # by keyboard: the place goes back to Remove (the
        page.keyboard.press("Enter")                         # day's UI review: Cancel hid itself and left <body>)
        page.wait_for_function("document.querySelector('#rq-remove').innerText.trim() === 'Remove'")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'rq-remove'")
        assert "harbour-board-meeting.txt" in page.locator(table).inner_text()
        # by keyboard: Enter asks, Enter again on the button it became removes
        choose()
        page.locator("#rq-remove").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelector('#rq-remove').innerText.includes('for good?')")
        page.wait_for_timeout(300)
        assert "harbour-board-meeting.txt" in page.locator(table).inner_text()     # not yet
        assert page.evaluate("document.activeElement.id") == "rq-remove"
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelector('#rq-doc-status').innerText.includes('1 removed')",
                               timeout=60_000)
        page.wait_for_timeout(800)
        assert "harbour-board-meeting.txt" not in page.locator(table).inner_text()
        # the quotes it took: marked on the page, and said so in their context
        card = turn.locator(".rq-quote[data-doc='harbour-board-meeting.txt']").first
        assert "rq-removed" in card.get_attribute("class")
        assert "removed from the index" in card.locator(".rq-head").inner_text()
        assert "was removed from the index after this answer" in turn.inner_text()
        card.locator(".rq-actions .rq-open").click()
        page.wait_for_selector("#rq-source mark.rq-hl")
        assert "was removed from the index after this answer" in page.locator("#rq-source").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "session32-removed.png"))
        assert axe_violations(page) == []           # (the mark's colours, the Remove row)
    finally:
        ctx.close()


def test_a_removed_documents_quotes_are_marked_and_its_context_says_so(tmp_path):
    """Session 32 (handlers): after a Remove, the quotes of the removed document stayed on the page as they were, and
    "Show in context" opened its full text with no word of it."""
    from rag import handlers
    from rag.build import add_documents

    folder = the_hosts_folder(tmp_path / "docs")
    engine = engine_over(folder, [folder / "interview-fisher.srt"])
    meeting = folder / "harbour-board-meeting.txt"
    add_documents([meeting], engine.embedder, engine.folder, uploaded=True)
    engine.reload()
    *_, (turns, page) = handlers.answer(engine, "What is left in the maintenance reserve?", 5, False, "", [])
    hit = next(h for h in turns[-1].result.hits if h.passage.doc == "harbour-board-meeting.txt")
    assert "rq-removed" not in page
    assert "1 removed" in handlers.remove_file(engine, "harbour-board-meeting.txt")
    page = handlers.refreshed(engine, turns)
    assert page is not None and 'class="rq-quote rq-removed"' in page.replace(" rq-low", "")
    assert "was removed from the index after this answer" in page
    context = handlers.open_span(engine, turns, {"turn": turns[-1].number, "doc": hit.passage.doc,
                                                 "start": hit.passage.start, "end": hit.passage.end})
    assert "was removed from the index after this answer" in context and 'class="rq-hl"' in context
    assert handlers.refreshed(engine, turns) is None        # said once: nothing changed since


# ---- 5: a meeting's quote of several turns copies the turns it marks ---------------------------------------------------

@browser_test
@pytest.mark.browser
def test_a_window_of_turns_copies_the_turns_it_marks(browser, served):
    """Session 32: a meeting's quote, a window of several turns with Yuki's turns tinted in it, had no "Copy marked
    sentences": only the whole window could be copied, cited to its first speaker. "Copy marked turn(s)" puts each
    marked turn on the clipboard, exactly the document's text at the turn's offsets, with its speaker."""
    url = served("harbour-board-meeting.txt")
    source = MEETING
    ctx, page = open_page(browser, url)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    try:
        turn = ask(page, "What did Yuki Tanaka say about the maintenance reserve?")
        card = turn.locator(".rq-quote:has(mark.rq-turn-best)").first
        marked = card.locator("mark.rq-turn-best").evaluate_all(
            "els => els.map(e => [Number(e.dataset.start), Number(e.dataset.end)])")
        assert marked
        button = card.locator(".rq-copy-marked")
        assert button.count() == 1 and button.inner_text().startswith("Copy marked turn")
        button.click()
        page.wait_for_function("document.querySelector('.rq-copy-marked').textContent.startsWith('Copied')")
        copied = page.evaluate("""async () => { const [item] = await navigator.clipboard.read();
            const box = document.createElement('div'); box.innerHTML = await (await item.getType('text/html')).text();
            box.querySelectorAll('br').forEach(b => b.replaceWith('\\n'));
            return [...box.querySelectorAll('blockquote')].map(q => [q.textContent, q.nextElementSibling.textContent]); }""")
        assert [text for text, _ in copied] == [source[a:b] for a, b in marked]
        assert all("Yuki Tanaka" in cited and f"chars {a}\u2013{b}" in cited for (_, cited), (a, b) in zip(copied, marked))
    finally:
        ctx.close()


# ---- 11: no untranslated key is read to a screen reader --------------------------------------------------------------

@browser_test
@pytest.mark.browser
def test_a_screen_reader_hears_words_not_a_key_after_a_file_is_chosen(browser, served, tmp_path):
    """Session 32: after a file was chosen for upload, and after Add, Gradio's hidden status line (role="status")
    held its untranslated key "common.complete", which a screen reader reads out."""
    url = served("interview-fisher.srt")
    ctx, page = open_page(browser, url)
    try:
        page.evaluate("""() => { window.rqSaid = new Set();
            const look = () => document.querySelectorAll('.sr-only, [role=status]').forEach(e => {
                const t = e.textContent.trim(); if (t && e.childElementCount === 0) window.rqSaid.add(t); });
            new MutationObserver(look).observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
        open_documents(page)
        notes = tmp_path / "notes.txt"
        notes.write_text("Ferry notes, July 1, 2023.\n\nThe ferry timetable changes in October.\n", encoding="utf-8")
        page.set_input_files("#rq-upload input[type=file]", str(notes))
        page.wait_for_timeout(1000)
        page.click("#rq-add")
        page.wait_for_function("document.querySelector('#rq-doc-status').innerText.includes('1 added')",
                               timeout=60_000)
        # (Gradio says it up to 5 s after the event ends)
        page.wait_for_function("[...window.rqSaid].some(s => s === 'Done.' || /^common[.]/.test(s))", timeout=10_000)
        said = page.evaluate("[...window.rqSaid]")
        assert "Done." in said and not [s for s in said if re.fullmatch(r"[a-z_]+\.[a-z_.]+", s)], said
    finally:
        ctx.close()


# ---- 4 and 14: what a room reads: presenter mode's citation, the examples, the badge, large type ---------------------

BRIEFING = """Press conference on the harbour, Kalvik, March 3, 2025.

Good afternoon. I will start with a short statement about the harbour. The dredging starts in July.

Question: When does the dredging start?

Alexandra Konstantinopoulou: The dredging starts in July and ends in September.

Question (Coastal Daily News): Minister, given everything the harbour board has said in recent months about the \
dredging contract, the silt dumped in the bay and the mussel farms that died in 2011, does the ministry respect the \
board's right to choose the company that dredges the harbour?

Alexandra Konstantinopoulou: The ministry fully respects the board's right to choose the dredging company. The silt \
will not be dumped in the bay again; it goes to the old quarry, and the mussel farms will be watched every month.
"""

CITATION = """() => { const s = [...document.querySelectorAll('#rq-presenter .rq-slide')].find(x => !x.hidden);
    const out = {};
    for (const e of s.querySelectorAll('.rq-slide-cite > span')) {
        const r = document.createRange(); r.selectNodeContents(e);
        out[e.className] = [r.getBoundingClientRect().width, e.getBoundingClientRect().width]; }
    const box = (sel) => { const e = document.querySelector(sel); const r = e && e.getBoundingClientRect();
        return r && r.height && getComputedStyle(e).display !== 'none' ? [r.left, r.top, r.right, r.bottom] : null; };
    return {cite: out, note: box('#rq-presenter .rq-qr-note'), quote: box('#rq-presenter .rq-slide:not([hidden]) .rq-slide-text')}; }"""


@browser_test
@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720)])
def test_presenter_mode_shows_who_which_question_and_paragraph_whole(browser, served, tmp_path, width, height):
    """Session 32: at 1920x1080 and 1280x720 presenter mode read "Sergey Lavr… · Answer to … — Does Russia
    respect … · ¶ …": the speaker, the question's number and the paragraph each cut by a few pixels, however much room
    the long question had. They are shown whole, the question's words cut instead; and the note that there is no QR
    code (this computer's own address) is a line under the quote, not a 220 px column beside it."""
    from rag import chat

    folder = tmp_path / "briefing"
    folder.mkdir()
    (folder / "briefing.txt").write_text(BRIEFING, encoding="utf-8")
    gen = serving(folder, [folder / "briefing.txt"])
    url = next(gen)
    ctx, page = open_page(browser, url + chat.permalink("Does the ministry respect the board's right to choose?", 3, "")
                          + "&present=1", width, height)
    try:
        page.wait_for_selector("#rq-presenter .rq-slide-cite", state="visible", timeout=30_000)
        page.wait_for_timeout(1000)
        seen = page.evaluate(CITATION)
        page.screenshot(path=str(ARTIFACTS / f"session32-presenter-{width}.png"))
        cite = seen["cite"]
        assert {"rq-cite-who", "rq-cite-where", "rq-cite-question", "rq-cite-para"} <= set(cite), cite
        for part in ("rq-cite-who", "rq-cite-where", "rq-cite-para"):
            text, box = cite[part]
            assert text <= box + 0.05, (part, cite)                         # whole, no "…"
        assert cite["rq-cite-question"][1] < cite["rq-cite-question"][0], cite     # the question's words cut instead
        note, quote = seen["note"], seen["quote"]
        assert note and note[1] >= quote[3] - 1, seen                      # under the quote, not beside it
    finally:
        ctx.close()
        gen.close()


@browser_test
@pytest.mark.browser
def test_a_room_can_read_the_examples_the_badge_and_large_type(browser, served):
    """Session 32: at 1920x1080 the example buttons were 13-14 px and the low-confidence badge 13.6 px, pale orange on
    pale orange; the README promised "large type", and no control gave it (only presenter mode enlarged the text)."""
    url = served("interview-fisher.srt", "harbour-board-meeting.txt")
    ctx, page = open_page(browser, url, 1920, 1080)
    try:
        sizes = page.evaluate("() => [...document.querySelectorAll('button')].filter(b => b.offsetParent "
                              "&& !b.closest('[id^=\"rq-\"], footer')).map(b => parseFloat(getComputedStyle(b).fontSize))")
        assert sizes and min(sizes) >= 16, sizes
        turn = ask(page, "What about the Olympics in Beijing?")     # nothing: the nearest, marked low
        badge = turn.locator(".rq-lowtag").first
        assert float(badge.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 16
        page.screenshot(path=str(ARTIFACTS / "session32-low-1920.png"))
        assert axe_violations(page) == []           # (the badge's colours, the Large type button)
        before = float(turn.locator(".rq-text").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        toggle = page.get_by_role("button", name="Large type")
        toggle.click()
        page.wait_for_timeout(300)
        assert toggle.get_attribute("aria-pressed") == "true" and "large=1" in page.url
        after = float(turn.locator(".rq-text").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        assert after >= before * 1.2, (before, after)
        page.reload()                                                     # kept, as presenter mode and dark mode are
        page.wait_for_selector("#rq-conversation .rq-text", timeout=30_000)
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.classList.contains('rq-large')")
        # (the day's UI review: kept by the reload, the page was large and its button not pressed)
        assert page.get_by_role("button", name="Large type").get_attribute("aria-pressed") == "true"
        page.screenshot(path=str(ARTIFACTS / "session32-large-1920.png"))
        page.get_by_role("button", name="Large type").press("Enter")       # and off again, by keyboard
        page.wait_for_timeout(300)
        assert not page.evaluate("document.documentElement.classList.contains('rq-large')")
    finally:
        ctx.close()


def test_a_speakers_topic_is_no_preposition(tmp_path):
    """Session 32: the host's board meeting offered "Tomas Berg on above stall" (his "above stall nine", said twice):
    a preposition is no topic."""
    from rag import chat
    from rag.examples import PREPOSITIONS

    turns = ["Tomas Berg: The rain is coming through above stall nine, and the traders complained twice.",
             "Maria Lindgren: Fine by me. The dredging contract comes after the roof, then the ferry timetable.",
             "Tomas Berg: The whole eastern section is corroded, not just the patch above stall nine.",
             "Maria Lindgren: So the dredging contract waits; the ferry timetable too."]
    (tmp_path / "meeting.txt").write_text("Harbour Board, 3 March 2025\n\n" + "\n\n".join(turns) + "\n",
                                          encoding="utf-8")
    engine = engine_over(tmp_path, [tmp_path / "meeting.txt"])
    examples = chat.example_questions(engine.index_or_none())
    assert examples and not [e for e in examples if set(e.lower().split()) & PREPOSITIONS], examples


# ---- the day's UI review of these changes ------------------------------------------------------------------------------

def test_a_confirmation_removes_only_the_document_it_named(tmp_path):
    """The day's UI review: visitor A's Remove asked "Remove notes.txt for good?"; visitor B removed that upload and
    uploaded other text under its name; A's second click removed B's document, never named to A. The second click
    removes only the document as it was when asked: another under its id is asked about again."""
    from rag import handlers
    from rag.build import add_documents, remove_documents

    folder = the_hosts_folder(tmp_path / "docs")
    engine = engine_over(folder, [folder / "interview-fisher.srt", folder / "harbour-board-meeting.txt"])
    notes = tmp_path / "up" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("Ferry timetable notes. The first boat leaves at six.\n", encoding="utf-8")
    add_documents([notes], engine.embedder, engine.folder, uploaded=True)
    engine.reload()
    asked_about = handlers.removal_key(engine, "notes.txt")
    assert asked_about and handlers.removal_question(engine, "notes.txt") is not None
    remove_documents(["notes.txt"], engine.embedder, engine.folder, uploads_only=True)       # visitor B
    notes.write_text("Budget notes 2026. The budget is two million.\n", encoding="utf-8")
    add_documents([notes], engine.embedder, engine.folder, uploaded=True)
    engine.reload()
    assert handlers.removal_key(engine, "notes.txt") not in ("", asked_about)     # so A's click asks again
    assert handlers.removal_key(engine, "notes.txt") == handlers.removal_key(engine, "notes.txt")


def test_the_index_s_only_document_is_not_offered_for_removal(tmp_path):
    """The day's UI review: an index of one upload offered it, asked "… for good?", then refused ("This is the
    index's only document")."""
    from rag import handlers
    from rag.build import add_documents

    from rag.build import remove_documents

    folder = the_hosts_folder(tmp_path / "docs")
    engine = engine_over(folder, [folder / "interview-fisher.srt"])
    add_documents([folder / "harbour-board-meeting.txt"], engine.embedder, engine.folder, uploaded=True)
    engine.reload()
    assert [d for _, d in handlers.removable_choices(engine.index_or_none())] == ["harbour-board-meeting.txt"]
    remove_documents(["interview-fisher.srt"], engine.embedder, engine.folder)     # the operator's, with `rag remove`
    engine.reload()
    assert list(engine.index_or_none().documents) == ["harbour-board-meeting.txt"]
    assert handlers.removable_choices(engine.index_or_none()) == []


def test_a_document_replaced_by_a_version_holding_the_quotes_is_not_removed(tmp_path):
    """The day's UI review: an upload replaced by itself with a line added at its end tagged every quote of it
    "removed from the index", though each was still exactly its text where it was. Replaced by a version that no
    longer holds a quote where it was, it is still said."""
    from rag import handlers
    from rag.build import add_documents

    folder = the_hosts_folder(tmp_path / "docs")
    engine = engine_over(folder, [folder / "interview-fisher.srt"])
    meeting = tmp_path / "up" / "harbour-board-meeting.txt"
    meeting.parent.mkdir()
    text = (folder / "harbour-board-meeting.txt").read_text(encoding="utf-8")
    meeting.write_text(text, encoding="utf-8")
    add_documents([meeting], engine.embedder, engine.folder, uploaded=True)
    engine.reload()
    *_, (turns, _) = handlers.answer(engine, "What is left in the maintenance reserve?", 5, False, "", [])
    assert any(h.passage.doc == meeting.name for h in turns[-1].result.hits)
    meeting.write_text(text + "\nMaria Lindgren: Thank you all.\n", encoding="utf-8")
    add_documents([meeting], engine.embedder, engine.folder, uploaded=True, by_name=True)
    engine.reload()
    page = handlers.refreshed(engine, turns) or handlers.conversation(engine, turns)
    assert "rq-removed" not in page and "was removed from the index" not in page
    meeting.write_text("Maria Lindgren: Something else entirely.\n\n" + text, encoding="utf-8")
    add_documents([meeting], engine.embedder, engine.folder, uploaded=True, by_name=True)
    engine.reload()
    page = handlers.refreshed(engine, turns) or handlers.conversation(engine, turns)
    assert "was removed from the index after this answer" in page
