"""The chat's handlers: plain functions of values (an Engine, the session's turns, the form's
fields), so every one is tested without a browser; ui.py only wires them to the page.

A session keeps at most MAX_TURNS turns, and at most MAX_SESSION_CHARS characters of their pages (older ones
are dropped from its state, which expires after SESSION_SECONDS without a question: ui.py). Each turn is
rendered once when it is complete and kept (``Turn.html``); while a summary streams, only that
turn is rendered again. A turn that cannot be rendered (say, a quote that no longer matches
its document) shows its own error, never blanking the others.

The speaker choice (``speaker_choices``) lists the speakers of the documents searched; the one
chosen is passed to the search (``answer(speaker=...)``, the API's ``speaker``); a name the index
does not have is the turn's message.

What it leaves out: streaming the quotes one by one (they come at once, in milliseconds).
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
import weakref
from pathlib import Path

from . import chat, cite, render, store
from .cite import result_json
from .notices import changed_notice
from .engine import Engine
from .errors import CannotWrite, QueryError, RagError
from .query import DEFAULT_K, MAX_QUESTION_CHARS

log = logging.getLogger("rag.handlers")
MAX_TURNS = 30
# a session's rendered turns kept, in characters (the newest always): 30 turns of 20 quotes held 31 MB a session, and
# a script that never closes its sessions grew the server by 430 MB a minute (a hostile review)
MAX_SESSION_CHARS = 1_000_000
SESSION_SECONDS = 4 * 3600      # a session's turns kept after its last question
SESSIONS = 500                  # sessions whose turns are kept at once (Gradio's 10,000 by default)
READ_ONLY_NOTICE = "This server is read-only: documents cannot be added, replaced or removed here."
UPLOAD_TIME_LIMIT = 600.0       # seconds one upload may take to read and embed (more: use `rag index`)
SUMMARY_MODELS_VARIABLE = "RAG_SUMMARY_MODELS"   # extra summary models a visitor may choose (comma-separated)


def summary_server():
    """The OpenAI-compatible summary server the operator configured ($RAG_LLM_URL, $RAG_LLM_MODEL,
    $RAG_LLM_KEY; rag/llm.py), or None (also when the URL is malformed: logged, not offered)."""
    from . import llm

    try:
        return llm.configured()
    except RagError as e:
        log.warning("%s The summary server is not offered.", e)
        return None


def summary_models() -> list[str]:
    """The summary models this server offers a visitor: the default, the operator's list
    ($RAG_SUMMARY_MODELS; one given by its folder, by the folder's name), then the summary server's model when
    $RAG_LLM_URL is set (named by llm.Server.choice, without its address). A visitor picks one of these; they never
    type or see a path or a URL of the server."""
    return list(_offered())


def _offered() -> dict[str, str]:
    """summary_models' names -> the model each is (the operator's setting): a model given by its folder is named by
    the folder's name alone ("/srv/models/secret-model": "secret-model", "secret-model (2)" for a second of that
    name), which the visitor's page holds instead of the path."""
    from .models import DEFAULT_SUMMARY_MODEL

    extra = [m.strip() for m in os.environ.get(SUMMARY_MODELS_VARIABLE, "").split(",") if m.strip()]
    out = {DEFAULT_SUMMARY_MODEL: DEFAULT_SUMMARY_MODEL}
    for model in extra:
        if model in out.values():
            continue
        name = Path(model).name or model if ("/" in model or "\\" in model) else model
        shown, n = name, 2
        while shown in out:
            shown, n = f"{name} ({n})", n + 1
        out[shown] = model
    server = summary_server()
    if server is not None and server.choice not in out:
        out[server.choice] = server.choice
    return out


def _previous_query(turns) -> str | None:
    """The query a follow-up leans on: the last turn's, without a question that was itself added to an earlier one
    (so that at most one earlier question is ever added: "What did they decide?" after two follow-ups was searched as
    all three questions glued, with a speaker the first had named)."""
    for t in reversed(turns or []):
        if t.error is None and t.query:
            return t.context or t.query
    return None


def _turn_html(turn: chat.Turn, live: bool = False) -> str:
    """A turn's HTML: rendered once when complete (kept in the turn), every time while `live`."""
    if turn.html and not live:
        return turn.html
    try:
        html = render.turn_html(turn, turn.number)
    except RagError as e:          # e.g. a quote that no longer matches its document
        html = render.turn_html(chat.Turn(question=turn.question, error=str(e)), turn.number)
    if not live:
        turn.html = html
    return html


