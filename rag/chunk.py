"""Cut paragraphs into the sentence windows that are embedded and searched.

A chunk is a run of whole sentences of one paragraph (so never crosses an exchange),
at most ``max_tokens`` model tokens long, overlapping the previous chunk by
``overlap`` sentences. A sentence longer than the window is cut at word boundaries.
Small windows match a query sharply (one mean-pooled vector per 250-token paragraph
blurs it); the search then quotes the whole paragraph of the best window (retrieve.py).
An answer's chunk carries its question as ``context``: embedded with it, never shown.
Question paragraphs are context, not passages: they are not chunked.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Callable, Iterable

from .records import Passage

TokenCounter = Callable[[list[str]], list[int]]

_ABBREV = {"mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "prof", "gen", "col", "lt",
           "sen", "rep", "gov", "jr", "sr", "inc", "ltd", "co", "corp", "u.s", "u.k", "u.n", "jan", "feb",
           "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "p", "pp", "vol"}
# a sentence ends at . ! ? … (plus closing quotes/brackets), before whitespace and a capital, digit or quote
_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s+[\"“«‘(\[]?[A-ZА-ЯЁ0-9])")


@dataclass(frozen=True)
class ChunkSettings:
    max_tokens: int = 128      # of the window's text; the model's window is 256, the rest is context
    overlap: int = 1           # sentences shared with the previous chunk
    window: int = 254          # model tokens available for text + context (256 minus [CLS], [SEP])

    def to_dict(self) -> dict:
        return asdict(self)


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in text[start:end], whitespace excluded."""
    end = len(text) if end is None else end
    spans, s = [], start
    for m in _END.finditer(text, start, end):
        word = re.search(r"(\S+)$", text[s:m.start()])
        token = word.group(1).lower().rstrip(".") if word else ""
        if m.group().startswith(".") and (token in _ABBREV or re.fullmatch(r"[a-z]", token)):
            continue
        spans.append((s, m.end()))
        s = m.end()
        while s < end and text[s].isspace():
            s += 1
    if s < end and text[s:end].strip():
        e = end
        while e > s and text[e - 1].isspace():
            e -= 1
        spans.append((s, e))
    return spans


def _split_long(text: str, span: tuple[int, int], count: TokenCounter, limit: int) -> list[tuple[int, int]]:
    """Cut one over-long sentence into word-boundary pieces of at most `limit` tokens."""
    s, e = span
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[s:e])]
    pieces, i = [], 0
    while i < len(words):
        lo, hi = i + 1, len(words)
        # the longest run of words from i that fits (binary search on the token count)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count([text[s + words[i][0]: s + words[mid - 1][1]]])[0] <= limit:
                lo = mid
            else:
                hi = mid - 1
        pieces.append((s + words[i][0], s + words[lo - 1][1]))
        i = lo
    return pieces


def chunk(passages: Iterable[Passage], text: str, count: TokenCounter,
          settings: ChunkSettings = ChunkSettings()) -> list[Passage]:
    """Chunks of every non-question passage of one document (`text` is the document's text)."""
    out: list[Passage] = []
    for p in passages:
        if p.kind == "question":
            continue
        sents = sentences(text, p.start, p.end)
        sizes = count([text[s:e] for s, e in sents])
        units: list[tuple[int, int]] = []
        unit_sizes: list[int] = []
        for span, n in zip(sents, sizes):
            if n <= settings.max_tokens:
                units.append(span)
                unit_sizes.append(n)
            else:
                pieces = _split_long(text, span, count, settings.max_tokens)
                units += pieces
                unit_sizes += count([text[s:e] for s, e in pieces])
        i = 0
        while i < len(units):
            j, total = i + 1, unit_sizes[i]
            while j < len(units) and total + unit_sizes[j] <= settings.max_tokens:
                total += unit_sizes[j]
                j += 1
            s, e = units[i][0], units[j - 1][1]
            # the joined text can tokenise a little longer than its parts: shrink until it fits
            while j - 1 > i and count([text[s:e]])[0] > settings.max_tokens:
                j -= 1
                e = units[j - 1][1]
            out.append(replace(p, start=s, end=e, text=text[s:e]))
            if j >= len(units):
                break
            i = max(i + 1, j - settings.overlap)
    return _with_context(out, count, settings)


def _with_context(chunks: list[Passage], count: TokenCounter, settings: ChunkSettings) -> list[Passage]:
    """Give each answer chunk as much of its question as fits the model's window beside it."""
    out = []
    for c in chunks:
        if not c.question:
            out.append(c)
            continue
        room = settings.window - count([c.text])[0] - 2
        words = c.question.split()
        context = " ".join(words)
        while words and count([context])[0] > room:
            words = words[: max(0, int(len(words) * 0.8))]
            context = " ".join(words)
        out.append(replace(c, context=context))
    return out


def embed_text(p: Passage) -> str:
    """What the model sees for a passage: its text first (never cut), then its context."""
    return f"{p.text}\n{p.context}" if p.context else p.text
