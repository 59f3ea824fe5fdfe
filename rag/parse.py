"""Parse a document's text into paragraphs that know where they sit.

One Passage per paragraph, each an exact span of ``document.text``. Recognises:

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
  not the main answerer (_second_askers). Paragraphs before the first question are the
  ``opening``. In a court's record (the answers the witness's "A.", _court_answers) a named speaker's turn inside an
  exchange ("MS. CHEN: Objection. Form.") is colloquy: a ``turn`` carrying no question, not an answer; counsel's
  "Q. You can answer." after it asks nothing and opens no exchange (a ``turn`` too): the answer is the pending
  question's. Only such a bare instruction to answer (_GO_ON) does: any other "Q." opens its own exchange ("Q.
  Withdrawn. Name everyone in billing who saw the invoices."), and "Q. Withdrawn." alone (_WITHDRAWN) takes the
  question back, a ``turn`` after which nothing answers it. "BY MR. X:" names who asks next, and is no passage.
- a magazine interview (_bold_exchanges): no labels, two or more questions each a paragraph wholly in bold
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
- lines nobody says: an export's header above the first words said (_front_matter: a title, "Transcript by
  Rev.com", "Date: …") is nobody's, in a Q&A too (not the answerer's opening statement); the page's lines after
  the last words (_tail: "Tags: …", "© 2005-2024 …") are not the last speaker's. The White House's bare "Q"
  (``turns._BARE_Q``) asks. Those header lines are in section ``text``, not the ``opening`` (no "Opening statement").
- an asker's thank-you (_pleasantry: asks nothing, every sentence thanks, "Interviewer: Thank you very much.",
  "Dr. Osei, thank you for joining us."): no question, no answer, and not the asker's passage (a ``paragraph`` of
  nobody's in section ``text``, its label kept in the quote); the answerer's reply to it ("Thank you.") is their
  ``turn`` in section ``text``, not an answer to the question before, up to the next question.
- ``>>`` opening two paragraphs or more, or after subtitles.py's own stamp (broadcast captions): a new,
  unnamed speaker (kind ``turn``, no ``speaker``); the mark is left out of the quote.
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
- the page's furniture (_furniture): the Congressional Record's ``[[Page H1022]]`` and ``{time}  1415``, a rule line,
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
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace

from .labels import INVERTED, LABEL, MONTH_NAMES, ROLES, editors_note, prose, titled_person
from .paths import first_names
from .records import Document, Passage
from .turns import ASKER_LABELS, NAME_LINE, TURN, Turn, openings, opens_turn, paragraph_marks, timing_lines

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

_CHROME = re.compile(
    r"^\s*(Читать на русском|Read in Russian|Rate this article(?: \(votes: [^)\n]*\))?|\(votes: .*\)|\(\d+ votes?\)"
    r"|Share this article|For business|For researchers|For students|Print|Subscribe"
    r"|Source: .{0,120}|Transcribed by https?://\S+|Meeting ended after \d[\d:]*\W*"
    rf"|(?-i:{LABEL}|{INVERTED}) (?:started|stopped) transcription"     # Teams' note of who turned its transcript on or off
    # a page's share buttons and advertisement label, a briefing's clock ("2:41 P.M. EDT"), a podcast's note on its
    # transcript: whole lines, in their case (not a hard-wrapped line "share on Friday the results", "10:30 AM")
    r"|(?-i:Share this article [^\n]{1,60}|(?:Share on (?:Facebook|X|Twitter|LinkedIn|WhatsApp|Telegram|VK|Reddit|Email)"
    r"\s*)+(?:Email)?|Advertisement|ADVERTISEMENT|(?:END\s+)?\d{1,2}:\d{2} [AP]\.M\. [A-Z]{2,4}"
    r"|This transcript (?:was|has been) (?:automatically generated|generated automatically)[^\n]{0,120}))\s*$",
    re.IGNORECASE,
)
# (a month in capitals too: a hearing's cover, "THURSDAY, MARCH 14, 2024")
_MONTH = rf"(?:{MONTH_NAMES}|{MONTH_NAMES.upper()})"
_DATE = re.compile(rf"\b(?:({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})|(\d{{1,2}})\s+({_MONTH}),?\s+(\d{{4}}))\b")
# what asks, with or without a "?": a journalist's "Could you comment on the deficit.", counsel's "Describe what you
# saw.", "Walk us through the timeline." (a witness who testifies says none of it: _askers)
# a dateline that is a date and nothing else: "Wednesday 6 November 2024" (a UK committee's record), "March 3, 2025."
_DATE_ALONE = re.compile(rf"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?{_DATE.pattern}\.?", re.I)
_ASKS = re.compile(r"\?|\b(?:could|can|would|will) you\b|\b(?:please\s+)?(?:comment on|explain|describe|elaborate|"
                   r"clarify|walk us through|tell us|talk us through|give us)\b", re.I)
# counsel's "Q." that only tells the witness to answer the question before an objection ("You can answer.", "Go ahead.",
# "Mr. Brandt, you may answer the question.", "Answer the question, please."): it asks nothing of its own; any other
# "Q." asks anew, an instruction too ("Q. Withdrawn. Name everyone in billing who saw the invoices.")
_GO_ON_SENTENCE = (r"(?:(?:okay|ok|so|all right|now|(?:mr|mrs|ms|miss|dr)\.? [a-z][\w'’-]*)[,.]?\s+)?"
                   r"(?:subject to (?:the|that|my|your|his|her) objection,?\s+)?"
                   r"(?:(?:you (?:can|may) (?:still )?)?go ahead(?: and answer(?: the question| it| that)?)?"
                   r"|(?:you (?:can|may) (?:still )?|please )?answer(?: the question| it| that)?(?:,? please)?)"
                   r"(?:,? if you (?:can|know|remember|understand(?: it| the question)?))?\s*[.!]?")
_GO_ON = re.compile(rf"{_GO_ON_SENTENCE}(?:\s+{_GO_ON_SENTENCE})*", re.I)
# and one that takes the question back, "Q. Withdrawn.", "Strike that.": nothing answers it now
_WITHDRAWN = re.compile(r"(?:(?:the )?question (?:is )?withdrawn|withdrawn|(?:i'?ll|i will|let me) withdraw "
                        r"(?:the|that) question|strike that)[.!]?(?:\s+(?:withdrawn|strike that)[.!]?)?", re.I)
# a host's turn that opens by asking without a question mark: a focus group's "Tell me more about that, the bags."
_PROBE = re.compile(r"(?:(?:and|so|okay|ok|right|now)[,.]?\s+)?(?:please\s+)?(?:tell (?:me|us)|describe|explain|"
                    r"say more|talk us through|walk us through)\b", re.I)
_ANSWER_LABELS = {"a", "answer"}     # no name: the answer's speaker is unknown
_WITNESS = {"the witness", "witness"}     # a court record's label for the one who answers "A."
_COURT_LABELS = _WITNESS | {"the court", "the reporter", "the videographer"}    # who speak only in a court's record
_EXAMINER = re.compile(r"BY\s", re.I)      # "BY MR. DAVIS:" above the questions he asks
_HOSTS = {"moderator", "interviewer", "host"}     # askers by role who also welcome, thank and hand over
# a thank-you: "Thank you very much.", "Dr. Osei, thank you for joining us.", "Thanks, Karine." (_pleasantry)
_THANKS = re.compile(r"\b(?:thank(?:s|\s+you)|many\s+thanks)\b", re.I)
UNNAMED_LABELS = {"q", "question", "questions"} | _ANSWER_LABELS     # labels that name nobody (no speaker listed)
# a question asked: "?" ending a sentence (then a capital, or the paragraph's end), not inside a title ("the report
# "Why Do Bridges Fail?" published …") nor an aside ("did you not?, that …")
_ASKED = re.compile(r"\?[\"”’'»)\]]*(?:\s+(?=[\"“‘'(]?[A-Z])|\s*$)")
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|$)", re.DOTALL)
_HEADING = re.compile(r"#{1,6}[ \t]+(?P<text>[^\n]+)")
_OUTLET_IN_TEXT = re.compile(
    r"\b(?:I represent|I am from|I'm from|I work for|I am with|I'm with)\s+(?P<outlet>(?:the\s+)?[A-Z][^.,;?!]{2,80})"
)


@dataclass(frozen=True)
class _Para:
    start: int
    end: int


def paragraphs(text: str) -> list[_Para]:
    """Spans of non-blank blocks, split at chrome lines (which are dropped) and before a line that
    opens a speaker turn, whitespace trimmed."""
    spans: list[_Para] = []
    block_start = None
    pos = 0
    lines = text.splitlines(keepends=True)

    def close(end: int) -> None:
        nonlocal block_start
        if block_start is not None:
            s, e = block_start, end
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append(_Para(s, e))
        block_start = None

    timing = timing_lines(lines)
    indented = _indented_starts(lines)
    alone = False       # the block so far is a time stamp alone on its line, which times the turn after it
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or _CHROME.match(stripped):
            if not (alone and not stripped):        # (a stamp alone goes on with the turn past a blank line)
                close(pos)
        elif block_start is None or i in timing:
            close(pos)
            block_start, alone = pos, i in timing
        elif (opens_turn(line) or i in indented) and not alone:
            close(pos)              # "Q: ..." / "Name: ..." / "[00:01:02] ..." on the next line opens a new turn
            block_start = pos
        else:
            alone = False
        pos += len(line)
    close(pos)
    return spans


# a list's item, not a paragraph's first line: "- ", "* ", "• ", "1. ", "(a) "
_ITEM = re.compile(r"(?:[-*•+·]|\d{1,3}[.)]|\([a-z0-9]{1,3}\))\s")
INDENTED_PAIRS = 3      # first lines over wrapped ones that make a file's paragraphs indented (_indented_starts)


def _indented_starts(lines: list[str]) -> set[int]:
    """The lines (indexes) that open a paragraph by their indent in a file laid out so, with no blank line between
    paragraphs: a GPO hearing's "    Senator Pruitt. Thank you, …" over lines wrapped at the margin, a court record's
    "              THE COURT:  Please be seated. …" and "         Q.   Where were you …" over lines wrapped at four
    spaces. The wrapped lines' indent is the one most often right below a deeper line; an indent deeper than it opens a
    paragraph where INDENTED_PAIRS or more of its lines stand right above a wrapped line (not a centred heading's, a
    list's nested item); a heading in capitals set deeper ("DIRECT EXAMINATION") and a label alone on a wrapped line's
    indent ("    BY MR. JONES:") open one too."""
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" \t"))

    pairs: dict[tuple[int, int], int] = {}
    for a, b in zip(lines, lines[1:]):
        if a.strip() and b.strip() and indent(a) > indent(b) and not _ITEM.match(a.lstrip()):
            pairs[indent(a), indent(b)] = pairs.get((indent(a), indent(b)), 0) + 1
    below: dict[int, int] = {}
    for (_, low), n in pairs.items():
        below[low] = below.get(low, 0) + n
    if not below:
        return set()
    base = max(below, key=below.get)
    at: dict[int, int] = {}
    for line in lines:
        if line.strip():
            at[indent(line)] = at.get(indent(line), 0) + 1
    # (two spaces deeper or more, and a quarter of its lines or more above a wrapped one: not a right-aligned margin
    # number's " 9" over "10")
    deeper = {high for (high, low), n in pairs.items()
              if low == base and high >= base + 2 and n >= INDENTED_PAIRS and n * 4 >= at[high]
              and not _hanging(lines, base, high, indent)}
    out: set[int] = set()
    for i in range(1, len(lines)):
        line, stripped = lines[i], lines[i].strip()
        if not stripped or not lines[i - 1].strip():
            continue
        if indent(line) in deeper and not _ITEM.match(stripped) \
                or deeper and indent(line) > base and _capitals(stripped) and not re.search(r"[.!?…]$", stripped) \
                and not _capitals(lines[i - 1]):
            out.add(i)      # (a heading in capitals set deeper, "DIRECT EXAMINATION", is one too, its second line not)
        elif deeper and indent(line) == base and (m := TURN.match(stripped)) and not stripped[m.end():].strip() \
                and not prose(m.group("label")):
            out.add(i)
    return out


def _labelled(line: str) -> bool:
    """A line that opens with a speaker's label: "MARIA LOPEZ: The …", "THE COURT:  Good …", "Q.   Where …"."""
    stripped = line.strip()
    return opens_turn(stripped) or bool(_DOT_LABEL.match(stripped))


_DOT_LABEL = re.compile(r"(?:[QA]\.|(?:MR|MS|MRS|DR)\. [A-Z]{2,}\.|The [A-Z]{3,}\.)[ \t]+\S")


def _hanging(lines: list[str], base: int, high: int, indent) -> bool:
    """Whether the lines at `high`, deeper than `base`, are a hanging indent's wrapped lines under first lines at the
    margin ("MARIA LOPEZ: The dredging budget …" over "    thousand pounds …"), not first lines over wrapped ones: the
    lines at the margin right above them open with a speaker's label, and they do not; or, no label telling, they go
    on below one another more often than the margin's lines do (a GPO hearing's one-line paragraphs aside)."""
    filled = [(line, indent(line)) for line in lines]
    deep = [line for line, n in filled if line.strip() and n == high]
    above = [a for (a, m), (b, n) in zip(filled, filled[1:]) if a.strip() and b.strip() and m == base and n == high]
    labelled = sum(1 for line in deep if _labelled(line))
    if 2 * labelled > len(deep):
        return False        # (a court record's "         Q.   Where …" over its wrapped lines)
    if above and 2 * sum(1 for line in above if _labelled(line)) > len(above):
        return True
    runs = Counter(m for (a, m), (b, n) in zip(filled, filled[1:]) if a.strip() and b.strip() and m == n)
    return runs[high] > runs[base]


def _iso_date(match: re.Match) -> str:
    month, day, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(5), match.group(4), match.group(6))
    m = MONTH_NAMES.split("|").index(month.title()) + 1
    return f"{int(year):04d}-{m:02d}-{int(day):02d}"


