"""Lexical (BM25) search over the passages, with ``bm25s``, one of the two retrievers of retrieve.py.

Built once at index time from the same passages as the vectors (row i == passage i),
saved beside the FAISS index in bm25s's own plain format (JSON + ``.npy`` arrays,
``allow_pickle=False``), read by ``LexicalSearch`` on its first use; never rebuilt per query
(only an index saved without one, or in memory, gets one built, once).
``LexicalSearch`` has the interface of ``dense.DenseSearch`` (``encode``: the query's tokens),
and ``coverage`` for the confidence.

What a passage contributes: its text plus its question (``Passage.question``), so that
a journalist's own wording finds the answer given to it. Tokens are lower-cased words,
English stop words dropped, Snowball-stemmed when PyStemmer is installed.
A query's words also look for their neighbours in the index's vocabulary (expand.py: "western" for
"west"), at expand.WEIGHT of their own.
What it leaves out: phrase and proximity matching, other languages' stemmers.
"""
from __future__ import annotations

import json
import re
import threading
import unicodedata
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import IndexProblem
from .records import Candidates, Passage

FOLDER = "lexical"
# the tokenizer's version: 2 composes accents (NFC) and reads Cyrillic words by Russian's stop words and stemmer
# (session 34); 3 drops invisible format characters and reads ligatures as letters (plain_text, session 37); an index
# of an older version whose passages hold such text has its BM25 made again when read (LexicalSearch)
TOKENS = 3
_WORD = re.compile(r"\w+")
# Unicode's invisible format characters (category Cf: a soft hyphen, zero-width joiners, bidi marks, a stray
# byte-order mark), which no word is spelt with: "Wom\u00adbatson" is "Wombatson"; but for the zero-width space
# (U+200B), which breaks words (Thai's and Khmer's spaces, HTML's <wbr>): a space (ZERO_WIDTH_SPACE)
INVISIBLE = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200c-\u200f\u202a-\u202e"
                       "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
                       "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")
ZERO_WIDTH_SPACE = "\u200b"
# the Latin ligatures a PDF's text keeps ("ﬁnance"): their letters
_LIGATURES = re.compile("[\ufb00-\ufb06]")


def plain_text(text: str) -> str:
    """`text` as its words are matched: invisible format characters dropped (INVISIBLE; a zero-width space is a
    space), ligatures as their letters,
    accents composed (NFC: "cafe\u0301" is "café"). Its offsets may move: for finding words, never for quoting."""
    if text.isascii():
        return text
    text = INVISIBLE.sub("", text.replace(ZERO_WIDTH_SPACE, " "))
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


class Lexical:
    """A BM25 index whose row i scores passage i, and its words' neighbours (expand.py; None: none)."""

    def __init__(self, bm25, stem: bool, expansions=None, version: int | None = None):
        self.bm25 = bm25
        self.stem = stem
        self.expansions = expansions
        self.version = TOKENS if version is None else version     # the tokenizer's version it was made with

    def tokens(self, query: str) -> list[str]:
        return tokenize(query, self.stem)

    def scores(self, query: str | list[str]) -> np.ndarray:
        """BM25 score of every passage for `query` (text or its tokens; zeros when no word is known)."""
        tokens = self.tokens(query) if isinstance(query, str) else query
        n = int(self.bm25.scores["num_docs"])
        known = [t for t in tokens if t in self.bm25.vocab_dict]
        if not known:
            return np.zeros(n, dtype="float32")
        return np.asarray(self.bm25.get_scores(known), dtype="float32")

    def coverage(self, tokens: list[str]) -> float:
        """The share of the query's words that occur anywhere in the index (0 for no words)."""
        return sum(t in self.bm25.vocab_dict for t in tokens) / len(tokens) if tokens else 0.0


_local = threading.local()   # PyStemmer's stemmers are not thread-safe: one per thread
NO_STEMMER = "The lexical index was stemmed, but PyStemmer is not installed: pip install PyStemmer"


