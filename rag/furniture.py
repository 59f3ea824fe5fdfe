"""Lines nobody says: what a page or an export prints around the words said. An export's header above the first
words ("Transcript by Rev.com", "Date: …", Otter's keyword blocks), the page's lines after the last ("Tags: …", "©
…", a call's list of participants), running heads and feet, page and column marks, a transcriber's note in brackets,
a record's formulas ("The meeting rose at 11.40 a.m."), a table's rows and headings between turns, a title line. Each
test reads a paragraph (or the paragraphs around it); ``parse.py`` and ``exchanges.py`` keep them out of every
speaker's turn. What it leaves out: a running head run into a paragraph's lines, one without a page's number or date.
"""
from __future__ import annotations

import re

from .labels import LABEL, editors_note, prose
from .paragraphs import COLUMN, Para, capitals
from .turns import NAME_LINE


def title_line(body: str) -> bool:
    """A first paragraph that is a title, not the opening of a statement: one short line ending in a word, no
    punctuation after it ("Focus group 3, island residents", "Prime Minister's Questions"; not "Good morning,")."""
    return len(body) < 160 and "\n" not in body and bool(re.search(r"[^\W_]$", body))


# the mark a transcript's end is printed with: a broadcast transcript's "END", a press release's "###", "-30-"
_END_MARK = re.compile(r"\(?END(?: OF (?:TRANSCRIPT|SHOW|BROADCAST|PROGRAM|RECORDING))?\)?|#{3}|# # #|-30-")


def page_line(body: str) -> bool:
    """A line the page prints, not a speaker: short, one line, a copyright notice, the end's mark (_END_MARK) or
    opening with a label of prose ("Tags: Serbia, Kosovo", "Date: 14 May 2023. Location: Astoria, Oregon.")."""
    if len(body) >= 120 or "\n" in body:
        return False
    if _END_MARK.fullmatch(body):
        return True
    label = re.match(rf"({LABEL}):", body)
    return bool(label and prose(label.group(1))) or bool(re.match(r"(?:©|\(c\)|copyright\b)", body, re.IGNORECASE))


def front_matter(body: str) -> bool:
    """A line of an export's header above the first words said: a page_line, or a short line that is no sentence
    (ending in a word or a bracket) holding a number or a web address, or in Title Case ("Transcript by Rev.com",
    "Lookout Interview (Completed 03/14/24)", "Oral History Project"; not "Thank you for coming at such short notice",
    a speaker's first words)."""
    if page_line(body) or _labelled_line(body) or editors_note(body):     # ("Recorded at …. Edited for length.")
        return True
    if len(body) >= 120 or "\n" in body or not re.search(r"(?:[^\W_]|[)\]])$", body):
        return False
    words = re.findall(r"[^\W\d_]{4,}", body)
    return bool(re.search(r"\d|\w\.[a-z]{2,}\b", body)) or bool(words) and all(w[0].isupper() for w in words)


def _labelled_line(body: str) -> bool:
    """A line of a header's that a label of prose opens, however long: a focus group's "Participants: 7 (P1–P7),
    recruited from …", "Duration: 01:28:14" (a page_line is short)."""
    label = re.match(rf"({LABEL}):", body)
    return "\n" not in body and bool(label and prose(label.group(1)))


def headed_list(body: str) -> bool:
    """A block of an export's header: a heading in capitals on its first line, lines below it that end no sentence
    (Otter's "SUMMARY KEYWORDS" / "damp, repairs, housing association", "SPEAKERS" / "Leonie Brandt, Samuel
    Adeyemi"). Only read above the first words said."""
    head, *below = body.splitlines()
    return bool(below) and len(head.split()) <= 4 and capitals(head) and not re.search(r"[^\w\s]", head) \
        and not any(re.search(r"[.!?…]$", line.strip()) for line in below)


_TABLE_ROW = re.compile(r"\|?[^|\n]+(?: \| [^|\n]*)+\|?")


def header_block(body: str) -> bool:
    """A block of two or three short lines (a title, a date, who recorded it): a header's shape, not a speaker's
    paragraph. Only read right above the first label of a Q&A, where an opening statement would be one long
    paragraph or several."""
    lines = body.splitlines()
    return 2 <= len(lines) <= 3 and all(0 < len(line.strip()) < 120 for line in lines)


