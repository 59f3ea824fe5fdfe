"""A build killed at any moment leaves the previous index intact; two builds at once do not corrupt it."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rag import store

from conftest import CORPUS, ROOT, FakeEmbedder

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
    folder = tmp_path / "idx"
    from rag.build import build

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
        from rag.build import build
        _big_fp[big] = build([big], FakeEmbedder(), folder=tmp_path / "reference").manifest["fingerprint"]
    return _big_fp[big]


def test_two_builds_at_once_do_not_corrupt(tmp_path, interview_file):
    folder = tmp_path / "idx"
    other = tmp_path / "other.txt"
    other.write_text(CORPUS.read_text(encoding="utf-8"), encoding="utf-8")
    procs = [start_build(interview_file, folder), start_build(other, folder)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    index = store.load(folder, embedder=FakeEmbedder())
    assert len(index.documents) == 1
    for p in index.passages:
        assert index.documents[p.doc].text[p.start:p.end] == p.text
