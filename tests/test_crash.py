"""A build killed at any moment leaves the previous index intact; two builds at once keep each other's documents."""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rag import store
from rag.build import add_documents, build

from conftest import CORPUS, INTERVIEW, ROOT, FakeEmbedder

BUILD = """
import sys
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
from rag.build import build
build([{path!r}], FakeEmbedder(), folder={folder!r})
print("built", flush=True)
"""


def start_build(path: Path, folder: Path) -> subprocess.Popen:
    code = BUILD.format(tests=str(ROOT / "tests"), path=str(path), folder=str(folder))
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_sigkill_during_build_keeps_previous_index(tmp_path, interview_file):
    """A build (fake embedder) SIGKILLed at eight moments leaves the previous index or the complete
    new one, never a broken one."""
    folder = tmp_path / "idx"
    build([interview_file], FakeEmbedder(), folder=folder)
    before = store.load(folder, embedder=FakeEmbedder())
    # a bigger document takes long enough to be killed at many different moments
    big = tmp_path / "big.txt"
    paragraphs = CORPUS.read_text(encoding="utf-8").split("\n\n")
    big.write_text("\n\n".join(f"Part {i}. {p}" for i in range(30) for p in paragraphs), encoding="utf-8")
    t0 = time.monotonic()
    proc = start_build(big, tmp_path / "timing")
    proc.communicate(timeout=300)
    whole = time.monotonic() - t0
    finished = killed = 0
    for fraction in (0.35, 0.5, 0.6, 0.7, 0.8, 0.87, 0.93, 0.97):
        delay = whole * fraction
        proc = start_build(big, folder)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        after = store.load(folder, embedder=FakeEmbedder(), check_sources=False)
        assert after.manifest["fingerprint"] in (before.manifest["fingerprint"], _fingerprint_of_big(tmp_path, big))
        for p in after.passages:
            assert after.documents[p.doc].text[p.start:p.end] == p.text
        if after.manifest["fingerprint"] != before.manifest["fingerprint"]:
            finished += 1
            build([interview_file], FakeEmbedder(), folder=folder)   # back to the old one for the next round
    assert killed >= 3, "the build was never caught mid-way: make the document bigger"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".idx.tmp") or p.name.startswith(".idx.old")]
    # killed builds may leave a temporary folder behind, never a broken index
    assert all(not (tmp_path / n / "manifest.json").exists() or n.startswith(".idx.tmp") for n in leftovers)


_big_fp = {}


def _fingerprint_of_big(tmp_path, big):
    if big not in _big_fp:
        _big_fp[big] = build([big], FakeEmbedder(), folder=tmp_path / "reference").manifest["fingerprint"]
    return _big_fp[big]


class SlowEmbedder(FakeEmbedder):
    """The fake embedder, slow enough that two builds started together surely overlap."""

    PAUSE = 0.5

    def encode_documents(self, texts, progress=False):
        time.sleep(self.PAUSE)
        return super().encode_documents(texts, progress)


ADD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_crash import SlowEmbedder
from rag.build import add_documents
print("ready", flush=True)
while not Path({gate!r}).exists():     # both processes start their build at the same moment
    time.sleep(0.002)
