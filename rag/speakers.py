"""Which speakers a query names: "What did the Project Manager say about the buttons?",
"Trudeau on fraud", "according to Professor C", "what did Lavrov say".

``resolve(query, speakers)`` matches the query's words against the names of an index's speakers
(``Passage.speaker``), case-insensitively, as
- the whole label ("Right Hon. Justin Trudeau", "Project Manager", "PhD B", "The Chair"),
- the name without its titles and suffixes ("Justin Trudeau", "Lynne Neagle" of "Lynne Neagle AM",
  "Chair" of "The Chair"),
- the last name ("Trudeau", "Neagle"), or a title and the last name ("Dr. Doe"),
- an office before the name, alone or with the last name ("the mayor", "Mayor Lindqvist" of
  "MAYOR LINDQVIST"; "Professor White" of "Professor Jean White"),
- a role without its letter or number ("Grad" of "Grad A" and "Grad B", "Professor" of "Professor C"; not a
  label that only numbers voices: "the speaker" is no "Speaker 3", "a participant" no "Participant 2"),
- a person's first name ("Ingrid" of "Councillor Ingrid Halvorsen", "Justin" of "Right Hon. Justin Trudeau"), alone or
  after a title ("Councillor Bill"), where the name is a person's: two or three words after its titles, the first a
  first name of the US census's or not all of them ordinary English (so not a role's first word: "Project" of
  "Project Manager", "User" of "User Interface"); an ordinary first name ("Justin", "Bill", "Will", "May") must be
  written with a capital and have a speaker's cue beside it ("What did Bill say", not "the Bill", "Bill C-21", "in
  May"), and one told or asked something after a speaker is named is not a speaker ("What did Carol tell Bill");
each also with a possessive ("Trudeau's"), with or without accents ("Muller" of "José Müller"). The longest match wins at each place. A mention that
fits several speakers ("Grad", "Morgan" of "Julie Morgan" and "Eluned Morgan") is *ambiguous*: all
of them are returned, and ``ambiguous`` says so.

Never a common word that is not a name: a mention made only of ordinary English words
("interface" of "User Interface", "chair", "marketing", "white" of "Professor Jean White") counts
only when the query marks it as a speaker: written with capitals (as the query's first word
only before "on" or "about": "Morgan on school meals"), or with a speaker's cue beside it
("did the marketing say", "according to the chair", "the chair's", "marketing suggested").
Words that are rare in English (Lavrov, Trudeau) and a role with its number ("speaker 2") count in any
case. Stop words ("the", "am",
"a") are never a mention on their own.

``query_without(query, resolution)`` is the query with the mentions (and an "according to" before
them) taken out, for ranking passages by what was said rather than by who said it.
What it leaves out: nicknames and misspellings, pronouns ("she"), and names in a query written without spaces (Chinese,
Japanese: "李明说了什么" is one word to it).
"""
from __future__ import annotations

import re
from functools import lru_cache
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from .names import title_case
from .labels import INSTITUTION_WORDS, INTERVIEW_ROLES, OFFICES, PRESS_ROLES, ROLES, TITLES, a_role, titled_person
from .paths import first_names
from .english import HONORIFICS, MONTHS, is_common

_TOKEN = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")     # (a letter's accent a combining mark: "Rene\u0301e")
_SUFFIXES = {"am", "mp", "ms", "mla", "msp", "mep", "td", "jr", "sr", "qc", "kc", "mbe", "obe", "cbe"}
# words beside a mention that make it a speaker's: "did X say", "according to X", "X on ..."
_CUES_BEFORE = {"did", "does", "do", "according", "ask", "asked", "tell", "told"}
# a name after these is what is talked about, not who talks: "What did Angela Merkel say about Lavrov?" asks what
# Merkel said (the question's speaker), "Lavrov on Trudeau" what Lavrov said of Trudeau
_TOPIC_BEFORE = {"about", "regarding", "concerning", "on"}
_CUES_AFTER = {"say", "said", "says", "saying", "think", "thinks", "thought", "mention", "mentioned",
               "mentions", "suggest", "suggested", "suggests", "propose", "proposed", "proposes", "argue",
               "argued", "argues", "asked", "ask", "tell", "answer", "reply", "explain", "explained", "explains", "wanted", "believe",
               "believes", "feel", "feels", "felt", "reported", "presented", "claim", "claimed", "claims",
               "answered", "replied", "respond", "responded", "told", "talked", "discussed", "raised",
               "objected", "agreed", "disagreed", "recommended", "noted", "stated", "described",
               "insisted", "promised", "promise", "decide", "decided", "decides", "conclude", "concluded",
               "announce", "announced", "agree", "confirm", "confirmed", "admit", "admitted", "warn", "warned",
               "recommend", "report", "commit", "committed"}
# a name right after these, once a speaker is named, is who is spoken to ("What did Carol tell Bill about the ramp?",
# "What did Helen Marchant ask the Minister?")
_TOLD = {"tell", "told", "ask", "asked", "answer", "answered", "thank", "thanked", "warn", "warned"}
_STOP = {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "for", "by", "am", "is", "i", "s"}
# labels that only number the voices of a recording ("Speaker 3", "Participant 2"): their word alone is anyone's
# ("what did the speaker say" asks about a talk's speaker), so only the label with its number names them
_NUMBERED_ONLY = {("speaker",), ("participant",), ("person",), ("voice",), ("unknown",), ("caller",), ("guest",),
                  ("audience",), ("audience", "member"), ("unidentified", "speaker"), ("male",), ("female",)}
# the words of a label that names no one ("Unknown Speaker", "UNIDENTIFIED MALE", "Audience Member"): only the whole
# label names its voice, no word of it ("the Speaker pro tempore" is no "Unknown Speaker", "a member" no "Audience
# Member")
_NO_ONES = {"unknown", "unidentified", "unnamed", "anonymous", "speaker", "participant", "person", "voice", "caller",
            "guest", "audience", "member", "male", "female", "man", "woman"}


@dataclass(frozen=True)
class Resolution:
    speakers: tuple[str, ...] = ()      # the index's speaker labels the query names, in order of mention
    mention: str = ""                   # the query's words that named them ("Project Manager", "Grad")
    ambiguous: bool = False             # a mention that fits more than one speaker
    spans: tuple[tuple[int, int], ...] = ()   # where the mentions are in the query
    role: bool = False                  # every mention ordinary words in lower case ("the witness"), no name


NOBODY = Resolution()


# letters that no accent makes, so NFKD does not take them apart: "Ødegård" is "Odegard", "Łukasz" "Lukasz"
_PLAIN = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i"})


