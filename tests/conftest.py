"""Shared fixtures: a deterministic fake embedder, tiny documents, a temporary index."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

# Property tests: 30 examples each in the fast run, 200 in the full suite (scripts/test.sh sets
# HYPOTHESIS_PROFILE=full); a test's own @settings(max_examples=...) still wins.
try:
    from hypothesis import settings as _hypothesis

    _hypothesis.register_profile("fast", max_examples=30)
    _hypothesis.register_profile("full", max_examples=200)
    _hypothesis.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
except ImportError:     # hypothesis is a test extra; only test_properties.py needs it
    pass

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "000_17cb08188d8e02ca.txt"


class FakeEmbedder:
    """Bag of hashed, lower-cased words: texts sharing words get similar vectors. Deterministic."""

    name = "fake-embedder"
    fingerprint = "fake-v1"
    dim = 64
    max_tokens = 256

    def __init__(self):
        self.calls = 0          # texts embedded, so tests can see what was (re)embedded
        self.words = 0          # ... and lone words (expand.py embeds the index's vocabulary word by word)

    def count_tokens(self, texts):
        return [len(re.findall(r"\w+|[^\w\s]", t)) for t in texts]

    def _vec(self, text):
        v = np.zeros(self.dim, dtype="float32")
        for word in re.findall(r"\w+", text.lower()):
            h = int(hashlib.md5(word.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def encode_documents(self, texts, progress=False):
        lone = sum(bool(re.fullmatch(r"[^\W\d_]+", t)) for t in texts)
        self.calls += len(texts) - lone
        self.words += lone
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), "float32")

    def encode_query(self, text):
        return self._vec(text)


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


INTERVIEW = """Press briefing on water policy, Springfield, March 3, 2023.

Good afternoon. I will start with a short statement about the reservoir. The reservoir is full again after the spring rains.

Question: What will happen to water prices next year?

Jane Doe: Prices will stay flat next year. The council agreed on that in February.

We also plan a new pipeline to the north district.

Question (Daily Bugle): Is the pipeline funded?

Jane Doe: Yes. The pipeline is funded by a regional grant of 4 million dollars.
"""


@pytest.fixture
def interview_file(tmp_path):
    path = tmp_path / "briefing.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    return path


@pytest.fixture
def tiny_index(tmp_path, interview_file, fake_embedder):
    """A real index on disk over the tiny interview, built with the fake embedder."""
    from rag.build import build

    folder = tmp_path / "idx"
    build([interview_file], fake_embedder, folder=folder)
    return folder


def serve_folder(folder: Path):
    """The chat served in this process over an index (the fake embedder's, in `folder`/idx) of `folder`'s .txt files:
    a generator for a module fixture, yielding the page's URL, closing the server after."""
    from rag import ui
    from rag.build import build
    from test_ui_api import free_port

    embedder = FakeEmbedder()
    build(sorted(folder.glob("*.txt")), embedder, folder=folder / "idx")
    demo, url = ui.serve(folder / "idx", port=free_port(), embedder=embedder, block=False)
    try:
        yield url
    finally:
        demo.close()


def at_once(fn, n: int, timeout: float = 60) -> list:
    """fn(i) for i in range(n), from n threads released together; the results in order
    (an exception in any thread is raised here)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    start = threading.Barrier(n)

    def run(i):
        start.wait(timeout)
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        futures = [pool.submit(run, i) for i in range(n)]
        return [f.result(timeout) for f in futures]


@pytest.fixture
def meetings(tmp_path):
    """A folder holding copies of the two meeting fixtures (tests/data/meetings)."""
    import shutil

    folder = tmp_path / "meetings"
    folder.mkdir()
    for name in ("design.txt", "budget.txt"):
        shutil.copy(ROOT / "tests" / "data" / "meetings" / name, folder / name)
    return folder


CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                 "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def chat_tokenizer(texts: list[str], vocab_size: int = 600):
    """A byte-level BPE tokenizer (the kind SmolLM2 has) trained on `texts` and the connectives and
    citations grounded decoding writes, with ChatML special tokens and CHAT_TEMPLATE."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tk.train_from_iterator(list(texts) + [", and , but ; and but [1][2][3]"], trainer)
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, eos_token="<|im_end|>", bos_token="<|im_start|>",
                                  pad_token="<|endoftext|>")
    tok.chat_template = CHAT_TEMPLATE
    return tok


def exact(doc, paras) -> None:
    """Every passage of `paras` is exactly the document's text at its offsets."""
    for p in paras:
        assert doc.text[p.start:p.end] == p.text


def by_text(paras, words: str):
    """The one passage of `paras` holding `words`."""
    found = [p for p in paras if words in p.text]
    assert len(found) == 1, (words, [p.text for p in found])
    return found[0]


def parsed_file(path):
    """(document, passages) of the file at `path` as read.py reads and parse.py parses it, every passage checked to be
    exactly the document's text at its offsets."""
    from rag.parse import parse
    from rag.read import read

    doc, paras = parse(read(path))
    exact(doc, paras)
    return doc, paras


