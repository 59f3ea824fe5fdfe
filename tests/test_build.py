"""Incremental indexing: only new or changed files are embedded, removal works, bad files are skipped.

The tests that take `location` run on both store backends, a folder and a Milvus Lite collection
(conftest.py, stores.py); the rest are about files and folders."""
import json
import threading

import numpy as np
import pytest

from rag import read, store
from rag.build import FROM_A_FILE, ONLY_DOCUMENT, add_documents, build, list_documents, remove_documents
from rag.errors import IndexProblem

from conftest import INTERVIEW, FakeEmbedder
from pdfgen import make_pdf
from stores import Parts, spans_exact

OTHER = """Town hall meeting on schools, Riverton, May 9, 2023.

Question: When will the new school open?

Tom Reed: The new school opens in September. The builders are ahead of schedule.

Question: How many pupils will it take?

Tom Reed: Six hundred pupils, in twenty classes.
"""


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "briefing.txt").write_text(INTERVIEW, encoding="utf-8")
    (folder / "schools.txt").write_text(OTHER, encoding="utf-8")
    return folder


def passages_of(index, doc_id):
    return [p for p in index.passages if p.doc == doc_id]


def rows(index, doc_id):
    array = store.vectors_array(index.vectors)
    return array[[i for i, p in enumerate(index.passages) if p.doc == doc_id]]


def test_second_file_embeds_only_itself(location, docs):
    folder, emb = location, FakeEmbedder()
    first = add_documents([docs / "briefing.txt"], emb, folder)
    assert first.added == ["briefing.txt"] and emb.calls == len(first.index.passages) > 0
    emb.calls = 0
    second = add_documents([docs / "briefing.txt", docs / "schools.txt"], emb, folder)
    assert second.added == ["schools.txt"] and second.unchanged == ["briefing.txt"]
    assert emb.calls == second.embedded == len(passages_of(second.index, "schools.txt"))
    loaded = store.load(folder, embedder=emb)
    assert set(loaded.documents) == {"briefing.txt", "schools.txt"}
    assert np.array_equal(rows(loaded, "briefing.txt"), rows(first.index, "briefing.txt"))
    spans_exact(loaded)
    # the manifest lists every document with its hash
    listed = {d["id"]: d["sha256"] for d in loaded.manifest["documents"]}
    assert len(listed["schools.txt"]) == 64 and listed["briefing.txt"] != listed["schools.txt"]


def test_unchanged_folder_embeds_nothing_and_writes_nothing(location, docs):
    folder, emb = location, FakeEmbedder()
    add_documents([docs], emb, folder)
    before = Parts(folder).version()
    emb.calls = 0
    report = add_documents([docs], emb, folder)
    assert emb.calls == 0 and report.embedded == 0 and not report.changed
    assert sorted(report.unchanged) == ["briefing.txt", "schools.txt"]
    assert Parts(folder).version() == before


def test_changed_file_is_the_only_one_embedded_again(location, docs):
    folder, emb = location, FakeEmbedder()
    first = add_documents([docs], emb, folder).index
    (docs / "schools.txt").write_text(OTHER.replace("Six hundred", "Seven hundred"), encoding="utf-8")
    emb.calls = 0
    report = add_documents([docs], emb, folder)
    assert report.updated == ["schools.txt"] and report.unchanged == ["briefing.txt"]
    assert emb.calls == len(passages_of(report.index, "schools.txt"))
    loaded = store.load(folder, embedder=emb)       # the source check passes: the hash is the new one
    assert any("Seven hundred" in p.text for p in loaded.passages)
    assert not any("Six hundred" in p.text for p in loaded.passages)
    assert np.array_equal(rows(loaded, "briefing.txt"), rows(first, "briefing.txt"))


def test_incremental_equals_a_full_build(location, another_location, docs):
    emb = FakeEmbedder()
    add_documents([docs / "briefing.txt"], emb, location)
    inc = add_documents([docs / "schools.txt"], emb, location).index
    full = build([docs / "briefing.txt", docs / "schools.txt"], emb, another_location)
    assert inc.passages == full.passages and inc.paragraphs == full.paragraphs
    assert np.allclose(store.vectors_array(inc.vectors), store.vectors_array(full.vectors))
    assert inc.manifest["fingerprint"] == full.manifest["fingerprint"]


