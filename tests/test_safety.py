"""Nothing lost: an index is written only where nothing of the user's can be replaced, uploads
never silently take another document's place, every file of an index is checked, work is bounded."""
import json
import os
import shutil

import pytest

from rag import store
from rag.build import add_documents, build, list_documents
from rag.errors import DocumentError, IndexProblem

from conftest import INTERVIEW, FakeEmbedder, at_once


def tree(folder):
    """Every file below `folder` with its bytes: what must survive untouched."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def mydocs(tmp_path):
    folder = tmp_path / "mydocs"
    folder.mkdir()
    (folder / "briefing.txt").write_text(INTERVIEW, encoding="utf-8")
    (folder / "notes.md").write_text("# My notes\n\nNothing to lose here.\n", encoding="utf-8")
    (folder / "paper.pdf").write_bytes(b"%PDF-1.4 a user's own file")
    return folder


def cli(*argv):
    from rag.cli import main
    return main(list(argv))


@pytest.fixture
def fake_cli(monkeypatch):
    import rag.embed
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)


def test_index_at_the_folder_being_indexed_deletes_nothing(mydocs, fake_cli, capsys):
    before = tree(mydocs)
    assert cli("index", str(mydocs), "--index", str(mydocs), "--quiet") == 1
    err = capsys.readouterr().err
    assert "would be inside" in err and "being indexed: nothing was written" in err and "Traceback" not in err
    assert tree(mydocs) == before
    # nor a lock file beside it: a refused build takes no lock (a reviewer's "nothing was written" and a new file)
    assert [p.name for p in mydocs.parent.iterdir() if p.name.startswith(".mydocs")] == []


def test_index_at_a_parent_folder_or_a_file_or_dot_is_refused(tmp_path, mydocs, fake_cli, capsys, monkeypatch):
    (tmp_path / "README").write_text("keep me")
    before = tree(tmp_path)
    assert cli("index", str(mydocs / "briefing.txt"), "--index", str(tmp_path), "--quiet") == 1
    assert "holds no index" in capsys.readouterr().err
    notes = mydocs / "notes.md"
    assert cli("index", str(mydocs / "briefing.txt"), "--index", str(notes), "--quiet") == 1
    assert "is a file, not an index folder" in capsys.readouterr().err
    assert not (mydocs / ".notes.md.lock").exists()     # the next refusal then listed it among the user's files
    monkeypatch.chdir(mydocs)
    assert cli("index", "briefing.txt", "--index", ".", "--quiet") == 1
    err = capsys.readouterr().err
    assert "holds no index" in err and "Traceback" not in err
    after = {k: v for k, v in tree(tmp_path).items() if not k.endswith(".lock")}
    assert after == before


def test_index_dot_from_inside_an_index_leaves_no_lock_in_it(tiny_index, mydocs, fake_cli, capsys, monkeypatch):
    """A hostile review: `rag index … --index .` from inside an index was refused, as it should be, but left its
    lock file "..lock" inside the index, which then refused every later build as a file of the user's."""
    before = sorted(p.name for p in tiny_index.iterdir())
    monkeypatch.chdir(tiny_index)
    cli("index", str(mydocs / "notes.md"), "--index", ".", "--quiet")
    capsys.readouterr()
    assert sorted(p.name for p in tiny_index.iterdir()) == before
    monkeypatch.chdir(tiny_index.parent)
    assert cli("index", str(mydocs / "notes.md"), "--index", tiny_index.name, "--quiet") == 0, capsys.readouterr().err


def test_index_inside_a_folder_being_indexed_is_refused(mydocs):
    with pytest.raises(IndexProblem, match="would be inside"):
        add_documents([mydocs], FakeEmbedder(), mydocs / "index")
    assert not (mydocs / "index").exists()


def test_an_existing_index_inside_the_folder_is_not_read_back(tmp_path, mydocs):
    (mydocs / "paper.pdf").unlink()
    folder = mydocs / "index"
    add_documents([mydocs / "briefing.txt"], FakeEmbedder(), folder)      # made first, on purpose
    report = add_documents([mydocs], FakeEmbedder(), folder)
    assert report.added == ["notes.md"]      # not documents/*.txt of the index itself
    assert sorted(store.load(folder).documents) == ["briefing.txt", "notes.md"]


