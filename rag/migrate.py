"""rag migrate: copy an index between a folder and Milvus (either way), its vectors read back, nothing embedded again.
Backend-neutral: it reads and writes through store.py, which picks the folder or milvus.py by the location.
What it leaves out: merging into an index (a destination that holds one is refused) and changing the model or the
chunking (that is a rebuild: `rag index --rebuild`)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from . import lexical, store
from .chunk import ChunkSettings
from .errors import IndexProblem
from .read import stored_path


def migrate(src, dest):
    """Copy the index at `src` (a folder or a Milvus URI) to `dest` (either), vectors read back, nothing
    re-embedded; the index as saved at `dest`. Relative document paths become absolute, and in a folder relative to
    the folder that holds it where they are inside that, as `rag index` writes them."""
    src_is_uri = store.is_uri(src)
    store.check_target(dest)        # a user's file or folder: refused before a lock file is made beside it
    manifest = store.manifest_at(src)
    # a copy never replaces an index: one there may hold documents whose only copy it is (uploads, deleted files)
    there = store.exists(dest)
    try:
        held = there and bool(store.manifest_at(dest)["documents"])     # (an emptied index holds nothing to lose)
    except IndexProblem:
        held = there
    if held:
        where = dest if store.is_uri(dest) else f"{dest}/"
        raise IndexProblem(f"{where} already holds an index: nothing was copied, as rag migrate would replace it and "
                           f"every document it holds. Give a new folder or collection, or remove that one first.")
    try:
        chunking = ChunkSettings(**manifest["chunking"]) if isinstance(manifest.get("chunking"), dict) \
            else ChunkSettings()
    except (TypeError, ValueError):     # a hand-edited manifest: settings this version has no such field for
        raise IndexProblem(f"The index at {src} was chunked with settings this version does not know "
                           f"({str(manifest['chunking'])[:200]}): nothing was copied. Rebuild it with: "
                           f"{store.rebuild_command(src, manifest)}") from None
    index = store.load(src, check_sources=False, compat=store.Compat(chunking=chunking))
    docs = dict(index.documents)
    m = {k: v for k, v in index.manifest.items() if k not in ("files", "store")}
    entries = []
    for d in m["documents"]:
        p = d["path"]
        # (a path with a NUL names no file: kept as it is, as the other commands keep it)
        if p and "\0" not in p and not p.startswith(store.UPLOADED) and not Path(p).is_absolute() and not src_is_uri:
            p = str(store.source_path(Path(src), p).resolve())
        if p and "\0" not in p and not p.startswith(store.UPLOADED) and not store.is_uri(dest):
            p = stored_path(Path(p), Path(dest))    # (as `rag index` writes it there: it moves with its documents)
        if p != d["path"]:
            docs[d["id"]] = dataclasses.replace(docs[d["id"]], path=p)
        entries.append({**d, "path": p})
    m["documents"] = entries
    lex = None if store.is_uri(dest) or not index.passages else lexical.build(index.passages)
    moved = dataclasses.replace(index, manifest=m, documents=docs, lexical=lex, parts=None, folder=None)
    return store.save(moved, dest)
