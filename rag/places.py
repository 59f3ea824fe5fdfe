"""The world's countries by every name a query or a document may use (one idea: places, from two tables).

- ``countries``, ``country_phrases``: pycountry's ISO 3166 names, current and former, one word or several
  ("mongolia", "burma"; "hong kong"): a country is a name in any case and place of a query.
- ``country_forms``: countryinfo's names, capital, demonym and other spellings of each country, all standing
  for one another (one side of a dash pair: "UK-Ukraine" is "the Brits … in Ukraine").
- ``country_names``: a country's other names alone ("USA": United States; "Burma": Myanmar), never a formal
  name ("Republic of …", "People's …") or one inside another country's ("Republic of China", Taiwan's, is in
  "People's Republic of China"), a demonym or a two- or three-letter code.
- ``capitals``: a capital -> its country's names ("yerevan": Armenia); terms.py treats a capital found only
  through its country as a soft missing name.

Each table is read once (lru_cache; about 0.3 s for pycountry, 0.1 s for countryinfo) and is empty without its
package. Left out: regions, former capitals (Alma-Ata), cities that are not capitals, other languages' names.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

__all__ = ["FORMAL", "capitals", "countries", "country_forms", "country_names", "country_words", "peoples",
           "country_phrases"]


@lru_cache(maxsize=1)
def country_words() -> tuple[tuple[str, ...], ...]:
    """Every country's name and common name, current and former (pycountry's ISO 3166 tables), as its case-folded
    words, the part before a comma ("Korea, Republic of": korea); none without pycountry."""
    try:
        import pycountry
    except ModuleNotFoundError:
        return ()
    out = set()
    for table in (pycountry.countries, pycountry.historic_countries):
        for country in table:
            for attribute in ("name", "common_name"):
                words = (getattr(country, attribute, None) or "").split(",")[0].lower().split()
                if words and all(re.fullmatch(r"[^\W\d_]+", w) for w in words):
                    out.add(tuple(words))
    return tuple(sorted(out))


@lru_cache(maxsize=1)
def countries() -> frozenset:
    """The one-word names of countries, case folded ("mongolia", "vietnam", "burma"): such a word is a name in any
    case and place of a query ("Myanmar military government", "russia and mongolia"), where wordfreq finds it too
    common to tell by rarity. Empty without pycountry."""
    return frozenset(words[0] for words in country_words() if len(words) == 1)


@lru_cache(maxsize=1)
def country_phrases() -> frozenset:
    """The names of countries in several words, each word case folded: ("hong", "kong"), ("saudi", "arabia"): a
    name in any case ("hong kong national security law"), where capitals cannot tell it; also countryinfo's other
    names of several English words, not a formal one ("ivory coast", "cape verde", "great britain"). Empty without
    pycountry and countryinfo."""
    others = {tuple(name.split()) for names, _, _ in _countryinfo() for name in names
              if " " in name and not FORMAL.search(name) and re.fullmatch(r"(?!the )[a-z]{2,}(?: [a-z]{2,}){1,2}", name)}
    return frozenset(words for words in country_words() if len(words) > 1) | frozenset(others)


@lru_cache(maxsize=1)
def _countryinfo() -> tuple[tuple[frozenset, frozenset], ...]:
    """Per country, (its names: name and other spellings in Latin letters; its capital; its demonyms), case
    folded, from countryinfo's tables; none without countryinfo."""
    try:
        from countryinfo import all_countries
    except ModuleNotFoundError:
        return ()

    def latin(names):
        return frozenset(n.lower() for n in names if n and re.fullmatch(r"[A-Za-z][A-Za-z .'-]*[A-Za-z]", n)
                         and "," not in n and len(n.split()) <= 3)
    out = []
    for country in all_countries():
        try:
            capital = " ".join(w for w in (country.capital() or "").split() if "." not in w)   # Washington D.C.
            out.append((latin([country.name(), *country.alt_spellings()]), latin([capital]), latin([country.demonym()])))
        except Exception:  # noqa: BLE001 - a country whose table lacks a field ("Antarctica")
            continue
    return tuple(out)


