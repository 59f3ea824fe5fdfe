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
  parsing can tell each passage's page. Lines are joined into paragraphs (a short line
  ending a sentence, a speaker label or a time stamp starts a new one); a short capitalised line that
  is not a sentence and starts a paragraph is taken for a heading (``# Heading``).
  Title from the metadata.
- Markdown: as it is; title and date from YAML front matter when it has one (parsing
  leaves the front matter out of the passages).
- DOCX (python-docx): one paragraph per paragraph, headings as ``# Heading``; title
  from the core properties. Tables, headers and footnotes are left out.
- Subtitles (``.srt``, ``.vtt``; UTF-8 or UTF-16 as text files): the cues merged into
  turns, one paragraph each, opening with the start time of its first cue and its speaker:
  ``[00:12:31] Jane Doe: words...`` (``[00:12:31] >> words...`` when the captions mark a new
  speaker without naming them; ``[00:12:31] words...`` when they mark none; ``[100:00:09]``
  past 99 hours). Cue numbers, timing lines, a VTT file's header and its NOTE, STYLE and
  REGION blocks, inline tags (``<i>``, ``<c.x>``, karaoke times, SRT's ``{\\an8}``, tags inside
  tags) and a line the same speaker repeats in a cue starting at most ``ROLLING_GAP`` seconds
  after the end of the cue it was in (rolling captions; said again later, or twice in one cue,
  it is kept) are left out; entities (``&amp;``) are decoded. Loose clocks are read (``0:0:3,0``,
  no milliseconds, ``:000`` milliseconds, no end time) and loose arrows (``->``, ``—>``, ``–>``,
  ``==>``, ``→`` between two clocks); a cue whose timing line cannot be read, or that has none
  (lost, or words after a blank line inside a cue), keeps its words, on the turn before (left
  out there: a cue number opening the block, a line of two clocks without an arrow; a block that
  is only a number is a cue number). A new turn starts at a speaker change (a line opening with
  ``>>``, ``- ``, ``NAME:`` (``LABEL``: "Speaker 2", "ÉLODIE DURAND"; in capitals, or a name
  that opens lines more than once, or, once one does, any; never a word of prose,
  ``NOT_SPEAKERS``: "Note:", "WARNING:") or a VTT voice ``<v Name>``, each voice tag of a line
  its own, naming someone else), at every ``NAME:`` taken for a speaker (so the label is written
  each time, never a word lost), and, within one speaker's words, at the end of a sentence once
  the turn is ``TURN_CHARS`` long or after a pause of ``PAUSE`` seconds or more, and at any cue
  once it is ``LONGEST_TURN`` long (captions without punctuation). A voice's name is written as a
  ``LABEL`` that ``parse.py`` reads back (no colon or brackets, each word capitalised: "bob" ->
  "Bob"); one that cannot be (``@user``, more than six words) is written ``[00:12:31] >> @user:
  words``, an unnamed speaker whose name stays in the words, so that they are not taken for the
  previous speaker's. The only speaker of a file, named by a voice or after ``>>``/``- `` and
  with no unnamed speaker, is written ``[00:12:31] >> Name: words`` (parse.py takes one label
  alone for a speaker's only after the mark). ``parse.py`` reads the stamps back as each
  passage's ``time``. Linear in the file (a 49 MB file of 918,000 tiny cues reads in 18 to 27 s
  here).

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
from dataclasses import dataclass
from pathlib import Path

from .errors import DocumentError
from .records import Document

from .paths import SHIPPED_CORPUS as DEFAULT_CORPUS  # noqa: E402 - the default transcript (package data)
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
            found = sorted(p for p in path.rglob("*") if (p.is_file() or _dangling(p))
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            for p in found:
                if _dangling(p):
                    skipped.append((str(p), DANGLING))
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
    doc = Document.from_text(id or path.name, text, path=stored_as or str(path), data=data)
    date = date or date_from_name(path.name)
    return Document(id=doc.id, text=doc.text, path=doc.path, title=title.strip(), date=date, sha256=doc.sha256)


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
            pages = [_pdf_paragraphs(page.extract_text() or "") for page in reader.pages]
            title = str((reader.metadata or {}).get("/Title") or "")
    except (DocumentError, ModuleNotFoundError):
        raise
    except DependencyError as e:     # e.g. "cryptography>=3.1 is required for AES algorithm"
        raise DocumentError(f"cannot be read as PDF: {e}") from None
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        raise DocumentError("cannot be read as PDF: the file is truncated or damaged") from None
    return PAGE_BREAK.join(pages), title


def _pdf_paragraphs(page: str) -> str:
    """A page's lines joined into paragraphs (blank line between), words split by a hyphen re-joined."""
    lines = [" ".join(x.split()) for x in page.replace("\f", "\n").splitlines()]
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
        if current and _LABEL.match(line):
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
            current = current + line
        else:
            current = current + " " + line
        if re.search(r"[.!?:…\"”]$", line) and len(line) < 0.8 * typical:
            paras.append(current)
            current = ""
    if current:
        paras.append(current)
    return "\n\n".join(paras)


# ---- DOCX -------------------------------------------------------------------------------------

def docx_text(data: bytes) -> tuple[str, str]:
    """(text, title) of a Word document: one paragraph each, headings as '# Heading'."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise DocumentError(f"not a readable DOCX file ({e})")
    blocks = []
    for p in document.paragraphs:
        text = " ".join(p.text.split())
        if not text:
            continue
        style = (p.style.name if p.style is not None else "") or ""
        m = re.match(r"Heading (\d)", style)
        if style == "Title":
            text = "# " + text
        elif m:
            text = "#" * min(6, int(m.group(1)) + 1) + " " + text
        blocks.append(text)
    return "\n\n".join(blocks) + "\n", document.core_properties.title or ""


# ---- subtitles --------------------------------------------------------------------------------

# a speaker's label, as subtitle_text writes it and parse.py reads it back: one to six words, each
# capitalised ("Project Manager", "PhD B", "Right Hon. Justin Trudeau", "MR. SMITH", "José Müller", "李明"),
# a number ("Speaker 2") or a particle between names ("Leader of the Opposition"); a word is "Smith",
# "O'Neil", "d'Entremont", "U.S", a title "Hon." or an initial "J." (a word ending a sentence, "Thanks.",
# is not one). Capitals: Latin, Greek, Cyrillic, and the letters of scripts without case (Chinese,
# Japanese kana, Korean).
CAPITALS = "A-ZÀ-ÖØ-ÞΑ-ΩА-ЯЁ\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af"
_TITLES = r"(?i:Mr|Mrs|Ms|Mx|Dr|Prof|Hon|Rt|Rev|Sen|Rep|Gov|Gen|Col|Capt|Lt|Sgt|St|Jr|Sr|Mme|Mlle|Messrs)"
_WORD = rf"(?:{_TITLES}\.|[{CAPITALS}]\.|(?:[dl]['’])?[{CAPITALS}](?:[\w'’-]|\.(?=\w))*)"
_PARTICLE = r"(?:of|the|de|van|von|der|den|da|di|du|la|le|del|bin|al|y)"
LABEL = rf"{_WORD}(?: (?:{_WORD}|\d{{1,3}}|{_PARTICLE}(?=(?: {_PARTICLE})* [{CAPITALS}]))){{0,5}}"
_SPEAKER_NAME = re.compile(rf"{LABEL}(?: \([^()\n]{{1,160}}\))?")     # "Ann (BBC)" too

# labels that are prose, not people: "Note: ...", "Example: ...", a header block's "Date: ..."; parse.py and
# subtitle_text never take them for speakers
NOT_SPEAKERS = {
    "note", "notes", "nb", "n.b", "ps", "p.s", "example", "examples", "e.g", "i.e", "warning", "caution",
    "tip", "hint", "important", "summary", "source", "sources", "update", "edit", "see", "also", "re",
    "subject", "from", "to", "cc", "date", "time", "location", "place", "title", "author", "by", "step",
    "result", "results", "output", "input", "usage", "definition", "remember", "todo", "fixme",
    "disclaimer", "abstract", "keywords", "tags", "conclusion", "introduction", "background",
    "objective", "method", "methods", "agenda", "attendees", "present", "absent", "participants",
    "speakers", "transcript", "duration", "recorded", "language", "url", "link", "http", "https",
    "email", "phone", "tel", "fax", "figure", "fig", "table", "chapter", "section", "part", "day",
    "phase", "status",
    # minutes and release notes: "Decision: the budget is approved.", "Action: Bob writes.", "Fixed: ..."
    "decision", "decisions", "action", "actions", "outcome", "outcomes", "resolved", "motion", "vote",
    "fixed", "added", "changed", "removed", "deprecated", "security", "breaking", "known issues",
    "next steps", "action items", "action item",
    # a title line that names the document's kind: "Interview: Flooding in Lagos, with Dr. Amara Okafor"
    "interview", "press conference", "briefing", "hearing", "meeting", "minutes", "q&a", "podcast", "episode",
}

TURN_CHARS = 400     # a speaker's words over several cues are cut into paragraphs at a sentence end after this
LONGEST_TURN = 3 * TURN_CHARS    # captions without punctuation: a paragraph is cut at a cue after this anyway
PAUSE = 3.0          # seconds of silence between cues after which a new paragraph starts (at a sentence end)
# a cue's clock: "00:12:31,500", "12:31.500", "0:0:3,0" (loose writers), "00:00:07:000" (a colon before the ms)
_CUE_CLOCK = r"(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,:]\d{1,3})?"
# the arrow of a timing line: "-->", and as loose writers garble it, "->", "—>", "–>", "==>", "- >", "→"
_ARROW = r"(?:[-–—=~]{1,3}[ \t]?>|[→⟶⇒])"
_CUE_TIME = re.compile(rf"(?P<start>{_CUE_CLOCK})[ \t]*{_ARROW}[ \t]*(?P<end>{_CUE_CLOCK})?")
_TIMING_LINE = re.compile(rf"[ \t]*{_CUE_CLOCK}[ \t]*{_ARROW}[ \t]*{_CUE_CLOCK}(?:[ \t].*)?")   # (settings after it)
# two clocks with no arrow between them ("00:00:07,000 00:00:09,000", "... to ..."): a garbled timing line
_CLOCK_PAIR = re.compile(rf"[ \t]*{_CUE_CLOCK}[ \t]*(?:[^\w\s]{{1,4}}|to|TO)?[ \t]*{_CUE_CLOCK}[ \t]*")
_CLOCK_PARTS = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2})(?:[.,:](?P<f>\d{1,3}))?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+(?P<name>[^<>]+)>")
_TAG = re.compile(r"</?[^<>\n]*>|\{\\[^{}\n]*\}")
# "NAME: words" opening a caption's line (parse.py's LABEL: "Speaker 2:", "ÉLODIE DURAND:", "Dr. Ada Byron:"), also
# after ">>", "- " or a tag; the place is looked behind before the name is matched (matching first, inside a long
# word at every letter, was quadratic)
_CAPTION_LABEL = re.compile(rf"(?P<name>{LABEL}):[ \t]+(?=\S)")
_LINE_LABEL = re.compile(r"(?:^|(?<=[\n>])|(?<=[>\-–] ))" + _CAPTION_LABEL.pattern)
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)\]]*$")


def _cue_seconds(value: str) -> float:
    """'00:12:31,500' -> 751.5; '00:00:07:000' (ms after a colon) -> 7.0."""
    m = _CLOCK_PARTS.fullmatch(value)
    return (int(m.group("h") or 0) * 3600 + int(m.group("m")) * 60 + int(m.group("s"))
            + (int(m.group("f")) / 10 ** len(m.group("f")) if m.group("f") else 0.0))


def _is_timing(line: str) -> bool:
    """A cue's timing line: one holding "-->" (read, or garbled past reading), or two clocks with a
    looser arrow between them ("->", "—>", "==>")."""
    return "-->" in line or bool(_TIMING_LINE.fullmatch(line))


def _cues(block: str) -> list[str]:
    """A block of lines cut before each timing line after its first (with the cue number before it):
    some writers leave out the blank line between cues."""
    lines = block.strip("\n").split("\n")
    first = next((i for i, line in enumerate(lines) if _is_timing(line)), None)
    if first is None:
        return [block]
    cuts = [0] + [i - 1 if i - 1 > first and lines[i - 1].strip().isdigit() else i
                  for i in range(first + 1, len(lines)) if _TIMING_LINE.fullmatch(lines[i])]
    return ["\n".join(lines[a:b]) for a, b in zip(cuts, cuts[1:] + [len(lines)])]


_NOT_CUE = re.compile(r"(?:WEBVTT|NOTE|STYLE|REGION)(?:[ \t].*)?")     # a VTT file's header and its blocks
_VTT_META = re.compile(r"[ \t]*(?i:kind|language|x-[\w-]+)[ \t]*[:=].*")   # header lines after a blank line


def _cue_lines(lines: list[str], vtt_head: bool) -> tuple[re.Match | None, list[str]] | None:
    """(the timing read off a block's timing line, or None; the block's lines of words). A block without a
    timing line (a cue whose line was lost, words after a blank line inside a cue) keeps its words, less
    a cue number opening it and a garbled line of two clocks ("00:00:07,000 00:00:09,000"). None for a
    block that holds no words: a VTT file's header (`vtt_head`: also its ``Kind:``, ``Language:`` lines
    before the first cue), its NOTE, STYLE and REGION blocks, a lone cue number."""
    timing = next((i for i, line in enumerate(lines) if _is_timing(line)), None)
    if timing is not None:
        return _CUE_TIME.search(lines[timing]), lines[timing + 1:]
    if _NOT_CUE.fullmatch(lines[0]) or (vtt_head and all(_VTT_META.fullmatch(x) for x in lines)):
        return None
    start = 1 if lines[0].strip().isdigit() else 0
    if start < len(lines) and _CLOCK_PAIR.fullmatch(lines[start]):
        start += 1
    return (None, lines[start:]) if start < len(lines) and (start or len(lines) > 1 or
                                                              not lines[0].strip().isdigit()) else None


def _voice_name(name: str) -> str:
    """A VTT voice's name as a label parse.py reads back: no colon or brackets, its words capitalised
    ("bob" -> "Bob", "ann smith" -> "Ann Smith"; particles stay: "Leader of the Opposition")."""
    words = re.sub(r"[:\[\]{}]", " ", name).split()
    words = [w if re.fullmatch(_PARTICLE, w) and 0 < i < len(words) - 1 else w[:1].upper() + w[1:]
             for i, w in enumerate(words)]
    return " ".join(words)


def _stamp(seconds: float) -> str:
    """'[00:12:31]', or '[00:12:31.500]' when the cue starts between seconds."""
    ms = round(seconds * 1000)
    s, ms = divmod(ms, 1000)
    return f"[{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{f'.{ms:03d}' if ms else ''}]"


def _caption_speakers(text: str) -> set[str]:
    """The names whose "NAME:" opening a caption line names who speaks: one in capitals or one that opens
    lines more than once, and, once one such name recurs (a conversation), one said once too ("Speaker 2:"
    after "Speaker 1:" twice), as parse.py reads a transcript's labels. Left out: the words of prose
    (NOT_SPEAKERS: "Note:", "WARNING:"), and a capitalised "Today:" said once where no name recurs."""
    named = Counter(m.group("name") for m in _LINE_LABEL.finditer(text))
    named = {name: n for name, n in named.items() if name.lower().rstrip(".") not in NOT_SPEAKERS}
    conversation = any(n >= 2 for n in named.values())
    return {name for name, n in named.items() if n >= 2 or name.isupper() or conversation}


ROLLING_GAP = 1.0     # seconds: a line the same speaker repeats in a cue starting this soon after the last is a repeat


@dataclass(frozen=True)
class _Piece:
    """A speaker's words on a cue line: who says them (None: whoever spoke last, unless `change`),
    whether the captions mark a new speaker (">>", "- "), whether a voice or a marked label names them
    (`explicit`), whether a "NAME:" label named them (`labelled`)."""
    words: str
    speaker: str | None
    change: bool
    explicit: bool = False
    labelled: bool = False


@dataclass(frozen=True)
class _Cue:
    """Where a piece was said: the cue's number among the blocks, its start and end (seconds), and
    whether a pause of PAUSE or more came before it."""
    number: int
    start: float
    end: float
    pause: bool


def _voiced(raw: str) -> list[tuple[str | None, str]]:
    """A cue line cut before each VTT voice tag after its first: (the voice's name or None, its text);
    "<v Ann>Hi, Bob.</v> <v Bob>Hello, Ann.</v>" is Ann's words, then Bob's."""
    tags = list(_VOICE.finditer(raw))
    if not tags:
        return [(None, raw)]
    cuts = [0] + [t.start() for t in tags[1:]] + [len(raw)]
    return [(tag.group("name"), raw[a:b]) for tag, a, b in zip(tags, cuts, cuts[1:])]


def _pieces(raw: str, names: set[str]) -> list[_Piece]:
    """The speakers' words on one cue line: cut at each voice tag and at ">>" mid-line, tags and
    entities gone, a dialogue dash or a "NAME:" of `names` read off the front."""
    import html

    out = []
    for voice, part in _voiced(raw):
        line = part
        for _ in range(3):      # tags inside tags ("<v <b>Ann</b>>") come off in turn
            line = _TAG.sub("", line)
        line = html.unescape(line).replace("\u00a0", " ")
        for n, piece in enumerate(re.split(r"\s*>>+\s*", line)):    # ">>" mid-line: another speaker
            piece = " ".join(piece.split())
            change = n > 0 or line.lstrip().startswith(">>")
            if piece.startswith(("- ", "– ")):       # dialogue dash: the other one answers
                piece, change = piece[2:].strip(), True
            if voice and n == 0:
                out.append(_Piece(piece, _voice_name(voice), change, explicit=True))
                continue
            label = _CAPTION_LABEL.match(piece)
            if label and label.group("name") in names:
                out.append(_Piece(piece[label.end():], label.group("name"), change, change, labelled=True))
            else:
                out.append(_Piece(piece, None, change))
    return out


class _Turns:
    """Caption pieces merged into turns, and the stored text they make (subtitle_text's state)."""

    def __init__(self, names: set[str]):
        self.names = names
        self.turns: list[list] = []     # [start seconds, speaker or None, marked change, [words...], characters]
        self.marked: set[str] = set()   # speakers a voice or a marked label named
        self.previous = None            # the last piece kept and its cue: rolling captions repeat it

    def add(self, piece: _Piece, cue: _Cue) -> None:
        """`piece` on the turn it continues, or on a new one; a piece the same speaker said last, in an
        earlier cue ending at most ROLLING_GAP before this one, is a rolling caption's repeat and left out
        (the same words from someone else, "<v Ann>No." "<v Bob>No.", or said again later, are kept)."""
        said = (piece.words, piece.speaker, piece.change)
        if not piece.words or (self.previous and said == self.previous[0] and self.previous[1].number < cue.number
                               and cue.start - self.previous[1].end <= ROLLING_GAP):
            return
        self.previous = (said, cue)
        if piece.explicit:
            self.marked.add(piece.speaker)
        current = self.turns[-1] if self.turns else None
        speaker = piece.speaker
        if speaker is None and current is not None and not piece.change:
            speaker = current[1]
        # (only the last piece and the count are looked at: joining the turn at every line was quadratic)
        # (a labelled piece opens its own paragraph, so that the label is written again: never a word lost)
        new = (current is None or piece.change or piece.labelled or speaker != current[1]
               or current[4] >= LONGEST_TURN
               or (_SENTENCE_END.search(current[3][-1]) and (current[4] >= TURN_CHARS or cue.pause)))
        if new:
            self.turns.append([cue.start, speaker, piece.change and speaker is None, [piece.words], len(piece.words)])
        else:
            current[3].append(piece.words)
            current[4] += len(piece.words) + 1

    def text(self) -> str:
        """The turns as paragraphs ``[hh:mm:ss] Name: words``. The one speaker of a file that a voice or a
        marked label names, when no unnamed speaker's ">>" is written, is written ``[hh:mm:ss] >> Name:
        words``: parse.py reads one speaker's label as a speaker's only after the captions' mark (a plain
        transcript's lone "Note:" is no speaker)."""
        named = {t[1] for t in self.turns if t[1] and _SPEAKER_NAME.fullmatch(t[1])}
        marks = any(t[2] or (t[1] and t[1] not in named) for t in self.turns)    # ">>" written already
        lone = named.pop() if len(named) == 1 and named <= self.marked and not marks else None
        paragraphs = []
        for start, speaker, unnamed, words, _ in self.turns:
            if speaker and (speaker == lone or not _SPEAKER_NAME.fullmatch(speaker)):
                head = f"{_stamp(start)} >> {speaker}:"     # (also "@user", "7 of Nine": someone parse.py
            else:                                           # cannot name; their name stays in the words)
                head = _stamp(start) + (f" {speaker}:" if speaker else " >>" if unnamed else "")
            paragraphs.append(f"{head} {' '.join(words)}")
        return "\n\n".join(paragraphs) + "\n"


def subtitle_text(text: str) -> str:
    """The text of an SRT or WebVTT file: its cues merged into turns, one paragraph each,
    ``[hh:mm:ss] Name: words`` (see the module's docstring). DocumentError when it has no cue."""
    blocks = [cue for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
              for cue in _cues(block)]
    merged = _Turns(_caption_speakers(text))
    last_end = None
    cues = 0
    vtt = text.startswith("WEBVTT")
    for number, block in enumerate(blocks):
        cue = _cue_lines(block.strip("\n").split("\n"), vtt_head=vtt and not cues)
        if cue is None:         # WEBVTT header, NOTE, STYLE, REGION, a lone cue number
            continue
        m, words = cue
        if m:
            cues += 1
            start = _cue_seconds(m.group("start"))
            end = _cue_seconds(m.group("end")) if m.group("end") else start
        else:                   # a garbled or lost timing line: its words go on the turn before, at no new time
            start = end = last_end if last_end is not None else 0.0
        pause = bool(m) and last_end is not None and start - last_end >= PAUSE
        for raw in words:
            for piece in _pieces(raw, merged.names):
                merged.add(piece, _Cue(number, start, end, pause))
        last_end = end
    if not cues:
        raise DocumentError("no subtitle cues (timing lines '00:00:01,000 --> 00:00:04,000') found")
    if not merged.turns:
        raise DocumentError(f"the subtitles' {cues} cue(s) hold no words")
    return merged.text()