def _fold(word: str) -> str:
    """A word in lower case without its accents: "Müller" and "muller", "Ødegård", "Odegard" and "Ødegaard" name the
    same speaker."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word.lower().translate(_PLAIN))
                    if not unicodedata.combining(c))
    return plain.replace("aa", "a")     # "Ødegaard" as "Ødegård" (å written aa; both sides fold alike: Aaron, Maas)


def _tokens(name: str) -> list[str]:
    return [_fold(w) for w in _TOKEN.findall(name)]


# titles that are also offices a question names alone ("what did the senator ask?"), as the question writes them
_ROLE_TITLES = {"senator": "senator", "sen": "senator", "rep": "representative", "gov": "governor"}
# one role, several words: "What did the chairman ask …" of a hearing labelled "The CHAIR:"
_SAME_ROLE = [{"chair", "chairman", "chairwoman", "chairperson"}]


_KNOWN_AS = re.compile(r"(?P<label>.+) \((?P<person>[^()]+)\)")


def person_of(outlet: str, label: str = "") -> str | None:
    """The person a label's bracket names (person_named), a bracket of their own after it left out ("Mr. Bruce
    Stanton (Simcoe North, CPC)": Mr. Bruce Stanton); None when it names none."""
    person = re.sub(r"\s*\([^()]*\)$", "", outlet).strip()
    return person if person and person_named(person, label) else None


def person_named(outlet: str, label: str = "") -> bool:
    """Whether a label's bracket names the person who holds it ("The Acting Chair (Mr. Bruce Stanton)", "The Chair
    (Councillor Ingrid Halvorsen)", "Student (Ravi Kumar)"), not their office, riding, outlet or a note ("Minister of
    Finance", "Burnaby South, NDP", "Elling Harbour Authority", "BBC", "Nanaimo", "Videoconference"): a title
    first, or two or three capitalised words none of which is ordinary English; where the `label` is a role
    (labels.ROLES), also a census first name and capitalised words ("Moderator (Rachel Adebayo)"), and in capitals
    where the role is ("PRESENTER (MISHAL HUSAIN)", a broadcast's); never a reporter's, journalist's or correspondent's
    bracket (labels.PRESS_ROLES: "Reporter (Sydney Morning Herald)" is an outlet), nor one with a word of a place's or
    an institution's name after its first (labels.INSTITUTION_WORDS: "Virginia Tech", "Houston Chronicle")."""
    words = outlet.split()
    if not 1 <= len(words) <= 5 or re.search(r"[,;/&]", outlet):
        return False
    if label.lower().removeprefix("the ") in PRESS_ROLES:
        return False        # a reporter's bracket is their outlet ("Reporter (Sydney Morning Herald)")
    if _fold(words[0]).rstrip(".") in (TITLES | OFFICES) - {"the", "right"}:     # "Mr. Bruce Stanton"
        return titled_person(outlet)    # names, each capitalised: not "Minister of Finance", "Deputy Prime Minister"
    # else a first name and a surname (two or three words), none of them ordinary English nor in capitals: one word
    # alone is as often a note ("Videoconference", "Interjecting"), an outlet ("Bloomberg") or a riding ("Nanaimo");
    # capitals are a name's only in a role's label in capitals (elsewhere as often an outlet, "(NBC NEWS)", a party),
    # and a census first name before any capitalised words ("Rachel Adebayo", "Joe Brennan") only there too
    # (elsewhere as often an outlet's: "Virginia Tech")
    role = a_role(label)
    capitals = role and label.isupper()
    return 2 <= len(words) <= 3 and all(w[0].isupper() and (capitals or not w.isupper()) for w in words) and (
        not any(is_common(_fold(w)) for w in words) or role and _fold(words[0]) in first_names()) and not any(
        _fold(w).strip(".") in INSTITUTION_WORDS for w in words[1:])    # not "Moderator (Virginia Tech)"


def known_as(label: str, person: str) -> str:
    """The speaker name of `label`'s turns that `person` (person_named) holds: "The Acting Chair (Mr. Bruce
    Stanton)", named by the person's aliases (the label's own name all who hold it)."""
    return f"{label} ({person})"


def label_of(name: str) -> str:
    """The label of a known_as name ("The Acting Chair" of "The Acting Chair (Mr. Bruce Stanton)"); any other name
    as it is."""
    held = _KNOWN_AS.fullmatch(name or "")
    return held.group("label") if held and person_named(held.group("person"), held.group("label")) else name


def held_by(p, kinds: tuple[str, ...] = ("turn",)) -> str | None:
    """The known_as name of a conversation's turn whose label's bracket names a person ("The Acting Chair (Mr. Bruce
    Stanton)"), else None (an answer's outlet is its question's, not its speaker's); `kinds` ("question" too: a
    question's outlet is its asker's own, "PRESENTER (AMOL RAJAN)", asked_by)."""
    person = person_of(p.outlet, p.speaker) if p.kind in kinds and p.speaker and p.outlet else None
    return known_as(p.speaker, person) if person else None


def asked_by(p) -> str | None:
    """The known_as name of the asker of a question passage `p` whose label's bracket names them ("Moderator (Rachel
    Adebayo)", "PRESENTER (AMOL RAJAN)": two presenters, each asking their own questions), else None; only a role's
    label (labels.ROLES: a journalist's bracket names their outlet, "Jane Doe (Al Jazeera)")."""
    return held_by(p, ("question",)) if a_role(p.speaker or "") else None


def _core(words: list[str]) -> tuple[int, int]:
    """Where a name's words (folded) are without its leading titles and trailing suffixes: words[i:j]."""
    i, j = 0, len(words)
    while j - i > 1 and words[i] in TITLES:
        i += 1
    while j - i > 1 and words[j - 1] in _SUFFIXES:
        j -= 1
    return i, j


def aliases(name: str) -> set[tuple[str, ...]]:
    """The word sequences (lower case) that name the speaker labelled `name` (a known_as name: its person's)."""
    held = _KNOWN_AS.fullmatch(name)
    if held and person_named(held.group("person"), held.group("label")):
        return aliases(held.group("person"))
    words = _tokens(name)
    out = {tuple(words)} if words else set()
    country = _country(" ".join(words))
    if country:         # a delegation's country ("Mr. Geng (China)"): its names ("Russian Federation", "Russia")
        return out | {tuple(_tokens(n)) for n in country}
    i, j = _core(words)
    out.update((_ROLE_TITLES[w],) for w in words[:i] if w in _ROLE_TITLES)   # "Senator Warren": "the senator" too
    core = words[i:j]
    out.update(_acronym(core))       # "the CFO" of a "Chief Financial Officer"
    if not core or len(core) > 1 and all(w in _NO_ONES or len(w) == 1 or w.isdigit() for w in core):
        return out      # (but "Mr. Speaker" is the Speaker)
    out.add(tuple(core))
    out.update((w,) for same in _SAME_ROLE if len(core) == 1 and core[0] in same for w in same)
    last = core[-1]
    if len(core) >= 2 and (len(last) == 1 or last.isdigit()):     # "Grad A", "Professor C": the role
        if tuple(core[:-1]) not in _NUMBERED_ONLY:      # but "the speaker" of a talk is no "Speaker 3"
            out.add(tuple(core[:-1]))
    elif len(core) >= 2:                                            # "Justin Trudeau": "Trudeau"
        offices = []
        while len(core) > 2 and core[0] in OFFICES:                # "Mayor Anna Lindqvist": "the mayor"
            offices.append(core.pop(0))
        if len(core) == 2 and core[0] in OFFICES:                  # "MAYOR LINDQVIST"
            offices.append(core[0])
        out.add(tuple(core))
        out.add((last,))
        first = first_name(name)
        if first:
            out.add((first,))       # a person's first name: "Ingrid" of "Councillor Ingrid Halvorsen"
        titles = [w for w in words[:len(words) - len(core)] if w not in {"the", "right", "rt"}]
        out.update((t, last) for t in titles + offices)             # "Dr Doe", "Hon Trudeau", "Mayor Lindqvist"
        if first:
            out.update((t, first) for t in titles + offices)        # "Councillor Bill", "Mayor Carol"
        out.update((o,) for o in offices)
    return {a for a in out if not (len(a) == 1 and a[0] in _STOP)}




