"""Benchmark the summary model (a measurement, not a test).

usage: python bench/summary.py [--index embeddings] [--queries FILE] [--limit N] [--k 3]
                               [--modes grounded,free] [--llama /path/to/venv/bin/python]
                               [--configs float:1:seq,int8:1:seq,int8:1,int8:0] [--free-configs float:1,int8:0]
                               [--json OUT] [--skip-convert] [--skip-speed]

Measures, in one run on this machine:
  * converting the GGUF to float weights (into a temp folder) vs loading the converted cache;
  * time to first token and tokens per second of the product path (Summariser.stream), for
    each decoding mode (grounded: stitched from the quotes, rag/grounded.py; free: forced [n]
    citations only), over the first queries of the set, for each configuration WEIGHTS:THREADS[:seq]
    side by side, interleaved query by query (float or int8 linear layers; torch threads while
    writing, 0: the product's default, half the cores; seq: grounded decoding's fragment relevance computed before the model
    reads the prompt instead of meanwhile); "float:1:seq" is the product before these changes
    (the search embedder's worker left torch at 1 thread), the baseline of the same run;
  * the same GGUF file run by llama.cpp (llama-cpp-python, if an interpreter that has it is
    given with --llama; a reference only, never a dependency), same prompts, greedy;
  * over every query of the set, per mode: the share of summary sentences judged supported
    by rag/verify.py, and by an independent check written here (every number and name of the
    sentence occurs in the quotes it cites, and at least 90 % of its content words do; no
    stemming, no speaker or title: the quote texts only); quotation marks the quotes lack;
    a rough usefulness proxy (sentences sharing >= 60 % of their words with a gold sentence);
    how many quotes a summary draws on; sentences that copy one whole quote sentence; how
    many citations named no quote, how often it stopped early or fell back.
"""
from __future__ import annotations

import argparse
import json
import os
import re
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
    llm.reset()
    for piece in llm.create_completion(prompt, max_tokens=job["max_tokens"], temperature=0.0, top_k=1, stream=True):
        if first is None:
            first = time.perf_counter() - t0
        n += 1
    total = time.perf_counter() - t0
    out["runs"].append({"ttft_s": first, "tokens": n, "total_s": total,
                        "tok_s": (n - 1) / (total - first) if n > 1 and total > first else None})
print(json.dumps(out))
"""


# a plain English stop list: the words that carry no content of their own
STOP = set("""a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just let me more most much my
myself neither no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too under
until up upon very was we were what when where which while who whom whose why will with within without would
yet you your yours yourself yourselves s t don didn doesn isn wasn weren won wouldn shouldn couldn ll ve re d m
one may might must shall us""".split())
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*")
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{3,})[\"“”«»]")


def _words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _TOKEN.findall(text)]


def independent_check(sentence: str, cited: list[str]) -> tuple[bool, list[str]]:
    """(supported, problems): every number and name of `sentence` occurs in the cited quote texts,
    and >= 90 % of its content words do (exact words, case-insensitive; nothing from rag/verify.py)."""
    if not cited:
        return False, ["cites no quote"]
    source = _words(" ".join(cited))
    lower = {w.lower() for w in source}
    exact = set(source)
    words = _words(sentence)
    problems = []
    for i, w in enumerate(words):
        if w[0].isdigit() and w not in exact and w.replace(",", "") not in {x.replace(",", "") for x in exact}:
            problems.append(f"number {w}")
        elif w[0].isupper() and i > 0 and w.lower() not in STOP and w not in exact:
            problems.append(f"name {w}")
    content = [w.lower() for w in words if not w[0].isdigit() and w.lower() not in STOP]
    found = sum(w in lower for w in content)
    share = found / len(content) if content else 1.0
    if share < 0.9:
        problems.append(f"content words {share:.0%}")
    return not problems, problems


def invented_quotations(sentence: str, cited: list[str]) -> int:
    """Quoted spans ("…") of `sentence` that are in no cited quote, plus unpaired quotation marks."""
    spans = _QUOTED.findall(sentence)
    bad = sum(1 for q in spans if not any(q.strip() in c for c in cited))
    marks = len(re.findall(r"[\"“”«»]", sentence)) - 2 * len(spans)
    return bad + (1 if marks > 0 else 0)


def gold_overlap(sentence: str, gold: list[str]) -> bool:
    """A rough usefulness proxy: >= 60 % of the sentence's words are in one gold sentence of the query."""
    words = {w.lower() for w in _words(sentence)}
    return bool(words) and max((len(words & {w.lower() for w in _words(g)}) / len(words) for g in gold),
                               default=0.0) >= 0.6


