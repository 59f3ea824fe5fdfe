"""Example questions for the landing page of an index that has no questions of its own to offer (a meeting, an
interview without a question label, a report): each of the speakers who say the most, on a topic they raise.

``topic_questions`` gives "Project Manager on remote controls", "Dr David Blaney on governing bodies" (the "speaker on
topic" form needs no article before a role label, "the Project Manager", nor before a name); where no paragraph has a
speaker, "What does the document say about childcare sufficiency?". A topic is the speaker's phrase of two words (or
word) that they say twice or more and that the rest of the index uses least (tf × idf over paragraphs),
made of everyday-to-rare English words (english.zipf between TOPIC_ZIPF), no stop word, no filler ("mm-hmm"), no
word of a speaker's label, shown as the documents most often write it ("Christa Pavlov"). Each example asks its own
topic. What it leaves out: checking that a search finds the example (it is the speaker's own words, so it does).

An interview's own questions are offered only where they stand on their own (``self_contained``): an interviewer's
"And the fish market roof?" or "What do you make of that?" leans on what was said before it, and a room that clicks it
reads a question about nothing. Of an index of several documents, each kind gets its turn (``interleave``).
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

EXAMPLE_COUNT = 4
TOPIC_ZIPF = (1.5, 4.8)     # rarer is a typo or a name read in lower case; commoner says nothing ("okay", "ahead")
PHRASE_ZIPF = 5.5           # a word of a phrase may be commoner ("remote control"; not "really", "things": 5.6 up)
TOPIC_MIN = 2               # the times the speaker (or the documents) must say a topic
READ_AT_MOST = 5000         # paragraphs read (the first ones): the page of a large index comes up as fast
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")      # "wasn't" one word (and never a topic: fits)
# a question that goes on from the one before it: "And the fish market roof?", "So what would it be?"
_GOES_ON = re.compile(r"^\W*(?:and|so|but|or|also|then|well|plus)\b", re.IGNORECASE)
# a word that points back at what was said before ("Is it funded?"), and one that does when nothing follows it ("What do
# you make of that?", not "this year")
_POINTS_BACK = frozenset("it its they them their theirs he him his she her hers".split())
_BARE_WHEN_ALONE = frozenset("this that these those".split())
_VERBS_AFTER = frozenset("is was are were will would can could does did do has have had should might may must".split())
# no topic: "Tomas Berg on above stall" (the board meeting's "above stall nine", said twice)
PREPOSITIONS = frozenset("""about above across after against along among around before behind below beneath beside
    besides between beyond during inside near onto outside over since through throughout toward towards under
    underneath until upon within without""".split())
LEANING_WORDS = 8       # a question this short with a word pointing back asks about what came before it
SHORT_QUESTION = 4      # words: "What happened in 2011?" says too little alone; offered after the others


def self_contained(question: str) -> bool:
    """Whether an interviewer's question stands on its own as an example: it does not open by going on from the one
    before ("And …", "So …", "But …"), nor is it a short one (LEANING_WORDS) with a bare reference back ("it", "they",
    "that" with nothing after it, or a verb before it: "is that something Ofwat could require?")."""
    if _GOES_ON.match(question):
        return False
    tokens = re.findall(r"[\w’'-]+|[^\w\s]", question)
    words = [t for t in tokens if t[:1].isalnum()]
    if len(words) > LEANING_WORDS:
        return True
    for i, token in enumerate(tokens):
        low = token.lower()
        after = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        before = tokens[i - 1].lower() if i else ""
        # ("is that something Ofwat could require?": "that" the subject after its verb points back as well)
        if low in _POINTS_BACK or (low in _BARE_WHEN_ALONE and (not after[:1].isalnum() or after in _VERBS_AFTER
                                                                 or before in _VERBS_AFTER)):
            return False
    return True


def short(question: str) -> bool:
    """A question of SHORT_QUESTION words or fewer ("What happened in 2011?"): offered after the longer ones."""
    return len(_WORD.findall(question)) + len(re.findall(r"\d+", question)) <= SHORT_QUESTION


def interleave(groups: list[list[str]], count: int = EXAMPLE_COUNT) -> list[str]:
    """The first of each group, then the second of each, …: `count` at most, none twice."""
    out: list[str] = []
    for row in range(max(map(len, groups), default=0)):
        for group in groups:
            if row < len(group) and group[row] not in out:
                out.append(group[row])
    return out[:count]


def topic_questions(index, count: int = EXAMPLE_COUNT, paragraphs=None) -> list[str]:
    """Up to `count` example questions over `index` (see the module's docstring), or over those of its `paragraphs`
    (the documents without questions of their own, beside those with)."""
    paragraphs = [p for p in (index.paragraphs if paragraphs is None else paragraphs)
                  if p.kind != "heading"][:READ_AT_MOST]
    words = [_WORD.findall(p.text) for p in paragraphs]
    spread = Counter(w for ws in words for w in {x.lower() for x in ws})
    written = Counter(w for ws in words for w in ws)
    said: dict[str, list[list[str]]] = defaultdict(list)
    for p, ws in zip(paragraphs, words):
        said[p.speaker or ""].append([w.lower() for w in ws])
    speakers = sorted((s for s in said if s), key=lambda s: -sum(map(len, said[s])))
    if not speakers:
        from .notices import corpus_noun
        noun = corpus_noun(index)
        topics = _topics(said[""], set(), len(paragraphs), spread, written, count)
        verb = "do" if noun == "the documents" else "does"
        return [f"What {verb} {noun} say about {_as_written(t, written)}?" for t in topics]
    out, used = [], set()
    labels = {w.lower() for s in speakers for w in _WORD.findall(s)}      # ("Project Manager on Industrial Designer")
    for speaker in speakers:
        topic = next(iter(_topics(said[speaker], labels | used, len(paragraphs), spread, written, 1)), None)
        if topic:
            used.update(topic.split())
            out.append(f"{speaker} on {_as_written(topic, written)}")
        if len(out) == count:
            break
    return out


def _topics(paragraphs: list[list[str]], avoid: set[str], total: int, spread: Counter, written: Counter,
            count: int) -> list[str]:
    """The `count` best topics of `paragraphs` (each a list of lower-case words), none sharing a word; a phrase of
    two words before a word alone."""
    from .english import CALENDAR, known_word, zipf
    from .lexical import _stopwords
    from .spelling import SCALES, TENS, UNITS

    # ("thirty minutes", "twenty five"; "above stall": the search's stop words are few, 33, and no preposition)
    stop = _stopwords() | set(UNITS) | set(TENS) | set(SCALES) | set(CALENDAR) | PREPOSITIONS

    def fits(w: str, most: float = TOPIC_ZIPF[1]) -> bool:  # (a word the dictionary lacks is a name, written so)
        return len(w) >= 4 and w.isalpha() and w not in stop and w not in avoid and \
            TOPIC_ZIPF[0] <= (zipf(w) or 0.0) <= most and (known_word(w) or written[w.capitalize()] > written[w])

    held = Counter()
    for ws in paragraphs:
        held.update([w for w in ws if fits(w)] + [f"{a} {b}" for a, b in zip(ws, ws[1:]) if fits(a, PHRASE_ZIPF)
                                                  and fits(b, PHRASE_ZIPF) and not b.startswith(a)])  # "infra infrared"

    def weight(topic: str) -> tuple[bool, float]:
        return " " in topic, held[topic] * math.log(total / min(spread[w] for w in topic.split()))

    out: list[str] = []
    for topic in sorted((t for t in held if held[t] >= TOPIC_MIN), key=weight, reverse=True):
        if not set(topic.split()) & {w for t in out for w in t.split()}:
            out.append(topic)
        if len(out) == count:
            break
    return out


def _as_written(topic: str, written: Counter) -> str:
    """Each word of `topic` as the documents most often write it ("christa" → "Christa")."""
    def form(word: str) -> str:
        return max((w for w in (word, word.capitalize(), word.upper()) if written[w]), key=lambda w: written[w],
                   default=word)
    return " ".join(form(w) for w in topic.split())