# a council's four turns: two speakers, each with a figure the other disputes (summaries and their check credit
# each claim to the one who made it)
TWO_COUNCILLORS = (
    "Tomasz Kowalczyk: The library roof repair was quoted at 85,000 pounds in February, and the roofers can start in "
    "June. It is urgent.\n\n"
    "Marcus Webb: The depot will cost 4.2 million pounds next year, and I think that figure is far too low. I believe "
    "the roof figure.\n\n"
    "Tomasz Kowalczyk: The roof comes first.\n\nMarcus Webb: The depot comes second.\n")


def one_file_retriever(tmp_path, embedder, text: str, name: str = "council.txt"):
    """A Retriever over a real index (tmp_path / "idx") of one file `name` holding `text`, made with `embedder`."""
    from rag.build import build
    from rag.retrieve import open_retriever

    (tmp_path / name).write_text(text, encoding="utf-8")
    build([tmp_path / name], embedder, folder=tmp_path / "idx")
    return open_retriever(tmp_path / "idx", embedder)


def spoken_quotes(said_by: list[tuple[str, str]]):
    """(hits, index, embedder) for the summary check: one document of `said_by`'s (speaker, words) turns, a hit per
    turn (rank = order), over the fake embedder, with no model and no index on disk."""
    from types import SimpleNamespace

    from rag.records import Document, Hit, Passage

    text = "\n\n".join(f"{who}: {said}" for who, said in said_by)
    doc = Document(id="d.txt", text=text, path="", title="Harbour committee", date="2023-03-03")
    hits = []
    for rank, (who, said) in enumerate(said_by, 1):
        start = text.index(said)
        hits.append(Hit(passage=Passage(doc="d.txt", start=start, end=start + len(said), text=said, section="text",
                                        kind="turn", paragraph=rank, speaker=who), rank=rank, score=1.0))
    return hits, SimpleNamespace(documents={"d.txt": doc}, passages=[h.passage for h in hits]), FakeEmbedder()


def quote_hits(texts: list[str], speaker: str | None = "Jane Doe", before: str = ""):
    """An in-memory index of one document made of `before` and `texts`, and a hit per passage
    (rank = order)."""
    from types import SimpleNamespace

    from rag.records import Document, Hit, Passage

    text = before + "\n\n".join(texts)
    doc = Document(id="d.txt", text=text, path="", title="Briefing", date="2023-03-03")
    hits, at = [], 0
    for n, t in enumerate(texts, 1):
        start = text.index(t, at)
        at = start + len(t)
        hits.append(Hit(passage=Passage(doc="d.txt", start=start, end=at, text=t, section=f"Q{n}", kind="answer",
                                        paragraph=n, speaker=speaker), rank=n, score=1.0))
    return SimpleNamespace(documents={"d.txt": doc}, passages=[h.passage for h in hits]), hits


# ---- the store backends (tests/stores.py): one contract test, a folder and a Milvus Lite collection ----

@pytest.fixture(scope="module")
def milvus_database(tmp_path_factory):
    """One Milvus Lite file per test module (starting one takes ~2 s); each test a collection of its own."""
    from stores import MILVUS_MISSING

    if MILVUS_MISSING:
        pytest.skip(MILVUS_MISSING)
    return tmp_path_factory.mktemp("milvus") / "index.db"


def _backends():
    from stores import BACKENDS
    return BACKENDS


@pytest.fixture(params=_backends())
def location(request, tmp_path):
    """Where a test's index goes: a new folder, or a new collection in the module's Milvus Lite file."""
    from stores import new_uri

    if request.param == "folder":
        return tmp_path / "idx"
    return new_uri(request.getfixturevalue("milvus_database"))


@pytest.fixture
def built(location, interview_file, fake_embedder):
    """The tiny interview indexed at `location`, on either backend."""
    from rag.build import build

    build([interview_file], fake_embedder, folder=location)
    return location


@pytest.fixture
def parts(built):
    """The stored parts of `built`, to damage it behind the store's back (tests/stores.py)."""
    from stores import Parts
    return Parts(built)


@pytest.fixture
def another_location(location, tmp_path, request):
    """A second, empty place on the same backend as `location`."""
    from stores import new_uri

    if not str(location).startswith("milvus"):
        return tmp_path / "another"
    return new_uri(request.getfixturevalue("milvus_database"))


# the browser tests' Debian chromium (never a downloaded browser), one per test module that asks for it
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def dead_pid() -> int:
    """The id of a process that has ended."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def open_documents(page) -> None:
    """The chat's Documents panel opened: a click only where it is closed (it opens by itself for several documents,
    since session 33 as the index is when the page opens; a click then closed it). The page's load may open it between
    the look and the click, and the click then shut it (CI at fd6e329): it is looked at again after each click; the
    load only ever opens it, so once open it stays."""
    for _ in range(5):
        if page.locator("#rq-documents .label-wrap.open").count():
            return
        page.click("#rq-documents button, #rq-documents .label-wrap")
        page.wait_for_timeout(400)
    assert page.locator("#rq-documents .label-wrap.open").count(), "the Documents panel would not open"
