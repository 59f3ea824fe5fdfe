"""Measure retrieval on a query set, and calibrate when to abstain.

A query set is JSONL (UTF-8, or UTF-16 with its byte-order mark):
``{"id", "query", "gold": [exact substrings of a source], "kind"}``; ``gold == []`` marks a
question the corpus does not answer (a negative). A line with an empty query, or a gold
that is not a list of non-empty strings (``""`` would hit every passage), is refused with
its line number and id.

The hit rule is the one of ``/work/shared/eval/score.py``, reproduced exactly: after
folding whitespace runs to one space in both, a passage hits a gold string when they
share a common substring of at least ``min(0.6 * len(gold), 150)`` characters. A
positive query that abstained is a miss at every k. Reported: R@1/3/5/10, MRR@10,
the share of negatives abstained on, the share of positives wrongly abstained on, and
search latency p50/p95 (wall clock of ``Retriever.search``, one query at a time).

Calibration picks the abstention threshold on the retriever's confidence (see
``retrieve.confidence``): the highest threshold that, on every query set given, wrongly
abstains on at most ``max_false`` of its answered queries, placed halfway to the next
confidence below it so that unseen paraphrases have a margin; calibration.py stores it.
Span-graded sets (the meetings' format, ``eval/score_spans.py``): a line
``{"id", "query", "doc": "Bed010.txt", "gold_spans": [[start, end], ...]}`` (``"gold_spans": []``,
``"doc": null``: unanswered) grades each returned passage by the share of its characters inside
the gold spans of the query's own document: >= 0.5 -> 2, > 0 -> 1, else 0. A query is hit at k when
a passage of grade >= 1 is in its top k (an abstained query's passages still count; ``strict R@5``
counts it a miss); R@1/5/10, MRR@10, nDCG@10 (linear gain, the ideal one grade-2 passage per gold
span, up to 10). The same definitions as score_spans.py, written again here (``span_grade``,
``span_metrics``). Either kind of line may name ``"docs": [ids]`` (search only those documents)
and ``"speaker"`` (only their passages).
Refused with the file, line and id: a file mixing span-graded and substring lines (a set is graded
one way), a key one edit from a field's name (``"gold_span"``: a typo, else the line would be read
without it; other unknown keys are kept as notes), a "kind"/"domain" that is not text, an id that is
not text or a number; and against the index (``check_index``, before any query is searched): a "docs"
id it lacks, a gold span past its document's end; a speaker it lacks, when that query is searched.
A span-graded line whose "doc" the index lacks is a warning (its query can only miss).
What it leaves out: per-kind breakdowns beyond counts, significance tests.
"""
from __future__ import annotations

import difflib
import json
import math
import re
import stat
import time
from pathlib import Path, PurePath

import numpy as np

from . import read
from .errors import DocumentError, QueryError

MAX_FALSE = 0.05        # the share of a set's answered queries --calibrate may abstain on, by default


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def hits(passage: str, gold: str) -> bool:
    """score.py's rule: a shared substring of >= min(0.6 * len(gold), 150) chars, whitespace folded."""
    p, g = norm(passage), norm(gold)
    need = min(0.6 * len(g), 150)
    if g in p:
        return True
    m = difflib.SequenceMatcher(None, p, g, autojunk=False).find_longest_match(0, len(p), 0, len(g))
    return m.size >= need


def first_hit_rank(texts: list[str], golds: list[str]) -> int | None:
    for rank, text in enumerate(texts, 1):
        if any(hits(text, g) for g in golds):
            return rank
    return None


MAX_QUERY_FILE = 100 * 2**20     # bytes of a --queries or rag eval file


def read_lines(path) -> list[str]:
    """The lines of a JSONL file (UTF-8, or UTF-16 with its byte-order mark); QueryError
    naming the file, and the line of any bytes that are not text, when it cannot be read."""
    try:
        info = Path(path).stat()
        if not stat.S_ISREG(info.st_mode):     # /dev/zero, a pipe: read without end (12 GB in 12 s)
            raise QueryError(f"Cannot read {path}: not a regular file")
        if info.st_size > MAX_QUERY_FILE:
            raise QueryError(f"Cannot read {path}: {info.st_size / 2**20:.0f} MB; a query file holds "
                             f"{MAX_QUERY_FILE // 2**20} MB at most")
        data = Path(path).read_bytes()
    except OSError as e:
        raise QueryError(f"Cannot read {path}: {e.strerror or e}") from None
    try:
        return read.decode(data).split("\n")
    except DocumentError as e:
        raise QueryError(f"{path}: {e}") from None


