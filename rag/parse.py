"""Parse a document's text into paragraphs that know where they sit.

One Passage per paragraph, each an exact span of ``document.text``. Recognises:

- page chrome (rating widgets, share buttons, language switch, site footer), dropped;
- paragraphs printed twice (a teaser of the opening before the title), kept once;
- a title line with a date, which names the document and is not itself a passage;
- Q&A transcripts: ``Question:`` / ``Name:`` turns. Each question opens an exchange
  (section ``Q1``, ``Q2``, ...); the answer paragraphs that follow carry the question
  they answer. Paragraphs before the first question are the ``opening``.

Anything else parses as plain paragraphs (section ``text``). What it leaves out:
headings as sections, page numbers, and formats other than text (see ``load.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .records import Document, Passage

PARSER_VERSION = 1

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
    r"(?P<label>Question|Questions?|Q|A|Answer|Journalist|Reporter|Interviewer|Moderator"
    r"|[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})"
    r"(?: \((?P<outlet>[^()\n]{1,80})\))?:[ \t]+(?=\S)"
)
_ASKERS = {"question", "questions", "q", "journalist", "reporter", "interviewer", "moderator"}
_OUTLET_IN_TEXT = re.compile(
    r"\b(?:I represent|I am from|I'm from|I work for|I am with|I'm with)\s+(?P<outlet>(?:the\s+)?[A-Z][^.,;?!]{2,80})"
)


@dataclass(frozen=True)
class _Para:
    start: int
    end: int


def paragraphs(text: str) -> list[_Para]:
    """Spans of non-blank blocks, split at chrome lines (which are dropped), whitespace trimmed."""
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
    """Return the document with its title and date filled in, and its paragraphs as Passages."""
    text = doc.text
    paras = paragraphs(text)
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
        title = doc.id
    doc = replace(doc, title=title, date=date)
    return doc, _structure(text, doc.id, paras)


def _structure(text: str, doc_id: str, paras: list[_Para]) -> list[Passage]:
    turns = [_TURN.match(text, p.start, p.end) for p in paras]
    labels = [t.group("label") for t in turns if t]
    # a label is a speaker when it asks, or when it opens two turns or more ("Note:" once is not)
    turns = [t if t and (t.group("label").lower() in _ASKERS or labels.count(t.group("label")) >= 2)
             else None for t in turns]
    askers = sum(1 for t in turns if t and t.group("label").lower() in _ASKERS)
    if askers < 2:
        return [Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                        section="text", kind="paragraph", paragraph=n)
                for n, p in enumerate(paras, 1)]

    # the main answerer: the most frequent non-asking speaker
    counts: dict[str, int] = {}
    for t in turns:
        if t and t.group("label").lower() not in _ASKERS:
            counts[t.group("label")] = counts.get(t.group("label"), 0) + 1
    main_speaker = max(counts, key=counts.get) if counts else None

    out: list[Passage] = []
    exchange = 0
    kind, speaker, outlet = "statement", main_speaker, None
    question_spans: list[tuple[int, int]] = []
    question_text: str | None = None
    for n, (p, t) in enumerate(zip(paras, turns), 1):
        start = p.start
        if t:
            label = t.group("label")
            start = t.end()
            if label.lower() in _ASKERS:
                exchange += 1
                kind, speaker = "question", label
                outlet = t.group("outlet")
                question_spans = []
            else:
                kind, speaker = ("answer" if exchange else "statement"), label
        if kind == "question":
            question_spans.append((start, p.end))
            question_text = "\n\n".join(text[s:e] for s, e in question_spans)
            if not outlet:
                m = _OUTLET_IN_TEXT.search(text, start, p.end)
                outlet = m.group("outlet").strip() if m else None
        section = f"Q{exchange}" if exchange else "opening"
        out.append(Passage(
            doc=doc_id, start=start, end=p.end, text=text[start:p.end], section=section,
            kind=kind, paragraph=n, speaker=speaker,
            question=question_text if exchange else None, outlet=outlet if exchange else None,
        ))
    # questions may run over several paragraphs: give every passage of an exchange the full question
    full = {}
    for ps in out:
        if ps.kind == "question":
            full[ps.section] = ps.question
    return [replace(ps, question=full.get(ps.section, ps.question)) if ps.section in full else ps
            for ps in out]
