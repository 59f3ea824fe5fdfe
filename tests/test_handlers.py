"""The chat's handlers as plain functions: a bounded conversation, each turn rendered once, and a
turn that cannot be rendered showing its own error without blanking the others."""
import dataclasses
import threading

import pytest

from rag import handlers, render
from rag.engine import Engine


def ask(engine, question, turns, **kw):
    *_, (turns, html) = handlers.answer(engine, question, 2, False, "", turns, **kw)
    return turns, html


def test_the_conversation_is_bounded_and_numbered(tiny_index, fake_embedder):
    engine = Engine(tiny_index, fake_embedder)
    turns = []
    for n in range(handlers.MAX_TURNS + 3):
        turns, html = ask(engine, f"Is the pipeline funded? ({n})", turns)
    assert len(turns) == handlers.MAX_TURNS
    assert [t.number for t in turns] == list(range(4, handlers.MAX_TURNS + 4))
    assert f'data-turn="{handlers.MAX_TURNS + 3}"' in html and 'data-turn="3"' not in html
    # a click on a quote of a turn still finds that turn's index by its number
    last = turns[-1].result.hits[0].passage
    panel = handlers.open_span(engine, turns, {"turn": turns[-1].number, "doc": last.doc,
                                               "start": last.start, "end": last.end})
    assert "rq-hl" in panel


def test_a_finished_turn_is_rendered_once(tiny_index, fake_embedder, monkeypatch):
    engine = Engine(tiny_index, fake_embedder)
    turns = []
    for q in ("Is the pipeline funded?", "What about water prices?"):
        turns, _ = ask(engine, q, turns)
    calls = []
    real = render.turn_html
    monkeypatch.setattr(render, "turn_html", lambda turn, n: calls.append(n) or real(turn, n))
    turns, _ = ask(engine, "Is the reservoir full?", turns)
    assert calls == [3]                       # only the new turn; the earlier two come from their cache
    handlers.conversation(engine, turns, live=turns[-1])
    assert calls == [3, 3]                    # a streaming turn is rendered anew, the others are not


def test_one_broken_turn_does_not_blank_the_others(tiny_index, fake_embedder):
    engine = Engine(tiny_index, fake_embedder)
    turns, _ = ask(engine, "Is the pipeline funded?", [])
    turns, _ = ask(engine, "What will happen to water prices?", turns)
    broken = turns[0]
    hit = broken.result.hits[0]
    moved = dataclasses.replace(hit.passage, start=hit.passage.start + 1, end=hit.passage.end + 1)
    broken.result = dataclasses.replace(broken.result, hits=[dataclasses.replace(hit, passage=moved)])
    broken.html = ""                          # rendered anew, as after a reload of the index
    html = handlers.conversation(engine, turns)
    assert html.count('class="rq-turn"') == 2
    assert "rq-error" in html.split('data-turn="2"')[0]       # the broken turn says so ...
    assert "rq-quote" in html.split('data-turn="2"')[1]       # ... and the other keeps its quotes


def test_the_summary_server_is_a_choice_and_streams_the_answer_first(tiny_index, fake_embedder, monkeypatch):
    """With $RAG_LLM_URL set, the server's model is offered by name (no address), a visitor's choice of
    it streams the summary from that server (the real SSE stub), and the answer is above the quotes."""
    from llm_stub import LLMStub

    from rag import llm

    monkeypatch.delenv(llm.URL_VARIABLE, raising=False)
    assert not any("summary server" in m for m in handlers.summary_models())
    engine = Engine(tiny_index, fake_embedder)
    with LLMStub(pieces=["The pipeline is funded ", "by a regional grant [1]."], models=["stub-7b"]) as stub:
        monkeypatch.setenv(llm.URL_VARIABLE, stub.url)
        monkeypatch.setenv(llm.MODEL_VARIABLE, "stub-7b")
        offered = handlers.summary_models()
        assert offered[-1] == "stub-7b (summary server)" and not any(stub.url in m for m in offered)
        updates = list(handlers.answer(engine, "Is the pipeline funded?", 2, True, offered[-1], []))
        assert len(stub.requests) == 1 and stub.requests[0]["json"]["model"] == "stub-7b"
        _, html = updates[-1]
        assert "Summary by stub-7b" in html and "The pipeline is funded by a regional grant" in html
        assert html.index('class="rq-summary') < html.index('class="rq-quotes"')
        # a URL typed by a visitor is no choice: nothing is asked of it
        *_, (_, html) = handlers.answer(engine, "Is the pipeline funded?", 2, True, stub.url, [])
        assert "does not offer that summary model" in html and len(stub.requests) == 1
    monkeypatch.setenv(llm.URL_VARIABLE, "ftp://nowhere")        # malformed: not offered, no crash
    assert not any("summary server" in m for m in handlers.summary_models())


