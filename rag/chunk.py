"""Cut paragraphs into the sentence windows that are embedded and searched.

A chunk is a run of whole sentences of one paragraph (so never crosses an exchange),
at most ``max_tokens`` model tokens long, overlapping the previous chunk by
``overlap`` sentences. A sentence longer than the window is cut at word boundaries.
Small windows match a query sharply (one mean-pooled vector per 250-token paragraph
blurs it); the search then quotes the whole paragraph of the best window (retrieve.py).
An answer's chunk carries its question as ``context``: embedded with it, never shown.
Question paragraphs are context, not passages: they are not chunked.

Conversations (a meeting: forty short turns on one topic, "Mm-hmm." among them): consecutive
paragraphs that each fit the window and answer no question (turns of a meeting, short paragraphs
of a document) are packed whole into windows of up to ``turn_tokens`` that span several turns,
without overlap (``turn_windows``); such a window is quoted as it is, an exact span of whole turns,
each with its speaker's label (the first turn's too), and carries its speakers
(``speakers_of``). A paragraph that answers a question (a press
conference) or does not fit is windowed by sentences as above, within itself.

What it leaves out: cuts by topic (a window ends where its token budget does, not where the subject changes), and
any window across two exchanges of a press conference.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Callable, Iterable

from .records import Passage
from .sentences import sentences
from .turns import label_start

TokenCounter = Callable[[list[str]], list[int]]

# what the windows are, beyond their settings: an index chunked by another version is made again (store.Compat)
CHUNKER_VERSION = 3     # 2: a window of several turns opens with its first turn's label; 3: Otter's header too

_WORD = re.compile(r"\S+")
_BATCH = 4096   # texts per call of the token counter (a million at once would hold a million encodings)
_PIECES = 16    # pieces of a long sentence checked per call (a piece that does not fit wastes the rest)
# the characters one model token is taken to cover at most: a tokenizer reads a word of thousands of letters (a hash,
# base64, "xxxx…") as one unknown token, and a window of "128 tokens" held a whole 120 KB file (ordinary text has
# 3 to 6 characters a token: its windows are as before)
CHARS_PER_TOKEN = 16


@dataclass(frozen=True)
class ChunkSettings:
    max_tokens: int = 128      # of the window's text; the model's window is 256, the rest is context
    overlap: int = 1           # sentences shared with the previous chunk
    window: int = 254          # model tokens available for text + context (256 minus [CLS], [SEP])
    turn_tokens: int = 224     # of a window of whole turns (no context: nearly the model's window, ~900 chars)

    def to_dict(self) -> dict:
        return asdict(self)


def _counts(count: TokenCounter, texts: list[str]) -> list[int]:
    """count(texts), in batches of _BATCH texts."""
    if len(texts) <= _BATCH:
        return count(texts)
    return [n for i in range(0, len(texts), _BATCH) for n in count(texts[i:i + _BATCH])]


def _bounded(count: TokenCounter) -> TokenCounter:
    """`count`, each text counted at least one token per CHARS_PER_TOKEN characters."""
    def counted(texts: list[str]) -> list[int]:
        return [max(n, -(-len(t) // CHARS_PER_TOKEN)) for t, n in zip(texts, count(texts))]
    return counted


def _split_long(text: str, span: tuple[int, int], count: TokenCounter, limit: int) -> list[tuple[int, int, int]]:
    """Cut one over-long sentence into word-boundary pieces of at most `limit` tokens:
    (start, end, tokens) of each.

    Each piece is the longest run of words from where the last one ended whose words' tokens
    sum to at most `limit` (a single word when even that one is over). Linear in the sentence:
    each distinct word is counted once, pieces grow greedily and are counted once more as a whole
    (_PIECES at a time); only a piece whose joined text counts more than its words (never with a
    whitespace-splitting tokenizer) is searched again, within itself, for the longest run that fits."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, *span)]
    distinct = dict.fromkeys(text[a:b] for a, b in words)
    distinct.update(zip(distinct, _counts(count, list(distinct))))
    sizes = [distinct[text[a:b]] for a, b in words]
    pieces: list[tuple[int, int, int]] = []
    i = 0
    while i < len(words):
        greedy = []     # (first word, end word) of the next pieces, while their words fit
        k = i
        while k < len(words) and len(greedy) < _PIECES:
            j, total = k + 1, sizes[k]
            while j < len(words) and total + sizes[j] <= limit:
                total += sizes[j]
                j += 1
            greedy.append((k, j))
            k = j
        joined = [text[words[k][0]:words[j - 1][1]] for k, j in greedy if j - 1 > k]
        counted = iter(_counts(count, joined))
        for k, j in greedy:
            n = next(counted) if j - 1 > k else sizes[k]
            if n <= limit or j - 1 == k:
                if n > limit:       # one "word" over the model's window: a run without spaces (a URL, Chinese)
                    pieces.extend(_cut_word(text, words[k], count, limit, n))
                else:
                    pieces.append((words[k][0], words[j - 1][1], n))
                i = j
                continue
            lo, hi = k + 1, j - 1      # binary search on the token count, within this piece
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if count([text[words[k][0]:words[mid - 1][1]]])[0] <= limit:
                    lo = mid
                else:
                    hi = mid - 1
            pieces.append((words[k][0], words[lo - 1][1], count([text[words[k][0]:words[lo - 1][1]]])[0]))
            i = lo
            break       # the greedy pieces after this one started where it was meant to end
    return pieces


