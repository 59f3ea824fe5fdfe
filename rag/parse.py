"""Parse a document's text into paragraphs that know where they sit.

One Passage per paragraph, each an exact span of ``document.text``. Four modules do it: ``paragraphs.py`` finds the
paragraphs, ``furniture.py`` the lines nobody says (``front_matter``, ``tail_lines``, ``page_furniture``),
``exchanges.py`` who asks and what answers it (``second_askers``, ``_court_answers``, ``_GO_ON``, ``_WITHDRAWN``,
``_pleasantry``, ``bold_passages``); this one finds the title and date and which structure the text has (a Q&A, a
conversation, sections), and puts them together. Recognises:

- page chrome (rating widgets, share buttons, language switch, site footer), dropped;
- paragraphs printed twice (a teaser of the opening before the title), kept once (not a
  speaker's turn: in a meeting the same words may be said twice);
- a title line with a date, which names the document and is not itself a passage (never a line that asks, nor a
  deposition's "Q."/"A." line: "Q. Did you sign it on March 12, 2021?" is a question);
- Q&A transcripts: speaker turns ``Question:``, ``Q:``/``A:``, ``Name:``, ``NAME:``,
  ``Name (Outlet):``, also in Markdown bold (``**Q:**``). A turn that asks opens an
  exchange (section ``Q1``, ``Q2``, ...); the answer paragraphs that follow carry the
  question they answer. Who asks: the labels Question/Q/Journalist/Interviewer/...,
  a name with an outlet in brackets (when the one who speaks most has none: in a
  committee's record everyone's first turn names a riding or an office), or, when no
  such label is used (an interview, a debate of at most three speakers), a named
  speaker at least half of whose turns, and two or more, end with a question mark and
  who is not the one who speaks most; in a Q&A also a second interviewer, each of whose turns (two or more) asks,
  not the main answerer (second_askers). Paragraphs before the first question are the
  ``opening``. In a court's record (the answers the witness's "A.", _court_answers) a named speaker's turn inside an
  exchange ("MS. CHEN: Objection. Form.") is colloquy: a ``turn`` carrying no question, not an answer; counsel's
  "Q. You can answer." after it asks nothing and opens no exchange (a ``turn`` too): the answer is the pending
  question's. Only such a bare instruction to answer (_GO_ON) does: any other "Q." opens its own exchange ("Q.
  Withdrawn. Name everyone in billing who saw the invoices."), and "Q. Withdrawn." alone (_WITHDRAWN) takes the
  question back, a ``turn`` after which nothing answers it. "BY MR. X:" names who asks next, and is no passage.
- a magazine interview (bold_passages): no labels, two or more questions each a paragraph wholly in bold
  (``**How do you measure that?**``, read.py writes HTML's ``<p><strong>…?</strong></p>`` so) above a plain paragraph:
  each question (its words, without the marks; speaker ``Question``) opens an exchange, the plain paragraphs below it
  answer it, said by the one the title or the standfirst says the interview is with ("an interview with Ingrid
  Solberg", "In Conversation with Ingrid Solberg About Fjords"); the title and standfirst are nobody's paragraphs.
  Where neither names an interviewee by such a formula (a news explainer's bold subheads under "The prime minister
  held talks with Emmanuel Macron …") the text is no interview: its paragraphs are nobody's.
- conversations: nobody asks, someone recurs as a speaker, two or more speak, and turns
  open at least a third of the paragraphs from the first turn on (a meeting, a committee
  hearing, captions): every turn is kind ``turn`` with its ``speaker`` (the label; its
  bracket, a riding or an office, is the ``outlet``, also of the speaker's later turns),
  in section ``text`` (or its heading's); a paragraph that continues a turn keeps its
  speaker, and a label with no words after it ("Marketing:" alone) is no passage.
- speaker labels (``labels.LABEL``): one to six words, each capitalised (``Project Manager``, ``PhD B``,
  ``Right Hon. Justin Trudeau``, ``The Chair``, ``MR. SMITH``, ``José Müller``, ``Ελένη``, ``李明``),
  a number (``Speaker 2``) or a particle between names (``Leader of the Opposition``), then a colon,
  at the start of a paragraph or line, the words on the same line or the next. A label is a speaker
  when it recurs as a label in the document (in a conversation, also one that opens a
  paragraph once: "Steve Davies:", called on once, or in ``>>`` captions: ">> JOHN: Yes."), asks,
  names an outlet or is in bold, or follows a time stamp where half the stamped paragraphs or more
  open with a label (a VTT file's voices, each may speak once); a bracket that is a time,
  ``Speaker 1 (00:01:02):``, is the turn's time, not an outlet;
  never a word of prose such as ``Note``, ``Example``, ``Source`` or ``Summary``
  (``labels.prose``: ``NOT_SPEAKERS``, also numbered, ``Step 1``; but a research interview's ``SUBJECT:`` opening
  two paragraphs or more beside a recurring ``INTERVIEWER:`` is the interviewee's, ``labels.INTERVIEW_ROLES``). So "Note: this..." in prose, a time "10:30" and "http:" are text.
- lines nobody says: an export's header above the first words said (front_matter: a title, "Transcript by
  Rev.com", "Date: …"; a line of fields, "Host: Martin Alcock. Guest: Siobhan Kerrigan, …", header_run) is nobody's,
  in a Q&A too (not the answerer's opening statement, nor a "Host"'s); the page's lines after
  the last words (tail_lines: "Tags: …", "© 2005-2024 …") are not the last speaker's. The White House's bare "Q"
  (``turns._BARE_Q``) asks. Those header lines are in section ``text``, not the ``opening`` (no "Opening statement").
- an asker's thank-you (_pleasantry: asks nothing, every sentence thanks, "Interviewer: Thank you very much.",
  "Dr. Osei, thank you for joining us."): no question, no answer, and not the asker's passage (a ``paragraph`` of
  nobody's in section ``text``, its label kept in the quote); the answerer's reply to it ("Thank you.") is their
  ``turn`` in section ``text``, not an answer to the question before, up to the next question.
- ``>>`` opening two paragraphs or more, or after subtitles.py's own stamp (broadcast captions): a new,
  unnamed speaker (kind ``turn``, no ``speaker``; in a Q&A too, never the words of the speaker before); the mark is
  left out of the quote. A Q&A none of whose askers' turns asks (a lecture's ``>> MODERATOR:`` who welcomes and hands
  over, the audience's questions unnamed ``>>``) has no exchange: read as a conversation where it is one.
- Otter's export: ``Jane Doe  0:03`` on a line of its own, the words on the next lines, when one
  such name recurs (not an agenda's ``Coffee Break  10:15``): a turn of that speaker at that time
  (the header is not quoted).
- time stamps: ``[00:01:02]``, ``[01:02]``, ``(00:01:02)`` or ``00:01:02`` (with hours)
  at the start of a paragraph, before its label or its words (or alone on the line above them, past a blank
  line too: Google Meet's export), when two paragraphs or
  more carry one or the text is one paragraph opening with subtitles.py's ``[00:00:01]`` (subtitles are
  stored so, see ``subtitles.py``; in brackets also past 99 hours, ``[100:00:09]``): left out of the quote and
  kept as the passage's ``time`` in seconds; a paragraph without one keeps the time of the
  turn it continues.
- Markdown headings (``# Title``; ``read.py`` writes HTML, DOCX and PDF headings so):
  kind ``heading``; in a document that is not a transcript they name the section of
  the paragraphs below them (else the section is ``text``). A first-level heading near
  the top is the title when the document has no dateline.
- the page's furniture (page_furniture): the Congressional Record's ``[[Page H1022]]`` and ``{time}  1415``, a rule line,
  a running head or foot set out in columns with the page's number or date (a UN record's ``2/4      26-06512``):
  no passage, and its paragraph's number is skipped, so that no window of turns reaches over it;
- YAML front matter at the top of a Markdown file (``---`` ... ``---``), dropped;
- pages: a form feed line (``pdf.PAGE_BREAK``) separates PDF pages; every passage
  then carries its 1-based page.

Title and date: a dateline paragraph, else a heading, else what ``read.py`` found in
the file (HTML/PDF/DOCX metadata, a date in the file name), else the file name.
What it leaves out: speaker labels in scripts other than Latin, Greek, Cyrillic, Chinese, Japanese
and Korean, labels in lower case, a full-width colon (``李明：``), turns that are not at the start of a
line, a speaker named on a line of its own without a colon or a time (``Jane Doe`` then the words),
a stamp after the label other than in its bracket, two prose
labels that are both not in ``NOT_SPEAKERS`` and both recur (taken for two speakers),
and nested sections (a heading's level is not kept).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from .sentences import sentences
from .exchanges import ANSWER_LABELS, bold_passages, bold_questions, once_askers, qa_passages, second_askers, who_asks
from .furniture import (capital_headings, header_guest, header_run, is_fragment, mostly_lower, page_furniture, page_head,
                        part_heading, stage_note, table_rows, tail_lines, title_line)
from .labels import MONTH_NAMES, prose, spaced
from .paragraphs import FOOTNOTE, Para, across_columns, capitals, markdown_heading, paragraphs
from .records import Document, Passage
from .turns import NAME_LINE, TURN, Turn, openings, paragraph_marks

PARSER_VERSION = 10    # 4: conversations' turns, time stamps; 5: members speaking together ("Some hon. members:"); 6: a select
# committee's "Q12 Chair:", a court record's "A." (the witness's), headings in capitals, a header of labelled lines,
# "Name :" (French), a Teams voice "Last, First"; 7: an interview's SUBJECT:, a Zoom .vtt's cues of one speaker one
# turn and display names in lower case, export header lines above a page line, a second interviewer's questions,
# Markdown footnotes in the section that cites them; 8: indented paragraphs (GPO hearings, court records), mixed-case
# "Senator Pruitt." labels, Hansard's numbered questions, offices and column markers, a focus group's header, a court
# reporter's text pages and Whisper's timed lines read as their PDF and as cues, Markdown's first paragraph after
# its front matter; 9: the Congressional Record's labels and page marks, running heads and feet left out, a record's
# formulas nobody's, Teams' "Last, First" headers, a broadcast's "NAME, ROLE:" and its surname labels, an oral
# history's header, Otter's keyword blocks, a call's part headings and closing lists, titles and dates of headers;
# 10: a question ending with a date no title, a court record's colloquy between a question and its answer, a court
# reporter's text pages without their foot, a header's field in sentence case, a magazine's bold questions; podcast
# services' name-and-time headers, Slack's senders, bold labels in sentence case, editors' notes nobody's

# (a month in capitals too: a hearing's cover, "THURSDAY, MARCH 14, 2024")
_MONTH = rf"(?:{MONTH_NAMES}|{MONTH_NAMES.upper()})"
# and the months of a French, Spanish, German or Russian dateline, the day first ("le 3 avril 2025", "3 de abril de
# 2025", "3. April 2025", "3 апреля 2025 года")
_OTHER_MONTHS = ("janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
                 "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
                 "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
                 "января февраля марта апреля мая июня июля августа сентября октября ноября декабря")
_MONTH_NUMBER = {name.lower(): n for names in (MONTH_NAMES.replace("|", " "), *_OTHER_MONTHS)
                 for n, name in enumerate(names.split(), 1)}
_OTHER_MONTH = "|".join(sorted({m for names in _OTHER_MONTHS for m in names.split()} - set(MONTH_NAMES.split("|"))))
_DATE = re.compile(rf"\b(?:({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})|(\d{{1,2}})\.?\s+(?:de\s+)?({_MONTH}|{_OTHER_MONTH})"
                   rf"(?:,|\s+de)?\s+(\d{{4}}))\b")
# a dateline that is a date and nothing else: "Wednesday 6 November 2024" (a UK committee's record), "March 3, 2025."
_DATE_ALONE = re.compile(rf"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?{_DATE.pattern}\.?", re.I)
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|$)", re.DOTALL)


def _iso_date(match: re.Match) -> str:
    month, day, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(5), match.group(4), match.group(6))
    return f"{int(year):04d}-{_MONTH_NUMBER[month.lower()]:02d}-{int(day):02d}"


# the year's word after a Russian date ("18 декабря 2024 года", "… 2024 г.")
_YEAR_WORD = re.compile(r"\s+(?:года|г\.?)\W{0,3}")


# a court record's question or answer mark opening a line: "Q. Did you …", "A. I did.", "Q   Where …"
_QA_MARK = re.compile(r"[QA](?:\.|:|[ ]{2,}|\t)[ \t]*\S")


def _find_title(text: str, paras: list[Para]) -> int | None:
    """Index of a short paragraph near the top that ends with a date (a dateline title); never one that asks ("… on
    the night of March 12, 2021?") nor a deposition's "Q."/"A." line: a question or an answer, not the document's
    name."""
    marked = [bool(_QA_MARK.match(text, p.start, p.end)) for p in paras]
    deposition = sum(marked) >= 4       # (Q. and A. open paragraphs throughout: a byline's "A. Smith, …" is none)
    for i, p in enumerate(paras[:20]):
        body = text[p.start:p.end]
        if len(body) > 320 or TURN.match(body) or deposition and marked[i] or body.rstrip("\"”’»)]").endswith("?"):
            continue
        m = None
        for m in _DATE.finditer(body):
            pass
        if m and (len(body) - m.end() <= 3 or _YEAR_WORD.fullmatch(body, m.end())) and not _prose_dated(body, m):
            return i
    return None


def _prose_dated(body: str, date: re.Match) -> bool:
    """Whether a paragraph ending with `date` is prose, no dateline: a sentence of words in lower case ending with it,
    after another ("Responses … must include your name. The consultation closes on 30 June 2025.": the title took its
    words from the passages); not a title's place and date after its name ("Remarks by the Minister. Moscow, 14
    January 2022", "PRESS CONFERENCE. Geneva, 2 February 2024")."""
    spans = sentences(body)
    return len(spans) > 1 and re.search(r"\b[a-z]{3,}\b", body[spans[-1][0]:date.start()]) is not None


# what a US congressional print calls itself on its cover, alone on a line below the title: "HEARING", "JOINT HEARING"
_KIND_ALONE = re.compile(r"(?:(?:JOINT|FIELD|OVERSIGHT|LEGISLATIVE|NOMINATION) )?HEARINGS?|MARKUP|BUSINESS MEETING"
                         r"|ROUNDTABLE", re.I)


def _title_block(body: str) -> bool:
    """A title of one to three short lines (a cover's, wrapped: "FLIGHT DELAYS AND CANCELLATIONS:" / "PROTECTING THE
    TRAVELING PUBLIC"), ending in a word."""
    lines = body.splitlines()
    return len(lines) <= 3 and all(0 < len(line.strip()) < 120 for line in lines) and bool(re.search(r"[^\W_]$", body))


def parse(doc: Document) -> tuple[Document, list[Passage]]:
    """Return the document with its title and date filled in, and its paragraphs as Passages.

    Linear in the text (each paragraph is looked at a fixed number of times): repeats are found
    with sets, speakers counted with a Counter, a question is joined once per exchange, and pages
    are found by bisecting the form feeds' offsets, not by counting them again for every passage.
    The text is read with its no-break spaces as spaces (labels, titles); the passages quote it as it is."""
    view = spaced(doc.text)     # (labels.spaced: each passage's text is then the document's own again)
    if view is doc.text:
        return _parse(doc)
    found, passages = _parse(replace(doc, text=view))
    return replace(found, text=doc.text), [replace(p, text=doc.text[p.start:p.end]) for p in passages]


def _parse(doc: Document) -> tuple[Document, list[Passage]]:
    text = doc.text
    # Markdown metadata ("---\ntitle: ...\n---"): not text to quote; the paragraphs are the body's, its first too
    # where it opens on the line after the closing "---" (it was one block with the metadata, and left out)
    front = _FRONT_MATTER.match(text)
    after = front.end() if front else 0
    paras = [Para(p.start + after, p.end + after) for p in across_columns(text[after:], paragraphs(text[after:]))]
    title_i = _find_title(text, paras)
    title, date = doc.title, doc.date
    if title_i is not None:
        body = text[paras[title_i].start:paras[title_i].end]
        title = title or re.sub(r"^#{1,6}[ \t]+", "", body).rstrip(".")    # ("# Harbour Committee, 12 March 2025")
        above = [text[p.start:p.end] for p in paras[:title_i]]
        kind = next((i for i, b in enumerate(above) if _KIND_ALONE.fullmatch(b)), 0)
        cover = [b for b in above[:kind] if _title_block(b)]
        if _DATE_ALONE.fullmatch(title) and cover:
            title = cover[-1]       # a GPO hearing's cover: its title above "HEARING" (past a rule), not the committee
        elif _DATE_ALONE.fullmatch(title) and any(map(title_line, above)):  # a date alone names nothing: the longest
            title = max(filter(title_line, above), key=len)                   # title line above it
        elif not doc.title and above and title_line(above[0]) and len(above[0].split()) >= 4 and _said_date(body):
            # a title of four words or more (not an author's name, "Sergey Lavrov") over a sentence that dates the
            # text ("HMSY earnings call for the period ending September 30, 2026.")
            title = above[0]
        date = date or _iso_date(list(_DATE.finditer(body))[-1])
        preamble, paras = paras[:title_i], paras[title_i + 1:]
        later = {text[p.start:p.end] for p in paras}
        preamble = [p for p in preamble
                    if text[p.start:p.end] not in later and not is_fragment(text[p.start:p.end])]
        paras = preamble + paras
    # a paragraph printed twice is kept once (the first time, once the preamble is gone); not a
    # speaker's turn: in a meeting the same words may be said twice
    seen: set[str] = set()
    unique = []
    for p in paras:
        body = text[p.start:p.end]
        if len(body) >= 40 and body in seen:
            said = TURN.match(body)
            if not (said and not prose(said.group("label"))) and not NAME_LINE.fullmatch(body):
                continue        # (a call's "Ann Lee -- Chief Financial Officer" above each of her turns is no repeat)
        seen.add(body)
        unique.append(p)
    paras = unique
    head = _title_over_date(text, paras) if not (title and date) else None
    if head:
        title, date = title or head[0], date or head[1]
    if not title:
        title = _heading_title(text, paras) or doc.id
    if not date:
        date = _early_date(text, paras)
    doc = replace(doc, title=" ".join(title.split()), date=date)     # a title of two lines is one line of text
    passages = [p for p in _structure(text, doc.id, paras, doc.title) if not page_furniture(text[p.start:p.end])]
    if "\f" in text:
        feeds = [m.start() for m in re.finditer("\f", text)]
        passages = [replace(p, page=bisect_left(feeds, p.start) + 1) for p in passages]
    return doc, passages


def _heading_title(text: str, paras: list[Para]) -> str | None:
    """The first first-level Markdown heading among the first paragraphs, or a first line in capitals of five words
    or more (a hearing's "OVERSIGHT OF THE RURAL BROADBAND DEPLOYMENT GRANT PROGRAM"; not a press release's "FOR
    IMMEDIATE RELEASE", a speech's "CHECK AGAINST DELIVERY", a speaker's "JOHN SMITH" or "THE PRESIDENT:")."""
    for p in paras[:5]:
        body = text[p.start:p.end]
        if body.startswith("# ") and "\n" not in body:
            return body[2:].strip()
    first = text[paras[0].start:paras[0].end] if paras else ""
    return first if "\n" not in first and len(first.split()) >= 5 and not first.rstrip().endswith(":") \
        and capitals(first) and mostly_lower(text) else None


def _said_date(body: str) -> bool:
    """A dateline that is a sentence, not a title: closed by a full stop, more of its words in lower case than
    capitalised ("HMSY earnings call for the period ending September 30, 2026.")."""
    words = re.findall(r"[^\W\d_]+", body)
    return body.endswith(".") and sum(w[0].islower() for w in words) > sum(w[0].isupper() for w in words)


# a date with its month's name cut short, as a meeting app writes it: Otter's "Tue, Mar 10, 2026 6:31PM • 1:08:44"
_SHORT_DATE = re.compile(r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                         r"[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b")


def _title_over_date(text: str, paras: list[Para]) -> tuple[str, str] | None:
    """(title, date) of an export's first paragraph of two lines, a title line over a line that opens with a date
    (Otter's "Tenant Interview 07 - Eastgate Estate" / "Tue, Mar 10, 2026 6:31PM • 1:08:44"), else None."""
    lines = text[paras[0].start:paras[0].end].splitlines() if paras else []
    m = _SHORT_DATE.match(lines[1].strip()) if len(lines) == 2 and title_line(lines[0].strip()) else None
    if not m:
        return None
    month = [name[:3] for name in MONTH_NAMES.split("|")].index(m.group(1)) + 1
    return lines[0].strip(), f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(2)):02d}"


