"""The index on disk: a folder of plain files, written atomically, checked on load.

    manifest.json      format version, parser version, model name + weights fingerprint,
                       dimension, chunking settings, every document with its sha256, and
                       the sha256 of every file below (they must belong together)
    passages.jsonl     one chunk a line; line i is row i of the vectors
    paragraphs.jsonl   every parsed paragraph (questions too): the full context of a quote
    documents/*.txt    the text every offset points into, one file per document
    index.faiss        the vectors (faiss.write_index: FAISS's own format, no pickle)
    lexical/           the BM25 index (lexical.py: bm25s's JSON + .npy files, no pickle)
    calibration.json   abstention thresholds (calibration.py), not checksummed: written after

An ``Index`` is the frozen, in-memory form: ``save`` returns the saved one, ``load`` reads one.
A build writes a temporary sibling folder, then swaps it in by rename, holding a
lock so that two builds never interleave; a build killed at any moment leaves the
previous index in place. Loading refuses an index that is broken, or that was not made
with what the caller can read (``Compat``: format, parser, chunking, model), or from a
source file that changed since, with the command that rebuilds it.
What it leaves out: other vector stores than one flat FAISS index, partial writes (every
save writes the whole folder).
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import calibration, lexical, read
from .atomic import (_keep_access, _swap_in, _sync, _sync_folder, _temporary, _write, alive,
                     remove_stale_temporaries, unwritable, write_atomic)
from .chunk import CHUNKER_VERSION, ChunkSettings
from .errors import IndexProblem, listing
from .paths import LOCAL_INDEX
from .parse import PARSER_VERSION
from .read import UPLOADED
from .records import Document, Passage, json_line

FORMAT = "rag-index/3"      # 3: the manifest holds the checksum of every file the build wrote (lexical/ too)
READABLE_DOCUMENTS = ("rag-index/1", "rag-index/2", FORMAT)   # formats whose documents/ can be carried into a rebuild
CHECKED_FILES = ("passages.jsonl", "paragraphs.jsonl", "index.faiss")   # always present, always checked
DEFAULT_INDEX = LOCAL_INDEX        # (paths.py: which index a command uses when it names none)
# what a build writes into an index folder (and so all that a rebuild may replace): nothing else is ours
OWN_FILES = {"manifest.json", *CHECKED_FILES, calibration.FILE}
OWN_FOLDERS = {"documents": re.compile(r"[0-9a-f]{16}\.txt"), lexical.FOLDER: re.compile(r"[\w.-]+\.(?:json|npy)")}
UNCHECKED_FILES = {"manifest.json", calibration.FILE}    # written after the build (calibration by rag eval)


@dataclass(frozen=True, eq=False)
class Index:
    """One index, in memory. Frozen: a change (a build, a save) makes a new one."""
    manifest: dict
    documents: dict[str, Document]
    paragraphs: list[Passage]
    passages: list[Passage]
    vectors: object                      # a faiss.Index, row i == passages[i]
    folder: Path | None = None           # where it was saved or loaded from (None: only in memory)
    # its BM25 index (lexical.Lexical) when it was made in memory (a build's, which save writes);
    # None when loaded: lexical.LexicalSearch reads lexical/ on first use (bm25s takes ~1 s to import,
    # which `rag list` or a dense search need not pay)
    lexical: object | None = None
    calibration: dict = field(default_factory=dict)    # calibration.json as loaded ({}: none)
    # another store backend's search components (an object with .dense(index, embedder) and
    # .lexical(index)); None: FAISS and BM25 in this process (dense.DenseSearch, lexical.LexicalSearch)
    parts: object | None = None

    @property
    def fingerprint(self) -> str:
        return self.manifest["fingerprint"]


@dataclass(frozen=True)
class Compat:
    """What an index must have been made with for the caller to use it (the format always:
    FORMAT). `model`: (name, weights fingerprint), or None for any model (e.g. only to list
    documents). Compat.of(embedder, chunking) is what a build with them writes."""
    parser: int = PARSER_VERSION
    chunker: int = CHUNKER_VERSION
    chunking: ChunkSettings = ChunkSettings()
    model: tuple[str, str] | None = None

    @staticmethod
    def of(embedder=None, chunking: ChunkSettings = ChunkSettings()) -> "Compat":
        return Compat(chunking=chunking, model=None if embedder is None else (embedder.name, embedder.fingerprint))

    def problem(self, manifest: dict) -> str | None:
        """Why an index with `manifest` does not fit (the end of "The index in X/ ..."), or None."""
        if manifest.get("format") != FORMAT:
            return f"has format {manifest.get('format')!r}, this version reads {FORMAT!r}"
        if manifest.get("parser") != self.parser:
            return f"was parsed by parser version {manifest.get('parser')}, this version is {self.parser}"
        if manifest.get("chunker", 1) != self.chunker:      # (the first indexes wrote none)
            return f"was chunked by chunker version {manifest.get('chunker', 1)}, this version is {self.chunker}"
        if manifest.get("chunking") != self.chunking.to_dict():
            uses = "this version uses" if self.chunking == ChunkSettings() else "this run asks for"
            return f"was chunked with {manifest.get('chunking')}, {uses} {self.chunking.to_dict()}"
        model = manifest.get("model") or {}
        built = (model.get("name"), model.get("fingerprint"))
        # the same weights named otherwise ("m/", "./m", its absolute path) fit; a hub name is its weights' only name
        same = built[1] == self.model[1] and not str(built[1]).startswith("hub:") if self.model else True
        if self.model is not None and built != self.model and not same:
            int8, now_int8 = "+onnx-int8" in str(built[1]), "+onnx-int8" in str(self.model[1])
            weights = str(built[1]).split("+")[0] == str(self.model[1]).split("+")[0]
            settings = [] if weights or built[0] == self.model[0] else [f"RAG_EMBED_MODEL={built[0]!r}"]
            if int8 != now_int8:
                settings.append("RAG_EMBED_BACKEND=onnx-int8" if int8 else "RAG_EMBED_BACKEND=torch")
            problem = (f"was built with model {built[0]!r} (weights {built[1]}), "
                       f"but this run uses {self.model[0]!r} (weights {self.model[1]})")
            if settings and (weights or built[0] != self.model[0]):    # (a setting that would read it as built)
                problem += (f"; {' '.join(settings)} reads it as built"
                            f"{'' if weights else ', if those weights are still there'}")
            return problem
        return None


def rebuild_command(folder: Path, manifest: dict | None = None, from_files: bool = False) -> str:
    """What rebuilds the index in `folder`: `rag index` re-reads the files an index was made from
    (and re-embeds stored texts whose files are gone); a folder with no index needs its files;
    `from_files`: the stored texts are lost, so only the files that still exist can rebuild it."""
    cmd = "rag index --rebuild" if from_files else "rag index"
    if is_uri(folder):
        return cmd + (" PATH..." if manifest is None else "") + f" --index {_milvus().parse(folder).uri}"
    if Path(folder) != DEFAULT_INDEX:
        cmd += (" PATH..." if manifest is None else "") + f" --index {folder}"
    return cmd


def sources(folder: Path) -> list[Path]:
    """The files the index in `folder` was made from that still exist (its manifest need not be
    current: a stale or damaged index names its files too); [] when there is no readable manifest."""
    try:
        return (source_files(folder) or ([], []))[0]
    except IndexProblem:
        return []


_DOC_FILE = re.compile(r"documents/[0-9a-f]{16}\.txt")
_BUILT_FILE = re.compile(r"(?:passages\.jsonl|paragraphs\.jsonl|index\.faiss|documents/[0-9a-f]{16}\.txt|"
                         r"lexical/[\w.-]+\.(?:json|npy))")
_TOP = {"format": (str,), "model": (dict,), "documents": (list,), "passages": (int,), "fingerprint": (str,)}
_ENTRY = {"id": (str,), "path": (str,), "title": (str, type(None)), "date": (str, type(None)), "chars": (int,),
          "sha256": (str,), "file": (str,)}


def manifest_problem(manifest, built: re.Pattern = _BUILT_FILE) -> str | None:
    """What makes `manifest` (parsed JSON) other than a build writes it, in words, or None: each key of the type it
    is read as, and the files it names the build's own (`built`: a folder's, inside it; Milvus names its own), (a
    hand-edited "path": 5, "model": "x", a "files" entry of "/dev/zero" crashed or hung every command)."""
    if not isinstance(manifest, dict):
        return "the manifest is not a JSON object"
    for key, kinds in _TOP.items():
        if not isinstance(manifest.get(key), kinds) or isinstance(manifest.get(key), bool):
            return f"its {key!r} is missing or not a {kinds[0].__name__}"
    model, files = manifest["model"], manifest.get("files", {})
    if not (isinstance(model.get("name", ""), str) and isinstance(model.get("fingerprint", ""), str)
            and isinstance(model.get("dim", 0), int)):
        return "its 'model' is not a name, a fingerprint and a dimension"
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) and built.fullmatch(k)
                                              for k, v in files.items()):
        return "its 'files' are not the build's own files and their checksums"
    for entry in manifest["documents"]:
        if not isinstance(entry, dict):
            return "a document's entry is not a JSON object"
        for key, kinds in _ENTRY.items():
            if not isinstance(entry.get(key), kinds) or isinstance(entry.get(key), bool):
                return f"a document's {key!r} is missing or not a {kinds[0].__name__}"
        if not _DOC_FILE.fullmatch(entry["file"]):
            return f"a document's file {entry['file'][:60]!r} is not one of documents/"
    return None


def read_manifest(path: Path) -> dict:
    """manifest.json at `path`, as a build writes it; OSError when it cannot be read, ValueError (saying why) when it
    is not such a manifest."""
    return parse_manifest(path.read_bytes())


def parse_manifest(data: bytes, built: re.Pattern = _BUILT_FILE) -> dict:
    """A manifest's bytes, as a build writes them (either backend: `built`, manifest_problem's); ValueError (saying
    why) when they are not such a manifest."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise ValueError("its JSON is nested too deeply") from None
    problem = manifest_problem(manifest, built)
    if problem:
        raise ValueError(problem)
    return manifest