def test_a_users_file_inside_an_index_stops_a_rebuild(tiny_index, mydocs):
    (tiny_index / "my-notes.txt").write_text("mine")
    with pytest.raises(IndexProblem, match="not part of the index.*my-notes.txt"):
        add_documents([mydocs / "notes.md"], FakeEmbedder(), tiny_index)
    assert (tiny_index / "my-notes.txt").read_text() == "mine"
    (tiny_index / "my-notes.txt").unlink()
    (tiny_index / "documents" / "keep.docx").write_text("mine too")
    with pytest.raises(IndexProblem, match="documents/keep.docx"):
        add_documents([mydocs / "notes.md"], FakeEmbedder(), tiny_index, rebuild=True)
    assert (tiny_index / "documents" / "keep.docx").exists()


@pytest.mark.parametrize("plant", ["lexical/my-settings.json", "documents/0123456789abcdef.txt",
                                   "calibration.json/thesis.docx", "passages.jsonl/thesis.docx"])
def test_a_users_file_named_like_the_index_s_own_stops_a_rebuild(tiny_index, mydocs, plant):
    """A hostile review: a build deleted a user's file in lexical/ or documents/ whose name looked like the build's
    ("my-settings.json", a 16-hex-digit .txt), and a folder of theirs named like one of the index's files
    ("calibration.json/" holding their thesis) went with the whole index. Only the files the manifest lists (and the
    manifest and calibration themselves, as files) are the product's."""
    first, _, rest = plant.partition("/")
    target = tiny_index / plant
    if first in ("calibration.json", "passages.jsonl"):
        (tiny_index / first).unlink(missing_ok=True)
        (tiny_index / first).mkdir()
    target.write_text("mine")
    with pytest.raises(IndexProblem, match="not part of the index"):
        add_documents([mydocs / "notes.md"], FakeEmbedder(), tiny_index, rebuild=True)
    assert target.read_text() == "mine"


