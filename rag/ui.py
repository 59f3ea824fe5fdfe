"""The chat in the browser (Gradio Blocks): the page and its wiring; the handlers are in
handlers.py, the process-wide state in engine.py, the HTML in render.py, the scripts in static/.

One process serves every user: the index and the embedding model load once (the model
in the background at start), each browser session has its own conversation (gr.State).
The page asks nothing of any outside host: analytics off, system fonts, no CDN.
Bound to 127.0.0.1 unless told otherwise; RAG_PASSWORD (user RAG_USER, default "rag")
puts a throttled login in front of it; RAG_READ_ONLY=1 (or ``rag serve --read-only``)
takes away adding, replacing and removing documents. Library errors (RagError) become
messages in the chat or the API's error, never a traceback.

The same search is an API endpoint, ``/search`` (gradio_client): the JSON of ``rag search --json``,
with optional ``docs`` and ``speaker`` (``--doc``, ``--speaker``). The Documents panel offers a
speaker choice where the documents searched have several speakers (handlers.speaker_choices).

What it leaves out: several indexes in one process, accounts per user (one login for everyone), and HTTPS (bound
to this machine by default; a reverse proxy in front serves it to a room).
"""

import contextvars
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import chat, cite, handlers, render, store
from .engine import Engine
from .errors import RagError
from .notices import corpus_noun
from .paths import chat_port
from .query import DEFAULT_K, MAX_QUESTION_CHARS

log = logging.getLogger("rag.ui")
STATIC = Path(__file__).parent / "static"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# searches run at once: more lets the query batcher (embed.Batcher) embed more together; a
# summary takes the model's own lock, so this does not run many models at once
CONCURRENCY = 16


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


CLIENT = contextvars.ContextVar("rag_client", default="")     # the address of the request being served (RefuseWrites)


class LoginThrottle:
    """The login check: after `free` wrong passwords within `window` seconds from one address, every login from it is
    refused, the right one too, for `lockout` seconds (doubling up to `most`); a right one resets it. Each address
    apart (CLIENT, which the server's middleware sets: Gradio gives the check none): a stranger's wrong guesses once
    locked every user out, keeping it up with 5 requests every 15 minutes (a hostile review). Behind a proxy every
    visitor has the proxy's address: one lock for all, as before. The password is compared in constant time."""

    def __init__(self, user: str, password: str, free: int = 5, window: float = 60.0,
                 lockout: float = 30.0, most: float = 900.0, clock=time.monotonic):
        self.user, self.password = user, password
        self.free, self.window, self.first_lockout, self.most, self.clock = free, window, lockout, most, clock
        self.clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    def __call__(self, user: str, password: str) -> bool:
        import hmac

        with self._lock:
            now = self.clock()
            who = CLIENT.get()
            client = self.clients.setdefault(who, _Client(lockout=self.first_lockout))
            if now < client.locked_until:
                return False
            ok = hmac.compare_digest(str(user).encode(), self.user.encode()) & \
                hmac.compare_digest(str(password).encode(), self.password.encode())
            if ok:
                self.clients.pop(who, None)
                return True
            client.failures = [t for t in client.failures if now - t < self.window] + [now]
            if len(client.failures) >= self.free:
                client.locked_until = now + client.lockout
                log.warning("%d wrong logins from %s: its logins refused for %.0f s", len(client.failures),
                            who or "an unknown address", client.lockout)
                client.lockout = min(client.lockout * 2, self.most)
                client.failures = []
            if len(self.clients) > MAX_CLIENTS:      # (the oldest addresses' records dropped, never a locked one)
                for key in [k for k, c in self.clients.items() if c.locked_until <= now][:len(self.clients) // 2]:
                    del self.clients[key]
            return False


@dataclass
class _Client:
    lockout: float
    failures: list = field(default_factory=list)
    locked_until: float = 0.0


MAX_CLIENTS = 10_000


def theme():
    import gradio as gr

    # system fonts only: the default theme would fetch Google Fonts
    return gr.themes.Default(
        primary_hue="blue", text_size=gr.themes.sizes.text_lg,
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "DejaVu Sans", "sans-serif"],
        font_mono=["ui-monospace", "DejaVu Sans Mono", "monospace"],
    )


