"""The store contract: round trip, and every way an index can be broken is refused with the rebuild
command, on both backends (`location`, `built` and `parts` run each test on a folder and on a Milvus
Lite collection: conftest.py, stores.py). What only a folder can suffer (a truncated FAISS file, a
permission, a build killed between its renames) is at the end, on a folder."""
import dataclasses
import json
import os
import shutil
import stat
import threading
import time

import numpy as np
import pytest

from rag import atomic, build, lexical, milvus, store
from rag.chunk import ChunkSettings
from rag.errors import IndexProblem
from rag.retrieve import Retriever

from conftest import FakeEmbedder, dead_pid
from stores import OTHER, spans_exact

def expect_refused(location, embedder, *words):
    with pytest.raises(IndexProblem) as e:
        store.load(location, embedder=embedder)
    msg = str(e.value)
    assert "rag index" in msg, msg
    for w in words:
        assert w in msg, msg
    if store.is_uri(location):          # the rebuild command names the index it is about
        assert f"--index {milvus.parse(location).uri}" in msg, msg
    return msg


# ---- the contract, on both backends --------------------------------------------------------------

def test_round_trip_keeps_exact_spans(built, fake_embedder):
    index = store.load(built, embedder=fake_embedder)
    assert index.passages and index.vectors.ntotal == len(index.passages)
    spans_exact(index)
    m = index.manifest
    assert m["format"] == store.FORMAT and m["model"] == {"name": "fake-embedder", "fingerprint": "fake-v1", "dim": 64}
    assert len(m["documents"][0]["sha256"]) == 64 and m["chunking"] and len(m["fingerprint"]) == 12
    assert store.exists(built)
    assert [d["id"] for d in build.list_documents(built)] == ["briefing.txt"]
    assert build.list_documents(built)[0]["source"] == "ok"


def test_missing_index_names_the_build_command(location, fake_embedder):
    expect_refused(location, fake_embedder, "No index")
    assert not store.exists(location)


def test_other_format_refused(parts, fake_embedder):
    parts.edit_manifest(format="rag-index/0")
    expect_refused(parts.location, fake_embedder, "format")


def test_other_model_refused(built, fake_embedder):
    other = FakeEmbedder()
    other.fingerprint = "other-weights"
    expect_refused(built, other, "model", "other-weights")


def test_other_chunking_refused(parts, fake_embedder):
    parts.edit_manifest(chunking={"max_tokens": 1})
    expect_refused(parts.location, fake_embedder, "chunked")


def test_changed_source_refused(built, interview_file, fake_embedder):
    interview_file.write_text(interview_file.read_text() + "\nA new paragraph.\n")
    expect_refused(built, fake_embedder, "changed", "briefing.txt")
    assert store.load(built, embedder=fake_embedder, check_sources=False).passages


def test_edited_passages_refused_by_their_checksum(parts, fake_embedder):
    data = parts.read("passages.jsonl")
    parts.write("passages.jsonl", data.replace(b"Prices will stay flat", b"Prices will go up"))
    expect_refused(parts.location, fake_embedder, "damaged", "passages.jsonl", "checksum")


def test_reordered_passages_refused(parts, fake_embedder):
    """Same count, every span still exact, but line i is no longer the text of vector i."""
    lines = parts.read("passages.jsonl").splitlines(keepends=True)
    assert len(lines) > 1
    parts.write("passages.jsonl", b"".join(reversed(lines)))
    expect_refused(parts.location, fake_embedder, "damaged", "passages.jsonl", "checksum")


def test_passage_count_mismatch_refused(parts, fake_embedder):
    """Even with a checksum that fits (a consistent but wrong build), one passage short is refused."""
    lines = parts.read("passages.jsonl").splitlines(keepends=True)
    parts.write("passages.jsonl", b"".join(lines[:-1]), checksum=True)
    expect_refused(parts.location, fake_embedder, "damaged", f"{len(lines) - 1} passages")


def test_passage_not_matching_document_refused(parts, fake_embedder):
    """A passage whose offsets no longer cut its text out of its document (checksum fitting)."""
    lines = parts.read("passages.jsonl").decode("utf-8").splitlines()
    first = json.loads(lines[0])
    first["start"] += 1
    parts.write("passages.jsonl", ("\n".join([json.dumps(first)] + lines[1:]) + "\n").encode(), checksum=True)
    passage = f"{first['doc']}:{first['start']}-{first['end']}"
    expect_refused(parts.location, fake_embedder, "damaged", f"passage {passage} does not match its document")


