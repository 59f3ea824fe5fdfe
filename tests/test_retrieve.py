"""Retrieval: fusion, dedup and diversity, abstention, provenance, document filter, modes."""
from __future__ import annotations

import json

import numpy as np
import pytest

from rag.calibration import CONFIDENCE

from rag import store
from rag.errors import QueryError
from rag.records import Document, Passage
from rag.retrieve import (Retriever, SearchSettings, calibrated_threshold, mmr, open_retriever,
                          rrf, score_fusion)

PROVENANCE = {"lexical_rank", "lexical_score", "dense_rank", "dense_score", "fused_rank", "fused_score",
              "match_start", "match_end"}


# ---- fusion ---------------------------------------------------------------------------------------

def test_rrf_sums_reciprocal_ranks():
    fused = rrf([([7, 8], 1.0), ([8, 9], 1.0)], k=10)
    assert fused[8] == pytest.approx(1 / 12 + 1 / 11)
    assert fused[7] == pytest.approx(1 / 11) and fused[9] == pytest.approx(1 / 12)
    assert max(fused, key=fused.get) == 8          # found by both beats first in one


def test_score_fusion_weights_scaled_scores():
    dense = {1: 0.9, 2: 0.5, 3: 0.1}
    lex = {2: 10.0, 4: 5.0}
    f = score_fusion(dense, lex, alpha=0.5)
    assert f[1] == pytest.approx(0.5 * 1.0 + 0.5 * 0.5)     # missing from BM25: its lowest score
    assert f[2] == pytest.approx(0.5 * 0.5 + 0.5 * 1.0)
    assert f[4] == pytest.approx(0.5 * 0.0 + 0.5 * 0.5)     # missing from dense: the lowest
    assert score_fusion(dense, lex, alpha=1.0)[1] == pytest.approx(1.0)   # dense only
    only_lex = score_fusion(dense, lex, alpha=0.0)
    assert max(only_lex, key=only_lex.get) == 2


def test_score_fusion_gives_no_lexical_credit_to_rows_bm25_gave_none_when_it_returned_them_all():
    dense = {1: 0.9, 2: 0.5, 3: 0.1}
    lone = {3: 7.0}         # the only passage that holds the query's word
    assert score_fusion(dense, lone, alpha=0.5)[1] == pytest.approx(0.5 + 0.5)     # (truncated: the lowest)
    complete = score_fusion(dense, lone, alpha=0.5, lexical_complete=True)
    assert complete[1] == pytest.approx(0.5) and complete[3] == pytest.approx(0.5)
    assert complete[2] == pytest.approx(0.5 * 0.5)


# ---- a hand-made index: one long paragraph in three slices, and two other answers ------------------

class QueryEmbedder:
    """encode_query returns a vector chosen by the test; no model."""
    name, fingerprint, max_tokens = "stub", "stub-v1", 256

    def __init__(self, vec):
        self.vec = np.asarray(vec, dtype="float32") / np.linalg.norm(vec)

    def encode_query(self, text):
        return self.vec


def _index(vectors, texts, paragraphs):
    text = "\n\n".join(texts)
    doc = Document.from_text("d.txt", text)
    passages, pos = [], 0
    for t, n in zip(texts, paragraphs):
        passages.append(Passage(doc="d.txt", start=pos, end=pos + len(t), text=t, section=f"Q{n}",
                                kind="answer", paragraph=n))
        pos += len(t) + 2
    v = np.asarray(vectors, dtype="float32")
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return store.Index(manifest={"model": {}, "chunking": {}}, documents={"d.txt": doc}, paragraphs=passages,
                       passages=passages, vectors=store.vectors_index(v))


SLICES = _index(
    # the query is [1, 0, 0]: slices have cosine 0.9 to it, the other answer 0.85 (and 0.53 to the slices)
    [[0.9, 0.436, 0], [0.9, 0.436, 0.01], [0.9, 0.436, 0.02], [0.85, -0.527, 0], [0, 0, 1]],
    ["Slice one of the long answer.", "Slice two of the long answer.", "Slice three of the long answer.",
     "Another answer, also relevant.", "Something else entirely."],
    [1, 1, 1, 2, 3])


