"""The summary model on onnxruntime-genai: int4 weights, a step function with a reused prompt prefix.

transformers runs a 135M model's prefill well but spends most of each new token in Python
(about 20 tokens/s here); onnxruntime-genai runs the whole decoder as one ONNX graph with
int4 MatMulNBits kernels and a preallocated KV cache (about 90 tokens/s on the same 2 cores,
more than llama.cpp on the same GGUF: bench/summary.py). Both wheels are prebuilt on PyPI
(the `fast` extra); nothing is compiled.

``build`` converts the converted float model (models.converted_path) once, with the package's
own model builder in a subprocess, into ``$RAG_CACHE/onnx-llm/<name>-<hash>.int4.v<VERSION>/``
(a temp folder, then one rename; an existing build is never overwritten). The int4 blocks are
asymmetric and 32 wide, like the GGUF's Q4_1 blocks (the shipped file's own quantization); the
embeddings stay float; the LM head is computed for the last position only (a prompt's 400 rows of
49k logits were a fifth of its reading time). ``OnnxLM.steps()`` is the step function grounded decoding drives
(grounded.generate): feed token ids, get the next token's logits. Consecutive prompts share
their first tokens (the instructions): those are not read again (``rewind_to``).

What it leaves out: free writing (summarise.py keeps transformers' generate for it), sampling,
batches, GPUs.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .errors import ModelError, install_command

PACKAGE = "onnxruntime_genai"
MARK = "rag-source.json"
VERSION = 2                 # of the build's options (2: the LM head computed for the last position only)
MAX_LENGTH = 2048           # tokens of prompt + summary one generator holds (its KV cache is preallocated: ~95 MB)


def available() -> bool:
    """Whether onnxruntime-genai (and the builder's onnx-ir) are installed: the `fast` extra."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in (PACKAGE, "onnx_ir"))


def ready(folder: Path) -> bool:
    return (folder / "genai_config.json").is_file() and (folder / MARK).is_file()


def build(source: Path, target: Path, log=lambda msg: None) -> float:
    """Build the int4 ONNX model of the transformers folder `source` into `target` (atomically).
    Returns the seconds it took."""
    import time

    if not available():
        raise ModelError(f"onnxruntime-genai is not installed: {install_command('fast')}")
    log(f"Building the int4 ONNX graph of {Path(source).name} (once; about half a minute)…")
    t0 = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}."))
    try:
        cmd = [sys.executable, "-m", f"{PACKAGE}.models.builder", "-i", str(source), "-o", str(tmp / "m"),
               "-p", "int4", "-e", "cpu", "-c", str(tmp / "cache"),
               "--extra_options", "is_symmetric=false", "block_size=32", "shared_embeddings=false",
               "prune_lm_head=true"]
        run = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        if run.returncode != 0 or not (tmp / "m" / "genai_config.json").is_file():
            tail = (run.stderr or run.stdout or "").strip().splitlines()[-1:] or ["no output"]
            raise ModelError(f"onnxruntime-genai could not build {source}: {tail[0]}")
        (tmp / "m" / MARK).write_text(json.dumps({"source": str(source), "precision": "int4", "version": VERSION}),
                                      encoding="utf-8")
        os.chmod(tmp / "m", 0o755)
        if not ready(target):
            os.replace(tmp / "m", target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return time.perf_counter() - t0


class OnnxLM:
    """One int4 ONNX decoder loaded with `threads` intra-op threads (0: onnxruntime's default)."""

    def __init__(self, folder: Path, threads: int = 0):
        import onnxruntime_genai as og

        try:
            config = og.Config(str(folder))
            options = {"intra_op_num_threads": int(threads)} if threads else {}
            if options:
                config.overlay(json.dumps({"model": {"decoder": {"session_options": options}}}))
            self.model = og.Model(config)
        except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
            raise ModelError(f"Cannot load the ONNX summary model at {folder}: {e}") from e
        with open(Path(folder) / "genai_config.json", encoding="utf-8") as f:
            context = json.load(f)["model"].get("context_length") or MAX_LENGTH
        self.max_length = min(int(context), MAX_LENGTH)
        self._og = og
        self._generator = None
        self._fed: list[int] = []          # the tokens the generator's cache holds
        self._lock = threading.Lock()
        self.reused = 0                    # prompt tokens not read again in the last steps() (a measure)

    def steps(self, prompt: list[int]):
        """The step function of one generation whose first call feeds `prompt`: the longest prefix
        it shares with what the previous generation fed stays in the cache and is not read again."""
        with self._lock:
            keep = 0
            for a, b in zip(self._fed, prompt[:-1]):     # the last prompt token is always fed: its logits are needed
                if a != b:
                    break
                keep += 1
            if self._generator is None or keep == 0:
                params = self._og.GeneratorParams(self.model)
                params.set_search_options(max_length=self.max_length)
                self._generator, self._fed, keep = self._og.Generator(self.model, params), [], 0
            elif keep < len(self._fed):
                self._generator.rewind_to(keep)
                del self._fed[keep:]
            self.reused = keep
        generator, fed, first = self._generator, self._fed, [True]

        def step(ids: list[int]):
            ids = list(ids)[keep:] if first[0] else list(ids)
            first[0] = False
            if len(fed) + len(ids) >= self.max_length:
                raise ModelError(f"the prompt and summary exceed the model's {self.max_length} tokens")
            try:
                generator.append_tokens(ids)
                fed.extend(ids)
                return generator.get_logits()[0, -1]
            except Exception:
                with self._lock:             # its cache is in doubt: the next generation starts afresh
                    if self._generator is generator:
                        self._generator = None
                raise

        return step
