"""PDF files into text (pypdf): each page's lines without what the page prints around the words (a court
transcript's line numbers, page numbers, running headers and footers), joined into paragraphs, the pages
separated by PAGE_BREAK so that parse.py can tell each passage's page.

What it leaves out: OCR (a scanned page has no text), reading order beyond pypdf's, a printed page number as the
page shown (a deposition's "Page 42": the PDF's own page is), footnotes set apart from the text they belong to.
"""
from __future__ import annotations

import contextlib
import io
import logging
import re
import threading
import time
from collections import Counter

from .errors import DocumentError
from .labels import CLOCK, HOURS_CLOCK, MONTH_NAMES

PAGE_BREAK = "\n\f\n"     # between the pages of a PDF's text

# a line opening a speaker's turn (a paragraph of its own): "Question:", "Jane Doe (Reuters):", "PhD B:",
# "[00:01:02] Tom Reed:", also a time stamp alone ("[00:01:02] words"), as parse.py reads them; also a label ending
# its line (a court transcript's "BY MR. JONES:" after "DIRECT EXAMINATION", a name above its words)
_LABEL = re.compile(rf"^(?:(?:\[{CLOCK}\]|{HOURS_CLOCK})\s|"
                    r"(?:Question|Q|A|Answer|[A-Z][\w.'’-]*(?: (?:[A-Z][\w.'’-]*|\d{1,3})){0,5})"
                    r"(?: \((?:[^()]|\([^()]*\)){1,120}\))?:(?:\s|$))")
# a deposition's "Q." and "A.", the White House's bare "Q": a new paragraph after a sentence's end (not "led by professor
# / A. Kumar and colleagues")
_QA_LINE = re.compile(r"(?:[QA]\.|Q)\s+(?=[\"“]?[A-Z])")


_quiet_lock = threading.Lock()
_quiet_readers = 0
_quiet_saved = logging.NOTSET


@contextlib.contextmanager
def _quiet(name: str):
    """Logger `name` and its children say nothing inside (threads may nest: the last one out restores it)."""
    global _quiet_readers, _quiet_saved
    logger = logging.getLogger(name)
    with _quiet_lock:
        if _quiet_readers == 0:
            _quiet_saved = logger.level
            logger.setLevel(logging.CRITICAL + 1)
        _quiet_readers += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_readers -= 1
            if _quiet_readers == 0:
                logger.setLevel(_quiet_saved)


