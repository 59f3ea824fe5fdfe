"""A text's paragraphs, each an exact span: non-blank blocks split before a line that opens a speaker's turn (or by
a file's indented first lines: a GPO hearing, a court record), page chrome dropped, a speech a column marker cut
joined again; and the Markdown heading a paragraph is. What it leaves out: whose a paragraph is (``parse.py``,
``exchanges.py``) and which lines nobody says (``furniture.py``)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .labels import INVERTED, LABEL, prose
from .turns import TURN, opens_turn, timing_lines


_CHROME = re.compile(
    r"^\s*(Читать на русском|Read in Russian|Rate this article(?: \(votes: [^)\n]*\))?|\(votes: .*\)|\(\d+ votes?\)"
    r"|Share this article|For business|For researchers|For students|Print|Subscribe"
    r"|Source: .{0,120}|Transcribed by https?://\S+|Meeting ended after \d[\d:]*\W*"
    rf"|(?-i:{LABEL}|{INVERTED}) (?:started|stopped) transcription"     # Teams' note of who turned its transcript on or off
    # a page's share buttons and advertisement label, a briefing's clock ("2:41 P.M. EDT"), a podcast's note on its
    # transcript: whole lines, in their case (not a hard-wrapped line "share on Friday the results", "10:30 AM")
    r"|(?-i:Share this article [^\n]{1,60}|(?:Share on (?:Facebook|X|Twitter|LinkedIn|WhatsApp|Telegram|VK|Reddit|Email)"
    r"\s*)+(?:Email)?|Advertisement|ADVERTISEMENT|(?:END\s+)?\d{1,2}:\d{2} [AP]\.M\. [A-Z]{2,4}"
    r"|This transcript (?:was|has been) (?:automatically generated|generated automatically)[^\n]{0,120}))\s*$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"#{1,6}[ \t]+(?P<text>[^\n]+)")
# a Markdown footnote's text opening a line, "[^2]: Millbrook's hours will be restored …": a paragraph of its own,
# also on the line right after another's (as footnotes are written), so that each is cited in the section that
# first refers to it (parse._sections), not all in the first one's
FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]:")


@dataclass(frozen=True)
class Para:
    start: int
    end: int


def paragraphs(text: str) -> list[Para]:
    """Spans of non-blank blocks, split at chrome lines (which are dropped) and before a line that
    opens a speaker turn or a Markdown footnote (FOOTNOTE), whitespace trimmed."""
    spans: list[Para] = []
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
                spans.append(Para(s, e))
        block_start = None

    timing = timing_lines(lines)
    indented = _indented_starts(lines)
    alone = False       # the block so far is a time stamp alone on its line, which times the turn after it
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or _CHROME.match(stripped):
            if not (alone and not stripped):        # (a stamp alone goes on with the turn past a blank line)
                close(pos)
        elif block_start is None or i in timing:
            close(pos)
            block_start, alone = pos, i in timing
        elif (opens_turn(line) or i in indented or FOOTNOTE.match(line)) and not alone:
            close(pos)              # "Q: ..." / "Name: ..." / "[00:01:02] ..." on the next line opens a new turn
            block_start = pos
        else:
            alone = False
        pos += len(line)
    close(pos)
    return spans


# a list's item, not a paragraph's first line: "- ", "* ", "• ", "1. ", "(a) "
_ITEM = re.compile(r"(?:[-*•+·]|\d{1,3}[.)]|\([a-z0-9]{1,3}\))\s")
INDENTED_PAIRS = 3      # first lines over wrapped ones that make a file's paragraphs indented (_indented_starts)


def _indented_starts(lines: list[str]) -> set[int]:
    """The lines (indexes) that open a paragraph by their indent in a file laid out so, with no blank line between
    paragraphs: a GPO hearing's "    Senator Pruitt. Thank you, …" over lines wrapped at the margin, a court record's
    "              THE COURT:  Please be seated. …" and "         Q.   Where were you …" over lines wrapped at four
    spaces. The wrapped lines' indent is the one most often right below a deeper line; an indent deeper than it opens a
    paragraph where INDENTED_PAIRS or more of its lines stand right above a wrapped line (not a centred heading's, a
    list's nested item); a heading in capitals set deeper ("DIRECT EXAMINATION") and a label alone on a wrapped line's
    indent ("    BY MR. JONES:") open one too."""
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" \t"))

    pairs: dict[tuple[int, int], int] = {}
    for a, b in zip(lines, lines[1:]):
        if a.strip() and b.strip() and indent(a) > indent(b) and not _ITEM.match(a.lstrip()):
            pairs[indent(a), indent(b)] = pairs.get((indent(a), indent(b)), 0) + 1
    below: dict[int, int] = {}
    for (_, low), n in pairs.items():
        below[low] = below.get(low, 0) + n
    if not below:
        return set()
    base = max(below, key=below.get)
    at: dict[int, int] = {}
    for line in lines:
        if line.strip():
            at[indent(line)] = at.get(indent(line), 0) + 1
    # (two spaces deeper or more, and a quarter of its lines or more above a wrapped one: not a right-aligned margin
    # number's " 9" over "10")
    deeper = {high for (high, low), n in pairs.items()
              if low == base and high >= base + 2 and n >= INDENTED_PAIRS and n * 4 >= at[high]
              and not _hanging(lines, base, high, indent)}
    out: set[int] = set()
    for i in range(1, len(lines)):
        line, stripped = lines[i], lines[i].strip()
        if not stripped or not lines[i - 1].strip():
            continue
        if indent(line) in deeper and not _ITEM.match(stripped) \
                or deeper and indent(line) > base and capitals(stripped) and not re.search(r"[.!?…]$", stripped) \
                and not capitals(lines[i - 1]):
            out.add(i)      # (a heading in capitals set deeper, "DIRECT EXAMINATION", is one too, its second line not)
        elif deeper and indent(line) == base and (m := TURN.match(stripped)) and not stripped[m.end():].strip() \
                and not prose(m.group("label")):
            out.add(i)
    return out


def _labelled(line: str) -> bool:
    """A line that opens with a speaker's label: "MARIA LOPEZ: The …", "THE COURT:  Good …", "Q.   Where …"."""
    stripped = line.strip()
    return opens_turn(stripped) or bool(_DOT_LABEL.match(stripped))


_DOT_LABEL = re.compile(r"(?:[QA]\.|(?:MR|MS|MRS|DR)\. [A-Z]{2,}\.|The [A-Z]{3,}\.)[ \t]+\S")


def _hanging(lines: list[str], base: int, high: int, indent) -> bool:
    """Whether the lines at `high`, deeper than `base`, are a hanging indent's wrapped lines under first lines at the
    margin ("MARIA LOPEZ: The dredging budget …" over "    thousand pounds …"), not first lines over wrapped ones: the
    lines at the margin right above them open with a speaker's label, and they do not; or, no label telling, they go
    on below one another more often than the margin's lines do (a GPO hearing's one-line paragraphs aside)."""
    filled = [(line, indent(line)) for line in lines]
    deep = [line for line, n in filled if line.strip() and n == high]
    above = [a for (a, m), (b, n) in zip(filled, filled[1:]) if a.strip() and b.strip() and m == base and n == high]
    labelled = sum(1 for line in deep if _labelled(line))
    if 2 * labelled > len(deep):
        return False        # (a court record's "         Q.   Where …" over its wrapped lines)
    if above and 2 * sum(1 for line in above if _labelled(line)) > len(above):
        return True
    runs = Counter(m for (a, m), (b, n) in zip(filled, filled[1:]) if a.strip() and b.strip() and m == n)
    return runs[high] > runs[base]
# UK Hansard's column marker on a line of its own: "14 Nov 2023 : Column 613", "Column 45WH"
COLUMN = re.compile(r"(?:\d{1,2} [A-Z][a-z]{2,8} \d{4} : )?Column \d{1,5}[A-Z]{0,3}")


def across_columns(text: str, paras: list[Para]) -> list[Para]:
    """`paras` with a speech that a column marker (COLUMN) cuts mid-sentence one paragraph again, the marker inside
    it ("… are delivering improvements now, in places" / "14 Nov 2023 : Column 614" / "like Cornwall and Norfolk, …"):
    the paragraph before ends in no sentence's or clause's end, the one after opens in lower case."""
    out: list[Para] = []
    i = 0
    while i < len(paras):
        if out and i + 1 < len(paras) and COLUMN.fullmatch(text, paras[i].start, paras[i].end) \
                and not re.search(r"[.!?…:;\"”’)\]—–-]$", text[out[-1].start:out[-1].end]) \
                and text[paras[i + 1].start].islower():
            out[-1] = Para(out[-1].start, paras[i + 1].end)
            i += 2
            continue
        out.append(paras[i])
        i += 1
    return out


def capitals(body: str) -> bool:
    """A heading in capitals, no label before it: "DIRECT EXAMINATION", "STATEMENT OF ELENA MARSH, PH.D., DIRECTOR",
    a court's "UNITED STATES DISTRICT COURT\nCENTRAL DISTRICT OF CALIFORNIA": eight letters or more, none in lower
    case, no line over 200 characters, none asking or exclaiming. A speaker's turn does not go on in it."""
    letters = re.findall(r"[^\W\d_]", body)
    return len(letters) >= 8 and not any(c.islower() for c in letters) and all(
        len(line) <= 200 and not line.rstrip().endswith(("?", "!")) for line in body.splitlines())


def markdown_heading(text: str, p: Para) -> str | None:
    m = _HEADING.fullmatch(text, p.start, p.end)
    return m.group("text").strip().strip("#").strip() if m else None
