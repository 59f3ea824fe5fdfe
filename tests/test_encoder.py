"""The embedding backends (rag/embed.py): torch, onnx (float32, interchangeable with torch) and
onnx-int8 (its own fingerprint). The fast tests need no model; the slow ones export the real
MiniLM to ONNX (into a temporary cache) and compare it with the PyTorch float32 model."""
import logging

import numpy as np
import pytest

from rag import embed, store
from rag.build import add_documents
from rag.errors import IndexProblem, ModelError
from rag.retrieve import Retriever

from conftest import CORPUS


# ---- fast: no model ---------------------------------------------------------------------------

def test_backend_names_and_the_auto_choice(monkeypatch):
    assert embed.choose_backend("torch") == "torch"
    assert embed.choose_backend(" ONNX-int8 ") == "onnx-int8"
    monkeypatch.setenv(embed.BACKEND_VARIABLE, "onnx")
    assert embed.choose_backend() == "onnx"
    monkeypatch.setattr(embed, "_installed", lambda module: False)
    assert embed.choose_backend("auto") == "torch"          # without the fast extra: today's backend
    monkeypatch.setattr(embed, "_installed", lambda module: True)
    assert embed.choose_backend("") == "auto"
    with pytest.raises(ModelError, match="Unknown embedding backend 'tensorrt'.*torch, onnx, onnx-int8"):
        embed.choose_backend("tensorrt")


def test_auto_uses_onnx_once_exported_or_once_a_build_is_large_enough(monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(embed, "_installed", lambda module: True)
    e = embed.SentenceTransformerEmbedder(backend="auto")
    assert e.backend == "auto" and e.fingerprint == embed.SentenceTransformerEmbedder(backend="torch").fingerprint
    assert not e.on_onnx()                              # a query, nothing exported: torch, no 8 s export now
    assert not e.on_onnx(embed.AUTO_EXPORT_AFTER)       # a build's first batches: torch
    assert e.on_onnx(64)                                # past AUTO_EXPORT_AFTER texts: the export pays
    graph = embed.graph_file(e.weights_fingerprint, int8=False)
    assert graph.parent == tmp_path / "cache" / e.weights_fingerprint
    graph.parent.mkdir(parents=True)
    graph.write_bytes(b"exported before")
    assert embed.SentenceTransformerEmbedder(backend="auto").on_onnx()     # exported: every call
    assert not embed.SentenceTransformerEmbedder(backend="torch").on_onnx(10**6)
    assert embed.SentenceTransformerEmbedder(backend="onnx-int8").on_onnx()


def test_int8_vectors_carry_a_fingerprint_of_their_own_float32_onnx_does_not():
    fingerprints = {b: embed.SentenceTransformerEmbedder(backend=b).fingerprint for b in embed.BACKENDS}
    assert fingerprints["torch"] == fingerprints["onnx"]
    assert fingerprints["onnx-int8"] == fingerprints["torch"] + "+onnx-int8." + str(embed.GRAPH_VERSION)


def test_a_graph_cached_by_an_older_version_is_not_reused(monkeypatch, tmp_path):
    """Version 1 cached model.onnx with unfused attention (torch's speed); its int8 gave other vectors."""
    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path))
    monkeypatch.setattr(embed, "_installed", lambda module: True)
    e = embed.SentenceTransformerEmbedder(backend="auto")
    old = tmp_path / e.weights_fingerprint / "model.onnx"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"an old export")
    assert not e.on_onnx()                                  # not taken for this version's graph
    assert embed.graph_file(e.weights_fingerprint, int8=True).name == f"model-int8.v{embed.GRAPH_VERSION}.onnx"


def test_onnx_without_onnxruntime_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path / "cache"))      # nothing exported yet
    monkeypatch.setattr(embed, "_installed", lambda module: module not in ("onnxruntime", "onnx"))
    e = embed.SentenceTransformerEmbedder(backend="onnx")
    with pytest.raises(ModelError, match=r"needs onnxruntime and onnx: pip install -e '\.\[fast\]' \(in the rag-quotes folder\), or set"):
        e.encode_documents(["a passage"])


