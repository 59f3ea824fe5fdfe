"""What a query names that the searched documents never mention ("missing terms").

A question about a country, person, organisation, treaty or date the documents never name is
almost surely one they do not answer, however well its other words ("Russia", "position",
"relations") match. ``missing_terms(query, vocabulary)`` returns those names, as the query
spells them; retrieve.py abstains when there are any and says so ("No document mentions
'Mongolia'.").

What a query names is names.py's (``query_names``, ``name_phrases``, ``name_pairs``, ``borrowed_names``);
this module says which of those the documents lack.

A name is present when the documents hold it in any of these forms: case-folded; without accents (in the query
or in the documents: Gdansk, "Gdańsk"); a number without its thousands separators (1200, "1,200"); without a
possessive ('s, ’s, s'); its hyphen parts each, or joined (anti-satellite, antisatellite; covid19, "Covid-19";
Nordstream, "Nord Stream"; and two words of the query the documents write as one: "Sea Lock", "SeaLock"; one
lower-case word they write as two: beespace, "bee space", not a capitalised one: Goodwill); a plural in -ies (Democracies, "Democracy");
its stem (the lexical stemmer: "Kazakhstan's", "sanctioned"); a spelling variant, an
index word with the same first letter (any vowel for a vowel) whose consonant skeleton is the same and that
is at most two edits away (Kiev/Kyiv, Yanukovich/Yanukovych, Tokaev/Tokayev, Luhansk/Lugansk, Irbil/Erbil); a
people's name for its place and plurals (Finnish: Finland; Croatians: Croats); a country's other name
(places.py: USA), or, for a country, the people's name alone (China, "Chinese"; not Turin, "Turkish"); an
acronym whose capitalised words a document writes out (OSCE; not in lower case: GRU is no "guarantees regarding
Ukraine"); a number in words (2000, "two thousand"). A title before a name is no name of its own ("Ms Solberg",
"Governor Sanwo-Olu"), and the name after it is a person's, never two capitalised words run together (Senator
Whitehouse, not the "White House"); a figure with thousands separators or a sum's unit is one name ("1,300": 1300;
"$1.2bn": 1.2, the text's "1.2 billion"; "3M" is a name); a given name one letter off the one the documents write
before the same surname is soft (Josef Borrell, "Josep").

The vocabulary (``Vocabulary``, rag/vocabulary.py) is built from the documents' text, once per index and lazily
(about 0.1 s per MB), per document so that a search restricted to some documents checks those.
A multiword name (``name_phrases``: adjacent capitalised words, "African Union", or a country's name of
several words in any case, "hong kong") whose words are each in the documents is missing when no document
writes them together (``Vocabulary.has_phrase``), or one of whose words is missing when that is its last word and
no other form of it is there (``_near_form``: "Compact"; not "Olympiad" beside "Olympics"), or its others are
everyday words the documents write in lower case and no person's name ("World Health Organization"; not "Narendra
Modi" where the documents write "Prime Minister Modi"), and it counts as one name (present when the documents
write its initials as an acronym: SCO); so is a pair of names joined by a
dash (``name_pairs``: "the Belarus–Poland border") that no document mentions within PHRASE_REACH characters of
each other (``Vocabulary.together``); a name of two words may be written in either order ("Kosovo Serb": "Serb
Municipalities in Kosovo"), and an acronym is a name on its own ("Kazakhstan CSTO troops"). A
capitalised name matches by stem only an ending-added or -dropped form of itself ("Memorial" is not
"memory").
Which missing names decide (retrieve.py, with a threshold): at least half of them, or the query's rarest
(``rarest_missing``: a multiword name one unit, its title aside), or one none of whose words the documents use
(``whole_name_missing``). Some are *soft* (``names_missing``, ``hard_missing``): named in the notice but deciding
nothing, since they may only be named another way: a capital whose country the documents name (places.py;
not after "the": "the Paris climate agreement"), given names before a surname the documents give a person after
a title ("Dmytro Kuleba": "Mr Kuleba"; ``Vocabulary.titled``, ``given_names``), a name one letter off one of
theirs, a word in lower case one slip from one of theirs ("varoa"). A name of several words with one word missing
is named whole in the notice ("World Bank", not "Bank"). A name the documents write another way is searched as they write it (``Vocabulary.written_forms``:
Irbil, Erbil; "Collective Security Treaty Organization", CSTO).
What it leaves out: a decimal without a unit ("2.34 billion" against "2,340 million"), a country named by a city in it (Switzerland,
"Geneva") or by a short form countryinfo lacks (UK, "Britain"), names with connectors as units ("Council of Europe": each word is checked),
names written in lower case that wordfreq finds common and that are not countries ("bolsonaro";
a country of several words is one in any case: "hong kong"), demonyms of missing countries ("Mongolian"), other languages.
"""
from __future__ import annotations

