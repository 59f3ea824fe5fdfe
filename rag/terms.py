"""What a query names that the searched documents never mention ("missing terms").

A question about a country, person, organisation, treaty or date the documents never name is
almost surely one they do not answer, however well its other words ("Russia", "position",
"relations") match. ``missing_terms(query, vocabulary)`` returns those names, as the query
spells them; retrieve.py abstains when there are any and says so ("No document mentions
'Mongolia'.").

A query word is a *name* when it is
- capitalised, not at the start of a sentence (in a query not written in Title Case),
- an acronym (two or more capitals: NATO, JCPOA), or contains a digit (2014, G20),
- capitalised at the start of a sentence and not a common English word nor one English inflects
  ("Summarize the discussion": summarized; "Kaliningrad transit" has no such forms), or
- (any case) very rare in general English, or the one-word name of a country (``countries``: pycountry's
  ISO 3166 tables, "Myanmar military government", "russia and mongolia").
"Common" and "rare" come from ``wordfreq``'s Zipf frequencies when it is installed (an
optional dependency); without it only capitalisation, acronyms and digits make names. A
common word (a paraphrase's verb) never counts, whatever the index lacks.

A name is present when the documents hold it in any of these forms: case-folded; without accents (in the query
or in the documents: Gdansk, "Gdańsk"); a number without its thousands separators (1200, "1,200"); without a
possessive ('s, ’s, s'); its hyphen parts each, or joined (anti-satellite, antisatellite; covid19, "Covid-19";
Nordstream, "Nord Stream"; and two words of the query the documents write as one: "Sea Lock", "SeaLock"; one
lower-case word they write as two: beespace, "bee space"); a plural in -ies (Democracies, "Democracy");
its stem (the lexical stemmer: "Kazakhstan's", "sanctioned"); a spelling variant, an
index word with the same first letter (any vowel for a vowel) whose consonant skeleton is the same and that
is at most two edits away (Kiev/Kyiv, Yanukovich/Yanukovych, Tokaev/Tokayev, Luhansk/Lugansk, Irbil/Erbil); a
people's name for its place and plurals (Finnish: Finland; Croatians: Croats); a country's other name
(places.py: USA), or the people's name alone (China, "Chinese"); an acronym whose words a document writes out
(OSCE; in lower case, words of four letters or more, none a stop word: DWV, "deformed wing virus"). A title
before a name is no name of its own ("Ms Solberg", "Governor Sanwo-Olu"), nor a sum ("$1.2bn", "45m"); a given
name one letter off the one the documents write before the same surname is theirs (Joseph Borrell, "Josep").

The vocabulary (``Vocabulary``) is built from the documents' text, once per index and lazily
(about 0.1 s per MB), per document so that a search restricted to some documents checks those.
A multiword name (``name_phrases``: adjacent capitalised words, "African Union", or a country's name of
several words in any case, "hong kong") whose words are each in the documents is missing when no document
writes them together (``Vocabulary.has_phrase``), and it counts as one name; so is a pair of names joined by a
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
What it leaves out: numbers in words ("2000", "two thousand"), a country named by a city in it (Switzerland,
"Geneva") or by a short form countryinfo lacks (UK, "Britain"), names with connectors as units ("Council of Europe": each word is checked),
names written in lower case that wordfreq finds common and that are not countries ("bolsonaro";
a country of several words is one in any case: "hong kong"), demonyms of missing countries ("Mongolian"), other languages.
"""
from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from functools import cached_property, lru_cache

from .lexical import _stopwords
from .places import capitals, countries, country_forms, country_names, country_words, country_phrases, demonyms

__all__ = ["COMMON_ZIPF", "PHRASE_GAP", "RARE_ZIPF", "VARIANT_PREFIX", "Vocabulary", "absent_words", "countries", "country_forms", "country_names",
           "is_common", "missing_names", "missing_terms", "whole_names", "names_missing", "hard_missing", "capitals", "rarest_missing", "whole_name_missing", "held_names", "name_phrases", "query_names", "zipf"]

_WORD = re.compile(r"[^\W_](?:[\w’']*[^\W_])?(?:[’']s?)?")   # words, with an inner or final apostrophe
_SENTENCE_END_CHARS = set('.?!:;"“”()[]')
COMMON_ZIPF = 3.6    # a capitalised first word at least this frequent is an ordinary word ("Complaints")
RARE_ZIPF = 2.0      # a lower-case word below this is a name whatever its case ("jcpoa", "ulaanbaatar")
INFLECTED_ZIPF = 2.5  # a capitalised first word whose -ed or -ing form is this frequent is an English word
ENGLISH_ENDINGS = ("tion", "tions", "sion", "sions", "ment", "ments", "ness", "ity", "ities", "ism", "isms",
                   "ance", "ances", "ence", "ences")    # nouns English derives: a first word so made is no name
