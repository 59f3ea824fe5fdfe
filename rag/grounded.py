"""Grounded decoding: every summary sentence is stitched from fragments of the quotes it cites.

The local model still chooses each token, but only among those that keep the sentence a
sequence of *fragments* (exact pieces of the quotes as the prompt showed them) joined by
a few connectives (CONNECTIVES), ending with "." and then the citation of exactly the
quotes its fragments came from (forced, not chosen). Every fragment is thereby
checkable: CheckedSentence.fragments gives each one's quote number and document
offsets (verify.fragment_problems checks them).

What a fragment is. Each quote is split into sentences (rag.chunk.sentences; a question
is skipped: it states nothing), each sentence into *segments* at hard boundaries (; : ( ) [ ]
quotation marks, dashes, ellipses), which a fragment never crosses, so no quotation mark or
bracket is ever copied, and each segment into clauses at commas. A fragment starts where its
sentence starts, after a semicolon or a dash, or after ", and"/", but"/", so"/", while"
(then it is that one clause); it ends at the sentence's end, at a semicolon or a dash, or
before ", and"/", but"…, after at least MIN_WORDS words, so it does not stop mid-clause
("The US negotiator in Geneva," / "We will not"). Rules against changing what a quote
says: a fragment of a quote sentence that has a negation keeps one, and is not joined to
another; a clause that opens with a subordinator ("If they attack, we respond") is neither
left out before a fragment nor ends one; an introduction ("As a saying goes,") does not
stand alone. A sentence opens with a fragment that starts with a capital letter; after a
connective comes one that does not open a quote sentence (unless with a name) and does not
start with a pronoun ("…, and they …": the antecedent stays behind) or a relative word.
Which fragments: each one's relevance (cosine of its text to the question, by the search
embedder) is added to the model's log-probabilities (RELEVANCE_WEIGHT) wherever fragments
compete, and fragments below RELATIVE_FLOOR of the best one are not offered, so a summary
ends when the relevant quotes are used up. Each sentence's first fragment comes from a
quote no earlier sentence started from, while one is left (three sentences draw on three
quotes); no clause is used twice; at most MAX_FRAGMENTS fragments a sentence, MAX_SENTENCES
sentences; the fragments of one sentence are one speaker's (a meeting's window holds several people's turns, and
"The repair was quoted at 85,000 pounds, and I think that figure is far too low" joined two people into a claim
neither made). The quotes that give orders (verify.instructions) are left out by the caller.

How. Each candidate fragment's text (from a clause start to its segment's end) is
tokenized once with a leading space, and the openers once more without (the answer's
first word); the token sequences form two tries. Decoding is a small
nondeterministic automaton over the tries and the connectives' tokens (a "," may
continue a fragment or begin ", and"): the allowed tokens are the union over the live
hypotheses, and the model's most likely allowed token is taken (greedy). Where the
automaton leaves one token only, it is not asked: such runs (the rest of a fragment
once only one fits, the citation) are fed to the model in one forward pass.

What it leaves out: paraphrase and reported speech ("He said that …" would need "we"
turned into "they"), reordering inside a fragment, sampling and beam search (the
greedy choice can prefer a fluent but marginal clause), conditions stated in another
sentence of the quote, and referents: a fragment keeps its "this", "he", "them", whose
antecedent may be in a sentence left out.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from .chunk import sentences
from .cite import spoken_sentences, voice_at
from .labels import MONTH_NAMES
from .speakers import label_of
from .spelling import SCALES, TENS, UNITS
from .verify import _NEGATION, Fragment

CONNECTIVES = (", and", ", but", ";", " and", " but")
MIN_WORDS = 5             # words (split at spaces) of a fragment, at least
MAX_FRAGMENTS = 2           # per sentence
MAX_SENTENCES = 3
RELEVANCE_WEIGHT = 40.0     # nats per unit of relevance (cosine to the question) between fragments
RELATIVE_FLOOR = 0.7        # a fragment less relevant than this share of the best one is not used
CENTRALITY = 0.0            # weight of a fragment's similarity to the other fragments in its relevance
NUMBER_BONUS = 0.1          # relevance added to a fragment that gives a number, for a question that asks for one
# what asks for a number, an amount, a time or a date, and what gives one
ASKS_NUMBER = re.compile(r"\b(?:how\s+(?:many|much|long|often|far|old|large|big|soon)|when\b|what\s+(?:percentage|"
                         r"percent|share|number|year|date|day|month|age|amount|sum|price|cost|figure|proportion|"
                         r"rate|time)|in\s+which\s+(?:year|month)|which\s+(?:year|date|day|month))", re.I)
GIVES_NUMBER = re.compile(r"\d|\b(?:" + "|".join([*UNITS, *TENS, *SCALES]) + r"|dozen|half|twice|percent|"
                          + MONTH_NAMES + r"|yesterday|tomorrow|week|month|year)s?\b", re.I)

_HARD = re.compile(r"[;:()\[\]{}\"“”«»‘„]|\s[–—-]\s|[–—]|\.\.\.|…|\n")
_CLAUSE = re.compile(r"(?<!\d),|,(?!\d)")     # (not the comma of "400,000": "If … raises 400" is no clause)
_WORDS = re.compile(r"\w+")
_LEAD_CONJ = re.compile(r"(?:and|but|so|yet|while|whereas)\s+", re.I)
_SUBORDINATE = re.compile(r"(?:if|unless|although|though|whereas|while|when|whenever|because|since|once|"
                          r"provided|as\s+long\s+as|even\s+if|even\s+though|until|before|after)\b", re.I)
# words a fragment after a connective may not start with: relative pronouns and conjunctions (no
# "and which …"), and pronouns, whose antecedent stays behind in the other quote ("…, and they are creating"; "…
# in April, and we thought that was reasonable", "that" the other quote's repair bill)
_PRONOUNS = {"he", "she", "it", "they", "this", "these", "those", "that", "his", "her", "its", "their", "him", "them",
             "there", "we", "our", "us", "i", "my", "me", "you", "your"}
_NOT_AFTER_CONNECTIVE = {"which", "who", "whom", "whose", "where", "whereby", "wherein", "and", "but", "or", "nor",
                         "so", "yet"} | _PRONOUNS
PRONOUN_WORDS = 3       # ... nor one with a pronoun among its first this many words ("then we thought that …",
                        # "all of them agreed")
# a segment after these may open a fragment; not after brackets, nor after a colon (what follows one
# elaborates what came before: "we sent two documents: a draft treaty…" is not "…, and a draft treaty")
_OPENING = {";", "–", "—", "-"}
_ENDING = _OPENING | {""}    # a fragment may end where its segment ends only before these (or the sentence end)
# ... and not before a segment that qualifies it: a condition or a hedge ("We will sell the lighthouse to the Trust –
# if the trust raises 400,000 pounds", "running by June – at least that's what the operator told us")
# (a condition, a hedge, an attribution; not a time or a cause, "– since then output doubled", which leave the
# statement before them standing)
_CONDITION = (r"(?:if|unless|provided|providing|as\s+long\s+as|so\s+long\s+as|on\s+condition|even\s+if|only\s+if|"
              r"assuming|subject\s+to|depending|though|although|even\s+though|until|(?:that|it|this|which|all)\s+"
              r"depends|i\s+doubt|we\s+doubt|i\s+wouldn't|i\s+would\s+not|i'm\s+not\s+sure|i\s+am\s+not\s+sure|"
              r"who\s+knows)\b")
_HEDGE = (r"(?:at\s+least(?!\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|a\s+dozen|a\s+hundred))|"
          r"at\s+most(?!\s+\d)|or\s+so|maybe|perhaps|possibly|probably|apparently|allegedly|reportedly|supposedly|"
          r"hopefully|in\s+theory|in\s+principle|according\s+to|or\s+not|except|i\s+think|i\s+believe|we\s+think|"
          r"we\s+believe|we\s+hope|i\s+hope)\b")
_LEAD = r"(?:(?:and|but|so|or|that\s+is,?)\s+)?(?:(?:frankly|honestly)\s+)?"
_QUALIFIES = re.compile(_LEAD + f"(?:{_CONDITION}|{_HEDGE})", re.I)    # (the segment right after a claim)
_QUALIFIES_AFTER = re.compile(f"(?:{_CONDITION}|{_HEDGE})", re.I)    # (after an aside: not "and if you ask me …")
_CONDITIONAL = re.compile(_LEAD + _CONDITION, re.I)     # (a segment before a claim: "If …", "and I doubt they will")
# a segment ending in these reports what the next says ("The operator says – and I doubt it – the ferry …")
_REPORTS = re.compile(r"\b(?:says|said|told\s+(?:us|me|them)|thinks|believes|reckons|insists|argues|according\s+to)$",
                      re.I)     # (not "claims", "hopes", "doubts", "thought": "the insurance claims – the pier …")
# after "and"/"but", a clause that opens with these has no subject of its own ("…, and has been useful")
_VERB_FIRST = {"has", "have", "had", "is", "are", "was", "were", "will", "would", "can", "could", "should", "may",
               "might", "must", "does", "do", "did", "been", "being", "shall"}
# a first clause opening with these is an introduction ("As a popular saying goes,"), not a statement
_INTRO = re.compile(r"(?:as|with|in|on|at|by|for|from|after|before|according|regarding|concerning|given|"
                    r"despite|speaking|turning|talking|to|of|about|like|unlike|\w+ing)\b", re.I)
_END_PUNCT = ".!?…"


@dataclass
class _Cand:
    """One place a fragment may start: quote `rank`, quote-relative `start`, and where it may end."""
    id: int
    rank: int
    base: int                # the passage's offset in its document
    text: str                # the passage text
    sentence: int            # global index of its quote sentence
    clauses: list[int]       # global ids of the clauses it runs through, in order
    clause_end: dict         # clause id -> char end of that clause
    start: int
    opens: bool              # starts its quote sentence
    upper: bool              # its first character is a capital
    name_first: bool         # its first word is a name (not a common word)
    negated: bool = False    # it says "not" (its longest form): it stands alone in its sentence
    pronoun_led: bool = False    # a pronoun among its first PRONOUN_WORDS words: joined after no connective
    ends: set = field(default_factory=set)   # char ends where it may stop (rules above)
    speaker: str | None = None   # who says it (Plan's `voices`): a sentence joins one speaker's fragments only


class _Node:
    __slots__ = ("children", "at", "ends")

    def __init__(self):
        self.children: dict[int, _Node] = {}
        self.at: dict[int, int] = {}          # candidate id -> quote char position after this token
        self.ends: set[int] = set()           # candidate ids that may stop after this token


def _segments(text: str, s: int, e: int):
    """(start, end, what ends it) of the segments of text[s:e] between hard boundaries, trimmed;
    what ends it is the boundary's text ("" at the end of the sentence)."""
    marks = list(_HARD.finditer(text, s, e))
    cuts = [s] + [x for m in marks for x in (m.start(), m.end())] + [e]
    terms = [m.group().strip() for m in marks] + [""]
    for (a, b), term in zip(zip(cuts[::2], cuts[1::2]), terms):
        while a < b and (text[a].isspace() or text[a] in ","):
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] in ",'’"):
            b -= 1
        if b > a:
            yield a, b, term


