"""The index in Milvus: the same index as a folder (store.py), in Milvus Lite or a Milvus server.

    milvus-lite:///abs/path/index.db[?collection=NAME]       embedded Milvus Lite, one file
    milvus://[user:password@]host:19530[/database][?collection=NAME]   a server or cluster
                (user, password, database also from RAG_MILVUS_USER, RAG_MILVUS_PASSWORD, RAG_MILVUS_DB)

One version of an index is two collections, written whole and never changed after:

    NAME__vN_passages  row INT64 (primary: passage i of index.passages), vector FLOAT_VECTOR (FLAT, IP),
                       text VARCHAR (the passage's BM25 tokens, rag.lexical.tokenize, joined by spaces;
                       analysed by Milvus's standard analyzer) -> sparse (Milvus's BM25 function)
    NAME__vN_blobs     seq INT64, name, part, data VARCHAR: the folder's files, cut into pieces under
                       Milvus's 64 KiB VARCHAR limit: manifest.json, passages.jsonl, paragraphs.jsonl,
                       documents/*.txt (the full texts every offset points into)

and the alias NAME points at the passages collection of the current version. A build writes a new
version, then switches the alias (alter_alias): a search sees the old version or the new one, never a
part. The version before is kept (a process that loaded it keeps searching it); older ones, and what a
killed build left, are dropped: only collections with exactly this module's schema (a user's collection that
happens to be named like a version is never touched), and no version another alias names. A NAME may not
contain "__".
NAME__calibration_vN holds calibration.json (not tied to a version of the index, like the folder's: keyed by model
and chunking); a write makes a new one, then drops the older ones, so a write killed midway leaves the one before
(the NAME__calibration of earlier releases is read as the oldest).

The manifest is the folder's, with the checksums of passages.jsonl, paragraphs.jsonl, the vectors
(float32 bytes, read back from Milvus) and the BM25 token texts: a load refuses an index whose rows or
texts were edited in Milvus, or that is stale, with the command that rebuilds it, like a folder.

Search (rag/milvus_search.py): ``Index.parts`` is a ``Parts``: dense candidates from Milvus's vector search, BM25 candidates
from its BM25 function (k1 1.5, b 0.75 like bm25s; Milvus's score is bm25s's times k1 + 1, so it is
divided by that: the scores fused and turned into a confidence are bm25s's), fused, diversified and
abstained on by retrieve.py. The vectors are also read back on load (MMR, paragraph cosines, and
``Index.vectors``, a flat FAISS index, which incremental builds and `rag migrate` read).

Locks: a file lock beside the .db for Milvus Lite (store.build_lock); none for a server (a warning:
run one build at a time; a second build's alias switch would win, never a half-built index).

What it leaves out: partial updates (each build writes a whole version), Milvus's partitions and its own
full-text options beyond BM25, and a lock across machines for a server.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np

from . import store
from .errors import CannotWrite, IndexProblem, MissingExtra
from .read import LITE_MARKS    # what Milvus Lite keeps in its .db folder (a documents folder's is left out)
from .store import URI_SCHEMES as SCHEMES

log = logging.getLogger(__name__)

DEFAULT_COLLECTION = "rag_index"
PIECE = 60_000            # bytes of one blob piece (VARCHAR max_length is 65,535 bytes)
TEXT_BYTES = 65_535       # bytes of a passage's BM25 tokens (its VARCHAR field's max_length)
MAX_TOKEN = 200           # characters of the longest BM25 token stored
PAGE = 2_000              # rows read or written per call
KEEP = 2                  # versions kept: the current one and the one before
BUILT_FILES = re.compile(r"passages\.jsonl|paragraphs\.jsonl|vectors|lexical")  # what its manifest's "files" check
K1, B = 1.5, 0.75         # bm25s's defaults
EMPTY = "ragemptyrow"     # bm25s's "\u2205" for a row without tokens, as a word Milvus's analyzer keeps
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,180}")
OURS = "__"               # NAME__v<N>_passages, NAME__v<N>_blobs, NAME__calibration: never in a NAME itself
# the fields of the collections this module makes: a collection without exactly these is not ours to drop
PASSAGES, BLOBS = "passages", "blobs"     # the two kinds of collection a version has (_ours)


@dataclass(frozen=True)
class Target:
    scheme: str
    address: str           # the .db file (lite) or http://host:port (server)
    collection: str
    user: str = ""
    password: str = ""
    db: str = ""

    @property
    def uri(self) -> str:
        """The canonical form, as messages and Index.folder give it (no password)."""
        query = "" if self.collection == DEFAULT_COLLECTION else f"?collection={self.collection}"
        if self.scheme == "milvus-lite":
            return f"milvus-lite://{self.address}{query}"
        host = self.address.removeprefix("http://")
        return f"milvus://{host}{'/' + self.db if self.db else ''}{query}"

    @property
    def lite(self) -> bool:
        return self.scheme == "milvus-lite"


def _said(text: str) -> str:
    """A URI as a message may repeat it: without its password ("milvus://user:***@host")."""
    return re.sub(r"(//[^/@:\s]*):[^/\s]*@", r"\1:***@", text)      # (to the last "@", as urlsplit reads it)


def parse(location) -> Target:
    raw = str(location)
    text = _said(raw)
    if any(c in raw for c in "\n\r\t\x00"):     # (urlsplit drops a newline without a word: "a\nb.db" was "ab.db")
        raise IndexProblem(f"{text!r} holds a line break, a tab or a NUL: give the URI on one line")
    scheme, _, rest = raw.partition(":")
    if scheme not in SCHEMES:
        raise IndexProblem(f"{text} is not a Milvus URI (milvus-lite:///abs/path/index.db or milvus://host:19530)")
    if scheme == "milvus-lite" and not (rest.startswith("///") or (rest.startswith("/") and rest[1:2] != "/")):
        # milvus-lite:rel.db, milvus-lite://rel.db: a relative path would be read from the root
        raise IndexProblem(f"{text}: a Milvus Lite path is absolute, with three slashes: "
                           f"milvus-lite:///abs/path/index.db")
    rest = "//" + rest.lstrip("/")          # Path() folds '//' into '/': both forms are read
    try:
        parts = urlsplit(scheme.replace("-", "") + ":" + rest)
        port = parts.port
    except ValueError as e:                 # a bad port, an unclosed [IPv6 address
        raise IndexProblem(f"{text} is not a Milvus URI ({e}): milvus-lite:///abs/path/index.db or "
                           f"milvus://host:19530") from None
    query = parse_qs(parts.query)
    if len(query.get("collection", [])) > 1:
        raise IndexProblem(f"{text} names the collection twice: give one ?collection=NAME")
    collection = (query.get("collection") or [DEFAULT_COLLECTION])[0]
    if not _NAME.fullmatch(collection) or OURS in collection:
        raise IndexProblem(f"{collection!r} cannot name an index in Milvus: use letters, digits and single _ "
                           f"(the index's own collections are named NAME{OURS}...)")
    if scheme == "milvus-lite":
        path = "/" + (parts.netloc + parts.path).lstrip("/")
        if not path.endswith(".db"):
            raise IndexProblem(f"{text}: a Milvus Lite index is a .db file, e.g. milvus-lite:///abs/path/index.db")
        return Target(scheme, str(Path(path).resolve()), collection)
    host = parts.hostname or "localhost"
    port = port or 19530
    db = parts.path.strip("/") or os.environ.get("RAG_MILVUS_DB", "")
    return Target(scheme, f"http://{host}:{port}", collection,
                  user=unquote(parts.username or "") or os.environ.get("RAG_MILVUS_USER", ""),
                  password=unquote(parts.password or "") or os.environ.get("RAG_MILVUS_PASSWORD", ""), db=db)


# ---- connection --------------------------------------------------------------------------------

_clients: dict = {}
_clients_lock = threading.Lock()


def _pymilvus():
    try:
        import pymilvus
        return pymilvus
    except ModuleNotFoundError as e:
        raise MissingExtra("an index in Milvus needs pymilvus (and milvus-lite for milvus-lite:// URIs)",
                           "milvus", [e.name or "pymilvus"]) from None


class NoDatabase(IndexProblem):
    """A milvus-lite:// index whose .db does not exist (a read never creates it)."""


