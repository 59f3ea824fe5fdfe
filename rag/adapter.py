"""A query adapter: a linear map, learned from questions and the passages that answer them, applied to a
query's vector before the dense search: q' = (q + q W) / |q + q W|.

Why: MiniLM learnt from web questions and answers. A meeting's questions ("What did the Project Manager
think about the buttons when discussing the design?") and its answers (a discussion over forty short turns)
are another shape, and within one meeting every window is about the same few things. A 384 x 384 map, trained
on QMSum's train split (162 meetings, 1,095 questions; eval/meetings/README.md), moves a question's vector
towards the windows that answer such questions; measured on the 35 validation meetings it never saw (README and
docs/meetings-notes.md). Only the query changes: the index's vectors stay as they are (no rebuild), and it can be switched
off.

Where it applies (``resolve``): ``"auto"`` (the default) uses $RAG_QUERY_ADAPTER when set (a file, or
``none``), else the shipped adapter on a conversation index (calibration.conversation: most paragraphs are
turns), the shape it was trained on; on the press conference it moved nothing for the better (README). A file
named explicitly applies to any index. Either way only with the model it was trained for (its weights'
fingerprint): another model's vectors mean other things.

The adapter ranks; it never moves the confidence (retrieve.py reads the model's own vector for that), so a
threshold calibrated with one adapter, or none, holds with any.

Training (``train``; ``rag adapt``): for each question, the cross-entropy of its gold passages among its own
document's passages (which window?) plus half that among all passages (which document?), at temperature
0.1, with an L2 penalty on W (0.01); Adam, full batch, 100 steps: seconds to a minute on a CPU. Hyperparameters
chosen on a fifth of train's meetings held out from the other four fifths, never on val.

The file: ``.npz`` (no pickle) holding ``W`` (float32, d x d), ``fingerprint`` (the model's weights) and
``about`` (JSON: what it was trained on). What it leaves out: fine-tuning the model itself (every document
would need embedding again, and on the same questions it ranked worse than this map: docs/meetings-notes.md), nonlinear
maps, adapting the documents' side.
"""
from __future__ import annotations

import io
import json
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import CannotWrite, QueryError

SHIPPED = Path(__file__).resolve().parent / "data" / "adapter-minilm-qmsum.npz"
ENV = "RAG_QUERY_ADAPTER"
TEMPERATURE = 0.1
L2 = 0.01
WHICH_DOCUMENT = 0.5    # weight of the all-passages term
STEPS = 100


@dataclass(frozen=True)
class Adapter:
    W: np.ndarray           # float32, d x d
    fingerprint: str        # the model's weights it was trained for
    about: dict
    path: str = ""

    def __call__(self, vec: np.ndarray) -> np.ndarray:
        if vec.shape[-1] != self.W.shape[0]:
            raise QueryError(f"The query adapter {self.path or ''} maps {self.W.shape[0]}-dimensional vectors; "
                             f"this model's have {vec.shape[-1]}.")
        q = vec + vec @ self.W
        return (q / (np.linalg.norm(q) or 1.0)).astype("float32")


