"""Load test (not a timed test): N concurrent gradio_client users against the real running app.

    .venv/bin/python bench/load.py [--clients 20] [--seconds 60] [--url http://127.0.0.1:7860/]

Without --url it starts `python app.py` on a free loopback port (index already built) and
stops it afterwards. Each client loops over realistic queries (and a few odd ones) for the
given time, after a warm-up: until the app answers with its embedding model loaded, then the
same clients for a few seconds, not counted. Prints requests, errors, latency p50/p95/p99, and
the server's resident memory after warm-up, every tenth of the run and at the end, and the
baseline measured in the same run: one client alone. A request
that takes longer than --timeout counts as an error. Exits 1 if any request failed.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "data" / "load-queries.txt"
sys.path.insert(0, str(ROOT))
from rag.engine import LOADING_NOTICE  # noqa: E402 - the notice the app gives until its model has loaded


@functools.cache
def _ssl_context():
    import ssl

    return ssl.create_default_context()


def new_client(url: str):
    """A gradio_client Client that shares one SSL context: by default every request builds its own
    httpx client, and loading the CA bundle for each took 80 % of this script's CPU, starving the server."""
    from gradio_client import Client

    return Client(url, verbose=False, ssl_verify=_ssl_context())  # passed on to httpx as verify=


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, index: str | None) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    cmd = [sys.executable, str(ROOT / "app.py"), "--port", str(port)] + (["--index", index] if index else [])
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_up(url: str, proc: subprocess.Popen | None, api_name: str, timeout: float = 180) -> None:
    """Wait until the app answers with its embedding model loaded (not by word matching alone);
    then a few more searches, so that what is measured after is the steady state."""
    t0 = time.monotonic()
    client = None
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the app exited: {proc.stderr.read()[-2000:]}")
        try:
            client = client or new_client(url)
            data = answer(client.submit("warm up", 3, api_name=api_name).result(timeout=30))
            if LOADING_NOTICE not in data.get("notices", []):
                break
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() - t0 > timeout:
                raise
            client = None
        time.sleep(0.2)
    for q in ("Finland and NATO", "Kazakhstan", "relations with Japan", "sanctions"):
        client.submit(q, 5, api_name=api_name).result(timeout=30)


def answer(out) -> dict:
    data = json.loads(out) if isinstance(out, str) else out
    if not isinstance(data, dict) or ("passages" not in data and "error" not in data):
        raise ValueError(f"unexpected answer {str(out)[:200]}")
    return data


def run(url: str, clients: int, seconds: float, api_name: str, queries: list[str], timeout: float = 30) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(n: int) -> None:
        client = new_client(url)
        i = n
        while time.monotonic() < stop:
            q = queries[i % len(queries)]
            i += clients
            t = time.perf_counter()
            job = client.submit(q, 5, api_name=api_name)
            try:
                answer(job.result(timeout=timeout))
                ok = True
            except Exception as e:  # noqa: BLE001 - every failure (a timeout too) is counted
                job.cancel()
                ok = False
                with lock:
                    errors.append(f"{type(e).__name__}: {e}"[:300])
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - t)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors}


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--url", help="an app already running (else one is started)")
    ap.add_argument("--index", help="index folder for the started app")
    ap.add_argument("--api-name", default="/search")
    ap.add_argument("--timeout", type=float, default=30, help="seconds before a request counts as failed")
    args = ap.parse_args(argv)
    queries = [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]

    # a `timeout` or Ctrl-C must not leave the started app running
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    proc = None
    url = args.url
    if not url:
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        proc = start_app(port, args.index)
    try:
        wait_up(url, proc, args.api_name)
        # warm up with the same clients (not counted): the server's worker threads and their
        # memory arenas come with the first concurrent requests
        run(url, args.clients, min(5.0, args.seconds / 6), args.api_name, queries, args.timeout)
        # the baseline, in the same run: one client alone (the round trip without queueing)
        alone = run(url, 1, min(10.0, args.seconds / 6), args.api_name, queries, args.timeout)
        memory: list[float] = []        # the server's, every tenth of the run
        done = threading.Event()

        def sample() -> None:
            while proc is not None:
                memory.append(rss_mb(proc.pid))
                if done.wait(args.seconds / 10):
                    break

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t0 = time.monotonic()
        res = run(url, args.clients, args.seconds, args.api_name, queries, args.timeout)
        done.set()
        sampler.join()
        wall = time.monotonic() - t0
        if proc is not None:
            memory.append(rss_mb(proc.pid))
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)
    lat = res["latencies"]
    n = len(lat) + len(res["errors"])
    base = statistics.median(alone["latencies"]) if alone["latencies"] else float("nan")
    print(f"clients {args.clients}, {wall:.0f} s: {n} requests ({n / wall:.1f}/s), {len(res['errors'])} errors")
    if lat:
        print(f"latency p50 {statistics.median(lat) * 1e3:.0f} ms, p95 {pct(lat, .95) * 1e3:.0f} ms, "
              f"p99 {pct(lat, .99) * 1e3:.0f} ms; one client alone (same run): p50 {base * 1e3:.0f} ms, "
              f"so p50 is {statistics.median(lat) / base:.1f}× and p95 {pct(lat, .95) / base:.1f}× that")
    if memory:
        print(f"server memory: {memory[0]:.0f} MB after warm-up, {memory[-1]:.0f} MB at the end "
              f"(every tenth of the run: {' '.join(f'{m:.0f}' for m in memory)})")
    for e in (alone["errors"] + res["errors"])[:5]:
        print("error:", e)
    return 1 if res["errors"] or alone["errors"] or not lat else 0


if __name__ == "__main__":
    sys.exit(main())