def test_mmr_keeps_other_answers_in_the_top_k():
    r = Retriever(SLICES, QueryEmbedder([1, 0, 0]), SearchSettings(mode="dense", mmr=1.0, expand=False))
    plain = [h.passage.paragraph for h in r.search("q", 2).hits]
    assert plain == [1, 1]                                   # relevance alone: two slices of one paragraph
    diverse = [h.passage.paragraph for h in r.with_settings(mmr=SearchSettings().mmr).search("q", 3).hits]
    assert diverse[:2] == [1, 2]


def test_a_rare_word_in_one_passage_ranks_it_first_in_a_hybrid_search():
    # (a hostile review: one passage held "Yatsenyuk", BM25 returned it alone, and every other passage was given
    # its BM25 score as "the lowest returned", so the dense order decided and the name's passage was not in the top 10)
    index = _index([[1, 0, 0], [0.95, 0.3, 0], [0.9, 0.43, 0], [0, 0, 1]],
                   ["Security guarantees were discussed at length.", "The talks on guarantees went on.",
                    "Guarantees again, and the talks.", "Yatsenyuk said nothing new about it."], [1, 2, 3, 4])
    r = Retriever(index, QueryEmbedder([1, 0, 0]), SearchSettings(expand=False))
    assert r.search("Yatsenyuk", 4, abstain=False).hits[0].passage.paragraph == 4


def test_mmr_never_returns_overlapping_or_repeated_passages():
    a = Passage(doc="d", start=0, end=20, text="x" * 20, section="Q1", kind="answer", paragraph=1)
    b = Passage(doc="d", start=10, end=30, text="y" * 20, section="Q1", kind="answer", paragraph=1)
    c = Passage(doc="d", start=40, end=60, text="x" * 20, section="Q1", kind="answer", paragraph=1)  # repeats a
    d = Passage(doc="d", start=70, end=80, text="z" * 10, section="Q2", kind="answer", paragraph=2)
    picked = mmr([0, 1, 2, 3], {0: 1.0, 1: 0.9, 2: 0.8, 3: 0.1}, None, [a, b, c, d], k=4, lam=1.0)
    assert picked == [0, 3]


def test_mmr_with_a_nan_relevance_still_picks_k_rows_and_each_once():
    # (a NaN relevance makes every scaled one NaN; a row picked must stay out: a hostile review found it came back
    # and used up the picks, [0, 1] for k=4)
    passages = [Passage(doc="d", start=10 * i, end=10 * i + 5, text=f"text {i}", section="Q", kind="answer",
                        paragraph=i) for i in range(5)]
    picked = mmr([0, 1, 2, 3, 4], {0: 1.0, 1: 0.9, 2: float("nan"), 3: 0.5, 4: 0.2}, None, passages, k=4, lam=0.8)
    assert picked == [0, 1, 2, 3]


# ---- the tiny interview through the real build (fake embedder) -------------------------------------

@pytest.fixture
def retriever(tiny_index, fake_embedder):
    return open_retriever(tiny_index, fake_embedder)


def test_answers_not_questions_and_provenance(retriever):
    result = retriever.search("Is the pipeline funded?", 3)
    assert result.hits and not result.abstained
    top = result.hits[0]
    assert "regional grant" in top.passage.text and top.passage.kind == "answer"
    assert all(h.passage.kind != "question" for h in result.hits)
    for rank, h in enumerate(result.hits, 1):
        assert set(h.provenance) == PROVENANCE and h.rank == rank
        assert h.provenance["fused_score"] == h.score
        assert h.passage.start <= h.provenance["match_start"] < h.provenance["match_end"] <= h.passage.end
    assert top.provenance["lexical_rank"] == 1 and top.provenance["dense_rank"] is not None
    scores = [h.score for h in result.hits]
    assert scores[0] == max(scores)


def test_modes_fill_only_their_ranks(retriever):
    dense = retriever.with_settings(mode="dense").search("pipeline funded", 2)
    assert all(h.provenance["lexical_rank"] is None for h in dense.hits)
    lex = retriever.with_settings(mode="lexical").search("pipeline funded", 2)
    assert all(h.provenance["dense_rank"] is None for h in lex.hits)
    assert "pipeline" in lex.hits[0].passage.text.lower()
    with pytest.raises(QueryError):
        Retriever(retriever.index, retriever.embedder, SearchSettings(mode="magic"))


