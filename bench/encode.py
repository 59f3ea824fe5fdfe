"""Encoder benchmark (not a test): MiniLM passages/s per embedding backend, on real passages.

    .venv/bin/python bench/encode.py [--passages 1000] [--rounds 3] [--backends torch,onnx,onnx-int8]

The passages are the product's own (read, parsed and chunked as `rag index` does, with their
context) from the meetings of eval/meetings/val and the shipped transcript, shuffled, the first N taken. Each
round encodes all N with every backend in turn (interleaved, so that the other load on a shared
machine falls on all of them alike); the figure is the median round, the 10^5-passage time is that
rate extrapolated. Also: each backend's cosine against torch float32 (min/median), and the
old process-wide `torch.set_num_threads(1)` of the query thread measured on a document encode.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from rag.build import _prepare  # noqa: E402
from rag.chunk import ChunkSettings, embed_text  # noqa: E402
from rag.embed import SentenceTransformerEmbedder  # noqa: E402
from rag.paths import SHIPPED_CORPUS  # noqa: E402
from rag.read import read  # noqa: E402


def passages(n: int, seed: int = 0) -> list[str]:
    counter = SentenceTransformerEmbedder(backend="torch")     # token counts only: loads no model
    val = ROOT / "eval" / "meetings" / "val"        # shipped with the project
    files = sorted(val.glob("*.txt")) + [SHIPPED_CORPUS]
    texts = [embed_text(p) for f in files for p in _prepare(read(f), counter, ChunkSettings()).passages]
    random.Random(seed).shuffle(texts)
    return texts[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--passages", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backends", default="torch,onnx,onnx-int8")
    ap.add_argument("--threads", type=int, default=0, help="threads of every backend (0: as the product: all cores)")
    ap.add_argument("--threads-check", type=int, default=100, help="passages for the set_num_threads check (0: skip)")
    args = ap.parse_args()
    texts = passages(args.passages)
    counter = SentenceTransformerEmbedder(backend="torch")
    tokens = counter.count_tokens(texts)
    backends = args.backends.split(",")
    embedders = {b: SentenceTransformerEmbedder(backend=b) for b in backends}
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)

    def encode(b, batch):
        e = embedders[b]
        if args.threads and b != "torch":
            return e.onnx().encode(batch, e.batch_size, threads=args.threads)
        return e.encode_documents(batch)

    for b in backends:                     # load / export outside the timings
        encode(b, texts[:8])
    times: dict[str, list[float]] = {b: [] for b in backends}
    vectors = {}
    for r in range(args.rounds):
        for b in backends:
            t0 = time.perf_counter()
            vectors[b] = encode(b, texts)
            times[b].append(time.perf_counter() - t0)
            print(json.dumps({"round": r, "backend": b, "s": round(times[b][-1], 2)}), flush=True)
    result = {"cpus": os.cpu_count(), "threads": args.threads or "all", "passages": len(texts),
              "mean_tokens": round(float(np.mean(tokens)), 1), "rounds": args.rounds, "backends": {}}
    base = statistics.median(times[backends[0]])
    for b in backends:
        med = statistics.median(times[b])
        row = {"median_s": round(med, 2), "all_s": [round(t, 2) for t in times[b]],
               "passages_per_s": round(len(texts) / med, 1),
               "est_1e5_min": round(1e5 / (len(texts) / med) / 60, 1),
               f"speedup_vs_{backends[0]}": round(base / med, 2)}
        if "torch" in vectors and b != "torch":
            cos = (vectors["torch"] * vectors[b]).sum(1)
            row["cosine_vs_torch"] = {"min": round(float(cos.min()), 4), "median": round(float(np.median(cos)), 4)}
        result["backends"][b] = row
    queries = [json.loads(line)["query"] for line in (ROOT / "eval" / "dev-queries.jsonl").read_text().splitlines()
               if line.strip()]
    for b in backends:                     # one query at a time, as a user asks (the query thread)
        e = embedders[b]
        e.encode_query("warm up")
        ms = []
        for _ in range(3):
            for q in queries:
                t0 = time.perf_counter()
                e.encode_query(q)
                ms.append((time.perf_counter() - t0) * 1000)
        result["backends"][b]["query_p50_ms"] = round(statistics.median(ms), 1)
    if args.threads_check and not args.threads and "torch" in embedders:
        sample, torch_e = texts[:args.threads_check], embedders["torch"]
        import torch

        def timed():
            """One encode on a thread started now (as a server's worker or a summary's thread is)."""
            took = []
            t = threading.Thread(target=lambda: (t0 := time.perf_counter(), torch_e.encode_documents(sample),
                                                 took.append(time.perf_counter() - t0)))
            t.start(), t.join()
            return took[0]

        before = [timed() for _ in range(2)]
        t = threading.Thread(target=torch.set_num_threads, args=(1,))   # what the query thread used to do
        t.start(), t.join()
        seen = []
        t = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
        t.start(), t.join()
        after = [timed() for _ in range(2)]
        result["set_num_threads_1_on_another_thread"] = {
            "torch_threads_of_a_new_thread_after": seen[0], "encode_s_before": round(min(before), 2),
            "encode_s_after": round(min(after), 2), "slowdown": round(min(after) / min(before), 2)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
