"""A fake OpenAI-compatible HTTP server on 127.0.0.1 for the real `openai` client.

Serves `POST /v1/embeddings` and `POST /v1/chat/completions`. Tests script it:
- `chat_replies`: a queue of assistant messages (tool calls or a final answer), or a
  callable `(request_body) -> message` deciding from what it was sent;
- `fail(path, status, times)`: the next `times` requests to `path` get `status`
  (`times=None`: forever);
- `delay(path, seconds, times)`: the next requests sleep before answering.
Every request body and its Authorization header are recorded for assertions.
Embeddings are deterministic bag-of-words vectors hashed with md5 (not the offline
embedder's hash), so retrieval over them is meaningful but independent.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

ChatReply = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]


def fake_embedding(text: str, dimensions: int) -> list[float]:
    vector = np.zeros(dimensions, dtype=np.float64)
    for token in re.findall(r"[a-z0-9]+", text.lower()):
        digest = hashlib.md5(token.encode(), usedforsecurity=False).digest()
        value = int.from_bytes(digest[:8], "little")
        vector[value % dimensions] += 1.0 if value >> 63 else -1.0
    norm = np.linalg.norm(vector)
    return (vector / norm if norm else vector).tolist()


def tool_call_message(*calls: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": f"call_{index}_{name}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(arguments)},
            }
            for index, (name, arguments) in enumerate(calls)
        ],
    }


def answer_message(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


@dataclass
class Recorded:
    path: str
    body: dict[str, Any]
    authorization: str | None


@dataclass
class _Fault:
    status: int | None
    delay: float
    remaining: int | None
    retry_after: str | None = None


@dataclass
class FakeOpenAI:
    chat_replies: deque[ChatReply] = field(default_factory=deque)
    requests: list[Recorded] = field(default_factory=list)
    _faults: dict[str, deque[_Fault]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def fail(
        self, path: str, status: int, times: int | None = 1, *, retry_after: str | None = None
    ) -> None:
        """Answer `status` `times` times (None: always), with `retry-after` when given."""
        self._faults.setdefault(path, deque()).append(_Fault(status, 0.0, times, retry_after))

    def delay(self, path: str, seconds: float, times: int | None = 1) -> None:
        self._faults.setdefault(path, deque()).append(_Fault(None, seconds, times))

    def calls(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path == path]

    def start(self) -> FakeOpenAI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                path = self.path.split("?")[0]
                with fake._lock:
                    fake.requests.append(Recorded(path, body, self.headers.get("authorization")))
                    fault = fake._take_fault(path)
                if fault is not None and fault.delay:
                    time.sleep(fault.delay)
                if fault is not None and fault.status is not None:
                    # The client waits retry-after-ms (so tests stay fast); the handler
                    # passes retry-after on to the user.
                    headers = {"retry-after-ms": "5"}
                    if fault.retry_after is not None:
                        headers["retry-after"] = fault.retry_after
                    self._send(
                        fault.status,
                        {"error": {"message": "scripted failure", "type": "server_error"}},
                        headers,
                    )
                    return
                if path == "/v1/embeddings":
                    self._send(200, fake._embeddings(body))
                elif path == "/v1/chat/completions":
                    self._send(200, fake._chat(body))
                else:
                    self._send(404, {"error": {"message": "no such route"}})

            def _send(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and went away

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _take_fault(self, path: str) -> _Fault | None:
        queue = self._faults.get(path)
        if not queue:
            return None
        fault = queue[0]
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.popleft()
        return fault

    def _embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        dimensions = int(body.get("dimensions") or 1536)
        return {
            "object": "list",
            "model": body["model"],
            "data": [
                {"object": "embedding", "index": i, "embedding": fake_embedding(text, dimensions)}
                for i, text in enumerate(inputs)
            ],
            "usage": {"prompt_tokens": 10 * len(inputs), "total_tokens": 10 * len(inputs)},
        }

    def _chat(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            reply = self.chat_replies.popleft() if self.chat_replies else None
        if reply is None:
            message = answer_message("No scripted reply.")
        elif callable(reply):
            message = reply(body)
        else:
            message = reply
        finish = "tool_calls" if message.get("tool_calls") else "stop"
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
        }
