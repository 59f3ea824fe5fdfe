"""Load test (not a timed test): N concurrent gradio_client users against the real running app.

    .venv/bin/python bench/load.py [--clients 20] [--seconds 60] [--url http://127.0.0.1:7860/]

Without --url it starts `python app.py` on a free loopback port (index already built) and
stops it afterwards. Each client loops over realistic queries (and a few odd ones) for the
given time. Prints requests, errors, latency p50/p95/p99, and the server's resident memory
at start (after warm-up) and at the end. Exits 1 if any request failed.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "data" / "load-queries.txt"


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


def wait_up(url: str, proc: subprocess.Popen | None, api_name: str, timeout: float = 120):
    from gradio_client import Client

    t0 = time.monotonic()
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the app exited: {proc.stderr.read()[-2000:]}")
        try:
            client = Client(url, verbose=False)
            client.predict("warm up", 3, api_name=api_name)
            return
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() - t0 > timeout:
                raise
            time.sleep(0.2)


def run(url: str, clients: int, seconds: float, api_name: str, queries: list[str]) -> dict:
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(n: int) -> None:
        client = Client(url, verbose=False)
        i = n
        while time.monotonic() < stop:
            q = queries[i % len(queries)]
            i += clients
            t = time.perf_counter()
            try:
                out = client.predict(q, 5, api_name=api_name)
                data = json.loads(out) if isinstance(out, str) else out
                if not isinstance(data, dict) or ("passages" not in data and "error" not in data):
                    raise ValueError(f"unexpected answer {str(out)[:200]}")
                ok = True
            except Exception as e:  # noqa: BLE001 - every failure is counted
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
    args = ap.parse_args(argv)
    queries = [q for q in QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]

    proc = None
    url = args.url
    if not url:
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        proc = start_app(port, args.index)
    try:
        wait_up(url, proc, args.api_name)
        mem0 = rss_mb(proc.pid) if proc else float("nan")
        t0 = time.monotonic()
        res = run(url, args.clients, args.seconds, args.api_name, queries)
        wall = time.monotonic() - t0
        mem1 = rss_mb(proc.pid) if proc else float("nan")
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)
    lat = res["latencies"]
    n = len(lat) + len(res["errors"])
    print(f"clients {args.clients}, {wall:.0f} s: {n} requests ({n / wall:.1f}/s), {len(res['errors'])} errors")
    if lat:
        print(f"latency p50 {statistics.median(lat) * 1e3:.0f} ms, p95 {pct(lat, .95) * 1e3:.0f} ms, "
              f"p99 {pct(lat, .99) * 1e3:.0f} ms")
    print(f"server memory: {mem0:.0f} MB after warm-up, {mem1:.0f} MB at the end")
    for e in res["errors"][:5]:
        print("error:", e)
    return 1 if res["errors"] or not lat else 0


if __name__ == "__main__":
    sys.exit(main())