def client(target: Target, create: bool = False):
    """One MilvusClient per address and database, shared by the process's threads. A Milvus Lite .db is
    created only by a write (`create`), and never where a file or a folder of someone else's is."""
    pm = _pymilvus()
    key = (target.address, target.user, target.db)
    with _clients_lock:
        if key not in _clients:
            if target.lite:
                try:
                    import milvus_lite  # noqa: F401
                except ModuleNotFoundError:
                    raise MissingExtra("a milvus-lite:// index needs Milvus Lite", "milvus", ["milvus-lite"]) from None
                _check_lite_path(target, create)
                # Milvus Lite's in-process gRPC server logs a traceback for each call it does not implement
                # (AllocTimestamp: pymilvus then does without), and its launcher one for a file it cannot
                # open; pymilvus logs every failed call: each becomes one message of ours
                for name in ("grpc._server", "milvus_lite", "pymilvus"):
                    logging.getLogger(name).setLevel(logging.CRITICAL)
            try:
                _clients[key] = pm.MilvusClient(target.address, user=target.user, password=target.password,
                                                db_name=target.db)
            except Exception as e:  # noqa: BLE001 - connection refused, bad credentials, locked file
                stuck = _read_only(Path(target.address)) if target.lite else None
                if stuck and not Path(target.address).exists():
                    raise IndexProblem(f"Cannot create {target.uri}: {stuck} is read-only: nothing was written. "
                                       f"Choose a folder you can write to.") from None
                if stuck:
                    raise IndexProblem(f"Cannot open {target.uri}: {stuck} is read-only (Milvus Lite writes to its "
                                       f"database even to search it): nothing was changed. Copy the database to a "
                                       f"folder you can write to, or serve it with a Milvus server.") from None
                if target.lite and (Path(target.address) / "LOCK").exists():
                    raise IndexProblem(f"Cannot open {target.uri}: another process has this Milvus Lite database "
                                       f"open (Milvus Lite serves one process at a time; a Milvus server serves "
                                       f"many). Close it, or use a milvus:// server.") from None
                raise IndexProblem(f"Cannot connect to Milvus at {target.uri} ({type(e).__name__}: {e})") from None
        return _clients[key]


