"""Session 34's hostile review of the chat server: a visitor's upload passed for the document it copied (its title
one invisible character apart), questions of any size were read whole on the server, a malformed request wrote its
payload into the log, the REST search limit counted answers read, and a huge body was read before the password."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from rag import cite
from rag.records import Document


def test_an_upload_whose_title_only_looks_the_same_is_told_apart():
    title = "Harbour Committee minutes, Portmere, March 3, 2024"
    forged = {"Har\u200bbour Committee minutes, Portmere, March 3, 2024",            # an invisible character
              "H\u0430rbour Committee minutes, Portmere, March 3, 2024",              # a Cyrillic "а"
              "Harbour  Committee minutes, Portmere, March 3, 2024 "}                 # spaces
    for other in forged:
        docs = {"minutes.txt": Document(id="minutes.txt", text="a", title=title),
                "minutes.txt (2)": Document(id="minutes.txt (2)", text="b", title=other)}
        index = SimpleNamespace(documents=docs)
        assert cite.doc_name(docs["minutes.txt"], index).endswith("(minutes.txt)"), other
        assert cite.doc_name(docs["minutes.txt (2)"], index).endswith("(minutes.txt (2))"), other
    docs = {"a.txt": Document(id="a.txt", text="a", title=title),
            "b.txt": Document(id="b.txt", text="b", title="Harbour Committee minutes, Portmere, May 5, 2024")}
    assert cite.doc_name(docs["a.txt"], SimpleNamespace(documents=docs)) == title      # titles that differ: as they are


def test_a_question_of_megabytes_is_read_only_as_far_as_the_box_holds(tiny_index, fake_embedder):
    """A request may send a question of any size (the box holds 100,000 characters): a 3 MB one took 9 s of the
    server's time, walked whole, and was kept whole in the session."""
    from rag import handlers
    from rag.engine import Engine
    from rag.query import MAX_QUESTION_CHARS, clean_query

    assert len(clean_query("harbour " * 500_000)[0]) <= 1000
    engine = Engine(tiny_index, fake_embedder)
    *_, (turns, _) = handlers.answer(engine, "water " * 1_000_000, 3, False, "", [])
    assert len(turns[-1].question) == MAX_QUESTION_CHARS


@pytest.mark.slow       # a real server
def test_the_server_refuses_huge_bodies_counts_rest_answers_read_and_says_no_traceback(tmp_path, tiny_index,
                                                                                        fake_embedder, monkeypatch,
                                                                                        capfd):
    """A stranger's 300 MB body was read whole before the password check (1.1 GB); a malformed request's payload
    went into the log; the REST route locked an address out after 128 calls in ten minutes though every answer was
    read; a poll of a session that never asked printed a traceback."""
    import json
    import urllib.error
    import urllib.request

    from rag import ui
    from test_browser import free_port

    monkeypatch.setattr(ui, "UNREAD", 3)
    demo, url = ui.serve(tiny_index, port=free_port(), embedder=fake_embedder, block=False)

    def post(path: str, body: bytes) -> tuple[int, bytes]:
        request = urllib.request.Request(url + path, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as e:
            return e.code, b""
    try:
        import http.client
        from urllib.parse import urlparse

        where = urlparse(url)
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
        connection.putrequest("POST", "/gradio_api/queue/join")        # 300 MB said, none sent: refused at once
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(300 * 2**20))
        connection.endheaders()
        assert connection.getresponse().status == 413
        connection.close()
        with pytest.raises(urllib.error.HTTPError) as unknown:
            urllib.request.urlopen(url + "gradio_api/queue/data?session_hash=neverjoined", timeout=30)
        assert unknown.value.code == 404
        call = json.dumps({"data": ["Is the pipeline funded?", 3]}).encode()
        for _ in range(6):          # each answer read: never refused
            status, body = post("gradio_api/call/search", call)
            assert status == 200
            with urllib.request.urlopen(url + f"gradio_api/call/search/{json.loads(body)['event_id']}",
                                        timeout=30) as answer:
                assert b"complete" in answer.read()
        assert [post("gradio_api/call/search", call)[0] for _ in range(4)] == [200] * 3 + [429]    # unread: bounded
    finally:
        demo.close()
    assert "Traceback" not in capfd.readouterr().err