def test_a_killed_exports_leftovers_are_removed_under_the_caches_lock(monkeypatch, tmp_path):
    """A process killed while it exported the graph left .raw.PID.onnx (90 MB) and .model….onnx.PID.tmp in the cache
    for good: later runs finished the graph beside them (a hostile reviewer, with kill -9). Now the next use removes
    those of a process that is gone, under the cache's lock; a live exporter's and the user's own files stay."""
    import os

    from conftest import dead_pid

    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path))
    monkeypatch.setattr(embed, "_installed", lambda module: True)
    target = embed.graph_file("fp", int8=True)
    fused = embed.graph_file("fp", int8=False)
    cache = target.parent
    cache.mkdir(parents=True)
    gone, live = dead_pid(), os.getppid()
    dead = [f".raw.{gone}.onnx", f".{fused.name}.{gone}.tmp", f".{target.name}.{gone}.tmp"]
    kept = [f".raw.{live}.onnx", f".{fused.name}.{live}.tmp", ".raw.notes.onnx", "mine.onnx"]
    for name in dead + kept:
        (cache / name).write_bytes(b"x")
    locked = []

    def export(folder, path):       # the export itself (minutes of the real model) is not what is tested here
        locked.append(_locked(cache / embed.LOCK))
        assert not any((cache / name).exists() for name in dead)      # removed before a new export began
        path.write_bytes(b"fused graph")
    monkeypatch.setattr(embed, "_export", export)
    monkeypatch.setattr(embed, "quantize", lambda source, path: path.write_bytes(b"int8 graph"))
    assert embed.onnx_graph("model-folder", "fp", int8=True) == target and target.read_bytes() == b"int8 graph"
    assert locked == [True] and sorted(p.name for p in cache.iterdir()) == sorted(
        kept + [embed.LOCK, fused.name, target.name])
    (cache / f".raw.{gone}.onnx").write_bytes(b"x")      # killed after its rename, before its clean-up: graph made
    assert embed.onnx_graph("model-folder", "fp", int8=False) == fused
    assert not (cache / f".raw.{gone}.onnx").exists() and all((cache / name).exists() for name in kept)


def _locked(path) -> bool:
    """Whether another process holds the flock on `path`."""
    import subprocess
    import sys

    probe = ("import fcntl, sys\nwith open(sys.argv[1], 'a+') as f:\n    try:\n        fcntl.flock(f, fcntl.LOCK_EX | "
             "fcntl.LOCK_NB)\n    except BlockingIOError:\n        sys.exit(3)")
    return subprocess.run([sys.executable, "-c", probe, str(path)]).returncode == 3


def test_the_query_thread_leaves_torch_threads_of_the_process_alone(monkeypatch):
    """torch.set_num_threads is not the calling thread's own: set to 1 on one thread, every thread that
    starts using torch after it gets 1 (bench/encode.py measures it). The query batcher used to set it,
    and a summary model started after it then decoded on one core: it must not touch it."""
    import sys
    import types

    calls = []
    fake = types.ModuleType("torch")            # whatever the batcher's thread imports is this one
    fake.set_num_threads = calls.append
    fake.get_num_threads = lambda: 2
    monkeypatch.setitem(sys.modules, "torch", fake)
    b = embed.Batcher(lambda items: items)
    assert b("q") == "q" and b("r") == "r"
    assert calls == []


# ---- slow: the real model ---------------------------------------------------------------------

TEXTS = ["The New START Treaty was extended for five years.",
         "Question: What will happen to water prices next year? Jane Doe: Prices will stay flat.",
         "Mm-hmm. Uh, so the, the recogniser we trained on the digits was about twice as fast.",
         "We reject the idea that NATO's expansion has nothing to do with the security of Russia."]