def conversation(engine: Engine, turns, live: chat.Turn | None = None) -> str:
    """The conversation's HTML; `live` is the turn whose summary is streaming (rendered anew). A turn quoting a
    document removed from the index since is rendered anew, its quotes of it marked (they stayed on the page as if
    nothing had happened)."""
    if not turns:
        return render.conversation_html([], render.intro_html(*engine.index_or_problem()))
    current = engine.index_or_none()
    for t in turns:
        hits = t.result.hits if t.result else []
        gone = removed_since(current, t.index, {h.passage.doc for h in hits}, [h.passage for h in hits])
        if gone != t.removed:
            t.removed, t.html = gone, ""
    return render.chat_html(_turn_html(t, live=t is live or _streaming(t)) for t in turns)


def removed_since(current, index, docs, quotes=()) -> frozenset:
    """Those of `docs` (documents of `index`, the one an answer came from) that `current`, the index now, no longer
    holds as they were: removed, or replaced by other text under their name where it no longer holds the answer's
    `quotes` (its passages) as they were."""
    if current is None or index is None or current is index:
        return frozenset()
    gone = set()
    for doc_id in docs:
        then, now = index.documents.get(doc_id), current.documents.get(doc_id)
        if then is not None and (now is None or not _same(now, then) and not _quotes_hold(now, then, quotes)):
            gone.add(doc_id)
    return frozenset(gone)


def _quotes_hold(now, then, quotes) -> bool:
    """Whether the new text of a document replaced by another version of itself still holds each of `quotes` (the
    passages an answer quoted of it) at the same offsets: then they are its text as it is, not "removed" (a version
    with a line added at its end was said to be removed)."""
    spans = [(p.start, p.end) for p in quotes if p.doc == then.id]
    return bool(spans) and all(now.text[a:b] == then.text[a:b] for a, b in spans)


def _same(now, then) -> bool:
    """Whether two documents of that name hold the same text: by their bytes' checksum and length (each answer rendered
    compares its quotes' documents: whole texts compared each time took a while of a session of long ones)."""
    if now is then:
        return True
    if now.sha256 and then.sha256:
        return now.sha256 == then.sha256 and len(now.text) == len(then.text)
    return now.text == then.text


def refreshed(engine: Engine, turns) -> str | None:
    """The conversation as the index is now, or None where nothing in it changed: the intro where nothing was asked
    yet (it names the documents: after an upload it still named the shipped transcript alone). None too while a
    summary streams (its own stream renders it)."""
    turns = [t for t in (turns or []) if isinstance(t, chat.Turn)]
    if not turns:
        return conversation(engine, [])
    if any(summarised(t) and t.summary is None and not t.summary_note for t in turns):
        return None
    before = [t.html for t in turns]
    page = conversation(engine, turns)
    return page if [t.html for t in turns] != before else None


_EXAMPLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def examples(index) -> list[str]:
    """The example questions of `index` (chat.example_questions), worked out once per index: a page opened, an upload
    made, asks for them again."""
    if index is None:
        return []
    if index not in _EXAMPLES:
        _EXAMPLES[index] = chat.example_questions(index)
    return _EXAMPLES[index]


def _summariser(model_name: str | None):
    """The summariser, or a reason why there is none. Only the models this server offers
    (summary_models()) can be asked for: a visitor learns nothing of the server's folders."""
    offered = _offered()
    if (model_name or "").strip() and model_name.strip() not in offered:
        return None, "This server does not offer that summary model."
    model_name = offered.get((model_name or "").strip(), model_name)
    try:
        from . import summarise
    except ImportError:
        return None, "Summaries are not available in this version."
    try:
        server = summary_server()
        if server is not None and (model_name or "").strip() == server.choice:
            return summarise.get_summariser(server=server), None
        return summarise.get_summariser((model_name or "").strip() or None), None
    except RagError as e:
        return None, str(e)


