"""The summary model on onnxruntime-genai (rag/onnxlm.py), and the grounded prompt's shorter quotes.

A tiny random Llama (head size 16: the smallest onnxruntime's attention kernel takes) over a
byte-level BPE tokenizer trained here is built into a real int4 ONNX graph by the package's own
builder, once per module, and run by the real runtime. Slow (the build takes seconds): CI runs it.
"""
from __future__ import annotations

import numpy as np
import pytest

from rag import grounded, models, onnxlm
from rag.errors import ModelError
from rag.prompt import GROUNDED_QUOTE_CHARS, grounded_span, prompt_messages
from rag.summarise import Summariser
from rag.verify import fragment_problems

from conftest import chat_tokenizer, quote_hits
from test_grounded import QUOTES

needs_genai = pytest.mark.skipif(not onnxlm.available(), reason="onnxruntime-genai not installed (the fast extra)")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(transformers folder, its int4 ONNX folder, tokenizer)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tok = chat_tokenizer(QUOTES * 3)
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("onnxlm")
    folder = root / "tiny-llama"
    LlamaForCausalLM(LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                 num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
                                 eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id,
                                 pad_token_id=tok.pad_token_id)).save_pretrained(folder)
    tok.save_pretrained(folder)
    if not onnxlm.available():
        return folder, None, tok
    built = root / "tiny.int4"
    onnxlm.build(folder, built)
    return folder, built, tok


@needs_genai
@pytest.mark.slow
def test_a_reused_prompt_prefix_gives_the_same_logits_as_reading_it_afresh(tiny):
    _, built, tok = tiny
    a = tok.encode("The pipeline is funded by a regional grant, and the work starts in May.")
    b = a[:8] + tok.encode(" Prices will stay flat next year.")
    fresh = onnxlm.OnnxLM(built, threads=1)
    expected = fresh.steps(b)(b)
    lm = onnxlm.OnnxLM(built, threads=1)
    step = lm.steps(a)
    step(a)
    step([5, 6])                          # a generation went on past its prompt
    got = lm.steps(b)(b)
    assert lm.reused == 8                 # the shared prefix stayed in the cache
    assert np.allclose(got, expected, atol=1e-4)
    again = lm.steps(b)(b)                # the same prompt again: all but its last token reused
    assert lm.reused == len(b) - 1 and np.allclose(again, expected, atol=1e-4)


@needs_genai
@pytest.mark.slow
def test_the_int4_engine_writes_a_grounded_summary_of_exact_fragments(tiny, fake_embedder):
    folder, _, _ = tiny
    index, hits = quote_hits(QUOTES, before="Briefing.\n\n")
    s = Summariser(str(folder), grounded=True, engine="onnx")
    summary = s.summarise("Is the pipeline funded?", hits, index, fake_embedder, max_new_tokens=120)
    assert s.engine == "onnx" and s._model is None     # transformers never loaded
    assert summary.grounded and summary.sentences, summary
    doc = index.documents["d.txt"].text
    for sentence in summary.sentences:
        assert sentence.fragments and sentence.supported is not None
        assert not fragment_problems(sentence.text, sentence.fragments, hits, index, sentence.citations)
        for f in sentence.fragments:
            assert doc[f.start:f.end] == f.text and f.text in sentence.text
    # free writing on the onnx engine loads transformers for it, and still answers
    free = s.summarise("Is the pipeline funded?", hits, index, fake_embedder, max_new_tokens=20, grounded=False)
    assert s._model is not None and free.model == s.name


@needs_genai
@pytest.mark.slow
def test_a_failed_build_leaves_nothing_behind(tmp_path):
    bad = tmp_path / "not-a-model"
    bad.mkdir()
    (bad / "config.json").write_text('{"model_type": "nothing-known"}')
    target = tmp_path / "out.int4"
    with pytest.raises(ModelError):
        onnxlm.build(bad, target)
    assert not target.exists() and [p.name for p in tmp_path.iterdir()] == ["not-a-model"]


def test_an_unknown_engine_is_refused_and_auto_keeps_other_models_on_transformers(tiny, monkeypatch):
    folder, _, _ = tiny
    with pytest.raises(ModelError, match="Unknown summary engine"):
        Summariser(str(folder), engine="gpu")
    monkeypatch.setenv("RAG_SUMMARY_ENGINE", "nonsense")
    with pytest.raises(ModelError):
        Summariser(str(folder))
    monkeypatch.delenv("RAG_SUMMARY_ENGINE")
    s = Summariser(str(folder), grounded=True)
    s.load()
    assert s.engine == "torch" and s._lm is None      # auto: only the shipped model goes to onnx


