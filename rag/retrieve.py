"""Find the passages that answer a query, or say that none does.

Hybrid search: dense (FAISS, inner product of normalised MiniLM vectors) and lexical
(BM25, ``lexical.py``), each optional (``SearchSettings.mode``), fused by reciprocal
rank fusion. Units are answers, not questions: question paragraphs are never passages;
an answer's chunks carry their question as context (embedded with them, and in their
BM25 text), so a journalist's wording finds the reply rather than the question.

Diversity: a passage overlapping or repeating one already chosen is dropped, and an
MMR step (relevance vs. similarity to the chosen passages, where slices of one paragraph
and near-duplicates count as the same) keeps the top k from being slices of one
paragraph when other answers are relevant too. (Full cosine MMR was measured: it changed
nothing on the dev sets and pushed distinct answers on related topics out of the top k.)

Abstention: the confidence combines the best cosine of the query with a candidate's
paragraph, the best BM25 score per query word, and the share of query words the index
knows (see ``Retriever._confidence``). Below the index's calibrated threshold (``calibration.json``, written by
``rag eval --calibrate``) the result is ``abstained`` and its hits are the nearest
passages marked ``low_confidence``. Without a threshold it never abstains.

Each hit's ``provenance`` has lexical/dense/fused ranks and scores (None where that
retriever did not return it). What it leaves out: a cross-encoder reranker (none ships
with its weights on PyPI), query expansion.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import IndexProblem, QueryError
from .records import Hit, Passage
from .store import Index

MAX_QUERY_CHARS = 1000
MAX_K = 50
MODES = ("hybrid", "dense", "lexical")
ABSTAIN_NOTICE = "The transcript does not appear to address this. The nearest passages are shown, marked low-confidence."
CALIBRATION = "calibration.json"


@dataclass(frozen=True)
class SearchSettings:
    mode: str = "hybrid"        # hybrid | dense | lexical
    depth: int = 50             # candidates taken from each retriever (fixed: results do not depend on k)
    fusion: str = "score"       # "score": weighted min-max scores | "rrf": reciprocal rank fusion
    alpha: float = 0.4          # weight of dense in score fusion (lexical: 1 - alpha)
    rrf_k: int = 20             # reciprocal rank fusion constant
    dense_weight: float = 1.0   # weight of the dense ranks in rrf (lexical: 1)
    conf_lexical: float = 0.5   # confidence = best cosine + conf_lexical * best BM25 per query word
    conf_known: float = 0.5     #   + conf_known * share of query words found in the index
    expand: bool = True         # quote the whole paragraph of the best-matching window
    mmr: float = 0.8            # MMR lambda: 1 = relevance only
    threshold: float | None = None   # abstain when confidence < threshold; None = never


@dataclass(frozen=True)
class Result:
    query: str                       # the query as searched (cleaned, perhaps cut)
    hits: list[Hit]
    abstained: bool = False
    notices: list[str] = field(default_factory=list)
    confidence: float | None = None  # what abstention compares with the threshold


def clean_query(query: str) -> tuple[str, list[str]]:
    """Drop control and invisible format characters, fold whitespace, cut to MAX_QUERY_CHARS."""
    if not isinstance(query, str):
        raise QueryError("The query must be text.")
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in query if unicodedata.category(c) != "Cf")
    text = re.sub(r"\s+", " ", text).strip()
    notices = []
    if not text:
        raise QueryError("Please type a question: the query is empty.")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
        notices.append(f"The query was cut to its first {len(text)} characters (limit {MAX_QUERY_CHARS}).")
    return text, notices


def check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise QueryError(f"The number of passages must be a whole number, not {k!r}.")
    if not 1 <= k <= MAX_K:
        raise QueryError(f"The number of passages must be between 1 and {MAX_K}, not {k}.")
    return int(k)


def overlaps(a: Passage, b: Passage) -> bool:
    return a.doc == b.doc and a.start < b.end and b.start < a.end


def rrf(rankings: list[tuple[list[int], float]], k: int) -> dict[int, float]:
    """Reciprocal rank fusion: row -> sum of weight / (k + rank) over the rankings (rank from 1)."""
    fused: dict[int, float] = {}
    for rows, weight in rankings:
        for rank, row in enumerate(rows, 1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused


def score_fusion(dense: dict[int, float], lexical: dict[int, float], alpha: float) -> dict[int, float]:
    """alpha * min-max-scaled dense score + (1 - alpha) * BM25 score / the best BM25 score.

    A row one retriever did not return counts as that retriever's lowest returned score."""
    rows = set(dense) | set(lexical)
    out = {}
    d_lo, d_hi = min(dense.values(), default=0.0), max(dense.values(), default=0.0)
    l_hi = max(lexical.values(), default=0.0) or 1.0
    l_lo = min(lexical.values(), default=0.0)
    for r in rows:
        d = (dense.get(r, d_lo) - d_lo) / ((d_hi - d_lo) or 1.0)
        l = lexical.get(r, l_lo) / l_hi
        out[r] = alpha * d + (1 - alpha) * l
    return out


