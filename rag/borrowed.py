"""Words other languages write as English does, about as often: names and borrowed terms (one idea).

"merkel", "gazprom", "hezbollah", "brasil", "junta", "doping", "ransomware": in lower case, and too common in
English to be called rare (wordfreq's Zipf 2.0 to 4.0), nothing tells them from "diaspora"'s everyday neighbours
("harassed", "organisations") but this: German, French, Spanish, Italian, Portuguese, Dutch, Polish and Swedish text
uses them as well, spelt alike and about as often (at least three of those eight languages within SPREAD of
English's frequency), where an English word ("meddling", "waging", "garrisons") is English's alone or much rarer
elsewhere. names.py takes such a word, in lower case or opening a question, for a name (unless English inflects
it or makes an adjective of it: "absurd"), and retrieve.py names it when the documents lack it but lets it weigh
nothing: as often as it names what they never mention ("merkel") it is the question's word for what they call
otherwise ("tram": streetcar; "diaspora": compatriots).

The list (``WORDS``, one word a line) is made once from wordfreq's tables by ``python -m rag.borrowed``: the eight
languages' tables take 300 MB and a second to load, the list 128 kB and a few milliseconds. wordfreq's data is
CC BY-SA 4.0 (Robyn Speer, https://github.com/rspeer/wordfreq); so is this list, made from it.

What it leaves out: words of other scripts, two-letter words, names English writes more than four times as often
as the others do ("kharkiv", "belgrade", "taliban"), and which languages a word is borrowed into (a name of three
of them counts as one of eight).
"""
from __future__ import annotations

from functools import lru_cache

from .paths import DATA, word_list

__all__ = ["HIGHEST", "LANGUAGES", "LOWEST", "SHARED", "SPREAD", "WORDS", "borrowed", "borrowed_words"]

WORDS = DATA / "borrowed-words.txt"
LANGUAGES = ("de", "fr", "es", "it", "pt", "nl", "pl", "sv")
LOWEST, HIGHEST = 2.0, 4.0   # English Zipf frequencies looked at: rarer is a name anyway (terms.RARE_ZIPF), commoner
                             # a word everyone borrows from English ("logo", "software", "hotel")
SPREAD = 0.35                # the third most frequent of LANGUAGES at most this far below English
SHARED = 3                   # how many of LANGUAGES must use it so


@lru_cache(maxsize=1)
def _words() -> frozenset:
    return word_list(WORDS)


def borrowed(word: str) -> bool:
    """Whether `word` (case-folded) is in the shipped list: a name or term other languages write and use alike."""
    return word in _words()


def borrowed_words() -> list[str]:
    """The list, made from wordfreq's tables (its English words from HIGHEST down to LOWEST, alphabetic, three
    letters or more), in wordfreq's order."""
    from wordfreq import iter_wordlist, zipf_frequency
    out = []
    for word in iter_wordlist("en"):
        english = zipf_frequency(word, "en")
        if english >= HIGHEST:
            continue
        if english < LOWEST:
            break
        if len(word) < 3 or not word.isalpha():
            continue
        others = sorted((zipf_frequency(word, lang) for lang in LANGUAGES), reverse=True)
        if others[SHARED - 1] >= english - SPREAD:
            out.append(word)
    return out


def _header() -> str:
    from importlib.metadata import version
    return (f"# words other languages write as English does (rag/borrowed.py), from wordfreq {version('wordfreq')}'s "
            "tables (CC BY-SA 4.0)\n")


if __name__ == "__main__":      # python -m rag.borrowed: write the list again
    part = WORDS.with_suffix(".part")
    part.write_text(_header() + "\n".join(borrowed_words()) + "\n", encoding="utf-8")
    part.replace(WORDS)
    print(f"wrote {WORDS}")