DEMONYMS = (        # a people's ending -> the endings of its place: Iran|ian Iran, Chin|ese Chin|a, Pol|ish Pol|and
    (("ians", "ian", "ans", "an"), ("", "a", "ia", "y", "o")),     # Iranian, Russian, Italian, Mexican
    (("eans", "ean"), ("", "a", "e", "ea")),                       # Chilean, Korean
    (("ese",), ("", "a", "an", "on")),                             # Chinese, Japanese, Lebanese
    (("ish",), ("", "and", "land", "en", "ey", "ain", "in")),      # Polish, Finnish, Swedish, Turkish, British
    (("ots", "ot"), ("us",)),                                      # Cypriot
    (("ars", "ar"), ("o",)),                                       # Kosovar
    (("is", "i", "ic"), ("",)),                                    # Israeli, Iraqis, Pakistani
)
LABELS = frozenset({"keyword", "keywords", "topic", "topics", "subject", "question", "query", "summary", "summarize",
                    "summarise", "re", "note", "context", "theme", "issue", "tag", "tags", "search", "find", "quote",
                    "quotes", "terms", "names"})    # a first word before ":" that labels what follows
PATRONYMIC = ("ovich", "evich", "ovna", "evna")    # a Russian middle name, between a first name and a surname
COMBINING = {       # the combining form of a people's name, as in "Sino-Russian relations" -> its place
    "sino": "china", "russo": "russia", "franco": "france", "anglo": "britain", "indo": "india", "nippo": "japan",
    "italo": "italy", "greco": "greece", "austro": "austria", "hispano": "spain", "luso": "portugal",
    "turco": "turkey", "serbo": "serbia", "afro": "africa", "euro": "europe", "germano": "germany",
    "azeri": "azerbaijan",      # (and a people's other name)
}
CALENDAR = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                      "february", "march", "april", "may", "june", "july", "august", "september", "october",
                      "november", "december", "today", "yesterday", "tomorrow"})   # no given names
SHORT_MONTHS = frozenset({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
FUNCTION_ZIPF = 5.5  # a word this frequent ("what", "about", "who") says nothing by its absence
EVERYDAY = 2000      # the commonest English words Vocabulary.everyday looks for
PHRASES_KEPT = 4096  # has_phrase answers remembered per index ("Project Manager" is asked again and again)
PHRASE_REACH = 400   # characters around a phrase's longest word within which the whole phrase must stand
_ENDINGS = ("s", "es", "er", "ers")   # a phrase's word as the documents may inflect it (has_phrase)
PHRASE_NEAR = 300    # characters within which the words of a name the documents hold only inflected may stand
PHRASE_GAP = 4       # capitalised or short words that may stand between two words of a name (Secretary [of State
                     #   Antony] Blinken, President [of Kazakhstan Kassym-Jomart] Tokayev)
VARIANT_PREFIX = 6   # words sharing their first six letters are taken for forms of one word (absent_words)
# titles before a name ("Mr Kuleba", "Rt Hon Justin Trudeau"): Vocabulary.titled, and speakers.py
TITLES = {"mr", "mrs", "ms", "mx", "miss", "dr", "prof", "hon", "honourable", "honorable", "right", "rt",
          "the", "sir", "dame", "lord", "lady", "sen", "senator", "rep", "gov", "rev", "mme", "m"}
# offices before a name (speakers.py: each also a mention of its own, "what did the mayor say")
OFFICES = {"mayor", "president", "minister", "premier", "chancellor", "governor", "judge", "justice",
          "chairman", "chairwoman", "chairperson", "commissioner", "secretary", "ambassador", "general",
          "captain", "professor", "director", "councillor", "councilor", "deputy", "inspector", "detective",
          "officer", "coach", "principal", "bishop", "father", "sister", "pastor", "rabbi", "imam"}
NOT_BEFORE_A_NAME = frozenset({"the", "right", "m", "general", "father", "sister", "principal", "officer", "coach",
                               "justice", "director", "deputy"})   # "General Assembly", "Deputy Minister"
_TITLED = "|".join(sorted((TITLES | OFFICES) - NOT_BEFORE_A_NAME, key=len, reverse=True))   # Vocabulary.titled
TITLED_WORDS = frozenset((TITLES | OFFICES | {"reverend", "madam"}) - NOT_BEFORE_A_NAME)   # not names before one
_MAGNITUDE = re.compile(r"\d+(?:[.,]\d+)?(?:bn|mn|m|k|tn|b)")      # 45m, 2bn: a sum
HONORIFICS = frozenset({"mr", "mrs", "ms", "mx", "dr", "sir", "madam", "prof"})   # not part of a name's run
_SPELLED = re.compile(r"(?:[^\W\d_]_)+[^\W\d_]")     # l_c_d: letters spelled out
_VOWELS = set("aeiouyw")


@lru_cache(maxsize=1)
def _wordfreq():
    try:
        from wordfreq import zipf_frequency
    except ModuleNotFoundError:
        return None
    return zipf_frequency


@lru_cache(maxsize=65536)
def zipf(word: str) -> float | None:
    """The word's Zipf frequency in general English (0 unknown, 7 the commonest); None without wordfreq."""
    f = _wordfreq()
    return None if f is None else f(word, "en")


def is_common(word: str) -> bool:
    """Whether `word` is an ordinary English word (a stop word, or frequent enough per wordfreq)."""
    w = word.lower()
    z = zipf(w)
    return _is_stop(w) or (z is not None and z >= COMMON_ZIPF)


def _another_word(name: str, form: str) -> bool:
    """Whether `form`, a spelling near the country's name `name` (both folded), is a word of its own rather than a
    form of that country: an English word that is none of its names, capitals or demonyms ("Angola" is not
    "Anglo", "Romania" not "Roman", "Aruba" not "Arab"; but "Croatia" is there as "Croats")."""
    own = country_forms().get(name, ())
    return name in countries() and is_common(form) and form not in own and form.removesuffix("s") not in own


def _spellings(w: str) -> list[str]:
    """Other ways to write the word `w` (case-folded): British or American (organization, organisation; defense,
    defence; center, centre; color, colour; analyze, analyse), without accents (erdoğan, erdogan), a number's
    ordinal or decade and back (14th, 14; 1990, 1990s). (A month's short name is no name before a number.)"""
    if w.isdigit():
        return [w + end for end in ("s", "st", "nd", "rd", "th")]
    number = re.fullmatch(r"(\d+)(?:s|st|nd|rd|th)", w)
    if number:
        return [number.group(1)]
    if not w.isalpha() or len(w) < 4:
        return []
    plain = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    out: list[str] = [plain] if plain != w else []
    for a, b in (("iz", "is"), ("yz", "ys")):
        out += [w.replace(a, b), w.replace(b, a)]
    stem, plural = (w[:-1], "s") if w.endswith("s") and not w.endswith("ss") else (w, "")    # centers, centres
    for a, b in (("ense", "ence"), ("or", "our"), ("er", "re"), ("og", "ogue")):
        if stem.endswith(a):
            out.append(stem[:-len(a)] + b + plural)
        elif stem.endswith(b):
            out.append(stem[:-len(b)] + a + plural)
    return [f for f in dict.fromkeys(out) if f != w]


# a number with thousands separators ("1,200", "2 340" with a narrow or no-break space): also held as "1200"
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f\u2009]\d{3})+(?![\d])")
# words joined by a hyphen ("Covid-19"), or two capitalised words ("Nord Stream", "New START"): also held joined
_COMPOUND = re.compile(r"(?<![\w\-])[^\W_]+(?:[\-‐‑][^\W_]+)+(?![\w\-])"
                       r"|(?<![\w\-])[A-Z][\w]*[ \t][A-Z][\w]*(?![\w\-])")