def test_remove(location, tmp_path, docs):
    folder, emb = location, FakeEmbedder()
    both = add_documents([docs], emb, folder).index
    emb.calls = 0
    report = remove_documents(["briefing.txt", "nope.txt"], emb, folder)
    assert report.removed == ["briefing.txt"] and report.skipped == [("nope.txt", "no such document in the index")]
    assert emb.calls == 0
    loaded = store.load(folder, embedder=emb)
    assert list(loaded.documents) == ["schools.txt"]
    assert all(p.doc == "schools.txt" for p in loaded.passages + loaded.paragraphs)
    assert loaded.vectors.ntotal == len(loaded.passages)
    assert np.array_equal(store.vectors_array(loaded.vectors), rows(both, "schools.txt"))
    assert not list(tmp_path.glob(".idx.tmp-*"))
    # removing the last one leaves an empty, loadable index
    remove_documents(["schools.txt"], emb, folder)
    empty = store.load(folder, embedder=emb)
    assert empty.documents == {} and empty.vectors.ntotal == 0 and empty.vectors.d == emb.dim


def test_bad_files_are_skipped_the_rest_indexed(tmp_path, docs):
    (docs / "bad.txt").write_bytes(b"\x80\x81garbage\xff")
    (docs / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 nothing")
    report = add_documents([docs], FakeEmbedder(), tmp_path / "idx")
    assert sorted(report.added) == ["briefing.txt", "schools.txt"]
    reasons = {name.rsplit("/", 1)[-1]: why for name, why in report.skipped}
    assert set(reasons) == {"bad.txt", "photo.jpg", "broken.pdf"}
    assert "not UTF-8" in reasons["bad.txt"] and "unsupported" in reasons["photo.jpg"]


def test_a_file_whose_name_is_not_utf8_is_skipped_the_rest_indexed(location, tmp_path, docs, capsys, monkeypatch):
    """A Latin-1 name (b'\\xe9t\\xe9.txt', an old archive's) ended the build in a UnicodeEncodeError traceback when
    the manifest was written, and nothing of the folder was indexed (a hostile reviewer)."""
    import os

    from rag.build import NOT_UTF8_NAME
    from rag.cli import main

    try:
        with open(os.path.join(os.fsencode(docs), b"\xe9t\xe9.txt"), "wb") as f:
            f.write(b"The ferry leaves from pier nine at dawn each day.\n")
    except (OSError, UnicodeError):     # a file system that holds only UTF-8 names
        pytest.skip("this file system refuses a name that is not UTF-8")
    report = add_documents([docs], FakeEmbedder(), location)
    assert sorted(report.added) == ["briefing.txt", "schools.txt"]
    assert report.skipped == [(f"{docs}/\\xe9t\\xe9.txt", NOT_UTF8_NAME)]
    assert sorted(d["id"] for d in list_documents(location)) == ["briefing.txt", "schools.txt"]
    index = str(tmp_path / "cli-idx")       # the command line: one line saying why, no traceback
    monkeypatch.setattr("rag.embed.default_embedder", FakeEmbedder)
    assert main(["index", str(docs), "--index", index, "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err == f"skipped {docs}/\\xe9t\\xe9.txt: {NOT_UTF8_NAME}\n"
    # a file of a UTF-8 name in a folder whose name is not: the folder is to be renamed (a later review)
    from rag.build import NOT_UTF8_FOLDER
    os.remove(os.path.join(os.fsencode(docs), b"\xe9t\xe9.txt"))
    os.mkdir(os.path.join(os.fsencode(docs), b"d\xe9p"))
    with open(os.path.join(os.fsencode(docs), b"d\xe9p", b"notes.txt"), "wb") as f:
        f.write(b"The tugboat waits at the second pier all night.\n")
    report = add_documents([docs], FakeEmbedder(), tmp_path / "third")
    assert report.skipped == [(f"{docs}/d\\xe9p/notes.txt", NOT_UTF8_FOLDER)]


def test_only_bad_files_write_no_index_and_say_so(location, tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\x80\x81garbage\xff")
    report = add_documents([tmp_path / "bad.txt"], FakeEmbedder(), location)
    assert report.index is None and not store.exists(location)
    assert report.summary() == "1 skipped; no index was written (there is no document to hold)"


def test_same_name_gets_a_clear_unique_id_same_bytes_are_one_document(location, tmp_path, docs):
    folder, emb = location, FakeEmbedder()
    add_documents([docs / "briefing.txt"], emb, folder)
    other = tmp_path / "2024" / "briefing.txt"
    other.parent.mkdir()
    other.write_text(OTHER, encoding="utf-8")
    copy = tmp_path / "copy" / "briefing.txt"
    copy.parent.mkdir()
    copy.write_text(INTERVIEW, encoding="utf-8")
    report = add_documents([other, copy], emb, folder)
    # the copy is indexed once, and said so (it was counted "unchanged", and a new user could not tell which file
    # their id stood for)
    assert report.added == ["2024/briefing.txt"] and report.unchanged == []
    assert report.same == [(str(copy), "briefing.txt")] and "1 the same as another" in report.summary()
    index = store.load(folder, embedder=emb, check_sources=False)
    assert index.documents["2024/briefing.txt"].text == OTHER
    again = add_documents([docs / "briefing.txt"], emb, folder)          # the file itself: unchanged, as before
    assert again.unchanged == ["briefing.txt"] and again.same == []


def test_by_name_updates_an_upload(location, tmp_path, docs):
    folder, emb = location, FakeEmbedder()
    add_documents([docs / "schools.txt"], emb, folder)
    upload = tmp_path / "upload123" / "schools.txt"
    upload.parent.mkdir()
    upload.write_text(OTHER.replace("September", "October"), encoding="utf-8")
    report = add_documents([upload], emb, folder, by_name=True)
    assert report.updated == ["schools.txt"] and not report.added
    index = report.index
    assert list(index.documents) == ["schools.txt"] and "October" in index.documents["schools.txt"].text


def test_other_parser_or_model_re_embeds_from_the_stored_text(location, docs):
    folder = location
    add_documents([docs], FakeEmbedder(), folder)
    for name in ("briefing.txt", "schools.txt"):
        (docs / name).unlink()            # the sources are gone: the stored texts are enough
    Parts(folder).edit_manifest(parser=0)
    with pytest.raises(IndexProblem):
        store.load(folder, embedder=FakeEmbedder())

    class Other(FakeEmbedder):
        fingerprint = "other-v2"

    emb = Other()
    report = add_documents([], emb, folder)
    assert sorted(report.refreshed) == ["briefing.txt", "schools.txt"] and emb.calls == len(report.index.passages)
    loaded = store.load(folder, embedder=emb, check_sources=False)
    assert loaded.manifest["model"]["fingerprint"] == "other-v2" and len(loaded.documents) == 2


def test_an_index_of_the_previous_format_is_refused_then_rebuilt_with_its_documents(location, docs):
    folder = location
    add_documents([docs], FakeEmbedder(), folder)
    manifest = Parts(folder).manifest()
    manifest["format"] = "rag-index/1"              # as written before the file checksums
    del manifest["files"]
    Parts(folder).write("manifest.json", json.dumps(manifest).encode("utf-8"))
    with pytest.raises(IndexProblem, match="format"):
        store.load(folder, embedder=FakeEmbedder())
    report = add_documents([], FakeEmbedder(), folder)
    assert sorted(report.refreshed) == ["briefing.txt", "schools.txt"]
    assert store.load(folder, embedder=FakeEmbedder()).manifest["format"] == store.FORMAT


def test_a_damaged_index_is_repaired_from_its_stored_texts(location, docs):
    """Passages out of order (vectors no longer theirs): the stored documents are intact, so
    the next build embeds them again instead of giving up."""
    folder = location
    add_documents([docs], FakeEmbedder(), folder)
    lines = Parts(folder).read("passages.jsonl").splitlines(keepends=True)
    Parts(folder).write("passages.jsonl", b"".join(reversed(lines)))
    with pytest.raises(IndexProblem, match="checksum"):
        store.load(folder, embedder=FakeEmbedder())
    add_documents([], FakeEmbedder(), folder)
    index = store.load(folder, embedder=FakeEmbedder())
    assert len(index.documents) == 2 and index.passages


def test_damaged_index_names_the_way_out(location, docs):
    folder = location
    add_documents([docs], FakeEmbedder(), folder)
    for d in Parts(folder).manifest()["documents"]:
        Parts(folder).write(d["file"], b"tampered")
    if not Parts(folder).uri:       # a folder's stored texts are read again from their files, unchanged since
        add_documents([docs], FakeEmbedder(), folder)
        index = store.load(folder)
        assert {d: index.documents[d].text for d in index.documents} == \
            {f.name: f.read_text(encoding="utf-8") for f in docs.iterdir()}
        for d in Parts(folder).manifest()["documents"]:
            Parts(folder).write(d["file"], b"tampered")
        (docs / "schools.txt").write_text("Edited since.", encoding="utf-8")      # now one is lost both ways
    with pytest.raises(IndexProblem) as e:
        add_documents([docs / "briefing.txt"], FakeEmbedder(), folder)
    assert ("--rebuild" if Parts(folder).uri else "rag remove") in str(e.value)
    report = add_documents([docs], FakeEmbedder(), folder, rebuild=True)
    assert sorted(report.added) == ["briefing.txt", "schools.txt"]


def test_progress_is_reported(tmp_path, docs):
    calls = []
    add_documents([docs], FakeEmbedder(), tmp_path / "idx", progress=lambda d, t, w: calls.append((d, t, w)))
    embedding = [(d, t) for d, t, w in calls if w.startswith("Embedding")]
    assert embedding and embedding[-1][0] == embedding[-1][1] > 0
    assert [d for d, _ in embedding] == sorted(d for d, _ in embedding)
    assert any(w.startswith("Reading") for _, _, w in calls) and calls[-1][2] == "Saving the index"


def test_lexical_index_follows_the_passages(tmp_path, docs):
    from rag import lexical
    folder, emb = tmp_path / "idx", FakeEmbedder()
    add_documents([docs / "briefing.txt"], emb, folder)
    n = len(add_documents([docs / "schools.txt"], emb, folder).index.passages)
    assert int(lexical.load(folder, n).bm25.scores["num_docs"]) == n
    n = len(remove_documents(["briefing.txt"], emb, folder).index.passages)
    assert int(lexical.load(folder, n).bm25.scores["num_docs"]) == n


def test_calibration_is_kept_across_updates(tmp_path, docs):
    folder, emb = tmp_path / "idx", FakeEmbedder()
    add_documents([docs / "briefing.txt"], emb, folder)
    (folder / "calibration.json").write_text('{"threshold": 0.5}')
    add_documents([docs / "schools.txt"], emb, folder)
    assert json.loads((folder / "calibration.json").read_text()) == {"threshold": 0.5}


def test_an_index_of_custom_chunking_re_adds_nothing(location, docs):
    from rag.chunk import ChunkSettings

    folder, emb, custom = location, FakeEmbedder(), ChunkSettings(max_tokens=16)
    first = build([docs / "briefing.txt"], emb, folder, settings=custom)
    emb.calls = 0
    report = add_documents([docs / "briefing.txt"], emb, folder, settings=custom)
    assert report.unchanged == ["briefing.txt"] and not report.changed and emb.calls == 0
    report = add_documents([docs / "schools.txt"], emb, folder, settings=custom)
    assert report.added == ["schools.txt"] and emb.calls == len(passages_of(report.index, "schools.txt"))
    assert passages_of(report.index, "briefing.txt") == passages_of(first, "briefing.txt")
    emb.calls = 0
    report = remove_documents(["schools.txt"], emb, folder, settings=custom)
    assert report.removed == ["schools.txt"] and emb.calls == 0
    # another chunking asked for: the index is re-chunked and re-embedded from its stored texts
    report = add_documents([], emb, folder)
    assert report.refreshed == ["briefing.txt"] and emb.calls == len(report.index.passages)
    assert report.index.manifest["chunking"] == ChunkSettings().to_dict()


def test_the_saved_index_is_returned_with_its_parts(tmp_path, docs):
    folder = tmp_path / "idx"
    add_documents([docs / "briefing.txt"], FakeEmbedder(), folder)
    (folder / "calibration.json").write_text('{"threshold": 0.5}')
    index = add_documents([docs / "schools.txt"], FakeEmbedder(), folder).index
    assert index.folder == folder and index.lexical is not None and index.calibration == {"threshold": 0.5}
    assert index.manifest == json.loads((folder / "manifest.json").read_text())


def test_two_adds_at_once_keep_both(location, docs):
    folder = location
    add_documents([docs / "briefing.txt"], FakeEmbedder(), folder)
    extra = []
    for i in range(4):
        path = docs / f"extra{i}.txt"
        path.write_text(OTHER.replace("Tom Reed", f"Speaker{i} Reed"), encoding="utf-8")
        extra.append(path)
    threads = [threading.Thread(target=add_documents, args=([p], FakeEmbedder(), folder)) for p in extra]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(store.load(folder, embedder=FakeEmbedder()).documents) == {"briefing.txt"} | {p.name for p in extra}


def test_mixed_formats_cite_exactly_with_pages(tmp_path, docs):
    (docs / "report.pdf").write_bytes(make_pdf([["Question: Is the dam safe?", "Ana Ruiz: The dam is safe."],
                                               ["Ana Ruiz: It was inspected in June by the state engineers.",
                                                "Question: By whom?", "Ana Ruiz: The state."]]))
    (docs / "page.html").write_text("<html><body><nav>MENU</nav><article><p>Question: Who pays?</p>"
                                    "<p>Li Wei: The province pays for the bridge.</p><p>Question: When?</p>"
                                    "<p>Li Wei: Next year.</p></article></body></html>", encoding="utf-8")
    from rag.cite import hit_json
    from rag.retrieve import Retriever

    emb = FakeEmbedder()
    index = add_documents([docs], emb, tmp_path / "idx").index
    index = store.load(tmp_path / "idx", embedder=emb)
    assert len(index.documents) == 4
    hits = Retriever(index, emb).search("inspected June state engineers", 3).hits
    top = hit_json(hits[0], index)
    assert top["page"] == 2 and top["source"].endswith("report.pdf") and top["speaker"] == "Ana Ruiz"
    assert top["question"] == "Is the dam safe?"
    assert index.documents["report.pdf"].text[top["start"]:top["end"]] == top["text"]
    assert "MENU" not in index.documents["page.html"].text


def test_list_documents(location, docs):
    folder = location
    add_documents([docs], FakeEmbedder(), folder)
    (docs / "schools.txt").write_text("changed", encoding="utf-8")
    (docs / "briefing.txt").unlink()
    listed = {d["id"]: d for d in list_documents(folder)}
    assert listed["schools.txt"]["source"] == "changed" and listed["briefing.txt"]["source"] == "missing"
    assert listed["schools.txt"]["date"] == "2023-05-09" and listed["schools.txt"]["passages"] > 0
    assert listed["briefing.txt"]["title"].startswith("Press briefing on water policy")


def test_cli_index_docs_remove(tmp_path, docs, capsys, monkeypatch):
    import rag.embed
    from rag.cli import main

    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    folder = str(tmp_path / "idx")
    (docs / "notes.xyz").write_text("?")
    assert main(["index", str(docs), "--index", folder, "--quiet"]) == 1      # one file skipped
    out = capsys.readouterr()
    assert "skipped" in out.err and "notes.xyz" in out.err and "2 added" in out.out
    assert main(["index", str(docs / "briefing.txt"), "--index", folder, "--quiet"]) == 0
    assert "1 unchanged" in capsys.readouterr().out
    assert main(["docs", "--json", "--index", folder]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in listed] == ["briefing.txt", "schools.txt"]
    assert main(["remove", "briefing.txt", "--index", folder]) == 0
    assert "1 removed" in capsys.readouterr().out
    assert main(["docs", "--index", folder]) == 0
    out = capsys.readouterr().out
    assert "schools.txt" in out and "briefing.txt" not in out and "1 document(s)" in out
    assert main(["remove", "ghost.txt", "--index", folder]) == 1
    assert "ghost.txt" in capsys.readouterr().err
    assert main(["index", "--rebuild", str(docs / "briefing.txt"), "--index", folder, "--quiet"]) == 0
    assert list(store.load(tmp_path / "idx", embedder=FakeEmbedder()).documents) == ["briefing.txt"]


def test_cli_index_without_paths_refreshes_the_index_from_its_own_files(tmp_path, docs, capsys, monkeypatch):
    """`rag index --index X` (what X's error messages say) re-reads X's files, never adds the shipped
    transcript to it; a changed file is embedded again, an upload whose file is gone keeps its text."""
    import rag.embed
    from rag.cli import main

    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    folder = tmp_path / "idx"
    gone = tmp_path / "upload.txt"
    gone.write_text(OTHER.replace("Tom Reed", "Ann Lee"), encoding="utf-8")
    assert main(["index", str(docs), str(gone), "--index", str(folder), "--quiet"]) == 0
    gone.unlink()
    (docs / "briefing.txt").write_text(INTERVIEW.replace("4 million", "5 million"), encoding="utf-8")
    with pytest.raises(IndexProblem) as e:
        store.load(folder, embedder=FakeEmbedder())
    assert str(e.value).endswith(f"Rebuild it with: rag index --index {folder}")
    capsys.readouterr()
    assert main(["index", "--index", str(folder), "--quiet"]) == 0
    assert "1 updated" in capsys.readouterr().out
    index = store.load(folder, embedder=FakeEmbedder())
    assert sorted(index.documents) == ["briefing.txt", "schools.txt", "upload.txt"]
    assert "5 million" in index.documents["briefing.txt"].text


def test_rebuild_command_is_short():
    assert store.rebuild_command(store.DEFAULT_INDEX, {"documents": [{"path": "a.txt"}] * 500}) == "rag index"
    assert store.rebuild_command(store.Path("my-index"), {"documents": []}) == "rag index --index my-index"
    assert store.rebuild_command(store.Path("my-index")) == "rag index PATH... --index my-index"   # nothing there yet


def test_a_moved_file_is_moved_and_a_second_upload_of_the_same_bytes_is_said(location, tmp_path, docs):
    # a reviewer's: a file moved to another folder was "the same as another" (the other gone) and kept its old path
    folder, emb = location, FakeEmbedder()
    first = tmp_path / "a" / "note.txt"
    first.parent.mkdir()
    first.write_text(INTERVIEW, encoding="utf-8")
    add_documents([first], emb, folder)
    moved = tmp_path / "b" / "note.txt"
    moved.parent.mkdir()
    first.rename(moved)
    report = add_documents([moved], emb, folder)
    assert report.moved == ["note.txt"] and report.same == [] and report.embedded == 0
    assert list_documents(folder)[0]["source"] == "ok"
    # uploads: another name with the same bytes is said so (it was "unchanged"), in one call too
    up = tmp_path / "up"
    up.mkdir()
    (up / "x.txt").write_text(OTHER, encoding="utf-8")
    (up / "y.txt").write_text(OTHER, encoding="utf-8")
    report = add_documents([up / "x.txt", up / "y.txt"], emb, folder, uploaded=True)
    assert report.added == ["x.txt"] and report.same == [(str(up / "y.txt"), "x.txt")]


def test_a_link_is_indexed_under_its_own_name(tmp_path, fake_embedder):
    """A link odd/outside.txt -> target.txt was indexed as "target.txt", so `rag remove outside.txt` found nothing."""
    target = tmp_path / "elsewhere" / "target.txt"
    target.parent.mkdir()
    target.write_text("Some text about budgets and roads here, long enough to be indexed.", encoding="utf-8")
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "outside.txt").symlink_to(target)
    # (named itself: a folder's link to a file outside it is not followed, below)
    report = add_documents([tmp_path / "odd" / "outside.txt"], fake_embedder, tmp_path / "idx")
    assert report.added == ["outside.txt"]
    assert remove_documents(["outside.txt"], fake_embedder, tmp_path / "idx").removed == ["outside.txt"]


def test_a_folder_s_link_to_a_file_outside_it_is_not_followed(tmp_path, fake_embedder):
    """A hostile review: an unpacked archive's "notes.txt -> ~/.ssh/id_rsa" (or /etc/passwd) was followed silently,
    its text indexed and quoted to every visitor of the chat. A folder's link to a file outside it is said and left
    out (a link to a file inside it is read); the file named itself is read."""
    secret = tmp_path / "secret" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("PRIVATE KEY material: zebra-orchid-5591 is the vault passphrase.", encoding="utf-8")
    shared = tmp_path / "shared"
    (shared / "sub").mkdir(parents=True)
    (shared / "minutes.txt").write_text("The harbour committee met on Tuesday about the ferry timetable.",
                                        encoding="utf-8")
    (shared / "notes.txt").symlink_to(secret)
    (shared / "sub" / "again.txt").symlink_to(shared / "minutes.txt")      # inside: read
    report = add_documents([shared], fake_embedder, tmp_path / "idx")
    assert report.added == ["minutes.txt"]      # (again.txt is the same file: read once)
    assert [(name.rsplit("/", 1)[-1], why) for name, why in report.skipped] == [("notes.txt", read.LINKED_OUTSIDE)]
    import subprocess
    import sys
    from conftest import ROOT
    run = subprocess.run([sys.executable, "-m", "rag", "index", str(shared), "--index", str(tmp_path / "idx2")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0 and "note: " in run.stderr and "notes.txt: a link to a file outside" in run.stderr
    assert "zebra" not in (tmp_path / "idx2" / "passages.jsonl").read_text(encoding="utf-8")


def test_a_re_read_does_not_follow_a_file_that_became_a_link_outside(tmp_path, fake_embedder, monkeypatch, capsys):
    """(a hostile review: `rag index --index IDX`, the re-read of the files an index was made from, followed a file
    that had become a link to a private file outside its folder, and indexed that file's text; `rag search` then
    called the index out of date, and the re-read it suggested changed nothing)"""
    from rag.cli import main

    monkeypatch.setattr("rag.embed.default_embedder", lambda: fake_embedder)
    monkeypatch.chdir(tmp_path)
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("PRIVATE: the vault passphrase is zebra-orchid-5591.\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The harbour committee met on Tuesday about the ferry timetable.\n", encoding="utf-8")
    (docs / "notes.txt").write_text("Meeting notes about the new bus timetable for the winter.\n", encoding="utf-8")
    assert main(["index", "docs", "--index", "idx"]) == 0
    (docs / "notes.txt").unlink()
    (docs / "notes.txt").symlink_to(secret)
    capsys.readouterr()
    assert main(["index", "--index", "idx"]) == 0
    err = capsys.readouterr().err
    assert "notes.txt: now a link to a file outside its folder, not followed" in err
    assert "zebra" not in (tmp_path / "idx" / "passages.jsonl").read_text(encoding="utf-8")
    assert store.changed_sources(tmp_path / "idx", store.manifest_at(tmp_path / "idx")) == []
    assert main(["search", "bus timetable", "--index", "idx"]) == 0       # not "out of date"


def test_a_link_to_a_folder_is_listed_as_skipped_not_left_out_silently(tmp_path, fake_embedder):
    """A hostile review: a folder linked inside the documents folder was neither indexed nor listed as skipped."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("Some text about budgets and roads here, long enough.", encoding="utf-8")
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "own.txt").write_text("Our own text about harbours and ferries, long enough.", encoding="utf-8")
    (tmp_path / "odd" / "more").symlink_to(elsewhere, target_is_directory=True)
    report = add_documents([tmp_path / "odd"], fake_embedder, tmp_path / "idx")
    assert report.added == ["own.txt"]
    assert [(name.rsplit("/", 1)[-1], why.split(",")[0]) for name, why in report.skipped] == [("more", "a link to a folder")]
    # on the command line a note, not a failure: a "latest -> 2024-05" link made every rag index exit 1 (a review)
    import subprocess
    import sys
    from conftest import ROOT
    run = subprocess.run([sys.executable, "-m", "rag", "index", str(tmp_path / "odd"), "--index", str(tmp_path / "idx2")],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0 and "note: " in run.stderr and "more: a link to a folder" in run.stderr, run.stderr


def test_a_file_broken_since_it_was_indexed_is_named_and_its_way_out_given(tmp_path, docs):
    # (a hostile review: a file re-saved broken is skipped by `rag index`, which keeps the copy indexed before, so
    # every search refused with "Rebuild it with: rag index", and that command skipped it again: a loop)
    folder = tmp_path / "idx"
    add_documents([docs], FakeEmbedder(), folder)
    (docs / "schools.txt").write_bytes(b"\x80\x81garbage\xff")
    report = add_documents(store.sources(folder), FakeEmbedder(), folder)     # `rag index`: its own files again
    assert [name.rsplit("/", 1)[-1] for name, _ in report.skipped] == ["schools.txt"]
    with pytest.raises(IndexProblem) as refused:
        store.load(folder)
    assert "schools.txt changed since it was indexed" in str(refused.value)
    assert f"rag remove --index {folder} schools.txt" in str(refused.value)
    # a name with spaces is quoted, so that the command given runs as it is (a third review)
    assert store.changed_message("in x/", "my idx", {"documents": [{"id": "day 3.txt", "path": "d/day 3.txt"}]},
                                 "d/day 3.txt", "rag index").count("'") == 4
    remove_documents(["schools.txt"], FakeEmbedder(), folder)
    assert list(store.load(folder).documents) == ["briefing.txt"]


def test_a_server_file_named_like_an_upload_is_a_file_never_an_upload(tmp_path, monkeypatch):
    """A file of the server named "upload:policy.txt" beside the index was stored as the path "upload:policy.txt",
    which every reader takes for a chat's upload: never re-read when it changed, and a visitor's upload of
    "policy.txt" with Replace ticked replaced it."""
    monkeypatch.chdir(tmp_path)
    emb = FakeEmbedder()
    server_file = tmp_path / "upload:policy.txt"
    server_file.write_text(INTERVIEW, encoding="utf-8")
    folder = tmp_path / "embeddings"
    add_documents([server_file], emb, folder)
    [doc] = list_documents(folder)
    assert doc["source"] == "ok" and doc["path"] == "./upload:policy.txt"
    assert store.source_files(folder) == ([server_file.resolve()], [])
    visitor = tmp_path / "visitor" / "policy.txt"
    visitor.parent.mkdir()
    visitor.write_text("Forged text. The minister resigned.\n", encoding="utf-8")
    report = add_documents([visitor], emb, folder, uploaded=True, by_name=True)
    assert report.updated == []
    texts = {d.id: d.text for d in store.load(folder, embedder=emb).documents.values()}
    assert texts["upload:policy.txt"] == server_file.read_text(encoding="utf-8")


def test_the_chat_s_removal_is_decided_by_the_index_on_disk(tmp_path, fake_embedder):
    """(a hostile review: the chat decided that a document was an upload from its own copy of the index; after the
    operator replaced a visitor's notes.txt by the server's own, a visitor's Remove took the operator's document out)
    remove_documents(uploads_only=True) skips a document indexed from a file, and the index's last one, under the
    build's lock."""
    up, srv = tmp_path / "up", tmp_path / "srv"
    up.mkdir(), srv.mkdir()
    (up / "notes.txt").write_text("A visitor's upload about gulls nesting on the pier.\n", encoding="utf-8")
    (srv / "notes.txt").write_text("The operator's notes about the harbour master's budget.\n", encoding="utf-8")
    (srv / "a.txt").write_text("The harbour committee met on Tuesday about the ferry route.\n", encoding="utf-8")
    folder = tmp_path / "idx"
    add_documents([srv / "a.txt"], fake_embedder, folder)
    add_documents([up / "notes.txt"], fake_embedder, folder, uploaded=True)
    remove_documents(["notes.txt"], fake_embedder, folder)                  # the operator, from the command line
    add_documents([srv / "notes.txt"], fake_embedder, folder)
    report = remove_documents(["notes.txt"], fake_embedder, folder, uploads_only=True)
    assert report.removed == [] and report.skipped == [("notes.txt", FROM_A_FILE)]
    assert set(store.load(folder, embedder=fake_embedder).documents) == {"a.txt", "notes.txt"}
    add_documents([up / "notes.txt"], fake_embedder, folder, uploaded=True)   # a visitor's upload: removable
    upload = next(i for i, d in store.load(folder, embedder=fake_embedder).documents.items()
                  if d.path == store.UPLOADED + "notes.txt")
    assert remove_documents([upload], fake_embedder, folder, uploads_only=True).removed == [upload]
    remove_documents(["notes.txt"], fake_embedder, folder)
    assert remove_documents(["a.txt"], fake_embedder, folder, uploads_only=True).skipped == \
        [("a.txt", ONLY_DOCUMENT)]
