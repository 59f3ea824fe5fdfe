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
5. Stores (`--stores faiss-flat,faiss-hnsw,faiss-ivfpq,milvus-lite --store-sizes 10000,100000,1000000`):
   each (store, N) case in a subprocess of its own, so that its resident memory is its own: N
   synthetic clustered unit vectors (dimension 384) with generated text (words of the shipped
   transcript), in documents of DOC_PASSAGES contiguous passages; build time, one-query dense search
   p50/p95 over all passages and within one document, and the process's resident memory after the
   build (VmRSS; VmHWM, the peak, includes generating the data; Milvus Lite runs inside the process).
   faiss-flat searches with rag.dense.DenseSearch (the product's code: numpy over the vectors FAISS holds for all, the
   document's rows for a filter); faiss-hnsw is IndexHNSWFlat (M 32, efSearch 64), faiss-ivfpq
   IndexIVFPQ (4 sqrt(N) lists, at most 1024, trained on 32 a list; 48-byte codes; nprobe 32), the
   filters an IDSelectorRange; milvus-lite is the product's collection schema (rag.milvus: FLAT IP
   vectors + the BM25 function over the text), searched as rag.milvus searches it (its row filter),
   BM25 too.
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
QUERIES = ROOT / "eval" / "dev-queries.jsonl"      # shipped (a copy of the team's shared set)
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


DOC_PASSAGES = 300          # passages of one synthetic document (a long transcript)