# the fields of a query set's line; an unknown key one edit from one of them is a typo ("gold_span")
FIELDS = ("id", "query", "gold", "gold_spans", "doc", "docs", "speaker", "kind", "domain")


def load_set(path) -> list[dict]:
    """Read a query set; QueryError naming the line (and the id) when one is not a query, when a key
    is a field's name mistyped, or when the file mixes span-graded and substring lines. Each query
    keeps where it was read in ``"_where"`` (for later messages)."""
    from .retrieve import clean_query

    out = []
    ids: dict = {}      # id -> the line it was first read on
    first = None        # (line, id, span-graded) of the first query: the set is graded as it is
    for n, line in enumerate(read_lines(path), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:     # say where the JSON breaks: a missing comma is no missing field
            raise QueryError(f"{path} line {n}: not valid JSON ({e.msg} at column {e.colno}); expected a JSON "
                             f"object with \"query\" and a \"gold\" list") from None
        except ValueError as e:         # a number of 5,000 digits, past Python's limit on reading one
            raise QueryError(f"{path} line {n}: not readable JSON ({e}); expected a JSON object with \"query\" "
                             f"and a \"gold\" list") from None
        except RecursionError:          # "[[[[…" nested past Python's limit
            raise QueryError(f"{path} line {n}: nested too deeply to read; expected a JSON object with \"query\" "
                             f"and a \"gold\" list") from None
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            raise QueryError(f"{path} line {n}: expected a JSON object with \"query\" and a \"gold\" list")
        given = item.get("id") is not None
        if not given:
            item["id"] = f"line-{n}"
        where = f"{path} line {n} (id {json.dumps(item['id'], ensure_ascii=False)})"
        _check_fields(item, where)
        key = (type(item["id"]).__name__, item["id"])
        if key in ids:      # results are matched to queries by id
            raise QueryError(f"{where}: the id is line {ids[key]}'s too; give each query its own"
                             if given else f"{where}: the id given to a line without one is line {ids[key]}'s; "
                             f"give the lines ids")
        ids[key] = n
        try:
            clean_query(item["query"])      # what a search would refuse: nothing left once cleaned
        except QueryError:
            raise QueryError(f"{where}: the query is empty") from None
        check_scope(item, where)
        first = first or (n, "gold_spans" in item)
        if ("gold_spans" in item) != first[1]:
            raise QueryError(f"{where}: " + _mixed(first[0], first[1]))
        item["_where"] = where
        if "gold_spans" in item:
            _check_spans(item, where)
            out.append(item)
            continue
        if "gold" not in item:     # an answered query's quotes forgotten would count as a question nothing answers
            raise QueryError(f"{where}: no \"gold\": give the quotes that answer it, or [] when the documents do "
                             f"not answer it")
        gold = item["gold"]
        if not isinstance(gold, list) or not all(isinstance(g, str) and norm(g) for g in gold):
            raise QueryError(f"{where}: \"gold\" must be a list of non-empty strings (quotes from the "
                             f"documents; [] when they do not answer it), not {json.dumps(gold)[:60]}")
        out.append(item)
    if not out:
        raise QueryError(f"The query set {path} holds no queries.")
    return out


def _mixed(line: int, spans: bool) -> str:
    """Why a line of the other kind than the set's first (on `line`, span-graded or not) is refused."""
    this, that = ("a substring line (\"gold\")", "span-graded") if spans else \
        ("a span-graded line (\"gold_spans\")", "substring")
    return (f"{this} after {that} ones (line {line}): the file mixes span-graded and substring lines; "
            "a set is graded one way, so put them in two files")


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by one letter added, dropped, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]]))
    short, long = sorted((a, b), key=len)
    i = next((i for i, (x, y) in enumerate(zip(short, long)) if x != y), len(short))
    return short[i:] == long[i + 1:]


