"""The chat in the browser (Gradio Blocks): wiring only; the logic is in chat.py, the HTML in render.py.

One process serves every user: the index and the embedding model load once (the model
in the background at start), each browser session has its own conversation (gr.State).
The page asks nothing of any outside host: analytics off, system fonts, no CDN.
Bound to 127.0.0.1 unless told otherwise; RAG_PASSWORD (user RAG_USER, default "rag")
puts a login in front of it. Library errors (RagError) become messages in the chat or
the API's error, never a traceback.

The same search is an API endpoint, ``/search`` (gradio_client): ``{"query", "abstained",
"notices", "index", "passages": [cite.hit_json, …]}``.

What it leaves out: streaming the quotes one by one (they come at once, in milliseconds).
"""
import logging
import os
import threading
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Gradio's queue keeps the last 10,000 events for its monitoring page and rebuilds a pandas table of
# all of them after every event: under load that grew the memory and cost more CPU than our search.
# We have no monitoring page: keep few events and summarise them rarely.
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "200")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")

from . import chat, render, store  # noqa: E402
from .errors import QueryError, RagError  # noqa: E402

log = logging.getLogger("rag.ui")
STATIC = Path(__file__).parent / "static"
DEFAULT_PORT = 7860
MAX_TURNS_SHOWN = 30
# the shipped transcript's example questions; other indexes get their first journalists' questions
EXAMPLES = {
    "000_17cb08188d8e02ca.txt": [
        "Does Russia respect Finland's right to join NATO?",
        "What will Russia do if the US and NATO reject its security proposals?",
        "How are Russia's relations with Japan?",
        "Why did Russia send CSTO troops to Kazakhstan?",
    ],
}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# searches run at once: more lets the query batcher (embed.Batcher) embed more together; a
# summary takes the model's own lock, so this does not run many models at once
CONCURRENCY = 16
LOADING_NOTICE = ("The language model is still loading (it takes a few seconds after start): "
                  "these quotes were found by word matching alone.")
READ_ONLY_NOTICE = "This server is read-only: documents cannot be added, replaced or removed here."
UPLOAD_TIME_LIMIT = 600.0       # seconds one upload may take to read and embed (more: use `rag index`)
SUMMARY_MODELS_VARIABLE = "RAG_SUMMARY_MODELS"   # extra summary models a visitor may choose (comma-separated)


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def summary_models() -> list[str]:
    """The summary models this server offers a visitor: the default, then the operator's list
    ($RAG_SUMMARY_MODELS). A visitor picks one of these; they never type a path on the server."""
    from .models import DEFAULT_SUMMARY_MODEL

    extra = [m.strip() for m in os.environ.get(SUMMARY_MODELS_VARIABLE, "").split(",") if m.strip()]
    return [DEFAULT_SUMMARY_MODEL] + [m for m in extra if m != DEFAULT_SUMMARY_MODEL]


class LoginThrottle:
    """The login check: after `free` wrong passwords within `window` seconds every login is refused,
    the right one too, for `lockout` seconds (doubling up to `most`); a right one resets it.
    The password is compared in constant time. Process-wide: Gradio gives the check no address."""

    def __init__(self, user: str, password: str, free: int = 5, window: float = 60.0,
                 lockout: float = 30.0, most: float = 900.0, clock=time.monotonic):
        self.user, self.password = user, password
        self.free, self.window, self.first_lockout, self.most, self.clock = free, window, lockout, most, clock
        self.failures: list[float] = []
        self.lockout, self.locked_until = lockout, 0.0
        self._lock = threading.Lock()

    def __call__(self, user: str, password: str) -> bool:
        import hmac

        with self._lock:
            now = self.clock()
            if now < self.locked_until:
                return False
            ok = hmac.compare_digest(str(user).encode(), self.user.encode()) & \
                hmac.compare_digest(str(password).encode(), self.password.encode())
            if ok:
                self.failures, self.lockout = [], self.first_lockout
                return True
            self.failures = [t for t in self.failures if now - t < self.window] + [now]
            if len(self.failures) >= self.free:
                self.locked_until = now + self.lockout
                log.warning("%d wrong logins: logins refused for %.0f s", len(self.failures), self.lockout)
                self.lockout = min(self.lockout * 2, self.most)
                self.failures = []
            return False