def _plain(word: str) -> str:
    """`word` without accents (gdańsk: gdansk, ålesund: alesund)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _other_forms(text: str) -> set[str]:
    """The forms a query may write of words that `text` writes otherwise (folded): a number without its
    thousands separators (1200: "1,200"), a word without accents (Gdansk: "Gdańsk"), hyphenated words or a
    pair of capitalised words run together (covid19: "Covid-19"; Nordstream: "Nord Stream"; NewSTART)."""
    out = {re.sub(r"\D", "", m.group()) for m in _GROUPED.finditer(text)}
    out.update(re.sub(r"[\s\-‐‑]", "", m.group()).lower() for m in _COMPOUND.finditer(text))
    out.update(plain for plain in (_plain(w) for w in set(re.findall(r"[^\W\d_]*[^\x00-\x7f][^\W\d_]*", text.lower())))
               if plain.isascii() and plain.isalpha())
    return out


def _plural(a: str, b: str) -> bool:
    """Whether one of `a`, `b` is the other's plural in -ies ("Democracies", "democracy")."""
    return (a.endswith("ies") and b == a[:-3] + "y") or (b.endswith("ies") and a == b[:-3] + "y")


def _places_of(people: str) -> set[str]:
    """The names of places the people's name `people` may be made from (DEMONYMS): chinese -> chin, china, …"""
    out = set()
    for ends, places in DEMONYMS:
        for end in ends:
            if people.endswith(end) and len(people) - len(end) >= 3:
                base = people[:-len(end)]
                out.update(head + p for head in (base, base[:max(3, len(base) - 1)]) for p in places)
    return out


