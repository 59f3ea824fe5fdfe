"""Meetings benchmark (not a test): retrieval over many transcripts against baselines over turns, in one run.

    .venv/bin/python bench/meetings.py --index IDX [--set eval/meetings/val.jsonl]
        [--meetings eval/meetings/val] [--cache /tmp/turn-vectors.npy] [--json]

Systems, all over the meetings of the set (QMSum, eval/meetings/README.md), all scored with
score_spans.py's rules (rag.evaluate.span_grade / span_metrics, the same definitions):

- bm25-turns: BM25 (bm25s, rag's tokenizer: stemmed, stop words dropped) over the turns, one turn
  a passage (the gold units themselves);
- minilm-turns: MiniLM (rag's embedder) over the same turns, cosine;
- rrf-turns: reciprocal rank fusion of both, k=30 (OpenTranscribe's setting), top 100 of each;
- rag: this project's Retriever over the index `--index` (built with `rag index MEETINGS`), its
  defaults (turn windows, document scores, its abstention, the query adapter of a conversation index);
- rag-no-adapter: the same with ``adapter="none"`` (rag/adapter.py), to see what the adapter adds.

Each in two scopes: all meetings searched, and one meeting (the query's own: the `"docs"` filter).
Prints a Markdown table (R@5 and nDCG@10 per domain, abstention), and the latency of rag's search
(p50) against a bare one-query encode of the same queries (ratio = search p50 / encode p50), each bare encode
right after its search; rag runs first, so that its searches are timed with nothing of their questions remembered
(the index's vocabulary keeps each word's look-ups: a second pass over the same questions would flatter it).
The turn vectors take minutes to compute on a CPU: `--cache FILE` keeps them between runs.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag import evaluate, lexical  # noqa: E402
from rag.embed import default_embedder  # noqa: E402
from rag.retrieve import open_retriever  # noqa: E402

_TURN = re.compile(r"[^\n]+(?:\n[^\n]+)*")     # a paragraph: one turn, "Speaker: words"
RRF_K = 30
DEPTH = 100
DOMAINS = ("Academic", "Product", "Committee")


def turns(folder: Path) -> tuple[list[str], list[tuple[int, int]], list[str]]:
    """(document of each turn, its (start, end), its text) over every .txt file of `folder`."""
    docs, spans, texts = [], [], []
    for f in sorted(folder.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        for m in _TURN.finditer(text):
            if m.group().strip():
                docs.append(f.name)
                spans.append((m.start(), m.end()))
                texts.append(m.group())
    return docs, spans, texts


def rrf(rankings: list[list[int]], k: int = RRF_K) -> list[int]:
    fused: dict[int, float] = {}
    for rows in rankings:
        for rank, r in enumerate(rows, 1):
            fused[r] = fused.get(r, 0.0) + 1 / (k + rank)
    return sorted(fused, key=lambda r: (-fused[r], r))


class Baselines:
    """BM25, MiniLM and their RRF over the turns; `ranked(system, query, doc)` -> top 10 rows."""

    def __init__(self, docs, spans, texts, embedder, cache: Path | None):
        import bm25s

        self.docs, self.spans, self.embedder = np.array(docs), spans, embedder
        self.bm25 = bm25s.BM25()
        self.bm25.index([lexical.tokenize(t) or ["\u2205"] for t in texts], show_progress=False)
        self.encode_seconds = None
        if cache and cache.is_file() and len(np.load(cache, mmap_mode="r")) == len(texts):
            self.vectors = np.load(cache)
        else:
            t = time.perf_counter()
            self.vectors = embedder.encode_documents(texts)
            self.encode_seconds = time.perf_counter() - t
            if cache:
                np.save(cache, self.vectors)

    def ranked(self, system: str, query: str, qvec: np.ndarray, doc: str | None) -> list[int]:
        mask = self.docs == doc if doc else np.ones(len(self.docs), dtype=bool)
        rows = np.flatnonzero(mask)
        out = {}
        if system in ("bm25", "rrf"):
            tokens = lexical.tokenize(query)
            scores = np.asarray(self.bm25.get_scores(tokens)) if tokens else np.zeros(len(self.docs))
            top = rows[np.argsort(-scores[rows], kind="stable")[:DEPTH]]
            out["bm25"] = [int(r) for r in top if scores[r] > 0]
        if system in ("minilm", "rrf"):
            sims = self.vectors[rows] @ qvec
            out["minilm"] = [int(r) for r in rows[np.argsort(-sims, kind="stable")[:DEPTH]]]
        if system == "rrf":
            return rrf([out["bm25"], out["minilm"]])[:10]
        return out[system][:10]


def grades_of(passages: list[tuple[str, int, int]], q: dict) -> list[int]:
    return [evaluate.span_grade(d, s, e, q) for d, s, e in passages[:10]]


ORDER = ["bm25", "minilm", "rrf", "rag-no-adapter", "rag"]      # the tables' order (not the order run in)


def table(results: dict) -> str:
    head = "| system | scope | R@5 | nDCG@10 | " + " | ".join(f"{d} R@5 | {d} nDCG@10" for d in DOMAINS) + \
           " | unanswered abstained | answered abstained |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for (system, scope), m in sorted(results.items(), key=lambda item: ORDER.index(item[0][0])):
        cells = [f"{m['all']['R@5']:.2f}", f"{m['all']['nDCG@10']:.2f}"]
        cells += [f"{m[d]['R@5']:.2f} | {m[d]['nDCG@10']:.2f}" for d in DOMAINS]
        neg = "–" if m["all"]["neg_abstain"] is None else f"{m['all']['neg_abstain']:.0%}"
        cells += [neg, f"{m['all']['false_abstain']:.0%}"]
        lines.append(f"| {system} | {scope} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True, help="rag's index of the meetings")
    ap.add_argument("--set", default=str(ROOT / "eval" / "meetings" / "val.jsonl"))
    ap.add_argument("--meetings", default=str(ROOT / "eval" / "meetings" / "val"))
    ap.add_argument("--cache", default=None, help="a .npy file for the turn vectors")
    ap.add_argument("--no-baselines", action="store_true", help="only rag")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    queries = evaluate.load_set(args.set)
    embedder = default_embedder()
    retriever = open_retriever(Path(args.index), embedder)
    retriever.warm_up()
    retriever.search("warm up", 1)
    qvecs = {q["id"]: embedder.encode_query(q["query"]) for q in queries}
    plain = retriever.with_settings(adapter="none")     # the same search without the query adapter (adapter.py)
    # rag first: its searches are timed with nothing of their questions remembered yet (vocabulary._remember)
    systems = (["rag", "rag-no-adapter"] if args.no_baselines else ["rag", "bm25", "minilm", "rrf", "rag-no-adapter"])
    base = None
    if not args.no_baselines:
        docs, spans, texts = turns(Path(args.meetings))
        base = Baselines(docs, spans, texts, embedder, Path(args.cache) if args.cache else None)
    results, search_ms, encode_ms = {}, [], []
    for system in systems:
        for scope in ("all meetings", "one meeting"):
            outcomes = []
            for q in queries:
                doc = q["doc"] if scope == "one meeting" else None
                if scope == "one meeting" and not doc:
                    continue        # an unanswered query has no meeting of its own
                if system == "rag-no-adapter":
                    result = plain.search(q["query"], 10, docs={doc} if doc else None)
                if system == "rag":
                    t = time.perf_counter()
                    result = retriever.search(q["query"], 10, docs={doc} if doc else None)
                    search_ms.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    embedder.encode_query(q["query"] + " ")     # a bare encode, interleaved (not cached)
                    encode_ms.append((time.perf_counter() - t) * 1000)
                if system.startswith("rag"):
                    passages = [(h.passage.doc, h.passage.start, h.passage.end) for h in result.hits]
                    abstained = result.abstained
                else:
                    rows = base.ranked(system, q["query"], qvecs[q["id"]], doc)
                    passages = [(base.docs[r], *base.spans[r]) for r in rows]
                    abstained = False
                outcomes.append((q, grades_of(passages, q), abstained, passages))
            m = {"all": evaluate.span_metrics([o[:3] for o in outcomes])}
            for d in DOMAINS:
                m[d] = evaluate.span_metrics([o[:3] for o in outcomes if o[0].get("domain") == d])
            lengths = [e - s for o in outcomes for _, s, e in o[3]]
            m["excerpt_chars_median"] = statistics.median(lengths) if lengths else 0
            m["excerpt_chars_max"] = max(lengths, default=0)
            results[(system, scope)] = m
    latency = {"search_ms_p50": statistics.median(search_ms), "encode_ms_p50": statistics.median(encode_ms)}
    latency["ratio"] = latency["search_ms_p50"] / latency["encode_ms_p50"]
    if args.json:
        print(json.dumps({"results": {f"{s} / {c}": m for (s, c), m in results.items()}, "latency": latency,
                          "turn_encode_seconds": base.encode_seconds if base else None}))
        return 0
    print(table(results))
    for (system, scope), m in results.items():
        print(f"{system} / {scope}: excerpt median {m['excerpt_chars_median']:.0f} chars, max "
              f"{m['excerpt_chars_max']}; R@1 {m['all']['R@1']:.2f} R@10 {m['all']['R@10']:.2f} "
              f"MRR@10 {m['all']['MRR@10']:.2f}")
    print(f"\nrag search p50 {latency['search_ms_p50']:.1f} ms, bare query encode p50 "
          f"{latency['encode_ms_p50']:.1f} ms: ratio {latency['ratio']:.2f}")
    if base and base.encode_seconds:
        print(f"bare encode of the {len(base.docs)} turns: {base.encode_seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
