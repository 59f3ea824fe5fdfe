"""Render chat turns, quotes and their context as HTML: pure functions, no web framework.

Every piece of document text, query and model output is ``html.escape``d and put in
HTML as text: a document holding ``<script>``, ``<img onerror=…>`` or Markdown links
renders as those characters and runs or fetches nothing. Nothing here is Markdown; the
Markdown this page hands out (Copy citation, Download Markdown) is escaped by ``cite.md_escape``.
No document's path on this machine is put in the page (documents are named by id; the CSV's
``source`` is ``cite.source``).
Quotes are ``cite.checked`` (exactly ``document.text[start:end]``); a summary comes first, as the
answer, above its quotes: the model's words, styled apart from the quotes, each ``[n]`` linked to
its quote; a grounded sentence's fragments (rag/grounded.py) are each marked with the quote and
document offsets they came from, so pointing at one highlights those words in the quote.
A quote of several turns (a meeting's window) marks the turn(s) that best match the query
(``cite.best_turns``: the query's words, weighted by how few of the window's turns share them) and
sets each turn's speaker label apart; marks are only HTML around exact substrings of the quote.

What it leaves out: the page around these fragments (``ui.py``) and the styles
(``static/chat.css``).
"""
from __future__ import annotations

import dataclasses
import html
import re
from urllib.parse import quote as urlquote, urlsplit

from . import cite
from .errors import listing
from .chat import Turn, permalink
from .notices import NEAREST, NONE_LEFT, abstain_notice, changed_notice, corpus_noun
from .query import MAX_QUERY_CHARS, cut_notice
from .ranking import by_document
from .read import BIDI_CONTROLS
from .records import Document, Hit, Passage
from .summarise import EXTRACTIVE, NO_SUMMARY_ABSTAINED, Summary

_CONTEXT_PARAGRAPHS = 3          # around a quote from a document that has no exchanges


def esc(text) -> str:
    """`text` for HTML, every character kept: a carriage return as "&#13;" (the HTML parser turns a CR and a CRLF
    it reads into LF, so a quote of a Windows file would lose its CRs and the offsets into it would drift)."""
    return html.escape("" if text is None else str(text), quote=True).replace("\r", "&#13;")


def data_uri(text: str, mime: str) -> str:
    return f"data:{mime};charset=utf-8,{urlquote(text, safe='')}"


def quote_citation(hit: Hit, index) -> str:
    """One quote as a ready Markdown citation ("Copy citation"): the quote, then speaker, event, date,
    section, paragraph, characters; Markdown-escaped (cite.md_escape), so pasted into notes it shows
    the document's characters and makes no link, image or HTML."""
    p = hit.passage     # (the question whole: cite.markdown_citation)
    return cite.markdown_citation(p, index.documents[p.doc], until=cite.last_time(p, index),
                                  through=cite.through(p, index))


def citation_html(p, doc, until: float | None = None, through: int | None = None) -> str:
    """The same citation as HTML, for the clipboard beside the Markdown ("Copy citation", static/conversation.js): a
    notes app, a word processor or an email takes it and shows the document's characters as they are, with none of the
    Markdown's backslashes ("education\\_0.txt" pasted as plain text); escaped, so it makes no link, image or HTML
    either. (Plain text alone would not do: a hostile document's "![](http://…)" or "<img onerror>" pasted as plain
    text into Markdown notes becomes live: cite.md_escape.)"""
    text = cite.checked(p, doc)
    lines = "<br>".join(esc(line) for line in text.split("\n"))
    return (f"<blockquote>{lines}</blockquote>"
            f"<p>\u2014 {esc(cite.reference(p, doc, until, whole=True, through=through))}</p>")


def _copy(markdown: str, p, doc, until: float | None = None, through: int | None = None) -> str:
    """A copy button's data: the Markdown (plain text) and the HTML (static/conversation.js puts both on the clipboard)."""
    return f'data-copy="{esc(markdown)}" data-copy-html="{esc(citation_html(p, doc, until, through))}"'


def abstained(result, index) -> str:
    """What an answer says when retrieval abstains: the search's own notice (what the documents never
    mention, in the words of what the index holds), else that they do not seem to address it."""
    said = getattr(result, "abstain_notice", None)
    if not result.hits:     # (no passage: none "shown", nor "the documents do not address this" for a speaker's
        return said.replace(NEAREST, NONE_LEFT) if said else NONE_LEFT    # absence, which a note says)
    return said or abstain_notice(corpus_noun(index), [])


matched, best_turns, said_by = cite.matched, cite.best_turns, cite.said_by     # (cite.py: the JSON says them too)
window_turns = cite.window_turns      # (where it lives: cite needs it for the times a quote spans)


def _turns_html(p: Passage, text: str, turns: list[Passage], best: list[Passage]) -> str:
    """A window's exact text: each turn's speaker label (the text between turns) in
    <span class="rq-turn-who">, the best turns in <mark class="rq-turn-best"> with their offsets."""
    out, at = [], p.start
    for t in turns:
        gap = text[at - p.start:t.start - p.start]
        label = gap.strip()
        if label:
            i = gap.index(label)
            out.append(esc(gap[:i]) + f'<span class="rq-turn-who">{esc(label)}</span>' + esc(gap[i + len(label):]))
        else:
            out.append(esc(gap))
        body = esc(text[t.start - p.start:t.end - p.start])
        out.append(f'<mark class="rq-turn-best" data-start="{t.start}" data-end="{t.end}" title="The turn that '
                   f'best matches the question">{body}</mark>' if t in best else body)
        at = t.end
    return "".join(out) + esc(text[at - p.start:])


