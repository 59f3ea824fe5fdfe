"""Read files into Documents: plain text, Markdown, HTML, PDF, DOCX and subtitles (SRT, WebVTT).

Each Document's ``text`` is what every offset points into, and the index stores it
(``documents/*.txt``) beside the vectors so that every quote can be shown and checked
against it. Offsets therefore point into that stored text. For plain text and Markdown it
is the file's text without its byte-order mark (BOM): UTF-8, or UTF-16 when the file starts
with a UTF-16 BOM. For a file without a BOM that is the file's own text, character for
character; for one with a BOM every offset is one character less than counted from the
start of the file. For the other formats it is the text extracted here:

- HTML (BeautifulSoup): the ``<article>`` (else ``<main>``, else ``<body>``) without
  scripts, styles, navigation, asides and forms, and, outside an article, without the
  site's header and footer. One block element per paragraph; headings become
  Markdown-style ``# Heading`` lines so that parsing sees them as headings.
  Title from ``og:title``, else the article's ``<h1>``, else ``<title>``; date from ``article:published_time``
  or ``<time datetime>``.
- PDF (pypdf): the pages' text, separated by a form feed line (``\\n\\f\\n``) so that
  parsing can tell each passage's page, without what the page prints around the words (a court
  transcript's line numbers, page numbers, running headers and footers: ``_without_furniture``).
  Lines are joined into paragraphs (a short line ending a sentence, a speaker label or a time stamp
  starts a new one; a word split by a hyphen is joined again); a short capitalised (or numbered) line
  that is not a sentence and starts a paragraph is taken for a heading (``# Heading``).
  Title from the metadata.
- Markdown: as it is; title and date from YAML front matter when it has one (parsing
  leaves the front matter out of the passages).
- DOCX (python-docx): paragraphs and tables in document order, one paragraph each (a line break
  inside a paragraph stays a line; a table's row is a paragraph, its cells joined by " | "),
  headings as ``# Heading``; title from the core properties. Transcription tools' Word layouts
  read as their text exports (``_docx_transcript``, ``_table_rows``). Headers, footers and
  footnotes are left out.
- Subtitles (``.srt``, ``.vtt``; UTF-8 or UTF-16 as text files): the cues merged into turns,
  ``[00:12:31] Jane Doe: words...``, one paragraph each (``subtitles.py`` says how).
Each Document's ``sha256`` is of the file's bytes, so a changed file is noticed.
Every refusal is a DocumentError with a one-line reason: a broken file, a missing optional
package (with its ``pip install`` command), a link to a missing file (see ``expand``).
Left out: scanned PDFs (no OCR), legacy ``.doc``, encrypted PDFs with a password.
"""
from __future__ import annotations

import contextlib
import io
import logging
import re
import threading
from collections import Counter
from pathlib import Path