class Engine:
    """The process-wide index and embedder: loaded once, shared by every session, reloadable."""

    def __init__(self, folder: Path = store.DEFAULT_INDEX, embedder=None, read_only: bool = False):
        self.folder = Path(folder)
        self.read_only = read_only
        self._embedder = embedder
        self._retriever = None
        self._lexical = None
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
        """The retriever over the index; raises IndexProblem (with the rebuild command) while there is none."""
        with self._lock:
            if self._retriever is None:
                self._retriever = self._open()
            return self._retriever

    def _open(self):
        """The retriever over the index as it is on disk. A file that changed since it was indexed
        does not stop the server: the index holds the text that was indexed, and the page says so."""
        from .retrieve import Retriever, SearchSettings, calibrated_threshold

        index = store.load(self.folder, embedder=self.embedder, check_sources=False)
        self.changed = store.changed_sources(self.folder, index.manifest)
        return Retriever(index, self.embedder, SearchSettings(threshold=calibrated_threshold(index, "hybrid")))

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
                from .retrieve import Retriever, SearchSettings, calibrated_threshold
                index = retriever.index
                self._lexical = Retriever(index, retriever.embedder, SearchSettings(
                    mode="lexical", threshold=calibrated_threshold(index, "lexical")))
            return self._lexical, LOADING_NOTICE

    def reload(self):
        """Open the index again (after documents were added or removed). If it cannot be opened,
        the index served so far stays in service (`problem` says why): one upload never takes
        the chat down for everyone."""
        with self._lock:
            try:
                new = self._open()
            except RagError as e:
                if self._retriever is None:
                    raise
                self.problem = str(e)
                log.warning("the index could not be reopened, still serving the previous one: %s", e)
                return self._retriever
            self._retriever, self._lexical, self.problem = new, None, None
            return new

    def warm_up(self) -> None:
        """Load the index and the model and embed one query, so the first question is fast."""
        try:
            self.retriever().embedder.encode_query("warm up")
            self.model_ready.set()
        except RagError as e:
            log.warning("%s", e)
        except Exception:  # noqa: BLE001 - the page must come up even if the model does not
            log.exception("warming up failed")
        finally:
            self.ready.set()

    def warm_up_in_background(self) -> threading.Thread:
        t = threading.Thread(target=self.warm_up, name="rag-warm-up", daemon=True)
        t.start()
        return t


# ---- handlers (plain functions of values: testable without a browser) ----------------------

def _previous_query(turns) -> str | None:
    for t in reversed(turns or []):
        if t.error is None and t.query:
            return t.query
    return None


def _shown(turns):
    return turns[-MAX_TURNS_SHOWN:]


def _conversation(engine: Engine, turns) -> str:
    try:
        return render.conversation_html(_shown(turns), render.intro_html(*engine.index_or_problem()))
    except RagError as e:          # e.g. a quote that no longer matches its document
        return render.message_html(str(e), "error")


def _summariser(model_name: str | None):
    """The summariser, or a reason why there is none. Only the models this server offers
    (summary_models()) can be asked for: a visitor learns nothing of the server's folders."""
    if (model_name or "").strip() and model_name.strip() not in summary_models():
        return None, "This server does not offer that summary model."
    try:
        from . import summarise
    except ImportError:
        return None, "Summaries are not available in this version."
    try:
        return summarise.get_summariser((model_name or "").strip() or None), None
    except RagError as e:
        return None, str(e)


def _stream_summary(engine: Engine, turn: chat.Turn, model_name: str | None, every: float = 0.25):
    """Fill in `turn`'s summary as it streams; yields whenever there is something new to show."""
    summariser, why_not = _summariser(model_name)
    if summariser is None:
        turn.summary_note = why_not
        yield
        return
    if not getattr(summariser, "loaded", True):
        turn.summary_status = "Loading the summary model (the first time takes a while)…"
        yield
    last = 0.0
    try:
        for update in summariser.stream(turn.query, turn.result.hits, turn.index, engine.embedder):
            turn.summary_text = update.text
            if update.done:
                turn.summary = update.summary
            if update.done or time.monotonic() - last >= every:
                last = time.monotonic()
                yield
    except RagError as e:
        turn.summary_note = f"No summary: {e}"
    except Exception as e:  # noqa: BLE001 - a model failure must not take the quotes with it
        log.exception("summary failed")
        turn.summary_note = f"No summary: the model failed ({type(e).__name__})."
    if turn.summary is None and not turn.summary_note:
        turn.summary_note = "The summary stopped before it was complete."
    yield