SUMMARIES = 3       # summaries written or waiting for the model at once, of all visitors (the model writes one at a
# time): a visitor's burst of summary questions held every one of the chat's 16 question slots while it waited, and
# another's plain question took 22 s instead of 0.06 (a hostile review); past these, a turn's quotes come alone
SUMMARY_HOLD = 600.0   # seconds after which a summary's place is taken back (a turn abandoned mid-summary whose
# generator was never closed: the places would otherwise be lost for good)
SUMMARY_STOPPED = "The summary stopped: a new question was asked."
BUSY_NOTE = "No summary: the summary model is busy with other questions' summaries. Ask again in a moment."
_writing: dict[object, float] = {}    # the summaries under way: a token -> when it began
_writing_lock = threading.Lock()


def _claim_summary():
    """A token for one of the SUMMARIES places, or None when all are taken."""
    with _writing_lock:
        now = time.monotonic()
        for key in [k for k, began in _writing.items() if now - began > SUMMARY_HOLD]:
            del _writing[key]
        if len(_writing) >= SUMMARIES:
            return None
        token = object()
        _writing[token] = now
        return token


def _stream_summary(engine: Engine, turn: chat.Turn, model_name: str | None, every: float = 0.25):
    """Fill in `turn`'s summary as it streams; yields whenever there is something new to show. At most SUMMARIES
    at once, of all sessions (the others' turns say the model is busy)."""
    token = _claim_summary()
    if token is None:
        turn.summary_note = BUSY_NOTE
        yield
        return
    try:
        yield from _write_summary(engine, turn, model_name, every)
    finally:
        with _writing_lock:
            _writing.pop(token, None)


def _write_summary(engine: Engine, turn: chat.Turn, model_name: str | None, every: float):
    summariser, why_not = _summariser(model_name)
    if summariser is None:
        turn.summary_note = why_not
        yield
        return
    if not getattr(summariser, "loaded", True):
        turn.summary_status = "Loading the summary model (the first time takes a while)…"
        yield
    last = 0.0
    stream = None
    try:
        speaker = getattr(turn.result, "speaker", None)     # (asked only of a search restricted to a speaker)
        stream = summariser.stream(turn.query, turn.result.hits, turn.index, engine.embedder,
                                   **({"speaker": speaker} if speaker else {}))
        for update in stream:
            if turn.summary_note == SUMMARY_STOPPED:        # a new question was asked (answer): the model is its
                break
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
    finally:
        if stream is not None:
            stream.close()          # (the model's lock let go now, not when the generator is collected)
    if turn.summary is None and not turn.summary_note:
        turn.summary_note = "The summary stopped before it was complete."
    yield


# A session's turns are one list that every answer of the session changes in place (Gradio hands each event the
# object its State holds, and keeps the one returned): three questions asked a second apart each started from the
# turns as they were before the others' answers, and the last to finish put back its own list, without the answer
# of the one before it, which left the page (a hostile review, summaries on). Numbers are taken in the order asked.
# And the page shows the last conversation sent, which may have been rendered before another answer's change: each
# answer, once its last page is sent, sends the conversation again until no change has come since the one it showed.
# (re-entrant: an answer abandoned mid-stream may be closed by the garbage collector in a thread already inside it)
_TURNS = threading.RLock()
_TAKEN: dict[int, list[int]] = {}       # id(a session's turns) -> numbers of its answers still searching
_CHANGES: dict[int, int] = {}           # id(a session's turns) -> changes made to them: turns added, summaries stopped
_RUNNING: dict[int, int] = {}           # id(a session's turns) -> its answers running (the two above go with the last)


def _changed(turns: list) -> None:
    """Count a change of the session's `turns` (under _TURNS)."""
    _CHANGES[id(turns)] = _CHANGES.get(id(turns), 0) + 1


def answer(engine: Engine, question, k, summary_on, model_name, turns, docs=(), rewrite=True, speaker=None):
    """Generator: the turns and the conversation, first with the quotes, then as the summary streams.
    `speaker`: only passages where they speak (None or "": anyone). `turns`: the session's list, changed in place."""
    turns = turns if isinstance(turns, list) else list(turns or [])
    key = id(turns)
    with _TURNS:
        _RUNNING[key] = _RUNNING.get(key, 0) + 1
    try:
        yield from _answer(engine, question, k, summary_on, model_name, turns, docs, rewrite, speaker)
    finally:       # (also where the page went away mid-stream: the generator closed)
        with _TURNS:
            _RUNNING[key] -= 1
            if not _RUNNING[key]:
                for held in (_RUNNING, _CHANGES, _TAKEN):
                    held.pop(key, None)