from .errors import DocumentError
from .labels import LABEL, prose
from .paths import SHIPPED_CORPUS as DEFAULT_CORPUS  # noqa: F401 - the default transcript (package data)
from .records import Document
from .subtitles import _is_timing, subtitle_text

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUBTITLE_SUFFIXES = {".srt", ".vtt"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | SUBTITLE_SUFFIXES | {".pdf", ".docx"}
MAX_BYTES = 50 * 1024 * 1024
PAGE_BREAK = "\n\f\n"     # between the pages of a PDF's text
# the packages the other formats need: import name -> what pip installs
PACKAGES = {"pypdf": "pypdf", "docx": "python-docx", "bs4": "beautifulsoup4", "lxml": "lxml"}
DANGLING = "a link to a missing file"


def supported(path: Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def stored_path(path: Path, index_folder: Path) -> str:
    """The path as the manifest keeps it: relative to the index's parent folder when inside it."""
    path = Path(path).resolve()
    base = Path(index_folder).resolve().parent
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def expand(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to index from files and folders (searched recursively, hidden files left out),
    and the (path, reason) of those that cannot be: missing, a link to a missing file, or
    of an unknown type."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if not p.is_dir()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            for p in found:
                if _dangling(p):
                    skipped.append((str(p), DANGLING))
                elif not p.is_file():       # a named pipe, a socket, a device: listed, never opened
                    skipped.append((str(p), "not a file"))
                elif supported(p):
                    files.append(p)
                else:
                    skipped.append((str(p), _unsupported(p)))
        elif not path.exists():
            skipped.append((str(path), DANGLING if _dangling(path) else "no such file"))
        elif not path.is_file():
            skipped.append((str(path), "not a file"))
        elif not supported(path):
            skipped.append((str(path), _unsupported(path)))
        else:
            files.append(path)
    return files, skipped


def _dangling(path: Path) -> bool:
    """A symbolic link whose target is missing (or a loop of links)."""
    return path.is_symlink() and not path.exists()


def _unsupported(path: Path) -> str:
    kinds = ", ".join(sorted(s for s in SUFFIXES if s))
    return f"unsupported file type {path.suffix or '(none)'!r} (supported: {kinds})"


def read(path: Path, stored_as: str | None = None, id: str | None = None) -> Document:
    """The Document for the file at `path`; DocumentError with the reason when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise DocumentError(f"{path}: {DANGLING if _dangling(path) else 'no such file'}")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"{path}: {_unsupported(path)}")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(f"{path}: too large ({size / 2**20:.0f} MB; the limit is {MAX_BYTES // 2**20} MB)")
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(f"{path}: cannot be read ({e.strerror or e})") from None
    title = ""
    date = None
    try:
        if suffix in HTML_SUFFIXES:
            text, title, date = html_text(data)
        elif suffix == ".pdf":
            text, title = pdf_text(data)
        elif suffix == ".docx":
            text, title = docx_text(data)
        elif suffix in SUBTITLE_SUFFIXES:
            text = subtitle_text(decode(data))
        else:
            text = decode(data)
            if suffix in (".md", ".markdown"):
                title, date = front_matter(text)
    except DocumentError as e:
        raise DocumentError(f"{path}: {e}") from None
    except ModuleNotFoundError as e:    # an optional package of this format is not installed
        package = PACKAGES.get((e.name or "").split(".")[0], (e.name or "").split(".")[0])
        raise DocumentError(f"{path}: reading {suffix.lstrip('.').upper()} files needs {package}: "
                            f"pip install {package}") from None
    except Exception as e:  # noqa: BLE001 - a broken file of any kind is one clear message
        raise DocumentError(f"{path}: cannot be read as {suffix.lstrip('.').upper() or 'text'} "
                            f"({type(e).__name__}: {e})") from None
    if not text.strip():
        what = "no text could be extracted (a scanned PDF?)" if suffix == ".pdf" else "the file has no text"
        raise DocumentError(f"{path}: {what}")
    if suffix in HTML_SUFFIXES | TEXT_SUFFIXES and _garbled(text):    # (a PDF's or DOCX's text may hold a few)
        raise DocumentError(f"{path}: holds binary data, not {suffix.lstrip('.').upper() or 'text'} "
                            f"(an image or archive renamed?)")
    doc = Document.from_text(id or path.name, text, path=stored_as or str(path), data=data)
    date = date or date_from_name(path.name)
    return Document(id=doc.id, text=doc.text, path=doc.path, title=title.strip(), date=date, sha256=doc.sha256)


GARBLED = 0.05     # a text more than this share of which is control characters or undecodable bytes is binary data


_BINARY = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _garbled(text: str) -> bool:
    """Whether `text` is binary data read as text (a renamed image: control characters and U+FFFD throughout), by
    its first 100,000 characters."""
    sample = text[:100_000]
    return len(_BINARY.findall(sample)) > GARBLED * len(sample)


def decode(data: bytes) -> str:
    """The text of a text file's bytes: UTF-8, or UTF-16 when they start with its byte-order
    mark; any byte-order mark is left out. DocumentError naming the line of bad bytes."""
    codec = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as e:
        before = data[:e.start - e.start % 2] if codec == "utf-16" else data[:e.start]
        line = before.decode(codec, "replace").count("\n") + 1
        name = "UTF-16" if codec == "utf-16" else "UTF-8"
        raise DocumentError(f"not {name} text (line {line}: {e.reason} at byte {e.start}); save it as UTF-8")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DocumentError(f"not a text file (line {line} holds NUL bytes: UTF-16 without a byte-order "
                            "mark?); save it as UTF-8")
    return text


_FRONT = re.compile(r"---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|$)", re.DOTALL)


def front_matter(text: str) -> tuple[str, str | None]:
    """(title, ISO date) from a Markdown file's YAML front matter ('title: ...', 'date: 2023-01-02')."""
    m = _FRONT.match(text)
    if not m:
        return "", None
    fields = dict(re.findall(r"^(title|date):[ \t]*['\"]?(.*?)['\"]?[ \t]*$", m.group("body"), re.MULTILINE))
    return fields.get("title", ""), _iso(fields.get("date", ""))


def date_from_name(name: str) -> str | None:
    """An ISO date written in a file name ('2022-01-14_briefing.txt', 'talk_20220114.pdf')."""
    m = re.search(r"(?<!\d)(19\d\d|20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)", name)
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


# ---- HTML -------------------------------------------------------------------------------------

_DROP = ["script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "svg", "button",
         "select", "dialog", "canvas", "object", "embed"]
_BLOCKS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "blockquote", "pre", "table", "tr",
           "td", "th", "dd", "dt", "dl", "figcaption", "figure", "address", "hr", "header", "footer",
           "h1", "h2", "h3", "h4", "h5", "h6", "body", "caption", "details", "summary"}


def html_text(data: bytes) -> tuple[str, str, str | None]:
    """(text, title, ISO date or None) of an HTML page: the article, one block a paragraph."""
    from bs4 import BeautifulSoup, Comment, NavigableString

    soup = BeautifulSoup(data, "lxml" if _has_lxml() else "html.parser")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    title = _meta(soup, "og:title")
    date = _iso(_meta(soup, "article:published_time") or _meta(soup, "date") or _meta(soup, "dc.date")
                or (soup.find("time", datetime=True) or {}).get("datetime", ""))
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": re.compile("navigation|banner|contentinfo|search")}):
        tag.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    if root.name not in ("article", "main"):
        for tag in root.find_all(["header", "footer"]):
            tag.decompose()
    if not title:
        h1 = root.find("h1")
        title = " ".join(h1.get_text(" ", strip=True).split()) if h1 else page_title

    blocks: list[str] = []
    current: list[str] = []

    def flush():
        line = re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(current))
        line = "\n".join(x.strip() for x in line.split("\n")).strip()
        line = re.sub(r"\n{2,}", "\n", line)
        if line:
            blocks.append(line)
        current.clear()

    def walk(node):
        for child in node.children:
            if isinstance(child, NavigableString):
                current.append(str(child).replace("\n", " "))
            elif child.name == "br":
                current.append("\n")
            elif child.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                flush()
                heading = child.get_text(" ", strip=True)
                if heading:
                    blocks.append("#" * int(child.name[1]) + " " + " ".join(heading.split()))
            elif child.name == "pre":
                flush()
                text = child.get_text().strip("\n")
                if text.strip():
                    blocks.append(text)
            elif child.name in _BLOCKS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(root)
    flush()
    return "\n\n".join(blocks) + "\n", title, date


def _has_lxml() -> bool:
    try:
        import lxml  # noqa: F401
        return True
    except ModuleNotFoundError:
        return False


def _meta(soup, name: str) -> str:
    tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
    return (tag.get("content") or "").strip() if tag else ""


def _iso(value: str) -> str | None:
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value or "")
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


