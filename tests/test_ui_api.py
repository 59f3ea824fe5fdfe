"""The chat server in-process (fake embedder, tiny index): the API through gradio_client, bad
input as messages, per-session conversations, what the server binds and serves."""
import os
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from rag import chat, handlers, render, ui
from rag.engine import LOADING_NOTICE, Engine
from rag.cite import hit_json
from rag.errors import RagError
from rag.retrieve import open_retriever
from rag.summarise import Summary
from rag.verify import CheckedSentence

from conftest import at_once
from test_cli import DAMAGES, damage_index


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from conftest import INTERVIEW, FakeEmbedder
    from rag.build import build

    folder = tmp_path_factory.mktemp("ui")
    (folder / "briefing.txt").write_text(INTERVIEW, encoding="utf-8")
    embedder = FakeEmbedder()
    build([folder / "briefing.txt"], embedder, folder=folder / "idx")
    demo, url = ui.serve(folder / "idx", port=free_port(), embedder=embedder, block=False)
    yield url, folder / "idx", embedder, demo
    demo.close()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server[0], verbose=False)


@pytest.mark.slow
def test_the_rest_route_fills_in_the_values_a_call_leaves_out(server):
    """A hostile review: `POST /gradio_api/call/search {"data": ["Will Finland join NATO?", 5]}` (the README's example
    passes the query and k) answered `{"error": null}` and printed a traceback: Gradio's REST route needs all four
    values; the ones left out get their defaults (ui.with_defaults)."""
    import json
    import urllib.request

    url = server[0]
    for data in (["Is the pipeline funded?", 2], ["Is the pipeline funded?"], ["Is the pipeline funded?", 2, None]):
        request = urllib.request.Request(url + "gradio_api/call/search", json.dumps({"data": data}).encode(),
                                         {"Content-Type": "application/json"})
        event = json.loads(urllib.request.urlopen(request, timeout=60).read())["event_id"]
        answer = urllib.request.urlopen(url + f"gradio_api/call/search/{event}", timeout=60).read().decode()
        assert "event: complete" in answer and "event: error" not in answer, answer[:300]
        result = json.loads(answer.split("data: ", 1)[1].splitlines()[0])[0]
        assert result["query"] == "Is the pipeline funded?" and result["passages"]
    assert ui.with_defaults(b'{"data": ["q", 3]}') == b'{"data": ["q", 3, null, null]}'
    assert ui.with_defaults(b'{"data": ["q"]}') == json.dumps({"data": ["q", ui.DEFAULT_K, None, None]}).encode()
    # (no values at all: an empty query, refused with the search's message, not Gradio's traceback: session 38)
    assert ui.with_defaults(b'{"data": []}') == json.dumps({"data": ["", ui.DEFAULT_K, None, None]}).encode()
    for body in (b"not json", b'{"data": ["q", 3, null, null]}', b"[1]"):
        assert ui.with_defaults(body) == body


