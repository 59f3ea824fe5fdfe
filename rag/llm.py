"""A small client for an OpenAI-compatible chat server, as the summariser's second backend.

Any server that speaks the OpenAI chat API can write the summary: llama.cpp's
``llama-server``, llama-cpp-python's server, Ollama (``http://127.0.0.1:11434/v1``),
vLLM, LM Studio. The configuration is a :class:`Server`: a base URL, a model name
and an optional API key (``--llm-url``/``--llm-model``, or ``RAG_LLM_URL``,
``RAG_LLM_MODEL``, ``RAG_LLM_KEY``). One summary is one
``POST {url}/chat/completions`` with ``"stream": true``; the answer is read as
server-sent events (``data: {...}`` lines, ending with ``data: [DONE]``), each
``choices[0].delta.content`` a piece of text. A server that ignores ``stream`` and
answers with one JSON object is read too. When no model is named, one
``GET {url}/models`` asks the server which model it runs (llama.cpp's server lists one).

Only the configured URL is contacted: the stdlib ``http.client`` is used directly,
so no proxy variable (``HTTP_PROXY``…) reroutes the request, redirects are not
followed (an answer other than 200 is an error), and the key is sent only there.
Every wait has a limit: connecting (CONNECT_TIMEOUT), the silence between two
pieces (READ_TIMEOUT) and the caller's overall deadline, whichever is nearest.
Failures raise :class:`ServerError` (a ModelError) with a message for the reader
("The summary server at … does not answer (connection refused).").

What it leaves out: retries, keep-alive between summaries, tool calls, the legacy
``/completions`` endpoint, and checking a TLS certificate other than the system's.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import urlsplit

from .errors import ModelError

URL_VARIABLE, MODEL_VARIABLE, KEY_VARIABLE = "RAG_LLM_URL", "RAG_LLM_MODEL", "RAG_LLM_KEY"
CONNECT_TIMEOUT = 5.0      # seconds to open the connection
READ_TIMEOUT = 30.0        # seconds of silence between two pieces of the answer
MAX_LINE = 1 << 20         # one SSE line (a piece of text is a few bytes; anything this long is broken)

# Special-token strings of common chat templates. The server applies its own template to the
# messages, and some servers parse special tokens inside the content, so the prompt breaks these up
# (prompt.prompt_messages) as it does the local model's own.
SPECIAL_TOKENS = ("<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|begin_of_text|>", "<|end_of_text|>",
                  "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|eom_id|>", "<|system|>",
                  "<|user|>", "<|assistant|>", "<|end|>", "<start_of_turn>", "<end_of_turn>", "<s>", "</s>",
                  "[INST]", "[/INST]", "<<SYS>>", "<</SYS>>", "<|im_sep|>", "<think>", "</think>")


class ServerError(ModelError):
    """The summary server could not be used; `kind` is "down", "slow", "time", "http" or "protocol"."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Server:
    """Where the summary server is. `url` is the API base (…/v1), without a trailing slash."""

    url: str
    model: str | None = None
    key: str | None = field(default=None, repr=False)
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT

    def __post_init__(self):
        url = (self.url or "").strip().rstrip("/")
        try:        # ("http://[::1" and "http://h:abc/v1" raise here, or at .port, not at the first summary)
            parts = urlsplit(url)
            parts.port
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"The summary server URL must look like http://127.0.0.1:8080/v1, not {self.url!r}.")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ModelError("The summary server URL must not carry a user, a password, a query or a fragment "
                             f"(put a key in ${KEY_VARIABLE}).")
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "model", (self.model or "").strip() or None)
        object.__setattr__(self, "key", (self.key or "").strip() or None)

    @property
    def choice(self) -> str:
        """How the chat's model list names this server's model (no URL: visitors see no addresses)."""
        return f"{self.model or 'the model'} (summary server)"


def configured(url: str | None = None, model: str | None = None, key: str | None = None,
               environ=None) -> Server | None:
    """The Server from explicit settings, each falling back to its variable ($RAG_LLM_URL,
    $RAG_LLM_MODEL, $RAG_LLM_KEY); None when no URL is set."""
    env = os.environ if environ is None else environ
    url = (url or env.get(URL_VARIABLE) or "").strip()
    if not url:
        return None
    return Server(url, model or env.get(MODEL_VARIABLE), key or env.get(KEY_VARIABLE))


def _connection(server: Server, timeout: float):
    parts = urlsplit(server.url)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    return cls(parts.hostname, parts.port, timeout=timeout), parts.path