def quote_text_html(hit: Hit, text: str, index=None, query: str = "", speaker: str | None = None) -> str:
    """The quote's exact text, the matched sentences in <mark class="rq-match"> (their offsets on it)
    and the rest in a quieter <span class="rq-rest">: the same characters, only marked. A quote of
    several turns (given the `index`) has its best turns for `query` (of `speaker`, when the search was
    restricted to them) marked and its labels set apart."""
    span = matched(hit)
    if span is None:
        turns = window_turns(hit.passage, index)
        return _turns_html(hit.passage, text, turns, best_turns(turns, query, speaker)) if turns else esc(text)
    a, b = span[0] - hit.passage.start, span[1] - hit.passage.start
    rest = lambda t: f'<span class="rq-rest">{esc(t)}</span>' if t else ""   # noqa: E731
    return (rest(text[:a]) + f'<mark class="rq-match" data-start="{span[0]}" data-end="{span[1]}">'
            f'{esc(text[a:b])}</mark>' + rest(text[b:]))


def _asked(turn: Turn | None) -> tuple[str, str | None]:
    """What a turn searched: its query and the speaker the search was restricted to (chosen or named)."""
    if turn is None:
        return "", None
    return turn.query, getattr(turn.result, "speaker", None) or turn.speaker


def _span_attrs(p: Passage) -> str:
    return f'data-doc="{esc(p.doc)}" data-start="{p.start}" data-end="{p.end}"'


WHY_LABELS = {"region": "turns around it"}     # a conversation's hit after its first places (retrieve.Retriever._rest)


def why(hit: Hit) -> str:
    """'Why this quote': the score, and each retriever's rank and score from the hit's provenance."""
    groups: dict[str, dict] = {}
    other = []
    for key, value in (hit.provenance or {}).items():
        m = re.fullmatch(r"(\w+?)_(rank|score)", key)
        if m:
            groups.setdefault(m.group(1), {})[m.group(2)] = value
        else:
            other.append((key, value))
    rows = [f"<tr><th>score</th><td>{hit.score:.3f}</td><td></td></tr>"]
    for name, g in groups.items():
        name = WHY_LABELS.get(name, name)
        score, rank = g.get("score"), g.get("rank")
        if score is None and rank is None:
            rows.append(f"<tr><th>{esc(name)}</th><td colspan=2>not among its results</td></tr>")
            continue
        score = f"{score:.3f}" if isinstance(score, float) else esc(score if score is not None else "—")
        rows.append(f"<tr><th>{esc(name)}</th><td>{score}</td>"
                    f"<td>{'rank ' + esc(rank) if rank is not None else ''}</td></tr>")
    for key, value in other:
        rows.append(f"<tr><th>{esc(key)}</th><td colspan=2>{esc(value)}</td></tr>")
    return f'<table class="rq-why-table">{"".join(rows)}</table>'


def where(p: Passage, index) -> str:
    """cite.where for the page: the outlet left out where the question, as shortened there, names it already
    ("… Radio Company. Our office in… (the Mir Interstate Television and Radio Company)" said it twice)."""
    if p.outlet and p.question and cite.says_outlet(cite.shorten(p.question), p.outlet):
        p = dataclasses.replace(p, outlet=None)
    return cite.where(p, cite.last_time(p, index), through=cite.through(p, index))


def quote_html(hit: Hit, index, turn_id: int, turn: Turn | None = None) -> str:
    p = hit.passage
    doc: Document = index.documents[p.doc]
    text = cite.checked(p, doc)
    n = hit.rank
    anchor = f"t{turn_id}-q{n}"
    where_ = where(p, index)
    if p.question:
        asker = "Question" + (f" ({p.outlet})" if p.outlet and not cite.says_outlet(p.question, p.outlet) else "")
        label = (f'<details class="rq-where"><summary title="{esc(p.question)}">{esc(where_)}</summary>'
                 f'<div class="rq-fullq"><b>{esc(asker)}:</b> {esc(p.question)}</div></details>')
    else:
        label = f'<span class="rq-where">{esc(where_)}</span>'
    who = said_by(hit, index, *_asked(turn))
    speaker = f'<span class="rq-speaker">{esc(who)}</span>' if who else ""
    low = ' <span class="rq-lowtag">low confidence</span>' if hit.low_confidence else ""
    gone = turn is not None and p.doc in turn.removed
    if gone:        # (the document was removed from the index after this answer: handlers.conversation)
        low += ' <span class="rq-removed-tag">removed from the index</span>'
    meta = [f"¶ {cite.paragraph_number(p, cite.through(p, index))}"]
    when = cite.best_time(hit, index, *_asked(turn))
    if when is not None:        # where in the recording the marked paragraph was said
        meta.append(f"best match at {cite.clock(when)}")
    if p.page:
        meta.append(f"p. {p.page}")
    title = (doc.title or "").translate(BIDI_CONTROLS)
    meta.append(f'<span title="{esc(title)}">{esc(cite.doc_name(doc, index, 90))}</span>')
    if doc.date:
        meta.append(esc(doc.date))
    meta.append(f"chars {p.start}–{p.end}")
    link = ""
    if turn is not None:
        href = permalink(turn.query, turn.k, turn.fingerprint, turn.summary_on, turn.docs, span=p,
                         speaker=turn.speaker)
        link = f'<a class="rq-btn rq-permalink" href="{esc(href)}" target="_blank" rel="noopener">Permalink</a>'
    return (
        f'<li class="rq-quote{" rq-low" if hit.low_confidence else ""}{" rq-removed" if gone else ""}" '
        f'id="{anchor}" {_span_attrs(p)}>'
        f'<div class="rq-head"><button class="rq-n rq-open" {_span_attrs(p)} '
        f'title="Show in the full exchange">[{n}]</button>{speaker}{label}{low}</div>'
        f'<blockquote class="rq-text">{quote_text_html(hit, text, index, *_asked(turn))}</blockquote>'
        f'<div class="rq-meta">{" · ".join(meta)}</div>'
        f'<div class="rq-actions">'
        f'<button class="rq-btn rq-open" {_span_attrs(p)}>Show in context</button>{link}'
        f'<button class="rq-btn rq-copy" '
        f'{_copy(quote_citation(hit, index), p, doc, cite.last_time(p, index), cite.through(p, index))}>'
        f'Copy citation</button>'
        f'{_copy_marked(hit, doc, index, turn)}'
        f'<details class="rq-why"><summary>Why this quote</summary>{why(hit)}</details>'
        f'</div></li>'
    )