def _acronym(title: list[str]) -> set[tuple[str, ...]]:
    """The initials an office's title (folded) is known by: ("cfo",) of "Chief Financial Officer": three or four
    ordinary words, the last an office's ("officer", "director", "secretary"); else none."""
    if 3 <= len(title) <= 4 and title[-1] in OFFICES | ROLES and all(w.isalpha() and is_common(w) for w in title):
        return {("".join(w[0] for w in title),)}
    return set()


@lru_cache(maxsize=1)
def _countries() -> dict[str, frozenset]:
    """Each name of a country (folded: "china", "russian federation", "russia") -> its names of four letters or more
    (not "us", "cn": words of their own); no capital, no demonym ("Chinese" is a language too)."""
    from .places import _countryinfo

    out: dict[str, frozenset] = {}
    for names, _, _ in _countryinfo():
        long = frozenset(n for n in names if len(n) > 3)
        out.update((_fold(n), long) for n in long)
    return out


def _country(name: str) -> frozenset | None:
    """The names of the country `name` (folded) names, also in a long form the table lacks: a delegation's "United
    States of America", "United Kingdom of Great Britain and Northern Ireland" (its first words a country's name)."""
    found = _countries().get(name)
    if found or " of " not in name:
        return found
    short = _countries().get(name.split(" of ")[0])     # ("Georgia Tech" is no Georgia: only a formal "… of …")
    return short | {name} if short else None


def _first_of(core: list[str]) -> str | None:
    """The first name of a person's name (its words after titles, offices and suffixes, folded): two or three words,
    the first a first name of the census's ("Maria Garcia", "John Smith") or not all of them ordinary English
    ("Ingrid Halvorsen"), as a role's are ("Project Manager", "User Interface")."""
    if 2 <= len(core) <= 3 and core[0].isalpha() and len(core[0]) > 1 and (
            core[0] in first_names() or not all(is_common(w) for w in core)):
        return core[0]
    return None


def _person_core(name: str) -> list[str]:
    """The words (folded) of a speaker's name `name` without its titles and suffixes (_core); of a known_as name
    ("SUBJECT (Walter Pennock)"), its person's."""
    held = _KNOWN_AS.fullmatch(name)
    if held and person_named(held.group("person"), held.group("label")):
        return _person_core(held.group("person"))
    words = _tokens(name)
    i, j = _core(words)
    return words[i:j]


@lru_cache(maxsize=4096)
def first_name(name: str) -> str | None:
    """The first name (folded) by which `name` may be named alone (aliases), or None."""
    core = _person_core(name)
    while len(core) > 2 and core[0] in OFFICES:
        core.pop(0)
    if len(core) == 2 and core[0] in OFFICES or (core and (len(core[-1]) == 1 or core[-1].isdigit())):
        return None
    return _first_of(core)


@lru_cache(maxsize=4096)
def given_names(name: str) -> tuple[tuple[str, ...], str]:
    """The words (folded) before the surname of a person's name `name` (a known_as name: its person's), titles,
    offices and suffixes aside, and the surname: (("ken",), "oduya") of "Ken Oduya", (("julie",), "morgan") of
    "Julie Morgan AM"; ((), "") where the name has no given name ("MAYOR LINDQVIST", "DB") or is a role with its
    letter ("Grad A")."""
    core = _person_core(name)
    while core and core[0] in OFFICES:
        core.pop(0)
    if len(core) < 2 or len(core[-1]) == 1 or core[-1].isdigit():
        return (), ""
    return tuple(core[:-1]), core[-1]


# a query's first word that opens a question, not a given name, though a census's first name too ("Will Oduya …?")
_OPENERS = {"will", "may", "did", "does", "do", "can", "could", "should", "would", "shall", "must", "might", "has",
            "have", "had", "is", "are", "was", "were"}


# titles before a surname that labels.TITLES, read in a label, does not hold: "Cllr Oduya", "Baroness Carter"
_NAME_TITLES = TITLES | {"cllr", "clr", "councillor", "councilor", "baroness", "baron", "alderman", "ald"}

# common English given names' familiar forms -> the given names they are of: "Bob Haines" is Robert Haines, "Liz
# Carter" Elizabeth Carter (a shortening, "Rob", "Ken", is one already: _same_given)
_FAMILIAR = {f: set(full.split()) for forms, full in (
    ("bob bobby rob robbie robby", "robert"), ("bill billy will willie willy liam", "william"),
    ("mike mikey mick mickey micky", "michael"), ("liz lizzie lizzy beth betty bess bessie betsy libby eliza",
                                                 "elizabeth"),
    ("kate katie kathy cathy kath cath kat kitty", "katherine catherine kathryn katharine catharine kathleen"),
    ("jim jimmy jamie", "james"), ("tony", "anthony antony"), ("dave davy", "david"),
    ("steve stevie", "stephen steven"),
    ("tom tommy", "thomas"), ("dan danny", "daniel"), ("sam sammy", "samuel samantha"),
    ("alex sandy", "alexander alexandra"), ("chris", "christopher christine christina"), ("andy drew", "andrew"),
    ("ben benny", "benjamin"), ("joe joey", "joseph"), ("matt", "matthew"), ("nick nicky", "nicholas nicola"),
    ("pat patty", "patrick patricia"), ("sue susie", "susan suzanne"), ("jen jenny jenn", "jennifer"),
    ("peggy maggie meg madge", "margaret"), ("dick rick ricky rich richie", "richard"), ("ted ned", "edward"),
    ("ed eddie", "edward edmund edwin"), ("fred freddie", "frederick alfred"), ("harry hal", "henry harold"),
    ("jack johnny", "john"), ("greg", "gregory"), ("jeff", "jeffrey geoffrey"), ("larry", "lawrence laurence"),
    ("len lenny", "leonard"), ("ron ronnie", "ronald"), ("don donny", "donald"), ("phil", "philip phillip"),
    ("pete", "peter"), ("tim timmy", "timothy"), ("charlie chuck chas", "charles"), ("gerry jerry", "gerald gerard"),
    ("becky becca", "rebecca"), ("debbie deb", "deborah"), ("jess jessie", "jessica"), ("mandy", "amanda"),
    ("sally", "sarah"), ("penny", "penelope"), ("vicky vicki", "victoria"), ("terry", "terence theresa"),
    ("bernie", "bernard"), ("abby", "abigail"), ("annie", "anne ann"), ("tess", "teresa theresa"))
    for f in forms.split()}