def _read_only(path: Path) -> Path | None:
    """The folder that keeps a Milvus Lite database at `path` from being written (a read-only disk or a permission):
    the database itself, or where it would be made; None when both can be written."""
    where = path if path.exists() else next((p for p in path.parents if p.exists()), path)
    try:
        if os.statvfs(where).f_flag & os.ST_RDONLY or not os.access(where, os.W_OK):
            return where
    except OSError:
        pass
    return None


def _check_lite_path(target: Target, create: bool) -> None:
    """A Milvus Lite database (3.2: a folder holding LOCK, collections/, databases/) or nothing yet: never
    a user's file, nor a folder of other things, which Milvus Lite would write its files into."""
    path = Path(target.address)
    if path.is_dir():
        if any(path.iterdir()) and not all((path / m).exists() for m in LITE_MARKS):
            raise IndexProblem(f"{path} is a folder that is not a Milvus Lite database: nothing was read or "
                               f"written. Give a new .db path.")
        return
    if path.exists():
        raise IndexProblem(f"{path} is a file that is not a Milvus Lite database: nothing was read or written. "
                           f"Give a new .db path.")
    if not create:
        raise NoDatabase(f"No index found at {target.uri}. Build it with: {store.rebuild_command(target.uri)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        blocking = next((p for p in path.parents if p.is_file()), None)     # (mkdir's "File exists" says not that)
        why = f"{blocking} is a file, not a folder" if blocking else f"{e.strerror or e} ({path.parent})"
        raise IndexProblem(f"Cannot create {target.uri}: {why}") from None


def _names(target: Target, version: str) -> tuple[str, str]:
    return f"{target.collection}__{version}_passages", f"{target.collection}__{version}_blobs"


def _version_of(target: Target, collection: str) -> str | None:
    m = re.fullmatch(re.escape(target.collection) + r"__(v\d+)_passages", collection)
    return m.group(1) if m else None


def current(target: Target, c=None) -> str | None:
    """The passages collection the alias points at (None: no index there)."""
    c = c or client(target)
    try:
        if target.collection not in c.list_aliases().get("aliases", []):
            return None
        return c.describe_alias(alias=target.collection)["collection_name"]
    except Exception as e:  # noqa: BLE001
        raise IndexProblem(f"Cannot read the index at {target.uri} ({type(e).__name__}: {e})") from None


def exists(location) -> bool:
    try:
        return current(parse(location)) is not None
    except NoDatabase:
        return False


# ---- lock and target ------------------------------------------------------------------------------

_warned = set()


@contextlib.contextmanager
def build_lock(location, wait: bool = True):
    """A file lock beside the .db for Milvus Lite; none for a server (a warning, once)."""

    target = parse(location)
    if target.lite:
        with store.build_lock(Path(target.address), wait=wait) as held:
            if held:
                _restore(target)
            yield held
        return
    if target.uri not in _warned:
        _warned.add(target.uri)
        log.warning("builds of %s are not locked against each other: run one at a time "
                    "(searches always see a whole index)", target.uri)
    _restore(target)
    yield True


def _whole(c, target: Target, version: str) -> bool:
    """Whether `version` of the index is whole: both its collections ours, its manifest readable, every passage in."""
    pname, bname = _names(target, version)
    try:
        if not (c.has_collection(pname) and c.has_collection(bname) and _ours(c, pname, PASSAGES)
                and _ours(c, bname, BLOBS)):
            return False
        return int(c.get_collection_stats(pname)["row_count"]) == int(_manifest(c, bname)["passages"])
    except Exception:  # noqa: BLE001 - whatever the client raises: not provably whole
        return False


def _restore(target: Target) -> str | None:
    """Under the build lock, before a build: where the index's name (its alias) is gone but a whole version of it is
    in the database (a crash, a backup that missed aliases.json), name the newest whole version again and say so;
    a build then adds to it, where it started from nothing and dropped every version no alias named (the only texts of
    documents whose files are gone among them). The passages collection named, or None."""
    try:
        c = client(target)
        if current(target, c) is not None:
            return None
        versions = {v for n in c.list_collections() if (v := _version_of(target, n)) is not None}
        whole = [v for v in sorted(versions, key=lambda v: int(v[1:]), reverse=True) if _whole(c, target, v)]
        if not whole:
            return None
        pname = _names(target, whole[0])[0]
        c.create_alias(collection_name=pname, alias=target.collection)
    except Exception:  # noqa: BLE001 - no database yet, a server that cannot say: nothing to restore
        return None
    log.warning("%s had lost its name (the alias %s): its newest whole version, %s, is the index again",
                target.uri, target.collection, whole[0])
    return pname


def check_target(location) -> None:
    """Refuse to write where Milvus holds something that is not an index of ours, or a Milvus Lite database inside a
    folder index of ours (its .db and lock file there stopped every later build of that index: a hostile review)."""
    target = parse(location)
    if target.scheme == "milvus-lite":
        from .store import index_holding

        holder = index_holding(Path(target.address))
        if holder is not None:
            raise IndexProblem(f"{target.address} is inside the index {holder}/: nothing was written (a build of that "
                               "index replaces its whole folder). Choose a path outside it.")
    c = client(target, create=True)
    name = current(target, c)
    # (named like a version is not enough: a collection of the user's named "mine__v9_passages" behind their alias
    # "mine" had the alias moved to the product's new version; its fields say whose it is)
    if name is not None and (_version_of(target, name) is None or _theirs(c, name)):
        raise IndexProblem(f"The alias {target.collection} at {target.uri} points at {name}, which is not an index "
                           f"of ours: nothing was written. Choose another ?collection=NAME.")
    if name is None and c.has_collection(target.collection):
        raise IndexProblem(f"{target.uri} holds a collection {target.collection} that is not an index of ours: "
                           f"nothing was written. Choose another ?collection=NAME.")
    _calibration_name(c, target)            # before anything is written, not after the switch


def _shape(described: dict) -> tuple:
    """A collection's schema as describe_collection (or a schema's to_dict) gives it: each field's name, type, length
    and dimension (the passages' vectors of any dimension: each model has its own), and its functions."""
    fields = tuple((f["name"], int(f["type"]), (f.get("params") or {}).get("max_length"),
                    None if f["name"] == "vector" else (f.get("params") or {}).get("dim")) for f in described["fields"])
    functions = tuple((f["name"], int(f["type"]), tuple(f["input_field_names"]), tuple(f["output_field_names"]))
                      for f in described.get("functions") or [])
    return fields, functions


def _ours(c, name: str, kind: str) -> bool:
    """Whether collection `name` has exactly the schema of one this module makes of `kind` (PASSAGES, BLOBS): every
    field's name, type, length and the BM25 function (a user's collection that shares the field names, Milvus's
    full-text tutorial's, is someone else's and never dropped)."""
    try:
        schema = (_passage_schema(c, 2) if kind == PASSAGES else _blob_schema(c))[0]
        return _shape(c.describe_collection(name)) == _shape(schema.to_dict())
    except Exception:  # noqa: BLE001 - cannot tell: not ours to touch
        return False


def _theirs(c, name: str) -> bool:
    """Whether passages collection `name`, which an alias of the index names, is provably not ours: Milvus describes
    it with another schema than ours. One it cannot describe (its files damaged) is ours where its blobs are: a
    build then writes the index again from their stored texts, where "not an index of ours" left no way forward."""
    try:
        described = c.describe_collection(name)
    except Exception:  # noqa: BLE001 - damaged, or gone: whose it was, its blobs say
        return not _ours(c, name.removesuffix("_passages") + "_blobs", BLOBS)
    return _shape(described) != _shape(_passage_schema(c, 2)[0].to_dict())


def _calibration_name(c, target: Target) -> str:
    """The index's calibration collection; IndexProblem where a collection of that name is someone else's."""
    name = f"{target.collection}{OURS}calibration"
    if c.has_collection(name) and not _ours(c, name, BLOBS):
        raise IndexProblem(f"{target.uri} holds a collection {name} that is not ours: nothing was written. "
                           f"Choose another ?collection=NAME.")
    return name


# ---- writing -------------------------------------------------------------------------------------

def _pieces(data: bytes) -> list[str]:
    """`data` (UTF-8) cut into pieces of at most PIECE bytes, never inside a character."""
    out, i = [], 0
    while i < len(data):
        j = min(i + PIECE, len(data))
        while j < len(data) and (data[j] & 0xC0) == 0x80:
            j -= 1
        out.append(data[i:j].decode("utf-8"))
        i = j
    return out or [""]


def _blob_schema(c):
    from pymilvus import DataType

    s = c.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("seq", DataType.INT64, is_primary=True)
    s.add_field("name", DataType.VARCHAR, max_length=1024)
    s.add_field("part", DataType.INT64)
    s.add_field("data", DataType.VARCHAR, max_length=65535)
    s.add_field("v", DataType.FLOAT_VECTOR, dim=2)       # a collection needs a vector field
    ip = c.prepare_index_params()
    ip.add_index(field_name="v", index_type="FLAT", metric_type="L2")
    return s, ip


def _passage_schema(c, dim: int):
    from pymilvus import DataType, Function, FunctionType

    s = c.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("row", DataType.INT64, is_primary=True)
    s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    s.add_field("text", DataType.VARCHAR, max_length=TEXT_BYTES, enable_analyzer=True,
                analyzer_params={"tokenizer": "standard"})
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    s.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["text"],
                            output_field_names=["sparse"]))
    ip = c.prepare_index_params()
    ip.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
    ip.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                 params={"bm25_k1": K1, "bm25_b": B})
    return s, ip