def test_missing_part_refused(parts, fake_embedder):
    parts.remove("passages.jsonl")
    expect_refused(parts.location, fake_embedder, "damaged")


def test_garbage_refused(parts, fake_embedder):
    parts.write("passages.jsonl", b"not json\n", checksum=True)
    expect_refused(parts.location, fake_embedder, "damaged")
    parts.write("manifest.json", b"{broken")
    expect_refused(parts.location, fake_embedder, "cannot be read")


@pytest.mark.parametrize("manifest", [b'{"format": "rag-index/3", "documents": 5}', b"{broken", b"[" * 100_000])
def test_a_manifest_no_build_wrote_is_refused_and_rag_index_replaces_nothing(parts, fake_embedder, monkeypatch,
                                                                               capsys, manifest):
    """A manifest a build did not write is refused, saying why (not "TypeError: 'int' object is not iterable"), by
    load and by source_files: "no index here yet" would let `rag index` without files, and the rebuild the old
    message named, replace the user's documents with the default corpus (on Milvus it did)."""
    import rag.embed
    from rag import cli

    parts.write("manifest.json", manifest)
    version = parts.version()
    msg = expect_refused(parts.location, fake_embedder, "cannot be read")
    assert "TypeError" not in msg and "not iterable" not in msg
    with pytest.raises(IndexProblem, match="cannot be read"):
        store.source_files(parts.location)
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    for rebuild in ([], ["--rebuild"]):
        assert cli.main(["index", "--index", str(parts.location), "--quiet", *rebuild]) == 1
        assert "cannot be read" in capsys.readouterr().err
    assert parts.version() == version and parts.read("manifest.json") == manifest   # nothing replaced


def test_a_rebuild_without_files_keeps_an_upload_when_another_documents_stored_text_is_damaged(
        location, tmp_path, interview_file, fake_embedder, monkeypatch, capsys):
    """One document's stored text damaged, an upload's intact: `rag index --rebuild` (what the load's message says)
    refuses, as it would drop the upload, whose only copy the index holds. On Milvus the damage of the other
    document made the upload's text look lost, and the rebuild dropped it."""
    import rag.embed
    from rag import cli
    from stores import Parts

    other = tmp_path / "other.txt"
    other.write_text(OTHER, encoding="utf-8")
    build.add_documents([interview_file], fake_embedder, location)
    build.add_documents([other], fake_embedder, location, uploaded=True)
    parts = Parts(location)
    damaged = next(d["file"] for d in parts.manifest()["documents"] if d["id"] == interview_file.name)
    parts.write(damaged, b"damaged")
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    assert cli.main(["index", "--index", str(location), "--quiet", "--rebuild"]) == 1
    assert "other.txt" in capsys.readouterr().err
    assert sorted(d["id"] for d in parts.manifest()["documents"]) == sorted([interview_file.name, "other.txt"])


def test_edited_document_text_refused(parts, fake_embedder):
    name = parts.document_file()
    parts.write(name, parts.read(name).replace(b"Prices", b"Costs"))
    msg = expect_refused(parts.location, fake_embedder, "damaged", name, "checksum")
    if parts.uri:
        assert "from its files" in msg          # the stored text is gone: only the sources rebuild it
    else:       # `rag index` reads it again from its file, keeping documents that have none (build._mended)
        assert "Rebuild it with: rag index --index" in msg and "--rebuild" not in msg


def test_vectors_of_another_build_refused(parts, tmp_path, fake_embedder):
    """Vectors of the same shape from another build of other text are not these passages' vectors."""
    n = len(parts.vectors())
    other = tmp_path / "other.txt"
    other.write_text("\n\n".join(f"Paragraph {i} about something else entirely, number {i}." for i in range(n)),
                     encoding="utf-8")
    donor = build.build([other], fake_embedder, folder=tmp_path / "donor")
    rows = np.resize(store.vectors_array(donor.vectors), (n, fake_embedder.dim))
    parts.write_vectors(rows)
    msg = expect_refused(parts.location, fake_embedder, "damaged", "checksum")
    assert ("its vectors do not match" if parts.uri else "index.faiss does not match") in msg


def test_unusual_line_breaks_survive_the_round_trip(location, tmp_path, fake_embedder):
    """U+2028, U+0085 and form feeds are line breaks to str.splitlines, not to JSON lines."""
    doc = tmp_path / "odd.txt"
    doc.write_text("Question: Is this\u2028one line?\n\nAnswer: Yes,\x85it\x0cis.\n", encoding="utf-8")
    build.build([doc], fake_embedder, folder=location)
    index = store.load(location, fake_embedder)
    assert any("\u2028" in p.text for p in index.paragraphs) and any("\x85" in p.text for p in index.paragraphs)
    spans_exact(index)
    hits = Retriever(index, fake_embedder).search("Is this one line?", k=2, abstain=False).hits
    assert hits and all(index.documents[h.passage.doc].text[h.passage.start:h.passage.end] == h.passage.text
                        for h in hits)