import re

from .places import countries, peoples
from .spelling import without_accents
from .english import (
    CALENDAR, COMMON_ZIPF, FUNCTION_ZIPF, SHORT_MONTHS, TITLED_WORDS, _SENTENCE_END_CHARS, _WORD, _acronym, _is_stop,
    without_possessive, zipf)
from .names import PAIR, borrowed_names, figure_core, figures_of, name_pairs, name_phrases, number_code, query_names
from .vocabulary import OFFICES, TITLES, VARIANT_PREFIX, Vocabulary, _distance, _fold, _skeleton

__all__ = ["SPEECH_WORDS", "absent_words", "content_words", "hard_missing", "held_names", "missing_names", "missing_terms",
           "names_missing", "rarest_missing", "whole_name_missing", "whole_names"]


# the verbs a question asks what was said with ("What did Petra Nyman ask about parking?"): its frame, not its topic
SPEECH_WORDS = frozenset("say says said saying tell tells told ask asks asked asking think thinks thought mention "
                         "mentions mentioned talk talks talked talking speak speaks spoke discuss discusses discussed "
                         "comment comments commented suggest suggests suggested propose proposes proposed explain "
                         "explains explained describe describes described reply replies replied respond responds "
                         "responded answer answers answered according view views opinion opinions stance believe "
                         "believes believed argue argues argued".split())


def content_words(query: str) -> list[str]:
    """The words of `query` that say what it is about, as it spells them, once each: three letters or more, not stop
    words, words of FUNCTION_ZIPF nor the verbs of asking what was said (SPEECH_WORDS); a possessive dropped."""
    out: list[str] = []
    for m in _WORD.finditer(query):
        word = without_possessive(m.group())
        core = _fold(word)
        if len(core) < 3 or not core.replace("-", "").isalpha() or _is_stop(core) or word in out \
                or (zipf(core) or 0.0) >= FUNCTION_ZIPF or core in SPEECH_WORDS:
            continue
        out.append(word)
    return out


def absent_words(query: str, vocabulary: Vocabulary, docs=None) -> list[str]:
    """The content words of `query` that the searched documents hold in no form (Vocabulary.has_variant), as the
    query spells them: a question about "bitcoin" or "tram lines" that no meeting ever mentions."""
    # a hyphenated compound the documents write closed is theirs, read as they write it: "e-mail" (email), "tele-text"
    # (teletext); its words written alone elsewhere in the query are still asked about ("e-mail about mail fraud")
    for compound in reversed(list(_COMPOUND.finditer(query))):
        joined = re.sub(r"[-\u2010\u2011]", "", compound.group())
        if vocabulary.has_variant(_fold(joined), docs):
            query = query[:compound.start()] + joined + query[compound.end():]
    return [word for word in content_words(query) if not vocabulary.has_variant(_fold(word), docs)]


_COMPOUND = re.compile(r"[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)+")     # "e-mail", "co-ordinator", "tele-text"


