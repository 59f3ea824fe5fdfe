"""What a question asks for that a passage must hold to answer it: a count, and a keyword query's own words.

"How many CSTO peacekeepers were deployed to Kazakhstan?" is not answered by a passage that speaks of the CSTO
peacekeepers without a number: every name of the question is in the documents and near its words, so neither the
name rules (terms.py) nor the confidence can tell. A count question ("how many", "how much", "what number of",
"what percentage of", "what share of"; a measure, "what was the value / cost / price / volume / amount / size / total
of", when the question names a currency ("in dollars") or asks "the total of" things in the plural, else it may ask a
worth or speak figuratively: "the value of dialogue", "the size of the problem") names what it counts in the words
after it (up to its verb, preposition or "last year": "CSTO peacekeepers"); it is answered only where a number (digits, or a number word: "71",
"60,000", "several hundred", "five", "a dozen"; not a year, nor a date's day) stands in a sentence within COUNT_BEFORE words before one of those
words or COUNT_REACH after it ("71 countries", "more than 60,000 of our compatriots", "several hundred American,
British and other military advisors"). retrieve.py asks it of the best passages (as they are shown) when a search has a threshold.

A share ("what percentage of the work is complete") is given by any percentage or fraction in the passages. A sum of
money asked "how much did / will … cost, spend, pay, earn, invest, raise, lose, charge" (a degree otherwise: "how
much did trade grow") counts "money": a number near one of MONEY_WORDS (spent, cost, dollars, roubles, budget, …).
What it leaves out: dates, times and durations ("when", "on what date", "how much time": a transcript's answers are
as often "next week" or "after the elections"), names asked for ("which channels", "who"), numbers written as "a
few" or "many", and the kind of number (a sum asked in dollars is "given" by any number near the counted words):
those questions are answered or not as before.

A keyword query ("New START", "Astana format Syria", "package, not a menu": at most KEYWORD_WORDS words, at least two,
no "?", not opening with a question's or a request's word) asks where its words are said: a best passage that holds
them together, in order (case and punctuation aside), answers it whatever the confidence (`keyword_words`,
`holds_words`). A query whose words are not said so is answered or not as before; a name the documents never
mention still decides (terms.py).

A question about the questions ("What did the Japanese journalist ask about Kishida?", "Which broadcaster said its
Almaty office had been looted?", "… according to the journalist who asked", "the interviewer's question on …") asks
for the asker's words, which a Q&A keeps as its answers' context, not as passages (`asks_question`): retrieve.py then
quotes each exchange's question before its answer. The asker is the question's subject: an asker's noun (journalist,
reporter, correspondent, a newspaper, a broadcaster, …; or the index's own askers' labels, "Interviewer") right after
"what/which … did the", followed within a few words by a verb of saying or asking; or after "according to"; or
before "'s question". "How did Lavrov react when a journalist asked …" asks for the answer, and is left as it is;
so is "Who asked whether this was the right flat?" (who said it: a turn of a conversation, an answer's words).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .spelling import SCALES, TENS, UNITS
from .english import CALENDAR, SHORT_MONTHS, currency_forms

COUNT_BEFORE = 8    # words before a counted word within which its number may stand (in one sentence)
COUNT_REACH = 4     # and after it
NUMBER_WORDS = frozenset({*UNITS, *TENS} - {"zero"}) \
    | {w + s for w in (*SCALES, "trillion", "dozen") for s in ("", "s")} \
    | frozenset("half several twice thrice third thirds quarter quarters".split())
_AUXILIARIES = frozenset("is are was were be been do does did have has had will would can could should shall may "
                         "might must".split())     # "how much did it grow": a degree, no count of a thing
_PLURALS = frozenset("people children men women police personnel staff troops".split())
_PERCENT = re.compile(r"(?:\d[\d,.]*|\b[a-z]+(?:-[a-z]+)?)\s*(?:%|\bper\s?cent\b|\bpercent\b)"
                      r"|\b(?:half|third|thirds|quarter|quarters)\b", re.IGNORECASE)
# a measure asks a number when the question names a currency ("the value of trade in dollars"), or as "the total of"
# things counted in the plural ("the total of arrests"); else it may be a worth or a manner of speaking ("the value
# of dialogue", "the size of the problem", "the amount of pressure"): no count question
_CURRENCY = re.compile(r"\b(?:dollars?|euros?|roubles?|rubles?|yuan|pounds?|sterling|usd|eur)\b|[$€£]", re.IGNORECASE)
_STOPS = frozenset("a an the of our their its his her your my this that these those".split())
_WORD = re.compile(r"[^\W_][\w’'\-]*")
# the counted words: a few words after the asking phrase, up to a verb, preposition or the end of the clause
_ASK = re.compile(
    r"(?:\b(?:how\s+many|how\s+much|what\s+number\s+of|what\s+percentage\s+of|what\s+share\s+of)"
    r"|(?:\bwhat(?:[’']s|\s+(?:was|is|were|are|will\s+be))?\s+the\s+|^\s*(?:the\s+)?)(?P<measure>value|volume|amount|size|"
    r"cost|price|total)\s+of)\s+"
    r"(?P<what>(?:[^\W_][\w’'\-]*\s+){0,4}?[^\W_][\w’'\-]*?)"
    r"(?=\s+(?:are|is|were|was|did|do|does|have|has|had|will|would|can|could|should|in|on|at|of|for|to|from|by|"
    r"with|near|during|the|been)\b|\s+(?:last|this|next|every|per)\s|\s*[?.,;:!]|\s*$)", re.IGNORECASE)


# "how much did the programme cost?", "how much will Russia spend on it?": a sum of money, not a degree ("how much
# did trade grow?"); given by a number near a word of money or of the question's verb of money
MONEY_VERBS = "cost costs spend spent pay paid earn earned invest invested raise raised lose lost charge charged".split()
MONEY_WORDS = MONEY_VERBS + ("spending payment payments investment price budget sum dollar dollars euro euros rouble "
                             "roubles ruble rubles pound pounds yuan yen").split()
_MONEY = re.compile(r"\bhow\s+much\s+(?:money\s+)?(?:did|does|do|will|would|has|have|had|is|was|were|are)\b[^?.!]*?"
                    rf"\b(?:{'|'.join(MONEY_VERBS)})\b", re.IGNORECASE)


def _lifted(question: str) -> bool:
    """Whether "raised" is a passive whose thing is named: "how much will the dike be raised" (in height), not "how
    much was raised" nor "how much did the appeal raise" (money)."""
    m = re.search(r"\bhow\s+much\s+(.*?)\braised\b", question, re.IGNORECASE)
    words = m.group(1).lower().split() if m else []
    return any(w in _BE for w in words) and any(w not in _AUXILIARIES and w not in _BE for w in words)


