"""What a writer killed at the worst moment leaves, the next writer (not only the next reader) puts right.

A hostile test (SIGKILL at exact system calls) found: a build killed between its two renames left the index aside,
and the next *write* (rag index FILE, a chat upload) built a new index in its place, after which the old one was
deleted; a killed `rag eval --calibrate` left its temporary file inside the index, which then refused every build;
a link given as --index took a lock of its own. Each state is made here as the kill leaves it."""
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag import atomic, calibration, store
from rag.build import add_documents
from rag.errors import CannotWrite, IndexProblem

from conftest import INTERVIEW, ROOT, FakeEmbedder, dead_pid as _dead_pid


def _other(tmp_path: Path, name: str = "roads.txt") -> Path:
    path = tmp_path / "files" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(INTERVIEW.replace("Springfield", "Shelbyville").replace("water", "road"), encoding="utf-8")
    return path


def _killed_between_renames(folder: Path) -> Path:
    """The state a build killed after its first rename leaves: the index aside, the new one half there."""
    aside = folder.parent / f".{folder.name}.old-{_dead_pid()}"
    os.rename(folder, aside)
    (folder.parent / f".{folder.name}.tmp-abcd1234").mkdir()
    return aside


def test_a_write_after_a_build_killed_between_its_renames_keeps_the_previous_index(tmp_path, tiny_index):
    """The next write used to find no index and build one of its own file alone; the next read then deleted the
    previous index (an upload's text, only in the index, lost)."""
    before = set(store.load(tiny_index).documents)
    _killed_between_renames(tiny_index)
    report = add_documents([_other(tmp_path)], FakeEmbedder(), tiny_index)
    assert report.added == ["roads.txt"]
    assert set(store.load(tiny_index).documents) == before | {"roads.txt"}
    assert not list(tiny_index.parent.glob(f".{tiny_index.name}.*-*"))     # nothing of the killed build left


def test_the_command_line_rebuild_without_paths_after_such_a_kill_rebuilds_the_same_index(tmp_path, tiny_index):
    """`rag index --index IDX` with no paths read the index's own files, found none, and indexed the default
    transcript in its place."""
    before = set(store.load(tiny_index).documents)
    _killed_between_renames(tiny_index)
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    code = f"import sys; sys.path.insert(0, {str(ROOT / 'tests')!r})\n" \
           "import conftest, rag.embed; rag.embed.default_embedder = lambda *a, **k: conftest.FakeEmbedder()\n" \
           f"from rag.cli import main; sys.exit(main(['index', '--index', {str(tiny_index)!r}, '--quiet']))"
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert set(store.load(tiny_index).documents) == before


def test_a_second_rename_that_fails_puts_the_previous_index_back(tmp_path, tiny_index, monkeypatch):
    """A disk turned read-only (or an interrupt) between the two renames said "nothing was changed" while the index
    was aside; the next write then built over it."""
    before = set(store.load(tiny_index).documents)
    rename = os.rename

    def refuse_the_swap(src, dst):
        if ".tmp-" in str(src) and str(dst) == str(tiny_index.resolve()):
            raise OSError(30, "Read-only file system")
        return rename(src, dst)

    monkeypatch.setattr(store.os, "rename", refuse_the_swap)
    with pytest.raises(CannotWrite, match="Read-only file system.*nothing was changed"):
        add_documents([_other(tmp_path)], FakeEmbedder(), tiny_index)
    monkeypatch.undo()
    assert (tiny_index / "manifest.json").is_file()             # in place at once, not only after a read
    assert set(store.load(tiny_index).documents) == before


def test_a_rebuild_whose_process_id_left_a_replaced_index_beside_it_is_not_refused(tmp_path, tiny_index):
    """In a container every run has the same process id: a build killed while deleting the index it replaced left
    ".idx.old-PID", and each later rebuild (which reads nothing first) failed: "Directory not empty"."""
    left = tiny_index.parent / f".{tiny_index.name}.old-{os.getpid()}"
    (left / "documents").mkdir(parents=True)
    (left / "documents" / "x.txt").write_text("half deleted", encoding="utf-8")
    report = add_documents([_other(tmp_path)], FakeEmbedder(), tiny_index, rebuild=True)
    # it holds a file no build writes ("x.txt"): perhaps the user's, so it stays (a hostile review's ".idx.old-2024"
    # of notes was deleted by any search); the rebuild put its own aside under another name and removed that
    assert report.added == ["roads.txt"] and (left / "documents" / "x.txt").exists()
    assert [p.name for p in tiny_index.parent.glob(f".{tiny_index.name}.*-*")] == [left.name]
    # one that holds only what a build writes (the replaced index half deleted), of a process that is gone, is
    # removed by the next build
    shutil.rmtree(left)
    left = tiny_index.parent / f".{tiny_index.name}.old-{_dead_pid()}"
    (left / "documents").mkdir(parents=True)
    (left / "documents" / "0123456789abcdef.txt").write_text("half deleted", encoding="utf-8")
    (left / "passages.jsonl").write_text("", encoding="utf-8")
    add_documents([_other(tmp_path)], FakeEmbedder(), tiny_index, rebuild=True)
    assert not left.exists()


