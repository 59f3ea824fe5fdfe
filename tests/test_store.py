"""The index on disk: round trip, and every way it can be broken is refused with the rebuild command."""
import json
import os
import shutil

import pytest

from rag import store
from rag.errors import IndexProblem
from rag.retrieve import Retriever


def test_round_trip_keeps_exact_spans(tiny_index, fake_embedder):
    index = store.load(tiny_index, embedder=fake_embedder)
    assert index.passages and index.vectors.ntotal == len(index.passages)
    for p in index.passages + index.paragraphs:
        assert index.documents[p.doc].text[p.start:p.end] == p.text
    m = index.manifest
    assert m["format"] == store.FORMAT and m["model"]["name"] == "fake-embedder"
    assert m["model"]["fingerprint"] == "fake-v1" and m["model"]["dim"] == fake_embedder.dim
    assert len(m["documents"][0]["sha256"]) == 64 and m["chunking"]
    assert len(m["fingerprint"]) == 12


def test_plain_files_no_pickle(tiny_index):
    names = {p.name for p in tiny_index.iterdir()}
    assert {"manifest.json", "passages.jsonl", "paragraphs.jsonl", "index.faiss", "documents"} <= names
    for path in tiny_index.rglob("*"):
        if path.is_file():
            assert not path.read_bytes().startswith(b"\x80"), f"{path} looks like a pickle"
    json.loads((tiny_index / "manifest.json").read_text())


def expect_refused(folder, embedder, *words):
    with pytest.raises(IndexProblem) as e:
        store.load(folder, embedder=embedder)
    msg = str(e.value)
    assert "rag index" in msg, msg
    for w in words:
        assert w in msg, msg
    return msg


def edit_manifest(folder, **changes):
    path = folder / "manifest.json"
    m = json.loads(path.read_text())
    m.update(changes)
    path.write_text(json.dumps(m))


def test_missing_index(tmp_path, fake_embedder):
    expect_refused(tmp_path / "nothing", fake_embedder, "No index")


def test_other_format_refused(tiny_index, fake_embedder):
    edit_manifest(tiny_index, format="rag-index/0")
    expect_refused(tiny_index, fake_embedder, "format")


def test_other_model_refused(tiny_index, fake_embedder):
    fake_embedder.fingerprint = "other-weights"
    expect_refused(tiny_index, fake_embedder, "model")


def test_other_chunking_refused(tiny_index, fake_embedder):
    edit_manifest(tiny_index, chunking={"max_tokens": 1})
    expect_refused(tiny_index, fake_embedder, "chunked")


def test_changed_source_refused(tiny_index, fake_embedder, interview_file):
    interview_file.write_text(interview_file.read_text() + "\nA new paragraph.\n")
    expect_refused(tiny_index, fake_embedder, "changed", "briefing.txt")


def test_truncated_faiss_refused(tiny_index, fake_embedder):
    path = tiny_index / "index.faiss"
    path.write_bytes(path.read_bytes()[:100])
    expect_refused(tiny_index, fake_embedder, "damaged")


def test_passage_count_mismatch_refused(tiny_index, fake_embedder):
    path = tiny_index / "passages.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))
    expect_refused(tiny_index, fake_embedder, "damaged")


def test_passage_not_matching_document_refused(tiny_index, fake_embedder):
    path = tiny_index / "passages.jsonl"
    lines = path.read_text().splitlines()
    first = json.loads(lines[0])
    first["start"] += 1
    path.write_text("\n".join([json.dumps(first)] + lines[1:]) + "\n")
    expect_refused(tiny_index, fake_embedder, "does not match")


def test_garbage_files_refused(tiny_index, fake_embedder):
    (tiny_index / "passages.jsonl").write_text("not json\n")
    expect_refused(tiny_index, fake_embedder, "damaged")
    (tiny_index / "manifest.json").write_text("{broken")
    expect_refused(tiny_index, fake_embedder, "cannot be read")


def test_edited_document_text_refused(tiny_index, fake_embedder):
    doc = next((tiny_index / "documents").iterdir())
    doc.write_text(doc.read_text().replace("Prices", "Costs"))
    expect_refused(tiny_index, fake_embedder, "checksum")


def test_reordered_passages_refused(tiny_index, fake_embedder):
    """Same count, every span still exact, but line i is no longer the text of vector i."""
    path = tiny_index / "passages.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) > 1
    path.write_text("".join(reversed(lines)), encoding="utf-8")
    expect_refused(tiny_index, fake_embedder, "damaged", "passages.jsonl", "checksum")


def test_vectors_of_another_build_refused(tmp_path, tiny_index, fake_embedder):
    """An index.faiss of the same shape from another build of other text is not these passages' vectors."""
    from rag.build import build

    other = tmp_path / "other.txt"
    original = store.load(tiny_index, fake_embedder)
    # same number of paragraphs, other words: same shape, other vectors
    other.write_text("\n\n".join(f"Paragraph {i} about something else entirely, number {i}."
                                   for i in range(len(original.paragraphs))), encoding="utf-8")
    build([other], fake_embedder, folder=tmp_path / "other-idx")
    donor = store.load(tmp_path / "other-idx", fake_embedder)
    if donor.vectors.ntotal != original.vectors.ntotal:     # make the shapes equal for sure
        import numpy as np
        rows = store.vectors_array(donor.vectors)
        rows = np.resize(rows, (original.vectors.ntotal, rows.shape[1]))
        import faiss
        faiss.write_index(store.vectors_index(rows), str(tmp_path / "other-idx" / "index.faiss"))
    shutil.copy(tmp_path / "other-idx" / "index.faiss", tiny_index / "index.faiss")
    expect_refused(tiny_index, fake_embedder, "damaged", "index.faiss", "checksum")


