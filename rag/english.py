"""English word knowledge, no index: wordfreq frequencies, months, currencies, peoples' endings, titles before
a name, a sentence's start. What it leaves out: a document's words (vocabulary.py), a query's names (names.py)."""
from __future__ import annotations

import re
from functools import lru_cache

from .labels import OFFICES, TITLES
from .lexical import _stopwords
from .places import countries, country_forms

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
NAME_PREFIXES = ("euro", "anti", "pro", "post", "neo", "pan", "counter", "ex")   # put before a name: Euromaidan
MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                    "november", "december"})
CALENDAR = MONTHS | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
                     "yesterday", "tomorrow"}   # no given names
SHORT_MONTHS = frozenset({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})


# a currency's code and the words and sign English writes it with: a question's "USD" is the documents' "dollars",
# its "kroner" their "NOK 4.50" (the commonest currencies; others stay as written)
CURRENCIES = {
    "usd": ("dollar", "dollars", "$"), "eur": ("euro", "euros", "€"), "gbp": ("pound", "pounds", "sterling", "£"),
    "nok": ("krone", "kroner"), "dkk": ("krone", "kroner"), "sek": ("krona", "kronor"), "jpy": ("yen", "¥"),
    "cny": ("yuan", "renminbi"), "rmb": ("yuan", "renminbi"), "rub": ("rouble", "roubles", "ruble", "rubles", "₽"),
    "inr": ("rupee", "rupees", "₹"), "chf": ("franc", "francs"), "cad": ("dollar", "dollars"),
    "aud": ("dollar", "dollars"), "ngn": ("naira",), "uah": ("hryvnia", "hryvnias"),
}       # (not Turkey's TRY: "try" is an English word first)



_POSSESSIVE = re.compile(r"[’']s?$")


def without_possessive(word: str) -> str:
    """`word` without a possessive's ending: "NATO's", "Kazakhstan’s", "the members'" -> "NATO", "Kazakhstan",
    "the members"."""
    return _POSSESSIVE.sub("", word)

def currency_forms(word: str) -> tuple[str, ...]:
    """The other ways of writing the currency `word` (folded) names: a code's words and sign ("usd": "dollar",
    "dollars", "$"), a word's codes and the code's other words ("kroner": "nok", "dkk", "krone"); () for any other."""
    if word in CURRENCIES:
        return CURRENCIES[word]
    codes = tuple(code for code, names in CURRENCIES.items() if word in names)
    return tuple(dict.fromkeys([*codes, *(n for c in codes for n in CURRENCIES[c] if n != word)]))
FUNCTION_ZIPF = 5.5  # a word this frequent ("what", "about", "who") says nothing by its absence
QUESTION_WORDS = frozenset("when where who whom whose why how which what".split())     # the words that ask


# (TITLES and OFFICES, the words before a name, "Mr Kuleba", "Rt Hon Justin Trudeau", "the mayor", are the grammar
# of a label: labels.py, which parse.py reads too; Vocabulary.titled and speakers.py use them)
NOT_BEFORE_A_NAME = frozenset({"the", "right", "m", "general", "father", "sister", "principal", "officer", "coach",
                               "justice", "director", "deputy"})   # "General Assembly", "Deputy Minister"
TITLED_WORDS = frozenset((TITLES | OFFICES | {"reverend", "madam"}) - NOT_BEFORE_A_NAME)   # not names before one


# a figure in a query: thousands separators ("1,300": 1300), a decimal ("1.5"), a sum ("$45m", "1.2bn": 45, 1.2; not
# "3M", a name); read as one name, checked against the documents' figures (_other_forms: "1,300", "1.2 billion")
FIGURE = re.compile(r"(?<![\w.,])(?:(?P<grouped>\d{1,3}(?:,\d{3})+)|(?P<number>\d+(?:\.\d+)?))"
                    r"(?:(?P<unit>bn|mn|m|k|tn)\b)?(?![.,]?\d)(?!\w)")