def _stemmer(language: str = "english"):
    if not hasattr(_local, language):
        try:
            import Stemmer
            setattr(_local, language, Stemmer.Stemmer(language))
        except ModuleNotFoundError:
            setattr(_local, language, None)
    return getattr(_local, language)


_CYRILLIC = re.compile("[\u0400-\u04ff]")


@lru_cache(maxsize=2)
def _stopwords(language: str = "english") -> frozenset:
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_RUSSIAN
    return frozenset(STOPWORDS_RUSSIAN if language == "russian" else STOPWORDS_EN)


def tokenize(text: str, stem: bool = True) -> list[str]:
    """Lower-cased words of the text as plain_text reads it (accents composed, no soft hyphen or zero-width
    character inside a word, ligatures as letters), stop words dropped, stemmed when `stem` (and PyStemmer is there);
    a word in Cyrillic letters by Russian's stop words and stemmer ("Хатанге", "Хатанга": "хатанг")."""
    stop = _stopwords()
    text = plain_text(text)
    words = [w for w in _WORD.findall(text.lower()) if w not in stop]
    stemmer = _stemmer() if stem else None
    if not stemmer:
        return words
    if not any(_CYRILLIC.search(w) for w in words):
        return stemmer.stemWords(words)
    russian, russian_stop = _stemmer("russian"), _stopwords("russian")
    return [russian.stemWord(w) if _CYRILLIC.search(w) else stemmer.stemWord(w) for w in words
            if not (_CYRILLIC.search(w) and w in russian_stop)]


def _retokenized(texts: list[str], version: int) -> bool:
    """Whether this version's tokenizer reads `texts` otherwise than `version` did, enough to matter: invisible
    characters or ligatures (before 3), accents decomposed, or Cyrillic letters one in a hundred or more (before 2;
    not the default transcript's "Читать на русском" link)."""
    if version < 3 and any(INVISIBLE.search(t) or _LIGATURES.search(t) for t in texts):
        return True
    if version >= 2:
        return False
    if not all(unicodedata.is_normalized("NFC", t) for t in texts):
        return True
    cyrillic = sum(len(_CYRILLIC.findall(t)) for t in texts)
    return cyrillic > 0 and cyrillic * 100 >= sum(len(t) for t in texts)


def lexical_text(p: Passage) -> str:
    """What BM25 sees for a passage: its text and the question it answers."""
    return f"{p.text}\n{p.question}" if p.question else p.text


def build(passages: list[Passage], embedder=None, previous=None) -> Lexical:
    """A BM25 index over `passages` (row i == passages[i]); with an `embedder`, its words' neighbours too
    (expand.py), reusing the word vectors of `previous` (the index's expand.Expansions before a change)."""
    import bm25s

    stem = _stemmer() is not None
    corpus = [tokenize(lexical_text(p), stem) or ["\u2205"] for p in passages]  # no empty rows
    bm25 = bm25s.BM25()
    if corpus:
        bm25.index(corpus, show_progress=False)
    expansions = None
    if embedder is not None and corpus:
        from . import expand

        stop = _stopwords()
        surface = sorted({w for p in passages for w in _WORD.findall(lexical_text(p).lower()) if w not in stop})
        stemmer = _stemmer() if stem else None
        stems = stemmer.stemWords(surface) if stemmer else surface
        expansions = expand.build(expand.vocabulary(dict(zip(surface, stems))), embedder, previous)
    return Lexical(bm25, stem, expansions)


def save(lex: Lexical, folder: Path) -> None:
    """Write `lex` into folder/lexical/ (bm25s's format, no pickle)."""
    out = Path(folder) / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    lex.bm25.save(str(out), allow_pickle=False, show_progress=False)
    (out / "tokenizer.json").write_text(json.dumps({"stem": lex.stem, "stopwords": "en", "tokens": lex.version}),
                                        encoding="utf-8")
    if lex.expansions is not None:
        from . import expand
        expand.save(lex.expansions, out)


