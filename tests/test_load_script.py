"""A short version of bench/load.py against the real app: a few clients, a few seconds, zero errors,
and every figure of its report (latency percentiles, the one-client baseline, the server's memory)."""
import os
import re
import sys

import pytest

from conftest import ROOT

NUMBER = r"(\d+(?:\.\d+)?)"


def load_module():
    sys.path.insert(0, str(ROOT / "bench"))
    import load

    return load


def check_report(out: str) -> None:
    """bench/load.py's report: no errors, and each figure present as a number that makes sense."""
    requests = re.search(rf"^clients \d+, \d+ s: (\d+) requests \({NUMBER}/s\), 0 errors$", out, re.M)
    assert requests and int(requests.group(1)) > 0, out
    latency = re.search(rf"^latency p50 {NUMBER} ms, p95 {NUMBER} ms, p99 {NUMBER} ms; "
                        rf"one client alone \(same run\): p50 {NUMBER} ms, "
                        rf"so p50 is {NUMBER}× and p95 {NUMBER}× that$", out, re.M)
    assert latency, out
    p50, p95, p99, alone = (float(latency.group(n)) for n in range(1, 5))
    assert 0 <= p50 <= p95 <= p99 and alone >= 0, out
    memory = re.search(rf"^server memory: {NUMBER} MB after warm-up, {NUMBER} MB at the end "
                       rf"\(every tenth of the run: ([\d. ]+)\)$", out, re.M)
    assert memory, out
    samples = [float(m) for m in memory.group(3).split()]
    assert float(memory.group(1)) > 0 and float(memory.group(2)) > 0 and samples and min(samples) > 0, out
    assert samples[0] == float(memory.group(1)) and samples[-1] == float(memory.group(2)), out
    assert "error:" not in out, out


def test_the_report_has_every_figure(monkeypatch, capsys):
    """check_report reads what bench/load.py prints: its report, with the app and the clients faked."""
    load = load_module()

    class App:                      # this process stands in for the app: its memory is real
        pid = os.getpid()

        def poll(self):
            return None

        def terminate(self):
            pass

        def wait(self, timeout=None):
            return 0

    runs = iter([{"latencies": [0.05] * 5, "errors": []},                    # warm-up
                 {"latencies": [0.04, 0.05, 0.06], "errors": []},             # one client alone
                 {"latencies": [0.1 + i / 100 for i in range(50)], "errors": []}])
    monkeypatch.setattr(load, "start_app", lambda port, index: App())
    monkeypatch.setattr(load, "wait_up", lambda url, proc, api_name: 0.0)
    monkeypatch.setattr(load, "run", lambda *args, **kwargs: next(runs))
    assert load.main(["--clients", "3", "--seconds", "0.05"]) == 0
    out = capsys.readouterr().out
    check_report(out)
    with pytest.raises(AssertionError):
        check_report(out.replace(", 0 errors", ", 2 errors"))
    with pytest.raises(AssertionError):
        check_report(re.sub(r"p99 \d+ ms", "p99 nan ms", out))
    with pytest.raises(AssertionError):
        check_report("\n".join(line for line in out.splitlines() if not line.startswith("server memory")))


@pytest.mark.browser
def test_short_load_run_has_no_errors(capsys):
    load = load_module()
    code = load.main(["--clients", "3", "--seconds", "4"])
    out = capsys.readouterr().out
    check_report(out)
    assert code == 0