def _copy_marked(hit: Hit, doc: Document, index=None, turn: Turn | None = None) -> str:
    """'Copy marked sentences': the citation of just the matched span, with its own offsets. A meeting's quote (a
    window of several turns) marks its best turns instead (quote_text_html): 'Copy marked turn' copies each of them as
    a citation of its own, its speaker, paragraph and offsets (it had no such button: only the whole window could be
    copied, cited to its first speaker)."""
    span = matched(hit)
    if span is None:
        turns = window_turns(hit.passage, index) if index is not None else []
        best = best_turns(turns, *_asked(turn)) if turns else []
        if not best:
            return ""
        markdown = "\n".join(cite.markdown_citation(t, doc, until=cite.last_time(t, index)) for t in best)
        rich = "".join(citation_html(t, doc, cite.last_time(t, index)) for t in best)
        return (f'<button class="rq-btn rq-copy rq-copy-marked" data-copy="{esc(markdown)}" '
                f'data-copy-html="{esc(rich)}">Copy marked turn{"s" if len(best) > 1 else ""}</button>')
    part = dataclasses.replace(hit.passage, start=span[0], end=span[1], text=doc.text[span[0]:span[1]])
    return (f'<button class="rq-btn rq-copy rq-copy-marked" {_copy(cite.markdown_citation(part, doc), part, doc)}>'
            f'Copy marked sentences</button>')


def fragment_html(n: int, start: int, end: int, text: str, turn_id: int) -> str:
    """One fragment of a grounded sentence: its words, marked as coming from quote n (document
    offsets start..end); hovering or focusing it highlights those words in the quote (static/conversation.js)."""
    return (f'<span class="rq-frag" tabindex="0" data-quote="{n}" data-target="t{turn_id}-q{n}" '
            f'data-start="{start}" data-end="{end}" title="from quote [{n}]">{esc(text)}</span>')


def _grounded_text(s, turn_id: int, n_hits: int, linked) -> str:
    """A grounded sentence's text with each of its fragments marked (fragment_html), the connectives
    between them plain; a fragment not found in order in the text (it never should be) stays plain."""
    text, out, at = s.text, [], 0
    for f in s.fragments:
        i = text.find(f.text, at)
        if i < 0 or not 1 <= f.quote <= n_hits:
            continue
        out.append(linked(text[at:i]) + fragment_html(f.quote, f.start, f.end, f.text, turn_id))
        at = i + len(f.text)
    return "".join(out) + linked(text[at:])


def _written(s) -> str:
    """What a summary's sentence `s` wrote in its own words, where a "[n]" is its citation: a grounded sentence's
    words between its fragments (a fragment's "[2]" is its quote's: a footnote's mark), else the whole sentence."""
    text = s.text
    for f in s.fragments or ():
        text = text.replace(f.text, " ", 1)
    return text


def summary_heading(summary: Summary | None) -> str:
    """The summary box's heading: one short line, the same while the summary streams and after (it said "the model's
    words…" while streaming, then "stitched from…", in two lines of capitals); what kind of summary it is, by which
    model, is said under it (summary_kind)."""
    if summary is not None and summary.model == EXTRACTIVE:
        return "Summary \u2014 the quotes\u2019 own sentences"
    return "Summary \u2014 not a quote"


def summary_kind(summary: Summary | None) -> str:
    """Under a finished summary: stitched from the quotes (grounded decoding), the model's own words (free), or the
    extractive summary chosen without a model (the fallback); "tap" for a phone, where nothing is pointed at."""
    if summary is None:
        return ""
    model = summary.model
    if model == EXTRACTIVE:
        return "Extractive summary: the quotes' most central sentences, chosen without a model; each [n] is its quote."
    if summary.grounded:
        return (f"Summary by {esc(model)}, stitched from the quotes' own words: tap a phrase (or point at it) to see "
                f"it in its quote.")
    return (f'{"Summary by " + esc(model) + ": " if model else ""}the model\'s words, not a quote; check each [n] '
            f'against its quote.')