def support_pass(s, retriever, queries, k, max_tokens, grounded):
    """Every query's summary in one mode, checked both ways."""
    from collections import Counter

    from rag.chunk import sentences as split_sentences

    per_query = []
    t_all = time.perf_counter()
    for q in queries:
        hits = retriever.search(q["query"], k).hits
        if not hits:
            continue
        t0 = time.perf_counter()
        summary = s.summarise(q["query"], hits, retriever.index, retriever.embedder,
                              max_new_tokens=max_tokens, time_limit=300, grounded=grounded)
        by_rank = {h.rank: h.passage.text for h in hits}
        rows = []
        for c in summary.sentences:
            cited = [by_rank[n] for n in c.citations if n in by_rank]
            ok, why = independent_check(c.text, cited)
            whole = {h.passage.text[a:b].strip() for h in hits for a, b in split_sentences(h.passage.text)}
            rows.append({"text": c.text, "citations": c.citations, "supported": c.supported,
                         "problems": list(c.problems), "independent": ok, "independent_problems": why,
                         "invented_quotations": invented_quotations(c.text, cited),
                         "copies_a_quote_sentence": c.text.strip() in whole,
                         "gold": gold_overlap(c.text, q.get("gold") or []),
                         "words": len(c.text.split()),
                         "fragments": [[f.quote, f.start, f.end] for f in c.fragments]})
        per_query.append({"id": q["id"], "query": q["query"], "kind": q.get("kind"), "model": summary.model,
                          "reason": summary.reason, "removed_citations": summary.removed_citations,
                          "seconds": round(time.perf_counter() - t0, 2),
                          "quotes_used": len({n for r in rows for n in r["citations"]}), "sentences": rows})
    runs = [r for r in per_query if r["model"] != "extractive"]
    rows = [x for r in runs for x in r["sentences"]]
    n = len(rows)
    share = lambda key: round(sum(bool(x[key]) for x in rows) / n, 3) if n else None
    return {
        "grounded": grounded, "queries": len(per_query), "model_summaries": len(runs),
        "fallbacks": len(per_query) - len(runs), "sentences": n,
        "supported_share": share("supported"), "independent_share": share("independent"),
        "both_share": round(sum(x["supported"] and x["independent"] for x in rows) / n, 3) if n else None,
        "cited_share": round(sum(bool(x["citations"]) for x in rows) / n, 3) if n else None,
        "invented_quotations": sum(x["invented_quotations"] for x in rows),
        "copies_a_quote_sentence": share("copies_a_quote_sentence"),
        "median_words": med([x["words"] for x in rows]),
        "gold_sentences": sum(x["gold"] for x in rows),
        "queries_with_gold_sentence": sum(any(x["gold"] for x in r["sentences"]) for r in runs),
        "quotes_used_median": med([r["quotes_used"] for r in runs]),
        "summaries_using_2_plus_quotes": sum(r["quotes_used"] >= 2 for r in runs),
        "removed_citations": sum(r["removed_citations"] for r in runs),
        "stopped_early": sum(1 for r in runs if r["reason"]),
        "median_seconds": med([r["seconds"] for r in per_query]),
        "total_s": round(time.perf_counter() - t_all, 1),
        "problems": dict(Counter(p.split(" (")[0].split(":")[0] for x in rows for p in x["problems"])),
        "independent_problems": dict(Counter(p.split(" ")[0] for x in rows for p in x["independent_problems"])),
        "per_query": per_query}


def med(xs):
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 3) if xs else None


def _one_run(s, retriever, query, hits, max_tokens, grounded) -> dict:
    tok = s._tokenizer
    t0, first, text, last = time.perf_counter(), None, "", None
    for u in s.stream(query, hits, retriever.index, retriever.embedder,
                      max_new_tokens=max_tokens, time_limit=300, grounded=grounded):
        if first is None and u.text:
            first = time.perf_counter() - t0
        if not u.done:
            text = u.text
            last = time.perf_counter() - t0
    n = len(tok.encode(text, add_special_tokens=False))
    return {"prompt_tokens": s.last_prompt[0], "reused_tokens": s.last_prompt[1], "ttft_s": first, "tokens": n,
            "tok_s": (n - 1) / (last - first) if first and last and n > 1 and last > first else None,
            "total_s": last, "load_avg": os.getloadavg()[0]}