# a court record's question or answer mark opening a line: "Q. Did you …", "A. I did.", "Q   Where …"
_QA_MARK = re.compile(r"[QA](?:\.|:|[ ]{2,}|\t)[ \t]*\S")


def _find_title(text: str, paras: list[_Para]) -> int | None:
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
        if m and len(body) - m.end() <= 3:
            return i
    return None


def _title_line(body: str) -> bool:
    """A first paragraph that is a title, not the opening of a statement: one short line ending in a word, no
    punctuation after it ("Focus group 3, island residents", "Prime Minister's Questions"; not "Good morning,")."""
    return len(body) < 120 and "\n" not in body and bool(re.search(r"[^\W_]$", body))


# what a US congressional print calls itself on its cover, alone on a line below the title: "HEARING", "JOINT HEARING"
_KIND_ALONE = re.compile(r"(?:(?:JOINT|FIELD|OVERSIGHT|LEGISLATIVE|NOMINATION) )?HEARINGS?|MARKUP|BUSINESS MEETING"
                         r"|ROUNDTABLE", re.I)


def _title_block(body: str) -> bool:
    """A title of one to three short lines (a cover's, wrapped: "FLIGHT DELAYS AND CANCELLATIONS:" / "PROTECTING THE
    TRAVELING PUBLIC"), ending in a word."""
    lines = body.splitlines()
    return len(lines) <= 3 and all(0 < len(line.strip()) < 120 for line in lines) and bool(re.search(r"[^\W_]$", body))


# the mark a transcript's end is printed with: a broadcast transcript's "END", a press release's "###", "-30-"
_END_MARK = re.compile(r"\(?END(?: OF (?:TRANSCRIPT|SHOW|BROADCAST|PROGRAM|RECORDING))?\)?|#{3}|# # #|-30-")


def _page_line(body: str) -> bool:
    """A line the page prints, not a speaker: short, one line, a copyright notice, the end's mark (_END_MARK) or
    opening with a label of prose ("Tags: Serbia, Kosovo", "Date: 14 May 2023. Location: Astoria, Oregon.")."""
    if len(body) >= 120 or "\n" in body:
        return False
    if _END_MARK.fullmatch(body):
        return True
    label = re.match(rf"({LABEL}):", body)
    return bool(label and prose(label.group(1))) or bool(re.match(r"(?:©|\(c\)|copyright\b)", body, re.IGNORECASE))