def _fold(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    return w.rstrip("'")


def _written(word: str) -> str:
    """A pattern for the folded name `word` as a text writes it: capitalised, in any case after the first letter
    (McConnell, DeSantis, KULEBA), either apostrophe (O'Brien, O’Brien)."""
    return "(?=[A-Z])(?i:" + re.escape(word).replace("'", "[’']") + ")"


def _skeleton(word: str) -> str:
    """First letter, then the consonants (y, w count as vowels), doubles folded: kiev, kyiv -> kv; an h not
    after c, k, s, z, t, h or p is a g (Ukrainian h, Russian g: luhansk, lugansk -> lgnsk); zh is j and tch
    is ch, q is k, a first vowel any vowel (transliterations: Zhomart, Jomart; Yanukovitch, Yanukovich;
    Toqaev, Tokayev; Irbil, Erbil)."""
    word = word.replace("zh", "j").replace("tch", "ch").replace("q", "k")   # zhomart, jomart; toqaev, tokayev
    out = "a" if word[:1] and word[:1] in "aeiou" else word[:1]               # irbil, erbil, arbil
    for before, c in zip(word, word[1:]):
        if c == "h" and before not in "ckszthp":
            c = "g"
        if c not in _VOWELS and c != out[-1:]:
            out += c
    return out


SWAP_LETTERS = 6     # a name this long or longer may be a swap away from the documents' (zelenksy); shorter ones are
                     # too often another name (Ishan, Ihsan; Kahn, Khan) or word (minks, Minsk)


def _swapped(word: str) -> list[str]:
    """`word` with two neighbouring letters exchanged, after its first (a typist's slip moves a consonant across
    the skeleton's buckets: zelenksy, zelensky), each way once."""
    return list(dict.fromkeys(word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)
                              if word[i] != word[i + 1]))


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _stem(words: list[str]) -> list[str]:
    from .lexical import _stemmer

    s = _stemmer()
    return s.stemWords(words) if s else list(words)