def answer(engine: Engine, question, k, summary_on, model_name, turns, docs=(), rewrite=True):
    """Generator: the turns and the conversation, first with the quotes, then as the summary streams."""
    turns = list(turns or [])
    try:
        retriever, notice = engine.searcher()
        turn = chat.ask(retriever, question, k, _previous_query(turns) if rewrite else None,
                        docs=docs, summary_on=summary_on)
        if notice and turn.error is None:
            turn.notices.append(notice)
    except RagError as e:
        turn = chat.Turn(question=str(question), error=str(e))
    except Exception as e:  # noqa: BLE001 - never a traceback in the chat
        log.exception("search failed")
        turn = chat.Turn(question=str(question), error=f"The search failed ({type(e).__name__}). Please try again.")
    turns.append(turn)
    yield turns, _conversation(engine, turns)
    if turn.summary_on and turn.result is not None and turn.result.hits:
        for _ in _stream_summary(engine, turn, model_name):
            yield turns, _conversation(engine, turns)


def open_span(engine: Engine, turns, data: dict | None) -> str:
    """The source panel for a click on a quote: {turn, doc, start, end}."""
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        doc, start, end = str(data.get("doc", "")), int(data.get("start")), int(data.get("end"))
        turn_no = int(data.get("turn") or 0)
    except (TypeError, ValueError):
        return render.message_html("That citation could not be read.", "error")
    turns = list(turns or [])
    shown = _shown(turns)
    index = shown[turn_no - 1].index if 1 <= turn_no <= len(shown) and shown[turn_no - 1].index else None
    index = index or engine.index_or_none()
    if index is None:
        return render.message_html("No index is loaded.", "error")
    try:
        return render.exchange_html(index, doc, start, end)
    except RagError as e:
        return render.message_html(str(e), "error")


def open_link(engine: Engine, search: str, fragment: str):
    """What a permalink reopens: (turns, source panel HTML, k, summary_on) or None for no link."""
    try:
        link = chat.parse_link(search, fragment)
    except QueryError as e:
        return [chat.Turn(question="(link)", error=str(e))], None, None, None
    if link is None:
        return None
    try:
        retriever, notice = engine.searcher()
    except RagError as e:
        return [chat.Turn(question=link.query, error=str(e))], None, link.k, link.summary
    turn = chat.ask(retriever, link.query, link.k, docs=link.docs, summary_on=link.summary, rewrite=False)
    if notice and turn.error is None:
        turn.notices.append(notice)
    fingerprint = retriever.index.fingerprint
    source = None
    if link.version and link.version != fingerprint:
        turn.notices.insert(0, (
            f"This link was made with index version {link.version}; this server has version {fingerprint}. "
            f"The quotes below are a new search of the current index and may differ from the ones linked"
            + ("; the linked passage is not shown, as its offsets may point at other text." if link.has_span else ".")))
    elif link.has_span:
        doc = link.doc or (next(iter(retriever.index.documents)) if len(retriever.index.documents) == 1 else None)
        if doc is None:
            source = render.message_html("The link does not say which document its passage is in.", "error")
        else:
            source = render.exchange_html(retriever.index, doc, link.start, link.end)
    return [turn], source, link.k, link.summary


def search_api(engine: Engine, query: str, k: int = chat.DEFAULT_K, docs=None) -> dict:
    """The API's search: the CLI's JSON. Raises RagError with a message for bad input."""
    retriever, notice = engine.searcher()
    turn = chat.ask(retriever, query, k, rewrite=False, docs=docs or ())
    if turn.error:
        raise QueryError(turn.error)
    data = chat.result_json(turn.result, turn.index)
    # what chat.ask said of the query itself (e.g. that it was cut) comes before the search's notices
    data["notices"] = [n for n in turn.notices if n not in data["notices"]] + data["notices"]
    if notice:
        data["notices"].append(notice)
    return data


def document_choices(index) -> list[tuple[str, str]]:
    from .cite import shorten

    if index is None:
        return []
    return [(shorten(d.title or d.id, 70) + (f" ({d.date})" if d.date else ""), d.id)
            for d in index.documents.values()]