# (a decimal without a unit, "2.34 billion", is read as before: its parts are counts, no name)
HONORIFICS = frozenset({"mr", "mrs", "ms", "mx", "dr", "sir", "madam", "prof"})   # not part of a name's run


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


@lru_cache(maxsize=1)
def _function_words() -> frozenset:
    """English's commonest words (wordfreq's, Zipf FUNCTION_ZIPF or more: what, which, about); none without it."""
    try:
        from wordfreq import top_n_list
    except ModuleNotFoundError:
        return frozenset()
    return frozenset(w for w in top_n_list("en", 500) if w.isalpha() and (zipf(w) or 0.0) >= FUNCTION_ZIPF)


def mistyped(word: str) -> bool:
    """Whether `word` (folded) is no common word itself but one letter dropped, added, changed or two swapped from
    one of English's commonest (_function_words): "wat", "waht", "wich" (what, which) opening a question."""
    return len(word) >= 3 and word.isalpha() and (zipf(word) or 0.0) < COMMON_ZIPF \
        and one_edit(word, _function_words())


def dictionary_name(word: str) -> bool:
    """Whether English's dictionary (simplemma's) takes the lower-case `word` for a name: it knows it only capitalised
    ("kaliningrad": Kaliningrad; "paris", "obama"), or not at all while nothing makes it an English word
    (``_english_made``: "merkel", "hezbollah", "gorbachev"; not "unspecified", "filmmaking", "recieved", "thats") and it
    is rarer than UNKNOWN_ZIPF ("gonna" is no name); wordfreq, which keeps no case, finds such names as common as English
    words. "tram", "diaspora", "rapprochement" it knows as words. False without simplemma."""
    try:
        import simplemma
    except ModuleNotFoundError:
        return False
    lemma = simplemma.lemmatize(word, lang="en")
    if lemma[:1].isupper() and not lemma.isupper():
        return not _slip(word)
    return not simplemma.is_known(word, lang="en") and (zipf(word) or 0.0) < UNKNOWN_ZIPF \
        and not _english_made(word, lambda w: simplemma.is_known(w, lang="en"))


def known_word(word: str) -> bool:
    """Whether English's dictionary (simplemma's) holds the lower-case `word` ("remote", "cancellation"; not "dunno",
    "mm"); True without simplemma (nothing to tell by)."""
    try:
        import simplemma
    except ModuleNotFoundError:
        return True
    return simplemma.is_known(word, lang="en")


UNKNOWN_ZIPF = 4.0     # a word the dictionary lacks this common is colloquial English ("gonna", "congrats"), no name
# what English puts before and after a word it knows to make another: "un|specified", "relat|able", "hipster|s"
_MADE_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "re", "pre", "mis", "over", "under", "out", "co", "de",
                  "anti", "counter", "super", "semi", "multi", "inter", "sub")
_MADE_SUFFIXES = ("ly", "ness", "able", "ible", "ably", "ing", "ings", "ed", "er", "ers", "s", "es", "ise", "ised",
                  "ises", "ising", "isation", "our", "ism", "ist", "ists", "ity", "ful", "less", "ment", "ments", "ish",
                  "ian", "ians", "an", "ans", "ic", "al")
_SHORT_STEMS = ("s", "es", "ed", "er", "ers", "ly", "ing")     # endings that may follow a stem of three letters


def _english_made(word: str, known) -> bool:
    """Whether `word` is made of English the dictionary (`known`) holds: an affix on a known word ("unauthorised",
    "relatable"), two known words of four letters or more run together ("voiceover", "eachother"), or a slip of a
    common word (_slip: "recieved", "thats")."""
    if any(word.startswith(p) and len(word) - len(p) >= 4 and known(word[len(p):]) for p in _MADE_PREFIXES):
        return True
    for end in _MADE_SUFFIXES:
        stem = word[:-len(end)]
        if word.endswith(end) and len(stem) >= (3 if end in _SHORT_STEMS else 4) and (
                known(stem) or known(stem + "e") or (stem[-1] == stem[-2] and known(stem[:-1]))
                or (stem.endswith("i") and known(stem[:-1] + "y"))):
            return True
    if any(word[:i] in _everyday() and word[i:] in _everyday() for i in range(4, len(word) - 3)):
        return True
    return _slip(word)