def test_unusual_line_breaks_in_text_survive_the_round_trip(tmp_path, fake_embedder):
    """U+2028, U+0085 and form feeds are line breaks to str.splitlines, not to JSON lines."""
    from rag.build import build

    doc = tmp_path / "odd.txt"
    doc.write_text("Question: Is this\u2028one line?\n\nAnswer: Yes,\x85it\x0cis.\n", encoding="utf-8")
    build([doc], fake_embedder, folder=tmp_path / "idx")
    index = store.load(tmp_path / "idx", fake_embedder)
    assert any("\u2028" in p.text for p in index.paragraphs) and any("\x85" in p.text for p in index.paragraphs)


def test_missing_file_refused(tiny_index, fake_embedder):
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
    half = tiny_index.parent / f".{tiny_index.name}.tmp-abc123"
    replaced = tiny_index.parent / f".{tiny_index.name}.old-4242"
    shutil.copytree(tiny_index, half)
    shutil.copytree(tiny_index, replaced)
    (half / "manifest.json").unlink()
    other = tiny_index.parent / ".other.tmp-1"       # another index's: not ours to remove
    other.mkdir()
    assert store.load(tiny_index, embedder=fake_embedder).passages
    assert not half.exists() and not replaced.exists() and other.exists()


def test_loading_does_not_wait_for_a_running_build(tiny_index, fake_embedder):
    """`rag search` while `rag index` runs for minutes: the current index answers at once."""
    import threading
    import time

    holding, release = threading.Event(), threading.Event()

    def build_running():
        with store.build_lock(tiny_index):
            holding.set()
            release.wait(10)

    t = threading.Thread(target=build_running)
    t.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        assert store.load(tiny_index, embedder=fake_embedder).passages
        assert time.monotonic() - started < 5
    finally:
        release.set()
        t.join()


def test_interrupted_swap_recovers_previous_index(tiny_index, fake_embedder):
    # a build that died between its two renames leaves only the old folder, renamed aside
    old = tiny_index.parent / f".{tiny_index.name}.old-12345"
    os.rename(tiny_index, old)
    index = store.load(tiny_index, embedder=fake_embedder)
    assert index.passages and (tiny_index / "manifest.json").exists() and not old.exists()


def test_search_uses_loaded_index(tiny_index, fake_embedder):
    r = Retriever(store.load(tiny_index, embedder=fake_embedder), fake_embedder)
    result = r.search("Is the pipeline funded by a grant?", k=3)
    assert result.hits and "grant" in result.hits[0].passage.text


def test_index_is_frozen_and_save_returns_the_saved_one(tmp_path, tiny_index, fake_embedder):
    import dataclasses

    from rag import lexical

    index = store.load(tiny_index, embedder=fake_embedder)
    with pytest.raises(dataclasses.FrozenInstanceError):
        index.folder = tmp_path
    assert index.calibration == {} and index.lexical is None and index.folder == tiny_index
    saved = store.save(dataclasses.replace(index, lexical=lexical.build(index.passages),
                                           calibration={"model": "m"}), tmp_path / "copy")
    assert saved.folder == tmp_path / "copy" and saved is not index and index.folder == tiny_index
    assert "lexical/tokenizer.json" in saved.manifest["files"] and "files" in saved.manifest
    again = store.load(tmp_path / "copy", embedder=fake_embedder)
    assert again.calibration == {"model": "m"} and again.fingerprint == index.fingerprint


def test_a_custom_chunking_loads_when_asked_for(tmp_path, interview_file, fake_embedder):
    from rag.build import build
    from rag.chunk import ChunkSettings

    custom = ChunkSettings(max_tokens=16)
    build([interview_file], fake_embedder, folder=tmp_path / "idx", settings=custom)
    expect_refused(tmp_path / "idx", fake_embedder, "chunked")          # default chunking asked for
    index = store.load(tmp_path / "idx", embedder=fake_embedder, compat=store.Compat.of(fake_embedder, custom))
    assert index.manifest["chunking"] == custom.to_dict() and index.passages
    with pytest.raises(IndexProblem, match="model"):
        store.load(tmp_path / "idx", compat=store.Compat(chunking=custom, model=("other", "weights")))
    assert store.load(tmp_path / "idx", compat=store.Compat(chunking=custom)).passages     # any model


def test_compat_names_what_does_not_fit(tiny_index):
    manifest = json.loads((tiny_index / "manifest.json").read_text())
    assert store.Compat().problem(manifest) is None
    assert "parser" in store.Compat(parser=-1).problem(manifest)
    assert "weights" in store.Compat(model=("fake-embedder", "other")).problem(manifest)
    assert store.Compat(model=("fake-embedder", "fake-v1")).problem(manifest) is None