def summary_html(turn: Turn, turn_id: int) -> str:
    """The summary, shown first as the answer: marked as the model's words (or as stitched from
    the quotes, each fragment linked to the words it came from), each [n] a link to quote n."""
    if not turn.summary_on or turn.result is None or not turn.result.hits:
        return ""
    if turn.result.abstained:
        return f'<div class="rq-summary"><p class="rq-summary-note">{esc(NO_SUMMARY_ABSTAINED)}</p></div>'
    n_hits = len(turn.result.hits)

    def ref(n: int) -> str:
        if 1 <= n <= n_hits:
            return f'<a class="rq-ref" href="#t{turn_id}-q{n}" data-quote="t{turn_id}-q{n}">[{n}]</a>'
        return esc(f"[{n}]")

    def linked(text: str) -> str:
        return re.sub(r"\[(\d{1,3})\]", lambda m: ref(int(m.group(1))), esc(text))

    summary: Summary | None = turn.summary
    extractive = summary is not None and summary.model == EXTRACTIVE
    head = f'<div class="rq-summary-head">{summary_heading(summary)}</div>'
    body = ""
    if summary is not None:
        parts = []
        for s in summary.sentences:
            ok = s.supported is True        # anything but a checked, supported sentence is marked
            why_not = "; ".join(s.problems or ()) or "not supported by the quotes it cites"
            mark = "" if ok else (f' <span class="rq-unsupported-tag" title="{esc(why_not)}">'
                                  f'⚠ not supported by the quotes: {esc(why_not)}</span>')
            # the sentence's own [n] markers, if it kept them, and then the ones it was checked against; an
            # extractive sentence is a quote's own, its "[2]" the document's footnote, never a link
            own = not extractive and _written(s)
            text = (esc(s.text) if extractive else _grounded_text(s, turn_id, n_hits, linked) if s.fragments
                    else linked(s.text))
            who = cite.sentence_speakers(s, turn.result.hits, turn.index)      # (a meeting's: whose words they are)
            text = (f'<span class="rq-sent-who">{esc(", ".join(who))}:</span> ' if who else "") + text
            cited = [n for n in s.citations or [] if not own or f"[{n}]" not in own]
            refs = "".join(ref(n) for n in cited)
            parts.append(f'<li class="rq-sent{"" if ok else " rq-unsupported"}"><span class="rq-sent-text">{text}'
                         f'</span>{" " + refs if refs else ""}{mark}</li>')
        body = f'<ul class="rq-summary-text">{"".join(parts)}</ul>'
        reason, removed = summary.reason, summary.removed_citations
        notes = [summary_kind(summary)]
        if reason:
            notes.append(esc(visible(reason)))
        if removed:
            notes.append(f"{removed} citation{'s' if removed != 1 else ''} to quotes that do not exist "
                         f"{'were' if removed != 1 else 'was'} removed")
        if notes:
            body += f'<p class="rq-summary-note">{" · ".join(notes)}</p>'
    elif turn.summary_text:
        body = f'<p class="rq-summary-text rq-streaming">{linked(turn.summary_text)}</p>'
    elif not turn.summary_note:
        body = f'<p class="rq-summary-text rq-streaming">{esc(turn.summary_status or "Summarising…")}</p>'
    if turn.summary_note:
        body += f'<p class="rq-summary-note">{esc(visible(turn.summary_note))}</p>'
    grounded = " rq-grounded" if summary is not None and summary.grounded else ""
    kind = grounded + (" rq-extractive" if extractive else "")
    return f'<div class="rq-summary{kind}" role="region" aria-live="polite" aria-label="Answer">{head}{body}</div>'


def shown_question(question: str, limit: int = MAX_QUERY_CHARS) -> str:
    """A question as shown above its answer: as far as it was searched (`limit` characters), without the invisible
    controls that turn text's direction around (a stray U+202E showed "OTAN dna ?napaJ"; the search drops them too)."""
    return cite.shorten(question.translate(BIDI_CONTROLS), limit)


def _notes(turn: Turn) -> list[str]:
    """What a turn's search says beside its quotes (a speaker searched, a name no document mentions, a query cut),
    once each; not the abstention's own notice, which its banner says."""
    notes = list(turn.notices) + (list(turn.result.notices) if turn.result else [])
    if turn.cut:            # said once, under the question (searched_html)
        notes = [n for n in notes if n != cut_notice(len(turn.query))]
    if turn.result is not None and turn.result.abstained:
        notes = [n for n in notes if n != turn.result.abstain_notice]
    return list(dict.fromkeys(notes))


def searched_html(turn: Turn, limit: int | None = None) -> str:
    """What a follow-up searched, under the question as the user asked it: the earlier question it was searched
    together with (chat.rewrite_followup), or the question it became ("… relations with India?"); '' for another.
    (Glued into one line, "…troops to Kazakhstan? What about the Olympics?" read as one question nobody asked.)"""
    if turn.cut and not turn.error:         # (no rewrite: the whole cut query was printed, 312 px of it)
        return f'<p class="rq-searched">Searched for its first {len(turn.query):,} characters.</p>'
    if not turn.rewritten or turn.error:
        return ""
    cut = (lambda t: cite.shorten(t, limit)) if limit else (lambda t: t)     # noqa: E731
    if turn.context:
        return f'<p class="rq-searched">Searched together with the question before it: <q>{esc(cut(turn.context))}</q></p>'
    return f'<p class="rq-searched">Searched for: <q>{esc(cut(turn.query))}</q></p>'


LONG_QUESTION = 240   # characters of a question above which the chat shows its first lines, the rest on demand


