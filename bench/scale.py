"""Scale benchmark (not a test): a folder of a few hundred transcripts, indexed and searched.

    .venv/bin/python bench/scale.py [--docs 300] [--embedder fake|real] [--sizes 10000,50000,100000,200000]

1. Synthetic corpus: N transcripts made by recombining the exchanges of the shipped
   press conference (each: a dateline title, 8-14 exchanges drawn at random, each
   paragraph's sentences shuffled and words varied so that no two paragraphs are the
   same), written as files in a temp folder.
2. Indexing: `add_documents` of the whole folder (time, passages/s), again unchanged
   (embeds nothing), again with one file changed (embeds one file). Baseline: the
   1-document index of the shipped transcript, built the same way in the same run.
3. Search: p50/p95 of `Retriever.search` (hybrid, k=5) over the public dev queries, on
   the 1-document index and on the N-document index (all documents, and one document
   chosen with `docs=`). With `--embedder fake` the query embedding costs ~nothing, so
   the figures are the index's own cost; `real` adds MiniLM on the CPU to both sides.
4. FAISS exact (IndexFlatIP) vs approximate (IndexHNSWFlat, M=32, efSearch=64) on
   clustered unit vectors of dimension 384 at growing N: build time, one-query search
   p50 (one thread, as the app searches; flat also with all threads), and HNSW's
   recall@10 against the exact answer.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from rag.build import add_documents  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402

CORPUS = ROOT / "corpus" / "000_17cb08188d8e02ca.txt"
QUERIES = ROOT.parent / "shared" / "eval" / "dev-queries.jsonl"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def exchanges() -> list[str]:
    """The Question:/answer blocks of the shipped transcript, as text."""
    text = CORPUS.read_text(encoding="utf-8")
    parts = re.split(r"\n(?=Question:)", text)
    out = []
    for part in parts[1:]:
        block = part.split("\nRead in Russian")[0].split("\nRate this article")[0].strip()
        if "Sergey Lavrov:" in block:
            out.append(block)
    return out


def synthesise(folder: Path, n: int, seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    blocks = exchanges()
    speakers = ["Sergey Lavrov", "Maria Zakharova", "Dmitry Peskov", "Anna Lind", "John Kerry", "Wang Yi"]
    paths = []
    for i in range(n):
        speaker = speakers[i % len(speakers)]
        chosen = rng.sample(blocks, rng.randint(8, 14))
        body = []
        for b in chosen:
            b = b.replace("Sergey Lavrov:", f"{speaker}:")
            # alter every paragraph so that documents differ as real ones do: its sentences shuffled,
            # some "the" qualified at random (the same vocabulary, distinct texts)
            paras = []
            for para in b.split("\n\n"):
                label, _, rest = para.partition(": ") if re.match(r"[A-Z][\w ]{0,30}: ", para) else ("", "", para)
                sents = re.split(r"(?<=[.!?])\s+(?=[A-Z])", rest)
                rng.shuffle(sents)
                rest = re.sub(r"\bthe\b", lambda m: rng.choice(["the", "the", "the current", "the present",
                                                                  "the whole"]), " ".join(sents))
                paras.append(f"{label}: {rest}" if label else rest)
            body.append("\n\n".join(paras))
        title = (f"Press conference of {speaker} number {i}, Capital, {MONTHS[i % 12]} {1 + i % 28}, "
                 f"{2000 + i % 24}")
        path = folder / f"{i:04d}_press_conference.txt"
        path.write_text(title + "\n\nGood morning.\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def search_times(retriever, queries, docs=None, runs=1):
    times = []
    for _ in range(runs):
        for q in queries:
            t0 = time.perf_counter()
            retriever.search(q, 5, docs=docs)
            times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(pct(times, 0.95), 2), "n": len(times)}


def indexing(args, embedder_factory, tmp: Path) -> dict:
    from rag import store

    out = {}
    queries = [json.loads(line)["query"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    # baseline: the one shipped document
    emb = embedder_factory()
    t0 = time.perf_counter()
    one = add_documents([CORPUS], emb, tmp / "one")
    out["one_doc"] = {"index_s": round(time.perf_counter() - t0, 2), "passages": len(one.index.passages)}
    one_retriever = Retriever(store.load(tmp / "one", embedder=emb, check_sources=False), emb)
    search_times(one_retriever, queries[:5])    # warm-up (model, BM25 caches)
    out["one_doc"]["search"] = search_times(one_retriever, queries, runs=args.runs)

    folder = tmp / "docs"
    folder.mkdir()
    paths = synthesise(folder, args.docs)
    emb = embedder_factory()
    t0 = time.perf_counter()
    report = add_documents([folder], emb, tmp / "many")
    took = time.perf_counter() - t0
    n = len(report.index.passages)
    out["many_docs"] = {"documents": len(report.index.documents), "passages": n, "index_s": round(took, 2),
                        "passages_per_s": round(n / took, 1), "embedded": report.embedded}
    emb.calls = 0 if hasattr(emb, "calls") else None
    t0 = time.perf_counter()
    again = add_documents([folder], emb, tmp / "many")
    out["many_docs"]["reindex_unchanged_s"] = round(time.perf_counter() - t0, 2)
    out["many_docs"]["reindex_unchanged_embedded"] = again.embedded
    paths[7].write_text(paths[7].read_text(encoding="utf-8") + "\nOne more closing remark.\n", encoding="utf-8")
    t0 = time.perf_counter()
    changed = add_documents([folder], emb, tmp / "many")
    out["many_docs"]["reindex_one_changed_s"] = round(time.perf_counter() - t0, 2)
    out["many_docs"]["reindex_one_changed_embedded"] = changed.embedded
    many_retriever = Retriever(store.load(tmp / "many", embedder=emb, check_sources=False), emb)
    search_times(many_retriever, queries[:5])
    out["many_docs"]["search_all"] = search_times(many_retriever, queries, runs=args.runs)
    out["many_docs"]["search_one_doc"] = search_times(many_retriever, queries, docs={paths[3].name}, runs=args.runs)
    out["search_ratio_all_vs_one_doc"] = round(out["many_docs"]["search_all"]["p50_ms"]
                                               / out["one_doc"]["search"]["p50_ms"], 2)
    return out


def clustered(n: int, dim: int, rng: np.random.Generator, centers: int = 256, latent: int = 32) -> np.ndarray:
    """Unit vectors like sentence embeddings: topics (`centers`) in a low-dimensional space
    (`latent`), mapped into `dim` dimensions, plus a little noise. Uniform random vectors in
    384 dimensions would be far harder for HNSW than text is (its recall there is ~0.5)."""
    gen = np.random.default_rng(1)     # the same topics and map for the corpus and its queries
    c = gen.standard_normal((centers, latent)).astype("float32")
    proj = gen.standard_normal((latent, dim)).astype("float32")
    z = c[rng.integers(0, centers, n)] + 0.5 * rng.standard_normal((n, latent)).astype("float32")
    x = z @ proj + 0.5 * rng.standard_normal((n, dim)).astype("float32")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def faiss_scaling(sizes: list[int], dim: int = 384, queries: int = 200) -> list[dict]:
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    rng = np.random.default_rng(0)
    rows = []
    for n in sizes:
        x = clustered(n, dim, rng)
        q = clustered(queries, dim, rng)
        flat = faiss.IndexFlatIP(dim)
        t0 = time.perf_counter()
        flat.add(x)
        flat_build = time.perf_counter() - t0
        hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        t0 = time.perf_counter()
        hnsw.add(x)
        hnsw_build = time.perf_counter() - t0
        hnsw.hnsw.efSearch = 64

        def one_query_ms(index):
            times = []
            for i in range(queries):
                t0 = time.perf_counter()
                index.search(q[i:i + 1], 20)
                times.append((time.perf_counter() - t0) * 1000)
            return statistics.median(times)

        faiss.omp_set_num_threads(os.cpu_count() or 1)
        one_query_ms(flat)     # warm-up
        flat_omp_ms = one_query_ms(flat)
        faiss.omp_set_num_threads(1)       # as rag.store sets it for searching
        one_query_ms(flat), one_query_ms(hnsw)     # warm-up
        flat_ms, hnsw_ms = one_query_ms(flat), one_query_ms(hnsw)
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        _, exact = flat.search(q, 10)
        _, approx = hnsw.search(q, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approx)])
        rows.append({"n": n, "flat_build_s": round(flat_build, 2), "hnsw_build_s": round(hnsw_build, 1),
                     "flat_search_ms": round(flat_ms, 3), "flat_search_ms_all_threads": round(flat_omp_ms, 3),
                     "hnsw_search_ms": round(hnsw_ms, 3),
                     "hnsw_recall_at_10": round(float(recall), 3),
                     "memory_flat_mb": round(n * dim * 4 / 2**20, 1)})
        print(json.dumps(rows[-1]), flush=True)
        del flat, hnsw, x
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--embedder", choices=["fake", "real"], default="fake")
    ap.add_argument("--runs", type=int, default=3, help="passes over the dev queries for search timings")
    ap.add_argument("--sizes", default="10000,50000,100000,200000", help="FAISS sizes (empty: skip)")
    args = ap.parse_args()
    if args.embedder == "fake":
        from conftest import FakeEmbedder as factory
    else:
        from rag.embed import SentenceTransformerEmbedder
        model = SentenceTransformerEmbedder()
        factory = lambda: model  # noqa: E731 - one model for the whole run
    result = {"embedder": args.embedder, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        result["indexing"] = indexing(args, factory, Path(tmp))
    print(json.dumps(result, indent=2), flush=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if sizes:
        result["faiss"] = faiss_scaling(sizes)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