# a broadcast's dateline: "Aired April 14, 2026 - 17:00   ET"
_AIRED = re.compile(rf"(?:Aired|Broadcast|Recorded|Taped)(?: on)? (?:{_DATE.pattern})", re.I)


def _early_date(text: str, paras: list[Para]) -> str | None:
    """A date in one of the first three paragraphs, when it is short (a dateline, a byline), or on a broadcast's
    "Aired April 14, 2026 - 17:00 ET" line among the first ten."""
    for i, p in enumerate(paras[:10]):
        body = text[p.start:p.end]
        m = _DATE.search(body) if len(body) <= 200 and (i < 3 or _AIRED.match(body)) else None
        if m:
            return _iso_date(m)
    return None


def _structure(text: str, doc_id: str, paras: list[Para], title: str = "") -> list[Passage]:
    marks = paragraph_marks(text, paras)
    header = header_run(text, paras, marks[2])
    if header:      # nobody's lines, their labels no speakers'
        marks = (marks[0], marks[1], [None if i in header else m for i, m in enumerate(marks[2])])
    turns = openings(text, paras, marks)
    if not any(t and t.label for t in turns) and (bold := bold_questions(text, paras)) \
            and (interview := bold_passages(text, doc_id, paras, bold, title)):
        return interview
    askers = who_asks(text, paras, turns)
    if sum(1 for t in turns if t and t.label in askers) >= 2:
        # in a Q&A a label that opens a paragraph once is a speaker's too (a journalist or senator called on
        # once), and one who asks when its words end with "?": not the last answer's words
        relaxed = openings(text, paras, marks, conversation=True)
        askers = askers | once_askers(text, paras, turns, relaxed)
        qa = qa_passages(text, doc_id, paras, relaxed, askers | second_askers(text, paras, relaxed, askers), header,
                         header_guest(text, paras, header))
        if any(p.kind == "question" and p.speaker is not None for p in qa):   # (an asker's, not only the
            return qa                                                          # audience's unnamed ">>")
        # (askers none of whose turns asks, a lecture's ">> MODERATOR:" who welcomes and hands over while the
        # audience's questions are unnamed ">>" changes, open no exchange: every paragraph was an opening statement;
        # a conversation where it is one)
        conversation = _conversation_turns(text, paras, marks, turns)
        return _conversation(text, doc_id, paras, conversation) if conversation else qa
    conversation = _conversation_turns(text, paras, marks, turns)
    if conversation:
        return _conversation(text, doc_id, paras, conversation)
    return _sections(text, doc_id, paras, turns)


