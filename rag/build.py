"""Build and update an index: read → parse → chunk → embed → store, incrementally.

``add_documents`` adds new files, re-indexes the ones whose bytes changed (sha256 per
document, kept in the manifest) and leaves the rest alone: their passages and vectors
are carried over (read back from the FAISS index), so re-indexing an unchanged folder
embeds nothing and writes nothing. ``remove_documents`` drops documents by id. An
index made by another parser, chunking or model than the build's (``store.Compat``; the
chunking is the one asked for, ``settings``) is re-parsed and re-embedded from the texts
it stores, so nothing indexed is lost when the software changes.

Every write goes through ``_assemble``, which lays out the whole passage list and its
vectors, then ``store.save`` with the lexical index over all passages and the index's
calibration carried over, atomically under the build lock (``store.build_lock``): the
read of the old index, the embedding and the swap happen under one lock, so two builds
never lose each other's documents.

Document ids are file names. A second, different file with a name already taken gets
its parent folder in front ("2023/briefing.txt"), then a number ("briefing.txt (2)").
A file whose bytes are those of a document already indexed is that document
(listed as unchanged). Files that cannot be read, or whose name is not UTF-8, are skipped with the reason; one bad
file never stops the others. What it leaves out: watching folders for changes.
"""
from __future__ import annotations

import logging
import os
import shlex
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from . import expand, lexical, read, store
from .chunk import ChunkSettings, chunk, embed_text
from .errors import DocumentError, IndexProblem
from .parse import parse
from .records import Document, Passage

log = logging.getLogger(__name__)

# why the chat's removal (uploads_only) skips a document
FROM_A_FILE = "indexed from a file of the server: the chat removes only uploads"
ONLY_DOCUMENT = "the index's only document; add another before removing it"
NO_SUCH_DOCUMENT = "no such document in the index"
Progress = Callable[[int, int, str], None]   # (done, total, what): e.g. (64, 785, "Embedding x.txt")
EMBED_BATCH = 64


@dataclass
class IndexReport:
    """What an add or remove did. Lists hold document ids, except `skipped`: (file or id, reason)."""
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)   # re-embedded: the index had another parser/chunking/model
    embedded: int = 0                                    # texts embedded (0 when nothing changed)
    index: store.Index | None = None                     # the index as it is now (None when there is none)
    renamed: list[tuple[str, str]] = field(default_factory=list)   # (file name, id): the name was taken
    same: list[tuple[str, str]] = field(default_factory=list)      # (file, id): its bytes are that document's
    moved: list[str] = field(default_factory=list)                 # ids whose file is now elsewhere (same bytes)
    neighbours: bool = False     # nothing changed, but the index's words' neighbours were made (it had none)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.refreshed or self.moved)

    def summary(self) -> str:
        # (a folder's link or index, said in a note, is no skipped file: the command does not fail for it)
        noted = [s for s in self.skipped if s[1] in read.NOT_FOLLOWED]
        skipped = [s for s in self.skipped if s[1] not in read.NOT_FOLLOWED]
        parts = [f"{len(v)} {k}" for k, v in (("added", self.added), ("updated", self.updated),
                                               ("removed", self.removed), ("re-embedded", self.refreshed),
                                               ("moved", self.moved),
                                               ("unchanged", self.unchanged), ("skipped", skipped),
                                               ("the same as another", self.same), ("left out", noted)) if v]
        if self.neighbours:
            parts.append("its words' neighbours made (it had none: copied back from Milvus, or older)")
        if self.index is None:
            return f"{', '.join(parts) or 'nothing to do'}; no index was written (there is no document to hold)"
        n = len(self.index.passages)
        total = f"{len(self.index.documents)} document(s), {n} passage{'' if n == 1 else 's'}"
        return f"{', '.join(parts) or 'nothing to do'}; the index holds {total}"


@dataclass
class _Entry:
    """One document as it goes into the index: its paragraphs, passages, and their vectors."""
    doc: Document
    paragraphs: list[Passage]
    passages: list[Passage]
    vectors: np.ndarray | None = None       # None until embedded