def test_abstains_below_the_threshold_and_marks_the_hits(retriever):
    answered = retriever.search("Is the pipeline funded by a grant?", 3)
    unanswered = retriever.search("zebra migration patterns in Kenya", 3)
    assert answered.confidence > unanswered.confidence
    cut = (answered.confidence + unanswered.confidence) / 2
    strict = retriever.with_settings(threshold=cut)
    yes, no = strict.search("Is the pipeline funded by a grant?", 3), strict.search("zebra migration patterns in Kenya", 3)
    assert not yes.abstained and not any(h.low_confidence for h in yes.hits)
    assert no.abstained and no.hits and all(h.low_confidence for h in no.hits)
    # (a zebra, "Zebra" and "zebra" in the languages borrowed.py reads, is named as a term the documents lack)
    assert no.abstain_notice in no.notices and no.missing_terms == ["zebra", "Kenya"] and yes.abstain_notice is None
    assert no.abstain_notice.startswith("The transcript never mentions 'zebra' or 'Kenya'.")
    assert not strict.search("zebra migration patterns in Kenya", 3, abstain=False).abstained
    # no threshold: the confidence abstains on nothing; a name no document mentions still decides
    assert not retriever.with_settings(threshold=None).search("seasonal migration patterns of herds", 3).abstained
    assert retriever.with_settings(threshold=None).search("zebra migration patterns in Kenya", 3).abstained


def test_threshold_comes_from_calibration_json_made_for_this_model_and_chunking(tiny_index, fake_embedder):
    manifest = json.loads((tiny_index / "manifest.json").read_text())
    cal = {"model": manifest["model"]["fingerprint"], "chunking": manifest["chunking"], "confidence": CONFIDENCE,
           "modes": {"hybrid": {"threshold": 0.25}, "dense": {"threshold": 0.5}}}
    (tiny_index / "calibration.json").write_text(json.dumps(cal))
    assert open_retriever(tiny_index, fake_embedder).settings.threshold == 0.25
    assert open_retriever(tiny_index, fake_embedder, mode="dense").settings.threshold == 0.5
    assert open_retriever(tiny_index, fake_embedder, mode="lexical").settings.threshold is None
    (tiny_index / "calibration.json").write_text(json.dumps({**cal, "model": "other-weights"}))
    assert open_retriever(tiny_index, fake_embedder).settings.threshold is None
    (tiny_index / "calibration.json").write_text("not json")
    index = store.load(tiny_index, fake_embedder)
    assert calibrated_threshold(index) is None


def test_docs_restricts_the_search(tmp_path, interview_file, fake_embedder):
    from rag.build import build

    other = tmp_path / "other.txt"
    other.write_text("The pipeline to the moon is funded by cheese.\n", encoding="utf-8")
    folder = tmp_path / "two"
    build([interview_file, other], fake_embedder, folder=folder)
    r = open_retriever(folder, fake_embedder)
    both = {h.passage.doc for h in r.search("pipeline funded", 5).hits}
    assert both == {"briefing.txt", "other.txt"}
    only = r.search("pipeline funded", 5, docs={"other.txt"})
    assert only.hits and {h.passage.doc for h in only.hits} == {"other.txt"}
    with pytest.raises(QueryError, match="No such document"):
        r.search("pipeline", 3, docs={"missing.txt"})
    # a hostile review's: the path a citation shows, and "", were refused without saying what the ids are
    with pytest.raises(QueryError, match=r"'talks/other.txt'\. Did you mean other.txt\? Its documents: briefing.txt, "
                                         r"other.txt \(`rag docs` lists them\)"):
        r.search("pipeline", 3, docs={"talks/other.txt"})
    with pytest.raises(QueryError, match=r"No such document in the index: ''\. Its documents"):
        r.search("pipeline", 3, docs={""})
    for asked in ("OTHER.TXT", "other", " other.txt"):     # and the name in other case, or without its extension
        with pytest.raises(QueryError, match=r"Did you mean other.txt\?"):
            r.search("pipeline", 3, docs={asked})


