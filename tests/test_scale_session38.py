"""Speed and the path past one machine, reviewed (session 38): the chat's first question after start, and after each
upload, built the documents' vocabulary (about a second a megabyte); one visitor's long queries held up everyone's
questions in the query batcher; a DOCX's unstyled paragraphs scanned every style of the document twice each; an empty
path ("$DOCS" unset) indexed the current folder, and with --rebuild replaced the index; a folder index copied back
from Milvus took an edited file as a second document; the /search API answered `{"data": []}` with a traceback and
never said a quoted file had changed on disk."""
from __future__ import annotations

import io
import json
import threading

import pytest

from rag import build, handlers, store, ui
from rag.embed import Batcher
from rag.engine import Engine

from conftest import INTERVIEW
from stores import needs_milvus, new_uri


def _warmed(retriever) -> bool:
    """Whether what a first search reads is computed: the documents' words, the speakers' names, their languages."""
    return "per_doc" in vars(retriever._rows.vocabulary) and "languages" in vars(retriever._rows) \
        and "alias_table" in vars(retriever._rows)


def test_the_chat_warms_the_index_it_serves_at_start_and_after_an_upload(tiny_index, fake_embedder, tmp_path):
    engine = Engine(tiny_index, fake_embedder)
    engine.warm_up()
    assert _warmed(engine.retriever())
    upload = tmp_path / "up" / "harbour.txt"
    upload.parent.mkdir()
    upload.write_text("The harbour opens in July, and the ferry runs every hour.\n", encoding="utf-8")
    assert "1 added" in handlers.add_files(engine, [str(upload)])
    assert _warmed(engine.retriever())      # (the index opened again after the upload)


def test_short_queries_waiting_beside_long_ones_are_encoded_first_and_apart():
    started, release, batches = threading.Event(), threading.Event(), []

    def encode(items):
        batches.append(list(items))
        if len(batches) == 1:
            started.set()
            release.wait(10)
        return [len(i) for i in items]

    batcher = Batcher(encode)
    first = batcher.submit("first")
    assert started.wait(10)
    waiting = ["x" * 1000, "What did the minister say?", "y" * 900, "Who is funded?"]
    futures = [batcher.submit(q) for q in waiting]
    release.set()
    assert [f.result(10) for f in futures] == [len(q) for q in waiting] and first.result(10) == 5
    # the questions in a batch of their own, before the long queries (not padded to 1,000 characters, nor after them)
    assert batches[1:] == [["Who is funded?", "What did the minister say?"], ["y" * 900, "x" * 1000]]


def test_a_docx_looks_each_paragraph_style_up_once(monkeypatch):
    import docx
    from docx.text.paragraph import Paragraph

    from rag.word import docx_text

    document = docx.Document()
    document.add_heading("Minutes", level=1)
    for n in range(40):
        document.add_paragraph(f"Item {n}: the harbour budget was discussed.")
    data = io.BytesIO()
    document.save(data)
    looked = []
    real = Paragraph.style
    monkeypatch.setattr(Paragraph, "style", property(lambda p: looked.append(1) or real.fget(p)))
    text, _ = docx_text(data.getvalue())
    assert "## Minutes" in text and "Item 39: the harbour budget" in text
    assert len(looked) <= 3     # (one a style named: the heading's, the body's default; it was two a paragraph, 82)


def test_an_empty_path_is_refused_and_nothing_is_indexed(tmp_path, monkeypatch, capsys):
    from rag.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "diary.txt").write_text("Dear diary, nothing to index here.\n", encoding="utf-8")
    code = main(["index", "", "--rebuild", "--index", str(tmp_path / "idx")])
    err = capsys.readouterr().err
    assert code != 0 and "An empty path names no file or folder" in err and "Traceback" not in err
    assert not (tmp_path / "idx").exists()


def test_a_folder_index_whose_manifest_holds_absolute_paths_updates_an_edited_file(tmp_path, fake_embedder):
    import dataclasses

    docs = tmp_path / "docs"
    docs.mkdir()
    meeting = docs / "meeting.txt"
    meeting.write_text("Anna Lee: The ferry route opens in June.\n", encoding="utf-8")
    build.build([meeting], fake_embedder, folder=tmp_path / "made")
    index = store.load(tmp_path / "made", embedder=fake_embedder)
    # (as an older `rag migrate URI folder/` wrote it: the file's absolute path)
    absolute = {k: dataclasses.replace(d, path=str(meeting.resolve())) for k, d in index.documents.items()}
    manifest = {**index.manifest, "documents": [{**d, "path": str(meeting.resolve())}
                                                for d in index.manifest["documents"]]}
    manifest.pop("files", None)
    store.save(dataclasses.replace(index, manifest=manifest, documents=absolute, parts=None, folder=None),
               tmp_path / "idx")
    meeting.write_text("Anna Lee: The ferry route opens in June.\nAnna Lee: The fares rise in August.\n",
                       encoding="utf-8")
    report = build.add_documents([docs], fake_embedder, tmp_path / "idx")
    assert report.updated == ["meeting.txt"] and not report.added
    assert [d["id"] for d in build.list_documents(tmp_path / "idx")] == ["meeting.txt"]