@pytest.mark.slow
def test_the_direct_routes_that_skip_the_queue_are_closed(server, capfd):
    """(a hostile review: `POST /gradio_api/run/search` and `/gradio_api/api/search`, Gradio's direct routes, skip the
    queue, its concurrency limit and the unread bound, and answered the README's short call with HTTP 500 and a
    traceback): they say to use the queue's REST route; /call/search answers as before (above)."""
    import json
    import urllib.error
    import urllib.request

    for route in ("run", "api"):
        request = urllib.request.Request(server[0] + f"gradio_api/{route}/search", json.dumps(
            {"data": ["Is the pipeline funded?", 2]}).encode(), {"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=60)
        assert refused.value.code == 404 and "join the queue" in refused.value.read().decode()
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_api_search_returns_the_cli_json(server, client):
    url, folder, embedder, _ = server
    data = client.predict("Is the pipeline funded?", 2, api_name="/search")
    retriever = open_retriever(folder, embedder)
    expected = retriever.search("Is the pipeline funded?", 2)
    assert data["query"] == "Is the pipeline funded?" and data["index"] == retriever.index.fingerprint
    assert data["passages"] == [hit_json(h, retriever.index) for h in expected.hits]
    assert data["passages"][0]["section"] == "Q2" and data["passages"][0]["outlet"] == "Daily Bugle"


@pytest.mark.parametrize("query, k, message", [
    ("", 5, "empty"),
    ("   ", 5, "empty"),
    ("pipeline", 0, "between 1 and 50"),
    ("pipeline", -3, "between 1 and 50"),
    ("pipeline", 100000, "between 1 and 50"),
])
@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_api_bad_input_is_a_message(client, query, k, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message) as info:
        client.predict(query, k, api_name="/search")
    assert "Traceback" not in str(info.value)


@pytest.mark.parametrize("query, kept", [
    ("\x00\x07 pipeline \x1b[31m", "pipeline"),                  # control characters
    # right-to-left marks dropped, a zero-width space a space (session 37: as the documents' words are read, where
    # Thai's and HTML's <wbr> break words; it was dropped, and "ferry\u200bschedule" met no document's word)
    ("\u202e\u200f pipe\u200bline", "pipe line"),
    ("💧🚰 pipeline", "💧🚰 pipeline"),                                # emoji
    ("Финансируется ли трубопровод?", "Финансируется ли трубопровод?"),   # Cyrillic
    ("<script>alert(1)</script> pipeline", "<script>alert(1)</script> pipeline"),
    ("**Is the _pipeline_ funded?** [link](http://x) `code`", "**Is the _pipeline_ funded?**"),  # markdown
])
@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_api_odd_queries_are_searched(client, query, kept):
    """Odd text is searched as text (control and invisible characters dropped) and gets passages."""
    data = client.predict(query, 3, api_name="/search")
    assert kept in data["query"] and data["passages"]
    assert not re.search(r"[\x00-\x1f\u200b\u200f\u202e]", data["query"])


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_api_very_long_query_is_cut_with_a_notice(client):
    """A 100,000-character query is searched on its first MAX_QUERY_CHARS, and the JSON says so."""
    from rag.retrieve import MAX_QUERY_CHARS

    query = ("Is the pipeline funded? " * 5000)[:100_000]
    data = client.predict(query, 3, api_name="/search")
    assert data["passages"] and 0 < len(data["query"]) <= MAX_QUERY_CHARS
    cut = f"The query was cut to its first {len(data['query'])} characters (limit {MAX_QUERY_CHARS})."
    assert cut in data["notices"], data["notices"]


def _line_with(path: Path, words: str) -> bytes:
    """The whole line of `path` that contains `words`: content that only a leak of the file would show."""
    lines = [line for line in path.read_bytes().splitlines() if words.encode() in line]
    assert lines, (path, words)
    return lines[0].strip()


def _secrets(index_folder: Path) -> dict[Path, bytes]:
    """Files the server must never serve, each with a line distinctive of its content."""
    from conftest import CORPUS, ROOT

    manifest = index_folder / "manifest.json"
    document = next((index_folder / "documents").glob("*.txt"))
    return {ROOT / "app.py": _line_with(ROOT / "app.py", "sys.exit(main("),
            manifest: _line_with(manifest, '"text_sha256"'),
            document: _line_with(document, "regional grant"),
            CORPUS: _line_with(CORPUS, "We had no time to spare")}


def _file_urls(path: Path) -> list[str]:
    """The ways a URL can name a file on a Gradio 6 server: /gradio_api/file=… (absolute, relative to
    the server's working directory, percent-encoded), the older /gradio_api/file/…, Gradio 3's /file=…,
    and ../ out of its static folders."""
    rel = os.path.relpath(path, os.getcwd())
    up = "%2e%2e/" * 12 + str(path).lstrip("/")
    return [f"gradio_api/file={path}", f"gradio_api/file={rel}", f"gradio_api/file=./{rel}",
            "gradio_api/file=" + urllib.parse.quote(str(path), safe=""),
            f"gradio_api/file/{rel}", f"gradio_api/file/{path}",
            f"file={path}", f"file={rel}", f"file/{rel}",
            f"static/{up}", f"assets/{up}", f"svelte/{up}", f"gradio_api/file={'../' * 12}{str(path).lstrip('/')}"]


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""


def _leaks(url: str, secrets: dict[Path, bytes]) -> tuple[list[str], list[tuple[str, int]]]:
    """(the URLs that served a secret file's content, the URLs answered with neither 200 nor 403/404)."""
    leaked, odd = [], []
    for path, line in secrets.items():
        for form in _file_urls(path):
            status, body = _fetch(url + form)
            if status == 200 and line in body:
                leaked.append(form)
            elif status not in (200, 403, 404):
                odd.append((form, status))
    return leaked, odd


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_server_survives_and_serves_no_files(server, client):
    """No URL form serves the project's files, the index's files or the corpus (and none breaks the server)."""
    url, folder = server[0], server[1]
    leaked, odd = _leaks(url, _secrets(folder))
    assert leaked == [] and odd == []
    for path in ("gradio_api/file=/etc/passwd", "file=/etc/passwd"):
        status, body = _fetch(url + path)
        assert b"root:" not in body and status in (200, 403, 404), path
    # still answering after all of the above
    assert client.predict("pipeline", 1, api_name="/search")["passages"]


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_the_file_probe_sees_a_leak(tmp_path, tiny_index, fake_embedder, monkeypatch):
    """The probe above is not blind: a server allowed to serve these folders is caught by it, for every file."""
    from conftest import ROOT

    launch_options = ui.launch_options
    monkeypatch.setattr(ui, "launch_options", lambda host, port: {
        **launch_options(host, port), "allowed_paths": [str(ROOT), str(tiny_index)]})
    demo, url = ui.serve(tiny_index, port=free_port(), embedder=fake_embedder, block=False)
    try:
        secrets = _secrets(tiny_index)
        for path, line in secrets.items():
            leaked, _ = _leaks(url, {path: line})
            assert leaked, path
    finally:
        demo.close()


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_only_the_search_endpoint_is_public(client):
    info = client.view_api(print_info=False, return_format="dict")
    assert list(info["named_endpoints"]) == ["/search"]


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_handlers_keep_sessions_apart(server):
    url, folder, embedder, _ = server
    engine = Engine(folder, embedder)
    alice, bob = [], []
    *_, (alice, _) = handlers.answer(engine, "What will happen to water prices?", 2, False, "", alice)
    *_, (bob, html) = handlers.answer(engine, "Is the pipeline funded?", 2, False, "", bob)
    *_, (alice, _) = handlers.answer(engine, "and what about the pipeline?", 2, False, "", alice)
    assert [t.question for t in bob] == ["Is the pipeline funded?"]
    assert alice[1].query.startswith("What will happen to water prices?")   # rewritten with alice's turn
    assert "rq-quote" in html


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_concurrent_sessions_through_the_api(client, server):
    results = at_once(lambda n: client.predict(["pipeline funded", "water prices"][n % 2], 1, api_name="/search"), 8)
    assert {results[n]["passages"][0]["section"] for n in range(0, 8, 2)} == {"Q2"}


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_the_server_stays_lean_under_load(server):
    """What measured load showed to cost: Gradio's monitoring table of the last 10,000 events rebuilt
    after each one (memory and CPU growing with the run), and BLAS threads spinning after every
    small numpy product."""
    from threadpoolctl import threadpool_info

    queue = server[3]._queue
    assert queue.ANALYTICS_MAX_EVENTS <= 1000
    assert queue.ANAYLTICS_CACHE_FREQUENCY >= 100        # (sic) Gradio's name
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas and all(lib["num_threads"] == 1 for lib in blas)


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_open_link_and_open_span(server):
    url, folder, embedder, _ = server
    engine = Engine(folder, embedder)
    index = engine.retriever().index
    hit = engine.retriever().search("Is the pipeline funded?", 1).hits[0]
    link = chat.permalink("Is the pipeline funded?", 1, index.fingerprint, span=hit.passage)
    search, fragment = link.split("#")
    turns, source, k, summary = handlers.open_link(engine, search, "#" + fragment)
    assert k == 1 and summary is False and turns[0].result.hits[0].passage == hit.passage
    assert '<mark class="rq-hl">' in source and "Q2: the full exchange" in source
    # another index version: said, and the span is not shown
    turns, source, *_ = handlers.open_link(engine, search.replace(index.fingerprint, "0ld0ld0ld0ld"), "#" + fragment)
    assert source is None and "index version 0ld0ld0ld0ld" in turns[0].notices[0]
    # a broken link is a message
    turns, *_ = handlers.open_link(engine, "?q=x&k=abc", "")
    assert turns[0].error and "1 to 50" in turns[0].error
    assert handlers.open_link(engine, "", "") is None
    # a click on a quote
    state = list(handlers.answer(engine, "Is the pipeline funded?", 1, False, "", []))[-1][0]
    p = state[0].result.hits[0].passage
    assert "rq-hl" in handlers.open_span(engine, state, {"turn": 1, "doc": p.doc, "start": p.start, "end": p.end})
    assert "could not be read" in handlers.open_span(engine, state, {"doc": p.doc, "start": "x", "end": None})
    assert "could not be read" in handlers.open_span(engine, state, ["not", "a", "dict"])
    assert "lie outside" in handlers.open_span(engine, state, {"turn": 99, "doc": p.doc, "start": 0, "end": 10**9})


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_launch_options(monkeypatch):
    monkeypatch.delenv("RAG_PASSWORD", raising=False)
    monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)
    options = ui.launch_options("127.0.0.1", None)
    assert options["server_name"] == "127.0.0.1" and options["server_port"] == 7860
    assert options["allowed_paths"] == [] and "auth" not in options
    monkeypatch.setenv("GRADIO_SERVER_PORT", "8123")
    monkeypatch.setenv("RAG_PASSWORD", "s3cret")
    options = ui.launch_options("0.0.0.0", None)
    assert options["server_port"] == 8123 and options["auth"]("rag", "s3cret")
    assert not options["auth"]("rag", "wrong") and not options["auth"]("other", "s3cret")


def test_cli_serve_binds_loopback_by_default():
    from rag.cli import parser

    args = parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port is None


def test_documents_add_filter_remove(tmp_path, tiny_index, fake_embedder):
    engine = Engine(tiny_index, fake_embedder)
    other = tmp_path / "harbour.txt"
    other.write_text("Harbour report, June 2, 2023.\n\nThe harbour dredging starts in July.\n", encoding="utf-8")
    bad = tmp_path / "image.png"
    bad.write_bytes(b"\x89PNG")
    seen = []
    message = handlers.add_files(engine, [str(other), str(bad)], progress=lambda *a: seen.append(a))
    assert "1 added" in message and "Skipped image.png" in message
    index = engine.retriever().index
    assert set(index.documents) == {"briefing.txt", "harbour.txt"}
    assert ("harbour.txt" in render.documents_html(index)) and len(handlers.document_choices(index)) == 2
    # the filter: only the chosen document's passages
    *_, (turns, _) = handlers.answer(engine, "When does the dredging start?", 3, False, "", [], docs=["briefing.txt"])
    assert {h.passage.doc for h in turns[-1].result.hits} == {"briefing.txt"}
    assert handlers.search_api(engine, "dredging", 2, ["harbour.txt"])["passages"][0]["text"].startswith("The harbour")
    assert "Choose a document" in handlers.remove_file(engine, "")
    # a document indexed from a file of the server is the operator's: a visitor removed the shipped transcript, then
    # uploaded a forged file under its name, which bore its id, title and date (a hostile review)
    refused = handlers.remove_file(engine, "briefing.txt")
    assert "indexed from a file of the server" in refused and "rag remove briefing.txt" in refused
    assert set(engine.retriever().index.documents) == {"briefing.txt", "harbour.txt"}
    assert "1 removed" in handlers.remove_file(engine, "harbour.txt")
    # another visitor's choice, made before it went: the reason is said (a hostile review: "1 skipped", no why)
    assert "harbour.txt: no such document in the index (removed meanwhile?)" in \
        handlers.remove_file(engine, "harbour.txt")
    assert set(engine.retriever().index.documents) == {"briefing.txt"}
    assert "only document" in handlers.remove_file(engine, "briefing.txt")
    assert "Choose one or more files" in handlers.add_files(engine, [])


def test_word_matching_until_the_model_is_ready(tiny_index, fake_embedder):
    class Slow(type(fake_embedder)):
        model = property(lambda self: None)        # a model to load, as the real embedder has

    engine = Engine(tiny_index, Slow())
    *_, (turns, html) = handlers.answer(engine, "Is the pipeline funded?", 2, False, "", [])
    assert LOADING_NOTICE in turns[0].notices and turns[0].result.hits
    assert all(h.provenance["dense_rank"] is None for h in turns[0].result.hits)
    assert LOADING_NOTICE in handlers.search_api(engine, "pipeline", 1)["notices"]
    engine.warm_up()
    assert engine.model_ready.is_set()
    *_, (turns, html) = handlers.answer(engine, "Is the pipeline funded?", 2, False, "", [])
    assert LOADING_NOTICE not in turns[0].notices
    assert turns[0].result.hits[0].provenance["dense_rank"] is not None


def test_a_chat_started_without_an_index_uses_the_model_once_one_is_uploaded(tmp_path, fake_embedder):
    """A hostile review: a chat started on a new (or damaged) index never used the model, even after an upload made
    the index: the warm-up had failed on the missing index before loading the model, so every answer said the model
    was still loading, until a restart."""
    class Slow(type(fake_embedder)):
        model = property(lambda self: None)

    engine = Engine(tmp_path / "fresh", Slow())
    engine.warm_up()
    assert engine.ready.is_set() and engine.model_ready.is_set()
    path = tmp_path / "c.txt"
    path.write_text("Cats sleep most of the day in the sun. They wake at dusk.\n", encoding="utf-8")
    assert "1 added" in handlers.add_files(engine, [str(path)])
    assert LOADING_NOTICE not in handlers.search_api(engine, "feline napping habits", 1)["notices"]


def test_summary_streams_above_the_quotes(tiny_index, fake_embedder, monkeypatch):
    import sys
    import types
    from dataclasses import dataclass

    @dataclass
    class Update:
        text: str
        done: bool
        summary: object = None

    class Summariser:
        loaded = False

        def stream(self, question, hits, index, embedder=None):
            assert hits and index is not None and embedder is not None
            yield Update("The pipeline", False)
            yield Update("The pipeline is funded [1].", False)
            sentence = CheckedSentence(text="The pipeline is funded [1].", citations=[1], supported=True, support=0.9)
            yield Update("The pipeline is funded [1].", True, Summary(sentences=[sentence], model="fake-lm"))

    fake = types.ModuleType("rag.summarise")
    fake.get_summariser = lambda model_name=None: Summariser()
    monkeypatch.setitem(sys.modules, "rag.summarise", fake)
    import rag
    monkeypatch.setattr(rag, "summarise", fake, raising=False)
    engine = Engine(tiny_index, fake_embedder)
    steps = list(handlers.answer(engine, "Is the pipeline funded?", 2, True, "", []))
    first_html = steps[0][1]
    assert "rq-quote" in first_html and "fake-lm" not in first_html        # quotes first, no waiting
    assert "Loading the summary model" in steps[1][1]
    last_turns, last_html = steps[-1]
    assert last_html.index("rq-summary") < last_html.index("rq-quotes")    # the answer above its quotes
    assert "Summary by fake-lm" in last_html and 'href="#t1-q1"' in last_html
    # off: no summary at all
    assert "rq-summary" not in list(handlers.answer(engine, "Is the pipeline funded?", 2, False, "", []))[-1][1]


def test_summaries_beyond_a_few_at_once_leave_the_question_slots_free(tiny_index, fake_embedder, monkeypatch):
    """A hostile review: a visitor's burst of summary questions held all 16 question slots while each waited for the
    model (which writes one at a time), and another visitor's plain question took 22 s instead of 0.06. At most
    handlers.SUMMARIES are written or wait at once; past them a turn's quotes come alone, saying why."""
    import sys
    import types

    from rag.summarise import Summary, SummaryUpdate as Update

    class Summariser:
        def stream(self, question, hits, index, embedder=None):
            yield Update("The pipeline", False)
            yield Update("The pipeline is funded.", True, Summary(sentences=[], model="fake-lm"))

    fake = types.ModuleType("rag.summarise")
    fake.get_summariser = lambda model_name=None: Summariser()
    monkeypatch.setitem(sys.modules, "rag.summarise", fake)
    import rag
    monkeypatch.setattr(rag, "summarise", fake, raising=False)
    monkeypatch.setattr(handlers, "_writing", {})       # (this test's places only, whatever it leaves)
    busy = "the summary model is busy with other questions"
    engine = Engine(tiny_index, fake_embedder)
    under_way = [handlers.answer(engine, "Is the pipeline funded?", 2, True, "", []) for _ in range(handlers.SUMMARIES)]
    for g in under_way:         # each past its quotes, its summary begun and not finished
        next(g), next(g)
    steps = list(handlers.answer(engine, "Is the pipeline funded?", 2, True, "", []))
    assert busy in steps[-1][1] and "rq-quote" in steps[-1][1] and busy in handlers.BUSY_NOTE
    for g in under_way:
        list(g)                 # finished: their places are free again
    steps = list(handlers.answer(engine, "Is the pipeline funded?", 2, True, "", []))
    assert busy not in steps[-1][1] and "fake-lm" in steps[-1][1]
    # a turn abandoned mid-summary (its generator never closed) gives its place back after SUMMARY_HOLD seconds
    stuck = [handlers.answer(engine, "Is the pipeline funded?", 2, True, "", []) for _ in range(handlers.SUMMARIES)]
    for g in stuck:
        next(g), next(g)
    monkeypatch.setattr(handlers, "SUMMARY_HOLD", 0.0)
    assert busy not in list(handlers.answer(engine, "Is the pipeline funded?", 2, True, "", []))[-1][1]
    for g in stuck:
        g.close()


def test_summary_failure_keeps_the_quotes(tiny_index, fake_embedder, monkeypatch):
    import sys
    import types

    from rag.errors import ModelError

    def broken(model_name=None):
        raise ModelError("Cannot load summary model 'nope'.")

    fake = types.ModuleType("rag.summarise")
    fake.get_summariser = broken
    monkeypatch.setitem(sys.modules, "rag.summarise", fake)
    import rag
    monkeypatch.setattr(rag, "summarise", fake, raising=False)
    monkeypatch.setenv(handlers.SUMMARY_MODELS_VARIABLE, "nope")      # offered by the operator, then fails
    engine = Engine(tiny_index, fake_embedder)
    turns, html = list(handlers.answer(engine, "Is the pipeline funded?", 2, True, "nope", []))[-1]
    assert "rq-quote" in html and "Cannot load summary model" in html


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_a_visitor_cannot_probe_server_folders_through_the_model_choice(tiny_index, fake_embedder, tmp_path,
                                                                         monkeypatch):
    monkeypatch.delenv(handlers.SUMMARY_MODELS_VARIABLE, raising=False)
    engine = Engine(tiny_index, fake_embedder)
    notes = []
    for name in (str(tmp_path), str(tmp_path / "no-such-folder"), "/etc"):
        turns, html = list(handlers.answer(engine, "Is the pipeline funded?", 2, True, name, []))[-1]
        notes.append(turns[-1].summary_note)
        assert "rq-quote" in html
    assert notes == ["This server does not offer that summary model."] * 3


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_password_from_the_environment(tiny_index, fake_embedder, monkeypatch):
    from gradio_client import Client

    monkeypatch.setenv("RAG_PASSWORD", "correct horse")
    monkeypatch.delenv("RAG_USER", raising=False)
    demo, url = ui.serve(tiny_index, port=free_port(), embedder=fake_embedder, block=False)
    try:
        for path in ("config", "gradio_api/info"):
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(url + path, timeout=10)
            assert info.value.code == 401
        with pytest.raises(Exception):
            Client(url, verbose=False).predict("pipeline", 1, api_name="/search")
        with pytest.raises(Exception):
            Client(url, auth=("rag", "wrong"), verbose=False)
        data = Client(url, auth=("rag", "correct horse"), verbose=False).predict("pipeline", 1, api_name="/search")
        assert data["passages"]
    finally:
        demo.close()


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_a_missing_index_is_a_message_with_the_command(tmp_path, fake_embedder):
    engine = Engine(tmp_path / "nothing", fake_embedder)
    *_, (turns, html) = handlers.answer(engine, "Is the pipeline funded?", 2, False, "", [])
    assert "Build it with: rag index" in turns[0].error and "rq-error" in html
    assert "Build it with: rag index" in handlers.conversation(engine, [])
    assert handlers.open_link(engine, "?q=pipeline", "")[0][0].error.startswith("No index found")
    demo = ui.build_app(engine)           # the page still builds, and says what is wrong
    assert demo is not None


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_index_is_a_message_with_the_command(tiny_index, tmp_path, fake_embedder, how):
    """A damaged index (not only a missing one): the chat and the API handler say so, with the rebuild
    command, and show no passages."""
    folder = tmp_path / "damaged"
    shutil.copytree(tiny_index, folder)
    damage_index(folder, how)
    engine = Engine(folder, fake_embedder)
    *_, (turns, html) = handlers.answer(engine, "Is the pipeline funded?", 2, False, "", [])
    assert "rag index" in turns[0].error and turns[0].result is None
    assert "rq-error" in html and "rq-quote" not in html and "regional grant" not in html
    with pytest.raises(RagError, match="rag index"):
        handlers.search_api(engine, "Is the pipeline funded?", 2)


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_a_damaged_index_through_the_served_api(tiny_index, tmp_path, fake_embedder):
    """The same through the running server: the API answers with the message, not passages or a traceback."""
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    folder = tmp_path / "damaged"
    shutil.copytree(tiny_index, folder)
    damage_index(folder, "passages.jsonl reversed")
    demo, url = ui.serve(folder, port=free_port(), embedder=fake_embedder, block=False)
    try:
        with pytest.raises(AppError, match="rag index") as info:
            Client(url, verbose=False).predict("Is the pipeline funded?", 2, api_name="/search")
        assert "Traceback" not in str(info.value)
    finally:
        demo.close()


def test_concurrent_first_use_opens_the_index_once(tiny_index, fake_embedder, monkeypatch):
    """Eight sessions asking at once, before the index is open, share one load of the index."""
    import rag.store

    opened = []
    real_open = rag.store.load

    def slow_open(*args, **kwargs):
        opened.append(threading.get_ident())
        time.sleep(0.1)                     # long enough for every thread to arrive while it runs
        return real_open(*args, **kwargs)

    monkeypatch.setattr(rag.store, "load", slow_open)
    engine = Engine(tiny_index, fake_embedder)
    got = at_once(lambda _: engine.retriever(), 8)
    assert len({id(r) for r in got}) == 1
    assert len(opened) == 1


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
@pytest.mark.parametrize("docs", [[1], [["x"]], [None], {"a": 1}])
def test_api_docs_that_are_not_ids_are_a_message(client, docs):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="must be a list of document ids"):
        client.predict("pipeline", 2, docs, api_name="/search")


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_api_docs_as_one_string_is_one_id(client):
    data = client.predict("pipeline", 2, "briefing.txt", api_name="/search")
    assert data["passages"] and {p["source"].rsplit("/", 1)[-1] for p in data["passages"]} == {"briefing.txt"}
    from gradio_client.exceptions import AppError
    with pytest.raises(AppError, match="No such document"):
        client.predict("pipeline", 2, "briefing", api_name="/search")     # not split into characters


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_the_cli_and_the_api_print_the_same_json(server, client, capsys, monkeypatch):
    """`rag search --json` and the /search API are one function (cite.result_json), run for real."""
    import json as _json

    import rag.embed
    from conftest import FakeEmbedder
    from rag.cli import main

    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    for query in ("Is the pipeline funded?", "water prices next year"):
        assert main(["search", query, "-k", "3", "--json", "--index", str(server[1])]) == 0
        cli = _json.loads(capsys.readouterr().out)
        api = client.predict(query, 3, api_name="/search")
        assert cli == api