def turn_html(turn: Turn, turn_id: int) -> str:
    # a question cut for the search shows the part searched (the query, which the search cut at a word: clean_query),
    # and counts it as the line under it does ("998 of its 1,575 characters" over "Searched for its first 997
    # characters": the page's own shortening, with its "…", was counted)
    shown = turn.query.translate(BIDI_CONTROLS) + "…" if turn.cut and not turn.error else \
        shown_question(turn.question)
    asked = f'<div class="rq-ask"><p class="rq-question">{esc(shown)}</p>'
    if len(shown) > LONG_QUESTION:      # (880 characters in bold filled the screen, the first quote below it)
        part = len(turn.query) if turn.cut and not turn.error else len(shown)
        whole = (f"Show the whole question ({turn.length:,} characters)" if part >= turn.length else
                 f"Show the part searched ({part:,} of its {turn.length:,} characters)")
        asked = (f'<div class="rq-ask rq-long-q"><p class="rq-question">{esc(shown)}</p>'
                 f'<details class="rq-more"><summary>{whole}</summary></details>')
    asked += searched_html(turn)
    asked += "</div>"
    parts = [f'<p class="rq-note">{esc(note)}</p>' for note in _notes(turn)]
    if turn.removed and turn.index is not None:
        parts += [f'<p class="rq-warning">{esc(removed_notice(turn.index.documents[d], turn.index))}</p>'
                  for d in sorted(turn.removed) if d in turn.index.documents]
    if turn.error:
        parts.append(f'<p class="rq-error" role="alert">{esc(visible(turn.error))}</p>')
    result, index = turn.result, turn.index
    if result is not None:
        if result.abstained:
            parts.append(f'<p class="rq-abstain" role="status">{esc(abstained(result, index))}</p>')
        elif not result.hits:
            parts.append('<p class="rq-note">No passages found.</p>')
        parts.append(_documents_line(result, index))
        if result.hits:
            parts.append(summary_html(turn, turn_id))        # the answer first, above its quotes
            parts.append('<ol class="rq-quotes">' +
                         "".join(quote_html(h, index, turn_id, turn) for h in result.hits) + "</ol>")
            href = permalink(turn.query, turn.k, turn.fingerprint, turn.summary_on, turn.docs, speaker=turn.speaker)
            md = cite.markdown(result.hits, index)
            csv = cite.csv_text(result.hits, index)
            parts.append(
                f'<div class="rq-tools">'
                f'<a class="rq-btn rq-answer-link" href="{esc(href)}" target="_blank" rel="noopener">Link to this answer</a>'
                f'<a class="rq-btn rq-dl-md" download="quotes-{turn_id}.md" href="{esc(data_uri(md, "text/markdown"))}">Download Markdown</a>'
                f'<a class="rq-btn rq-dl-csv" download="quotes-{turn_id}.csv" href="{esc(data_uri(csv, "text/csv"))}">Download CSV</a>'
                f'</div>')
    return (f'<section class="rq-turn" id="t{turn_id}" data-turn="{turn_id}">{asked}'
            f'<div class="rq-answer">{"".join(parts)}</div></section>')


def removed_notice(doc: Document, index) -> str:
    """What is said of a quote whose document was removed from the index after the answer (its quotes on the page are
    its text as it was; a new question will not find it)."""
    return (f"{cite.doc_name(doc, index)} was removed from the index after this answer: its quotes are its text as it "
            f"was, and a new question will not find them.")


def _documents_line(result, index) -> str:
    """Where the quotes come from several documents, above them: "3 documents discuss this: A (2 quotes);
    B (1 quote); …" (Result.documents: each document's quotes, in the order of its best one). None where the search
    says none discusses it (an empty Result.documents: a word of the question no document uses, on a small index):
    a rehearsal's "Did anyone propose a cork casing?" said "No document mentions 'cork'", then, in bold, "2 documents
    discuss this", counted here from the quotes again."""
    documents = getattr(result, "documents", None)
    counts = list(by_document(result.hits) if documents is None else documents)
    if len(counts) < 2 or result.abstained:
        return ""
    names = [f"{esc(cite.doc_name(index.documents[d], index, 60) if d in index.documents else d)} "
             f"({n} quote{'s' if n != 1 else ''})" for d, n in counts]
    return f'<p class="rq-docs-line">{len(counts)} documents discuss this: {"; ".join(names)}</p>'


def conversation_html(turns: list[Turn], intro: str = "") -> str:
    if not turns:
        return f'<div class="rq-chat rq-empty">{intro}</div>'
    return chat_html(turn_html(t, t.number) for t in turns)


def chat_html(turns_html) -> str:
    """The conversation around its turns' HTML (each from turn_html)."""
    return '<div class="rq-chat">' + "".join(turns_html) + "</div>"


def header_html(index, changed: list[str] = ()) -> str:
    """The page's title line: the one document's title or the number of documents, the index version,
    and a line for each indexed file that changed on disk since (the index serves the text it holds)."""
    if index is None:
        what = "No index loaded"
    elif len(index.documents) == 1:
        doc = next(iter(index.documents.values()))
        what = cite.doc_name(doc)
    else:
        what = f"{len(index.documents)} documents"
    version = f" · index {esc(index.fingerprint)}" if index is not None else ""
    # (named as citations name its document: an outside file's absolute path would tell a visitor about this machine)
    shown = {d.path: cite.source(d).translate(BIDI_CONTROLS) for d in index.documents.values()} if index is not None \
        else {}
    stale = "".join(f"<p class='rq-stale'>{esc(changed_notice(shown.get(path) or visible(path)))} Update it with: "
                    f"rag index</p>" for path in changed)
    noun = corpus_noun(index).removeprefix("the ")
    return f"<h1>Ask the {esc(noun)}</h1><p>{esc(what)}{version}</p>{stale}"


PRESENTED_QUESTION = 300   # characters of a question a slide shows above its quote (the chat shows what was searched)


def intro_html(index=None, problem: str | None = None) -> str:
    if problem:
        return f'<p class="rq-error" role="alert">{esc(visible(problem))}</p>'
    if index is None:
        return '<p class="rq-hello">Loading the index…</p>'
    docs = list(index.documents.values())
    what = (esc(docs[0].title or docs[0].id) + (f" ({esc(docs[0].date)})" if docs[0].date else "")
            if len(docs) == 1 else f"{len(docs)} documents")
    # (where it sits, in the index's own terms: a meeting's quote answered no question, and is someone's)
    asked = any(p.kind == "question" for p in index.paragraphs)
    spoken = not asked and any(p.speaker for p in index.paragraphs)
    where = "which question it answered, " if asked else "who said it, " if spoken else ""
    context = "full exchange" if asked else "place in the document"
    return (f'<p class="rq-hello">Ask a question about <b>{what}</b>. '
            f'The answer is a list of exact quotes, each with where it sits: '
            f'{where}the paragraph and the document. '
            f'Click a quote’s number to see it in its {context}. Press <kbd>/</kbd> to ask from anywhere; '
            f'<b>Large type</b> sets the page larger for a room, and '
            f'<b>Presenter mode</b> shows one quote at a time, large, with a QR code of the answer.</p>')


