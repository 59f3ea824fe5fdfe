"""Read files into Documents: plain text, Markdown, HTML, PDF, DOCX and subtitles (SRT, WebVTT).

Each Document's ``text`` is what every offset points into, and the index stores it
(``documents/*.txt``) beside the vectors so that every quote can be shown and checked
against it. Offsets therefore point into that stored text. For plain text and Markdown it
is the file's text without its byte-order mark (BOM): UTF-8, or UTF-16 (UTF-32) when the file starts
with a UTF-16 (UTF-32) BOM. For a file without a BOM that is the file's own text, character for
character; for one with a BOM every offset is one character less than counted from the
start of the file. Two layouts of plain text (``.txt``, ``.text`` or no suffix; never Markdown) are read as what
they are, their stored text extracted as a PDF's or subtitles' is: a court reporter's transcript laid out as printed
pages (a line number in the margin of every line, 1, 2, 3 … on each page: ``printed.py``) as the PDF of it is, and a
speech recogniser's timed lines (Whisper's ``[00:00:21.680 --> 00:00:28.920]  words``) as subtitles' cues are
(``subtitles.timed_text``). For the other formats it is the text extracted here:

- HTML (BeautifulSoup): the ``<article>`` (else ``<main>``, else ``<body>``) without
  scripts, styles, navigation, asides and forms, sharing widgets and rows of social links (``_sharing``), and,
  outside an article, without the site's header and footer. One block element per paragraph; headings become
  Markdown-style ``# Heading`` lines so that parsing sees them as headings; a data table's row is a
  paragraph, its cells joined by " | " (as DOCX's); an ordered list's item opens with its number ("2. ");
  a footnote's mark (``<sup>``) is set apart in brackets ("period.[1]"); a paragraph wholly in bold that asks (a
  magazine interview's question) is written in Markdown bold, ``**How do you measure that?**``.
  Title from ``og:title``, else the article's ``<h1>``, else ``<title>``; date from ``article:published_time``
  or ``<time datetime>``.
- PDF (pypdf, ``pdf.py``): the pages' text, separated by a form feed line (``\\n\\f\\n``) so
  that parsing can tell each passage's page, without what the page prints around the words (a
  court transcript's line numbers, page numbers, running headers and footers); lines joined into
  paragraphs, a short capitalised line that is not a sentence taken for a heading (``# Heading``); a
  sentence running on over a page break kept in one paragraph, before the break (cited at its first page).
  A file that does not open with ``%PDF`` is refused as not a PDF.
  Title from the metadata.
- Markdown: as it is; title and date from YAML front matter when it has one (parsing
  leaves the front matter out of the passages); a title that is no one-line string there (a list,
  a quote left open: broken YAML) is none.
- DOCX (python-docx, ``word.py``): paragraphs and tables in document order, one paragraph each
  (a line break inside a paragraph stays a line; a table's row is a paragraph, its cells joined
  by " | "), headings as ``# Heading``, a numbered list's item with its number ("2. "); title from the
  core properties; a file that is no zip archive refused as no Word file (saying when it is a PDF);
  transcription tools' Word layouts read as their text exports. Headers, footers and footnotes are left out.
- Subtitles (``.srt``, ``.vtt``; UTF-8 or UTF-16 as text files): the cues merged into turns,
  ``[00:12:31] Jane Doe: words...``, one paragraph each (``subtitles.py`` says how).
Each Document's ``sha256`` is of the file's bytes, so a changed file is noticed.
Every refusal is a DocumentError with a one-line reason: a broken file, a missing optional
package (with its ``pip install`` command), a link to a missing file (see ``expand``).
Left out: scanned PDFs (no OCR), legacy ``.doc``, encrypted PDFs with a password.
"""
from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from pathlib import Path