def _clauses(text: str, a: int, b: int):
    """(start, end) of the comma-separated clauses of the segment text[a:b]."""
    out, s = [], a
    for m in _CLAUSE.finditer(text, a, b):
        out.append((s, m.start()))
        s = m.end()
    out.append((s, b))
    spans = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def _first_word(text: str, start: int) -> str:
    m = _WORDS.match(text, start)
    return m.group() if m else ""


def _names(texts) -> set[str]:
    """Capitalised words the quotes use inside a sentence (names: "Russia", "NATO"), not "I"; not a word after a hard
    boundary, a speaker's label among them ("Marketing: So we …", "told us – We will close …"), nor one of English's
    commonest words ("We", "So", "How"; a pronoun after "and" would change what it refers to; "New" and "Will" too,
    so "New Zealand …" is never joined after a connective)."""
    from .english import zipf

    names = set()
    for text, shown in texts:
        for s, e in sentences(text, 0, shown):
            words = list(_WORDS.finditer(text, s, e))
            for before, m in zip(words, words[1:]):
                w = m.group()
                if w[0].isupper() and w != "I" and not _HARD.search(text, before.end(), m.start() + 1) \
                        and (w.isupper() or (zipf(w.lower()) or 0.0) < EVERYDAY_ZIPF):
                    names.add(w)
    return names