def memory_mb(pid: int | str = "self") -> dict:
    """VmRSS and VmHWM (peak) of a process, in MiB, from /proc."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def generated_texts(n: int, rng: random.Random) -> list[str]:
    words = re.findall(r"[a-z]+", CORPUS.read_text(encoding="utf-8").lower())
    return [" ".join(rng.choices(words, k=60)) for _ in range(n)]


def latency(fn, queries, repeat: int = 1) -> dict:
    fn(queries[0])     # warm-up
    times = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(statistics.median(times), 3), "p95_ms": round(pct(times, 0.95), 3)}


def store_case(kind: str, n: int, queries: int = 100, dim: int = 384) -> dict:
    """One store at one size, in this process (run it in a subprocess: `--case KIND:N`)."""
    import faiss

    rng = np.random.default_rng(0)
    x = clustered(n, dim, rng)
    q = clustered(queries, dim, rng)
    doc = (n // DOC_PASSAGES) // 2        # a document in the middle
    lo, hi = doc * DOC_PASSAGES, min(n, (doc + 1) * DOC_PASSAGES)
    allowed = np.zeros(n, dtype=bool)
    allowed[lo:hi] = True
    base = memory_mb()
    out = {"store": kind, "n": n, "doc_passages": hi - lo, "memory_before_mb": base}
    depth = 50
    if kind == "faiss-ivfpq":
        nlist = int(min(1024, max(16, 4 * n ** 0.5)))
        quantizer = faiss.IndexFlatIP(dim)
        ivf = faiss.IndexIVFPQ(quantizer, dim, nlist, 48, 8, faiss.METRIC_INNER_PRODUCT)
        t0 = time.perf_counter()
        sample = x[np.random.default_rng(2).choice(n, min(n, 32 * nlist), replace=False)]
        ivf.train(sample)
        ivf.add(x)
        out["build_s"] = round(time.perf_counter() - t0, 2)
        out["nlist"], out["nprobe"], out["pq_bytes"] = nlist, 32, 48
        ivf.nprobe = 32
        faiss.omp_set_num_threads(1)
        flat = faiss.IndexFlatIP(dim)
        flat.add(x)
        del x, sample
        _, exact = flat.search(q, 10)
        _, approx = ivf.search(q, 10)
        out["recall_at_10"] = round(float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approx)])), 3)
        del flat
        params = faiss.SearchParametersIVF(sel=faiss.IDSelectorRange(lo, hi), nprobe=32)
        out["search_all"] = latency(lambda v: ivf.search(v[None, :], depth), q)
        out["search_one_doc"] = latency(lambda v: ivf.search(v[None, :], depth, params=params), q)
        _, got = ivf.search(q, depth, params=params)
        out["one_doc_results_of_50"] = float(np.mean((got >= 0).sum(1)))   # the filter starves the probed lists
    elif kind in ("faiss-flat", "faiss-hnsw"):
        if kind == "faiss-flat":
            from types import SimpleNamespace

            from rag.dense import DenseSearch

            t0 = time.perf_counter()
            flat = faiss.IndexFlatIP(dim)
            flat.add(x)
            out["build_s"] = round(time.perf_counter() - t0, 2)
            del x
            faiss.omp_set_num_threads(1)           # as rag.store sets it for searching
            dense = DenseSearch(SimpleNamespace(vectors=flat, passages=range(n)), None)
            out["search_all"] = latency(lambda v: dense.search(v, None, depth), q)
            out["search_one_doc"] = latency(lambda v: dense.search(v, allowed, depth), q)
        else:
            hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = 80
            t0 = time.perf_counter()
            hnsw.add(x)
            out["build_s"] = round(time.perf_counter() - t0, 2)
            hnsw.hnsw.efSearch = 64
            faiss.omp_set_num_threads(1)
            flat = faiss.IndexFlatIP(dim)
            flat.add(x)
            del x
            _, exact = flat.search(q, 10)
            _, approx = hnsw.search(q, 10)
            out["recall_at_10"] = round(float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approx)])), 3)
            del flat
            params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorRange(lo, hi), efSearch=64)
            out["search_all"] = latency(lambda v: hnsw.search(v[None, :], depth), q)
            out["search_one_doc"] = latency(lambda v: hnsw.search(v[None, :], depth, params=params), q)
    else:
        from rag import milvus, milvus_search

        texts = generated_texts(n, random.Random(0))
        with tempfile.TemporaryDirectory() as tmp:
            target = milvus.parse(f"milvus-lite://{tmp}/scale.db")
            c = milvus.client(target)
            s, ip = milvus._passage_schema(c, dim)
            t0 = time.perf_counter()
            c.create_collection("scale", schema=s, index_params=ip)
            for i in range(0, n, milvus.PAGE):
                c.insert("scale", [{"row": r, "vector": x[r].tolist(), "text": texts[r]}
                                   for r in range(i, min(i + milvus.PAGE, n))])
                if (i + milvus.PAGE) % 50_000 == 0:
                    print(json.dumps({"progress": {"inserted": i + milvus.PAGE,
                                                   "s": round(time.perf_counter() - t0, 1)}}), flush=True)
            c.flush("scale")
            c.load_collection("scale")
            out["build_s"] = round(time.perf_counter() - t0, 2)
            del x
            words = [t.split()[:3] for t in texts[:queries]]
            del texts
            flt = milvus_search.row_filter(allowed)

            def dense(v, **kw):
                return c.search("scale", data=[v.tolist()], anns_field="vector", limit=depth + 10,
                                search_params={"metric_type": "IP"}, output_fields=["row"], **kw)

            def bm25(ws, **kw):
                return c.search("scale", data=[" ".join(ws)], anns_field="sparse", limit=depth + 10,
                                search_params={"metric_type": "BM25"}, output_fields=["row"], **kw)

            out["search_all"] = latency(dense, q)
            out["search_one_doc"] = latency(lambda v: dense(v, filter=flt), q)
            out["bm25_all"] = latency(bm25, words)
            out["bm25_one_doc"] = latency(lambda ws: bm25(ws, filter=flt), words)
            c.close()
    out["memory_mb"] = memory_mb()
    return out


def stores(kinds: list[str], sizes: list[int], timeout: int) -> list[dict]:
    """Every (store, size) case in a subprocess of its own; one that runs past `timeout` is reported so."""
    import subprocess

    rows = []
    for n in sizes:
        for kind in kinds:
            t0 = time.perf_counter()
            try:
                # OpenMP threads that wait passively: spinning ones made FAISS 4-100x slower on a busy machine
                run = subprocess.run([sys.executable, __file__, "--case", f"{kind}:{n}"], capture_output=True,
                                     text=True, timeout=timeout, env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
                lines = [ln for ln in run.stdout.splitlines() if ln.startswith("{")]
                row = json.loads(lines[-1]) if run.returncode == 0 and lines else \
                    {"store": kind, "n": n, "error": run.stderr.strip().splitlines()[-1:] or run.returncode}
            except subprocess.TimeoutExpired as e:
                partial = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
                progress = [json.loads(ln)["progress"] for ln in partial.splitlines() if ln.startswith('{"progress"')]
                row = {"store": kind, "n": n, "error": f"not finished in {timeout} s",
                       "progress": progress[-1] if progress else None}
            row["wall_s"] = round(time.perf_counter() - t0, 1)
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--embedder", choices=["fake", "real"], default="fake")
    ap.add_argument("--runs", type=int, default=3, help="passes over the dev queries for search timings")
    ap.add_argument("--sizes", default="10000,50000,100000,200000", help="FAISS sizes (empty: skip)")
    ap.add_argument("--stores", default="", help="faiss-flat,faiss-hnsw,milvus-lite (only these cases)")
    ap.add_argument("--store-sizes", default="10000,100000,1000000")
    ap.add_argument("--case-timeout", type=int, default=900, help="seconds one store case may take")
    ap.add_argument("--case", help=argparse.SUPPRESS)      # KIND:N, one case (what --stores runs)
    args = ap.parse_args()
    if args.case:
        kind, n = args.case.split(":")
        print(json.dumps(store_case(kind, int(n))), flush=True)
        return
    if args.stores:
        rows = stores(args.stores.split(","), [int(s) for s in args.store_sizes.split(",")], args.case_timeout)
        print(json.dumps({"cpus": os.cpu_count(), "stores": rows}, indent=2))
        return
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
