"""How a word may be written otherwise (one idea: spellings, not a vocabulary): British and American spellings, a
number with or without its separators or in words, a word without its accents or with its letters spelled out,
words run together or apart, a name's spelling skeleton and two letters swapped, the edit distance. Plain string
functions; vocabulary.Vocabulary asks them of the documents' words, terms.py of a query's. What it leaves out: which
of the forms the documents hold (vocabulary.py), and other languages' spelling rules."""
from __future__ import annotations

import re
import unicodedata

_VOWELS = set("aeiouyw")


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
    plain = without_accents(w)
    out: list[str] = [plain] if plain != w else []
    for a, b in (("iz", "is"), ("yz", "ys")):
        out += [w.replace(a, b), w.replace(b, a)]
    stem, plural = (w[:-1], "s") if w.endswith("s") and not w.endswith("ss") else (w, "")    # centers, centres
    for a, b in (("ense", "ence"), ("or", "our"), ("er", "re"), ("og", "ogue")):
        if stem.endswith(a):
            out.append(stem[:-len(a)] + b + plural)
        elif stem.endswith(b):
            out.append(stem[:-len(b)] + a + plural)
    if len(w) >= 6 and w[0] in "ck":       # a transliteration's first letter: Capodistrias, Kapodistrias
        out.append({"c": "k", "k": "c"}[w[0]] + w[1:])
    return [f for f in dict.fromkeys(out) if f != w]


# a number with thousands separators ("1,200", "2 340" with a narrow or no-break space): also held as "1200"; a
# decimal ("1.2 billion") as "1.2"
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f\u2009]\d{3})+(?![\d])")


_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d+(?![\d.,]?\d)")


# words joined by a hyphen ("Covid-19"), or two capitalised words ("Nord Stream", "New START"): also held joined
_COMPOUND = re.compile(r"(?<![\w\-])[^\W_]+(?:[\-‐‑][^\W_]+)+(?![\w\-])"
                       r"|(?<![\w\-])[A-Z]\w+[ \t][A-Z]\w+(?![\w\-])")


def without_accents(word: str) -> str:
    """`word` without accents (gdańsk: gdansk, ålesund: alesund): its letters decomposed (NFKD), the marks dropped."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())}


TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}


SCALES = {"hundred": 100, "thousand": 1000, "million": 10 ** 6, "billion": 10 ** 9}


_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True)) + r")\b")


def _spelled_numbers(low: str) -> list[str]:
    """Runs of two number words or more in the lower-case text `low`, joined by spaces, hyphens or "and"."""
    runs, run, end = [], [], -1
    for m in _NUMBER_WORD.finditer(low):
        if run and re.fullmatch(r"[ \t\-]+(?:and[ \t]+)?", low[end:m.start()]):
            run.append(m.group())
        else:
            if len(run) > 1:
                runs.append(run)
            run = [m.group()]
        end = m.end()
    return [" ".join(r) for r in runs + ([run] if len(run) > 1 else [])]


def _spelled_value(words: list[str]) -> int | None:
    """The value of number words ("two thousand": 2000, "twenty-five": 25, "three hundred and fifty": 350)."""
    total, current = 0, 0
    for w in words:
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in SCALES:
            total, current = total + max(current, 1) * SCALES[w], 0
    return total + current or None


def _other_forms(text: str) -> dict[str, tuple[str, bool]]:
    """The forms a query may write of words that `text` writes otherwise (folded) -> (as the text writes them,
    whether two capitalised words run together): a number without its thousands separators (1200: "1,200"), a
    decimal (1.2: "1.2"), a number in words of two or more (2000: "two thousand"), a word without accents (Gdansk: "Gdańsk"), hyphenated words or a pair of capitalised
    words run together (covid19: "Covid-19"; Nordstream: "Nord Stream"; NewSTART: "New START")."""
    out: dict[str, tuple[str, bool]] = {}
    for m in _GROUPED.finditer(text):
        out.setdefault(re.sub(r"\D", "", m.group()), (m.group(), False))
    for m in _DECIMAL.finditer(text):
        out.setdefault(m.group(), (m.group(), False))
    low = text.lower()
    for words in _spelled_numbers(low):         # "two thousand eggs": 2000
        value = _spelled_value(words.split())
        if value:
            out.setdefault(str(value), (words, False))
    for m in _COMPOUND.finditer(text):
        written = m.group().lower()
        out.setdefault(re.sub(r"[\s\-‐‑]", "", written), (written, not re.search(r"[\-‐‑]", written)))
    for w in set() if low.isascii() else set(re.findall(r"[^\W\d_]*[^\x00-\x7f][^\W\d_]*", low)):
        for plain in dict.fromkeys(without_accents(w.translate(table)) for table in _SPELLED_OUT):   # ålesund: alesund, aalesund
            if plain.isascii() and plain.isalpha() and plain != w:
                out.setdefault(plain, (w, False))
    return out


# letters English writes out two ways: without their mark, or as their languages spell them without it (Ålesund:
# Alesund, Aalesund; Müller: Muller, Mueller; Ørsted: Orsted, Oersted); ø, æ, ß, ł have no accent to drop
_SPELLED_OUT = (str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "þ": "th"}),
                str.maketrans({"å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ø": "oe", "æ": "ae", "œ": "oe", "ß": "ss",
                               "ł": "l", "đ": "d", "þ": "th"}))


def _plural(a: str, b: str) -> bool:
    """Whether one of `a`, `b` is the other's plural in -ies ("Democracies", "democracy")."""
    return (a.endswith("ies") and b == a[:-3] + "y") or (b.endswith("ies") and a == b[:-3] + "y")


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