def _conversation_turns(text: str, paras: list[Para], marks: tuple,
                        turns: list[Turn | None]) -> list[Turn | None] | None:
    """The turns of a conversation (someone recurs as a speaker, and two or more speak, counting those called on
    once; in ">>" captions a name said once, ">> JOHN: Yes.", is a speaker's too), None where the text is none."""
    recurs = any(t and t.label for t in turns)
    changes = sum(1 for t in turns if t and t.change)
    relaxed = openings(text, paras, marks, conversation=True) if recurs or changes else turns
    labelled = [i for i, t in enumerate(relaxed) if t and t.label]
    speakers = {relaxed[i].label for i in labelled if relaxed[i].label.lower() not in ANSWER_LABELS}
    if changes and len(speakers) + changes >= 2 or (
            recurs and len(speakers) >= 2 and len(labelled) * 3 >= len(paras) - labelled[0]):
        return relaxed
    return None


def _conversation(text: str, doc_id: str, paras: list[Para], turns: list[Turn | None]) -> list[Passage]:
    """A conversation nobody leads by asking (a meeting, a hearing, captions): one ``turn`` passage
    per paragraph of a turn, with its speaker; paragraphs before the first turn are paragraphs."""
    out = []
    section = "text"
    speaker = outlet = time = None
    outlets: dict[str, str] = {}    # a committee's record names a riding or an office at a label's first turn only
    kind = "paragraph"
    tail = tail_lines(text, paras, turns)
    headings = capital_headings(text, paras, turns)
    for n, (p, t) in enumerate(zip(paras, turns), 1):
        if n - 1 in tail:       # the page's lines after the last words said are nobody's
            kind, speaker, outlet = "paragraph", None, None
        start = p.start
        if t:
            start = t.start
            time = t.time if t.time is not None else time
            if t.label is not None:
                kind = "turn"
                speaker = None if t.label.lower() in ANSWER_LABELS else t.label
                if t.outlet:    # the bracket given last: "The Acting Chair (Mrs. Carol Hughes)" after Mr. Stanton's
                    outlets[t.label] = t.outlet
                outlet = outlets.get(t.label)
            elif t.change:
                kind, speaker, outlet = "turn", None, None
            if start >= p.end:      # "Marketing:" and nothing said
                continue
        else:
            heading = markdown_heading(text, p)
            if heading is None and n < len(turns) and turns[n] and turns[n].label:
                heading = part_heading(text[p.start:p.end])
            if heading is not None:
                section = heading
                out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                                   section=section, kind="heading", paragraph=n))
                continue
        if t is None and (table_rows(text[p.start:p.end]) or stage_note(text[p.start:p.end])
                          or page_head(text[p.start:p.end])
                          or n - 1 in headings):
            # a table's rows, a note of what happened ("[Inaudible interjection from the gallery.]"): the document's,
            # the turn goes on
            out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end], section=section,
                               kind="paragraph", paragraph=n))
            continue
        out.append(Passage(doc=doc_id, start=start, end=p.end, text=text[start:p.end], section=section,
                           kind=kind, paragraph=n, speaker=speaker, outlet=outlet, time=time))
    return out