# ---- PDF --------------------------------------------------------------------------------------

# a line opening a speaker's turn (a paragraph of its own): "Question:", "Jane Doe (Reuters):", "PhD B:",
# "[00:01:02] Tom Reed:", also a time stamp alone ("[00:01:02] words"), as parse.py reads them
_LABEL = re.compile(r"^(?:(?:\[(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\]|\d{1,2}:\d{2}:\d{2})\s|"
                    r"(?:Question|Q|A|Answer|[A-Z][\w.'’-]*(?: (?:[A-Z][\w.'’-]*|\d{1,3})){0,5})"
                    r"(?: \((?:[^()]|\([^()]*\)){1,120}\))?:\s)")
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


def pdf_text(data: bytes) -> tuple[str, str]:
    """(text, title) of a PDF: pages separated by PAGE_BREAK, lines joined into paragraphs.
    pypdf's own log lines ("EOF marker not found", ...) are silenced; a file it cannot read is
    one DocumentError."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        with _quiet("pypdf"):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise DocumentError("the PDF is encrypted with a password")
            pages = [_pdf_paragraphs(lines) for lines in _without_furniture(
                [(page.extract_text() or "").replace("\f", "\n").splitlines() for page in reader.pages])]
            title = str((reader.metadata or {}).get("/Title") or "")
    except (DocumentError, ModuleNotFoundError):
        raise
    except DependencyError as e:     # e.g. "cryptography>=3.1 is required for AES algorithm"
        raise DocumentError(f"cannot be read as PDF: {e}") from None
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        raise DocumentError("cannot be read as PDF: the file is truncated or damaged") from None
    return PAGE_BREAK.join(pages), title


EDGE = 5            # a page's first and last lines where its running header, footer and page number stand
LINE_NUMBERS = 8    # numbered lines counting up on a page that make its numbers a transcript's line numbers
RUNNING_PAGES = 3   # pages a line must head or foot, at the same place, to be a running header or footer
_PAGE_NUMBER = re.compile(r"(?i:page\s+)\d{1,4}(?:\s*(?i:of|/)\s*\d{1,4})?|\d{1,4}\s*(?i:of|/)\s*\d{1,4}"
                          r"|[-–—]\s*\d{1,4}\s*[-–—]")
_SENTENCE_END = re.compile(r"[.!?…\"”]$")


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
    running = {place for place, n in seen.items() if n * 2 >= len(pages) and not _SENTENCE_END.search(place[1])
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
    lines = [" ".join(x.split()) for x in lines]
    long = sorted(len(x) for x in lines if len(x) > 20)
    typical = long[len(long) // 2] if long else 80
    paras: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        if not line:
            if current:
                paras.append(current)
            current = ""
            continue
        if current and (_LABEL.match(line) or _QA_LINE.match(line) and _SENTENCE_END.search(current)):
            paras.append(current)
            current = ""
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (not current and nxt and len(line) < 0.6 * typical and line[:1].isupper()
                and not re.search(r"[.!?:;,…\"”)\]-]$", line) and not _LABEL.match(line)):
            paras.append("# " + line)      # a short line on its own, not a sentence: a heading
            continue
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


# ---- DOCX -------------------------------------------------------------------------------------

def docx_text(data: bytes) -> tuple[str, str]:
    """(text, title) of a Word document: its paragraphs and tables in order, one paragraph each (a line break inside
    one, Shift+Enter, stays a line: "P1: ... / P2: ..." are two turns), headings as '# Heading'. A transcription
    tool's layouts read as their text exports do (_docx_transcript): Otter's and Teams' "Jane Doe  0:03" paragraph
    above its words (a name recurring), Teams' classic timing, name and words paragraphs (as subtitles), a table of speaker, time and
    words."""
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
    """A table's rows, one paragraph each: a transcript's (a column of speakers' names, one recurring, an optional
    column of times, the words last, most of them sentences: _transcript_rows) as "Jane Doe 0:03" above the words
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
            and _CELL_CLOCK.fullmatch(r[1]) and re.search(r"[.!?…\"”]$", r[-1])}
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
    blocks = [x for b in blocks for x in (b.split("\n") if _is_timing(b.split("\n")[0]) else [b])]
    timings = [i for i, b in enumerate(blocks) if "\n" not in b and _is_timing(b)]
    cued = [i for i in timings if i + 2 < len(blocks) and _NAME_CELL.fullmatch(blocks[i + 1])
            and not _is_timing(blocks[i + 2])]
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
                 and (re.search(r"[.!?…\"”]$", blocks[i + 1]) or len(blocks[i + 1]) >= 60))
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


# ---- subtitles --------------------------------------------------------------------------------
