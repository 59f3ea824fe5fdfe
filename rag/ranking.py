"""How candidates become a ranking: fusion of the dense and lexical scores (score or reciprocal rank), the
confidence a threshold is compared with, MMR over what the hits would show, and the hits grouped by document.
Pure functions over scores and passages; retrieve.Retriever.search calls them in that order."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .records import Candidates, Hit, Passage

if TYPE_CHECKING:
    from .retrieve import SearchSettings

def overlaps(a: Passage, b: Passage) -> bool:
    return a.doc == b.doc and a.start < b.end and b.start < a.end


def rrf(rankings: list[tuple[list[int], float]], k: int) -> dict[int, float]:
    """Reciprocal rank fusion: row -> sum of weight / (k + rank) over the rankings (rank from 1)."""
    fused: dict[int, float] = {}
    for rows, weight in rankings:
        for rank, row in enumerate(rows, 1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused


def score_fusion(dense: dict[int, float], lexical: dict[int, float], alpha: float,
                 lexical_complete: bool = False) -> dict[int, float]:
    """alpha * min-max-scaled dense score + (1 - alpha) * BM25 score / the best BM25 score.

    A row one retriever did not return counts as that retriever's lowest returned score, unless BM25 returned
    every row that holds a query word (`lexical_complete`): then a row it did not return scores 0, as BM25 gives it.
    (Else, when only one passage holds the query's rare name, every passage would score as that one.)"""
    rows = set(dense) | set(lexical)
    out = {}
    d_lo, d_hi = min(dense.values(), default=0.0), max(dense.values(), default=0.0)
    l_hi = max(lexical.values(), default=0.0) or 1.0
    l_lo = 0.0 if lexical_complete else min(lexical.values(), default=0.0)
    for r in rows:
        d = (dense.get(r, d_lo) - d_lo) / ((d_hi - d_lo) or 1.0)
        l = lexical.get(r, l_lo) / l_hi
        out[r] = alpha * d + (1 - alpha) * l
    return out


def fuse(dense: Candidates, lexical: Candidates, s: SearchSettings, lexical_complete: bool = False
         ) -> dict[int, float]:
    """Row -> fused score: one retriever's own scores when the mode uses one, else score fusion
    (or rrf, with `s.fusion == "rrf"`). `lexical_complete`: score_fusion's."""
    if s.mode != "hybrid":
        return dict(dense.scores or lexical.scores)
    if s.fusion == "rrf":
        return rrf([(dense.rows, s.dense_weight), (lexical.rows, 1.0)], s.rrf_k)
    return score_fusion(dense.scores, lexical.scores, s.alpha, lexical_complete)


FEW_LEXICAL_ROWS = 3       # BM25 found the query's words in fewer rows than this: the others score 0 in the fusion, not
                           # its lowest score (with one row found, every row scored as that one). Not for more rows: in
                           # one meeting (val) the rule for any number of rows cost R@5 0.899 -> 0.886; below 3 or
                           # 6 rows changed nothing there and alike on 43 one-name probes (R@5 0.72 -> 0.98, 1.00),
                           # but 6 lost one own-docs question
REFERENCE_PASSAGES = 200   # the lexical confidence's scale: BM25 as on an index of this many passages (the shipped
                           # transcript has 193), so that a threshold means the same on a short note or a library
FEWEST_PASSAGES = 20       # an index of fewer is scaled as one of this many: among a few passages BM25 cannot tell
                           # a rare word from a common one (in 1 of 2 passages is the most a word can be)


def idf_ceiling(passages: int) -> float:
    """BM25's weight (Lucene's IDF, bm25s's) of a word found in one of `passages` passages: its scores grow with
    the index (2.6 for 19 passages, 4.9 for 200, 7.7 for 3,187) for a match of the same quality."""
    return float(np.log(1.0 + (max(passages, 1) - 0.5) / 1.5))


def confidence(s: SearchSettings, cosine: float, lexical: Candidates, words: int, known: float,
               missing: float = 0.0, scale: float = 1.0) -> float:
    """How well the index matches the query: `cosine`, the best paragraph cosine (dense.py), plus
    `conf_lexical` times the best BM25 score per query word (names and keywords; of the query's own words,
    not their expansions) times `scale` (idf_ceiling(REFERENCE_PASSAGES) / idf_ceiling(the index's passages,
    FEWEST_PASSAGES at least)),
    plus `conf_known`
    times `known`, the share of the query's `words` the index contains at all (a question about
    something the documents never mention has words they lack), less `conf_missing` times `missing`,
    the share of the names in the query (terms.py) that no searched document mentions. Dense mode:
    the cosine, less the same."""
    if s.mode == "dense":
        return cosine - s.conf_missing * missing
    words = max(words, 1)
    best = lexical.own if lexical.own is not None else max(lexical.scores.values(), default=0.0)
    return (cosine + s.conf_lexical * scale * best / words + s.conf_known * known
            - s.conf_missing * missing)


NEAR_DUPLICATE = 0.95   # cosine above which two passages say the same thing


def _similarities(rows: list[int], vectors: np.ndarray | None, passages, paragraphs: np.ndarray | None = None):
    """A function i -> whether each of `rows` is similar to rows[i] (a similarity of 1, else 0): a slice of the same
    paragraph or a near-duplicate (cosine >= NEAR_DUPLICATE): diversity demotes repeats, never a distinct answer
    on a related topic. `paragraphs`: each row's paragraph as a number, if known. (A column at a time: mmr asks
    for those of its picks only, a dozen of a hundred candidates.)"""
    if paragraphs is not None:
        para = paragraphs[np.asarray(rows, dtype=np.int64)]
    else:
        ids: dict[tuple[str, int], int] = {}
        para = np.array([ids.setdefault((p.doc, p.paragraph), len(ids)) for p in map(passages.__getitem__, rows)])
    v = vectors[rows] if vectors is not None and len(rows) else None

    def column(i: int) -> np.ndarray:
        same = para == para[i]
        if v is not None:
            same |= (v @ v[i]) >= NEAR_DUPLICATE
        return same
    return column


def text_key(text: str) -> int:
    """What tells two quotes' texts the same (their words, whatever the spaces between), as a number."""
    return hash(" ".join(text.split()))


def mmr(order: list[int], relevance: dict[int, float], vectors: np.ndarray | None, passages: list[Passage],
        k: int, lam: float, paragraphs: np.ndarray | None = None, keys=None) -> list[int]:
    """Pick k rows greedily by lam * relevance - (1 - lam) * max similarity to the rows picked
    (see _similarities), never a passage that overlaps or repeats one picked; ties go to the
    earlier row in `order`. Relevance is min-max scaled to [0, 1] over the candidates. `paragraphs`:
    each row's paragraph as a number (else worked out from `passages`); `keys`: row -> text_key of
    passages[row] (else worked out)."""
    if not order:
        return []
    rel = np.array([relevance[r] for r in order], dtype=float)
    rel = (rel - rel.min()) / ((rel.max() - rel.min()) or 1.0)
    sim = _similarities(order, vectors, passages, paragraphs) if lam < 1 else None
    # each candidate's score as it stands: relevance alone until a row is picked, then lam * relevance - (1 - lam)
    # times its greatest similarity to a row picked: similarities are 0 or 1, so lam * relevance until one
    # similar to it is picked, then lam * relevance - (1 - lam)
    score, left = rel.copy(), len(order)
    alone, penalised = lam * rel, lam * rel - (1 - lam)
    picked: list[int] = []
    spans: dict[str, list[Passage]] = {}    # the passages picked, by document (what a candidate may not overlap)
    seen_text: set[int] = set()
    while left and len(picked) < k:
        i = int(np.argmax(score))
        score[i], left = -np.inf, left - 1
        p = passages[order[i]]
        key = keys(order[i]) if keys is not None else text_key(p.text)
        if key in seen_text or any(overlaps(p, q) for q in spans.get(p.doc, ())):
            continue
        if sim is not None:
            if not picked:
                score = np.where(np.isneginf(score), -np.inf, alone)
            np.fmin(score, penalised, out=score, where=sim(i))     # (fmin: a row taken stays out beside a NaN)
        picked.append(order[i])
        spans.setdefault(p.doc, []).append(p)
        seen_text.add(key)
    return picked


DISCUSS_SHARE = 0.5     # a document "discusses" the query when one of its hits scores at least this share of the best


def _lexical(hit: Hit) -> float:
    """A hit's BM25 score (0 where BM25 did not find it)."""
    return float(hit.provenance.get("lexical_score") or 0.0)


def by_document(hits: list[Hit]) -> list[tuple[str, int]]:
    """(document id, how many of the hits are from it), in the order of each document's best hit, for the
    documents one of whose hits scores at least DISCUSS_SHARE of the best hit's (the others' passages only fill
    the list: "2 documents discuss this" was said of a budget meeting's filler under a question on meadows)."""
    counts: dict[str, int] = {}
    top = max((h.score for h in hits), default=0.0)
    # and where the query's words decide (BM25 scored the hits), one of its hits holds them as well as half the best
    # does: not a long hearing's "Mr. Chair, … the Prime Minister …" under "Who approved the piling?"
    # (the best hit's document discusses it, BM25's or not)
    words = max((_lexical(h) for h in hits), default=0.0)
    strong = {h.passage.doc for h in hits if top <= 0 or h.score >= top or h.score >= DISCUSS_SHARE * top
              and _lexical(h) >= DISCUSS_SHARE * words}
    for h in hits:
        if h.passage.doc in strong:
            counts[h.passage.doc] = counts.get(h.passage.doc, 0) + 1
    return list(counts.items())
