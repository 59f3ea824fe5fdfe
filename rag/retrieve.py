"""Find the passages that answer a query, or say that none does.

Hybrid search: a dense retriever (``dense.DenseSearch``: FAISS inner product of normalised
MiniLM vectors) and a lexical one (``lexical.LexicalSearch``: BM25), each optional
(``SearchSettings.mode``), both behind one interface (``encode``, ``search`` -> Candidates,
``warm_up``), fused by score (``fuse``: weighted min-max scores; ``fusion="rrf"``: reciprocal
rank fusion). Units are answers, not questions: question paragraphs are never passages;
an answer's chunks carry their question as context (embedded with them, and in their
BM25 text), so a journalist's wording finds the reply rather than the question.

Diversity: a passage overlapping or repeating one already chosen is dropped, and an
MMR step (``mmr``: relevance vs. similarity to the chosen passages, where slices of one paragraph
and near-duplicates count as the same) keeps the top k from being slices of one
paragraph when other answers are relevant too. (Full cosine MMR was measured: it changed
nothing on the dev sets and pushed distinct answers on related topics out of the top k.)

Abstention: the confidence (``confidence``) combines the best cosine of the query with a
candidate's paragraph, the best BM25 score per query word, and the share of query words the
index knows. Below the index's calibrated threshold (calibration.py: ``calibration.json``,
written by ``rag eval --calibrate``) the result is ``abstained`` and its hits are the nearest
passages marked ``low_confidence``. Without a threshold the confidence and the count rule decide nothing;
a query whose names the documents never mention (terms.py), or whose words a rich vocabulary lacks, still abstains.

Many documents (meetings): which document first. Each document has a score for the query
(``_doc_scores``: its vector, the normalised mean of its passages', against the query's, and the
BM25 of its passages among the lexical candidates); every passage's fused score adds
``doc_weight`` times it, and the best passages of the ``doc_depth`` best documents join the
candidates. ``Result.documents`` groups the hits by document ("3 documents discuss this"). In a
conversation a topic runs over many turns: a turn window's score adds ``topic_weight`` times its
neighbours' (``_topic``). ``search(docs=..., speaker=...)`` restricts the search to some documents
and to the passages where a speaker speaks (``Result.speaker``: the name as the index writes it).

A conversation index borrows no press conference's threshold (calibration.py); over a vocabulary
rich enough (``absent_everyday``), a query word that no document uses in any form abstains
(terms.absent_words: "No document mentions 'bitcoin'.").

The query is embedded on the embedder's own thread (``DenseSearch.encode_later``) while BM25 and the
name rules, which need no vector, run: on two cores the model's 6 ms and their 3 ms overlap.

Each hit's ``provenance`` has lexical/dense/fused ranks and scores (None where that
retriever did not return it). What it leaves out: a cross-encoder reranker (none ships
with its weights on PyPI), query expansion.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace

import numpy as np

from .asks import asks_question, count_check, holds_words, keyword_words, without_frame
from .calibration import calibrated_threshold, conversation_threshold
from .dense import DenseSearch
from .errors import QueryError, listing
from .lexical import LexicalSearch
from .notices import (ABSTAIN_NOTICE, NEAREST, NONE_LEFT, NOTHING_TO_SEARCH, REST, abstain_notice, corpus_noun,
                      count_notice, elsewhere_notice, language_notice, missing_notice, not_speaking_notice, respelt_notice,
                      unsaid_notice, unsure_notice)
from .query import DEFAULT_K, DEFAULT_MODE, MAX_K, MAX_QUERY_CHARS, MODES, check_k, clean_query
from .ranking import (FEW_LEXICAL_ROWS, NEAR_DUPLICATE, REFERENCE_PASSAGES, by_document, confidence,
                      fuse, idf_ceiling, mmr, overlaps, rrf, score_fusion, text_key)
from .records import NO_CANDIDATES, Candidates, Hit, Passage
from .rows import MAX_PARAGRAPH_CHARS, MAX_QUOTE_CHARS, Rows
from .scope import REFERENCE_FRAME, SPEAKERS_JOIN, Scope, Where
from .store import Compat, Index
from .english import dictionary_name
from .names import borrowed_names, query_names
from .terms import (absent_words, content_words, hard_missing, held_names, names_missing, rarest_missing, whole_name_missing,
                    whole_names)

# the search's own names, and (re-exported) those of the stages it runs: query.py, ranking.py, notices.py
__all__ = ["ABSTAIN_NOTICE", "DEFAULT_K", "MAX_K", "MAX_PARAGRAPH_CHARS", "MAX_QUERY_CHARS", "MAX_QUOTE_CHARS", "MODES",
           "NEAR_DUPLICATE", "REFERENCE_PASSAGES", "Result", "Retriever", "SearchSettings", "abstain_notice",
           "by_document", "calibrated_threshold", "check_k",
           "clean_query", "confidence", "corpus_noun", "fuse", "idf_ceiling", "missing_notice", "mmr",
           "open_retriever", "overlaps", "rrf", "score_fusion"]

REST_POOL = 10              # the best candidates that join the first hits' neighbours in the hits after them (_rest)
TOPIC_ZIPF = 6.0            # a word this common in English ("about", "what", "new") is no word of a question's topic
TOPIC_SPREAD = 2            # BM25 words between a topic's words that still say it together (_spoken_of)
PHRASE_ROWS = 200           # passages holding both words of a two-word term read for the term itself (_unsaid)


@dataclass(frozen=True)
class SearchSettings:
    mode: str = DEFAULT_MODE    # hybrid | dense | lexical (MODES)
    depth: int = 50             # candidates taken from each retriever (fixed: results do not depend on k)
    fusion: str = "score"       # "score": weighted min-max scores | "rrf": reciprocal rank fusion
    alpha: float = 0.4          # weight of dense in score fusion (lexical: 1 - alpha)
    rrf_k: int = 20             # reciprocal rank fusion constant
    dense_weight: float = 1.0   # weight of the dense ranks in rrf (lexical: 1)
    conf_lexical: float = 0.5   # confidence = best cosine + conf_lexical * best BM25 per query word
    conf_known: float = 0.5     #   + conf_known * share of query words found in the index
    expand: bool = True         # quote the whole paragraph of the best-matching window
    expand_words: bool = True   # BM25 also looks for the query words' neighbours in the index (expand.py)
    mmr: float = 0.8            # MMR lambda: 1 = relevance only
    threshold: float | None = None   # abstain when confidence < threshold; None = not by the confidence
    conversation: float | None = None    # without a threshold, abstain below this in a search of every document
                                         #   (calibration.conversation_threshold: a conversation index's)
    conf_missing: float = 0.5   #   - conf_missing * share of the query's names no searched document mentions
    missing_abstain: float = 0.5     # abstain (with a threshold) when at least this share of its names is missing
    doc_weight: float = 0.3     # weight of the document's score (which document?) added to each passage's
    doc_depth: int = 3          # documents whose own best passages join the candidates (0: none)
    name_weight: float = 1.0    # added to a document's score times the share of the query's names it holds, of the
                                #   names fewer than half the documents searched hold (_named_docs)
    absent_everyday: float = 0.8     # abstain when a query word is in no searched document, if the documents
                                     #   use at least this share of everyday English (terms.Vocabulary.everyday)
    resolve_speakers: bool = True    # a query that names speakers ("what did the Project Manager say")
                                     #   searches their passages (speakers.resolve), ranked by the rest of it
    topic_weight: float = 0.5   # in a conversation, weight of the neighbouring windows' scores (a topic runs on)
    topic_span: int = 1         #   how many windows on each side
    places: int = 5             # in a conversation, the first hits come from this many places (no two neighbouring
                                #   windows among them: Rows.spread; 0: off), the later ones from around them (_rest)
    region_span: int = 3        # a window's place: it and this many windows each side (Rows.region)
    region_weight: float = 0.1  # in a conversation, weight of the cosine of a window's place in its score
    adapter: str = "auto"       # the query adapter (adapter.py): "auto" (a conversation index: the shipped one),
                                #   "none", or a file's path


@dataclass(frozen=True)
class Result:
    query: str                       # the query as searched (cleaned, perhaps cut)
    hits: list[Hit]
    abstained: bool = False
    notices: list[str] = field(default_factory=list)
    confidence: float | None = None  # what abstention compares with the threshold
    missing_terms: list[str] = field(default_factory=list)  # names in the query no searched document mentions
    abstain_notice: str | None = None    # the notice (in `notices`) that says it abstained, if it did
    speaker: str | None = None       # the speaker the search was restricted to, as the index names them
    documents: list[tuple[str, int]] = field(default_factory=list)  # (document id, hits), in rank order


def _with_question(p: Passage) -> str:
    """A passage's text and the question it answers, shown with it ("a few days ago" may be the journalist's)."""
    return f"{p.text}\n{p.question}" if p.question else p.text


COUNT_PASSAGES = 3      # the first passages shown (after diversity: not three copies of one paragraph in three
                        # documents; the same for any k) a count question's number is looked for in, with their question


@dataclass(frozen=True)
class _Words:
    """What a query's words say before any passage is ranked (Retriever._words)."""
    share: float                # the share of its names (of those that decide) no document searched mentions
    known: float                # the share of its words the documents use (vocabulary.coverage)
    absent: list[str]           # its words no document uses, where that decides (Retriever._absent)
    decisive: bool              # whether its missing names decide abstention
    borrowed: list[str]         # its names other languages write alike (terms.borrowed_names)
    named_missing: list[str]    # its names no document searched mentions, whole (terms.whole_names)


