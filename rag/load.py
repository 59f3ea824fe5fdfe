"""Read files into Documents. Plain text (UTF-8) only, for now.

Each Document's `text` is what every offset points into; its `sha256` is of the
file's bytes, so a changed file is noticed.
"""
from __future__ import annotations

from pathlib import Path

from .errors import DocumentError
from .records import Document

DEFAULT_CORPUS = Path("corpus") / "000_17cb08188d8e02ca.txt"
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}


def stored_path(path: Path, index_folder: Path) -> str:
    """The path as the manifest keeps it: relative to the index's parent folder when inside it."""
    path = Path(path).resolve()
    base = Path(index_folder).resolve().parent
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def read(path: Path, stored_as: str | None = None) -> Document:
    path = Path(path)
    if not path.is_file():
        raise DocumentError(f"{path}: no such file")
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise DocumentError(f"{path}: unsupported file type {path.suffix!r} (plain text only)")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DocumentError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})")
    if not text.strip():
        raise DocumentError(f"{path}: the file is empty")
    return Document.from_text(path.name, text, path=stored_as or str(path), data=data)