def add_documents(paths: list[Path], embedder, folder: Path = store.DEFAULT_INDEX,
                  progress: Progress | None = None, *, rebuild: bool = False, by_name: bool = False,
                  uploaded: bool = False, time_limit: float | None = None,
                  settings: ChunkSettings = ChunkSettings()) -> IndexReport:
    """Add or update the files (and folders, searched recursively) at `paths` in the index in `folder`.

    Only new and changed files are parsed and embedded; unchanged documents keep their vectors.
    `rebuild`: start from an empty index (documents not in `paths` are dropped).
    `uploaded`: the files were uploaded (from a temporary folder that will be gone): they are
    stored as ``upload:NAME``, and a different file with a name already taken is *added* under a
    new id (``NAME (2)``, in `report.renamed`), never put in the other's place...
    `by_name`: ... unless this is set: then a file whose name is a document's id replaces that
    document (an explicit update); an upload replaces only an uploaded document, never one indexed from a
    file (the shipped transcript: `rag index` updates those).
    `time_limit`: seconds the reading and embedding may take; past it DocumentError, nothing changed.
    `settings`: the chunking; an index chunked otherwise is re-chunked and re-embedded from its texts.
    `progress(done, total, what)` is called while reading and embedding.
    Unreadable or unknown files are listed in `report.skipped`, never raised. The index folder
    must be new, empty or an index (store.check_target), and not inside a folder being indexed.
    """
    return _apply(folder, embedder, settings, paths=list(paths), rebuild=rebuild, by_name=by_name,
                  uploaded=uploaded, progress=progress,
                  deadline=None if time_limit is None else time.monotonic() + time_limit)


def remove_documents(ids: list[str], embedder, folder: Path = store.DEFAULT_INDEX,
                     progress: Progress | None = None, settings: ChunkSettings = ChunkSettings(), *,
                     uploads_only: bool = False) -> IndexReport:
    """Remove the documents `ids` from the index in `folder`; ids it does not hold are `skipped`.
    Nothing is embedded (unless the index needs re-embedding for another parser, model, or
    chunking than `settings`). `uploads_only` (the chat's): a document indexed from a file, or the index's last
    one, is skipped with why, as the index is on disk under the build's lock (not as a page saw it)."""
    return _apply(folder, embedder, settings, remove=list(ids), progress=progress, uploads_only=uploads_only)


def build(paths: list[Path], embedder, folder: Path = store.DEFAULT_INDEX,
          settings: ChunkSettings = ChunkSettings(), progress: Progress | None = None) -> store.Index:
    """Index exactly the files at `paths` into `folder`, replacing what was there, atomically.
    Strict: raises DocumentError when a file cannot be read (add_documents skips it)."""
    files, skipped = read.expand(paths)
    if skipped:
        raise DocumentError(f"{skipped[0][0]}: {skipped[0][1]}")
    report = _apply(folder, embedder, settings, paths=files, rebuild=True, strict=True, progress=progress)
    return report.index


def index_documents(docs: list[Document], embedder, settings: ChunkSettings = ChunkSettings()) -> store.Index:
    """An index (in memory, not saved) over `docs`."""
    entries = [_prepare(doc, embedder, settings) for doc in docs]
    _embed(entries, embedder, None)
    return _assemble(entries, _model(embedder, _dim(entries)), settings)


# ---- the steps --------------------------------------------------------------------------------

def _prepare(doc: Document, embedder, settings: ChunkSettings) -> _Entry:
    """Parse and chunk one document (headings are kept as paragraphs, never as passages)."""
    doc, paras = parse(doc)
    passages = chunk([p for p in paras if p.kind != "heading"], doc.text, embedder.count_tokens, settings)
    return _Entry(doc, paras, passages)


def _check_time(deadline: float | None, started: float) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise DocumentError(f"Indexing stopped after {time.monotonic() - started:.0f} s, its time limit: "
                            f"nothing was changed. Index very large files from the command line: rag index FILE")


