"""A short version of bench/load.py against the real app: a few clients, a few seconds, zero errors."""
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser


def test_short_load_run_has_no_errors(capsys):
    sys.path.insert(0, str(ROOT / "bench"))
    import load

    code = load.main(["--clients", "3", "--seconds", "4"])
    out = capsys.readouterr().out
    assert "0 errors" in out and "latency p50" in out, out
    assert code == 0