@lru_cache(maxsize=1)
def peoples() -> dict[str, frozenset]:
    """Every country's people's name (countryinfo's demonyms, case folded, one word: "austrian", "swiss", "french",
    those of several countries too) -> the names of its countries ("swiss": switzerland, …); empty without
    countryinfo."""
    out: dict[str, frozenset] = {}
    for names, _, demonym in _countryinfo():
        for people in demonym:
            if " " not in people:
                out[people] = out.get(people, frozenset()) | names
    return out


@lru_cache(maxsize=1)
def country_forms() -> dict[str, frozenset]:
    """Each way of naming a country (case folded: its name, capital, demonym, other spellings: "uk", "great
    britain", "british", "london") -> all of them: one side of a pair ("UK-Ukraine") may be written another way
    ("the Brits are building bases in Ukraine"). Empty without countryinfo."""
    out: dict[str, frozenset] = {}
    for names, capitals, demonyms in _countryinfo():
        forms = names | capitals | demonyms
        for form in forms:
            out[form] = out.get(form, frozenset()) | forms
    return out


FORMAL = re.compile(r"\b(?:republic|kingdom|states?|federation|commonwealth|principality|emirate|union|duchy|"
                    r"confederation|territory) of\b|people's|democratic")   # a country's formal name, as a part of others'


@lru_cache(maxsize=1)
def demonyms() -> dict[str, frozenset]:
    """Each name of a country (case folded, as country_forms has them) -> its demonyms: "canada" -> "canadian". A
    text that speaks of "the Canadians" speaks of Canada. Only a demonym of one country: "French" is Réunion's and
    Martinique's too, "Chinese" Hong Kong's. Empty without countryinfo."""
    table = _countryinfo()
    shared = Counter(people for _, _, demonym in table for people in demonym)
    out: dict[str, frozenset] = {}
    for names, _, people in table:
        own = frozenset(x for x in people if shared[x] == 1)
        for name in names:
            out[name] = out.get(name, frozenset()) | own
    return out


@lru_cache(maxsize=1)
def country_names() -> dict[str, frozenset]:
    """Each name of a country (its name and other spellings, case folded) -> its other names of four letters
    or more: "USA" is "United States", "UK" "United Kingdom", "Burma" "Myanmar". No capital (capitals()), no
    demonym (Hong Kong's is "Chinese") and no two- or three-letter code (Belarus's is "BY") stands for a
    country here, nor a formal name or one within another country's ("Republic of China", Taiwan's, is in
    "People's Republic of China"; "Korea")."""
    return _other_names()[0]


@lru_cache(maxsize=1)
def capitals() -> dict[str, frozenset]:
    """Each capital (case folded: "yerevan", "nur-sultan") -> its country's names (as country_names). A capital
    may stand for its country ("the frontier between Yerevan and Baku", "Nur-Sultan called in CSTO troops")
    or name an event there ("the Paris climate agreement", "the Tokyo Olympics"): a capital found only
    through its country is a soft missing name (terms.names_missing), reported but deciding nothing."""
    return _other_names()[1]


@lru_cache(maxsize=1)
def _other_names() -> tuple[dict[str, frozenset], dict[str, frozenset]]:
    table = _countryinfo()
    within: dict[str, set] = {}     # each run of words of a name -> the countries with a name holding it
    for i, (names, _, _) in enumerate(table):
        for m in names:
            w = m.split()
            for a in range(len(w)):
                for b in range(a + 1, len(w) + 1):
                    within.setdefault(" ".join(w[a:b]), set()).add(i)

    def inside_another(n: str, i: int) -> bool:   # "korea" in "north korea"; "republic of china" in China's
        return bool(within.get(n, set()) - {i})
    out: dict[str, frozenset] = {}
    of_capital: dict[str, frozenset] = {}
    for i, (names, capital, _) in enumerate(table):
        others = frozenset(n for n in names if len(n) >= 4 and not inside_another(n, i) and not FORMAL.search(n))
        for name in names:
            out[name] = out.get(name, frozenset()) | (others - {name})
        for name in capital:
            of_capital[name] = of_capital.get(name, frozenset()) | others
    return out, of_capital