def check_out(path) -> Path:
    """`path` as a place to write an adapter: nothing there, or an adapter (replaced); QueryError for anything
    else (a folder, another file: never overwritten), or a folder that cannot be made."""
    from .store import index_holding

    path = Path(path)
    if path.is_dir() or (path.exists() and not _is_adapter(path)):
        raise QueryError(f"{path} exists and is not a query adapter: it was left as it is. Choose another --out.")
    index = index_holding(path)
    if index is not None:       # an adapter there would block every later build of that index (store._foreign)
        raise QueryError(f"{path} is inside the index folder {index}, where only rag index writes: an adapter there "
                         f"would stop every later build. Choose an --out outside it.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise QueryError(f"Cannot write the query adapter to {path}: {e.strerror or e}") from None
    return path


def save(adapter: Adapter, path) -> Path:
    """Write `adapter` to `path` (see check_out), atomically (atomic.write_atomic: a temporary file beside it,
    synced, then renamed)."""
    from .atomic import write_atomic

    path = check_out(path)
    data = io.BytesIO()
    np.savez(data, W=adapter.W.astype("float32"), fingerprint=np.array(adapter.fingerprint),
             about=np.array(json.dumps(adapter.about)))
    try:
        write_atomic(path, data.getvalue())
    except CannotWrite as e:
        raise QueryError(f"Cannot write the query adapter to {path}: {e.why}") from None
    return path


def _read(path) -> tuple[np.ndarray, str, dict]:
    """(W, fingerprint, about) of an adapter file; ValueError (or OSError) when it is none. Anything but a zip
    archive is refused before numpy reads it (numpy takes any other file for a pickle, and its message then
    advises loading it unsafely). A named pipe or a device is refused before a byte is read (opened without
    waiting for a writer: a pipe held `rag search --adapter` and `rag adapt --out` for ever)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):      # (a folder: open() would name it by its descriptor, "3")
        os.close(fd)
        raise ValueError("not a regular file")
    with open(fd, "rb") as f:
        if f.read(4) != b"PK\x03\x04":
            raise ValueError("not an .npz archive of W, fingerprint and about (made by `rag adapt`)")
        f.seek(0)
        try:
            data = np.load(f, allow_pickle=False)       # (the file checked, not whatever its name holds by now)
            if not isinstance(data, np.lib.npyio.NpzFile):       # a .npy file: one bare array
                raise ValueError("not an .npz archive of W, fingerprint and about")
            with data:
                W, fingerprint, about = data["W"], str(data["fingerprint"]), json.loads(str(data["about"]))
        except (zipfile.BadZipFile, EOFError, zlib.error, RecursionError) as e:     # a copy cut short or damaged
            raise ValueError(f"a damaged .npz archive ({e})") from None
    if W.dtype.kind not in "fiu" or W.ndim != 2 or W.shape[0] != W.shape[1] or not isinstance(about, dict):
        raise ValueError(f"W is not a square matrix of numbers (shape {W.shape}, type {W.dtype})")
    if not np.isfinite(W).all():        # (NaN ranked every passage alike, "score nan")
        raise ValueError("W holds numbers that are not finite (NaN or infinity)")
    return W, fingerprint, about


def _is_adapter(path: Path) -> bool:
    try:
        _read(path)
        return True
    except (OSError, ValueError, KeyError, TypeError):
        return False


def load(path: str) -> Adapter:
    """The adapter in `path`; QueryError saying why when it cannot be read. Read once per version of the file."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise QueryError(f"Cannot read the query adapter {path}: {e.strerror or e}") from None
    return _load(str(path), st.st_ino, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _load(path: str, inode: int, mtime_ns: int, size: int) -> Adapter:
    try:
        W, fingerprint, about = _read(path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise QueryError(f"Cannot read the query adapter {path}: {e}") from None
    return Adapter(W.astype("float32"), fingerprint, about, str(path))


def _weights(embedder) -> str | None:
    return getattr(embedder, "weights_fingerprint", None) or getattr(embedder, "fingerprint", None)


def resolve(setting: str | None, index, embedder) -> Adapter | None:
    """The adapter a search over `index` with `embedder` uses for the setting ``"auto"``, ``"none"`` (or None)
    or a file's path (see the module's docstring); QueryError for a named file that cannot serve this model."""
    if setting == "auto":
        setting = os.environ.get(ENV) or "auto"
    if not setting or setting.lower() == "none":
        return None
    explicit = setting != "auto"
    if explicit:
        adapter = load(str(Path(setting).expanduser()))
    else:
        from .calibration import conversation
        if not (SHIPPED.is_file() and conversation(index)):
            return None
        adapter = load(str(SHIPPED))
    if adapter.fingerprint != _weights(embedder):
        if explicit:
            raise QueryError(f"The query adapter {adapter.path} was trained for another model "
                             f"({adapter.fingerprint}); this index uses {_weights(embedder)}.")
        return None
    return adapter


def positives(index, q: dict) -> np.ndarray:
    """Each passage's weight as an answer to query `q` (a line of a query set: span-graded, or substring
    gold): 2 for a passage at least half inside the gold spans (or hitting a gold string), 1 for one that
    touches them, 0 else."""
    from .evaluate import hits, span_grade

    if "gold_spans" in q:
        return np.array([span_grade(p.doc, p.start, p.end, q) if q.get("doc") else 0 for p in index.passages],
                        dtype="float32")
    return np.array([2.0 * any(hits(p.text, g) for g in q.get("gold") or []) for p in index.passages],
                    dtype="float32")


def train(index, queries: list[dict], embedder, steps: int = STEPS, l2: float = L2,
          temperature: float = TEMPERATURE, which_document: float = WHICH_DOCUMENT, about: dict | None = None
          ) -> Adapter:
    """An adapter for `embedder`'s queries over `index` (its vectors as they are), from `queries`' answered
    lines (see the module's docstring). QueryError when none of them has a gold passage in the index."""
    import torch

    from .dense import rows_view

    V = np.array(rows_view(index.vectors), dtype="float32")     # a copy: torch wants it writable
    doc = np.array([p.doc for p in index.passages])
    rows, targets, masks = [], [], []
    for q in queries:
        w = positives(index, q)
        if not w.any():
            continue
        rows.append(np.asarray(embedder.encode_query(q["query"]), dtype="float32"))
        targets.append(w / w.sum())
        masks.append(doc == doc[int(np.argmax(w))])       # the passages of the answer's document
    if not rows:
        raise QueryError("No query of the set has a gold passage in this index: nothing to learn from.")
    torch.manual_seed(0)
    Q, Vt = torch.from_numpy(np.stack(rows)), torch.from_numpy(V)
    T, M = torch.from_numpy(np.stack(targets)), torch.from_numpy(np.stack(masks))
    W = torch.zeros(V.shape[1], V.shape[1], requires_grad=True)
    opt = torch.optim.Adam([W], lr=1e-3)
    for _ in range(steps):
        opt.zero_grad()
        q = Q + Q @ W
        S = (q / q.norm(dim=1, keepdim=True)) @ Vt.T / temperature
        loss = -(T * torch.log_softmax(S.masked_fill(~M, -1e9), 1)).sum(1).mean()
        loss = loss - which_document * (T * torch.log_softmax(S, 1)).sum(1).mean() + l2 * (W ** 2).sum()
        loss.backward()
        opt.step()
    info = {"queries": len(rows), "passages": len(V), "steps": steps, "l2": l2, "temperature": temperature,
            "which_document": which_document, **(about or {})}
    return Adapter(W.detach().numpy().astype("float32"), _weights(embedder), info)
