"""The chat on a projector (session 37's review by a seminar host): presenter mode never said which document a quote
came from, nor its date, at any screen size (the name "…", the date gone); large type cut "Answer to Q26" to "Answer
to Q…"; a meeting's time was cut ("Turns of Ann Lee and Bob Ng at …") with half the line empty; an abstained answer
was a strip a room could not read; the pressed "Large type" button failed AA contrast; "The nearest passages are
shown" stood over no passage at all."""
from __future__ import annotations

from pathlib import Path

import pytest

from rag import chat, render

from conftest import CHROMIUM
from test_chat_session32 import BRIEFING, open_page, serving

browser_test = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")

MEETING = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ann Lee>The night ferry will run on Fridays from June, at one and at three in the morning.

00:00:04.500 --> 00:00:06.000
<v Bob Ng>And the tickets?

00:00:06.500 --> 00:00:09.000
<v Ann Lee>Tickets cost two euros, and children ride free on the night ferry.
"""

PARTS = """() => { const s = [...document.querySelectorAll('#rq-presenter .rq-slide')].find(x => !x.hidden);
    const out = {};
    for (const e of s.querySelectorAll('.rq-slide-cite > span, .rq-slide-source > span')) {
        const r = document.createRange(); r.selectNodeContents(e);
        out[e.className] = [r.getBoundingClientRect().width, e.getBoundingClientRect().width, e.textContent]; }
    return out; }"""


def _whole(parts: dict, name: str) -> bool:
    text, box, _ = parts[name]
    return text <= box + 0.5


@browser_test
@pytest.mark.browser
@pytest.mark.parametrize("width, height, large", [(1920, 1080, False), (1280, 720, False), (1024, 768, True)])
def test_presenter_says_which_document_its_date_and_the_question_s_number(browser, tmp_path, width, height, large):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "briefing.txt").write_text(BRIEFING, encoding="utf-8")
    (folder / "harbour.vtt").write_text(MEETING, encoding="utf-8")
    gen = serving(folder, [folder / "briefing.txt", folder / "harbour.vtt"])
    url = next(gen)
    link = chat.permalink("Does the ministry respect the board's right to choose the dredging company?", 3, "")
    ctx, page = open_page(browser, url + link + "&present=1" + ("&large=1" if large else ""), width, height)
    try:
        page.wait_for_selector("#rq-presenter .rq-slide-source", state="visible", timeout=30_000)
        page.wait_for_timeout(800)
        parts = page.evaluate(PARTS)
        page.screenshot(path=str(Path(__file__).parent / "artifacts" / f"session37-presenter-{width}.png"))
        assert parts["rq-cite-where"][2].strip(" ·").startswith("Answer to Q") and _whole(parts, "rq-cite-where")
        assert _whole(parts, "rq-cite-para") and _whole(parts, "rq-cite-date"), parts
        assert parts["rq-cite-date"][2].endswith("2023-03-03") or "-" in parts["rq-cite-date"][2], parts
        assert parts["rq-cite-doc"][1] > 60, parts                      # the document's name, not a "…" alone
    finally:
        ctx.close()
        gen.close()


@browser_test
@pytest.mark.browser
def test_a_meeting_s_time_on_the_slide_is_whole(browser, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "harbour.vtt").write_text(MEETING, encoding="utf-8")
    gen = serving(folder, [folder / "harbour.vtt"])
    url = next(gen)
    ctx, page = open_page(browser, url + chat.permalink("When will the night ferry run?", 2, "") + "&present=1",
                          1920, 1080)
    try:
        page.wait_for_selector("#rq-presenter .rq-slide-cite", state="visible", timeout=30_000)
        page.wait_for_timeout(800)
        parts = page.evaluate(PARTS)
        assert "rq-cite-time" in parts and parts["rq-cite-time"][2].strip().startswith("at 00:00:0"), parts
        assert _whole(parts, "rq-cite-time") and _whole(parts, "rq-cite-para"), parts
    finally:
        ctx.close()
        gen.close()


def test_a_slide_of_several_documents_names_the_document_and_its_date_on_a_line_of_its_own(tmp_path, fake_embedder):
    from rag.build import build
    from rag.retrieve import open_retriever

    (tmp_path / "briefing.txt").write_text(BRIEFING, encoding="utf-8")
    (tmp_path / "harbour.vtt").write_text(MEETING, encoding="utf-8")
    build([tmp_path / "briefing.txt", tmp_path / "harbour.vtt"], fake_embedder, folder=tmp_path / "idx")
    retriever = open_retriever(tmp_path / "idx", fake_embedder)
    turn = chat.ask(retriever, "When will the night ferry run?", 3)
    slides = render.presenter_html(turn)
    assert slides.count('<p class="rq-slide-source">') == len(turn.result.hits)
    meeting = next(h for h in turn.result.hits if h.passage.doc == "harbour.vtt")
    assert meeting.passage.time is not None and '<span class="rq-cite-time"> at 00:00:0' in slides


def test_an_abstained_answer_with_no_passage_promises_none(tmp_path, fake_embedder):
    from types import SimpleNamespace

    from rag.notices import NEAREST, NONE_LEFT

    result = SimpleNamespace(hits=[], abstain_notice=None)
    said = render.abstained(result, None)
    assert NEAREST not in said and NONE_LEFT in said
    shown = SimpleNamespace(hits=[object()], abstain_notice=None)
    assert NEAREST in render.abstained(shown, None)


def test_the_pressed_large_type_button_has_aa_contrast():
    css = (Path(render.__file__).parent / "static" / "chat.css").read_text(encoding="utf-8")
    rule = css[css.index('#rq-large-toggle[aria-pressed="true"]'):]
    rule = rule[:rule.index("}")]
    assert "background: #1d4ed8" in rule and "color: #fff" in rule

    def luminance(hex_: str) -> float:
        rgb = [int(hex_[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    assert (1.05) / (luminance("#1d4ed8") + 0.05) >= 4.5



def test_a_timed_answer_s_time_and_a_heading_are_parts_of_their_own():
    from types import SimpleNamespace

    from rag.records import Document, Hit, Passage

    text = "Q: Will the ferry run?\n\nA: Yes, from June.\n"
    doc = Document(id="d.txt", text=text, title="Harbour", date="2025-06-01")
    answer = Passage(doc="d.txt", start=text.index("Yes"), end=len(text) - 1, text="Yes, from June.", section="Q7",
                     kind="answer", paragraph=2, speaker="Ann Lee", question="Will the ferry run?", time=62.0)
    heading = Passage(doc="d.txt", start=0, end=22, text=text[:22], section="Part 2 — Budget", kind="paragraph",
                      paragraph=1, time=5.0)
    index = SimpleNamespace(documents={"d.txt": doc}, passages=[answer, heading], paragraphs=[answer, heading])
    for p, kind, rest in [(answer, "where", ["question", "time", "para"]), (heading, "heading", ["question", "time", "para"])]:
        from rag.retrieve import Result

        turn = chat.Turn(question="ferry", query="ferry", k=1, index=index,
                         result=Result("ferry", [Hit(passage=p, rank=1, score=1.0)]))
        slides = render.presenter_html(turn)
        assert f'<span class="rq-cite-{kind}">' in slides
        assert '<span class="rq-cite-time"> at 00:0' in slides


def test_a_search_with_no_passage_left_says_so_in_the_chat_and_on_the_slide(tmp_path, fake_embedder):
    from rag.build import build
    from rag.notices import NEAREST, NONE_LEFT
    from rag.retrieve import open_retriever

    (tmp_path / "a.txt").write_text("Ann Lee: The ferry runs at nine.\n\nBob Ng: No.\n\nAnn Lee: It runs late.\n\n"
                                    "Bob Ng: Fine.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Tom Reed: The bridge closes.\n\nSue Park: When?\n\nTom Reed: In May.\n\n"
                                    "Sue Park: Thanks.\n", encoding="utf-8")
    build([tmp_path / "a.txt", tmp_path / "b.txt"], fake_embedder, folder=tmp_path / "idx")
    retriever = open_retriever(tmp_path / "idx", fake_embedder)
    turn = chat.ask(retriever, "ferry", 5, docs=("b.txt",), speaker="Ann Lee")
    assert turn.result is not None and not turn.result.hits
    page = render.turn_html(turn, 1)
    assert NEAREST not in page and NONE_LEFT in page and "does not appear to address" not in page
    slide = render.presenter_html(turn)
    assert "Ann Lee does not speak in the documents searched." in slide and NONE_LEFT in slide
    assert "Ask a question" not in slide
