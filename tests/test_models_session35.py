"""A user's own models and settings (a hostile review, session 35): what was a traceback, silently other vectors,
or a refusal of an index that fits. The fast ones need no model; the slow ones load MiniLM or a tiny random one."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from rag import adapter, embed
from rag.errors import ModelError, QueryError
from rag.store import Compat

from test_encoder import tiny_mpnet  # noqa: F401 - the fixture


# ---- settings --------------------------------------------------------------------------------------------------

def test_a_blank_model_setting_is_the_default_and_a_path_is_a_path(monkeypatch, tmp_path):
    """RAG_EMBED_MODEL="" hashed the current folder's files as a model's ("this run uses ''"); "~/models/m" was
    "Path ~/models/m not found"; "/no/such/model" was taken for a hub name, reported as an index built otherwise."""
    monkeypatch.setenv("RAG_EMBED_MODEL", "  ")
    assert embed.default_embedder().name == embed.DEFAULT_MODEL
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "models" / "m").mkdir(parents=True)
    assert embed.resolve_model("~/models/m") == str(tmp_path / "models" / "m")
    for missing in ("/no/such/model", "./no-such-model", "~/models/none"):
        with pytest.raises(ModelError, match="No embedding model folder at .*RAG_EMBED_MODEL"):
            embed.resolve_model(missing)
    assert embed.resolve_model("acme/tiny") == "acme/tiny"          # a hub name stays one
    monkeypatch.setenv("RAG_ONNX_CACHE", "~/onnx")                  # (was a folder named "~" in the current one)
    assert embed.onnx_cache() == tmp_path / "onnx"


def test_the_same_weights_named_otherwise_open_the_index_and_a_refusal_names_the_setting():
    manifest = lambda name, fp: {"format": "rag-index/3", "parser": Compat().parser,  # noqa: E731
                                 "chunker": Compat().chunker, "chunking": Compat().chunking.to_dict(),
                                 "model": {"name": name, "fingerprint": fp}}
    assert Compat(model=("m/", "3b8b")).problem(manifest("m", "3b8b")) is None        # "m", "m/", "./m", /abs/m
    assert Compat(model=("acme/tiny", "hub:acme/tiny")).problem(manifest("acme/tiny", "hub:acme/tiny")) is None
    other = Compat(model=("all-MiniLM-L6-v2", "bcfe")).problem(manifest("/models/m", "3b8b"))
    assert "RAG_EMBED_MODEL='/models/m' reads it as built" in other
    int8 = Compat(model=("all-MiniLM-L6-v2", "bcfe")).problem(manifest("all-MiniLM-L6-v2", "bcfe+onnx-int8.2"))
    assert "RAG_EMBED_BACKEND=onnx-int8 reads it as built" in int8 and "RAG_EMBED_MODEL" not in int8
    torch = Compat(model=("all-MiniLM-L6-v2", "bcfe+onnx-int8.2")).problem(manifest("all-MiniLM-L6-v2", "bcfe"))
    assert "RAG_EMBED_BACKEND=torch reads it as built" in torch


def test_a_damaged_or_unfinished_adapter_is_a_message(tmp_path):
    """A copy cut short was zipfile's traceback (the chat: every search an error event); NaN weights ranked
    every passage alike, "score nan"; a folder was "[Errno 21] Is a directory: 3"."""
    path = adapter.save(adapter.Adapter(np.eye(8, dtype="float32"), "fp", {}), tmp_path / "a.npz")
    (tmp_path / "cut.npz").write_bytes(path.read_bytes()[:200])
    with pytest.raises(QueryError, match="Cannot read the query adapter .*damaged"):
        adapter.load(str(tmp_path / "cut.npz"))
    W = np.eye(8, dtype="float32")
    W[2, 3] = np.nan
    adapter.save(adapter.Adapter(W, "fp", {}), tmp_path / "nan.npz")
    with pytest.raises(QueryError, match="not finite"):
        adapter.load(str(tmp_path / "nan.npz"))
    (tmp_path / "folder.npz").mkdir()
    with pytest.raises(QueryError, match="not a regular file") as e:
        adapter.load(str(tmp_path / "folder.npz"))
    assert ": 3" not in str(e.value)


# ---- the ONNX cache --------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_damaged_cached_graph_is_said_and_auto_goes_on_with_torch(monkeypatch, tmp_path, caplog):
    """A graph cut short in the cache (a restored backup) made every search and build a traceback
    ("InvalidProtobuf"), until the user found and deleted it."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path))
    torch = embed.SentenceTransformerEmbedder(backend="torch")
    graph = embed.graph_file(torch.weights_fingerprint, int8=False)
    graph.parent.mkdir(parents=True)
    graph.write_bytes(b"\x08\x07" + b"cut short" * 100)
    with pytest.raises(ModelError, match=r"cached ONNX graph .*model\.v2\.onnx cannot be read.*delete it"):
        embed.SentenceTransformerEmbedder(backend="onnx").encode_query("mooring fees")
    auto = embed.SentenceTransformerEmbedder(backend="auto")
    with caplog.at_level(logging.WARNING, logger="rag.embed"):
        got = auto.encode_documents(["mooring fees next year"])
        q = auto.encode_query("mooring fees")
    assert auto.backend == "torch" and np.allclose(got, torch.encode_documents(["mooring fees next year"]), atol=1e-6)
    assert q.shape == (auto.dim,) == (384,)
    assert sum("goes on with torch" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.slow
def test_an_export_that_fails_leaves_no_half_written_graph(tiny_mpnet, monkeypatch, tmp_path):  # noqa: F811
    """A full disk: the export's one-line message was right, but its partial graph (90 MB for MiniLM) stayed there."""
    import torch

    def export(model, args, path, **kwargs):
        with open(path, "wb") as f:
            f.write(b"half a graph")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch.onnx, "export", export)
    with pytest.raises(OSError):
        embed._export(tiny_mpnet, tmp_path / "model.v2.onnx")
    assert list(tmp_path.iterdir()) == []