def _front_matter(body: str) -> bool:
    """A line of an export's header above the first words said: a _page_line, or a short line that is no sentence
    (ending in a word or a bracket) holding a number or a web address, or in Title Case ("Transcript by Rev.com",
    "Lookout Interview (Completed 03/14/24)", "Oral History Project"; not "Thank you for coming at such short notice",
    a speaker's first words)."""
    if _page_line(body) or _labelled_line(body) or editors_note(body):     # ("Recorded at …. Edited for length.")
        return True
    if len(body) >= 120 or "\n" in body or not re.search(r"(?:[^\W_]|[)\]])$", body):
        return False
    words = re.findall(r"[^\W\d_]{4,}", body)
    return bool(re.search(r"\d|\w\.[a-z]{2,}\b", body)) or bool(words) and all(w[0].isupper() for w in words)


def _labelled_line(body: str) -> bool:
    """A line of a header's that a label of prose opens, however long: a focus group's "Participants: 7 (P1–P7),
    recruited from …", "Duration: 01:28:14" (a _page_line is short)."""
    label = re.match(rf"({LABEL}):", body)
    return "\n" not in body and bool(label and prose(label.group(1)))


def _headed_list(body: str) -> bool:
    """A block of an export's header: a heading in capitals on its first line, lines below it that end no sentence
    (Otter's "SUMMARY KEYWORDS" / "damp, repairs, housing association", "SPEAKERS" / "Leonie Brandt, Samuel
    Adeyemi"). Only read above the first words said."""
    head, *below = body.splitlines()
    return bool(below) and len(head.split()) <= 4 and _capitals(head) and not re.search(r"[^\w\s]", head) \
        and not any(re.search(r"[.!?…]$", line.strip()) for line in below)


_TABLE_ROW = re.compile(r"\|?[^|\n]+(?: \| [^|\n]*)+\|?")


def _header_block(body: str) -> bool:
    """A block of two or three short lines (a title, a date, who recorded it): a header's shape, not a speaker's
    paragraph. Only read right above the first label of a Q&A, where an opening statement would be one long
    paragraph or several."""
    lines = body.splitlines()
    return 2 <= len(lines) <= 3 and all(0 < len(line.strip()) < 120 for line in lines)


def _header_lines(body: str) -> bool:
    """A _header_block each of whose lines is a _front_matter line, above the first words said anywhere among an
    export's lines (Rev's "Harbor Lane Oral Interviews - Episode 3 (Completed 04/11/24)" / "Transcript by Rev.com",
    above "Page 1 of 3"; "Subject: Walter Pennock, keeper …" / "Recorded at his home …, 3 February 2023" below a
    title): nobody's, no opening statement."""
    return _header_block(body) and all(_front_matter(line.strip()) for line in body.splitlines())


_STAGE_NOTE = re.compile(r"\[[^\[\]\n]{1,200}\]|\([^()\n]{1,200}\)")


# a parliament's record of what members did, no brackets: UK Hansard's "Several hon. Members rose—", Australia's
# "Honourable members interjecting—", "Opposition members interjecting—"
_MEMBERS_NOTE = re.compile(r"(?:(?:Several|Some|Many|Opposition|Government|Hon\.|Honourable) )?"
                           r"(?:hon\. |honourable )?[Mm]embers (?:rose|interjecting)[—–-]*")
# UK Hansard's column marker on a line of its own: "14 Nov 2023 : Column 613", "Column 45WH"
_COLUMN = re.compile(r"(?:\d{1,2} [A-Z][a-z]{2,8} \d{4} : )?Column \d{1,5}[A-Z]{0,3}")


# a record's own notes of what was done, in the formulas it prints them in: a UN verbatim record's "The meeting rose at
# 11.40 a.m." / "The meeting was called to order at 10.05 a.m.", the Congressional Record's "The Clerk read the title
# of the bill.", "There was no objection.", "The question was taken; and …", "A motion to reconsider was laid on the
# table."
_RECORD_NOTE = re.compile(
    r"The meeting (?:rose|resumed|was (?:called to order|suspended|adjourned|resumed|closed))(?: at [^\n]{1,80})?\."
    r"|The Clerk read (?:the title of )?the (?:bill|resolution|joint resolution|concurrent resolution|amendment"
    r"|Senate amendment)\b[^\n]{0,60}\.|There was no objection\.|The question was taken(?:;.{1,300})?\."
    r"|A motion to reconsider was laid on the table\.", re.DOTALL)


def _stage_note(body: str) -> bool:
    """A paragraph that is only a transcriber's note in brackets ("[Inaudible interjection from the public
    gallery.]", "(Laughter)", "[GAVEL]"), a parliament's note of what members did ("Several hon. Members rose—"), its
    record's column marker ("14 Nov 2023 : Column 613") or one of a record's formulas (_RECORD_NOTE: "The meeting rose
    at 11.40 a.m."): what happened, not the words of the speaker before it."""
    body = body.strip()
    return bool(_STAGE_NOTE.fullmatch(body) or _MEMBERS_NOTE.fullmatch(body) or _COLUMN.fullmatch(body)
                or _RECORD_NOTE.fullmatch(body))


# the page's furniture, a line of its own: the Congressional Record's page and time marks ("[[Page H1022]]",
# "{time}  1415"), a rule ("____________________"); and a running head or foot set out in columns (_furniture)
_PAGE_MARK = re.compile(r"\[\[Page [A-Z]{0,2}\d{1,5}\]\]|\{time\}[ \t]+\d{4}|[_=*~-]{5,}")
# a running head's or foot's field that says where the page is: its number of how many ("2/4", "Page 3 of 9", "- 12 -")
# or the day ("12/03/2026")
_PAGE_FIELD = re.compile(r"(?:Page )?\d{1,4}(?: ?/ ?| of )\d{1,4}|Page \d{1,4}|- ?\d{1,4} ?-|\d{1,2}[/.]\d{1,2}[/.]\d{4}")


def _furniture(body: str) -> bool:
    """A paragraph the page prints, not anyone's words nor the document's: a _PAGE_MARK, or a running head or foot, one
    line of two or three fields set apart by five spaces or more, one of them where the page is (_PAGE_FIELD: a UN
    record's "2/4      26-06512", "12/03/2026      The situation in …      S/PV.9812"), none a sentence. parse()
    leaves it out: no passage, and no window of turns reaches over it (the paragraphs' numbers skip it). What it
    leaves out: a running head run into a paragraph's lines, one without a page's number or date, one whose other field is
    a figure (and a table's row of a word and a fraction, "Won      12/15", alone in its paragraph, reads as one)."""
    body = body.strip()
    if _PAGE_MARK.fullmatch(body):
        return True
    fields = re.split(r"[ \t]{5,}", body)
    # (the page's place at an edge, "2/4" first or "Page 3" last, and no other field a figure: not a table's row,
    # "North      3/4      12.5")
    return "\n" not in body and 2 <= len(fields) <= 3 and any(_PAGE_FIELD.fullmatch(f) for f in (fields[0], fields[-1])) \
        and not any(re.fullmatch(r"[\d.,%$€£ ]+", f) for f in fields) \
        and all(len(f.split()) <= 12 and not re.search(r"[.!?…]$", f) for f in fields)


def _page_head(body: str) -> bool:
    """A page's running head between turns: its number alone on a line, then at most two short lines that end no
    sentence (a court record's "413" / "Haller - Direct"): the page's, not the words of the speaker before it."""
    lines = [line.strip() for line in body.splitlines()]
    return bool(re.fullmatch(r"\d{1,5}", lines[0])) and len(lines) <= 3 and all(
        0 < len(line) < 80 and not re.search(r"[.!?…]$", line) for line in lines[1:])


