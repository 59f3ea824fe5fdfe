"""Turn hits into citations: labels, JSON records, Markdown and CSV, each quote checked against its source.

Exports are inert: Markdown escapes the characters that would make a document's text
into links, images, HTML or formatting (``md_escape``), CSV prefixes a ``'`` to document
text that a spreadsheet would run as a formula (``csv_cell``), and ``source`` never
names an absolute path on this machine. The exact quote is always
``document.text[start:end]`` (JSON ``text``; the offsets in every export).
What it leaves out: other export formats (Word, BibTeX, RIS), and finding the hits (retrieve.py).
"""
from __future__ import annotations

import bisect
import csv
import io
import math
import os
import re
import unicodedata
from pathlib import PurePath, PureWindowsPath

from .errors import IndexProblem
from .lexical import tokenize
from .exchanges import UNNAMED_LABELS
from .read import BIDI_CONTROLS
from .records import Document, Hit, Passage
from .store import UPLOADED, Index


_titles_of: list = []     # (an index's documents, how many of them hold each title): the last few indexes asked


def doc_name(doc: Document, index=None, limit: int | None = None) -> str:
    """How a document is named to a reader: its title (else its id; `limit`: shortened to that many characters), and
    its id after it where another document of `index` has the same title (a changed file uploaded again: "Harbour
    Committee (council.txt (2))"); without the characters that turn text around (a file indexed as "normal
    \u202egpj.exe.txt" read "txt.exe.jpg", and the page's offsets after it backwards)."""
    return _named(doc, index, limit).translate(BIDI_CONTROLS)


def _named(doc: Document, index, limit: int | None) -> str:
    if not doc.title:
        return shorten(doc.id, limit) if limit else doc.id
    title = shorten(doc.title, limit) if limit else doc.title
    documents = getattr(index, "documents", None)
    if documents is None:
        return title
    counts = next((c for d, c in _titles_of if d is documents), None)
    if counts is None:
        counts = {}
        for d in documents.values():
            counts[_look(d.title)] = counts.get(_look(d.title), 0) + 1
        _titles_of[:] = [(documents, counts)] + _titles_of[:1]   # (a rebuilt index's old texts not kept alive)
    return f"{title} ({doc.id})" if counts.get(_look(doc.title), 0) > 1 else title


# letters of other scripts that look like Latin ones (a title "Harbour" written with a Cyrillic "а")
_LOOKALIKES = str.maketrans("аеорсухіјѕԁԛԝАВЕКМНОРСТХІЈЅαοινκρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
                            "aeopcyxijsdqwABEKMHOPCTXIJSaoivkptuxABEZHIKMNOPTYX")


def _look(title: str) -> str:
    """How a title looks on the page: two titles that read alike are one title though their characters differ (an
    invisible one inside, "Har\u200bbour"; a look-alike letter of another script; case, width, spaces), so that a
    visitor's upload cannot pass for the document it copies."""
    text = "".join(c for c in unicodedata.normalize("NFKC", title or "") if unicodedata.category(c) != "Cf")
    return " ".join(text.translate(_LOOKALIKES).casefold().split())


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def checked(p: Passage, doc: Document) -> str:
    """The quote, exactly as the document has it; refuses to quote anything else."""
    quote = doc.text[p.start:p.end]
    if quote != p.text:
        raise IndexProblem(f"Passage {p.id} does not match its document; the index must be rebuilt.")
    return quote


def clock(seconds: float) -> str:
    """'00:12:31' for 751.4 seconds: a subtitle cue's or a stamped turn's time, to the second."""
    s = int(seconds)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


_by_doc_of: list = []      # [(an index's paragraphs, which, {doc: (those paragraphs in order, their starts)})]


