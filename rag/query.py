"""What a search is asked: the query cleaned (control characters out, white space folded, cut to
MAX_QUERY_CHARS), the number of passages checked, the retrieval modes. Light: the command line's parser and the
chat's links read these without loading the search."""
from __future__ import annotations

import re
import unicodedata

import numpy as np

from .calibration import DEFAULT_MODE, MODES  # noqa: F401 - the search modes, re-exported for the searches
from .errors import QueryError

MAX_QUERY_CHARS = 1000
# a question's characters read at all (the chat's box holds no more; a request may send megabytes): the rest dropped
# before anything walks them
MAX_QUESTION_CHARS = 100_000
MAX_K = 50
DEFAULT_K = 5               # the passages a search returns unless asked for more (-k, the chat's slider)


def clean_query(query: str) -> tuple[str, list[str]]:
    """Drop control and invisible format characters, fold whitespace, compose accents (NFC), cut to MAX_QUERY_CHARS;
    a lone surrogate (valid
    JSON, "\\udce9", or a terminal's undecodable byte) becomes U+FFFD, which the tokenizer can take."""
    if not isinstance(query, str):
        raise QueryError("The query must be text.")
    text = visible(query)
    notices = []
    if not text:
        raise QueryError("Please type a question: the query is empty.")
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        # ("?!?", "🔥🔥": nothing to search for, and an index without a threshold of its own answered it with quotes)
        raise QueryError("Please type a question in words: the query has no letter or digit to search for.")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
        notices.append(cut_notice(len(text)))
    return text, notices


def visible(query: str) -> str:
    """`query` without control and invisible format characters, its whitespace folded, its accents composed (NFC), a
    lone surrogate as U+FFFD: '' where nothing would be seen (what an empty ask box sends, or U+200B alone)."""
    query = re.sub("[\ud800-\udfff]", "\ufffd", query[:MAX_QUESTION_CHARS])
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") or c == "\u200b" else c   # (a zero-width
                   for c in query if unicodedata.category(c) != "Cf" or c == "\u200b")         # space breaks words)
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text).strip())    # ("cafe\u0301" is "café")


def cut_notice(searched: int) -> str:
    """What is said of a query cut to its first `searched` characters (the chat leaves this line out for its own,
    which gives the same count: render.searched_html)."""
    return f"The query was cut to its first {searched} characters (limit {MAX_QUERY_CHARS})."


def check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise QueryError(f"The number of passages must be a whole number, not {k!r}.")
    if not 1 <= k <= MAX_K:
        shown = str(k) if len(str(k)) <= 12 else f"a number of {len(str(abs(int(k))))} digits"     # (not all 309)
        raise QueryError(f"The number of passages must be between 1 and {MAX_K}, not {shown}.")
    return int(k)