def test_loading_does_not_wait_for_a_running_build(built, fake_embedder):
    """`rag search` while `rag index` runs for minutes: the current index answers at once."""
    holding, release = threading.Event(), threading.Event()

    def build_running():
        with store.build_lock(built):
            holding.set()
            release.wait(20)

    t = threading.Thread(target=build_running)
    t.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        assert store.load(built, embedder=fake_embedder).passages
        assert time.monotonic() - started < 10
    finally:
        release.set()
        t.join()


def test_search_uses_loaded_index(built, fake_embedder):
    r = Retriever(store.load(built, embedder=fake_embedder), fake_embedder)
    result = r.search("Is the pipeline funded by a grant?", k=3)
    assert result.hits and "grant" in result.hits[0].passage.text


def test_index_is_frozen_and_save_returns_the_saved_one(built, location, tmp_path, fake_embedder, request):
    index = store.load(built, embedder=fake_embedder)
    with pytest.raises(dataclasses.FrozenInstanceError):
        index.folder = tmp_path
    assert index.calibration == {} and index.lexical is None
    assert str(index.folder) == (milvus.parse(built).uri if store.is_uri(built) else str(built))
    if store.is_uri(built):
        from stores import new_uri
        copy = new_uri(request.getfixturevalue("milvus_database"))
    else:
        copy = tmp_path / "copy"
    saved = store.save(dataclasses.replace(index, lexical=lexical.build(index.passages),
                                           calibration={"model": "m"}), copy)
    assert saved is not index and str(index.folder) == str(store.load(built, fake_embedder).folder)
    assert str(saved.folder) == (milvus.parse(copy).uri if store.is_uri(copy) else str(copy))
    assert "files" in saved.manifest
    if not store.is_uri(copy):
        assert "lexical/tokenizer.json" in saved.manifest["files"]
    again = store.load(copy, embedder=fake_embedder)
    assert again.passages == index.passages and again.fingerprint == index.fingerprint
    if not store.is_uri(copy):      # (Milvus keeps the calibration beside its versions: test_milvus.py)
        assert again.calibration == {"model": "m"}


def test_a_custom_chunking_loads_only_when_asked_for(location, interview_file, fake_embedder):
    custom = ChunkSettings(max_tokens=16)
    build.build([interview_file], fake_embedder, folder=location, settings=custom)
    expect_refused(location, fake_embedder, "chunked")                  # default chunking asked for
    index = store.load(location, embedder=fake_embedder, compat=store.Compat.of(fake_embedder, custom))
    assert index.manifest["chunking"] == custom.to_dict() and index.passages
    spans_exact(index)
    with pytest.raises(IndexProblem, match="model"):
        store.load(location, compat=store.Compat(chunking=custom, model=("other", "weights")))
    assert store.load(location, compat=store.Compat(chunking=custom)).passages     # any model


def test_compat_names_what_does_not_fit(parts):
    manifest = parts.manifest()
    assert store.Compat().problem(manifest) is None
    assert "parser" in store.Compat(parser=-1).problem(manifest)
    assert "weights" in store.Compat(model=("fake-embedder", "other")).problem(manifest)
    assert store.Compat(model=("fake-embedder", "fake-v1")).problem(manifest) is None


def test_incremental_add_and_remove(built, tmp_path, fake_embedder):
    second = tmp_path / "schools.txt"
    second.write_text(OTHER, encoding="utf-8")
    before = store.load(built, embedder=fake_embedder)
    fake_embedder.calls = 0
    report = build.add_documents([second], fake_embedder, built)
    assert report.added == ["schools.txt"]
    new = store.load(built, embedder=fake_embedder)
    assert fake_embedder.calls == len([p for p in new.passages if p.doc == "schools.txt"])   # only the new one
    kept = [i for i, p in enumerate(new.passages) if p.doc == "briefing.txt"]
    np.testing.assert_array_equal(store.vectors_array(new.vectors)[kept], store.vectors_array(before.vectors))
    spans_exact(new)
    report = build.remove_documents(["briefing.txt"], fake_embedder, built)
    assert report.removed == ["briefing.txt"] and set(store.load(built).documents) == {"schools.txt"}
    # unchanged: nothing embedded, nothing written
    fake_embedder.calls = 0
    assert not build.add_documents([second], fake_embedder, built).changed and fake_embedder.calls == 0