def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def speaker_choices(index, docs=(), anyone: bool = False) -> list[tuple[str, str]]:
    """The speaker choice (handlers.speaker_choices), each name labelled with the documents it speaks in where the
    documents searched are several: "Project Manager (ES2009b.txt, ES2009c.txt)". Across five meetings the list held
    62 names and no meeting: a role (Project Manager, PhD A) is another person in each meeting, and one choice searches
    them all (the value stays the name: the search takes a name)."""
    choices = handlers.speaker_choices(index, docs, anyone=anyone)
    if index is None or len(choices) < 2:
        return choices
    searched = set(docs or index.documents)
    if len(searched) < 2:
        return choices
    places: dict[str, list[str]] = {}
    for doc_id, names in handlers.speakers_by_doc(index).items():
        if doc_id in searched and doc_id in index.documents:
            for name in names:
                places.setdefault(name, []).append(doc_id)

    def label(name: str, text: str) -> str:
        held = sorted(places.get(name, ()), key=lambda d: cite.doc_name(index.documents[d]).casefold())
        if not held:
            return text
        if len(held) > 3:
            return f"{text} (in {len(held)} documents)"
        return f"{text} ({', '.join(cite.doc_name(index.documents[d], index, 40) for d in held)})"

    return [(label(value, text) if value else text, value) for text, value in choices]


def _skips(values):
    """A handler's None ("leave it as it is") as Gradio's skip."""
    import gradio as gr

    return tuple(gr.skip() if v is None else v for v in values)


PARTS = ("turns", "header", "large", "present", "presenter", "conversation", "question", "ask", "examples", "k",
         "summary_on", "model_name", "doc_filter", "speaker", "doc_list", "uploads", "replace", "add", "to_remove",
         "remove", "cancel_remove", "doc_status", "source", "link_search", "link_hash", "page_base", "pending",
         "documents_panel")


class RefuseWrites:
    """ASGI middleware: Gradio's routes that write a visitor's files to the server's disk, where the chat has no use
    for them: its upload route on a read-only server (50 MB a file, 1,000 a request, never deleted: a visitor filled
    400 MB in 13 s), and its deep links always (each call wrote the session's components, 5 MB, as a file; the
    chat's permalinks need none). Refused with 403 before Gradio reads the request. It also notes each request's
    address (CLIENT) for the login check."""

    def __init__(self, app, read_only: bool):
        self.app, self.read_only = app, read_only

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            from starlette.responses import PlainTextResponse

            CLIENT.set((scope.get("client") or ("",))[0] or "")      # (the login check's: LoginThrottle)
            path = scope.get("path", "").rstrip("/")
            if path.endswith("/deep_link") or (self.read_only and path.endswith("/upload")):
                await PlainTextResponse("Not available on this server.", status_code=403)(scope, receive, send)
                return
            if scope.get("method") == "POST" and not path.endswith("/upload"):
                # a request's body at most MAX_REQUEST_BYTES, before anything reads it (the password check
                # included: a stranger's 300 MB body was read whole, 1.1 GB, for its 401)
                length = dict(scope.get("headers") or ()).get(b"content-length", b"0")
                body = await _bounded(receive) if length.isdigit() and int(length) <= MAX_REQUEST_BYTES else None
                if body is None:
                    await PlainTextResponse(f"A request holds {MAX_REQUEST_BYTES // 2**20} MB at most.",
                                            status_code=413)(scope, receive, send)
                    return

                messages = [{"type": "http.request", "body": body, "more_body": False}]

                async def replay():     # the body read here, then whatever comes after it (a disconnect)
                    return messages.pop() if messages else await receive()
                await self.app(scope, replay, send)
                return
        await self.app(scope, receive, send)


# a request's body at most (a question's 100,000 characters, escaped as JSON, and the page's other values: well under;
# a file's upload, Gradio's own route, has its own limit)
MAX_REQUEST_BYTES = 2 * 2**20