def token_texts(passages) -> tuple[list[str], bool]:
    """Each passage's BM25 tokens (rag.lexical's, as bm25s gets them) joined by spaces, and whether stemmed; a token
    over MAX_TOKEN characters left out (a base64 blob's one "word" of 70,000 overflowed the field: no query asks for
    it), the text cut to the field's TEXT_BYTES."""
    from . import lexical

    stem = lexical._stemmer() is not None
    texts = []
    for p in passages:
        text = " ".join(t for t in lexical.tokenize(lexical.lexical_text(p), stem) if len(t) <= MAX_TOKEN) or EMPTY
        if len(text.encode("utf-8")) > TEXT_BYTES:
            text = text.encode("utf-8")[:TEXT_BYTES + 1].decode("utf-8", "ignore").rsplit(" ", 1)[0]
        texts.append(text)
    return texts, stem


def _strong(target: Target) -> dict:
    """Reads see every write before them: a server's default ("Bounded") may not; Milvus Lite always does
    (and does not implement the timestamp call that "Strong" makes)."""
    return {} if target.lite else {"consistency_level": "Strong"}


def _write_blobs(c, name: str, files: dict[str, bytes]) -> None:
    rows, seq = [], 0
    for fname, data in files.items():
        for part, piece in enumerate(_pieces(data)):
            rows.append({"seq": seq, "name": fname, "part": part, "data": piece, "v": [0.0, 0.0]})
            seq += 1
    for i in range(0, len(rows), 200):
        c.insert(name, rows[i:i + 200])