EVERYDAY_ZIPF = 6.0     # a capitalised word this common in English is no name for _names ("We", "So", "Yes")


def _span(shown, length: int) -> tuple[int, int]:
    a, b = (0, shown) if isinstance(shown, int) else shown
    return max(0, min(a, length)), max(0, min(b, length))


class Plan:
    """The fragments one summary may use (from `quotes`: (rank, passage, shown) each, `shown` the
    span (a, b) of the passage's text the prompt showed, or its length from the start) as token
    tries for `tokenizer`."""

    def __init__(self, tokenizer, quotes, connectives=CONNECTIVES, min_words: int = MIN_WORDS, voices=None,
                 only=None):
        """`voices`: quote rank -> its cite.voices (a meeting's window of several turns), so that no sentence joins
        two speakers' words into one claim; `only`: the
        speakers whose words alone are offered (a search restricted to them; a label, "The Chair", covers the
        people its bracket names, "The Chair (Councillor Ingrid Halvorsen)")."""
        self.tok = tokenizer
        self.cands: list[_Cand] = []
        n_sent = n_clause = 0
        quotes = [(rank, p, _span(shown, len(p.text))) for rank, p, shown in quotes]
        self.names = _names([(p.text[a:b], b - a) for _, p, (a, b) in quotes])
        for rank, passage, (a0, b0) in quotes:
            text = passage.text
            # (a sentence that opens a turn starts after its label: "Mark Szymanski: The library …" is his from "The")
            for s, e in spoken_sentences(text, (voices or {}).get(rank), a0, b0):
                if text[s:e].rstrip().rstrip("\"”’)").endswith("?"):
                    n_sent += 1
                    continue                  # a question (rhetorical or not) states nothing
                while e > s and (text[e - 1] in _END_PUNCT or text[e - 1].isspace()):
                    e -= 1
                negated = bool(_NEGATION.search(text[s:e]))
                after = ""                    # the boundary before the segment ("" at the sentence start)
                segments = list(_segments(text, s, e))
                for n, (a, b, term) in enumerate(segments):
                    # a condition, hedge or attribution in the segment after this one, or after an aside between
                    # dashes ("… customs house – the building the council bought – as long as the grant …"; not a
                    # clause of its own, "– the mayor cut the ribbon – and if you ask me it looks great"): no
                    # fragment of this segment ends
                    qualified = n + 1 < len(segments) and _QUALIFIES.match(text, segments[n + 1][0]) is not None \
                        or n + 2 < len(segments) and _QUALIFIES_AFTER.match(text, segments[n + 2][0]) is not None
                    # ... nor opens after a condition before it ("If the Trust raises it – and I doubt they will – I
                    # will sell them the lighthouse"), nor after a segment that reports it ("The operator says – …")
                    hedged = any(_CONDITIONAL.match(text, before[0]) for before in segments[:n]) or n > 0 and \
                        _REPORTS.search(text, segments[n - 1][0], segments[n - 1][1]) is not None
                    if hedged or qualified:
                        after = term
                        n_clause += len(_clauses(text, a, b))
                        continue
                    spans = _clauses(text, a, b)
                    ids = list(range(n_clause, n_clause + len(spans)))
                    n_clause += len(spans)
                    ends = dict(zip(ids, (ce for _, ce in spans)))
                    subordinate = [bool(_SUBORDINATE.match(text[cs:ce])) for cs, ce in spans]
                    opening = a == s or after in _OPENING
                    after = term
                    for i, (cs, ce) in enumerate(spans):
                        if i > 0 and subordinate[i - 1]:
                            continue          # "If they attack, | we respond": keep the condition
                        lead = _LEAD_CONJ.match(text, cs, ce)
                        starts = [(cs, False)] if i == 0 and opening else []
                        if lead and (i > 0 or opening) and len(text[lead.end():ce].split()) >= 2 and \
                                _first_word(text, lead.end()).lower() not in _VERB_FIRST:
                            starts.append((lead.end(), i > 0))     # ", and we …": that clause only
                        for start, single in starts:
                            cand = _Cand(len(self.cands), rank, passage.start, text, n_sent, ids[i:], ends,
                                         start, opens=start == s, upper=text[start].isupper(),
                                         name_first=_first_word(text, start) in self.names,
                                         pronoun_led=any(w.lower() in _PRONOUNS and not (w.isupper() and len(w) > 1)
                                                         for w in _WORDS.findall(text, start, spans[i][1])
                                                         [:PRONOUN_WORDS]),
                                         speaker=voice_at((voices or {}).get(rank), start))
                            intro = _INTRO.match(text, start, spans[i][1]) is not None
                            for j in range(i, i + 1 if single else len(spans)):
                                end = spans[j][1]
                                frag = text[start:end]
                                if subordinate[j] or (j == len(spans) - 1 and term not in _ENDING):
                                    continue       # "If they attack", "The answer is:", "He called it “", "… – if"
                                if (j == i and intro) or (j > i and len(text[spans[j][0]:end].split()) < 3):
                                    continue       # "As a popular saying goes", "…, notably"
                                if j < len(spans) - 1 and (not _LEAD_CONJ.match(text, spans[j + 1][0])
                                                           or _QUALIFIES.match(text, spans[j + 1][0])):
                                    continue       # only before ", and …" ("The US negotiator in Geneva, Deputy …"),
                                    #                 not ", but only if …", ", so long as …"
                                if len(frag.split()) < min_words or (negated and not _NEGATION.search(frag)):
                                    continue
                                cand.ends.add(end)
                            if cand.ends and (not only or cand.speaker in only or label_of(cand.speaker) in only):
                                cand.negated = bool(_NEGATION.search(text[start:max(cand.ends)]))
                                self.cands.append(cand)
                n_sent += 1
        self.spaced, self.first = _Node(), _Node()
        spaced = self._build(self.spaced, self.cands, " ")
        first = self._build(self.first, [c for c in self.cands if c.upper], "")
        for c in self.cands:            # only ends at a token boundary, in every trie it is in
            c.ends &= spaced[c.id] & first[c.id] if c.upper else spaced[c.id]
        self.connectives = [tokenizer.encode(c, add_special_tokens=False) for c in connectives]
        self.dot = self._single(".")
        self.eos = tokenizer.eos_token_id

    def _single(self, text: str) -> int:
        ids = self.tok.encode(text, add_special_tokens=False)
        if len(ids) != 1:
            raise ValueError(f"{text!r} is not one token for this tokenizer")
        return ids[0]

    def _build(self, root: _Node, cands: list[_Cand], lead: str) -> dict[int, set[int]]:
        """Insert each candidate's tokens (its text up to its last end, after `lead`); returns the
        ends each one reaches at a token boundary."""
        marked: dict[int, set[int]] = {c.id: set() for c in cands}
        if not cands:
            return marked
        limit = {c.id: max(c.ends) for c in cands}
        strings = [lead + c.text[c.start:limit[c.id]] for c in cands]
        enc = self.tok(strings, add_special_tokens=False, return_offsets_mapping=True)
        for c, ids, offsets in zip(cands, enc["input_ids"], enc["offset_mapping"]):
            node = root
            for t, (_, b) in zip(ids, offsets):
                node = node.children.setdefault(t, _Node())
                pos = c.start + b - len(lead)
                node.at[c.id] = pos
                if pos in c.ends:
                    node.ends.add(c.id)
                    marked[c.id].add(pos)
        return marked

    def fragment(self, cid: int, end: int) -> Fragment:
        c = self.cands[cid]
        return Fragment(quote=c.rank, start=c.base + c.start, end=c.base + end, text=c.text[c.start:end])