@needs_milvus
@pytest.mark.slow
def test_a_folder_copied_back_from_milvus_keeps_paths_as_rag_index_writes_them(milvus_database, tmp_path,
                                                                              fake_embedder):
    from rag.migrate import migrate

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "meeting.txt").write_text("Anna Lee: The ferry route opens in June.\n", encoding="utf-8")
    build.build([docs / "meeting.txt"], fake_embedder, folder=tmp_path / "idx")
    uri = new_uri(milvus_database)
    migrate(tmp_path / "idx", uri)
    migrate(uri, tmp_path / "back")
    assert [d["path"] for d in json.loads((tmp_path / "back" / "manifest.json").read_text())["documents"]] == \
        ["docs/meeting.txt"]
    (docs / "meeting.txt").write_text("Anna Lee: The ferry route opens in June.\nAnna Lee: Fares rise.\n")
    report = build.add_documents([docs], fake_embedder, tmp_path / "back")
    assert report.updated == ["meeting.txt"] and not report.added


def test_the_api_says_when_a_quoted_file_changed_on_disk(tmp_path, fake_embedder):
    source = tmp_path / "briefing.txt"
    source.write_text(INTERVIEW, encoding="utf-8")
    build.build([source], fake_embedder, tmp_path / "idx")
    engine = Engine(tmp_path / "idx", fake_embedder)
    assert not any("changed on disk" in n for n in handlers.search_api(engine, "Is the pipeline funded?", 2)["notices"])
    source.write_text(INTERVIEW + "\nA paragraph written after the index was made.\n", encoding="utf-8")
    engine = Engine(tmp_path / "idx", fake_embedder)
    data = handlers.search_api(engine, "Is the pipeline funded?", 2)
    assert data["passages"] and "briefing.txt changed on disk since it was indexed: the quotes come from the text as " \
        "indexed." in data["notices"]


def test_a_rest_call_with_no_values_is_an_empty_query(tiny_index, fake_embedder):
    from rag.errors import QueryError

    data = json.loads(ui.with_defaults(b'{"data": []}'))["data"]
    assert data == ["", ui.DEFAULT_K, None, None]
    with pytest.raises(QueryError) as refused:      # (the search's own message, which the route shows)
        handlers.search_api(Engine(tiny_index, fake_embedder), *data)
    assert str(refused.value) and "Traceback" not in str(refused.value)


def test_a_milvus_lite_database_inside_a_documents_folder_is_left_out_as_an_index(tmp_path):
    from rag import read

    docs = tmp_path / "docs"
    (docs / "archive.db" / "collections" / "c1").mkdir(parents=True)
    (docs / "archive.db" / "databases").mkdir()
    (docs / "archive.db" / "aliases.json").write_text("{}")
    (docs / "archive.db" / "collections" / "c1" / "notes").write_text("a segment's bytes, no document")
    (docs / "a.txt").write_text("The ferry route opens in June.\n")
    files, skipped = read.expand([docs])
    assert files == [docs / "a.txt"]
    assert skipped == [(str(docs / "archive.db"), read.AN_INDEX)]
    # (a folder of the user's that only has one of those names is read as ever, and one that has both but is no
    # database, neither named ".db" nor holding Milvus Lite's LOCK: a museum's "collections/" and "databases/")
    (docs / "collections").mkdir()
    (docs / "collections" / "b.txt").write_text("The bakery sells rye bread.\n")
    museum = docs / "museum"
    for sub in ("collections", "databases"):
        (museum / sub).mkdir(parents=True)
        (museum / sub / "notes.txt").write_text(f"The museum's {sub}.\n")
    assert read.expand([docs]) == ([docs / "a.txt", docs / "collections" / "b.txt",
                                    museum / "collections" / "notes.txt", museum / "databases" / "notes.txt"],
                                   [(str(docs / "archive.db"), read.AN_INDEX)])
    (museum / "LOCK").write_text("")        # (as Milvus Lite leaves it in a database of any name)
    assert read.expand([docs])[1] == [(str(docs / "archive.db"), read.AN_INDEX), (str(museum), read.AN_INDEX)]


def test_a_reload_warms_the_new_index_outside_the_lock_every_request_takes(tiny_index, fake_embedder, monkeypatch):
    engine = Engine(tiny_index, fake_embedder)
    engine.warm_up()
    held = []
    real = Engine._warm
    monkeypatch.setattr(Engine, "_warm", staticmethod(lambda r: held.append(engine._lock.locked()) or real(r)))
    engine.reload()
    assert held == [False]


def test_rag_index_makes_the_word_neighbours_a_folder_copied_back_from_milvus_lacks(tmp_path, fake_embedder):
    import dataclasses

    from rag import expand, lexical

    source = tmp_path / "briefing.txt"
    source.write_text(INTERVIEW, encoding="utf-8")
    build.build([source], fake_embedder, tmp_path / "idx")
    index = store.load(tmp_path / "idx", embedder=fake_embedder)
    # (as `rag migrate URI folder/` saves it: BM25 without neighbours, which Milvus does not keep)
    manifest = {k: v for k, v in index.manifest.items() if k != "files"}
    store.save(dataclasses.replace(index, manifest=manifest, lexical=lexical.build(index.passages), parts=None,
                                   folder=None), tmp_path / "copy")
    assert expand.load(tmp_path / "copy" / lexical.FOLDER) is None
    report = build.add_documents([source], fake_embedder, tmp_path / "copy")
    assert report.neighbours and report.unchanged == ["briefing.txt"] and not report.changed
    assert "its words' neighbours made" in report.summary()
    made = expand.load(tmp_path / "copy" / lexical.FOLDER)
    assert made is not None and made.neighbours == expand.load(tmp_path / "idx" / lexical.FOLDER).neighbours
    generation = store.generation(tmp_path / "copy")
    again = build.add_documents([source], fake_embedder, tmp_path / "copy")      # (made once: nothing written again)
    assert not again.neighbours and store.generation(tmp_path / "copy") == generation
