"""The chat server's process-wide state: one index and one embedder, shared by every session.

The embedding model loads in the background after the page is up (``warm_up``); until it
has embedded a query, searches are answered by word matching alone (BM25 over the same
index) and say so. The index is opened without checking its source files: a file edited on
disk since it was indexed does not stop the chat (``changed`` lists such files, the page
says so); a reload that fails keeps the index served so far (``problem`` says why). An index
changed by another process (the operator's ``rag index``, ``rag remove``, ``rag eval --calibrate``
while the chat runs) is opened again at the next request (``store.generation``).

What it leaves out: serving several indexes from one process.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from . import store
from .errors import RagError

log = logging.getLogger("rag.engine")
LOADING_NOTICE = ("The language model is still loading (it takes a few seconds after start): "
                  "these quotes were found by word matching alone.")


class Engine:
    """The process-wide index and embedder: loaded once, shared by every session, reloadable."""

    def __init__(self, folder: Path = store.DEFAULT_INDEX, embedder=None, read_only: bool = False):
        self.folder = Path(folder)
        self.read_only = read_only
        self._embedder = embedder
        self._retriever = None
        self._lexical = None
        self._generation = None                 # the index's state on disk when it was opened (store.generation)
        self.changed: list[str] = []        # indexed files that changed on disk since (the index is served as it is)
        self.problem: str | None = None     # why the last reload failed (the previous index is still served)
        self._lock = threading.Lock()
        self.ready = threading.Event()          # the warm-up is over (the model loaded, or failed to)
        self.model_ready = threading.Event()    # the model has embedded a query
        if embedder is not None and not hasattr(type(embedder), "model"):
            self.model_ready.set()              # nothing to load (a test's fake embedder)

    @property
    def embedder(self):
        if self._embedder is None:
            from .embed import default_embedder
            self._embedder = default_embedder()
        return self._embedder

    def retriever(self):
        """The retriever over the index; raises IndexProblem (with the rebuild command) while there is none. An index
        another process changed since it was opened (`store.generation`) is opened again first (`reload`): a document
        the operator removed with `rag remove` is no longer quoted."""
        with self._lock:
            if self._retriever is None:
                self._retriever = self._open()
                return self._retriever
            if store.generation(self.folder) == self._generation:
                return self._retriever
            return self._reopen()

    def _open(self):
        """The retriever over the index as it is on disk. A file that changed since it was indexed
        does not stop the server: the index holds the text that was indexed, and the page says so."""
        from .retrieve import Retriever

        seen = store.generation(self.folder)    # (before the load: a change during it is seen at the next request)
        index = store.load(self.folder, embedder=self.embedder, check_sources=False)
        self._generation = seen
        self.changed = store.changed_sources(self.folder, index.manifest)
        return Retriever(index, self.embedder)      # (the default settings: the index's calibrated threshold)

    def index_or_none(self):
        return self.index_or_problem()[0]

    def index_or_problem(self):
        """(index, None), or (None, the message saying why there is none and how to build it)."""
        try:
            return self.retriever().index, None
        except RagError as e:
            return None, str(e)

    def searcher(self):
        """(retriever, notice): while the model is still loading after start, a word-matching
        (BM25) retriever over the same index, with a notice saying so; the full one after."""
        retriever = self.retriever()
        if self.model_ready.is_set():
            return retriever, None
        with self._lock:
            if self._lexical is None or self._lexical.index is not retriever.index:
                self._lexical = retriever.with_settings(mode="lexical")   # its own calibrated threshold
            return self._lexical, LOADING_NOTICE

    def reload(self):
        """Open the index again (after documents were added or removed). If it cannot be opened,
        the index served so far stays in service (`problem` says why): one upload never takes
        the chat down for everyone."""
        with self._lock:
            new = self._reopen()
        # (outside the lock, which every request takes: the page's header waited seconds while a large index warmed)
        return self._warm(new)

    def _reopen(self):
        """reload's work, under the lock its caller holds."""
        try:
            new = self._open()
        except RagError as e:
            if self._retriever is None:
                raise
            self._generation = store.generation(self.folder)   # (said once, not tried again at every request)
            self.problem = str(e)
            log.warning("the index could not be reopened, still serving the previous one: %s", e)
            return self._retriever
        self._retriever, self._lexical, self.problem = new, None, None
        return new

    def warm_up(self) -> None:
        """Load the index and the model and embed one query, so the first question is fast."""
        try:
            try:
                self.retriever()
            except RagError as e:   # no index yet, or a damaged one: the model is loaded all the same, so that the
                log.warning("%s", e)    # first upload is searched with it (it was word matching until a restart)
            self.embedder.encode_query("warm up")
            self.model_ready.set()
            if self._retriever is not None:
                self._warm(self._retriever)
        except RagError as e:
            log.warning("%s", e)
        except Exception:  # noqa: BLE001 - the page must come up even if the model does not
            log.exception("warming up failed")
        finally:
            self.ready.set()

    @staticmethod
    def _warm(retriever):
        """`retriever` with what its searches read computed now (Retriever.warm_up: the documents' vocabulary, the
        word tables): else the first question after start, and after each upload or removal, paid it, about a
        second for each megabyte of text."""
        try:
            return retriever.warm_up()
        except Exception:  # noqa: BLE001 - a search computes it again, and says what fails
            log.exception("warming up the index failed")
            return retriever

    def warm_up_in_background(self) -> threading.Thread:
        t = threading.Thread(target=self.warm_up, name="rag-warm-up", daemon=True)
        t.start()
        return t
