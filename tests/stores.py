"""The two store backends for the store contract tests: where an index goes (a folder, or a collection
in a Milvus Lite file) and its stored parts by the folder's file names, so that one test can damage an
index the same way on either backend.

On a folder a part is a file; in Milvus, a row group of the blobs collection (passages.jsonl,
paragraphs.jsonl, manifest.json, documents/*.txt) or, for the vectors, the passages collection's rows.
"""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from rag import milvus, store

try:
    import milvus_lite  # noqa: F401
    import pymilvus  # noqa: F401
    MILVUS_MISSING = None
except ImportError as e:        # pragma: no cover - CI installs the milvus extra
    MILVUS_MISSING = f"milvus-lite cannot be imported ({e}): pip install -e '.[milvus]'"

needs_milvus = pytest.mark.skipif(MILVUS_MISSING is not None, reason=MILVUS_MISSING or "")
# a Milvus case builds collections in Milvus Lite (~1 s each): the full suite runs them, `pytest` the folder's
BACKENDS = ["folder", pytest.param("milvus", marks=[needs_milvus, pytest.mark.slow])]
_names = itertools.count()

OTHER = """Council meeting on schools, Shelbyville, April 9, 2023.

The council opened the session with the budget for schools.

Question: Will the new school open in autumn?

Mary Major: The school opens in September, on time and on budget.
"""


def spans_exact(index):
    """Every passage and paragraph is exactly its document's text[start:end]."""
    for p in index.passages + index.paragraphs:
        assert index.documents[p.doc].text[p.start:p.end] == p.text


def new_uri(database) -> str:
    """A new collection in the Milvus Lite file `database`."""
    return f"milvus-lite://{database}?collection=t{next(_names)}"


class Parts:
    """The stored parts of the index at `location`, read and written behind the store's back."""

    def __init__(self, location):
        self.location = location
        self.uri = store.is_uri(location)

    # ---- Milvus: the current version's two collections
    def _milvus(self):
        t = milvus.parse(self.location)
        c = milvus.client(t)
        passages = milvus.current(t, c)
        return c, passages, passages.replace("_passages", "_blobs")

    def read(self, name: str) -> bytes:
        if not self.uri:
            return (Path(self.location) / name).read_bytes()
        c, _, blobs = self._milvus()
        return milvus._read_blobs(c, blobs, only=name)[name]

    def write(self, name: str, data: bytes, checksum: bool = False) -> None:
        """Replace part `name`; `checksum`: and its checksum in the manifest, as a consistent but wrong
        build would have written it (so that the checks after the checksum's are reached)."""
        if not self.uri:
            (Path(self.location) / name).write_bytes(data)
        else:
            c, _, blobs = self._milvus()
            self.remove(name)
            top = max(int(r["seq"]) for r in milvus._query_all(c, blobs, "seq", ["seq"]))
            c.insert(blobs, [{"seq": top + 1 + i, "name": name, "part": i, "data": piece, "v": [0.0, 0.0]}
                             for i, piece in enumerate(milvus._pieces(data))])
        if checksum:
            self.edit_manifest(files={**self.manifest()["files"], name: store.digest(data)})

    def remove(self, name: str) -> None:
        if not self.uri:
            (Path(self.location) / name).unlink()
            return
        c, _, blobs = self._milvus()
        c.delete(blobs, filter=f'name == "{name}"')

    def version(self) -> bytes:
        """What changes whenever the index is written: the folder's manifest, Milvus's current version."""
        if not self.uri:
            return self.read("manifest.json")
        return self._milvus()[1].encode()

    def manifest(self) -> dict:
        return json.loads(self.read("manifest.json"))

    def edit_manifest(self, **changes) -> None:
        self.write("manifest.json", json.dumps({**self.manifest(), **changes}).encode("utf-8"))

    def document_file(self) -> str:
        return self.manifest()["documents"][0]["file"]

    def vectors(self) -> np.ndarray:
        return store.vectors_array(store.load(self.location, check_sources=False).vectors)

    def write_vectors(self, rows: np.ndarray) -> None:
        """Replace the stored vectors (the folder's index.faiss; Milvus's vector field, BM25 texts kept)."""
        if not self.uri:
            import faiss
            faiss.write_index(store.vectors_index(rows), str(Path(self.location) / "index.faiss"))
            return
        c, passages, _ = self._milvus()
        old = sorted(milvus._query_all(c, passages, "row", ["row", "text"]), key=lambda r: int(r["row"]))
        c.upsert(passages, [{"row": int(r["row"]), "vector": rows[i].tolist(), "text": r["text"]}
                            for i, r in enumerate(old)])