def add_files(engine: Engine, files, progress=None, replace: bool = False,
              time_limit: float = UPLOAD_TIME_LIMIT) -> str:
    """Add uploaded files to the index (only new or changed ones are embedded); a message says what
    happened. A file whose name is taken is added under a new name unless `replace` is asked for."""
    from .build import add_documents

    if engine.read_only:
        return render.message_html(READ_ONLY_NOTICE, "warning")
    paths = [Path(getattr(f, "name", f)) for f in (files or []) if f]
    if not paths:
        return render.message_html("Choose one or more files first.", "warning")
    try:
        report = add_documents(paths, engine.embedder, engine.folder, progress=progress, uploaded=True,
                               by_name=bool(replace), time_limit=time_limit)
        engine.reload()
    except RagError as e:
        return render.message_html(str(e), "error")
    lines = [render.message_html(report.summary().capitalize() + ".", "note")]
    lines += [render.message_html(f"{name} was added as “{doc_id}”: a document named {name} is already in the "
                                  f"index (tick “Replace documents of the same name” to update it instead).", "note")
              for name, doc_id in report.renamed]
    if engine.problem:
        lines.append(render.message_html(f"The updated index could not be opened, so the previous one is still "
                                         f"served: {engine.problem}", "error"))
    lines += [render.message_html(f"Skipped {Path(name).name}: {why}", "warning") for name, why in report.skipped]
    return "".join(lines)


def remove_file(engine: Engine, doc_id) -> str:
    from .build import remove_documents

    if engine.read_only:
        return render.message_html(READ_ONLY_NOTICE, "warning")
    if not doc_id:
        return render.message_html("Choose a document to remove.", "warning")
    try:
        index = engine.retriever().index
        if len(index.documents) == 1 and doc_id in index.documents:
            return render.message_html("This is the index's only document; add another before removing it.", "warning")
        report = remove_documents([doc_id], engine.embedder, engine.folder)
        engine.reload()
    except RagError as e:
        return render.message_html(str(e), "error")
    return render.message_html(report.summary().capitalize() + ".", "note")


def header_html(index, changed: list[str] = ()) -> str:
    if index is None:
        what = "No index loaded"
    elif len(index.documents) == 1:
        doc = next(iter(index.documents.values()))
        what = doc.title or doc.id
    else:
        what = f"{len(index.documents)} documents"
    version = f" · index {render.esc(index.fingerprint)}" if index is not None else ""
    stale = "".join(f"<p class='rq-stale'>{render.esc(path)} changed on disk since it was indexed: the quotes "
                    f"come from the text as indexed. Update it with: rag index</p>" for path in changed)
    return f"<h1>Ask the transcript</h1><p>{render.esc(what)}{version}</p>{stale}"


def examples_for(index) -> list[str]:
    if index is None:
        return []
    for doc_id, questions in EXAMPLES.items():
        if doc_id in index.documents:
            return questions
    from .cite import shorten
    from .chunk import sentences
    out = []
    for p in index.paragraphs:
        if p.kind == "question" and p.section not in {q for q, _ in out}:
            first = sentences(p.text)
            text = p.text[first[0][0]:first[0][1]] if first else p.text
            if text.endswith("?") and len(text) < 120:
                out.append((p.section, shorten(text, 100)))
        if len(out) == 4:
            break
    return [q for _, q in out]


# ---- the page --------------------------------------------------------------------------------

def theme():
    import gradio as gr

    # system fonts only: the default theme would fetch Google Fonts
    return gr.themes.Default(
        primary_hue="blue", text_size=gr.themes.sizes.text_lg,
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "DejaVu Sans", "sans-serif"],
        font_mono=["ui-monospace", "DejaVu Sans Mono", "monospace"],
    )