def missing_names(query: str, vocabulary: Vocabulary, docs=None, names: list[str] | None = None
                  ) -> tuple[list[str], int]:
    """(The names of `query` no searched document mentions, in the query's order, and how many names it
    has): the words of query_names (or `names`) not found in any form, and the multiword names
    (name_phrases) not there: each of their words missing ("Hong Kong"), or each there but never together
    ("African Union" in a text of African states and the European Union; a longer one when no two of its
    adjacent words are together: "Russia-NATO Founding Act" is there with "the Founding Act"). A multiword
    name counts as one name in place of its words."""
    missing, named, _ = names_missing(query, vocabulary, docs, names)
    return missing, named


_YEAR_BEFORE = frozenset("in by since until till before after during".split())


def _absent_form(found: str | None, year: bool) -> bool:
    """Whether a name is missing, the documents' form of it `found` (None: none): a year never as "2,100"."""
    return found is None or (year and re.search(r"\d\D\d", found) is not None)


def names_missing(query: str, vocabulary: Vocabulary, docs=None, names: list[str] | None = None
                  ) -> tuple[list[str], int, frozenset]:
    """missing_names, and its soft words (folded): missing, but perhaps only named another way, so reported
    and never deciding an abstention (hard_missing): a capital whose country the documents name ("Yerevan":
    Armenia; "Nur-Sultan": Kazakhstan), and given names before a surname the documents give a person after a
    title ("Dmytro Kuleba": "Mr Kuleba"; but perhaps "Melania Trump": "President Trump")."""
    spelled, place = {}, {}
    matches = list(_WORD.finditer(query))
    folded = [_fold(m.group()) for m in matches]
    for i, (m, core) in enumerate(zip(matches, folded)):
        spelled.setdefault(core, m.group())
        place.setdefault(core, m.start())
        code = number_code(query, matches, i)
        if code is not None:            # "P-5" as the query writes it
            spelled.setdefault(code, query[matches[i - 1].start():m.end()])
            place.setdefault(code, matches[i - 1].start())
    for f in figures_of(query):         # "1,300" as the query writes it
        spelled[figure_core(f)], place[figure_core(f)] = f.group(), f.start()
    names = query_names(query) if names is None else names
    joined: set[str] = set()
    # a name after a title is a person's ("Senator Whitehouse": not the documents' "White House")
    titled = {folded[i + 1] for i in range(len(matches) - 1) if folded[i] in TITLED_WORDS
              and re.fullmatch(r"\.?[ \t]+", query[matches[i].end():matches[i + 1].start()])}
    # a year ("by 2100", "in June 2024") is never written with a thousands separator: "2,100 households" is not it
    years = {folded[i] for i in range(1, len(matches)) if re.fullmatch(r"1\d{3}|2[01]\d\d", folded[i])
             and (folded[i - 1] in _YEAR_BEFORE or folded[i - 1] in CALENDAR or folded[i - 1] in SHORT_MONTHS)}
    lost = {core for core in names
            if _absent_form(vocabulary.find(core, docs, name=spelled.get(core, core)[:1].isupper(),
                                            person=core in titled), core in years)
            and not (_acronym(spelled.get(core, "")) and vocabulary.spelled_out(core, docs))}
    # two words of the query that the documents write as one ("Sea-Lock", "Sea Lock": SeaLock; "Gear Works")
    words = matches if lost else []     # (only a missing word may be half of one)
    for a, b in zip(words, words[1:]):
        if re.fullmatch(r"[ \t\-‐‑]", query[a.end():b.start()]) and {_fold(a.group()), _fold(b.group())} & lost \
                and _fold(a.group()) + _fold(b.group()) in vocabulary.searched(docs):
            lost -= {_fold(a.group()), _fold(b.group())}
            joined.update((_fold(a.group()), _fold(b.group())))
    # a capital after "the" names a thing there ("the Paris climate agreement", "the Tokyo Olympics"), not
    # its country: hard
    soft = {core for core in lost if not _after_the(query, place.get(core, 0)) and vocabulary.capital(core, docs)}
    # a name one letter off a name of the documents: perhaps mistyped ("Zelenksy"), perhaps another ("Petrov")
    soft |= {core for core in lost if spelled.get(core, "")[:1].isupper() and vocabulary.misspelt(core, docs)}
    # a word in lower case one slip from a word of the documents ("varoa": varroa): perhaps mistyped; so is one
    # capitalised only because it opens the question ("Recieved any letter …?")
    opening = {_fold(m.group()) for i, m in enumerate(matches)
               if i == 0 or query[matches[i - 1].end():m.start()].rstrip()[-1:] in _SENTENCE_END_CHARS}
    soft |= {core for core in lost if (spelled.get(core, "")[:1].islower() or (core in opening and len(core) >= 7))
             and vocabulary.slip(core, docs)}        # (an opening name of five or six letters is too often a
                                                     # slip from an English word: "Truss", trust)
    # a code of a letter and a number the documents may write in words ("P5": "the five permanent members")
    soft |= {core for core in lost if vocabulary.coded(core, docs)}
    # a people's name opening the question, a name only as a people's (query_names): its country may be named by a
    # city instead ("Nigerian city flooding": Lagos), so it decides nothing there (in mid-sentence it is a name anyway)
    soft |= {core for core in lost if core in opening and core in peoples()}
    phrases: list[tuple[list[str], str]] = []
    countries_named: list[list[str]] = []       # a country's name of several words the documents write another way
    whole = set()       # a hyphenated capital: "Nur-Sultan", one name
    for m in PAIR.finditer(query):
        written = without_possessive(m.group())
        parts = [_fold(w) for w in m.groups()]
        if all(w in lost for w in parts) and not _after_the(query, m.start()) \
                and vocabulary.capital(re.sub(r"[\-‐‑–—]", "-", written).lower(), docs):
            whole.update(parts)
            soft.update(parts)
            phrases.append((parts, written))
    for p in name_phrases(query):
        words = [_fold(w) for w in p]
        if set(words) & (whole | joined):
            continue
        titled = next((i for i, w in enumerate(words) if w not in TITLED_WORDS), len(words))
        if 0 < titled < len(words):                     # "Reverend Langstroth": the name is Langstroth
            words, p = words[titled:], p[titled:]
            if len(words) == 1:
                continue
        lead = next((i for i, w in enumerate(words) if w not in TITLES | OFFICES), len(words))
        if 0 < lead < len(words) and words[-1] not in lost and _person(words[-1], vocabulary, docs):
            words, p = words[lead:], p[lead:]           # "Minister Kuleba": the documents' "Mr Kuleba"
            if len(words) == 1:
                continue
        if len(words) >= 2 and words[-1] not in lost and _given_alike(words[:-1], vocabulary.given_names(words[-1], docs)):
            soft.update(w for w in words[:-1] if w in lost)     # "Josef Borrell", "Ilhan Aliyev": their Josep, Ilham
            continue
        if _surname(words, p, lost, vocabulary, docs):
            soft.update(words[:-1])     # "Dmytro Kuleba", "Narendra Modi": the documents call him Kuleba, Modi
            continue
        if vocabulary.named_country(words, docs):
            countries_named.append(words)       # "the Syrian Arab Republic": the documents' "Syria"
            continue
        if len(words) == 2 and words[1] in PLACE_KINDS and words[0] not in lost:
            soft.update(words)      # "Lagos State", "Hudson River": perhaps the documents' "Lagos", "the Hudson"
        two = len(words) == 2                               # a name of two words in either order: "Kosovo Serb"
        unnamed_gone = any(w not in names and vocabulary.find(w, docs) is None for w in words)   # "hong kong"
        gone = [w for w in words if w in lost]
        initials = "".join(w[0] for w in words if not _is_stop(w))
        if len(initials) >= 2 and initials in vocabulary.acronyms and initials in vocabulary.searched(docs):
            continue        # "the Shanghai Cooperation Organisation": the documents' SCO
        # some of its words missing: the name is missing as one (it counts once) when the missing is its last word
        # ("the Eurasian Security Compact") or its others are everyday words, not a person's name ("the World
        # Health Organization": world, organization); not "Ecumenical Patriarch Bartholomew", there as "Patriarch
        # Bartholomew", nor "Narendra Modi" there as "Prime Minister Modi"
        partly = bool(gone) and not soft.intersection(gone) and (
            (words[-1] in lost and not _near_form(words[-1], vocabulary))
            or (all((zipf(w) or 0.0) >= COMMON_ZIPF and vocabulary.find(w, docs) not in vocabulary.proper
                    for w in words if w not in lost) and _person(words[-1], vocabulary, docs) is None))
        if partly and words[-1] in lost:    # "Serbian President Aleksandar Vucic": the person, Aleksandar Vucic
            office = max((i for i, w in enumerate(words[:-1]) if w in TITLED_WORDS), default=-1)
            if 0 <= office < len(words) - 2:
                words, p = words[office + 1:], p[office + 1:]
        if unnamed_gone or partly or all(w in lost for w in words) or not any(
                vocabulary.has_phrase(words[i:i + 2], docs, either_order=two) for i in range(len(words) - 1)):
            phrases.append((words, " ".join(p)))
    for a, b, text in name_pairs(query, names):
        if (a in whole and b in whole) or {a, b} <= joined:
            continue
        acronyms = tuple(_acronym(w) for w in re.split(r"[\-‐‑–—]", text, maxsplit=1))
        if a not in lost and b not in lost and not vocabulary.together(a, b, docs, acronyms):
            phrases.append(([a, b], text))        # each there, never together: "the Belarus–Poland border"
    in_phrases = {w for words, _ in phrases for w in words} | {w for words in countries_named for w in words}
    found = [(place.get(core, 0), without_possessive(spelled.get(core, core)))
             for core in names if core in lost and core not in in_phrases]
    found += [(place.get(words[0], 0), text) for words, text in phrases]
    # a speaker of the documents named in the question ("What did Lavrov say about ...") says nothing of whether
    # they address it: not counted among the names that may be missing
    speaking = vocabulary.speaking if docs is None else \
        frozenset().union(*(vocabulary.speakers.get(d, frozenset()) for d in docs))
    counted = [n for n in names if n not in in_phrases and n not in speaking]
    return [t for _, t in sorted(found, key=lambda x: x[0])], len(counted) + len(phrases) + len(countries_named), \
        frozenset(soft)