@dataclass(frozen=True)
class _Ranked:
    """A query's passages as ranked (Retriever._rank): rows of the index, best first."""
    picked: list[int]           # the k shown
    best: list[int]             # the first COUNT_PASSAGES picked, whatever k (a count's number is looked for there)
    order: list[int]            # every candidate, by fused score
    fused: dict[int, float]     # each candidate's score
    dense: Candidates
    lexical: Candidates
    judged: Candidates          # BM25's candidates for every word of the query (the confidence's)
    region: dict[int, float]    # the score of those ranked by their place (_rest)


class _Shown:
    """passages[row] as a hit on that row quotes it (see Retriever.shown), each row worked out once, and
    `key`: its text_key, each kept for the index (Rows.keys: a search's repeats are told apart without
    reading its candidates' texts again)."""

    def __init__(self, retriever):
        self.retriever = retriever
        self.seen: dict[int, Passage] = {}
        self.keys = retriever._rows.keys[retriever.settings.expand]

    def __getitem__(self, row: int) -> Passage:
        if row not in self.seen:
            self.seen[row] = self.retriever.shown(row)
        return self.seen[row]

    def key(self, row: int) -> int:
        if row not in self.keys:
            self.keys[row] = text_key(self[row].text)
        return self.keys[row]


# the words of a question that asks only what someone said: "What did the host say?", "what does Ann think"
# a word this common in English (Zipf) is a name English knows ("Merkel" 3.4), not only another language's word
# ("quel" 2.4, "über" 2.8): a question in the documents' own language keeps it among the names they may lack
ENGLISH_KNOWN = 3.3

FRAME_WORDS = frozenset("what did does do say said says tell told tells think thinks thought ask asks asked mention "
                        "mentions mentioned talk talks talked speak speaks spoke the of".split())


# the words of a question's frame that are never its topic (not FRAME_WORDS' "talks", "thought", "mention": "the
# union pay talks" is a topic the documents may lack): counted as held beside a topic they hold (Retriever.search)
ASKING_WORDS = frozenset("what did does do say said says tell told ask asked about the of".split())


def _check_mode(settings: SearchSettings) -> SearchSettings:
    if settings.mode not in MODES:
        raise QueryError(f"Unknown search mode {settings.mode!r}: use one of {', '.join(MODES)}.")
    return settings