def _across_columns(text: str, paras: list[_Para]) -> list[_Para]:
    """`paras` with a speech that a column marker (_COLUMN) cuts mid-sentence one paragraph again, the marker inside
    it ("… are delivering improvements now, in places" / "14 Nov 2023 : Column 614" / "like Cornwall and Norfolk, …"):
    the paragraph before ends in no sentence's or clause's end, the one after opens in lower case."""
    out: list[_Para] = []
    i = 0
    while i < len(paras):
        if out and i + 1 < len(paras) and _COLUMN.fullmatch(text, paras[i].start, paras[i].end) \
                and not re.search(r"[.!?…:;\"”’)\]—–-]$", text[out[-1].start:out[-1].end]) \
                and text[paras[i + 1].start].islower():
            out[-1] = _Para(out[-1].start, paras[i + 1].end)
            i += 2
            continue
        out.append(paras[i])
        i += 1
    return out


def _table_rows(body: str) -> bool:
    """A paragraph of a table's rows ("Bob Smith | Fix the reporting jobs", read.py writes a Word table's rows so;
    Markdown's "| a | b |"): the document's, not the words of the speaker before it."""
    return all(_TABLE_ROW.fullmatch(line.strip()) for line in body.splitlines() if line.strip())


def _part_heading(body: str) -> str | None:
    """The name of a part of a conversation a heading line gives right above a turn, closed by a colon: a call
    transcript's "Prepared Remarks:", "Questions & Answers:" (one line, in title case, _title_case); else None."""
    name = body[:-1].strip() if body.endswith(":") else ""
    return name if _title_case(name.replace(" & ", " and ")) else None


def _tail(text: str, paras: list[_Para], turns: list) -> set[int]:
    """The paragraphs (indexes) after the last one a label opens that are the page's, not the last speaker's:
    from the end, while each is a _page_line ("Tags: Serbia", "© 2005-2024 The Ministry of Foreign Affairs"), or a
    list of who took part (two or more "Ann Lee -- Chief Financial Officer" lines in a row, a call transcript's), the
    short lines after it that end no sentence ("More HMSY analysis") and a heading line above it ("Call
    participants:"); a short line of the speaker's own ("Thank you", "After that it is too late") stays theirs."""
    bodies = [text[p.start:p.end] for p in paras]
    listed = [bool(NAME_LINE.fullmatch(b)) for b in bodies]
    listed = [bool(x and (i and listed[i - 1] or i + 1 < len(listed) and listed[i + 1])) for i, x in enumerate(listed)]
    last = max((i for i, t in enumerate(turns) if t), default=-1)     # (a list after the last turn: not one at the top)
    first = next((i for i in range(last + 1, len(paras)) if listed[i]), len(paras))
    out: set[int] = set()
    for i in range(len(paras) - 1, -1, -1):
        body = bodies[i]
        short = "\n" not in body and len(body) < 80 and not re.search(r"[.!?…]$", body)
        if turns[i] or not (_page_line(body) or listed[i] or short and i > first or short and body.endswith(":")
                            and i + 1 < len(paras) and listed[i + 1]):
            break
        out.add(i)
    return out


def _turn_end(paras: list[_Para], turns: list, n: int) -> int:
    """Where the turn opening paragraph `n` (1-based) ends: at the last paragraph before the next label (a thank-you
    whose next paragraph asks, "Thank you, that is very clear.\n\nTurning to the pumps, when …?", is a question)."""
    j = n
    while j < len(turns) and not (turns[j] and turns[j].label is not None):
        j += 1
    return paras[j - 1].end


def _pleasantry(body: str) -> bool:
    """An asker's turn that only thanks ("Thank you very much.", "Dr. Osei, thank you for joining us."): it asks
    nothing (no "?", _ASKS), each of its sentences thanks, and it is short. Not a question (it opens no exchange),
    not an answer, and not the asker's passage: the asking side's courtesy, not words anyone searches for."""
    if len(body) > 200 or "?" in body or _ASKS.search(body):
        return False
    # its sentences, at ". " or "! " (a one-word piece, "Dr." of "Dr. Osei, thank you", "Smith." of "Thank you, Mr.
    # Smith.", is no sentence of its own)
    said = [one for one in re.split(r"(?<=[.!…])\s+", body.strip()) if len(one.split()) > 1]
    return bool(_THANKS.search(body)) and all(_THANKS.search(one) for one in said)


def _capitals(body: str) -> bool:
    """A heading in capitals, no label before it: "DIRECT EXAMINATION", "STATEMENT OF ELENA MARSH, PH.D., DIRECTOR",
    a court's "UNITED STATES DISTRICT COURT\nCENTRAL DISTRICT OF CALIFORNIA": eight letters or more, none in lower
    case, no line over 200 characters, none asking or exclaiming. A speaker's turn does not go on in it."""
    letters = re.findall(r"[^\W\d_]", body)
    return len(letters) >= 8 and not any(c.islower() for c in letters) and all(
        len(line) <= 200 and not line.rstrip().endswith(("?", "!")) for line in body.splitlines())


def _title_case(body: str) -> bool:
    """A heading in title case on one line: "Rural Rail Connectivity" (Hansard's heading of the next question), two
    to eight words, those of four letters or more capitalised, no digit, no punctuation but a hyphen or an apostrophe
    (not "Sounds good", "Thanks Bob!")."""
    words = body.split()
    return "\n" not in body and 2 <= len(words) <= 8 and body[:1].isupper() \
        and bool(re.fullmatch(r"[^\W\d_]+(?:['’-][^\W\d_]+)*(?: [^\W\d_]+(?:['’-][^\W\d_]+)*)*", body)) \
        and all(w[0].isupper() for w in words if len(w) >= 4)


def _capital_headings(text: str, paras: list[_Para], turns: list) -> set[int]:
    """The paragraphs (indexes) that are headings in capitals (_capitals) between turns, nobody's words: none ends a
    sentence (a speaker's "WE CANNOT CUT THE LIBRARY HOURS AGAIN." is theirs), and each stands before any turn has
    opened, or right above one (past other such headings: "MARIA LOPEZ, SWORN", "DIRECT EXAMINATION", "BY MR. DAVIS:");
    none in a text written in capitals throughout (_mostly_lower)."""
    if not _mostly_lower(text):
        return set()
    out: set[int] = set()
    above_turn = False      # (walking back from the end: whether the paragraph after this one opens a turn, past headings)
    for i in range(len(paras) - 1, -1, -1):
        body = text[paras[i].start:paras[i].end]
        labelled = bool(turns[i] and turns[i].label)
        if not labelled and (_capitals(body) or _title_case(body)) and not re.search(r"[.!?…]\s*$", body):
            if above_turn:
                out.add(i)
        else:
            above_turn = labelled
    first = next((i for i, t in enumerate(turns) if t and t.label), len(turns))
    return out | {i for i in range(first) if not (turns[i] and turns[i].label)
                  and _capitals(text[paras[i].start:paras[i].end])}


def _mostly_lower(text: str) -> bool:
    """Whether most of a text's cased letters are lower case (not captions or a record in capitals throughout)."""
    return len(re.findall(r"[a-zà-ÿ]", text)) > len(re.findall(r"[A-ZÀ-Þ]", text))


def _is_fragment(body: str) -> bool:
    """Page chrome before a title: a short line that is not a sentence (an author card, a name)."""
    return len(body) < 120 and not re.search(r"[.!?…»”\"]$", body)