@pytest.fixture(scope="module")
def backends(tmp_path_factory):
    cache = tmp_path_factory.mktemp("onnx-cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("RAG_ONNX_CACHE", str(cache))
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    yield {b: embed.SentenceTransformerEmbedder(backend=b) for b in embed.BACKENDS}
    mp.undo()


@pytest.mark.slow
def test_onnx_vectors_agree_with_torch_float32(backends):
    texts = TEXTS + [p.strip() for p in CORPUS.read_text(encoding="utf-8").split("\n\n")[5:13]]
    ref = backends["torch"].encode_documents(texts)
    fp32 = backends["onnx"].encode_documents(texts)
    int8 = backends["onnx-int8"].encode_documents(texts)
    assert fp32.shape == int8.shape == ref.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(int8, axis=1), 1, atol=1e-5)
    cos32, cos8 = (ref * fp32).sum(1), (ref * int8).sum(1)
    assert cos32.min() >= 0.9999                               # the same function: interchangeable
    assert cos8.min() >= 0.98 and np.median(cos8) >= 0.99      # int8: close, but not the same vectors
    q = backends["onnx"].encode_query(TEXTS[0])                # the one-thread query session
    assert float(q @ ref[0]) >= 0.9999


@pytest.mark.slow
def test_the_exported_graph_has_one_fused_attention_kernel_a_layer(backends):
    """Attention exported as PyTorch's sdpa stayed ~20 unfused nodes a layer (Where, IsNaN, Softmax, ...)
    and the float32 graph ran at torch's speed; exported eager, ORT's fusion makes it one kernel."""
    import collections

    import onnx

    layers = 6                                  # all-MiniLM-L6-v2
    for backend, op in (("onnx", "Attention"), ("onnx-int8", "QAttention")):
        graph = onnx.load(str(backends[backend].onnx().graph)).graph
        ops = collections.Counter(n.op_type for n in graph.node)
        assert ops[op] == layers, (backend, ops)
        assert not ops["Where"] and not ops["IsNaN"] and not ops["Softmax"], (backend, ops)


@pytest.mark.slow
def test_an_index_is_refused_by_another_backends_vectors_and_accepted_by_an_equal_one(backends, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "talk.txt").write_text("Press briefing, Springfield, March 3, 2023.\n\n" + "\n\n".join(TEXTS) + "\n",
                                  encoding="utf-8")
    add_documents([src], backends["onnx-int8"], tmp_path / "int8")
    add_documents([src], backends["torch"], tmp_path / "torch")
    for other in ("torch", "onnx"):
        with pytest.raises(IndexProblem, match=r"\+onnx-int8.*Rebuild it with: rag index"):
            store.load(tmp_path / "int8", embedder=backends[other])
    with pytest.raises(IndexProblem, match="Rebuild it with"):
        store.load(tmp_path / "torch", embedder=backends["onnx-int8"])
    assert store.load(tmp_path / "int8", embedder=backends["onnx-int8"]).passages
    # float32 ONNX reads a torch index (same fingerprint) and finds the same quotes in the same order
    hits = {}
    for b in ("torch", "onnx"):
        retriever = Retriever(store.load(tmp_path / "torch", embedder=backends[b]), backends[b])
        hits[b] = [(p.passage.start, p.passage.end) for p in retriever.search("extended treaty", 3, abstain=False).hits]
    assert hits["torch"] == hits["onnx"] and hits["torch"]


def test_the_int8_graph_is_made_without_onnxruntimes_advice_printed(tmp_path, caplog):
    """`rag index --quiet` with RAG_EMBED_BACKEND=onnx-int8 printed onnxruntime's "Please consider to run
    pre-processing before quantization" (logged on the root logger) the first time: it is not the product's line."""
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.ones((64, 64), dtype="float32"), "w")
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])], [weight])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "f.onnx")
    with caplog.at_level(logging.DEBUG):
        embed.quantize(tmp_path / "f.onnx", tmp_path / "q.onnx")
    assert (tmp_path / "q.onnx").is_file()
    assert not [r for r in caplog.records if "pre-processing" in r.getMessage()]
    assert not logging.getLogger().filters         # the filter is gone again


def test_an_onnx_cache_that_is_a_file_is_one_message_naming_what_to_do(monkeypatch, tmp_path):
    """A hostile review: RAG_ONNX_CACHE naming a file gave "error: [Errno 20] Not a directory: '/…/afile/bcfe…'"."""
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path / "afile"))
    monkeypatch.setattr(embed, "_installed", lambda module: True)
    monkeypatch.setattr(embed, "_export", lambda *a: pytest.fail("no export into a file"))
    e = embed.SentenceTransformerEmbedder(backend="onnx")
    with pytest.raises(ModelError, match=r"Cannot make the ONNX graph in .*afile.*Not a directory.*RAG_ONNX_CACHE"):
        e.encode_documents(["a passage"])
    assert (tmp_path / "afile").read_text() == "x"