class Retriever:
    """The search over one index: its retrievers' candidates, fused, diversified, and the
    confidence. `dense` and `lexical` are the retrievers (default: DenseSearch, LexicalSearch
    over `index`; another store backend gives its own). They read and compute nothing before
    the first search, or `warm_up()`."""

    def __init__(self, index: Index, embedder, settings: SearchSettings | None = None, *,
                 dense=None, lexical=None):
        self.index = index
        self.embedder = embedder
        if settings is None:
            settings = SearchSettings(threshold=calibrated_threshold(index), conversation=conversation_threshold(index))
        self.settings = _check_mode(settings)
        parts = index.parts         # a store backend's own components, if it has them
        self.dense = dense if dense is not None else parts.dense(index, embedder) if parts else \
            DenseSearch(index, embedder)
        self.lexical = lexical if lexical is not None else parts.lexical(index) if parts else LexicalSearch(index)
        self._rows = Rows(index)
        self._adapters: dict[str, object] = {}     # settings.adapter -> its Adapter (or None), once
        self._spoken: dict[str, frozenset] = {}    # a speaker -> the tokens of their own turns (_unsaid), once

    def warm_up(self) -> "Retriever":
        """Read and compute now what the searches of this mode need (loading the model is the
        embedder's business): the first search is then as fast as the others."""
        self.dense.warm_up()            # the vectors: MMR needs them in every mode
        if self.settings.mode != "dense":
            self.lexical.warm_up()
        self._rows.warm_up()
        if self.settings.threshold is None or self.absence_decides():
            self._rows.vocabulary.lemmas    # noqa: B018 - absent words are looked up (simplemma's dictionary, ~0.15 s)
        dictionary_name("kaliningrad")      # a query's words in lower case are looked up too (names.py: ~1 s the first)
        if self.settings.mode != "lexical":
            self.adapter()
        return self

    def with_settings(self, **changes) -> "Retriever":
        """The same index and retrievers (and their caches) with other settings, e.g. mode="dense".
        A change of mode brings that mode's calibrated threshold, unless `threshold` is given."""
        if changes.get("mode", self.settings.mode) != self.settings.mode and "threshold" not in changes:
            changes["threshold"] = calibrated_threshold(self.index, changes["mode"])
            changes.setdefault("conversation", conversation_threshold(self.index, changes["mode"]))
        other = copy.copy(self)
        other.settings = _check_mode(replace(self.settings, **changes))
        return other

    def shown(self, row: int) -> Passage:
        """What a hit on passage `row` quotes: with `expand`, its whole paragraph; else itself. A window
        of several turns is quoted as it is, and so is a window of a conversation's turn longer than
        MAX_QUOTE_CHARS (a meeting's quote stays short enough to read aloud)."""
        window = self.index.passages[row]
        if not self.settings.expand:
            return window
        return self._rows.quoted(row)


    def _scope(self, text: str, docs, speaker) -> Where:
        """Where the search looks (scope.Scope.where)."""
        return Scope(self.index, self._rows).where(text, docs, speaker, self.settings.resolve_speakers)

    def _named_docs(self, names: list[str], allowed, searched: np.ndarray) -> np.ndarray | None:
        """Per document (by place in doc_ids), the share of the query's `names` it holds, of those that fewer than
        half the documents searched hold (a town, a company, a person one meeting is about); None when no name
        tells the documents apart. Read from BM25: the rows holding each name's words."""
        rows, n_docs, depth = self._rows, int(searched.sum()), 4 * self.settings.depth
        every = getattr(self.lexical, "rows_with", None)       # (a backend without it: BM25's best rows)
        held = []
        for name in names:
            tokens = self.lexical.encode(name)
            if not tokens:
                continue
            if every is not None:
                found = every(tokens)
                found = found[allowed[found]] if allowed is not None else found
            else:
                found = np.asarray(self.lexical.search(tokens, allowed, depth).rows, dtype=np.int64)
                if len(found) >= depth:
                    continue        # in more rows than were read: which documents is not known
            if not len(found):
                continue
            docs = np.zeros(len(rows.doc_ids), dtype=bool)
            docs[rows.doc_of_row[found]] = True
            if docs.sum() * 2 < n_docs:
                held.append(docs)
        return np.mean(held, axis=0) if held else None

    def _doc_scores(self, vec, lexical: Candidates, allowed, names: list[str] = ()) -> np.ndarray | None:
        """Each document's score in [0, 1] (by place in doc_ids), for the query: alpha times its vector's
        cosine (min-max scaled over the documents searched) plus 1 - alpha times the sum of its passages'
        BM25 scores among the lexical candidates (scaled by the best document's); None when one document
        (or none) is searched. Documents not searched score 0."""
        rows = self._rows
        searched = np.ones(len(rows.doc_ids), dtype=bool) if allowed is None else \
            np.bincount(rows.doc_of_row[allowed], minlength=len(rows.doc_ids)) > 0
        if searched.sum() < 2:
            return None
        parts = []
        if vec is not None:
            cos = rows.doc_vectors(self.dense.vectors) @ vec
            lo, hi = cos[searched].min(), cos[searched].max()
            parts.append((self.settings.alpha if lexical.rows else 1.0, (cos - lo) / ((hi - lo) or 1.0)))
        if lexical.rows:
            lex = np.bincount(rows.doc_of_row[lexical.rows], [lexical.scores[r] for r in lexical.rows],
                              minlength=len(rows.doc_ids))
            parts.append((1 - self.settings.alpha if vec is not None else 1.0, lex / (lex.max() or 1.0)))
        if not parts:
            return None
        score = sum(w * x for w, x in parts)
        named = self._named_docs(list(names), allowed, searched) if self.settings.name_weight and names else None
        if named is not None:
            score = score + self.settings.name_weight * named
        return np.where(searched, score, 0.0)

    def adapter(self):
        """The query adapter these settings use (adapter.resolve), read once per Retriever: a changed file or
        $RAG_QUERY_ADAPTER takes effect when the index is opened again (the chat: on restart or an index change)."""
        key = self.settings.adapter
        if key not in self._adapters:
            from .adapter import resolve
            self._adapters[key] = resolve(key, self.index, self.embedder)
        return self._adapters[key]

    def _encode_later(self, text: str):
        """A function returning the query's vector: computed meanwhile where the dense backend can
        (DenseSearch.encode_later), else now."""
        later = getattr(self.dense, "encode_later", None)
        if later is not None:
            return later(text)
        vec = self.dense.encode(text)
        return lambda: vec

    def absence_decides(self) -> bool:
        """Whether a query word no document uses decides abstention (_absent): the index's vocabulary is rich enough
        for that to mean the documents do not address it (it covers `absent_everyday` of everyday English)."""
        s = self.settings
        return s.absent_everyday <= 1 and (self._rows.vocabulary.everyday or 0.0) >= s.absent_everyday

    def _absent(self, text: str) -> list[str]:
        """The query's words that no document of the index uses in any form (terms.absent_words), when
        absence_decides; else []. The whole index's words, even when the search is restricted to some
        documents: one meeting's words are too few to say what it never discusses."""
        return absent_words(text, self._rows.vocabulary) if self.absence_decides() else []

    def _topic(self, fused: dict[int, float], cosine) -> dict[int, float]:
        """In a conversation a topic runs over many turns: each turn window's score adds topic_weight
        times the mean score of the topic_span windows on each side of it in its document (0 for one
        that is no candidate), and region_weight times the cosine of the place around it with the query
        (Rows.region over region_span windows each side; `cosine`: _cosine_of's, None without a query vector).
        Passages of other kinds keep their score."""
        s, n = self.settings, len(self.index.passages)
        rows = np.fromiter(fused, dtype=np.int64, count=len(fused))
        score = np.fromiter(fused.values(), dtype=float, count=len(fused))
        every = np.zeros(n)                 # each row's fused score, 0 for rows no retriever returned
        every[rows] = score
        doc, turn = self._rows.doc_of_row, self._rows.is_turn
        steps = np.arange(1, s.topic_span + 1)
        q = rows[:, None] + np.stack([-steps, steps], axis=1).ravel()     # neighbours: 1 before, 1 after, 2 before …
        same = (q >= 0) & (q < n)
        q = np.where(same, q, 0)
        same &= doc[q] == doc[rows][:, None]
        values = np.where(same, every[q], 0.0)
        total, count = np.zeros(len(rows)), same.sum(axis=1)
        for j in range(values.shape[1]):    # one at a time, in that order (a sum over 8 or more pairs them up)
            total += values[:, j]
        near = np.divide(total, count, out=np.zeros(len(rows)), where=count > 0)
        out = score + np.where(turn[rows], s.topic_weight * near, 0.0)
        if s.region_weight and cosine is not None and turn[rows].any():
            out += np.where(turn[rows], s.region_weight * self._rows.region(rows, cosine, s.region_span), 0.0)
        return dict(zip(fused, out.tolist()))

    def _lexical_search(self, tokens: list[str], allowed: np.ndarray | None, depth: int) -> Candidates:
        """BM25's candidates, its words' neighbours in the index (expand.py) counted too where the lexical
        backend has them (a backend without `expand` searches the query's words alone)."""
        expand = getattr(self.lexical, "expand", None) if self.settings.expand_words else None
        extra = expand(tokens) if expand is not None else []
        if extra:
            return self.lexical.search(tokens, allowed, depth, extra)
        return self.lexical.search(tokens, allowed, depth)

    def _candidates(self, got: Candidates, depth: int, top_docs: set[int]) -> Candidates:
        """The first `depth` of a wide candidate list, and those of its rows in the documents `top_docs`."""
        if len(got.rows) <= depth:
            return got
        rows = np.asarray(got.rows, dtype=np.int64)
        keep = np.arange(len(rows)) < depth
        if top_docs:
            of = self._rows.doc_of_row[rows]
            for d in top_docs:          # (a few: faster than np.isin)
                keep |= of == d
        kept = rows[keep].tolist()
        return replace(got, rows=kept, scores={r: got.scores[r] for r in kept})


    def search(self, query: str, k: int = DEFAULT_K, docs: set[str] | None = None, abstain: bool = True,
               speaker: str | None = None) -> Result:
        """The k best passages for `query` (only in documents `docs` when given, only where `speaker`
        speaks when given). Over several documents, each passage's score adds `doc_weight` times its
        document's score (_doc_scores), and the best passages of the `doc_depth` best documents join the
        candidates: the right document first, then the right passages in it. In three steps: what the query's
        words say before any passage is ranked (_words), the ranking (_rank), whether to abstain (_decide)."""
        k, (text, notices), s = check_k(k), clean_query(query), self.settings
        typed = text        # a word the documents hold only spelt otherwise is searched as they write it ("Kazakstan")
        text, respelt = self._rows.vocabulary.respelled(text)
        from .language import everyday, language_of

        asked_in = language_of(typed) if respelt else None      # (the word tables read only then)
        if asked_in and asked_in != "en":   # a German question's "fragte" is no typo of the panel's "frage"
            text, respelt = self._rows.vocabulary.respelled(
                typed, skip={raw for raw, _ in respelt if everyday(raw.lower(), asked_in)})
        if respelt:
            notices = notices + [respelt_notice(self._rows.noun, respelt)]
        scope = self._scope(text, docs, speaker)
        allowed, who, asked, name_only = scope.allowed, scope.who, scope.asked, scope.name_only
        text = scope.text if scope.numbered else text   # ("question 7" named where the citations number it: no topic)
        if not self.index.passages or (allowed is not None and not allowed.any()):
            if speaker is not None and docs:    # (not "Only passages where … speaks" before it)
                return Result(typed, [], abstained=True, speaker=who,
                              notices=notices + list(scope.others) + [not_speaking_notice(who)])
            return Result(typed, [], abstained=True, notices=notices + scope.notices + [NOTHING_TO_SEARCH], speaker=who)
        notices = notices + scope.notices
        wide = max(s.depth, k) * (4 if len(self._rows.of_doc) > 1 and s.doc_weight > 0 else 1)
        # the model embeds the query on its own thread while BM25 and the name rules, which need no vector, run here
        encoded = self._encode_later(asked) if s.mode != "lexical" else (lambda: None)
        tokens = words = self.lexical.encode(asked) if s.mode != "dense" else []
        if tokens:      # a name the documents write another way is looked for as they write it: Irbil, Erbil
            forms = self.lexical.encode(" ".join(self._rows.vocabulary.written_forms(asked, docs)))
            tokens = tokens + [t for t in dict.fromkeys(forms) if t not in tokens]
        lexical = judged = self._lexical_search(tokens, allowed, wide) if s.mode != "dense" else NO_CANDIDATES
        # the passages are ranked without the question's frame, "how", "does" (asks.without_frame); the confidence
        # reads every word of the query (`judged`), as the threshold was learnt
        frame = set(words) - set(self.lexical.encode(without_frame(asked))) if words else set()
        if frame:
            lexical = self._lexical_search([t for t in tokens if t not in frame], allowed, wide)
        said = self._words(text, asked, tokens, docs)
        # the adapter moves the query for ranking; the confidence reads the model's own vector, so that a threshold
        # means the same with or without it (calibration.json does not know which adapter a search uses)
        raw = encoded()
        vec = self.adapter()(raw) if raw is not None and self.adapter() is not None else raw
        ranked = self._rank(asked, vec, lexical, judged if frame else None, allowed, k, wide)
        conf = confidence(s, self.dense.paragraph_cosine(raw, ranked.dense.rows), ranked.judged, len(tokens),
                          said.known, said.share, self._rows.idf_scale)
        abstained, uncounted, unsure, only_speaker = self._decide(text, asked, who, name_only, conf, said, ranked,
                                                                  abstain, docs, scope.asker, scope.numbered)
        missing, unused, foreign = self._missing(text, asked, said, abstained, only_speaker)
        hits = self._hits(ranked.picked, ranked.order, ranked.fused, ranked.dense, ranked.lexical, abstained,
                          ranked.region)
        if scope.numbered:      # (a window of turns may hold the printed numbers before and after: theirs marked)
            hits = [self._marked_section(h, scope.numbered) for h in hits]
        if any(h.passage.question for h in hits) and (scope.asker or asks_question(text, self._rows.askers)):
            hits = self._questions_quoted(hits, k)      # "What did the Japanese journalist ask about Kishida?"
        notices, said_notice = self._said(notices, text, docs, abstained, missing, uncounted, unsure, said, unused)
        if not hits and said_notice and NEAREST in said_notice:    # (it promised passages that were not there)
            notices = [n.replace(NEAREST, NONE_LEFT) if n == said_notice else n for n in notices]
            said_notice = said_notice.replace(NEAREST, NONE_LEFT)
        if foreign:
            from .language import name
            notices = [language_notice(name(foreign), list(map(name, self._rows.languages)), self._rows.noun)] + notices
        unsaid = self._unsaid(asked, who) if who is not None and not abstained and not missing else []
        if unsaid:          # "What did Tom Brown say about the eelgrass?", where only Dr. Nguyen mentions it
            notices = notices + [unsaid_notice(who, listing(unsaid, 5))]
        return Result(typed, hits, abstained=abstained, notices=notices, confidence=conf, missing_terms=missing,
                      abstain_notice=said_notice, speaker=who,
                      documents=[] if unused or abstained else by_document(hits))   # nearest passages discuss nothing

    def _words(self, text: str, asked: str, tokens: list[str], docs) -> "_Words":
        """What the query's words say before any passage is ranked: the names no document searched mentions, the
        share of its words the documents use, the words no document uses (see _Words)."""
        s, vocabulary = self.settings, self._rows.vocabulary

        def unspoken(names: list[str]) -> list[str]:
            # a speaker's name as the labels give it is mentioned, however the text writes it ("Okonkwo, Chidi")
            return [t for t in names if not self._rows.a_speaker(t, docs)] if names and self._rows.speakers else names

        missing, named, soft = names_missing(text, vocabulary, docs)
        # (a name in another script than the documents' may be there in theirs: "Sokolov" of "А.В.Соколов")
        missing = self._not_everyday(text, [t for t in unspoken(missing) if vocabulary.written(t)])
        # what decides and lowers the confidence: not a capital whose country the documents name, nor given
        # names before a person's surname they hold (shown in the notice all the same)
        hard = hard_missing(missing, soft)
        share = len(hard) / named if named else 0.0
        # a name the documents hold in another form (Croatians: Croats) is a word they know
        held = set(self.lexical.encode(" ".join(held_names(text, missing, vocabulary)))) if tokens else set()
        known = vocabulary.coverage(tokens, self.lexical.coverage(tokens), held, docs)
        # a question's frame ("what did … say about") that the documents never write counts against it only beside a
        # word of its topic they lack: a small meeting's "What did Omar say about the ferry route?" is known, a
        # briefing's "What did the mayor say about the ferry strike?" still is not
        asking = set(self.lexical.encode(" ".join(w for w in re.findall(r"[^\W\d_]+", asked)
                                                  if w.lower() in ASKING_WORDS))) if known < 1.0 else ()
        topic = [t for t in tokens if t not in asking]
        if asking and topic and vocabulary.coverage(topic, self.lexical.coverage(topic), held, docs) >= 1.0:
            known = 1.0
        decisive = bool(hard) and (share >= s.missing_abstain or rarest_missing(text, hard, vocabulary, docs)
                                   or whole_name_missing(hard, vocabulary, docs))
        borrowed = borrowed_names(text, vocabulary, docs)
        if borrowed:    # "merkel", "junta" (terms.borrowed_names): named when missing, weighing nothing
            missing, _, soft = names_missing(text, vocabulary, docs, names=query_names(text) + borrowed)
            missing = unspoken(missing)
        # (not a word of a speaker's mention, which the scope took out of `asked`: "the chairwoman" of "The CHAIR:")
        absent = self._not_everyday(text, [t for t in self._absent(asked) if vocabulary.written(t)])
        return _Words(share=share, known=known, absent=absent, decisive=decisive, borrowed=borrowed,
                      named_missing=whole_names(text, missing, soft))

    def _rank(self, asked: str, vec, lexical: Candidates, judged: Candidates | None, allowed, k: int,
              wide: int) -> "_Ranked":
        """The passages ranked for the query (`asked`: without a speaker's mention; `vec`: its vector, the adapter's;
        `lexical`: BM25's `wide` candidates, `judged` those of every word of the query where they differ): the two
        retrievers' candidates (with the best passages of the best documents), fused, a conversation's topic and
        place counted, each document's score added, spread over places and distinct (_Ranked)."""
        s = self.settings
        depth = max(s.depth, k)
        # (a question in another script than Latin, "Что сказал министр о Хатанге?": the model, which reads English,
        # gives every passage about the same cosine, and its order buried BM25's one passage with "Хатанге"; where
        # BM25 finds none, its nearest all the same)
        dense = self.dense.search(vec, allowed, wide) if vec is not None and not (
            self._their_script(asked) and len(lexical.rows)) else NO_CANDIDATES
        doc_score = self._doc_scores(vec, lexical, allowed, query_names(asked)) \
            if len(self._rows.of_doc) > 1 and s.doc_weight > 0 else None
        top_docs = set(np.argsort(-doc_score, kind="stable")[:s.doc_depth].tolist()) if doc_score is not None else set()
        # the query's words are in only a few rows (BM25 returns no other), all kept by _candidates: a row without them
        # scores 0 for BM25 (score_fusion's `lexical_complete`)
        complete = len(lexical.rows) < min(wide, FEW_LEXICAL_ROWS)
        dense, lexical = self._candidates(dense, depth, top_docs), self._candidates(lexical, depth, top_docs)
        judged = self._candidates(judged, depth, top_docs) if judged is not None else lexical
        fused = fuse(dense, lexical, s, complete)
        cosine = self._cosine_of(vec, dense.every) if vec is not None and self.dense.vectors is not None else None
        if s.topic_weight or s.region_weight:
            fused = self._topic(fused, cosine)
        rows = np.fromiter(fused, dtype=np.int64, count=len(fused))
        score = np.fromiter(fused.values(), dtype=float, count=len(fused))
        if doc_score is not None:
            score = score + s.doc_weight * doc_score[self._rows.doc_of_row[rows]].astype(float)     # (float32 alone)
            fused = dict(zip(rows.tolist(), score.tolist()))
        order = rows[np.lexsort((rows, -score))].tolist()      # best first, ties by row
        if s.expand:
            order = self._rows.one_per_quote(order)
        # the first `places` are spread (Rows.spread) over the first 3 x places - 2 picks, whatever k: enough that
        # they always can be (each of the first places - 1 rules out itself and its two neighbours)
        pool = max(3 * s.places - 2, 0)
        shown = _Shown(self)
        picked = mmr(order[:2 * depth], fused, self.dense.vectors, shown, max(k, pool), s.mmr,
                     self._rows.quote_of_row if s.expand else self._rows.paragraph_of_row, shown.key)
        picked, region = self._rows.spread(picked[:pool], s.places) + picked[pool:], {}
        if k > s.places > 0 and cosine is not None and picked and self._rows.is_turn[picked[0]]:
            region = self._rest(picked[:s.places], order[:REST_POOL], cosine, fused)
            picked = self._distinct(picked[:s.places], list(region) + picked[s.places:], k, shown)
        # (best: the same for any k, mmr and spread pick greedily, k only cuts)
        return _Ranked(picked=picked[:k], best=picked[:COUNT_PASSAGES], order=order, fused=fused, dense=dense,
                       lexical=lexical, judged=judged, region=region)

    def _decide(self, text: str, asked: str, who: str | None, name_only: bool, conf: float, said: "_Words",
                ranked: "_Ranked", abstain: bool, docs=None,
                asker: bool = False, numbered: str | None = None) -> tuple[bool, str | None, str | None, bool]:
        """(whether to abstain; what a count question counts that its best passages give no number of, when that
        decides; what it counts when a number stands near but not next to it; whether it asked only what a speaker
        said). Below the threshold, or without one a conversation index's (SearchSettings.conversation) in a search
        of all its documents."""
        s = self.settings
        every = not docs or set(docs) >= set(self.index.documents)
        threshold = s.threshold if s.threshold is not None else s.conversation if every else None
        if self._their_script(text):    # (learnt on English, by a model of English: a Russian question's confidence
            threshold = None            # of a Russian transcript says nothing; the names it lacks still decide)
        # asked only what a speaker said ("what did the host say?", "what did Jonas Weber ask?"): the words left
        # beside the speaker are all a question's frame (FRAME_WORDS), so any of their turns answers: the confidence
        # (reported as it is) does not abstain
        # (`asker`: the rows are the answers to one who asks, "What did Marcus Oyelaran ask?")
        only_speaker = (who is not None or asker) and (name_only or all(w.lower() in FRAME_WORDS
                                                                        for w in re.findall(r"[^\W\d_]+", asked)))
        # (or asked only for the answers to a question named by its number: "What is the answer to question 7?")
        only_speaker = only_speaker or numbered is not None and all(w.lower() in REFERENCE_FRAME
                                                                    for w in re.findall(r"[^\W\d_]+", asked))
        # a count question whose best passages give no number of what it counts (asks.py), where a threshold says
        # the documents were calibrated to abstain at all
        checked = count_check(text, (_with_question(self.shown(r)) for r in ranked.best))
        uncounted = checked[0] if checked and not checked[1] and s.threshold is not None else None
        # a number near the question's other words but not next to what it counts (or no threshold): shown, and said
        unsure = checked[0] if checked and not uncounted else None
        # a keyword query whose words the first passage says together ("New START": "the New START Treaty was
        # extended") is answered there, whatever the confidence (asks.keyword_words)
        keywords = keyword_words(text)
        stated = bool(keywords and ranked.picked and holds_words(keywords, self.shown(ranked.picked[0]).text))
        # what a named speaker said about a topic their own turn in the first passage words whole ("What did Tomas
        # Berg say about the union?": "I asked the union representative …") is answered there, whatever the confidence
        spoken = who is not None and not only_speaker and threshold is not None and conf < threshold \
            and bool(ranked.picked) and self._spoken_of(asked, who, ranked.picked[0])
        abstained = bool(abstain and ((threshold is not None and conf < threshold and not only_speaker and not stated
                                       and not spoken)
                                      or uncounted or said.decisive or said.absent))
        return abstained, uncounted, unsure, only_speaker

    def _missing(self, text: str, asked: str, said: "_Words", abstained: bool,
                 only_speaker: bool) -> tuple[list[str], bool, str | None]:
        """(the query's words a result says no document mentions; whether they are only said, deciding nothing: an
        index too small for a word no document uses to decide; the language the question seems to be in, where it is
        not the documents'). `asked`: the query without a speaker's mention, whose words are no topic's."""
        s = self.settings
        # an index with no threshold and too few words for a missing word to decide (absent, above): the words no
        # document uses are said all the same, deciding nothing ("parking permits" of a small set of meetings)
        unused = absent_words(asked, self._rows.vocabulary) if s.threshold is None and s.absent_everyday <= 1 \
            and not (said.named_missing or said.absent or abstained or only_speaker or self.absence_decides()) else []
        missing = said.named_missing or (said.absent if abstained else []) or unused
        asked_in = self._asked_in(text, missing)
        # (documents too short to tell their language: nothing to set the question's against)
        foreign = asked_in if asked_in and self._rows.languages and asked_in not in self._rows.languages else None
        if asked_in != "en":    # a German question's "sagte", "über", a French one's "dit": everyday words of its
            missing = self._not_everyday(text, missing)     # language (or the documents'), no names they lack
        if asked_in in (None, "en") and any(t.islower() and " " not in t for t in missing):
            from .language import foreign_word      # and an English question's "über", "und": two or more (one alone
            # is a name: "kabul")
            others = {w for w in re.findall(r"[^\W\d_]+", text) if foreign_word(w)}
            missing = [t for t in missing if t not in others] if len(others) >= 2 else missing
        return missing, bool(unused), foreign

    def _their_script(self, text: str) -> bool:
        """Whether the question is mostly in a script other than Latin that the documents are written in (a Russian
        question of a Russian transcript: not of an English one, whose threshold still decides it)."""
        script = _script_of(text)
        return script is not None and self._rows.vocabulary.written_in(script)

    def _not_everyday(self, text: str, words: list[str]) -> list[str]:
        """`words` (of `text`, missing from the documents) without the everyday words of the question's language where
        it is not English (_asked_in; undecided, the documents' own languages other than English): a French
        question's "Quel", a German one's "sagte" are no names the documents lack, and decide nothing (an English
        question's common words never were names); a word capitalised past the question's first is a name all the
        same where the documents are in the question's language ("Bordeaux"; German's nouns too, as before:
        "Atomkraft"), but German's two nouns side by side are no name of two words when the documents hold each
        ("Göttingen Wärmeplan")."""
        if not words:
            return words
        asked_in = self._asked_in(text, words)
        languages = {asked_in} - {"en"} if asked_in else set(self._rows.languages) - {"en"}
        if not languages:
            return words
        from .english import zipf
        from .language import everyday, own_word

        own = languages <= set(self._rows.languages)     # (a German question of English documents: its
        # "Deutschland" is their "Germany", no name they lack)

        def common(w: str, code: str, capital: bool) -> bool:
            # a capitalised word in the documents' own language: only a word of it that English knows little (the
            # names every language writes, "Merkel", "Berlin", are English's too: still names); else any everyday
            # word of it ("position", "date" of a French question; "Deutschland" of an English transcript: "Germany")
            return own_word(w, code) and (zipf(w) or 0.0) < ENGLISH_KNOWN if own and capital else everyday(w, code)

        def kept(term: str) -> bool:
            m = re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE)
            capital = m is None or m.group()[:1].isupper()
            if own and m is not None and capital and re.search(r"[^\W\d_]", text[:m.start()]):
                return True     # capitalised past the question's first word ("Bordeaux", "Hannover"): a name
            parts = re.findall(r"[^\W\d_]+", term.lower())
            return not (any(all(common(w, code, capital) for w in parts) for code in languages) or "de" in languages
                        and len(parts) > 1 and all(self._rows.vocabulary.find(w) is not None for w in parts))

        return [t for t in words if kept(t)]

    def _asked_in(self, text: str, missing: list[str]) -> str | None:
        """The language of a question (language.language_of) most of whose words the documents lack (two or more,
        a third or more of them), or that lacks a name where some document is not in English, or any question where
        none is in English (an interview asked in English and answered in German: the question's words are the
        questions', and its answers are missed); else None. (The languages' word tables are read only then:
        language._frequency.)"""
        words = [w.lower() for w in re.findall(r"[^\W\d_]{2,}", text)]
        have = self._rows.vocabulary.words
        lacked = sum(w not in have for w in words)
        theirs = set(self._rows.languages)
        if not (lacked >= 2 and lacked * 3 >= len(words) or missing and theirs - {"en"} or theirs and "en" not in theirs):
            return None
        from .language import language_of
        return language_of(text)

    def _spoken_of(self, asked: str, who: str, row: int) -> bool:
        """Whether a turn of `who` (one speaker, or several joined by SPEAKERS_JOIN) inside passage `row` holds every
        word of the question's topic (its content words but the frame's, FRAME_WORDS, and the speakers' names; as
        BM25 stems them), one word at least, together: within TOPIC_SPREAD words of BM25's of one another ("the night
        market" is not a chair's agenda of "the night ferry … the fish market")."""
        from .english import _is_stop, zipf
        from .speakers import _fold

        topic = [w for w in map(_fold, re.findall(r"[^\W\d_][\w'’-]*", asked)) if w not in FRAME_WORDS
                 and not _is_stop(w) and (zipf(w) or 0.0) < TOPIC_ZIPF and w not in self._rows.alias_words]
        wanted = set(self.lexical.encode(" ".join(topic))) if topic else set()
        if not wanted:
            return False
        hit, names = self.index.passages[row], set(who.split(SPEAKERS_JOIN))
        n = hit.paragraph
        while (p := self._rows.paragraphs.get((hit.doc, n))) is not None and p.start < hit.end:
            said = self.lexical.encode(p.text) if p.speaker in names and p.end > hit.start else []
            where = [i for i, t in enumerate(said) if t in wanted]
            if any(set(said[i:i + len(wanted) + TOPIC_SPREAD]) >= wanted for i in where):
                return True
            n += 1
        return False

    def _unsaid(self, asked: str, who: str) -> list[str]:
        """The names and rare terms of the question (names.query_names among terms.content_words; the speaker's
        mention taken out, `asked`) that some passage of the index holds but no turn of `who` (one speaker, or
        several joined by SPEAKERS_JOIN), nor a question one of them answers, does, quoted as the query writes them; none on a lexical backend that cannot
        say which rows hold a word. (A window holds others' turns too: what they said themselves is read from their
        own paragraphs. A common word is left out: on val's answered questions it named the paraphrases' words,
        "elaborate", "doubt", "towards", in 79 of 506 searches.)"""
        rows_with = getattr(self.lexical, "rows_with", None)
        if rows_with is None:
            return []
        theirs: set[str] = set()
        for name in who.split(SPEAKERS_JOIN):
            if name not in self._spoken:
                # (their answers' questions too: asked of "the Mir TV journalist's" office in Almaty, the answer to
                # that question takes it up without naming Mir: no "Sergey Lavrov never says 'Mir'")
                # (and the questions of a label that names them otherwise: "Moderator (Rachel Adebayo)" asks as
                # "Moderator", Joe Brennan as the "I" of "I = interviewer (Joe Brennan)")
                self._spoken[name] = frozenset(t for p in self.index.paragraphs
                                               if p.speaker == name or self._rows.asked_as(p) == name
                                               for t in self.lexical.encode(p.text + "\n" + (p.question or "")))
            theirs |= self._spoken[name]
        from .speakers import _fold

        out = []
        names = set(self._not_everyday(asked, query_names(asked)))     # a name or a rare term: a common word is as
        # often a paraphrase's (and in a question in another language than English, an everyday word of it: "sagte")
        words = content_words(asked)
        for word in words:                      # (not a word of a speaker's name: "What did Jonas say", Amira chosen)
            tokens = self.lexical.encode(word)
            if tokens and _fold(word) in names and _fold(word) not in self._rows.alias_words \
                    and not set(tokens) <= theirs and len(rows_with(tokens)):
                out.append(f"'{word}'")
        # and a term of two everyday words the question writes together, as some passage does, neither of which the
        # speaker ever says: "What did Maria say about the budget for the cold store?", where only Omar says "cold
        # store" (not a term one of whose words they say: "PhD C … the signal to noise ratio", where PhD C says
        # "noise" otherwise; over val's 102 questions naming a speaker that named 12 more, none with it)
        for a, b in zip(words, words[1:]):
            tokens = self.lexical.encode(f"{a} {b}")
            phrase = re.compile(rf"(?<!\w){re.escape(a)}[\s\-]+{re.escape(b)}(?!\w)", re.IGNORECASE)
            if len(tokens) < 2 or set(tokens) & theirs or not phrase.search(asked) \
                    or {_fold(a), _fold(b)} & (names | self._rows.alias_words) or {a.lower(), b.lower()} & FRAME_WORDS:
                continue
            rows = rows_with(tokens)
            if len(rows) and any(phrase.search(self.index.passages[r].text) for r in rows[:PHRASE_ROWS]):
                out.append(f"'{a} {b}'")
        return out

    def _said(self, notices: list[str], text: str, docs, abstained: bool, missing: list[str], uncounted: str | None,
              unsure: str | None, said: _Words, unused: bool) -> tuple[list[str], str | None]:
        """A search's notices, in order, and its abstention notice (None when it answered): which documents were
        searched ("Only passages of …"); why it abstained, or what the documents never mention or never count;
        then what only the documents not searched mention. The documents are named as the index holds them (the
        transcript, the document, the documents), or as those searched."""
        elsewhere = []
        if docs and set(docs) < set(self.index.documents) and said.named_missing:   # what the other documents hold
            everywhere = set(whole_names(text, *names_missing(text, self._rows.vocabulary, None,
                                                              names=query_names(text) + said.borrowed)[0::2]))
            elsewhere = [t for t in said.named_missing if t not in everywhere]
        noun = self._rows.noun
        if docs and set(docs) < set(self.index.documents):      # some documents: say so
            noun = "the document searched" if len(docs) == 1 else "the documents searched"
            notices = [f"Only passages of {listing(sorted(docs), 3)}."] + notices
            if unused:
                noun = "the documents"      # the words no document of the index uses
        said = None
        if abstained:
            said = abstain_notice(noun, missing) if missing or not uncounted else count_notice(noun, uncounted)
            notices = notices + [said]
        elif missing or uncounted or unsure:
            notices = notices + [f"{missing_notice(noun, missing)} {REST}" if missing
                                 else count_notice(noun, uncounted, shown=False) if uncounted
                                 else unsure_notice(unsure)]
        if elsewhere:       # (after what the documents searched lack)
            notices = notices + [elsewhere_notice(elsewhere)]
        return notices, said

    def _quotes(self) -> np.ndarray:
        """Row -> the quote a hit on it shows, as a number: one per paragraph's quote with `expand`, else the row."""
        return self._rows.quote_of_row if self.settings.expand else self._rows.row_numbers

    def _distinct(self, first: list[int], more: list[int], k: int, passages: "_Shown") -> list[int]:
        """`first`, then the rows of `more` in order whose quote neither overlaps nor repeats the text of one before
        it (as mmr keeps them apart: a long turn's windows share a sentence), up to k rows. `passages`: the
        search's _Shown."""
        shown = [passages[r] for r in first]
        seen = {passages.key(r) for r in first}
        out = list(first)
        for r in dict.fromkeys(more):
            if len(out) >= k:
                break
            p, key = passages[r], passages.key(r)
            if key not in seen and not any(overlaps(p, q) for q in shown):
                out.append(r)
                shown.append(p)
                seen.add(key)
        return out

    def _cosine_of(self, vec: np.ndarray, every: np.ndarray | None):
        """rows (an array) -> their cosines with `vec`: the dense search's own where it computed every row's
        (`every`), else a product over those rows."""
        if every is not None:
            return every.__getitem__
        vectors = self.dense.vectors
        return lambda rows: (vectors[rows.ravel()] @ vec).reshape(rows.shape)

    def _rest(self, first: list[int], candidates: list[int], cosine, fused: dict[int, float]) -> dict[int, float]:
        """The rows that follow a conversation's `first` hits (spread over places), by where they sit, with that score
        (Rows.region): the `candidates` and the candidates (`fused`) among the turn windows within region_span of
        the first, each quote once and none of the first's (search keeps them _distinct). A meeting's discussion of one
        thing runs over many windows: after the first places, the window amid windows like the question ranks above
        a lone window that matches it (README, *The first hits from several places*)."""
        rows, span = self._rows, self.settings.region_span
        n, turn, doc, quote = len(self.index.passages), rows.is_turn, rows.doc_of_row, self._quotes()
        near = [q for r in first for q in range(max(r - span, 0), min(r + span + 1, n))       # (a few dozen: Python)
                if q != r and q in fused and turn[q] and doc[q] == doc[r]]
        taken, rest = {quote[r] for r in first}, []
        for r in dict.fromkeys(candidates + near):
            if quote[r] not in taken:
                taken.add(quote[r])
                rest.append(r)
        if not rest:
            return {}
        rest = np.asarray(rest, dtype=np.int64)
        score = rows.region(rest, cosine, span)
        return {int(rest[i]): float(score[i]) for i in np.argsort(-score, kind="stable")}    # (in that order)

    def _hits(self, picked: list[int], order: list[int], fused: dict[int, float], dense: Candidates,
              lexical: Candidates, low: bool, region: dict[int, float]) -> list[Hit]:
        """The picked rows as hits; those ranked by their place (_rest) say that score (`region_score`)."""
        wanted = set(picked)
        d_rank, l_rank, f_rank = ({r: i for i, r in enumerate(rows, 1) if r in wanted}
                                  for rows in (dense.rows, lexical.rows, order))
        return [Hit(passage=self.shown(r), rank=i, score=fused[r], low_confidence=low,
                    provenance={"lexical_rank": l_rank.get(r), "lexical_score": lexical.scores.get(r),
                                "dense_rank": d_rank.get(r), "dense_score": dense.scores.get(r),
                                "fused_rank": f_rank.get(r), "fused_score": fused[r],
                                "match_start": self.index.passages[r].start, "match_end": self.index.passages[r].end}
                    | ({"region_score": round(region[r], 4)} if r in region else {}))
                for i, r in enumerate(picked, 1)]


    def _marked_section(self, hit: Hit, section: str) -> Hit:
        """`hit` with the turns of the question its document numbers `section` ("Q7": Rows.section_spans) as the part
        the search matched, where the quote holds others too (a written answer of one line shares its window)."""
        span = self._rows.section_spans.get((hit.passage.doc, section))
        if span is None:
            return hit
        start, end = max(span[0], hit.passage.start), min(span[1], hit.passage.end)
        text = self.index.documents[hit.passage.doc].text
        while end > start and text[end - 1].isspace():      # (not the blank line before the next number)
            end -= 1
        if end <= start:
            return hit
        return replace(hit, provenance=dict(hit.provenance or {}, match_start=start, match_end=end))

    def _questions_quoted(self, hits: list[Hit], k: int) -> list[Hit]:
        """The hits of a query about what an asker asked (asks.asks_question) with each exchange's question quoted
        before its first answer, the exchanges in the order their answers came: question, answer, the next
        question, its answer, …, then the other answers and the passages that answer no question; k at most. (A
        Q&A's questions are the context of its answers, searched with them, not passages: the answers found lead
        to them.)"""
        first: list[Hit] = []
        rest: list[Hit] = []
        seen: set[tuple[str, str]] = set()
        for h in hits:
            key = (h.passage.doc, h.passage.section)
            asked = self._rows.question_of(h.passage) if key not in seen else None
            if asked is None:
                rest.append(h)
                continue
            seen.add(key)
            first += [Hit(passage=asked, rank=0, score=h.score, low_confidence=h.low_confidence), h]
        shown = (first + rest)[:k]
        # a question says which quote is its answer: the next one, unless k cut it off
        return [replace(h, rank=i, provenance={"answered_by": i + 1} if i < len(shown) else {})
                if h.passage.kind == "question" else replace(h, rank=i) for i, h in enumerate(shown, 1)]