_BE = frozenset("be been being is are was were".split())


def _comparative(word: str) -> bool:
    """Whether `word` is an adjective's or adverb's comparative (hotter, higher, better; not "water" nor "number",
    which English's lemmas leave as they are)."""
    from .english import _lemma, zipf

    low = word.lower()
    if low in _IRREGULAR:
        return True
    lemma = _lemma(low) if low.endswith("er") and len(low) > 3 else None
    # the lemma and the comparative's ending: long|er, late|r, happ|ier, hot|ter; an English word (not "calib" of
    # "caliber", "meag" of "meager")
    return bool(lemma) and lemma != low and (zipf(lemma) or 0.0) >= 3.0 \
        and low in (lemma + "er", lemma + "r", lemma[:-1] + "ier", lemma + lemma[-1:] + "er")


# comparatives simplemma leaves as they are (doubled consonants: hotter, bigger) or that are no lemma's ending
_IRREGULAR = frozenset([a + a[-1] + "er" for a in "big hot wet thin fat flat sad red fit slim dim mad glad grim".split()]
                       + ["better", "worse", "further", "farther", "more", "less"])


_HOW_MUCH = re.compile(r"\b(how)\s+(?:much|many)\b", re.IGNORECASE)
# a question's frame: how it asks, never what about (in lower case, or capitalised opening the query). Not "what",
# "when", "who" and the like, which passages say too ("when the dike was built"): left out as well, they cost the
# meetings' val 4 of 237 questions in the first five (R@5 0.582 -> 0.565) for +0.005 R@5 on the default sets
_FRAME = re.compile(r"\b(?:how|does|did|do)\b", re.IGNORECASE)


