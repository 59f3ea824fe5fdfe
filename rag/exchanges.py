"""Who asks, and what answers it: a Q&A transcript's exchanges (sections Q1, Q2, …), each a question and the answer
paragraphs after it, the opening before the first; who the askers are (``who_asks``, ``once_askers``,
``second_askers``); a court record's colloquy, "Q. You can answer." and "Q. Withdrawn."; an asker's thank-you; and a
magazine interview's bold questions (``bold_passages``). The rules, with the rest of the parser's, are in
``parse.py``'s docstring. What it leaves out: an answer labelled with no question before it (it opens no exchange).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from .furniture import (capital_headings, front_matter, headed_list, header_block, header_lines, page_head,
                        part_heading, stage_note, table_rows, tail_lines, title_line)
from .labels import INSTITUTION_WORDS, ROLES, a_role, titled_person
from .paragraphs import Para, markdown_heading
from .paths import first_names
from .records import Passage
from .turns import ASKER_LABELS, Turn


# what asks, with or without a "?": a journalist's "Could you comment on the deficit.", counsel's "Describe what you
# saw.", "Walk us through the timeline." (a witness who testifies says none of it: who_asks)
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
ANSWER_LABELS = {"a", "answer"}     # no name: the answer's speaker is unknown
_WITNESS = {"the witness", "witness"}     # a court record's label for the one who answers "A."
_COURT_LABELS = _WITNESS | {"the court", "the reporter", "the videographer"}    # who speak only in a court's record
_EXAMINER = re.compile(r"BY\s", re.I)      # "BY MR. DAVIS:" above the questions he asks
_HOSTS = {"moderator", "interviewer", "host"}     # askers by role who also welcome, thank and hand over
# who only keep the order when they ask nothing ("The Chair: Thank you. Ms. May, you have the floor.", "Mr. Speaker:
# Order."): their turn inside an exchange is theirs, no answer to its question (_presiding)
_PRESIDING = _HOSTS | {"chair", "chairman", "chairwoman", "chairperson", "co-chair", "speaker", "mr. speaker",
                       "madam speaker", "mr speaker", "presiding officer", "presiding member", "convener", "convenor",
                       "facilitator", "clerk", "operator"}
# a thank-you: "Thank you very much.", "Dr. Osei, thank you for joining us.", "Thanks, Karine." (_pleasantry)
_THANKS = re.compile(r"\b(?:thank(?:s|\s+you)|many\s+thanks)\b", re.I)
UNNAMED_LABELS = {"q", "question", "questions"} | ANSWER_LABELS     # labels that name nobody (no speaker listed)
# a question asked: "?" ending a sentence (then a capital, or the paragraph's end), not inside a title ("the report
# "Why Do Bridges Fail?" published …") nor an aside ("did you not?, that …")
_ASKED = re.compile(r"\?[\"”’'»)\]]*(?:\s+(?=[\"“‘'(]?[A-Z])|\s*$)")
_OUTLET_IN_TEXT = re.compile(
    r"\b(?:I represent|I am from|I'm from|I work for|I am with|I'm with)\s+(?P<outlet>(?:the\s+)?[A-Z][^.,;?!]{2,80})"
)


def _turn_end(paras: list[Para], turns: list, n: int) -> int:
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


def who_asks(text: str, paras: list[Para], turns: list[Turn | None]) -> set[str]:
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
    named = [name for name in turn_ends if name.lower() not in ANSWER_LABELS]
    if not 2 <= len(named) <= 3:
        return set()
    return {name for name in named
            if name != main and sum(turn_ends[name]) >= 2 and sum(turn_ends[name]) * 2 >= len(turn_ends[name])}


def once_askers(text: str, paras: list[Para], turns: list[Turn | None], relaxed: list[Turn | None]) -> set[str]:
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


def second_askers(text: str, paras: list[Para], turns: list[Turn | None], askers: set[str]) -> set[str]:
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
              if name not in askers and name.lower() not in ANSWER_LABELS}
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


def bold_questions(text: str, paras: list[Para]) -> list[re.Match]:
    """A magazine interview's questions (by paragraph, None where none): paragraphs wholly in bold that ask
    (_BOLD_ASK), each with a plain paragraph below it, its answer (not a heading, not another bold question); two or
    more, else none (a bold question in an article is a pull quote, a subheading)."""
    found = [_BOLD_ASK.fullmatch(text, p.start, p.end) for p in paras]
    found = [m if m and i + 1 < len(paras) and not found[i + 1] and markdown_heading(text, paras[i + 1]) is None else None
             for i, m in enumerate(found)]
    return found if sum(1 for m in found if m) >= 2 else []


def bold_passages(text: str, doc_id: str, paras: list[Para], bold: list, title: str) -> list[Passage]:
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
    paras = [Para(m.start("q"), m.end("q")) if m else p for p, m in zip(paras, bold)]
    turns = [Turn(label=BOLD_ASKER, outlet=None, start=p.start, time=None) if m else None for p, m in zip(paras, bold)]
    # (the title and the standfirst above the first question are the magazine's, nobody's opening statement)
    out = [replace(p, section="text", kind="heading" if p.kind == "heading" else "paragraph", speaker=None)
           if p.section == "opening" else p for p in qa_passages(text, doc_id, paras, turns, {BOLD_ASKER})]
    return [replace(p, speaker=named) if p.kind == "answer" else p for p in out]


def qa_passages(text: str, doc_id: str, paras: list[Para], turns: list[Turn | None],
               askers: set[str], header: set[int] = frozenset(), guest: str | None = None) -> list[Passage]:
    """A Q&A transcript: exchanges Q1, Q2, ... of a question and the answer paragraphs after it; an answer labelled
    by no name ("A:") or by none at all is the witness's, or the `guest`'s whom the header names (furniture.header_guest:
    "Guest: Siobhan Kerrigan")."""
    # the main answerer: the most frequent non-asking speaker; one who keeps the order ("The Chair", "Moderator")
    # counted only where they speak right after a question (a company meeting's "Chairman:" who answers is the main
    # one; a hearing's Chair, who hands the floor over after the witness's answers, is not), a tie not theirs
    counts: dict[str, int] = {}
    labelled = [t for t in turns if t and t.label]
    for before, t in zip([None] + labelled, labelled):
        if t.label not in askers and t.label.lower() not in ANSWER_LABELS and (
                not _presiding(t.label) or before is not None and before.label in askers):
            counts[t.label] = counts.get(t.label, 0) + 1
    main_speaker = max(counts, key=lambda label: (counts[label], not _presiding(label))) if counts else None
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
    tail = tail_lines(text, paras, turns)   # and the page's lines after the last (tags, share buttons, a copyright)
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
    headings = capital_headings(text, paras, turns)
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
            kind, speaker = "answer", guest
        if t:
            start = t.start
            time = t.time if t.time is not None else time
            label = t.label
            # an asker's thank-you ("Interviewer: Thank you very much.", "Dr. Osei, thank you for joining us.")
            # neither asks nor answers: nobody's passage outside the exchanges (its label and stamp kept in the
            # quote, so that it says who thanks; the asker speaks in no passage, only asks), at its time (it had
            # none: "Paragraph 14"), and the answerer's reply to it ("Thank you.") is their turn, not an answer to
            # the question before
            if label in askers and _pleasantry(text[t.start:_turn_end(paras, turns, n)]):
                closed, kind, speaker, outlet = True, "paragraph", None, None
                out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                                   section="text", kind="paragraph", paragraph=n, time=time))
                continue
            # a host's turn that asks nothing ("Moderator: Welcome to the panel on …") opens no exchange: it is theirs
            if label is not None and _EXAMINER.match(label) and start >= p.end:
                examiner = label[3:].strip()
                continue
            hosting = label in askers and label.lower() in _HOSTS and "?" not in text[t.start:p.end] \
                and not _PROBE.match(text, t.start, p.end)
            asker = examiner if examiner and label and label.lower() in UNNAMED_LABELS else label
            answerer = label is not None and (label.lower() in ANSWER_LABELS or label == witness)
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
            elif label is not None and exchange and label != main_speaker and _presiding(label):
                kind, speaker = "turn", _holder(label, t.outlet)
            elif label is not None:
                kind = "turn" if closed and exchange else "answer" if exchange else "statement"
                speaker = (witness or guest) if label.lower() in ANSWER_LABELS else _holder(label, t.outlet)
                pending = pending and kind != "answer"
            elif t.change and _asks(text[t.start:_turn_end(paras, turns, n)]):
                # captions' ">>" that asks: the audience's question, unnamed, opens an exchange (the answer after it
                # was quoted under the moderator's "Any questions?")
                exchange += 1
                closed, pending, interrupted = False, True, False
                kind, speaker, outlet = "question", None, None
            elif t.change:      # captions' ">>": someone else speaks, unnamed (never the speaker before's words)
                kind, speaker, outlet = "turn", None, None
            if start >= p.end:      # a label with no words after it: its words are the next paragraphs
                continue
        section = "text" if closed and exchange else f"Q{exchange}" if exchange else "opening"
        front = front and t is None and not exchange and (n == 1 or front_matter(text[p.start:p.end])
                                                          or header_lines(text[p.start:p.end])
                                                          or headed_list(text[p.start:p.end]))
        if t is None and markdown_heading(text, p) is not None:
            out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                               section=section, kind="heading", paragraph=n))
            continue
        if t is None and n < len(turns) and turns[n] and turns[n].label and part_heading(text[p.start:p.end]):
            # (a call's "Questions & Answers:" above the operator: in no exchange, not the opening's last words)
            out.append(Passage(doc=doc_id, start=p.start, end=p.end, text=text[p.start:p.end],
                               section="text", kind="heading", paragraph=n))
            continue
        if t is None and (n == 1 and title_line(text[p.start:p.end]) or front and front_matter(text[p.start:p.end])
                          or front and header_lines(text[p.start:p.end]) or front and headed_list(text[p.start:p.end])
                          or n - 1 in headings
                          or front and header_block(text[p.start:p.end]) and n < len(turns) and turns[n]
                          or n - 1 in tail or table_rows(text[p.start:p.end]) or stage_note(text[p.start:p.end])
                          or page_head(text[p.start:p.end])):
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
    answers = sum(1 for t in turns if t and t.label and (t.label.lower() in ANSWER_LABELS or t.label == witness))
    court = any(t and t.label and (_EXAMINER.match(t.label) or t.label.lower() in _COURT_LABELS) for t in turns)
    return court and answers >= 2 and any(label.lower() in UNNAMED_LABELS for label in askers)


def _presiding(label: str) -> bool:
    """Whether a label names only who keeps a sitting's order ("The Chair", "The Acting Chair", "Madam Speaker",
    "Moderator", "Operator"; _PRESIDING), no person ("Chair Powell", who answers, is one)."""
    role = re.sub(r"^(?:the\s+)?(?:acting\s+|vice[- ]|deputy\s+)?", "", label.strip().lower())
    return role in _PRESIDING


def _holder(label: str, bracket: str | None) -> str:
    """The speaker of an answer or statement labelled `label`: a role's label whose bracket names a person is that
    person's, "TEACHING ASSISTANT (SOFÍA REYES)" (as speakers.known_as names them: the bracket would be lost, an
    answer's outlet being its question's, and two people in one role one speaker); else the label. A person: a title
    and a name, or two or three capitalised words the first a census first name, none a place's or an institution's."""
    words = (bracket or "").split()
    if not (words and a_role(label)) or re.search(r"[,;/&\d]", bracket):
        return label
    folded = ["".join(c for c in unicodedata.normalize("NFKD", w.lower()) if not unicodedata.combining(c)).strip(".")
              for w in words]
    person = titled_person(bracket) or 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and \
        folded[0] in first_names() and not any(w in INSTITUTION_WORDS for w in folded[1:])
    return f"{label} ({bracket})" if person else label
