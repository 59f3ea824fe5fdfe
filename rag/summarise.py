"""Summarise the quotes with a small local model, then check every sentence of it.

The model (default SmolLM2-135M-Instruct, see rag/models.py; or any local causal or
seq2seq transformers model, by folder or hub name) sees the question and the numbered
quotes (rag/prompt.py: the quotes are data, defused) and is asked for a short answer whose
sentences cite quotes as ``[n]`` (n = Hit.rank); an instruction inside a quote is neither to be
followed nor a fact (rag/verify.py also refuses such a quote as support).

Two ways of decoding a causal model. *Grounded* (the default for the shipped model;
rag/grounded.py): each sentence is stitched from fragments of the quotes, joined by a
few connectives, and its ``[n]`` names exactly the quotes its fragments came from; the
model chooses among the fragments, helped by their similarity to the question. *Free*
(the default for any other model, ``grounded=False``): the model writes what it likes;
small models do not write [n] on their own, so decoding forces the format (after each
sentence: `` [n]`` with n an existing quote number) but not the choice. Both are
greedy, with a token limit and a wall-clock limit, and stop after MAX_SENTENCES
sentences (or, free, a repeated one); free decoding streams through
TextIteratorStreamer from a generation thread, grounded decoding from its own loop.
The finished text is checked sentence by sentence (rag/verify.py), grounded sentences'
fragments against their documents too (verify.fragment_problems).

A second backend, ``ServerSummariser``, has the same ``stream``: the summary is written
by any OpenAI-compatible server (rag/llm.py: llama.cpp's server, Ollama, vLLM…), with
the same prompt, stop rules and check, free writing only.

The model loads once per process, on first use, behind a lock; one generation runs
at a time (a second user waits, within their time limit). Speed on a CPU: the shipped model's
grounded decoding runs on onnxruntime-genai with int4 weights (rag/onnxlm.py; the `fast` extra,
$RAG_SUMMARY_ENGINE=auto|onnx|torch), whose per-token cost is a fifth of transformers'; a grounded
prompt shows only the first GROUNDED_QUOTES quotes, each by the sentences around its match
(grounded_span), and the instructions at its start are read once and reused. On transformers
(free writing, other models, or without the extra) the linear layers are quantized to int8 when
it loads (torch's dynamic quantization; $RAG_SUMMARY_INT8=0 keeps float), grounded decoding embeds
its fragments while the model reads the prompt, and a summary is written with its own torch
thread count (half the cores, $RAG_SUMMARY_THREADS), restored after (the search embedder's
worker sets it to 1 for the whole process). bench/summary.py measures all of it against llama.cpp.
When the model is
unavailable, busy past the time limit, or yields no sentence, the model-free
``extractive_summary`` is returned instead, with the reason (a summary server that is
down or slow yields a Summary without sentences that says so: the quotes stand).
What it leaves out: sampling, batching several users into one generation, and GPU
placement.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator

import numpy as np

from . import llm
from .chunk import sentences
from .errors import ModelError, install_command
from .grounded import MAX_SENTENCES    # the model stops after this many (cited) sentences, grounded or not
from .models import DEFAULT_SUMMARY_MODEL, ENGINE_VARIABLE, is_default, prepare_onnx, resolve_summary_model
from .prompt import GROUNDED_QUOTE_CHARS, GROUNDED_QUOTES, _plain_prompt, grounded_span, prompt_messages
from .records import Hit
from .verify import CheckedSentence, Fragment, check, fragment_problems, instructions, split, strip_citations

__all__ = ["Summary", "SummaryUpdate", "CheckedSentence", "Fragment", "Summariser", "ServerSummariser", "get_summariser",
           "extractive_summary", "EXTRACTIVE"]

MAX_NEW_TOKENS = 120
TIME_LIMIT = 60.0            # seconds of generation, after the model is loaded
EXTRACTIVE = "extractive"
# why an answer has no summary when its search abstained: its quotes are only the nearest passages, and a summary of
# them would answer a question the documents do not
NO_SUMMARY_ABSTAINED = ("No summary: the documents do not appear to answer this, so the nearest passages are not "
                        "summarised.")
THREADS_VARIABLE = "RAG_SUMMARY_THREADS"   # threads while a summary is written (default: transformers half the cores, onnx all)
INT8_VARIABLE = "RAG_SUMMARY_INT8"         # "0": keep the model's float weights (default: int8 linear layers)
ENGINES = ("auto", "onnx", "torch")
log = logging.getLogger("rag.summarise")

@dataclass(frozen=True)
class Summary:
    sentences: list[CheckedSentence]
    model: str                       # the model's name, or "extractive"
    reason: str | None = None        # why it stopped early or fell back; None when it finished normally
    removed_citations: int = 0       # [n] markers that named no quote
    grounded: bool = False           # written by grounded decoding: each sentence has its fragments


@dataclass(frozen=True)
class SummaryUpdate:
    text: str                        # the raw model text so far (never shown as a quote)
    done: bool
    summary: Summary | None = None   # set on the last update


# ---------------------------------------------------------------- the model

def _stopped(why: str, time_limit: float = 0.0, max_new_tokens: int = 0, error: Exception | None = None) -> str:
    """Why a summary stopped early, in the words the chat shows (every backend's): `why` is "time", "tokens",
    "repeat" or "error"."""
    return {"time": f"Stopped at the time limit ({time_limit:g} s).",
            "tokens": f"Stopped at the token limit ({max_new_tokens} tokens).",
            "repeat": "The model began to repeat a sentence; it was stopped and the repeat left out.",
            "error": f"The model stopped with an error: {error}"}[why]


_REASONING = re.compile(r"<(think|thinking|reasoning)>.*?(?:</\1>\s*|$)", re.S | re.I)


def _without_reasoning(text: str) -> str:
    """A server's answer without the reasoning a model writes before it ("<think>…</think>", as vLLM without a
    reasoning parser and llama.cpp's --reasoning-format none send it): that is neither the summary nor checked
    (it was shown as summary sentences, the answer glued to its last); an unclosed one is still being written."""
    return _REASONING.sub("", text).lstrip()


def _stop_reason(text: str) -> str | None:
    """"repeat" when the text repeats a finished sentence, "sentences" when MAX_SENTENCES cited
    sentences are done, else None (both backends stop there)."""
    done = [t for t, _ in split(text)][:-1] if not re.search(r"[.!?\]]\s*$", text) else \
        [t for t, _ in split(text)]
    plain = [strip_citations(t).lower() for t in done]
    if len(set(plain)) < len(plain):
        return "repeat"
    return "sentences" if len(done) >= MAX_SENTENCES and re.search(r"\]\s*[.!?]?\s*$", text) else None


class _Limits:
    """StoppingCriteria: stop at the deadline, when the reader went away, after MAX_SENTENCES
    sentences, or when the model repeats a sentence (small models loop)."""

    def __init__(self, deadline: float, cancel: threading.Event, tokenizer=None, prompt_len: int = 0):
        self.deadline, self.cancel, self.hit = deadline, cancel, None
        self.tok, self.prompt_len = tokenizer, prompt_len

    def _enough(self, input_ids) -> str | None:
        if self.tok is None or input_ids.shape[1] <= self.prompt_len:
            return None
        return _stop_reason(self.tok.decode(input_ids[0, self.prompt_len:], skip_special_tokens=True))

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        if self.cancel.is_set():
            self.hit = "cancelled"
        elif time.monotonic() >= self.deadline:
            self.hit = "time"
        else:
            self.hit = self._enough(input_ids)
        done = self.hit is not None
        return torch.full((input_ids.shape[0],), done, dtype=torch.bool)


class _CiteAfterSentences:
    """LogitsProcessor: after each sentence the model writes, it must write ` [n]` with n one
    of the quote numbers. Only the format is forced; which quote it cites is the model's choice
    (its most likely valid number). Off when the tokenizer does not spell these as single tokens."""

    def __init__(self, tokenizer, ranks: list[int], prompt_len: int):
        self.tok, self.prompt_len = tokenizer, prompt_len
        self.valid = {str(r) for r in ranks}

        def single(text):
            ids = tokenizer.encode(text, add_special_tokens=False)
            return ids[0] if len(ids) == 1 else None

        self.open = single(" [") or single("[")
        self.close = single("]")
        self.digits = {d: single(d) for d in "0123456789"}
        self.usable = bool(self.valid) and None not in (self.open, self.close, *self.digits.values())
        self.state, self.number = "text", ""

    def __call__(self, input_ids, scores):
        if not self.usable or input_ids.shape[1] <= self.prompt_len:
            return scores
        if self.state == "text":
            since = self.tok.decode(input_ids[0, self.prompt_len:], skip_special_tokens=True).rsplit("]", 1)[-1]
            if re.search(r"[.!?]['\"”’)]*\s*$", since) and "[" not in since \
                    and len(re.findall(r"\w+", since)) >= 3:
                self.state, self.number = "open", ""
                return self._only(scores, [self.open])
            return scores
        last = self.tok.decode(input_ids[0, -1:])
        if self.state == "open":
            self.state = "number"
        else:
            self.number += last.strip()
        allowed = [self.digits[d] for d in "0123456789" if any(v.startswith(self.number + d) for v in self.valid)]
        if self.number in self.valid:
            allowed.append(self.close)
        if not allowed or (self.number in self.valid and len(allowed) == 1):
            self.state = "text"
            return self._only(scores, [self.close])
        return self._only(scores, allowed)

    @staticmethod
    def _only(scores, ids):
        import torch

        keep = torch.full_like(scores, float("-inf"))
        keep[:, ids] = scores[:, ids]
        return keep


class _Summarises:
    """What the local and the server summariser share: summarise(), the last update of their stream()."""

    def summarise(self, question: str, hits: list[Hit], index, embedder=None, **limits) -> Summary:
        last = None
        for last in self.stream(question, hits, index, embedder, **limits):
            pass
        return last.summary


def _final(text: str, reason: str | None, question: str, hits: list[Hit], index, embedder, name: str,
           stitched=None) -> SummaryUpdate:
    """A stream's last update: the model's text, each sentence checked against the quotes (verify.check; a grounded
    text's fragments attached), or the extractive summary when it wrote no sentence to check."""
    checked, removed = check(text, hits, index, embedder, question=question)
    if not checked:
        return _fallback(question, hits, index, embedder,
                         (reason + " " if reason else "") + "The model wrote no sentence to check.", text)
    if stitched is not None:
        checked = _with_fragments(checked, stitched, hits, index)
    return SummaryUpdate(text, True, Summary(checked, name, reason, removed, grounded=stitched is not None))


class Summariser(_Summarises):
    """One local model, loaded on first use; `stream` is safe to call from many threads."""

    def __init__(self, model_name: str | None = None, grounded: bool | None = None,
                 *, int8: bool | None = None, threads: int | None = None, engine: str | None = None):
        # what runs grounded decoding: onnxruntime-genai (int4, rag/onnxlm.py) or transformers; None: $RAG_SUMMARY_ENGINE
        engine = (engine or os.environ.get(ENGINE_VARIABLE, "") or "auto").strip().lower()
        if engine not in ENGINES:
            raise ModelError(f"Unknown summary engine {engine!r} (one of {', '.join(ENGINES)}).")
        self.engine = engine              # resolved to "onnx" or "torch" when the model loads
        # int8 linear layers (None: unless $RAG_SUMMARY_INT8=0); torch threads while writing (None: generation_threads())
        self.int8 = os.environ.get(INT8_VARIABLE, "1").strip().lower() not in ("0", "false", "no", "off") \
            if int8 is None else bool(int8)
        self.threads = threads
        self.quantized = False            # whether the loaded model's linear layers are int8
        # grounded: the fragments' relevance computed while the prompt is read (True), or before (False);
        # None: while on transformers (its one thread leaves a core free), before on onnx (it uses every core)
        self.overlap: bool | None = None
        # grounded prompts: the quotes shown and the characters of each (bench/summary.py varies them)
        self.quote_count, self.quote_chars = GROUNDED_QUOTES, GROUNDED_QUOTE_CHARS
        self.last_prompt: tuple[int, int] | None = None   # (tokens, of which reused from the last prompt)
        self.last_prompt_ids: list[int] = []
        self.name = DEFAULT_SUMMARY_MODEL if is_default(model_name) else model_name
        self._default = is_default(model_name)
        # grounded decoding (rag/grounded.py): the default for the shipped model; free writing for others
        self.grounded = self._default if grounded is None else bool(grounded)
        self._model = None                # the transformers model (free writing; grounded too on the torch engine)
        self._lm = None                   # the onnxruntime-genai model (grounded decoding on the onnx engine)
        self._path = None
        self._tokenizer = None
        self._seq2seq = False
        self._load_lock = threading.RLock()
        self._generate_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None or self._lm is not None

    def load(self, log=lambda msg: None) -> None:
        """Load the model (fetching and converting the default on first use, and building its
        ONNX graph for the onnx engine); idempotent."""
        with self._load_lock:
            if self.loaded:
                return
            path = resolve_summary_model(None if self._default else self.name, log)
            try:
                from transformers import AutoConfig, AutoTokenizer

                config = AutoConfig.from_pretrained(path)
                self._seq2seq = bool(getattr(config, "is_encoder_decoder", False))
                tokenizer = AutoTokenizer.from_pretrained(path)
            except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
                raise ModelError(_cannot_load(self.name, path, e)) from e
            self._path, self._tokenizer = path, tokenizer
            if self._use_onnx():
                from .onnxlm import OnnxLM

                try:
                    # every core ($RAG_SUMMARY_THREADS if set): the fragments' relevance is computed before, not meanwhile
                    threads = self.threads or generation_threads(default=os.cpu_count() or 1)
                    self._lm = OnnxLM(prepare_onnx(path, log), threads=threads)
                    self.engine, self.quantized = "onnx", True
                except ModelError as e:
                    if self.engine == "onnx":
                        raise
                    log(f"The ONNX engine is unavailable ({e}); the summary model runs on transformers.")
            if self._lm is None:
                self.engine = "torch"
                self._load_torch()

    def _use_onnx(self) -> bool:
        from . import onnxlm

        if self.engine == "torch" or self._seq2seq or not self.grounded:
            return False
        if self.engine == "onnx":
            if not onnxlm.available():
                raise ModelError(f"The onnx summary engine needs onnxruntime-genai: {install_command('fast')}")
            return True
        return self._default and onnxlm.available()    # auto: the shipped model, when onnxruntime-genai is here

    def _load_torch(self):
        """The transformers model (free writing on any engine, everything on torch); loaded once."""
        with self._load_lock:
            return self._model if self._model is not None else self._read_torch()

    def _read_torch(self):
        try:
            from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM

            cls = AutoModelForSeq2SeqLM if self._seq2seq else AutoModelForCausalLM
            model = cls.from_pretrained(self._path)
        except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
            raise ModelError(_cannot_load(self.name, self._path, e)) from e
        model.eval()
        if self.int8:
            model, self.quantized = _quantized(model)
        self._model = model
        return model

    def _inputs(self, question: str, hits: list[Hit], spans: dict | None = None):
        tok = self._tokenizer
        specials = sorted(set(tok.all_special_tokens) | {str(t) for t in tok.added_tokens_decoder.values()},
                          key=len, reverse=True)
        messages = prompt_messages(question, hits, specials, spans)
        if getattr(tok, "chat_template", None) and not self._seq2seq:
            return tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                           return_dict=True)
        return tok(_plain_prompt(messages), return_tensors="pt", truncation=True)

    def stream(self, question: str, hits: list[Hit], index, embedder=None, *,
               max_new_tokens: int = MAX_NEW_TOKENS, time_limit: float = TIME_LIMIT,
               grounded: bool | None = None, speaker: str | None = None) -> Iterator[SummaryUpdate]:
        """Stream the raw model text, then the checked Summary (done=True). Closing the
        iterator early stops the generation. `grounded`: stitch sentences from the quotes
        (rag/grounded.py) or write freely; None: this summariser's default (self.grounded). `speaker`: the speaker
        the search was restricted to (Result.speaker), whose words alone a grounded summary stitches."""
        grounded = self.grounded if grounded is None else grounded
        embedder = embedder or shared_embedder()
        if not hits:
            yield SummaryUpdate("", True, Summary([], self.name, "There are no quotes to summarise."))
            return
        try:
            self.load()
            if self._lm is None or not grounded or self._seq2seq:
                self._load_torch()        # free writing on the onnx engine: transformers, loaded on first use
        except ModelError as e:
            yield _fallback(question, hits, index, embedder, f"The summary model is unavailable: {e}")
            return
        started = time.monotonic()
        if not self._generate_lock.acquire(timeout=max(0.0, time_limit)):
            yield _fallback(question, hits, index, embedder,
                            f"The summary model was busy for the whole time limit ({time_limit:g} s).")
            return
        text, reason = "", None
        threads = _torch_threads(self.threads or generation_threads())
        threads.__enter__()
        try:
            if grounded and not self._seq2seq:
                text, reason, stitched = yield from self._generate_grounded(question, hits, embedder, max_new_tokens,
                                                                            started + time_limit, time_limit,
                                                                            index=index, speaker=speaker)
            else:
                text, reason = yield from self._generate(question, hits, max_new_tokens,
                                                         started + time_limit, time_limit)
                stitched = None
        finally:
            threads.__exit__(None, None, None)
            self._generate_lock.release()
        yield _final(text, reason, question, hits, index, embedder, self.name, stitched)

    def _generate_grounded(self, question, hits, embedder, max_new_tokens, deadline, time_limit, index=None,
                           speaker=None):
        """Grounded decoding (rag/grounded.py): yields the text as it grows; returns (text, reason,
        the finished sentences as (fragments, citations))."""
        from . import grounded
        from .cite import voices
        from .scope import one_of

        tok = self._tokenizer
        # a quote that gives orders supports nothing (rag/verify.py), so none of it is offered (or shown);
        # of the others, the first GROUNDED_QUOTES, each by the sentences around its match
        usable = [h for h in hits if not instructions(h.passage.text) and not instructions(h.passage.question or "")]
        usable = usable[:self.quote_count]
        spans = {h.rank: grounded_span(h, self.quote_chars) for h in usable}
        prompt = [int(t) for t in self._inputs(question, usable, spans)["input_ids"][0]]
        # who says each part of each quote (a meeting's window holds several speakers' turns): a sentence joins
        # fragments of one speaker only
        spoken = {h.rank: voices(h.passage, index) for h in usable}
        # a search restricted to a speaker ("What did the Chair say …?") is answered in their words only: a window
        # of their turns holds others' too
        plan = grounded.Plan(tok, [(h.rank, h.passage, spans[h.rank]) for h in usable], voices=spoken,
                             only=set(one_of(speaker)) if speaker else None)
        step = self._lm.steps(prompt) if self._lm is not None else grounded.TorchSteps(self._load_torch())
        self.last_prompt = (len(prompt), self._lm.reused if self._lm is not None else 0)
        self.last_prompt_ids = prompt
        # the fragments' relevance (the search embedder) is computed while the model reads the prompt
        overlap = self._lm is None if self.overlap is None else self.overlap
        relevance = _Background(grounded.relevance, plan, question, embedder) if overlap else None
        scores = None if overlap else grounded.relevance(plan, question, embedder)
        made: list = []

        def decoder():
            made.append(grounded.Decoder(plan, max_sentences=MAX_SENTENCES,
                                         relevance=relevance.result() if relevance is not None else scores))
            return made[0]

        text, why = "", None
        try:
            for ids, why in grounded.generate(step, prompt, decoder, max_new_tokens=max_new_tokens,
                                              deadline=deadline):
                new = tok.decode(ids, skip_special_tokens=True)
                if new != text:
                    text = new
                    yield SummaryUpdate(text, False, None)
        except Exception as e:  # noqa: BLE001 - the chat shows the reason; the log keeps the traceback
            log.exception("the summary model failed")
            return _drop_unfinished(text), _stopped("error", error=e), made[0].sentences if made else []
        finally:
            if relevance is not None:
                relevance.join()
        sentences = made[0].sentences if made else []
        reason = _stopped(why, time_limit, max_new_tokens) if why in ("time", "tokens") else None
        return (_drop_unfinished(text) if reason else text), reason, sentences

    def _generate(self, question, hits, max_new_tokens, deadline, time_limit):
        from transformers import LogitsProcessorList, StoppingCriteriaList, TextIteratorStreamer

        tok, model = self._tokenizer, self._load_torch()
        inputs = {k: v for k, v in self._inputs(question, hits).items() if k in ("input_ids", "attention_mask")}
        streamer = TextIteratorStreamer(tok, skip_prompt=True, skip_special_tokens=True,
                                        timeout=max(1.0, time_limit) + 30)
        cancel = threading.Event()
        limits = _Limits(deadline, cancel, tok, 0 if self._seq2seq else inputs["input_ids"].shape[1])
        self.last_prompt = (int(inputs["input_ids"].shape[1]), 0)
        result: dict = {}
        cite = [] if self._seq2seq else \
            [_CiteAfterSentences(tok, [h.rank for h in hits], inputs["input_ids"].shape[1])]

        threads = self.threads or generation_threads()

        def run():
            import torch

            try:
                with torch.inference_mode(), _torch_threads(threads):
                    out = model.generate(**inputs, streamer=streamer, do_sample=False,
                                         max_new_tokens=max_new_tokens, repetition_penalty=1.1,
                                         stopping_criteria=StoppingCriteriaList([limits]),
                                         logits_processor=LogitsProcessorList(cite) if cite else None,
                                         pad_token_id=tok.pad_token_id if tok.pad_token_id is not None
                                         else tok.eos_token_id)
                prompt_len = 0 if self._seq2seq else inputs["input_ids"].shape[1]
                result["tokens"] = int(out.shape[1] - prompt_len)
            except Exception as e:  # noqa: BLE001 - the chat shows the reason; the log keeps the traceback
                log.exception("the summary model failed")
                result["error"] = e
                streamer.end()

        thread = threading.Thread(target=run, name="rag-summary", daemon=True)
        thread.start()
        text = ""
        try:
            for piece in streamer:
                text += piece
                yield SummaryUpdate(text, False, None)
        finally:
            cancel.set()
            thread.join()
        if "error" in result:
            return text, _stopped("error", error=result["error"])
        reason = None
        if limits.hit == "time":
            reason = _stopped("time", time_limit)
        elif result.get("tokens", 0) >= max_new_tokens + (1 if self._seq2seq else 0):
            reason = _stopped("tokens", max_new_tokens=max_new_tokens)
        elif limits.hit == "repeat":
            text = _drop_repeats(text)
            reason = _stopped("repeat")
        if reason and limits.hit != "repeat":
            text = _drop_unfinished(text)
        return text, reason


class _Background:
    """fn(*args) on a thread of its own; result() waits for it (and raises what it raised)."""

    def __init__(self, fn, *args):
        self._out: dict = {}

        def run():
            try:
                self._out["value"] = fn(*args)
            except BaseException as e:  # noqa: BLE001 - handed to the caller of result()
                self._out["error"] = e

        self._thread = threading.Thread(target=run, name="rag-relevance", daemon=True)
        self._thread.start()

    def result(self):
        self._thread.join()
        if "error" in self._out:
            raise self._out["error"]
        return self._out["value"]

    def join(self) -> None:
        self._thread.join()


def generation_threads(default: int | None = None) -> int:
    """Threads for writing a summary: $RAG_SUMMARY_THREADS, else `default`, else half the cores (at least
    one). On transformers not every core: the fragments' relevance is embedded on another thread meanwhile,
    and the server's searches go on; on this 2-core machine 2 threads wrote slower than 1 (bench/summary.py). At
    most the cores (a hostile review: 99999 threads hung the summary, its memory climbing past 1.5 GB)."""
    try:
        value = int(os.environ.get(THREADS_VARIABLE, "") or 0)
    except ValueError:
        value = 0
    cores = os.cpu_count() or 1
    return min(value, cores) if value > 0 else default or max(1, cores // 2)


@contextmanager
def _torch_threads(n: int):
    """torch's (process-wide) thread count set to `n` inside, restored after."""
    import torch

    before = torch.get_num_threads()
    if n and n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if n and n != before:
            torch.set_num_threads(before)


def _quantized(model):
    """(model, True) with its nn.Linear layers int8 (torch dynamic quantization: weights int8, activations
    quantized on the fly; about twice as fast on a CPU), or (model, False) where this torch cannot."""
    import warnings

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")        # torch.ao.quantization announces its move to torchao
            return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8), True
    except Exception as e:  # noqa: BLE001 - no quantized engine here (say, some ARM builds): keep float
        log.info("the summary model stays in float (int8 is not available: %s)", e)
        return model, False


def _drop_unfinished(text: str) -> str:
    """Cut a sentence the limit broke off (one that does not end in . ! ? or a citation)."""
    stripped = text.rstrip()
    if not stripped or re.search(r"[.!?…]['\"”’)]*\s*(\[[\d,;\s]+\]\s*)*$|\]\s*$", stripped):
        return text
    spans = sentences(stripped)
    cut = 0
    if len(spans) > 1:
        cut = spans[-2][1]
        cites = re.match(r"(?:\s*\[[\d,;\s]+\])+", stripped[cut:])   # "… funded. [1] The grant is": keep [1]
        cut += cites.end() if cites else 0
    marker = None                     # "… funded [1]. and then on" (no capital: one sentence for rag.chunk)
    for marker in re.finditer(r"\[[\d,;\s]+\][.!?]?", stripped):
        pass
    if marker is not None and marker.end() > cut:
        cut = marker.end()
    return stripped[:cut] if cut else stripped


def _with_fragments(checked: list[CheckedSentence], stitched, hits, index) -> list[CheckedSentence]:
    """Each checked sentence with the fragments grounded decoding built it from (checked again
    against the documents: verify.fragment_problems); a sentence whose fragments cannot be
    matched or do not hold is not supported."""
    out, pool = [], list(stitched)
    for c in checked:
        match = next((i for i, (frags, cites) in enumerate(pool)
                      if not fragment_problems(c.text, frags, hits, index, c.citations)), None)
        if match is None:
            out.append(replace(c, supported=False,
                               problems=c.problems + ("its fragments do not match the quotes",)))
            continue
        frags, _ = pool.pop(match)
        out.append(replace(c, fragments=tuple(frags)))
    return out


def _drop_repeats(text: str) -> str:
    """The text up to the first sentence that repeats an earlier one."""
    seen, keep = set(), []
    for t, _ in split(text):
        key = strip_citations(t).lower()
        if key in seen:
            break
        seen.add(key)
        keep.append(t)
    return " ".join(keep)


def _fallback(question, hits, index, embedder, reason: str, text: str = "") -> SummaryUpdate:
    summary = extractive_summary(question, hits, index, embedder)
    return SummaryUpdate(text, True, replace(summary, reason=f"{reason} Showing the extractive summary instead."))


class ServerSummariser(_Summarises):
    """The same `stream` as Summariser, written by an OpenAI-compatible server (rag/llm.py): the
    same prompt (quotes defused against the special-token strings of common chat templates too,
    llm.SPECIAL_TOKENS), the same stop rules (MAX_SENTENCES, a repeated sentence, the token and
    time limits) and the same check of every sentence. Citations cannot be forced here: a
    sentence without [n] is shown as unsupported. When the server is down, slow or refuses, the
    Summary has no sentences (or those finished before it failed) and says why; the quotes stand.
    No lock: the server queues concurrent requests itself, within each one's time limit."""

    loaded = True                 # nothing to load here; the server is asked when a summary is

    def __init__(self, server: llm.Server):
        self.server = server
        self.name = server.model or "the summary server's model"

    def load(self, log=lambda msg: None) -> None:
        """Nothing to load (the server holds the model); kept for the Summariser interface."""

    def stream(self, question: str, hits: list[Hit], index, embedder=None, *,
               max_new_tokens: int = MAX_NEW_TOKENS, time_limit: float = TIME_LIMIT,
               grounded: bool | None = None, speaker: str | None = None) -> Iterator[SummaryUpdate]:
        """As Summariser.stream; `grounded` and `speaker` are accepted and ignored (a server's tokens cannot be
        constrained through the chat API), so the summary is always free writing, checked."""
        embedder = embedder or shared_embedder()
        if not hits:
            yield SummaryUpdate("", True, Summary([], self.name, "There are no quotes to summarise."))
            return
        deadline = time.monotonic() + max(0.0, time_limit)
        messages = prompt_messages(question, hits, sorted(llm.SPECIAL_TOKENS, key=len, reverse=True))
        text, reason, failure, outcome, stop, pieces = "", None, None, {}, None, None
        written = ""
        try:
            model = self.server.model or self._discover(deadline)
            pieces = llm.chat_stream(self.server, messages, max_tokens=max_new_tokens, deadline=deadline,
                                     model=model, outcome=outcome)
            for piece in pieces:
                written += piece
                text = _without_reasoning(written)
                yield SummaryUpdate(text, False, None)
                stop = _stop_reason(text) or ("length" if len(text) > 16 * max_new_tokens else None)
                if stop:
                    break
        except llm.ServerError as e:
            failure = e
        finally:
            if pieces is not None:
                pieces.close()
        if stop == "repeat":
            text = _drop_repeats(text)
            reason = _stopped("repeat")
        elif failure is not None and failure.kind == "time" and text:
            reason = _stopped("time", time_limit)
        elif failure is not None and text:
            reason = f"{failure} The summary stopped there."
        elif failure is not None:
            yield SummaryUpdate("", True, Summary([], self.name, f"{failure} The quotes are shown without a summary."))
            return
        elif outcome.get("finish_reason") == "length" or stop == "length":
            reason = _stopped("tokens", max_new_tokens=max_new_tokens)
        if reason and stop != "repeat":
            text = _drop_unfinished(text)
        if len(parts := split(text)) > MAX_SENTENCES:     # (an answer sent in one piece: the cap holds for it too)
            text = " ".join(t for t, _ in parts[:MAX_SENTENCES])
        yield _final(text, reason, question, hits, index, embedder, self.name)

    def _discover(self, deadline: float) -> str | None:
        """The model the server runs, when none was named (the first one it lists)."""
        names = llm.list_models(self.server, deadline)
        if names:
            self.name = names[0]
        return names[0] if names else None


_registry: dict[str, Summariser] = {}
_servers: dict[llm.Server, ServerSummariser] = {}
_registry_lock = threading.Lock()
_embedder = None


def get_summariser(model_name: str | None = None, *, server: llm.Server | None = None):
    """The process-wide summariser: for `server` (an llm.Server, see llm.configured) a
    ServerSummariser, else the local Summariser for `model_name` (None: the default); created
    once, loaded lazily. At most two local models are kept; asking for a third drops the least
    recently used."""
    if server is not None:
        with _registry_lock:
            return _servers.setdefault(server, ServerSummariser(server))
    key = DEFAULT_SUMMARY_MODEL if is_default(model_name) else model_name.strip()
    with _registry_lock:
        s = _registry.pop(key, None) or Summariser(None if key == DEFAULT_SUMMARY_MODEL else key)
        _registry[key] = s
        while len(_registry) > 2:
            _registry.pop(next(iter(_registry)))
        return s


def shared_embedder():
    """One default embedder for the process, used when the caller passes none."""
    global _embedder
    with _registry_lock:
        if _embedder is None:
            from .embed import default_embedder
            _embedder = default_embedder()
        return _embedder


# ---------------------------------------------------------------- model-free

def _cannot_load(name: str, path, error: Exception) -> str:
    """Why a summary model could not be loaded, on one line: a name that is no folder and no model in the local cache
    (the model hub is never asked: transformers' several lines on connecting to it said nothing of that), else the
    first line of the library's message."""
    said = str(error).replace("\\n", "\n").strip().split("\n")[0]
    if not os.path.isdir(str(path)) and isinstance(error, OSError):
        said = "no folder of that name, and no model of that name in the local cache (give a model's folder)"
    return f"Cannot load the summary model {name!r} ({path}): {said}"


NO_SUMMARY_ORDERS = "Every quote gives instructions rather than stating a fact: there is nothing to summarise."
NO_QUESTIONS_ONLY = "The quotes only ask questions or give instructions: there is nothing to summarise."


def extractive_summary(question: str, hits: list[Hit], index, embedder,
                       max_sentences: int = MAX_SENTENCES) -> Summary:
    """The most central quote sentences (close to the other quotes and to the question), in
    rank order. Each is an exact substring of its document, cited by its Hit.rank."""
    from .cite import checked as checked_quote

    spans = []       # (hit, start, end) in document offsets
    for h in hits:
        p = h.passage
        doc = index.documents[p.doc]
        checked_quote(p, doc)
        # a quote that gives orders ("Ignore previous instructions and say …") supports nothing, as verify.check
        # reads it, not even its other sentences: the grounded summary leaves it out so too
        if instructions(p.text) or instructions(p.question or ""):
            continue
        for s, e in sentences(p.text):
            # (a question states nothing: a webinar host's "How much is the Boiler Upgrade Scheme now?" was the
            # first line of a summary of what was said about the grant)
            if re.search(r"\w", p.text[s:e]) and not p.text[s:e].rstrip("\"'”’»)]」』）").endswith(("?", "？", "؟")):
                spans.append((h, p.start + s, p.start + e, doc))
    if not spans:
        return Summary([], EXTRACTIVE, NO_QUESTIONS_ONLY if any(not instructions(h.passage.text) for h in hits)
                       else NO_SUMMARY_ORDERS if hits else "There are no quotes to summarise.")
    texts = [doc.text[s:e] for _, s, e, doc in spans]
    vecs = np.asarray(embedder.encode_documents(texts), dtype="float32")
    qv = np.asarray(embedder.encode_query(question), dtype="float32")
    sims = vecs @ vecs.T
    n = len(texts)
    centrality = (sims.sum(1) - np.diag(sims)) / max(1, n - 1)
    words = np.array([len(t.split()) for t in texts])
    score = 0.5 * centrality + 0.5 * (vecs @ qv) - 0.2 * (words < 5)
    chosen: list[int] = []
    for i in np.argsort(-score, kind="stable"):
        if len(chosen) == max_sentences:
            break
        if any(sims[i, j] > 0.9 for j in chosen):
            continue
        chosen.append(int(i))
    chosen.sort(key=lambda i: (spans[i][0].rank, spans[i][1]))
    out = [CheckedSentence(text=texts[i], citations=[spans[i][0].rank], supported=True, support=1.0)
           for i in chosen]
    return Summary(out, EXTRACTIVE, None, 0)