def _after_the(query: str, start: int) -> bool:
    return re.search(r"(?<![\w’'])the\s+$", query[:start], re.IGNORECASE) is not None


# the kind of place a name of two words may add to the place's own name ("Lagos State": the documents' "Lagos")
PLACE_KINDS = frozenset("state city province region county district island islands river lake valley bay "
                        "port oblast prefecture".split())


def hard_missing(missing: list[str], soft: frozenset) -> list[str]:
    """The `missing` terms (names_missing) not made only of its `soft` words: the ones that may decide."""
    return [t for t in missing if not all(_fold(w) in soft for w in _WORD.findall(t))
            and _fold(re.sub(r"[ \-‐‑]", "", t)) not in soft]         # "P-5": the code p5


def _given_alike(given: list[str], written: frozenset) -> bool:
    """Whether each of the query's `given` names (folded) is, is one letter off, or is a longer or shorter form of
    (its first four letters) a given name the documents write before the surname (`written`:
    Vocabulary.given_names): Joseph, Josep; Nikolaos, Nikos."""
    return bool(written) and all(any(_distance(g, w, 1) <= 1 or (len(g) >= 4 and g[:4] == w[:4]) for w in written)
                                 for g in given)


def _surname(words: list[str], written: list[str], lost: set, vocabulary: Vocabulary, docs=None) -> bool:
    """Whether the multiword name `words` (folded; `written` as the query has them) is a person's given names
    and surname where the documents name the person by the surname alone: two or three words, the last one
    a person's name there (Vocabulary.titled: "Mr Kuleba"; not the Arctic "Council"), the others missing, none
    an acronym or a country."""
    if not (2 <= len(words) <= 3 and words[-1] not in lost and all(w in lost for w in words[:-1])
            and not any(_acronym(w) for w in written) and not any(w in countries() for w in words)):
        return False
    surname = _person(words[-1], vocabulary, docs)  # as written, or a spelling of it (Zelenskyy: Zelensky),
    if surname is None or abs(len(surname) - len(words[-1])) > 1:                   # not Kishida
        return False
    # the given names the documents write before it, if any, are the query's or spellings of them ("Vladimir
    # Zelensky" for "Volodymyr Zelenskyy"); not another person's ("President Joseph Biden": not Jill Biden)
    theirs = vocabulary.given_names(surname, docs)
    return all(not theirs or any(_skeleton(g) == _skeleton(x) or g[:4] == x[:4] for x in theirs)   # Nikos, Nikolaos
               for g in words[:-1])


