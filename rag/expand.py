"""Query expansion from the index's own vocabulary: a query word also looks for the index's words nearest it.

A paraphrase shares few words with its answer ("Western arms shipments to the Kiev government" against
"everything the West is doing ... weapons to this government"): BM25 finds only the words both write. At
index time every word the passages use (one surface form per BM25 stem, the shortest) is embedded alone by
the index's model, and each keeps its ``NEIGHBOURS`` nearest other words at cosine ``NEAR`` or more
(western: west; kiev: ukrainian). A query's BM25 then adds ``WEIGHT`` times the BM25 score of its words'
neighbours (lexical.LexicalSearch); the confidence (retrieve.confidence) still reads the query's own words,
so expansion never makes a question look better answered than it is.

Saved in the lexical folder: ``expansions.json`` (the neighbours, by stem) and ``words.npy`` (the words'
vectors, float16, so that adding a document embeds only its new words). Measured (docs/retrieval-notes.md, "The
query words' neighbours, measured"): dev-queries R@5 0.94 -> 0.97, MRR@10 0.885 -> 0.900; the reviewer's 30 answered controls and the
meetings (val, train) unchanged within 0.01.
What it leaves out: words the index lacks (a query word not in the index has no neighbours: embedding it
would cost a model call per search), phrases, the Milvus backend (its BM25 runs inside Milvus).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

NEIGHBOURS = 3          # nearest words kept per word
NEAR = 0.7              # ... at this cosine or more
WEIGHT = 0.3            # the neighbours' BM25 counts this much of the query's own words'
FILE = "expansions.json"
VECTORS = "words.npy"
_BLOCK = 512            # rows of the word-by-word similarity computed at once (512 x 60k words: ~250 MB)


@dataclass(frozen=True)
class Expansions:
    """Each stem's neighbours (stems), and the words and vectors they were found from."""
    model: str                                   # the embedder's fingerprint
    words: tuple[str, ...] = ()                  # one surface form per stem, in `stems` order
    stems: tuple[str, ...] = ()
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), "float32"), compare=False)
    neighbours: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def of(self, tokens: list[str]) -> list[str]:
        """The neighbours of the query's `tokens` (stems) that are not among them, once each, in order."""
        own, out = set(tokens), []
        for t in tokens:
            for n in self.neighbours.get(t, ()):
                if n not in own and n not in out:
                    out.append(n)
        return out


def vocabulary(pairs: dict[str, str]) -> dict[str, str]:
    """stem -> the surface word to embed for it, from `pairs` (surface word -> stem): the shortest alphabetic
    word of three letters or more that is not a function word (wordfreq's FUNCTION_ZIPF: "has", "your")."""
    from .english import FUNCTION_ZIPF, zipf

    out: dict[str, str] = {}
    for word in sorted(pairs, key=lambda w: (len(w), w)):
        stem = pairs[word]
        if stem not in out and len(word) >= 3 and word.isalpha() and (zipf(word) or 0.0) < FUNCTION_ZIPF:
            out[stem] = word
    return out


def build(words: dict[str, str], embedder, previous: Expansions | None = None) -> Expansions:
    """The neighbours of every stem of `words` (stem -> surface word), its words embedded by `embedder`;
    the vectors of `previous` (same model) are reused for the words it had."""
    stems = sorted(words)
    surface = [words[s] for s in stems]
    known = {}
    if previous is not None and previous.model == embedder.fingerprint and len(previous.vectors):
        known = {w: i for i, w in enumerate(previous.words)}
    new = [w for w in surface if w not in known]
    fresh = np.asarray(embedder.encode_documents(new), dtype="float32") if new else None
    rows, at = [], {w: i for i, w in enumerate(new)}
    for w in surface:
        rows.append(previous.vectors[known[w]].astype("float32") if w in known else fresh[at[w]])
    vectors = np.stack(rows) if rows else np.zeros((0, 0), "float32")
    if len(vectors):
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return Expansions(embedder.fingerprint, tuple(surface), tuple(stems), vectors, _neighbours(stems, vectors))


def _neighbours(stems: list[str], vectors: np.ndarray) -> dict[str, tuple[str, ...]]:
    """Each stem's NEIGHBOURS nearest other stems at cosine NEAR or more, nearest first (ties: the earlier stem):
    a block of rows of the similarity at a time, only the entries at NEAR or more looked at (a full partial sort
    of every row took 28 s for 50,000 words, most of the time)."""
    out: dict[str, tuple[str, ...]] = {}
    for lo in range(0, len(stems), _BLOCK):
        sims = vectors[lo:lo + _BLOCK] @ vectors.T
        sims[np.arange(len(sims)), np.arange(lo, lo + len(sims))] = -1.0      # not itself
        rows, cols = np.nonzero(sims >= NEAR)
        if not len(rows):
            continue
        order = np.lexsort((cols, -sims[rows, cols], rows))                   # by row, then nearest, then stem
        rows, cols = rows[order], cols[order]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        for a, b in zip(starts, np.r_[starts[1:], len(rows)]):
            out[stems[lo + int(rows[a])]] = tuple(stems[int(c)] for c in cols[a:min(b, a + NEIGHBOURS)])
    return out


def save(expansions: Expansions, folder: Path) -> None:
    """Write expansions.json and words.npy into `folder` (the lexical folder)."""
    folder = Path(folder)
    data = {"model": expansions.model, "near": NEAR, "neighbours": NEIGHBOURS, "words": list(expansions.words),
            "stems": list(expansions.stems), "expand": {s: list(n) for s, n in expansions.neighbours.items()}}
    (folder / FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    np.save(folder / VECTORS, expansions.vectors.astype("float16"), allow_pickle=False)


def load(folder: Path) -> Expansions | None:
    """What save wrote in `folder`, or None when it has none (an index built before expansions) or it
    cannot be read (searches then go without)."""
    folder = Path(folder)
    try:
        data = json.loads((folder / FILE).read_text(encoding="utf-8"))
        vectors = np.load(folder / VECTORS, allow_pickle=False)
        words, stems = tuple(map(str, data["words"])), tuple(map(str, data["stems"]))
        neighbours = {str(s): tuple(map(str, n)) for s, n in data["expand"].items()}
        if vectors.ndim != 2 or len(words) != len(stems) or len(vectors) != len(words):
            return None
        return Expansions(str(data.get("model", "")), words, stems, vectors, neighbours)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