def _answer(engine, question, k, summary_on, model_name, turns, docs, rewrite, speaker):
    key = id(turns)
    if isinstance(question, str):       # (a request may send megabytes: kept, rendered and held in the session)
        question = question[:MAX_QUESTION_CHARS]
    with _TURNS:
        if _stop_summaries(turns):
            _changed(turns)
        previous = _previous_query(turns) if rewrite else None
        taken = _TAKEN.setdefault(key, [])
        number = max([t.number for t in turns] + taken + [0]) + 1
        taken.append(number)
    try:
        retriever, notice = engine.searcher()
        turn = chat.ask(retriever, question, k, previous, docs=docs, summary_on=summary_on, speaker=speaker)
        if notice and turn.error is None:
            turn.notices.append(notice)
    except RagError as e:
        turn = chat.Turn(question=str(question), error=str(e))
    except Exception as e:  # noqa: BLE001 - never a traceback in the chat
        log.exception("search failed")
        turn = chat.Turn(question=str(question), error=f"The search failed ({type(e).__name__}). Please try again.")
    turn.number = number
    with _TURNS:        # (its number let go as the turn takes its place: between the two, another took it too)
        taken.remove(number)
        _stop_summaries(turns)      # (those that began streaming while this one searched)
        if any(t.number > number for t in turns) and summarised(turn):
            turn.summary_note = SUMMARY_STOPPED     # a question asked after it was answered first: no summary
        turns.insert(sum(t.number < number for t in turns), turn)
        del turns[:len(turns) - len(_kept(turns[-MAX_TURNS:]))]
        _changed(turns)
        seen, shown = _CHANGES.get(key, 0), list(turns)
    streams = summarised(turn) and turn.summary_note != SUMMARY_STOPPED
    yield turns, conversation(engine, shown)
    if streams:
        for _ in _stream_summary(engine, turn, model_name):
            with _TURNS:
                stopped = turn.summary_note == SUMMARY_STOPPED
                seen, shown = _CHANGES.get(key, 0), list(turns)
            if stopped:         # the newer question's answer has the page (and the turns)
                break
            yield turns, conversation(engine, shown)
        else:
            with _TURNS:
                seen, shown = _CHANGES.get(key, 0), list(turns)
            yield turns, conversation(engine, shown)
    while True:         # (sent again where the turns changed since: it may have gone after the newer answer's page)
        with _TURNS:
            if _CHANGES.get(key, 0) == seen:
                return
            seen, shown = _CHANGES.get(key, 0), list(turns)
        yield turns, conversation(engine, shown)


def _stop_summaries(turns: list) -> bool:
    """A summary still streaming stops and says so (under _TURNS); whether one did: its own stream, which also writes
    the session's turns, would have gone on beside the newer answer's, and the turn's page rendered froze half-written
    for good (a question asked with Enter while the one before was summarised)."""
    stopped = False
    for earlier in turns:
        if _streaming(earlier):
            earlier.summary_note, earlier.html, stopped = SUMMARY_STOPPED, "", True
    return stopped


def _streaming(turn) -> bool:
    """Whether `turn`'s summary is being written now (its page is rendered anew each time, never kept)."""
    return summarised(turn) and turn.summary is None and not turn.summary_note


def _kept(turns: list) -> list:
    """The newest turns whose rendered pages, the newest's aside, hold at most MAX_SESSION_CHARS characters."""
    size = sum(len(t.html) for t in turns[:-1])
    while len(turns) > 1 and size > MAX_SESSION_CHARS:
        size -= len(turns[0].html)
        turns = turns[1:]
    return turns


def summarised(turn) -> bool:
    """Whether a turn's answer gets a summary: asked for, quotes found, and the search not abstained (the command
    line's rule too: the nearest passages of an unanswered question are not summarised)."""
    return bool(turn.summary_on and turn.result is not None and turn.result.hits and not turn.result.abstained)


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
    turn = next((t for t in turns if t.number == turn_no), None)
    index = (turn.index if turn is not None else None) or engine.index_or_none()
    if index is None:
        return render.message_html("No index is loaded.", "error")
    # a document removed since the answer: its text as it was quoted, and said so (it opened as if it were there)
    notice = render.removed_notice(index.documents[doc], index) \
        if doc in removed_since(engine.index_or_none(), index, [doc],
                                [h.passage for h in turn.result.hits] if turn is not None and turn.result else []) else ""
    try:
        return render.exchange_html(index, doc, start, end, notice=notice, match=_matched(turn, doc, start, end))
    except RagError as e:
        return render.message_html(str(e), "error")