def source_files(folder) -> tuple[list[Path], list[str]] | None:
    """(The files the index in `folder` was made from that still exist, the ids of its documents that have none: an
    upload, whose text only the index holds, or a file moved or deleted since); None when there is no manifest (no
    index there yet); IndexProblem when there is one that cannot be read."""
    if is_uri(folder):
        return _milvus().source_files(folder)
    path = Path(folder) / "manifest.json"
    if not path.exists():
        return None
    try:
        entries = [(d["id"], d["path"]) for d in read_manifest(path)["documents"]]
    except (OSError, ValueError) as e:      # (not "no index yet": a rebuild would replace it with the default corpus)
        raise IndexProblem(f"The index manifest {path} cannot be read ({e}): nothing was changed. Name the files to "
                           f"index (rag index FILE... --index {folder} --rebuild) to make it again.") from None
    return sourced(entries, lambda p: source_path(Path(folder), p))


def sourced(entries, where) -> tuple[list[Path], list[str]]:
    """(the files of manifest `entries` (id, path) that exist, as `where` finds a path; the ids of those without)."""
    found, lost = [], []
    for doc_id, path in entries:
        file = where(path) if isinstance(path, str) else None
        if file is not None and file.is_file():
            found.append(file)
        else:
            lost.append(str(doc_id if doc_id is not None else path))
    return found, lost