def test_lexical_index_is_loaded_not_rebuilt(tiny_index, fake_embedder, monkeypatch):
    from rag import lexical

    def fail(*a, **k):
        raise AssertionError("the lexical index was rebuilt at query time")

    monkeypatch.setattr(lexical, "build", fail)
    r = open_retriever(tiny_index, fake_embedder)
    r.search("pipeline", 2)
    r.search("water prices", 2)


def test_a_window_hit_quotes_its_whole_paragraph(tmp_path, fake_embedder):
    from rag.build import build

    body = " ".join(f"Point {i} concerns the harbour dredging plan." for i in range(30)) + \
        " The zebra clause was dropped in the end."
    path = tmp_path / "long.txt"
    path.write_text(f"Question: What about the harbour?\n\nJane Doe: {body}\n\n"
                    f"Question: And the budget?\n\nJane Doe: The budget is fine.\n", encoding="utf-8")
    folder = tmp_path / "long"
    build([path], fake_embedder, folder=folder)
    r = open_retriever(folder, fake_embedder)
    assert len([p for p in r.index.passages if p.section == "Q1"]) > 1      # the paragraph is in windows
    hit = r.search("zebra clause dropped", 3).hits[0]
    doc = r.index.documents["long.txt"]
    assert hit.passage.text == body and doc.text[hit.passage.start:hit.passage.end] == body
    match = doc.text[hit.provenance["match_start"]:hit.provenance["match_end"]]
    assert "zebra clause" in match and len(match) < len(body)
    assert [h.passage.section for h in r.search("zebra clause dropped", 3).hits].count("Q1") == 1
    window = r.with_settings(expand=False).search("zebra clause dropped", 3).hits[0]
    assert "zebra clause" in window.passage.text and window.passage.text != body


def test_an_index_without_calibration_borrows_the_shipped_one_for_the_same_model(tiny_index, fake_embedder,
                                                                                 tmp_path, monkeypatch):
    from rag import calibration

    manifest = json.loads((tiny_index / "manifest.json").read_text())
    shipped = tmp_path / "shipped" / "calibration.json"
    shipped.parent.mkdir()
    monkeypatch.setattr(calibration, "SHIPPED", shipped)
    made_for = {"model": manifest["model"]["fingerprint"], "chunking": manifest["chunking"], "confidence": CONFIDENCE}
    shipped.write_text(json.dumps({**made_for, "modes": {"hybrid": {"threshold": 0.3}}}))
    assert open_retriever(tiny_index, fake_embedder).settings.threshold == 0.3
    (tiny_index / "calibration.json").write_text(json.dumps({**made_for, "modes": {"hybrid": {"threshold": 0.2}}}))
    assert open_retriever(tiny_index, fake_embedder).settings.threshold == 0.2      # its own comes first
    (tiny_index / "calibration.json").unlink()
    shipped.write_text(json.dumps({**made_for, "model": "other-weights", "modes": {"hybrid": {"threshold": 0.3}}}))
    assert open_retriever(tiny_index, fake_embedder).settings.threshold is None     # not for another model


def test_the_shipped_calibration_fits_the_shipped_index():
    from rag import calibration, paths

    manifest = json.loads((paths.PROJECT_INDEX / "manifest.json").read_text())
    cal = json.loads(calibration.SHIPPED.read_text())
    assert cal["model"] == manifest["model"]["fingerprint"] and cal["chunking"] == manifest["chunking"]
    assert isinstance(cal["modes"]["hybrid"]["threshold"], float)


def test_with_settings_brings_the_threshold_of_the_new_mode(tiny_index, fake_embedder):
    manifest = json.loads((tiny_index / "manifest.json").read_text())
    cal = {"model": manifest["model"]["fingerprint"], "chunking": manifest["chunking"], "confidence": CONFIDENCE,
           "modes": {"hybrid": {"threshold": 0.25}, "dense": {"threshold": 0.5}}}
    (tiny_index / "calibration.json").write_text(json.dumps(cal))
    hybrid = open_retriever(tiny_index, fake_embedder)
    assert hybrid.settings.threshold == 0.25
    dense = hybrid.with_settings(mode="dense")
    assert dense.settings.mode == "dense" and dense.settings.threshold == 0.5
    assert dense.with_settings(mode="hybrid").settings.threshold == 0.25
    assert hybrid.with_settings(mode="lexical").settings.threshold is None          # none calibrated
    assert hybrid.with_settings(mode="dense", threshold=0.1).settings.threshold == 0.1   # given: kept
    custom = hybrid.with_settings(threshold=0.7)
    assert custom.with_settings(mmr=1.0).settings.threshold == 0.7                 # same mode: kept
    assert custom.with_settings(mode="hybrid").settings.threshold == 0.7
    with pytest.raises(QueryError):
        hybrid.with_settings(mode="magic")