def parse(doc: Document) -> tuple[Document, list[Passage]]:
    """Return the document with its title and date filled in, and its paragraphs as Passages.

    Linear in the text (each paragraph is looked at a fixed number of times): repeats are found
    with sets, speakers counted with a Counter, a question is joined once per exchange, and pages
    are found by bisecting the form feeds' offsets, not by counting them again for every passage."""
    text = doc.text
    # Markdown metadata ("---\ntitle: ...\n---"): not text to quote; the paragraphs are the body's, its first too
    # where it opens on the line after the closing "---" (it was one block with the metadata, and left out)
    front = _FRONT_MATTER.match(text)
    after = front.end() if front else 0
    paras = [_Para(p.start + after, p.end + after) for p in _across_columns(text[after:], paragraphs(text[after:]))]
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
        elif _DATE_ALONE.fullmatch(title) and any(map(_title_line, above)):  # a date alone names nothing: the longest
            title = max(filter(_title_line, above), key=len)                   # title line above it
        elif not doc.title and above and _title_line(above[0]) and len(above[0].split()) >= 4 and _said_date(body):
            # a title of four words or more (not an author's name, "Sergey Lavrov") over a sentence that dates the
            # text ("HMSY earnings call for the period ending September 30, 2026.")
            title = above[0]
        date = date or _iso_date(list(_DATE.finditer(body))[-1])
        preamble, paras = paras[:title_i], paras[title_i + 1:]
        later = {text[p.start:p.end] for p in paras}
        preamble = [p for p in preamble
                    if text[p.start:p.end] not in later and not _is_fragment(text[p.start:p.end])]
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
    passages = [p for p in _structure(text, doc.id, paras, doc.title) if not _furniture(text[p.start:p.end])]
    if "\f" in text:
        feeds = [m.start() for m in re.finditer("\f", text)]
        passages = [replace(p, page=bisect_left(feeds, p.start) + 1) for p in passages]
    return doc, passages


def _heading_title(text: str, paras: list[_Para]) -> str | None:
    """The first first-level Markdown heading among the first paragraphs, or a first line in capitals of five words
    or more (a hearing's "OVERSIGHT OF THE RURAL BROADBAND DEPLOYMENT GRANT PROGRAM"; not a press release's "FOR
    IMMEDIATE RELEASE", a speech's "CHECK AGAINST DELIVERY", a speaker's "JOHN SMITH" or "THE PRESIDENT:")."""
    for p in paras[:5]:
        body = text[p.start:p.end]
        if body.startswith("# ") and "\n" not in body:
            return body[2:].strip()
    first = text[paras[0].start:paras[0].end] if paras else ""
    return first if "\n" not in first and len(first.split()) >= 5 and not first.rstrip().endswith(":") \
        and _capitals(first) and _mostly_lower(text) else None


def _said_date(body: str) -> bool:
    """A dateline that is a sentence, not a title: closed by a full stop, more of its words in lower case than
    capitalised ("HMSY earnings call for the period ending September 30, 2026.")."""
    words = re.findall(r"[^\W\d_]+", body)
    return body.endswith(".") and sum(w[0].islower() for w in words) > sum(w[0].isupper() for w in words)


# a date with its month's name cut short, as a meeting app writes it: Otter's "Tue, Mar 10, 2026 6:31PM • 1:08:44"
_SHORT_DATE = re.compile(r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                         r"[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b")


def _title_over_date(text: str, paras: list[_Para]) -> tuple[str, str] | None:
    """(title, date) of an export's first paragraph of two lines, a title line over a line that opens with a date
    (Otter's "Tenant Interview 07 - Eastgate Estate" / "Tue, Mar 10, 2026 6:31PM • 1:08:44"), else None."""
    lines = text[paras[0].start:paras[0].end].splitlines() if paras else []
    m = _SHORT_DATE.match(lines[1].strip()) if len(lines) == 2 and _title_line(lines[0].strip()) else None
    if not m:
        return None
    month = [name[:3] for name in MONTH_NAMES.split("|")].index(m.group(1)) + 1
    return lines[0].strip(), f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(2)):02d}"


# a broadcast's dateline: "Aired April 14, 2026 - 17:00   ET"
_AIRED = re.compile(rf"(?:Aired|Broadcast|Recorded|Taped)(?: on)? (?:{_DATE.pattern})", re.I)


def _early_date(text: str, paras: list[_Para]) -> str | None:
    """A date in one of the first three paragraphs, when it is short (a dateline, a byline), or on a broadcast's
    "Aired April 14, 2026 - 17:00 ET" line among the first ten."""
    for i, p in enumerate(paras[:10]):
        body = text[p.start:p.end]
        m = _DATE.search(body) if len(body) <= 200 and (i < 3 or _AIRED.match(body)) else None
        if m:
            return _iso_date(m)
    return None


def _heading(text: str, p: _Para) -> str | None:
    m = _HEADING.fullmatch(text, p.start, p.end)
    return m.group("text").strip().strip("#").strip() if m else None


def _askers(text: str, paras: list[_Para], turns: list[Turn | None]) -> set[str]:
    """The labels that ask: by name (Question, Q, ...), with an outlet (when the one who speaks most
    never names one, and half their turns or more ask, _ASKS; a titled name in the bracket, "The Chair
    (Councillor Ingrid Halvorsen)", is none), or, when
    there are none of those and at most three speak, named speakers most of whose turns end with '?' (not the one
    who speaks most)."""
    turn_ends: dict[str, list[bool]] = {}     # per label: whether each of its turns ends with "?"
    turn_asks: dict[str, list[bool]] = {}     # and whether it asks at all (_ASKS)
    words: dict[str, int] = {}
    bracketed: set[str] = set()     # labels with a bracket, and those whose bracket is an outlet, not a titled name
    outlets: set[str] = set()
    numbered = {t.label for t in turns if t and t.numbered}     # "Q12 Chair:", "Q13 Sarah Dyke:" ask
    label = None
    last_end: str | None = None     # the last paragraph of the current turn (None: nothing said yet)
    asked = False                   # whether the current turn asks (_ASKS)

    def close() -> None:
        if label is not None and last_end is not None:
            turn_ends.setdefault(label, []).append(last_end.rstrip("\"”’»)").endswith("?"))
            turn_asks.setdefault(label, []).append(asked)

    for p, t in zip(paras, turns):
        if t and t.label:
            close()
            label, last_end, asked = t.label, None, False
            if t.outlet:
                bracketed.add(label)
                if not titled_person(t.outlet):     # (a chair's own name, "The Chair (Councillor X)", is no outlet)
                    outlets.add(label)
        if label is not None and not (t and t.start >= p.end):     # a label alone says nothing
            words[label] = words.get(label, 0) + len(text[t.start if t else p.start:p.end].split())
            last_end = text[p.start:p.end]
            asked = asked or bool(_ASKS.search(text, t.start if t else p.start, p.end))
    close()
    if not words:
        return set()
    main = max(words, key=words.get)
    # (one with an outlet asks: a witness "Ms. Priya Raman (Elling Harbour Authority):" whose turns ask nothing
    # testifies, and the chair who speaks most does not answer her)
    # (nor where the one who speaks most asks by the label's own word: a focus group's "Moderator:" leads, and "P5
    # (female, 41): Can I jump in? …" is a participant's)
    askers = {name for name in turn_ends
              if name.lower() in ASKER_LABELS or name in numbered or (name in outlets and main not in bracketed
                                             and main.lower() not in ASKER_LABELS
                                             and sum(turn_asks[name]) * 2 >= len(turn_asks[name]))}
    if askers:
        return askers
    named = [name for name in turn_ends if name.lower() not in _ANSWER_LABELS]
    if not 2 <= len(named) <= 3:
        return set()
    return {name for name in named
            if name != main and sum(turn_ends[name]) >= 2 and sum(turn_ends[name]) * 2 >= len(turn_ends[name])}


def _once_askers(text: str, paras: list[_Para], turns: list[Turn | None], relaxed: list[Turn | None]) -> set[str]:
    """The labels `relaxed` finds that `turns` does not (each opening a paragraph once) whose words, to the next
    label, end with a question mark."""
    known = {t.label for t in turns if t and t.label}
    out, label, last = set(), None, None
    for p, t in list(zip(paras, relaxed)) + [(None, None)]:
        if p is None or (t and t.label):
            if label is not None and label not in known and last and last.rstrip("\"”’»)").endswith("?"):
                out.add(label)
            label, last = (t.label, None) if t else (None, None)
        if p is not None and label is not None and not (t and t.start >= p.end):
            last = text[t.start if t else p.start:p.end]
    return out