def without_frame(query: str) -> str:
    """`query` without its frame: "how", "does", "did", "do", and the "much" or "many" of "how much" / "how many": what
    BM25 looks for. They say how it is asked, not what about; in a few documents they are rare, so a short "Thank
    you very much." or "how our patients usually behave" scored highest for them."""
    query = _HOW_MUCH.sub(r"\1", query)

    def frame(m: re.Match) -> str:      # lower case, or opening the query ("Do Russia's …"; not "WHO")
        word, opening = m.group(), not query[:m.start()].strip()
        return " " if word.islower() or (opening and not word.isupper()) else word
    return _FRAME.sub(frame, query)


def _stem():
    from .lexical import _stemmer      # PyStemmer's, one per thread (it is not thread-safe): BM25's

    stemmer = _stemmer()
    return stemmer.stemWord if stemmer is not None else (lambda w: w)


def counted(question: str) -> tuple[str, list[str]] | None:
    """(the words a count question counts, as it writes them; their stems), or None for any other question:
    "How many CSTO peacekeepers were deployed?" -> ("CSTO peacekeepers", ["csto", "peacekeep"])."""
    m = _ASK.search(question)
    if not m:
        return None
    words = [w for w in _WORD.findall(m.group("what")) if w.lower() not in _STOPS and not w[0].isdigit()]  # a year
    if words and _comparative(words[0]) and re.match(r"how\s+much\b", m.group(0), re.IGNORECASE):
        return None         # "how much hotter is the city", "how much longer": a degree, as "how much did it grow"
    if not words or words[0].lower() in _AUXILIARIES:
        money = _MONEY.search(question)
        if money and not _lifted(question):     # "how much did it cost": a sum of money
            return "money", list(dict.fromkeys(map(_stem(), MONEY_WORDS)))
        return None         # "how much did it grow", "how much will the dike be raised": a degree, no count of a thing
    # the phrase ends at its first plural ("Ukrainians fled to Poland": Ukrainians; "CSTO peacekeepers"), not at a
    # possessive ("Russia's compatriots")
    plural = next((i for i, w in enumerate(words) if (w.lower().endswith("s") and not w.lower().endswith("ss")
                                                      and len(w) > 3 and not re.search(r"[’']s$", w))
                   or w.lower() in _PLURALS), None)
    if plural is not None:
        words = words[:plural + 1]
    measure = (m.group("measure") or "").lower()
    if measure and not _CURRENCY.search(question) and not (measure == "total" and plural is not None):
        return None
    if words[-1].lower() == "time":
        return None         # "how much (more) time", "the amount of time": a duration, left out with the dates
    stem = _stem()
    return " ".join(words), [stem(w.lower()) for w in words]


_MONTHS = CALENDAR | SHORT_MONTHS       # a number after one is a date's day, not a count


_YEAR_BEFORE = frozenset("in since by of from until till before after to between and or the early late mid".split())