def message_html(text: str, kind: str = "note") -> str:
    cls = {"error": "rq-error", "warning": "rq-warning"}.get(kind, "rq-note")
    return f'<p class="{cls}" role="status">{esc(visible(text))}</p>'


# an absolute path of this machine, in a message the library wrote for the command line ("The index in
# /srv/rag/idx/ is damaged … rag index --index /srv/rag/idx"): not after a word, a dot, a colon or "~" ("Kiev/Kyiv",
# "12/03", "http://…", "./x")
_ABSOLUTE = re.compile(r"(?<![\w/.:~-])/(?:[^\s/'\"“”()<>,;]+/)*([^\s/'\"“”()<>,;]*[\w-]/?)")


# a local file's URI ("milvus-lite:///srv/rag/index.db?collection=x"), and the summary server's address, which the
# operator set and a visitor has no use for ("The summary server at http://10.0.0.5:8080/v1 does not answer")
_FILE_URI = re.compile(r"\b([a-z][a-z0-9+.-]*)://(/[^\s'\"“”()<>,;?]*/)([^\s/'\"“”()<>,;?]+)")
_SERVER_AT = re.compile(r"\b(summary server) at [A-Za-z][A-Za-z0-9+.-]*://\S+?(?=[\s,;)]|\.(?:\s|$)|$)")
# the summary server's own words (an error body may echo a key, "Bearer sk-…", or name its upstream): the log keeps them
_SERVER_SAID = re.compile(r"\b(summary server (?:answered HTTP \d{3}|reported an error)):? .*?"
                          r"(?=\s+The quotes are shown|\s+The summary server is not offered|$)", re.S)


def visible(text: str) -> str:
    """`text` as a visitor of the chat may read it: each absolute path of this machine cut to its last part (the
    folder's or file's name), a local file's URI too, and no summary server's address; the server's log keeps the
    whole message."""
    text = _SERVER_SAID.sub(r"\1.", _SERVER_AT.sub(r"\1", text or ""))
    text = _FILE_URI.sub(lambda m: f"{m.group(1)}://{m.group(3)}", text)
    return _ABSOLUTE.sub(lambda m: m.group(1), text)


# ---- the full context of a quote -----------------------------------------------------------

def context_paragraphs(index, doc_id: str, start: int, end: int) -> tuple[list[Passage], Passage | None]:
    """The paragraphs to show around the span: its whole exchange (or opening statement), or,
    in a document without exchanges, a few paragraphs either side. Also the paragraph holding it."""
    paras = [p for p in index.paragraphs if p.doc == doc_id]
    home = next((p for p in paras if p.start <= start < p.end), None)
    if home is None:
        home = next((p for p in paras if start < p.end and p.start < end), None)
    if home is None:
        return [], None
    if home.section == "text":      # every paragraph of the quote (a window of several turns), a few either side
        inside = [p for p in paras if p.start < end and start < p.end] or [home]
        first, last = inside[0].paragraph - _CONTEXT_PARAGRAPHS, inside[-1].paragraph + _CONTEXT_PARAGRAPHS
        shown = [p for p in paras if first <= p.paragraph <= last]
    else:
        shown = [p for p in paras if p.section == home.section]
    return shown, home


def exchange_html(index, doc_id: str, start: int, end: int, notice: str = "",
                  match: tuple[int, int] | None = None) -> str:
    """The whole exchange a quote comes from, with the quoted span in <mark> (escaped text throughout); where the
    search matched only a part of it (`match`, cite.matched), the rest of the quote paler (<span class="rq-hl-rest">),
    as in the quote's own card, so that the matched sentences stand out in their context too."""
    doc = index.documents.get(doc_id)
    if doc is None:
        return message_html(f"The document {doc_id!r} is not in this index.", "error")
    if end > len(doc.text):     # (a permalink's "#Q5:99999999-99999999" was said to end before it starts)
        return message_html(f"Characters {start}–{end} lie outside {cite.doc_name(doc, index)}, which has "
                            f"{len(doc.text):,} characters.", "error")
    if not 0 <= start < end:
        return message_html(f"Characters {start}–{end} are no span of {cite.doc_name(doc, index)}: the link's span "
                            f"holds no characters.", "error")
    shown, home = context_paragraphs(index, doc_id, start, end)
    if home is None:
        return message_html(f"Characters {start}–{end} of {cite.doc_name(doc, index)} are not in a paragraph.",
                            "error")
    if home.section.startswith("Q"):
        title = f"{home.section}: the full exchange"
    elif home.section == "opening":
        title = "The opening statement"
    else:
        title = f"Paragraphs {shown[0].paragraph}–{shown[-1].paragraph}"
    out = [f'<div class="rq-source" data-doc="{esc(doc_id)}" data-start="{start}" data-end="{end}">']
    if notice:
        out.append(message_html(notice, "warning"))
    # (the way back to the answers: in one column the panel lies below all of them; static/source.js)
    out.append('<button class="rq-btn rq-back" type="button">Back to the quote</button>')
    out.append(f'<h2 class="rq-source-title">{esc(title)}</h2>'
               f'<p class="rq-source-doc">{esc(cite.doc_name(doc, index))}{" · " + esc(doc.date) if doc.date else ""}'
               f' · chars {start}–{end}</p>')
    previous_speaker = None
    for p in shown:
        text = doc.text
        s, e = max(start, p.start), min(end, p.end)
        if s < e:
            a, b = (min(max(match[0], s), e), max(min(match[1], e), s)) if match else (s, e)
            rest = lambda t: f'<span class="rq-hl-rest">{esc(t)}</span>' if t else ""   # noqa: E731
            body = (esc(text[p.start:s]) + '<mark class="rq-hl">' + (rest(text[s:a]) + esc(text[a:b]) + rest(text[b:e])
                                                                     if a < b else rest(text[s:e])) + "</mark>"
                    + esc(text[e:p.end]))
        else:
            body = esc(text[p.start:p.end])
        who = ""
        if p.speaker and p.speaker != previous_speaker:
            name = cite.shown_speaker(p, index) + (f" ({p.outlet})" if p.kind == "question" and p.outlet
                                and not cite.says_outlet(doc.text[p.start:p.end], p.outlet) else "")
            who = f'<span class="rq-who">{esc(name)}:</span> '
        previous_speaker = p.speaker
        # a recording's turn keeps its time, which the paragraph's text leaves out with the label
        when = f'<span class="rq-time">{esc(cite.clock(p.time))}</span> ' if p.time is not None else ""
        cls = "rq-p rq-p-question" if p.kind == "question" else "rq-p"
        out.append(f'<p class="{cls}" data-paragraph="{p.paragraph}"><span class="rq-pn">¶ {p.paragraph}</span>'
                   f'{when}{who}{body}</p>')
    out.append("</div>")
    return "".join(out)