def build_app(engine: Engine):
    import gradio as gr

    index = engine.index_or_none()

    with gr.Blocks(title="rag-quotes — cited quotes", analytics_enabled=False) as demo:
        turns = gr.State([])
        with gr.Column(elem_id="rq-header"):
            header = gr.HTML(header_html(index, engine.changed), js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=340):
                conversation = gr.HTML(_conversation(engine, []), elem_id="rq-conversation",
                                       js_on_load=(STATIC / "conversation.js").read_text(encoding="utf-8"))
                with gr.Row(elem_id="rq-ask-row", equal_height=True):
                    question = gr.Textbox(placeholder="Ask a question about the transcript…", show_label=False,
                                          lines=1, max_lines=4, scale=5, elem_id="rq-question", autofocus=True,
                                          submit_btn=False, max_length=100_000)
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="rq-ask")
                examples = examples_for(index)
                example_buttons = []
                if examples:
                    with gr.Row(elem_id="rq-examples"):
                        for text in examples:
                            example_buttons.append((gr.Button(text, size="sm", variant="secondary"), text))
                with gr.Accordion("Settings", open=False, elem_id="rq-settings"):
                    k = gr.Slider(1, 20, value=chat.DEFAULT_K, step=1, label="Number of quotes", elem_id="rq-k")
                    summary_on = gr.Checkbox(False, label="Summarise the quotes with a local model (off: quotes only)",
                                             elem_id="rq-summary-on")
                    offered = summary_models()
                    model_name = gr.Dropdown(offered, value=offered[0], label="Summary model",
                                             elem_id="rq-model", interactive=len(offered) > 1)
                with gr.Accordion("Documents", open=False, elem_id="rq-documents"):
                    doc_filter = gr.CheckboxGroup(document_choices(index), value=[], elem_id="rq-filter",
                                                  label="Search only in (none ticked: all documents)")
                    doc_list = gr.HTML(render.documents_html(index), js_on_load=None)
                    # read-only (a seminar's exposed server): the controls are not there, and the
                    # handlers refuse as well (add_files, remove_file)
                    with gr.Group(visible=not engine.read_only):
                        from .load import SUFFIXES
                        uploads = gr.File(file_count="multiple", file_types=sorted(s for s in SUFFIXES if s),
                                          label="Add documents (text, Markdown, HTML, PDF, Word; 50 MB at most each)",
                                          elem_id="rq-upload")
                        replace = gr.Checkbox(False, elem_id="rq-replace",
                                              label="Replace documents of the same name (off: a file whose name "
                                                    "is taken is added under a new name)")
                        add = gr.Button("Add to the index", elem_id="rq-add")
                        with gr.Row():
                            to_remove = gr.Dropdown(document_choices(index), value=None, label="Remove a document",
                                                    elem_id="rq-remove-choice", scale=3)
                            remove = gr.Button("Remove", variant="stop", scale=1, elem_id="rq-remove")
                    doc_status = gr.HTML(render.message_html(READ_ONLY_NOTICE, "note") if engine.read_only else "",
                                         js_on_load=None, elem_id="rq-doc-status")
            with gr.Column(scale=2, min_width=320, elem_id="rq-source-col"):
                source = gr.HTML(render.source_placeholder(), elem_id="rq-source",
                                 js_on_load=(STATIC / "source.js").read_text(encoding="utf-8"))

        link_search = gr.Textbox(visible=False)
        link_hash = gr.Textbox(visible=False)

        def run(q, k_value, summary_value, model_value, docs, state):
            first = True
            for new_turns, html in answer(engine, q, k_value, summary_value, model_value, state, docs=docs):
                yield new_turns, html, ("" if first else gr.skip())     # the box empties with the answer
                first = False

        def refreshed(message):
            current = engine.index_or_none()
            choices = document_choices(current)
            return (message, render.documents_html(current), gr.update(choices=choices, value=[]),
                    gr.update(choices=choices, value=None), header_html(current, engine.changed))

        def on_add(files, replace_value, progress=gr.Progress()):
            def report(done, total, what):
                progress((done, max(total, 1)), desc=what)
            return refreshed(add_files(engine, files, report, replace=replace_value))

        def on_remove(doc_id):
            return refreshed(remove_file(engine, doc_id))

        doc_outputs = [doc_status, doc_list, doc_filter, to_remove, header]
        add.click(on_add, [uploads, replace], doc_outputs, api_visibility="private", concurrency_limit=1,
                  concurrency_id="documents").then(lambda: None, None, uploads, api_visibility="private", queue=False)
        remove.click(on_remove, [to_remove], doc_outputs, api_visibility="private", concurrency_limit=1,
                     concurrency_id="documents")

        # bring the new answer into view, and put its permalink in the address bar: a reload reopens it
        scroll_js = ("() => { const t = document.querySelectorAll('#rq-conversation .rq-turn');"
                     " if (!t.length) return; const last = t[t.length - 1];"
                     " last.scrollIntoView({block: 'start'});"
                     " const link = last.querySelector('a.rq-answer-link'); if (!link) return;"
                     " const url = new URL(link.getAttribute('href'), location.href);"
                     " const theme = new URLSearchParams(location.search).get('__theme');"
                     " if (theme) url.searchParams.set('__theme', theme);"
                     " history.replaceState(null, '', url.pathname + url.search + url.hash); }")
        inputs = [question, k, summary_on, model_name, doc_filter, turns]
        outputs = [turns, conversation, question]
        for trigger in (ask.click, question.submit):
            trigger(run, inputs, outputs, api_visibility="private", concurrency_limit=CONCURRENCY,
                    show_progress="minimal").then(None, js=scroll_js)
        for button, text in example_buttons:
            button.click(lambda t=text: t, None, question, api_visibility="private", queue=False).then(
                run, inputs, outputs, api_visibility="private", concurrency_limit=CONCURRENCY,
                show_progress="minimal").then(None, js=scroll_js)

        def on_open(state, evt: gr.EventData):
            return open_span(engine, state, getattr(evt, "_data", None))

        conversation.open_span(on_open, [turns], source, api_visibility="private", queue=False)

        def on_load(search, fragment, state, model_value):
            try:
                opened = open_link(engine, search, fragment)
            except Exception:  # noqa: BLE001 - a broken link must not break the page
                log.exception("opening a link failed")
                opened = [chat.Turn(question="(link)", error="This link could not be opened.")], None, None, None
            if opened is None:
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            new_turns, source_html, k_value, summary_value = opened
            turn = new_turns[-1]
            html = _conversation(engine, new_turns)
            yield (new_turns, html, source_html if source_html is not None else gr.skip(),
                   k_value if k_value is not None else gr.skip(),
                   summary_value if summary_value is not None else gr.skip(),
                   list(turn.docs) if turn.docs else gr.skip())
            if turn.summary_on and turn.result is not None and turn.result.hits:
                for _ in _stream_summary(engine, turn, model_value):
                    yield new_turns, _conversation(engine, new_turns), gr.skip(), gr.skip(), gr.skip(), gr.skip()

        # a new page gets the documents as they are now (uploads since the start included)
        demo.load(lambda: refreshed(gr.skip())[1:], None, doc_outputs[1:], api_visibility="private", queue=False)
        demo.load(on_load, [link_search, link_hash, turns, model_name],
                  [turns, conversation, source, k, summary_on, doc_filter],
                  js="(s, h, t, m) => [window.location.search, window.location.hash, t, m]",
                  api_visibility="private")

        def api_search(query: str, k: int = chat.DEFAULT_K, docs: list[str] | None = None) -> dict:
            """Search the index: the passages that answer `query`, as cited JSON (like `rag search --json`).
            `docs`: search only these document ids (default: all)."""
            try:
                return search_api(engine, query, k, docs)
            except RagError as e:
                raise gr.Error(str(e), print_exception=False)

        gr.api(api_search, api_name="search", concurrency_limit=CONCURRENCY)
    return demo