def _familiar(a: str, b: str) -> bool:
    """Whether the given names `a` and `b` (folded) are one name, one a familiar form of the other or both of one
    ("Bob", "Robert"; "Bob", "Rob"): _FAMILIAR."""
    fa, fb = _FAMILIAR.get(a, set()), _FAMILIAR.get(b, set())
    return b in fa or a in fb or bool(fa & fb)


def _given_before(query: str, words: list[re.Match], folded: list[str], i: int) -> list[str]:
    """The given names (folded) a query writes right before its words[i], a surname ("Michael Oduya", "M. Oduya",
    "Mary Ann Oduya"): capitalised words (up to two) of a census's first name or no ordinary English, or an
    initial; not a title or an office ("Dr Oduya", "Cllr Oduya", "Finance Director Oduya"), and the query's first
    word only a census's first name that opens no question ("Michael Oduya on …", not "Will Oduya attend?")."""
    out: list[str] = []
    k = i - 1
    while k >= 0 and len(out) < 2:
        gap = query[words[k].end():words[k + 1].start()]
        w, f = words[k].group(), folded[k]
        initial = len(w) == 1 and w.isupper() and gap in (". ", ".", " ")   # ("M." too: a title only in a label)
        if not (gap == " " or initial) or not w[0].isupper() or (f in _NAME_TITLES | OFFICES | ROLES and not initial) \
                or f in _STOP or (len(w) > 1 and w.isupper() and not words[i].group().isupper()):
            break
        if not initial and (f not in first_names() if k == 0 else is_common(f) and f not in first_names()) \
                or k == 0 and f in _OPENERS:
            break       # (the query's first word only a census's first name: not "Summarize Marketing's …")
        out.insert(0, f)
        k -= 1
    return out


def _same_given(written: list[str], name: str) -> bool:
    """Whether the given names a query writes before a surname (`written`) may be those of the speaker labelled
    `name`: each is a word of the label ("M." of "M. Jean Dupont"), one of its given names, their initial, a
    shortening of one ("Ken", "Kenneth"), a familiar form of one ("Bob", "Robert": _FAMILIAR) or a form the product
    reads as the same name (terms._given_alike: Joseph, Josep; Nikolaos, Nikos)."""
    from .terms import _given_alike

    theirs, label = given_names(name)[0], set(_tokens(name))
    return all(w in label or (len(w) == 1 and any(t[0] == w for t in theirs))
               or any(len(w) >= 3 and len(t) >= 3 and (w.startswith(t) or t.startswith(w)) for t in theirs)
               or _given_alike([w], frozenset(theirs)) or any(_familiar(w, t) for t in theirs) for w in written)


def _key(speakers: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for s in speakers if s))


@lru_cache(maxsize=16)      # an index's speakers are the same for every query: ~15 ms a query saved
def _table_of(speakers: tuple[str, ...], known_as: tuple[tuple[str, str], ...] = (),
              docs_of: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> dict[tuple[str, ...], list[str]]:
    """Each alias -> the speakers it names; a first name ("Warren", "Ms. May") only where it is no other speaker's
    surname or name (Senator Warren before Warren Buffett, Ms. Elizabeth May before Ms. May Chen); `known_as`: (a
    label, the name the documents give it) pairs, an oral history's "DB" for "Narrator: Dolores Barrios (DB)", whose
    name's aliases name the label too."""
    table: dict[tuple[str, ...], list[str]] = {}
    for label, name in known_as:
        for alias in office_aliases(name) or aliases(name):
            table.setdefault(alias, []).append(label)
    by_first: dict[tuple[str, ...], list[str]] = {}
    for name in speakers:
        first = first_name(name)
        for alias in aliases(name):
            by_name = not first or alias[-1] != first or alias == tuple(_tokens(name))
            names = (table if by_name else by_first).setdefault(alias, [])
            if name not in names:
                names.append(name)
    docs = dict(docs_of)
    for alias, names in by_first.items():
        held = table.setdefault(alias, names)
        if held is not names and len(alias) == 1 and alias[0] in first_names() \
                and all(tuple(_tokens(x)) == alias for x in held):
            # a label that is this first name alone ("MARCUS:" of a film's captions) and a Marcus Webb of another
            # document: both named, ambiguous (the label took the name alone, and Marcus Webb went unsearched); not
            # where one of that name speaks in a document beside the label (one meeting's "Jane:" and "Jane Doe:",
            # likely one person: the label's, as before, whoever other documents hold)
            beside = any(set(docs.get(x, ())) & set(docs.get(h, ())) for x in names for h in held)
            if not beside:
                held.extend(x for x in names if x not in held)
    return table


def _marked(query: str, words: list[re.Match], i: int, j: int) -> bool:
    """Whether words[i:j] read as a speaker's name in the query: capitals (other than the query's
    first word alone), a possessive, or a speaker's cue before or after."""
    capitals = all(w.group()[0].isupper() for w in words[i:j])
    # (Title Case, where capitals say nothing, as terms reads it: "What did Senator Warren and Senator Cruz ask?" is
    # none)
    in_title_case = title_case(words)
    after = words[j].group().lower() if j < len(words) else ""
    if capitals and not in_title_case and (i > 0 or j - i > 1 or after in ("on", "about")):
        return True     # "... the Chair ...", "Project Manager ...", "Morgan on school meals"
    if query[words[j - 1].end():words[j - 1].end() + 2] in ("'s", "’s"):
        return True
    before = {w.group().lower() for w in words[max(0, i - 3):i]}
    return bool(before & _CUES_BEFORE) or after in _CUES_AFTER


_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "my", "your",
                "whose", "which", "any", "each", "every", "no"}


_SAINT = {"st", "saint", "ste"}


# words that make an office word another office in lower case too ("the prime minister", "the deputy chair")
_QUALIFIERS = {"prime", "shadow", "deputy", "vice", "junior", "assistant", "associate", "acting", "co"}


def _of_this_office(query: str, words: list[re.Match], folded: list[str], i: int, names: list[str],
                    table: dict[tuple[str, ...], list[str]]) -> list[str]:
    """Those of `names` that an office or role word (words[i], an alias's first: "Minister", "Chair") may name where it
    stands: none where a word right before it makes it another office ("the Prime Minister", "the Shadow Minister",
    "the Foreign Secretary", "Co-Chair"), a capitalised word before a capitalised office (not the query's first word,
    a title, "Madam", an article, a stop word or a question's verb: "What Did Minister …") or one of _QUALIFIERS;
    but those of the office that word is of (an alias of theirs holds it: "the Water Minister" of "The Minister for
    Water and Rural Growth", "the Deputy Speaker" of "Madam Deputy Speaker")."""
    if i == 0 or folded[i] not in OFFICES | ROLES or query[words[i - 1].end():words[i].start()] not in (" ", "-"):
        return names
    before, prev = folded[i - 1], words[i - 1].group()
    if before not in _QUALIFIERS and not (
            i > 1 and prev[:1].isupper() and words[i].group()[:1].isupper()
            and before not in _STOP | _DETERMINERS | TITLES | _OPENERS | _CUES_AFTER | {"madam", "mister"}):
        return names
    return [x for x in names
            if any(before in alias for alias, theirs in table.items() if len(alias) > 1 and x in theirs)]