def pdf_text(data: bytes, deadline: float | None = None) -> tuple[str, str]:
    """(text, title) of a PDF: pages separated by PAGE_BREAK, lines joined into paragraphs.
    pypdf's own log lines ("EOF marker not found", ...) are silenced; a file it cannot read is
    one DocumentError. Past `deadline` (time.monotonic()), looked at between pages, TimeoutError. Pages that
    draw the same content with the same resources are read once (a few kB of PDF can point a thousand pages at
    one stream of millions of operations, each page read again for seconds)."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if b"%PDF" not in data[:1024]:      # every PDF opens with "%PDF-1.x" (a reader allows a little before it)
        raise DocumentError("not a PDF file: it does not start with %PDF (another kind of file named .pdf?)")
    try:
        with _quiet("pypdf"):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise DocumentError("the PDF is encrypted with a password")
            read: dict[tuple, str] = {}
            texts = []
            for page in reader.pages:
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError
                key = _drawn(page)
                if key not in read:
                    read[key] = (page.extract_text() or "").replace("\f", "\n")
                texts.append(read[key])
            text = paged_text([t.splitlines() for t in texts])
            title = str((reader.metadata or {}).get("/Title") or "")
    except (DocumentError, ModuleNotFoundError, TimeoutError):
        raise
    except DependencyError as e:     # e.g. "cryptography>=3.1 is required for AES algorithm"
        raise DocumentError(f"cannot be read as PDF: {e}") from None
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        raise DocumentError("cannot be read as PDF: the file is truncated or damaged") from None
    return text, title


def paged_text(pages: list[list[str]]) -> str:
    """The text of printed pages given as their lines (a PDF's, a court reporter's plain text: ``printed.py``): each
    page without its furniture (_without_furniture), its lines joined into paragraphs, a sentence run on over a page
    break kept whole (_continued), the pages separated by PAGE_BREAK."""
    return PAGE_BREAK.join(_continued([_pdf_paragraphs(lines) for lines in _without_furniture(pages)]))


def _drawn(page) -> tuple:
    """What a page draws: its content streams (by object number where they are objects of their own) and its
    resources (fonts: the same stream may spell other letters with others); a page of its own where neither is
    shared."""
    contents, resources = page.raw_get("/Contents") if "/Contents" in page else None, page.get("/Resources")
    refs = contents if isinstance(contents, list) else [contents]
    if not all(hasattr(r, "idnum") for r in refs):
        return ("page", id(page))
    shown = repr(resources)
    return tuple((r.idnum, r.generation) for r in refs), shown if len(shown) < 100_000 else id(page)


def content_bytes(data: bytes, limit: int) -> int:
    """The bytes of page content a PDF gives its reader once unpacked (each page that pdf_text reads, _drawn: its
    streams' decoded length, and each form it draws ("/X0 Do") as often as it draws it, forms within forms too),
    counted until past `limit`: a few kB may hold minutes of reading."""
    from pypdf import PdfReader

    with _quiet("pypdf"):
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return 0
        total, seen, forms = 0, set(), {}
        for page in reader.pages:
            key = _drawn(page)
            if key in seen:
                continue
            seen.add(key)
            contents = page.get("/Contents")
            streams = [c.get_object() for c in (contents if isinstance(contents, list) else [contents]) if c is not None]
            drawn = b"".join(s.get_data() for s in streams if hasattr(s, "get_data"))
            total += _with_forms(drawn, page.get("/Resources"), forms, limit - total)
            if total > limit:
                break
        return total


_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")     # "/X0 Do": draw the object named X0


def _with_forms(drawn: bytes, resources, forms: dict, room: int, depth: int = 0) -> int:
    """len(drawn) plus what each form it draws holds (`forms`: id -> that, for a form drawn again), until past
    `room`; forms within forms to a depth of 8 (pypdf's own reading stops deeper)."""
    total = len(drawn)
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    if not xobjects or depth >= 8:
        return total
    xobjects = xobjects.get_object()
    for m in _DO.finditer(drawn):
        form = xobjects.get("/" + m.group(1).decode("latin-1"))
        form = form.get_object() if form is not None else None
        if form is None or form.get("/Subtype") != "/Form" or not hasattr(form, "get_data"):
            continue
        if id(form) not in forms:
            forms[id(form)] = 0         # (a form that draws itself counts once)
            forms[id(form)] = _with_forms(form.get_data(), form.get("/Resources") or resources, forms,
                                          room - total, depth + 1)
        total += forms[id(form)]
        if total > room:
            break
    return total


def _continued(pages: list[str]) -> list[str]:
    """The pages' paragraphs with a sentence that runs on over a page break kept whole: where a page's last
    paragraph ends mid-sentence (no sentence's end, no colon, not a heading) and the next page opens in lower case,
    the rest of that sentence (up to its end, within the next page's first paragraph) is moved to the end of the page
    before (the page break after it). Its passage then has the page it starts on, as a citation of a passage over
    two pages does ("p. 3"), and what follows the sentence keeps its own page (the number of page breaks is
    unchanged; a page that is one long paragraph is not moved whole)."""
    pages = list(pages)
    for i in range(1, len(pages)):
        before, after = pages[i - 1], pages[i]
        last = before.rsplit("\n\n", 1)[-1]
        if not last or last.startswith("# ") or re.search(r"[.!?:…\"”]$", last) or not after[:1].islower():
            continue
        first, _, rest = after.partition("\n\n")
        end = re.search(r"[.!?…][\"”’)]*(?=\s+[^\W\d_])", first)       # the sentence's end, before the next one
        if end and end.end() < len(first):
            first, rest = first[:end.end()], first[end.end():].lstrip() + ("\n\n" + rest if rest else "")
        joined = _dehyphenated(before, first) if before.endswith("-") else before + " " + first
        pages[i - 1], pages[i] = joined, rest
    return pages


EDGE = 5            # a page's first and last lines where its running header, footer and page number stand
LINE_NUMBERS = 8    # numbered lines counting up on a page that make its numbers a transcript's line numbers
RUNNING_PAGES = 3   # pages a line must head or foot, at the same place, to be a running header or footer
_PAGE_NUMBER = re.compile(r"(?i:page\s+)\d{1,4}(?:\s*(?i:of|/)\s*\d{1,4})?|\d{1,4}\s*(?i:of|/)\s*\d{1,4}"
                          r"|[-–—]\s*\d{1,4}\s*[-–—]")
SENTENCE_END = re.compile(r"[.!?…\"”]$")     # a line or paragraph that ends a sentence (word.py too)


def _without_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Each page's lines without what the page prints around the words: a court transcript's line numbers (a
    number alone on its line, 1, 2, 3 … counting up, LINE_NUMBERS or more), the page number ("Page 4", "Page 1 of
    2", "- 4 -" on one of the EDGE first or last lines; a bare "4" only where such numbers count the pages, page
    after page on every page or all but one: not a table's or a slide's figures, a footnote's mark) and running
    headers and footers, but for their first appearance (a line that is no sentence, the same at the same place
    among the EDGE first or last lines of RUNNING_PAGES pages or more and half of them, or of two pages where it has
    three words or more: not a vote's "Against"; its digits aside where it names the page:
    "PRECISION COURT REPORTING, LLC (570) 555-0142", "Newsletter | Spring 2023 | page 1"; not "Q1 2023 Results"
    over slides, "Jane Doe 0:03" over turns; a table's header row repeated on each page is kept once)."""
    numbered = [_line_numbers(lines) for lines in pages]
    # a transcript's numbering restarts on each page: two pages so numbered, or one page of 20 lines or more (not a
    # ranked table's "1", "Norway", "98%", … that pypdf reads a cell a line)
    if sum(1 for found in numbered if found) >= 2 or len(pages) == 1 and len(numbered[0]) >= 20:
        pages = [[line for i, line in enumerate(lines) if i not in found] for lines, found in zip(pages, numbered)]

    def key(line: str) -> str:
        line = " ".join(line.split())
        return re.sub(r"\d+", "#", line.lower()) if re.search(r"\bpage\b", line, re.IGNORECASE) else line

    def places(lines: list[str]) -> dict[int, set]:    # an edge line -> its places (from the top, the bottom) with key
        filled = [i for i, line in enumerate(lines) if line.strip()]
        out: dict[int, set] = {}
        for n, i in enumerate(filled[:EDGE]):
            out.setdefault(i, set()).add((n, key(lines[i])))
        for n, i in enumerate(reversed(filled[-EDGE:]), 1):
            out.setdefault(i, set()).add((-n, key(lines[i])))
        return out

    edges = [places(lines) for lines in pages]
    seen = Counter(place for edge in edges for place in set().union(*edge.values()))
    running = {place for place, n in seen.items() if n * 2 >= len(pages) and not SENTENCE_END.search(place[1])
               and (n >= RUNNING_PAGES or n >= 2 and len(place[1].split()) >= 3)}     # (two pages: a longer line)
    explicit = sum(1 for lines, edge in zip(pages, edges) if any(_PAGE_NUMBER.fullmatch(lines[i].strip()) for i in edge))
    numbers = {} if explicit * 2 >= len(pages) else _page_numbers(pages, edges, running)
    out, shown = [], set()
    for number, (lines, edge) in enumerate(zip(pages, edges)):
        kept = []
        for i, line in enumerate(lines):
            repeats = edge.get(i, set()) & running
            if repeats & shown or i == numbers.get(number) or i in edge and _PAGE_NUMBER.fullmatch(line.strip()):
                continue
            shown |= repeats
            kept.append(line)
        out.append(kept)
    return out


def _page_numbers(pages: list[list[str]], edges: list[dict], running: set) -> dict[int, int]:
    """page -> the line that is its bare page number: a number alone on the page's first or last line (running
    headers and footers aside) that is the page's place plus one offset on every page or all but one, two at least
    (else none: a table's figure, a vote's count, a footnote's mark)."""
    bare = []
    for lines, edge in zip(pages, edges):
        own = [i for i in sorted(edge) if lines[i].strip() and not edge[i] & running]
        ends = {own[0], own[-1]} if own else set()
        bare.append({i: int(lines[i]) for i in ends if re.fullmatch(r"\s*\d{1,4}\s*", lines[i])})
    offsets = Counter(value - page for page, found in enumerate(bare) for value in set(found.values()))
    if not offsets:
        return {}
    offset, n = offsets.most_common(1)[0]
    if n < max(2, len(pages) - 1):      # on every page, or all but one (a title page)
        return {}
    return {page: next(i for i, v in found.items() if v - page == offset)
            for page, found in enumerate(bare) if offset + page in found.values()}


def _line_numbers(lines: list[str]) -> set[int]:
    """The lines of a page that are a transcript's line numbers (see _without_furniture: pypdf reads each as a line
    of its own): LINE_NUMBERS or more numbers alone on their lines, from 1 (or 2), counting up; else none."""
    numbered = [(i, int(line)) for i, line in enumerate(lines) if re.fullmatch(r"\s*\d{1,2}\s*", line)]
    counting = sum(1 for (_, a), (_, b) in zip(numbered, numbered[1:]) if b == a + 1)
    if len(numbered) < LINE_NUMBERS or numbered[0][1] > 2 or counting < 0.8 * (len(numbered) - 1):
        return set()
    return {i for i, _ in numbered}


def _pdf_paragraphs(lines: list[str]) -> str:
    """A page's lines joined into paragraphs (blank line between): a label starts one (a deposition's "Q." and
    "A." after a sentence's end); a word split by a hyphen at a line's end is joined again, without the hyphen where
    the word is commoner so ("harves-" "ter": harvester; "well-" "known" stays)."""
    # a footnote's mark set apart, as the HTML reader writes it: "since monitoring began.26 The" -> "began.[26] The"
    lines = [_FOOTNOTE_MARK.sub(r"\1[\2]", " ".join(x.split())) for x in lines]
    long = sorted(len(x) for x in lines if len(x) > 20)
    typical = long[len(long) // 2] if long else 80
    figures = [len(x) <= 40 and _FIGURE.fullmatch(x) is not None for x in lines]    # each line read once
    paras: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        if not line:
            if current:
                paras.append(current)
            current = ""
            continue
        if current and (_LABEL.match(line) or _QA_LINE.match(line) and SENTENCE_END.search(current)):
            paras.append(current)
            current = ""
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        titled = not re.search(r"[.!?:;,…\"”)\]-]$", line)      # no sentence's or clause's end: a heading may be
        if _NUMBERED.match(line) and len(line) < 0.8 * typical and titled \
                and (not current or SENTENCE_END.search(current) or len(lines[i - 1]) < 0.6 * typical) \
                and _depth(line) not in (_depth(nxt), _depth(lines[i - 1] if i else "")):   # not "1 Norway 98%",
            # "2 Iceland 97%": a list's items are numbered alike
            if current:         # "1.1 Sediment supply at Brackwater", "Chapter 2: Conditions at Ostervik" after
                paras.append(current)       # a sentence's end or a short line (not one a sentence wrapped onto): a
                current = ""                # heading, not the next paragraph's first words
            paras.append("# " + line)
            continue
        if not current and _DATE_LINE.fullmatch(line):
            paras.append(line)      # a date on its own line (a letter's, a briefing's): its own paragraph, no heading
            continue
        if (not current and nxt and len(line) < 0.6 * typical and line[:1].isupper() and titled
                and not _LABEL.match(line) and not any(figures[i + 1:i + 7])):
            paras.append("# " + line)      # a short line on its own, not a sentence: a heading (not a table's
            continue                       # cell: "Year" above "Brackwater", "874", "2015", one a line)
        if not current:
            current = line
        elif current.endswith("-") and line[:1].islower():
            current = _dehyphenated(current, line)
        else:
            current = current + " " + line
        if re.search(r"[.!?:…\"”]$", line) and len(line) < 0.8 * typical:
            paras.append(current)
            current = ""
    if current:
        paras.append(current)
    return "\n\n".join(paras)


# a numbered heading: "1.1 Sediment supply", "12. Annexes", "Chapter 2: Conditions at Ostervik", "Annex B Costs"
# (a word of two letters after the number: not a deposition's "10 A. Sixty" nor "4 Q. Thank you")
_NUMBERED = re.compile(r"(?P<n>\d{1,2}(?:\.\d{1,2}){0,3}\.?|(?:Chapter|Part|Section|Annex|Appendix)\s+[\dA-Z]{1,4}[.:]?)"
                       r"\s+[A-Z][A-Za-z]")
# after a word of three letters or more, not an abbreviation a number follows ("Fig.3", "Art.12", "para.12")
_FOOTNOTE_MARK = re.compile(r"(?<![^\W\d_])(?!(?:fig|figs|art|arts|para|paras|sec|secs|vol|ref|refs|tab|eq|ch|chap|"
                            r"no|nos|pp|reg|sch|cl|item)[.,;:])([^\W\d_]{3,}[.,;:])(\d{1,3})(?=\s|$)", re.IGNORECASE)
# a date on a line of its own (a letter's, a report's cover): no heading ("March 2025", "12 June 2024", "June 12, 2024")
_DATE_LINE = re.compile(rf"(?:\d{{1,2}}\s+)?(?:{MONTH_NAMES})(?:\s+\d{{1,2}},?)?\s+\d{{4}}", re.IGNORECASE)
_FIGURE = re.compile(r"[\d.,%\s+\-–]*\d[\d.,%\s+\-–]*")     # a line of figures alone: a table's cell or row


def _depth(line: str) -> int | None:
    """A numbered line's depth ("2": 0, "2.1": 1, "Chapter 2": -1), None for any other line."""
    m = _NUMBERED.match(line)
    return None if m is None else -1 if not m.group("n")[:1].isdigit() else m.group("n").rstrip(".").count(".")


def _dehyphenated(current: str, line: str) -> str:
    """`current` (ending in "-") and the next `line` joined: without the hyphen where the word it splits (three
    letters or more before it) is more common whole than hyphenated in wordfreq's English ("governm-" "ent", "coope-"
    "rative"; "long-" "term" and "un-" "ionized" keep it)."""
    from wordfreq import zipf_frequency

    head = re.search(r"(?<!\w)(\w{3,})-$", current)      # (not "un-" "ionized", "e-" "mail": a prefix's hyphen)
    tail = re.match(r"\w+", line)
    if head and tail and zipf_frequency(head.group(1) + tail.group(0), "en") > \
            zipf_frequency(f"{head.group(1)}-{tail.group(0)}", "en"):
        return current[:-1] + line
    return current + line