def relevance(plan: Plan, question: str, embedder, centrality: float = CENTRALITY) -> dict[int, float]:
    """Each candidate fragment's score (its longest form, by the search embedder): its cosine to the
    question, plus `centrality` x its mean cosine to the other candidates (what the quotes share,
    as in summarise.extractive_summary)."""
    import numpy as np

    if not plan.cands or embedder is None:
        return {}
    texts = [c.text[c.start:max(c.ends)] for c in plan.cands]
    vecs = np.asarray(embedder.encode_documents(texts), dtype="float32")
    q = np.asarray(embedder.encode_query(question), dtype="float32")
    sims = vecs @ vecs.T
    n = len(texts)
    central = (sims.sum(1) - np.diag(sims)) / max(1, n - 1)
    score = (vecs @ q + centrality * central) / (1 + centrality)
    if NUMBER_BONUS and ASKS_NUMBER.search(question or ""):
        # a question that asks for a number, an amount or a date is answered by a fragment that gives one: the
        # embedding ranks "We sent two documents" no nearer "How many documents …?" than "We sent documents"
        score = score + NUMBER_BONUS * np.array([bool(GIVES_NUMBER.search(t)) for t in texts])
    return {c.id: float(v) for c, v in zip(plan.cands, score)}


@dataclass(frozen=True)
class _Hyp:
    kind: str                           # "frag" (inside a fragment's trie) or "conn" (inside a connective)
    node: object                        # a trie _Node, or the tokens of the connective still to come
    frags: tuple = ()                   # (cand id, end) of the fragments this sentence has finished
    mid: bool = False                   # a fragment after a connective (not the sentence's first)


