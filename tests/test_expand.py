"""Query expansion from the index's own vocabulary (expand.py): each index word keeps its nearest words by the
model; BM25 counts a query word's neighbours too, the confidence only the query's own words; saved with the
index, and an added document embeds only its new words."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from rag import build, expand, lexical, store
from rag.errors import IndexProblem
from rag.retrieve import Retriever, SearchSettings

from conftest import FakeEmbedder

SAME = {"weapons": "arms", "west": "western"}      # words the test model takes for one another


class WordTable(FakeEmbedder):
    """FakeEmbedder whose lone words get a random unit vector of their own (cosine ~0 between two words),
    the words of SAME their partner's."""

    fingerprint = "word-table-v1"
    dim = 256

    def _vec(self, text):
        if " " in text.strip() or not text.strip().isalpha():
            return super()._vec(text)
        word = SAME.get(text.lower(), text.lower())
        seed = int(hashlib.md5(word.encode()).hexdigest()[:8], 16)
        v = np.random.RandomState(seed).standard_normal(self.dim).astype("float32")
        return v / np.linalg.norm(v)


TEXT = ("Everything the West does, supplying weapons, creates a temptation to use force.\n\n"
        "Western journalists asked about the plans of the government.\n\n"
        "Arms control is another matter, discussed in Geneva.\n")


def test_neighbours_are_the_nearest_words_at_the_threshold_and_never_a_function_word():
    emb = WordTable()
    found = expand.build(expand.vocabulary({"arms": "arm", "weapons": "weapon", "cat": "cat", "your": "your"}), emb)
    assert found.neighbours == {"arm": ("weapon",), "weapon": ("arm",)}     # "cat" is near nothing
    assert "your" not in found.words                                         # a function word is not embedded
    assert found.of(["arm", "geneva"]) == ["weapon"] and found.of(["arm", "weapon"]) == []


def test_a_query_finds_a_passage_through_the_neighbours_of_its_words_and_keeps_its_confidence(tmp_path):
    docs = []
    for i, paragraph in enumerate(TEXT.split("\n\n")):      # one passage each
        docs.append(tmp_path / f"{i}.txt")
        docs[-1].write_text(paragraph, encoding="utf-8")
    emb = WordTable()
    index = build.build(docs, emb, folder=tmp_path / "idx")
    assert index.lexical.expansions is not None
    r = Retriever(store.load(tmp_path / "idx", embedder=emb), emb, SearchSettings(mode="lexical"))
    plain = r.with_settings(expand_words=False)
    query = "Western arms"
    found, alone = r.search(query, 3, abstain=False), plain.search(query, 3, abstain=False)
    quoted = [h.passage.text for h in found.hits]
    assert any("supplying weapons" in t for t in quoted)                      # West, weapons: no word of the query
    assert not any("supplying weapons" in t for t in (h.passage.text for h in alone.hits))
    assert found.confidence == alone.confidence                               # the query's own words only
    # (here the passage with the best expanded score is not the one with the best own score)
    west, west_alone = r.search("West arms", 3, abstain=False), plain.search("West arms", 3, abstain=False)
    assert west.confidence == west_alone.confidence
    got = r.lexical.search(r.lexical.encode("West arms"), None, 10, r.lexical.expand(r.lexical.encode("West arms")))
    assert got.own is not None and got.own < max(got.scores.values())
    assert r._candidates(got, 1, set()).own == got.own                       # kept when the candidates are cut
    # its own words still come first: a passage holding them outranks one holding only their neighbours
    assert "supplying weapons" not in quoted[0]


def test_the_neighbours_are_saved_with_the_index_and_an_added_document_embeds_only_its_new_words(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(TEXT, encoding="utf-8")
    second.write_text("The weapons of the West were discussed again. Sanctions were not.\n", encoding="utf-8")
    emb = WordTable()
    build.build([first], emb, folder=tmp_path / "idx")
    before = expand.load(tmp_path / "idx" / lexical.FOLDER)
    assert before is not None and before.neighbours and before.model == emb.fingerprint
    emb.words = 0
    build.add_documents([second], emb, tmp_path / "idx")
    after = expand.load(tmp_path / "idx" / lexical.FOLDER)
    new = set(after.words) - set(before.words)
    assert new and emb.words == len(new)                  # "sanctions", "discussed", ...: the rest reused
    loaded = store.load(tmp_path / "idx", embedder=emb)   # its checksums cover the two new files
    assert {"lexical/" + expand.FILE, "lexical/" + expand.VECTORS} <= set(loaded.manifest["files"])


def test_an_index_without_neighbours_searches_its_words_alone(tmp_path, tiny_index, fake_embedder):
    index = store.load(tiny_index, embedder=fake_embedder)
    store.save(index.__class__(**{**index.__dict__, "lexical": lexical.build(index.passages)}),
                      tmp_path / "bare")
    assert expand.load(tmp_path / "bare" / lexical.FOLDER) is None
    r = Retriever(store.load(tmp_path / "bare", embedder=fake_embedder), fake_embedder)
    assert r.lexical.expand(["pipelin"]) == [] and r.search("pipeline", 2).hits


def test_unreadable_expansions_are_none_not_an_error(tmp_path):
    (tmp_path / expand.FILE).write_text("{not json", encoding="utf-8")
    assert expand.load(tmp_path) is None
    (tmp_path / expand.FILE).write_text('{"model": "m", "words": ["a"], "stems": ["a"], "expand": {}}', "utf-8")
    np.save(tmp_path / expand.VECTORS, np.float16(1))                         # a scalar, not a row per word
    assert expand.load(tmp_path) is None


def test_a_rebuild_embeds_every_word_again_and_reuses_nothing_from_a_damaged_index(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    emb = WordTable()
    build.build([doc], emb, folder=tmp_path / "idx")
    saved = expand.load(tmp_path / "idx" / lexical.FOLDER)
    np.save(tmp_path / "idx" / lexical.FOLDER / expand.VECTORS, np.ones_like(saved.vectors), allow_pickle=False)
    with pytest.raises(IndexProblem):
        store.load(tmp_path / "idx", embedder=emb)                            # its checksum says so
    emb.words = 0
    build.build([doc], emb, folder=tmp_path / "idx")                          # the rebuild the message names
    again = expand.load(tmp_path / "idx" / lexical.FOLDER)
    assert emb.words == len(again.words) and again.neighbours == saved.neighbours
