"""Build an index: read → parse → chunk → embed → store."""
from __future__ import annotations

from pathlib import Path

from . import load, store
from .chunk import ChunkSettings, chunk, embed_text
from .errors import DocumentError
from .parse import parse
from .records import Document, Passage


def build(paths: list[Path], embedder, folder: Path = store.DEFAULT_INDEX,
          settings: ChunkSettings = ChunkSettings(), progress: bool = False) -> store.Index:
    """Index the files at `paths` into `folder`, replacing what was there, atomically."""
    documents: dict[str, Document] = {}
    for path in paths:
        doc = load.read(path, stored_as=load.stored_path(path, folder))
        if doc.id in documents:
            raise DocumentError(f"two documents are named {doc.id!r}; rename one")
        documents[doc.id] = doc
    index = index_documents(list(documents.values()), embedder, settings, progress)
    with store.build_lock(folder):
        store.save(index, folder)
    return index


def index_documents(docs: list[Document], embedder, settings: ChunkSettings = ChunkSettings(),
                    progress: bool = False) -> store.Index:
    documents: dict[str, Document] = {}
    paragraphs: list[Passage] = []
    passages: list[Passage] = []
    for doc in docs:
        doc, paras = parse(doc)
        documents[doc.id] = doc
        paragraphs += paras
        passages += chunk(paras, doc.text, embedder.count_tokens, settings)
    vectors = embedder.encode_documents([embed_text(p) for p in passages], progress=progress)
    model = {"name": embedder.name, "fingerprint": embedder.fingerprint, "dim": int(vectors.shape[1])}
    manifest = store.make_manifest(documents, passages, model, settings)
    return store.Index(manifest=manifest, documents=documents, paragraphs=paragraphs,
                       passages=passages, vectors=store.vectors_index(vectors))