def test_auto_goes_on_with_torch_where_the_onnx_graph_cannot_be_made(monkeypatch, tmp_path, caplog):
    """A hostile review: under auto (the default) an ONNX cache that cannot be written (a full disk, a read-only
    ~/.cache, a path under a file) made a large `rag index` fail after minutes of embedding, nothing indexed: ONNX
    is only a speed-up there, so the build goes on with torch (the same vectors) and says why once."""
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path / "afile" / "onnx"))
    monkeypatch.setattr(embed, "_installed", lambda module: True)
    monkeypatch.setattr(embed, "_export", lambda *a: pytest.fail("no export into a file"))

    class Torch:        # the model's encode, without loading it
        calls = 0

        def encode(self, texts, **kwargs):
            Torch.calls += 1
            return np.ones((len(texts), 4), dtype="float32")

    monkeypatch.setattr(embed.SentenceTransformerEmbedder, "model", Torch())
    e = embed.SentenceTransformerEmbedder(backend="auto")
    texts = ["a passage"] * (embed.AUTO_EXPORT_AFTER + 1)
    with caplog.at_level(logging.WARNING, logger="rag.embed"):
        first = e.encode_documents(texts)           # past AUTO_EXPORT_AFTER: the export is tried, and fails
        again = e.encode_documents(["another"])
    assert first.shape == (len(texts), 4) and again.shape == (1, 4) and Torch.calls == 2
    said = [r.getMessage() for r in caplog.records if r.name == "rag.embed"]
    assert len(said) == 1 and "Cannot make the ONNX graph" in said[0] and "goes on with torch" in said[0]
    assert (tmp_path / "afile").read_text() == "x"
    with pytest.raises(ModelError, match="Cannot make the ONNX graph"):     # asked for by name: still an error
        embed.SentenceTransformerEmbedder(backend="onnx").encode_documents(["a passage"])


# ---- other encoders than BERT, other poolings (session 35) -------------------------------------

def _st_folder(folder, pooling="mean_tokens", extra_modules=()):
    """A sentence-transformers folder's module list and pooling config (no weights: enough for onnx_unfit)."""
    import json
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "1_Pooling").mkdir(exist_ok=True)
    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
               *extra_modules,
               {"idx": 9, "name": "9", "path": "9_Normalize", "type": "sentence_transformers.models.Normalize"}]
    (folder / "modules.json").write_text(json.dumps(modules))
    (folder / "tokenizer.json").write_text("{}")         # (its content is the tokenizer's business)
    modes = ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens")
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, **{f"pooling_mode_{m}": m == pooling for m in modes}}))
    return folder