def _by_doc(paragraphs, which: str) -> dict:
    """The paragraphs of `which` kind ("turn"; "timed": a caption's paragraphs with a time and no speaker; "any"), per
    document in order of their starts, with those starts (for bisect); kept for the last few indexes seen."""
    found = next((m for ps, w, m in _by_doc_of if ps is paragraphs and w == which), None)
    if found is None:
        found = {}
        for t in paragraphs:
            timed = t.kind == "paragraph" and t.time is not None
            if which == "any" or (t.kind == "turn" if which == "turn" else timed):
                found.setdefault(t.doc, []).append(t)
        found = {d: (ts, [t.start for t in ts]) for d, ts in
                 ((d, sorted(ts, key=lambda t: t.start)) for d, ts in found.items())}
        _by_doc_of[:] = [(paragraphs, which, found)] + _by_doc_of[:3]
    return found


def window_turns(p: Passage, index) -> list[Passage]:
    """The turns a quote spans whole, in order, when it spans several (a meeting's window); else []."""
    return _spanned(p, index, "turn") if p.kind == "turn" else []


def _spanned(p: Passage, index, which: str) -> list[Passage]:
    """The paragraphs of `which` kind ("turn"; "timed": a caption's paragraphs with a time and no speaker) that `p`
    spans whole, in order, when it spans several; else []."""
    paragraphs = getattr(index, "paragraphs", None)
    if not paragraphs:
        return []
    doc_turns, starts = _by_doc(paragraphs, which).get(p.doc, ([], []))
    i = bisect.bisect_left(starts, p.start)
    turns = []
    for t in doc_turns[i:]:
        if t.start >= p.end:
            break
        if t.end <= p.end:
            turns.append(t)
    return turns if len(turns) > 1 else []


def through(p: Passage, index) -> int | None:
    """The number of the last paragraph a quote reaches where it runs past its first (a meeting's window of five
    turns is "paragraphs 1–5", as its context shows it: cited "paragraph 1", the one of the chair's greeting); else
    None."""
    paragraphs = getattr(index, "paragraphs", None)
    if not paragraphs:
        return None
    doc_paragraphs, starts = _by_doc(paragraphs, "any").get(p.doc, ([], []))
    i = bisect.bisect_left(starts, p.end) - 1       # the last paragraph that opens before the quote ends
    last = doc_paragraphs[i].paragraph if i >= 0 else None
    return last if last is not None and last > p.paragraph else None


def paragraph_number(p: Passage, through: int | None = None) -> str:
    """"12", or "12–16" for a quote running through paragraph 16."""
    return f"{p.paragraph}–{through}" if through else str(p.paragraph)


