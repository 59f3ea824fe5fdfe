"""A build killed at any moment leaves the previous index intact; two builds at once keep each other's documents."""
import json
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


@pytest.mark.slow
def test_sigkill_during_build_keeps_previous_index(tmp_path, interview_file):
    """A build (fake embedder) SIGKILLed at eight moments leaves the previous index or the complete
    new one, never a broken one. (Timed kills of a big build, about a minute: the fast suite has
    test_sigkill_at_every_step_of_a_save, which kills a small build at each of its file operations.)"""
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
        else:       # built faster than the timing run (a machine less loaded now): later kills come sooner
            whole = delay
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


KILL_AT_EVERY_STEP = r"""
import builtins, io, json, os, shutil, signal, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
import faiss
from conftest import FakeEmbedder
from rag import store
from rag.build import build

old_doc, new_doc, tmp = Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
folder = tmp / "idx"
new = build([new_doc], FakeEmbedder(), folder=tmp / "reference").fingerprint
before = build([old_doc], FakeEmbedder(), folder=folder).fingerprint


def hook(kill_at, steps):
    # every call that changes the file system counts as a step; kill_at = (step, "before" | "after")
    count = [0]

    def wrap(mod, name, real):
        def step(*a, **k):
            if name == "open" and not set("wax+") & set(a[1] if len(a) > 1 else k.get("mode", "r")):
                return real(*a, **k)
            count[0] += 1
            n = count[0]
            steps.append(f"{name}({next((str(x) for x in a if isinstance(x, (str, os.PathLike))), '')})")
            if kill_at == (n, "before"):
                os.kill(os.getpid(), signal.SIGKILL)
            try:
                return real(*a, **k)
            finally:
                if kill_at == (n, "after"):
                    os.kill(os.getpid(), signal.SIGKILL)
        setattr(mod, name, step)

    for mod in (builtins, io):
        wrap(mod, "open", builtins.open)
    for mod, name in ((os, "mkdir"), (os, "fsync"), (os, "rename"), (os, "replace"), (os, "unlink"),
                      (os, "rmdir"), (faiss, "write_index")):
        wrap(mod, name, getattr(mod, name))


def run(kill_at):
    # the build of the new document in a forked child (the imports are done: a fork costs milliseconds)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        steps = []
        hook(kill_at, steps)
        build([new_doc], FakeEmbedder(), folder=folder)
        os.write(w, json.dumps(steps).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        out = f.read()
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, out


_, out = run(None)          # count the steps
steps = json.loads(out)
print(json.dumps({"steps": steps}), flush=True)
build([old_doc], FakeEmbedder(), folder=folder)
previous = tmp / "previous"
shutil.copytree(folder, previous)
for n, name in enumerate(steps, 1):
    # just after a step is just before the next one, except after an open (an empty file, the data
    # not yet written), after a rename (the moment between the two renames of the swap) and at the end
    for when in ("before", "after") if name.startswith(("open(", "rename(")) or n == len(steps) else ("before",):
        killed, _ = run((n, when))
        after = store.load(folder, embedder=FakeEmbedder(), check_sources=False)
        exact = all(after.documents[p.doc].text[p.start:p.end] == p.text for p in after.passages + after.paragraphs)
        print(json.dumps({"step": n, "when": when, "name": name, "killed": killed, "exact": exact,
                          "index": {before: "previous", new: "new"}.get(after.fingerprint, after.fingerprint),
                          "left": sorted(p.name for p in tmp.iterdir() if p.name.startswith((".idx.tmp", ".idx.old")))}),
              flush=True)
        if after.fingerprint == new:           # back to the previous index for the next kill
            shutil.rmtree(folder)
            shutil.copytree(previous, folder)
"""


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_sigkill_at_every_step_of_a_save(tmp_path, interview_file):
    """A build SIGKILLed just before each of its file operations (every open for writing, mkdir, fsync,
    rename, unlink, rmdir and FAISS write, counted in a first run), and just after each open and rename,
    leaves a whole index: the previous one up to the rename that swaps the new one in, the new one from
    then on, every quote exact, and nothing of the killed build left beside it once the index is loaded.
    Deterministic: the kills come from inside the build, in a forked child of one process that did the
    imports once (about 50 kills in a few seconds)."""
    new_doc = tmp_path / "roads.txt"
    new_doc.write_text(INTERVIEW.replace("Springfield", "Shelbyville").replace("Jane Doe", "John Roe")
                       .replace("water", "road"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", KILL_AT_EVERY_STEP, str(ROOT / "tests"), str(interview_file),
                          str(new_doc), str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=240,
                         env=dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1"))
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    steps, kills = lines[0]["steps"], lines[1:]
    renames = [s for s in steps if s.startswith("rename(")]
    assert any(".idx.tmp-" in s for s in renames), f"the swap was not seen, the test proves nothing: {steps}"
    twice = sum(s.startswith(("open(", "rename(")) for s in steps[:-1]) + 1
    assert len(kills) == len(steps) + twice and len(steps) >= 20
    assert sum(k["when"] == "after" and k["name"].startswith("open(") for k in kills) >= 8   # files written
    assert all(k["killed"] for k in kills), [k for k in kills if not k["killed"]]
    assert all(k["exact"] for k in kills), [k for k in kills if not k["exact"]]
    assert all(not k["left"] for k in kills), [k for k in kills if k["left"]]
    outcomes = [k["index"] for k in kills]
    assert set(outcomes) == {"previous", "new"}, outcomes
    # previous until the new folder is renamed into place, new from the first kill after it
    swap = next(i for i, k in enumerate(kills) if k["when"] == "after" and k["name"].startswith("rename(")
                and ".idx.tmp-" in k["name"])
    assert outcomes == ["previous"] * swap + ["new"] * (len(kills) - swap), \
        [(k["step"], k["when"], k["name"], k["index"]) for k in kills]


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


@pytest.mark.parametrize("run", [_add_in_threads, pytest.param(_add_in_processes, marks=pytest.mark.slow)],
                         ids=["threads", "processes"])
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
    # a second document of new text (the transcript's paragraphs in reverse order, each three times with its
    # sentences in another order and a number: passages of the same text would reuse their vectors), so that
    # the build is still embedding 6 s in even with the fast ONNX encoder (the reversed transcript alone
    # embedded 56 new passages and was done in under 6 s)
    paragraphs = list(reversed(CORPUS.read_text(encoding="utf-8").split("\n\n")))
    second = tmp_path / "reversed.txt"
    second.write_text("\n\n".join(f"({n}) " + " ".join(p.split(". ")[::(-1) ** n])
                                   for n in range(1, 4) for p in paragraphs), encoding="utf-8")

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


FULL_DISK = """
import resource, signal, sys
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
import rag.embed
rag.embed.default_embedder = FakeEmbedder
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)         # a write past the limit fails (EFBIG), as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))
from rag.cli import main
sys.exit(main(["index", {path!r}, "--index", {folder!r}, "--quiet"]))
"""


def test_a_write_the_system_refuses_is_one_message_and_the_index_stays(tmp_path, interview_file):
    """A full disk (here: files limited to 2,000 bytes, a real refusal of the system) printed a traceback."""
    folder = tmp_path / "idx"
    build([interview_file], FakeEmbedder(), folder)
    before = (folder / "manifest.json").read_bytes()
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join(f"Speaker {i % 2}: the budget of the council and the road tax, part {i}."
                               for i in range(200)), encoding="utf-8")
    code = FULL_DISK.format(tests=str(ROOT / "tests"), path=str(big), folder=str(folder))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "error: Could not write" in done.stderr
    assert "nothing was changed" in done.stderr
    assert (folder / "manifest.json").read_bytes() == before
    assert store.load(folder, embedder=FakeEmbedder()).documents.keys() == {"briefing.txt"}
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]



