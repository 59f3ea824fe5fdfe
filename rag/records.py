"""The records that flow between the stages: a Document, its Passages, a retriever's
Candidates, and search Hits.

A Passage is a span of a document's text: ``document.text[start:end] == passage.text``
always holds. Parsing yields one Passage per paragraph; chunking cuts those into
the sentence windows that are embedded, searched and cited.
"""
from __future__ import annotations

import dataclasses
import hashlib
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

    @staticmethod
    def best(scores, depth: int, rows=None, positive: bool = False) -> "Candidates":
        """The `depth` best of `scores` (an array; over `rows`, the rows it scores, when given), ties in row
        order, as a full stable sort would give them: the depth-th best score found by a partition, only those
        at least as good sorted (10^5 BM25 scores: a full sort is most of a search). `positive`: only > 0."""
        raw = np.asarray(scores, dtype=float)
        if depth <= 0 or not len(raw):
            return Candidates([], {})
        scores = np.where(np.isnan(raw), -np.inf, raw)     # a NaN ranks last, as a full sort puts it
        if depth < len(scores):
            kth = np.partition(scores, len(scores) - depth)[len(scores) - depth]
            keep = np.flatnonzero(scores >= kth)
        else:
            keep = np.arange(len(scores))
        keep = keep[np.argsort(-scores[keep], kind="stable")][:depth]
        if positive:
            keep = keep[scores[keep] > 0]
        ids = keep if rows is None else np.asarray(rows)[keep]
        return Candidates([int(r) for r in ids], {int(r): float(raw[i]) for r, i in zip(ids, keep)})


NO_CANDIDATES = Candidates([], {})      # a retriever the search mode leaves out


@dataclass(frozen=True)
class Hit:
    """A passage as a search returned it, with where its score came from."""
    passage: Passage
    rank: int
    score: float
    provenance: dict = field(default_factory=dict, compare=False)  # per-retriever ranks and scores
    low_confidence: bool = False