def file_digest(path: Path) -> str:
    """digest() of the file at `path`, read a megabyte at a time: an indexed log grown to 20 GB cost a search its
    memory, then a MemoryError."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digest(data: bytes) -> str:
    """The sha256 of `data`, in hex: how the manifest names a file's bytes."""
    return hashlib.sha256(data).hexdigest()


_FIELDS = [f.name for f in dataclasses.fields(Passage)]


def _json_lines(items: list[Passage]) -> bytes:
    # the fields are plain values: reading them directly is ~10x faster than dataclasses.asdict
    return "".join(json_line({f: getattr(p, f) for f in _FIELDS}) + "\n" for p in items).encode("utf-8")


_held = threading.local()   # folders this thread holds the lock of: the lock is re-entrant


@contextlib.contextmanager
def build_lock(folder: Path, wait: bool = True, reading: bool = False):
    """Exclusive lock beside the index folder: a second build waits for the first. Yields
    whether it holds the lock (always, when `wait`). Re-entrant within a thread (an
    incremental build loads the index while holding it). A Milvus URI: milvus.build_lock.
    `reading` (a search): nothing is written, no folder nor lock file made; None when no build ever ran there (no
    lock file) or its lock cannot be opened (a read-only disk): there is nothing to recover then."""
    if is_uri(folder):
        with _milvus().build_lock(folder, wait=wait) as held:
            yield held
        return
    # (named by the folder's real path: "." or "idx/documents/.." has no name of its own, and its lock was "..lock"
    # inside the index, which then refused every build as a file of the user's; a link given as --index took a lock
    # of its own, so a calibration through it did not wait for a build, whose swap then dropped it)
    folder = Path(os.path.abspath(folder)).resolve()
    key = str(folder)
    held = _held.__dict__.setdefault("folders", set())
    if key in held:
        yield True
        return
    try:
        if not reading:
            folder.parent.mkdir(parents=True, exist_ok=True)
        f = open(folder.parent / f".{folder.name}.lock", "r" if reading else "a+")
    except OSError as e:
        if not reading:
            raise unwritable(folder.parent, e) from None
        yield None
        return
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        held.add(key)
        try:
            if not reading:     # a build killed between its two renames: its index back before anyone writes
                _recover(folder)
            yield True
        finally:
            held.discard(key)
            fcntl.flock(f, fcntl.LOCK_UN)