def _second_askers(text: str, paras: list[_Para], turns: list[Turn | None], askers: set[str]) -> set[str]:
    """In a Q&A, the labels that are neither an asker nor the one who answers most (by turns) each of whose turns, two
    or more, asks (_asks: ends with a question, or short with one in it): a second interviewer (a Rev export's "Speaker 3: Can I ask
    something? Sorry." then "Speaker 3: Was Rosa the one who organized the strike?"), not an answer."""
    said: dict[str, list[str]] = {}
    label = None
    for p, t in zip(paras, turns):
        if t and t.label:
            label = t.label
            said.setdefault(label, []).append("")
        if label is not None and not (t and t.start >= p.end):
            said[label][-1] += " " + text[t.start if t else p.start:p.end]
    counts = {name: len(turns_) for name, turns_ in said.items()
              if name not in askers and name.lower() not in _ANSWER_LABELS}
    main = max(counts, key=counts.get) if counts else None
    return {name for name in counts if name != main and len(said[name]) >= 2
            and all(_asks(words.strip()) for words in said[name])}


AFTER_ASK = 20      # characters after a turn's last question that leave it asking ("Can I ask something? Sorry.")


def _asks(words: str) -> bool:
    """Whether a turn's words ask: they end with a question, or with at most AFTER_ASK characters after one; not a
    panelist's answer that opens "Can I add something?" (a hostile review: every answer of such a second answerer
    became a question)."""
    last = max((m.end() for m in _ASKED.finditer(words)), default=None)     # (a transcriber's note aside)
    return last is not None and len(re.sub(r"\[[^\]]*\]|\([^)]*\)", "", words[last:]).strip()) <= AFTER_ASK


# a header's line of a field and its value below a labelled one, in the same paragraph: "Date of interview: 17 June
# 2019", "Transcript reviewed by interviewee: Yes" (a label's grammar takes no lower-case words)
_FIELD = re.compile(r"[A-Z][\w'’ -]{0,40}:[ \t]+\S[^\n]{0,118}")


def _header_run(text: str, paras: list[_Para], matches: list) -> set[int]:
    """The paragraphs (indexes) of a header of labelled lines above the first words said, two or more in a row, each
    a label then a name, a title or a date ("Moderator: Dr Rachel Evans", "Project: Screens, Sleep and School",
    "Narrator: Dolores Barrios (DB)"): a short line opening with a capital or a digit, no sentence (no full stop or
    question mark at its end), a number in it or two words or more, its longer words capitalised (or, where its
    label opens no later paragraph, in sentence case: "Project: Night-shift nurses and sleep (NSNS study)"), and below
    it in the same paragraph only lines of a field and its value (_FIELD: "Date of interview: 17 June 2019"; where its label
    opens no later paragraph, any short line: "Transcribed verbatim; identifying details removed."). Only the first
    labelled lines of the document count (a title line above them may stand alone); a paragraph a label of prose opens
    ("Location: Interviewee's home, …", "Abstract: …", "Keywords: …", an oral history's) is the header's too, between
    and right after them, however long; not a meeting's "Ann: Okay." or "Bob: Shall we start?"."""
    run: list[int] = []
    fields: list[int] = []      # (the prose labels' paragraphs among them)
    labels = [m.group("label") if m else None for m in matches]
    for i, (p, m) in enumerate(zip(paras, matches)):
        if m is None:
            if run:
                break
            continue
        if prose(m.group("label")):
            fields.append(i)
            continue
        value, *below = text[m.end():p.end].strip().splitlines() or [""]
        words = re.findall(r"[^\W\d_]{4,}", value)
        # (a value in sentence case, "Project: Night-shift nurses and sleep (NSNS study)", where its label never
        # opens a paragraph again: a field, not a speaker's first words)
        if len(value) >= 80 or not re.search(r"(?:[^\W_]|\))$", value) \
                or not (value[:1].isupper() or value[:1].isdigit()) or not (
                re.search(r"\d", value) or len(value.split()) >= 2 and all(w[0].isupper() for w in words)
                or len(value.split()) >= 2 and m.group("label") not in labels[i + 1:]) \
                or not all(_FIELD.fullmatch(line.strip()) or len(line) < 120 and m.group("label") not in labels[i + 1:]
                           for line in below):
            break
        run.append(i)
    if len(run) < 2:
        return set()
    # and half its labels or more never speak after it ("Project:", "Note-taker:", "Narrator:"): not a
    # conversation's first turns, "Ann: Morning Bob" / "Bob: Morning Ann", whose speakers go on speaking
    later = {m.group("label") for m in matches[run[-1] + 1:] if m}
    if sum(matches[i].group("label") not in later for i in run) * 2 < len(run):
        return set()
    return set(run) | {i for i in fields if i > run[0]}


def _structure(text: str, doc_id: str, paras: list[_Para], title: str = "") -> list[Passage]:
    marks = paragraph_marks(text, paras)
    header = _header_run(text, paras, marks[2])
    if header:      # nobody's lines, their labels no speakers'
        marks = (marks[0], marks[1], [None if i in header else m for i, m in enumerate(marks[2])])
    turns = openings(text, paras, marks)
    if not any(t and t.label for t in turns) and (bold := _bold_questions(text, paras)) \
            and (interview := _bold_exchanges(text, doc_id, paras, bold, title)):
        return interview
    askers = _askers(text, paras, turns)
    if sum(1 for t in turns if t and t.label in askers) >= 2:
        # in a Q&A a label that opens a paragraph once is a speaker's too (a journalist or senator called on
        # once), and one who asks when its words end with "?": not the last answer's words
        relaxed = openings(text, paras, marks, conversation=True)
        askers = askers | _once_askers(text, paras, turns, relaxed)
        return _exchanges(text, doc_id, paras, relaxed, askers | _second_askers(text, paras, relaxed, askers), header)
    # a conversation: someone recurs as a speaker, and two or more speak (counting those called on once)
    recurs = any(t and t.label for t in turns)
    changes = sum(1 for t in turns if t and t.change)
    # (in ">>" captions a name said once, ">> JOHN: Yes.", is a speaker's too)
    relaxed = openings(text, paras, marks, conversation=True) if recurs or changes else turns
    labelled = [i for i, t in enumerate(relaxed) if t and t.label]
    speakers = {relaxed[i].label for i in labelled if relaxed[i].label.lower() not in _ANSWER_LABELS}
    if changes and len(speakers) + changes >= 2 or (
            recurs and len(speakers) >= 2 and len(labelled) * 3 >= len(paras) - labelled[0]):
        return _conversation(text, doc_id, paras, relaxed)
    return _sections(text, doc_id, paras, turns)


# a question set wholly in bold, a paragraph of its own: a magazine's "**How do you measure that?**" (read.py writes an
# HTML page's "<p><strong>…?</strong></p>" so), its words inside the marks
_BOLD_ASK = re.compile(r"(\*\*|__)(?P<q>[^*_\s](?:(?!\1).)*?\?[\"”’')\]]*)\1", re.DOTALL)
BOLD_ASKER = "Question"     # who asks a bold question: the page names no one
# who a magazine's interview is with, in its title or its standfirst: only an interview's own formula, "an interview
# with Ingrid Solberg", "Q&A with Dr Amara Obi", "In Conversation With José Müller" (not a news explainer's "held talks
# with Emmanuel Macron", nor "Ingrid Solberg talks with Anna Berg", whose Anna Berg asks); the name its capitalised
# words after it (_interviewee_name)
_INTERVIEWEE = re.compile(r"\b(?i:interview|Q\s?&\s?A|Q and A|in conversation)\s+(?i:with)\s+"
                          r"(?P<title>(?:Dr|Prof|Professor|Sir|Dame)\.?\s+)?"
                          r"(?P<name>[A-Z][^\W\d_]+(?:[-'’][A-Z]?[^\W\d_]+)?"
                          r"(?:\s+(?:(?:de|van|von|der|da|del|di|la|le)\s+)*[A-Z][^\W\d_]+(?:[-'’][A-Z]?[^\W\d_]+)?){1,3})")
# words a Title Case headline capitalises that end a name: "In Conversation with Ingrid Solberg About Fjords"
_NOT_NAME = {"about", "on", "in", "of", "for", "at", "to", "the", "and", "or", "from", "after", "before", "over",
             "with", "by", "as", "why", "how", "what", "who", "when", "where", "into", "amid", "during", "is", "was",
             "are", "a", "an", "his", "her", "their", "our", "its", "this", "that", "part", "episode"}