def test_an_abstained_answer_gets_no_summary_in_the_chat_as_on_the_command_line(tiny_index, fake_embedder,
                                                                                monkeypatch):
    """A hostile review: the chat summarised the nearest passages of "What did Boris Johnson say about the depot?"
    under the banner "The document never mentions 'Boris Johnson'" ("ok The first item is the new bus depot");
    `rag ask` did not. Neither does now, and both say why; the summary server is never asked."""
    from llm_stub import LLMStub

    from rag import llm
    from rag.summarise import NO_SUMMARY_ABSTAINED

    engine = Engine(tiny_index, fake_embedder)
    with LLMStub(pieces=["The pipeline is funded [1]."], models=["stub-7b"]) as stub:
        monkeypatch.setenv(llm.URL_VARIABLE, stub.url)
        monkeypatch.setenv(llm.MODEL_VARIABLE, "stub-7b")
        offered = handlers.summary_models()
        *_, (turns, html) = handlers.answer(engine, "What did Boris Johnson say about the pipeline?", 2, True,
                                            offered[-1], [])
        assert turns[-1].result.abstained and turns[-1].result.hits
        assert stub.requests == [] and NO_SUMMARY_ABSTAINED in html and "Summary by" not in html


def test_a_visitor_sees_no_model_folder_nor_server_address(tiny_index, fake_embedder, monkeypatch, tmp_path):
    """A hostile review: RAG_SUMMARY_MODELS=/srv/…/secret-model put the absolute path in the Settings choice (so in
    the page's config) and in "The summary model is unavailable: /srv/…/secret-model is not a transformers model
    folder"; a dead summary server's address and its HTTP 500 body ("model at /opt/models/secret.gguf failed") were
    shown to every visitor. The choice names a folder by its name, the server chooses by that name, and the page's
    notes say neither path nor address."""
    from llm_stub import LLMStub

    from rag import llm

    folder = tmp_path / "srv" / "models" / "secret-model"
    folder.mkdir(parents=True)
    monkeypatch.setenv(handlers.SUMMARY_MODELS_VARIABLE, f"{folder},{tmp_path / 'other' / 'secret-model'}")
    monkeypatch.delenv(llm.URL_VARIABLE, raising=False)
    offered = handlers.summary_models()
    assert offered[1:] == ["secret-model", "secret-model (2)"] and not any(str(tmp_path) in m for m in offered)
    engine = Engine(tiny_index, fake_embedder)
    *_, (_, html) = handlers.answer(engine, "Is the pipeline funded?", 2, True, "secret-model", [])
    assert "secret-model" in html and str(tmp_path) not in html and "does not offer" not in html
    with LLMStub(mode="error") as stub:
        monkeypatch.setenv(llm.URL_VARIABLE, stub.url)
        monkeypatch.setenv(llm.MODEL_VARIABLE, "stub-7b")
        *_, (_, html) = handlers.answer(engine, "Is the pipeline funded?", 2, True, handlers.summary_models()[-1], [])
        assert stub.requests and "summary server answered HTTP 500" in html
        assert stub.url not in html and "127.0.0.1" not in html