def _a_person_here(query: str, words: list[re.Match], folded: list[str], i: int) -> bool:
    """Whether a first name alone (words[i]) can be a person where it stands: not before a number, a hyphen or another
    capitalised word ("Bill C-21", "Paul-Hus", "Ingrid Larsen's petition", "Mark Street"), not after an article or
    a capitalised word that is no title ("this Bill", "the Senate Bill", "St. Andrew's")."""
    nxt = words[i + 1].group() if i + 1 < len(words) else ""
    gap = query[words[i].end():words[i + 1].start()] if nxt else ""
    if any(c.isdigit() for c in nxt) or (nxt[:1].isupper() and gap.strip() in ("", "-")):
        return False
    if i > 0:
        before, prev = folded[i - 1], words[i - 1].group()
        joined = not query[words[i - 1].end():words[i].start()].strip(" .")     # "Senate Bill", "St. Andrew"
        if (before in _DETERMINERS and before != "that") or (before in _SAINT and joined) or (
                i > 1 and joined and prev[:1].isupper() and before not in TITLES and before not in OFFICES):
            return False
    return True


def _called(query: str, words: list[re.Match], folded: list[str], i: int) -> bool:
    """Whether an ordinary first name (words[i]: "Bill", "Mark", "Grace", "Will") is a person's in the query: written
    with a capital, not a month's name ("May figures", "April's vote"), a speech verb after it ("Bill said", "Carol and
    Bill say", "Bill, Carol and Grace said") or "according to" before it or a possessive ("Bill's view"), and not the
    one told or asked ("What did the committee ask Bill?"): "what did they say will happen", "did the report mark a
    change", "Rose on the agenda?" name nobody."""
    if not words[i].group()[0].isupper() or folded[i] in MONTHS:
        return False
    before = folded[i - 1] if i > 0 else ""
    if before in _TOLD:
        return False
    if query[words[i].end():words[i].end() + 2] in ("'s", "’s"):
        return True
    if before == "to" and i > 1 and folded[i - 2] == "according":
        return True
    after = folded[i + 1] if i + 1 < len(words) else ""
    joined = (after in ("and", "or") and i + 2 < len(words) and words[i + 2].group()[:1].isupper()) or \
        (after and words[i + 1].group()[:1].isupper() and query[words[i].end():words[i + 1].start()].strip() == ",")
    if joined:      # one of several named together: the verb comes after the last ("Carol and Bill say")
        return any(w in _CUES_AFTER for w in folded[i + 1:i + 7])
    # (not "did" alone: "How did Ruth pay for the shop?" asks what she did, "What did Ruth say" has its "say")
    return after in _CUES_AFTER


_RECALLED = {"remember", "remembers", "remembered", "recall", "recalls", "recalled", "recount", "recounted"}
_DELEGATES = {"representative", "representatives", "delegate", "delegates", "delegation", "ambassador", "envoy"}


def _speaks_for(query: str, words: list[re.Match], folded: list[str], i: int, n: int) -> bool:
    """Whether a country's name (words[i:i + n]) is one who speaks in the query, as a delegation does: a verb of saying
    after it ("What did China say", "How did Russia respond"), "according to" before it, a possessive ("China's
    position"), or "the representative of" before it; not the topic of someone else's words ("Who criticised
    China?", "Who mentioned Russia?")."""
    end = words[i + n - 1].end()
    before = [w for w in folded[max(0, i - 3):i] if w not in ("the", "of")]
    after = folded[i + n] if i + n < len(words) else ""
    return (after in _CUES_AFTER or query[end:end + 2] in ("'s", "’s") or before[-2:] == ["according", "to"]
            or bool(before) and before[-1] in _DELEGATES)


def _a_title(query: str, words: list[re.Match], i: int) -> bool:
    """Whether words[i] is an honorific written as one: "Mr. Hargrove", "mr hargrove", "Ms" (so no label of initials,
    "MR" of Margaret Rourke, "DR" of Dolores Reyes); a label is written in capitals, no full stop or name after it
    ("What did MR say?"), or in lower case with a verb of saying or remembering or nothing after it ("what did mr say
    about the flood", "what did mr remember": a hostile review)."""
    word = words[i].group()
    if _fold(word) not in HONORIFICS | {"miss"}:
        return False
    after = query[words[i].end():words[i + 1].start()] if i + 1 < len(words) else query[words[i].end():]
    if after.startswith("."):
        return True
    named = i + 1 < len(words) and not after.strip() and words[i + 1].group()[:1].isupper()
    if word.isupper():
        return named
    following = _fold(words[i + 1].group()) if i + 1 < len(words) and not after.strip() else ""
    return bool(following) and following not in _CUES_AFTER | _RECALLED


def _topic(folded: list[str], i: int) -> bool:
    """Whether the words from `i` are what a question asks about ("… say about (the) Lavrov", "Lavrov on Trudeau"):
    a name there is a topic, not a speaker."""
    j = i - 1
    while j >= 0 and folded[j] in ("the", "a", "an"):
        j -= 1
    return j >= 0 and folded[j] in _TOPIC_BEFORE


