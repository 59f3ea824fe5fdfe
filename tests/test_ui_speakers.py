"""The chat over meetings: the speaker choice (listed from the index, passed to the search, kept in
the permalink, a message for a speaker the index does not have), "N documents discuss this" above
the quotes, and the best turn of a window marked with the quote's text still exactly its document's."""
from __future__ import annotations

import html as htmllib
import re
import shutil
from pathlib import Path

import pytest

from rag import chat, handlers, render
from rag.build import build
from rag.cite import result_json
from rag.engine import Engine
from rag.errors import QueryError
from rag.retrieve import open_retriever

from conftest import INTERVIEW, FakeEmbedder

DATA = Path(__file__).parent / "data" / "meetings"
BUTTONS = "big rubber buttons for elderly users"


@pytest.fixture
def embedder():
    return FakeEmbedder()


@pytest.fixture
def meeting_index(tmp_path, meetings, embedder):
    out = tmp_path / "idx"
    build(sorted(meetings.glob("*.txt")), embedder, folder=out)
    return out


@pytest.fixture
def engine(meeting_index, embedder):
    return Engine(meeting_index, embedder)


def ask(engine, question, k=5, **kw):
    *_, (turns, html) = handlers.answer(engine, question, k, False, "", [], **kw)
    return turns[-1], html


def quote_texts(page: str) -> list[str]:
    """Each quote's text as the browser shows it: the tags dropped, the entities read."""
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", q))
            for q in re.findall(r'<blockquote class="rq-text">(.*?)</blockquote>', page, re.S)]


def test_the_speaker_choice_lists_the_speakers_of_the_documents_searched(engine, tmp_path, embedder):
    index = engine.index_or_none()
    names = handlers.speaker_choices(index)
    assert names[0] == (handlers.ANYONE, "")
    assert [v for _, v in names[1:]] == ["Industrial Designer", "Marketing", "Mr. Tom Brown", "Ms. Jane Smith",
                                         "Project Manager", "The Chair"]
    assert [v for _, v in handlers.speaker_choices(index, ["budget.txt"])] == ["", "Mr. Tom Brown", "Ms. Jane Smith",
                                                                               "The Chair"]
    plain = tmp_path / "notes.txt"
    plain.write_text("Notes on the harbour.\n\nThe channel was dredged in May.\n", encoding="utf-8")
    build([plain], embedder, folder=tmp_path / "plain")
    assert handlers.speaker_choices(Engine(tmp_path / "plain", embedder).index_or_none()) == []    # no choice shown
    one = tmp_path / "briefing.txt"
    one.write_text(INTERVIEW, encoding="utf-8")          # a press briefing: its answers are all one speaker's
    build([one], embedder, folder=tmp_path / "one")
    index = Engine(tmp_path / "one", embedder).index_or_none()
    assert len({n for p in index.passages for n in p.speakers or (p.speaker,) if n}) == 1
    assert handlers.speaker_choices(index) == []


def test_the_speaker_choice_reads_an_index_once(engine):
    """A hostile review: every change of the document filter scanned all the index's passages and paragraphs again
    (about a second per 100,000 turns of a meetings index). They are read once per index."""
    import dataclasses

    class Counted(list):
        reads = 0

        def __iter__(self):
            Counted.reads += 1
            return super().__iter__()

    index = engine.index_or_none()
    counted = dataclasses.replace(index, passages=Counted(index.passages), paragraphs=Counted(index.paragraphs))
    first = handlers.speaker_choices(counted)
    assert first == handlers.speaker_choices(index) and Counted.reads == 2
    assert [v for _, v in handlers.speaker_choices(counted, ["budget.txt"])] == ["", "Mr. Tom Brown", "Ms. Jane Smith",
                                                                                 "The Chair"]
    assert handlers.speaker_choices(counted) == first and Counted.reads == 2


def test_a_chosen_speaker_restricts_the_answer_and_says_so(engine, meetings):
    turn, page = ask(engine, "harbour dredging", speaker="Mr. Tom Brown")
    assert turn.speaker == "Mr. Tom Brown" and turn.result.speaker == "Mr. Tom Brown"
    assert turn.result.hits and all("Mr. Tom Brown" in h.passage.speakers for h in turn.result.hits)
    assert '<p class="rq-note">Only passages where Mr. Tom Brown speaks.</p>' in page
    assert "speaker=Mr.%20Tom%20Brown" in page            # the links reopen the same restricted answer
    # the marked turn is his, and the quote is still exactly the document's text
    best = re.findall(r'<mark class="rq-turn-best" data-start="(\d+)" data-end="(\d+)"', page)
    text = (meetings / "budget.txt").read_text(encoding="utf-8")
    assert best and all(text[int(a):int(b)] == "The dredging contract was tendered twice." for a, b in best)
    hit = turn.result.hits[0].passage
    assert quote_texts(page)[0] == text[hit.start:hit.end]
    # "anyone" (the choice's empty value) is no restriction
    anyone, page = ask(engine, "harbour dredging", speaker="")
    assert anyone.speaker is None and anyone.result.speaker is None and "Only passages where" not in page