def launch_options(host: str, port: int | None) -> dict:
    """Where and how to serve: bound to 127.0.0.1 unless `host` says otherwise, a login from RAG_PASSWORD."""
    if port is None:
        port = int(os.environ.get("GRADIO_SERVER_PORT") or DEFAULT_PORT)
    from .load import MAX_BYTES

    options = dict(server_name=host, server_port=port, allowed_paths=[], footer_links=["api"],
                   max_file_size=MAX_BYTES,
                   show_error=False, ssr_mode=False, pwa=False, mcp_server=False,
                   theme=theme(), css=(STATIC / "chat.css").read_text(encoding="utf-8"))
    password = os.environ.get("RAG_PASSWORD")
    if password:
        options["auth"] = LoginThrottle(os.environ.get("RAG_USER") or "rag", password)
    elif host not in LOCAL_HOSTS:
        log.warning("Serving on %s without a password: anyone who can reach this address can use it. "
                    "Set RAG_PASSWORD to require a login.", host)
    return options


def serve(index: Path = store.DEFAULT_INDEX, port: int | None = None, host: str = "127.0.0.1",
          embedder=None, block: bool = True, read_only: bool | None = None):
    """Start the chat. Returns (demo, url) when block is False. `read_only` (default: $RAG_READ_ONLY):
    visitors cannot add, replace or remove documents."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from threadpoolctl import threadpool_limits

    # numpy's and FAISS's BLAS threads only spin for a search's small products: under load they
    # took a third of the CPU the server needs (measured); builds embed with torch, unaffected
    threadpool_limits(1, user_api="blas")
    engine = Engine(Path(index), embedder, read_only=env_flag("RAG_READ_ONLY") if read_only is None else read_only)
    started = time.monotonic()
    demo = build_app(engine)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    options = launch_options(host, port)
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True, **options)
    # the model loads after the page is up (its imports would slow the page's): until then,
    # questions are answered by word matching, and say so
    warm = engine.warm_up_in_background()
    log.info("rag-quotes chat on %s (page up in %.1f s)", url, time.monotonic() - started)
    if not block:
        return demo, url
    warm.join()
    log.info("ready: index and model loaded in %.1f s", time.monotonic() - started)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        demo.close()
