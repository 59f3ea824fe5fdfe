"""Word (.docx) files into text (python-docx): paragraphs and tables in document order, one paragraph each,
headings as Markdown's "# Heading", a numbered list's items with their numbers ("1. "); transcription tools'
Word layouts as their text exports (Otter's and Teams' "Jane Doe  0:03" above the words, Teams' classic cues, a
table of speaker, time and words).

What it leaves out: headers, footers, footnotes, comments, text boxes and images' text.
"""
from __future__ import annotations

import io
import re
from collections import Counter

from .errors import DocumentError
from .labels import LABEL, opens_turn, prose
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

    if not data.startswith(b"PK"):     # a .docx is a zip archive
        raise DocumentError(_not_docx(data))
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise DocumentError(f"not a readable DOCX file ({e})")
    blocks = []
    numbers = _Numbering(document)
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table_rows(item))
            continue
        text = _lines(item.text)
        if not text:
            continue
        label = numbers.label(item)         # (counted all the same; no number before "Jane Smith: …", a turn)
        text = text if opens_turn(text) else label + text
        style = numbers.style(item)
        style = (style.name if style is not None else "") or ""
        m = re.match(r"Heading (\d)", style)
        if style == "Title":
            text = "# " + text
        elif m:
            text = "#" * min(6, int(m.group(1)) + 1) + " " + text
        blocks.append(text)
    return _docx_transcript(blocks), document.core_properties.title or ""


def _not_docx(data: bytes) -> str:
    """Why bytes that are no zip archive are no Word document, and what they look like instead."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "not a Word (.docx) file: it is a PDF (rename it to .pdf)"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ("not a Word (.docx) file: an old Word .doc or a password-protected document "
                "(save it as .docx, without a password)")
    if head.startswith((b"{\\rtf", b"<", b"\xef\xbb\xbf<")):
        what = "RTF" if head.startswith(b"{\\rtf") else "HTML or XML"
        return f"not a Word (.docx) file: it is {what} text (save it as .docx)"
    return "not a Word (.docx) file (a .docx is a zip archive; this one is not)"


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _formatted(n: int, fmt: str) -> str:
    """A list item's count `n` as its level's number format writes it (decimal for one not known here)."""
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            letters = chr(ord("a") + r) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman") and n > 0:
        roman = ""
        for value, letters in _ROMAN:
            while n >= value:
                roman, n = roman + letters, n - value
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    """The numbers Word shows before a numbered list's paragraphs ("1. ", "2. ", "a) "), which python-docx leaves
    out of a paragraph's text: from the paragraph's numbering (w:numPr, its own or its style's), the list's level
    format in numbering.xml and a count per list (numId) and level, as Word counts (a list interrupted by other
    paragraphs goes on counting; a deeper level starts again under each item above it). A bullet's item gets no
    mark. Where numbering.xml cannot be read: "1. ", "2. " …, counted again after other paragraphs."""

    def __init__(self, document):
        from docx.oxml.ns import qn
        self.qn = qn
        self._by_id: dict = {}  # style id (None: none named) -> the paragraph style (style)
        self.levels = {}        # numId -> {ilvl: (format, text, start)}
        self.counts: dict = {}
        self.last = None        # the list of the paragraph before (for the fallback's count)
        try:
            root = document.part.numbering_part.element
        except Exception:  # noqa: BLE001 - no numbering part: no lists, or a broken one
            root = None
        if root is None:
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = {}
            node = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            for lvl in ([] if node is None else node.findall(qn("w:lvl"))):
                levels[lvl.get(qn("w:ilvl"))] = (self._val(lvl, "w:numFmt") or "decimal",
                                                 self._val(lvl, "w:lvlText"), int(self._val(lvl, "w:start") or 1))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl, start = override.get(qn("w:ilvl")), self._val(override, "w:startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = levels[ilvl][:2] + (int(start),)
            self.levels[num.get(qn("w:numId"))] = levels

    def _val(self, node, tag: str):
        child = node.find(self.qn(tag))
        return None if child is None else child.get(self.qn("w:val"))

    def style(self, paragraph):
        """A paragraph's style, looked up once for each style id: python-docx's `paragraph.style` scans every style
        of the document for a paragraph that names none (most body text), twice a paragraph here; a DOCX of 4,000
        paragraphs and Word's 164 styles took 13 s to read (0.015 s as text)."""
        sid = paragraph._p.style
        if sid not in self._by_id:
            self._by_id[sid] = paragraph.style
        return self._by_id[sid]

    def _numpr(self, paragraph):
        """(numId, ilvl) of a paragraph in a list, else None: its own w:numPr, else its style's (and theirs)."""
        qn = self.qn
        ppr = paragraph._p.pPr
        found = ppr.find(qn("w:numPr")) if ppr is not None else None
        style = self.style(paragraph)
        style = style.element if style is not None else None
        ilvl = self._val(found, "w:ilvl") if found is not None else None
        seen = set()
        while (found is None or found.find(qn("w:numId")) is None) and style is not None and id(style) not in seen:
            seen.add(id(style))
            sppr = style.find(qn("w:pPr"))
            found = sppr.find(qn("w:numPr")) if sppr is not None else None
            if found is not None and ilvl is None:
                ilvl = self._val(found, "w:ilvl")
            based = style.find(qn("w:basedOn"))
            style = None
            if based is not None and found is None:
                style = paragraph.part.styles.element.get_by_id(based.get(qn("w:val")))
        num_id = self._val(found, "w:numId") if found is not None else None
        if num_id in (None, "0"):
            return None
        return num_id, ilvl or "0"

    def label(self, paragraph) -> str:
        """The number to put before `paragraph`'s text: "3. ", or "" (not in a numbered list, or a bullet's)."""
        try:
            found = self._numpr(paragraph)
        except Exception:  # noqa: BLE001 - an odd style chain: no number rather than no document
            found = None
        if found is None:
            self.last = None
            return ""
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels:      # no numbering.xml to read: count this list's items, again after other paragraphs
            if self.last != num_id:
                self.counts[num_id] = {}
            counts = self.counts[num_id]
            self.last = num_id
            counts[ilvl] = counts.get(ilvl, 0) + 1
            return f"{counts[ilvl]}. "
        self.last = num_id
        fmt, text, start = levels.get(ilvl, ("decimal", None, 1))
        counts = self.counts.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, start - 1) + 1
        for deeper in [k for k in counts if k.isdigit() and ilvl.isdigit() and int(k) > int(ilvl)]:
            del counts[deeper]      # a deeper level starts again under this item
        if fmt in ("bullet", "none") or text == "":
            return ""
        if text is None:
            text = f"%{int(ilvl) + 1}." if ilvl.isdigit() else "%1."

        def number(m):
            level = str(int(m.group(1)) - 1)
            lfmt, _, lstart = levels.get(level, ("decimal", None, 1))
            return _formatted(counts.get(level, lstart), lfmt)

        shown = re.sub(r"%([1-9])", number, text).strip()
        return shown + " " if shown else ""


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