def test_an_index_of_the_format_before_is_still_its_own(tiny_index):
    """A code review: a format-2 index lists only its three checked files, so its documents/ were taken for the
    user's and it could no longer be rebuilt. Only format 3's list is complete; an older one is read by names."""
    manifest = json.loads((tiny_index / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = "rag-index/2"
    manifest["files"] = {k: v for k, v in manifest["files"].items() if k in store.CHECKED_FILES}
    (tiny_index / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    store.check_target(tiny_index)      # no IndexProblem: documents/ and lexical/ are its own
    (tiny_index / "lexical" / "notes.txt").write_text("mine")
    with pytest.raises(IndexProblem, match="lexical/notes.txt"):
        store.check_target(tiny_index)


def test_empty_folder_is_a_fine_target(tmp_path, mydocs):
    (tmp_path / "empty").mkdir()
    build([mydocs / "briefing.txt"], FakeEmbedder(), tmp_path / "empty")
    assert store.load(tmp_path / "empty").documents


def test_recovery_never_removes_a_folder_that_is_there(tmp_path, tiny_index, mydocs):
    """A leftover of a killed build beside a folder that holds no index: the folder stays as it is."""
    before = tree(mydocs)
    shutil.copytree(tiny_index, tmp_path / ".mydocs.old-999")
    with pytest.raises(IndexProblem):
        store.load(mydocs)
    assert tree(mydocs) == before


def test_same_name_uploads_add_never_replace(tmp_path):
    embedder, folder = FakeEmbedder(), tmp_path / "idx"
    paths = []
    for n, text in enumerate(["First upload. " * 5, "Second, other upload. " * 5]):
        (tmp_path / f"up{n}").mkdir()
        paths.append(tmp_path / f"up{n}" / "notes.txt")
        paths[-1].write_text(text)
    add_documents([paths[0]], embedder, folder, uploaded=True)
    report = add_documents([paths[1]], embedder, folder, uploaded=True)
    assert report.added == ["notes.txt (2)"] and report.renamed == [("notes.txt", "notes.txt (2)")]
    docs = store.load(folder).documents
    assert docs["notes.txt"].text.startswith("First") and docs["notes.txt (2)"].text.startswith("Second")
    assert all(d["path"].startswith(store.UPLOADED) and d["source"] == "uploaded" for d in list_documents(folder))
    # the same bytes again are that document; an explicit replace updates it
    assert add_documents([paths[0]], embedder, folder, uploaded=True).unchanged == ["notes.txt"]
    assert add_documents([paths[1]], embedder, folder, uploaded=True, by_name=True).updated == ["notes.txt"]


def test_concurrent_same_name_uploads_keep_both(tmp_path):
    folder = tmp_path / "idx"
    build([_write(tmp_path / "seed" / "seed.txt", "Seed document. " * 4)], FakeEmbedder(), folder)
    files = [_write(tmp_path / f"u{i}" / "same.txt", f"Upload number {i} says something else. " * 4)
             for i in range(3)]
    at_once(lambda i: add_documents([files[i]], FakeEmbedder(), folder, uploaded=True), 3)
    texts = sorted(d.text for d in store.load(folder).documents.values() if d.id != "seed.txt")
    assert texts == sorted(f.read_text() for f in files)


def test_an_upload_named_like_the_shipped_transcript_does_not_replace_it(tmp_path):
    folder = tmp_path / "idx"
    shipped = _write(tmp_path / "corpus" / "000_17cb08188d8e02ca.txt", INTERVIEW)
    build([shipped], FakeEmbedder(), folder)
    fake = _write(tmp_path / "visitor" / shipped.name, "The minister resigned. " * 3)
    report = add_documents([fake], FakeEmbedder(), folder, uploaded=True)
    assert report.added == [f"{shipped.name} (2)"]
    assert store.load(folder).documents[shipped.name].text == INTERVIEW


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_lexical_file_is_checked(tiny_index):
    vocab = tiny_index / "lexical" / "vocab.index.json"
    data = json.loads(vocab.read_text())
    a, b = list(data)[:2]
    data[a], data[b] = data[b], data[a]          # two ids swapped: the ranking would change silently
    vocab.write_text(json.dumps(data))
    with pytest.raises(IndexProblem, match="damaged.*vocab.index.json"):
        store.load(tiny_index)
    manifest = json.loads((tiny_index / "manifest.json").read_text())
    assert {"lexical/vocab.index.json", "lexical/tokenizer.json", "passages.jsonl"} <= set(manifest["files"])


def test_time_limit_stops_an_upload_and_changes_nothing(tiny_index, mydocs):
    before = tree(tiny_index)
    with pytest.raises(DocumentError, match="time limit.*nothing was changed"):
        add_documents([mydocs / "notes.md"], FakeEmbedder(), tiny_index, uploaded=True, time_limit=0)
    assert tree(tiny_index) == before


def test_lost_stored_texts_name_a_command_that_works(tmp_path, mydocs, fake_cli, capsys):
    folder = tmp_path / "idx"
    add_documents([mydocs / "briefing.txt"], FakeEmbedder(), folder)
    upload = _write(tmp_path / "tmp" / "upload.txt", "An uploaded text. " * 5)
    add_documents([upload], FakeEmbedder(), folder, uploaded=True)
    shutil.rmtree(folder / "documents")
    with pytest.raises(IndexProblem) as e:
        store.load(folder)
    assert f"Rebuild it with: rag index --index {folder}" in str(e.value)
    assert cli("index", "--index", str(folder), "--quiet") == 1       # briefing.txt could be read again, the upload not
    err = capsys.readouterr().err
    assert "their files are gone or changed: upload.txt" in err and f"rag remove --index {folder} -- upload.txt" in err
    assert cli("remove", "--index", str(folder), "--", "upload.txt") == 0
    assert list(store.load(folder).documents) == ["briefing.txt"]


def test_a_symlinked_index_path_is_refused(tmp_path, tiny_index, mydocs):
    link = tmp_path / "link"
    os.symlink(tiny_index, link)
    with pytest.raises(IndexProblem, match="is a link"):
        add_documents([mydocs / "notes.md"], FakeEmbedder(), link)
    assert store.load(tiny_index).documents


def test_an_uploads_source_is_its_id(tmp_path):
    from rag.cite import source
    folder = tmp_path / "idx"
    add_documents([_write(tmp_path / "gradio" / "abc" / "upload.txt", "Uploaded words. " * 4)], FakeEmbedder(),
                  folder, uploaded=True)
    doc = store.load(folder).documents["upload.txt"]
    assert doc.path == "upload:upload.txt" and source(doc) == "upload.txt"


def _edit(manifest: dict, how: str) -> str:
    if how == "deep":
        return "[" * 100_000 + "]" * 100_000
    doc = manifest["documents"][0]
    {"path 5": lambda: doc.update(path=5), "path null": lambda: doc.update(path=None),
     "model x": lambda: manifest.update(model="x"), "id 5": lambda: doc.update(id=5),
     "documents null": lambda: manifest.update(documents=None), "no fingerprint": lambda: manifest.pop("fingerprint"),
     "no chars": lambda: doc.pop("chars"), "files /dev/zero": lambda: manifest["files"].update({"/dev/zero": "0"}),
     "file outside": lambda: doc.update(file="../../etc/passwd")}[how]()
    return json.dumps(manifest)


@pytest.mark.parametrize("how", ["path 5", "path null", "model x", "id 5", "documents null", "no fingerprint",
                                 "no chars", "files /dev/zero", "file outside", "deep"])
def test_a_hand_edited_manifest_is_a_message_for_every_command(tmp_path, tiny_index, mydocs, fake_cli, capsys, how):
    """A hostile review: a document's "path": 5, "model": "x", a missing "fingerprint" or "chars", a "files" entry of
    "/dev/zero" or JSON nested 100,000 deep gave tracebacks (AttributeError, KeyError, RecursionError) or read without
    end, in search, ask, docs, index or remove. Each is a one-line message now, and nothing is written."""
    manifest = json.loads((tiny_index / "manifest.json").read_text(encoding="utf-8"))
    (tiny_index / "manifest.json").write_text(_edit(manifest, how), encoding="utf-8")
    before = tree(tiny_index)
    for argv in (["search", "ferry"], ["docs"], ["index", str(mydocs / "notes.md")], ["remove", "x.txt"],
                 ["index", "--rebuild"]):
        code = cli(*argv, "--index", str(tiny_index))
        err = capsys.readouterr().err
        assert code != 0 and "Traceback" not in err and err.startswith("error:"), (argv, err[-400:])
        assert tree(tiny_index) == before, argv


def test_a_deeply_nested_calibration_is_no_calibration(tiny_index, fake_cli, capsys):
    (tiny_index / "calibration.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert cli("search", "ferry", "--index", str(tiny_index)) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_milvus_lite_database_inside_a_folder_index_is_refused_before_anything_is_written(tiny_index, tmp_path):
    """A hostile review: `rag migrate IDX milvus-lite:///…/IDX/index.db` wrote index.db and its lock file inside the
    folder index IDX, and every later build or upload of IDX was refused ("holds files that are not part of the
    index"). Refused before anything is written, at any depth; a path beside the index is fine."""
    from rag import store
    from rag.errors import IndexProblem

    before = sorted(p.name for p in tiny_index.iterdir())
    for inside in (tiny_index / "index.db", tiny_index / "documents" / "x.db"):
        with pytest.raises(IndexProblem, match="is inside the index"):
            store.check_target(f"milvus-lite://{inside}")
    assert sorted(p.name for p in tiny_index.iterdir()) == before
    from rag.cli import main
    assert main(["migrate", str(tiny_index), f"milvus-lite://{tiny_index}/index.db"]) == 1
    assert sorted(p.name for p in tiny_index.iterdir()) == before