def test_a_sessions_memory_is_bounded_and_expires(tiny_index, fake_embedder, monkeypatch):
    """A hostile review: a script that never closes its sessions kept 30 turns of 20 quotes each (31 MB a session) and
    grew the server by 430 MB a minute, Gradio keeping 10,000 sessions, none expiring. A session keeps at most
    MAX_SESSION_CHARS characters of rendered turns (the newest always), its state expires, and fewer are kept."""
    from rag import chat, ui

    monkeypatch.setattr(handlers, "MAX_SESSION_CHARS", 5_000)
    engine = Engine(tiny_index, fake_embedder)
    old = [chat.Turn(question=f"q{i}", number=i + 1, html="x" * 2_000) for i in range(4)]
    *_, (turns, _) = handlers.answer(engine, "When does the water plan start?", 3, False, "", old)
    assert [t.number for t in turns] == [3, 4, 5]          # 2 x 2,000 kept beside the newest; its number goes on
    assert sum(len(t.html) for t in turns[:-1]) <= 5_000 and turns[-1].html
    assert ui.launch_options("127.0.0.1", 7860)["state_session_capacity"] == handlers.SESSIONS <= 500
    import gradio as gr
    with gr.Blocks():
        state = ui._layout(engine)["turns"]
    assert isinstance(state, gr.State) and state.time_to_live == handlers.SESSION_SECONDS