def _check_fields(item: dict, where: str) -> None:
    """QueryError for a key that is a field's name mistyped (one edit from it, or in other capitals:
    "gold_span", "Query"), an id that is not text or a number, or a "kind"/"domain" that is not text.
    Other keys are left alone (notes a set's author keeps on its lines)."""
    for key in item:
        near = [f for f in FIELDS if key not in FIELDS and (key.casefold() == f or _one_edit(key.casefold(), f))]
        if near:
            raise QueryError(f"{where}: unknown field {json.dumps(key)}: did you mean {json.dumps(near[0])}?")
    if not isinstance(item["id"], (str, int)) or isinstance(item["id"], bool):
        raise QueryError(f"{where}: \"id\" must be text or a number, not {json.dumps(item['id'])[:60]}")
    for key in ("kind", "domain"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise QueryError(f"{where}: \"{key}\" must be text (what the query is counted under), "
                             f"not {json.dumps(item[key], ensure_ascii=False)[:60]}")


def check_index(queries: list[dict], documents: dict) -> list[str]:
    """What a set asks of an index's `documents` (id -> Document): QueryError naming the line for a
    "docs" id that is not there or a gold span past the end of its document's text; a warning
    (returned, one line each) for a span-graded line whose "doc" is not there (its query can only miss), and for a
    substring line with a quote no document holds word for word (white space aside: mistyped, or from another text)."""
    lengths: dict[str, int] = {}
    for doc_id, d in documents.items():
        name = PurePath(str(doc_id)).name
        lengths[name] = max(lengths.get(name, 0), len(d.text))
    warnings = []
    texts = None        # every document's text, white space folded, for the quotes of substring lines
    for q in queries:
        where = q.get("_where") or f"query {json.dumps(q.get('id'), ensure_ascii=False)}"
        unknown = sorted(set(q.get("docs") or ()) - set(documents))
        if unknown:
            raise QueryError(f"{where}: \"docs\" names no document of the index: {', '.join(unknown)[:200]}")
        if q.get("gold"):
            texts = texts if texts is not None else "\n".join(norm(d.text) for d in documents.values())
            lost = [g for g in q["gold"] if norm(g) not in texts]
            if lost:
                warnings.append(f"{where}: a \"gold\" quote is in no document of the index word for word "
                                f"({json.dumps(lost[0][:60], ensure_ascii=False)}): it is a hit only where a passage "
                                f"shares most of it")
        if not q.get("gold_spans"):
            continue
        if q["doc"] not in lengths:
            warnings.append(f"{where}: \"doc\" {json.dumps(q['doc'], ensure_ascii=False)} is not in the index; "
                            "its query can only miss")
            continue
        end = max(b for _, b in q["gold_spans"])
        if end > lengths[q["doc"]]:
            raise QueryError(f"{where}: a gold span ends at {end}, past the end of {q['doc']} "
                             f"({lengths[q['doc']]} characters in the index)")
    return warnings


def check_scope(item: dict, where: str) -> None:
    """QueryError for a line's "docs" that is no list of ids or an empty one, or a "speaker" that is no name (an
    eval set's lines and `rag search --queries` lines alike)."""
    docs, speaker = item.get("docs"), item.get("speaker")
    if docs is not None and (not isinstance(docs, list) or not all(isinstance(d, str) and d for d in docs)):
        raise QueryError(f"{where}: \"docs\" must be a list of document ids, not {json.dumps(docs)[:60]}")
    if docs == []:
        raise QueryError(f"{where}: \"docs\" is empty: name the documents to search, or leave it out to search all")
    if speaker is not None and (not isinstance(speaker, str) or not speaker.strip()):
        raise QueryError(f"{where}: \"speaker\" must be a name, not {json.dumps(speaker)[:60]}")


def _check_spans(item: dict, where: str) -> None:
    """A span-graded line: "gold_spans" a list of [start, end] (0 <= start < end) and, when there are
    any, "doc" the document they are offsets into."""
    spans, doc = item["gold_spans"], item.get("doc")
    ok = isinstance(spans, list) and all(
        isinstance(sp, list) and len(sp) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in sp)
        and 0 <= sp[0] < sp[1] for sp in spans)
    if not ok:
        raise QueryError(f"{where}: \"gold_spans\" must be a list of [start, end] character offsets "
                         f"([] when the documents do not answer it), not {json.dumps(spans)[:60]}")
    if spans and not (isinstance(doc, str) and doc):
        raise QueryError(f"{where}: \"doc\" must name the document the gold spans are in")


def is_span_set(queries: list[dict]) -> bool:
    return bool(queries) and all("gold_spans" in q for q in queries)