def load(folder: Path, passages: int | None = None) -> Lexical:
    """Read folder/lexical/; IndexProblem when it is missing, broken or has the wrong row count."""
    import bm25s

    src = Path(folder) / FOLDER if folder is not None else None
    if src is None or not (src / "tokenizer.json").is_file():
        raise IndexProblem(f"The index in {folder}/ has no lexical index ({FOLDER}/)")
    try:
        meta = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(src), allow_pickle=False, load_corpus=False)
    except Exception as e:  # noqa: BLE001 - every way the files can be broken ends here
        raise IndexProblem(f"The lexical index in {src}/ is damaged ({type(e).__name__}: {e})")
    if meta.get("stem") and _stemmer() is None:
        raise IndexProblem(NO_STEMMER)
    from . import expand
    lex = Lexical(bm25, bool(meta.get("stem")), expand.load(src), version=meta.get("tokens", 1))
    if passages is not None and int(bm25.scores["num_docs"]) != passages:
        raise IndexProblem(f"The lexical index in {src}/ has {bm25.scores['num_docs']} rows for {passages} passages")
    return lex


class LexicalSearch:
    """Lexical candidates over an Index: its BM25 index (the one it was made with, else the one
    saved in its folder, else one built over its passages), read on first use."""

    def __init__(self, index):
        self.index = index
        self._lexical: Lexical | None = index.lexical

    @property
    def lexical(self) -> Lexical:
        if self._lexical is None:
            try:
                self._lexical = load(self.index.folder, len(self.index.passages))
            except IndexProblem:   # an index saved without one (or in memory): build it, once
                self._lexical = build(self.index.passages)
            if self._lexical.version < TOKENS and _retokenized([lexical_text(p) for p in self.index.passages],
                                                                  self._lexical.version):
                # (made before: its Cyrillic or decomposed words would meet no query's; its neighbours kept)
                self._lexical = Lexical(build(self.index.passages).bm25, self._lexical.stem, self._lexical.expansions)
        return self._lexical

    def warm_up(self) -> None:
        self.lexical

    def encode(self, text: str) -> list[str]:
        """The query's tokens (as the passages' were made)."""
        return self.lexical.tokens(text)

    def rows_with(self, tokens: list[str]) -> np.ndarray:
        """Every row that holds all of `tokens` (their BM25 each above 0)."""
        held = np.ones(len(self.index.passages), dtype=bool)
        for t in tokens:
            held &= self.lexical.scores([t]) > 0
        return np.flatnonzero(held)

    def expand(self, tokens: list[str]) -> list[str]:
        """The neighbours of the query's tokens in the index's vocabulary (expand.py; none without)."""
        found = self.lexical.expansions
        return found.of(tokens) if found is not None and tokens else []

    def search(self, tokens: list[str], allowed: np.ndarray | None, depth: int, extra: list[str] = ()
               ) -> Candidates:
        """The `depth` best rows by BM25 (among `allowed`); only rows sharing a word with the query. `extra`:
        words whose BM25 adds expand.WEIGHT times theirs (the query's expansions); `own` then keeps the best
        score of the query's words alone."""
        scores = self.lexical.scores(tokens) if tokens else np.zeros(len(self.index.passages))
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        if not extra:
            return Candidates.best(scores, depth, positive=True)
        from .expand import WEIGHT
        more = self.lexical.scores(list(extra))
        if allowed is not None:
            more = np.where(allowed, more, 0.0)
        found = Candidates.best(scores + WEIGHT * more, depth, positive=True)
        return replace(found, own=float(scores.max(initial=0.0)))

    def coverage(self, tokens: list[str]) -> float:
        """The share of the query's words that occur anywhere in the index (0 for no words)."""
        return self.lexical.coverage(tokens) if tokens else 0.0