def header_lines(body: str) -> bool:
    """A header_block each of whose lines is a front_matter line, above the first words said anywhere among an
    export's lines (Rev's "Harbor Lane Oral Interviews - Episode 3 (Completed 04/11/24)" / "Transcript by Rev.com",
    above "Page 1 of 3"; "Subject: Walter Pennock, keeper …" / "Recorded at his home …, 3 February 2023" below a
    title): nobody's, no opening statement."""
    return header_block(body) and all(front_matter(line.strip()) for line in body.splitlines())


_STAGE_NOTE = re.compile(r"\[[^\[\]\n]{1,200}\]|\([^()\n]{1,200}\)")


# a parliament's record of what members did, no brackets: UK Hansard's "Several hon. Members rose—", Australia's
# "Honourable members interjecting—", "Opposition members interjecting—"
_MEMBERS_NOTE = re.compile(r"(?:(?:Several|Some|Many|Opposition|Government|Hon\.|Honourable) )?"
                           r"(?:hon\. |honourable )?[Mm]embers (?:rose|interjecting)[—–-]*")


# a record's own notes of what was done, in the formulas it prints them in: a UN verbatim record's "The meeting rose at
# 11.40 a.m." / "The meeting was called to order at 10.05 a.m.", the Congressional Record's "The Clerk read the title
# of the bill.", "There was no objection.", "The question was taken; and …", "A motion to reconsider was laid on the
# table."
_RECORD_NOTE = re.compile(
    r"The meeting (?:rose|resumed|was (?:called to order|suspended|adjourned|resumed|closed))(?: at [^\n]{1,80})?\."
    r"|The Clerk read (?:the title of )?the (?:bill|resolution|joint resolution|concurrent resolution|amendment"
    r"|Senate amendment)\b[^\n]{0,60}\.|There was no objection\.|The question was taken(?:;.{1,300})?\."
    r"|A motion to reconsider was laid on the table\.", re.DOTALL)


def stage_note(body: str) -> bool:
    """A paragraph that is only a transcriber's note in brackets ("[Inaudible interjection from the public
    gallery.]", "(Laughter)", "[GAVEL]"), a parliament's note of what members did ("Several hon. Members rose—"), its
    record's column marker ("14 Nov 2023 : Column 613") or one of a record's formulas (_RECORD_NOTE: "The meeting rose
    at 11.40 a.m."): what happened, not the words of the speaker before it."""
    body = body.strip()
    return bool(_STAGE_NOTE.fullmatch(body) or _MEMBERS_NOTE.fullmatch(body) or COLUMN.fullmatch(body)
                or _RECORD_NOTE.fullmatch(body))


# the page's furniture, a line of its own: the Congressional Record's page and time marks ("[[Page H1022]]",
# "{time}  1415"), a rule ("____________________"); and a running head or foot set out in columns (page_furniture)
_PAGE_MARK = re.compile(r"\[\[Page [A-Z]{0,2}\d{1,5}\]\]|\{time\}[ \t]+\d{4}|[_=*~-]{5,}")
# a running head's or foot's field that says where the page is: its number of how many ("2/4", "Page 3 of 9", "- 12 -")
# or the day ("12/03/2026")
_PAGE_FIELD = re.compile(r"(?:Page )?\d{1,4}(?: ?/ ?| of )\d{1,4}|Page \d{1,4}|- ?\d{1,4} ?-|\d{1,2}[/.]\d{1,2}[/.]\d{4}")


def page_furniture(body: str) -> bool:
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


def page_head(body: str) -> bool:
    """A page's running head between turns: its number alone on a line, then at most two short lines that end no
    sentence (a court record's "413" / "Haller - Direct"): the page's, not the words of the speaker before it."""
    lines = [line.strip() for line in body.splitlines()]
    return bool(re.fullmatch(r"\d{1,5}", lines[0])) and len(lines) <= 3 and all(
        0 < len(line) < 80 and not re.search(r"[.!?…]$", line) for line in lines[1:])


def table_rows(body: str) -> bool:
    """A paragraph of a table's rows ("Bob Smith | Fix the reporting jobs", read.py writes a Word table's rows so;
    Markdown's "| a | b |"): the document's, not the words of the speaker before it."""
    return all(_TABLE_ROW.fullmatch(line.strip()) for line in body.splitlines() if line.strip())


def part_heading(body: str) -> str | None:
    """The name of a part of a conversation a heading line gives right above a turn, closed by a colon: a call
    transcript's "Prepared Remarks:", "Questions & Answers:" (one line, in title case, title_case); else None."""
    name = body[:-1].strip() if body.endswith(":") else ""
    return name if title_case(name.replace(" & ", " and ")) else None


