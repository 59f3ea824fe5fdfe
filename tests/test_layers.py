"""Data flows one way: no module of the package imports one of a later stage.

read → parse → chunk → embed → store → retrieve → cite → summarise → render, then the edges
(the chat's engine and handlers, the UI, the CLI). `records`, `errors`, `paths` and `atomic` (files written whole,
a killed writer's leftovers removed, a cache's lock: the embedding's graph cache uses it as the index does) are shared.
"""
import ast
from pathlib import Path

import rag

STAGES = [
    {"records", "errors", "paths", "atomic", "__init__"},
    {"labels", "sentences"}, {"subtitles"}, {"pdf", "word"}, {"printed"}, {"read"}, {"turns", "paragraphs", "furniture", "exchanges", "parse"}, {"chunk"}, {"embed"},
    # the index as stored (and made), each backend with its own dense and lexical search, and its words
    {"lexical", "dense", "store", "calibration", "build", "milvus", "milvus_search", "migrate", "expand", "places",
     "borrowed", "spelling", "english", "language", "names", "vocabulary", "terms"},
    {"query", "ranking", "notices", "scope", "rows", "retrieve", "evaluate", "speakers", "adapter", "asks"},
    {"cite"},
    {"verify", "models", "prompt", "summarise", "llm", "grounded", "onnxlm"},
    {"render", "chat", "examples"},
    {"logs", "engine", "handlers", "ui", "cli", "__main__"},
]
STAGE = {name: n for n, names in enumerate(STAGES) for name in names}
PACKAGE = Path(rag.__file__).parent


def imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [a.name for a in node.names]
            yield from ((n.split(".")[0], node.lineno) for n in names)


def test_every_module_has_a_stage():
    assert {p.stem for p in PACKAGE.glob("*.py")} <= set(STAGE)


def test_no_module_imports_a_later_stage():
    backwards = [f"{p.stem} imports {m} (line {line})" for p in sorted(PACKAGE.glob("*.py"))
                 for m, line in imports(p) if m in STAGE and STAGE[m] > STAGE[p.stem]]
    assert backwards == []