async def _bounded(receive) -> bytes | None:
    """The request's body, read whole, or None once it passes MAX_REQUEST_BYTES (a body sent in chunks without its
    length said)."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message.get("type") != "http.request":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > MAX_REQUEST_BYTES:
            return None
        more = message.get("more_body", False)
    return b"".join(chunks)


# answers a client (by address) may leave unread before its next question is refused: a page has a few at most (one
# while an answer or summary streams); a seminar room behind one address, a few per person. A session that has asked
# nothing for RECENT seconds no longer counts (a page closed mid-answer leaves its answer unread for good).
UNREAD = 128
RECENT = 600


class BoundUnread:
    """ASGI middleware: a client (by address) may leave at most UNREAD answers unread. Gradio keeps each event's
    messages until the page that asked reads them (/queue/data), with no bound per session: a script that joined the
    queue 2,000 times and never read grew the server by 500 MB a round, for good. A join past the bound is refused
    with 429 before Gradio reads it. Counted: the unread events (`unread(session)`) of the address's sessions that
    joined in the last RECENT seconds, and its calls of the REST route (/gradio_api/call/…, whose results are read by
    event id, not session) in that time whose answers it has not read (every call counted, read or refused, locked
    a client out after 128 in ten minutes). A REST call of /search gets the values it leaves out (with_defaults)."""

    def __init__(self, app, unread, known=lambda session: True):
        self.app, self.unread, self.known = app, unread, known
        self.sessions: dict[str, dict[str, float]] = {}    # address -> its sessions -> when each last joined
        self.calls: dict[str, dict[str, float]] = {}       # address -> its REST calls' unread events -> when

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "").rstrip("/") if scope["type"] == "http" else ""
        if path.endswith("/queue/data") and scope.get("method") == "GET" and not self.known(_session_of(scope)):
            # (a session that never joined, or whose answers were all read: Gradio said 404 inside its stream, and
            # printed a traceback of 5 kB a request into the server's log)
            from starlette.responses import PlainTextResponse

            await PlainTextResponse("No answers are waiting for this session.", status_code=404)(scope, receive, send)
            return
        call = "/gradio_api/call/" in path
        if call and scope.get("method") == "GET":       # a REST call's answer read (…/call/search/EVENT_ID)
            address = (scope.get("client") or ("",))[0] or ""
            self.calls.get(address, {}).pop(path.rsplit("/", 1)[-1], None)
        if scope["type"] != "http" or scope.get("method") != "POST" or not (path.endswith("/queue/join") or call):
            await self.app(scope, receive, send)
            return
        messages, more = [], True
        while more:                     # (the body, read here, is given to Gradio again as it came)
            message = await receive()
            messages.append(message)
            more = message.get("type") == "http.request" and message.get("more_body", False)
        address, now = (scope.get("client") or ("",))[0] or "", time.monotonic()
        if call:        # its calls whose answers were not read yet, of the last RECENT seconds
            calls = self.calls[address] = {e: t for e, t in self.calls.get(address, {}).items() if now - t < RECENT}
            waiting = len(calls)
        else:
            try:
                session = json.loads(b"".join(m.get("body", b"") for m in messages) or b"{}").get("session_hash")
            except Exception:  # noqa: BLE001 - not JSON, too deep, not an object: Gradio says what is wrong
                session = None
            owned = self.sessions.setdefault(address, {})
            if isinstance(session, str):
                owned[session[:100]] = now
            counts = {s: self.unread(s) for s, t in owned.items() if now - t < RECENT}
            for gone in [s for s in owned if not counts.get(s) and s != session]:      # read, or of long ago
                del owned[gone]
            waiting = sum(counts.values())
        if waiting >= UNREAD:
            from starlette.responses import PlainTextResponse

            await PlainTextResponse(f"{UNREAD} answers to this address are waiting to be read: read them, or ask "
                                    f"again in a few minutes.", status_code=429)(scope, receive, send)
            return

        if call and path.endswith("/call/search"):
            messages = [{"type": "http.request", "body": with_defaults(b"".join(m.get("body", b"") for m in messages)),
                         "more_body": False}]

        async def replay():
            return messages.pop(0) if messages else await receive()

        async def noted(message):       # a REST call's event id, counted until its answer is read
            if call and message.get("type") == "http.response.body":
                try:
                    event = json.loads(message.get("body", b"") or b"{}").get("event_id")
                except Exception:  # noqa: BLE001 - not the answer's JSON: nothing to count
                    event = None
                if isinstance(event, str):
                    self.calls.setdefault(address, {})[event] = now
            await send(message)
        await self.app(scope, replay, noted)


def _session_of(scope) -> str:
    """The session_hash of a request's query string ("" for none)."""
    from urllib.parse import parse_qs

    return (parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_hash") or [""])[0]


def with_defaults(body: bytes) -> bytes:
    """A REST call of /search (`{"data": [query?, k?, docs?, speaker?]}`) with the values it leaves out given their
    defaults: Gradio's REST route needs every one (a call with only the query and k, as the README's example has it,
    answered `{"error": null}` and printed a traceback, a hostile review); any other body as it came."""
    try:
        call = json.loads(body or b"{}")
    except Exception:  # noqa: BLE001 - not JSON, too deep: Gradio says what is wrong
        return body
    if not isinstance(call, dict) or not isinstance(call.get("data"), list) or not len(call["data"]) < 4:
        return body
    # (no values at all: an empty query, which the search refuses with its message)
    call["data"] = call["data"] + ["", DEFAULT_K, None, None][len(call["data"]):]
    return json.dumps(call).encode()


def build_app(engine: Engine):
    """The page (``_layout``) and its events (``_wire``)."""
    import gradio as gr

    # (an upload's copy in Gradio's folder is read once, when it is indexed: deleted after a day, checked hourly)
    with gr.Blocks(title="rag-quotes — cited quotes", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        _wire(engine, demo, **_layout(engine))
    return demo


def _layout(engine: Engine) -> dict:
    """The page's components, by name (PARTS), inside the Blocks being built."""
    import gradio as gr
    from .examples import EXAMPLE_COUNT
    from .read import MAX_BYTES, SUBTITLE_SUFFIXES, SUFFIXES

    index = engine.index_or_none()
    choices = handlers.document_choices(index)
    noun = corpus_noun(index)
    turns = gr.State([], time_to_live=handlers.SESSION_SECONDS)   # (a script's sessions are never closed)
    with gr.Row(elem_id="rq-top", equal_height=False):
        header = gr.HTML(render.header_html(index, engine.changed), elem_id="rq-header")
        # (the README's "large type" for a room: every size of the page's own a quarter larger, static/presenter.js)
        large = gr.Button("Large type", size="sm", variant="secondary", elem_id="rq-large-toggle", scale=0,
                          min_width=120)
        present = gr.Button("Presenter mode", size="sm", variant="secondary", elem_id="rq-present-toggle",
                            scale=0, min_width=150)
    presenter = gr.HTML(render.presenter_html(None), elem_id="rq-presenter", js_on_load=_static("presenter.js"))
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=340):
            conversation = gr.HTML(handlers.conversation(engine, []), elem_id="rq-conversation",
                                   js_on_load=_static("conversation.js"))
            with gr.Row(elem_id="rq-ask-row", equal_height=True):
                question = gr.Textbox(placeholder=f"Ask {noun}…",
                                      label=f"Your question about {noun}", show_label=False, lines=1,
                                      max_lines=4, scale=5, elem_id="rq-question", autofocus=True,
                                      submit_btn=False, max_length=MAX_QUESTION_CHARS)
                ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="rq-ask")
                # a skip link, seen only when focused: the answer's first quote two Tabs from the ask box
                gr.HTML('<a href="#rq-conversation" class="rq-jump">Go to the answer\u2019s first quote</a>',
                        elem_id="rq-jump", js_on_load=_static("jump.js"), container=False, padding=False)
            # as many buttons as examples may be, each shown with an example of the index as it is now (an upload
            # since the page was built: _wire's refresh); a click asks the button's own words
            offered = handlers.examples(index)
            examples = [gr.Button(offered[i] if i < len(offered) else "", size="sm", variant="secondary",
                                  visible=i < len(offered), elem_classes=["rq-example"]) for i in range(EXAMPLE_COUNT)]
            with gr.Accordion("Settings", open=False, elem_id="rq-settings"):
                k = gr.Slider(1, 20, value=DEFAULT_K, step=1, label="Number of quotes", elem_id="rq-k")
                summary_on = gr.Checkbox(False, label="Answer with a summary of the quotes, above them (off: quotes only)",
                                         elem_id="rq-summary-on")
                offered = handlers.summary_models()
                model_name = gr.Dropdown(offered, value=offered[0], label="Summary model", elem_id="rq-model",
                                         interactive=len(offered) > 1)
            # (no count in its label: the page is built once, and the header says how many there are now)
            with gr.Accordion("Documents", open=len(choices) > 1, elem_id="rq-documents") as documents_panel:
                doc_filter = gr.CheckboxGroup(choices, value=[], elem_id="rq-filter",
                                              label="Search only in (none ticked: all documents)")
                speakers = speaker_choices(index)
                # "Anyone" stays a choice when hidden: the form always sends one of its choices
                speaker = gr.Dropdown(speakers or speaker_choices(None, anyone=True), value="",
                                      label="Speaker (only passages where they speak)", elem_id="rq-speaker",
                                      visible=bool(speakers), interactive=True)
                doc_list = gr.HTML(render.documents_html(index), js_on_load=_static("upload.js"))
                with gr.Group(visible=not engine.read_only):   # and the handlers refuse as well
                    uploads = gr.File(file_count="multiple", file_types=sorted(s for s in SUFFIXES if s),
                                      label=f"Add documents (text, Markdown, HTML, subtitles "
                                            f"{'/'.join(sorted(SUBTITLE_SUFFIXES))}, PDF, Word; "
                                            f"{MAX_BYTES // 2**20} MB at most each)", elem_id="rq-upload")
                    replace = gr.Checkbox(False, elem_id="rq-replace", label="Replace documents of the same "
                                          "name (off: a file whose name is taken is added under a new name)")
                    add = gr.Button("Add to the index", elem_id="rq-add")
                    # only what the chat may remove, uploads (the server's own files were offered, and refused after
                    # the click); a click asks first, "Remove x.txt for good?", a second removes it (_wire)
                    removable = handlers.removable_choices(index)
                    with gr.Row():
                        to_remove = gr.Dropdown(removable, value=None, label="Remove a document",
                                                info="Uploaded documents only: the server's own files are removed "
                                                     "with `rag remove`.", elem_id="rq-remove-choice", scale=3,
                                                visible=bool(removable))
                        # (red and active with nothing chosen, it looked like a click would remove something)
                        remove = gr.Button("Remove", variant="stop", scale=1, elem_id="rq-remove", interactive=False,
                                           visible=bool(removable))
                        cancel_remove = gr.Button("Cancel", scale=1, elem_id="rq-remove-cancel", visible=False)
                doc_status = gr.HTML(render.message_html(handlers.READ_ONLY_NOTICE) if engine.read_only else "",
                                     elem_id="rq-doc-status")
        with gr.Column(scale=2, min_width=320, elem_id="rq-source-col"):
            source = gr.HTML(render.source_placeholder(), elem_id="rq-source", js_on_load=_static("source.js"))
    link_search, link_hash, page_base, pending = (gr.Textbox(visible=False) for _ in range(4))

    return {name: value for name, value in locals().items() if name in PARTS}


