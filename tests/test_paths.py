"""Which index a command uses when it names none, and the package data found from any directory."""
import json

from rag import calibration, paths, read
from rag.cli import main


def test_a_reading_command_from_elsewhere_uses_the_shipped_index(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)                    # no embeddings/ here
    monkeypatch.delenv(paths.INDEX_VARIABLE, raising=False)
    assert paths.default_index() == paths.PROJECT_INDEX
    assert main(["docs", "--json"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)] == ["000_17cb08188d8e02ca.txt"]


def test_a_writing_command_never_writes_into_the_project_from_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(paths.INDEX_VARIABLE, raising=False)
    assert paths.default_index(writing=True) == paths.LOCAL_INDEX      # ./embeddings, relative to here
    monkeypatch.setenv(paths.INDEX_VARIABLE, str(tmp_path / "mine"))
    assert paths.default_index() == paths.default_index(writing=True) == tmp_path / "mine"


def test_the_default_transcript_and_calibration_are_package_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.default_corpus() == paths.SHIPPED_CORPUS and paths.SHIPPED_CORPUS.is_file()
    assert read.DEFAULT_CORPUS == paths.SHIPPED_CORPUS
    assert paths.SHIPPED_CORPUS.read_bytes() == (paths.PACKAGE.parent / "corpus" / paths.SHIPPED_CORPUS.name).read_bytes()
    assert calibration.SHIPPED.is_file() and "modes" in json.loads(calibration.SHIPPED.read_text())


def test_the_benchmarks_read_only_what_the_project_ships():
    """A clone has no ../shared: bench/retrieval.py, scale.py and foundation.py read their sets from there and stopped
    with a traceback in a fresh clone. Every path a benchmark reads by default is inside the project, and exists."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for script in sorted((root / "bench").glob("*.py")):
        text = script.read_text(encoding="utf-8")
        assert "ROOT.parent" not in text and "../shared" not in text, script.name
        for node in ast.walk(ast.parse(text)):      # QUERIES = ROOT / "eval" / ...: each such constant exists
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp) \
                    and ast.unparse(node.value).startswith("ROOT /"):
                path = eval(ast.unparse(node.value), {"ROOT": root})        # noqa: S307 - the project's own constant
                assert path.exists(), f"{script.name}: {ast.unparse(node)}"