def _headers(server: Server, body: bool) -> dict:
    headers = {"Accept": "text/event-stream, application/json", "User-Agent": "rag-quotes"}
    if body:
        headers["Content-Type"] = "application/json"
    if server.key:
        headers["Authorization"] = f"Bearer {server.key}"
    return headers


def _remaining(deadline: float) -> float:
    return deadline - time.monotonic()


def _open(server: Server, method: str, endpoint: str, payload: dict | None, deadline: float):
    """Send one request and return (connection, socket, response) once the status line has come."""
    at = server.url
    if _remaining(deadline) <= 0:
        raise ServerError(f"The summary server at {at} was not asked: the time limit had passed.", "time")
    conn, base = _connection(server, min(server.connect_timeout, _remaining(deadline)))
    body = json.dumps(payload).encode("utf-8") if payload is not None else None
    try:
        conn.connect()
    except ConnectionRefusedError:
        raise ServerError(f"The summary server at {at} does not answer (connection refused).", "down") from None
    except (socket.timeout, TimeoutError):
        raise ServerError(f"The summary server at {at} does not answer (no connection within "
                          f"{min(server.connect_timeout, max(0.0, _remaining(deadline))):.3g} s).", "down") from None
    except OSError as e:
        raise ServerError(f"The summary server at {at} cannot be reached ({e.strerror or e}).", "down") from None
    sock = conn.sock
    try:
        sock.settimeout(max(0.001, min(server.read_timeout, _remaining(deadline))))
        conn.request(method, base + endpoint, body=body, headers=_headers(server, body is not None))
        response = conn.getresponse()
    except (socket.timeout, TimeoutError):
        conn.close()
        kind = "time" if _remaining(deadline) <= 0 else "slow"
        raise ServerError(f"The summary server at {at} took too long to start answering "
                          f"({'the time limit' if kind == 'time' else f'{server.read_timeout:g} s'}).", kind) from None
    except (OSError, http.client.HTTPException) as e:
        conn.close()
        raise ServerError(f"The summary server at {at} broke off the request ({e or type(e).__name__}).",
                          "down") from None
    if response.status != 200:
        detail = _error_detail(response)
        conn.close()
        raise ServerError(f"The summary server at {at} answered HTTP {response.status}"
                          f"{': ' + detail if detail else ''}.", "http")
    return conn, sock, response


def _error_detail(response) -> str:
    try:
        raw = response.read(4000).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return response.reason or ""
    try:
        err = json.loads(raw).get("error")
        text = err.get("message") if isinstance(err, dict) else err
    except (ValueError, AttributeError, RecursionError):
        text = raw
    text = " ".join(str(text or response.reason or "").split())
    return text[:200]


def list_models(server: Server, deadline: float) -> list[str]:
    """The model ids the server lists (GET {url}/models)."""
    conn, _, response = _open(server, "GET", "/models", None, deadline)
    try:
        data = json.loads(response.read(MAX_LINE).decode("utf-8"))
        return [str(m["id"]) for m in data.get("data", []) if isinstance(m, dict) and m.get("id")]
    except (ValueError, KeyError, TypeError, OSError, http.client.HTTPException, RecursionError) as e:
        raise ServerError(f"The summary server at {server.url} sent a model list that cannot be read "
                          f"({type(e).__name__ if isinstance(e, RecursionError) else e}).", "protocol") from None
    finally:
        conn.close()


def _piece(obj, at: str, outcome: dict) -> str:
    if not isinstance(obj, dict):
        raise ServerError(f"The summary server at {at} sent something other than a chat completion.", "protocol")
    if obj.get("error"):
        err = obj["error"]
        text = err.get("message") if isinstance(err, dict) else err
        raise ServerError(f"The summary server at {at} reported an error: {' '.join(str(text).split())[:200]}",
                          "http")
    choices = obj.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return ""
    choice = choices[0]
    if choice.get("finish_reason"):
        outcome["finish_reason"] = choice["finish_reason"]
    delta = choice.get("delta") or choice.get("message") or {}
    text = delta.get("content") if isinstance(delta, dict) else None
    if text is None:
        text = choice.get("text")        # a /completions-style chunk
    return text if isinstance(text, str) else ""