def span_grade(doc: str, start: int, end: int, q: dict) -> int:
    """score_spans.py's grade of a passage (its document's file name, its offsets) for query `q`."""
    if PurePath(str(doc)).name != q.get("doc") or end <= start:
        return 0
    inside = sum(max(0, min(end, b) - max(start, a)) for a, b in q["gold_spans"])
    share = inside / (end - start)
    return 2 if share >= 0.5 else 1 if share > 0 else 0


def span_metrics(outcomes: list[tuple[dict, list[int], bool]]) -> dict:
    """score_spans.py's figures from (query, the grades of its top 10 passages, abstained) of every query."""
    pos = [(q, g, a) for q, g, a in outcomes if q["gold_spans"]]
    neg = [a for q, _, a in outcomes if not q["gold_spans"]]
    acc = {"R@1": 0.0, "R@5": 0.0, "R@10": 0.0, "MRR@10": 0.0, "nDCG@10": 0.0, "strict R@5": 0.0}
    for q, grades, abstained in pos:
        grades = grades[:10]
        first = next((i for i, g in enumerate(grades) if g), None)
        if first is not None:
            acc["MRR@10"] += 1 / (first + 1)
            for k in (1, 5, 10):
                acc[f"R@{k}"] += first < k
            acc["strict R@5"] += first < 5 and not abstained
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(grades))
        ideal = sum(2 / math.log2(i + 2) for i in range(min(10, len(q["gold_spans"]))))
        acc["nDCG@10"] += dcg / ideal
    n = max(len(pos), 1)
    out = {key: v / n for key, v in acc.items()}
    out["positives"] = len(pos)
    out["false_abstain"] = sum(a for _, _, a in pos) / n
    out["negatives"] = len(neg)
    out["neg_abstain"] = sum(neg) / len(neg) if neg else None
    return out


def metrics(ranks: list[int | None], pos_abstained: list[bool], neg_abstained: list[bool]) -> dict:
    """The figures of score.py from first-hit ranks (None: no hit in the top 10) of the positives."""
    ranks = [None if a else r for r, a in zip(ranks, pos_abstained)]
    n = max(len(ranks), 1)
    out = {f"R@{k}": sum(1 for r in ranks if r and r <= k) / n for k in (1, 3, 5, 10)}
    out["MRR@10"] = sum(1 / r for r in ranks if r and r <= 10) / n
    out["positives"] = len(ranks)
    out["false_abstain"] = sum(pos_abstained) / n
    out["negatives"] = len(neg_abstained)
    out["neg_abstain"] = sum(neg_abstained) / len(neg_abstained) if neg_abstained else None
    return out


NEGATIVE_MARGIN = 0.1   # calibrate: how far above the highest unanswered query it abstains on, toward the bound


def calibrate(sets: list[tuple[list[float], list[float]]], max_false: float = MAX_FALSE) -> dict:
    """The abstention threshold (abstain when confidence < threshold) from each set's
    (positives' confidences, negatives' confidences).

    On every set, at most floor(max_false * positives) answered queries fall below it. Where unanswered
    queries fall below that bound it sits just above the highest of them (NEGATIVE_MARGIN of the way to the
    bound): it abstains on every unanswered query it can and answers as much as it can (halfway to the bound
    abstained on 5 more of 252 answered questions of other sets, and on 4 more of 178 unanswered). Else it sits
    halfway between the highest positive it abstains on (or the lowest it keeps, less a small margin, when
    none may be lost) and the next one up: a margin for unseen queries."""
    cuts, bounds = [], []
    for pos, neg in sets:
        pos = sorted(pos)
        if not pos:
            continue
        allowed = int(np.floor(max_false * len(pos) + 1e-9))
        hi = pos[allowed]
        lo = pos[allowed - 1] if allowed > 0 else hi - 0.05
        cuts.append((hi + lo) / 2)
        bounds.append(hi)
    if not cuts:
        return {"threshold": None, "max_false": max_false}
    pos = [c for p, _ in sets for c in p]
    neg = [c for _, n in sets for c in n]
    bound = min(bounds)
    below = [c for c in neg if c < bound]
    threshold = float(max(below) + NEGATIVE_MARGIN * (bound - max(below)) if below else min(cuts))
    return {
        "threshold": threshold,
        "max_false": max_false,
        "positives": len(pos),
        "negatives": len(neg),
        "false_abstain": sum(c < threshold for c in pos) / max(len(pos), 1),
        "neg_abstain": (sum(c < threshold for c in neg) / len(neg)) if neg else None,
    }