def _embed(entries: list[_Entry], embedder, progress: Progress | None, deadline: float | None = None,
           started: float = 0.0) -> int:
    """Embed the passages of the entries that have no vectors yet, in batches, reporting progress."""
    todo = [e for e in entries if e.vectors is None]
    texts = [(e, embed_text(p)) for e in todo for p in e.passages]
    total = len(texts)
    vectors: list[np.ndarray] = []
    for i in range(0, total, EMBED_BATCH):
        _check_time(deadline, started)
        batch = texts[i:i + EMBED_BATCH]
        if progress:
            progress(i, total, f"Embedding {batch[0][0].doc.id}")
        vectors.append(embedder.encode_documents([t for _, t in batch]))
    if progress and total:
        progress(total, total, f"Embedding {todo[-1].doc.id}")
    _say_cut(embedder, [t for _, t in texts])
    flat = np.concatenate(vectors) if vectors else None
    row = 0
    for e in todo:
        n = len(e.passages)
        e.vectors = flat[row:row + n] if n else None
        row += n
    return total


def _say_cut(embedder, texts: list[str]) -> None:
    """Say when the model reads fewer tokens than passages hold (ChunkSettings is sized for MiniLM's 256): a model of
    128 gave two passages that differ past their 128th token the same vector, and nothing said so (a hostile review,
    session 35). Only such a model pays for the count."""
    limit = getattr(embedder, "max_tokens", None)
    if not texts or not isinstance(limit, int) or limit >= ChunkSettings().window:
        return
    cut = sum(n > limit - 2 for n in embedder.count_tokens(texts))     # (its [CLS] and [SEP] count)
    if cut:
        log.warning("%d of %d passages are longer than the %d tokens the model %s reads: their vectors read only "
                    "their beginning (keyword search reads them whole). A model that reads %d tokens fits them.",
                    cut, len(texts), limit, getattr(embedder, "name", ""), ChunkSettings().window + 2)


def _model(embedder, dim: int | None) -> dict:
    """The manifest's model entry; `dim` None (no vectors at all) asks the embedder."""
    return {"name": embedder.name, "fingerprint": embedder.fingerprint,
            "dim": int(dim if dim is not None else embedder.dim)}


def _dim(entries) -> int | None:
    for e in entries:
        if e.vectors is not None and len(e.vectors):
            return int(e.vectors.shape[1])
    return None


def _assemble(entries: list[_Entry], model: dict, settings: ChunkSettings) -> store.Index:
    """The one place where the whole index is laid out: documents, paragraphs, passages
    (row i of the vectors is passage i) and the manifest, from every entry, in order."""
    documents = {e.doc.id: e.doc for e in entries}
    paragraphs = [p for e in entries for p in e.paragraphs]
    passages = [p for e in entries for p in e.passages]
    blocks = [e.vectors for e in entries if e.passages]
    vectors = np.concatenate(blocks) if blocks else np.zeros((0, model["dim"]), dtype="float32")
    if len(vectors) != len(passages):
        raise AssertionError(f"{len(vectors)} vectors for {len(passages)} passages")
    manifest = store.make_manifest(documents, passages, model, settings)
    return store.Index(manifest=manifest, documents=documents, paragraphs=paragraphs,
                       passages=passages, vectors=store.vectors_index(vectors))


def _without_neighbours(old: store.Index | None, folder, embedder) -> bool:
    """Whether a folder index holds passages but no word neighbours (lexical/expansions.json: a folder copied back
    from Milvus, which keeps none, or one built before them), which `rag index` then makes: only its words are
    embedded."""
    return old is not None and bool(old.passages) and embedder is not None and not store.is_uri(folder) \
        and expand.load(Path(folder) / lexical.FOLDER) is None


def _save(index: store.Index, folder: Path, embedder=None, old: store.Index | None = None) -> store.Index:
    """Save atomically, with the lexical index over all passages (its words' neighbours found by `embedder`,
    expand.py, reusing the word vectors of `old`, the index this update started from, loaded and checked under
    the same lock; none on a rebuild) and the folder's calibration (it stays valid when documents change); the
    index as saved."""
    lex = None
    if index.passages and not store.is_uri(folder):         # Milvus: its own BM25
        before = None
        if embedder is not None and old is not None and old.folder is not None and not store.is_uri(old.folder):
            before = expand.load(Path(old.folder) / lexical.FOLDER)
        lex = lexical.build(index.passages, embedder, before)
    return store.save(replace(index, lexical=lex, calibration=store.load_calibration(folder)), folder)