def _wire(engine: Engine, demo, *, turns, header, large, present, presenter, conversation, question, ask, examples, k,
          summary_on, model_name, doc_filter, speaker, doc_list, uploads, replace, add, to_remove, remove, cancel_remove,
          doc_status, source, link_search, link_hash, page_base, pending, documents_panel) -> None:
    """The events: each calls a handler (handlers.py) and puts what it returns on the page."""
    import gradio as gr

    def run(q, k_value, summary_value, model_value, docs, who, state, base):
        yield from _run(q, k_value, summary_value, model_value, docs, who, state, base)

    def run_example(q, k_value, summary_value, model_value, docs, who, state, base):
        """An example question asked by its button: its own question, never read as a follow-up of the one before
        ("And the fish market roof?" after "Who wants a cold store?" was searched as both, the cold store first)."""
        yield from _run(q, k_value, summary_value, model_value, docs, who, state, base, rewrite=False)

    def _run(q, k_value, summary_value, model_value, docs, who, state, base, rewrite=True):
        if chat.blank(q):
            # an empty box asked (a double click on Ask, Enter pressed twice: the box emptied by the first answer)
            # adds nothing: a turn saying the query is empty buried the answer just given (the API still says it);
            # nor does one of invisible characters only (U+200B, U+FEFF), which the search drops
            yield gr.skip(), gr.skip(), gr.skip()
            return
        for n, (new_turns, html) in enumerate(handlers.answer(engine, q, k_value, summary_value, model_value,
                                                              state, docs=docs, speaker=who, rewrite=rewrite)):
            # presenter mode shows the new answer's quotes
            yield new_turns, html, render.presenter_html(new_turns[-1], base) if n == 0 else gr.skip()

    def speakers(docs, chosen=""):
        """The speaker choice for the documents ticked: the chosen one kept while they still have them."""
        names = speaker_choices(engine.index_or_none(), docs)
        keep = chosen if chosen and chosen in {v for _, v in names} else ""
        return gr.update(choices=names or speaker_choices(None, anyone=True), value=keep,
                         visible=bool(names))

    def documents(message, ticked=(), chosen=""):
        """The documents' parts of the page after a change; the documents ticked (and the speaker chosen) stay as
        they were where they are still there (an upload cleared the filter without a word). The ask box says what
        the header says ("Ask the documents…" after an upload, not "Ask the transcript…"), its typed words kept."""
        current, names = engine.index_or_none(), handlers.document_choices(engine.index_or_none())
        kept = [d for d in (ticked or []) if d in {v for _, v in names}]
        noun = corpus_noun(current)
        removable = handlers.removable_choices(current)
        return (message, render.documents_html(current), gr.update(choices=names, value=kept),
                gr.update(choices=removable, value=None, visible=bool(removable)),
                render.header_html(current, engine.changed),
                speakers(kept, chosen), gr.update(placeholder=f"Ask {noun}…", label=f"Your question about {noun}"),
                gr.update(value="Remove", interactive=False, visible=bool(removable)))

    def on_add(files, replace_value, ticked, chosen, progress=gr.Progress()):
        """The documents' parts after adding `files`, and `files` (what was added: the file box keeps any chosen since)."""
        report = lambda done, total, what: progress(done / max(total, 1), desc=progress_text(done, total, what))  # noqa: E731
        return *documents(handlers.add_files(engine, files, report, replace=replace_value), ticked, chosen), files

    # the box empties as the question is taken, not when its answer comes: a question typed meanwhile (the next one, by
    # a presenter while the answer streams, or five in a row) was wiped by the answer before it, and lost
    # ("multiple": a question asked while the last answer's summary streams is taken at once, not dropped, which
    # Gradio's "once" did to a second click on Ask; the summary stops and says so: handlers.answer)
    # (taking is done in the page, at once, with no call to the server: a double click's second press finds the box
    # empty and asks nothing; taken by the server, with its "once", a question typed while the one before was being
    # taken, a second earlier on a busy server, was dropped and its words then wiped by that one's emptying of the box.
    # Each question taken waits in the page's queue, window.rqAsked, for the answer that takes it: in the one
    # `pending` box, three sent with Enter at once overwrote each other, and one was asked twice, another never)
    taken = dict(fn=None, inputs=[question], outputs=[question, pending], trigger_mode="multiple",
                 js="(q) => { (window.rqAsked = window.rqAsked || []).push(q); return ['', q]; }")
    asked = dict(fn=run, inputs=[pending, k, summary_on, model_name, doc_filter, speaker, turns, page_base],
                 outputs=[turns, conversation, presenter], api_visibility="private", trigger_mode="multiple",
                 concurrency_limit=CONCURRENCY, show_progress="minimal",
                 js="(q, k, s, m, d, w, t, b) => [window.rqAsked && window.rqAsked.length ? window.rqAsked.shift() : q, "
                    "k, s, m, d, w, t, location.origin + location.pathname]")
    for trigger in (ask.click, question.submit):
        trigger(**taken).then(**asked).then(None, js=_static("latest.js"))
    for button in examples:
        # (a double click's second press within a second asks nothing: the example's text is not in the box to
        # empty, as a question's is)
        button.click(None, [button], [question, pending], trigger_mode="multiple",
                     js="(text) => { const now = Date.now(), last = window.rqExample || ['', 0]; "
                        "if (last[0] === text && now - last[1] < 1000) return ['', '']; window.rqExample = [text, now]; "
                        "(window.rqAsked = window.rqAsked || []).push(text); return ['', text]; }").then(
            **{**asked, "fn": run_example}).then(None, js=_static("latest.js"))

    def refreshed(state, message):
        """What the page says of the index after it changed (an upload, a removal): the intro and the examples as the
        index is now (they named the shipped transcript alone after an upload, a reload too), the quotes of a removed
        document marked; and with them, not before, the line that says what was done ("1 added"), held till now in
        `note` (read as the end of the change: the intro read just after it still named the one transcript)."""
        page = handlers.refreshed(engine, state)
        return (gr.skip() if page is None else page, *offered(), message)

    def offered():
        """The example buttons, each with an example of the index as it is now, or hidden."""
        now = handlers.examples(engine.index_or_none())
        return [gr.update(value=now[i], visible=True) if i < len(now) else gr.update(visible=False)
                for i in range(len(examples))]
    # (the first is what was done, said with the page's refresh after it: `refreshed`)
    note = gr.State("")
    doc_outputs = [note, doc_list, doc_filter, to_remove, header, speaker, question, remove]
    refresh = dict(fn=refreshed, inputs=[turns, note], outputs=[conversation, *examples, doc_status],
                   api_visibility="private", queue=False)
    # "always_last": an .input() event is "once" by default, which drops a second tick made while the first is
    # still being answered (a busy server), leaving the speaker choice of a selection that is no longer there
    doc_filter.input(speakers, [doc_filter, speaker], speaker, api_visibility="private", queue=False,
                     trigger_mode="always_last")
    # "multiple": a second Add, clicked while the first file still embeds, waits its turn (the default "once" dropped
    # it without a word); the file box empties only of what was added, not of files chosen since
    sent = gr.State(None)
    # its progress shown once, under the Add button (over every output it showed three times, one over the ask box,
    # which looked busy or gone)
    add.click(on_add, [uploads, replace, doc_filter, speaker],
              doc_outputs + [sent], api_visibility="private", concurrency_limit=1, concurrency_id="documents",
              trigger_mode="multiple", show_progress_on=[doc_status]).then(
        lambda added, now: None if now == added else gr.update(), [sent, uploads], uploads,
        api_visibility="private", queue=False).then(**refresh)
    # Remove asks first: one click took an upload out for good (it has no file to be indexed from again), with no
    # word. The first click names the document on the button, "Remove x.txt for good?", and offers Cancel; a second
    # click on it removes it. Choosing another document, or Cancel, asks again.
    armed = gr.State("")
    disarmed = lambda d: ("", gr.update(value="Remove", interactive=bool(d)), gr.update(visible=False))  # noqa: E731
    to_remove.change(disarmed, to_remove, [armed, remove, cancel_remove], api_visibility="private", queue=False)
    # (the keyboard's place goes back to Remove: Cancel hid itself while it had it, and the next Tab began at the top)
    cancel_remove.click(lambda d: (*disarmed(d), render.message_html("Nothing was removed.")), to_remove,
                        [armed, remove, cancel_remove, doc_status], api_visibility="private", queue=False).then(
        None, js="() => { const b = document.getElementById('rq-remove'); "
                 "(b && b.tagName === 'BUTTON' ? b : b && b.querySelector('button'))?.focus(); }")

    def on_remove(doc_id, armed_for, ticked, chosen):
        # (asked about this document as it was: one another visitor replaced meanwhile is asked about again)
        key = handlers.removal_key(engine, doc_id) if doc_id else ""
        asked = handlers.removal_question(engine, doc_id) if doc_id and key != armed_for else None
        if asked is not None:
            label, message = asked
            return (message, *[gr.skip()] * (len(doc_outputs) - 2), gr.update(value=label), key,
                    gr.update(visible=True))
        return (*documents(handlers.remove_file(engine, doc_id), ticked, chosen), "", gr.update(visible=False))

    remove.click(on_remove, [to_remove, armed, doc_filter, speaker], doc_outputs + [armed, cancel_remove],
                 api_visibility="private", concurrency_limit=1,
                 concurrency_id="documents", show_progress_on=[doc_status]).then(**refresh)
    def on_open(state, evt: gr.EventData):
        return handlers.open_span(engine, state, _event(evt))

    def on_page(search, fragment, state, model_value, base):
        opened = False
        for values in handlers.open_page(engine, search, fragment, model_value):
            shown = None if opened else render.presenter_html(values[0][-1], base)
            opened = True
            yield _skips([*values, shown])
        if not opened:              # a plain address: nothing to reopen; the intro as the index is now
            yield _skips([None, handlers.conversation(engine, []), *[None] * 6])

    conversation.open_span(on_open, [turns], source, api_visibility="private", queue=False)
    # a new page gets the documents as they are now (uploads since the start included), and their panel open for
    # several (it stayed as the start's one document had left it: closed); never closed by it (a visitor quick to open
    # it would see it shut again)
    demo.load(lambda: (*documents(gr.skip())[1:], *offered(), gr.update(open=True) if len(handlers.document_choices(
        engine.index_or_none())) > 1 else gr.skip()), None, doc_outputs[1:] + examples + [documents_panel],
              api_visibility="private", queue=False)
    present.click(None, js="() => window.rqPresent && window.rqPresent()")
    large.click(None, js="() => window.rqLarge && window.rqLarge()")
    demo.load(on_page, [link_search, link_hash, turns, model_name, page_base],
              [turns, conversation, source, k, summary_on, doc_filter, speaker, presenter],
              js="(s, h, t, m, b) => [location.search, location.hash, t, m, location.origin + location.pathname]",
              api_visibility="private")

    def api_search(query: str, k: int = DEFAULT_K, docs: list[str] | None = None,
                   speaker: str | None = None) -> dict:
        """Search the index: the passages that answer `query`, as cited JSON (like `rag search --json`).
        `docs`: search only these document ids (default: all); `speaker`: only passages where they
        speak (like `rag search --speaker`; default: anyone)."""
        try:
            return handlers.search_api(engine, query, k, docs, speaker)
        except RagError as e:
            raise gr.Error(render.visible(str(e)), print_exception=False)

    gr.api(api_search, api_name="search", concurrency_limit=CONCURRENCY)


