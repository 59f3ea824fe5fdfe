"""How a paragraph of a transcript opens: a speaker's label, a time stamp, a ">>" change of speaker.

``paragraph_marks`` finds, per paragraph, its time stamp, its ">>" and the label that may open it (``TURN``: "Name:",
"Q:", "Name (Outlet):", "[00:01:02] Name:"; a hearing's "Mr. SMITH.", the Congressional Record's "Ms. DeLAURO." and
"The SPEAKER pro tempore."; the White House's bare "Q"; Otter's "Jane Doe  0:03" header, Teams' "Okonkwo, Chidi  0:05";
a broadcast's "MARCUS HALE, CNN ANCHOR:"); ``openings`` decides which of those labels are a speaker's and makes each
paragraph's ``Turn`` (its label, bracket, where its words start, its time in seconds; a broadcast's later "HALE:" is
"MARCUS HALE"'s, _by_surname). parse.py reads them into exchanges,
conversations and sections, and its docstring says which labels count as speakers. The paragraphs are parse.py's
spans (anything with ``start`` and ``end``).
What it leaves out: who asks and who answers (parse.py), labels in lower case or after a full-width colon, a
speaker named on a line of its own without a colon or a time, a surname label in mixed case ("Hale:" after "Marcus
Hale, CNN:") or one said before the name it shortens.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .labels import (CAPITALS, CLOCK, EVERYDAY, HOURS_CLOCK, INTERVIEW_ROLES, INVERTED, LABEL, OFFICES, ROLES, TITLES, prose,
                     reading_order, spaced)

# who asks by the label's own word: a press conference's "Question:", an interview's "Interviewer:"
ASKER_LABELS = {"question", "questions", "q", "journalist", "reporter", "interviewer", "moderator"}
# a label in bold with words in lower case after its first, "**Audience member:**", "**Unidentified speaker:**": a
# speaker's only in a conversation or a Q&A whose other speakers are found, and only where it names a person or a role
# (openings, _loose_person: not a Markdown page's "**Why it matters:**" lead-in, nor minutes' "**Key takeaway:**")
_LOOSE_BOLD = rf"(?<=\*\*|__)(?P<loose>[{CAPITALS}][\w'’-]*(?: [a-z][\w'’-]*){{1,3}})(?=:\*\*|:__|\*\*:|__:)"
# "Question:", "Q:", "Sergey Lavrov:", "John Smith (Reuters):", "PhD B:", "Leader of the Opposition:",
# "The Chair (Hon. Anthony Rota (Nipissing, Lib.)):", "Caroline Lucas (Brighton, Pavilion) (Green):" (UK Hansard: the
# seat is the outlet, the party left out); the words on the same line, or on the next
# A UK select committee's question number before its asker, "Q12 Chair:", "Q2 Sarah Dyke:" (`number`: the label is
# the name, the turn asks); French typography's space before the colon, "Hélène Lefèvre :" (also a no-break one); a
# podcast service's time in square brackets after the name, "Sarah Lee [00:00:24]:" (the turn's time, as "Speaker 1
# (00:01:02):" gives it)
_TURN_BODY = (
    rf"(?:\*\*|__)?(?P<label>{LABEL}|{_LOOSE_BOLD})"
    r"(?: \((?P<outlet>(?:[^()\n]|\([^()\n]{0,80}\)){1,160})\)(?: \([A-Za-z][A-Za-z /&.'’-]{0,24}\))?"
    rf"| \[(?P<stamp>{CLOCK})\])?(?:\*\*|__)?"
    r"[ \u00a0\u202f]?:(?:\*\*|__)?"
    r"(?P<gap>[ \t]+(?=\S)|[ \t]*(?=[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]|$)|[ \t]+(?=\s))"   # any line end str.splitlines
    # knows: a lone CR (old Mac files), NEL, the Unicode line and paragraph separators; or, after a space, any other
    # space str.strip takes ("PhD B: \x1f…", an ideographic space: the label was quoted as the turn's words)
)
TURN = re.compile(rf"(?:(?P<number>Q\d{{1,4}})[ \t]+)?{_TURN_BODY}")
_UNNUMBERED = re.compile(_TURN_BODY)     # "Q4 Highlights:" where the numbers ask nothing (_numbers_ask)
# UK Hansard's numbered oral question, "1. Helen Marchant (Tiverton and Minehead) (LD): What assessment …", a topical
# one "T2. …": the label after its number, only with its seat in brackets (paragraph_marks: not a list's "1. Budget:")
_LISTED = re.compile(rf"T?\d{{1,3}}\.[ \t]+{_TURN_BODY}")
# Hansard's minister named by office, the name in brackets: "The Minister for Roads and Local Transport (Richard
# Halford):", "The Minister of State, Department for Transport (Catherine Baird):": the name is the label, the office
# its outlet; only where the office is no label's shape ("for", a comma) and the name is a label of its own elsewhere
# ("Richard Halford: I would be delighted …"), or others' labels are found and it names an office and a person
# (written questions' "The Cabinet Secretary for Transport (Huw Tregaron):", _held_office; paragraph_marks)
_OFFICE = re.compile(
    rf"(?P<outlet>The [A-Z][^():\n]{{2,120}}?) \((?P<label>{LABEL})\)(?: \([A-Za-z][A-Za-z /&.'’-]{{0,24}}\))?"
    r"[ \u00a0\u202f]?:(?P<gap>[ \t]+(?=\S))")
# (paragraph_marks: where the name and the role are in capitals; a bracket before the comma, "(D-MN)", is left out)
_ROLED = re.compile(rf"(?P<label>{LABEL})(?: \([^()\n]{{1,40}}\))?, (?P<outlet>[A-Z][A-Z0-9 .,'’&/-]{{0,80}}?)"
                    r"[ \u00a0]?:(?P<gap>[ \t]+(?=\S)|[ \t]*(?=\r?\n|$))")
# "[00:01:02] ", "[01:02] ", "(00:01:02) ", "00:01:02 ": a time stamp opening a paragraph
# (in brackets also past 99 hours: subtitles.py writes a long recording's cues so, "[100:00:09]")
_STAMP = re.compile(
    rf"(?:\[(?P<b>{CLOCK})\]|\((?P<p>{CLOCK})\)"
    rf"|(?P<n>{HOURS_CLOCK}))(?:[ \t]+(?=\S)|[ \t]*(?:\r?\n[ \t]*)+"
    rf"(?=(?:\*\*|__)?{LABEL}(?: \([^()\n]{{1,160}}\))?(?:\*\*|__)?:))"    # (alone on its line: a label after it)
)
# a stamp alone on its line (Google Meet's, a transcript's "00:00:05" above the turn): it opens a paragraph, and the
# words after it, on the next line or past a blank one, are that paragraph's (paragraphs)
_STAMP_ALONE = re.compile(rf"\[{CLOCK}\]|\({CLOCK}\)|{HOURS_CLOCK}")
# a recording's own stamp, "[00:00:01] ": with hours, in brackets (subtitles.py writes subtitles' cues so);
# one of them opening the text is a stamp even when it is the only one (a one-turn subtitle file)
_OWN_STAMP = re.compile(r"\[\d{2,3}:\d{2}:\d{2}(?:\.\d{3})?\] ")
# a label's bracket that is a time, "Speaker 1 (00:01:02):": the turn's time, not an outlet
_CLOCK_OUTLET = re.compile(rf"(?P<p>{CLOCK})")
# "Jane Doe  0:03" on a line of its own, the words on the next lines (Otter's export): a speaker and a time; also a
# directory's "Okonkwo, Chidi  0:05" (Teams' display name, read in reading order: speaker_of), and the header a
# paragraph of its own, the words the next (a Teams Word export's "Last, First" headers, which word.py leaves unjoined);
# the time in brackets or after a dash too, as podcast and transcription services write it ("Sarah Lee [00:00:24]",
# "Sarah Lee (00:00:24)", "Sarah Lee - 00:00:24"), and Slack's copied channel, the time of day its message was sent
# ("Amina Hassan  2:26 PM")
_OTTER = re.compile(
    rf"(?P<label>{LABEL}|{INVERTED})(?P<outlet>(?!))?"
    rf"(?:[ \t]+(?P<dash>[-–—|][ \t]+)?(?P<clock>(?:\d{{1,3}}:)?\d{{1,2}}:\d{{2}})(?:[ \t]*(?P<meridiem>[AaPp])\.?[Mm]\.?)?"
    rf"|[ \t]*\[(?P<bracket>{CLOCK})\]|[ \t]*\((?P<paren>{CLOCK})\))"
    r"[ \t]*(?:\r?\n(?=[ \t]*\S)|$)"
)
HALF_DAY = 12 * 3600    # seconds: a clock's "2:26 PM" is 14:26
# a label alone on its line after a time stamp, the words on the next ("[00:00:24] Sarah Lee"): only where the label
# recurs and half the stamped paragraphs or more open so (paragraph_marks: not a caption's "[00:00:05] Okay")
_STAMPED_NAME = re.compile(rf"(?P<label>{LABEL})(?P<outlet>(?!))?[ \t]*\r?\n(?=[ \t]*\S)")
# a dash between a time stamp and the label after it ("00:00:24 - Sarah Lee: words"): no words of the turn
_STAMP_DASH = re.compile(r"[-–—][ \t]+")
# a conference call's speaker named on a paragraph of their own above their words (a Motley Fool transcript's
# "Sophie Marchetti -- Chief Financial Officer", "Michael Grant -- Analyst, Barclays": the title is the outlet), and
# "Operator" alone there too; only where three such lines or more name speakers, one of them twice, and an "Operator"
# (or "Moderator", "Host") stands alone (_call_heads)
NAME_LINE = re.compile(rf"(?P<label>{LABEL})[ \t]+(?:--|—|–)[ \t]+(?P<outlet>[^\n]{{1,100}}?)[ \t]*")
_CALL_ROLE = re.compile(r"(?P<label>Operator|Moderator|Host)(?P<outlet>(?!))?[ \t]*")
# a Zoom meeting's saved chat: "15:04:11 From Tom Becker (he/him) to Everyone:" above the message's tab-indented lines
# (after the clock, read as the paragraph's time stamp): the sender, as the app shows them ("iPhone de Lucía", pronouns
# aside), is the label; whom it went to is no outlet (it would ask, as a journalist's outlet does, and last); only where
# two such lines or more stand
_CHAT_FROM = re.compile(r"From[ \t]+(?P<label>[^\s:()][^\n:()]{0,60}?)(?:[ \t]*\([^()\n]{1,20}\))?[ \t]+to[ \t]+"
                        r"[^\n:]{1,80}?[ \t]*:[ \t]*(?=\r?\n|$)(?P<outlet>(?!))?")
# a US hearing's or deposition's label, closed by a full stop: a title and a name in capitals ("The CHAIRMAN.",
# "Mr. SMITH.", "Senator WARREN."), or "Q." and "A."; only where titled ones open three paragraphs or more and one
# recurs, or "Q." and "A." each open two or more (paragraph_marks: not "MOSCOW." of a news digest, "OK." of a
# lecture, an outline's "A.")
# a surname in capitals as the GPO prints it, a prefix in lower case too: "HARGROVE", "O'NEIL", "DeLAURO", "McGOVERN",
# "MacARTHUR", "LaHOOD" (not "Tolliver": a mixed-case name is _DOT_TURN_MIXED's)
_CAPS_NAME = r"[A-Z](?:[a-z]{1,3}(?=[A-Z]{2}))?[A-Z'’-]{2,}"
_CAPS_WORD = r"[A-Z](?:[a-z]{1,3}(?=[A-Z]{2}))?[A-Z'’-]+"
_DOT_TURN = re.compile(
    r"(?P<label>(?:The|Mr|Mrs|Ms|Miss|Dr|Senator|Representative|Delegate|Chairman|Chairwoman|Madam|Judge|Justice|"
    r"Chief Justice|(?:Deputy |Under |Assistant )?Secretary|Attorney General|General|Admiral|Governor|Commissioner|"
    r"Ambassador|Administrator|Director|Mayor|Professor|Dean|Colonel|Captain|Major|Lieutenant|Sergeant)\.? "
    rf"{_CAPS_NAME}(?: {_CAPS_WORD}){{0,2}}(?: pro tempore| of [A-Z][a-z]+(?: [A-Z][a-z]+)?)?|Q|A)(?P<outlet>(?!))?"
    r"\.(?P<gap>[ \t]+(?=\S))"
)
# the same labels in mixed case, as the GPO prints a Senate hearing: "Senator Pruitt.", "Mr. Tolliver.", "Ms. Okoye.",
# "Senator Van Hollen.", "The Chair."; only where four paragraphs or more open with one and two of them each open two
# or more (paragraph_marks: not a sentence of prose, "Mr. Smith. He said …", nor an address, "Mr. President.",
# "Madam Chair.": a name, not an office, after the title)
_DOT_TURN_MIXED = re.compile(
    r"(?P<label>(?:Mr|Mrs|Ms|Miss|Dr|Senator|Representative|Delegate|Chair|Chairman|Chairwoman|Madam|Judge|Justice|"
    r"(?:Deputy |Under |Assistant )?Secretary|Attorney General|General|Admiral|Governor|Commissioner|Ambassador|"
    r"Administrator|Director|Mayor|Professor|Dean|Colonel|Captain|Major|Lieutenant|Sergeant)\.? "
    r"(?P<name>[A-Z][a-z]*(?:['’-]?[A-Z][a-z]+)*(?: [A-Z][a-z]*(?:['’-]?[A-Z][a-z]+)*){0,2})"
    r"|The (?:Acting |Vice )?(?:Chair|Chairman|Chairwoman|President|Presiding Officer|Clerk))"
    r"(?P<outlet>(?!))?\.(?P<gap>[ \t]+(?=\S))"
)
# a hearing's print beside its mixed-case labels: the GPO's cover ("HEARING" on a line of its own, "[Senate Hearing
# 118-402]"), a statement's heading ("OPENING STATEMENT OF HON. …"), the closing "[Whereupon, … adjourned.]"
_HEARING_SIGN = re.compile(r"^[ \t]*(?:HEARINGS?|(?:(?:OPENING|PREPARED|JOINT) )?STATEMENTS? OF\b[^\n]*)[ \t]*$"
                           r"|\[(?:Senate|House) Hearing\b|\[Whereupon\b", re.MULTILINE)
# a paragraph about the person its "label" names, in the third person near its start: a judge's summary of the
# evidence ("Dr. Harper. In cross-examination he conceded …", "Ms. Lopez. The claimant described …")
_THIRD_PERSON = re.compile(r"\b(?:he|she|him|her|his|hers|(?:the|this) (?:claimant|witness|expert|defendant|"
                           r"plaintiff|applicant|respondent|appellant|complainant|accused|petitioner)(?:['’]s)?)\b",
                           re.IGNORECASE)



def _held_office(match: re.Match) -> bool:
    """Whether an _OFFICE label whose name is no label of its own elsewhere is an office's holder speaking where
    others' labels are found (written questions' answers, "The Cabinet Secretary for Transport (Huw Tregaron): …"):
    a word of the office is an office's (labels.OFFICES, ROLES: "secretary", "minister") and the name is a person's,
    a title and a name or two or three capitalised words ("Dr Nia Castellanos", "Huw Tregaron")."""
    words = re.findall(r"[^\W\d_]+", match.group("outlet").lower())
    name = match.group("label").split()
    titled = name[0].lower().rstrip(".") in TITLES
    return any(w in OFFICES | (ROLES - {"the"}) for w in words[1:]) and 2 <= len(name) <= 4 and \
        all(w[:1].isupper() for w in name) and (titled or len(name) <= 3)


def _personal(label: str, lone: set[str]) -> bool:
    """Whether a broadcast's "NAME, ROLE:" label's name is a person's: a given name first ("MARCUS HALE", "SEN.
    PATRICIA HOLLOWAY"), or its surname a label alone elsewhere in the text (`lone`: "BLITZER:" of "WOLF BLITZER");
    not a heading in capitals ("PUBLIC COMMENT, OPEN FLOOR:", a council's minutes: a hostile review)."""
    from .paths import first_names

    words = [w for w in re.findall(r"[^\W\d_]+", label.lower()) if w not in TITLES]
    return bool(words) and (any(w in first_names() for w in words[:2]) or label.split()[-1] in lone)

def _a_person(label: str) -> bool:
    """Whether a label alone on its line, or a header's before its time, names someone rather than being a caption's
    word ("Okay", "Right"), a segment's title ("Worked Example", "Course Overview") or a programme's item ("Keynote",
    "Lunch"): a role ("Host"), a numbered voice ("Speaker 2"), or a name of two words or more past its titles, the
    first a census first name ("Sarah Lee") or none an everyday word of headings (labels.EVERYDAY: "Priya Raman")."""
    from .paths import first_names

    if label.lower() in ROLES or re.fullmatch(r".+ \d{1,3}", label):
        return True
    words = [w for w in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", reading_order(label).lower()) if w not in TITLES]
    return len(words) >= 2 and (words[0] in first_names() or not any(w in EVERYDAY for w in words))


# the last word of a label in sentence case that names a voice, not a role of ROLES: "Unidentified speaker", "Audience
# member", "Second caller", "Older man"
_VOICES = {"speaker", "member", "voice", "man", "woman", "male", "female", "person", "caller", "questioner", "guest",
           "participant", "attendee", "resident", "parent", "officer", "official", "spokesperson", "spokesman",
           "spokeswoman", "representative", "volunteer", "worker", "manager", "councillor", "councilor"}


def _loose_person(label: str) -> bool:
    """Whether a bold label in sentence case ("**Audience member:**") names a person or a role, not a lead-in ("**Key
    takeaway:**", "**Decision taken:**", "**Why it matters:**"): its last word a role (labels.ROLES) or a voice
    (_VOICES: "Unidentified speaker"), or its first a census first name ("Ann from accounts")."""
    from .paths import first_names

    words = label.lower().split()
    return words[-1] in (ROLES - {"the"}) | _VOICES or words[0] in first_names()


def _offsets(clocks: list[str]) -> bool:
    """Whether a document's header times (`clocks`, without AM/PM) are a recording's offsets, not times of day: one
    with hours, minutes and seconds ("00:00:24"), or, minutes and seconds alone, one past 23 minutes or with
    seconds that are not a round five ("00:39"); a rota's "09:00", "12:00", "15:30" read as times of day."""
    parts = [c.split(":") for c in clocks]
    return any(len(p) == 3 for p in parts) or any(int(p[0]) > 23 or int(p[-1]) % 5 for p in parts)


def _services(otter: list) -> list:
    """`otter` (_OTTER's matches per paragraph, None where none) without the headers of this session's forms, the
    time after a dash or in brackets or with AM/PM ("Sarah Lee - 00:00:24", "Sarah Lee [00:24]", "Amina Hassan
    2:26 PM"), unless each names a person (_a_person), two or more do, and their times are offsets (_offsets; Slack's
    AM/PM a time of day); Otter's own "Jane Doe  0:03" as before."""
    def new(o) -> bool:
        return bool(o.group("dash") or o.group("bracket") or o.group("paren") or o.group("meridiem"))

    found = [o for o in otter if o and new(o)]
    if not found:
        return otter
    people = {o.group("label") for o in found if _a_person(o.group("label"))}
    timed = [o.group("clock") or o.group("bracket") or o.group("paren") for o in found if not o.group("meridiem")]
    timed = [re.sub(r"[.,]\d+$", "", c) for c in timed]
    keep = len(people) >= 2 and (not timed or _offsets(timed))
    return [o if o is None or not new(o) or keep and o.group("label") in people else None for o in otter]


def _reported(text: str, paras: Sequence, mixed: list) -> bool:
    """Whether a quarter or more of the mixed-case "labels" head paragraphs that speak of someone in the third person
    within their first eight words: a summary of who said what, not a hearing's turns."""
    heads = [x for x in mixed if x]
    about = sum(1 for x, p in zip(mixed, paras) if x and _THIRD_PERSON.search(
        " ".join(text[x.end():p.end].split()[:8])))
    return about > 0 and about * 4 >= len(heads)


# the White House's "Q" with neither colon nor full stop ("Q    Thanks, Karine."): a question's label where it opens
# two paragraphs or more, half of them or more asking ("?"), and named speakers' labels open two or more
# (paragraph_marks: not "Q Street would get a protected lane" in a hearing)
_BARE_Q = re.compile(r"(?P<label>Q)(?P<outlet>(?!))?(?P<gap>[ \t\u00a0]+)(?=[\"“‘'(]?[A-Z])")
# ">> ": broadcast captions' mark of a new speaker, whose name they do not give
_CHANGE = re.compile(r">>[ \t]*(?=\S)")


def timing_lines(lines: list[str]) -> set[int]:
    """The lines that are a time stamp alone (Google Meet's "00:05:00", a stamp above each turn) whose next line
    with words opens a labelled turn, where two or more are so (not a race's results or a protocol's timer steps)."""
    out = set()
    for i, line in enumerate(lines):
        if _STAMP_ALONE.fullmatch(line.strip()):
            after = next((x for x in lines[i + 1:i + 4] if x.strip()), "")
            m = TURN.match(after)
            if m and after[m.end():].strip():
                out.add(i)
    return out if len(out) >= 2 else set()


def opens_turn(line: str) -> bool:
    """A line that starts a turn: a label with words after it, or a time stamp."""
    m = TURN.match(line)
    return bool(m and line[m.end():].strip()) or bool(_STAMP.match(line))


def _seconds(stamp: re.Match) -> float:
    """The seconds a time stamp names: '01:02:03' -> 3723.0, '[02:03.5]' -> 123.5."""
    value = next(v for v in stamp.groupdict().values() if v).replace(",", ".")
    total = 0.0
    for part in value.split(":"):
        total = total * 60 + float(part)
    return round(total, 3)      # (76.71, not 76.71000000000001: a stamp counts milliseconds at most)


@dataclass(frozen=True)
class Turn:
    """How a paragraph opens: its speaker label (None: only a time stamp), the label's bracket,
    where its words start (after stamp and label), its time stamp in seconds."""
    label: str | None
    outlet: str | None
    start: int
    time: float | None
    change: bool = False    # ">>": someone else speaks now, name unknown
    marked: int = 0         # where the paragraph goes on after its stamp and ">>" (the label included)
    numbered: bool = False  # a select committee's "Q12 Chair:": a question, by its number


def paragraph_marks(text: str, paras: Sequence) -> tuple[list, list, list]:
    """Per paragraph: its time stamp, its ">>" and its label's match (each None when absent)."""
    stamps = [_STAMP.match(text, p.start, p.end) for p in paras]
    if sum(1 for s in stamps if s) < 2 and not (      # one "(10:30)" in prose is not a transcript's stamp
            len(paras) == 1 and _OWN_STAMP.match(text, paras[0].start, paras[0].end)):
        stamps = [None] * len(paras)
    after = [s.end() if s else p.start for p, s in zip(paras, stamps)]
    changes = [_CHANGE.match(text, a, p.end) for p, a in zip(paras, after)]
    if sum(1 for c in changes if c) < 2:     # one ">> " is a quoted quote, unless after subtitles.py's own stamp
        changes = [c if c and s and _OWN_STAMP.match(text, p.start) else None
                   for p, s, c in zip(paras, stamps, changes)]
    after = [c.end() if c else a for a, c in zip(after, changes)]
    dashes = [_STAMP_DASH.match(text, a, p.end) if s else None for p, a, s in zip(paras, after, stamps)]
    after = [d.end() if d and TURN.match(text, d.end(), p.end) else a for p, a, d in zip(paras, after, dashes)]
    labels = [TURN.match(text, a, p.end) for p, a in zip(paras, after)]
    # a broadcast transcript's label at a speaker's first turn, the name in capitals and their role after a comma
    # ("MARCUS HALE, CNN ANCHOR:", "STEVE INSKEEP, HOST:"): the name is the label, the role its outlet (a name of two
    # words or more: not captions in capitals, "WELL, LOOK: …")
    roled = [None if m else _ROLED.match(text, a, p.end) for p, a, m in zip(paras, after, labels)]
    lone = {m.group("label") for m in labels if m and " " not in m.group("label")}
    labels = [m or (r if r and " " in r.group("label") and not re.search(r"[a-z]", r.group("label") + r.group("outlet"))
                    and _personal(r.group("label"), lone) else None) for m, r in zip(labels, roled)]
    # a cover page's or a contents list's line ("President:  Mr. Delaunay . . . . . (France)", "Members:  Algeria . .
    # . Mr. Geng", a UN verbatim record's): its dot leaders make a list, not words said
    labels = [None if m and _LEADER.search(text, m.end(), _line_end(text, m.end(), p.end)) else m
              for m, p in zip(labels, paras)]
    # a numbered oral question's label, with its seat, and a minister's named by office (_LISTED, _OFFICE)
    listed = [None if m else _LISTED.match(text, a, p.end) for p, a, m in zip(paras, after, labels)]
    labels = [m or (x if x and x.group("outlet") else None) for m, x in zip(labels, listed)]
    own = {m.group("label") for m in labels if m}
    offices = [None if m else _OFFICE.match(text, a, p.end) for p, a, m in zip(paras, after, labels)]
    labels = [m or (o if o and (o.group("label") in own or own and _held_office(o)) else None)
              for m, o in zip(labels, offices)]
    numbered = [i for i, m in enumerate(labels) if m and m.groupdict().get("number")]
    if numbered and not _numbers_ask(labels, numbered):      # a label of its own, "Q4 Highlights", as before
        for i in numbered:
            labels[i] = _UNNUMBERED.match(text, after[i], paras[i].end)
    dotted = [None if m else _DOT_TURN.match(text, a, p.end) for p, a, m in zip(paras, after, labels)]
    found = Counter(d.group("label") for d in dotted if d)
    titled = {label: n for label, n in found.items() if label not in ("Q", "A")}
    asked = found["Q"] >= 2 and found["A"] >= 2
    hearing = sum(titled.values()) >= 3 and max(titled.values(), default=0) >= 2
    if asked or hearing:
        labels = [m or (d if d and ((hearing and d.group("label") in titled) or (asked and d.group("label") in "QA"))
                        else None) for m, d in zip(labels, dotted)]
    mixed = [None if m else _DOT_TURN_MIXED.match(text, a, p.end) for p, a, m in zip(paras, after, labels)]
    mixed = [x if x and not (x.group("name") and x.group("name").lower() in OFFICES | ROLES) else None for x in mixed]
    said = Counter(x.group("label") for x in mixed if x)
    if sum(said.values()) >= 4 and sum(1 for n in said.values() if n >= 2) >= 2 and (
            hearing or _HEARING_SIGN.search(text) or not _reported(text, paras, mixed)):
        labels = [m or x for m, x in zip(labels, mixed)]
    bare = [None if m else _BARE_Q.match(text, a, p.end) for p, a, m in zip(paras, after, labels)]
    asking = [b for b, p in zip(bare, paras) if b and "?" in text[b.end():p.end]]
    if len(asking) >= 2 and len(asking) * 2 >= sum(1 for b in bare if b) \
            and sum(1 for m in labels if m and m.group("label") not in "QA") >= 2:
        labels = [m or b for m, b in zip(labels, bare)]
    otter = [None if s or c else _OTTER.match(text, p.start, p.end) for p, s, c in zip(paras, stamps, changes)]
    # (a header alone in its paragraph heads the next one's words: not one above another header, nor the last)
    otter = [o if o is None or o.end() < p.end or i + 1 < len(paras) and not otter[i + 1] else None
             for i, (o, p) in enumerate(zip(otter, paras))]
    # a podcast service's or Slack's header ("Sarah Lee - 00:00:24", "Sarah Lee [00:24]", "Amina Hassan  2:26 PM")
    # only where it names people, several (_a_person), and its time is a recording's offset, or Slack's time of day
    # (_offsets): not a programme's "Keynote 9:00 AM", a rota's "Ann Ruiz - 09:00"
    otter = _services(otter)
    # "Jane Doe  0:03" is a speaker's header when someone's recurs: not an agenda's "Coffee Break  10:15"
    if max(Counter(o.group("label") for o in otter if o).values(), default=0) >= 2:
        labels = [o or m for o, m in zip(otter, labels)]
    named = [_STAMPED_NAME.match(text, a, p.end) if s and not m else None
             for p, a, s, m in zip(paras, after, stamps, labels)]
    heads = Counter(n.group("label") for n in named if n and _a_person(n.group("label")))
    named = [n if n and n.group("label") in heads else None for n in named]
    if max(heads.values(), default=0) >= 2 and 2 * sum(heads.values()) >= sum(1 for s in stamps if s):
        labels = [m or n for m, n in zip(labels, named)]
    chat = [_CHAT_FROM.match(text, a, p.end) if s and not m else None for p, a, s, m in zip(paras, after, stamps, labels)]
    if sum(1 for c in chat if c) >= 2:
        labels = [m or c for m, c in zip(labels, chat)]
    return stamps, changes, _call_heads(text, paras, stamps, changes, labels)


def _call_heads(text: str, paras: Sequence, stamps: list, changes: list, labels: list) -> list:
    """`labels` with a conference call's speakers named on paragraphs of their own (NAME_LINE, _CALL_ROLE) where
    three or more such lines name speakers, one of them twice: each such paragraph opens that speaker's turn, which
    goes on over the paragraphs after it (a name alone, as "Grad A:" alone on its line)."""
    free = [not (s or c or m) for s, c, m in zip(stamps, changes, labels)]
    heads = [NAME_LINE.fullmatch(text, p.start, p.end) if f else None for p, f in zip(paras, free)]
    named = Counter(h.group("label") for h in heads if h)
    if sum(named.values()) < 3 or max(named.values(), default=0) < 2 or not any(
            _CALL_ROLE.fullmatch(text, p.start, p.end) for p, f in zip(paras, free) if f):
        return labels       # (no "Operator" alone: a list of quotations each followed by "Mark Twain -- Notebook")
    heads = [h or (_CALL_ROLE.fullmatch(text, p.start, p.end) if f else None) for p, f, h in zip(paras, free, heads)]
    # heads one after another (the list of "Call participants" at the end) open no turn, and a
    # "Name:" label said once that names none of them ("Contents:", "Duration: 57 minutes") is the page's
    listed = {i for i in range(len(heads)) if heads[i] and ((i + 1 < len(heads) and heads[i + 1]) or i + 1 == len(heads)
                                                             or (i and heads[i - 1]))}
    heads = [None if i in listed else h for i, h in enumerate(heads)]
    said = Counter(m.group("label") for m in labels if m)
    return [h or (m if m and (said[m.group("label")] >= 2 or m.group("label") in named) else None)
            for m, h in zip(labels, heads)]


# dot leaders: ten dots or more, then at most a short name, number or bracket to the line's end ("(France)",
# "Mr. Geng", "12"); not a speaker trailing off ("The winters.......... the winters were brutal")
_LEADER = re.compile(r"(?:\.[ \u00a0]?){10,}[ \u00a0]*(?:[(\d]|[^\W\d_](?<=[A-ZÀ-Þ]))[^\n]{0,40}$")
# a bracket that says in which language, or through whom, a speaker spoke: a UN record's "(spoke in French)"
# (and a broadcast's note of how the speaker is heard: "OSTROWSKI (voice-over):", "(on camera)", "(via telephone)")
_LANGUAGE_NOTE = re.compile(r"(?:spoke|speaking|spoken) in [^\W\d_]+|interpretation from [^\W\d_]+"
                            r"|voice[- ]?over|(?:on|off)[- ]camera|(?:via|by|on the) (?:tele)?phone|v\.o\.|o\.s\."
                            r"|via (?:satellite|video ?link|videoconference)|through (?:a )?translator"
                            r"|(?:through|via) (?:an )?interpret(?:er|ation)", re.IGNORECASE)


def _line_end(text: str, start: int, end: int) -> int:
    found = text.find("\n", start, end)
    return end if found < 0 else found


def _numbers_ask(labels: list, numbered: list[int]) -> bool:
    """Whether the numbered labels (`numbered`, indexes into `labels`) are a select committee's questions, "Q12 Chair:":
    three or more, their numbers rising, and half of them or more answered by a label without one (not an earnings
    call's "Q4 Highlights:", nor a meeting's "Q3 Sales:" / "Q4 Sales:")."""
    numbers = [int(labels[i].group("number")[1:]) for i in numbered]
    answered = sum(1 for i in numbered
                   if (after := next((m for m in labels[i + 1:] if m), None)) and not after.groupdict().get("number"))
    return len(numbered) >= 3 and all(a < b for a, b in zip(numbers, numbers[1:])) and answered * 2 >= len(numbered)


def openings(text: str, paras: Sequence, marks: tuple[list, list, list],
              conversation: bool = False) -> list[Turn | None]:
    """Each paragraph's opening: a speaker's label and/or a time stamp, or None (see the module's
    docstring for what makes a label a speaker's). In a `conversation` (speakers found already) a
    label that opens a paragraph once is a speaker's too ("Steve Davies:", called on once)."""
    stamps, changes, matches = marks
    counts = Counter(m.group("label") for m in matches if m)
    # a label after a time stamp names a speaker even once ("[00:00:01] Ana: ...", a VTT voice) when half
    # the stamped paragraphs or more open with one: not a caption's "[00:00:09] Today: we ..." among many
    stamped = [m for s, m in zip(stamps, matches) if s]
    named = sum(1 for m in stamped if m and not prose(m.group("label")))
    by_stamp = bool(stamped) and named * 2 >= len(stamped)
    # "SUBJECT:" answering "INTERVIEWER:" (INTERVIEW_ROLES), each opening two paragraphs or more: the interviewee's
    asked = any(n >= 2 and label.lower().rstrip(".") in ASKER_LABELS for label, n in counts.items())
    roles = {label for label, n in counts.items() if asked and n >= 2 and label.lower() in INTERVIEW_ROLES}
    out: list[Turn | None] = []
    for p, s, c, m in zip(paras, stamps, changes, matches):
        if m:
            label = m.group("label")
            folded = label.lower().rstrip(".")
            if prose(label) and label not in roles or m.groupdict().get("loose") and not (
                    conversation and _loose_person(label)) or not (
                    folded in ASKER_LABELS or m.group("outlet") or m.group().startswith(("**", "__"))
                    or m.groupdict().get("number")
                    or counts[label] >= 2 or conversation or (s is not None and by_stamp)
                    or m.re in (_OTTER, _STAMPED_NAME)):     # "Jane Doe  0:03" on its own line, in two
                # paragraphs or more
                m = None
        if m is None and s is None and c is None:
            out.append(None)
            continue
        start = m.end() if m else (c or s).end()
        while start < p.end and text[start].isspace():
            start += 1
        again = m and TURN.match(text, start, p.end)
        while again and again.group("label") == m.group("label"):    # "Grad A:" alone, then "Grad A: ..."
            start = again.end()
            while start < p.end and text[start].isspace():
                start += 1
            again = TURN.match(text, start, p.end)
        outlet = " ".join(m.group("outlet").split()) if m and m.group("outlet") else None
        if outlet and _LANGUAGE_NOTE.fullmatch(outlet):
            outlet = None       # "The President (spoke in French):": how it was said, no outlet
        time = _seconds(s) if s else None
        if m and m.re is _OTTER:
            time = _header_time(m)
        clock = _CLOCK_OUTLET.fullmatch(outlet) if outlet else None
        clock = clock or (m and m.re is not _OTTER and _CLOCK_OUTLET.fullmatch(m.groupdict().get("stamp") or ""))
        if clock:       # "Speaker 1 (00:01:02):"
            outlet, time = None, time if time is not None else _seconds(clock)
        marked = (c or s).end() if c or s else p.start
        out.append(Turn(_speaker(m) if m else None, outlet, start, time, bool(c), marked,
                        bool(m and m.groupdict().get("number"))))
    return _by_surname(_ended(text, paras, out))


# f4's and f5's stamp closing a paragraph, "#00:00:36-0#" (hours, minutes, seconds, tenths: qualitative research's
# transcription software): where the paragraph ends, so where the next one starts
_F4_END = re.compile(r"#(\d{1,2}):(\d{2}):(\d{2})(?:-(\d{1,2}))?#[ \t]*$")


def _ended(text: str, paras: Sequence, turns: list[Turn | None]) -> list[Turn | None]:
    """`turns` with the time of each that has none taken from the stamp closing the paragraph before (f4's, where
    two paragraphs or more close so; the first turn at the recording's start)."""
    ends = [_F4_END.search(text, p.start, p.end) for p in paras]
    if sum(1 for e in ends if e) < 2:
        return turns
    out = list(turns)
    first = next((i for i, t in enumerate(out) if t is not None), None)
    if first is not None and out[first].time is None and not any(ends[:first]):
        out[first] = replace(out[first], time=0.0)
    for i in range(1, len(out)):
        e = ends[i - 1]
        if out[i] is not None and out[i].time is None and e:
            seconds = int(e.group(1)) * 3600 + int(e.group(2)) * 60 + int(e.group(3)) + int(e.group(4) or 0) / 10
            out[i] = replace(out[i], time=float(seconds))
    return out


def _header_time(m: re.Match) -> float:
    """The time an _OTTER header gives, in seconds ("0:03", "[00:00:24]"; Slack's "2:26 PM" the time of day)."""
    clock = m.group("clock") or m.group("bracket") or m.group("paren")
    time = _seconds(_CLOCK_OUTLET.fullmatch(clock))
    meridiem = (m.group("meridiem") or "").lower()
    if meridiem:        # hours and minutes ("9:02 AM"; 12:05 AM is 00:05, 12:30 PM 12:30)
        time = time * 60 % HALF_DAY + (HALF_DAY if meridiem == "p" else 0)
    return time


def _by_surname(turns: list[Turn | None]) -> list[Turn | None]:
    """`turns` with a broadcast transcript's later labels of a surname alone, in capitals ("HALE:"), named as the
    person's first label named them ("MARCUS HALE, CNN ANCHOR:", "SEN. PATRICIA HOLLOWAY (D-MN):"): one speaker,
    "MARCUS HALE". Only where that first label, in capitals too, stands before them and no other label of the
    document ends in the same surname (two Smiths stay "SMITH")."""
    full: dict[str, set[str]] = {}
    for t in turns:
        if t and t.label and len(t.label.split()) >= 2 and not re.search(r"[a-z]", t.label):
            full.setdefault(t.label.split()[-1], set()).add(t.label)
    if not full:
        return turns
    out, seen = [], set()
    for t in turns:
        if t and t.label:
            seen.add(t.label)
            named = full.get(t.label, ())
            if len(named) == 1 and next(iter(named)) in seen:
                t = replace(t, label=next(iter(named)))
        out.append(t)
    return out


def _speaker(m: re.Match) -> str:
    """The speaker a label's match names: its label, a directory's "Okonkwo, Chidi" in reading order."""
    label = m.group("label")
    return reading_order(label) if m.re is _OTTER and "," in label else label


def label_start(text: str, words: int, label: str) -> int | None:
    """Where the label `label` opening the turn whose words start at `words` begins ("Priya Nair: I'd like …": its
    P; past a time stamp or a ">>" before it, on the words' line or alone on the line above), so that a quote of
    several turns can open with its first speaker's name; None where no such label stands right before the words
    (a paragraph that goes on with the turn before it). The text is read as parse.py reads it: its no-break spaces
    as spaces ("Tom\u00a0Hale:" is Tom Hale's label)."""
    text = spaced(text)

    def line_start(end: int) -> int:        # (any line end: "\n", "\r\n", an old Mac file's lone "\r")
        return max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1

    before = text[:words].rstrip()      # a conference call's name on its own paragraph above ("Ann Lee -- CFO")
    head = line_start(len(before))
    for pattern in (NAME_LINE, _CALL_ROLE):
        m = pattern.fullmatch(text, head, len(before))
        if m and m.group("label") == label and text[len(before):words].count("\n") <= 2:
            return head
    line = line_start(words)
    if line and not text[line:words].strip():       # "Marketing:" alone on its line, the words on the next
        line = line_start(line - 1 - (text[line - 2:line] == "\r\n"))
    at = line
    stamp = _STAMP.match(text, at, words)
    for mark in (_STAMP, _CHANGE) + ((_STAMP_DASH,) if stamp else ()):     # ("00:00:24 - Sarah Lee: …")
        m = mark.match(text, at, words)
        at = m.end() if m else at
    for pattern in (TURN, _UNNUMBERED, _DOT_TURN, _DOT_TURN_MIXED, _OTTER, _STAMPED_NAME, _CHAT_FROM, _LISTED, _OFFICE,
                    _ROLED):   # "Name:", a hearing's
        # "Mr. SMITH.", Otter's "Jane Doe  0:03", a Zoom chat's "From Ann to Everyone:", Hansard's "1. Name (Seat):" and
        # "The Minister for … (Name):"
        m = pattern.match(text, at, words + 1)
        if m and _speaker(m) in (label, label.split()[-1]) and m.end() <= words and not text[m.end():words].strip():
            # (a broadcast's "HALE:" of "MARCUS HALE", _by_surname)
            return m.start()
    return None