def test_the_context_panel_keeps_the_matched_sentences_standing_out(tmp_path, fake_embedder):
    """A new user: in the context panel the whole quote was yellow, so the sentences the search matched, marked in
    the quote's card, no longer stood out. The rest of the quote is paler there too; the highlighted text is still
    the whole quote, exactly."""
    import html
    import re

    from conftest import one_file_retriever

    filler = " ".join(f"The board met on day {n} and read its minutes aloud." for n in range(1, 15))
    text = ("Harbour report, June 2, 2023.\n\n" + filler + " The dredging of the outer channel cost 1.4 million euros. "
            + filler + "\n")
    r = one_file_retriever(tmp_path, fake_embedder, text, "report.txt")
    engine = Engine(r.index.folder, fake_embedder)
    turns, _ = next(handlers.answer(engine, "What did the dredging of the outer channel cost?", 3, False, None, []))
    turn = turns[-1]
    hit = next(h for h in turn.result.hits if render.matched(h))
    p, (a, b) = hit.passage, render.matched(hit)
    out = handlers.open_span(engine, [turn], {"turn": turn.number, "doc": p.doc, "start": p.start, "end": p.end})
    marked = re.search(r'<mark class="rq-hl">(.*?)</mark>', out, re.DOTALL).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", marked)) == text[p.start:p.end]
    rests = [html.unescape(t) for t in re.findall(r'<span class="rq-hl-rest">(.*?)</span>', marked, re.DOTALL)]
    assert "".join(rests) == text[p.start:a] + text[b:p.end] and "1.4 million" in text[a:b]


def test_follow_ups_add_at_most_one_earlier_question(tiny_index, fake_embedder):
    """A meetings researcher: each question with "they" or "she" was searched with every question before it glued on
    ("What did they decide about the launch?" as four questions, still restricted to a speaker the first had named).
    A follow-up leans on the last question as it stood alone, never on the follow-ups added to it."""
    engine = Engine(tiny_index, fake_embedder)
    turns = []
    for question in ("Is the pipeline funded?", "Who pays for it?", "And when will they start?", "What did they say?"):
        turns, _ = next(handlers.answer(engine, question, 3, False, None, turns))
    queries = [t.query for t in turns]
    assert queries[1] == "Is the pipeline funded? Who pays for it?"
    assert queries[2] == "Is the pipeline funded? And when will they start?"
    assert queries[3] == "Is the pipeline funded? What did they say?"


def test_a_link_to_a_span_outside_the_document_says_so(tiny_index, fake_embedder):
    """A reviewer's permalink "#Q5:99999999-99999999" was said to end before it starts: it lies outside the document."""
    engine = Engine(tiny_index, fake_embedder)
    doc = next(iter(engine.index_or_none().documents))
    for span in ("#Q1:99999999-99999999", "#Q1:10-99999999"):
        turns, source, _, _ = handlers.open_link(engine, f"?q=Is+the+pipeline+funded%3F&doc={doc}", span)
        assert turns[0].error is None and "lie outside" in source and "before it starts" not in source, span
    _, source, _, _ = handlers.open_link(engine, f"?q=Is+the+pipeline+funded%3F&doc={doc}", "#Q1:12-12")
    assert "holds no characters" in source


def test_a_summary_model_folder_that_is_not_there_is_said_so(tiny_index, fake_embedder, monkeypatch, tmp_path):
    """A seminar presenter's operator list named a folder that was not there: the chat said "Cannot load the summary
    model … Repo id must be in the form 'repo_name' or 'namespace/repo_name' … Use `repo_type` argument", the path
    read as a model hub's name. It says there is no such folder, by the name the visitor's list shows."""
    from rag import llm
    from rag.errors import ModelError
    from rag.models import resolve_summary_model

    missing = tmp_path / "srv" / "no-such-model"
    with pytest.raises(ModelError, match=f"There is no summary model folder at {missing}."):
        resolve_summary_model(str(missing))
    monkeypatch.setenv(handlers.SUMMARY_MODELS_VARIABLE, str(missing))
    monkeypatch.delenv(llm.URL_VARIABLE, raising=False)
    engine = Engine(tiny_index, fake_embedder)
    *_, (turns, html) = handlers.answer(engine, "Is the pipeline funded?", 2, True, "no-such-model", [])
    assert "The summary model is unavailable: There is no summary model folder at no-such-model." in html
    assert str(tmp_path) not in html and "Repo id" not in html


