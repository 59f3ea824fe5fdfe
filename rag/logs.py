"""What the product prints while it works: rag's own lines at INFO on stderr, the libraries' only from WARNING (their
INFO and progress bars with --verbose or RAG_VERBOSE=1). The command line and the chat set it up the same way."""
from __future__ import annotations

import logging
import os
import sys

from .paths import verbose_requested

# third-party loggers that chatter at INFO (faiss's loader: "Could not load library with AVX2 support
# ... ModuleNotFoundError" on every start): WARNING and above only, unless --verbose / RAG_VERBOSE=1
LIBRARY_LOGGERS = ("faiss", "transformers", "sentence_transformers", "httpx", "httpcore", "bm25s", "urllib3",
                   "huggingface_hub")


class _OwnInfoOnly(logging.Filter):
    """rag's own records from INFO up, the libraries' from WARNING up (INFO with --verbose): on the
    handler, since a library may set its own logger's level when it is imported (bm25s sets DEBUG)."""

    def __init__(self, verbose: bool):
        super().__init__()
        self.library_level = logging.INFO if verbose else logging.WARNING

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name == "rag" or record.name.startswith("rag.")
        return record.levelno >= (logging.INFO if own else self.library_level)


class _Brief(logging.Formatter):
    """A record's message; its traceback (log.exception: a model or a bug that failed) only with --verbose, a line
    saying so without: what the product prints stays its own lines, never a traceback."""

    def formatException(self, exc_info) -> str:
        return f"({exc_info[0].__name__}: {exc_info[1]}; rerun with --verbose, or RAG_VERBOSE=1, for the traceback)"


def setup_logging(verbose: bool | None = None) -> None:
    """rag's own loggers (`rag.*`) print at INFO on stderr, the libraries' at WARNING, and the libraries'
    progress bars (transformers' "Loading weights", the hub's downloads) stay off; with `verbose`
    (default: RAG_VERBOSE=1) the libraries log at INFO and show their bars. rag's own progress bars
    (`rag index`) are not affected. Idempotent; a handler already on the root logger is kept."""
    verbose = verbose_requested() if verbose is None else verbose
    if verbose:
        os.environ["RAG_VERBOSE"] = "1"           # rag.embed reads it where the model loads
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "info")   # transformers logs through its own handler
    else:
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s") if verbose else _Brief("%(message)s"))
        handler.addFilter(_OwnInfoOnly(verbose))
        root.addHandler(handler)
        root.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("rag").setLevel(logging.INFO)
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)
