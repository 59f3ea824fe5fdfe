"""The words of an index's documents, and how a word may be written (one idea: a document's vocabulary).

``Vocabulary`` holds, per document and lazily, the words its text writes (case-folded, possessives dropped), and
the other forms a query may write them in (``_other_forms``: a number without its separators, a word without its
accents, hyphenated or capitalised words run together), their stems, spelling skeletons and openings; ``find``
says which of them a query's word is (a stem, a hyphen form, a spelling variant, a swap, a derived or a people's
form of a name, a country's other name). The rest of this module is the word-level knowledge both it and
terms.py (which reads the query: what it names, and what of that the documents never mention) use: wordfreq's
frequencies, titles and offices, months, the endings of peoples' names. How a word may be spelled otherwise (a
number's separators, accents, skeletons, swaps) is spelling.py's.
What it leaves out: reading a query (terms.py), other languages' inflections.
"""
from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from functools import cached_property

from .labels import OFFICES, TITLES
from .lexical import plain_text
from .names import name_phrases, query_names
from .spelling import (SWAP_LETTERS, TENS, UNITS, _distance, _fold, _other_forms, _plural, _skeleton, _spellings,
                        _swapped, _written, without_accents)
from .english import (CALENDAR, COMBINING, DEMONYMS, FUNCTION_ZIPF, NAME_PREFIXES, NOT_BEFORE_A_NAME, _WORD,
                      _acronym, _another_word, _country_words, _is_stop, _lemma, _places_of, _stem, currency_forms,
                      one_edit, one_edit_words, starts_sentence, zipf)
from .paths import first_names
from .places import FORMAL, capitals, countries, country_forms, country_names, country_phrases, demonyms, peoples

EVERYDAY = 2000      # the commonest English words Vocabulary.everyday looks for
_UNKNOWN = object()     # _remember: not asked yet
PHRASES_KEPT = 4096  # has_phrase answers remembered per index ("Project Manager" is asked again and again)
WORDS_KEPT = 16384   # find's and has_variant's answers (a question's every word: kept apart, not to push those out)
PHRASE_REACH = 400   # characters around a phrase's longest word within which the whole phrase must stand
_ENDINGS = ("s", "es", "er", "ers")   # a phrase's word as the documents may inflect it (has_phrase)
PHRASE_NEAR = 300    # characters within which the words of a name the documents hold only inflected may stand
PHRASE_GAP = 4       # capitalised or short words that may stand between two words of a name (Secretary [of State
                     #   Antony] Blinken, President [of Kazakhstan Kassym-Jomart] Tokayev)
VARIANT_PREFIX = 6   # words sharing their first six letters are taken for forms of one word (absent_words)
_TITLED = "|".join(sorted((TITLES | OFFICES) - NOT_BEFORE_A_NAME, key=len, reverse=True))   # Vocabulary.titled
_SPELLED = re.compile(r"(?:[^\W\d_]_)+[^\W\d_]")     # l_c_d: letters spelled out
RESPELL_LETTERS = 5  # a query's word this long, in no form the documents', may be a slip for one of theirs (respelt)
RESPELL_ZIPF = 0.75  # ... when theirs is this much commoner in English (wordfreq's Zipf scale), or English lacks it
RESPELL_RARE = 1.5   # ... and the query's word rarer than this in English, or than RESPELL_NAMED where it names
RESPELL_NAMED = 2.5  # what they name (capitalised there and in the query: "Minks", 2.1; not "Marta", 3.3, for Maria)