def _digest_vectors(vectors: np.ndarray) -> str:
    return store.digest(np.ascontiguousarray(vectors, dtype="<f4").tobytes())


def save(index, location):
    """Write `index` as a new version and switch the alias to it; the index as saved."""
    from . import calibration as cal

    target = parse(location)
    with build_lock(location):
        check_target(location)
        c = client(target)
        vectors = store.vectors_array(index.vectors)
        texts, stem = token_texts(index.passages)
        passages_bytes = store._json_lines(index.passages)
        paragraphs_bytes = store._json_lines(index.paragraphs)
        manifest = {k: v for k, v in index.manifest.items() if k != "files"}
        manifest["store"] = {"backend": "milvus", "lexical": {"stem": stem, "k1": K1, "b": B, "empty": EMPTY}}
        manifest["files"] = {"passages.jsonl": store.digest(passages_bytes),
                             "paragraphs.jsonl": store.digest(paragraphs_bytes),
                             "vectors": _digest_vectors(vectors),
                             "lexical": store.digest("\n".join(texts).encode("utf-8"))}
        files = {"passages.jsonl": passages_bytes, "paragraphs.jsonl": paragraphs_bytes}
        for entry in manifest["documents"]:
            files[entry["file"]] = index.documents[entry["id"]].text.encode("utf-8")
        files["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
        for attempt in range(WRITE_TRIES):
            version = f"v{time.time_ns() // 1000}"
            pname, bname = _names(target, version)
            try:
                before = _write_version(c, target, manifest, files, texts, vectors, pname, bname)
                break
            except BaseException as e:
                for name in (pname, bname):
                    with contextlib.suppress(Exception):
                        if current(target, c) != pname:
                            c.drop_collection(name)
                if not type(e).__module__.startswith("pymilvus"):
                    raise
                if attempt + 1 < WRITE_TRIES and _RACED in str(getattr(e, "message", e)):
                    continue        # (Milvus Lite's index of a new collection, asked for while searches run)
                # Milvus refused the write: said, not a traceback
                raise CannotWrite(f"Milvus refused to write the index at {target.uri} ({getattr(e, 'message', e)}): "
                                  f"nothing was changed.", str(getattr(e, "message", e))) from None
        # after the switch, so that a failed build leaves the old index with its own calibration (a build
        # killed between the two keeps the previous calibration, used only where it fits model and chunking)
        if index.calibration:
            _write_calibration(c, target, cal.dumps(index.calibration))
        _drop_old(c, target, keep={version, _version_of(target, before or "")})
    from .milvus_search import Parts
    return dataclasses.replace(index, manifest=manifest, folder=target.uri, parts=Parts(target, pname, texts, stem))


# a new version's write is tried again, whole, where Milvus Lite said its new collection had no index: its index,
# made with the collection, was asked for while another client searched the database (once in a CI run of searches
# during four rebuilds); any other refusal is said at once
WRITE_TRIES = 3
_RACED = "no index on collection"


def _write_version(c, target: Target, manifest: dict, files: dict, texts: list[str], vectors, pname: str,
                   bname: str) -> str | None:
    """Write a new version (its blobs in `bname`, its passages in `pname`) and switch the alias to it; the version
    the alias named before (None: none)."""
    s, ip = _blob_schema(c)
    c.create_collection(bname, schema=s, index_params=ip, **_strong(target))
    _write_blobs(c, bname, files)
    s, ip = _passage_schema(c, int(manifest["model"]["dim"]))
    c.create_collection(pname, schema=s, index_params=ip, **_strong(target))
    for i in range(0, len(texts), PAGE):
        c.insert(pname, [{"row": r, "vector": vectors[r].tolist(), "text": texts[r]}
                         for r in range(i, min(i + PAGE, len(texts)))])
    c.flush(bname)
    c.flush(pname)
    with contextlib.suppress(Exception):
        c.load_collection(pname)
        c.load_collection(bname)
    before = current(target, c)
    if before is None:                        # the switch: searches see the new version from here
        c.create_alias(collection_name=pname, alias=target.collection)
    else:
        c.alter_alias(collection_name=pname, alias=target.collection)
    return before


def _drop_old(c, target: Target, keep: set) -> None:
    """Drop this index's versions but `keep` (the new one and the one it replaced, which a process that
    loaded it may still search): older ones, and what a killed build left; only collections of ours."""
    versions = {v for n in c.list_collections()
                if (v := _version_of(target, n.replace("_blobs", "_passages"))) is not None}
    for v in versions - keep:
        if None in keep and _whole(c, target, v):
            continue        # no alias named a version before this one: a whole one is a lost index, not a killed build's
        pname = _names(target, v)[0]
        with contextlib.suppress(Exception):
            if c.has_collection(pname) and c.list_aliases(pname).get("aliases"):
                continue        # someone named that version (an alias of theirs): it stays, blobs and all
        for name, kind in zip(_names(target, v), (PASSAGES, BLOBS)):
            with contextlib.suppress(Exception):
                if c.has_collection(name) and _ours(c, name, kind):
                    c.drop_collection(name)


def _calibrations(c, target: Target) -> list[str]:
    """The index's calibration collections of ours, newest first: NAME__calibration_vN, then the NAME__calibration of
    earlier releases (written in place, by a drop and a new one: a write killed between the two lost it)."""
    pattern = re.compile(re.escape(f"{target.collection}{OURS}calibration") + r"(?:_v(\d+))?")
    found = sorted(((int(m.group(1) or -1), n) for n in c.list_collections() if (m := pattern.fullmatch(n))),
                   reverse=True)
    return [n for _, n in found if _ours(c, n, BLOBS)]


def _write_calibration(c, target: Target, data: bytes) -> None:
    """A new calibration collection, written whole, then the older ones dropped: a reader (or a write killed
    midway) finds the new calibration or the one before, never none."""
    _calibration_name(c, target)        # a user's NAME__calibration: refused, nothing written
    older = _calibrations(c, target)
    name = f"{target.collection}{OURS}calibration_v{time.time_ns() // 1000}"
    s, ip = _blob_schema(c)
    c.create_collection(name, schema=s, index_params=ip, **_strong(target))
    _write_blobs(c, name, {"calibration.json": data})
    c.flush(name)
    for old in older:
        with contextlib.suppress(Exception):
            c.drop_collection(old)


def save_calibration(location, data: dict) -> None:
    from . import calibration as cal

    target = parse(location)
    with build_lock(location):
        _write_calibration(client(target, create=True), target, cal.dumps(data))


def load_calibration(location) -> dict:
    from . import calibration as cal

    target = parse(location)
    data: object = {}
    try:
        c = client(target)
        for name in _calibrations(c, target):   # (someone else's collection of such a name: not read)
            stored = _read_blobs(c, name).get("calibration.json")
            if stored is not None:              # (none: a write killed before its rows, the one before counts)
                data = json.loads(stored)
                break
    except Exception as e:  # noqa: BLE001 - an unreadable calibration is no calibration, said like the folder's
        data = e
    return data if isinstance(data, dict) else cal.unreadable(f"The calibration of {target.uri}", data)


# ---- reading -------------------------------------------------------------------------------------

_loaded: set = set()


def ready(c, name: str) -> None:
    """Load the collection into memory, once per process (a Milvus Lite file opened anew, or a server
    restarted, has its collections released: they cannot be queried or searched until loaded)."""
    key = (id(c), name)
    if key not in _loaded:
        c.load_collection(name)
        _loaded.add(key)


def _query_all(c, name: str, key: str, fields: list[str]) -> list[dict]:
    ready(c, name)
    out, lo = [], 0
    while True:
        page = c.query(name, filter=f"{key} >= {lo} and {key} < {lo + PAGE}", output_fields=fields, limit=PAGE)
        out += page
        if not page:
            # the keys are 0..n-1: an empty page is the end (checked against the manifest after)
            return out
        lo += PAGE


def _read_blobs(c, name: str, only: str | None = None) -> dict[str, bytes]:
    if only is not None:
        ready(c, name)
        rows = c.query(name, filter=f'name == "{only}"', output_fields=["name", "part", "data"], limit=16384)
    else:
        rows = _query_all(c, name, "seq", ["name", "part", "data"])
    files: dict[str, list] = {}
    for r in rows:
        files.setdefault(r["name"], []).append((int(r["part"]), r["data"]))
    return {n: "".join(d for _, d in sorted(parts)).encode("utf-8") for n, parts in files.items()}


def _manifest(c, name: str) -> dict:
    """The manifest of blobs collection `name`, checked as a folder's is (store.manifest_problem); ValueError when
    there is none or it is not one a build writes."""
    data = _read_blobs(c, name, only="manifest.json").get("manifest.json")
    if data is None:
        raise ValueError("it has no manifest")
    return store.parse_manifest(data, BUILT_FILES)


def source_path(path: str) -> Path | None:
    if not path or path.startswith(store.UPLOADED):
        return None
    return Path(path)         # a Milvus index stores absolute paths (relative ones: to the working folder)


def source_files(location) -> tuple[list[Path], list[str]] | None:
    """store.source_files for a Milvus index."""
    target = parse(location)
    try:
        c = client(target)
        name = current(target, c)
    except Exception as e:  # noqa: BLE001 - whatever the client raises: the server cannot say what is there
        raise IndexProblem(f"The index at {target.uri} cannot be reached ({type(e).__name__}: {e}): nothing was "
                           f"changed.") from None
    if name is None:
        return None
    try:
        manifest = _manifest(c, name.replace("_passages", "_blobs"))
    except Exception as e:  # noqa: BLE001 - (not "no index yet": a rebuild would replace it with the default corpus)
        raise IndexProblem(_unreadable_manifest(location, e)) from None
    return store.sourced([(d["id"], d["path"]) for d in manifest["documents"]], source_path)


def _unreadable_manifest(location, e: Exception) -> str:
    """The index's manifest cannot be read: its documents' ids and files are unknown, so only the files the user
    names can build it again (the damaged version is kept as the one before, see save)."""
    return (f"The index manifest at {parse(location).uri} cannot be read ({type(e).__name__}: {e}): the index is "
            f"damaged and nothing was changed. Name the files to build it again: "
            f"{store.rebuild_command(location, None, from_files=True)}")


def read_documents(location, ids=None) -> dict:
    """store.read_documents for a Milvus index: only those of `ids` read and checked, when given (another document's
    damage must not make theirs look lost: `rag index --rebuild` would then drop them)."""
    target = parse(location)
    try:
        c = client(target)
        name = current(target, c)
        if name is None:
            raise ValueError("there is no index")
        files = _read_blobs(c, name.replace("_passages", "_blobs"))
        manifest = store.parse_manifest(files.get("manifest.json", b""), BUILT_FILES)
        if manifest.get("format") not in store.READABLE_DOCUMENTS:
            raise ValueError(f"format {manifest.get('format')!r}")
        return store.documents_from(manifest, files.__getitem__, ids)
    except Exception as e:  # noqa: BLE001
        raise IndexProblem(f"The documents of the index at {target.uri} cannot be read ({type(e).__name__}: {e})")


def load(location, embedder=None, check_sources: bool = True, compat=None):
    """Load and check the current version of the index at `location` (see store.load)."""
    for attempt in range(store.SWAP_RETRIES):
        try:
            return _load(location, embedder, check_sources, compat)
        except _Vanished:
            # a build dropped the version this load had found (two builds in the meantime): read the new one
            if attempt == store.SWAP_RETRIES - 1:
                raise IndexProblem(f"The index at {parse(location).uri} kept changing while it was read: try again.")
        except Exception as e:
            if not type(e).__module__.startswith("pymilvus"):
                raise
            # Milvus cannot read a collection of the index (a damaged file of Milvus Lite's): said, not a traceback
            raise IndexProblem(f"The index at {parse(location).uri} cannot be read ({type(e).__name__}: "
                               f"{getattr(e, 'message', e)}): it is damaged, and nothing was changed. Rebuild it "
                               f"with: {store.rebuild_command(location, {})}") from None


class _Vanished(Exception):
    pass


def _load(location, embedder, check_sources, compat):
    from .lexical import NO_STEMMER, _stemmer

    target = parse(location)
    uri = target.uri
    c = client(target)
    pname = current(target, c)
    if pname is None and any(_whole(c, target, v) for n in c.list_collections()
                             if (v := _version_of(target, n)) is not None):
        raise IndexProblem(f"The index at {uri} has lost its name (the alias {target.collection}), but a whole "
                           f"version of it is in the database: nothing was changed. Name it again with: "
                           f"{store.rebuild_command(location, {})}")
    if pname is None or _version_of(target, pname) is None:
        raise IndexProblem(f"No index found at {uri}. Build it with: {store.rebuild_command(location)}")
    bname = pname.replace("_passages", "_blobs")
    rebuild = store.rebuild_command(location, {})

    def read(fn):
        try:
            return fn()
        except Exception as e:  # noqa: BLE001
            if not (c.has_collection(pname) and c.has_collection(bname)) and current(target, c) != pname:
                raise _Vanished() from e        # a build switched the alias and dropped this version
            raise

    if not c.has_collection(bname):             # the current version's stored files are gone
        raise IndexProblem(f"The index at {uri} is damaged: its collection {bname} (the documents' texts and "
                           f"the manifest) is missing. Rebuild it from its files with: "
                           f"{store.rebuild_command(location, None, from_files=True)}")
    try:
        files = read(lambda: _read_blobs(c, bname))
        if "manifest.json" not in files:
            raise ValueError("it has no manifest")
        manifest = store.parse_manifest(files["manifest.json"], BUILT_FILES)
    except _Vanished:
        raise
    except Exception as e:  # noqa: BLE001 - whatever the client raised reading it, or a manifest no build wrote
        raise IndexProblem(_unreadable_manifest(location, e)) from None

    def stale(why: str) -> IndexProblem:
        return IndexProblem(f"The index at {uri} {why}. Rebuild it with: {rebuild}")

    compat = compat or store.Compat()
    if compat.model is None and embedder is not None:
        compat = dataclasses.replace(compat, model=(embedder.name, embedder.fingerprint))
    problem = compat.problem(manifest)
    if problem:
        raise stale(problem)
    lex = (manifest.get("store") or {}).get("lexical") or {}
    if lex.get("stem") and _stemmer() is None:
        raise IndexProblem(NO_STEMMER)
    try:
        documents = store.documents_from(manifest, files.__getitem__)
    except Exception as e:  # noqa: BLE001
        raise IndexProblem(f"The index at {uri} is damaged ({type(e).__name__}: {e}). Rebuild it from its files "
                           f"with: {store.rebuild_command(location, manifest, from_files=True)}")
    try:
        checks = manifest.get("files") or {}
        for name in ("passages.jsonl", "paragraphs.jsonl"):
            if store.digest(files.get(name, b"")) != checks.get(name):
                raise ValueError(f"{name} does not match the checksum in the manifest")
        passages = store._read_passages(files["passages.jsonl"])
        paragraphs = store._read_passages(files["paragraphs.jsonl"])
        rows = read(lambda: _query_all(c, pname, "row", ["row", "vector", "text"]))
        rows.sort(key=lambda r: int(r["row"]))
        if [int(r["row"]) for r in rows] != list(range(len(rows))):
            raise ValueError("its rows are not numbered 0..n-1")
        dim = int((manifest.get("model") or {}).get("dim", 0))
        vectors = np.array([r["vector"] for r in rows], dtype="float32").reshape(len(rows), dim)
        texts = [r["text"] for r in rows]
        if _digest_vectors(vectors) != checks.get("vectors"):
            raise ValueError("its vectors do not match the checksum in the manifest")
        if store.digest("\n".join(texts).encode("utf-8")) != checks.get("lexical"):
            raise ValueError("its BM25 texts do not match the checksum in the manifest")
    except _Vanished:
        raise
    except Exception as e:  # noqa: BLE001
        raise IndexProblem(f"The index at {uri} is damaged ({type(e).__name__}: {e}). Rebuild it with: {rebuild}")
    if len(rows) != len(passages) or len(passages) != manifest.get("passages"):
        raise IndexProblem(f"The index at {uri} is damaged: {len(rows)} vectors, {len(passages)} passages, "
                           f"manifest says {manifest.get('passages')}. Rebuild it with: {rebuild}")
    store.check_spans(f"at {uri}", passages + paragraphs, documents, rebuild)
    if check_sources:
        changed = store.changed_sources(location, manifest)
        if changed:
            raise IndexProblem(store.changed_message(f"at {uri}", uri, manifest, changed[0], rebuild))
    from .milvus_search import Parts
    return store.Index(manifest=manifest, documents=documents, paragraphs=paragraphs, passages=passages,
                       vectors=store.vectors_index(vectors), folder=uri, calibration=load_calibration(location),
                       parts=Parts(target, pname, texts, bool(lex.get("stem"))))


# ---- migrate ---------------------------------------------------------------------------------------

def manifest_of(location) -> dict:
    """The manifest of the index at the Milvus URI `location` (IndexProblem when there is none to read)."""
    target = parse(location)
    c = client(target)
    name = current(target, c)
    if name is None:
        raise IndexProblem(f"No index found at {target.uri}.")
    try:
        return _manifest(c, name.replace("_passages", "_blobs"))
    except Exception as e:  # noqa: BLE001
        raise IndexProblem(f"The index manifest at {target.uri} cannot be read ({e})")