def _matched(turn, doc: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of the quote (doc, start, end) of `turn` that its search matched (cite.matched), if it is a part."""
    hits = turn.result.hits if turn is not None and turn.result is not None else []
    hit = next((h for h in hits if (h.passage.doc, h.passage.start, h.passage.end) == (doc, start, end)), None)
    return render.matched(hit) if hit is not None else None


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
    turn = chat.ask(retriever, link.query, link.k, docs=link.docs, summary_on=link.summary, rewrite=False,
                    speaker=link.speaker)
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
            source = render.exchange_html(retriever.index, doc, link.start, link.end,
                                          match=_matched(turn, doc, link.start, link.end))
    return [turn], source, link.k, link.summary


def open_page(engine: Engine, search: str, fragment: str, model_name: str | None):
    """Generator for a page opened at an address: nothing for a plain address; for a permalink,
    (turns, conversation, source panel, k, summary_on, docs, speaker) with None for what stays as it is,
    first with the quotes, then as the summary streams."""
    try:
        opened = open_link(engine, search, fragment)
    except Exception:  # noqa: BLE001 - a broken link must not break the page
        log.exception("opening a link failed")
        opened = [chat.Turn(question="(link)", error="This link could not be opened.")], None, None, None
    if opened is None:
        return
    turns, source, k, summary_on = opened
    turn = turns[-1]
    streams = summarised(turn)
    yield (turns, conversation(engine, turns, live=turn if streams else None), source, k, summary_on,
           list(turn.docs) or None, _chosen(turn))
    if streams:
        for _ in _stream_summary(engine, turn, model_name):
            yield turns, conversation(engine, turns, live=turn), None, None, None, None, None
        yield turns, conversation(engine, turns), None, None, None, None, None


def _chosen(turn: chat.Turn) -> str | None:
    """The speaker choice a reopened link sets: the link's speaker as the index names them (one the
    index does not have is the turn's message, and the choice stays as it is)."""
    return turn.result.speaker if turn.speaker and turn.result is not None else None


def search_api(engine: Engine, query: str, k: int = DEFAULT_K, docs=None, speaker=None) -> dict:
    """The API's search: the CLI's JSON (`rag search --json`, with --doc and --speaker). Raises
    RagError with a message for bad input (a speaker the index does not have among them)."""
    retriever, notice = engine.searcher()
    turn = chat.ask(retriever, query, k, rewrite=False, docs=docs or (), speaker=speaker)
    if turn.error:
        raise QueryError(turn.error)
    data = result_json(turn.result, turn.index)
    # what chat.ask said of the query itself (e.g. that it was cut) comes before the search's notices
    data["notices"] = [n for n in turn.notices if n not in data["notices"]] + data["notices"]
    if notice:
        data["notices"].append(notice)
    # (as the page's header says it: an API client is told the files no longer hold the quotes' text at their offsets)
    changed = set(engine.changed)
    cited = sorted({h.passage.doc for h in turn.result.hits}) if changed else ()
    data["notices"] += [changed_notice(cite.source(turn.index.documents[d])) for d in cited
                        if turn.index.documents[d].path in changed]
    return data


ANYONE = "Anyone"


def speaker_choices(index, docs=(), anyone: bool = False) -> list[tuple[str, str]]:
    """The speaker choice: ("Anyone", "") then the speakers of `docs` (all documents when none),
    in alphabetical order, as the search names them; [] when they name fewer than two (one speaker
    is no choice: a press conference's answers are all the speaker's); with `anyone`, then only
    ("Anyone", ""), what a hidden choice still holds."""
    if index is None:
        return [(ANYONE, "")] if anyone else []
    by_doc = speakers_by_doc(index)
    names = set().union(*(by_doc.get(d, ()) for d in (docs or by_doc)))
    if len(names) < 2:
        return [(ANYONE, "")] if anyone else []
    from .rows import CODE, coded_speakers

    coded = coded_speakers(index) if any(CODE.fullmatch(n) for n in names) else {}
    shown = [(f"{coded[n]} ({n})" if n in coded else n, n) for n in names]
    return [(ANYONE, "")] + sorted(shown, key=lambda c: (c[0].casefold(), c[0]))


_SPEAKERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def speakers_by_doc(index) -> dict[str, set[str]]:
    """Each document of `index` -> its speakers' names, read once per index (a meetings index holds 100,000 turns:
    a scan took about a second each time the document filter changed)."""
    from .chunk import speakers_of
    from .exchanges import UNNAMED_LABELS
    from .speakers import asked_by, asking_people, held_by, role_holders

    if index not in _SPEAKERS:
        out: dict[str, set[str]] = {}
        answered: set[tuple[str, str]] = set()      # the exchanges whose question has an answer
        letters: dict[str, set[str]] = {}           # each document's askers labelled by letters
        asking: list = []                           # the questions that got an answer
        for p in index.passages:
            out.setdefault(p.doc, set()).update(speakers_of([p]))
            if p.question:
                answered.add((p.doc, p.section))
        # and a person named in a label's bracket, "The Acting Chair (Mr. Bruce Stanton)", beside the label's name
        for p in index.paragraphs:
            name = held_by(p)
            if name:
                out.setdefault(p.doc, set()).add(name)
            # and who asks an interview's questions by name (the search, given them, keeps the answers to their
            # questions: scope.py): the Documents table and `rag search --speaker` had "Lena Hoffmann", the choice
            # only the one she interviewed. Once, by the name that says who: "Moderator (Rachel Adebayo)", not
            # "Moderator" too; "Joe Brennan" of a key line "I = interviewer (Joe Brennan)". Not "Question", nor a
            # label of letters ("I", "Q") that no key line explains, which names no one.
            if p.kind == "question" and p.speaker and (p.doc, p.section) in answered:
                asking.append(p)
        holders = role_holders(asking)              # "Moderator:" where "Moderator (Rachel Adebayo):" names her
        for p in asking:
            name = asked_by(p) or holders.get((p.doc, p.speaker)) or p.speaker
            if re.fullmatch(r"[A-Z]{1,4}", name):
                letters.setdefault(p.doc, set()).add(name)
            elif name.casefold() not in UNNAMED_LABELS:
                out.setdefault(p.doc, set()).add(name)
        for doc, labels in letters.items():
            out.setdefault(doc, set()).update(asking_people(index.documents[doc].text, labels).values())
        _SPEAKERS[index] = out
    return _SPEAKERS[index]


def document_choices(index) -> list[tuple[str, str]]:
    from .cite import doc_name

    if index is None:
        return []
    # the date kept whole on a narrow screen (a label broke it "(2022-01-" / "14)"): no break at its hyphens
    return [(doc_name(d, index, 70) + ("\u00a0(" + d.date.replace("-", "\u2011") + ")" if d.date else ""), d.id)
            for d in index.documents.values()]


def removable_choices(index) -> list[tuple[str, str]]:
    """The documents a visitor may remove, as document_choices names them: the uploads (a file of the server is the
    operator's, removed with `rag remove`: the list offered them all, and Remove refused those after the click)."""
    if index is None or len(index.documents) < 2:
        return []       # (the index's only document is kept: Remove asked, then refused it, "add another first")
    uploads = {d.id for d in index.documents.values() if (d.path or "").startswith(store.UPLOADED)}
    return [(label, doc_id) for label, doc_id in document_choices(index) if doc_id in uploads]


def removal_key(engine: Engine, doc_id) -> str:
    """What the first click on Remove asked about: the document's id and its text's checksum. A second click removes
    it only while the index holds that same text under that id (another visitor removed it meanwhile and uploaded
    other text under its name: the second click removed a document it never named)."""
    _, doc = _document(engine, doc_id)
    return f"{doc_id}\0{doc.sha256 or len(doc.text)}" if doc is not None else ""


def _document(engine: Engine, doc_id):
    """(The index now, its document `doc_id` or None)."""
    index = engine.index_or_none()
    return index, index.documents.get(doc_id) if index is not None and isinstance(doc_id, str) else None


def removal_question(engine: Engine, doc_id) -> tuple[str, str] | None:
    """What the first click on Remove asks, (the button's new label, the line under it), before a second removes the
    document; None where there is nothing to ask (a read-only server, no such upload: remove_file says why)."""
    from .cite import doc_name

    index, doc = _document(engine, doc_id)
    if engine.read_only or doc is None or doc_id not in {v for _, v in removable_choices(index)}:
        return None
    name = doc_name(doc, index, 40)
    return (f"Remove {name} for good?",
            render.message_html(f"Remove {doc_name(doc, index)} for good? It was uploaded: there is no file of it "
                                f"on the server to index it from again. Click “Remove {name} for good?” to remove "
                                f"it, or Cancel.", "warning"))


def _failed(e: Exception) -> str:
    """An upload's or a removal's error as a message: a write the system refused (a full disk, a permission) without
    the server's path, the index as it was; the library's own message otherwise."""
    if isinstance(e, CannotWrite) or not isinstance(e, RagError):
        why = e.why if isinstance(e, CannotWrite) else e.strerror or type(e).__name__
        return render.message_html(f"The index could not be written ({why}): nothing was changed.", "error")
    return render.message_html(str(e), "error")


def add_files(engine: Engine, files, progress=None, replace: bool = False,
              time_limit: float = UPLOAD_TIME_LIMIT) -> str:
    """Add uploaded files to the index (only new or changed ones are embedded); a message says what
    happened. A file whose name is taken is added under a new name unless `replace` is asked for."""
    from .build import add_documents

    if engine.read_only:
        return render.message_html(READ_ONLY_NOTICE, "warning")
    paths = [Path(getattr(f, "name", f)) for f in (files or []) if f]
    if not paths:
        # (the file box drops kinds it does not take, a .zip or a name without one, without a word)
        return render.message_html("Choose one or more files first: text, Markdown, HTML, subtitles (.srt, .vtt), "
                                   "PDF or Word (.docx).", "warning")
    try:
        report = add_documents(paths, engine.embedder, engine.folder, progress=progress, uploaded=True,
                               by_name=bool(replace), time_limit=time_limit)
        engine.reload()
    except (RagError, OSError) as e:
        return _failed(e)
    lines = [render.message_html(report.summary().capitalize() + ".", "note")]
    documents = report.index.documents if report.index is not None else {}

    def taken(name: str) -> str:        # why an upload of `name` did not replace the document of that name
        held = documents.get(name)
        if held is not None and not (held.path or "").startswith(store.UPLOADED):
            return "index, indexed from a file of the server, which an upload never replaces."
        return "index (tick “Replace documents of the same name” to update it instead)."
    lines += [render.message_html(f"{name} was added as “{doc_id}”: a document named {name} is already in the "
                                  + taken(name), "note") for name, doc_id in report.renamed]
    lines += [render.message_html(f"{Path(name).name} holds the same bytes as “{doc_id}”, indexed once.", "note")
              for name, doc_id in report.same]
    if engine.problem:
        lines.append(render.message_html(f"The updated index could not be opened, so the previous one is still "
                                         f"served: {engine.problem}", "error"))
    lines += [render.message_html(f"Skipped {Path(name).name}: {why}", "warning") for name, why in report.skipped]
    return "".join(lines)


def remove_file(engine: Engine, doc_id) -> str:
    from .build import FROM_A_FILE, ONLY_DOCUMENT, remove_documents

    if engine.read_only:
        return render.message_html(READ_ONLY_NOTICE, "warning")
    if not doc_id:
        return render.message_html("Choose a document to remove.", "warning")
    try:
        # (what may be removed is decided under the build's lock, by the index on disk: a page's copy may be old, the
        # operator's document now where a visitor's upload was. A visitor once removed the shipped transcript, then
        # uploaded a forged file under its name, which then bore its id, title and date: the server's files are the
        # operator's, indexed and removed with `rag`)
        report = remove_documents([doc_id], engine.embedder, engine.folder, uploads_only=True)
        if report.removed:
            engine.reload()
    except (RagError, OSError) as e:
        return _failed(e)
    why = dict(report.skipped).get(doc_id)
    if why == FROM_A_FILE:
        return render.message_html(f"{doc_id} was indexed from a file of the server: the chat removes only "
                                   f"uploads (the operator removes it with: {store.remove_command(doc_id)}).", "warning")
    if why == ONLY_DOCUMENT:
        return render.message_html("This is the index's only document; add another before removing it.", "warning")
    # (a document another visitor removed meanwhile: "1 skipped" said nothing of why)
    return render.message_html(report.summary().capitalize() + ".", "note") + "".join(
        render.message_html(f"{name}: {why} (removed meanwhile?).", "warning") for name, why in report.skipped)