class Decoder:
    """Which tokens may come next, step by step; `sentences` holds the finished ones as
    (fragments, citations)."""

    def __init__(self, plan: Plan, max_fragments: int = MAX_FRAGMENTS, max_sentences: int = MAX_SENTENCES,
                 relevance: dict[int, float] | None = None, weight: float = RELEVANCE_WEIGHT):
        self.plan, self.max_fragments, self.max_sentences = plan, max_fragments, max_sentences
        self.relevance, self.weight = relevance or {}, weight
        best = max(self.relevance.values(), default=0.0)
        self.floor = RELATIVE_FLOOR * best if best > 0 else float("-inf")
        self.used: set[int] = set()               # clause ids already in a fragment
        self.started_from: set[int] = set()       # quotes a sentence started from
        self.sentences: list[tuple[list[Fragment], list[int]]] = []
        self.forced: list[int] = []               # tokens that must come next (the citation)
        self.generated = 0
        self._cache: dict = {}
        self._new_sentence()

    # ---- eligibility
    def _reach(self, c: _Cand, taken: set[int]) -> int:
        """The furthest char end candidate `c` may reach, given the clauses taken (-1: none)."""
        best = -1
        for cl in c.clauses:
            if cl in taken:
                break
            if c.clause_end[cl] in c.ends:
                best = c.clause_end[cl]
        return best

    def _limits(self, mid: bool, frags=(), floor: float | None = None) -> dict[int, int]:
        floor = self.floor if floor is None else floor
        taken = set(self.used)
        for cid, end in frags:
            c = self.plan.cands[cid]
            taken.update(cl for cl in c.clauses if c.clause_end[cl] <= end or cl == c.clauses[0])
        out = {}
        for c in self.plan.cands:
            if self.relevance and self.relevance.get(c.id, 0.0) < floor:
                continue                      # off the question: neither opens nor joins a sentence
            if mid:
                if c.opens and not c.name_first:
                    continue
                m = _WORDS.match(c.text, c.start)
                if m and m.group().lower() in _NOT_AFTER_CONNECTIVE:
                    continue
                if c.pronoun_led:
                    continue
                if c.negated:                 # a negation is not joined to anything (see the docstring)
                    continue
                if frags and c.speaker != self.plan.cands[frags[0][0]].speaker:
                    continue                  # another speaker's words: two people's claims are not made one
            elif not c.upper:
                continue
            reach = self._reach(c, taken)
            if reach >= 0:
                out[c.id] = reach
        if not out and not mid and not self.sentences and floor > float("-inf"):
            return self._limits(mid, frags, float("-inf"))   # the first sentence: the best there is
        if not mid:
            fresh = {cid: r for cid, r in out.items() if self.plan.cands[cid].rank not in self.started_from}
            if fresh:
                out = fresh
        return out

    def _new_sentence(self) -> None:
        limits = self._limits(False)
        root = self.plan.first if self.generated == 0 and not self.sentences else self.plan.spaced
        self.hyps = [(_Hyp("frag", root), limits)] if limits else []
        self.at_start = True

    # ---- the automaton
    def _alive(self, node: _Node, limits: dict) -> bool:
        return any(cid in limits and pos <= limits[cid] for cid, pos in node.at.items())

    def _end_here(self, node: _Node, limits: dict) -> int | None:
        for cid in sorted(node.ends):
            if cid in limits and node.at[cid] <= limits[cid]:
                return cid
        return None

    def allowed(self) -> list[int]:
        if self.forced:
            return [self.forced[0]]
        out: set[int] = set()
        if len(self.sentences) >= self.max_sentences:
            return [self.plan.eos] if self.plan.eos is not None else []
        if self.at_start and self.sentences and self.plan.eos is not None:
            out.add(self.plan.eos)
        for hyp, limits in self.hyps:
            if hyp.kind == "conn":
                out.add(hyp.node[0])
                continue
            for t, child in hyp.node.children.items():
                if self._alive(child, limits):
                    out.add(t)
            if self._end_here(hyp.node, limits) is not None:
                if self.plan.dot not in hyp.node.children or not self._alive(hyp.node.children[self.plan.dot], limits):
                    out.add(self.plan.dot)
                end = self._end_here(hyp.node, limits)
                if len(hyp.frags) + 1 < self.max_fragments and not self._says_not(end, hyp.node.at[end]) and \
                        self._mid_limits(hyp.frags + ((end, hyp.node),)):
                    out.update(c[0] for c in self.plan.connectives)
        if not out and self.sentences and self.plan.eos is not None:
            out.add(self.plan.eos)
        return sorted(out)

    def advance(self, token: int) -> None:
        """Take `token` (one of allowed())."""
        self.generated += 1
        self.at_start = False
        if self.forced:
            self.forced.pop(0)
            if not self.forced:
                self._new_sentence()
            return
        if token == self.plan.eos:
            self.hyps = []
            return
        new, done = [], None
        for hyp, limits in self.hyps:
            if hyp.kind == "conn":
                rest = hyp.node[1:] if hyp.node[0] == token else None
                if rest is None:
                    continue
                if rest:
                    new.append((_Hyp("conn", rest, hyp.frags, True), limits))
                else:
                    new.extend(self._after_connective(hyp.frags))
                continue
            child = hyp.node.children.get(token)
            if child is not None and self._alive(child, limits):
                new.append((_Hyp("frag", child, hyp.frags, hyp.mid), limits))
            else:
                child = None
            end = self._end_here(hyp.node, limits)
            if end is None:
                continue
            frags = hyp.frags + ((end, hyp.node.at[end]),)
            if token == self.plan.dot and child is None and done is None:
                done = frags
            elif len(frags) < self.max_fragments and not self._says_not(end, hyp.node.at[end]) \
                    and self._mid_limits(frags):
                for conn in self.plan.connectives:
                    if conn[0] == token:
                        if len(conn) > 1:
                            new.append((_Hyp("conn", tuple(conn[1:]), frags, True), limits))
                        else:
                            new.extend(self._after_connective(frags))
        if done is not None:
            self._finish(done)
            return
        self.hyps = new

    def _says_not(self, cid: int, end: int) -> bool:
        c = self.plan.cands[cid]
        return bool(_NEGATION.search(c.text[c.start:end]))

    def _mid_limits(self, pending) -> dict:
        """_limits for a fragment after a connective, given the sentence's fragments so far (the last
        one as (cand id, node) while it may still go on); cached for the step."""
        frags = tuple((cid, node.at[cid]) if isinstance(node, _Node) else (cid, node) for cid, node in pending)
        key = (len(self.sentences), frags)
        if key not in self._cache:
            self._cache = {key: self._limits(True, frags)}
        return self._cache[key]

    def _after_connective(self, frags):
        limits = self._mid_limits(frags)
        return [(_Hyp("frag", self.plan.spaced, frags, True), limits)] if limits else []

    def _finish(self, frags) -> None:
        fragments = [self.plan.fragment(cid, end) for cid, end in frags]
        citations = sorted({f.quote for f in fragments})
        self.sentences.append((fragments, citations))
        for cid, end in frags:
            c = self.plan.cands[cid]
            self.used.update(cl for cl in c.clauses if c.clause_end[cl] <= end)
        self.started_from.add(fragments[0].quote)
        self.forced = self.plan.tok.encode(" " + "".join(f"[{n}]" for n in citations), add_special_tokens=False)
        self.hyps = []

    def bias(self, allowed: list[int]) -> dict[int, float] | None:
        """Each allowed token's bonus, added to the model's log-probabilities: weight x the best
        relevance of the fragments it keeps possible. Ending a fragment ("." or a connective) gets
        the relevance of the fragment it ends, so between going on and stopping, or between two
        connectives, the model alone decides; between fragments, relevance counts. None when there
        is no relevance (or only a forced citation)."""
        if not self.relevance or self.forced:
            return None
        out: dict[int, float] = {}
        ends = {self.plan.dot} | {c[0] for c in self.plan.connectives}

        def give(t, value):
            out[t] = max(out.get(t, float("-inf")), self.weight * value)

        for hyp, limits in self.hyps:
            if hyp.kind == "conn":
                give(hyp.node[0], self.relevance.get(hyp.frags[-1][0], 0.0) if hyp.frags else 0.0)
                continue
            for t in allowed:
                child = hyp.node.children.get(t)
                if child is not None:
                    best = max((self.relevance.get(cid, 0.0) for cid, pos in child.at.items()
                                if cid in limits and pos <= limits[cid]), default=None)
                    if best is not None:
                        give(t, best)
            end = self._end_here(hyp.node, limits)
            if end is not None:
                for t in ends & set(allowed):
                    give(t, self.relevance.get(end, 0.0))
        return {t: v for t, v in out.items() if v > float("-inf")}

    def determined(self) -> int | None:
        """The next token when there is only one, else None (the model is not asked then)."""
        allowed = self.allowed()
        return allowed[0] if len(allowed) == 1 and allowed[0] != self.plan.eos else None