print("started", time.time(), flush=True)
add_documents([Path({path!r})], SlowEmbedder(), Path({folder!r}))
print("done", time.time(), flush=True)
"""


def _add_in_threads(paths, folder):
    """add_documents for each path in its own thread, all released at once: [(start, end)]."""
    barrier = threading.Barrier(len(paths))
    times, errors = {}, []

    def add(path):
        try:
            barrier.wait()
            start = time.time()
            add_documents([path], SlowEmbedder(), folder)
            times[path] = (start, time.time())
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    threads = [threading.Thread(target=add, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return list(times.values())


def _add_in_processes(paths, folder):
    """add_documents for each path in its own process, all released at once: [(start, end)]."""
    gate = folder.parent / "go"
    procs = [subprocess.Popen([sys.executable, "-c", ADD.format(tests=str(ROOT / "tests"), gate=str(gate),
                                                                path=str(p), folder=str(folder))],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in paths]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.communicate()[1]
    gate.touch()
    times = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        stamps = dict(line.split() for line in out.splitlines())
        times.append((float(stamps["started"]), float(stamps["done"])))
    return times


@pytest.mark.parametrize("run", [_add_in_threads, _add_in_processes], ids=["threads", "processes"])
def test_two_incremental_builds_at_once_keep_both_documents(tmp_path, interview_file, run):
    """Two builds that each add a different document to the same index, started at the same moment
    (in two threads of one process, as the web app's uploads, or in two processes, as two `rag index`),
    both end up in the index: the build lock makes the second one read the index only after the first
    saved it. Without the lock both read the old index and the last save drops the other's document."""
    folder = tmp_path / "idx"
    build([interview_file], FakeEmbedder(), folder=folder)
    docs = []
    for name, town in (("alpha.txt", "Alphaville"), ("beta.txt", "Betatown")):
        path = tmp_path / name
        path.write_text(INTERVIEW.replace("Springfield", town).replace("Jane Doe", f"Mayor of {town}"),
                        encoding="utf-8")
        docs.append(path)
    (start1, end1), (start2, end2) = run(docs, folder)
    assert max(start1, start2) < min(end1, end2), "the two builds did not overlap: the test proves nothing"
    index = store.load(folder, embedder=FakeEmbedder())
    assert set(index.documents) == {"briefing.txt", "alpha.txt", "beta.txt"}
    for p in index.passages + index.paragraphs:
        assert index.documents[p.doc].text[p.start:p.end] == p.text


def _rag_index(paths, idx, log):
    """`rag index PATHS --index IDX` with the real model, in a subprocess, its output in `log`."""
    return subprocess.Popen([sys.executable, "-m", "rag", "index", *map(str, paths), "--index", str(idx)],
                            cwd=ROOT, env=dict(os.environ, HF_HUB_OFFLINE="1"),
                            stdout=log, stderr=subprocess.STDOUT)


def _after(seconds):
    """Wait `seconds` after the build started."""
    return lambda proc: time.sleep(seconds)


def _when_saving(idx):
    """Wait until the build starts writing its new index (its temporary folder beside `idx` appears)."""
    def wait(proc):
        deadline = time.monotonic() + 120
        while proc.poll() is None and not any(idx.parent.glob(f".{idx.name}.tmp-*")):
            assert time.monotonic() < deadline, "the build never started writing the index"
            time.sleep(0.002)
    return wait


@pytest.mark.slow
def test_sigkill_real_rag_index_keeps_previous_index(tmp_path):
    """The real `rag index` (CLI, real model) adding a second document to a copy of the shipped index,
    SIGKILLed 2 s in (starting), 6 s in (loading the model or embedding) and as it starts writing the
    new index, leaves the previous index as it was: same fingerprint, one document, searchable."""
    from rag.embed import default_embedder
    from rag.retrieve import open_retriever

    idx = tmp_path / "idx"
    with store.build_lock(ROOT / "embeddings"):      # never copied mid-swap, should someone rebuild it now
        shutil.copytree(ROOT / "embeddings", idx)
    # the manifest keeps the corpus path relative to the folder holding the index folder: the copy goes
    # to the same place relative to tmp_path, so the source check (kept on) finds the very same bytes
    corpus = tmp_path / CORPUS.relative_to(ROOT)
    corpus.parent.mkdir(parents=True)
    shutil.copy2(CORPUS, corpus)
    # a second document: the transcript's paragraphs in reverse order, new bytes, seconds of embedding
    second = tmp_path / "reversed.txt"
    second.write_text("\n\n".join(reversed(CORPUS.read_text(encoding="utf-8").split("\n\n"))), encoding="utf-8")

    embedder = default_embedder()
    before = store.load(idx, embedder=embedder)
    assert len(before.documents) == 1

    outcomes = []
    # each run after the first also shows that a killed build's lock goes with it (the kernel drops the flock)
    for moment, wait in (("after 2 s", _after(2)), ("after 6 s", _after(6)), ("while saving", _when_saving(idx))):
        with open(tmp_path / "rag-index.log", "w") as log:
            proc = _rag_index([corpus, second], idx, log)
            try:
                wait(proc)
            finally:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
        output = (tmp_path / "rag-index.log").read_text(errors="replace")
        assert proc.returncode == -signal.SIGKILL, f"{moment}: the build was not killed, it ended: {output}"
        after = store.load(idx, embedder=embedder)
        committed = after.fingerprint != before.fingerprint
        outcomes.append((moment, "new index" if committed else "previous index"))
        if committed:
            # killed between its swap and its exit: the build was complete, and so is the index
            assert moment == "while saving" and set(after.documents) == {CORPUS.name, second.name}, outcomes
        else:
            assert after.manifest == before.manifest and list(after.documents) == [CORPUS.name]
            assert open_retriever(idx, embedder=embedder).search("New START extension", 3).hits
    assert outcomes[:2] == [("after 2 s", "previous index"), ("after 6 s", "previous index")], outcomes
