"""The chat's promises to its users' files: uploads add, never silently replace; a read-only server
changes nothing; a changed file on disk or a failed reload never takes the chat down; logins are throttled."""
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from rag import handlers, render, store, ui
from rag.engine import Engine
from rag.errors import IndexProblem

from conftest import INTERVIEW
from pdfgen import pdf_file
from test_ui_api import free_port


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_upload_with_a_taken_name_is_added_under_a_new_one(tmp_path, tiny_index, fake_embedder):
    engine = Engine(tiny_index, fake_embedder)
    message = handlers.add_files(engine, [write(tmp_path / "up" / "briefing.txt", "Another briefing entirely. " * 4)])
    assert "1 added" in message and "added as “briefing.txt (2)”" in message
    docs = engine.retriever().index.documents
    assert docs["briefing.txt"].text == INTERVIEW and docs["briefing.txt (2)"].text.startswith("Another")
    # replacing an upload is an explicit act
    handlers.add_files(engine, [write(tmp_path / "up2" / "notes.txt", "The first notes. " * 4)])
    message = handlers.add_files(engine, [write(tmp_path / "up3" / "notes.txt", "The replacement text. " * 4)],
                                 replace=True)
    assert "1 updated" in message
    assert engine.retriever().index.documents["notes.txt"].text.startswith("The replacement")
    # and never replaces a document indexed from a file of the server (the shipped transcript): ticked, it updates
    # the earlier upload of that name ("briefing.txt (2)", stored as upload:briefing.txt), not the server's file
    message = handlers.add_files(engine, [write(tmp_path / "up4" / "briefing.txt", "Made-up words. " * 4)],
                                 replace=True)
    assert "1 updated" in message
    docs = engine.retriever().index.documents
    assert docs["briefing.txt"].text == INTERVIEW and docs["briefing.txt (2)"].text.startswith("Made-up")
    assert "briefing.txt (3)" not in docs
    # unticked, the message does not send the visitor to a tick that cannot replace a server file
    message = handlers.add_files(engine, [write(tmp_path / "up5" / "briefing.txt", "Yet other words. " * 4)])
    assert "which an upload never replaces" in message and "tick" not in message