@pytest.mark.slow
def test_answers_left_unread_are_bounded_per_address(tmp_path, tiny_index, fake_embedder, monkeypatch):
    """A hostile review: a script that joined Gradio's queue 2,000 times (/search, k=20) and never read a result grew
    the server by 500 MB a round, kept for good (Gradio holds each result until the page reads it, with no bound per
    session), and slowed every other visitor. Past ui.UNREAD unread answers (lowered here) an address's next
    question is refused with 429; once it reads them it may ask again."""
    import json
    import time
    import urllib.request
    import uuid

    monkeypatch.setattr(ui, "UNREAD", 5)
    demo, url = ui.serve(tiny_index, port=free_port(), embedder=fake_embedder, block=False)
    try:
        config = json.loads(urllib.request.urlopen(url + "config", timeout=30).read())
        search = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "search")

        def join(session: str) -> int:
            body = json.dumps({"data": ["Is the pipeline funded?", 20], "fn_index": search,
                               "session_hash": session}).encode()
            request = urllib.request.Request(url + "gradio_api/queue/join", body,
                                             {"Content-Type": "application/json"})
            try:
                return urllib.request.urlopen(request, timeout=30).status
            except urllib.error.HTTPError as e:
                return e.code

        flood = uuid.uuid4().hex[:10]
        assert [join(flood) for _ in range(5)] == [200] * 5
        time.sleep(1)
        assert join(flood) == 429 and join(uuid.uuid4().hex[:10]) == 429     # another session of the address too
        with urllib.request.urlopen(url + f"gradio_api/queue/data?session_hash={flood}", timeout=30) as stream:
            done = 0
            for line in stream:
                done += b'"process_completed"' in line
                if done == 5:
                    break
        time.sleep(0.5)
        assert join(uuid.uuid4().hex[:10]) == 200                          # read: it may ask again
        # a page closed mid-answer leaves it unread for good: its session stops counting after ui.RECENT seconds
        monkeypatch.setattr(ui, "RECENT", 2)
        gone = uuid.uuid4().hex[:10]
        assert [join(gone) for _ in range(4)] == [200] * 4 and join(gone) == 429     # (with the one just asked)
        time.sleep(2.5)
        assert join(uuid.uuid4().hex[:10]) == 200
        # the REST route (results read by event id) is counted too, and a body too deep to read is no server error
        monkeypatch.setattr(ui, "RECENT", 600)
        rest = [urllib.request.Request(url + "gradio_api/call/search", json.dumps(
            {"data": ["Is the pipeline funded?", 20]}).encode(), {"Content-Type": "application/json"})
            for _ in range(6)]
        codes = []
        for request in rest:
            try:
                codes.append(urllib.request.urlopen(request, timeout=30).status)
            except urllib.error.HTTPError as e:
                codes.append(e.code)
        assert codes == [200] * 5 + [429]
        deep = urllib.request.Request(url + "gradio_api/queue/join", b"[" * 100_000, {"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(deep, timeout=30)
        assert refused.value.code < 500
    finally:
        demo.close()


def test_an_uploads_progress_says_which_passages_are_being_embedded():
    """Session 30: "0/84 steps · 0.0 %" for the 12 s the first batch of 64 took, then 76 %."""
    from rag.build import EMBED_BATCH

    assert ui.progress_text(0, 84, "Embedding Bro005.txt") == f"Embedding Bro005.txt: passages 1–{min(EMBED_BATCH, 84)} of 84"
    assert ui.progress_text(84, 84, "Embedding Bro005.txt") == "Embedding Bro005.txt"
    assert ui.progress_text(0, 1, "Saving the index") == "Saving the index"