def _counts(tokens: list[str]) -> list[bool]:
    """Which of `tokens` are numbers that count: digits or number words ("twenty-five"), not a year ("in 2014", "May
    2, 2014"; but "1800 peacekeepers" is a count) nor a date's day ("May 2")."""
    out = []
    for i, token in enumerate(tokens):
        t = token.lower().strip("’'")
        number = bool(re.fullmatch(r"\d[\d,.]*%?|\d+(?:st|nd|rd|th|s)?", t)) \
            or all(part in NUMBER_WORDS for part in t.split("-"))             # "twenty-five"
        before = tokens[i - 1].lower().rstrip(".") if i > 0 else ""
        dated = i > 1 and before[:1].isdigit() and tokens[i - 2].lower().rstrip(".") in _MONTHS     # May 2, 2014
        year = re.fullmatch(r"(?:18|19|20)\d\ds?", t) is not None and (before in _YEAR_BEFORE or before in _MONTHS
                                                                       or dated)
        day = t[:1].isdigit() and before in _MONTHS
        out.append(number and not year and not day)
    return out


def gives_count(text: str, stems: list[str]) -> bool:
    """Whether a sentence of `text` has a number at most COUNT_BEFORE words before a word of one of `stems` (a number
    leads its noun phrase: "several hundred American, British and other military advisors") or COUNT_REACH after
    it; a word counts as one of them by its stem or its first five letters (advisers, advisors)."""
    stem, wanted = _stem(), set(stems)
    # a currency counted by its name is counted by its code too ("how many kroner": "NOK 4.50"), and the reverse
    wanted |= {stem(f) for s in stems for f in currency_forms(s) if f.isalpha()}
    prefixes = {s[:5] for s in stems if len(s) >= 5 and s.isalpha()}     # not "nuclear-powered": "nuclear"
    if "time" in wanted and re.search(r"\b(?:twice|thrice)\b", text, re.IGNORECASE):
        return True         # "how many times": "the group has met twice" (two times)
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        tokens = _WORD.findall(sentence)
        counts = _counts(tokens)
        for i, token in enumerate(tokens):
            low = token.lower()
            if stem(low) in wanted or (len(low) >= 5 and low[:5] in prefixes):
                if any(counts[max(0, i - COUNT_BEFORE):i] + counts[i + 1:i + 1 + COUNT_REACH]):
                    return True
    return False


def count_check(question: str, texts: Iterable[str]) -> tuple[str, bool] | None:
    """For a count question none of whose `texts` gives its number: (what it counts, as it writes it; whether the
    first (best) text holds a number near another word of the question, counts_nearby: it may count the thing in
    other words, "140 employees" for "how many people work at Baltic Gearworks"). None for any other question or
    when a text gives the number (`texts` are read only for a count question, one by one). A share ("what
    percentage of", "what share of") is given by any percentage or fraction in them ("completed by 90 percent",
    "up one third"), wherever it stands."""
    asked = counted(question)
    if asked is None:
        return None
    share = re.search(r"\b(?:percentage|share)\s+of\b", question, re.IGNORECASE)
    first = None
    for t in texts:
        first = t if first is None else first
        if gives_count(t, asked[1]) or (share and _PERCENT.search(t)):
            return None
    return asked[0], first is not None and counts_nearby(first, question)


def count_missing(question: str, texts: Iterable[str], nearby: bool = True) -> str | None:
    """What a count question counts when none of `texts` gives that number (count_check), and, with `nearby`, the
    best text holds no number near its other words either; else None (also for a question that asks no count)."""
    checked = count_check(question, texts)
    return checked[0] if checked and not (nearby and checked[1]) else None


_ASKING = frozenset("many much number percentage share total value cost price amount size volume".split())


def counts_nearby(text: str, question: str) -> bool:
    """Whether a sentence of `text` holds a number that counts (_counts; not "one", "half", "several": _LOOSE) and
    a content word of `question` (by stem or its first five letters: three letters or more, no stop word nor one of
    English's commonest, no asking word, no number)."""
    from .lexical import _stopwords
    from .english import FUNCTION_ZIPF, zipf

    stem, stop = _stem(), _stopwords()
    wanted = {stem(w.lower()) for w in _WORD.findall(question) if len(w) >= 3 and w.isalpha()
              and w.lower() not in stop and w.lower() not in _ASKING and (zipf(w.lower()) or 0.0) < FUNCTION_ZIPF}
    prefixes = {w[:5] for w in wanted if len(w) >= 5 and w.isalpha()}     # (as gives_count: "employ", "employees")
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        tokens = _WORD.findall(sentence)
        numbers = [c and t.lower() not in _LOOSE for t, c in zip(tokens, _counts(tokens))]
        if any(numbers) and any(stem(t.lower()) in wanted or t.lower()[:5] in prefixes for t in tokens):
            return True
    return False


