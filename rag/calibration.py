"""The abstention thresholds stored with an index (``calibration.json``), and which one applies.

``rag eval --calibrate`` learns a threshold per search mode (evaluate.calibrate) and ``save``
stores it, atomically and under the index's build lock, keyed by what it was learnt for
(``made_for``: the model's weights fingerprint and the chunking settings; documents may be
added or removed, the threshold stays valid). ``calibrated_threshold`` gives the index's own
threshold for a mode, else the shipped index's when that was made for the same model and
chunking, else None (the confidence never abstains; names the documents never mention still do).

    {"model": "<weights fingerprint>", "chunking": {...},
     "modes": {"hybrid": {"threshold": 0.96, "max_false": 0.05, "sets": [...], "created": "..."}, ...}}

A conversation index (most of its paragraphs are turns of meetings or hearings: ``conversation``)
borrows nothing: the shipped threshold was learnt on a press conference, whose confidences a
meeting's short turns do not reach (it wrongly abstained on a quarter of the meetings' answered
questions asked of one meeting). Such an index abstains by what it lacks (retrieve.py: a query word
its documents never use, when their vocabulary is rich enough to say so) until ``rag eval
--calibrate`` gives it a threshold of its own; and, made with the shipped model and chunking, below
CONVERSATION_THRESHOLD (``conversation_threshold``), a threshold learnt on meetings, for its searches of
every document (a search of some documents of a large index reads lower confidences: BM25 is scaled
to the whole index's size).
What it leaves out: learning the threshold (evaluate.py), per-document thresholds.
"""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import IndexProblem
from .paths import SHIPPED_CALIBRATION

MODES = ("hybrid", "dense", "lexical")     # the search modes, each with its own threshold
DEFAULT_MODE = MODES[0]

if TYPE_CHECKING:
    from .store import Index

FILE = "calibration.json"
log = logging.getLogger(__name__)
# the shipped index's calibration: other indexes made with the same model and chunking borrow it
SHIPPED = SHIPPED_CALIBRATION      # package data: found in a wheel install too (rag/paths.py)


CONFIDENCE = 2      # the confidence's version (retrieve.confidence): 2 scales BM25 to the index's size; a threshold
                    # learnt on another version's confidences is ignored


def made_for(manifest: dict) -> dict:
    """The key a calibration is valid for: the model's weights fingerprint, the chunking and the confidence's
    version."""
    return {"model": (manifest.get("model") or {}).get("fingerprint"), "chunking": manifest.get("chunking"),
            "confidence": CONFIDENCE}


def fits(data: dict, key: dict) -> bool:
    return all(data.get(name) == value for name, value in key.items())


def load(folder) -> dict:
    """calibration.json of the index folder ({} when there is none or it cannot be read)."""
    path = Path(folder) / FILE if folder is not None else None
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as e:
        data = e
    if not isinstance(data, dict):
        return unreadable(path, data)
    return data


def unreadable(where, data) -> dict:
    """No calibration, said on stderr, not silently dropped (either backend's: the index's searches lose their
    threshold); `data`: what was read instead of a JSON object, or the error reading it."""
    why = f" ({type(data).__name__}: {data})" if isinstance(data, Exception) else ""
    log.warning("%s cannot be read%s: searches of this index use no threshold of their own until "
                "`rag eval --calibrate` writes it again (the next build drops it).", where, why)
    return {}


def dumps(data: dict) -> bytes:
    return json.dumps(data, indent=2).encode("utf-8")


def calibrated_threshold(index: "Index", mode: str = DEFAULT_MODE) -> float | None:
    """The threshold `rag eval --calibrate` stored with the index for `mode`, if it was made
    with the index's model and chunking. An index without one borrows the shipped index's, if
    that was made with the same model and chunking: a new index of other documents abstains
    too, on a threshold learnt on another corpus. None: no threshold (the confidence never abstains)."""
    key = made_for(index.manifest)
    data = index.calibration
    if not fits(data, key):
        if conversation(index):         # learnt on a press conference: not for meetings
            return None
        data = load(SHIPPED.parent)     # read only when the index has none of its own
        if not fits(data, key):
            return None
    threshold = ((data.get("modes") or {}).get(mode) or {}).get("threshold")
    return float(threshold) if isinstance(threshold, (int, float)) else None


# the threshold of a conversation index without one of its own (hybrid mode, the shipped model and chunking): learnt
# on QMSum val's meetings indexed 1, 3 and 5 at a time (session 30, docs/meetings-notes.md): 5 of 172 answered
# questions under it, 69 of 112 unanswered; on all 35 meetings in one index, no answered question more abstained on
CONVERSATION_THRESHOLD = 0.9
# the windows an index holds at least for it: it was learnt on whole meetings (val's hold 33 to 183 windows each); a
# smaller one's confidences run lower (a 12-turn meeting's answered questions scored 0.25-0.88: a hostile review)
CONVERSATION_PASSAGES = 30


def conversation_threshold(index: "Index", mode: str = DEFAULT_MODE) -> float | None:
    """CONVERSATION_THRESHOLD for a conversation index of CONVERSATION_PASSAGES windows or more with no threshold of
    its own (calibrated_threshold None), made with the shipped index's model and chunking, in hybrid mode; else
    None."""
    if mode != DEFAULT_MODE or not conversation(index) or fits(index.calibration, made_for(index.manifest)) \
            or len(index.passages) < CONVERSATION_PASSAGES:
        return None
    return CONVERSATION_THRESHOLD if fits(load(SHIPPED.parent), made_for(index.manifest)) else None


def borrowed(index: "Index", mode: str = DEFAULT_MODE) -> bool:
    """Whether the threshold calibrated_threshold gives `index` is the shipped index's, not one of its own."""
    return not fits(index.calibration, made_for(index.manifest)) and calibrated_threshold(index, mode) is not None


def conversation(index: "Index") -> bool:
    """Whether most of the index's paragraphs are turns of a conversation (a meeting, a hearing)."""
    paragraphs = index.paragraphs
    return bool(paragraphs) and 2 * sum(p.kind == "turn" for p in paragraphs) > len(paragraphs)


def save(index: "Index", mode: str, calibration: dict, sources: list[str]) -> dict:
    """Store `calibration` (evaluate.calibrate's) for `mode` with the index (calibration.json of its
    folder, or its Milvus collection's), beside the other modes' when they were made for the same model and
    chunking, and return the file's content. Under the build lock (a build copies the file into the index it
    writes: one running now would carry the old one over) and atomically; refused when the index on disk was
    rebuilt for another model or chunking since `index` was loaded."""
    from . import store
    from .errors import RagError

    location = index.folder
    key = made_for(index.manifest)
    with store.build_lock(location):
        try:
            now = made_for(store.manifest_at(location))
        except (OSError, ValueError, RagError):
            now = None
        if now != key:
            raise IndexProblem(f"The index at {location} changed while it was being calibrated (another model "
                               f"or chunking): nothing was written. Run the calibration again.")
        data = store.load_calibration(location)
        if not fits(data, key):
            data = {}
        data.update(key)
        data.setdefault("modes", {})[mode] = {**calibration, "sets": sources,
                                              "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        store.save_calibration(location, data)
    return data