NEAR_DUPLICATE = 0.95   # cosine above which two passages say the same thing


class _Shown:
    """passages[row] as a hit on that row quotes it (see Retriever.shown)."""

    def __init__(self, retriever):
        self.retriever = retriever

    def __getitem__(self, row: int) -> Passage:
        return self.retriever.shown(row)


def _similarities(rows: list[int], vectors: np.ndarray | None, passages) -> np.ndarray:
    """Pairwise similarity of `rows` (a 0/1 matrix): 1 for slices of one paragraph and for
    near-duplicates (cosine >= NEAR_DUPLICATE), else 0: diversity demotes repeats, never a
    distinct answer on a related topic."""
    ids: dict[tuple[str, int], int] = {}
    para = np.array([ids.setdefault((passages[r].doc, passages[r].paragraph), len(ids)) for r in rows])
    same = para[:, None] == para[None, :]
    if vectors is not None and len(rows):
        v = vectors[rows]
        same |= (v @ v.T) >= NEAR_DUPLICATE
    return same.astype(float)


def mmr(order: list[int], relevance: dict[int, float], vectors: np.ndarray | None, passages: list[Passage],
        k: int, lam: float) -> list[int]:
    """Pick k rows greedily by lam * relevance - (1 - lam) * max similarity to the rows picked
    (see _similarities), never a passage that overlaps or repeats one picked; ties go to the
    earlier row in `order`. Relevance is min-max scaled to [0, 1] over the candidates."""
    if not order:
        return []
    rel = np.array([relevance[r] for r in order], dtype=float)
    rel = (rel - rel.min()) / ((rel.max() - rel.min()) or 1.0)
    sim = _similarities(order, vectors, passages) if lam < 1 else None
    closest = np.zeros(len(order))          # each candidate's max similarity to the rows picked
    left = np.ones(len(order), dtype=bool)
    picked: list[int] = []
    seen_text: set[str] = set()
    while left.any() and len(picked) < k:
        score = lam * rel - (1 - lam) * closest if picked and sim is not None else rel
        i = int(np.argmax(np.where(left, score, -np.inf)))
        left[i] = False
        p = passages[order[i]]
        key = " ".join(p.text.split())
        if key in seen_text or any(overlaps(p, passages[q]) for q in picked):
            continue
        picked.append(order[i])
        seen_text.add(key)
        if sim is not None:
            closest = np.maximum(closest, sim[:, i])
    return picked