_LOOSE = frozenset("one half third thirds quarter quarters twice thrice several".split())   # "one of them": no count


KEYWORD_WORDS = 4   # the most words of a keyword query
_QUESTION_OPENING = re.compile(r"(?:what|who|whom|whose|which|when|where|why|how|did|does|do|is|are|was|were|can|"
                               r"could|should|would|will|has|have|had|according|tell|name|list|give|show|find|"
                               r"summari[sz]e|describe|explain)\b", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+")


def keyword_words(query: str) -> list[str] | None:
    """The words (lower case) of a keyword query, in order; None for a question or a request, one word, or stop
    words alone ("of the", "in the": said everywhere, they ask nothing)."""
    from .lexical import _stopwords

    words = [w.lower() for w in _TOKEN.findall(query)]
    if "?" in query or not 2 <= len(words) <= KEYWORD_WORDS or _QUESTION_OPENING.match(query.strip(" \"'“‘(")) \
            or all(w in _stopwords() for w in words):
        return None
    return words


def holds_words(words: list[str], text: str) -> bool:
    """Whether `text` says `words` together, in order (case and punctuation aside)."""
    said = [w.lower() for w in _TOKEN.findall(text)]
    n = len(words)
    return any(said[i:i + n] == words for i in range(len(said) - n + 1))


# who asks a Q&A's questions, as a question names them ("the Japanese journalist", "which broadcaster")
ASKER_NOUNS = frozenset("journalist journalists reporter reporters correspondent correspondents questioner questioners "
                        "interviewer interviewers broadcaster broadcasters newspaper newspapers outlet outlets channel "
                        "magazine".split())
# a media company, a news agency, a TV station: an asker's outlet in two words ("which media company said …"; not "the
# company", "the paper" alone, which are as often what the answer speaks of)
_MEDIA = frozenset("media news tv television radio broadcasting press".split())
_MEDIA_NOUNS = frozenset("company companies agency agencies network networks station stations group".split())
# what such an asker does in the question's words ("… ask", "… said", "… want to know", "… cite")
_ASKER_VERBS = frozenset("ask asks asked asking say says said saying tell tells told telling want wanted wants wanting "
                         "mention mentions mentioned cite cites cited citing raise raises raised raising inquire "
                         "inquired enquire enquired reported reporting quote quoted note noted claim "
                         "claimed describe described put wonder wondered question questioned pose posed refer "
                         "referred".split())
_BRINGING = frozenset("bring brings brought bringing".split())     # "… brought up …" (not "bringing Russians home")
# a question about the asking itself: "who asked (Lavrov) about …", "did anyone ask about …", "was Lavrov asked about
# …" (not "who asked for …", a request, nor "who asked whether …", a turn of a conversation)
_ASKED = frozenset("ask asks asked inquire inquired enquire enquired".split())     # (not "did the company raise …")
_SOMEONE = frozenset("anyone anybody someone somebody".split())
_OPENERS = frozenset("what which how why who whom".split())
# words of an answer: before the asker's noun, the question asks for the answer ("Lavrov's answer to the journalist's
# question", "the response to the reporter's question")
_ANSWERING = frozenset("answer answers answered answering response responses respond responded reply replies replied "
                       "react reacted reaction tell told".split())
_DETERMINERS = frozenset("the a an that this one".split())
ASKER_REACH = 6     # words after the asker's noun within which its verb stands ("the reporter from a Nordic country ask")


def asks_question(query: str, askers=()) -> bool:
    """Whether `query` asks what a Q&A's asker asked or said (see the module's docstring); `askers`: the labels of
    the index's askers ("Interviewer", "Jonas Weber"), whose words count as asker nouns too."""
    words = [w.lower().replace("’", "'") for w in re.findall(r"[^\W_][\w’'-]*", query)]
    words = [w[:-2] if w.endswith("'s") else w for w in words]
    words = ["outlet" if w in _MEDIA_NOUNS and i and words[i - 1] in _MEDIA else w for i, w in enumerate(words)]
    from .english import HONORIFICS, _is_stop

    # (not a label's "Question", "Q", nor a title: "Mr" of "Mr. Smith" would make "what did Mr Lavrov say" his; nor a
    # function word: "the" of "The CHAIR" or "Question From the Audience" made every "What should … the …" a question
    # about what was asked, each document's exchanges quoted first)
    named = {w.lower() for a in askers for w in _TOKEN.findall(a) if not _is_stop(w.lower())} \
        - {"question", "questions", "q"} - HONORIFICS
    nouns = ASKER_NOUNS | named
    if len(words) < 3:
        return False
    if any(words[i:i + 2] == ["according", "to"] and any(w in nouns for w in words[i + 2:i + 6])
           for i in range(len(words))):
        return True     # "… according to the journalist who asked"
    asked = next((i for i, w in enumerate(words) if w in ("question", "questions")), 0)
    if re.search(r"(?:\b|^)[\w-]+['’]s\s+questions?\b", query.lower()) and \
            any(w in nouns for w in words[:asked]) and not _ANSWERING & set(words[:asked]):
        return True     # "the interviewer's question on …" (not "Lavrov's answer to the journalist's question")
    if words[0] == "who" and words[1] in ("asked", "asks") and "about" in words[2:5]:
        return True     # "who asked Lavrov about his 'political Kama Sutra' remarks?"
    if words[0] == "who" and words[1] in _BRINGING and "up" in words[2:4]:
        return True     # "who brought up the sake and vodka?"
    if words[0] in ("did", "has", "have") and (words[1] in _SOMEONE or words[1] in nouns or (
            words[1] in _DETERMINERS | {"any"} and words[2] in nouns)) and _ASKED & set(words[2:4]):
        return True     # "did anyone ask Lavrov about cancel culture?", "did a journalist ask about …"
    if words[0] in ("was", "were") and "asked" in words[1:4] and "about" in words[2:7]:
        return True     # "was Lavrov asked about cancel culture?"
    if words[0] not in _OPENERS:
        return False
    if words[1] in ("question", "questions") and words[2] in _ASKER_VERBS:
        return True     # "which question mentioned Bogdanov's trip to Erbil?"
    # the asker's noun opens the question's subject: "which broadcaster said …", "what did the Mir TV journalist ask",
    # an asker's own name ("what did Jonas Weber ask"; not "what did Lavrov tell the journalist who asked")
    if words[1] in nouns:
        first, last = 1, 2
    elif words[2] in nouns and words[1] not in _AUXILIARIES | _DETERMINERS | _OPENERS:
        first, last = 2, 3     # "which media company said …", "which Japanese reporter asked …"
    elif words[1] in _AUXILIARIES and words[2] in _DETERMINERS:
        first, last = 3, 7
    elif words[1] in _AUXILIARIES and words[2] in named:
        first, last = 2, 5
    else:
        return False
    at = next((i for i in range(first, min(last, len(words))) if words[i] in nouns), None)
    # (the noun of the subject itself: no second noun phrase before it, "what did the minister tell the journalist
    # who asked", "how did the minister answer the journalist who asked")
    if at is None or _DETERMINERS & set(words[first:at]) or (_ANSWERING | _ASKER_VERBS) & set(words[first:at]):
        return False
    after = words[at + 1:at + 2 + ASKER_REACH]      # (one word more: the "up" of "brought up")
    return any(w in _ASKER_VERBS or (w in _BRINGING and after[i + 1:i + 2] == ["up"])
               for i, w in enumerate(after[:ASKER_REACH]))
