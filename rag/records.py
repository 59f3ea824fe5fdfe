"""The records that flow between the stages: a Document, its Passages, a retriever's
Candidates, and search Hits.

A Passage is a span of a document's text: ``document.text[start:end] == passage.text``
always holds. Parsing yields one Passage per paragraph; chunking cuts those into
the sentence windows that are embedded, searched and cited.
What it leaves out: behaviour; the records are plain frozen data (Candidates.best aside), the stages act on them.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Document:
    id: str                 # unique name within an index (the file name)
    text: str               # the text every offset points into
    path: str = ""          # where it was read from
    title: str = ""
    date: str | None = None  # ISO date when the document states one
    sha256: str = ""        # of the file's bytes

    @staticmethod
    def from_text(id: str, text: str, path: str = "", data: bytes | None = None) -> "Document":
        digest = hashlib.sha256(data if data is not None else text.encode("utf-8")).hexdigest()
        return Document(id=id, text=text, path=path, sha256=digest)


@dataclass(frozen=True)
class Passage:
    doc: str                # Document.id
    start: int
    end: int
    text: str               # == document.text[start:end]
    section: str            # "opening", "Q7", "text", ...
    kind: str               # "statement" | "question" | "answer" | "turn" | "paragraph" | "heading"
    paragraph: int          # 1-based number of the paragraph in the document (as parsed)
    speaker: str | None = None
    question: str | None = None   # full text of the question this passage answers
    outlet: str | None = None     # the journalist's outlet, when the question names it
    page: int | None = None
    time: float | None = None     # seconds from the start: a subtitle cue's or a stamped turn's
    speakers: tuple[str, ...] = ()  # everyone who speaks in it, in order (a window over several turns)
    context: str = field(default="", compare=False)  # extra text embedded with it, never shown

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.start}-{self.end}"

    @staticmethod
    def from_dict(data: dict) -> "Passage":
        names = {f.name for f in dataclasses.fields(Passage)}
        fields = {k: v for k, v in data.items() if k in names}
        if "speakers" in fields:        # JSON has lists, the record a tuple (frozen, hashable)
            fields["speakers"] = tuple(fields["speakers"] or ())
        return Passage(**fields)


@dataclass(frozen=True)
class Candidates:
    """What one retriever (dense or lexical) found for a query: rows of the index (row i ==
    passage i), best first, and each row's score (cosine, or BM25). Nothing else: fusion,
    diversity and abstention happen after (retrieve.py). `own`: BM25's best score for the query's own words
    when its scores also count their expansions (expand.py), which the confidence must not read."""
    rows: list[int]
    scores: dict[int, float]
    own: float | None = field(default=None, compare=False)
    every: np.ndarray | None = field(default=None, compare=False, repr=False)  # every row's score, where it computed
                                                                              # them all (the dense search, unfiltered)

    @staticmethod
    def best(scores, depth: int, rows=None, positive: bool = False) -> "Candidates":
        """The `depth` best of `scores` (an array; over `rows`, the rows it scores, when given), ties in row
        order, as a full stable sort would give them: the depth-th best score found by a partition, only those
        at least as good sorted (10^5 BM25 scores: a full sort is most of a search). `positive`: only > 0."""
        raw = np.asarray(scores)
        if raw.dtype.kind != "f":
            raw = raw.astype(float)     # a float32 array stays one: the same order, half the partition's time
        if depth <= 0 or not len(raw):
            return Candidates([], {})
        # a NaN ranks last, as a full sort puts it (the max is NaN when one is: a look, not a copy, when none is)
        scores = np.where(np.isnan(raw), -np.inf, raw) if np.isnan(raw.max()) else raw
        # BM25's scores are mostly zeros: ties slow a partition (13k rows: 1.3 ms, 0.06 ms over the positive ones)
        pool = np.flatnonzero(scores > 0) if positive else None
        among = scores if pool is None else scores[pool]
        if depth < len(among):
            kth = np.partition(among, len(among) - depth)[len(among) - depth]
            keep = np.flatnonzero(among >= kth)
        else:
            keep = np.arange(len(among))
        keep = keep[np.argsort(-among[keep], kind="stable")][:depth]
        if pool is not None:
            keep = pool[keep]
        ids = (keep if rows is None else np.asarray(rows)[keep]).tolist()
        return Candidates(ids, dict(zip(ids, raw[keep].tolist())))


NO_CANDIDATES = Candidates([], {})      # a retriever the search mode leaves out


@dataclass(frozen=True)
class Hit:
    """A passage as a search returned it, with where its score came from."""
    passage: Passage
    rank: int
    score: float
    provenance: dict = field(default_factory=dict, compare=False)  # per-retriever ranks and scores
    low_confidence: bool = False


def json_line(obj) -> str:
    """`obj` as one line of JSON, its text as written (not \\u-escaped), but for the line and paragraph separators
    U+2028 and U+2029, escaped: a reader that splits lines as Python's str.splitlines does cut a record there."""
    return json.dumps(obj, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