def _near_form(word: str, vocabulary: Vocabulary) -> bool:
    """Whether the documents hold another form of `word` (folded, longer than VARIANT_PREFIX letters): a word of
    the same first VARIANT_PREFIX letters ("Olympiad": Olympics; "Registration": registered)."""
    return len(word) > VARIANT_PREFIX and word[:VARIANT_PREFIX] in vocabulary.beginnings


def _person(word: str, vocabulary: Vocabulary, docs=None) -> str | None:
    """The form in which the searched documents hold `word` (folded) as a person's name, written after a title
    or an office (Vocabulary.titled: "Mr Kuleba"), or None."""
    form = vocabulary.find(word, docs)
    return form if form is not None and " " not in form and vocabulary.titled(form, docs) else None


def held_names(query: str, missing: list[str], vocabulary: Vocabulary) -> list[str]:
    """The names of `query` (folded) that no document writes as the query does but that are not `missing`
    (missing_names): held in another form ("Croatians": Croats, "Nur-Sultan": Kazakhstan, a given name
    beside a surname the documents hold)."""
    gone = {_fold(w) for term in missing for w in _WORD.findall(term)}
    return [n for n in query_names(query) if n not in vocabulary.words and n not in gone]


def whole_name_missing(missing: list[str], vocabulary: Vocabulary, docs=None) -> bool:
    """Whether one of the `missing` terms (missing_names) is a name of two words or more none of which any
    searched document uses in any form: "Did Lavrov raise Alexei Navalny's case with Josep Borrell?" is about
    Navalny, wherever Lavrov and Borrell are."""
    for term in missing:
        words = [_fold(w) for w in _WORD.findall(term)]
        if len(words) >= 2 and len(_gone_words(words, vocabulary, docs)) == len(words):
            return True
    return False