def _interviewee_name(found: re.Match) -> str | None:
    """The interviewee's name in _INTERVIEWEE's words: up to a word a headline capitalises that names no one (_NOT_NAME,
    a role or an office), and after a census's first name only its middle names (census first names too) and one
    surname: "Ingrid Solberg", not "Ingrid Solberg Fjords"; two capitalised words or more, else none."""
    name: list[str] = []
    for word in found.group("name").split():
        if word.lower() in _NOT_NAME or word.lower() in ROLES:
            break
        name.append(word)
    # (a particle goes with the surname after it: "Ursula von der Leyen")
    caps = [i for i, word in enumerate(name) if word[0].isupper()]
    if len(caps) >= 2 and _plain(name[caps[0]]) in first_names():
        surname = next((i for i in caps[1:] if _plain(name[i]) not in first_names()), caps[-1])
        name = name[:surname + 1]
    if sum(1 for word in name if word[0].isupper()) < 2:
        return None
    return " ".join((found.group("title") or "").split() + name)


def _plain(word: str) -> str:
    """A word folded as the census's first names are: lower case, no accents ("José" is "jose")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def _bold_questions(text: str, paras: list[_Para]) -> list[re.Match]:
    """A magazine interview's questions (by paragraph, None where none): paragraphs wholly in bold that ask
    (_BOLD_ASK), each with a plain paragraph below it, its answer (not a heading, not another bold question); two or
    more, else none (a bold question in an article is a pull quote, a subheading)."""
    found = [_BOLD_ASK.fullmatch(text, p.start, p.end) for p in paras]
    found = [m if m and i + 1 < len(paras) and not found[i + 1] and _heading(text, paras[i + 1]) is None else None
             for i, m in enumerate(found)]
    return found if sum(1 for m in found if m) >= 2 else []


def _bold_exchanges(text: str, doc_id: str, paras: list[_Para], bold: list, title: str) -> list[Passage]:
    """A magazine interview: each bold question (its words, without the marks) opens an exchange, the plain paragraphs
    below it, up to the next, answer it, said by the one the interview is with (_INTERVIEWEE, in the title or the
    paragraphs above the first question). None where the page names no one so: a news explainer's bold subheads
    ("**Will it stop the crossings?**" under "The prime minister held talks with Emmanuel Macron …") are its own
    paragraphs, as any text's."""
    first = next(i for i, m in enumerate(bold) if m)
    named = next(filter(None, map(_interviewee_name, (
        [m for m in [_INTERVIEWEE.search(title or "")] if m]
        + [m for p in paras[:first] if (m := _INTERVIEWEE.search(text, p.start, p.end))]))), None)
    if not named:   # (a news explainer's bold subheads, "**Will it stop the crossings?**": its own paragraphs)
        return []
    paras = [_Para(m.start("q"), m.end("q")) if m else p for p, m in zip(paras, bold)]
    turns = [Turn(label=BOLD_ASKER, outlet=None, start=p.start, time=None) if m else None for p, m in zip(paras, bold)]
    # (the title and the standfirst above the first question are the magazine's, nobody's opening statement)
    out = [replace(p, section="text", kind="heading" if p.kind == "heading" else "paragraph", speaker=None)
           if p.section == "opening" else p for p in _exchanges(text, doc_id, paras, turns, {BOLD_ASKER})]
    return [replace(p, speaker=named) if p.kind == "answer" else p for p in out]


def _exchanges(text: str, doc_id: str, paras: list[_Para], turns: list[Turn | None],
               askers: set[str], header: set[int] = frozenset()) -> list[Passage]:
    """A Q&A transcript: exchanges Q1, Q2, ... of a question and the answer paragraphs after it."""
    # the main answerer: the most frequent non-asking speaker
    counts: dict[str, int] = {}
    for t in turns:
        if t and t.label and t.label not in askers and t.label.lower() not in _ANSWER_LABELS:
            counts[t.label] = counts.get(t.label, 0) + 1
    main_speaker = max(counts, key=counts.get) if counts else None
    # an exchange whose answer has no label ("Question: …?" then plain paragraphs, up to the next question): once the
    # question has asked (a "?" ending a sentence), the next paragraph starts its answer (else the question swallowed
    # its answer: in a file of such exchanges, nothing to index); where the answer is labelled, unlabelled paragraphs
    # before the label continue the question (a journalist's second paragraph)
    unlabelled, exchange_unlabelled = [False] * len(turns), True
    for i in range(len(turns) - 1, -1, -1):     # from the end: whether the exchange a paragraph is in has an answer label
        t = turns[i]
        if t and t.label and t.label not in askers:
            exchange_unlabelled = False
        unlabelled[i] = exchange_unlabelled
        if t and t.label in askers:
            exchange_unlabelled = True

    out: list[Passage] = []
    exchange = 0
    kind, speaker, outlet, time = "statement", main_speaker, None, None
    front = True    # still in the lines above the first words said (a title, an export's header)
    closed = False  # an asker's thank-you has closed the exchange: what follows, up to the next question, answers none
    tail = _tail(text, paras, turns)   # and the page's lines after the last (tags, share buttons, a copyright)
    # a select committee's record, its questions numbered ("Q1 Chair:"), opens with the committee's lines ("Members
    # present: …", "Witnesses", "I: Dr Helen Smith, …"), nobody's: no witness makes an opening statement there
    numbered = any(t and t.numbered for t in turns)
    # a court's record: "A." answers are the witness's ("THE WITNESS:" where the record names one), "Q." asks for the
    # lawyer a "BY MR. DAVIS:" line names
    witness = next((t.label for t in turns if t and t.label and t.label.lower() in _WITNESS), None)
    examiner = None
    court = _court_answers(turns, askers, witness)
    pending = False     # a question not yet answered (a court record's objection may stand between them)
    interrupted = False     # and someone's colloquy has come between it and its answer
    headings = _capital_headings(text, paras, turns)
    question_spans: dict[str, list[tuple[int, int]]] = {}   # section -> its question's paragraphs
    # where a speaker's label opens the first turn (a court record's "THE COURT: Please be seated."), the lines above
    # it (the caption, the appearances, the page's header) are nobody's, not that speaker's opening statement
    first = next((i for i, t in enumerate(turns) if t and t.label), len(turns))
    labelled_first = first < len(turns) and turns[first].label not in askers
    for n, (p, t) in enumerate(zip(paras, turns), 1):
        start = p.start
        if n - 1 in header or numbered and not exchange and not (t and t.label in askers) \
                or labelled_first and n - 1 < first:
            out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end], section="text",
                               kind="paragraph", paragraph=n))
            continue
        if t is None and unlabelled[n - 1] and kind == "question" \
                and any(_ASKED.search(text, a, b) for a, b in question_spans.get(f"Q{exchange}", ())):
            kind, speaker = "answer", None
        if t:
            start = t.start
            time = t.time if t.time is not None else time
            label = t.label
            # an asker's thank-you ("Interviewer: Thank you very much.", "Dr. Osei, thank you for joining us.")
            # neither asks nor answers: nobody's passage outside the exchanges (its label and stamp kept in the
            # quote, so that it says who thanks), and the answerer's reply to it ("Thank you.") is their turn,
            # not an answer to the question before
            if label in askers and _pleasantry(text[t.start:_turn_end(paras, turns, n)]):
                closed, kind, speaker, outlet = True, "paragraph", None, None
                out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                                   section="text", kind="paragraph", paragraph=n))
                continue
            # a host's turn that asks nothing ("Moderator: Welcome to the panel on …") opens no exchange: it is theirs
            if label is not None and _EXAMINER.match(label) and start >= p.end:
                examiner = label[3:].strip()
                continue
            hosting = label in askers and label.lower() in _HOSTS and "?" not in text[t.start:p.end] \
                and not _PROBE.match(text, t.start, p.end)
            asker = examiner if examiner and label and label.lower() in UNNAMED_LABELS else label
            answerer = label is not None and (label.lower() in _ANSWER_LABELS or label == witness)
            said = text[t.start:_turn_end(paras, turns, n)].strip() if label in askers else ""
            if said and _WITHDRAWN.fullmatch(said):
                # counsel's "Q. Withdrawn." takes the question back: no answer is its, nor anyone's up to the next
                closed, pending, interrupted = True, False, False
                kind, speaker = "turn", asker
            elif said and pending and interrupted and _GO_ON.fullmatch(said):
                # counsel's "Q. You can answer." after an objection: the question before it is still the one answered
                kind, speaker = "turn", asker
            elif label in askers and not hosting:
                exchange += 1
                closed, pending, interrupted = False, True, False
                kind, speaker = "question", asker
                outlet = t.outlet
            elif court and exchange and not closed and label is not None and not answerer:
                # colloquy in a court's record ("MS. CHEN: Objection. Form.", "MR. ALVAREZ: Let's take a break."):
                # a lawyer's turn inside the exchange, not the witness's answer, and no answer to the question
                kind, speaker, interrupted = "turn", label, True
            elif label is not None:
                kind = "turn" if closed and exchange else "answer" if exchange else "statement"
                speaker = witness if label.lower() in _ANSWER_LABELS else label
                pending = pending and kind != "answer"
            if start >= p.end:      # a label with no words after it: its words are the next paragraphs
                continue
        section = "text" if closed and exchange else f"Q{exchange}" if exchange else "opening"
        front = front and t is None and not exchange and (n == 1 or _front_matter(text[p.start:p.end])
                                                          or _header_lines(text[p.start:p.end])
                                                          or _headed_list(text[p.start:p.end]))
        if t is None and _heading(text, p) is not None:
            out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                               section=section, kind="heading", paragraph=n))
            continue
        if t is None and n < len(turns) and turns[n] and turns[n].label and _part_heading(text[p.start:p.end]):
            # (a call's "Questions & Answers:" above the operator: in no exchange, not the opening's last words)
            out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                               section="text", kind="heading", paragraph=n))
            continue
        if t is None and (n == 1 and _title_line(text[p.start:p.end]) or front and _front_matter(text[p.start:p.end])
                          or front and _header_lines(text[p.start:p.end]) or front and _headed_list(text[p.start:p.end])
                          or n - 1 in headings
                          or front and _header_block(text[p.start:p.end]) and n < len(turns) and turns[n]
                          or n - 1 in tail or _table_rows(text[p.start:p.end]) or _stage_note(text[p.start:p.end])
                          or _page_head(text[p.start:p.end])):
            # nobody's statement: the title, and an export's lines above the first words ("Transcript by Rev.com",
            # "Date: 14 May 2023. Location: Astoria, Oregon."), and a short block of lines right above the first
            # label (a podcast's "Episode 47 …" / "Recorded 3 March 2025. Transcript by Rev.com"); those above the first
            # words are in no section ("text"): nobody's opening statement either
            out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                               section="text" if section == "opening" and front else section, kind="paragraph",
                               paragraph=n))
            continue
        if kind == "question":
            question_spans.setdefault(section, []).append((start, p.end))
            if not outlet:
                m = _OUTLET_IN_TEXT.search(text, start, p.end)
                outlet = m.group("outlet").strip() if m else None
        out.append(Passage(
            doc=doc_id, start=start, end=p.end, text=text[start:p.end], section=section,
            kind=kind, paragraph=n, speaker=speaker,
            outlet=outlet if exchange else None, time=time,
        ))
    # questions may run over several paragraphs: give every passage of an exchange the full question
    # (a court record's colloquy, kind "turn" inside an exchange, answers no question: it carries none)
    full = {section: "\n\n".join(text[s:e] for s, e in spans) for section, spans in question_spans.items()}
    return [replace(ps, question=full.get(ps.section, ps.question)) if ps.section in full and ps.kind != "turn"
            else ps for ps in out]