def _sections(text: str, doc_id: str, paras: list[Para], turns: list[Turn | None]) -> list[Passage]:
    """Not a transcript: paragraphs, each in the section its latest heading names ("text" before any);
    a time stamp opening a paragraph is its time (captions with no speakers)."""
    out = []
    section = "text"
    time = None
    cited: dict[str, str] = {}     # a Markdown footnote's label -> the section that first refers to it
    for n, (p, t) in enumerate(zip(paras, turns), 1):
        heading = markdown_heading(text, p)
        if heading is not None:
            section = heading
        note = FOOTNOTE.match(text, p.start, p.end)
        for ref in _FOOTNOTE_REF.finditer(text, note.end() if note else p.start, p.end):
            cited.setdefault(ref.group(1), section)
        start = p.start
        if t and (t.time is not None or t.change):     # the stamp is the time, the rest (a label too) text
            start, time = t.marked, t.time if t.time is not None else time
        out.append(Passage(doc=doc_id, start=start, end=p.end, text=text[start:p.end],
                           section=cited.get(note.group(1), section) if note else section,
                           kind="heading" if heading is not None else "paragraph", paragraph=n, time=time))
    return out


# a Markdown footnote's text (paragraphs.FOOTNOTE, "[^3]: The dispute was settled …"), at the end of a document, is
# cited in the section that refers to it ("... a six-month dispute.[^3]"), not the last heading's
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