def _slip(word: str) -> bool:
    """Whether `word` is a contraction written without its apostrophe ("thats", "didnt") or, of seven letters or more,
    one letter off an everyday word ("recieved", "definately"; a shorter name is as often one off a word: "paris")."""
    return word in _unapostrophed() or (len(word) >= 7 and one_edit(word, _everyday()))


@lru_cache(maxsize=1)
def _everyday() -> frozenset:
    """wordfreq's 30,000 commonest English words of letters only; none without it."""
    try:
        from wordfreq import top_n_list
    except ModuleNotFoundError:
        return frozenset()
    return frozenset(w for w in top_n_list("en", 30000) if w.isalpha())


@lru_cache(maxsize=1)
def _unapostrophed() -> frozenset:
    """The commonest contractions written without their apostrophe: "thats", "didnt", "youre"."""
    try:
        from wordfreq import top_n_list
    except ModuleNotFoundError:
        return frozenset()
    return frozenset(re.sub(r"['’]", "", w) for w in top_n_list("en", 5000) if re.search(r"['’]", w))


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


@lru_cache(maxsize=1)
def _country_words() -> frozenset:
    """The last words of countries' names of several words ("britain" of Great Britain, "africa" of South Africa)."""
    return frozenset(form.split()[-1] for form in country_forms() if " " in form)


def _lemma(word: str) -> str | None:
    """The English lemma of a lower-case `word` (simplemma: "children" -> "child", "bought" -> "buy"), the word itself
    when it has none; None without simplemma (pip install simplemma)."""
    try:
        import simplemma
    except ModuleNotFoundError:
        return None
    return simplemma.lemmatize(word, lang="en").lower()


def _places_of(people: str) -> set[str]:
    """The names of places the people's name `people` may be made from (DEMONYMS): chinese -> chin, china, …"""
    out = set()
    for ends, places in DEMONYMS:
        for end in ends:
            if people.endswith(end) and len(people) - len(end) >= 3:
                base = people[:-len(end)]
                out.update(head + p for head in (base, base[:max(3, len(base) - 1)]) for p in places)
    return out
SENTENCE_OPENERS = frozenset('.!?:;"“(\n')     # what may stand before a sentence, spaces, quotes and brackets aside


def starts_sentence(text: str, i: int) -> bool:
    """Whether text[i:] opens a sentence: only spaces, quotes and brackets stand between it and the text's start or
    one of SENTENCE_OPENERS. Read backwards from i: a meeting names "Manager" in thousands of labels, and matching
    a pattern against all the text before each of them took a search naming the Project Manager 1.5 s."""
    j = i - 1
    while j >= 0:
        c = text[j]
        if c in SENTENCE_OPENERS:
            return True
        if not (c.isspace() or c in '"“('):
            return False
        j -= 1
    return True


def _stem(words: list[str]) -> list[str]:
    from .lexical import _stemmer

    s = _stemmer()
    return s.stemWords(words) if s else list(words)


def _acronym(word: str) -> bool:
    """NATO, NATO's, CSTOs: two capitals or more and no lower-case letter but a plural's s."""
    return sum(c.isupper() for c in word) >= 2 and without_possessive(word).rstrip("s").isupper()


def _is_stop(word: str) -> bool:
    return word in _stopwords()


def one_edit(word: str, have) -> bool:
    """Whether a word of `have` (four letters or more) is one letter dropped, swapped, changed or added from `word`."""
    return bool(one_edit_words(word, have))


def one_edit_words(word: str, have) -> set[str]:
    """The words of `have` (four letters or more) one letter dropped, swapped, changed or added from `word`."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
             | {a + c + b[1:] for a, b in splits if b for c in letters} | {a + c + b for a, b in splits for c in letters})
    return {e for e in edits if len(e) >= 4 and e != word and e in have}