def _court_answers(turns: list[Turn | None], askers: set[str], witness: str | None) -> bool:
    """Whether the answers of a Q&A are a court record's: "Q." asks and the witness answers, "A." (or "THE
    WITNESS:"), twice or more, and the record is a court's ("BY MR. ALVAREZ:" names the examiner, or "THE COURT:",
    "THE WITNESS:" speak; not an interview's "Q:"/"A:" where a second guest answers by name). Then a named speaker's
    turn ("MS. CHEN: Objection. Form.", "THE COURT: Overruled.") is colloquy, not an answer; not in a press
    conference, whose answers are named ("Minister Ruiz: About two million.")."""
    answers = sum(1 for t in turns if t and t.label and (t.label.lower() in _ANSWER_LABELS or t.label == witness))
    court = any(t and t.label and (_EXAMINER.match(t.label) or t.label.lower() in _COURT_LABELS) for t in turns)
    return court and answers >= 2 and any(label.lower() in UNNAMED_LABELS for label in askers)


def _conversation(text: str, doc_id: str, paras: list[_Para], turns: list[Turn | None]) -> list[Passage]:
    """A conversation nobody leads by asking (a meeting, a hearing, captions): one ``turn`` passage
    per paragraph of a turn, with its speaker; paragraphs before the first turn are paragraphs."""
    out = []
    section = "text"
    speaker = outlet = time = None
    outlets: dict[str, str] = {}    # a committee's record names a riding or an office at a label's first turn only
    kind = "paragraph"
    tail = _tail(text, paras, turns)
    headings = _capital_headings(text, paras, turns)
    for n, (p, t) in enumerate(zip(paras, turns), 1):
        if n - 1 in tail:       # the page's lines after the last words said are nobody's
            kind, speaker, outlet = "paragraph", None, None
        start = p.start
        if t:
            start = t.start
            time = t.time if t.time is not None else time
            if t.label is not None:
                kind = "turn"
                speaker = None if t.label.lower() in _ANSWER_LABELS else t.label
                if t.outlet:    # the bracket given last: "The Acting Chair (Mrs. Carol Hughes)" after Mr. Stanton's
                    outlets[t.label] = t.outlet
                outlet = outlets.get(t.label)
            elif t.change:
                kind, speaker, outlet = "turn", None, None
            if start >= p.end:      # "Marketing:" and nothing said
                continue
        else:
            heading = _heading(text, p)
            if heading is None and n < len(turns) and turns[n] and turns[n].label:
                heading = _part_heading(text[p.start:p.end])
            if heading is not None:
                section = heading
                out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                                   section=section, kind="heading", paragraph=n))
                continue
        if t is None and (_table_rows(text[p.start:p.end]) or _stage_note(text[p.start:p.end])
                          or _page_head(text[p.start:p.end])
                          or n - 1 in headings):
            # a table's rows, a note of what happened ("[Inaudible interjection from the gallery.]"): the document's,
            # the turn goes on
            out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end], section=section,
                               kind="paragraph", paragraph=n))
            continue
        out.append(Passage(doc=doc_id, start=start, end=p.end, text=text[start:p.end], section=section,
                           kind=kind, paragraph=n, speaker=speaker, outlet=outlet, time=time))
    return out


def _sections(text: str, doc_id: str, paras: list[_Para], turns: list[Turn | None]) -> list[Passage]:
    """Not a transcript: paragraphs, each in the section its latest heading names ("text" before any);
    a time stamp opening a paragraph is its time (captions with no speakers)."""
    out = []
    section = "text"
    time = None
    cited: dict[str, str] = {}     # a Markdown footnote's label -> the section that first refers to it
    for n, (p, t) in enumerate(zip(paras, turns), 1):
        heading = _heading(text, p)
        if heading is not None:
            section = heading
        note = _FOOTNOTE.match(text, p.start, p.end)
        for ref in _FOOTNOTE_REF.finditer(text, note.end() if note else p.start, p.end):
            cited.setdefault(ref.group(1), section)
        start = p.start
        if t and (t.time is not None or t.change):     # the stamp is the time, the rest (a label too) text
            start, time = t.marked, t.time if t.time is not None else time
        out.append(Passage(doc=doc_id, start=start, end=p.end, text=text[start:p.end],
                           section=cited.get(note.group(1), section) if note else section,
                           kind="heading" if heading is not None else "paragraph", paragraph=n, time=time))
    return out


# a Markdown footnote's text ("[^3]: The dispute was settled …"), at the end of a document, is cited in the section
# that refers to it ("... a six-month dispute.[^3]"), not the last heading's
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]:")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
