"""The chat's logic, without a web framework: turns, follow-up questions, permalinks.

A turn is one question and its answer: the query actually searched (a follow-up such
as "and what about Sweden?" is rewritten with the previous turn's query), the settings
it ran with, the index version (manifest fingerprint) and the Result. A permalink
carries exactly that: ``?q=…&k=5&v=<fingerprint>`` for an answer (``&speaker=…`` when the
search was restricted to one speaker), plus
``&doc=<id>#Q7:12345-12789`` for one quote; opening it reruns the search.

What it leaves out: rewriting with a language model (the rewrite is a transparent
rule, and the chat always shows the query it searched), and keeping conversations
beyond the browser session.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urlencode

from .english import QUESTION_WORDS
from .errors import QueryError, RagError
from .records import Passage
from .query import DEFAULT_K, MAX_K, MAX_QUERY_CHARS, check_k, clean_query, visible
from .retrieve import Result


# "what about Sweden?", "And how about the EU?", "so what about sanctions"
_WHAT_ABOUT = re.compile(
    r"^(?:(?:and|but|so|also|then|ok(?:ay)?|well)[\s,]+)*(?:what|how)\s+about\s+(?P<topic>.+?)[\s?.!…]*$",
    re.IGNORECASE)
_LEADS = re.compile(r"^(?:and|but|also|so|then)\b", re.IGNORECASE)
# "why?", "why not?", "how come?": short, they ask why of what was just said ("Why are cities losing street trees?" asks
# its own)
_WHY = re.compile(r"^(?:why|how come)\b", re.IGNORECASE)
_SUBJECTS = {"he", "she", "they", "it", "this", "that", "these", "those"}   # a pronoun as the question's subject
_POINTERS = {"it", "its", "they", "them", "their", "this", "that", "these", "those", "he", "him",
             "his", "she", "her", "there", "such", "same"}
# a run of capitalised words: "Finland", "South Korea", "NATO"
_NAME = re.compile(r"\b[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*")
_FOLLOWUP_WORDS = 8
# a bare question that asks only when, where, who, how many... of what was just asked: "When?", "In which year?"
_BARE = QUESTION_WORDS | {"in", "since", "until", "by", "for",
         "and", "but", "so", "then", "exactly", "year", "years", "date", "day", "month", "time", "many", "much",
         "long", "often", "else", "again", "is", "was", "did", "does", "do", "were", "are", "the", "that"}


@dataclass
class Turn:
    """One question and what it got: quotes, or an error message; perhaps a summary."""
    question: str                        # as typed
    query: str = ""                      # as searched
    k: int = DEFAULT_K
    summary_on: bool = False
    docs: tuple[str, ...] = ()           # document filter (empty: all documents)
    speaker: str | None = None           # speaker filter as chosen (None: anyone)
    result: Result | None = None
    index: object = None                 # the store.Index the result came from
    error: str | None = None
    notices: list[str] = field(default_factory=list)
    summary: object = None               # a finished summarise.Summary
    summary_text: str = ""               # the summary as it streams in
    summary_note: str | None = None      # why there is no (complete) summary
    summary_status: str = ""             # what the summary is waiting for (e.g. the model loading)
    number: int = 1                      # its place in the session's conversation (1, 2, …; kept when older go)
    removed: frozenset = frozenset()     # documents it quotes that were removed from the index since (marked)
    html: str = field(default="", repr=False, compare=False)   # rendered once it is complete

    @property
    def rewritten(self) -> bool:
        """Whether the query searched is another than the question as typed: a follow-up's rewrite, not a question
        only cut to MAX_QUERY_CHARS or cleaned of invisible characters (clean_query), which is no rewrite (a
        5,000-character question's cut was printed whole as "Searched for:")."""
        return bool(self.query) and self.query != _cleaned(self.question)

    @property
    def length(self) -> int:
        """The question's characters as typed, white space folded, invisible ones left out (its real length: the
        part searched is at most MAX_QUERY_CHARS)."""
        return len(" ".join("".join(c for c in self.question if unicodedata.category(c) != "Cf").split()))

    @property
    def cut(self) -> bool:
        """Whether the question was searched only as far as its first MAX_QUERY_CHARS characters."""
        return bool(self.query) and not self.rewritten and self.length > MAX_QUERY_CHARS

    @property
    def context(self) -> str | None:
        """The earlier question a follow-up was searched together with (rewrite_followup), or None."""
        asked = " ".join(self.question.split())
        if self.rewritten and self.query.endswith(" " + asked):
            return self.query[:-len(asked)].rstrip()
        return None

    @property
    def fingerprint(self) -> str:
        return getattr(self.index, "fingerprint", "") if self.index is not None else ""


def _cleaned(question: str) -> str:
    """The question as the search takes it before any rewrite (clean_query), '' for none."""
    try:
        return clean_query(question)[0]
    except RagError:
        return ""


def blank(question) -> bool:
    """Whether a question holds nothing to search: white space or invisible characters only (a U+200B, a U+FEFF,
    which clean_query drops: "Please type a question" was a turn of its own). A question of no words ("?!?") is no
    blank: it is answered with the line that says why it is not searched (the box emptied, and nothing said)."""
    return not isinstance(question, str) or not visible(question)


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".?!:;\"“«("


# countries by their letters, which places.py's tables do not hold (in capitals only: "us" is a pronoun); for the
# follow-up rule they are countries, not acronyms ("Will Finland join NATO?" + "What about the US?" became
# "Will Finland join the US?")
_COUNTRY_LETTERS = {"US", "USA", "U.S.", "U.S.A.", "UK", "U.K.", "UAE", "DPRK", "PRC", "ROK"}


def _country(name: str) -> bool:
    """Whether `name` is a country's ("Japan", "South Korea", "the US"; places.py's tables)."""
    from .places import countries, country_phrases

    if name in _COUNTRY_LETTERS:
        return True
    words = tuple(name.casefold().split())
    return (len(words) == 1 and words[0] in countries()) or words in country_phrases()


def _swap_topic(previous: str, topic: str) -> str | None:
    """`topic` in place of the previous query's last name of the same kind: a country for a country, an acronym for
    an acronym (NATO, the EU, the OSCE); None when it names none. Only these: a person for a country ("Will Finland
    join NATO?" + "what about Putin?" was searched as "Will Putin join NATO?") or an event for a place ("… troops to
    the Olympics?") made a question nobody asked."""
    core = re.sub(r"^the\s+", "", topic, flags=re.IGNORECASE)
    if not core[:1].isupper():
        return None
    acronym = _acronym(core)
    if not (acronym or _country(core)):
        return None
    names = []
    for m in _NAME.finditer(previous):
        start, name = m.start(), m.group()
        if _sentence_start(previous, start):       # "Will Finland": "Will" only opens the sentence
            first = re.match(r"\S+\s+", name)
            if not first:
                continue
            start, name = start + first.end(), name[first.end():]
        if name != "I" and (_acronym(name) if acronym else _country(name)):
            names.append((start, start + len(name)))
    if not names:
        return None
    start, end = names[-1]
    # the article goes with the name, the topic's own replacing the previous one's: "… about the USA?" + "the EU"
    # is "… about the EU?", "… with the United States?" + "Germany" is "… with Germany?" (not "the the EU", "the
    # Germany")
    article = re.search(r"\bthe\s+$", previous[:start], re.IGNORECASE)
    if article:
        start = article.start()
        if article.group()[0].isupper():        # "The UK said …": the sentence's capital kept
            topic = topic[:1].upper() + topic[1:]
    return previous[:start] + topic + previous[end:]


def _acronym(name: str) -> bool:
    """Whether `name` starts with an acronym (NATO, EU, "OSCE observers"), not a country's letters (US, UK)."""
    first = name.split()[0]
    return first.isupper() and not _country(first)


def rewrite_followup(question: str, previous: str | None) -> str:
    """The query to search for `question`, read as a follow-up to the `previous` query.

    "what about X?" puts X in the previous query's place for the last name of the same kind, a country
    or an acronym ("How are Russia's relations with Japan?" + "and what about India?" -> "… with India?");
    any other "what about X?", and another short question that leans on the previous one ("and why?",
    "what did he say about it?", a bare "When?", "In which year?", "How many?"), is searched together
    with it: the previous query, then the question as asked (the chat shows it so: render.turn_html).
    Anything else is searched as it is.
    """
    question = " ".join(question.split())
    if not previous:
        return question
    m = _WHAT_ABOUT.match(question)
    if m:
        return _swap_topic(previous, m.group("topic")) or f"{previous.rstrip()} {question}"
    words = re.findall(r"[\w’'-]+", question)
    # a question that names something of its own ("Why did Russia send troops to Kazakhstan?") stands
    # alone, however it starts; one that only leans on the last ("and why?") is searched with it
    names_its_own = any(w[:1].isupper() and w != "I" for w in words[1:])
    # (one whose subject is a pronoun leans on the last, whatever else it names: "What did he say about Japan?"; one
    # that names who or what it asks about stands alone, a pronoun after it its own: "What did Walter Pennock say
    # about his brother?" was searched with the hearing's question before it)
    leans = any(w.lower() in _SUBJECTS for w in words[1:4]) or not names_its_own
    bare = len(words) <= 3 and any(w.lower() in QUESTION_WORDS for w in words) and all(w.lower() in _BARE for w in words)
    if bare or (len(words) <= _FOLLOWUP_WORDS and (
            (_LEADS.match(question) and not names_its_own) or (_WHY.match(question) and len(words) <= 3)
            or (any(w.lower() in _POINTERS for w in words) and leans))):
        return f"{previous.rstrip()} {question}"
    return question


def doc_ids(docs) -> tuple[str, ...]:
    """The document filter as ids: one id, or a list of ids (from a form or the API's JSON)."""
    if docs is None:
        return ()
    if isinstance(docs, str):
        return (docs,) if docs else ()
    if not isinstance(docs, (list, tuple, set, frozenset)) or not all(isinstance(d, str) for d in docs):
        raise QueryError("The documents to search must be a list of document ids (text), "
                         f"not {shorten_repr(docs)}.")
    return tuple(docs)


def speaker_name(speaker) -> str | None:
    """The speaker filter from a form or the API: a name, or None for anyone ("" and None)."""
    if speaker is None or (isinstance(speaker, str) and not speaker.strip()):
        return None
    if not isinstance(speaker, str):
        raise QueryError(f"The speaker must be a name (text), not {shorten_repr(speaker)}.")
    return " ".join(speaker.split())


def shorten_repr(value, most: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= most else text[:most - 1] + "…"


def ask(retriever, question, k=DEFAULT_K, previous: str | None = None, docs=(),
        summary_on: bool = False, rewrite: bool = True, speaker=None) -> Turn:
    """Search for `question` (a follow-up of `previous`), only where `speaker` speaks when given;
    errors (a speaker the index does not have among them) become the turn's message."""
    turn = Turn(question=question if isinstance(question, str) else repr(question),
                summary_on=bool(summary_on))
    try:
        turn.docs = doc_ids(docs)
        turn.speaker = speaker_name(speaker)
        turn.k = check_k(_whole(k))
        text, turn.notices = clean_query(question)
        turn.query = rewrite_followup(text, previous) if rewrite else text
        turn.index = retriever.index
        turn.result = retriever.search(turn.query, turn.k, docs=set(turn.docs) if turn.docs else None,
                                       speaker=turn.speaker)
        turn.query = turn.result.query
    except RagError as e:
        turn.error = str(e)
    return turn


def _whole(k):
    """Numbers from a slider or JSON arrive as floats: 5.0 is 5, 5.5 stays wrong."""
    if isinstance(k, float) and k.is_integer():
        return int(k)
    if isinstance(k, str) and k.strip().isdigit():
        return int(k.strip())
    return k


# the shipped transcript's example questions; other indexes get their first journalists' questions
EXAMPLES = {
    "000_17cb08188d8e02ca.txt": [
        "Does Russia respect Finland's right to join NATO?",
        "What will Russia do if the US and NATO reject its security proposals?",
        "How are Russia's relations with Japan?",
        "Why did Russia send CSTO troops to Kazakhstan?",
    ],
}


def example_questions(index) -> list[str]:
    """Up to four questions to offer on the landing page, from the index as it is now (after an upload too): of each
    document, the shipped transcript's own, else the first journalists' questions that are short, whole questions
    that stand on their own (examples.self_contained: not "And the fish market roof?"), those that ask no "you"
    first and the shortest last; of the documents without such questions (a meeting, a report) together, their
    speakers on their topics (examples.topic_questions); the documents' kinds taken in turn (examples.interleave)."""
    if index is None:
        return []
    from .chunk import sentences
    from .cite import shorten
    from .examples import interleave, self_contained, short, topic_questions

    asked: dict[str, dict[str, str]] = {}        # document -> section -> its question
    for p in index.paragraphs:
        if p.kind == "question" and p.section not in asked.get(p.doc, {}) and p.doc not in EXAMPLES:
            first = sentences(p.text)
            text = p.text[first[0][0]:first[0][1]] if first else p.text
            if text.endswith("?") and len(text) < 120 and self_contained(text):
                asked.setdefault(p.doc, {})[p.section] = shorten(text, 100)
    groups = []
    for doc_id in index.documents:
        if doc_id in EXAMPLES:
            groups.append(EXAMPLES[doc_id])
        elif doc_id in asked:
            # an interviewer's "What do you think of …?" asks the one answering, not the documents: the others first
            groups.append(sorted(asked[doc_id].values(), key=lambda q: (short(q), bool(_ADDRESSED.search(q)))))
    rest = [p for p in index.paragraphs if p.doc not in EXAMPLES and p.doc not in asked]
    if rest:            # meetings, reports: their speakers on their topics (examples.py), of those documents alone
        groups.append(topic_questions(index, paragraphs=rest))
    return interleave(groups)


_ADDRESSED = re.compile(r"\b(?:you|your|yours|yourself|you're|you’re|you've|you’ve)\b", re.IGNORECASE)


# ---- permalinks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """What a permalink asks for."""
    query: str
    k: int = DEFAULT_K
    version: str = ""                 # the index fingerprint the link was made with
    summary: bool = False
    docs: tuple[str, ...] = ()
    speaker: str | None = None        # the speaker filter
    doc: str | None = None            # the cited span, when the link is a quote's
    section: str | None = None
    start: int | None = None
    end: int | None = None

    @property
    def has_span(self) -> bool:
        return self.start is not None


def permalink(query: str, k: int, fingerprint: str, summary: bool = False, docs=(),
              span: Passage | None = None, speaker: str | None = None) -> str:
    """A relative link ('?q=…') that reopens this answer, or with `span` this one quote."""
    params: list[tuple[str, str]] = [("q", query), ("k", str(k)), ("v", fingerprint)]
    if summary:
        params.append(("summary", "1"))
    params += [("filter", d) for d in sorted(docs or ())]
    if speaker:
        params.append(("speaker", speaker))
    fragment = ""
    if span is not None:
        params.append(("doc", span.doc))
        fragment = f"#{quote(span.section, safe='')}:{span.start}-{span.end}"    # (a heading may hold ":", "#")
    return "?" + urlencode(params, quote_via=quote) + fragment


# "#Q7:12345-12789", a heading percent-encoded ("#Chapter%202%3A%20Dredging:42-122"; read decoded, any ":" in it)
_FRAGMENT = re.compile(r"^#?(?:(?P<section>.{1,300}?):)?(?P<start>\d{1,12})-(?P<end>\d{1,12})$", re.DOTALL)


def parse_link(search: str, fragment: str = "") -> Link | None:
    """The Link in a page's `location.search` and `location.hash`; None when it holds no query."""
    params = parse_qs((search or "").lstrip("?"), keep_blank_values=True)

    def one(name, default=None):
        values = params.get(name)
        return values[0] if values else default

    query = one("q")
    if query is None or not query.strip():
        return None
    k = _whole(one("k", str(DEFAULT_K)))
    try:
        k = check_k(k)
    except QueryError:
        raise QueryError(f"The link asks for {one('k')!r} quotes: it must be a number from 1 to {MAX_K}.")
    link = Link(query=query, k=k, version=one("v", ""), summary=one("summary", "") in ("1", "true", "on"),
                docs=tuple(params.get("filter", [])), speaker=speaker_name(one("speaker")))
    m = _FRAGMENT.match(unquote(fragment)) if fragment and fragment != "#" else None
    shown = fragment if len(fragment or "") <= 60 else fragment[:60] + "…"     # (not 10,000 characters said back)
    if fragment and fragment != "#" and not m:
        raise QueryError(f"The link's cited span {shown!r} is not of the form #Q7:12345-12789.")
    if m:
        start, end = int(m.group("start")), int(m.group("end"))
        if end < start:     # (an empty span, or one past the document's end, is said by the source panel)
            raise QueryError(f"The link's cited span {shown!r} ends before it starts.")
        link = Link(**{**link.__dict__, "doc": one("doc"), "section": m.group("section"),
                       "start": start, "end": end})
    return link
