"""Lexical search: tokens, scores, persisted in bm25s's own files (no pickle), loaded back."""
from __future__ import annotations

import json

import numpy as np
import pytest

from rag import lexical
from rag.errors import IndexProblem
from rag.records import Passage


def _p(text, question=None, n=1):
    return Passage(doc="d", start=0, end=len(text), text=text, section="text", kind="answer",
                   paragraph=n, question=question)


PASSAGES = [
    _p("Sanctions against the bank were imposed in March.", n=1),
    _p("Water prices will stay flat next year.", n=2),
    _p("Yes, it is funded.", question="Is the new pipeline funded by the regional grant?", n=3),
]


def test_tokens_drop_stop_words_and_stem():
    tokens = lexical.tokenize("The sanctions are being imposed")
    assert "the" not in tokens and "are" not in tokens
    assert "sanction" in tokens    # stemmed (PyStemmer)


def test_scores_rank_the_passage_sharing_the_words():
    lex = lexical.build(PASSAGES)
    scores = lex.scores("new sanctions imposed")
    assert scores.shape == (3,) and int(np.argmax(scores)) == 0
    assert scores[1] == 0


def test_the_question_makes_its_answer_findable():
    lex = lexical.build(PASSAGES)
    assert int(np.argmax(lex.scores("regional grant pipeline"))) == 2


def test_unknown_words_score_zero_and_coverage_counts_known_words():
    lex = lexical.build(PASSAGES)
    assert not lex.scores("zyzzyva quux").any()
    assert lex.coverage(lex.tokens("water zyzzyva")) == pytest.approx(0.5)
    assert lex.coverage([]) == 0.0


def test_save_and_load_round_trip_without_pickle(tmp_path):
    lex = lexical.build(PASSAGES)
    lexical.save(lex, tmp_path)
    files = sorted(p.name for p in (tmp_path / "lexical").iterdir())
    assert all(f.endswith((".json", ".npy")) for f in files)
    for f in (tmp_path / "lexical").glob("*.npy"):
        np.load(f, allow_pickle=False)          # refuses pickled arrays
    back = lexical.load(tmp_path, passages=3)
    np.testing.assert_allclose(back.scores("water prices"), lex.scores("water prices"))


def test_load_refuses_missing_damaged_or_mismatched(tmp_path):
    with pytest.raises(IndexProblem):
        lexical.load(tmp_path)
    lexical.save(lexical.build(PASSAGES), tmp_path)
    with pytest.raises(IndexProblem, match="rows"):
        lexical.load(tmp_path, passages=5)
    (tmp_path / "lexical" / "vocab.index.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(IndexProblem, match="damaged"):
        lexical.load(tmp_path)


def test_the_index_build_writes_the_lexical_index(tiny_index):
    meta = json.loads((tiny_index / "lexical" / "tokenizer.json").read_text())
    assert meta["stem"] is True
    manifest = json.loads((tiny_index / "manifest.json").read_text())
    assert lexical.load(tiny_index, passages=manifest["passages"])