def test_the_onnx_cache_name_changes_when_the_model_is_saved_again(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_CACHE", str(tmp_path / "cache"))
    folder, _, _ = tiny
    before = models.onnx_model_path(str(folder))
    assert before.parent == tmp_path / "cache" / "onnx-llm"
    cfg = folder / "config.json"
    cfg.write_text(cfg.read_text())                    # saved again: new time stamp
    import os
    st = cfg.stat()
    os.utime(cfg, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert models.onnx_model_path(str(folder)) != before


LONG = ("The first sentence sets the scene. " * 12 + "The grant of 4 million dollars funds the pipeline. "
        "The work starts in May. " + "A last sentence closes the answer. " * 12)


def test_a_grounded_prompt_shows_whole_sentences_around_the_match_within_the_limit():
    index, hits = quote_hits([LONG], before="Briefing.\n\n")
    h = hits[0]
    at = h.passage.text.index("The grant")
    h.provenance.update({"match_start": h.passage.start + at, "match_end": h.passage.start + at + 60})
    a, b = grounded_span(h)
    shown = h.passage.text[a:b]
    assert "The grant of 4 million dollars funds the pipeline." in shown and "The work starts in May." in shown
    assert b - a <= GROUNDED_QUOTE_CHARS and 0 < a and b < len(h.passage.text)
    assert h.passage.text[a - 1] == " " and shown.endswith(".")          # whole sentences
    text = prompt_messages("Who funds it?", hits, spans={h.rank: (a, b)})[1]["content"]
    assert "[1] … The" in text and text.rstrip().endswith("… (Jane Doe)\n\nQuestion: Who funds it?")
    before, after = text.count("The first sentence"), text.count("A last sentence")
    assert 0 < before < 12 and 0 < after < 12 and abs(before - after) <= 1     # context on both sides, in turn
    # a short quote is shown whole; no window known: from its start
    index2, short = quote_hits(["Prices will stay flat next year."], before="Briefing.\n\n")
    assert grounded_span(short[0]) == (0, len(short[0].passage.text))


def test_grounded_fragments_come_only_from_the_shown_span(tiny):
    _, _, tok = tiny
    index, hits = quote_hits([LONG], before="Briefing.\n\n")
    h = hits[0]
    at = h.passage.text.index("The grant")
    span = (at, at + len("The grant of 4 million dollars funds the pipeline. The work starts in May."))
    plan = grounded.Plan(tok, [(h.rank, h.passage, span)])
    assert plan.cands and all(span[0] <= c.start and max(c.ends) <= span[1] for c in plan.cands)


def test_auto_falls_back_to_transformers_when_the_onnx_build_fails(tiny, fake_embedder, monkeypatch):
    """auto (the shipped model's default) must not lose the summary to an engine that cannot be built;
    an explicit onnx says why instead, and the quotes get the extractive summary."""
    import rag.summarise as summarise

    folder, _, _ = tiny

    def broken(source, log=lambda msg: None):
        raise ModelError("the builder does not know this model")

    monkeypatch.setattr(summarise, "prepare_onnx", broken)
    monkeypatch.setattr(onnxlm, "available", lambda: True)
    index, hits = quote_hits(QUOTES, before="Briefing.\n\n")
    s = Summariser(str(folder), grounded=True)
    s._default = True                                   # as the shipped model: auto picks onnx
    said = []
    s.load(log=said.append)
    assert s.engine == "torch" and s._model is not None and "runs on transformers" in said[-1]
    assert s.summarise("Is the pipeline funded?", hits, index, fake_embedder, max_new_tokens=40).sentences
    explicit = Summariser(str(folder), grounded=True, engine="onnx")
    summary = explicit.summarise("Is the pipeline funded?", hits, index, fake_embedder)
    assert summary.model == "extractive" and "builder does not know" in summary.reason


@needs_genai
@pytest.mark.slow
def test_a_prompt_past_the_engines_length_is_a_reason_not_a_crash(tiny, fake_embedder, monkeypatch):
    folder, _, _ = tiny
    monkeypatch.setattr(onnxlm, "MAX_LENGTH", 64)
    index, hits = quote_hits(QUOTES, before="Briefing.\n\n")
    s = Summariser(str(folder), grounded=True, engine="onnx")
    summary = s.summarise("Is the pipeline funded?", hits, index, fake_embedder, max_new_tokens=40)
    assert "exceed the model's 64 tokens" in (summary.reason or "")
    monkeypatch.setattr(onnxlm, "MAX_LENGTH", 2048)     # a later generation starts afresh and works
    s._lm.max_length = 2048
    assert s.summarise("Is the pipeline funded?", hits, index, fake_embedder, max_new_tokens=40).grounded


def test_the_matched_window_is_shown_whole_before_its_neighbours():
    window = ("The grant is paid. The work starts in May. "
              "The mayor signed the agreement with the regional council in February.")
    index, hits = quote_hits(["It is so. " * 30 + window + " It is so." * 30], before="Briefing.\n\n")
    h = hits[0]
    at = h.passage.text.index(window)
    h.provenance.update({"match_start": h.passage.start + at, "match_end": h.passage.start + at + len(window)})
    a, b = grounded_span(h, limit=len(window) + 5)      # room for the window, not for it and a neighbour
    assert h.passage.text[a:b] == window                   # all of its sentences, not two and a short neighbour


def test_a_cache_that_cannot_be_written_is_a_message_and_auto_falls_back(tiny, tmp_path, monkeypatch):
    folder, _, _ = tiny
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RAG_CACHE", str(blocker / "cache"))       # cannot be made, even by root
    monkeypatch.setattr(onnxlm, "available", lambda: True)
    with pytest.raises(ModelError, match="Cannot build the ONNX summary model"):
        models.prepare_onnx(str(folder))
    import rag.summarise as summarise

    monkeypatch.setattr(summarise, "resolve_summary_model", lambda name, log=None: str(folder))
    s = Summariser(None, grounded=True)                            # the shipped model's path: auto picks onnx
    s.load()
    assert s.engine == "torch" and blocker.read_text() == "not a folder"


def test_the_shipped_model_in_a_cache_that_cannot_be_made_gives_the_extractive_summary(tmp_path, monkeypatch,
                                                                                        fake_embedder):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RAG_CACHE", str(blocker / "cache"))
    index, hits = quote_hits(QUOTES, before="Briefing.\n\n")
    summary = Summariser(None).summarise("Is the pipeline funded?", hits, index, fake_embedder)
    assert summary.model == "extractive" and "Cannot prepare the summary model" in summary.reason
    assert "RAG_CACHE" in summary.reason and blocker.read_text() == "not a folder"
