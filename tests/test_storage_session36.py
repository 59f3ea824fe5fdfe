"""A hostile review of the index's life (session 36): each defect found, with the test that fails without its fix."""
from __future__ import annotations

import pytest

from rag import build, store
from rag.build import add_documents

from conftest import INTERVIEW, FakeEmbedder
from stores import needs_milvus, new_uri
from test_safety import cli, tree

HARBOUR = "Alice: We should fund the harbour repairs this year.\n\nBob: The budget is twelve thousand pounds.\n"
PARKING = "Carol: The parking permits will rise by ten percent.\n\nDan: Residents object to the parking fees.\n"


@pytest.fixture
def fake_cli(monkeypatch):
    import rag.embed
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)


def indexed(tmp_path, **texts):
    """docs/ holding `texts` ({"a.txt": text}) and idx/ an index of it made by `rag index` (the fake embedder)."""
    docs, folder = tmp_path / "docs", tmp_path / "idx"
    docs.mkdir()
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    assert cli("index", str(docs), "--index", str(folder), "--quiet") == 0
    return docs, folder


@pytest.fixture
def precious(tmp_path):
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "thesis.txt").write_text("my thesis, three years of work\n", encoding="utf-8")
    (folder / "notes.md").write_text("notes\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("through", ["missing/..", "thesis.txt/.."])
def test_an_index_path_through_a_missing_folder_or_a_file_to_a_users_folder_is_refused(
        tmp_path, precious, fake_cli, capsys, through):
    """`rag index a.txt --index precious/missing/..` said "1 added" and deleted precious/thesis.txt and notes.md:
    the path could not be read through ("does not exist"), so it passed as a new folder, and the save replaced the
    real folder it names, precious/, whole."""
    doc = tmp_path / "a.txt"
    doc.write_text(HARBOUR, encoding="utf-8")
    before = tree(precious)
    assert cli("index", str(doc), "--index", f"{precious}/{through}", "--quiet") == 1
    assert "is not empty and holds no index (notes.md, thesis.txt)" in capsys.readouterr().err
    assert tree(precious) == before
    # the library's own entry refuses it too (the chat's uploads write through it)
    with pytest.raises(store.IndexProblem, match="holds no index"):
        add_documents([doc], FakeEmbedder(), precious / through)
    assert tree(precious) == before
    # a new folder named that way is still a new folder
    assert cli("index", str(doc), "--index", f"{tmp_path}/new/missing/..", "--quiet") == 0
    assert list(store.load(tmp_path / "new").documents) == ["a.txt"]


def test_a_damaged_stored_text_is_read_again_from_its_file_keeping_a_document_that_has_none(tmp_path, fake_cli,
                                                                                           capsys):
    """One stored text cut short while its file is still the one indexed, another document's file deleted (its text
    only in the index, as an upload's): every command the messages named was refused by another ("rag index
    --rebuild" would drop the document without a file, "rag remove" could not read the index), and the only copy
    of that document was stranded. `rag index` now reads the damaged text again from its file and keeps the other."""
    docs, folder = indexed(tmp_path, **{"a.txt": HARBOUR, "b.txt": INTERVIEW, "c.txt": PARKING})
    (docs / "c.txt").unlink()
    manifest = store.read_manifest(folder / "manifest.json")
    damaged = folder / next(d["file"] for d in manifest["documents"] if d["id"] == "a.txt")
    damaged.write_bytes(damaged.read_bytes()[:10])
    with pytest.raises(store.IndexProblem) as e:
        store.load(folder)
    assert f"Rebuild it with: rag index --index {folder}" in str(e.value)      # the command that works
    assert cli("index", "--index", str(folder), "--quiet") == 0
    index = store.load(folder)
    assert sorted(index.documents) == ["a.txt", "b.txt", "c.txt"]
    assert index.documents["a.txt"].text == HARBOUR and index.documents["c.txt"].text == PARKING


def test_a_stored_text_lost_both_ways_is_named_and_its_removal_keeps_the_rest(tmp_path, fake_cli, capsys):
    """The same, the damaged document's file edited since (its bytes no longer the ones indexed): the document is
    named, with the `rag remove` that takes it out, and that command works on the damaged index."""
    docs, folder = indexed(tmp_path, **{"a.txt": HARBOUR, "c.txt": PARKING})
    (docs / "c.txt").unlink()
    (docs / "a.txt").write_text(HARBOUR + "\nCarol: An edit.\n", encoding="utf-8")
    manifest = store.read_manifest(folder / "manifest.json")
    damaged = folder / next(d["file"] for d in manifest["documents"] if d["id"] == "a.txt")
    damaged.write_bytes(b"garbled")
    capsys.readouterr()
    before = tree(folder)
    assert cli("index", "--index", str(folder), "--quiet") == 1
    err = capsys.readouterr().err
    assert "their files are gone or changed: a.txt" in err and f"rag remove --index {folder} -- a.txt" in err
    assert tree(folder) == before
    assert cli("remove", "--index", str(folder), "--", "a.txt") == 0
    assert list(store.load(folder).documents) == ["c.txt"]


# ---- Milvus Lite ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def database(milvus_database):
    return milvus_database


def cli_apart(*argv, cwd):
    """`rag ARGV` in a process of its own (Milvus Lite serves one process at a time), the fake embedder standing in
    for the model: (exit code, what it printed)."""
    import subprocess
    import sys
    from pathlib import Path

    tests = Path(__file__).resolve().parent
    code = ("import sys; sys.path.insert(0, %r); import rag.embed, conftest; "
            "rag.embed.default_embedder = conftest.FakeEmbedder; from rag.cli import main; "
            "sys.exit(main(%r))" % (str(tests), list(argv)))
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in (("a.txt", HARBOUR), ("b.txt", INTERVIEW), ("c.txt", PARKING)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@needs_milvus
@pytest.mark.slow
def test_a_milvus_index_that_lost_its_alias_is_named_again_not_dropped(database, docs, fake_embedder):
    """The alias lost (a crash, a backup without aliases.json): the search said "No index found … Build it with: rag
    index PATH…", and that build dropped the whole previous version, the only stored text of a document whose file is
    gone among them. The search now says what happened, and the next build names the newest whole version again."""
    from rag import milvus

    uri = new_uri(database)
    add_documents(sorted(docs.iterdir()), fake_embedder, uri)
    (docs / "c.txt").unlink()
    target = milvus.parse(uri)
    c = milvus.client(target)
    c.drop_alias(alias=target.collection)
    with pytest.raises(store.IndexProblem, match="has lost its name .* a whole version of it is in the database"):
        store.load(uri, embedder=fake_embedder)
    extra = docs / "d.txt"
    extra.write_text("Erin: The ferry timetable changes in March.\n", encoding="utf-8")
    add_documents([extra], fake_embedder, uri)
    index = store.load(uri, embedder=fake_embedder)
    assert sorted(index.documents) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert index.documents["c.txt"].text == PARKING


@needs_milvus
@pytest.mark.slow
def test_a_milvus_build_never_drops_a_whole_version_no_alias_named(database, docs, fake_embedder):
    """The same loss where nothing named the old version again (a build straight to save): a whole version is a lost
    index, not a killed build's leftovers, and stays."""
    from rag import milvus

    uri = new_uri(database)
    add_documents([docs / "a.txt"], fake_embedder, uri)
    target = milvus.parse(uri)
    c = milvus.client(target)
    old = milvus.current(target, c)
    c.drop_alias(alias=target.collection)
    store.save(build.build([docs / "b.txt"], fake_embedder, folder=docs.parent / "elsewhere"), uri)
    assert c.has_collection(old) and c.has_collection(old.replace("_passages", "_blobs"))


@needs_milvus
@pytest.mark.slow
def test_damaged_milvus_lite_collections_are_said_and_the_advised_command_works(tmp_path, docs):
    """Milvus Lite's own files damaged, each in a process of its own as a user meets it: a blobs collection's
    schema.json emptied gave `rag docs` and `rag search` a pymilvus traceback; a passages collection's files gone
    made `rag index --index URI` (what the search advised) refuse it as "not an index of ours"; a database whose
    empty LOCK a copy skipped was "not a Milvus Lite database"."""
    import shutil

    uri = lambda name: f"milvus-lite://{tmp_path / name}"      # noqa: E731
    for name in ("blobs.db", "passages.db", "lock.db"):
        assert cli_apart("index", str(docs), "--index", uri(name), "--quiet", cwd=tmp_path)[0] == 0
    (docs / "c.txt").unlink()       # its text now only in the index

    [schema] = (tmp_path / "blobs.db" / "collections").glob("*_blobs/schema.json")
    schema.write_text("")
    code, said = cli_apart("docs", "--index", uri("blobs.db"), cwd=tmp_path)
    assert code == 1 and "cannot be read" in said and "damaged" in said and "Traceback" not in said, said

    [passages] = (tmp_path / "passages.db" / "collections").glob("*_passages")
    shutil.rmtree(passages)
    code, said = cli_apart("docs", "--index", uri("passages.db"), cwd=tmp_path)
    assert code == 1 and f"Rebuild it with: rag index --index {uri('passages.db')}" in said, said
    code, said = cli_apart("index", "--index", uri("passages.db"), "--quiet", cwd=tmp_path)
    assert code == 0, said
    code, said = cli_apart("docs", "--index", uri("passages.db"), cwd=tmp_path)
    assert code == 0 and "3 document(s)" in said, said

    (tmp_path / "lock.db" / "LOCK").unlink()
    code, said = cli_apart("docs", "--index", uri("lock.db"), cwd=tmp_path)
    assert code == 0 and "3 document(s)" in said, said


@needs_milvus
def test_a_milvus_lite_database_inside_a_folder_being_indexed_is_refused_or_left_out(tmp_path, docs, fake_cli,
                                                                                     capsys):
    """`rag index docs --index milvus-lite:///…/docs/x.db` was accepted, and every later run of it read the
    database's own files (aliases.json, parquet files, LOCK) as documents, skipped, exit 1. A new one there is refused
    as a folder index is; one made there already is left out of the files read."""
    db = docs / "x.db"
    assert cli("index", str(docs), "--index", f"milvus-lite://{db}", "--quiet") == 1
    assert "would be inside" in capsys.readouterr().err and not db.exists()
    assert cli("index", str(docs / "a.txt"), "--index", f"milvus-lite://{db}", "--quiet") == 0
    capsys.readouterr()
    assert cli("index", str(docs), "--index", f"milvus-lite://{db}", "--quiet") == 0
    out = capsys.readouterr()
    assert "skipped" not in out.err + out.out and "3 document(s)" in out.out


@needs_milvus
def test_a_read_only_place_for_milvus_lite_is_said_as_such(tmp_path):
    """A read-only disk: Milvus Lite failed and the message blamed "another process" (a LOCK file is there) or a
    connection. The folder that cannot be written is what keeps it from opening: said, for a new database and an old
    one. (As root, whom permissions do not stop, on a read-only tmpfs: where it cannot be mounted, skipped.)"""
    import os
    import subprocess

    from rag import milvus

    folder = tmp_path / "ro"
    (folder / "m.db").mkdir(parents=True)
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(folder)],
                          capture_output=True).returncode != 0:
            pytest.skip("a read-only tmpfs cannot be mounted here")
        undo = ["umount", str(folder)]
        shown = folder        # (the mount hides m.db: a new database only)
    else:
        os.chmod(folder / "m.db", 0o555)
        os.chmod(folder, 0o555)
        undo = ["chmod", "-R", "755", str(folder)]
        shown = folder / "m.db"
    try:
        with pytest.raises(store.IndexProblem, match=f"Cannot create .*new.db: {folder} is read-only: nothing was"):
            milvus.client(milvus.parse(f"milvus-lite://{folder}/new.db"), create=True)
        assert milvus._read_only(shown) == shown
    finally:
        subprocess.run(undo, check=True)
    assert milvus._read_only(folder / "m.db") is None


def test_an_index_of_a_newer_format_is_said_as_such_not_mended(tmp_path, fake_cli, capsys):
    """The re-review: an index a newer release made ("rag-index/4") was called damaged, its documents without a file
    offered to `rag remove` (their only copy), and rewritten in the old format where every file was there."""
    import json

    docs, folder = indexed(tmp_path, **{"a.txt": HARBOUR, "c.txt": PARKING})
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = "rag-index/4"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    before = tree(folder)
    capsys.readouterr()
    assert cli("index", "--index", str(folder), "--quiet") == 1
    err = capsys.readouterr().err
    assert "rag-index/4" in err and "does not read" in err and "damaged" not in err and "rag remove" not in err
    assert tree(folder) == before