class Retriever:
    def __init__(self, index: Index, embedder, settings: SearchSettings | None = None, lexical=None):
        self.index = index
        self.embedder = embedder
        if settings is None:
            settings = SearchSettings(threshold=calibrated_threshold(index))
        if settings.mode not in MODES:
            raise QueryError(f"Unknown search mode {settings.mode!r}: use one of {', '.join(MODES)}.")
        self.settings = settings
        self._lexical = lexical if lexical is not None else index.extras.get("lexical")
        self._vectors = None
        self._paragraphs = None
        self._para_vectors = None
        self._doc_rows = None

    @property
    def lexical(self):
        if self._lexical is None:
            from . import lexical
            try:
                self._lexical = lexical.load(self.index.folder, len(self.index.passages))
            except IndexProblem:   # an index saved without one (or in memory): build it, once
                self._lexical = lexical.build(self.index.passages)
            self.index.extras["lexical"] = self._lexical
        return self._lexical

    @property
    def vectors(self) -> np.ndarray:
        """The passages' vectors (row i == passage i), read once from FAISS for MMR."""
        if self._vectors is None:
            n = len(self.index.passages)
            self._vectors = self.index.vectors.reconstruct_n(0, n) if n else np.zeros((0, 1), "float32")
        return self._vectors

    def with_settings(self, **changes) -> "Retriever":
        """The same index and models with other settings (e.g. mode="dense")."""
        return Retriever(self.index, self.embedder, replace(self.settings, **changes), self._lexical)

    def _key(self, row: int) -> tuple[str, int]:
        p = self.index.passages[row]
        return p.doc, p.paragraph

    def shown(self, row: int) -> Passage:
        """What a hit on passage `row` quotes: with `expand`, its whole paragraph; else itself."""
        window = self.index.passages[row]
        if not self.settings.expand:
            return window
        if self._paragraphs is None:
            self._paragraphs = {(p.doc, p.paragraph): p for p in self.index.paragraphs}
        para = self._paragraphs.get((window.doc, window.paragraph))
        if para is None or not (para.start <= window.start and window.end <= para.end):
            return window
        return para

    def _allowed(self, docs) -> np.ndarray | None:
        """The rows of the passages of `docs` as a mask (None: all documents)."""
        if docs is None:
            return None
        try:
            docs = set(docs)
        except TypeError:     # not a collection, or ids that cannot be hashed
            raise QueryError(f"The documents to search must be a set of document ids, not {docs!r:.80}.") from None
        bad = sorted(repr(d)[:80] for d in docs if not isinstance(d, str))
        if bad:
            raise QueryError(f"Document ids must be text, not {', '.join(bad)}.")
        unknown = docs - set(self.index.documents)
        if unknown:
            raise QueryError(f"No such document in the index: {', '.join(sorted(unknown))}")
        if self._doc_rows is None:       # once per index, not per query (a mask over 100k rows)
            rows: dict[str, list[int]] = {}
            for i, p in enumerate(self.index.passages):
                rows.setdefault(p.doc, []).append(i)
            self._doc_rows = {d: np.array(r, dtype=np.int64) for d, r in rows.items()}
        mask = np.zeros(len(self.index.passages), dtype=bool)
        for d in docs:
            mask[self._doc_rows.get(d, np.zeros(0, dtype=np.int64))] = True
        return mask

    def _dense(self, text: str, allowed, depth: int) -> tuple[list[int], dict[int, float], np.ndarray]:
        vec = self.embedder.encode_query(text)[None, :].astype("float32")
        n = len(self.index.passages)
        if allowed is None:
            scores, rows = self.index.vectors.search(vec, min(n, depth))
            pairs = [(int(r), float(s)) for s, r in zip(scores[0], rows[0]) if r >= 0]
        else:
            sims = self.vectors @ vec[0]
            rows = np.flatnonzero(allowed)
            top = rows[np.argsort(-sims[rows], kind="stable")[:depth]]
            pairs = [(int(r), float(sims[r])) for r in top]
        return [r for r, _ in pairs], dict(pairs), vec[0]

    def _lex(self, tokens: list[str], allowed, depth: int) -> tuple[list[int], dict[int, float]]:
        scores = self.lexical.scores(tokens) if tokens else np.zeros(len(self.index.passages))
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        rows = [int(r) for r in np.argsort(-scores, kind="stable")[:depth] if scores[r] > 0]
        return rows, {r: float(scores[r]) for r in rows}

    def _paragraph_cosine(self, vec, rows: list[int]) -> float:
        """The best cosine of the query with the candidates' paragraphs, each paragraph's vector
        being the normalised mean of its windows' (a whole answer, not one phrase of it, must match)."""
        if vec is None or not rows:
            return 0.0
        if self._para_vectors is None:
            keys: dict = {}
            for i, p in enumerate(self.index.passages):
                keys.setdefault((p.doc, p.paragraph), []).append(i)
            means = {k: self.vectors[v].mean(axis=0) for k, v in keys.items()}
            self._para_vectors = {k: m / (np.linalg.norm(m) or 1.0) for k, m in means.items()}
        return max(float(self._para_vectors[self._key(r)] @ vec) for r in rows)

    def _confidence(self, dense: float, lexical: dict[int, float], tokens: list[str]) -> float:
        """How well the index matches the query: the best paragraph cosine, plus `conf_lexical` times
        the best BM25 score per query word (names and keywords), plus `conf_known` times the share
        of the query's words the index contains at all (a question about something the documents
        never mention has words they lack)."""
        s = self.settings
        d = dense
        if s.mode == "dense":
            return d
        words = max(len(tokens), 1)
        return (d + s.conf_lexical * max(lexical.values(), default=0.0) / words
                + s.conf_known * self.lexical.coverage(tokens))

    def search(self, query: str, k: int = 5, docs: set[str] | None = None, abstain: bool = True) -> Result:
        """The k best passages for `query` (only in documents `docs` when given)."""
        k = check_k(k)
        text, notices = clean_query(query)
        s = self.settings
        allowed = self._allowed(docs)
        if not self.index.passages or (allowed is not None and not allowed.any()):
            return Result(text, [], abstained=True, notices=notices + ["The index holds no passages to search."])
        depth = max(s.depth, k)
        d_rows, d_scores, vec = self._dense(text, allowed, depth) if s.mode != "lexical" else ([], {}, None)
        tokens = self.lexical.tokens(text) if s.mode != "dense" else []
        l_rows, l_scores = self._lex(tokens, allowed, depth) if s.mode != "dense" else ([], {})
        if s.mode != "hybrid":
            fused = dict(d_scores or l_scores)
        elif s.fusion == "rrf":
            fused = rrf([(d_rows, s.dense_weight), (l_rows, 1.0)], s.rrf_k)
        else:
            fused = score_fusion(d_scores, l_scores, s.alpha)
        order = sorted(fused, key=lambda r: (-fused[r], r))
        if s.expand:    # each paragraph once, at the rank of its best window
            seen: set = set()
            order = [r for r in order if not (self._key(r) in seen or seen.add(self._key(r)))]
        shown = _Shown(self)
        picked = mmr(order, fused, self.vectors, shown, k, s.mmr)
        d_rank = {r: i for i, r in enumerate(d_rows, 1)}
        l_rank = {r: i for i, r in enumerate(l_rows, 1)}
        f_rank = {r: i for i, r in enumerate(order, 1)}
        confidence = self._confidence(self._paragraph_cosine(vec, d_rows), l_scores, tokens)
        abstained = bool(abstain and s.threshold is not None and confidence is not None
                         and confidence < s.threshold)
        hits = [Hit(passage=shown[r], rank=i, score=fused[r], low_confidence=abstained,
                    provenance={"lexical_rank": l_rank.get(r), "lexical_score": l_scores.get(r),
                                "dense_rank": d_rank.get(r), "dense_score": d_scores.get(r),
                                "fused_rank": f_rank[r], "fused_score": fused[r],
                                "match_start": self.index.passages[r].start, "match_end": self.index.passages[r].end})
                for i, r in enumerate(picked, 1)]
        if abstained:
            notices = notices + [ABSTAIN_NOTICE]
        return Result(text, hits, abstained=abstained, notices=notices, confidence=confidence)