def test_a_speaker_the_index_does_not_have_is_a_message(engine):
    turn, page = ask(engine, "harbour dredging", speaker="Nobody")
    assert turn.error and "No passage is spoken by 'Nobody'" in turn.error and "Speakers: " in turn.error
    assert 'class="rq-error"' in page and "Traceback" not in page
    turn, _ = ask(engine, "harbour dredging", speaker=["not", "a name"])
    assert turn.error and "must be a name" in turn.error


def test_several_documents_say_how_many_discuss_it_above_the_quotes(engine):
    turn, page = ask(engine, "the committee budget and the remote casing colour")
    docs = dict(turn.result.documents)
    assert set(docs) == {"design.txt", "budget.txt"}
    line = re.search(r'<p class="rq-docs-line">(.*?)</p>', page).group(1)
    assert line.startswith("2 documents discuss this: ")
    assert all(f"{d} ({n} quote{'s' if n != 1 else ''})" in line for d, n in docs.items())
    assert page.index('class="rq-docs-line"') < page.index('class="rq-quotes"')
    _, one = ask(engine, "the committee budget and the remote casing colour", docs=["budget.txt"])
    assert "rq-docs-line" not in one


def test_the_best_turn_of_a_window_is_marked_and_each_label_set_apart(engine, meetings):
    turn, page = ask(engine, BUTTONS, k=1)
    p = turn.result.hits[0].passage
    text = (meetings / p.doc).read_text(encoding="utf-8")
    assert p.doc == "design.txt" and len(render.window_turns(p, turn.index)) > 2
    best = re.findall(r'<mark class="rq-turn-best" data-start="(\d+)" data-end="(\d+)"[^>]*>(.*?)</mark>', page)
    assert [(text[int(a):int(b)], htmllib.unescape(body)) for a, b, body in best] == [
        ("I think the buttons should be big and rubber, so that elderly users can press them.",) * 2]
    labels = re.findall(r'<span class="rq-turn-who">(.*?)</span>', page)
    assert "Industrial Designer:" in labels and "Marketing:" in labels
    assert quote_texts(page) == [text[p.start:p.end]]          # only marks around exact substrings
    # presenter mode marks the same turn
    assert 'class="rq-turn-best" data-start="{}"'.format(best[0][0]) in render.presenter_html(turn)
    # a query none of whose words are in the window marks no turn
    none = render.best_turns(render.window_turns(p, turn.index), "zzz qqq")
    assert none == []


def test_a_permalink_keeps_the_speaker(engine):
    href = chat.permalink("harbour dredging", 3, "v1", speaker="Mr. Tom Brown")
    link = chat.parse_link(href.split("#")[0], "")
    assert link.speaker == "Mr. Tom Brown"
    turns, _, _, _ = handlers.open_link(engine, href, "")
    assert turns[-1].result.speaker == "Mr. Tom Brown"
    opened = list(handlers.open_page(engine, href, "", ""))
    assert opened[0][6] == "Mr. Tom Brown"             # the page's speaker choice is set to it
    assert chat.parse_link("?q=harbour&speaker=", "").speaker is None
    wrong = list(handlers.open_page(engine, chat.permalink("harbour", 3, "v1", speaker="Nobody"), "", ""))
    assert wrong[0][6] is None and "No passage is spoken by" in wrong[0][1]      # a message; the choice stays
    lower = list(handlers.open_page(engine, chat.permalink("harbour", 3, "v1", speaker="mr. tom brown"), "", ""))
    assert lower[0][6] == "Mr. Tom Brown"                # as the choice names him


def test_the_api_search_takes_a_speaker_and_returns_the_cli_json(engine, meeting_index, embedder):
    data = handlers.search_api(engine, "harbour dredging", 3, None, "mr. tom brown")
    retriever = open_retriever(meeting_index, embedder)
    expected = retriever.search("harbour dredging", 3, speaker="mr. tom brown")
    assert data == result_json(expected, retriever.index)
    assert data["speaker"] == "Mr. Tom Brown"
    with pytest.raises(QueryError, match="No passage is spoken by 'Nobody'"):
        handlers.search_api(engine, "harbour dredging", 3, None, "Nobody")


@pytest.mark.slow      # a real server (Gradio import ~8 s)
def test_the_served_api_takes_a_speaker(meeting_index, embedder):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    from rag import ui
    from test_ui_api import free_port

    demo, url = ui.serve(meeting_index, port=free_port(), embedder=embedder, block=False)
    try:
        client = Client(url, verbose=False)
        data = client.predict("harbour dredging", 3, None, "Mr. Tom Brown", api_name="/search")
        retriever = open_retriever(meeting_index, embedder)
        assert data == result_json(retriever.search("harbour dredging", 3, speaker="Mr. Tom Brown"), retriever.index)
        assert data["speaker"] == "Mr. Tom Brown" and data["passages"]
        plain = client.predict("harbour dredging", 3, api_name="/search")       # the speaker stays optional
        assert plain["speaker"] is None
        with pytest.raises(AppError, match="No passage is spoken by 'Nobody'"):
            client.predict("harbour dredging", 3, None, "Nobody", api_name="/search")
    finally:
        demo.close()