def raw_decode(s: Summariser, prompts: list[list[int]], max_tokens: int) -> dict:
    """What llama.cpp's side measures, on our engine: the prompt's token ids, then greedy unconstrained
    tokens (argmax of the logits, no stop but the token limit): time to first token and tokens/s."""
    import numpy as np

    from rag import grounded

    runs = []
    for ids in prompts:
        if s._lm is not None:
            s._lm._generator = None          # no prefix reused: the whole prompt is read, as llama.cpp does below
        step = s._lm.steps(ids) if s._lm is not None else grounded.TorchSteps(s._load_torch())
        t0 = time.perf_counter()
        logits = step(ids)
        first = time.perf_counter() - t0
        for _ in range(max_tokens - 1):
            logits = step([int(np.argmax(np.asarray(logits)))])
        total = time.perf_counter() - t0
        runs.append({"ttft_s": first, "tokens": max_tokens, "tok_s": (max_tokens - 1) / (total - first)})
    return {"ttft_s": med([r["ttft_s"] for r in runs]), "tok_s": med([r["tok_s"] for r in runs]), "runs": runs}


def speed_pass(summarisers: dict, retriever, queries, k, max_tokens, grounded):
    """Time to first token and tokens/s of Summariser.stream in one mode, for each configuration
    ({name: Summariser}), interleaved query by query (the machine's load changes over a run: each
    configuration sees the same moments); also the prompts."""
    speed = {name: [] for name in summarisers}
    prompts = []
    for q in queries:
        hits = retriever.search(q["query"], k).hits
        if not hits:
            continue
        for name, s in summarisers.items():
            speed[name].append(_one_run(s, retriever, q["query"], hits, max_tokens, grounded))
        prompts.append(list(s.last_prompt_ids))      # the last configuration's prompt (the product's)
    return {name: {"ttft_s": med([r["ttft_s"] for r in runs]), "tok_s": med([r["tok_s"] for r in runs]),
                   "total_s": med([r["total_s"] for r in runs]),
                   "prompt_tokens": med([r["prompt_tokens"] for r in runs]),
                   "quantized": summarisers[name].quantized, "runs": runs}
            for name, runs in speed.items()}, prompts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default="embeddings")
    ap.add_argument("--queries", default=str(Path(__file__).resolve().parent.parent / "eval" / "dev-queries.jsonl"))
    ap.add_argument("--limit", type=int, default=0, help="only the first N queries for the support share")
    ap.add_argument("--speed-queries", type=int, default=5)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--max-tokens", type=int, default=120)
    ap.add_argument("--modes", default="grounded,free", help="decoding modes, comma-separated")
    ap.add_argument("--configs", default="int8:0:full,int8:0,onnx:0:seq,onnx:0",
                    help="grounded speed: WEIGHTS:THREADS[:seq][:full] each (float|int8: transformers with float or "
                         "int8 linear layers; onnx: onnxruntime-genai, int4; threads while writing, 0: the product's "
                         "default (transformers: half the cores; onnx: all); seq / ovl: the fragments' relevance "
                         "computed before / while the prompt is read (default: while on transformers, before on onnx); cNNN: "
                         "NNN characters of each quote in a grounded prompt; full: the grounded prompt as before, every quote from "
                         "its start, up to 900 characters); the first is the baseline (the product before: int8:0:full)")
    ap.add_argument("--free-configs", default="float:1,int8:0", help="the same for free writing")
    ap.add_argument("--support-config", default="onnx:0", help="the configuration of the support pass (onnx:0: "
                                                               "the product's default with the fast extra)")
    ap.add_argument("--support-modes", default="grounded", help="decoding modes of the support pass")
    ap.add_argument("--llama", default=os.environ.get("RAG_BENCH_LLAMA", ""),
                    help="a Python that has llama-cpp-python (the reference; never a dependency of the product)")
    ap.add_argument("--skip-convert", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-support", action="store_true")
    ap.add_argument("--json", help="write the figures here too")
    args = ap.parse_args()
    import torch

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    report: dict = {"k": args.k, "max_tokens": args.max_tokens, "load_avg_start": os.getloadavg()}

    gguf = models.fetch_gguf(log=print)
    if not args.skip_convert:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            models.convert(gguf, Path(tmp) / "m")
            report["convert_s"] = round(time.perf_counter() - t0, 2)
    models.prepare_default(log=print)

    def summariser(config: str) -> Summariser:
        weights, threads, *rest = config.split(":")
        s = Summariser(int8=weights == "int8", threads=int(threads) or None,
                       engine="onnx" if weights == "onnx" else "torch")
        s.overlap = False if "seq" in rest else True if "ovl" in rest else None   # None: the product's default
        if "full" in rest:                      # full: the grounded prompt as before (every quote, 900 characters)
            s.quote_count, s.quote_chars = 99, None
        for r in rest:                          # cNNN: NNN characters of each quote in a grounded prompt
            if r[:1] == "c" and r[1:].isdigit():
                s.quote_chars = int(r[1:])
        return s

    s = summariser(args.support_config)
    t0 = time.perf_counter()
    s.load()
    report["load_converted_s"] = round(time.perf_counter() - t0, 2)

    retriever = open_retriever(Path(args.index))
    queries = [json.loads(line) for line in open(args.queries, encoding="utf-8") if line.strip()]
    if args.limit:
        queries = queries[: args.limit]

    # one search first: the embedder's worker thread sets torch's (process-wide) thread count to 1,
    # as in the product; each summariser sets its own while it writes (rag/summarise.py)
    # (the warm-up asks the set's last question: a speed run's first prompt must not be one the model just read)
    warm_query = queries[-1]["query"]
    warm = retriever.search(warm_query, args.k).hits
    report["threads_after_search"] = torch.get_num_threads()
    report["cpu_count"] = os.cpu_count()

    if not args.skip_speed:
        prompts = grounded_prompts = []
        for mode, configs in (("grounded", args.configs), ("free", args.free_configs)):
            if mode not in modes:
                continue
            chosen = {}
            for config in [c.strip() for c in configs.split(",") if c.strip()]:
                chosen[config] = m = summariser(config)
                m.load()
                # one warm-up generation each: torch's first call pays one-off costs
                m.summarise(warm_query, warm, retriever.index, retriever.embedder, max_new_tokens=8,
                            grounded=mode == "grounded")
            figures, prompts = speed_pass(chosen, retriever, queries[: args.speed_queries], args.k,
                                          args.max_tokens, mode == "grounded")
            if mode == "grounded":       # each engine on the product's prompts, as llama.cpp runs them below
                grounded_prompts = prompts
                for config, m in chosen.items():
                    report[f"raw_{config}"] = raw = raw_decode(m, prompts, args.max_tokens)
                    print("raw", config, {k: v for k, v in raw.items() if k != "runs"}, flush=True)
            base = next(iter(figures.values()))
            for config, f in figures.items():
                f["ttft_vs_first"] = round(f["ttft_s"] / base["ttft_s"], 3) if f["ttft_s"] and base["ttft_s"] else None
                f["tok_s_vs_first"] = round(f["tok_s"] / base["tok_s"], 3) if f["tok_s"] and base["tok_s"] else None
                report[f"speed_{mode}_{config}"] = f
                print(mode, config, {k: v for k, v in f.items() if k != "runs"}, flush=True)
            del chosen
        if args.llama and Path(args.llama).exists():
            job = {"gguf": str(gguf), "prompts": grounded_prompts, "max_tokens": args.max_tokens, "threads": os.cpu_count()}
            run = subprocess.run([args.llama, "-c", LLAMA_SCRIPT], input=json.dumps(job), capture_output=True,
                                 text=True)
            if run.returncode == 0:
                ll = json.loads(run.stdout.strip().splitlines()[-1])
                report["llama_cpp"] = {"load_s": round(ll["load_s"], 2),
                                       "ttft_s": med([r["ttft_s"] for r in ll["runs"]]),
                                       "tok_s": med([r["tok_s"] for r in ll["runs"]]), "runs": ll["runs"]}
            else:
                report["llama_cpp"] = {"error": run.stderr[-500:]}
        else:
            report["llama_cpp"] = {"error": f"no interpreter with llama-cpp-python at {args.llama} (it has no "
                                            "prebuilt wheel here; building it needs a compiler)"}

    if not args.skip_support:
        for mode in [m.strip() for m in args.support_modes.split(",") if m.strip()]:
            report[f"support_{mode}"] = support_pass(s, retriever, queries, args.k, args.max_tokens,
                                                     mode == "grounded")
            report[f"support_{mode}"]["config"] = args.support_config
            print(mode, "support", {k: v for k, v in report[f"support_{mode}"].items() if k != "per_query"}, flush=True)
    report["load_avg_end"] = os.getloadavg()
    text = json.dumps(report, indent=1, ensure_ascii=False)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    brief = {k: ({kk: vv for kk, vv in v.items() if kk not in ("per_query", "runs")} if isinstance(v, dict) else v)
             for k, v in report.items()}
    print(json.dumps(brief, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