def test_onnx_embeds_only_models_whose_vectors_its_mean_pooling_gives(monkeypatch, tmp_path):
    """OnnxEncoder mean-pools the last layer: a model pooled by its CLS token (the BGE family) or with a Dense
    layer would have had other vectors than torch's under the same fingerprint. auto keeps such a model on torch,
    whatever the build's size; the onnx backends say so, naming what to set."""
    assert embed.onnx_unfit(str(_st_folder(tmp_path / "mean"))) is None
    (tmp_path / "tokenizer.json").write_text("{}")
    assert embed.onnx_unfit(str(tmp_path)) is None                  # a bare transformers folder: mean-pooled too
    assert "cls_token" in embed.onnx_unfit(str(_st_folder(tmp_path / "cls", pooling="cls_token")))
    dense = {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}
    assert "Dense" in embed.onnx_unfit(str(_st_folder(tmp_path / "dense", extra_modules=[dense])))
    # (session 35's models review) torch reads a vocab.txt alone, and puts a default prompt before every text: the
    # ONNX encoder did neither (a traceback after a whole build; other vectors under the same fingerprint)
    (tmp_path / "mean" / "tokenizer.json").unlink()
    assert "no tokenizer.json" in embed.onnx_unfit(str(tmp_path / "mean"))
    prompted = _st_folder(tmp_path / "prompted")
    (prompted / "config_sentence_transformers.json").write_text(
        '{"prompts": {"document": "passage: "}, "default_prompt_name": "document"}')
    assert "prompt 'document'" in embed.onnx_unfit(str(prompted))
    # sentence-transformers 6 writes {"pooling_mode": "mean"}; a Dropout module does nothing at inference
    v6 = _st_folder(tmp_path / "v6", extra_modules=[{"idx": 3, "name": "3", "path": "3_Dropout",
                                                     "type": "sentence_transformers.models.Dropout"}])
    (v6 / "1_Pooling" / "config.json").write_text('{"embedding_dimension": 32, "pooling_mode": "mean"}')
    assert embed.onnx_unfit(str(v6)) is None
    (v6 / "1_Pooling" / "config.json").write_text('{"embedding_dimension": 32, "pooling_mode": "cls"}')
    assert "cls" in embed.onnx_unfit(str(v6))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "tokenizer.json").write_text("{}")
    (tmp_path / "broken" / "modules.json").write_text("{not json")
    assert "cannot be read" in embed.onnx_unfit(str(tmp_path / "broken"))

    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(embed, "_installed", lambda module: True)
    monkeypatch.setattr(embed, "_export", lambda *a: pytest.fail("no graph for a CLS-pooled model"))
    cls = str(tmp_path / "cls")
    auto = embed.SentenceTransformerEmbedder(cls, backend="auto")
    assert not auto.on_onnx(embed.AUTO_EXPORT_AFTER + 1)            # a large build: still torch
    assert not embed.SentenceTransformerEmbedder(cls, backend="auto").on_onnx()
    with pytest.raises(ModelError, match=r"onnx backend cannot embed with .*cls_token.*RAG_EMBED_BACKEND=torch"):
        embed.SentenceTransformerEmbedder(cls, backend="onnx").encode_documents(["a passage"])
    assert not (tmp_path / "cache").exists()


@pytest.fixture(scope="module")
def tiny_mpnet(tmp_path_factory):
    """A random two-layer MPNet as a sentence-transformers folder (MiniLM's WordPiece tokenizer): an encoder
    that takes no segment ids, like all-mpnet-base-v2, RoBERTa's and DistilBERT's."""
    import shutil

    transformers = pytest.importorskip("transformers")
    folder = _st_folder(tmp_path_factory.mktemp("tiny-mpnet"))
    config = transformers.MPNetConfig(vocab_size=30527, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                      intermediate_size=64, max_position_embeddings=514)
    transformers.set_seed(0)
    transformers.MPNetModel(config).save_pretrained(folder)
    minilm = embed.resolve_model(embed.DEFAULT_MODEL)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
                 "sentence_bert_config.json"):
        if (embed.Path(minilm) / name).is_file():
            shutil.copy(embed.Path(minilm) / name, folder / name)
    return str(folder)


@pytest.mark.slow
def test_onnx_embeds_an_encoder_without_segment_ids_as_torch_does(tiny_mpnet, monkeypatch, tmp_path):
    """`RAG_EMBED_MODEL=all-mpnet-base-v2 rag index` (the fast extra installed) died with onnxruntime's
    traceback "Invalid input name: token_type_ids" once the build passed AUTO_EXPORT_AFTER passages: the graph was
    fed BERT's three inputs whatever the encoder took."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path / "cache"))
    texts = TEXTS + ["Mm-hmm.", "So the buttons, the, the big ones: are they on the top of the remote?"]
    ref = embed.SentenceTransformerEmbedder(tiny_mpnet, backend="torch").encode_documents(texts)
    onnx = embed.SentenceTransformerEmbedder(tiny_mpnet, backend="onnx")
    assert onnx.dim == ref.shape[1] == 32
    got = onnx.encode_documents(texts)
    assert (ref * got).sum(1).min() >= 0.9999
    assert float(onnx.encode_query(texts[0]) @ ref[0]) >= 0.9999
