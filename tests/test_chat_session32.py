"""Session 32: a seminar host's review of the chat in a real browser (their own documents: a board meeting, an interview
as subtitles, a report). Each test fails without its fix. The browser tests (marked) serve the chat in this process
over a folder indexed with the fake embedder and drive it in Debian's chromium; screenshots go to artifacts/."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
browser_test = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")

# the host's 1,575-character question (repro 08)
LONG = ("I would like to understand, in as much detail as the transcript allows, what exactly the minister said about "
        "the security guarantees that Russia proposed to the United States and NATO in December, " * 8).strip()


# ---- 10: a long question gets one count ------------------------------------------------------------------------------

def test_a_long_question_is_counted_once_the_same(tiny_index, fake_embedder):
    """Session 32: a 1,575-character question showed "Show the part searched (998 of its 1,575 characters)" above
    "Searched for its first 997 characters." (the API said 997 too): the page counted its own shortening, "…"
    included. Both say how much was searched, and the question shown is that part."""
    from rag import chat, render
    from rag.retrieve import open_retriever

    assert len(LONG) == 1575
    turn = chat.ask(open_retriever(tiny_index, fake_embedder), LONG, 2)
    shown = render.turn_html(turn, 1)
    toggle = re.search(r"Show the part searched \(([\d,]+) of its 1,575 characters\)", shown)
    line = re.search(r"Searched for its first ([\d,]+) characters\.", shown)
    assert toggle and line and toggle.group(1) == line.group(1) == f"{len(turn.query):,}", (toggle, line)
    question = re.search(r'<p class="rq-question">(.*?)</p>', shown).group(1)
    assert question == render.esc(turn.query) + "\u2026"