def test_a_summary_streaming_when_a_new_question_comes_stops_and_says_so(tiny_index, fake_embedder, monkeypatch):
    """A hostile review: a question asked (Enter) while the one before was summarised left that summary half-written
    for good, its page rendered by the new answer; the old stream went on writing the session's turns beside it."""
    from rag.summarise import SummaryUpdate

    closed = []

    class Slow:
        loaded = True

        def stream(self, question, hits, index, embedder, **kw):
            try:
                for n in range(1000):
                    yield SummaryUpdate(f"Words {n}", False, None)
            finally:
                closed.append(question)

    monkeypatch.setattr(handlers, "_summariser", lambda name: (Slow(), None))
    engine = Engine(tiny_index, fake_embedder)
    first = handlers.answer(engine, "Is the pipeline funded?", 2, True, "", [])
    turns, _ = next(first)                  # the quotes
    next(first)                             # the summary begins
    *_, (turns, html) = handlers.answer(engine, "What will happen to water prices?", 2, False, "", turns)
    assert handlers.SUMMARY_STOPPED in html.split('data-turn="2"')[0]
    assert turns[0].summary_note == handlers.SUMMARY_STOPPED and len(turns) == 2
    # and the first answer's stream ends at once, the model let go, without writing its own turns over these
    assert list(first) == [] and closed == ["Is the pipeline funded?"]


def test_an_index_changed_by_another_process_is_served_as_it_is_now(tmp_path, tiny_index, fake_embedder):
    """(a hostile review: the operator's `rag remove` while the chat ran, and the chat went on quoting the removed
    document until a restart; a new calibration was not read either)"""
    from rag import store
    from rag.build import add_documents, remove_documents

    extra = tmp_path / "salary.txt"
    extra.write_text("Confidential: the harbour master salary is ninety thousand euros.\n", encoding="utf-8")
    add_documents([extra], fake_embedder, tiny_index)
    engine = Engine(tiny_index, fake_embedder)
    assert "salary.txt" in engine.retriever().index.documents
    remove_documents(["salary.txt"], fake_embedder, tiny_index)        # as `rag remove` does, from outside
    assert "salary.txt" not in engine.retriever().index.documents
    turns, html = ask(engine, "harbour master salary", [])
    assert "ninety thousand" not in html
    served = engine.retriever()
    assert engine.retriever() is served                                # unchanged on disk: not opened again
    store.save_calibration(tiny_index, {"hybrid": {"threshold": 0.123, "dense": 0.5}})
    assert engine.retriever() is not served


def test_questions_asked_a_moment_apart_all_keep_their_answers_in_the_order_asked(tiny_index, fake_embedder,
                                                                                  monkeypatch):
    """A hostile review, summaries on, three questions a second apart: one answer was painted over and lost. Each
    answer started from the session's turns as they were when it was asked and gave back its own list, so the one
    that finished last dropped the answer of one asked after it had started. Here the second question's search is
    held until the third is answered: both stay, numbered and shown in the order asked."""
    from rag import chat

    engine = Engine(tiny_index, fake_embedder)
    turns, _ = ask(engine, "Is the pipeline funded?", [])
    searching, release = threading.Event(), threading.Event()
    real = chat.ask

    def held(retriever, question, *args, **kw):
        if question.startswith("What will happen"):
            searching.set()
            assert release.wait(30)
        return real(retriever, question, *args, **kw)

    monkeypatch.setattr(chat, "ask", held)
    second = []
    worker = threading.Thread(target=lambda: second.extend(
        handlers.answer(engine, "What will happen to water prices?", 2, False, "", turns)))
    worker.start()
    assert searching.wait(30)
    *_, (after_third, _) = handlers.answer(engine, "Is the reservoir full?", 2, False, "", turns)
    release.set()
    worker.join(30)
    last_turns, last_html = second[-1]      # what the page holds: the answer that finished last
    assert [t.question for t in last_turns] == ["Is the pipeline funded?", "What will happen to water prices?",
                                                "Is the reservoir full?"]
    assert [t.number for t in last_turns] == [1, 2, 3]
    assert last_html.index("What will happen to water prices?") < last_html.index("Is the reservoir full?")


