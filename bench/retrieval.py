"""Retrieval benchmark (not a test): the usual baselines against ours, in one run.

    .venv/bin/python bench/retrieval.py [--sets dev.jsonl dev-queries.jsonl] [--repeat 3] [--json]

Systems, all over the default transcript, all scored with score.py's hit rule (rag.evaluate):

- bm25-paragraphs: BM25 (bm25s, same tokenizer) over plain paragraphs, questions included
  as their own passages, no fusion: "BM25 alone";
- dense-1000char: MiniLM over LangChain-style 1000-character chunks with 200 characters
  of overlap, cut at whitespace (MiniLM silently truncates them at 256 tokens);
- ours-dense, ours-lexical, ours-hybrid: rag's Retriever over the shipped index, by mode,
  each with its calibrated abstention threshold (calibration.json).

Reported per set: R@1/3/5/10, MRR@10, abstention on unanswered and on answered queries,
AUC of the confidence (answered vs unanswered; the baselines' confidence is their top
score), and search latency p50 against a bare one-query MiniLM `encode` of the same
queries, timed interleaved in this process (ratio = system p50 / encode p50).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag import evaluate, lexical, store  # noqa: E402
from rag.embed import default_embedder  # noqa: E402
from rag.retrieve import Result, calibrated_threshold, clean_query, Retriever, SearchSettings  # noqa: E402
from rag.records import Hit, Passage  # noqa: E402

EVAL = ROOT / "eval"      # the shipped sets (copies of the team's shared ones)


class Bm25Paragraphs:
    """BM25 over every parsed paragraph's own text (questions too): the usual lexical baseline."""

    def __init__(self, index):
        self.passages = index.paragraphs
        plain = [Passage(p.doc, p.start, p.end, p.text, p.section, p.kind, p.paragraph) for p in self.passages]
        self.lex = lexical.build(plain)         # no question text: Passage.question is None here

    def search(self, query, k=10, abstain=True):
        text, _ = clean_query(query)
        scores = self.lex.scores(text)
        rows = np.argsort(-scores, kind="stable")[:k]
        hits = [Hit(self.passages[r], i, float(scores[r])) for i, r in enumerate(rows, 1)]
        return Result(text, hits, confidence=float(scores.max()) if len(scores) else 0.0)


class Dense1000:
    """MiniLM over 1000-character chunks with 200 overlap (whitespace cuts), flat inner product."""

    def __init__(self, index, embedder, size=1000, overlap=200):
        self.embedder = embedder
        self.chunks = []
        for doc in index.documents.values():
            text, start = doc.text, 0
            while start < len(text):
                end = min(len(text), start + size)
                if end < len(text):
                    cut = text.rfind(" ", start + size // 2, end)
                    end = cut if cut > 0 else end
                self.chunks.append(Passage(doc.id, start, end, text[start:end], "text", "paragraph", 0))
                if end >= len(text):
                    break
                start = max(start + 1, end - overlap)
                while start < len(text) and not text[start - 1].isspace():
                    start += 1
        self.vectors = embedder.encode_documents([c.text for c in self.chunks])

    def search(self, query, k=10, abstain=True):
        text, _ = clean_query(query)
        sims = self.vectors @ self.embedder.encode_query(text)
        rows = np.argsort(-sims, kind="stable")[:k]
        hits = [Hit(self.chunks[r], i, float(sims[r])) for i, r in enumerate(rows, 1)]
        return Result(text, hits, confidence=float(sims.max()))


def auc(pos: list[float], neg: list[float]) -> float | None:
    """P(an answered query's confidence > an unanswered one's), ties count half."""
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def measure(system, queries, encode, repeat: int) -> dict:
    """Metrics of one system on one set, and its latency against a bare encode, interleaved."""
    out = evaluate.run(system, queries, k=10)
    pos = [r["confidence"] for r in out["queries"] if r["positive"]]
    neg = [r["confidence"] for r in out["queries"] if not r["positive"]]
    t_sys, t_enc = [], []
    for _ in range(repeat):
        for q in queries:
            t = time.perf_counter()
            encode(q["query"])
            t_enc.append(time.perf_counter() - t)
            t = time.perf_counter()
            system.search(q["query"], 10)
            t_sys.append(time.perf_counter() - t)
    p50, e50 = statistics.median(t_sys) * 1000, statistics.median(t_enc) * 1000
    keys = ("R@1", "R@3", "R@5", "R@10", "MRR@10", "neg_abstain", "false_abstain")
    return {**{k: out[k] for k in keys}, "AUC": auc(pos, neg), "p50_ms": p50, "encode_p50_ms": e50,
            "ratio": p50 / e50, "misses": out["misses"]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", nargs="+", default=[str(EVAL / "dev.jsonl"), str(EVAL / "dev-queries.jsonl")])
    ap.add_argument("--index", default=str(ROOT / "embeddings"))
    ap.add_argument("--repeat", type=int, default=3, help="timing passes over each set (default 3)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    embedder = default_embedder()
    index = store.load(Path(args.index), embedder=embedder)
    model = embedder.model

    def encode(q):
        return model.encode([q], normalize_embeddings=True, convert_to_numpy=True)

    systems = {
        "bm25-paragraphs": Bm25Paragraphs(index),
        "dense-1000char": Dense1000(index, embedder),
    }
    for mode in ("dense", "lexical", "hybrid"):
        systems[f"ours-{mode}"] = Retriever(index, embedder, SearchSettings(
            mode=mode, threshold=calibrated_threshold(index, mode)))
    encode("warm up")
    report = {}
    for path in args.sets:
        queries = evaluate.load_set(path)
        report[Path(path).name] = {name: measure(s, queries, encode, args.repeat) for name, s in systems.items()}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for name, rows in report.items():
        print(f"\n{name}")
        print(f"{'system':18s} {'R@1':>5s} {'R@3':>5s} {'R@5':>5s} {'R@10':>5s} {'MRR':>5s} {'negAbst':>7s} "
              f"{'falseAb':>7s} {'AUC':>5s} {'p50 ms':>7s} {'enc ms':>7s} {'ratio':>5s}")
        for sys_name, m in rows.items():
            na = "-" if m["neg_abstain"] is None else f"{m['neg_abstain']:.2f}"
            au = "-" if m["AUC"] is None else f"{m['AUC']:.2f}"
            print(f"{sys_name:18s} {m['R@1']:5.2f} {m['R@3']:5.2f} {m['R@5']:5.2f} {m['R@10']:5.2f} "
                  f"{m['MRR@10']:5.2f} {na:>7s} {m['false_abstain']:7.2f} {au:>5s} {m['p50_ms']:7.1f} "
                  f"{m['encode_p50_ms']:7.1f} {m['ratio']:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