class Vocabulary:
    """The words of an index's documents: surface forms (case-folded, possessives dropped), their
    stems and spelling skeletons, per document. Built on first use, once."""

    def __init__(self, index):
        self.index = index
        self._lock = threading.Lock()
        self._phrases: dict = {}        # has_phrase's answers (the documents never change under a Vocabulary)

    @cached_property
    def per_doc(self) -> dict[str, frozenset]:
        out, capitalised, uppercase, seen = {}, {}, {}, {}
        for doc_id, doc in self.index.documents.items():
            words = set()
            for raw in _WORD.findall(doc.text):
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
            words.update(_other_forms(doc.text))
            out[doc_id] = frozenset(words)
        # words written capitalised most of the time (names): the only targets of spelling variants
        self.proper = frozenset(w for w, n in capitalised.items() if 2 * n > seen[w])
        # and those written in capitals (CSTO, RIAC): abbreviations, no one's spelling of a word ("Costa", "Rica")
        # (of five letters at most: a caption or a speaker label in capitals writes whole names so, ZELENSKYY)
        self.acronyms = frozenset(w for w, n in uppercase.items() if 2 * n > seen[w] and len(w) <= 5)
        return out

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
        return any(pattern.search(self.index.documents[d].text) for d in searched)

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
            if re.search(r"(?:^|[.!?:;\"“(\n])[\s\"“(]*$", text[:m.start()]):
                words = words[1:]                           # "Yesterday Kuleba said": a sentence's first word
            cut = max((i + 1 for i, w in enumerate(words) if w in TITLES | OFFICES), default=0)
            return [w for w in words[cut:]                  # "Prime Minister": none; "Minister Nikos": nikos
                    if w not in CALENDAR and w not in countries() and w not in country_names()]   # "of Russia Vladimir"
        return self._remember(("given", surname, None if docs is None else frozenset(docs)), lambda: frozenset(
            w for d, doc in self.index.documents.items()
            if (docs is None or d in docs) and surname in self.per_doc.get(d, ())
            for m in pattern.finditer(doc.text) for w in given(doc.text, m)))

    def spelled_out(self, acronym: str, docs=None) -> bool:
        """Whether a searched document writes the words an `acronym` (folded, 3 to 6 letters) stands for:
        capitalised words of three letters or more with its letters as initials, short lower-case links
        allowed between them ("OSCE": Organization for Security and Co-operation in Europe; "WTO": World Trade
        Organization), or in lower case, side by side, of four letters or more and none a stop word ("DWV":
        deformed wing virus). Not two letters: too many pairs of words would do ("US": "the Union State"); a
        country's two-letter code is country_names' business ("UK": United Kingdom)."""
        if not (3 <= len(acronym) <= 6 and acronym.isalpha()):
            return False
        return self._remember(("spelled", acronym, None if docs is None else frozenset(docs)),
                              lambda: self._spelled_out(acronym, docs))

    def _spelled_out(self, acronym: str, docs) -> bool:
        link = r"(?:[ \t\-]+(?:of|and|for|in|on|the|de|du|des|la|le)\b)*[ \t\-]+"       # within a line
        pattern = re.compile(r"(?<![\w-])" + link.join(c.upper() + r"[a-z][a-z’'\-]+" for c in acronym) + r"(?!\w)")
        # or in lower case, words of four letters or more side by side, none a stop word ("deformed wing virus")
        lower = re.compile(r"(?<![\w-])" + r"[ \t\-‐‑]+".join(f"(?i:{c})" + r"[a-z’']{3,}" for c in acronym) + r"(?!\w)")
        texts = [doc.text for d, doc in self.index.documents.items() if docs is None or d in docs]
        return any(pattern.search(t) for t in texts) or any(
            not any(_is_stop(w.lower()) or (zipf(w.lower()) or 0.0) >= FUNCTION_ZIPF for w in re.split(r"[ \t\-‐‑]+", m.group()))
            for t in texts for m in lower.finditer(t))

    def slip(self, word: str, docs=None) -> bool:
        """Whether `word` (case folded, of 5 letters or more) is a word of the searched documents mistyped: one
        letter dropped, added, changed or two swapped ("goverment"), or two of their words run together ("carefor")."""
        if not 5 <= len(word) <= 40 or not word.isalpha():
            return False
        have = self.searched(docs)
        if any(word[:i] in have and word[i:] in have for i in range(2, len(word) - 1)):
            return True
        return self._one_edit(word, have)

    def misspelt(self, name: str, docs=None) -> bool:
        """Whether the name `name` (folded, of 6 letters or more) is one edit from a name the searched documents
        write capitalised ("Zelenksy": Zelensky; "Stoltenburg": Stoltenberg is two, so no)."""
        self.per_doc            # noqa: B018 - which finds the words written capitalised (proper)
        return 6 <= len(name) <= 40 and name.isalpha() and self._one_edit(name, self.proper & self.searched(docs))

    def searched(self, docs=None) -> frozenset:
        """The words of the searched documents (`docs`, None: all)."""
        return self.words if docs is None else frozenset().union(*(self.per_doc.get(d, frozenset()) for d in docs))

    @staticmethod
    def _one_edit(word: str, have) -> bool:
        letters = "abcdefghijklmnopqrstuvwxyz"
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        edits = ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
                 | {a + c + b[1:] for a, b in splits if b for c in letters} | {a + c + b for a, b in splits for c in letters})
        return any(len(e) >= 4 and e != word and e in have for e in edits)

    def has_variant(self, word: str, docs=None) -> bool:
        """Whether the searched documents (`docs`, None: all) hold `word` in any form find() knows, or a
        word of VARIANT_PREFIX letters or more that begins as it does (legitimacy, legitimate)."""
        if self.find(word, docs) is not None:
            return True
        w = _fold(word)
        if len(w) <= VARIANT_PREFIX or not w.isalpha() or w[:VARIANT_PREFIX] not in self.beginnings:
            return False
        if docs is None:
            return True
        return any(any(x.startswith(w[:VARIANT_PREFIX]) for x in self.per_doc.get(d, ())) for d in docs)

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

    def coverage(self, tokens: list[str], lexical: float, held=frozenset()) -> float:
        """The share of the query's lexical tokens (stems) the documents hold anywhere, titles and
        speakers included (BM25 indexes only the passages), or in another form (`held`: the tokens of
        held_names): at least `lexical`, BM25's own share."""
        if not tokens:
            return lexical
        self.warm_up()
        return max(lexical, sum(t in self.stems or t in self.words or t in held for t in tokens) / len(tokens))

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
        parts = [f"(?i:{re.escape(w)})" for w in words]
        orders = [parts, parts[::-1]] if either_order else [parts]
        if forms != words:      # two words, named in the query's own words ("Olympic Games"): the documents' words
            # near each other will do ("the Winter Olympics ... the Games"), in any order
            gap = ending + r"(?:[’']s?)?(?!\w)[\s\S]{1,%d}?(?<!\w)" % PHRASE_NEAR
            orders = [parts, parts[::-1]]
        pattern = re.compile("|".join(r"(?<!\w)" + gap.join(order) + ending + r"(?:[’']s?)?(?!\w)"
                                      for order in orders))
        for doc_id, held in self.per_doc.items():
            if (docs is None or doc_id in docs) and all(f in held for f in forms) \
                    and self._holds(pattern, doc_id, words):
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

    def _remember(self, key: tuple, answer):
        """has_phrase's, together's (and other look-ups') answers, kept for the PHRASES_KEPT latest questions (the documents never
        change under a Vocabulary)."""
        known = self._phrases.get(key)
        if known is None:
            known = answer()
            with self._lock:
                self._phrases[key] = known
                while len(self._phrases) > PHRASES_KEPT:
                    self._phrases.pop(next(iter(self._phrases)))        # the oldest
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
            doc = self.index.documents[doc_id]
            low = self.folded[doc_id]
            if any(p is not None and not any(h in low for h in p) for p in plain):
                continue
            if compound.search(low):        # written so, in any case: "intermediate-range missiles"
                return True
            text = doc.text         # a name's form is capitalised there: "Raisi" is not "raised"
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
        return {doc_id: low if low is not None else self.index.documents[doc_id].text.lower()
                for doc_id, low in self.lowered.items()}

    @cached_property
    def lowered(self) -> dict[str, str | None]:
        """Each document's text in lower case, where that keeps every offset (else None)."""
        out = {}
        for doc_id, doc in self.index.documents.items():
            low = doc.text.lower()
            out[doc_id] = low if len(low) == len(doc.text) else None
        return out

    def _holds(self, pattern: re.Pattern, doc_id: str, words: list[str]) -> bool:
        """Whether `pattern` (a phrase of `words`) matches the document's text: tried only around the places
        the text has the phrase's rarest word there, nearby places taken together (a phrase is a few words;
        a meeting's whole text searched for each took ~17 ms), or over the whole text where lower case moves
        offsets."""
        text, low = self.index.documents[doc_id].text, self.lowered[doc_id]
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

    def find(self, word: str, docs=None, name: bool = False) -> str | None:
        """The index word `word` matches (itself, its stem's, a hyphen form, a spelling variant), or None.
        With `name` (the query capitalised it), a word of the same stem counts only when it is `word` with
        an ending added or dropped (Americans, American): Memorial is not "memory" (nor "Day of Memory")."""
        self.warm_up()
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
        plain = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
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
        country = self._country(w, docs, present) or self._people(w, present) or self._demonym(w, present)
        if country:
            return country
        if len(w) >= 4 and w.isalpha():
            return self._place(w, present) or self._split(w, docs, present)
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

    def _demonym(self, w: str, present) -> str | None:
        """A people's name the documents hold for the place `w` (the other way from _place): China, "Chinese"."""
        for form in self.openings.get(w[:3], ()):
            if form != w and present(form) and w in _places_of(form) and not _another_word(w, form):
                return form
        return None

    def _split(self, w: str, docs, present) -> str | None:
        """Two words of the documents that `w` runs together, as a searched document writes them side by side
        (beespace: "bee space"), each of three letters or more."""
        for i in range(3, len(w) - 2):
            a, b = w[:i], w[i:]
            if present(a) and present(b):
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
        for other in sorted(country_names().get(w, ())):
            words = other.split()
            if all(present(x) for x in words) and (len(words) == 1 or self.has_phrase(words, docs)):
                return other
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
                if form == w + "stan" and present(form):
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


