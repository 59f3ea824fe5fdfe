"""Foundation benchmark (not a test): index build, search latency, and start-up, each against a bare baseline.

    .venv/bin/python bench/foundation.py [--runs 3] [--no-startup]

- index build: rag's whole build (parse, chunk, embed, FAISS) against a bare `model.encode`
  of the same texts, both with the model already loaded, in this process;
- search: p50/p95 of `Retriever.search` over the public query set against a bare one-query
  `model.encode` of the same queries;
- start-up: seconds from `python app.py` to the first answered API search (index already built).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from rag import read, store  # noqa: E402
from rag.build import index_documents  # noqa: E402
from rag.chunk import embed_text  # noqa: E402
from rag.embed import SentenceTransformerEmbedder  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402

QUERIES = ROOT / "eval" / "dev-queries.jsonl"      # shipped (a copy of the team's shared set)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def startup_seconds(api_name: str) -> float:
    from gradio_client import Client

    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError("app.py exited")
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                client.predict("What did Lavrov say about New START?", 3, api_name=api_name)
                return time.perf_counter() - t0
            except Exception:  # noqa: BLE001 - not up yet
                if time.perf_counter() - t0 > 120:
                    raise
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-startup", action="store_true")
    ap.add_argument("--api-name", default="/search")
    args = ap.parse_args()

    emb = SentenceTransformerEmbedder()
    model = emb.model
    doc = read.read(ROOT / read.DEFAULT_CORPUS)
    index = index_documents([doc], emb)          # warm-up, and the texts the baseline encodes
    texts = [embed_text(p) for p in index.passages]
    build_t, bare_t = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        model.encode(texts, batch_size=emb.batch_size, normalize_embeddings=True)
        bare_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        index_documents([doc], emb)
        build_t.append(time.perf_counter() - t)
    b, e = statistics.median(build_t), statistics.median(bare_t)
    print(f"index build: median {b:.2f} s vs bare encode of the same {len(texts)} texts {e:.2f} s "
          f"-> ratio {b / e:.2f} (aim <= 1.3)")

    retriever = Retriever(store.load(ROOT / "embeddings", embedder=emb), emb)
    queries = [json.loads(x)["query"] for x in QUERIES.read_text().splitlines() if x.strip()]
    search_t, encode_t = [], []
    for _ in range(3):
        for q in queries:
            t = time.perf_counter()
            model.encode([q], normalize_embeddings=True)
            encode_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            retriever.search(q, 5)
            search_t.append(time.perf_counter() - t)
    s50, e50 = statistics.median(search_t), statistics.median(encode_t)
    print(f"search: p50 {s50 * 1e3:.1f} ms, p95 {pct(search_t, .95) * 1e3:.1f} ms vs bare one-query encode "
          f"p50 {e50 * 1e3:.1f} ms, p95 {pct(encode_t, .95) * 1e3:.1f} ms -> p50 ratio {s50 / e50:.2f} (aim <= 1.5)")

    if not args.no_startup:
        times = [startup_seconds(args.api_name) for _ in range(args.runs)]
        print(f"start-up: python app.py -> first answered search: median {statistics.median(times):.1f} s "
              f"over {len(times)} runs (aim <= 10 s)")


if __name__ == "__main__":
    main()