def source_placeholder() -> str:
    return ('<div class="rq-source rq-source-empty"><p>Click a quote’s number, or “Show in context”, '
            'to read it in its full exchange here, the quoted words highlighted.</p></div>')


def documents_html(index) -> str:
    """The documents in the index: title, date, speakers, id, passages."""
    if index is None:
        return message_html("No index is loaded.", "error")
    counts: dict[str, int] = {}
    for p in index.passages:
        counts[p.doc] = counts.get(p.doc, 0) + 1
    from .exchanges import UNNAMED_LABELS

    speakers: dict[str, dict[str, None]] = {}
    for p in index.paragraphs:
        if p.speaker and p.speaker.lower() not in UNNAMED_LABELS:      # "Q:" names nobody
            speakers.setdefault(p.doc, {})[cite.shown_speaker(p, index)] = None

    def who(doc_id: str) -> str:
        names = list(speakers.get(doc_id, {}))
        return esc(listing(names, 6))

    # (data-label: on a phone each row is a card of labelled lines, chat.css; the table's 520 px made the page wider
    # than the screen, the ask bar and the Ask button beyond its edges)
    rows = "".join(f'<tr><td data-label="Document">{esc(cite.doc_name(d))}</td>'
                   f'<td data-label="Date">{esc(d.date or "")}</td><td data-label="Speakers">{who(d.id)}</td>'
                   f'<td data-label="Id"><code><bdi>{esc(d.id)}</bdi></code></td>'
                   f'<td data-label="Passages">{counts.get(d.id, 0)}</td></tr>'
                   for d in index.documents.values())
    return (f'<table class="rq-docs"><thead><tr><th>Document</th><th>Date</th><th>Speakers</th><th>Id</th>'
            f'<th>Passages</th></tr></thead><tbody>{rows}</tbody></table>'
            f'<p class="rq-note">Index version {esc(index.fingerprint)}</p>')


# ---- presenter mode --------------------------------------------------------------------------

def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (segno: pure Python, nothing fetched)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True, dark="#000", light="#fff",
                                                 title="QR code of this answer's link")


def _reachable(url: str) -> bool:
    """Whether a phone in the room could open `url`: not at this machine's own (loopback) address, 127.x, localhost
    (with its trailing dot too), ::1 or an IPv4-mapped 127.x (::ffff:7f00:1), where the server is bound by default,
    nor 0.0.0.0 or ::, which are no address at all (a server started with --host 0.0.0.0 opened at them showed a QR
    code no phone could open), nor a relative link."""
    import ipaddress

    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:      # ("http://[::1/x": the page's address as a visitor's browser sent it)
        return False
    if not host or host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return True         # a name: the room's, as far as this page can tell
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return not (ip.is_loopback or ip.is_unspecified)


def qr_html(url: str) -> str:
    """The QR code of the answer's link, for the room's phones; at a loopback address, which a phone cannot reach
    (it was the QR code of http://127.0.0.1:7860/…, captioned "Open this answer on your phone"), what to do instead."""
    if not _reachable(url):
        return ('<p class="rq-qr-note">No QR code for phones: this page’s address is this computer’s own. '
                'Start the chat with <code>--host 0.0.0.0</code> and open it at the computer’s network address '
                'to show one.</p>')
    return f'<figure class="rq-qr">{qr_svg(url)}<figcaption>Open this answer on your phone</figcaption></figure>'


_SECTION = re.compile(r"(?:Answer to|Question) Q\d+")      # a slide's section, never cut: "Answer to Q26"