def test_an_upload_never_replaces_a_server_file_even_ticked(tmp_path, tiny_index, fake_embedder):
    """With Replace ticked, an upload of the shipped transcript's name replaced it (a hostile reviewer)."""
    engine = Engine(tiny_index, fake_embedder)
    message = handlers.add_files(engine, [write(tmp_path / "up" / "briefing.txt", "Made-up words. " * 4)],
                                 replace=True)
    assert "1 added" in message and "which an upload never replaces" in message
    docs = engine.retriever().index.documents
    assert docs["briefing.txt"].text == INTERVIEW and docs["briefing.txt (2)"].text.startswith("Made-up")


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_a_read_only_server_changes_nothing(tmp_path, tiny_index, fake_embedder):
    before = (tiny_index / "manifest.json").read_bytes()
    engine = Engine(tiny_index, fake_embedder, read_only=True)
    assert handlers.add_files(engine, [write(tmp_path / "x.txt", "New words. " * 4)]) .count(handlers.READ_ONLY_NOTICE) == 1
    assert handlers.READ_ONLY_NOTICE in handlers.remove_file(engine, "briefing.txt")
    assert (tiny_index / "manifest.json").read_bytes() == before


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_a_read_only_server_has_no_upload_controls(tiny_index, fake_embedder, monkeypatch):
    monkeypatch.setenv("RAG_READ_ONLY", "1")
    demo, url = ui.serve(tiny_index, port=free_port(), embedder=fake_embedder, block=False)
    try:
        config = json.load(urllib.request.urlopen(url + "config", timeout=10))
        visible = {c["props"].get("elem_id"): c["props"].get("visible", True) for c in config["components"]}
        hidden_groups = [c for c in config["components"] if c["type"] == "group" and c["props"].get("visible") is False]
        assert hidden_groups, "the upload controls are not in a hidden group"
        assert visible.get("rq-filter") is not False          # searching and filtering stay
        # Gradio's own routes that write a visitor's files to disk are refused (a hostile review: its upload route
        # kept 400 MB in 13 s on a read-only server, and each deep link wrote a session's 5 MB as a file)
        boundary = "rqboundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n"
                f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n").encode()
        upload = urllib.request.Request(url + "gradio_api/upload", data=body, method="POST",
                                        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        for request in (upload, url + "gradio_api/deep_link?session_hash=abc"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 403
    finally:
        demo.close()


def test_a_file_changed_on_disk_does_not_stop_the_chat(tmp_path, fake_embedder):
    from rag.build import build

    source = tmp_path / "briefing.txt"
    source.write_text(INTERVIEW, encoding="utf-8")
    build([source], fake_embedder, tmp_path / "idx")
    source.write_text(INTERVIEW + "\nA new paragraph, written after the index was made.\n", encoding="utf-8")
    with pytest.raises(IndexProblem, match="out of date"):      # the command line still says so
        store.load(tmp_path / "idx", embedder=fake_embedder)
    engine = Engine(tmp_path / "idx", fake_embedder)
    message = handlers.add_files(engine, [write(tmp_path / "up" / "other.txt", "The harbour opens in July. " * 3)])
    assert "1 added" in message and "previous one" not in message
    assert handlers.search_api(engine, "Is the pipeline funded?", 2)["passages"]
    assert "briefing.txt changed on disk" in render.header_html(engine.index_or_none(), engine.changed)


def test_a_failed_reload_keeps_serving_the_previous_index(tmp_path, tiny_index, fake_embedder, monkeypatch):
    engine = Engine(tiny_index, fake_embedder)
    assert handlers.search_api(engine, "pipeline", 1)["passages"]

    def broken(*args, **kwargs):
        raise IndexProblem("The index in idx/ is damaged (test).")

    monkeypatch.setattr(store, "load", broken)
    assert engine.reload() is not None and "damaged" in engine.problem
    assert handlers.search_api(engine, "pipeline", 1)["passages"]
    message = handlers.add_files(engine, [write(tmp_path / "n.txt", "Notes about the pipeline. " * 3)])
    assert "previous one is still served" in message


def test_login_throttle_refuses_even_the_right_password_for_a_while():
    now = [0.0]
    check = ui.LoginThrottle("rag", "right", free=5, lockout=30, clock=lambda: now[0])
    assert [check("rag", "wrong") for _ in range(5)] == [False] * 5
    assert not check("rag", "right")                  # locked: guessing gains nothing
    now[0] += 31
    assert [check("rag", f"guess{i}") for i in range(5)] == [False] * 5
    now[0] += 31
    assert not check("rag", "right")                  # the second lockout is twice as long
    now[0] += 30
    assert check("rag", "right")                      # ... and a right login resets it
    assert [check("rag", f"again{i}") for i in range(5)] == [False] * 5
    now[0] += 31
    assert check("rag", "right")


def test_a_strangers_wrong_logins_lock_out_only_their_address():
    """A hostile review: the lockout was the whole server's, so a stranger's five wrong guesses every few minutes
    kept every user from logging in (17 of 18 right logins refused). Each address is throttled apart."""
    now = [0.0]
    check = ui.LoginThrottle("rag", "right", free=5, lockout=30, clock=lambda: now[0])
    token = ui.CLIENT.set("203.0.113.9")
    try:
        assert [check("rag", "wrong") for _ in range(5)] == [False] * 5
        assert not check("rag", "right")                  # the guesser's own address is locked
        ui.CLIENT.set("192.0.2.1")
        assert check("rag", "right")                      # another user's is not
        ui.CLIENT.set("203.0.113.9")
        now[0] += 31
        assert check("rag", "right")
    finally:
        ui.CLIENT.reset(token)


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_a_hundred_wrong_passwords_over_http_mostly_go_unchecked(tiny_index, fake_embedder, monkeypatch):
    monkeypatch.setenv("RAG_PASSWORD", "correct horse")
    demo, url = ui.serve(tiny_index, port=free_port(), embedder=fake_embedder, block=False)

    def login(password):
        data = urllib.parse.urlencode({"username": "rag", "password": password}).encode()
        try:
            with urllib.request.urlopen(url + "login", data=data, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    try:
        assert {login(f"guess{i}") for i in range(100)} == {400}
        assert login("correct horse") == 400              # locked out for now, right password or not
        throttle = demo.auth if callable(demo.auth) else None
        # (locked for this address, the middleware having noted it: 127.0.0.1)
        assert throttle is None or throttle.clients["127.0.0.1"].locked_until > 0
    finally:
        demo.close()


def test_a_write_the_system_refuses_is_said_without_the_servers_path(tmp_path, tiny_index, fake_embedder,
                                                                     monkeypatch):
    """The chat showed "Could not write /srv/…/idx (No space left on device)": no absolute server path reaches a
    visitor. (mkdtemp refuses as on a full disk; tests/test_crash.py has the real refusal, a file-size limit.)"""
    import tempfile

    engine = Engine(tiny_index, fake_embedder)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(tempfile, "mkdtemp", full)
    message = handlers.add_files(engine, [write(tmp_path / "up" / "new.txt", "New words here. " * 4)])
    assert "could not be written (No space left on device): nothing was changed" in message
    assert str(tmp_path) not in message and str(tiny_index) not in message
    assert "new.txt" not in engine.retriever().index.documents


def test_no_absolute_path_of_the_server_reaches_a_visitor(tmp_path, fake_embedder, monkeypatch):
    """A hostile review: an outside file indexed by its absolute path, changed since, was named in the page's header
    by that path ("/tmp/…/secret_notes.txt changed on disk …"), and a damaged index served from an absolute --index
    said "The index in /tmp/…/idx/ is damaged … rag index --index /tmp/…/idx" on the page. The header names the file
    as citations do (its id), and every message the page shows has each absolute path cut to its last part."""
    from rag.build import build

    outside = tmp_path / "home" / "secret_notes.txt"
    write(outside, INTERVIEW)
    build([outside], fake_embedder, tmp_path / "srv" / "idx")
    outside.write_text(INTERVIEW + "\nEdited.\n", encoding="utf-8")
    engine = Engine(tmp_path / "srv" / "idx", fake_embedder)
    engine.retriever()
    assert engine.changed == [str(outside.resolve())]         # stored by its absolute path: outside the index's folder
    header = render.header_html(engine.index_or_none(), engine.changed)
    assert "secret_notes.txt changed on disk" in header and str(tmp_path) not in header
    folder = str((tmp_path / "srv" / "idx").resolve())
    said = f"The index in {folder}/ is damaged (x). Rebuild it with: rag index --index {folder}"
    for html in (render.message_html(said, "error"), render.intro_html(None, said)):
        assert str(tmp_path) not in html and "The index in idx/ is damaged" in html and "--index idx" in html
    assert render.visible("Kiev/Kyiv, 12/03/2026, http://127.0.0.1:7860/x, ./idx, ~/idx") == \
        "Kiev/Kyiv, 12/03/2026, http://127.0.0.1:7860/x, ./idx, ~/idx"
    # (a code review: a folder's name followed by punctuation was cut away whole: "No index found in . Build …")
    assert render.visible("No index found in /srv/rag/idx/. Build it with: rag index --index /srv/rag/idx") == \
        "No index found in idx/. Build it with: rag index --index idx"
    assert render.visible("Cannot write /srv/rag/idx/: permission denied") == "Cannot write idx/: permission denied"
    # (a second review: a Milvus Lite file's URI kept its path, "No index found at milvus-lite:///srv/…/none.db")
    assert render.visible("No index found at milvus-lite:///srv/rag/none.db?collection=t. Build it with: rag index "
                          "PATH... --index milvus-lite:///srv/rag/none.db") == \
        "No index found at milvus-lite://none.db?collection=t. Build it with: rag index PATH... --index " \
        "milvus-lite://none.db"
    # (a hostile review: a proxy's error body echoed the key and named its upstream, and an address written with an
    # upper-case scheme was shown whole): the server's own words and address stay in the log
    assert render.visible("The summary server at http://127.0.0.1:7950/v1 answered HTTP 401: Incorrect API key "
                          "provided: Bearer sk-TOPSECRET-123. upstream http://10.9.8.7:8000/v1 rejected. The quotes "
                          "are shown without a summary.") == \
        "The summary server answered HTTP 401. The quotes are shown without a summary."
    assert render.visible("The summary server at http://x:1/v1 reported an error: key sk-1 refused") == \
        "The summary server reported an error."
    assert render.visible("The summary server at HTTP://10.0.0.5:8000/v1 does not answer (connection refused).") == \
        "The summary server does not answer (connection refused)."


def test_an_upload_of_more_text_than_an_upload_holds_is_skipped_quickly(tmp_path, tiny_index, fake_embedder,
                                                                         monkeypatch):
    """A hostile review: one upload of 50 MB of plain words (within the 50 MB limit) held the server for over ten
    minutes at 6.8 GB, its time limit checked only between steps. An upload holds read.MAX_UPLOAD_CHARS characters
    of text at most (the command line reads any size); here the limit is lowered, not the file made huge."""
    import time

    from rag import read

    monkeypatch.setattr(read, "MAX_UPLOAD_CHARS", 50_000)
    engine = Engine(tiny_index, fake_embedder)
    began = time.monotonic()
    message = handlers.add_files(engine, [write(tmp_path / "up" / "big.txt", "word " * 20_000)])
    assert "Skipped big.txt: 100,000 characters of text; an upload holds 50,000 at most" in message
    assert "big.txt" not in engine.retriever().index.documents and time.monotonic() - began < 10
    assert "1 added" in handlers.add_files(engine, [write(tmp_path / "up2" / "small.txt", "word " * 2_000)])


def test_an_uploads_name_loses_what_turns_text_around(tmp_path, tiny_index, fake_embedder):
    """A hostile review: an upload named "Ärger_😀_\u202eevil.txt" kept the override in its id, shown reversed."""
    engine = Engine(tiny_index, fake_embedder)
    message = handlers.add_files(engine, [write(tmp_path / "up" / "Ärger_😀_\u202eevil.txt", "Some words here. " * 4)])
    assert "1 added" in message
    assert "Ärger_😀_evil.txt" in engine.retriever().index.documents
    assert not any("\u202e" in d for d in engine.retriever().index.documents)
    assert "subtitles" in handlers.add_files(engine, [])       # what the box takes, when it dropped a .zip


def test_a_file_name_that_turns_text_around_is_shown_plainly(tmp_path, fake_embedder):
    """A hostile review: a file indexed with `rag index` as "normal \u202egpj.exe.txt" showed on the page as
    "normal txt.exe.jpg", and its quote's "chars 0–95" after it as "59–0 srahc"; the header's "changed on disk" line
    too. (An upload's name loses those characters when it is added; a server file keeps its name.)"""
    from rag import cite
    from rag.build import build
    from rag.retrieve import Retriever

    name = "normal \u202egpj.exe.txt"
    path = write(tmp_path / "docs" / name, "Harbour report.\n\nThe harbour dredging starts in July and ends in May.\n")
    index = build([path], fake_embedder, tmp_path / "idx")
    doc = index.documents[name]
    assert cite.doc_name(doc, index) == "normal gpj.exe.txt"
    result = Retriever(index, fake_embedder).search("When does the dredging start?", 1, abstain=False)
    quote = render.quote_html(result.hits[0], index, 1)
    meta = quote[quote.index('<div class="rq-meta">'):]            # what is read (data-doc keeps the id, for lookups)
    assert "\u202e" not in meta[:meta.index("</div>")] and ">normal gpj.exe.txt</span> · chars 0–" in meta
    header = render.header_html(index, [doc.path])
    assert "\u202e" not in header and "gpj.exe.txt changed on disk" in header
    assert "\u202e" not in render.documents_html(index).replace(f"<bdi>{name}</bdi>", "")


def test_an_upload_whose_word_xml_or_html_would_take_minutes_to_parse_is_skipped_at_once(tmp_path, tiny_index,
                                                                                         fake_embedder, monkeypatch):
    """A hostile review: a 62 kB Word file (40 MB of empty paragraphs once unpacked) took 2 minutes and 1.4 GB before
    its text could be counted, and a 32 MB HTML page 2 minutes and 5.7 GB: the text's limit came after the parse.
    Here the limits are lowered, not the files made huge; the command line still reads such files."""
    import time
    import zipfile

    from rag import read

    monkeypatch.setattr(read, "MAX_UPLOAD_XML_BYTES", 200_000)
    monkeypatch.setattr(read, "MAX_UPLOAD_HTML_BYTES", 100_000)
    bomb = tmp_path / "up" / "bomb.docx"
    bomb.parent.mkdir(parents=True)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><w:body>" + "<w:p/>" * 60_000 + "</w:body></w:document>")
    assert bomb.stat().st_size < 20_000
    page = write(tmp_path / "up" / "tags.html", "<html><body>" + "<p>a</p>" * 20_000 + "</body></html>")
    engine = Engine(tiny_index, fake_embedder)
    began = time.monotonic()
    message = handlers.add_files(engine, [str(bomb), page])
    assert "Skipped bomb.docx: 360," in message and "bytes of Word XML once unpacked; an upload holds 200,000" in message
    assert "Skipped tags.html: 160," in message and "bytes of HTML; an upload holds 100,000 at most" in message
    assert time.monotonic() - began < 10 and set(engine.retriever().index.documents) == {"briefing.txt"}


def test_the_chats_cache_clean_up_deletes_only_its_own_uploads_copies(tmp_path, tiny_index, fake_embedder):
    """The page deletes its uploads' copies in Gradio's folder after a day (delete_cache): only files this app's
    uploads put there (its own set of files), never another file of that folder, whatever its age."""
    from gradio.route_utils import delete_files_created_by_app

    demo = ui.build_app(Engine(tiny_index, fake_embedder))
    assert demo.delete_cache == (3600, 86400)
    ours, theirs = write(tmp_path / "gradio" / "abc" / "upload.txt", "x"), write(tmp_path / "gradio" / "mine.txt", "y")
    demo.upload_file_set.add(str(ours))
    delete_files_created_by_app(demo, None)             # as if a day had passed for every file
    assert not Path(ours).exists() and Path(theirs).exists()


def _shared_stream_pdf(pages: int, ops: int, fonts: bool = False) -> bytes:
    """A PDF whose pages all draw one FlateDecode content stream of `ops` no-op text moves (a hostile review's: a
    few kB that pypdf read again for every page, about 9 s a page at 600,000); `fonts`: each page names its font
    differently, so that its resources differ."""
    import zlib

    content = b"BT /F1 12 Tf 72 700 Td " + b"1 0 Td " * ops + b"(Hello world.) Tj ET"
    comp = zlib.compress(content, 9)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream"]
    for i in range(pages):
        font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /%s >> >> >>" % (
            b"Helvetica%d" % i if fonts else b"Helvetica")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources " + font + b" >>")
    return pdf_file(objs)


def _form_drawn_pdf(ops: int, draws: int) -> bytes:
    """A PDF of one page that draws one form of `ops` text operations `draws` times ("/X0 Do"): a hostile review's,
    1.6 kB counted as 420 bytes of page content while pypdf read the form again for each draw (17 s)."""
    import zlib

    form = zlib.compress(("BT /F1 11 Tf 72 740 Td " + "(word ) Tj " * ops + "ET").encode())
    page = ("/X0 Do\n" * draws).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /XObject << /X0 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(page) + page + b"\nendstream",
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Filter /FlateDecode /Length %d "
            b"/Resources << /Font << /F1 6 0 R >> >> >>\nstream\n" % len(form) + form + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return pdf_file(objs)


def test_a_small_pdf_of_minutes_of_reading_is_skipped_read_once_a_stream_and_stopped_at_the_limit(
        tmp_path, tiny_index, fake_embedder, monkeypatch):
    """A hostile review: a 9 kB PDF whose 12 pages all point at one stream of 600,000 operations held the upload slot
    for 106 s (another visitor's one-line upload waited behind it), 70 pages would pass the 10-minute limit, which
    was looked at only between files. Now an upload's page content is counted before it is read (here the limit
    lowered, not the file made huge), a stream drawn the same way on many pages is read once, and reading stops
    at the time limit between pages."""
    import time

    from pypdf import PageObject

    from rag import pdf, read
    from rag.build import add_documents
    from rag.errors import DocumentError

    monkeypatch.setattr(read, "MAX_UPLOAD_PDF_CONTENT", 500_000)
    for name, fonts in (("bomb.pdf", False), ("fonts.pdf", True)):      # (other resources: each page counts)
        path = tmp_path / "up" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(_shared_stream_pdf(pages=12, ops=10_000 if fonts else 80_000, fonts=fonts))
        assert path.stat().st_size < 10_000
        began = time.monotonic()
        message = handlers.add_files(Engine(tiny_index, fake_embedder), [str(path)])
        assert f"Skipped {name}: " in message and "bytes of PDF page content once unpacked; an upload holds 500,000" \
            in message and time.monotonic() - began < 10
    # a form drawn many times counts as often as it is drawn
    drawn = tmp_path / "up" / "forms.pdf"
    drawn.write_bytes(_form_drawn_pdf(ops=2_000, draws=60))
    assert drawn.stat().st_size < 2_000 and pdf.content_bytes(drawn.read_bytes(), 10**9) > 60 * 2_000 * 11
    message = handlers.add_files(Engine(tiny_index, fake_embedder), [str(drawn)])
    assert "Skipped forms.pdf: " in message and "bytes of PDF page content once unpacked" in message
    # the command line reads it, each stream once for all the pages that draw it alike
    calls = []
    real = PageObject.extract_text
    monkeypatch.setattr(PageObject, "extract_text", lambda self, *a, **kw: calls.append(1) or real(self, *a, **kw))
    text, _ = pdf.pdf_text(_shared_stream_pdf(pages=30, ops=1_000))
    assert len(calls) == 1 and text.count("Hello world.") == 30
    with pytest.raises(TimeoutError):
        pdf.pdf_text(_shared_stream_pdf(pages=3, ops=10, fonts=True), deadline=time.monotonic() - 1)
    # and a build past its time limit while reading a PDF says so, changing nothing
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(_shared_stream_pdf(pages=4, ops=60_000, fonts=True))     # about a second a page
    calls.clear()
    with pytest.raises(DocumentError, match="Indexing stopped after .* its time limit: nothing was changed"):
        add_documents([slow], fake_embedder, tiny_index, time_limit=0.3)
    assert len(calls) <= 2          # stopped after its first page or so, not after reading them all
    assert set(store.load(tiny_index, check_sources=False).documents) == {"briefing.txt"}


def test_a_word_file_whose_xml_part_has_another_name_is_counted_all_the_same(tmp_path, tiny_index, fake_embedder,
                                                                             monkeypatch):
    """A hostile review: only parts named *.xml were counted, so word/document.xml renamed document.dat (its
    content types and relationships pointed at it) was parsed whole: 94 s and 1.9 GB for a 95 kB file. A part that
    unpacks to more than twice its size in the file is counted whatever its name (a photo is not)."""
    import zipfile

    from rag import read

    monkeypatch.setattr(read, "MAX_UPLOAD_XML_BYTES", 200_000)
    bomb = tmp_path / "up" / "renamed.docx"
    bomb.parent.mkdir(parents=True)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types><Override PartName="/word/document.dat" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.dat", "<w:document><w:body>" + "<w:p/>" * 60_000 + "</w:body></w:document>")
        z.writestr("word/media/photo.jpg", os.urandom(300_000))          # a photo: no smaller packed, not counted
    stored = tmp_path / "up" / "stored.docx"         # the part stored, not packed: by its first bytes
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.dat", "\ufeff <w:document><w:body>" + "<w:p/>" * 60_000 + "</w:body></w:document>")
        z.writestr("word/media/photo.jpg", os.urandom(300_000))
    message = handlers.add_files(Engine(tiny_index, fake_embedder), [str(bomb), str(stored)])
    assert "Skipped renamed.docx: 360," in message and "bytes of Word XML once unpacked" in message
    assert "Skipped stored.docx: 360," in message
