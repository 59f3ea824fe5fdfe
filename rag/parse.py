"""Parse a document's text into paragraphs that know where they sit.

One Passage per paragraph, each an exact span of ``document.text``. Recognises:

- page chrome (rating widgets, share buttons, language switch, site footer), dropped;
- paragraphs printed twice (a teaser of the opening before the title), kept once;
- a title line with a date, which names the document and is not itself a passage;
- Q&A transcripts: speaker turns ``Question:``, ``Q:``/``A:``, ``Name:``, ``NAME:``,
  ``Name (Outlet):``, also in Markdown bold (``**Q:**``). A turn that asks opens an
  exchange (section ``Q1``, ``Q2``, ...); the answer paragraphs that follow carry the
  question they answer. Who asks: the labels Question/Q/Journalist/Interviewer/...,
  a name with an outlet in brackets, or, when no such label is used (an interview,
  a debate), a named speaker most of whose turns end with a question mark and who is
  not the one who speaks most. Paragraphs before the first question are the ``opening``.
- Markdown headings (``# Title``; ``read.py`` writes HTML, DOCX and PDF headings so):
  kind ``heading``; in a document that is not a transcript they name the section of
  the paragraphs below them (else the section is ``text``). A first-level heading near
  the top is the title when the document has no dateline.
- YAML front matter at the top of a Markdown file (``---`` ... ``---``), dropped;
- pages: a form feed line (``read.PAGE_BREAK``) separates PDF pages; every passage
  then carries its 1-based page.

Title and date: a dateline paragraph, else a heading, else what ``read.py`` found in
the file (HTML/PDF/DOCX metadata, a date in the file name), else the file name.
What it leaves out: speaker labels in other languages, turns that are not at the start
of a paragraph, and nested sections (a heading's level is not kept).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace

from .records import Document, Passage

PARSER_VERSION = 3

_CHROME = re.compile(
    r"^\s*(Читать на русском|Read in Russian|Rate this article|\(votes: .*\)|\(\d+ votes?\)"
    r"|Share this article|For business|For researchers|For students|Print|Subscribe"
    r"|Source: .{0,120})\s*$",
    re.IGNORECASE,
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:({_MONTHS})\s+(\d{{1,2}}),?\s+(\d{{4}})|(\d{{1,2}})\s+({_MONTHS}),?\s+(\d{{4}}))\b")
# "Question:", "Q:", "Sergey Lavrov:", "John Smith (Reuters):"
_TURN = re.compile(
    r"(?:\*\*|__)?(?P<label>Question|Questions?|Q|A|Answer|Journalist|Reporter|Interviewer|Moderator"
    r"|[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})"
    r"(?: \((?P<outlet>[^()\n]{1,80})\))?(?:\*\*|__)?:(?:\*\*|__)?[ \t]+(?=\S)"
)
_ASKERS = {"question", "questions", "q", "journalist", "reporter", "interviewer", "moderator"}
_ANSWER_LABELS = {"a", "answer"}     # no name: the answer's speaker is unknown
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|$)", re.DOTALL)
_HEADING = re.compile(r"#{1,6}[ \t]+(?P<text>[^\n]+)")
_OUTLET_IN_TEXT = re.compile(
    r"\b(?:I represent|I am from|I'm from|I work for|I am with|I'm with)\s+(?P<outlet>(?:the\s+)?[A-Z][^.,;?!]{2,80})"
)


@dataclass(frozen=True)
class _Para:
    start: int
    end: int


def paragraphs(text: str) -> list[_Para]:
    """Spans of non-blank blocks, split at chrome lines (which are dropped) and before a line that
    opens a speaker turn, whitespace trimmed."""
    spans: list[_Para] = []
    block_start = None
    pos = 0
    lines = text.splitlines(keepends=True)

    def close(end: int) -> None:
        nonlocal block_start
        if block_start is not None:
            s, e = block_start, end
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append(_Para(s, e))
        block_start = None

    for line in lines:
        stripped = line.strip()
        if not stripped or _CHROME.match(stripped):
            close(pos)
        elif block_start is None:
            block_start = pos
        elif _TURN.match(line):     # "Q: ..." / "Name: ..." on the next line opens a new turn
            close(pos)
            block_start = pos
        pos += len(line)
    close(pos)
    return spans


def _iso_date(match: re.Match) -> str:
    month, day, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(5), match.group(4), match.group(6))
    m = _MONTHS.split("|").index(month) + 1
    return f"{int(year):04d}-{m:02d}-{int(day):02d}"


def _find_title(text: str, paras: list[_Para]) -> int | None:
    """Index of a short paragraph near the top that ends with a date (a dateline title)."""
    for i, p in enumerate(paras[:20]):
        body = text[p.start:p.end]
        if len(body) > 320 or _TURN.match(body):
            continue
        m = None
        for m in _DATE.finditer(body):
            pass
        if m and len(body) - m.end() <= 3:
            return i
    return None


def _is_fragment(body: str) -> bool:
    """Page chrome before a title: a short line that is not a sentence (an author card, a name)."""
    return len(body) < 120 and not re.search(r"[.!?…»”\"]$", body)


def parse(doc: Document) -> tuple[Document, list[Passage]]:
    """Return the document with its title and date filled in, and its paragraphs as Passages.

    Linear in the text (each paragraph is looked at a fixed number of times): repeats are found
    with sets, speakers counted with a Counter, a question is joined once per exchange, and pages
    are found by bisecting the form feeds' offsets, not by counting them again for every passage."""
    text = doc.text
    paras = paragraphs(text)
    front = _FRONT_MATTER.match(text)
    if front:       # Markdown metadata ("---\ntitle: ...\n---"): not text to quote
        paras = [p for p in paras if p.start >= front.end()]
    title_i = _find_title(text, paras)
    title, date = doc.title, doc.date
    if title_i is not None:
        body = text[paras[title_i].start:paras[title_i].end]
        title = title or body.rstrip(".")
        date = date or _iso_date(list(_DATE.finditer(body))[-1])
        preamble, paras = paras[:title_i], paras[title_i + 1:]
        later = {text[p.start:p.end] for p in paras}
        preamble = [p for p in preamble
                    if text[p.start:p.end] not in later and not _is_fragment(text[p.start:p.end])]
        paras = preamble + paras
    # a paragraph printed twice is kept once (the first time, once the preamble is gone)
    seen: set[str] = set()
    unique = []
    for p in paras:
        body = text[p.start:p.end]
        if len(body) >= 40 and body in seen:
            continue
        seen.add(body)
        unique.append(p)
    paras = unique
    if not title:
        title = _heading_title(text, paras) or doc.id
    if not date:
        date = _early_date(text, paras)
    doc = replace(doc, title=title, date=date)
    passages = _structure(text, doc.id, paras)
    if "\f" in text:
        feeds = [m.start() for m in re.finditer("\f", text)]
        passages = [replace(p, page=bisect_left(feeds, p.start) + 1) for p in passages]
    return doc, passages