def alias_table(speakers: Iterable[str], known_as: tuple[tuple[str, str], ...] = (),
                docs_of: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> tuple[dict[tuple[str, ...], list[str]], int]:
    """The aliases of `speakers` (an index's speaker labels; `known_as`: labels' names; `docs_of`: each label's
    documents, _table_of), each -> the speakers it may name, and the most words of one: what resolve_in reads (a
    Retriever keeps its index's, not to work it out at every search)."""
    key = _key(speakers)
    table = _table_of(key, known_as, docs_of)
    return table, max((len(a) for a in table), default=0)


# "Dolores Barrios (DB)": a name, then the initials a transcript labels that person's turns with
_INITIALLED = re.compile(r"\b((?:[A-Z][\w'’-]+ ){1,3}[A-Z][\w'’-]+) \(([A-Z]{2,4})\)")


def initials_named(text: str, labels: set[str]) -> dict[str, str]:
    """Each of `labels` that is a person's initials a document gives with their name ("Narrator: Dolores Barrios (DB)"
    above "DB: …" turns) -> that name, as first given."""
    out: dict[str, str] = {}
    for m in _INITIALLED.finditer(text):
        name, label = m.group(1), m.group(2)
        if label in labels and label not in out and "".join(w[0] for w in name.split())[-len(label):] == label[-len(label):]:
            out[label] = name
    return out


# an interview's key to its labels, among the header's lines: "I = interviewer (Joe Brennan); R = respondent (retired
# bus driver, 68)", "INT = Interviewer, P = Participant": a label in capitals, "=", a role or a name, a bracket after it
_KEYED = re.compile(r"(?:^|[;,:][ \t]*|[ \t]{2,})(?P<label>[A-Z]{1,4})[ \t]*=[ \t]*(?P<value>[A-Za-z][\w'’. -]{0,40}?)"
                    r"(?:[ \t]*\((?P<bracket>[^()\n]{1,80})\))?[ \t]*(?=[;,]|$)", re.MULTILINE)


# a header's line giving a role its code: "Participant: P3, female, 41, intensive care nurse", "Respondent: R7"
_ROLE_OF_CODE = re.compile(r"^[ \t]*(?P<role>[A-Z][a-z]+)[ \t]*:[ \t]*(?P<label>[A-Z]{1,4}\d{0,3})[ \t]*(?=[,;(]|[ \t]+[-–—]|$)",
                           re.MULTILINE)


def coded_roles(text: str, labels: set[str]) -> dict[str, str]:
    """Each of `labels` that a line of the document's header gives as a role's code -> the role, as written ("P3" ->
    "Participant" of "Participant: P3, female, 41"): "What did the participant say" names P3's turns. Only a role
    (labels.ROLES, INTERVIEW_ROLES), not "Interview ID: P3"."""
    out: dict[str, str] = {}
    for m in _ROLE_OF_CODE.finditer("\n".join(text.splitlines()[:HEADER_LINES])):
        if m.group("label") in labels and m.group("role").lower() in ROLES | INTERVIEW_ROLES:
            out.setdefault(m.group("label"), m.group("role"))
    return out


def role_holders(paragraphs) -> dict[tuple[str, str], str]:
    """(document, a role's label) -> the name its bracket gives among `paragraphs` (an index's), where the document
    writes it so too, one person (asked_by: "Moderator (Rachel Adebayo)"): a transcript names the moderator once,
    "Moderator (Rachel Adebayo):", then writes "Moderator:", and both are her questions."""
    held: dict[tuple[str, str], set[str]] = {}
    for p in paragraphs:
        name = asked_by(p) if p.kind == "question" else None
        if name:
            held.setdefault((p.doc, p.speaker), set()).add(name)
    return {key: names.pop() for key, names in held.items() if len(names) == 1}


def keyed_askers(index) -> dict[tuple[str, str], str]:
    """Askers labelled by letters that their document's key line names, (document, letter) -> name ("I" -> "Joe
    Brennan" of "I = interviewer (Joe Brennan); R = respondent"): what Joe Brennan asked is what "I" asked in that
    document (another interview's "I" is another's)."""
    letters: dict[str, set[str]] = {}
    for p in index.paragraphs:
        if p.kind == "question" and p.speaker and re.fullmatch(r"[A-Z]{1,4}", p.speaker):
            letters.setdefault(p.doc, set()).add(p.speaker)
    return {(doc, label): name for doc, labels in letters.items()
            for label, name in asking_people(index.documents[doc].text, labels).items()}


def keyed_people(text: str, labels: set[str]) -> dict[str, str]:
    """keyed_labels that name a person, not a role ("I" -> "Joe Brennan"; not "R" -> "respondent")."""
    return {label: name for label, name in keyed_labels(text, labels).items() if " " in name}


_HOST_ROLES = {"host", "interviewer", "presenter", "moderator"}


def asking_people(text: str, labels: set[str]) -> dict[str, str]:
    """The askers' letters (`labels`) a document's header names -> who they are: a key line's (keyed_people: "I" of
    "I = interviewer (Joe Brennan)"), or for one letter no key line explains ("Q:"), the one person a field of its
    first lines names as who asks ("Host: Martin Alcock. Guest: …")."""
    from .furniture import field_people

    out = keyed_people(text, labels)
    rest = labels - set(out)
    if len(rest) == 1:
        hosts = field_people("\n".join(text.splitlines()[:HEADER_LINES]), _HOST_ROLES)
        if len(hosts) == 1:
            out[rest.pop()] = hosts.pop()
    return out


def keyed_labels(text: str, labels: set[str]) -> dict[str, str]:
    """Each of `labels` that a key line of the document's header (_KEYED, its first HEADER_LINES lines) explains ->
    the person it names ("I" -> "Joe Brennan" of "I = interviewer (Joe Brennan)", "I = Joe Brennan"), else its role
    ("R" -> "respondent"): "What did Joe Brennan ask", "--speaker respondent" name its turns."""
    out: dict[str, str] = {}
    for m in _KEYED.finditer("\n".join(text.splitlines()[:HEADER_LINES])):
        label, value, bracket = m.group("label"), m.group("value").strip(), m.group("bracket")
        if label not in labels or label in out:
            continue
        if bracket and person_named(bracket.strip(), value):
            out[label] = bracket.strip()
        elif person_named(value) or value.lower() in ROLES | {"interviewee"}:
            out[label] = value
    return out


# the roles a header's field or key line gives a person who speaks ("Host: Joe Brennan" above "JOE:" turns, "I =
# interviewer (Joe Brennan)"): "What did the host say …" is then theirs
_GIVEN_ROLES = {"host", "guest", "interviewer", "interviewee", "moderator", "presenter", "narrator", "subject",
                "respondent", "panelist", "panellist", "facilitator", "chair", "chairman", "chairwoman", "chairperson"}


def roles_given(text: str, labels: set[str]) -> dict[str, str]:
    """Each of `labels` (a document's speakers) whose person the document's header gives a role (_GIVEN_ROLES, lower
    case): a key line's ("I" -> "interviewer" of "I = interviewer (Joe Brennan)"), or a field's whose person a label is
    by their whole name, or one label alone by their first name or surname ("JOE" -> "host" of "Host: Joe Brennan";
    "Joe Brennan" beside it, as the one who asks, too); not a label that is a role itself ("Host:" turns are the host's already)."""
    from .furniture import field_people

    header = "\n".join(text.splitlines()[:HEADER_LINES])
    out: dict[str, str] = {}
    for m in _KEYED.finditer(header):
        label, role, bracket = m.group("label"), m.group("value").strip().lower(), m.group("bracket")
        if label in labels and role in _GIVEN_ROLES and bracket and person_named(bracket.strip(), role):
            out.setdefault(label, role)
    plain = {label for label in labels if _fold(label) not in ROLES | INTERVIEW_ROLES and label not in out}
    claimed: dict[str, set[str]] = {}
    for role in sorted(_GIVEN_ROLES):
        for person in field_people(header, {role}):
            words = _person_core(person)
            if not words:
                continue
            whole = [label for label in plain if _tokens(label) == words]
            part = [label for label in plain if _tokens(label) in ([words[0]], [words[-1]]) and label not in whole]
            for label in whole + part if len(part) <= 1 else whole:     # (two labels, "JOE" and "BRENNAN": neither)
                claimed.setdefault(label, set()).add(role)
    # (a label two roles claim, "SARAH" of "Host: Sarah Mills" and "Guest: Dr Sarah Okoye", is neither's)
    out.update({label: roles.pop() for label, roles in claimed.items() if len(roles) == 1})
    return out


# "The Minister for Roads and Local Transport (Richard Halford):", "2. The Minister of State, Department for Transport
# (Catherine Baird):": a label that is an office, the person who holds it in its bracket
_OFFICE_LABEL = re.compile(r"^[ \t]*(?:\d{1,3}\.[ \t]+)?(?P<office>(?:The )?[A-Z][\w'’-]*(?:,? (?:[A-Z][\w'’-]*|of|for|"
                           r"and|the|on|in|to))*) \((?P<person>[^()\n]{3,80})\)[ \t]*:", re.MULTILINE)
_OFFICE_PARTICLES = {"of", "for", "and", "the", "on", "in", "to"}
# offices a briefer or delegate holds that labels.OFFICES does not name ("Special Envoy", "Permanent Representative")
_ENVOYS = {"envoy", "representative", "rapporteur", "coordinator", "adviser", "advisor", "officer", "delegate",
           "administrator", "commander"}
# an earnings call's "Renata Castillo -- Chief Financial Officer" above her turns: a speaker, then their office
_NAME_AND_OFFICE = re.compile(r"^[ \t]*(?P<person>[^\n]{3,80}?)[ \t]+(?:--|\u2014|\u2013)[ \t]+"
                              r"(?P<office>[A-Z][^\n]{2,80}?)[ \t]*$", re.MULTILINE)
# a record's speaker introduced with an office: "I invite Ms. Aminata Keita, Special Envoy of the Secretary-General for
# the Great Lakes Region, to participate" above "Ms. Keita:" turns
_INTRODUCED = re.compile(r"\b(?P<title>Mr|Ms|Mrs|Dr|Sir|Dame)\.?[ \t]+(?:[A-Z][\w'’-]+[ \t]+){0,2}"
                         r"(?P<surname>[A-Z][\w'’-]+),[ \t]+(?P<office>[A-Z][\w'’-]*(?:[ \t]+(?:[A-Z][\w'’-]*|of|for|and|the|on|in|to))*)")
# a committee's label of a person and their office: "Right Hon. Justin Trudeau (Prime Minister):", "Hon. Deb Schulte
# (Minister of Seniors):" (a riding, "Mr. Paul Manly (Nanaimo, GP):", is no office: office_aliases)
_HOLDER_LABEL = re.compile(r"^[ \t]*(?P<person>[A-Z][^()\n:]{2,80}?)[ \t]+\((?P<office>[^()\n]{3,80})\)[ \t]*:",
                           re.MULTILINE)
# a delegation's label: "Mr. Geng (China) (spoke in Chinese):", "Ms. Lassen (Denmark):"
_DELEGATE = re.compile(r"^[ \t]*(?P<person>(?:Mr|Ms|Mrs|Dr)\.?[ \t]+[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)?)[ \t]+"
                       r"\((?P<country>[^()\n]{3,60})\)[^\n:]{0,40}:", re.MULTILINE)


def office_aliases(office: str) -> set[tuple[str, ...]] | None:
    """The word sequences (lower case) that name an office ("The Minister for Roads and Local Transport"): the office's
    word alone ("minister"), and its title up to each of its capitalised words ("minister for roads", "minister for
    roads and local transport"; "minister of state" of "The Minister of State, Department for Transport"); of an
    office named by its last word ("Chief Financial Officer", "Vice President, Investor Relations", "Special Envoy of
    the Secretary-General …"), its title to that word and its initials ("chief financial officer", "cfo"); None when
    `office` is no office's title (no office or role, labels.OFFICES, ROLES, first or, its words capitalised,
    last) or is a person's name ("Councillor Ingrid Halvorsen")."""
    words = office.replace(",", " ").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if not words or titled_person(office) or person_named(office):
        return None
    if _fold(words[0]) not in OFFICES | ROLES:      # the office its last word ("Chief Financial Officer": the CFO too)
        title = re.sub(r"^the ", "", " ".join(office.split()), flags=re.IGNORECASE)
        head = [_fold(w) for w in re.split(r",| (?:of|for|and|to|on|in|--)\b", title)[0].split()]
        if 2 <= len(head) <= 4 and head[-1] in OFFICES | ROLES | _ENVOYS and all(map(is_common, head[:-1])) and \
                all(w[:1].isupper() for w in words[:len(head)]):
            return {tuple(head)} | _acronym(head)
        return None
    folded = [_fold(w) for w in words]
    out = {(folded[0],)}
    out.update(tuple(folded[:k]) for k in range(2, len(folded) + 1) if folded[k - 1] not in _OFFICE_PARTICLES)
    return out


def offices_held(text: str, speakers: set[str]) -> dict[str, str]:
    """Each of `speakers` whom a label of `text` gives an office, the person in its bracket (a parliament's record:
    "The Minister for Roads and Local Transport (Richard Halford): …" above "Richard Halford: …" turns), an earnings
    call's line of a name and an office ("Renata Castillo -- Chief Financial Officer"), a committee's label of a
    person and their office ("Right Hon. Justin Trudeau (Prime Minister):") or a record's introduction
    ("I invite Ms. Aminata Keita, Special Envoy of …" above "Ms. Keita:" turns) -> that office, as first given:
    "the Minister", "the CFO" is then who holds it (office_aliases); and a delegate whose label gives a country
    ("Mr. Geng (China):") -> that country, where the text gives delegates of several."""
    out: dict[str, str] = {}
    found = [(m.group("person"), m.group("office")) for m in _OFFICE_LABEL.finditer(text)]
    found += [(m.group("person"), m.group("office")) for m in _NAME_AND_OFFICE.finditer(text)]
    found += [(m.group("person"), m.group("office")) for m in _HOLDER_LABEL.finditer(text)]
    found += [(f"{m.group('title')}{dot} {m.group('surname')}", m.group("office"))
              for m in _INTRODUCED.finditer(text) for dot in (".", "")]
    for person, office in found:
        person = " ".join(person.split())
        if person in speakers and person not in out and office_aliases(office):
            out[person] = office
    # a delegation's country names its delegate where the record gives several ("What did China say": Mr. Geng);
    # one alone may be a journalist's outlet
    delegates = {m.group("person"): m.group("country") for m in _DELEGATE.finditer(text)
                 if m.group("person") in speakers and _country(_fold(m.group("country")))}
    if len(set(delegates.values())) > 1:
        for person, country in delegates.items():
            out.setdefault(person, country)
    return out


HEADER_LINES = 15       # a document's header: its first lines


def role_named(text: str, role: str) -> str | None:
    """The person a document's header names for the role `role` its turns are labelled with ("Subject: Walter Pennock,
    keeper at Cape Sorrow" above "SUBJECT: …" turns; "Moderator: Dr Rachel Evans"): among its first HEADER_LINES
    lines, one of at most 120 characters ending no sentence, "Role:" then two to four capitalised words; else None."""
    shape = re.compile(rf"[ \t]*(?i:{re.escape(role)})[ \t]*:[ \t]*(?:{_TITLE_WORDS})?((?:[A-Z][\w'’-]+ ){{1,3}}"
                       rf"[A-Z][\w'’-]+)(?=[ \t]*(?:[,;(\u2013\u2014-]|$))")
    for line in text.splitlines()[:HEADER_LINES]:
        m = shape.match(line)
        if m and len(line) <= 120 and not re.search(r"[.!?][\"”’)]*\s*$", line):
            return m.group(1)
    return None


_TITLE_WORDS = r"(?:(?:Dr|Mr|Mrs|Ms|Prof|Professor|Sir|Dame|Rev|Reverend)\.?[ \t]+)"


def resolve(query: str, speakers: Iterable[str], named: bool = False) -> Resolution:
    """The speakers among `speakers` (an index's speaker labels) that `query` names; `named`: the query is a
    speaker's name (a --speaker filter's), so an ordinary word names them too ("Brown", "the chair")."""
    return resolve_in(query, *alias_table(speakers), named)


def resolve_in(query: str, table: dict[tuple[str, ...], list[str]], longest: int, named: bool = False) -> Resolution:
    """resolve, against the alias_table `table` whose longest alias has `longest` words."""
    if not table:
        return NOBODY
    words = list(_TOKEN.finditer(query))
    folded = [_fold(w.group()) for w in words]
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    ambiguous = False
    role = True             # (until a mention is a name)
    after_mention = -1      # the word after the last mention
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            names = table.get(tuple(folded[i:i + n]))
            if names:       # ("the Prime Minister" is not the Minister for Water)
                names = _of_this_office(query, words, folded, i, names, table)
            if not names:
                continue
            # ("speaker 2", "grad 3": a role with its number names someone, capitals or not)
            ordinary = all(is_common(w) for w in folded[i:i + n]) and not (n >= 2 and folded[i + n - 1].isdigit())
            if n == 1 and _a_title(query, words, i):
                continue    # ("Mr. Hargrove" is not the "MR" of Margaret Rourke)
            if not named and " ".join(folded[i:i + n]) in _countries() and not _speaks_for(query, words, folded, i, n):
                continue    # a delegation's country as the topic: "Who criticised China?" is not Mr. Geng's
            if ordinary and not named and (not _marked(query, words, i, i + n) or (
                    n == 1 and i == after_mention and not query[words[i - 1].end():words[i].start()].strip())):
                continue    # ("designer" of "the user interface designer" is not a second mention)
            if not named and n == 1 and all(first_name(x) == folded[i] for x in names) and (
                    not _a_person_here(query, words, folded, i) or (ordinary and not _called(query, words, folded, i))):
                continue    # a first name alone: "What did Bill say", never "this Bill", "the Bill", "Bill C-21"
            if _another_letter(words, i + n, names):
                i += n      # "Professor C" where only Professor B and Professor F speak: no speaker of theirs
                break
            first = i       # (where the mention begins: a given name written before a surname, "K. Oduya")
            if n == 1 and not named:
                # a surname after another given name is another person's: "Michael Oduya" is not Ken Oduya
                written = _given_before(query, words, folded, i)
                if written:
                    names = [x for x in names if given_names(x)[1] != folded[i] or _same_given(written, x)]
                    if not names:
                        continue
                    if any(given_names(x)[1] in (folded[i], "") for x in names):
                        first = i - len(written)    # ("Marcus Hale" of HALE: the mention, no word of the topic)
            told = first - 1 - (first > 1 and folded[first - 1] in ("the", "a", "an"))     # ("asked the Minister")
            if not named and found and told >= 0 and folded[told] in _TOLD:
                i += n - 1      # "What did Carol tell Bill …": Bill is told, Carol speaks
                break
            if not named and _topic(folded, first):
                i += n - 1      # (the whole name: not "Designer" of "about the Industrial Designer's" either)
                break
            end = words[i + n - 1].end()
            if query[end:end + 2] in ("'s", "’s"):
                end += 2
            spans.append((words[first].start(), end))
            # (a role's words in lower case, "the witness"; not "Mr. Davis", nor "gordon brown" typed so)
            role = role and all(w in ROLES for w in folded[i:i + n]) and query[words[i].start():end].islower()
            ambiguous = ambiguous or len(names) > 1
            found.extend(x for x in names if x not in found)
            i += n - 1
            after_mention = i + 1
            break
        i += 1
    if not found:
        return NOBODY
    mention = " and ".join(query[s:e] for s, e in spans)
    return Resolution(tuple(found), mention, ambiguous, tuple(spans), role)


def _another_letter(words: list[re.Match], j: int, names: list[str]) -> bool:
    """Whether the query's word `j`, after a role named without its letter ("Professor" of "Professor B" and
    "Professor F"), is another letter or number ("Professor C", "Grad 4"), that no label of the role has: the query
    names a speaker there is none of (the longer mention, "Professor B", is matched before the role alone)."""
    written = words[j].group() if j < len(words) else ""
    if not re.fullmatch(r"[A-HJ-Z]|\d{1,3}", written):     # (not "I": "the professor I asked")
        return False
    return all(len(core := _tokens(x)) >= 2 and (len(core[-1]) == 1 or core[-1].isdigit()) for x in names)


_ASKS = {"ask", "asks", "asked", "asking", "question", "questions", "questioned", "inquire", "inquired", "enquire",
         "enquired"}


def asks_of(query: str, resolution: Resolution) -> bool:
    """Whether `query` asks what the speakers it names asked ("What did the moderator ask about the helmets?", "the
    moderator's questions on parking"): the word after a mention is one of asking."""
    for _, end in resolution.spans:
        after = _TOKEN.search(query, end)
        if after and _fold(after.group()) in _ASKS:
            return True
    return False


def put_to(query: str, resolution: Resolution) -> bool:
    """Whether a speaker `query` names is whom a question was put to, not who speaks: their mention comes right after a
    verb of asking ("What did the Chair ask Ms. Okafor about …?", "… questioned Dr. Marsh on …")."""
    for start, _ in resolution.spans:
        before = re.search(r"([^\W\d_]+)\W*$", query[:start])
        if before and _fold(before.group(1)) in _ASKS:
            return True
    return False


_ACCORDING = re.compile(r"\b(?:according\s+to|by|from)\s*$", re.IGNORECASE)
# "What did Vladimir Putin say …", "what does Merkel think …": a person asked about as one who speaks
_SPEAKS = re.compile(r"\b(?:did|does|do|has|had|would|will)\s+(?P<name>(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’-]*)\s+"
                     r"(?:say|said|think|tell|mention|argue|propose|suggest|claim|explain|answer|reply|respond|"
                     r"ask|want|believe|promise|decide|conclude|announce|report|recommend)\b")


def asked_to_speak(query: str) -> str | None:
    """The name a query asks what they said ("What did Vladimir Putin say about NATO?": "Vladimir Putin"), its words
    capitalised, none a title alone ("What did Mr say"); None when it asks no one's words."""
    m = _SPEAKS.search(query)
    if not m:
        return None
    name = m.group("name")
    words = [w.strip(".").casefold() for w in name.split()]
    if all(w in TITLES or w in OFFICES or w in ROLES for w in words) or name.isupper():
        return None         # (a role, "the Minister"; an organisation, "NATO")
    from .places import capitals, country_forms

    joined = " ".join(words)    # (a country or its capital speaks for its government: "What does Russia think …")
    return None if joined in country_forms() or joined in capitals() else name


def query_without(query: str, resolution: Resolution) -> str:
    """The query without its speaker mentions (and an "according to" before one): what was said."""
    if not resolution.spans:
        return query
    out, last = [], 0
    for s, e in resolution.spans:
        before = query[last:s]
        m = _ACCORDING.search(before)
        out.append(before[:m.start()] if m else before)
        last = e
    out.append(query[last:])
    rest = " ".join("".join(out).split())
    return rest if _TOKEN.search(rest) else query