def load_calibration(folder) -> dict:
    """calibration.json of the index folder ({} when there is none or it cannot be read)."""
    path = Path(folder) / CALIBRATION if folder is not None else None
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# the shipped index's calibration: other indexes made with the same model and chunking borrow it
SHIPPED_CALIBRATION = Path(__file__).resolve().parent.parent / "embeddings" / CALIBRATION


def calibrated_threshold(index: Index, mode: str = "hybrid") -> float | None:
    """The threshold `rag eval --calibrate` stored with the index for `mode`, if it was made
    with the index's model and chunking (it stays valid when documents are added). An index
    without one borrows the shipped index's, if that was made with the same model and chunking:
    a new index of other documents abstains too, on a threshold learnt on another corpus."""
    if "calibration" not in index.extras:
        index.extras["calibration"] = load_calibration(index.folder)
    made_for = {"model": index.manifest.get("model", {}).get("fingerprint"), "chunking": index.manifest.get("chunking")}

    def fits(cal: dict) -> bool:
        return cal.get("model") == made_for["model"] and cal.get("chunking") == made_for["chunking"]

    cal = index.extras["calibration"] or {}
    if not fits(cal):
        cal = load_calibration(SHIPPED_CALIBRATION.parent)     # read only when the index has none
        if not fits(cal):
            return None
    threshold = ((cal.get("modes") or {}).get(mode) or {}).get("threshold")
    return float(threshold) if isinstance(threshold, (int, float)) else None


def open_retriever(folder=None, embedder=None, **settings) -> Retriever:
    """Load and check the index in `folder` for `embedder` (the default model when None).
    `settings` are SearchSettings fields; the threshold defaults to the calibrated one."""
    from . import store
    from .embed import default_embedder

    embedder = embedder or default_embedder()
    index = store.load(folder or store.DEFAULT_INDEX, embedder=embedder)
    if "threshold" not in settings:
        settings["threshold"] = calibrated_threshold(index, settings.get("mode", "hybrid"))
    return Retriever(index, embedder, SearchSettings(**settings))