class TorchSteps:
    """A transformers causal model as a step function: the logits of the next token after feeding
    `ids` (the prompt first, then what was chosen), with one KV cache updated in place."""

    def __init__(self, model):
        import inspect

        from transformers import DynamicCache

        self.model = model
        params = inspect.signature(model.forward).parameters
        # transformers 5 calls the argument `cache`, 4.x `past_key_values`
        self.kw = {"cache" if "cache" in params else "past_key_values": DynamicCache(), "use_cache": True}
        if "logits_to_keep" in params:
            self.kw["logits_to_keep"] = 1        # not the prompt's 500 x 49k logits

    def __call__(self, ids: list[int]):
        import torch

        with torch.inference_mode():
            return self.model(input_ids=torch.tensor([list(ids)]), **self.kw).logits[0, -1]


def generate(step: Callable, prompt: list[int], decoder: Decoder | Callable[[], Decoder], *, max_new_tokens: int,
             deadline: float, stop: Callable[[], bool] = lambda: False) -> Iterator[tuple[list[int], str | None]]:
    """Greedy decoding under `decoder`: yields (generated token ids, why) after each forward
    pass with why "more", and finally (ids, why) with why "time", "tokens", "stopped" or None (done).
    `step(ids)` feeds token ids to the model and returns the next token's logits (TorchSteps, or
    onnxlm.OnnxLM.steps()); the first call feeds `prompt`. `decoder` may be a function that returns
    the Decoder: it is called once the model has read the prompt, so what the Decoder needs (the
    fragments' relevance) can be computed meanwhile."""
    import numpy as np
    import torch

    def logits_of(ids):
        out = step(ids)
        return torch.from_numpy(np.asarray(out, dtype=np.float32).reshape(-1)) if isinstance(out, np.ndarray) else out

    ids: list[int] = []
    with torch.inference_mode():
        logits = logits_of(list(prompt))
        if not isinstance(decoder, Decoder):
            decoder = decoder()
        while True:
            if stop():
                yield ids, "stopped"
                return
            if time.monotonic() >= deadline:
                yield ids, "time"
                return
            allowed = decoder.allowed()
            if not allowed or (len(allowed) == 1 and allowed[0] == decoder.plan.eos):
                yield ids, None
                return
            if len(allowed) == 1:
                token = allowed[0]
            else:
                scores = logits[torch.tensor(allowed)]
                bias = decoder.bias(allowed)
                if bias:
                    scores = torch.log_softmax(scores.float(), -1) + torch.tensor([bias.get(t, 0.0) for t in allowed])
                token = allowed[int(torch.argmax(scores))]
            if token == decoder.plan.eos:
                yield ids, None
                return
            feed = [token]
            decoder.advance(token)
            while len(ids) + len(feed) < max_new_tokens or decoder.forced:   # a citation is never cut
                nxt = decoder.determined()
                if nxt is None:
                    break
                feed.append(nxt)
                decoder.advance(nxt)
            ids.extend(feed)
            if len(ids) >= max_new_tokens:
                yield ids, "tokens"
                return
            yield ids, "more"
            logits = logits_of(feed)