def _gone_words(words: list[str], vocabulary: Vocabulary, docs=None) -> list[str]:
    """The folded `words` of one missing term that no searched document holds in any form; when its last word (a
    person's surname) is gone, a word before it held only spelt another way is gone too: "António Guterres" is
    not the documents' "Antony Blinken" (a given name is the documents' in another spelling only before their
    surname: "Josep Borrell" for Joseph)."""
    found = [vocabulary.find(w, docs) for w in words]
    if len(words) >= 2 and found[-1] is None:
        found = [f if f is None or without_accents(f).startswith(without_accents(w))
                 or without_accents(w).startswith(without_accents(f)) else None
                 for w, f in zip(words, found)]
    return [w for w, f in zip(words, found) if f is None]


def rarest_missing(query: str, missing: list[str], vocabulary: Vocabulary | None = None, docs=None) -> bool:
    """Whether the rarest in English of the query's names (wordfreq; a word it does not know is rarest) is one of
    the `missing` ones (missing_names, or hard_missing): the most particular thing the question names
    ("Bolsonaro", "Emmanuel Macron") is absent, however many common names beside it ("President", "Moscow",
    "February") are there. A multiword name is one name, as rare as its rarest word and missing only when
    each of its words is ("Ecumenical Patriarch Bartholomew" is there as "Patriarch Bartholomew"); with
    `vocabulary`, a word of a missing term the documents hold is not missing ("Lugansk People's Republic":
    Lugansk is there), and a lower-case word one edit from the documents' words, or two of them run together
    ("carefor"), is a slip of the keyboard, not a name. Names equally rare: any of them missing will do."""
    names = query_names(query)
    if not missing or len(names) < 2:
        return False
    gone = set()
    for term in missing:
        words = [_fold(w) for w in _WORD.findall(term)]
        gone.update(words if vocabulary is None else _gone_words(words, vocabulary, docs))
    units, seen, initials = [], set(), set()
    for run in name_phrases(query):      # its title aside: "President Bolsonaro" is Bolsonaro
        words = [w for w in (_fold(x) for x in run) if w in names and w not in seen and w not in TITLES | OFFICES]
        if words:
            units.append(words)
            seen.update(words)
            # a word of the name the query does not write in capitals that the documents hold only as an acronym
            # is not it: "Kim Jong Un" is not the documents' UN
            initials.update(_fold(x) for x in run if not _acronym(x))
    units += [[n] for n in names if n not in seen]

    def rarity(unit):
        return min(zipf(w) or 0.0 for w in unit)

    def is_slip(w):
        return (vocabulary is not None and not zipf(w) and vocabulary.slip(w, docs)
                and re.search(rf"(?<![\w'’]){re.escape(w)}(?![\w'’])", query) is not None)   # written in lower case
    def other(w):       # held by the documents only as an acronym: UN for the query's "Un"
        return vocabulary is not None and w in initials and vocabulary.find(w, docs) in vocabulary.acronyms

    least = min(rarity(u) for u in units)
    return any(all(w in gone or (len(u) > 1 and other(w)) for w in u) and any(w in gone for w in u)
               and not (len(u) == 1 and is_slip(u[0])) for u in units if rarity(u) == least)


