"""Word (.docx) files into text (python-docx): paragraphs and tables in document order, one paragraph each,
headings as Markdown's "# Heading"; transcription tools' Word layouts as their text exports (Otter's and Teams'
"Jane Doe  0:03" above the words, Teams' classic cues, a table of speaker, time and words).

What it leaves out: headers, footers, footnotes, comments, text boxes and images' text.
"""
from __future__ import annotations

import io
import re
from collections import Counter

from .errors import DocumentError
from .labels import LABEL, prose
from .pdf import SENTENCE_END
from .subtitles import is_timing, subtitle_text


def docx_text(data: bytes) -> tuple[str, str]:
    """(text, title) of a Word document: its paragraphs and tables in order, one paragraph each (a line break inside
    one, Shift+Enter, stays a line: "P1: ... / P2: ..." are two turns), headings as '# Heading'. A transcription
    tool's layouts read as their text exports do (_docx_transcript): Otter's and Teams' "Jane Doe  0:03" paragraph
    above its words (a name recurring), Teams' classic timing, name and words paragraphs (as subtitles), a table of
    speaker, time and words."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise DocumentError(f"not a readable DOCX file ({e})")
    blocks = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table_rows(item))
            continue
        text = _lines(item.text)
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        m = re.match(r"Heading (\d)", style)
        if style == "Title":
            text = "# " + text
        elif m:
            text = "#" * min(6, int(m.group(1)) + 1) + " " + text
        blocks.append(text)
    return _docx_transcript(blocks), document.core_properties.title or ""


def _lines(text: str) -> str:
    """`text` with each line's runs of spaces made one, blank lines left out."""
    return "\n".join(line for line in (" ".join(x.split()) for x in text.splitlines()) if line)


_CELL_CLOCK = re.compile(r"\[?(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\]?")
_NAME_CELL = re.compile(LABEL)


def _table_rows(table) -> list[str]:
    """A table's rows, one paragraph each: a transcript's (a column of speakers' names, one recurring, a column of
    times, the words last, most of them sentences: _transcript_rows) as "Jane Doe 0:03" above the words
    (Otter's layout, which parse.py reads); any other row's cells joined by " | " (a merged
    cell once): an action list's "Bob Smith | Fix the reporting jobs" or a programme's "Dr. Anna Weber | 9:00 |
    Opening address" names no speaker."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:        # a merged cell is listed once per column it spans
                continue
            seen.add(id(cell._tc))
            text = _lines(cell.text)
            if text:
                cells.append(text)
        if cells:
            rows.append(cells)
    turns = _transcript_rows(rows)
    return [f"{r[0]} {r[1].strip('[]')}\n{r[2]}" if i in turns else " | ".join(r) for i, r in enumerate(rows)]


def _transcript_rows(rows: list[list[str]]) -> set[int]:
    """The rows (indexes) of a transcript's table: name (a label, not prose), time, words ending a sentence; where
    they are half the rows or more, two at least, a name recurs and the words' median is 30 characters or more
    (else none); then any other row of those names too. Two columns are never a transcript's: a report's "Theme |
    Illustrative quote" or "Respondent | Comment" would make the report's own paragraphs after it a speaker's."""
    said = {i for i, r in enumerate(rows) if len(r) == 3 and _NAME_CELL.fullmatch(r[0]) and not prose(r[0])
            and _CELL_CLOCK.fullmatch(r[1]) and SENTENCE_END.search(r[-1])}
    lengths = sorted(len(rows[i][-1]) for i in said)
    if len(said) < 2 or len(said) * 2 < len(rows) or lengths[len(lengths) // 2] < 30 \
            or max(Counter(rows[i][0] for i in said).values()) < 2:
        return set()
    names = {rows[i][0] for i in said}      # and a short answer of theirs ("P1 | Yes")
    return said | {i for i, r in enumerate(rows) if len(r) == 3 and r[0] in names and _CELL_CLOCK.fullmatch(r[1])}


# "Jane Doe  0:03" (Otter), "Alex Turner 0:00:04" (Teams): a speaker's name and a time, a paragraph of its own
_NAMED_CLOCK = re.compile(rf"(?:{LABEL})[ \t]+(?:\d{{1,3}}:)?\d{{1,2}}:\d{{2}}")


def _docx_transcript(blocks: list[str]) -> str:
    """The paragraphs' text, a transcription tool's Word layout as its text export: each "Jane Doe  0:03"
    paragraph (two or more) joined to the words below it, as Otter's text export writes them (parse.py reads a
    speaker and a time there); Teams' classic layout (a timing line "0:0:4.120 --> 0:0:13.530", the speaker's
    name, the words, each a paragraph, two or more) read as the subtitles it is (subtitle_text), the paragraphs
    before its first timing line kept above them."""
    # (a cue's timing, name and words written as lines of one paragraph, Shift+Enter: each line a paragraph)
    blocks = [x for b in blocks for x in (b.split("\n") if is_timing(b.split("\n")[0]) else [b])]
    timings = [i for i, b in enumerate(blocks) if "\n" not in b and is_timing(b)]
    cued = [i for i in timings if i + 2 < len(blocks) and _NAME_CELL.fullmatch(blocks[i + 1])
            and not is_timing(blocks[i + 2])]
    if len(cued) >= 2 and len(cued) * 2 >= len(timings):
        head = blocks[:timings[0]]
        cues = []
        for n, i in enumerate(timings):
            end = timings[n + 1] if n + 1 < len(timings) else len(blocks)
            body = blocks[i + 1:end]
            if i in cued:
                body = [f"<v {body[0]}>{body[1]}"] + body[2:]
            cues.append("\n".join([blocks[i]] + body))
        return "\n\n".join(head + [subtitle_text("WEBVTT\n\n" + "\n\n".join(cues))]) + "\n"
    heads = [i for i, b in enumerate(blocks) if _NAMED_CLOCK.fullmatch(b)]
    names = Counter(b.rsplit(None, 1)[0] for b in map(blocks.__getitem__, heads))
    spoken = sum(1 for i in heads if i + 1 < len(blocks) and not _NAMED_CLOCK.fullmatch(blocks[i + 1])
                 and (SENTENCE_END.search(blocks[i + 1]) or len(blocks[i + 1]) >= 60))
    # a speaker recurs and words said (a sentence) follow nearly every header: not an agenda's "Welcome 9:00" over
    # "Finance report 9:15", a race's "Anna Berg 4:12"
    first = re.search(r"(\d+):\d{2}$", blocks[heads[0]]) if heads else None    # a recording's first words: in its
    if len(heads) >= 2 and max(names.values()) >= 2 and spoken >= 0.8 * len(heads) \
            and int(first.group(1)) < 5:                                          # first minutes, not at "9:00"
        out: list[str] = []
        for i, b in enumerate(blocks):
            if out and i - 1 in heads and not _NAMED_CLOCK.fullmatch(b) and not b.startswith("#"):
                out[-1] += "\n" + b
            else:
                out.append(b)
        blocks = out
    return "\n\n".join(blocks) + "\n"