def absent_words(query: str, vocabulary: Vocabulary, docs=None) -> list[str]:
    """The content words of `query` (three letters or more, not stop words nor words of FUNCTION_ZIPF) that the searched
    documents hold in no form (Vocabulary.has_variant), as the query spells them: a question about
    "bitcoin" or "tram lines" that no meeting ever mentions."""
    out: list[str] = []
    for m in _WORD.finditer(query):
        word = re.sub(r"[’']s?$", "", m.group())
        core = _fold(word)
        if len(core) < 3 or not core.replace("-", "").isalpha() or _is_stop(core) or word in out \
                or (zipf(core) or 0.0) >= FUNCTION_ZIPF:
            continue
        if not vocabulary.has_variant(core, docs):
            out.append(word)
    return out


def query_names(query: str) -> list[str]:
    """The words of `query` that name something (see the module's rules), in order, once each."""
    matches = list(_WORD.finditer(query))
    # Title Case ("Russian Troops On The Border"): every content word capitalised, so capitals say nothing
    content = [m.group() for m in matches if m.group()[:1].isalpha() and not _is_stop(_fold(m.group()))]
    title_case = len(content) >= 3 and all(w[0].isupper() for w in content)
    all_caps = query.upper() == query
    out: list[str] = []
    end, previous = 0, ""   # where the previous word ended, and that word
    for i, m in enumerate(matches):
        word, gap, end = m.group(), query[end:m.start()].rstrip(), m.end()
        initial = m.start() == 0 or gap[-1:] in _SENTENCE_END_CHARS
        core, after = _fold(word), previous
        previous = word
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
        elif re.search(r"\d[.,]$", query[:m.start()]) or _MAGNITUDE.fullmatch(core):
            name = False                                  # "$1.2bn", "45m": a sum, as counts are
        elif core in TITLED_WORDS and following[:1].isupper() and i + 1 < len(matches) \
                and re.fullmatch(r"\.?[ \t]+", query[m.end():matches[i + 1].start()]):
            name = False                                  # "Ms Solberg", "Governor Sanwo-Olu": the name follows
        elif any(c.isdigit() for c in word):
            name = True                                   # a number, a year, G20, Article 5
        elif len(letters) < 2 or _is_stop(core):
            name = False
        elif core in countries():
            name = True                                   # a country, in any case and place: Myanmar, mongolia
        elif not all_caps and _acronym(word):
            name = True                                   # an acronym: NATO, NATO's, CSTOs
        elif word[0].isupper() and not all_caps and not initial and not title_case:
            name = True                                   # capitalised in mid-sentence
        else:                                             # first word, Title Case, or lower case: by rarity
            z = zipf(core)
            if z is not None and z < COMMON_ZIPF:       # an inflection of a common word is common too
                z = max(z, zipf(_stem([core])[0]))
            name = z is not None and (z < RARE_ZIPF or (word[0].isupper() and not title_case and z < COMMON_ZIPF
                                                        and not _inflected(core)))
        if name:
            out.append(core)
    return out


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


