"""Which language a question or a document is written in, from how common its words are in each (wordfreq's word
frequencies): enough to say that a question in German asked of an English transcript is looked for word by word,
instead of listing its German words as names the transcript never mentions.

What it leaves out: languages outside LANGUAGES, mixed-language text (the language most of its words are common in
wins), and any translation: a question is still searched as it is written.
"""
from __future__ import annotations

from functools import lru_cache
import re

# the languages told apart, with their names for the notice (wordfreq has each; the tables load on first use, read
# only for a question most of whose words the documents lack: _frequency)
LANGUAGES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
             "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish", "sv": "Swedish", "tr": "Turkish"}
COMMON = 3.0        # a word this common (Zipf) in a language is one of its everyday words
MARGIN = 1.0        # ... and this much commoner there than in any other to vote for it
_WORD = re.compile(r"[^\W\d_]{2,}")


@lru_cache(maxsize=1)
def _frequency():
    """wordfreq's Zipf frequency over its "small" lists for the other languages (each one's commonest words: read in
    0.2 s, 54 MB; its "best" lists took 4 s and 474 MB, for the same everyday words), its "best" one for English
    (loaded already: english.zipf), so that a rare English word ("orban", "dor" of a typo) is not taken for none."""
    try:
        from wordfreq import zipf_frequency
    except ModuleNotFoundError:
        return None
    return lambda word, code: zipf_frequency(word, code, wordlist="best" if code == "en" else "small")


@lru_cache(maxsize=8192)
def _vote(word: str) -> str | None:
    """The language `word` is an everyday word of, well ahead of the others; None for a word common in several (a
    name, "la", "was") or in none."""
    f = _frequency()
    if f is None:
        return None
    scores = sorted(((f(word, code), code) for code in LANGUAGES), reverse=True)
    (best, code), (second, _) = scores[0], scores[1]
    return code if best >= COMMON and best >= second + MARGIN else None


def language_of(text: str, at_least: int = 2) -> str | None:
    """The language of LANGUAGES most of `text`'s words vote for (_vote), given `at_least` votes and more than any
    other language's; another than English only with two votes more than English has (an English question naming
    "La Repubblica" or "Die Welt and Der Spiegel" is English: "and", "Did", "or" vote for it); None when undecided or
    without wordfreq."""
    votes: dict[str, int] = {}
    for word in _WORD.findall(text.lower()):
        code = _vote(word)
        if code:
            votes[code] = votes.get(code, 0) + 1
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    code, n = ranked[0]
    if code != "en" and n < votes.get("en", 0) + 2:
        return None
    return code if n >= at_least and (len(ranked) == 1 or n > ranked[1][1]) else None


def foreign_word(word: str) -> bool:
    """Whether a word in lower case is an everyday word of another language than English, and far commoner there
    (by 2 on the Zipf scale or more): the "über" and "und" of "What did Lavrov say über Deutschland und die
    Ukraine?", no rare term the documents lack; not "bitcoin", as common in English as anywhere."""
    f = _frequency()
    if f is None or not word.islower() or not _WORD.fullmatch(word):
        return False
    english = f(word, "en")
    return any(f(word, code) >= COMMON and f(word, code) >= english + 2 for code in LANGUAGES if code != "en")


def everyday(word: str, code: str) -> bool:
    """Whether `word` is an everyday word (COMMON or commoner) of the language `code`."""
    f = _frequency()
    return f is not None and f(word, code) >= COMMON


def own_word(word: str, code: str) -> bool:
    """Whether `word` is an everyday word of the language `code` and no English one: COMMON or commoner there, and
    MARGIN commoner than in English ("sagte", "quel", "montant"; not the names every language writes, "Merkel",
    "Trump", "Paris", nor "tramway")."""
    f = _frequency()
    return f is not None and f(word, code) >= max(COMMON, f(word, "en") + MARGIN)


def name(code: str) -> str:
    return LANGUAGES.get(code, code)