def progress_text(done: int, total: int, what: str) -> str:
    """An upload's progress line: the batch being embedded ("Embedding x.txt: passages 1–64 of 84"), not "0/84 steps"
    for the 12 s the first batch takes (the build reports before each batch of EMBED_BATCH passages: build._embed)."""
    from .build import EMBED_BATCH

    if what.startswith("Embedding") and done < total:
        return f"{what}: passages {done + 1}\u2013{min(done + EMBED_BATCH, total)} of {total}"
    return what


def _event(evt) -> dict:
    """What the conversation's script sent with an `open_span` event (EventData exposes its keys)."""
    return {key: getattr(evt, key, None) for key in ("turn", "doc", "start", "end")}


def launch_options(host: str, port: int | None) -> dict:
    """Where and how to serve: bound to 127.0.0.1 unless `host` says otherwise, a login from RAG_PASSWORD."""
    port = chat_port(port)
    from .read import MAX_BYTES

    options = dict(server_name=host, server_port=port, allowed_paths=[], footer_links=["api"],
                   state_session_capacity=handlers.SESSIONS,
                   max_file_size=MAX_BYTES, show_error=False, ssr_mode=False, pwa=False, mcp_server=False,
                   theme=theme(), css=_static("chat.css"), i18n=translations())
    password = os.environ.get("RAG_PASSWORD")
    if password:
        options["auth"] = LoginThrottle(os.environ.get("RAG_USER") or "rag", password)
    elif host not in LOCAL_HOSTS:
        log.warning("Serving on %s without a password: anyone who can reach this address can use it. "
                    "Set RAG_PASSWORD to require a login.", host)
    return options