def _acronym(word: str) -> bool:
    """NATO, NATO's, CSTOs: two capitals or more and no lower-case letter but a plural's s."""
    return sum(c.isupper() for c in word) >= 2 and re.sub(r"[’']s?$", "", word).rstrip("s").isupper()


def _is_stop(word: str) -> bool:
    return word in _stopwords()


def name_phrases(query: str) -> list[list[str]]:
    """The multiword names of `query`: runs of two or more adjacent capitalised words, none a stop word,
    an honorific (Mr Lavrov: the name is Lavrov) or a common word opening a sentence ("Did Lavrov")
    ("Central African Republic", "Beijing Olympics"), as the query spells them (possessive dropped), and the
    names of countries in several words in any case ("hong kong"), each a name of its own where a run of
    capitals holds one ("Central African Republic Russian instructors": the country, not "African Republic
    Russian"). Only those in a query in Title Case or capitals, where capitals say nothing."""
    matches = list(_WORD.finditer(query))
    named = _country_spans(matches, query)         # the countries of several words, (first, past last)
    content = [m.group() for m in matches if m.group()[:1].isalpha() and not _is_stop(_fold(m.group()))]
    if (len(content) >= 3 and all(w[0].isupper() for w in content)) or query.upper() == query:
        return [_spelt(matches, range(i, j)) for i, j in named]
    runs, run, end = [], [], None       # runs of capitalised words, as places in `matches`
    for i, m in enumerate(matches):
        word = m.group()
        gap = query[end or 0:m.start()].rstrip()
        initial = m.start() == 0 or gap[-1:] in _SENTENCE_END_CHARS
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
        if capital and run and joined and not re.search(r"[’']s?$", matches[run[-1]].group()):
            run.append(i)
        else:
            runs.append(run)
            run = [i] if capital else []
        end = m.end()
    runs.append(run)
    in_country = {k for i, j in named for k in range(i, j)}
    pieces = []         # each run without the countries in it, cut where one stood
    for run in runs:
        piece: list[int] = []
        for k in run + [-1]:
            if k in in_country or k < 0:
                if len(piece) > 1:
                    pieces.append(piece)
                piece = []
            else:
                piece.append(k)
    spans = sorted([(p[0], p) for p in pieces] + [(i, list(range(i, j))) for i, j in named])
    return [_spelt(matches, places) for _, places in spans]


def _spelt(matches: list, places) -> list[str]:
    """The words of `matches` at `places`, as the query writes them, a possessive dropped."""
    return [re.sub(r"[’']s?$", "", matches[k].group()) for k in places]


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


_PAIR = re.compile(r"(?<![\w\-‐‑–—])([^\W\d_][\w’']*)[\-‐‑–—]([^\W\d_][\w’']*)(?![\w\-‐‑–—])")


def _in_pair(query: str, m: re.Match) -> bool:
    """Whether the word `m` of `query` is a side of two words joined by a dash (_PAIR)."""
    return any(pair.start() <= m.start() < pair.end() for pair in _PAIR.finditer(query))


def name_pairs(query: str, names: list[str]) -> list[tuple[str, str, str]]:
    """Two names joined by a hyphen or dash, a relation between them ("the Belarus–Poland border", "EU-Russia
    dialogue"): (first, second, as the query writes the pair) for each pair whose two words are both `names`
    (folded). A hyphenated name ("Nagorno-Karabakh", "Finch-Saunders") is a pair too: its parts stand together
    wherever it is written."""
    out = []
    for m in _PAIR.finditer(query):
        a, b = (_fold(re.sub(r"[’']s?$", "", w)) for w in m.groups())
        if a in names and b in names and a != b and (a, b) not in [(x, y) for x, y, _ in out]:
            out.append((a, b, re.sub(r"[’']s?$", "", m.group())))
    return out


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


