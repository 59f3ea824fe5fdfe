"""What a query names: the words and multiword names of a question that name something.

terms.py asks which of them the searched documents never mention; nothing here looks at the documents.

A query word is a *name* when it is
- capitalised, not at the start of a sentence (in a query not written in Title Case: ``title_case``, every word
  capitalised but articles, conjunctions and short prepositions, TITLE_LOWER),
- an acronym (two or more capitals: NATO, JCPOA), written with a capital after a small letter (pH, iPhone, eBay), or
  contains a digit (2014, G20),
- capitalised at the start of a sentence and not a common English word nor one English inflects
  ("Summarize the discussion": summarized; "Kaliningrad transit" has no such forms), or
- (any case) very rare in general English, or the one-word name of a country (``countries``: pycountry's
  ISO 3166 tables, "Myanmar military government", "russia and mongolia");
- (in lower case, opening the question or in Title Case) a word other languages write as English does, about as
  often (borrowed.py: "merkel", "gazprom", "junta"), unless English makes an adjective or inflects it ("absurd",
  "invade"): ``borrowed_names``, kept apart from ``query_names``: retrieve.py names them when missing, and they
  weigh nothing.
"Common" and "rare" come from ``wordfreq``'s Zipf frequencies when it is installed (an
optional dependency); without it only capitalisation, acronyms and digits make names. A
common word (a paraphrase's verb) never counts, whatever the index lacks.

A multiword name (``name_phrases``) is a run of adjacent capitalised words ("African Union"), or a country's
name of several words in any case ("hong kong"); two names joined by a dash are a pair (``name_pairs``: "the
Belarus–Poland border"). A figure with thousands separators or a sum's unit is one name (``figures_of``:
"1,300" is 1300, "$1.2bn" 1.2), and a code written with a dash or space after its capital letter is one too
(``number_code``: "P-5" is P5).
What it leaves out: names in lower case that wordfreq finds common and that are not countries ("bolsonaro"),
an adjective and a name's first word opening a question ("World Bank forecast": "World" is taken for the
sentence's capital), other languages' capitalisation.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .borrowed import borrowed
from .english import (
    COMMON_ZIPF, ENGLISH_ENDINGS, FIGURE, HONORIFICS, INFLECTED_ZIPF, LABELS, MONTHS, PATRONYMIC, RARE_ZIPF,
    SHORT_MONTHS, TITLED_WORDS, _SENTENCE_END_CHARS, _WORD, _acronym, _function_words, _is_stop, _stem,
    dictionary_name, is_common, mistyped, without_possessive, zipf)
from .labels import OFFICES, TITLES
from .places import countries, country_phrases, peoples
from .spelling import _fold

if TYPE_CHECKING:
    from .vocabulary import Vocabulary

_CAMEL = re.compile(r"[a-z][A-Z]")      # a word written with a capital inside it is a name, wherever it stands


def query_names(query: str) -> list[str]:
    """The words of `query` that name something (see the module's rules), in order, once each."""
    return list(_query_names(query))


# endings of English adjectives that other languages write alike ("verbal", "arrogant"): no borrowed names
ADJECTIVE_ENDINGS = ("al", "ant", "ent", "ive", "ous", "ible", "able", "ist")
ADVERB_ZIPF = 2.0       # a word whose -ly form is this frequent is an adjective: "absurd", "sublime"

# titles written short with a full stop, after which a capital is no sentence's first: "Dr. Smith", "St. Petersburg"
# (not "St.", which ends a sentence as often, "on Main St. Yesterday …"; "M." not as the end of "p.m.", "a.m.": "9 p.m.
# Residents complained")
ABBREVIATED_TITLES = frozenset("mr mrs ms mx dr prof hon rt sen rep gov rev mme m gen col capt lt sgt cllr fr "
                               "messrs".split())


def _after_title(query: str, matches: list, i: int) -> bool:
    """Whether the query's word `i` follows a title's full stop, the title capitalised as before a name ("Dr. Smith",
    "Gen. Mark Milley", "M. Bell"; not the "m." of "9 p.m." nor "50 m.", "the rep.", "the latest gen.")."""
    before = matches[i - 1] if i > 0 else None
    return before is not None and before.group()[:1].isupper() and _fold(before.group()) in ABBREVIATED_TITLES \
        and query[before.start() - 1:before.start()] != "."

# the words Title Case leaves in lower case: articles, conjunctions, short prepositions ("Russian Troops on the Border")
TITLE_LOWER = frozenset("a an the and but or nor for so yet as at by in of off on per to up via with from into "
                        "onto over than vs".split())


def title_case(matches: list[re.Match]) -> bool:
    """Whether a query is written in Title Case ("Russian Troops On The Border", "Russian Troops on the Border"),
    where capitals say nothing: three content words or more, each capitalised, and no word in lower case but
    those Title Case keeps so (TITLE_LOWER). "What is the Eurasian Security Compact?" is not: its "is" would be
    "Is"."""
    words = [m.group() for m in matches if m.group()[:1].isalpha()]
    content = [w for w in words if not _is_stop(_fold(w))]
    return len(content) >= 3 and all(w[0].isupper() for w in content) \
        and all(w[0].isupper() or _fold(w) in TITLE_LOWER for w in words)


def borrowed_names(query: str, vocabulary: Vocabulary | None = None, docs=None) -> list[str]:
    """The words of `query` that would be names but for their being words other languages write as English does
    (borrowed.py: "merkel", "gazprom", "junta" in lower case), in order, once each; none of query_names. Many are
    everyday terms a text may say otherwise ("diaspora": compatriots; "tram": streetcar), so retrieve.py names them
    when missing and lets them decide nothing. With `vocabulary`, not one the searched documents write at the start
    of a longer word (BEGUN: "putsch", the transcript's "putschists")."""
    out = [core for core, by_use in _names(query) if by_use]
    return out if vocabulary is None else [w for w in out if vocabulary.find(w, docs) is not None
                                           or not vocabulary.begins(w, BEGUN, docs)]   # (a scan: the missing only)


BEGUN = 4       # a borrowed word is the documents' when they write it with up to this many letters more


@lru_cache(maxsize=1024)
def _query_names(query: str) -> tuple[str, ...]:     # (a search asks it of one query several times)
    return tuple(core for core, by_use in _names(query) if not by_use)


@lru_cache(maxsize=1024)
def _names(query: str) -> tuple[tuple[str, bool], ...]:
    """query_names's names and borrowed_names's, in order, each with whether it is a borrowed word."""
    matches = list(_WORD.finditer(query))
    in_title_case = title_case(matches)       # every word capitalised: capitals say nothing
    all_caps = query.upper() == query
    out: list[str] = []
    by_use: set[str] = set()      # names only as borrowed words
    figures = figures_of(query)
    end, previous = 0, ""   # where the previous word ended, and that word
    for i, m in enumerate(matches):
        word, gap, end = m.group(), query[end:m.start()].rstrip(), m.end()
        # (not after a title's full stop: "Dr. Smith", "Mr. Baker" are mid-sentence, names)
        initial = m.start() == 0 or gap[-1:] in _SENTENCE_END_CHARS and not (
            gap == "." and _after_title(query, matches, i) and word[:1].isupper())
        core, after = _fold(word), previous
        previous = word
        figure = next((f for f in figures if f.start() <= m.start() < f.end()), None)
        if figure is not None:
            core = figure_core(figure)      # "1,300", "$1.5bn", "$45m": one figure, a name
            if m.start() == figure.start() and core not in out:
                out.append(core)
            continue
        code = number_code(query, matches, i)
        if code is not None:
            core = code             # "P-5", "P 5": the code P5, which the documents may write in words
        if not core or core in out:
            continue
        letters = re.sub(r"[^A-Za-z]", "", word)
        following = matches[i + 1].group() if i + 1 < len(matches) else ""
        if word.isdigit() and len(word) <= 3 and not after[:1].isupper():
            name = False                                  # a count: "5 key points", "in 250 words"
        elif core in SHORT_MONTHS and following[:1].isdigit():
            name = False                                  # "Dec 23": a date, whose number is the name
        elif i == 0 and query[m.end():m.end() + 1] == ":" and core in LABELS:
            name = False                                  # "Keyword: NATO, Ukraine": the label of a list
        elif i > 0 and _patronymic(query, matches[i - 1], m, matches[i + 1] if i + 1 < len(matches) else None):
            name = False                                  # "Sergey Viktorovich Lavrov": the name is Lavrov
        elif core in TITLED_WORDS and following[:1].isupper() and i + 1 < len(matches) \
                and re.fullmatch(r"\.?[ \t]+", query[m.end():matches[i + 1].start()]):
            name = False                                  # "Ms Solberg", "Governor Sanwo-Olu": the name follows
        elif any(c.isdigit() for c in word):
            name = True                                   # a number, a year, G20, Article 5
        elif not letters and sum(c.isalpha() for c in word) >= 2:     # another script's word ("Хатанге"): a name
            name = word[0].isupper() and not all_caps and not initial and not in_title_case   # capitalised mid-sentence
        elif len(letters) < 2 or _is_stop(core):
            name = False
        elif core in countries():
            name = True                                   # a country, in any case and place: Myanmar, mongolia
        elif word[0].isupper() and core in peoples():
            name = True                                   # a people, capitalised in any place: "Austrian drills"
        elif not all_caps and _acronym(word):
            name = True                                   # an acronym: NATO, NATO's, CSTOs
        elif not all_caps and _CAMEL.search(word):
            name = True                                   # a capital after a small letter: pH, iPhone, eBay, mRNA
        elif initial and mistyped(core):
            name = False                                  # "Wat does …", "Wich countries …": what, which
        elif word[0].isupper() and not all_caps and not initial and not in_title_case:
            name = True                                   # capitalised in mid-sentence
        else:                                             # first word, Title Case, or lower case: by rarity
            z = zipf(core)
            if z is not None and z < COMMON_ZIPF:       # an inflection of a common word is common too
                z = max(z, zipf(_stem([core])[0]))
            name = z is not None and (z < RARE_ZIPF or (word[0].isupper() and not in_title_case and z < COMMON_ZIPF
                                                        and not _inflected(core)))
            if not name and z is not None and _dictionary_name(core):
                name = True                               # "kaliningrad", "taliban", "merkel": a name in lower case
            elif not name and z is not None and borrowed(core) and not _adjective(core) and not _inflected(core):
                name = True                               # "merkel", "gazprom", "junta": other languages' words too
                by_use.add(core)
        if name:
            out.append(core)
    return tuple((core, core in by_use) for core in out)


def number_code(query: str, matches: list[re.Match], i: int) -> str | None:
    """The code a number of `matches[i]` ends, written with a dash or a space after its capital letter ("P-5",
    "G 20": p5, g20, as "P5" is read), folded; else None."""
    if i == 0 or not matches[i].group().isdigit():
        return None
    letter = matches[i - 1].group()
    between = query[matches[i - 1].end():matches[i].start()]
    if len(letter) == 1 and letter.isupper() and re.fullmatch(r"[ \-‐‑]", between):
        return _fold(letter + matches[i].group())
    return None


def figures_of(query: str) -> list[re.Match]:
    """The figures of `query` written with thousands separators or a sum's unit (FIGURE): "1,300", "$1.5bn"."""
    return [f for f in FIGURE.finditer(query) if f.group("grouped") or f.group("unit")]


def figure_core(figure: re.Match) -> str:
    """A figure as the documents' figures are held (Vocabulary._other_forms): 1300, 1.5, 45."""
    return figure.group("grouped").replace(",", "") if figure.group("grouped") else figure.group("number")


def _patronymic(query: str, before: re.Match, m: re.Match, after: re.Match | None) -> bool:
    """Whether the word `m` of `query` is a Russian patronymic: ends as one (PATRONYMIC), between two capitalised
    words with only spaces between, the next a name rather than a title or an English word ("Sergey Viktorovich
    Lavrov"; not "Roman Abramovich Sell his club", "Viktor Yanukovich President")."""
    if after is None or not _fold(m.group()).endswith(PATRONYMIC):
        return False
    nxt = _fold(after.group())
    return (before.group()[:1].isupper() and after.group()[:1].isupper()
            and re.fullmatch(r"[ \t]+", query[before.end():m.start()]) is not None
            and re.fullmatch(r"[ \t]+", query[m.end():after.start()]) is not None
            and nxt not in TITLES | OFFICES and not _inflected(nxt))


def _inflected(word: str) -> bool:
    """Whether `word` is made as English words are: wordfreq knows its -ed or -ing form (INFLECTED_ZIPF), as
    for "Summarize" (summarized) or "Outline" opening a question, or it ends as English nouns do ("Escalation",
    "Enlargement"); a name has no such forms (Kaliningrad, Myanmar, Lavrov)."""
    if word.endswith(ENGLISH_ENDINGS):
        return True
    base = word[:-1] if word.endswith("e") else word
    forms = {word + "d", base + "ed", base + "ing"}     # not -s: "Donbass" is no plural of "Donbas"
    return any((zipf(f) or 0.0) >= INFLECTED_ZIPF for f in forms)


DICTIONARY_LETTERS = 4     # a shorter word the dictionary lacks is as often a word in lower case ("uae", "gdp", "pc")


def _dictionary_name(word: str) -> bool:
    """Whether `word` (folded, in lower case or opening the question) is a name by English's dictionary
    (english.dictionary_name: "kaliningrad", "gorbachev"), of DICTIONARY_LETTERS letters or more, not a month,
    not made as English words are ("wokeness") nor a slip of one ("dor")."""
    return len(word) >= DICTIONARY_LETTERS and word.isalpha() and word not in MONTHS and word not in SHORT_MONTHS \
        and dictionary_name(word) and not _inflected(word) and not mistyped(word)


def _adjective(word: str) -> bool:
    """Whether `word` is made as English adjectives are, though other languages write it alike: it ends as they
    do (ADJECTIVE_ENDINGS: "verbal", "arrogant") or English makes an adverb of it ("absurd": absurdly)."""
    return word.endswith(ADJECTIVE_ENDINGS) or (zipf(word + "ly") or 0.0) >= ADVERB_ZIPF


def name_phrases(query: str) -> list[list[str]]:
    """The multiword names of `query`: runs of two or more adjacent capitalised words, none a stop word,
    an honorific (Mr Lavrov: the name is Lavrov) or a common word opening a sentence ("Did Lavrov")
    ("Central African Republic", "Beijing Olympics"), as the query spells them (possessive dropped), and the
    names of countries in several words in any case ("hong kong"), each a name of its own where a run of
    capitals holds one ("Central African Republic Russian instructors": the country, not "African Republic
    Russian"). Only those in a query in Title Case or capitals, where capitals say nothing."""
    return [list(p) for p in _name_phrases(query)]


@lru_cache(maxsize=1024)
def _name_phrases(query: str) -> tuple[tuple[str, ...], ...]:      # (a search asks it of one query several times)
    matches = list(_WORD.finditer(query))
    named = _country_spans(matches, query)         # the countries of several words, (first, past last)
    if title_case(matches) or query.upper() == query or keywords(matches, query):
        return tuple(tuple(_spelt(matches, range(i, j))) for i, j in named)
    runs, run, end = [], [], None       # runs of capitalised words, as places in `matches`
    for i, m in enumerate(matches):
        word = m.group()
        gap = query[end or 0:m.start()].rstrip()
        # (not after a title's full stop: "Dr. Smith", "Mr. Baker" are mid-sentence, names)
        initial = m.start() == 0 or gap[-1:] in _SENTENCE_END_CHARS and not (
            gap == "." and _after_title(query, matches, i) and word[:1].isupper())
        core = _fold(word)
        capital = word[:1].isupper() and word[:1].isalpha() and not _is_stop(core) and core not in HONORIFICS \
            and not (initial and (is_common(core) or _inflected(core))) \
            and not _acronym(word)      # "Does Moscow", "Summarize Putin's": a request's verb; "CSTO": a name alone
        # a side of a dash pair is a name alone: "Putin-Biden Geneva summit" has no name "Biden Geneva"
        capital = capital and not _in_pair(query, m)
        joined = end is not None and re.fullmatch(r"[ \t]+", query[end:m.start()]) is not None
        following = matches[i + 1] if i + 1 < len(matches) else None
        if capital and run and joined and _patronymic(query, matches[i - 1], m, following):
            end = m.end()
            continue            # "Sergey Viktorovich Lavrov": the documents write "Sergey Lavrov"
        last = matches[run[-1]].group() if run else ""
        if capital and run and joined and without_possessive(last) == last:     # (not after "Putin's")
            run.append(i)
        else:
            runs.append(run)
            run = [i] if capital else []
        end = m.end()
    runs.append(run)
    in_country = {k for i, j in named for k in range(i, j)}
    # a country of one word ending a run is a name of its own, the place before it in that country, as a comma
    # would have written it ("the base in Gyumri Armenia": Gyumri, and Armenia)
    in_country |= {run[-1] for run in runs if len(run) > 1 and _fold(matches[run[-1]].group()) in countries()}
    pieces = []         # each run without the countries in it, cut where one stood
    for run in runs:
        piece: list[int] = []
        for k in run + [-1]:
            if k in in_country or k < 0:
                if len(piece) > 1 and not _describing(matches, piece):
                    pieces.append(piece)
                piece = []
            else:
                piece.append(k)
    spans = sorted([(p[0], p) for p in pieces] + [(i, list(range(i, j))) for i, j in named])
    return tuple(tuple(_spelt(matches, places)) for _, places in spans)


def keywords(matches: list[re.Match], query: str) -> bool:
    """Whether `query` is a list of keywords ("Lavrov Kazakhstan CSTO peacekeepers", "Putin Biden Geneva summit
    date"): three words or more, none a stop word nor one of English's commonest ("what", "about", "new"), no question
    mark. Capitals side by side there are names side by side, not one name of several words."""
    words = [_fold(m.group()) for m in matches if m.group()[:1].isalpha()]
    return len(words) >= 3 and "?" not in query and not any(_is_stop(w) or w in _function_words() for w in words)


def _describing(matches: list[re.Match], piece: list[int]) -> bool:
    """Whether the capitalised words at `piece` only describe the lower-case word after them, the last a people's
    adjective ("the Syrian Kurdish leadership", "Russian Orthodox"-like runs end in a noun instead): each is a name
    alone, not one name together."""
    last, after = piece[-1], piece[-1] + 1
    word = _fold(matches[last].group())
    return after < len(matches) and matches[after].group()[:1].islower() \
        and (word in peoples() or word.endswith(("ish", "ese")))


def _spelt(matches: list, places) -> list[str]:
    """The words of `matches` at `places`, as the query writes them, a possessive dropped."""
    return [without_possessive(matches[k].group()) for k in places]


def _country_spans(matches: list, query: str) -> list[tuple[int, int]]:
    """The names of countries in several words written in `query` in any case ("hong kong", "Hong Kong" in a
    Title Case query), words separated by spaces only: (first, past the last) places in `matches`."""
    starts = _country_starts()
    out, i = [], 0
    while i < len(matches):
        for n in starts.get(_fold(matches[i].group()), ()):          # longest first
            span = matches[i:i + n]
            words = tuple(_fold(m.group()) for m in span)
            if len(span) == n and words in country_phrases() \
                    and all(re.fullmatch(r"[ \t]+", query[a.end():b.start()]) for a, b in zip(span, span[1:])):
                out.append((i, i + n))
                i += n - 1
                break
        i += 1
    return out


@lru_cache(maxsize=1)
def _country_starts() -> dict[str, tuple[int, ...]]:
    """The first word of each country_phrases name -> the lengths of the names it opens, longest first."""
    out: dict[str, set[int]] = {}
    for phrase in country_phrases():
        out.setdefault(phrase[0], set()).add(len(phrase))
    return {w: tuple(sorted(n, reverse=True)) for w, n in out.items()}


PAIR = re.compile(r"(?<![\w\-‐‑–—])([^\W\d_][\w’']*)[\-‐‑–—]([^\W\d_][\w’']*)(?![\w\-‐‑–—])")


def _in_pair(query: str, m: re.Match) -> bool:
    """Whether the word `m` of `query` is a side of two words joined by a dash (PAIR)."""
    return any(pair.start() <= m.start() < pair.end() for pair in PAIR.finditer(query))


def name_pairs(query: str, names: list[str]) -> list[tuple[str, str, str]]:
    """Two names joined by a hyphen or dash, a relation between them ("the Belarus–Poland border", "EU-Russia
    dialogue"): (first, second, as the query writes the pair) for each pair whose two words are both `names`
    (folded). A hyphenated name ("Nagorno-Karabakh", "Finch-Saunders") is a pair too: its parts stand together
    wherever it is written."""
    out = []
    for m in PAIR.finditer(query):
        a, b = (_fold(without_possessive(w)) for w in m.groups())
        if a in names and b in names and a != b and (a, b) not in [(x, y) for x, y, _ in out]:
            out.append((a, b, without_possessive(m.group())))
    return out