def _stale_calibration_temp(folder: Path) -> Path:
    path = folder / f".{calibration.FILE}.{_dead_pid()}-abcd1234"
    path.write_bytes(b'{"modes": {"hy')
    return path


def test_a_killed_calibration_leaves_no_file_that_refuses_later_builds(tmp_path, tiny_index):
    """Its temporary file inside the index was "a file that is not part of the index": every build, rebuild,
    removal and upload refused, for good."""
    left = _stale_calibration_temp(tiny_index)
    store.check_target(tiny_index)                              # not the user's file: no refusal
    report = add_documents([_other(tmp_path)], FakeEmbedder(), tiny_index)
    assert report.added == ["roads.txt"] and not left.exists()
    # a user's file of another name is still theirs, and refused as before
    (tiny_index / ".calibration.json-notes").write_text("mine", encoding="utf-8")
    with pytest.raises(IndexProblem, match="not part of the index"):
        store.check_target(tiny_index)


def test_write_atomic_removes_what_killed_writers_left_and_nothing_else(tmp_path):
    """A killed `rag adapt` left a hidden full-size copy beside its file each time."""
    target = tmp_path / "a.npz"
    dead = tmp_path / f".a.npz.{_dead_pid()}-abcd1234"
    live = tmp_path / f".a.npz.{os.getppid()}-abcd1234"          # a writer still running: its file stays
    mine = tmp_path / ".a.npz-notes"                              # a user's
    for p in (dead, live, mine):
        p.write_bytes(b"x" * 10)
    atomic.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert not dead.exists() and live.exists() and mine.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, live.name, mine.name])


LOCK_HOLDER = """
import sys, time
from rag import store
with store.build_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(30)
"""


def test_a_link_to_an_index_takes_the_index_lock(tmp_path, tiny_index):
    """A calibration through a link did not wait for a running build (another lock file), whose swap then dropped
    it; a read through the link after a crash did not recover the index."""
    link = tmp_path / "link"
    link.symlink_to(tiny_index, target_is_directory=True)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(tiny_index)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with store.build_lock(link, wait=False) as free:
            assert free is False
    finally:
        holder.kill()
        holder.wait()
    before = set(store.load(tiny_index).documents)
    _killed_between_renames(tiny_index)
    assert set(store.load(link).documents) == before


def test_a_damaged_manifest_says_how_to_get_out(tiny_index):
    """Its message said "Rebuild it with: rag index PATH... --index IDX", which was then refused ("not empty and
    holds no index"): no way forward but deleting by hand a folder the tool called no index."""
    (tiny_index / "manifest.json").write_text('{"format": "rag-ind', encoding="utf-8")
    with pytest.raises(IndexProblem, match="cannot be read .*damaged. Move .* aside .* build it again: rag index"):
        store.load(tiny_index)
    with pytest.raises(IndexProblem, match="looks like an index whose manifest.json cannot be read.*Move it aside"):
        store.check_target(tiny_index)
    assert (tiny_index / "documents").is_dir()          # nothing deleted


def test_a_damaged_calibration_is_said(tiny_index, caplog):
    """An unreadable calibration.json was ignored without a word: the index's searches lost their threshold."""
    (tiny_index / calibration.FILE).write_text('{"modes": {"hybrid": {"thresh', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="rag"):
        index = store.load(tiny_index)
    assert index.calibration == {}
    assert any("calibration.json cannot be read" in r.getMessage() and "rag eval --calibrate" in r.getMessage()
               for r in caplog.records)


def test_a_full_disk_in_faiss_is_the_systems_words():
    """FAISS says a full disk in a C++ assertion, which the command line and the chat showed as it was."""
    error = RuntimeError("Error in void faiss::write_index(const Index*, IOWriter*, int) at /project/faiss/impl/"
                         "index_write.cpp:499: Error: 'ret == (size * 4)' failed: write error in /x/.idx.tmp-fvlo2w_w/"
                         "index.faiss: 282579 != 505344 (No space left on device)")
    said = "Could not write idx (No space left on device): nothing was changed."
    assert str(atomic.unwritable(Path("idx"), error)) == said
    assert str(atomic.unwritable(Path("idx"), OSError(28, "No space left on device"))) == said