REBUILDS = """
import sys, time
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
from rag.build import add_documents
end, i = time.monotonic() + 12, 0
while time.monotonic() < end:
    add_documents([{a!r} if i % 2 else {b!r}], FakeEmbedder(), {folder!r}, rebuild=True)
    i += 1
print(i, flush=True)
"""


@pytest.mark.slow       # seconds of builds and loads racing
def test_a_load_while_builds_swap_the_index_in_never_calls_it_damaged(tmp_path, interview_file):
    """A search overlapping a build's swap read files of two builds (or none) and said "The index … is damaged …
    Rebuild it" (a hostile reviewer: about 20 of many loads in 40 s). Builds run in another process here."""
    folder = tmp_path / "race"
    build([interview_file], FakeEmbedder(), folder)
    other = tmp_path / "other.txt"
    other.write_text("Question: Is the bridge late?\n\nJane Doe: The bridge is on time and on budget.\n", "utf-8")
    code = REBUILDS.format(tests=str(ROOT / "tests"), a=str(interview_file), b=str(other), folder=str(folder))
    builder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    problems, loads = [], 0
    try:
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                store.load(folder, embedder=FakeEmbedder())
                loads += 1
            except store.IndexProblem as e:
                problems.append(str(e))
    finally:
        out, _ = builder.communicate(timeout=60)
    assert int(out.split()[-1]) > 20, "the builds did not run"
    assert loads > 20 and problems == [], problems[:3]