# ---- the whole update, under the lock -----------------------------------------------------------

def _existing(folder: Path, embedder, settings: ChunkSettings, rebuild: bool, remove=()):
    """(old index or None, its documents to re-embed, the ids of `remove` whose text was lost): an index by another
    parser, chunking (than `settings`) or model (than `embedder`) is re-embedded from its stored texts; a damaged one
    is refused with the way out. A stored text damaged where the document's file is still the one indexed is read
    again from that file; one lost both ways is refused by name, unless it is being removed."""
    folder = _location(folder)
    if rebuild or not store.exists(folder):
        return None, [], []
    try:
        return store.load(folder, embedder=embedder, check_sources=False,
                          compat=store.Compat.of(embedder, settings)), [], []
    except IndexProblem as problem:
        try:
            return None, list(store.read_documents(folder).values()), []
        except IndexProblem as why:
            mended = _mended(folder, set(remove))
            if mended is None:  # the stored texts are lost: only a rebuild from the files that still exist can help
                raise IndexProblem(f"{why}. {_lost(folder)}") from problem
            return None, list(mended[0].values()), mended[1]


def _mended(folder: Path, remove: set[str]) -> tuple[dict[str, Document], list[str]] | None:
    """The documents of an index folder whose stored texts are damaged, each read alone: one that fails its checksum
    read again from its file where that file has the bytes indexed (its sha256); None where the manifest cannot be
    read. Those whose text is lost both ways are refused by name, with the command that drops them and keeps the rest
    (a search's "rebuild from its files" would drop every document that has no file, an upload's among them), unless
    they are of `remove`: (the documents, those lost and removed)."""
    if store.is_uri(folder):
        return None
    try:
        manifest = store.read_manifest(folder / "manifest.json")
        entries = manifest["documents"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if manifest.get("format") not in store.READABLE_DOCUMENTS:     # (no damaged index: nothing is mended)
        raise IndexProblem(f"The index in {folder}/ is of format {manifest.get('format')!r}, which this release of "
                           f"rag-quotes does not read (it reads {', '.join(store.READABLE_DOCUMENTS)}): nothing was "
                           f"changed. Open it with the release that made it, or build a new index in another folder.")
    docs, lost = {}, []
    for d in entries:
        try:        # (the manifest read once: read_documents would read it again for each document)
            docs.update(store.documents_from(manifest, lambda name: (folder / name).read_bytes(), {d["id"]}))
            continue
        except (OSError, ValueError, KeyError, TypeError):      # (a checksum that does not match, text not UTF-8)
            pass
        source = store.source_path(folder, d["path"])
        try:
            same = source is not None and source.is_file() and store.file_digest(source) == d["sha256"]
            if same:
                doc = read.read(source, stored_as=d["path"], id=d["id"])
                docs[d["id"]] = replace(doc, title=d["title"], date=d["date"])
                continue
        except (OSError, DocumentError):
            pass
        lost.append(d["id"])
    gone = [x for x in lost if x in remove]
    lost = [x for x in lost if x not in remove]
    if lost:
        shown = ", ".join(lost[:5]) + (" …" if len(lost) > 5 else "")
        where = f" --index {shlex.quote(str(folder))}" if str(folder) != str(store.DEFAULT_INDEX) else ""
        raise IndexProblem(f"The stored text of {len(lost)} document(s) of the index in {folder}/ is damaged and "
                           f"their files are gone or changed: {shown}. The others are whole: take these out with "
                           f"rag remove{where} -- {' '.join(shlex.quote(x) for x in lost)} (then index their files "
                           f"again, if you have them)")
    return docs, gone


def _lost(folder: Path) -> str:
    """What `rag index --rebuild` would make of an index whose stored texts are gone."""
    if store.is_uri(folder):
        return f"Rebuild it from its files with: {store.rebuild_command(folder, {}, from_files=True)}"
    try:
        paths = [d["path"] for d in store.read_manifest(folder / "manifest.json")["documents"]]
    except (OSError, ValueError):
        paths = []
    kept = {str(p) for p in store.sources(folder)}
    gone = [p.removeprefix(store.UPLOADED) for p in paths
            if str(store.source_path(folder, p)) not in kept]
    cmd = store.rebuild_command(folder, {} if kept else None, from_files=True)
    return (f"Rebuild it from its files with: {cmd}" if not gone else
            f"Rebuilding it from its files ({cmd}) would drop {len(gone)} document(s) whose files are gone: "
            f"{', '.join(gone[:5])}{' …' if len(gone) > 5 else ''}")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


NOT_UTF8_NAME = "its name is not UTF-8 text (an old archive's Latin-1 name?): rename it to index it"
NOT_UTF8_FOLDER = "the name of a folder it is in is not UTF-8 text (an old archive's Latin-1 name?): rename that folder to index it"


def _utf8(text: str) -> bool:
    """Whether `text` is UTF-8 text: a file name's bytes that are not (os.fsdecode's surrogates) are not."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _files(paths: list[Path], folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files to read, never those of the index itself; an index to be made inside a folder being
    indexed is refused (its stored texts would be read back as documents the next time)."""
    files, skipped = read.expand(paths) if paths else ([], [])
    own = store.local_path(folder)
    if own is None:         # an index on a Milvus server: no folder of its own among the files
        return files, skipped
    check_outside(paths, folder)
    real = own.resolve()    # (a Milvus Lite database's files too: "x.db/LOCK" was read as a document)
    return ([f for f in files if not _inside(f.resolve(), real)],
            [(f, why) for f, why in skipped if not _inside(Path(f).resolve(), real)])


def _refuse_dropping(folder: Path, skipped: list[tuple[str, str]]) -> None:
    """IndexProblem when a rebuild skipped a file an indexed document was read from (unreadable now, or grown too
    large): the index holds its only readable text, and the rebuild would drop it (`rag index DOCS --rebuild` with
    one file made unreadable wrote the index without it, exit 1)."""
    if not skipped or not store.exists(folder):
        return
    try:
        known = store.source_files(folder)
    except IndexProblem:    # a damaged index: the rebuild from the files is the way out
        return
    if not known:
        return
    held = {f.resolve() for f in known[0]}
    dropped = [(path, why) for path, why in skipped if Path(path).resolve() in held]
    if dropped:
        raise IndexProblem(f"{len(dropped)} file(s) the index was made from could not be read: "
                           + "; ".join(f"{path} ({why})" for path, why in dropped[:5])
                           + ". A rebuild would drop their documents, so nothing was changed. Make them readable "
                           "again, or remove their documents first (rag remove ID).")


def check_outside(paths, folder) -> None:
    """IndexProblem when the index folder `folder` would be made inside a folder of `paths` being indexed (its stored
    texts would be read back as documents the next time): before anything is written there, the build's lock file
    too (`rag index NOTES --index NOTES/idx` left NOTES/.idx.lock in the user's folder)."""
    own = store.local_path(folder)
    if own is None:
        return
    real = own.resolve()
    made = (own / "manifest.json").exists() or (store.is_uri(folder) and own.is_dir())     # (an index there already)
    for p in paths:
        if Path(p).is_dir() and _inside(real, Path(p).resolve()) and not made:
            raise IndexProblem(f"The index {'database' if store.is_uri(folder) else 'folder'} {own} would be inside "
                               f"{p}, which is being indexed: nothing was written. Choose an --index outside it.")


def _apply(folder: Path, embedder, settings: ChunkSettings, paths: list[Path] = (), remove: list[str] = (),
           rebuild: bool = False, by_name: bool = False, uploaded: bool = False, strict: bool = False,
           progress: Progress | None = None, deadline: float | None = None, uploads_only: bool = False) -> IndexReport:
    folder = _location(folder)
    started = time.monotonic()
    report = IndexReport()
    check_outside(paths, folder)        # (before check_target, which makes a Milvus Lite database)
    store.check_target(folder)          # before any work: a folder that is not ours is refused at once
    files, report.skipped = _files(list(paths), folder)
    with store.build_lock(folder):
        store.check_target(folder)
        old, stale, gone = _existing(folder, embedder, settings, rebuild, remove)
        report.removed += gone          # (their stored texts lost: there is nothing else of them to take out)
        remove = [x for x in remove if x not in gone]
        entries = _carried(old)
        for doc in stale:   # re-parsed from the stored text; the title and date found before are kept
            entries[doc.id] = _prepare(doc, embedder, settings)
            report.refreshed.append(doc.id)
        _drop(entries, remove, report, uploads_only)
        batch = _Batch(entries, report, folder, embedder, settings, uploaded=uploaded, by_name=by_name,
                       strict=strict, deadline=deadline, started=started)
        seen: set[Path] = set()
        for n, path in enumerate(files):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            batch.check_time()
            if progress:
                progress(n, len(files), f"Reading {path.name}")
            batch.add(path)
        if progress and files:
            progress(len(files), len(files), "Reading done")
        if rebuild:
            _refuse_dropping(folder, report.skipped)

        report.neighbours = not report.changed and not rebuild and _without_neighbours(old, folder, embedder)
        if not report.changed and not rebuild and not report.neighbours:
            report.index = old
            return report
        if not entries and (rebuild or not store.exists(folder)):
            return report       # nothing readable: the index (if any) stays as it was
        report.embedded = _embed(list(entries.values()), embedder, progress, deadline, started)
        dim = _dim(entries.values()) or (old.manifest["model"]["dim"] if old else None)
        index = _assemble(list(entries.values()), _model(embedder, dim), settings)
        if progress:
            progress(0, 1, "Saving the index")
        report.index = _save(index, folder, embedder, old)
        if progress:
            progress(1, 1, "Saving the index")
        return report


def _carried(old: store.Index | None) -> dict[str, _Entry]:
    """The old index's documents as entries, each with its paragraphs, passages and vectors (none embedded again)."""
    if old is None:
        return {}
    rows: dict[str, list[int]] = {}
    for i, p in enumerate(old.passages):
        rows.setdefault(p.doc, []).append(i)
    paras: dict[str, list[Passage]] = {}
    for p in old.paragraphs:
        paras.setdefault(p.doc, []).append(p)
    array = store.vectors_array(old.vectors)
    entries = {}
    for doc_id, doc in old.documents.items():
        r = rows.get(doc_id, [])
        entries[doc_id] = _Entry(doc, paras.get(doc_id, []), [old.passages[i] for i in r], array[r] if r else None)
    return entries


def _drop(entries: dict[str, _Entry], remove: list[str], report: IndexReport, uploads_only: bool = False) -> None:
    """Take the documents `remove` out of `entries`; an id it does not hold is skipped, with why (and, with
    `uploads_only`, a document indexed from a file, or the last one)."""
    for doc_id in remove:
        if uploads_only and list(entries) == [doc_id]:
            report.skipped.append((doc_id, ONLY_DOCUMENT))
        elif uploads_only and doc_id in entries and not (entries[doc_id].doc.path or "").startswith(store.UPLOADED):
            report.skipped.append((doc_id, FROM_A_FILE))
        elif doc_id in entries:
            del entries[doc_id]
            report.removed.append(doc_id)
            if doc_id in report.refreshed:
                report.refreshed.remove(doc_id)
        else:
            report.skipped.append((doc_id, NO_SUCH_DOCUMENT))


def _file_of(folder, path: str) -> str | None:
    """The resolved path of the file a manifest's document path names in a folder index (None: an upload, a path
    that names no file, or an index in Milvus, whose paths are absolute already)."""
    if store.is_uri(folder) or not path or "\0" in path:
        return None
    where = store.source_path(Path(folder), path)
    try:
        return str(where.resolve()) if where is not None else None
    except (OSError, RuntimeError):     # (a loop of links)
        return None


@dataclass
class _Batch:
    """One build's files going into `entries`, each found again by the path it is stored under or by its bytes'
    digest (the same bytes are one document); what became of each goes into `report`."""
    entries: dict[str, _Entry]
    report: IndexReport
    folder: Path | str
    embedder: object
    settings: ChunkSettings
    uploaded: bool = False
    by_name: bool = False
    strict: bool = False
    deadline: float | None = None
    started: float = 0.0         # when the build began (its time limit's message counts from it)

    def __post_init__(self):
        self.by_path = {e.doc.path: i for i, e in self.entries.items()}
        # and by the file each names, wherever the manifest wrote it from (a folder copied back from Milvus holds
        # absolute paths, `rag index` stores them relative): else an edited file was added as a second document
        for i, e in self.entries.items():
            where = _file_of(self.folder, e.doc.path)
            if where is not None:
                self.by_path.setdefault(where, i)
        self.by_sha = {e.doc.sha256: i for i, e in self.entries.items()}

    def check_time(self) -> None:
        _check_time(self.deadline, self.started)


    def skip(self, path, why: str) -> None:
        """A file left out, with why; under `strict` (``build``) that ends the build instead."""
        if self.strict:
            raise DocumentError(f"{path}: {why}")
        self.report.skipped.append((str(path), why))

    def add(self, path: Path) -> None:
        """Read `path` and put it in its place: a new document, an update of the one it replaces, or nothing when its
        bytes are indexed already."""
        uploaded = self.uploaded
        # (an upload's name without the characters that turn text around: "Ärger_\u202eevil.txt" read reversed)
        name = path.name.translate(read.BIDI_CONTROLS) if uploaded else path.name
        stored = store.UPLOADED + name if uploaded else \
            str(path.resolve()) if store.is_uri(self.folder) else read.stored_path(path, self.folder)
        doc_id = (None if uploaded else self.by_path.get(stored) or self.by_path.get(str(path.resolve()))) or (
            _named(name, self.entries, uploaded) if self.by_name else None)
        if not (_utf8(stored) and _utf8(name)):     # (the manifest is UTF-8 JSON: it would end the build)
            shown = os.fsencode(str(path)).decode("utf-8", "backslashreplace")     # b'\xe9t\xe9.txt' as \xe9t\xe9.txt
            why = NOT_UTF8_NAME if not _utf8(path.name) else NOT_UTF8_FOLDER       # (a review: "d\xe9p/notes.txt")
            return self.skip(shown, why)
        costly = read.upload_problem(path) if uploaded else None
        if costly:          # (before a parse of minutes and gigabytes, which its time limit cannot stop)
            self.report.skipped.append((str(path), costly))
            return
        try:
            doc = read.read(path, stored_as=stored, id=doc_id or name, deadline=self.deadline)
        except TimeoutError:
            self.check_time()      # (past it: says so, nothing changed)
            raise
        except DocumentError as e:
            if self.strict:
                raise
            self.report.skipped.append((str(path), str(e).removeprefix(f"{path}: ")))
            return
        if uploaded and len(doc.text) > read.MAX_UPLOAD_CHARS:
            self.report.skipped.append((str(path), f"{len(doc.text):,} characters of text; an upload holds "
                                                   f"{read.MAX_UPLOAD_CHARS:,} at most: index it from the command "
                                                   f"line (rag index FILE)"))
            return
        if self._known(path, doc, doc_id, stored):
            return
        new = doc_id is None
        if new:
            doc_id = _unique_id(path.with_name(name), self.entries, folders=not uploaded)
            doc = replace(doc, id=doc_id)
            if doc_id != name:
                self.report.renamed.append((name, doc_id))
        try:
            entry = _prepare(doc, self.embedder, self.settings)
        except Exception as e:  # noqa: BLE001 - a parser bug on one file must not stop the others
            return self.skip(path, f"cannot be parsed ({type(e).__name__}: {e})")
        self.check_time()
        if not entry.passages:
            if self.strict:
                raise DocumentError(f"{path}: no text to index")
            self.report.skipped.append((str(path), "no text to index (only headings, page furniture or questions "
                                                   "without answers)"))
            return
        self.entries[doc_id] = entry
        self.by_path[stored], self.by_sha[doc.sha256] = doc_id, doc_id
        if doc_id in self.report.refreshed:
            self.report.refreshed.remove(doc_id)
        (self.report.added if new else self.report.updated).append(doc_id)

    def _known(self, path: Path, doc: Document, doc_id: str | None, stored: str) -> bool:
        """Whether `doc`'s bytes are indexed already, as its own document or as another's (then nothing is parsed or
        embedded), noting how: the same as another file, moved, or unchanged."""
        report, entries = self.report, self.entries
        if doc_id is None and doc.sha256 in self.by_sha:     # the same bytes are indexed already
            doc_id = self.by_sha[doc.sha256]
            other = entries[doc_id].doc.path
            source = store.source_path(_location(self.folder), other) if other else None
            if other != stored and (other or "").startswith(store.UPLOADED) == self.uploaded \
                    and (self.uploaded or (source is not None and source.is_file())):
                report.same.append((str(path), doc_id))     # another file of the same bytes: indexed once
            elif other != stored and not self.uploaded:     # its file moved here (the old one is gone)
                entries[doc_id].doc = replace(entries[doc_id].doc, path=stored)
                report.moved.append(doc_id)
            elif doc_id not in report.unchanged + report.added + report.updated + report.refreshed:
                report.unchanged.append(doc_id)
            return True
        if doc_id is not None and entries[doc_id].doc.sha256 == doc.sha256:
            if entries[doc_id].doc.path != stored:    # moved or re-uploaded: same text, new path
                entries[doc_id].doc = replace(entries[doc_id].doc, path=stored)
            if doc_id not in report.refreshed:
                report.unchanged.append(doc_id)
            return True
        return False


def _location(folder):
    """The index's location as given: a Milvus URI stays a string (Path would fold its '//'), else a Path."""
    return str(folder) if store.is_uri(folder) else Path(folder)


def _named(name: str, entries: dict, uploaded: bool) -> str | None:
    """The document a file named `name` replaces by name: the one of that id; for an upload, only an uploaded one,
    never a document indexed from a file of the server (the shipped transcript), and so the latest upload of that
    name when the id is a server file's ("a.txt (2)", stored as upload:a.txt)."""
    if not uploaded:
        return name if name in entries else None
    if name in entries and (entries[name].doc.path or "").startswith(store.UPLOADED):
        return name
    same = [i for i, e in entries.items() if e.doc.path == store.UPLOADED + name]
    return same[-1] if same else None


def _unique_id(path: Path, entries: dict, folders: bool = True) -> str:
    """The file name, else (with `folders`) parent folders in front of it, else a number after it. A link's own name,
    not its target's: the name the user sees (and gives `rag remove`)."""
    path = Path(os.path.abspath(path))
    if path.name not in entries:
        return path.name
    for depth in range(1, min(3, len(path.parts) - 1) + 1 if folders else 0):
        candidate = "/".join(path.parts[-depth - 1:])
        if candidate not in entries:
            return candidate
    n = 2
    while f"{path.name} ({n})" in entries:
        n += 1
    return f"{path.name} ({n})"


def list_documents(folder: Path = store.DEFAULT_INDEX) -> list[dict]:
    """Every document in the index, in order: id, title, date, path, passages, chars, sha256
    (of the file), and `source`: "ok", "changed" (the file differs from what was indexed),
    "missing" (the file is gone; the index keeps its text), "unreadable" (it is there and cannot be read: one such
    file failed the whole listing), "linked" (it is now a link out of its folder, never followed: the index keeps its
    text) or "uploaded" (only the index holds it)."""
    index = store.load(folder, check_sources=False)
    counts: dict[str, int] = {}
    for p in index.passages:
        counts[p.doc] = counts.get(p.doc, 0) + 1
    out = []
    for d in index.manifest["documents"]:
        source = store.source_path(_location(folder), d["path"])
        if d["path"].startswith(store.UPLOADED):
            state = "uploaded"
        elif source is None or not source.is_file():
            state = "missing"
        elif read.linked_away(source):     # (rag index keeps it as indexed: "changed" sent the user there for nothing)
            state = "linked"
        else:
            try:
                state = "ok" if store.file_digest(source) == d["sha256"] else "changed"
            except OSError:
                state = "unreadable"
        out.append({"id": d["id"], "title": d["title"], "date": d["date"], "path": d["path"],
                    "passages": counts.get(d["id"], 0), "chars": d["chars"], "sha256": d["sha256"],
                    "source": state})
    return out
