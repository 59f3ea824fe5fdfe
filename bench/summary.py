"""Benchmark the summary model (a measurement, not a test).

usage: python bench/summary.py [--index embeddings] [--queries FILE] [--limit N] [--k 3]
                               [--llama /tmp/llamavenv/bin/python] [--json OUT]

Measures, in one run on this machine:
  * converting the GGUF to float weights (into a temp folder) vs loading the converted cache;
  * time to first token and tokens per second of the product path (Summariser.stream:
    greedy, forced [n] citations), over the first queries of the set;
  * the same GGUF file run by llama.cpp (llama-cpp-python, if an interpreter that has it is
    given with --llama; a reference only, never a dependency), same prompts, greedy;
  * over every query of the set: the share of summary sentences judged supported,
    how many citations named no quote, how often it stopped early or fell back.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import models  # noqa: E402
from rag.retrieve import open_retriever  # noqa: E402
from rag.summarise import Summariser  # noqa: E402

LLAMA_SCRIPT = r"""
import json, sys, time
from llama_cpp import Llama
job = json.load(sys.stdin)
t0 = time.perf_counter()
llm = Llama(model_path=job["gguf"], n_ctx=4096, n_threads=job["threads"], verbose=False)
out = {"load_s": time.perf_counter() - t0, "runs": []}
for prompt in job["prompts"]:
    t0, first, n = time.perf_counter(), None, 0
    for piece in llm(prompt, max_tokens=job["max_tokens"], temperature=0.0, top_k=1, stream=True):
        if first is None:
            first = time.perf_counter() - t0
        n += 1
    total = time.perf_counter() - t0
    out["runs"].append({"ttft_s": first, "tokens": n, "total_s": total,
                        "tok_s": (n - 1) / (total - first) if n > 1 and total > first else None})
print(json.dumps(out))
"""


def med(xs):
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 3) if xs else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default="embeddings")
    ap.add_argument("--queries", default="/work/shared/eval/dev-queries.jsonl")
    ap.add_argument("--limit", type=int, default=0, help="only the first N queries for the support share")
    ap.add_argument("--speed-queries", type=int, default=5)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--max-tokens", type=int, default=120)
    ap.add_argument("--llama", default="/tmp/llamavenv/bin/python")
    ap.add_argument("--skip-convert", action="store_true")
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args()
    import torch

    report: dict = {"threads": torch.get_num_threads(), "k": args.k, "max_tokens": args.max_tokens,
                    "load_avg_start": os.getloadavg()}

    gguf = models.fetch_gguf(log=print)
    if not args.skip_convert:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            models.convert(gguf, Path(tmp) / "m")
            report["convert_s"] = round(time.perf_counter() - t0, 2)
    models.prepare_default(log=print)
    s = Summariser()
    t0 = time.perf_counter()
    s.load()
    report["load_converted_s"] = round(time.perf_counter() - t0, 2)

    retriever = open_retriever(Path(args.index))
    queries = [json.loads(line) for line in open(args.queries, encoding="utf-8") if line.strip()]
    if args.limit:
        queries = queries[: args.limit]
    tok = s._tokenizer

    # speed: product path (after one warm-up generation: torch's first call pays one-off costs)
    warm = retriever.search(queries[0]["query"], args.k).hits
    s.summarise(queries[0]["query"], warm, retriever.index, retriever.embedder, max_new_tokens=8)
    speed, prompts = [], []
    for q in queries[: args.speed_queries]:
        hits = retriever.search(q["query"], args.k).hits
        if not hits:
            continue
        inputs = s._inputs(q["query"], hits)
        prompts.append(tok.decode(inputs["input_ids"][0]))
        t0, first, text = time.perf_counter(), None, ""
        for u in s.stream(q["query"], hits, retriever.index, retriever.embedder,
                          max_new_tokens=args.max_tokens, time_limit=300):
            if first is None and u.text:
                first = time.perf_counter() - t0
            if not u.done:
                text = u.text
                last = time.perf_counter() - t0
        n = len(tok.encode(text, add_special_tokens=False))
        speed.append({"prompt_tokens": int(inputs["input_ids"].shape[1]), "ttft_s": first, "tokens": n,
                      "tok_s": (n - 1) / (last - first) if first and n > 1 and last > first else None})
    report["transformers"] = {"ttft_s": med([r["ttft_s"] for r in speed]),
                              "tok_s": med([r["tok_s"] for r in speed]),
                              "prompt_tokens": med([r["prompt_tokens"] for r in speed]), "runs": speed}

    if args.llama and Path(args.llama).exists():
        job = {"gguf": str(gguf), "prompts": prompts, "max_tokens": args.max_tokens,
               "threads": torch.get_num_threads()}
        run = subprocess.run([args.llama, "-c", LLAMA_SCRIPT], input=json.dumps(job), capture_output=True,
                             text=True)
        if run.returncode == 0:
            ll = json.loads(run.stdout.strip().splitlines()[-1])
            report["llama_cpp"] = {"load_s": round(ll["load_s"], 2), "ttft_s": med([r["ttft_s"] for r in ll["runs"]]),
                                   "tok_s": med([r["tok_s"] for r in ll["runs"]]), "runs": ll["runs"]}
        else:
            report["llama_cpp"] = {"error": run.stderr[-500:]}

    # support share over the whole set
    per_query = []
    t_all = time.perf_counter()
    for q in queries:
        hits = retriever.search(q["query"], args.k).hits
        if not hits:
            continue
        t0 = time.perf_counter()
        summary = s.summarise(q["query"], hits, retriever.index, retriever.embedder,
                              max_new_tokens=args.max_tokens, time_limit=300)
        per_query.append({"id": q["id"], "kind": q.get("kind"), "model": summary.model,
                          "sentences": len(summary.sentences),
                          "supported": sum(c.supported for c in summary.sentences),
                          "cited": sum(bool(c.citations) for c in summary.sentences),
                          "removed_citations": summary.removed_citations, "reason": summary.reason,
                          "seconds": round(time.perf_counter() - t0, 2),
                          "problems": [list(c.problems) for c in summary.sentences],
                          "text": [c.text for c in summary.sentences]})
    model_runs = [r for r in per_query if r["model"] != "extractive"]
    n_sent = sum(r["sentences"] for r in model_runs)
    report["support"] = {
        "queries": len(per_query), "model_summaries": len(model_runs),
        "fallbacks": len(per_query) - len(model_runs), "sentences": n_sent,
        "supported_share": round(sum(r["supported"] for r in model_runs) / n_sent, 3) if n_sent else None,
        "cited_share": round(sum(r["cited"] for r in model_runs) / n_sent, 3) if n_sent else None,
        "removed_citations": sum(r["removed_citations"] for r in model_runs),
        "stopped_early": sum(1 for r in model_runs if r["reason"]),
        "median_seconds": med([r["seconds"] for r in per_query]),
        "total_s": round(time.perf_counter() - t_all, 1), "per_query": per_query}
    from collections import Counter

    report["support"]["problems"] = dict(Counter(p.split(" (")[0].split(":")[0]
                                                 for r in model_runs for ps in r["problems"] for p in ps))
    report["load_avg_end"] = os.getloadavg()
    text = json.dumps(report, indent=1, ensure_ascii=False)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    brief = {k: v for k, v in report.items() if k not in ("support",)}
    brief["support"] = {k: v for k, v in report["support"].items() if k != "per_query"}
    for key in ("transformers", "llama_cpp"):
        if key in brief:
            brief[key] = {k: v for k, v in brief[key].items() if k != "runs"}
    print(json.dumps(brief, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
