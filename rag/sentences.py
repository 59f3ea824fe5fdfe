"""Where a text's sentences are: spans of `text[start:end]`, never a copy, for the stages that cut or read by sentence
(a dateline title is one sentence, chunk's windows are whole sentences, a summary's sentences are checked one by
one). What it leaves out: sentences without a capital, digit or quote after their end ("e.g. this"), and any
language's abbreviations but the English ones below."""
from __future__ import annotations

import re

__all__ = ["sentences"]

_ABBREV = {"mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "prof", "gen", "col", "lt",
           "sen", "rep", "gov", "jr", "sr", "inc", "ltd", "co", "corp", "u.s", "u.k", "u.n", "jan", "feb",
           "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "p", "pp", "vol"}
# a sentence ends at . ! ? … (plus closing quotes/brackets), before whitespace and a capital, digit or quote.
# The look-behind lets a match start only where a run of . ! ? … starts: without it a run of n dots
# is tried from each of its n places, and each try scans the rest of the run (n² steps). (It comes
# after the first mark, so that the regex engine still skips quickly to the next . ! ? or ….)
# Chinese and Japanese end one at 。！？ (and closing quotes), with or without a space after it.
_END = re.compile(r"[.!?…](?<![.!?…]{2})[.!?…]*[\"”’»)\]]*(?=\s+[\"“«‘(\[]?[A-ZА-ЯЁ0-9])"
                  r"|[。！？](?<![。！？]{2})[。！？]*[」』）”]*(?=\s*\S)")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in text[start:end], whitespace excluded.

    Linear in the length: the word before each candidate end is found by stepping back from
    it (never past the previous candidate's whitespace), not by a search over the sentence so far,
    which grows without end when every candidate is an abbreviation ("Mr. Mr. Mr. ...")."""
    end = len(text) if end is None else end
    spans, s = [], start
    for m in _END.finditer(text, start, end):
        token = _last_word(text, s, m.start()).lower().rstrip(".")
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


def _last_word(text: str, s: int, e: int) -> str:
    """What ``re.search(r"(\\S+)$", text[s:e])`` finds (``$`` also matches before a final newline),
    or "", in time proportional to the word, not to e - s."""
    if e > s and text[e - 1] == "\n":
        e -= 1
    b = e
    while b > s and not text[b - 1].isspace():
        b -= 1
    return text[b:e]