def test_rag_eval_reports_no_calibration_made_for_another_model(tmp_path, monkeypatch, capsys):
    """After a rebuild with another model, `rag eval` said "threshold: none" and then "calibration (…): threshold
    1.095", the other model's, in its text and in --json."""
    import json

    import rag.embed
    from rag.cli import main

    from conftest import FakeEmbedder

    class Other(FakeEmbedder):
        fingerprint = "fake-v2"

    (tmp_path / "a.txt").write_text("Alice: What about the new crane?\n\nBob: The crane is delayed until September.\n\n"
                                    "Carol: The fees will not go up.\n", encoding="utf-8")
    (tmp_path / "q.jsonl").write_text(
        '{"id": "q1", "query": "When will the crane arrive?", "gold": ["delayed until September"]}\n'
        '{"id": "q2", "query": "Will fees increase?", "gold": ["will not go up"]}\n'
        '{"id": "q3", "query": "What is the lighthouse password?", "gold": []}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    assert main(["index", "a.txt", "--index", "idx", "--quiet"]) == 0
    assert main(["eval", "q.jsonl", "--index", "idx", "--calibrate"]) == 0
    assert "calibration (q.jsonl" in capsys.readouterr().out
    monkeypatch.setattr(rag.embed, "default_embedder", Other)
    assert main(["index", "--index", "idx", "--rebuild", "a.txt", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["eval", "q.jsonl", "--index", "idx"]) == 0
    assert "calibration (" not in capsys.readouterr().out
    assert main(["eval", "q.jsonl", "--index", "idx", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["calibration"] is None


def test_a_model_reading_fewer_tokens_than_the_passages_hold_is_said(tmp_path, caplog):
    """A model of 32 or 128 tokens gave passages that differ past their limit the same vector, and nothing said so
    (the windows are sized for MiniLM's 256)."""
    from rag.build import build

    from conftest import FakeEmbedder

    class Short(FakeEmbedder):
        max_tokens = 32

    (tmp_path / "a.txt").write_text("Alice: " + "the budget for the new harbour wall " * 12 + "\n\nBob: Yes.\n",
                                    encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="rag.build"):
        build([tmp_path / "a.txt"], Short(), folder=tmp_path / "short")
    said = [r.getMessage() for r in caplog.records if "tokens the model" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("1 of ") and "32 tokens" in said[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="rag.build"):
        build([tmp_path / "a.txt"], FakeEmbedder(), folder=tmp_path / "long")
    assert not [r for r in caplog.records if "tokens the model" in r.getMessage()]


# ---- the re-review of these fixes (session 35) ------------------------------------------------------------------

def test_paths_a_hub_name_cannot_be_and_an_unknown_users_home_are_messages(monkeypatch):
    for missing in ("models/a/m", "mdl/", "models\\m", "~nosuchuser-35/m"):
        with pytest.raises(ModelError, match="No embedding model folder at"):
            embed.resolve_model(missing)
    monkeypatch.setenv("RAG_ONNX_CACHE", "~nosuchuser-35/cache")     # (a RuntimeError's traceback on every page)
    with pytest.raises(ModelError, match="RAG_ONNX_CACHE=~nosuchuser-35/cache names the home of no user"):
        embed.onnx_cache()


def test_the_refusal_names_no_setting_that_would_not_open_the_index():
    manifest = lambda name, fp: {"format": "rag-index/3", "parser": Compat().parser,  # noqa: E731
                                 "chunker": Compat().chunker, "chunking": Compat().chunking.to_dict(),
                                 "model": {"name": name, "fingerprint": fp}}
    upgraded = Compat(model=("all-MiniLM-L6-v2", "9999")).problem(manifest("all-MiniLM-L6-v2", "bcfe"))
    assert "reads it as built" not in upgraded                      # the same name, other weights: only a rebuild
    both = Compat(model=("B", "bbbb+onnx-int8.2")).problem(manifest("A", "aaaa"))
    assert "RAG_EMBED_MODEL='A' RAG_EMBED_BACKEND=torch reads it as built" in both
    old_int8 = Compat(model=("m", "aaaa+onnx-int8.2")).problem(manifest("m", "aaaa+onnx-int8.1"))
    assert "reads it as built" not in old_int8


def test_a_linked_sub_folder_is_part_of_the_models_fingerprint(tmp_path):
    """Path.rglob skips a linked folder: two models differing only in a linked 1_Pooling had one fingerprint, and
    the same-weights rule would open one's index with the other."""
    for name, mode in (("mean", "mean_tokens"), ("cls", "cls_token")):
        (tmp_path / f"{name}-pooling").mkdir()
        (tmp_path / f"{name}-pooling" / "config.json").write_text(f'{{"pooling_mode_{mode}": true}}')
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text("{}")
        (tmp_path / name / "1_Pooling").symlink_to(tmp_path / f"{name}-pooling", target_is_directory=True)
    fingerprints = {embed.SentenceTransformerEmbedder(str(tmp_path / n), backend="torch").weights_fingerprint
                    for n in ("mean", "cls")}
    assert len(fingerprints) == 2


def test_a_damaged_compressed_adapter_is_a_message(tmp_path):
    import io
    import zipfile

    W = np.random.default_rng(0).normal(size=(64, 64)).astype("float32")
    np.savez_compressed(tmp_path / "a.npz", W=W, fingerprint=np.array("fp"), about=np.array("{}"))
    data = bytearray((tmp_path / "a.npz").read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("W.npy")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle:middle + 16] = b"\xff" * 16
    (tmp_path / "a.npz").write_bytes(bytes(data))
    with pytest.raises(QueryError, match="Cannot read the query adapter"):
        adapter.load(str(tmp_path / "a.npz"))


def test_the_models_window_is_known_before_it_loads(tmp_path):
    """On the ONNX backends the model never loads, so max_tokens kept its 256 and the cut passages went unsaid."""
    (tmp_path / "sentence_bert_config.json").write_text('{"max_seq_length": 128}')
    assert embed.SentenceTransformerEmbedder(str(tmp_path), backend="onnx").max_tokens == 128