class Vocabulary:
    """The words of an index's documents: surface forms (case-folded, possessives dropped), their
    stems and spelling skeletons, per document. Built on first use, once."""

    def __init__(self, index):
        self.index = index
        self._lock = threading.Lock()
        self._phrases: dict = {}        # has_phrase's answers (the documents never change under a Vocabulary)
        self._words: dict = {}          # find's and has_variant's

    @cached_property
    def texts(self) -> dict[str, str]:
        """Each document's text as its words are matched (lexical.plain_text: accents composed, soft hyphens and zero-width
        characters dropped, ligatures as letters: "Wom\u00adbatson" is "Wombatson"); its offsets may move."""
        return {doc_id: plain_text(doc.text) for doc_id, doc in self.index.documents.items()}

    @cached_property
    def per_doc(self) -> dict[str, frozenset]:
        out, capitalised, uppercase, seen, others = {}, {}, {}, {}, {}
        for doc_id, doc in self.index.documents.items():
            words = set()
            for raw in _WORD.findall(self.texts[doc_id]):     # ("cafe\u0301": "café")
                w = _fold(raw)
                words.add(w)
                seen[w] = seen.get(w, 0) + 1
                if raw[0].isupper():
                    capitalised[w] = capitalised.get(w, 0) + 1
                    if _acronym(raw):
                        uppercase[w] = uppercase.get(w, 0) + 1
                if "'" in w:
                    words.update(p for p in w.split("'") if p)
                if _SPELLED.fullmatch(w):       # letters spelled out, as meeting transcripts write them: l_c_d
                    words.add(w.replace("_", ""))
            others[doc_id] = _other_forms(self.texts[doc_id])
            out[doc_id] = frozenset(words)
        # the scripts a tenth of the words or more are written in (a Russian transcript's Cyrillic): a name in another
        # ("Sokolov" of "А.В.Соколов", "China" of "Китай") may be there, written in theirs
        by_script: dict[str, int] = {}
        for w, n in seen.items():
            if script(w):       # (not a number's)
                by_script[script(w)] = by_script.get(script(w), 0) + n
        total = sum(by_script.values())
        self.scripts = frozenset(k for k, n in by_script.items() if n * 10 >= total)
        # words written capitalised most of the time (names): the only targets of spelling variants
        self.proper = frozenset(w for w, n in capitalised.items() if 2 * n > seen[w])
        # and those written in capitals (CSTO, RIAC): abbreviations, no one's spelling of a word ("Costa", "Rica")
        # (of five letters at most: a caption or a speaker label in capitals writes whole names so, ZELENSKYY)
        self.acronyms = frozenset(w for w, n in uppercase.items() if 2 * n > seen[w] and len(w) <= 5)
        # per document, the forms a query may write its words in otherwise (_other_forms: 1200, gdansk, covid19)
        self.others = others
        return out

    def written(self, term: str) -> bool:
        """Whether `term` is written in a script the documents are (scripts), or is a number: else its absence says
        nothing."""
        return not self.per_doc or not script(term) or self.written_in(script(term))

    def written_in(self, name: str) -> bool:
        """Whether a tenth of the documents' words or more are written in the script `name` ("CYRILLIC")."""
        return bool(self.per_doc) and name in self.scripts

    @cached_property
    def speakers(self) -> dict[str, frozenset]:
        """Per document, the words of its speakers' names, case folded ("sergey", "lavrov")."""
        out: dict[str, set] = {}
        for p in self.index.paragraphs:
            for name in ((p.speaker,) if p.speaker else ()) + tuple(p.speakers):
                out.setdefault(p.doc, set()).update(_fold(w) for w in _WORD.findall(name))
        return {doc: frozenset(words) for doc, words in out.items()}

    @cached_property
    def speaking(self) -> frozenset:
        """The words of every document's speakers' names."""
        return frozenset().union(*self.speakers.values())

    @cached_property
    def words(self) -> frozenset:
        return frozenset().union(*self.per_doc.values()) if self.per_doc else frozenset()

    @cached_property
    def stems(self) -> dict[str, frozenset]:
        """stem -> the surface words with that stem."""
        words = sorted(self.words)
        out: dict[str, set] = {}
        for w, s in zip(words, _stem(words)):
            out.setdefault(s, set()).add(w)
        return {s: frozenset(v) for s, v in out.items()}

    @cached_property
    def skeletons(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for w in sorted(self.words):        # sorted: the same forms in the same order whatever the hash seed
            if len(w) >= 4 and w.isalpha():
                out.setdefault(_skeleton(w), []).append(w)
        return out

    @cached_property
    def openings(self) -> dict[str, list[str]]:
        """The first 3 letters -> the names of 4 or more (derived forms: Belarus, Belarusian; demonyms: Finnish,
        Finland; Kazakh, Kazakhstan)."""
        out: dict[str, list[str]] = {}
        for w in sorted(self.proper):
            if len(w) >= 4 and w.isalpha():
                out.setdefault(w[:3], []).append(w)
        return out

    @cached_property
    def beginnings(self) -> frozenset:
        """The first VARIANT_PREFIX letters of every longer word (pregnancy, pregnant: "pregna")."""
        return frozenset(w[:VARIANT_PREFIX] for w in self.words if len(w) > VARIANT_PREFIX and w.isalpha())

    def begins(self, word: str, more: int, docs=None) -> bool:
        """Whether a searched document writes `word` (folded, five letters or more) at the start of a word of up to
        `more` letters more ("putsch": putschists)."""
        return len(word) >= 5 and any(w.startswith(word) and len(w) - len(word) <= more
                                      for w in self.searched(docs) if w != word)

    def titled(self, word: str, docs=None) -> bool:
        """Whether a searched document names a person `word` (folded): writes it capitalised (or in capitals)
        after a title or an office, up to two given names between ("Mr Kuleba", "Prime Minister Modi",
        "President Recep Tayyip Erdogan"), or has a speaker of that name."""
        return self._remember(("titled", word, None if docs is None else frozenset(docs)),
                              lambda: self._titled(word, docs))

    def _titled(self, word: str, docs) -> bool:
        searched = [d for d in self.index.documents if (docs is None or d in docs) and word in self.per_doc.get(d, ())]
        if any(word in self.speakers.get(d, ()) for d in searched):
            return True
        pattern = re.compile(rf"(?<!\w)(?i:{_TITLED})\.?\s+(?:[A-Z][\w’'-]+\s+){{0,2}}{_written(word)}(?!\w)")
        return any(pattern.search(self.texts[d]) for d in searched)

    def written_forms(self, query: str, docs=None) -> list[str]:
        """How the searched documents write the names of `query` they hold but the query spells otherwise
        (find: "erbil" for Irbil, "zelensky" for Zelenskyy, "united states" for USA), in the query's order."""
        out = []
        for core in query_names(query):
            form = self.find(core, docs)
            if form and form != core and form not in out:
                out.append(form)
        # a name spelled out whose initials the documents write ("Collective Security Treaty Organization": CSTO)
        self.per_doc        # noqa: B018 - which finds the words written capitalised (proper)
        for m in re.finditer(r"[A-Z][a-z’'\-]+(?:(?:[ \t]+(?:of|and|for|in|on|the))*[ \t]+[A-Z][a-z’'\-]+)+", query):
            capitals = "".join(w[0] for w in m.group().split() if w[0].isupper()).lower()
            i = 0
            while i < len(capitals) - 2:        # from each word the longest acronym: "Is the Collective …": csto
                j = next((j for j in range(len(capitals), i + 2, -1) if capitals[i:j] in self.proper and
                          (docs is None or any(capitals[i:j] in self.per_doc.get(d, ()) for d in docs))), None)
                if j is not None and capitals[i:j] not in out:
                    out.append(capitals[i:j])
                i = j if j is not None else i + 1
        return out

    def given_names(self, surname: str, docs=None) -> frozenset:
        """The capitalised words (folded, one or two) the searched documents write just before `surname`
        (folded), titles and offices aside: "ilham" for "President Ilham Aliyev", "recep" and "tayyip" for
        "Recep Tayyip Erdogan"; none for "Mr Kuleba", "Prime Minister Modi"."""
        pattern = re.compile(rf"(?<![\w’'-])((?:[A-Z][\w’'-]+[ \t]+){{1,2}}){_written(surname)}(?!\w)")

        def given(text: str, m: re.Match) -> list[str]:
            words = [_fold(x) for x in m.group(1).split()]
            if starts_sentence(text, m.start()):
                words = words[1:]                           # "Yesterday Kuleba said": a sentence's first word
            cut = max((i + 1 for i, w in enumerate(words) if w in TITLES | OFFICES), default=0)
            return [w for w in words[cut:]                  # "Prime Minister": none; "Minister Nikos": nikos
                    if w not in CALENDAR and w not in countries() and w not in country_names()]   # "of Russia Vladimir"
        return self._remember(("given", surname, None if docs is None else frozenset(docs)), lambda: frozenset(
            w for d, text in self.texts.items()
            if (docs is None or d in docs) and surname in self.per_doc.get(d, ())
            for m in pattern.finditer(text) for w in given(text, m)))

    def spelled_out(self, acronym: str, docs=None) -> bool:
        """Whether a searched document writes the words an `acronym` (folded, 3 to 6 letters) stands for:
        capitalised words of three letters or more with its letters as initials, short lower-case links
        allowed between them ("OSCE": Organization for Security and Co-operation in Europe; "WTO": World Trade
        Organization). Not in lower case: chance runs of words would do (GRU: "guarantees regarding Ukraine",
        AFP: "apply force proportionately"). Two letters only as two capitalised words of four letters or more side by
        side ("EU": European Union, "UN": United Nations; a researcher's subtitles' "the EU cut the hake quota" abstained
        on their "the European Union cut"); a country's two-letter code is country_names' business ("UK": United
        Kingdom, "US": not "the Union State")."""
        if not (2 <= len(acronym) <= 6 and acronym.isalpha()) or (len(acronym) == 2 and acronym in country_forms()):
            return False
        return self._remember(("spelled", acronym, None if docs is None else frozenset(docs)),
                              lambda: self._spelled_out(acronym, docs))

    def _spelled_out(self, acronym: str, docs) -> bool:
        link = r"(?:[ \t\-]+(?:of|and|for|in|on|the|de|du|des|la|le)\b)*[ \t\-]+"       # within a line
        word = r"[a-z][a-z’'\-]+"
        if len(acronym) == 2:
            link, word = r"[ \t]+", r"[a-z]{3,}"
        pattern = re.compile(r"(?<![\w-])" + link.join(c.upper() + word for c in acronym) + r"(?!\w)")
        return any(pattern.search(text) for d, text in self.texts.items() if docs is None or d in docs)

    def coded(self, code: str, docs=None) -> bool:
        """Whether a searched document may write a code of one letter and a number (`code` folded: p5, g7, g20) out in
        words: its number, in digits or words, next to a word with its letter as initial, "of" or "the" allowed
        between ("the five permanent members": P5; "the Group of Seven": G7); or a code of a year (fy2023) the year
        (2023). A guess (chance pairs do it too: "five points"), so such a code is soft (terms.names_missing): said
        missing, never deciding."""
        year = re.fullmatch(r"[^\W\d_]{1,3}((?:19|20)\d\d)", code)    # "FY2023", "Q32023": the documents' "2023"
        if year:
            return year.group(1) in self.searched(docs)
        m = re.fullmatch(r"([^\W\d_])(\d{1,2})", code)
        if m is None:
            return False
        letter, n = m.group(1), int(m.group(2))
        words = [w for w, v in UNITS.items() if v == n] or [w for w, v in TENS.items() if v == n] or \
            [f"{t}[ \\-]{u}" for t, tv in TENS.items() for u, uv in UNITS.items() if 0 < uv < 10 and tv + uv == n]
        number = "(?:" + "|".join([str(n), *words]) + ")"
        initial = rf"{re.escape(letter)}[^\W\d_]+"
        link = r"(?:[ \t\-]+(?:of|the))*[ \t\-]+"
        pattern = re.compile(rf"(?<![\w\-])(?:{initial}{link}{number}|{number}[ \t\-]+{initial})(?![\w\-])", re.IGNORECASE)
        return self._remember(("coded", code, None if docs is None else frozenset(docs)),
                              lambda: any(pattern.search(text) for d, text in self.texts.items()
                                          if docs is None or d in docs))

    def slip(self, word: str, docs=None) -> bool:
        """Whether `word` (case folded, of 5 letters or more) is a word of the searched documents mistyped: one
        letter dropped, added, changed or two swapped ("goverment"), or two of their words run together ("carefor")."""
        if not 5 <= len(word) <= 40 or not word.isalpha():
            return False
        have = self.searched(docs)
        if any(word[:i] in have and word[i:] in have for i in range(2, len(word) - 1)):
            return True
        return self._one_edit(word, have)

    def respelt(self, word: str, docs=None, capitalised: bool = False) -> str | None:
        """The word of the searched documents that `word` (as the query writes it, a possessive aside), in no form
        theirs, is mistyped for: the only one of theirs one letter dropped, added, changed or two swapped away, both
        RESPELL_LETTERS long or more, where English does not know `word`, or knows it rarely and theirs far more
        (RESPELL_ZIPF): "Kazakstan", "Minks" (capitalised: their name Minsk), "secruity"; not "Zambia" for their
        Gambia, "Johnson" for Johnston, nor "lawns" for laws; nor a country, capital or people ("Iceland" for their
        Ireland), nor a given name ("Marta" for their Maria: a hostile review)."""
        w = _fold(word)
        if len(w) < RESPELL_LETTERS or not w.isalpha() or self.find(w, docs) is not None \
                or w in countries() or w in capitals() or w in peoples() or w in first_names():
            return None
        near = {f for f in one_edit_words(w, self.searched(docs)) if len(f) >= RESPELL_LETTERS and f.isalpha()}
        if len(near) != 1:
            return None
        form = near.pop()
        typed, theirs = zipf(w) or 0.0, zipf(form) or 0.0
        rare = RESPELL_NAMED if capitalised and form in self.proper else RESPELL_RARE
        return form if typed == 0 or (theirs - typed >= RESPELL_ZIPF and typed < rare) else None

    def respelled(self, query: str, docs=None, skip=frozenset()) -> tuple[str, list[tuple[str, str]]]:
        """`query` with each word the searched documents hold only spelt otherwise (respelt) written as they write
        it, its capital kept ("What about Kazakstan's troops?": "What about Kazakhstan's troops?"), and the pairs
        (as typed, as searched). Not a word of a name of several words another of whose words they lack: "Nikol
        Pashinyan" is not the documents' Nikos Dendias. `skip`: words left as typed."""
        out, fixed, end = [], [], 0
        lacking = [[w for w in run if self.find(_fold(w), docs) is None] for run in name_phrases(query)]
        unsure = {w for gone in lacking if len(gone) > 1 for w in gone}
        for m in _WORD.finditer(query):
            raw = re.sub(r"[’'][sS]?$", "", m.group())        # (KAZAKSTAN'S too)
            form = self.respelt(raw, docs, capitalised=raw[:1].isupper()) \
                if raw.isalpha() and raw not in unsure and raw not in skip else None
            if form:
                written = form.upper() if raw.isupper() and len(raw) > 1 else \
                    form[:1].upper() + form[1:] if raw[:1].isupper() else form
                out += [query[end:m.start()], written]
                end = m.start() + len(raw)
                if (raw, written) not in fixed:         # (a word typed twice is said once)
                    fixed.append((raw, written))
        return "".join(out) + query[end:], fixed

    def misspelt(self, name: str, docs=None) -> bool:
        """Whether the name `name` (folded, of 6 letters or more) is one edit from a name the searched documents
        write capitalised ("Zelenksy": Zelensky; "Stoltenburg": Stoltenberg is two, so no)."""
        self.per_doc            # noqa: B018 - which finds the words written capitalised (proper)
        if not (6 <= len(name) <= 40 and name.isalpha()):
            return False
        # (the names one edit away, then whether the searched documents hold one: not every name of a large index
        # intersected with the searched words at each word of each query)
        near = one_edit_words(name, self.proper)
        return bool(near) and (docs is None or bool(near & self.searched(docs)))

    def searched(self, docs=None) -> frozenset:
        """The words of the searched documents (`docs`, None: all)."""
        return self.words if docs is None else frozenset().union(*(self.per_doc.get(d, frozenset()) for d in docs))


    _one_edit = staticmethod(one_edit)

    def has_variant(self, word: str, docs=None) -> bool:
        """Whether the searched documents (`docs`, None: all) hold `word` in any form find() knows, in an irregular
        form of its lemma (child: children; mouse: mice; buy: bought), or a word of VARIANT_PREFIX letters or more
        that begins as it does (legitimacy, legitimate). Remembered (_remember: questions share their words)."""
        return self._remember(("variant", word, None if docs is None else frozenset(docs)),
                              lambda: self._has_variant(word, docs), words=True)

    def _has_variant(self, word: str, docs) -> bool:
        if self.find(word, docs) is not None:
            return True
        w = _fold(word)
        same = self.lemmas.get(_lemma(w), ()) if w.isalpha() else ()
        if same and (docs is None or any(x in self.per_doc.get(d, ()) for d in docs for x in same)):
            return True
        if len(w) <= VARIANT_PREFIX or not w.isalpha() or w[:VARIANT_PREFIX] not in self.beginnings:
            return False
        if docs is None:
            return True
        return any(any(x.startswith(w[:VARIANT_PREFIX]) for x in self.per_doc.get(d, ())) for d in docs)

    @cached_property
    def lemmas(self) -> dict[str, frozenset]:
        """Each English lemma (simplemma's) -> the documents' words of it that are not it ("child": children);
        {} without simplemma."""
        out: dict[str, set] = {}
        for word in self.words:
            if word.isalpha():
                lemma = _lemma(word)
                if lemma and lemma != word:
                    out.setdefault(lemma, set()).add(word)
        return {k: frozenset(v) for k, v in out.items()}

    @cached_property
    def everyday(self) -> float | None:
        """The share of the EVERYDAY commonest English words (wordfreq's, three letters or more) that the
        documents use: how much a word they lack says (a few meetings: 0.9; one press conference: 0.5).
        None without wordfreq."""
        try:
            from wordfreq import top_n_list
        except ModuleNotFoundError:
            return None
        common = [w for w in top_n_list("en", 3 * EVERYDAY) if w.isalpha() and len(w) >= 3][:EVERYDAY]
        return sum(w in self.words for w in common) / len(common) if common else None

    def warm_up(self) -> "Vocabulary":
        with self._lock:
            self.stems, self.skeletons, self.openings, self.beginnings, self.lowered, self.folded, self.speakers  # noqa: B018
        zipf("warm")                    # wordfreq reads its table on first use (about 1 s)
        countries()                     # and pycountry its (about 0.3 s)
        country_forms(), country_names(), capitals()    # and countryinfo its
        return self

    def coverage(self, tokens: list[str], lexical: float, held=frozenset(), docs=None) -> float:
        """The share of the query's lexical tokens (stems) the documents hold anywhere, titles and
        speakers included (BM25 indexes only the passages), or in another form (`held`: the tokens of
        held_names): at least `lexical`, BM25's own share (of the whole index: not with `docs`, where only
        the searched documents' words count: a word only another document holds says nothing of these)."""
        if not tokens:
            return lexical
        self.warm_up()
        if docs is None:
            return max(lexical, sum(t in self.stems or t in self.words or t in held for t in tokens) / len(tokens))
        have = self.searched(docs)      # (a function word, "did", "why", says nothing of which documents hold it)
        return sum(t in have or t in held or any(w in have for w in self.stems.get(t, ()))
                   or ((t in self.words or t in self.stems) and (zipf(t) or 0.0) >= FUNCTION_ZIPF)
                   for t in tokens) / len(tokens)

    def has_phrase(self, words: list[str], docs=None, either_order: bool = False) -> bool:
        """Whether a searched document writes the folded `words` in this order (or reversed, `either_order`; case
        aside; the last may end in a possessive or -s, -es, -er, -ers: "Industrial Designer" holds "Industrial
        Design", "Serbia" does not hold "Serb"), with at most PHRASE_GAP words between two of them, each capitalised
        or of three letters at most ("Secretary of State Antony Blinken" holds "Secretary Blinken"; "Serb
        Municipalities in Kosovo" holds "Kosovo Serb"). Two words the searched documents hold only inflected
        (the query's "Istanbul Convention", their "conventions") may stand in any order, anything within
        PHRASE_NEAR characters between them ("the Olympic Games": "the Winter Olympics ... the Games")."""
        return self._remember((tuple(words), None if docs is None else frozenset(docs), either_order),
                              lambda: self._has_phrase(words, docs, either_order))

    def _has_phrase(self, words: list[str], docs, either_order: bool) -> bool:
        have = self.searched(docs)
        forms = [w if w in have else self.find(w, docs, name=True) for w in words]
        inflected = [f is not None and f != w and f.startswith(w) and f[len(w):] in _ENDINGS for w, f in zip(words, forms)]
        if any(f is None or (f != w and not bent) for w, f, bent in zip(words, forms, inflected)) \
                or (any(inflected) and len(words) > 2):
            return True         # a word missing on its own (or spelt another way) is missing_terms' business
        gap = r"[\s\-‐‑–—]+(?:(?:[A-Z][\w’'.]*|[a-z]{1,3})[\s\-‐‑–—]+){0,%d}" % PHRASE_GAP
        ending = r"(?:s|es|er|ers)?"
        # a name of two words in either order: each may be singular or plural ("Kosovo Serbs": "Serb Municipalities in
        # Kosovo"), since either may come last
        bases = [w[:-1] if either_order and len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                 for w in words]
        parts = [f"(?i:{re.escape(b)})" + (r"(?:s|es)?" if either_order else "") for b in bases]
        orders = [parts, parts[::-1]] if either_order else [parts]
        if forms != words:      # two words, named in the query's own words ("Olympic Games"): the documents' words
            # near each other will do ("the Winter Olympics ... the Games"), in any order
            gap = ending + r"(?:[’']s?)?(?!\w)[\s\S]{1,%d}?(?<!\w)" % PHRASE_NEAR
            orders = [parts, parts[::-1]]
        pattern = re.compile("|".join(r"(?<!\w)" + gap.join(order) + ending + r"(?:[’']s?)?(?!\w)"
                                      for order in orders))
        for doc_id, held in self.per_doc.items():
            if (docs is None or doc_id in docs) and all(f in held for f in forms) \
                    and self._holds(pattern, doc_id, bases):
                return True
        return False

    def together(self, a: str, b: str, docs=None, acronyms: tuple[bool, bool] = (False, False)) -> bool:
        """Whether a searched document (`docs`, None: all) writes the folded names `a` and `b` within PHRASE_REACH
        characters of each other, in either order, each in a form that begins as it does (its first four
        letters: Japan and Japanese, Armenia and Armenian; a word of four letters or fewer whole: EU, US),
        capitalised, as the documents spell it (find: Kyiv, Kiev), an acronym (`acronyms`) also spelled out (US:
        United States, EU: European Union), a country by any of its names (its capital, demonym, other
        spellings: Moscow, Russia; UK, the Brits; `country_forms`): the two sides of a pair (name_pairs)
        discussed together. A speaker of the documents is together with every name (their own words do not
        name them)."""
        return self._remember(("together", a, b, None if docs is None else frozenset(docs), acronyms),
                              lambda: self._together(a, b, docs, acronyms))

    def _remember(self, key: tuple, answer, words: bool = False):
        """has_phrase's, together's (and other look-ups') answers, kept for the PHRASES_KEPT latest questions (the documents never
        change under a Vocabulary); with `words`, find's and has_variant's, apart (WORDS_KEPT)."""
        kept, most = (self._words, WORDS_KEPT) if words else (self._phrases, PHRASES_KEPT)
        known = kept.get(key, _UNKNOWN)
        if known is _UNKNOWN:                   # (None is an answer: find's "no such word")
            known = answer()
            with self._lock:
                kept[key] = known
                while len(kept) > most:
                    kept.pop(next(iter(kept)))        # the oldest
        return known

    def _together(self, a: str, b: str, docs, acronyms: tuple[bool, bool]) -> bool:
        searched = [d for d in self.index.documents if docs is None or d in docs]
        if any(a in self.speakers.get(d, ()) or b in self.speakers.get(d, ()) for d in searched):
            return True         # a speaker's name stands over all their words ("the Lavrov–Wang Yi meeting")
        compound = re.compile(r"(?<!\w)" + re.escape(a) + r"[\-‐‑–—]" + re.escape(b) + r"(?!\w)")
        patterns, plain = [], []
        for word, acronym in zip((a, b), acronyms):
            written = self.find(word, docs) or word                       # Kyiv: the "Kiev" the text writes
            own = {word, written}
            others = {f for w in own for f in country_forms().get(w, ()) if len(f) > 3} - own   # not "BY", "IN"
            alternatives = []
            for form in sorted(own) + sorted(others):          # its own forms by their first four letters,
                head = form[:4] if form in own and len(form) > 4 and " " not in form else form   # others whole
                alternatives.append(r"\s+".join(map(re.escape, head.split())) + (r"(?!\w)" if head == form else ""))
            if acronym and word.isalpha():          # its letters as the initials of as many words
                alternatives.append(r"\w*\s+".join(re.escape(c) for c in word) + r"\w*")
            patterns.append(re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE))
            # the plain text each form begins with, looked for first (a meeting is 60k characters)
            plain.append(None if acronym else [f[:4] if f in own and len(f) > 4 and " " not in f else f
                                               for f in sorted(own) + sorted(others)])
        for doc_id in searched:
            low = self.folded[doc_id]
            if any(p is not None and not any(h in low for h in p) for p in plain):
                continue
            if compound.search(low):        # written so, in any case: "intermediate-range missiles"
                return True
            text = self.texts[doc_id]         # a name's form is capitalised there: "Raisi" is not "raised"
            first = [m.start() for m in patterns[0].finditer(text) if text[m.start()].isupper()]
            if not first:
                continue
            for j in (m.start() for m in patterns[1].finditer(text) if text[m.start()].isupper()):
                i = bisect.bisect_left(first, j)
                if any(0 <= x < len(first) and abs(first[x] - j) <= PHRASE_REACH for x in (i - 1, i)):
                    return True
        return False

    @cached_property
    def folded(self) -> dict[str, str]:
        """Each document's text in lower case (its offsets may move: for looking whether a word is there)."""
        return {doc_id: low if low is not None else self.texts[doc_id].lower()
                for doc_id, low in self.lowered.items()}

    @cached_property
    def lowered(self) -> dict[str, str | None]:
        """Each document's text in lower case, where that keeps every offset (else None)."""
        out = {}
        for doc_id, text in self.texts.items():
            low = text.lower()
            out[doc_id] = low if len(low) == len(text) else None
        return out

    def _holds(self, pattern: re.Pattern, doc_id: str, words: list[str]) -> bool:
        """Whether `pattern` (a phrase of `words`) matches the document's text: tried only around the places
        the text has the phrase's rarest word there, nearby places taken together (a phrase is a few words;
        a meeting's whole text searched for each took ~17 ms), or over the whole text where lower case moves
        offsets."""
        text, low = self.texts[doc_id], self.lowered[doc_id]
        if low is None:
            return pattern.search(text) is not None
        anchor = min(words, key=low.count)
        start, end, i = 0, -1, low.find(anchor)
        while i >= 0:
            if i - PHRASE_REACH > end:          # a new stretch: search the one before it
                if end >= 0 and pattern.search(text, start, end):
                    return True
                start = max(0, i - PHRASE_REACH)
            end = i + len(anchor) + PHRASE_REACH
            while end < len(text) and text[end].isalnum():     # never cut a word: "Design|ers" is no "Design"
                end += 1
            i = low.find(anchor, i + 1)
        return end >= 0 and pattern.search(text, start, end) is not None

    def _other(self, w: str, docs, person: bool) -> str | None:
        """How a searched document writes `w` (folded) otherwise (_other_forms: "1,200", "gdańsk", "covid-19",
        "nord stream"); two capitalised words run together only for no `person` ("Senator Whitehouse" is not the
        "White House")."""
        self.per_doc            # noqa: B018 - which finds the other forms
        for doc_id, forms in self.others.items():
            if docs is None or doc_id in docs:
                found = forms.get(w)
                if found and not (found[1] and person):
                    return found[0]
        return None

    @cached_property
    def _sorted(self) -> list[str]:
        return sorted(self.words)

    def _inflected(self, w: str, present) -> str | None:
        """A form of `w` (folded), a word of a script other than Latin, that the documents write with another case
        ending (_CASE_ENDINGS, after the same four letters or more: "Хатанге", "Хатанга", "Хатангу"; not "пользу" of
        "Польше", "Австралии" of "Австрии"; English's stems do not read them). None for a Latin word."""
        if script(w) in ("LATIN", "") or len(w) < 4:
            return None
        for cut in (2, 1, 0):
            head = w[:len(w) - cut]
            if len(head) < 4 or w[len(head):] not in _CASE_ENDINGS:
                continue
            i = bisect.bisect_left(self._sorted, head)
            while i < len(self._sorted) and self._sorted[i].startswith(head):
                form = self._sorted[i]
                if form[len(head):] in _CASE_ENDINGS and present(form):
                    return form
                i += 1
        return None

    def find(self, word: str, docs=None, name: bool = False, person: bool = False) -> str | None:
        """The index word `word` matches (itself, its stem's, a hyphen form, another form _other_forms knows,
        as the text writes it, a spelling variant), or None. With `name` (the query capitalised it), a word of
        the same stem counts only when it is `word` with an ending added or dropped (Americans, American):
        Memorial is not "memory" (nor "Day of Memory"); neither then do two lower-case words run together
        (Goodwill is not "good will"). With `person` (a title before it), nor two capitalised words.
        Remembered (_remember)."""
        self.warm_up()
        return self._remember(("find", word, None if docs is None else frozenset(docs), name, person),
                              lambda: self._find(word, docs, name, person), words=True)

    def _find(self, word: str, docs, name: bool, person: bool) -> str | None:
        w = _fold(word)
        if not w:
            return None
        within = None if docs is None else [self.per_doc.get(d, frozenset()) for d in docs]

        def present(form: str) -> bool:
            return form in self.words and (within is None or any(form in s for s in within))

        parts = [p for p in re.split(r"[-‐‑‒–—]", w) if p]
        forms = [w, w.replace("-", ""), *([w[:-1]] if w.endswith("s'") else [])]
        for form in forms:
            if present(form):
                return form
        other = self._other(w, docs, person) or self._inflected(w, present)
        if other:
            return other
        for form in currency_forms(w):      # "USD": the documents' "dollars" or "$"; "kroner": their "NOK"
            if present(form) or (not form.isalpha() and any(form in self.texts[d]
                                                              for d in (docs or self.index.documents))):
                return form
        plain = without_accents(w)
        if plain != w:                      # türkiye, i̇stanbul (a dotted İ lower-cased): every rule on turkiye
            return self.find(plain, docs, name)
        if len(parts) > 1:
            country = self._country(w, docs, present)       # Guinea-Bissau's other names
            if country:
                return country
            found = [self.find(p, docs, name) for p in parts]
            return "-".join(found) if all(found) else None
        for form in sorted(self.stems.get(_stem([w])[0], ())):
            if present(form) and (not name or form.startswith(w) or w.startswith(form) or _plural(w, form)):
                return form
        if len(w) >= 4 and w.isalpha():
            limit = 2
            near = [(_distance(w, form, limit), form) for form in self.skeletons.get(_skeleton(w), ())
                    if form in self.proper and form not in self.acronyms and present(form)
                    and not _another_word(w, form)]
            best = min((pair for pair in near if pair[0] <= limit), default=None)    # the nearest spelling
            if best:
                return best[1]
            # two letters typed in the wrong order: zelenksy, zelensky
            for form in _swapped(w) if len(w) >= SWAP_LETTERS else ():
                if form in self.proper and form not in self.acronyms and present(form) and not _another_word(w, form):
                    return form
        if len(w) >= 5 and w.isalpha():     # a derived form of a name: belarus -> belarusian, and back
            for form in self.openings.get(w[:3], ()):
                if form[:5] != w[:5] or len(form) < 5 or _another_word(w, form):
                    continue
                short, long_ = sorted((w, form), key=len)
                stem, whole = (x[:-1] if x.endswith("s") else x for x in (short, long_))    # Croats: Croatians
                if whole.startswith(stem) and len(whole) - len(stem) <= 3 and present(form):
                    return form
        for form in _spellings(w):
            if present(form):
                return form
        if w in COMBINING:                  # Sino-Russian: China
            return self.find(COMBINING[w], docs)
        for head in NAME_PREFIXES:          # Euromaidan: the documents' "Maidan" (a name the prefix is put before)
            rest = w[len(head):]
            if w.startswith(head) and len(rest) >= 5 and rest in self.proper and present(rest):
                return rest
        country = self._country(w, docs, present) or self._people(w, present) or self._demonym(w, present) \
            or self._land(w, docs, present)
        if country:
            return country
        if len(w) >= 4 and w.isalpha():
            return self._place(w, present) or (None if name else self._split(w, docs, present))
        return None

    def capital(self, w: str, docs=None) -> bool:
        """Whether `w` (folded) is a capital whose country a searched document names (capitals())."""
        return self._names_any(capitals().get(w, ()), docs)

    def _names_any(self, names, docs) -> bool:
        """Whether a searched document names any of `names` (folded; a name of several words written together)."""
        return any(self.find(x, docs) is not None if " " not in x else
                   all(self.find(y, docs) for y in x.split()) and self.has_phrase(x.split(), docs)
                   for x in sorted(names))

    def _people(self, w: str, present) -> str | None:
        """The country `w` names, as the documents hold its people (demonyms): Canada, "the Canadians"."""
        for people in sorted(demonyms().get(w, ())):
            for form in (people, people + "s"):
                if form in self.proper and present(form):       # "the Poles", not "polish our approach"
                    return form
        return None

    def _land(self, w: str, docs, present) -> str | None:
        """The country whose people `w` names, as the documents name it (peoples(): Swiss, "Switzerland"; Dutch,
        "the Netherlands"; Norwegian, "Norway"), where its people's name is none of English's words made otherwise."""
        # (not a code, "DO", nor "Republic of China", in "People's Republic of …"; written capitalised)
        return self._held_name([n for n in peoples().get(w, ()) if len(n) >= 4 and not FORMAL.search(n)
                                and all(x in self.proper for x in n.split())], docs, present)

    def _demonym(self, w: str, present) -> str | None:
        """A people's name the documents hold for the country `w` (the other way from _place): China, "Chinese";
        only for a country's name (Turin is not "Turkish", Roma not "Roman", Briand not "British")."""
        if w not in countries() and w not in country_forms() and w not in _country_words():
            return None
        for form in self.openings.get(w[:3], ()):
            if form != w and present(form) and w in _places_of(form) and not _another_word(w, form):
                return form
        return None

    def _split(self, w: str, docs, present) -> str | None:
        """Two words of the documents that `w` (written in lower case) runs together, as a searched document writes
        them side by side (beespace: "bee space"), each of three letters or more and no stop word (not "for rest")."""
        for i in range(3, len(w) - 2):
            a, b = w[:i], w[i:]
            if present(a) and present(b) and not _is_stop(a) and not _is_stop(b):
                pattern = re.compile(rf"(?<!\w){a}[ \t\-‐‑]{b}(?!\w)")
                if any(pattern.search(low) for d, low in self.folded.items() if docs is None or d in docs):
                    return f"{a} {b}"
        return None

    def named_country(self, words: list[str], docs=None) -> bool:
        """Whether the multiword country name `words` (folded: "syrian arab republic") is one the searched documents
        name another way (Syria, the Syrians)."""
        phrase = " ".join(words)
        if tuple(words) not in country_phrases() and phrase not in demonyms():
            return False
        return self._names_any(country_names().get(phrase, frozenset()) | demonyms().get(phrase, frozenset()), docs)

    def _country(self, w: str, docs, present) -> str | None:
        """Another name of the country `w` names that the documents hold (country_names): USA: United States."""
        return self._held_name(country_names().get(w, ()), docs, present)

    def _held_name(self, names, docs, present) -> str | None:
        """The first of `names` (folded; several words written together) that the searched documents hold."""
        for name in sorted(names):
            words = name.split()
            if all(present(x) for x in words) and (len(words) == 1 or self.has_phrase(words, docs)):
                return name
        return None

    def _place(self, w: str, present) -> str | None:
        """The name the documents hold of the place `w` is a people or short form of: Kazakh (Kazakhstan),
        Finnish (Finland), Swedish (Sweden), Polish (Poland), Chinese (China), Cypriot (Cyprus), Kosovar (Kosovo),
        Iranian (Iran). The place is `w` less a people's ending, or that less its last letter, then one of the
        place endings that go with it (DEMONYMS); `w` of five letters or more may be all of it but "-stan".
        A word that merely begins alike is no match: Paris is not "party", Danish not "Daniel", Harris not "Harry"."""
        names = self.openings.get(w[:3], ())
        if len(w) >= 5:
            for form in names:
                if form in (w + "stan", w + "istan") and present(form):     # Kazakh, Afghan, Uzbek
                    return form
        for ends, places in DEMONYMS:
            for end in ends:
                if not (w.endswith(end) and len(w) - len(end) >= 3):
                    continue
                base = w[:-len(end)]
                for head in dict.fromkeys((base, base[:max(3, len(base) - 1)])):
                    for form in names:
                        if form.startswith(head) and form[len(head):] in places and present(form):
                            return form
        return None


# Russian's case endings ("" for none): a name's forms differ by them alone ("Украины", "Украиной"; "Путина", "Путиным")
_CASE_ENDINGS = frozenset({""}) | frozenset("а я у ю е и ы о ь й ой ей ий ый ои еи ом ем ам ям ах ях ами ями ию ии ие ия ью "
                                       "ого его ому ему ым им ых их ов ев ую юю ая яя ое ее ые ыми ими".split())


def script(word: str) -> str:
    """The script of `word`'s first letter, as Unicode names it ("LATIN", "CYRILLIC", "GREEK", "CJK"; Japanese kana
    CJK too: one text writes them together), "" for none."""
    for c in word:
        if c.isalpha():
            name = unicodedata.name(c, "").split(" ")[0]
            return "CJK" if name in ("HIRAGANA", "KATAKANA") else name
    return ""
