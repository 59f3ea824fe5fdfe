"""Plain text laid out as printed pages (a court reporter's transcript as a ``.txt``) into the text its PDF reads as.

A court reporter delivers a transcript as text pages: a line number in the left margin of every line, counting 1, 2,
3 ... on each page (25 lines a page in US courts), a printed page number, a running header ("Haller - Direct") and a
reporter's footer around them, the pages separated by a form feed (or not: then each page starts where the margin's
numbers start again at 1). Read as it is, each passage would be a page with its line numbers inside. Such a text is
read as ``pdf.py`` reads the PDF of it (``paged_text``): the margin's numbers left out, the page's furniture too (the
reporter's foot on every page, its first showing too: _without_feet), the
lines joined into paragraphs (a speaker's label, "THE COURT:", "Q.", opens one), the pages separated by
``PAGE_BREAK`` so that each passage has its page (the page's place in the file, as a PDF's page is).

Strict, so that no other text reads otherwise (a numbered list, a code listing, a table of figures, a transcript
with time stamps): two pages or more, each of them (a blank one aside) with a margin number on every line from its
first numbered line to its last, counting up from 1 with no gap, every page but the last with the same count and
that PAGE_LINES or more, most of the numbered lines with words (not a table of figures), and the pages a court
reporter's (``_court_signs``: speakers' labels, "Q.", "THE COURT:", or wrapped prose's long lines and a page number;
not numbered lists, nor a code listing).
"""
from __future__ import annotations

import re
from collections import Counter

from .pdf import paged_text

PAGE_LINES = 20     # numbered lines a printed page holds at least (a court transcript's: 25, some states' 28 or 32)
# a line's number in the left margin (at most three spaces before it, then spaces or a tab, or the line's end)
_MARGIN = re.compile(r"[ ]{0,3}(?P<n>\d{1,2})(?:[ \t]+|$)")