def _heading_title(text: str, paras: list[_Para]) -> str | None:
    """The first first-level Markdown heading among the first paragraphs."""
    for p in paras[:5]:
        body = text[p.start:p.end]
        if body.startswith("# ") and "\n" not in body:
            return body[2:].strip()
    return None


def _early_date(text: str, paras: list[_Para]) -> str | None:
    """A date in one of the first three paragraphs, when it is short (a dateline, a byline)."""
    for p in paras[:3]:
        body = text[p.start:p.end]
        m = _DATE.search(body) if len(body) <= 200 else None
        if m:
            return _iso_date(m)
    return None


def _heading(text: str, p: _Para) -> str | None:
    m = _HEADING.fullmatch(text, p.start, p.end)
    return m.group("text").strip().strip("#").strip() if m else None


def _askers(text: str, paras: list[_Para], turns: list) -> set[str]:
    """The labels that ask: by name (Question, Q, ...), with an outlet, or, when there are none
    of those, named speakers most of whose turns end with '?' (not the one who speaks most)."""
    askers = {t.group("label") for t in turns if t and (t.group("label").lower() in _ASKERS or t.group("outlet"))}
    if askers:
        return askers
    turn_ends: dict[str, list[bool]] = {}
    words: dict[str, int] = {}
    label = None
    last_end: str | None = None
    for p, t in zip(paras, turns):
        if t:
            if label is not None:
                turn_ends[label].append(last_end.rstrip("\"”’»)").endswith("?"))
            label = t.group("label")
            turn_ends.setdefault(label, [])
        if label is not None:
            body = text[p.start:p.end]
            words[label] = words.get(label, 0) + len(body.split())
            last_end = body
    if label is not None:
        turn_ends[label].append(last_end.rstrip("\"”’»)").endswith("?"))
    if len(turn_ends) < 2:
        return set()
    main = max(words, key=words.get)
    return {name for name, ends in turn_ends.items()
            if name != main and name.lower() not in _ANSWER_LABELS and sum(ends) * 2 >= len(ends) > 0}