def presenter_html(turn: Turn | None, base_url: str = "") -> str:
    """Presenter mode for the newest answer: the question on top, one quote a slide (the matched
    sentences marked, the citation always shown), and the QR code of the answer's permalink
    (`base_url` + the relative link) so the room can open the same answer on their phones (qr_html: not at a
    loopback address).
    Slides are stepped through in the browser (static/presenter.js); all are rendered here."""
    if turn is None or turn.result is None or not turn.result.hits:
        message = esc(visible(turn.error)) if turn is not None and turn.error else "Ask a question: its quotes show here, one at a time."
        if turn is not None and turn.result is not None and not turn.error:    # an answer with no passage: why
            message = " ".join(esc(x) for x in [*_notes(turn), abstained(turn.result, turn.index)])
        return f'<div class="rq-present-empty"><p>{message}</p></div>'
    index, hits = turn.index, turn.result.hits
    href = permalink(turn.query, turn.k, turn.fingerprint, turn.summary_on, turn.docs, speaker=turn.speaker)
    url = (base_url or "") + href
    slides = []
    for n, hit in enumerate(hits, 1):
        p = hit.passage
        doc = index.documents[p.doc]
        # the citation on one line beside "Quote n of N" (four lines of bold citation left the quote a third of a
        # 1024x768 screen at 150 %): who, where, the paragraph, and of several documents the document and its date,
        # the question and the document's name cut short with "…" where the line is full (chat.css); the whole
        # citation as the tooltip (of one document, the page's header names it)
        many = len(index.documents) > 1
        who, placed, name = said_by(hit, index, *_asked(turn)), where(p, index), cite.doc_name(doc, index, 80)
        para = f"¶ {cite.paragraph_number(p, cite.through(p, index))}"
        whole = " · ".join(x for x in (who, placed, name, doc.date, para) if x)
        # a timed passage's " at 00:12:31–00:14:02" (where() ends with it) a part of its own, never cut (a 1920x1080
        # slide read "Turns of Ann Lee and Bob Ng at …" with half its line empty); then "Answer to Q29" (the section,
        # never cut) and its question (cut first), or a meeting's names, or a heading (each cut past its share)
        body, at, clock = placed.rpartition(" at ") if p.time is not None else ("", "", "")
        section, dash, question = (body if at else placed).partition(" — ")
        kind = "where" if _SECTION.fullmatch(section) else "names" if section.startswith(("Turn ", "Turns ")) \
            else "heading"
        parts = [("who", who), (kind, section), ("question", dash and question), ("time", at and f"at {clock}"),
                 ("para", para)]     # (a part of its own: after the date, the line's edge cut it)
        parts = [(cls, x) for cls, x in parts if x]
        before = {"question": " — ", "time": " "}
        cited = "".join(f'<span class="rq-cite-{cls}">{before.get(cls, " · ") if i else ""}{esc(x)}</span>'
                        for i, (cls, x) in enumerate(parts))
        # of several documents, which one and its date on a line of their own under it (on the one line, at every
        # screen size from 1024x768 to 2560x1440, the name was "…" and the date gone): the name cut, the date whole
        source = (f'<p class="rq-slide-source"><span class="rq-cite-doc">{esc(name)}</span>'
                  + (f'<span class="rq-cite-date"> · {esc(doc.date)}</span>' if doc.date else "") + "</p>"
                  if many else "")
        low = '<p class="rq-slide-low">low confidence</p>' if hit.low_confidence else ""
        slides.append(
            f'<section class="rq-slide{" rq-low" if hit.low_confidence else ""}" data-slide="{n}"'
            f'{"" if n == 1 else " hidden"} {_span_attrs(p)}>'
            f'<div class="rq-slide-top"><p class="rq-slide-count">Quote {n} of {len(hits)}</p>'
            f'<p class="rq-slide-cite" title="{esc(whole)}">{cited}</p></div>{source}{low}'
            f'<blockquote class="rq-slide-text" tabindex="0">{quote_text_html(hit, cite.checked(p, doc), index, *_asked(turn))}'
            f'</blockquote></section>')
    banner = f'<p class="rq-abstain">{esc(abstained(turn.result, index))}</p>' if turn.result.abstained else ""
    # what the chat says beside the quotes, the room too ("No document mentions 'salaries'", a speaker searched)
    banner += "".join(f'<p class="rq-note">{esc(note)}</p>' for note in _notes(turn))
    # a follow-up read with the question before it: what the room's quotes answer
    banner = searched_html(turn, PRESENTED_QUESTION) + banner
    # the way to the other quotes by touch (on a phone only Leave was there, "Quote 1 of 5" and no way to quote 2): the
    # keys' buttons, beside Leave (static/presenter.js; a swipe steps too)
    steps = ('<button class="rq-btn rq-step" type="button" data-step="-1" aria-label="Previous quote" '
             'title="Previous quote (←, PageUp)">‹ Previous</button><button class="rq-btn rq-step" type="button" '
             'data-step="1" aria-label="Next quote" title="Next quote (→, PageDown)">Next ›</button>'
             if len(hits) > 1 else "")
    # the QR code beside the quote; the note of why there is none, a line under it (as a column beside the quote it
    # took 220 px of a 1280x720 slide for the presenter's eyes only)
    qr = qr_html(url)
    beside, under = ("", qr) if "rq-qr-note" in qr else (qr, "")
    return (f'<div class="rq-present" data-url="{esc(url)}">'
            f'<header class="rq-present-head"><div class="rq-present-nav">{steps}<button class="rq-btn rq-present-exit" '
            f'type="button" title="Leave presenter mode (Esc)">Leave</button></div><p class="rq-present-q">'
            f'{esc(shown_question(turn.question, PRESENTED_QUESTION))}</p>{banner}</header>'
            f'<div class="rq-present-body"><div class="rq-slides">{"".join(slides)}</div>'
            f'{beside}'
            f'</div>{under}<p class="rq-present-keys">← → or PageUp/PageDown: quotes · Esc: leave presenter mode</p></div>')