def tail_lines(text: str, paras: list[Para], turns: list) -> set[int]:
    """The paragraphs (indexes) after the last one a label opens that are the page's, not the last speaker's:
    from the end, while each is a page_line ("Tags: Serbia", "© 2005-2024 The Ministry of Foreign Affairs"), or a
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
        if turns[i] or not (page_line(body) or listed[i] or short and i > first or short and body.endswith(":")
                            and i + 1 < len(paras) and listed[i + 1]):
            break
        out.add(i)
    return out


def title_case(body: str) -> bool:
    """A heading in title case on one line: "Rural Rail Connectivity" (Hansard's heading of the next question), two
    to eight words, those of four letters or more capitalised, no digit, no punctuation but a hyphen or an apostrophe
    (not "Sounds good", "Thanks Bob!")."""
    words = body.split()
    return "\n" not in body and 2 <= len(words) <= 8 and body[:1].isupper() \
        and bool(re.fullmatch(r"[^\W\d_]+(?:['’-][^\W\d_]+)*(?: [^\W\d_]+(?:['’-][^\W\d_]+)*)*", body)) \
        and all(w[0].isupper() for w in words if len(w) >= 4)


def capital_headings(text: str, paras: list[Para], turns: list) -> set[int]:
    """The paragraphs (indexes) that are headings in capitals (capitals) between turns, nobody's words: none ends a
    sentence (a speaker's "WE CANNOT CUT THE LIBRARY HOURS AGAIN." is theirs), and each stands before any turn has
    opened, or right above one (past other such headings: "MARIA LOPEZ, SWORN", "DIRECT EXAMINATION", "BY MR. DAVIS:");
    none in a text written in capitals throughout (mostly_lower)."""
    if not mostly_lower(text):
        return set()
    out: set[int] = set()
    above_turn = False      # (walking back from the end: whether the paragraph after this one opens a turn, past headings)
    for i in range(len(paras) - 1, -1, -1):
        body = text[paras[i].start:paras[i].end]
        labelled = bool(turns[i] and turns[i].label)
        if not labelled and (capitals(body) or title_case(body)) and not re.search(r"[.!?…]\s*$", body):
            if above_turn:
                out.add(i)
        else:
            above_turn = labelled
    first = next((i for i, t in enumerate(turns) if t and t.label), len(turns))
    return out | {i for i in range(first) if not (turns[i] and turns[i].label)
                  and capitals(text[paras[i].start:paras[i].end])}


def mostly_lower(text: str) -> bool:
    """Whether most of a text's cased letters are lower case (not captions or a record in capitals throughout)."""
    return len(re.findall(r"[a-zà-ÿ]", text)) > len(re.findall(r"[A-ZÀ-Þ]", text))


def is_fragment(body: str) -> bool:
    """Page chrome before a title: a short line that is not a sentence (an author card, a name)."""
    return len(body) < 120 and not re.search(r"[.!?…»”\"]$", body)


# a header's line of a field and its value below a labelled one, in the same paragraph: "Date of interview: 17 June
# 2019", "Transcript reviewed by interviewee: Yes" (a label's grammar takes no lower-case words)
_FIELD = re.compile(r"[A-Z][\w'’ -]{0,40}:[ \t]+\S[^\n]{0,118}")


# a field after another on a header's line, past the first's sentence end: "… Guest: Siobhan Kerrigan, …"
_NEXT_FIELD = re.compile(rf"(?<=[.;|])[ \t]+(?P<label>{LABEL}):[ \t]+(?=\S)")


def _fields_line(text: str, p: Para, m: re.Match, later: list[str | None]) -> bool:
    """Whether a paragraph that a label opens (`m`) is a header's line of two fields or more, a podcast's "Host: Martin
    Alcock. Guest: Siobhan Kerrigan, who farms 180 hectares near Banbury.": one line, each field's label opening no
    later paragraph (`later`: not a speaker's first words, "Ann: Hi. Bob: there?"), the values before the last short
    and asking nothing (not a speaker's turn with a "Reason: …" inside it)."""
    body = text[p.start:p.end]
    found = list(_NEXT_FIELD.finditer(text, m.end(), p.end))
    if not found or "\n" in body or len(body) >= 240:
        return False
    values = [text[a.end():b.start()] for a, b in zip([m] + found, found)]
    names = {m.group("label")} | {f.group("label") for f in found}
    return all(len(v) < 80 and "?" not in v and _named_value(v) for v in values) and not names & set(later)


def _named_value(value: str) -> bool:
    """Whether a field's value before another field names something, as a header's does ("Martin Alcock.", "14 May
    2024;"): one phrase (no sentence end inside it), its longer words capitalised or a figure in it; not a speaker's
    words ("Chair: Thanks all for coming. Apologies: …", "Mr. Speaker: Order. Order. Question: …")."""
    value = value.strip().rstrip(".;|").strip()
    words = re.findall(r"[^\W\d_]{4,}", value)
    return bool(value) and not re.search(r"[.!?]\s", value) and (
        bool(re.search(r"\d", value)) or all(w[0].isupper() for w in words))


# the roles a header's field names the one who answers by ("Guest: Siobhan Kerrigan, who farms …"), and the name itself:
# its capitalised words, a title before them
_GUEST_ROLES = {"guest", "guests", "interviewee", "respondent"}
_FIELD_AT = re.compile(rf"(?:^|(?<=[.;|])[ \t]+)(?P<label>{LABEL}):[ \t]+", re.MULTILINE)
_PERSON = re.compile(r"(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms|Mx|Sir|Dame)\.?[ \t]+)?[A-Z][^\W\d_]+(?:[-'’][A-Z]?[^\W\d_]+)?"
                     r"(?:[ \t]+[A-Z][^\W\d_]+(?:[-'’][A-Z]?[^\W\d_]+)?){1,3}(?=[ \t]*(?:[,.;(|]|$))")


def header_guest(text: str, paras: list[Para], header: set[int]) -> str | None:
    """The one person the header's fields (`header`: header_run's paragraphs) name as the one who answers ("Guest:
    Siobhan Kerrigan, who farms 180 hectares near Banbury.", "Interviewee: Dr Amara Obi"): the "A:" answers below are
    theirs; None where no field or several people are so named."""
    named = set().union(*(field_people(text[paras[i].start:paras[i].end], _GUEST_ROLES) for i in header))
    return named.pop() if len(named) == 1 else None


def field_people(body: str, roles: set[str]) -> set[str]:
    """The people the fields of `body` whose label is one of `roles` (lower case) name: "Siobhan Kerrigan" of "Host:
    Martin Alcock. Guest: Siobhan Kerrigan, who farms …" for {"guest"}; a field's value that opens with no person's
    name (two capitalised words or more, a title before them) names none."""
    fields = list(_FIELD_AT.finditer(body))
    named = set()
    for m, after in zip(fields, fields[1:] + [None]):
        if m.group("label").lower() in roles:
            person = _PERSON.match(body[m.end():after.start() if after else len(body)].strip())
            if person:
                named.add(person.group())
    return named


def header_run(text: str, paras: list[Para], matches: list) -> set[int]:
    """The paragraphs (indexes) of a header of labelled lines above the first words said, two or more in a row, each
    a label then a name, a title or a date ("Moderator: Dr Rachel Evans", "Project: Screens, Sleep and School",
    "Narrator: Dolores Barrios (DB)"): a short line opening with a capital or a digit, no sentence (no full stop or
    question mark at its end), a number in it or two words or more, its longer words capitalised (or, where its
    label opens no later paragraph, in sentence case: "Project: Night-shift nurses and sleep (NSNS study)"), and below
    it in the same paragraph only lines of a field and its value (_FIELD: "Date of interview: 17 June 2019"; where its label
    opens no later paragraph, any short line: "Transcribed verbatim; identifying details removed."), or a line of two
    fields or more, a run of its own (_fields_line: "Host: Martin Alcock. Guest: Siobhan Kerrigan, …"). Only the first
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
        if _fields_line(text, p, m, labels[i + 1:]):
            run += [i, i]       # (two fields or more: a run of its own)
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
    run = sorted(set(run)) if len(run) >= 2 else []
    if not run:
        return set()
    # and half its labels or more never speak after it ("Project:", "Note-taker:", "Narrator:"): not a
    # conversation's first turns, "Ann: Morning Bob" / "Bob: Morning Ann", whose speakers go on speaking
    later = {m.group("label") for m in matches[run[-1] + 1:] if m}
    if sum(matches[i].group("label") not in later for i in run) * 2 < len(run):
        return set()
    return set(run) | {i for i in fields if i > run[0]}