def check_target(folder: Path) -> None:
    """Refuse to write an index at `folder` unless it is new, an empty folder, or provably an index of
    ours (a manifest of ours and only the files a build writes): a rebuild replaces the whole folder,
    and the product never deletes or moves what it did not create."""
    if is_uri(folder):
        return _milvus().check_target(folder)
    folder = Path(folder)
    if folder.is_symlink():
        raise IndexProblem(f"{folder} is a link; give the folder it points to as --index, or a new folder.")
    # what _save replaces is the real folder: "x/missing/.." and "x/file.txt/.." are x, though neither can be read
    # through to tell (it "does not exist"), so that x, a user's folder, was taken for a new one and replaced whole
    real = folder.resolve()
    if ".." in folder.parts:
        folder = real
    holder = index_holding(folder)
    if holder is not None:      # (its files and lock there would block every later build of that index: _foreign)
        raise IndexProblem(f"{folder} is inside the index {holder}/: nothing was written (a build of that index "
                           f"replaces its whole folder). Choose a folder outside it for --index.")
    if not real.exists():
        return
    if not real.is_dir():
        raise IndexProblem(f"{folder} is a file, not an index folder: nothing was written. "
                           f"Choose a new or empty folder for --index.")
    names = sorted(p.name for p in real.iterdir())
    if not names:
        return
    if not read.our_manifest(real / "manifest.json"):
        if "manifest.json" in names and {"documents", "passages.jsonl"} & set(names):
            # (a damaged index of ours, or a folder like one: the product never deletes what it cannot tell is its own)
            raise IndexProblem(f"{folder}/ looks like an index whose manifest.json cannot be read: nothing was "
                               f"written. A build replaces its whole folder, and this one cannot be told to be the "
                               f"product's. Move it aside (its documents/ keep the indexed texts) and build the index "
                               f"again: {rebuild_command(folder)}")
        raise IndexProblem(f"{folder}/ is not empty and holds no index ({listing(names, 4)}): nothing was "
                           f"written, as an index build replaces its whole folder. "
                           f"Choose a new or empty folder for --index.")
    foreign = _foreign(real, names)
    if foreign:
        raise IndexProblem(f"{folder}/ holds files that are not part of the index ({listing(foreign, 4)}): "
                           f"nothing was written, as a build replaces the whole folder. Move them elsewhere first.")


def _foreign(folder: Path, names: list[str]) -> list[str]:
    """What in an index folder of ours the product did not write: anything but the files its manifest lists (format 3:
    the build's every file, documents/ and lexical/ too) and the manifest and calibration themselves, each a plain
    file; for an older format, files of the names a build writes. A user's "lexical/my-settings.json",
    "documents/0123456789abcdef.txt" or a folder named "calibration.json" is theirs."""
    def plain(path: Path) -> bool:
        return path.is_file() and not path.is_symlink()

    try:
        manifest = read_manifest(folder / "manifest.json")
        # (format 3 lists every file it wrote; an older one only the checked three, so its names are read as before)
        listed = manifest.get("files") if manifest.get("format") == FORMAT else None
    except (OSError, ValueError):
        listed = None
    ours = set(listed) | UNCHECKED_FILES if isinstance(listed, dict) else None
    foreign = []
    for name in names:
        path = folder / name
        if name in OWN_FOLDERS:
            if not path.is_dir() or path.is_symlink():
                foreign.append(name)
                continue
            foreign += [f"{name}/{p.name}" for p in path.iterdir()
                        if not plain(p) or (f"{name}/{p.name}" not in ours if ours is not None
                                            else not OWN_FOLDERS[name].fullmatch(p.name))]
        elif (not plain(path) or name not in (ours if ours is not None else OWN_FILES)) \
                and not _temporary(calibration.FILE).fullmatch(name):   # (--calibrate writing, or killed: _recover's)
            foreign.append(name)
    return foreign


def index_holding(path: Path) -> Path | None:
    """The index folder of ours that `path` would stand in, at any depth (documents/new/a.npz too; links resolved), or
    None: where only a build writes (a file or folder of anyone else's there blocks every later build: _foreign)."""
    for folder in Path(path).resolve().parents:
        if read.our_manifest(folder / "manifest.json"):
            return folder
    return None


def make_manifest(documents: dict[str, Document], passages: list[Passage], model: dict,
                  chunking: ChunkSettings, extra: dict | None = None) -> dict:
    body = _json_lines(passages)
    return {
        "format": FORMAT,
        "parser": PARSER_VERSION,
        "chunker": CHUNKER_VERSION,
        "model": model,
        "chunking": chunking.to_dict(),
        "documents": [
            {"id": d.id, "path": d.path, "sha256": d.sha256, "title": d.title, "date": d.date,
             "chars": len(d.text), "text_sha256": digest(d.text.encode("utf-8")),
             "file": f"documents/{digest(d.id.encode())[:16]}.txt"}
            for d in documents.values()
        ],
        "passages": len(passages),
        "fingerprint": digest(body + json.dumps(model, sort_keys=True).encode())[:12],
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **(extra or {}),
    }