def printed_text(text: str) -> str | None:
    """The text of `text` read as printed pages (see the module's docstring), or None where it is not laid out so."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if "\f" in text:
        pages = [page.split("\n") for page in "\n".join(lines).split("\f")]
        pages = [page for page in pages if any(line.strip() for line in page)]     # (a form feed at the end)
    else:
        pages = _restarting(lines)
    counts = [_numbered(page) for page in pages]
    if len(pages) < 2 or any(n is None for n in counts):
        return None
    if counts[0] < PAGE_LINES or any(n != counts[0] for n in counts[:-1]) or counts[-1] > counts[0]:
        return None
    said = [_unnumbered(line) for page in pages for line in page if _MARGIN.match(line)]
    if 2 * sum(1 for line in said if re.search(r"[^\W\d_]{3}", line)) < len([x for x in said if x.strip()]):
        return None         # (a table of figures, its rows numbered: no words)
    if not _court_signs(pages):
        return None         # (a numbered list, a code listing: no speaker's label, no reporter's layout)
    pages = _without_feet(pages)
    return paged_text([[_unnumbered(line) for line in page] for page in pages])


def _without_feet(pages: list[list[str]]) -> list[list[str]]:
    """The pages without the reporter's foot: a line below a page's last numbered line that recurs there, digits aside,
    on two pages or more and half of them ("PRECISION COURT REPORTING (312) 555-0142"). The words are all on numbered
    lines, so it is nobody's; left out on every page, its first too (paged_text keeps a running line's first showing,
    which here stands between a question and its answer, and was quoted as the answer)."""
    def foot(page: list[str]) -> list[int]:
        last = max(i for i, line in enumerate(page) if _MARGIN.match(line))
        return [i for i in range(last + 1, len(page)) if page[i].strip()]

    feet = [foot(page) for page in pages]
    seen = Counter(key for page, lines in zip(pages, feet) for key in {_digitless(page[i]) for i in lines})
    running = {key for key, n in seen.items() if n >= 2 and 2 * n >= len(pages)}
    return [[line for i, line in enumerate(page) if not (i in set(lines) and _digitless(line) in running)]
            for page, lines in zip(pages, feet)]


# a line a court reporter's page opens with a speaker's or the examination's label: "Q.", "A.", "Q   Officer",
# "THE COURT:", "MS. BIRKELAND:", "BY MR. TAKAHASHI:", "DIRECT EXAMINATION", "(Whereupon, …"
_COURT_LABEL = re.compile(
    r"[ \t]*(?:[QA]\.[ \t]|[QA](?:[ ]{2,}|\t)(?=\S)|THE [A-Z][A-Z ]{1,20}:"
    r"|(?:MR|MS|MRS|MISS|DR)\.[ \t]+[A-Z][A-Z'’-]+(?:[ \t]+[A-Z][A-Z'’-]+)?:|BY (?:MR|MS|MRS|MISS|DR)\.[ \t]+[A-Z]"
    r"|(?:(?:RE)?DIRECT |(?:RE)?CROSS[- ])?EXAMINATION\b|\((?:Whereupon|Recess|Off the record)\b)")


def _court_signs(pages: list[list[str]]) -> bool:
    """Whether numbered pages are a court reporter's: three lines or more open with a speaker's or the examination's
    label ("Q.", "THE COURT:", "BY MS. OKAFOR:"), or the reporter's layout, its numbered lines mostly long as wrapped
    prose's (half or more of 40 characters or more) and a page number or a foot that recurs on half its pages or
    more; not a numbered list, whose items are short, nor a code listing."""
    numbered = [_unnumbered(line) for page in pages for line in page if _MARGIN.match(line)]
    if sum(1 for line in numbered if _COURT_LABEL.match(line)) >= 3:
        return True
    said = [line.strip() for line in numbered if re.search(r"[^\W\d_]{3}", line)]
    if 2 * sum(1 for line in said if len(line) >= 40) < len(said):
        return False
    furniture = [{_digitless(line) for line in page if line.strip() and not _MARGIN.match(line)} for page in pages]
    recurring = Counter(x for lines in furniture for x in lines)
    return 2 * sum(1 for lines in furniture if any(x == "#" or recurring[x] >= 2 for x in lines)) >= len(pages)


def _restarting(lines: list[str]) -> list[list[str]]:
    """Lines cut into pages where the margin's numbers start again at 1. The lines between a page's last numbered
    line and the next page's first (its footer, the next page's number and header) go with the next page, but for
    those that foot the last page too (the same lines, digits aside, after its last numbered line): the foot of
    each page stays on it."""
    blocks: list[list[str]] = [[]]     # the lines from a page's first numbered line to its last ...
    gaps: list[list[str]] = [[]]       # ... and the unnumbered lines before it
    waiting: list[str] = []
    last = 0
    for line in lines:
        m = _MARGIN.match(line)
        if m is None:
            waiting.append(line)
            continue
        n = int(m.group("n"))
        if n == 1 and last:
            blocks.append([])
            gaps.append(waiting)
        elif blocks[-1]:
            blocks[-1].extend(waiting)
        else:
            gaps[-1].extend(waiting)
        blocks[-1].append(line)
        waiting, last = [], n
    foot = [_digitless(x) for x in waiting if x.strip()]
    pages = [gaps[0] + blocks[0]]
    for gap, block in zip(gaps[1:], blocks[1:]):
        filled = [i for i, x in enumerate(gap) if x.strip()]
        cut = filled[len(foot) - 1] + 1 if foot and len(filled) >= len(foot) and \
            [_digitless(gap[i]) for i in filled[:len(foot)]] == foot else 0
        pages[-1].extend(gap[:cut])
        pages.append(gap[cut:] + block)
    pages[-1].extend(waiting)
    return pages


def _digitless(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()))


def _numbered(page: list[str]) -> int | None:
    """How many lines a page numbers in its margin (1, 2, 3 ... with no gap, every line from its first numbered line
    to its last); None for a page not laid out so."""
    filled = [i for i, line in enumerate(page) if line.strip()]
    numbers = [(i, _MARGIN.match(page[i])) for i in filled]
    found = [(i, int(m.group("n"))) for i, m in numbers if m]
    if not found:
        return None
    first, last = found[0][0], found[-1][0]
    inside = [i for i in filled if first <= i <= last]
    if len(inside) != len(found) or [n for _, n in found] != list(range(1, len(found) + 1)):
        return None
    return len(found)


def _unnumbered(line: str) -> str:
    """A page's line without its margin number (a line of furniture, which has none, as it is)."""
    m = _MARGIN.match(line)
    return line[m.end():] if m else line