from .errors import DocumentError
from .labels import opens_turn
from .paths import SHIPPED_CORPUS as DEFAULT_CORPUS  # noqa: F401 - the default transcript (package data)
from .pdf import PAGE_BREAK, pdf_text  # noqa: F401 - PAGE_BREAK: parse.py's page mark
from .printed import printed_text
from .records import Document
from .subtitles import subtitle_text, timed_text
from .word import docx_text

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUBTITLE_SUFFIXES = {".srt", ".vtt"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | SUBTITLE_SUFFIXES | {".pdf", ".docx"}
MAX_BYTES = 50 * 1024 * 1024
# the characters that turn text's direction around (str.translate's table that drops them): in a name or a question
# shown back, a stray U+202E reads "OTAN dna ?napaJ"
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# an upload's text at most (about 2,500 pages): one of 50 MB of plain words held the chat's server for over ten
# minutes at 6.8 GB, past its time limit, which is checked between steps (the command line reads any size)
MAX_UPLOAD_CHARS = 5_000_000

# what an upload's reader may parse before its text is counted: a Word file's XML (python-docx builds it whole: a
# 62 kB file of 40 MB of empty paragraphs took 2 minutes and 1.4 GB) and an HTML page (BeautifulSoup's tree: 32 MB of
# tags, 2 minutes and 5.7 GB); either far beyond what 5,000,000 characters of text need
MAX_UPLOAD_XML_BYTES = 4 * MAX_UPLOAD_CHARS
MAX_UPLOAD_HTML_BYTES = 2 * MAX_UPLOAD_CHARS
MAX_UPLOAD_PDF_CONTENT = 2 * MAX_UPLOAD_CHARS     # bytes of page content (pypdf reads about 0.5 MB of it a second)


def upload_problem(path: Path) -> str | None:
    """Why an upload is not read at all (None: it may be): a Word file whose XML, or an HTML page whose bytes, would
    cost minutes and gigabytes to parse (a few kB of a compressed archive may hold gigabytes of XML)."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix == ".docx" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:      # (XML by its name, its first bytes or how far it shrank: any name)
                xml = sum(i.file_size for i in z.infolist() if i.filename.lower().endswith(".xml")
                          or i.file_size > 2 * i.compress_size or _markup(z, i))
            limit, what = MAX_UPLOAD_XML_BYTES, "of Word XML once unpacked"
        elif suffix in HTML_SUFFIXES:
            xml, limit, what = Path(path).stat().st_size, MAX_UPLOAD_HTML_BYTES, "of HTML"
        elif suffix == ".pdf":
            from .pdf import content_bytes

            xml = content_bytes(Path(path).read_bytes(), MAX_UPLOAD_PDF_CONTENT)
            limit, what = MAX_UPLOAD_PDF_CONTENT, "of PDF page content once unpacked"
        else:
            return None
    except Exception:  # noqa: BLE001 - a broken file of any kind: the reader says what is wrong with it
        return None
    if xml > limit:
        return f"{xml:,} bytes {what}; an upload holds {limit:,} at most: index it from the command line (rag index FILE)"
    return None
def _markup(z: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether a part of a Word package opens as XML does ("<", after a byte-order mark and white space): a stored
    part of any name may be the document's XML (its relationships may point anywhere)."""
    with z.open(member) as f:
        head = f.read(64)
    for mark in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(mark)
    return head.replace(b"\x00", b"").lstrip().startswith(b"<")


# the packages the other formats need: import name -> what pip installs
PACKAGES = {"pypdf": "pypdf", "docx": "python-docx", "bs4": "beautifulsoup4", "lxml": "lxml"}
DANGLING = "a link to a missing file"


def supported(path: Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


UPLOADED = "upload:"     # the stored path of a file uploaded in the chat: no file on this machine to re-read


def stored_path(path: Path, index_folder: Path) -> str:
    """The path as the manifest keeps it: relative to the index's parent folder when inside it (a file of the
    server named "upload:…" there as "./upload:…", never taken for a chat's upload, which a visitor could replace)."""
    path = Path(path).resolve()
    base = Path(index_folder).resolve().parent
    try:
        relative = str(path.relative_to(base))
    except ValueError:
        return str(path)
    return f"./{relative}" if relative.startswith(UPLOADED) else relative


def expand(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to index from files and folders (searched recursively, hidden files left out),
    and the (path, reason) of those that cannot be: missing, a link to a missing file, a link in a folder to a folder
    or to a file outside it (a file named itself is read, link or not), or of an unknown type."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for path in map(Path, paths):
        if path.is_dir():
            every = [p for p in path.rglob("*") if not any(part.startswith(".") for part in p.relative_to(path).parts)]
            found = sorted(p for p in every if not p.is_dir() or p.is_symlink())
            inside = path.resolve()
            # an index inside the folder (one made there by `rag index` run in it, ./embeddings; a Milvus Lite
            # database, "archive.db/"): its stored texts are its documents' words again, never read as documents;
            # said once
            indexes = sorted({f.parent for f in found if f.name == "manifest.json" and our_manifest(f)}
                             | {d for d in every if d.is_dir() and not d.is_symlink() and lite_database(d)})
            skipped.extend((str(i), AN_INDEX) for i in indexes)
            for p in found:
                if any(p.is_relative_to(i) for i in indexes):
                    continue
                if p.is_dir():      # a link to a folder is not followed (it may lead anywhere, or back here)
                    skipped.append((str(p), LINKED_FOLDER))
                elif _dangling(p):
                    skipped.append((str(p), DANGLING))
                elif p.is_symlink() and not p.resolve().is_relative_to(inside):
                    # an unpacked archive's "notes.txt -> ~/.ssh/id_rsa": a private file quoted to every visitor
                    skipped.append((str(p), LINKED_OUTSIDE))
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


LINKED_FOLDER = "a link to a folder, not followed (give that folder itself, if its files are not indexed already)"
LINKED_OUTSIDE = "a link to a file outside the folder, not followed (give that file itself to index it)"
def lite_database(folder: Path) -> bool:
    """Whether a folder is a Milvus Lite database: its LITE_MARKS folders, and its LOCK file or a ".db" name (not a
    museum's documents in "collections/" and "databases/")."""
    return all((folder / mark).is_dir() for mark in LITE_MARKS) and (
        (folder / "LOCK").is_file() or folder.suffix == ".db")


def our_manifest(path: Path) -> bool:
    """Whether `path` is an index's manifest.json as a build writes it (its "format" rag-index/N): a file of that
    name of the user's own is no index."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MANIFEST_BYTES:
            return False        # (a named pipe, a link to /dev/zero, 100 MB of someone's JSON: never read)
        manifest = json.loads(path.read_text(encoding="utf-8"))
        return isinstance(manifest, dict) and str(manifest.get("format", "")).startswith("rag-index/")
    except (OSError, ValueError, RecursionError, MemoryError):
        return False


MANIFEST_BYTES = 64 * 2**20      # an index's manifest.json is read whole; one of 10^6 passages' is a few MB


AN_INDEX = "an index's folder, not read (its stored texts are that index's documents)"
# what Milvus Lite (3.2) keeps in its .db folder (and an empty LOCK, which it makes again: a copy that skips empty
# files leaves none, and the database was then "not a Milvus Lite database")
LITE_MARKS = ("collections", "databases")
NOT_FOLLOWED = (LINKED_FOLDER, LINKED_OUTSIDE, AN_INDEX)     # a folder's links and indexes: said, failing nothing


def linked_away(path: Path) -> bool:
    """Whether a file the index was made from is now a link to a file outside its own folder (an archive unpacked
    again over the folder: "notes.txt -> ~/private/secret.txt"): a re-read does not follow it, and its document is
    kept as indexed (a file indexed as a link, named itself, is named again to be read again)."""
    try:
        return path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve())
    except (OSError, RuntimeError):     # (a loop of links)
        return True


def _dangling(path: Path) -> bool:
    """A symbolic link whose target is missing (or a loop of links)."""
    return path.is_symlink() and not path.exists()


def _unsupported(path: Path) -> str:
    kinds = ", ".join(sorted(s for s in SUFFIXES if s))
    return f"unsupported file type {path.suffix or '(none)'!r} (supported: {kinds})"


def read(path: Path, stored_as: str | None = None, id: str | None = None, deadline: float | None = None) -> Document:
    """The Document for the file at `path`; DocumentError with the reason when it cannot be read; TimeoutError
    past `deadline` (time.monotonic(); a PDF is read page by page)."""
    path = Path(path)
    if not path.is_file():
        raise DocumentError(f"{path}: {DANGLING if _dangling(path) else 'no such file'}")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"{path}: {_unsupported(path)}")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            over = -(-size * 10 // 2**20) / 10      # (rounded up: never "50 MB; the limit is 50 MB")
            raise DocumentError(f"{path}: too large ({over:.1f} MB; the limit is {MAX_BYTES // 2**20} MB)")
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(f"{path}: cannot be read ({e.strerror or e})") from None
    title = ""
    date = None
    try:
        if suffix in HTML_SUFFIXES:
            text, title, date = html_text(data)
        elif suffix == ".pdf":
            text, title = pdf_text(data, deadline)
        elif suffix == ".docx":
            text, title = docx_text(data)
        elif suffix in SUBTITLE_SUFFIXES:
            text = subtitle_text(decode(data))
        else:
            text = decode(data)
            if suffix in (".md", ".markdown"):
                title, date = front_matter(text)
            else:       # (a court reporter's pages, a speech recogniser's timed lines: read as their PDF, their cues)
                text = printed_text(text) or timed_text(text) or text
    except DocumentError as e:
        raise DocumentError(f"{path}: {e}") from None
    except TimeoutError:
        raise
    except ModuleNotFoundError as e:    # an optional package of this format is not installed
        package = PACKAGES.get((e.name or "").split(".")[0], (e.name or "").split(".")[0])
        raise DocumentError(f"{path}: reading {suffix.lstrip('.').upper()} files needs {package}: "
                            f"pip install {package}") from None
    except Exception as e:  # noqa: BLE001 - a broken file of any kind is one clear message
        raise DocumentError(f"{path}: cannot be read as {suffix.lstrip('.').upper() or 'text'} "
                            f"({type(e).__name__}: {e})") from None
    if all(c.isspace() or unicodedata.category(c) == "Cf" for c in text):   # (zero-width characters are no text either)
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
    """The text of a text file's bytes: UTF-8, or UTF-32 or UTF-16 when they start with its byte-order
    mark; any byte-order mark is left out. DocumentError naming the line of bad bytes."""
    codec = "utf-32" if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") else \
        "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as e:
        unit = {"utf-32": 4, "utf-16": 2}.get(codec, 1)
        before = data[:e.start - e.start % unit]
        line = before.decode(codec, "replace").count("\n") + 1
        name = codec.upper().replace("-SIG", "")
        raise DocumentError(f"not {name} text (line {line}: {e.reason} at byte {e.start}); save it as UTF-8")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        guess = "UTF-16 without a byte-order mark?" if _utf16_text(data) else "binary data?"
        raise DocumentError(f"not a text file (line {line} holds NUL bytes: {guess}); save it as UTF-8")
    return text


def _utf16_text(data: bytes) -> bool:
    """Whether bytes with NULs read as UTF-16 text (no byte-order mark): printable characters with spaces or line
    breaks between words, one way round or the other (Russian in UTF-16 has NULs only at its spaces and stops; a
    UTF-8 file with a stray NUL read as UTF-16 is a run of unrelated ideographs without a space)."""
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data[:4096 - 4096 % 2].decode(codec)
        except UnicodeDecodeError:
            continue
        if text and sum(c.isprintable() or c in "\n\r\t" for c in text) >= 0.95 * len(text) \
                and sum(c.isspace() for c in text) * 40 >= len(text):
            return True
    return False


_FRONT = re.compile(r"---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|$)", re.DOTALL)


def front_matter(text: str) -> tuple[str, str | None]:
    """(title, ISO date) from a Markdown file's YAML front matter ('title: ...', 'date: 2023-01-02')."""
    m = _FRONT.match(text)
    if not m:
        return "", None
    fields = dict(re.findall(r"^(title|date):[ \t]*(.*?)[ \t]*$", m.group("body"), re.MULTILINE))
    return _scalar(fields.get("title", "")), _iso(_scalar(fields.get("date", "")))


def _scalar(value: str) -> str:
    """A front matter field's value as the string YAML reads: a quoted one without its quotes, a plain one without
    a trailing comment ("Notes  # draft"); "" for what is no one-line string (a list "[a, b]", a mapping "{...}", a
    block "|", an alias "*x", a quote left open, "[unclosed" in a broken front matter)."""
    value = value.strip()
    if value[:1] in ("'", '"'):
        quote = value[0]
        m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(?:[ \t]+#.*)?', value) if quote == '"' else \
            re.fullmatch(r"'((?:[^']|'')*)'(?:[ \t]+#.*)?", value)
        if not m:
            return ""
        inner = m.group(1)
        return inner.replace("''", "'") if quote == "'" else re.sub(r'\\(["\\/])', r"\1", inner)
    if not value or value[0] in "[]{}|>&*!%@`#," or value == "-" or value.startswith("- "):
        return ""
    return re.sub(r"[ \t]+#.*$", "", value)


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
    for tag in soup.find_all(_sharing):
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
    prefix: list[str] = []      # an ordered list item's number ("2. "), put before its first block
    numbered: dict[int, int] = {}   # id of an <ol>'s item -> its number (each list counted once: _item_number)

    def flush(bold: bool = False):
        line = re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(current))
        line = "\n".join(x.strip() for x in line.split("\n")).strip()
        line = re.sub(r"\n{2,}", "\n", line)
        if line and bold:
            line = f"**{line}**"
        if line:        # (no number before a speaker's label: "2. Jane Smith: …" would be nobody's turn)
            blocks.append(("" if opens_turn(line) else "".join(prefix)) + line)
            prefix.clear()
        current.clear()

    def cell_text(cell) -> str:
        """A table cell's text on one line (its paragraphs and line breaks joined by spaces)."""
        nonlocal blocks
        saved, blocks = blocks, []
        walk(cell)
        flush()
        text, blocks = " ".join(" ".join(blocks).split()), saved
        return text

    def table(node):
        """A data table: one line a row, its cells joined by " | " (as word.py writes a Word table's rows)."""
        if node.caption is not None:
            walk(node.caption)
            flush()
        for row in _rows(node):
            cells = list(map(cell_text, row.find_all(["td", "th"], recursive=False)))   # (an empty one kept: columns)
            if any(cells):
                blocks.append(" | ".join(cells))

    def walk(node):
        for child in node.children:
            if isinstance(child, NavigableString):
                current.append(str(child).replace("\n", " "))
            elif child.name == "br":
                current.append("\n")
            elif child.name == "sup" and _footnote_mark(child):
                mark = " ".join(child.get_text(" ", strip=True).split())
                current.append(mark if mark.startswith("[") else f"[{mark}]")
            elif child.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                flush()
                prefix.clear()
                heading = child.get_text(" ", strip=True)
                if heading:
                    blocks.append("#" * int(child.name[1]) + " " + " ".join(heading.split()))
            elif child.name == "pre":
                flush()
                prefix.clear()
                text = child.get_text().strip("\n")
                if text.strip():
                    blocks.append(text)
            elif child.name == "table" and not _layout_table(child):
                flush()
                prefix.clear()
                table(child)
            elif child.name == "li" and child.parent is not None and child.parent.name == "ol":
                flush()
                prefix[:] = [f"{_item_number(child, numbered)}. "]
                walk(child)
                flush()
                prefix.clear()
            elif child.name in _BLOCKS:
                flush()
                walk(child)
                flush(bold=child.name == "p" and _bold_question(child))
            else:
                walk(child)

    walk(root)
    flush()
    return "\n\n".join(blocks) + "\n", title, date


def _bold_question(p) -> bool:
    """Whether a paragraph is a question set wholly in bold (a magazine interview's "<p><strong>How do you measure
    that?</strong></p>" above its plain answer): written in Markdown bold, "**How do you measure that?**", so that
    parse.py pairs it with the answer below it. Only a question: a bold paragraph that asks nothing (a subheading, a
    warning) is written as it was."""
    from bs4 import NavigableString

    def bold(string) -> bool:       # (a <strong> inside the paragraph, not one around it)
        node = string.parent
        while node is not None and node is not p:
            if node.name in ("strong", "b"):
                return True
            node = node.parent
        return False

    words = [x for x in p.descendants if isinstance(x, NavigableString) and x.strip()]
    return bool(words) and all(map(bold, words)) and bool(re.search(r"\?[\"”’')\]]*$", p.get_text().strip()))


# the words of a sharing widget's class or id ("sharedaddy", "sd-sharing-enabled", "social-links", "a2a_kit")
_SHARING = {"share", "shares", "sharing", "sharedaddy", "sharethis", "shareaholic", "addthis", "addtoany", "a2a",
            "social", "socials"}
SHARING_CHARS = 200     # a sharing widget's text at most ("Share this: Facebook, X, Email"; not an article's)
# a link to a social site or a mail form: what a sharing widget's links lead to
_SOCIAL_LINK = re.compile(r"(?i)^(?:mailto:|(?:https?:)?//(?:[\w-]+\.)*(?:facebook\.com|fb\.com|twitter\.com|"
                          r"x\.com|"
                          r"linkedin\.com|instagram\.com|pinterest\.com|reddit\.com|whatsapp\.com|wa\.me|t\.me|"
                          r"telegram\.me|tumblr\.com|bsky\.app|threads\.net|mastodon\.social|vk\.com|"
                          r"youtube\.com|tiktok\.com)(?:[/?#]|$))")


def _sharing(tag) -> bool:
    """Whether an element is a sharing widget or a row of social links, left out as navigation is: one whose class or
    id names sharing (_SHARING), holding links and at most SHARING_CHARS of text, a third of it theirs or more; or a
    block of two links or more, all to social sites or mail (_SOCIAL_LINK), with a few words beside them at most
    ("Follow us:"). Never the article, the page's body or main part (a post filed under "social-history")."""
    if tag.name in ("html", "body", "article", "main", "a"):
        return False
    names = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
    links = tag.find_all("a")
    if not links:
        return False
    text = " ".join(tag.get_text(" ", strip=True).split())
    linked = sum(len(" ".join(a.get_text(" ", strip=True).split())) for a in links)
    if _SHARING & set(re.split(r"[^a-z0-9]+", names.lower())) and len(text) <= SHARING_CHARS \
            and 3 * linked >= len(text):
        return True
    if len(links) < 2 or not all(_SOCIAL_LINK.match(a.get("href") or "") for a in links):
        return False
    return len(text) - linked <= 30


# a footnote's mark: "1", "12", "1,2", "3-5", "a", "*", "†" (in brackets or not)
_MARK = re.compile(r"\[?(?:\d{1,3}(?:\s*[,–-]\s*\d{1,3})*|[a-z]|[*†‡§¶]{1,3})\]?")


def _footnote_mark(sup) -> bool:
    """Whether a <sup> is a footnote's reference: a link in it (Wikipedia's <sup><a href="#cite_note-1">[1]</a>), a
    class or id that says so, or a short mark ("1", "*") after a sentence's punctuation or a word of three letters or
    more ("period.<sup>1</sup>", "benefit<sup>2</sup>"); not a unit's or a formula's power ("m<sup>2</sup>",
    "10<sup>6</sup>", "x<sup>2</sup>"), nor "1<sup>st</sup>"."""
    text = " ".join(sup.get_text(" ", strip=True).split())
    if not text or not _MARK.fullmatch(text):
        return False
    names = " ".join(sup.get("class") or []) + " " + (sup.get("id") or "")
    if sup.find("a") is not None or re.search(r"(?i)foot|note|fn|ref|cite", names):
        return True
    before = ""
    for node in sup.previous_elements:
        if isinstance(node, str):
            before = str(node) + before
            if before.strip():
                break
    return bool(re.search(r"(?:[.,;:!?\"”’]|[^\W\d_]{3})$", before))     # (not after ")": "(a+b)²")


def _rows(table) -> list:
    """A table's rows, in order (its head's, body's and foot's), not those of a table inside it."""
    rows = []
    for child in table.find_all(recursive=False):
        if child.name == "tr":
            rows.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows.extend(child.find_all("tr", recursive=False))
    return rows


def _layout_table(table) -> bool:
    """Whether a <table> lays out a page rather than holding data (its cells then read as paragraphs): a table or
    a heading inside, role="presentation", or a cell of several paragraphs (over 300 characters)."""
    if (table.get("role") or "").lower() in ("presentation", "none") or table.find(["table", "h1", "h2", "h3", "h4",
                                                                                      "h5", "h6", "pre"]):
        return True
    for cell in table.find_all(["td", "th"]):
        parts = cell.find_all(["p", "div", "li", "blockquote"])
        if len(parts) > 1 and len(cell.get_text(" ", strip=True)) > 300:
            return True
    return False


def _item_number(li, numbered: dict[int, int]) -> int:
    """An ordered list item's number as a browser shows it: the list's start counted on (down in a `reversed` list,
    from its number of items), a value="" kept. Each list is counted once, into `numbered` (id of an item ->
    its number): a list of 8,000 items was counted again for each."""
    if id(li) not in numbered:
        ol = li.parent
        items = ol.find_all("li", recursive=False)
        step = -1 if ol.has_attr("reversed") else 1
        try:
            n = int(ol.get("start")) - step if ol.get("start") else (len(items) + 1 if step < 0 else 0)
        except ValueError:
            n = len(items) + 1 if step < 0 else 0
        for item in items:
            try:
                n = int(item["value"]) if item.get("value") else n + step
            except ValueError:
                n += step
            numbered[id(item)] = n
    return numbered.get(id(li), 1)


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


# ---- subtitles --------------------------------------------------------------------------------
