"""Where the shipped things are, and which index a command uses when it names none.

The default transcript and the shipped abstention calibration are package data (``rag/data/``,
links to ``corpus/`` and ``embeddings/calibration.json`` in a checkout; copies in a wheel), so an
installed package finds them from any working directory. The shipped index (``embeddings/``) is
the project's: a command run from another directory reads it (``rag search`` from ``/``), or
``$RAG_INDEX`` when set; a command that writes (``rag index``, ``rag remove``, ``rag eval --calibrate``) uses
``./embeddings`` unless told otherwise, so it never writes into the project from elsewhere, and the chat
(``rag serve``) serves the project's index from elsewhere read-only (no uploads into it).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DATA = PACKAGE / "data"
SHIPPED_CORPUS = DATA / "000_17cb08188d8e02ca.txt"
SHIPPED_CALIBRATION = DATA / "calibration.json"
PROJECT_INDEX = PACKAGE.parent / "embeddings"      # a checkout's (or editable install's) shipped index
INDEX_VARIABLE = "RAG_INDEX"
LOCAL_INDEX = Path("embeddings")
DEFAULT_PORT = 7860         # the chat's, unless --port or $GRADIO_SERVER_PORT says otherwise


def verbose_requested() -> bool:
    """Whether $RAG_VERBOSE asks for the libraries' logs and progress bars (set by --verbose too: logs.py)."""
    return os.environ.get("RAG_VERBOSE", "").strip().lower() not in ("", "0", "false", "no")


def chat_port(port: int | None = None) -> int:
    """The port the chat serves on: `port`, else $GRADIO_SERVER_PORT, else DEFAULT_PORT."""
    return port if port is not None else int(os.environ.get("GRADIO_SERVER_PORT") or DEFAULT_PORT)


FIRST_NAMES = DATA / "first-names.txt"      # the US Census Bureau's first names, folded, one a line
# and given names that list lacks whose words are ordinary English ("liam"): its own file, the census's as shipped
MORE_FIRST_NAMES = DATA / "first-names-more.txt"


@lru_cache(maxsize=1)
def first_names() -> frozenset:
    """The shipped first names (FIRST_NAMES and MORE_FIRST_NAMES), read once."""
    return word_list(FIRST_NAMES) | word_list(MORE_FIRST_NAMES)


def word_list(path: Path) -> frozenset:
    """The words of a shipped list (rag/data/*.txt: one word a line, "#" lines are notes); empty when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


def default_index(writing: bool = False) -> Path:
    """$RAG_INDEX, else ./embeddings when there is one (or when writing), else the shipped index."""
    if os.environ.get(INDEX_VARIABLE):
        return Path(os.environ[INDEX_VARIABLE])
    if writing or (LOCAL_INDEX / "manifest.json").exists() or not (PROJECT_INDEX / "manifest.json").exists():
        return LOCAL_INDEX
    return PROJECT_INDEX


def default_corpus() -> Path:
    """The default transcript: ./corpus/… in the project, else the package's copy."""
    local = Path("corpus") / SHIPPED_CORPUS.name
    return local if local.is_file() else SHIPPED_CORPUS
