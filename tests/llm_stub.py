"""A small OpenAI-compatible chat server for the tests: streams server-sent events the way
llama.cpp's server does (HTTP/1.1, chunked, one ``data: {...}`` event per piece, a last chunk
with ``finish_reason``, then ``data: [DONE]``), and records every request it gets.

    with LLMStub(pieces=["The pipeline ", "is funded [1]."]) as stub:
        stub.url            # http://127.0.0.1:PORT/v1
        stub.requests       # [{"method", "path", "headers", "json"}…]

`mode` makes it misbehave: "stall" (sends the first piece, then nothing for `stall` seconds),
"stall_headers" (nothing at all for `stall` seconds), "error" (HTTP 500 with an OpenAI error
body), "redirect" (307 to `redirect_to`), "json" (ignores stream: one chat.completion object),
"echo" (the pieces are the user turn it received, so whatever a quote says comes back), "drip" and "drip_json"
(headers, then a byte every 50 ms for `stall` seconds, never a newline), "drip_chunked" (one event, then a chunk size
that drips), "cut" (no length nor chunks, closed in the middle of a line), "deep" (an event of JSON nested 200,000
deep).
`models` is what GET /v1/models lists. What it leaves out: everything else of the API.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LLMStub:
    def __init__(self, pieces=("The pipeline is funded by a regional grant [1].",), *, delay=0.02, mode="ok",
                 stall=5.0, models=("stub-model",), redirect_to="", finish="stop"):
        self.pieces, self.delay, self.mode, self.stall = list(pieces), delay, mode, stall
        self.models, self.redirect_to, self.finish = list(models), redirect_to, finish
        self.requests: list[dict] = []
        self.disconnected = threading.Event()      # the client closed the stream before the end
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _record(self, body=None):
                stub.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                      "json": body})

            def _send_json(self, status, obj):
                raw = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                self._record()
                if self.path.rstrip("/").endswith("/models"):
                    self._send_json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in stub.models]})
                else:
                    self._send_json(404, {"error": {"message": "not found", "type": "not_found_error"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                self._record(body)
                if not self.path.endswith("/chat/completions"):
                    return self._send_json(404, {"error": {"message": "not found"}})
                if stub.mode == "error":
                    return self._send_json(500, {"error": {"code": 500, "message": "the model crashed",
                                                           "type": "server_error"}})
                if stub.mode == "redirect":
                    self.send_response(307)
                    self.send_header("Location", stub.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if stub.mode == "stall_headers":
                    time.sleep(stub.stall)
                    return
                pieces = stub.pieces
                if stub.mode == "echo":
                    pieces = [m["content"] for m in body["messages"] if m["role"] == "user"]
                if stub.mode in ("drip", "drip_json"):   # headers, then a byte at a time, never a newline
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream" if stub.mode == "drip" else "application/json")
                    self.end_headers()
                    try:
                        for _ in range(int(stub.stall / 0.05)):
                            self.wfile.write(b"d" if stub.mode == "drip" else b"[")
                            self.wfile.flush()
                            time.sleep(0.05)
                    except (BrokenPipeError, ConnectionResetError):
                        stub.disconnected.set()
                    return
                if stub.mode == "drip_chunked":          # a chunked body whose next chunk-size line drips
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        self._event({"content": "The pipeline"}, None)
                        for _ in range(int(stub.stall / 0.05)):
                            self.wfile.write(b"0")         # "000…": a chunk size that never ends
                            self.wfile.flush()
                            time.sleep(0.05)
                    except (BrokenPipeError, ConnectionResetError):
                        stub.disconnected.set()
                    return
                if stub.mode == "cut":                  # no length, not chunked: closed in the middle of a line
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for piece in pieces:
                        obj = {"choices": [{"finish_reason": None, "index": 0, "delta": {"content": piece}}]}
                        self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
                    self.wfile.write(b"data: [DO")
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if stub.mode == "deep":                 # an event nested past Python's limit on reading JSON
                    pieces = []
                if stub.mode == "json":
                    return self._send_json(200, {"object": "chat.completion", "choices": [
                        {"index": 0, "finish_reason": stub.finish,
                         "message": {"role": "assistant", "content": "".join(pieces)}}]})
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    if stub.mode == "deep":
                        self._chunk(b"data: " + b"[" * 200_000 + b"\n\n")
                    self._event({"role": "assistant", "content": None}, None)
                    for n, piece in enumerate(pieces):
                        if stub.mode == "stall" and n == 1:
                            time.sleep(stub.stall)
                        time.sleep(stub.delay)
                        self._event({"content": piece}, None)
                    self._event({}, stub.finish)
                    self._chunk(b"data: [DONE]\n\n")
                    self._chunk(b"")
                except (BrokenPipeError, ConnectionResetError):
                    stub.disconnected.set()

            def _event(self, delta, finish):
                obj = {"choices": [{"finish_reason": finish, "index": 0, "delta": delta}], "created": int(time.time()),
                       "id": "chatcmpl-stub", "model": stub.models[0] if stub.models else "stub",
                       "object": "chat.completion.chunk"}
                self._chunk(b"data: " + json.dumps(obj).encode() + b"\n\n")

            def _chunk(self, data: bytes):
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