@pytest.mark.slow      # builds the page (Gradio import ~8 s)
def test_ticking_documents_quickly_never_drops_the_last_tick(engine):
    """Gradio answers an .input() event "once" by default: a tick made while the previous one is pending is
    dropped, and the speaker choice stays that of the previous selection (seen on a busy machine: the
    choice stayed shown for a document that has no speakers). The filter's event must run the last tick."""
    from rag import ui

    demo = ui.build_app(engine)
    config = demo.get_config_file()
    ids = {c["id"]: c["props"].get("elem_id") for c in config["components"]}
    on_filter = [d for d in config["dependencies"]
                 if any(ids.get(t[0]) == "rq-filter" and t[1] == "input" for t in d["targets"])]
    assert on_filter and all(d["trigger_mode"] == "always_last" for d in on_filter), on_filter


def test_the_best_turn_is_the_one_with_the_questions_rare_word_not_a_tie_of_frame_words():
    """A new user's talk: "When in the talk were barnacles mentioned?" marked three turns as the best match, one
    holding "talk", one "when", one "barnacles" (each word in one turn: a tie)."""
    from rag.records import Passage

    texts = ["Today I want to talk about open data.", "The surprise was who used the data when it rained.",
             "Barnacles grew on the buoys within a month."]
    turns, at = [], 0
    for i, t in enumerate(texts, 1):
        turns.append(Passage(doc="talk.srt", start=at, end=at + len(t), text=t, section="text", kind="turn",
                             paragraph=i))
        at += len(t) + 2
    assert [t.text for t in render.best_turns(turns, "When in the talk were barnacles mentioned?")] == [texts[2]]
    # a frequent topic word is still the question's ("government", "school": a reviewer's), the frame is not
    texts = ["Welcome to this talk about the harbour.", "The government will pay for the new school.",
             "Thank you all for coming tonight."]
    turns = [Passage(doc="t", start=i * 50, end=i * 50 + len(t), text=t, section="text", kind="turn", paragraph=i)
             for i, t in enumerate(texts, 1)]
    for q in ("When in the talk did they mention the government?", "government", "What about the school?"):
        assert [t.text for t in render.best_turns(turns, q)] == [texts[1]], q


def test_across_documents_each_speaker_is_offered_with_the_documents_they_speak_in(engine, meetings, embedder,
                                                                                   tmp_path):
    """Session 30: on five meetings the choice listed 62 names and no meeting: "Project Manager" and "PhD A" were
    other people in each. Each name says its documents where several are searched; the value is still the name."""
    from rag import ui

    index = engine.index_or_none()
    labels = dict((v, t) for t, v in ui.speaker_choices(index))
    assert labels[""] == handlers.ANYONE
    assert labels["Mr. Tom Brown"] == "Mr. Tom Brown (budget.txt)"
    assert labels["Project Manager"] == "Project Manager (design.txt)"
    assert [v for _, v in ui.speaker_choices(index)] == [v for _, v in handlers.speaker_choices(index)]
    # one document searched: its names alone
    assert ui.speaker_choices(index, ["budget.txt"]) == handlers.speaker_choices(index, ["budget.txt"])
    # the same role in two meetings
    (tmp_path / "m").mkdir()
    for name in ("design.txt", "budget.txt"):
        shutil.copy(meetings / name, tmp_path / "m" / name)
    text = (meetings / "design.txt").read_text(encoding="utf-8").replace("yellow", "green")
    (tmp_path / "m" / "design_two.txt").write_text(text, encoding="utf-8")
    build(sorted((tmp_path / "m").glob("*.txt")), embedder, folder=tmp_path / "m" / "idx")
    index = Engine(tmp_path / "m" / "idx", embedder).index_or_none()
    labels = dict((v, t) for t, v in ui.speaker_choices(index))
    assert labels["Project Manager"] == "Project Manager (design.txt, design_two.txt)"


def test_a_word_no_document_uses_is_not_followed_by_documents_that_discuss_it(engine):
    """Session 30: "Did anyone propose a cork casing for the remote control?" on five meetings: "No document mentions
    'cork'", then in bold "2 documents discuss this": the search had said none does (Result.documents empty), and the
    page counted the quotes' documents again. (A query whose quotes come from both meetings about as strongly.)"""
    turn, page = ask(engine, "cork casing remote budget dredging")
    assert "cork" in turn.result.missing_terms and turn.result.documents == []
    assert len({h.passage.doc for h in turn.result.hits}) >= 2 and "rq-docs-line" not in page
    assert "discuss this" not in page