def test_a_question_asked_as_another_takes_its_place_gets_a_number_of_its_own(tiny_index, fake_embedder,
                                                                              monkeypatch):
    """The re-review: a turn's number was let go before the turn took its place, and a question asked in between took
    the same number (two turns numbered 1, the later first). Here the second question is asked, and answered, at the
    moment the first is given its number."""
    from rag import chat

    engine = Engine(tiny_index, fake_embedder)
    turns, fired, real = [], [], chat.ask

    class Hooked(chat.Turn):
        def __setattr__(self, name, value):
            if name == "number" and not fired:
                fired.append(1)
                worker = threading.Thread(target=lambda: list(handlers.answer(
                    engine, "Is the reservoir full?", 2, False, "", turns)))
                worker.start()
                worker.join(30)
            object.__setattr__(self, name, value)

    def ask_hooked(retriever, question, *args, **kw):
        turn = real(retriever, question, *args, **kw)
        if question.startswith("Is the pipeline"):
            hooked = Hooked.__new__(Hooked)
            hooked.__dict__.update(turn.__dict__)
            return hooked
        return turn

    monkeypatch.setattr(chat, "ask", ask_hooked)
    list(handlers.answer(engine, "Is the pipeline funded?", 2, False, "", turns))
    assert fired and [(t.number, t.question) for t in turns] == [(1, "Is the pipeline funded?"),
                                                                 (2, "Is the reservoir full?")]


def test_a_sessions_bookkeeping_goes_with_its_last_answer(tiny_index, fake_embedder):
    """The re-review: the count of each session's changes was never let go but by clearing every session's at once,
    past 4,096 sessions, which raised KeyError in any answer between its first page and its end just then."""
    engine = Engine(tiny_index, fake_embedder)
    mine, theirs = [], []
    first = handlers.answer(engine, "Is the pipeline funded?", 2, False, "", mine)
    next(first)
    assert id(mine) in handlers._CHANGES
    list(handlers.answer(engine, "Is the reservoir full?", 2, False, "", theirs))
    assert id(theirs) not in handlers._CHANGES and id(theirs) not in handlers._RUNNING
    assert list(first) == [] and len(mine) == 1
    assert id(mine) not in handlers._CHANGES and id(mine) not in handlers._TAKEN and id(mine) not in handlers._RUNNING


def test_an_abandoned_answer_closed_by_the_collector_inside_another_answer_hangs_nothing(tiny_index, fake_embedder,
                                                                                        monkeypatch):
    """A third review: an answer whose page went away mid-stream, left in cyclic garbage, is closed by whichever thread
    the collector runs in; its bookkeeping took the one lock of every session, which that thread might hold already
    (another answer's): that answer, and every later one, hung. Here the collection runs inside the lock."""
    import gc

    engine = Engine(tiny_index, fake_embedder)
    gc.disable()
    try:
        abandoned = handlers.answer(engine, "Is the pipeline funded?", 2, False, "", [])
        next(abandoned)
        cycle = [abandoned]
        cycle.append(cycle)
        del abandoned, cycle
        real = handlers._stop_summaries

        def collected(turns):
            gc.collect()
            return real(turns)

        monkeypatch.setattr(handlers, "_stop_summaries", collected)
        done = []
        worker = threading.Thread(target=lambda: done.append(list(handlers.answer(
            engine, "Is the reservoir full?", 2, False, "", []))), daemon=True)
        worker.start()
        worker.join(20)
        assert done, "the answer hung"
    finally:
        gc.enable()