def save(index: Index, folder: Path) -> Index:
    """Write `index` to `folder` atomically (its lexical index and calibration too, when it has
    them); return it as saved (its manifest now lists the files' checksums). A Milvus URI: milvus.save
    (a new collection, then the alias switched to it)."""
    if is_uri(folder):
        return _milvus().save(index, folder)
    folder = Path(folder)
    with build_lock(folder):        # (re-entrant: a build already holds it) no load cleans up our tmp
        check_target(folder)
        manifest = _save(index, folder)
    return dataclasses.replace(index, manifest=manifest, folder=folder)


def _save(index: Index, folder: Path) -> dict:
    import faiss

    real = folder.resolve()      # "." or "x/.." have no name of their own to put a sibling beside
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{real.name}.tmp-", dir=real.parent))
    except OSError as e:
        raise unwritable(real.parent, e) from None
    try:
        _keep_access(tmp, real, 0o777)          # mkdtemp's 0700 would lock out a server running as another user
        (tmp / "documents").mkdir()
        for entry in index.manifest["documents"]:
            _write(tmp / entry["file"], index.documents[entry["id"]].text.encode("utf-8"))
        _write(tmp / "passages.jsonl", _json_lines(index.passages))
        _write(tmp / "paragraphs.jsonl", _json_lines(index.paragraphs))
        faiss.write_index(index.vectors, str(tmp / "index.faiss"))
        if index.lexical is not None:
            lexical.save(index.lexical, tmp)
        if index.calibration:
            _write(tmp / calibration.FILE, calibration.dumps(index.calibration))
        # vectors from another build, or passages reordered, would quote the wrong text for a vector
        # ... and a swapped or edited lexical file would rank silently wrong: every file is checked
        written = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
        manifest = {**index.manifest, "files": {name: digest((tmp / name).read_bytes()) for name in written
                                                if name not in UNCHECKED_FILES}}
        # the manifest goes last: a folder without one is never mistaken for an index
        _write(tmp / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
        _sync(tmp, [*written, "manifest.json"])
        _swap_in(tmp, real)
        _sync_folder(real.parent)       # the renames themselves, on the disk
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        # a full disk, a permission refused (faiss says it in a RuntimeError): what happened, not a traceback
        if isinstance(e, OSError) or (isinstance(e, RuntimeError) and "write" in str(e).lower()):
            raise unwritable(folder, e) from e
        raise
    return manifest


def _recover(folder: Path) -> None:
    """Under the build lock: if a build died between its two renames, put the previous index back (where the
    folder is missing or empty: a command may have made it since, `mkdir idx` too); then remove what killed builds
    left beside it, only what is provably theirs: a half-written folder holding only files a build writes, and a
    replaced index of a process that is gone, once the index itself is there. A user's ".idx.old-2024" of their own
    files, or the only copy of an index, is never touched. And what a killed `rag eval --calibrate` left in it
    (write_atomic's file of a process that is gone)."""
    folder = Path(folder).resolve()
    olds = _leftovers(folder, "old")
    whole = sorted((p for p in olds if read.our_manifest(p / "manifest.json")), key=lambda p: p.stat().st_mtime)
    if whole and _empty_or_missing(folder):    # only then: a folder that holds anything is left alone
        with contextlib.suppress(FileNotFoundError):
            folder.rmdir()
        os.rename(whole[-1], folder)
        olds.remove(whole[-1])
    for left in _leftovers(folder, "tmp"):
        if _only_built(left):
            shutil.rmtree(left, ignore_errors=True)
    if read.our_manifest(folder / "manifest.json"):
        for old in olds:
            m = re.search(r"old-(\d+)$", old.name)
            if not alive(int(m.group(1))) and _only_built(old):
                shutil.rmtree(old, ignore_errors=True)
        remove_stale_temporaries(folder / calibration.FILE)


def _empty_or_missing(folder: Path) -> bool:
    if folder.is_symlink():
        return False
    if not folder.exists():
        return True
    try:
        return folder.is_dir() and not any(folder.iterdir())
    except OSError:
        return False


def _only_built(folder: Path) -> bool:
    """Whether `folder` (a build's temporary or replaced folder, by its name) holds only what a build writes: its
    files, by their names or its manifest's list, plain files all (an empty one: a build killed at its start)."""
    try:
        return folder.is_dir() and not folder.is_symlink() \
            and not _foreign(folder, sorted(p.name for p in folder.iterdir()))
    except OSError:
        return False


def _leftovers(folder: Path, kind: str) -> list[Path]:
    """The folders a build of `folder` leaves beside it: ".NAME.tmp-" and mkdtemp's 8 characters (`kind` "tmp"), or
    ".NAME.old-" and a process id ("old"); exactly those, never another index's: not those of "idx1" for an index
    named "idx[12]", nor those of "NAME.old-x" (".NAME.old-x.tmp-abcd1234")."""
    shape = re.compile(rf"\.{re.escape(folder.name)}\." + (r"tmp-[a-z0-9_]{8}" if kind == "tmp" else r"old-\d+"))
    return [p for p in folder.parent.glob(f".{glob.escape(folder.name)}.{kind}-*") if shape.fullmatch(p.name)]


SWAP_RETRIES = 5       # loads tried again when a build swapped the index in while one read it


def load(folder: Path = DEFAULT_INDEX, embedder=None, check_sources: bool = True, compat: Compat | None = None) -> Index:
    """Load and check the index in `folder`; raise IndexProblem naming the rebuild command.

    It must fit `compat` (default: this version's parser, the default chunking, and `embedder`'s
    model when one is given, else any model; a given compat without a model also takes the
    embedder's). `check_sources`: refuse it when a file it was made from changed since.
    A Milvus URI (is_uri): milvus.load, the same checks. A build that swaps a new index in while it is read (its
    files then belong to two builds, or vanish) is no damage: the load is tried again (SWAP_RETRIES times)."""
    if is_uri(folder):
        return _milvus().load(folder, embedder=embedder, check_sources=check_sources, compat=compat)
    for attempt in range(SWAP_RETRIES):
        seen = _generation(folder)
        try:
            return _load(folder, embedder, check_sources, compat)
        except IndexProblem:
            if _generation(folder) == seen:
                raise
            time.sleep(0.02 * (attempt + 1))
    return _load(folder, embedder, check_sources, compat)


def _generation(folder: Path) -> tuple | None:
    """Which build's index is in `folder` now: its manifest's inode and time (a swap puts a new file there)."""
    try:
        st = os.stat(Path(folder) / "manifest.json")
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


def generation(location) -> tuple:
    """Which state of the index at `location` is on disk now: its build's (`_generation`) and its calibration's (a
    calibration is written beside the build, ``calibration.json``); what a process that keeps an index open (the
    chat) compares to see that another changed it. () for a Milvus URI (the chat serves folders)."""
    if is_uri(location):
        return ()
    try:
        st = os.stat(Path(location) / calibration.FILE)
        kept = (st.st_ino, st.st_mtime_ns)
    except OSError:
        kept = None
    return _generation(location), kept


def _load(folder, embedder, check_sources: bool, compat: Compat | None) -> Index:
    import faiss

    # searches come one query at a time: OpenMP's threads cost more than they save there
    # (bench/scale.py: 13k x 384 rows, 0.9 ms on one thread, 10 ms on two on a busy 2-core machine)
    faiss.omp_set_num_threads(1)
    folder = Path(folder)
    if folder.is_file():        # (not "No index found in FILE/. Build it with: …", which rag index then refuses)
        raise IndexProblem(f"{folder} is a file, not an index folder: give --index the folder of an index.")
    # a search does not wait for a build that is running (the index it reads stays whole until
    # the swap); it waits only if the index is missing, i.e. a build is swapping it or died doing so
    with build_lock(folder, wait=False, reading=True) as free:
        if free:
            _recover(folder)
    if not (folder / "manifest.json").exists():
        with build_lock(folder, reading=True) as held:
            if held:
                _recover(folder)
    rebuild = rebuild_command(folder)
    manifest_file = folder / "manifest.json"
    if not manifest_file.exists():
        try:
            names = os.listdir(folder) if folder.is_dir() else []
            own = sorted(n for n in names if not n.startswith(".") and n not in OWN_FILES | set(OWN_FOLDERS))
        except OSError:
            own = []
        if own:     # a folder of documents: its rebuild command would be refused (rag index writes no index there)
            raise IndexProblem(f"No index found in {folder}/: it holds files of its own ({', '.join(own[:3])}"
                               f"{', …' if len(own) > 3 else ''}), not an index. Give --index an index's folder, or "
                               f"build one in a new folder: rag index {folder} --index NEW_FOLDER")
        raise IndexProblem(f"No index found in {folder}/. Build it with: {rebuild}")
    try:
        manifest = read_manifest(manifest_file)
    except (OSError, ValueError) as e:
        # (its rebuild refuses a folder whose manifest it cannot read: the folder goes aside first)
        raise IndexProblem(f"The index manifest {manifest_file} cannot be read ({e}): the index is damaged. Move "
                           f"{folder}/ aside (its documents/ keep the indexed texts) and build it again: {rebuild}")
    rebuild = rebuild_command(folder, manifest)

    def stale(why: str) -> IndexProblem:
        return IndexProblem(f"The index in {folder}/ {why}. Rebuild it with: {rebuild}")

    compat = compat or Compat()
    if compat.model is None and embedder is not None:
        compat = dataclasses.replace(compat, model=(embedder.name, embedder.fingerprint))
    problem = compat.problem(manifest)
    if problem:
        raise stale(problem)
    model = manifest.get("model") or {}
    try:
        documents = _read_documents(folder, manifest)
    except PermissionError as e:
        raise _unreadable(folder, e)
    except Exception as e:  # noqa: BLE001 - every way a file can be broken ends here
        # a stored text is gone or damaged: `rag index` reads it again from its file where that is the one indexed,
        # and keeps the others (build._mended; "--rebuild" from the files would drop every document without one)
        raise IndexProblem(f"The index in {folder}/ is damaged ({type(e).__name__}: {e}). Rebuild it with: {rebuild}")
    try:
        passages = _read_passages(_read_checked(folder, "passages.jsonl", manifest))
        paragraphs = _read_passages(_read_checked(folder, "paragraphs.jsonl", manifest))
        vectors = faiss.deserialize_index(np.frombuffer(_read_checked(folder, "index.faiss", manifest), dtype="uint8"))
        for name in manifest["files"]:          # lexical/ and whatever else the build wrote
            if name not in CHECKED_FILES:
                _read_checked(folder, name, manifest)
    except PermissionError as e:
        raise _unreadable(folder, e)
    except Exception as e:  # noqa: BLE001 - every way a file can be broken ends here
        raise IndexProblem(f"The index in {folder}/ is damaged ({type(e).__name__}: {e}). Rebuild it with: {rebuild}")
    if vectors.ntotal != len(passages) or len(passages) != manifest.get("passages"):
        raise IndexProblem(f"The index in {folder}/ is damaged: {vectors.ntotal} vectors, {len(passages)} passages, "
                           f"manifest says {manifest.get('passages')}. Rebuild it with: {rebuild}")
    if vectors.d != model.get("dim"):
        raise stale(f"has vectors of dimension {vectors.d}, the manifest says {model.get('dim')}")
    check_spans(f"in {folder}/", passages + paragraphs, documents, rebuild)
    if check_sources:
        changed = changed_sources(folder, manifest)
        if changed:
            raise IndexProblem(changed_message(f"in {folder}/", folder, manifest, changed[0], rebuild))
    return Index(manifest=manifest, documents=documents, paragraphs=paragraphs, passages=passages,
                 vectors=vectors, folder=folder, calibration=calibration.load(folder))


def changed_message(where: str, location, manifest: dict, path: str, rebuild: str) -> str:
    """The index refused because the file at `path` changed since it was indexed: rebuild it, or, when that file
    can no longer be read (`rag index` then skips it and keeps the copy indexed before), take its document out."""
    doc = next((d.get("id") for d in manifest.get("documents", []) if d.get("path") == path), None)
    where_to = f" --index {shlex.quote(str(location))}" if str(location) != str(DEFAULT_INDEX) else ""
    out = f" (if it cannot be read now, take its document out with: {remove_command(doc, where_to)})" if doc else ""
    return f"The index {where} is out of date: {path} changed since it was indexed{out}. Rebuild it with: {rebuild}"


def remove_command(doc_id: str, options: str = "") -> str:
    """The `rag remove` command line of a document, quoted for a shell; "--" before an id that opens with a dash
    ("-tulips.txt" would be read as an option)."""
    return f"rag remove{options} {'-- ' if doc_id.startswith('-') else ''}{shlex.quote(doc_id)}"


def check_spans(where: str, passages: list[Passage], documents: dict[str, Document], rebuild: str) -> None:
    """Every passage is exactly its document's text[start:end], or the index is damaged."""
    for p in passages:
        doc = documents.get(p.doc)
        if doc is None or doc.text[p.start:p.end] != p.text:
            raise IndexProblem(f"The index {where} is damaged: passage {p.id} does not match its document. "
                               f"Rebuild it with: {rebuild}")


def changed_sources(folder: Path, manifest: dict) -> list[str]:
    """The documents' files (as the manifest names them) whose bytes differ from what was indexed (a Milvus
    index's too: source_path knows where its paths are)."""
    out = []
    for d in manifest["documents"]:
        source = source_path(folder, d["path"])
        try:
            if source and source.is_file() and not read.linked_away(source) \
                    and file_digest(source) != d["sha256"]:
                out.append(d["path"])
        except OSError:
            continue        # unreadable now: what the index holds is still what was indexed
    return out


def _unreadable(folder: Path, e: OSError) -> IndexProblem:
    return IndexProblem(f"The index in {folder}/ cannot be read: permission denied for {e.filename}. "
                        f"Check the files' permissions (nothing needs rebuilding).")


def _read_documents(folder: Path, manifest: dict, ids=None) -> dict[str, Document]:
    return documents_from(manifest, lambda name: (folder / name).read_bytes(), ids)


def documents_from(manifest: dict, read, ids=None) -> dict[str, Document]:
    """The documents `manifest` lists (those of `ids`, when given), their texts read by `read(file name)` (either
    backend's stored files) and checked against the manifest's checksums (ValueError when one does not match)."""
    documents: dict[str, Document] = {}
    for d in manifest["documents"]:
        if ids is not None and d["id"] not in ids:
            continue
        data = read(d["file"])
        if digest(data) != d["text_sha256"]:
            raise ValueError(f"{d['file']} does not match its checksum")
        documents[d["id"]] = Document(id=d["id"], text=data.decode("utf-8"), path=d["path"],
                                      title=d["title"], date=d["date"], sha256=d["sha256"])
    return documents


def read_documents(folder: Path, ids=None) -> dict[str, Document]:
    """The documents (stored texts, checked) of the index in `folder` (only those of `ids`, when given), whatever
    parser or model made it, so that they can be parsed and embedded again; IndexProblem when they cannot be read."""
    if is_uri(folder):
        return _milvus().read_documents(folder, None if ids is None else set(ids))
    folder = Path(folder)
    try:
        manifest = read_manifest(folder / "manifest.json")
        if manifest.get("format") not in READABLE_DOCUMENTS:
            raise ValueError(f"format {manifest.get('format')!r}, this version reads {', '.join(READABLE_DOCUMENTS)}")
        return _read_documents(folder, manifest, None if ids is None else set(ids))
    except Exception as e:  # noqa: BLE001 - every way the files can be broken ends here
        raise IndexProblem(f"The documents of the index in {folder}/ cannot be read ({type(e).__name__}: {e})")


def vectors_array(vectors) -> np.ndarray:
    """The rows of a flat FAISS index as an (n, d) float32 array, to reuse them in a new index."""
    if vectors.ntotal == 0:
        return np.zeros((0, vectors.d), dtype="float32")
    return np.asarray(vectors.reconstruct_n(0, vectors.ntotal), dtype="float32")


def source_path(folder: Path, path: str) -> Path | None:
    """The file a manifest's document path names (None for an upload, whose text only the index holds)."""
    if not path or path.startswith(UPLOADED):
        return None
    if is_uri(folder):
        return _milvus().source_path(path)
    p = Path(path)
    if p.is_absolute():
        return p
    # relative paths are stored relative to the folder that holds the index folder (the project)
    return folder.parent / p


def _read_checked(folder: Path, name: str, manifest: dict) -> bytes:
    """The bytes of one of CHECKED_FILES, if they are the ones the manifest was written with."""
    expected = (manifest.get("files") or {}).get(name)
    data = (folder / name).read_bytes()
    if digest(data) != expected:
        raise ValueError(f"{name} does not match the checksum in the manifest")
    return data


def _read_passages(data: bytes) -> list[Passage]:
    out = []
    for n, line in enumerate(data.decode("utf-8").split("\n"), 1):
        if line.strip():
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError(f"line {n} is not an object")
            out.append(Passage.from_dict(item))
    return out


# ---- other backends: an index given as a URI (milvus-lite:///abs/x.db, milvus://host:19530) --------

URI_SCHEMES = ("milvus-lite", "milvus")      # an index in Milvus (milvus.py): milvus-lite:///abs/x.db, milvus://host


def is_uri(location) -> bool:
    """Whether `location` names an index in Milvus rather than a folder (also after Path() folded
    its '//': callers that wrap every location in Path still reach the right backend)."""
    return location is not None and str(location).startswith(tuple(s + ":" for s in URI_SCHEMES))


def local_path(location) -> Path | None:
    """The folder on this machine an index takes up: its own, or its Milvus Lite database's; None for a server."""
    if not is_uri(location):
        return Path(location)
    target = _milvus().parse(location)
    return Path(target.address) if target.lite else None


def _milvus():
    from . import milvus
    return milvus


def exists(location) -> bool:
    """Whether there is an index (a manifest, or a Milvus alias) at `location`."""
    if is_uri(location):
        return _milvus().exists(location)
    return (Path(location) / "manifest.json").exists()


def load_calibration(location) -> dict:
    """The calibration stored with the index at `location` ({} when none)."""
    if is_uri(location):
        return _milvus().load_calibration(location)
    return calibration.load(location)


def save_calibration(location, data: dict) -> None:
    """Store `data` as the calibration of the index at `location` (calibration.save, which holds its lock)."""
    if is_uri(location):
        _milvus().save_calibration(location, data)
    else:
        write_atomic(Path(location) / calibration.FILE, calibration.dumps(data))


def manifest_at(location) -> dict:
    """The manifest of the index at `location`; IndexProblem when there is none to read."""
    if is_uri(location):
        return _milvus().manifest_of(location)
    try:
        return read_manifest(Path(location) / "manifest.json")
    except (OSError, ValueError) as e:
        raise IndexProblem(f"No readable index in {location}/ ({e}). Build it with: {rebuild_command(location)}")


def vectors_index(vectors: np.ndarray):
    """An exact inner-product FAISS index over normalised vectors."""
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype="float32"))
    return index