def test_the_shipped_lexical_mode_abstains_too(fake_embedder):
    # the chat searches lexically while the model loads: with no lexical threshold it never abstained, and quoted
    # confidently for "the African Union mission in Somalia", which the transcript never mentions
    from rag import calibration, paths

    cal = json.loads(calibration.SHIPPED.read_text())
    assert isinstance(cal["modes"]["lexical"]["threshold"], float)
    index = store.load(paths.PROJECT_INDEX)
    lexical = Retriever(index, fake_embedder, SearchSettings(mode="lexical",
                                                             threshold=calibrated_threshold(index, "lexical")))
    result = lexical.search("Does Russia support the African Union mission in Somalia?", 3)
    assert result.abstained and "Somalia" in " ".join(result.missing_terms)
    assert not lexical.search("What did Lavrov say about the CSTO mission in Kazakhstan?", 3).abstained


def test_the_lexical_confidence_means_the_same_on_a_small_and_a_large_index(fake_embedder, tmp_path):
    # BM25 weighs a word found once by the index's size (Lucene's IDF): the same match scored 2.6 on 19 passages
    # and 4.9 on 200, so a user's short notes fell under a threshold learnt on the 193-passage transcript
    from rag.build import build
    from rag.retrieve import REFERENCE_PASSAGES, idf_ceiling

    assert idf_ceiling(19) == pytest.approx(2.59, abs=0.01) and idf_ceiling(200) == pytest.approx(4.90, abs=0.01)
    page = "The harbour dredging contract was signed by the port authority in March."
    filler = [f"Paragraph {i} speaks of weather number {i} and nothing else at all, " * 6 for i in range(600)]
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_text(page + "\n\n" + "\n\n".join(filler[:40]) + "\n", encoding="utf-8")
    large.write_text(page + "\n\n" + "\n\n".join(filler) + "\n", encoding="utf-8")
    scaled, unscaled, scales = [], [], []
    for name, path in (("s", small), ("l", large)):
        index = build([path], fake_embedder, folder=tmp_path / name)
        r = Retriever(index, fake_embedder, SearchSettings(threshold=None))
        scales.append(r._rows.idf_scale)
        assert r._rows.idf_scale == pytest.approx(idf_ceiling(REFERENCE_PASSAGES) / idf_ceiling(len(index.passages)))
        assert len(index.passages) >= 20
        scaled.append(r.search("harbour dredging contract", 1).confidence)
        r._rows.__dict__["idf_scale"] = 1.0                 # as before the scale
        unscaled.append(r.search("harbour dredging contract", 1).confidence)
    assert scales[0] > 1 > scales[1]            # the small index's BM25 counts for more, the large one's for less
    two = tmp_path / "two.txt"
    two.write_text(page + "\n\nThe weather was fine.\n", encoding="utf-8")
    tiny = Retriever(build([two], fake_embedder, folder=tmp_path / "t"), fake_embedder, SearchSettings())
    assert tiny._rows.idf_scale == pytest.approx(idf_ceiling(REFERENCE_PASSAGES) / idf_ceiling(20))   # as 20
    assert abs(scaled[0] - scaled[1]) < abs(unscaled[0] - unscaled[1]) / 2, (scaled, unscaled)


def test_a_calibration_of_an_older_confidence_is_not_used(tiny_index, fake_embedder):
    manifest = json.loads((tiny_index / "manifest.json").read_text())
    old = {"model": manifest["model"]["fingerprint"], "chunking": manifest["chunking"],
           "modes": {"hybrid": {"threshold": 0.25}}}     # no "confidence": learnt on unscaled BM25
    (tiny_index / "calibration.json").write_text(json.dumps(old))
    assert open_retriever(tiny_index, fake_embedder).settings.threshold != 0.25