def _script_of(text: str) -> str | None:
    """The script most of `text`'s letters are written in when it is not Latin ("CYRILLIC", "GREEK", "CJK" …), else
    None."""
    from .vocabulary import script

    found: dict[str, int] = {}
    letters = [c for c in text if c.isalpha()]
    for c in letters:
        name = "LATIN" if "a" <= c.lower() <= "z" else script(c)
        found[name] = found.get(name, 0) + 1
    best = max(found, key=found.get) if found else None
    return best if best not in (None, "LATIN") and found[best] * 2 > len(letters) else None


def open_retriever(folder=None, embedder=None, compat: Compat | None = None, **settings) -> Retriever:
    """Load and check the index in `folder` for `embedder` (the default model when None) and
    `compat` (store.load's default: the default chunking). `settings` are SearchSettings fields;
    the threshold defaults to the calibrated one for the mode."""
    from . import store
    from .embed import default_embedder

    embedder = embedder or default_embedder()
    index = store.load(folder or store.DEFAULT_INDEX, embedder=embedder, compat=compat)
    if "threshold" not in settings:
        settings["threshold"] = calibrated_threshold(index, settings.get("mode", DEFAULT_MODE))
    if "conversation" not in settings:
        settings["conversation"] = conversation_threshold(index, settings.get("mode", DEFAULT_MODE))
    retriever = Retriever(index, embedder, SearchSettings(**settings))
    if retriever.settings.mode != "lexical":
        retriever.adapter()         # a named adapter that cannot serve: a message now, not at every search
    return retriever