def _cut_word(text: str, span: tuple[int, int], count: TokenCounter, limit: int, tokens: int
              ) -> list[tuple[int, int, int]]:
    """One word of `tokens` tokens (over `limit`) cut into pieces of at most `limit` tokens, (start, end, tokens)
    each: as many characters as its share of the tokens allows, fewer until the piece fits."""
    a, b = span
    step = max(1, (b - a) * limit // (tokens + 1))
    pieces = []
    while a < b:
        e = min(b, a + step)
        n = count([text[a:e]])[0]
        while n > limit and e - a > 1:
            e = a + max(1, (e - a) * 3 // 4)
            n = count([text[a:e]])[0]
        pieces.append((a, e, n))
        a = e
    return pieces


def chunk(passages: Iterable[Passage], text: str, count: TokenCounter,
          settings: ChunkSettings = ChunkSettings()) -> list[Passage]:
    """Chunks of every non-question passage of one document (`text` is the document's text).

    Linear in the text: sentences are found in one pass, counted in batches (not one call per
    passage), and each chunk's joined text is counted once more to check that it fits."""
    passages = [p for p in passages if p.kind != "question"]
    count = _bounded(count)
    sents = [sentences(text, p.start, p.end) for p in passages]
    all_sizes = iter(_counts(count, [text[s:e] for spans in sents for s, e in spans]))
    out: list[Passage] = []
    out_sizes: list[int] = []
    run: list[tuple[Passage, int]] = []     # consecutive short turns not yet packed into windows
    for p, spans in zip(passages, sents):
        units: list[tuple[int, int]] = []
        unit_sizes: list[int] = []
        for span, n in zip(spans, all_sizes):
            if n <= settings.max_tokens:
                units.append(span)
                unit_sizes.append(n)
            else:
                for a, b, m in _split_long(text, span, count, settings.max_tokens):
                    units.append((a, b))
                    unit_sizes.append(m)
        if run and not _continues(run[-1][0], p):
            _pack(run, text, count, settings, out, out_sizes)
        if units and not p.question and sum(unit_sizes) <= settings.turn_tokens:
            run.append((replace(p, start=units[0][0], end=units[-1][1], text=text[units[0][0]:units[-1][1]]),
                        sum(unit_sizes)))
            continue
        _pack(run, text, count, settings, out, out_sizes)
        i = 0
        while i < len(units):
            j, total = i + 1, unit_sizes[i]
            while j < len(units) and total + unit_sizes[j] <= settings.max_tokens:
                total += unit_sizes[j]
                j += 1
            s, e = units[i][0], units[j - 1][1]
            size = unit_sizes[i] if j - 1 == i else count([text[s:e]])[0]
            # the joined text can tokenise a little longer than its parts: shrink until it fits
            while j - 1 > i and size > settings.max_tokens:
                j -= 1
                e = units[j - 1][1]
                size = unit_sizes[i] if j - 1 == i else count([text[s:e]])[0]
            out.append(replace(p, start=s, end=e, text=text[s:e]))
            out_sizes.append(size)
            if j >= len(units):
                break
            i = max(i + 1, j - settings.overlap)
    _pack(run, text, count, settings, out, out_sizes)
    return _with_context(out, count, settings, out_sizes)


def _continues(prev: Passage, p: Passage) -> bool:
    """Whether `p` follows `prev` in one conversation: the next paragraph, in the same section and page, and not
    the first words said after lines nobody says (a title, an export's header: "SUMMARY KEYWORDS", "SPEAKERS")."""
    return p.doc == prev.doc and p.paragraph == prev.paragraph + 1 and p.section == prev.section \
        and p.page == prev.page and not (_nobodys(prev) and not _nobodys(p))


def _nobodys(p: Passage) -> bool:
    """A paragraph no one says: no speaker, no time, not a turn (a title, an export's header)."""
    return p.kind == "paragraph" and p.speaker is None and p.time is None


def speakers_of(turns: list[Passage]) -> tuple[str, ...]:
    """The speakers of `turns`, each once, in the order they first speak."""
    names: dict[str, None] = {}
    for t in turns:
        for name in getattr(t, "speakers", ()) or ((t.speaker,) if t.speaker else ()):
            names.setdefault(name, None)
    return tuple(names)


def _window(turns: list[Passage], text: str) -> Passage:
    """One window of whole consecutive turns: the first turn's fields, spanning all of them; its kind, speaker and
    time are the first turn's, named or not, or the first passage's with a speaker or a time (a title or an export's
    header before the first turn, "Harbour committee weekly sync", left the first window with neither). A window of
    several turns opens with its first turn's label ("Priya Nair: I'd like …"), as every later turn in it does, so
    that no one's words stand unnamed above another's name."""
    first, s, e = turns[0], turns[0].start, turns[-1].end
    speakers = speakers_of(turns)
    # (a window of one speaker's statement, a press conference's opening, stays as it was: its heading names them)
    several = len(turns) > 1 and first.speaker and (first.kind == "turn" or len(speakers) > 1)
    label = label_start(text, s, first.speaker) if several else None
    s = s if label is None else label           # each turn of the window quoted with its speaker
    lead = next((t for t in turns if t.kind == "turn" or t.speaker or t.time is not None), first)
    window = replace(first, start=s, end=e, text=text[s:e], kind=lead.kind, speaker=lead.speaker,
                     outlet=lead.outlet, time=lead.time)
    if hasattr(window, "speakers"):
        window = replace(window, speakers=speakers)
    return window


def turn_windows(run: list[tuple[Passage, int]], text: str, count: TokenCounter,
                 settings: ChunkSettings) -> list[tuple[Passage, int]]:
    """Pack consecutive turns (each with its token count, each within turn_tokens) whole and in order
    into windows of at most turn_tokens (the joined text counted once more, as a window of sentences
    is; the first turn's label, which the window quotes, is not counted: at most a few tokens more), without
    overlap: every turn is in exactly one window."""
    out: list[tuple[Passage, int]] = []
    i = 0
    while i < len(run):
        j, total = i + 1, run[i][1]
        while j < len(run) and total + run[j][1] <= settings.turn_tokens:
            total += run[j][1]
            j += 1
        while True:
            window = _window([t for t, _ in run[i:j]], text)
            # (counted from the first turn's words: its label, quoted since chunker 2, packs no fewer turns)
            size = run[i][1] if j - 1 == i else count([text[run[i][0].start:window.end]])[0]
            if size <= settings.turn_tokens or j - 1 == i:
                break
            j -= 1
        out.append((window, size))
        i = j
    return out


def _pack(run: list[tuple[Passage, int]], text: str, count: TokenCounter, settings: ChunkSettings,
          out: list[Passage], out_sizes: list[int]) -> None:
    """Append the turn windows of `run` to out (and their sizes to out_sizes), and empty it."""
    for window, size in turn_windows(run, text, count, settings):
        out.append(window)
        out_sizes.append(size)
    run.clear()


def _with_context(chunks: list[Passage], count: TokenCounter, settings: ChunkSettings,
                  sizes: list[int] | None = None) -> list[Passage]:
    """Give each answer chunk as much of its question as fits the model's window beside it:
    all its words, else the first 80 % of them, 64 %, ... until one fits (or none is left).

    Linear: a question's cuts are made and counted once (and only as far as some chunk needed),
    not again for every chunk of its answer; their lengths shrink geometrically. `sizes`: the
    chunks' token counts, when the caller has them."""
    cuts: dict[str, tuple[list[str], list[tuple[str, int, int]]]] = {}   # question -> words, [(cut, tokens, words)]
    if sizes is None:
        sizes = [count([c.text])[0] if c.question else 0 for c in chunks]
    out = []
    for c, size in zip(chunks, sizes):
        if not c.question:
            out.append(c)
            continue
        room = settings.window - size - 2
        if c.question not in cuts:
            cuts[c.question] = (c.question.split(), [])
        words, made = cuts[c.question]
        k = 0
        while True:
            if k == len(made):
                n = len(words) if k == 0 else int(made[-1][2] * 0.8)
                context = " ".join(words[:n])
                made.append((context, count([context])[0] if n else 0, n))
            context, tokens, n = made[k]
            if not n or tokens <= room:
                break
            k += 1
        out.append(replace(c, context=context))
    return out


def embed_text(p: Passage) -> str:
    """What the model sees for a passage: its text first (never cut), then its context."""
    return f"{p.text}\n{p.context}" if p.context else p.text