def run(retriever, queries: list[dict], k: int = 10, abstain: bool = True) -> dict:
    """Search every query once; return the metrics, latency p50/p95 and each query's outcome."""
    ranks, pos_abst, neg_abst, times, rows, graded = [], [], [], [], [], []
    spans = is_span_set(queries)
    retriever.search("warm up", 1, abstain=False)   # the model loads on first use: not timed
    for q in queries:
        t = time.perf_counter()
        scope = {"docs": set(q["docs"])} if q.get("docs") else {}
        if q.get("speaker"):
            scope["speaker"] = q["speaker"]
        try:
            result = retriever.search(q["query"], k, abstain=abstain, **scope)
        except QueryError as e:     # an unknown speaker, say: which line asked for it
            where = q.get("_where") or f"query {json.dumps(q.get('id'), ensure_ascii=False)}"
            raise QueryError(f"{where}: {e}") from None
        times.append(time.perf_counter() - t)
        if spans:
            grades = [span_grade(h.passage.doc, h.passage.start, h.passage.end, q) for h in result.hits]
            graded.append((q, grades, result.abstained))
            first = next((i for i, g in enumerate(grades[:10], 1) if g), None)
            rows.append({"id": q["id"], "kind": q.get("domain", q.get("kind")), "positive": bool(q["gold_spans"]),
                         "rank": first, "abstained": result.abstained, "confidence": result.confidence})
            continue
        rank = first_hit_rank([h.passage.text for h in result.hits], q["gold"]) if q["gold"] else None
        if q["gold"]:
            ranks.append(rank)
            pos_abst.append(result.abstained)
        else:
            neg_abst.append(result.abstained)
        rows.append({"id": q["id"], "kind": q.get("kind"), "positive": bool(q["gold"]), "rank": rank,
                     "abstained": result.abstained, "confidence": result.confidence})
    out = span_metrics(graded) if spans else metrics(ranks, pos_abst, neg_abst)
    out["graded"] = "spans" if spans else "substrings"
    ms = np.array(times) * 1000
    out["latency_ms_p50"] = float(np.percentile(ms, 50))
    out["latency_ms_p95"] = float(np.percentile(ms, 95))
    out["misses"] = [r["id"] for r in rows if r["positive"] and (not r["rank"] or r["rank"] > 5)]
    out["wrongly_abstained"] = [r["id"] for r in rows if r["positive"] and r["abstained"]]
    kinds = sorted({r["kind"] for r in rows if r["positive"]}, key=str)
    if spans and any(kind is not None for kind in kinds):      # (a set without domains has no rows of them)
        out["by_kind"] = {kind if kind is not None else "(none)":
                          span_metrics([o for o, r in zip(graded, rows) if r["kind"] == kind]) for kind in kinds}
    out["queries"] = rows
    return out


MIN_ANSWERED = 5     # answered queries a calibration wants (README's two-line example learnt a threshold from one)


def calibrate_retriever(retriever, sets: list[list[dict]], max_false: float = MAX_FALSE) -> dict:
    """Calibrate the abstention threshold of `retriever`'s mode on the query sets. Sets whose answered queries
    mostly find no answer in the index's first 10 passages (written for another index) are refused: a threshold
    learnt from them would abstain on nothing, or on everything."""
    pairs, found, answered = [], 0, 0
    for queries in sets:
        rows = run(retriever, queries, abstain=False)["queries"]
        pairs.append(([r["confidence"] for r in rows if r["positive"]],
                      [r["confidence"] for r in rows if not r["positive"]]))
        answered += sum(r["positive"] for r in rows)
        found += sum(bool(r["positive"] and r["rank"] and r["rank"] <= 10) for r in rows)
    if not answered:
        raise QueryError("The sets hold no answered query (each line's \"gold\" is empty): a threshold is learnt from "
                         "answered queries the index can answer, with unanswered ones beside them. Nothing was written.")
    if found * 2 < answered:
        raise QueryError(f"Only {found} of the {answered} answered queries find their answer among this index's "
                         f"first 10 passages: were the sets written for another index? Nothing was written (a "
                         f"threshold is learnt from answered queries the index can answer).")
    return calibrate(pairs, max_false)