def _names(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def says_outlet(text: str, outlet: str) -> bool:
    """Whether `text` names the outlet already ("I represent the Mir Interstate Television and Radio Company…" names
    "the Mir Interstate Television and Radio Company"): then the outlet is not said again beside it."""
    def folded(t: str) -> str:
        return " ".join(t.split()).casefold()
    return folded(re.sub(r"(?i)^\s*the\s+", "", outlet)) in folded(text)


def where(p: Passage, until: float | None = None, whole: bool = False, through: int | None = None) -> str:
    """'Answer to Q7 — Polls conducted…', 'Question Q7 (Reuters)' (a question quoted as itself), 'Opening statement',
    'Turn of Project Manager, paragraph 12', 'Turns of Grad A and Grad B at 00:12:31', a report's section
    ('5. Community Engagement'), or 'Paragraph 12';
    ' at 00:12:31' when the passage has a time
    (subtitles, stamped turns), ' at 00:00:01–00:06:10' with `until`, the time of its last turn (last_time).
    `whole`: the question whole, on one line (a citation pasted into notes), not shortened for the page; `through`:
    the last paragraph the quote reaches (cite.through), "paragraphs 12–16"."""
    numbered = f"paragraph{'s' if through else ''} {paragraph_number(p, through)}"
    at = f" at {clock(p.time)}" if p.time is not None else ""
    several = bool(at) and until is not None and clock(until) != clock(p.time)
    if several:
        at += f"–{clock(until)}"
    if p.kind == "question" and not p.question:     # a question quoted as itself (retrieve: asks.asks_question)
        return ("Question" + (f" {p.section}" if p.section.startswith("Q") else "")
                + (f" ({p.outlet})" if p.outlet and not says_outlet(shorten(p.text), p.outlet) else "") + at)
    if p.section.startswith("Q") and p.question:
        role = "Question" if p.kind == "question" else "Answer to"
        label = f"{role} {p.section} — {' '.join(p.question.split()) if whole else shorten(p.question)}"
        return label + (f" ({p.outlet})" if p.outlet else "") + at
    names = tuple(getattr(p, "speakers", ()) or ()) or ((p.speaker,) if p.speaker else ())
    if p.section == "opening":      # (a host's welcome and a guest's first words, windowed together: both named)
        return (f"Opening statements of {_names(names)}" if len(names) > 1 else "Opening statement") + at
    if p.kind == "turn" and p.speaker is None and names and p.section != "opening":
        names = ("an unnamed speaker",) + names     # a window opening on a ">>" nobody named: not the next one's words
    if p.kind == "turn" or len(names) > 1:
        who = f"Turn{'s' if len(names) > 1 or several else ''}" + (f" of {_names(names)}" if names else "")
        return who + (at or f", {numbered}")
    if p.section != "text" and not re.fullmatch(r"Q\d+", p.section):     # the heading it stands under
        return shorten(p.section) + at
    return numbered.capitalize() + at


def matched(hit: Hit) -> tuple[int, int] | None:
    """The part of a quote the search matched (its best window), when it is a proper part of it."""
    p, prov = hit.passage, hit.provenance or {}
    start, end = prov.get("match_start"), prov.get("match_end")
    if isinstance(start, int) and isinstance(end, int) and p.start <= start < end <= p.end \
            and (start, end) != (p.start, p.end):
        return start, end
    return None


_ASKING = frozenset("when where who whom whose why how which were was is are will would can could".split())


def best_turns(turns: list[Passage], query: str, speaker: str | None = None) -> list[Passage]:
    """The turns that best match `query`: those of the speaker whose turns hold most of its words (stemmed; stop
    words, a question's frame and its asking words dropped: retrieve.FRAME_WORDS, "when", "were"), each word
    weighted by log(1 + turns / turns that have it), so a word every turn has counts little, and by its rarity in
    English (vocabulary.zipf), and counted 1 + ln(how many of that speaker's turns hold it) times, so that who
    takes a matter up over several turns outweighs who names it once ("Who will draft the conference abstract?":
    Helen's "I can draft the abstract …", "I will send a draft by the end of April", not the chair's "Third item,
    the conference. The abstract deadline is …"), and saying a word again counts less each time; but only for one
    whose turns hold a word that no single turn of another speaker holds with all of theirs, else their best turn
    counts and their turns together only break a tie (the chair's three "the dredging budget"s do not outweigh
    Helen's one "The dredging budget for next year is 40,000 pounds"). Of that speaker,
    their turns that hold any of the words; speakers tied: the one of the best single turn, ties all kept; none
    when no turn has any of its words, or when every speaker scores the same. One speaker's turns: the best of
    them. With a `speaker` (the search was restricted to them), only their turns: the best, else all of them (which
    names them as the quote's speaker: none, session 37 found, left a window of four speakers nobody's)."""
    if len(turns) < 2:
        return []
    from .retrieve import FRAME_WORDS
    from .english import zipf

    # the question's words, not its frame ("when … in the talk … mention"), a rarer word counting more ("barnacles"
    # over "harbour"), so that turns holding one word each do not tie
    weight: dict[str, float] = {}
    for raw in re.findall(r"[^\W\d_]+", query or ""):
        if raw.lower() in FRAME_WORDS or raw.lower() in _ASKING:
            continue
        common = zipf(raw.lower()) or 0.0
        for w in tokenize(raw):
            weight[w] = max(weight.get(w, 0.0), 1.0 + max(0.0, 7.0 - common) / 7.0)
    words = set(weight)
    have = [words & set(tokenize(t.text)) for t in turns]
    df = {w: sum(w in h for h in have) for w in words}
    worth = {w: math.log(1 + len(turns) / df[w]) * weight[w] for w in words if df[w]}
    score = [sum(worth[w] for w in h) for h in have]
    if speaker:
        from .scope import one_of

        from .speakers import held_by

        names = {n.casefold() for n in one_of(speaker)}     # ("Anna Berg or Tom Berg": a surname they share)
        theirs = [i for i, t in enumerate(turns)         # (by their label, or the person its bracket names)
                  if (t.speaker or "").casefold() in names or (held_by(t) or "").casefold() in names]
        if not theirs or len(theirs) == len(turns):
            return []
        top = max(score[i] for i in theirs)
        return [turns[i] for i in theirs if score[i] == top]
    by: dict[str | None, list[int]] = {}
    for i, t in enumerate(turns):
        by.setdefault(t.speaker, []).append(i)
    # saying the question's words again counts for one whose turns hold some word that no single turn of another
    # speaker holds with all of theirs; else their best turn counts, their turns together only breaking a tie: the
    # chair's "Next, the dredging budget." / "Any questions on the dredging budget?" / "Then the dredging budget is
    # noted." do not outweigh Helen's one "The dredging budget for next year is 40,000 pounds"
    union = {who: set().union(*(have[i] for i in rows)) for who, rows in by.items()}
    pooled = {who: sum(worth[w] * (1 + math.log(sum(w in have[i] for i in rows))) for w in union[who])
              for who, rows in by.items()}
    covered = {who for who in by
               if any(union[who] <= have[i] for other, its in by.items() if other != who for i in its)}
    held = {who: (max(score[i] for i in rows) if who in covered else pooled[who], pooled[who])
            for who, rows in by.items()}
    if len(held) == 1:      # one speaker's turns: the best of them
        top = max(score)
        return [] if top <= 0 or min(score) == top else [t for t, sc in zip(turns, score) if sc == top]
    top = max(held.values())
    if top[0] <= 0 or min(held.values()) == top:
        return []
    first = {who: max(score[i] for i in by[who]) for who, s in held.items() if s == top}
    chosen = {who for who, best in first.items() if best == max(first.values())}
    return [t for t, sc in zip(turns, score) if t.speaker in chosen and sc > 0]


def _asked_by_no_one(p: Passage) -> bool:
    """A question quoted as itself whose label names no one ("Question"): its citation, "Question Q16", says whose."""
    return p.kind == "question" and (p.speaker or "").casefold() in UNNAMED_LABELS


def said_by(hit: Hit, index, query: str = "", speaker: str | None = None) -> str:
    """Who a quote is shown as said by, above it: its speaker; for a window of several turns, the speakers of its
    best turns for `query` (those marked), none when no turn is best (its citation, "Turns of A and B", names them
    all): the window's first speaker may not have said what matched."""
    p = hit.passage
    if _asked_by_no_one(p):
        return ""       # a question quoted as itself: "Question Q16" cites it, "Question" over it says it twice
    turns = window_turns(p, index) if matched(hit) is None else []
    if not turns:
        return shown_speaker(p, index) or ""
    names = list(dict.fromkeys(shown_speaker(t, index) for t in turns if t.speaker))
    if len(names) == 1:     # one speaker's paragraphs: theirs, whatever is marked
        return names[0]
    return ", ".join(dict.fromkeys(shown_speaker(t, index) for t in best_turns(turns, query, speaker) if t.speaker))


def voices(p: Passage, index) -> list[tuple[int, str | None]]:
    """Who speaks where in a quote: (offset in its text, the speaker from there on), in order; the turns of a
    meeting's window, else the passage's own speaker; a person a label's bracket names by their own name
    (speakers.held_by: "The Acting Chair (Mr. Bruce Stanton)"), a code by whom the document says it is (shown_speaker)."""
    return [(t.start - p.start, shown_speaker(t, index)) for t in window_turns(p, index)] or \
        [(0, shown_speaker(p, index))]


def shown_speaker(p: Passage, index) -> str | None:
    """Who paragraph or passage `p` is shown as said by: the person a label's bracket names ("The Acting Chair (Mr.
    Bruce Stanton)": Mr. Bruce Stanton), a code the document explains as whom it says ("R" of "R = respondent (Walter
    Pennock)": "Walter Pennock (R)", as the speaker choice shows it; a room read "R" above every quote), else the
    label."""
    from .rows import CODE, coded_askers, coded_speakers
    from .speakers import held_by

    held = held_by(p)
    if held or not p.speaker or index is None or not CODE.fullmatch(p.speaker):
        return held or p.speaker
    name = coded_askers(index).get((p.doc, p.speaker)) if p.kind == "question" else coded_speakers(index).get(p.speaker)
    return f"{name} ({p.speaker})" if name else p.speaker


def voice_at(spoken: list[tuple[int, str | None]], at: int) -> str | None:
    """Who says the words at offset `at` of a quote whose `voices` are `spoken`."""
    who = None
    for offset, speaker in spoken or ():
        if offset > at:
            break
        who = speaker
    return who


def sentence_speakers(sentence, hits, index) -> list[str]:
    """Who said the words a grounded summary sentence is stitched from (its fragments' speakers, in order, once each),
    where the quotes are several people's: a meeting's summary says whose words each sentence is ("Helen Brandt: I can
    draft the abstract.", which a new user read with no name); [] where one person says them all (a press
    conference's answers), or for a sentence without fragments."""
    spoken = {h.rank: (h.passage, voices(h.passage, index)) for h in hits}
    if len({who for _, said in spoken.values() for _, who in said if who}) < 2:
        return []
    out: list[str] = []
    for f in getattr(sentence, "fragments", ()):
        p, said = spoken.get(f.quote, (None, None))
        who = voice_at(said, f.start - p.start) if p is not None else None
        if who and who not in out:
            out.append(who)
    return out


def spoken_sentences(text: str, spoken: list[tuple[int, str | None]] | None, start: int = 0,
                     end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of a quote's `text` (chunk.sentences, within [start, end)), each without the label of the turn
    it opens: a window's "Councillor Mark Szymanski: The library deserves that money." is his sentence from "The",
    which `spoken` (voices) says he speaks, not the label's words, which belong to no one's turn."""
    from .chunk import sentences

    offsets = [o for o, _ in spoken or ()]
    out = []
    for s, e in sentences(text, start, end):
        inside = [o for o in offsets if s < o < e]
        out.append((inside[-1], e) if inside else (s, e))
    return out


def last_time(p: Passage, index) -> float | None:
    """The time of the last turn of a window of several timed turns (a talk's captions: the quote runs from
    00:00:01 to 00:06:10), or of its last paragraph where captions with no speaker are quoted several paragraphs at
    once (a lecture's: "at 00:00:00–00:00:32", the words matched perhaps in the second); else None."""
    if p.time is None:
        return None
    turns = window_turns(p, index) or (_spanned(p, index, "timed") if p.kind == "paragraph" else [])
    return turns[-1].time if turns and turns[-1].time is not None else None


def best_time(hit: Hit, index, query: str = "", speaker: str | None = None) -> float | None:
    """When the paragraph of a quote of several timed paragraphs that best matches `query` was said (best_turns: a
    meeting's turns, a talk's caption paragraphs), where that is later than the quote's own start: a video is
    watched from there (a researcher's Whisper transcript: the answer said at 0:21 was cited "at 00:00:00–00:00:32").
    None for any other quote."""
    p = hit.passage
    if p.time is None or matched(hit) is not None:
        return None
    turns = window_turns(p, index) or (_spanned(p, index, "timed") if p.kind == "paragraph" else [])
    best = [t.time for t in best_turns(turns, query, speaker) if t.time is not None]
    return best[0] if best and clock(best[0]) != clock(p.time) else None


def source(doc: Document) -> str:
    """Where a document came from, safe to show anyone: its path as stored when that is relative
    (to the folder holding the index, e.g. ``corpus/000_17cb08188d8e02ca.txt``), else only its id
    (an uploaded or outside file's absolute path would tell a visitor about this machine)."""
    path = doc.path
    if (path and not path.startswith(UPLOADED) and not os.path.isabs(path) and not PureWindowsPath(path).anchor
            and ".." not in PurePath(path).parts):
        return path
    return doc.id


def result_json(result, index: Index, id=None) -> dict:
    """One search result as JSON, the same everywhere (`rag search --json`, `--queries`, the /search
    API): the query as searched, abstention, confidence, notices, the index version, the passages."""
    out = {"id": id} if id is not None else {}
    out.update({"query": result.query, "abstained": result.abstained,
                "confidence": None if result.confidence is None else float(result.confidence),
                "notices": list(result.notices), "missing_terms": list(getattr(result, "missing_terms", [])),
                "index": index.fingerprint,
                "speaker": getattr(result, "speaker", None),     # the speaker the search was restricted to
                "documents": [{"id": d, "passages": n} for d, n in getattr(result, "documents", [])],
                "passages": [hit_json(h, index, result.query, getattr(result, "speaker", None)) for h in result.hits]})
    return out


def _several(p: Passage) -> bool:
    """Whether a quote is a window of several speakers' turns."""
    return len(getattr(p, "speakers", ()) or ()) > 1


def best_match(hit: Hit, index, query: str = "", speaker: str | None = None) -> str:
    """For a window of several speakers' turns, whose turns best match `query` (said_by); "" for any other quote."""
    return said_by(hit, index, query, speaker) if _several(hit.passage) else ""


def hit_json(hit: Hit, index: Index, query: str = "", speaker: str | None = None) -> dict:
    """A hit as JSON; ``time`` (seconds) and ``speakers`` only when the passage has them, ``said_by`` only for a
    window of several speakers' turns: the speakers of the turns that best match `query` (said_by; "" for none)."""
    p = hit.passage
    doc = index.documents[p.doc]
    until, last = last_time(p, index), through(p, index)
    return {
        "rank": hit.rank, "text": checked(p, doc), "score": round(hit.score, 4),
        "source": source(doc), "doc_id": p.doc, "document": doc.title, "date": doc.date,
        "start": p.start, "end": p.end, "section": p.section, "kind": p.kind, "question": p.question,
        "speaker": p.speaker, "outlet": p.outlet, "paragraph": p.paragraph, "page": p.page,
        **({"paragraph_end": last} if last else {}),
        "low_confidence": hit.low_confidence,
        **({"time": p.time} if p.time is not None else {}),
        **({"time_end": until} if until is not None else {}),
        **({"best_time": best} if (best := best_time(hit, index, query, speaker)) is not None else {}),
        **({"speakers": list(p.speakers)} if getattr(p, "speakers", ()) else {}),
        **({"said_by": said_by(hit, index, query, speaker)} if _several(p) else {}),
        **hit.provenance,
    }


def reference(p: Passage, doc: Document, until: float | None = None, whole: bool = False,
              through: int | None = None) -> str:
    """A ready citation line: speaker, event, date, section (with the time, and with `until` the last turn's:
    last_time; `whole`: the question it answers whole, as where()), paragraph (`through`: to the last one it reaches).
    (A turn's label names its speakers already, and its paragraph.)"""
    label = where(p, until, whole, through)
    speaker = "" if label.startswith("Turn") or _asked_by_no_one(p) else p.speaker or ""
    # (the paragraph once: a turn's label says it already, "Turn of Vaughan Gething AM, paragraph 48, para. 48")
    said = re.search(rf"\bparagraphs? {paragraph_number(p, through)}(?![\d–])", label, re.I)
    parts = [speaker, doc.title, doc.date or "", label, "" if said else f"para. {paragraph_number(p, through)}"]
    if p.page:
        parts.append(f"p. {p.page}")
    parts.append(f"chars {p.start}–{p.end}")
    return ", ".join(x for x in parts if x)


_MD_ACTIVE = re.compile(r"[\\`*_\[\]<>#|~]|&(?=#?\w+;)|(?<=\w):(?=//)|(?<=\bwww)\.", re.I)
_MD_LINE_START = re.compile(r"^(\s*)([-+=])|^(\s*\d+)([.)])", re.M)   # a list item, a heading underline


def md_escape(text: str) -> str:
    """Document text as Markdown that renders as those very characters: a backslash before
    ``\\ ` * _ [ ] < > # | ~``, before ``&`` opening an entity, inside ``://`` and ``www.``, and before
    a line's leading ``- + =`` (or after its ``1``), so nothing becomes a link, an image, raw HTML, an
    autolink or formatting. (``!``, ``(`` and ``)`` stay as they are: with ``[`` and ``]`` escaped they
    cannot make an image or a link.)"""
    text = _MD_ACTIVE.sub(lambda m: "\\" + m.group(), text)
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}", text)


def markdown_citation(p: Passage, doc: Document, rank: int | None = None, until: float | None = None,
                      through: int | None = None) -> str:
    """One quote as a Markdown block quote and its reference line, both ``md_escape``d: the
    document's characters, shown as text (the exact text is ``document.text[start:end]``); the question it answers
    whole (notes show no tooltip with the rest: a seminar presenter's "Answer to Q7 — President of Russia … of the…")."""
    # (lines end only at a line break: a U+2028, a \x1c or a form feed in the text stays the text's, as shown)
    lines = re.split(r"\r\n|\r|\n", checked(p, doc))
    if len(lines) > 1 and not lines[-1]:
        lines.pop()
    quote = "\n".join(f"> {md_escape(line)}" for line in lines)
    cited = reference(p, doc, until, whole=True, through=through)
    return f"{quote}\n\n— {f'[{rank}] ' if rank is not None else ''}{md_escape(cited)}\n"


def markdown(hits: list[Hit], index: Index) -> str:
    return "\n".join(markdown_citation(h.passage, index.documents[h.passage.doc], h.rank,
                                       last_time(h.passage, index), through(h.passage, index)) for h in hits)


_FORMULA = re.compile(r"[\t\r]|\s*[=+\-@]")
_SPLIT_FORMULA = re.compile(r"([;|])(\s*[=+\-@])")


def csv_cell(text) -> str:
    """A cell of document text that no spreadsheet runs: one beginning with = + - @, a tab or a
    carriage return (also after leading whitespace) gets a leading ``'`` (OWASP, CSV injection), and so does such a
    sign after a ";" or "|" inside it: a spreadsheet that splits on ";" (where the decimal separator is a comma)
    made "… budget;=1+1" two cells, the second a formula."""
    text = "" if text is None else str(text)
    text = _SPLIT_FORMULA.sub(r"\1'\2", text)
    return "'" + text if _FORMULA.match(text) else text


def csv_text(hits: list[Hit], index: Index) -> str:
    """One row per quote. Text cells pass through ``csv_cell``: only those beginning with = + - @,
    tab or CR get a leading ``'``, so such a quote is not byte-exact here; its ``start``/``end``
    columns give the exact text, ``document.text[start:end]``. Our own numbers are left as numbers; ``time``
    is a subtitle cue's or a stamped turn's start, ``00:12:31`` (empty when the passage has none), ``time_end`` the
    last turn's of a window of several timed turns (last_time)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["rank", "quote", "speaker", "document", "date", "section", "question", "paragraph", "time",
                "time_end", "source", "start", "end", "score"])
    for h in hits:
        p, doc = h.passage, index.documents[h.passage.doc]
        text = [checked(p, doc), p.speaker, doc.title, doc.date, p.section, p.question]
        until = last_time(p, index)
        w.writerow([h.rank, *map(csv_cell, text), p.paragraph, "" if p.time is None else clock(p.time),
                    "" if until is None else clock(until), csv_cell(source(doc)), p.start, p.end, f"{h.score:.4f}"])
    return buf.getvalue()