def _structure(text: str, doc_id: str, paras: list[_Para]) -> list[Passage]:
    turns = [_TURN.match(text, p.start, p.end) for p in paras]
    labels = Counter(t.group("label") for t in turns if t)
    # a label is a speaker when it asks, names an outlet, is in bold, or opens two turns or more
    # ("Note:" once is not)
    turns = [t if t and (t.group("label").lower() in _ASKERS or t.group("outlet")
                         or t.group().startswith(("**", "__")) or labels[t.group("label")] >= 2)
             else None for t in turns]
    askers = _askers(text, paras, turns)
    if sum(1 for t in turns if t and t.group("label") in askers) < 2:
        return _sections(text, doc_id, paras)

    # the main answerer: the most frequent non-asking speaker
    counts: dict[str, int] = {}
    for t in turns:
        if t and t.group("label") not in askers and t.group("label").lower() not in _ANSWER_LABELS:
            counts[t.group("label")] = counts.get(t.group("label"), 0) + 1
    main_speaker = max(counts, key=counts.get) if counts else None

    out: list[Passage] = []
    exchange = 0
    kind, speaker, outlet = "statement", main_speaker, None
    question_spans: dict[str, list[tuple[int, int]]] = {}   # section -> its question's paragraphs
    for n, (p, t) in enumerate(zip(paras, turns), 1):
        start = p.start
        if t:
            label = t.group("label")
            start = t.end()
            if label in askers:
                exchange += 1
                kind, speaker = "question", label
                outlet = t.group("outlet")
            else:
                kind = "answer" if exchange else "statement"
                speaker = None if label.lower() in _ANSWER_LABELS else label
        section = f"Q{exchange}" if exchange else "opening"
        if t is None and _heading(text, p) is not None:
            out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                               section=section, kind="heading", paragraph=n))
            continue
        if kind == "question":
            question_spans.setdefault(section, []).append((start, p.end))
            if not outlet:
                m = _OUTLET_IN_TEXT.search(text, start, p.end)
                outlet = m.group("outlet").strip() if m else None
        out.append(Passage(
            doc=doc_id, start=start, end=p.end, text=text[start:p.end], section=section,
            kind=kind, paragraph=n, speaker=speaker,
            outlet=outlet if exchange else None,
        ))
    # questions may run over several paragraphs: give every passage of an exchange the full question
    full = {section: "\n\n".join(text[s:e] for s, e in spans) for section, spans in question_spans.items()}
    return [replace(ps, question=full.get(ps.section, ps.question)) if ps.section in full else ps
            for ps in out]


def _sections(text: str, doc_id: str, paras: list[_Para]) -> list[Passage]:
    """Not a transcript: paragraphs, each in the section its latest heading names ("text" before any)."""
    out = []
    section = "text"
    for n, p in enumerate(paras, 1):
        heading = _heading(text, p)
        if heading is not None:
            section = heading
        out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                           section=section, kind="heading" if heading is not None else "paragraph",
                           paragraph=n))
    return out