# how an index that borrows the shipped threshold gets its own
BORROWED_HINT = "rag eval --calibrate YOUR-QUESTIONS.jsonl learns this index's own"


def format_report(report: dict) -> str:
    """The report of `rag eval` as text: one block per query set, then the calibration."""
    lines = [f"mode: {report['mode']}   abstention threshold: "
             + (f"{report['threshold']:.3f}" if report["threshold"] is not None
                else f"{report['conversation']:.3f} (a conversation's, learnt on meetings, for searches of every "
                     f"document: {BORROWED_HINT})" if report.get("conversation") is not None
                else "none (abstains only on names no document mentions" + (
                    ", and on words none uses: the vocabulary is rich enough)" if report.get("absent_words_decide")
                    else "; words none uses decide nothing here: too few of everyday English's)"))
             + (f" (the shipped index's, learnt on the default transcript: {BORROWED_HINT})"
                if report.get("borrowed") else "")]
    for path, m in report["sets"].items():
        neg = f"{m['neg_abstain']:.2f} of {m['negatives']}" if m["negatives"] else "n/a (no negatives)"
        keys = ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10") if m.get("graded") == "spans" else \
            ("R@1", "R@3", "R@5", "R@10", "MRR@10")
        lines += [f"\n{path}  ({m['positives']} answered, {m['negatives']} unanswered)",
                  "  " + ("  ".join(f"{key} {m[key]:.2f}" for key in keys) if m["positives"]
                          else "recall: n/a (no answered queries)")]
        lines += [f"    {kind}: " + "  ".join(f"{key} {f[key]:.2f}" for key in keys) + f"  ({f['positives']} answered)"
                  for kind, f in (m.get("by_kind") or {}).items()]
        wrong = f"{m['false_abstain']:.2f}" if m["positives"] else "n/a (no answered queries)"
        counted = ("the figures above count their passages; --json's strict R@5 does not"
                   if m.get("graded") == "spans" else "the figures above count them as misses")
        lines += [f"  abstained on unanswered: {neg}   wrongly abstained on answered: {wrong}",
                  f"  latency p50 {m['latency_ms_p50']:.1f} ms  p95 {m['latency_ms_p95']:.1f} ms",
                  f"  misses (no hit in the top 5): {', '.join(map(str, m['misses'])) or 'none'}"]
        if m.get("wrongly_abstained"):
            lines.append(f"  answered but abstained on ({counted}): {', '.join(map(str, m['wrongly_abstained']))}")
        lines += [f"    {r['id']}: " + (("first hit at " + str(r["rank"]) if r["rank"] else "no hit in the top 10")
                                         if r["positive"] else "unanswered")
                  + f", confidence {r['confidence']:.3f}{', abstained' if r['abstained'] else ''}"
                  for r in m.get("queries", [])]     # (--details)
    cal = report.get("calibration")
    # (a calibration without a threshold: one an earlier version stored from unanswered queries alone)
    if cal and isinstance(cal.get("threshold"), (int, float)) and all(
            key in cal for key in ("max_false", "negatives", "false_abstain", "positives")):
        neg = f"{cal['neg_abstain']:.2f}" if cal.get("neg_abstain") is not None else "n/a"
        lines.append(f"\ncalibration ({', '.join(cal.get('sets', []))}, {cal.get('created', '')}): threshold "
                     f"{cal['threshold']:.3f}, allowed false abstention {cal['max_false']:.2f}; on those sets the threshold "
                     f"alone abstains on {neg} of {cal['negatives']} unanswered and {cal['false_abstain']:.2f} of "
                     f"{cal['positives']} answered (the figures above count the \"never mentions\" rule too)")
        if cal["positives"] < MIN_ANSWERED:
            lines.append(f"warning: learnt from {cal['positives']} answered quer"
                         f"{'y' if cal['positives'] == 1 else 'ies'}: a threshold wants {MIN_ANSWERED} or more (from "
                         f"one, it sits just under its confidence and abstains on about half of the rest); add answered "
                         f"questions and calibrate again")
        if cal.get("neg_abstain") is not None and cal["neg_abstain"] < 0.5:
            lines.append("warning: the threshold abstains on fewer than half of these unanswered questions: they score "
                         "as high as the answered ones, so it cannot tell them apart (more questions, or unanswered "
                         "ones further from the documents, may)")
    return "\n".join(lines)