def _shut(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Lines:
    """A response read in the pieces that have arrived (read1), the deadline checked before each: a server that
    drips a byte a second never lets a whole line's read (readline, read) time out, so it ran past the time limit
    for as long as it dripped (a hostile review: killed at 300 s of a 60 s limit)."""

    def __init__(self, response, sock, deadline: float, read_timeout: float, at: str):
        self.response, self.sock, self.deadline, self.read_timeout, self.at = response, sock, deadline, read_timeout, at
        self.buffer = b""
        self.ended = False

    def _more(self) -> bytes:
        if self.ended:          # (the body ended: http.client has closed the socket)
            return b""
        left = _remaining(self.deadline)
        if left <= 0:
            raise ServerError(f"The summary server at {self.at} was stopped at the time limit.", "time")
        try:
            self.sock.settimeout(max(0.001, min(self.read_timeout, left)))
            piece = self.response.read1(65536)
            if not piece and _remaining(self.deadline) <= 0:     # the watchdog's shutdown reads as an end
                raise ServerError(f"The summary server at {self.at} was stopped at the time limit.", "time")
            self.ended = not piece
            return piece
        except (socket.timeout, TimeoutError):
            if _remaining(self.deadline) <= 0:
                raise ServerError(f"The summary server at {self.at} was stopped at the time limit.", "time") from None
            raise ServerError(f"The summary server at {self.at} stopped sending for {self.read_timeout:g} s.",
                              "slow") from None
        except (OSError, http.client.HTTPException, ValueError) as e:
            if _remaining(self.deadline) <= 0:      # the watchdog closed it (chat_stream)
                raise ServerError(f"The summary server at {self.at} was stopped at the time limit.", "time") from None
            raise ServerError(f"The summary server at {self.at} broke off its answer ({e or type(e).__name__}).",
                              "down") from None

    def readline(self, limit: int) -> bytes:
        """The next line (with its newline), at most `limit` bytes; b"" at the end."""
        while b"\n" not in self.buffer and len(self.buffer) < limit:
            piece = self._more()
            if not piece:
                break
            self.buffer += piece
        end = self.buffer.find(b"\n")
        end = min(limit, end + 1 if end >= 0 else len(self.buffer))
        line, self.buffer = self.buffer[:end], self.buffer[end:]
        return line

    def read_all(self, limit: int) -> bytes:
        """The rest of the body, at most `limit` bytes."""
        while len(self.buffer) < limit:
            piece = self._more()
            if not piece:
                break
            self.buffer += piece
        data, self.buffer = self.buffer[:limit], self.buffer[limit:]
        return data


def chat_stream(server: Server, messages: list[dict], *, max_tokens: int, deadline: float,
                model: str | None = None, outcome: dict | None = None) -> Iterator[str]:
    """The pieces of the server's answer to `messages`, greedy, as they arrive. Raises ServerError
    when the server is down, slow (READ_TIMEOUT of silence), past `deadline` (kind "time": the
    pieces already yielded stand), or answers something else. Closing the iterator closes the
    connection, which stops a llama.cpp server's generation. `outcome` (a dict, if given) gets
    the server's "finish_reason" ("stop", "length") when it sends one."""
    outcome = {} if outcome is None else outcome
    payload = {"messages": messages, "stream": True, "max_tokens": int(max_tokens), "temperature": 0.0}
    if model or server.model:
        payload["model"] = model or server.model
    conn, sock, response = _open(server, "POST", "/chat/completions", payload, deadline)
    at = server.url
    # a watchdog at the deadline: http.client reads a chunked body's size lines byte by byte inside read1, where a
    # server dripping a byte at a time resets every timeout; shutting the socket ends any read there
    watchdog = threading.Timer(max(0.0, _remaining(deadline)), _shut, (sock,))
    watchdog.daemon = True
    watchdog.start()
    try:
        kind = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        lines = _Lines(response, sock, deadline, server.read_timeout, at)
        if kind == "application/json":            # a server that does not stream
            try:
                obj = json.loads(lines.read_all(16 * MAX_LINE).decode("utf-8"))
            except (ValueError, RecursionError):
                raise ServerError(f"The summary server at {at} sent JSON that cannot be read.", "protocol") from None
            text = _piece(obj, at, outcome)
            if text:
                yield text
            return
        while True:
            line = lines.readline(MAX_LINE)
            if not line:
                return                          # closed without [DONE]: what came is the answer
            line = line.strip()
            if not line.startswith(b"data:"):    # blank separators, ": comments", event: / id: fields
                continue
            data = line[5:].strip()
            if data == b"[DONE]":
                return
            try:
                obj = json.loads(data.decode("utf-8"))
            except (ValueError, RecursionError):
                raise ServerError(f"The summary server at {at} sent an event that is not JSON.", "protocol") from None
            text = _piece(obj, at, outcome)
            if text:
                yield text
    finally:
        watchdog.cancel()
        conn.close()