def names_missing(query: str, vocabulary: Vocabulary, docs=None, names: list[str] | None = None
                  ) -> tuple[list[str], int, frozenset]:
    """missing_names, and its soft words (folded): missing, but perhaps only named another way, so reported
    and never deciding an abstention (hard_missing): a capital whose country the documents name ("Yerevan":
    Armenia; "Nur-Sultan": Kazakhstan), and given names before a surname the documents give a person after a
    title ("Dmytro Kuleba": "Mr Kuleba"; but perhaps "Melania Trump": "President Trump")."""
    spelled, place = {}, {}
    for m in _WORD.finditer(query):
        spelled.setdefault(_fold(m.group()), m.group())
        place.setdefault(_fold(m.group()), m.start())
    names = query_names(query) if names is None else names
    joined: set[str] = set()
    lost = {core for core in names
            if vocabulary.find(core, docs, name=spelled.get(core, core)[:1].isupper()) is None
            and not (_acronym(spelled.get(core, "")) and vocabulary.spelled_out(core, docs))}
    # two words of the query that the documents write as one ("Sea-Lock", "Sea Lock": SeaLock; "Gear Works")
    words = list(_WORD.finditer(query))
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
    # a word in lower case one slip from a word of the documents ("varoa": varroa): perhaps mistyped
    soft |= {core for core in lost if spelled.get(core, "")[:1].islower() and vocabulary.slip(core, docs)}
    phrases: list[tuple[list[str], str]] = []
    countries_named: list[list[str]] = []       # a country's name of several words the documents write another way
    whole = set()       # a hyphenated capital: "Nur-Sultan", one name
    for m in _PAIR.finditer(query):
        written = re.sub(r"[’']s?$", "", m.group())
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
            continue        # "Joseph Borrell": the documents' "Josep Borrell", a given name one letter off
        if _surname(words, p, lost, vocabulary, docs):
            soft.update(words[:-1])     # "Dmytro Kuleba", "Narendra Modi": the documents call him Kuleba, Modi
            continue
        if vocabulary.named_country(words, docs):
            countries_named.append(words)       # "the Syrian Arab Republic": the documents' "Syria"
            continue
        two = len(words) == 2                               # a name of two words in either order: "Kosovo Serb"
        unnamed_gone = any(w not in names and vocabulary.find(w, docs) is None for w in words)   # "hong kong"
        if unnamed_gone or all(w in lost for w in words) or not any(
                vocabulary.has_phrase(words[i:i + 2], docs, either_order=two) for i in range(len(words) - 1)):
            phrases.append((words, " ".join(p)))
    for a, b, text in name_pairs(query, names):
        if (a in whole and b in whole) or {a, b} <= joined:
            continue
        acronyms = tuple(_acronym(w) for w in re.split(r"[\-‐‑–—]", text, maxsplit=1))
        if a not in lost and b not in lost and not vocabulary.together(a, b, docs, acronyms):
            phrases.append(([a, b], text))        # each there, never together: "the Belarus–Poland border"
    in_phrases = {w for words, _ in phrases for w in words} | {w for words in countries_named for w in words}
    found = [(place.get(core, 0), re.sub(r"[’']s?$", "", spelled.get(core, core)))
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


def hard_missing(missing: list[str], soft: frozenset) -> list[str]:
    """The `missing` terms (names_missing) not made only of its `soft` words: the ones that may decide."""
    return [t for t in missing if not all(_fold(w) in soft for w in _WORD.findall(t))]


def _given_alike(given: list[str], written: frozenset) -> bool:
    """Whether each of the query's `given` names (folded) is, or is one letter off, a given name the documents
    write before the surname (`written`: Vocabulary.given_names): Joseph, Josep."""
    return bool(written) and all(any(_distance(g, w, 1) <= 1 for w in written) for g in given)


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
        words = _WORD.findall(term)
        if len(words) >= 2 and all(vocabulary.find(_fold(w), docs) is None for w in words):
            return True
    return False


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
    gone = {_fold(w) for term in missing for w in _WORD.findall(term)}
    if vocabulary is not None:
        gone = {w for w in gone if vocabulary.find(w, docs) is None}
    units, seen = [], set()
    for run in name_phrases(query):      # its title aside: "President Bolsonaro" is Bolsonaro
        words = [w for w in (_fold(x) for x in run) if w in names and w not in seen and w not in TITLES | OFFICES]
        if words:
            units.append(words)
            seen.update(words)
    units += [[n] for n in names if n not in seen]

    def rarity(unit):
        return min(zipf(w) or 0.0 for w in unit)

    def is_slip(w):
        return (vocabulary is not None and not zipf(w) and vocabulary.slip(w, docs)
                and re.search(rf"(?<![\w'’]){re.escape(w)}(?![\w'’])", query) is not None)   # written in lower case
    least = min(rarity(u) for u in units)
    return any(all(w in gone for w in u) and not (len(u) == 1 and is_slip(u[0]))
               for u in units if rarity(u) == least)


def missing_terms(query: str, vocabulary: Vocabulary, docs=None, names: list[str] | None = None) -> list[str]:
    """The names in `query` (query_names, or `names` when given, and its multiword names) that no searched
    document (`docs`, None: all) mentions in any form, as the query spells them (possessive dropped), each
    missing word of a longer name shown as that name (whole_names)."""
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