def test_every_file_and_folder_of_a_new_index_is_on_the_disk_before_the_swap(tmp_path, tiny_index, monkeypatch):
    """FAISS and the lexical index write without syncing: after a power cut the index renamed in could hold files of
    the right names and none of their bytes. Every file the build wrote, and its folders, is synced before the
    rename that swaps it in."""
    synced, at_swap = [], []
    fsync, rename = os.fsync, os.rename

    def record_fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return fsync(fd)

    def record_rename(src, dst):
        if ".tmp-" in str(src) and str(dst) == str(tiny_index.resolve()):
            at_swap.append((str(src), list(synced)))
        return rename(src, dst)

    monkeypatch.setattr(store.os, "fsync", record_fsync)
    monkeypatch.setattr(store.os, "rename", record_rename)
    add_documents([_other(tmp_path)], FakeEmbedder(), tiny_index)
    monkeypatch.undo()
    (tmp, before_swap), = at_swap
    written = [str(p).replace(str(tiny_index.resolve()), tmp) for p in tiny_index.resolve().rglob("*")]
    assert any(w.endswith("index.faiss") for w in written) and any("/lexical/" in w for w in written)
    assert [w for w in written if w not in before_swap] == []


def test_an_index_left_aside_comes_back_into_an_empty_folder_made_since(tmp_path, tiny_index):
    """A hostile review: a build killed between its renames left the index only in ".idx.old-PID"; `rag adapt --out
    idx/adapter.npz` (or a user's `mkdir idx`) made an empty idx/ first, and the next load restored nothing and
    deleted the index left aside: every document gone."""
    before = set(store.load(tiny_index).documents)
    aside = _killed_between_renames(tiny_index)
    tiny_index.mkdir()
    assert set(store.load(tiny_index).documents) == before and not aside.exists()
    # the command line: rag adapt makes idx/ for its --out before it loads the index
    aside = _killed_between_renames(tiny_index)
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "1", "query": "water", "gold": ["water"]}\n', encoding="utf-8")
    subprocess.run([sys.executable, "-m", "rag", "adapt", str(queries), "--index", str(tiny_index),
                    "--out", str(tiny_index / "adapter.npz")], cwd=tmp_path, capture_output=True, text=True,
                   env=dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT)), timeout=300)
    assert set(store.load(tiny_index).documents) == before and not aside.exists()


def test_folders_named_like_leftovers_but_holding_a_users_files_are_never_removed(tmp_path, tiny_index):
    """A hostile review: `rag search` deleted a user's ".idx.old-2024/" and ".idx.tmp-mybackup/" (notes.txt in each)
    beside the index: anything so named was taken for a killed build's."""
    (tiny_index.parent / f".{tiny_index.name}.lock").touch()
    mine = [tiny_index.parent / f".{tiny_index.name}.old-{_dead_pid()}", tiny_index.parent / f".{tiny_index.name}.tmp-mybackup"]
    for folder in mine:
        folder.mkdir()
        (folder / "notes.txt").write_text("my notes", encoding="utf-8")
    assert store.load(tiny_index).passages
    add_documents([_other(tmp_path)], FakeEmbedder(), tiny_index)
    assert all((folder / "notes.txt").read_text(encoding="utf-8") == "my notes" for folder in mine)
    # a replaced index of a process still running is not removed either (its build may still be reading it)
    alive = tiny_index.parent / f".{tiny_index.name}.old-{os.getpid()}"
    shutil.copytree(tiny_index, alive)
    assert store.load(tiny_index).passages and (alive / "manifest.json").exists()


def test_a_full_disk_in_numpy_is_the_systems_words():
    """Session 33's tester, a small full disk: numpy's tofile says a short write, "538368 requested and 94144
    written", without the system's reason; the message is to say why. /dev/full is a device always full."""
    import numpy as np

    try:
        with open("/dev/full", "wb") as f:
            np.zeros(100_000, dtype="float32").tofile(f)
    except OSError as e:
        error = e
    else:
        pytest.skip("no /dev/full here")
    assert str(atomic.unwritable(Path("idx"), error)) == \
        "Could not write idx (No space left on device: 100000 requested and 0 written): nothing was changed."