def missing_terms(query: str, vocabulary: Vocabulary, docs=None, names: list[str] | None = None) -> list[str]:
    """The names in `query` (query_names and borrowed_names, or `names` when given, and its multiword names) that
    no searched document (`docs`, None: all) mentions in any form, as the query spells them (possessive dropped), each
    missing word of a longer name shown as that name (whole_names)."""
    if names is None:
        names = query_names(query) + borrowed_names(query, vocabulary, docs)
    missing, _, soft = names_missing(query, vocabulary, docs, names)
    return whole_names(query, missing, soft)


def whole_names(query: str, missing: list[str], soft=frozenset()) -> list[str]:
    """`missing` (names_missing's terms) for a notice: a lone missing word of a longer name of `query`
    (name_phrases) whose other words the documents hold, shown as that name ("World Bank" for "Bank", "Jill
    Biden" for "Jill"; not a `soft` word: "Dmytro", whom the documents call Mr Kuleba); the rules decide on the
    words themselves."""
    words = {_fold(t) for t in missing if " " not in t} - set(soft)
    shown: dict[str, str] = {}
    for p in name_phrases(query):
        lone = [w for w in p if _fold(w) in words]
        if len(lone) == 1 and len(p) > 1:
            titled = next((i for i, w in enumerate(p) if _fold(w) not in TITLED_WORDS), len(p))
            shown[_fold(lone[0])] = " ".join(p[titled:] if titled < len(p) - 1 else p)
    out = [shown.get(_fold(t), t) for t in missing]
    return [t for i, t in enumerate(out) if t not in out[:i]]