# the words of Gradio's own that its English lacks: its status line, read to a screen reader as an event ends, said
# "common.complete" after a file was chosen for upload, and after Add (a hidden live region, role="status")
GRADIO_WORDS = {"common.complete": "Done."}


def translations():
    """Gradio's missing words (GRADIO_WORDS) for its pages, in every language (English is its fallback)."""
    import gradio as gr

    return gr.I18n(en=GRADIO_WORDS)


def _environment() -> None:
    """What the server needs of its environment, set when it starts (not when this module is imported)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Gradio's queue keeps the last 10,000 events for its monitoring page and rebuilds a pandas table of
    # all of them after every event: under load that grew the memory and cost more CPU than our search.
    # We have no monitoring page: keep few events and summarise them rarely.
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "200")
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
    from .logs import setup_logging

    setup_logging()         # the product's own lines; libraries only from WARNING (rag --verbose: all)
    from threadpoolctl import threadpool_limits

    # numpy's and FAISS's BLAS threads only spin for a search's small products: under load they
    # took a third of the CPU the server needs (measured); builds embed with torch, unaffected
    threadpool_limits(1, user_api="blas")


def network_address() -> str | None:
    """This machine's address on its network (the interface a packet out would leave by: a UDP socket's connect sends
    nothing), or None where there is none."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))         # (TEST-NET-1: no packet goes anywhere)
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def serve(index: Path = store.DEFAULT_INDEX, port: int | None = None, host: str = "127.0.0.1",
          embedder=None, block: bool = True, read_only: bool | None = None):
    """Start the chat. Returns (demo, url) when block is False. `read_only` (default: $RAG_READ_ONLY):
    visitors cannot add, replace or remove documents."""
    _environment()
    engine = Engine(Path(index), embedder, read_only=env_flag("RAG_READ_ONLY") if read_only is None else read_only)
    started = time.monotonic()
    demo = build_app(engine)
    # (api_open=False: the direct routes /run/… and /api/… would skip the queue, its limits and the unread bound, and
    # took a short /search call as a traceback; the REST route /call/… goes through the queue)
    demo.queue(default_concurrency_limit=CONCURRENCY, api_open=False)
    from starlette.middleware import Middleware

    queue = demo._queue         # (Gradio's: the events whose messages a session has not read yet, by session)
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True, **launch_options(host, port),
                            app_kwargs={"middleware": [
                                Middleware(RefuseWrites, read_only=engine.read_only),
                                Middleware(BoundUnread, unread=lambda session: len(
                                    queue.pending_event_ids_session.get(session, ())),
                                           known=lambda session: session in queue.pending_messages_per_session)]})
    # the model loads after the page is up (its imports would slow the page's): until then,
    # questions are answered by word matching, and say so
    warm = engine.warm_up_in_background()
    log.info("rag-quotes chat on %s (page up in %.1f s)", url, time.monotonic() - started)
    if host in ("0.0.0.0", "::") and network_address():
        # (Gradio says http://localhost:PORT/, which neither a phone nor the slides' QR code can use)
        log.info("on this network: http://%s:%d/", network_address(), demo.server_port)
    if not block:
        return demo, url
    warm.join()
    log.info("ready: index and model loaded in %.1f s", time.monotonic() - started)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        demo.close()