# ---- what only a folder can suffer ---------------------------------------------------------------

def test_plain_files_no_pickle(tiny_index):
    names = {p.name for p in tiny_index.iterdir()}
    assert {"manifest.json", "passages.jsonl", "paragraphs.jsonl", "index.faiss", "documents"} <= names
    for path in tiny_index.rglob("*"):
        if path.is_file():
            assert not path.read_bytes().startswith(b"\x80"), f"{path} looks like a pickle"
    json.loads((tiny_index / "manifest.json").read_text())


def test_truncated_faiss_refused(tiny_index, fake_embedder):
    path = tiny_index / "index.faiss"
    path.write_bytes(path.read_bytes()[:100])
    expect_refused(tiny_index, fake_embedder, "damaged")


def test_missing_faiss_file_refused(tiny_index, fake_embedder):
    os.remove(tiny_index / "index.faiss")
    expect_refused(tiny_index, fake_embedder, "damaged")


def test_unreadable_refused(tiny_index, fake_embedder, monkeypatch):
    os.chmod(tiny_index / "passages.jsonl", 0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a user
        def denied(folder, name, manifest):
            raise PermissionError(13, "Permission denied", str(folder / name))
        monkeypatch.setattr(store, "_read_checked", denied)
    with pytest.raises(IndexProblem) as e:
        store.load(tiny_index, embedder=fake_embedder)
    # a permission problem is not damage: the message says what to check, not to rebuild
    assert "permission denied" in str(e.value) and "passages.jsonl" in str(e.value)
    assert "damaged" not in str(e.value) and "Rebuild" not in str(e.value)


def test_what_killed_builds_left_behind_is_removed(tiny_index, fake_embedder):
    """A build killed while writing leaves a full-size temporary folder; one killed after its
    swap, the replaced index. The next load, under the build lock, removes both."""
    half = tiny_index.parent / f".{tiny_index.name}.tmp-abc12345"     # mkdtemp: 8 characters
    replaced = tiny_index.parent / f".{tiny_index.name}.old-{dead_pid()}"
    shutil.copytree(tiny_index, half)
    shutil.copytree(tiny_index, replaced)
    (half / "manifest.json").unlink()
    other = tiny_index.parent / ".other.tmp-1"       # another index's: not ours to remove
    other.mkdir()
    assert store.load(tiny_index, embedder=fake_embedder).passages
    assert not half.exists() and not replaced.exists() and other.exists()


def test_an_index_named_like_a_pattern_touches_only_its_own_leftovers(tmp_path, tiny_index, fake_embedder):
    """`--index 'idx[12]'` globbed the leftovers of idx1 and idx2: deleted idx1's, took idx2's old index for its own."""
    odd = tmp_path / "idx[12]"
    shutil.copytree(tiny_index, odd)
    (tmp_path / ".idx[12].lock").touch()        # a build ran here: a search recovers what it left
    busy, backup = tmp_path / ".idx1.tmp-inprogress", tmp_path / ".idx2.old-77"
    busy.mkdir()
    shutil.copytree(tiny_index, backup)
    assert store.load(odd, embedder=fake_embedder).passages
    shutil.rmtree(odd)
    with pytest.raises(IndexProblem):
        store.load(odd, embedder=fake_embedder)
    assert busy.exists() and (backup / "manifest.json").exists() and not odd.exists()
    # an index whose name starts as another's leftovers do: "i7" and the index "i7.old-x" (its build in progress,
    # its old copy) are strangers
    mine = tmp_path / "i7"
    shutil.copytree(tiny_index, mine)
    (tmp_path / ".i7.lock").touch()
    building, stranger = tmp_path / ".i7.old-x.tmp-abcd1234", tmp_path / ".i7.old-x.old-999"
    building.mkdir()
    shutil.copytree(tiny_index, stranger)
    assert store.load(mine, embedder=fake_embedder).passages and building.exists()
    shutil.rmtree(mine)
    with pytest.raises(IndexProblem):
        store.load(mine, embedder=fake_embedder)
    assert stranger.exists() and not mine.exists()


def test_a_build_keeps_the_index_folder_and_files_readable_as_they_were(tmp_path, interview_file, fake_embedder):
    """mkdtemp made every rebuilt index 0700 (and mkstemp a calibration 0600): a chat running as another user could
    no longer read it."""
    folder = tmp_path / "idx"
    build.build([interview_file], fake_embedder, folder)
    os.chmod(folder, 0o750)
    group = next((g for g in (1, 2, 3) if g != os.stat(folder).st_gid), None)
    if os.geteuid() == 0 and group is not None:      # root may give the folder a group of its own (a server's)
        os.chown(folder, -1, group)
    before = os.stat(folder)
    build.build([interview_file], fake_embedder, folder)
    after = os.stat(folder)
    assert stat.S_IMODE(after.st_mode) == 0o750 and after.st_gid == before.st_gid
    target = folder / "calibration.json"
    atomic.write_atomic(target, b"{}")
    assert stat.S_IMODE(os.stat(target).st_mode) & 0o044 == 0o044 & ~atomic._UMASK


def test_reading_an_index_writes_nothing_and_a_mistyped_one_makes_no_folder(tmp_path, tiny_index, fake_embedder):
    """A search took the build lock by creating its file (and the folders above it): a mistyped --index left
    typo/deep/.idx.lock, one under a file crashed, and an index on a read-only disk could not be read at all."""
    copy = tmp_path / "copy"
    shutil.copytree(tiny_index, copy)           # no build ever ran here: no lock file
    before = sorted(p.name for p in tmp_path.iterdir())
    assert store.load(copy, embedder=fake_embedder).passages
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    with pytest.raises(IndexProblem, match="No index found"):
        store.load(tmp_path / "typo" / "deep" / "idx", embedder=fake_embedder)
    assert not (tmp_path / "typo").exists()
    with pytest.raises(IndexProblem, match="No index found"):
        store.load(copy / "manifest.json" / "x", embedder=fake_embedder)


def test_interrupted_swap_recovers_previous_index(tiny_index, fake_embedder):
    # a build that died between its two renames leaves only the old folder, renamed aside
    old = tiny_index.parent / f".{tiny_index.name}.old-12345"
    os.rename(tiny_index, old)
    index = store.load(tiny_index, embedder=fake_embedder)
    assert index.passages and (tiny_index / "manifest.json").exists() and not old.exists()


def test_an_index_named_as_a_file_is_said_to_be_one(tmp_path, fake_embedder, capsys):
    """A hostile review: `rag search --index FILE` said "No index found in FILE/. Build it with: rag index … --index
    FILE", a command rag index then refuses."""
    from rag.cli import main

    (tmp_path / "afile").write_text("x")
    with pytest.raises(IndexProblem, match="afile is a file, not an index folder"):
        store.load(tmp_path / "afile", embedder=fake_embedder)
    assert main(["search", "ferry", "--index", str(tmp_path / "afile")]) != 0
    err = capsys.readouterr().err
    assert "is a file, not an index folder" in err and "Build it with" not in err
    assert (tmp_path / "afile").read_text() == "x"


@pytest.mark.parametrize("inside", ["sub", "lexical/x", "documents/new"])
def test_an_index_inside_an_index_is_refused(tiny_index, interview_file, fake_embedder, inside):
    """(a hostile review: `rag index --index IDX/sub` wrote a second index and its lock file inside IDX, after which
    every build of IDX was refused for the files it held that were not its own)"""
    with pytest.raises(IndexProblem, match="is inside the index"):
        build.add_documents([interview_file], fake_embedder, tiny_index / inside)
    assert not (tiny_index / inside).exists() and not list(tiny_index.glob(".*.lock"))
    report = build.add_documents([interview_file], fake_embedder, tiny_index, rebuild=True)   # IDX itself still builds
    assert report.index is not None


def test_the_remove_hint_works_for_an_id_that_opens_with_a_dash(tmp_path, fake_embedder, monkeypatch):
    """(a hostile review: the hint `rag remove --index idx -tulips.txt` ended in "the following arguments are
    required: ids")"""
    import shlex

    from rag.cli import main

    monkeypatch.setattr("rag.embed.default_embedder", lambda: fake_embedder)
    docs = tmp_path / "d"
    docs.mkdir()
    for name in ("-tulips.txt", "roses.txt"):
        (docs / name).write_text(f"Notes on {name[:-4]} planted along the harbour wall this spring.\n", encoding="utf-8")
    folder = tmp_path / "idx"
    build.add_documents([docs], fake_embedder, folder)
    hint = store.changed_message("idx", folder, store.manifest_at(folder), "d/-tulips.txt", "rag index")
    command = hint.split("take its document out with: ")[1].split(")")[0]
    assert command == f"rag remove --index {folder} -- -tulips.txt"
    assert main(shlex.split(command)[1:]) == 0
    assert [d["id"] for d in store.manifest_at(folder)["documents"]] == ["roses.txt"]
