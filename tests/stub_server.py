"""A scripted OpenAI-compatible server on 127.0.0.1, for tests and benchmarks with no network.

The real `openai` client talks to it over real HTTP (openai ≥ 3 sends through
httpx2, which respx and pytest-httpx cannot intercept). Each test scripts the
replies it wants and then reads back every request the client made:

    from tests.stub_server import StubServer, draft_reply, error_reply

    with StubServer() as stub:
        stub.enqueue(error_reply(429, headers={"retry-after": "0.2"}), draft_reply(draft_dict))
        settings = load_settings(base_url=stub.url)          # http://127.0.0.1:PORT/v1
        ...
        assert stub.requests[0].body["response_format"]["type"] == "json_schema"

Replies are taken from the queue in order; when the queue is empty, `default`
(a function of the request) answers, or the server returns 500 "stub queue
empty" so a test that makes more calls than it scripted fails loudly.
`latency` delays every reply (the benchmark uses 0.2 s); a reply's own `delay`
adds to it (longer than the client's timeout = a timeout). `raw` bytes are
written to the socket as they are, for malformed or cut-off HTTP. `trickle`
sends the body a few bytes at a time with that pause between them (a server that
keeps the connection alive but never finishes: every read succeeds, so only a
whole-exchange deadline stops it). `quota_reply()` is OpenAI's
`insufficient_quota` 429; `hang_responder` never answers at all.

`offline_responder` answers any draft request like a model that follows the
prompt perfectly (the offline engine's sections of the case it was sent), and
`point_at(monkeypatch, stub)` aims the engine at the stub with tiny backoff
waits. `python -m tests.stub_server --latency 0.2` serves the same in its own
process (the benchmark does this so the server does not share its CPU).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "RecordedRequest",
    "StubResponse",
    "StubServer",
    "chat_completion",
    "draft_reply",
    "error_reply",
    "quota_reply",
    "text_reply",
    "offline_responder",
    "point_at",
    "user_text",
]


@dataclass
class StubResponse:
    """One scripted reply. `body` may be a dict (sent as JSON), str or bytes."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None
    trickle: float = 0.0  # seconds between chunks of the body (0: all at once)
    chunk: int = 4


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes
    at: float

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", []))

    def text(self) -> str:
        """Everything the client sent (headers and body), for 'is X anywhere in it' assertions."""
        return json.dumps(self.headers) + "\n" + self.raw.decode("utf-8", "replace")


Responder = Callable[[RecordedRequest], StubResponse]


def chat_completion(
    content: str | None = None,
    *,
    tool_arguments: str | None = None,
    tool_name: str = "submit_appeal_draft",
    finish_reason: str = "stop",
    model: str = "stub-model",
    usage: tuple[int, int] = (1200, 600),
) -> dict[str, Any]:
    """A chat.completions body; `tool_arguments` makes it a function call instead of text."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_arguments is not None:
        message["content"] = None
        message["tool_calls"] = [
            {"id": "call_stub_1", "type": "function", "function": {"name": tool_name, "arguments": tool_arguments}}
        ]
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 1767225600,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": usage[0] + usage[1]},
    }


def draft_reply(draft: Any, *, mode: str = "json_schema", finish_reason: str = "stop", delay: float = 0.0) -> StubResponse:
    """A reply carrying a draft (dict, pydantic model or already-serialised str) in the given output mode."""
    if hasattr(draft, "model_dump_json"):
        text = draft.model_dump_json()
    elif isinstance(draft, str):
        text = draft
    else:
        text = json.dumps(draft, ensure_ascii=False)
    if finish_reason == "length":
        text = text[: max(1, len(text) // 2)]
    if mode == "tools":
        body = chat_completion(tool_arguments=text, finish_reason=finish_reason)
    else:
        body = chat_completion(text, finish_reason=finish_reason)
    return StubResponse(body=body, delay=delay)


def text_reply(text: str, *, finish_reason: str = "stop") -> StubResponse:
    return StubResponse(body=chat_completion(text, finish_reason=finish_reason))


def error_reply(status: int, message: str = "stub error", *, headers: dict[str, str] | None = None, delay: float = 0.0) -> StubResponse:
    """An OpenAI-style error body with the given HTTP status."""
    kind = {400: "invalid_request_error", 401: "invalid_api_key", 404: "model_not_found", 429: "rate_limit_exceeded"}.get(status, "server_error")
    body = {"error": {"message": message, "type": kind, "param": None, "code": kind}}
    return StubResponse(status=status, body=body, headers=headers or {}, delay=delay)


def quota_reply() -> StubResponse:
    """OpenAI's answer when the account has no credit: a 429 that no wait will cure."""
    body = {"error": {"message": "You exceeded your current quota, please check your plan and billing details.",
                      "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}}
    return StubResponse(status=429, body=body, headers={"retry-after": "1"})


def user_text(request: RecordedRequest) -> str:
    """The first user message of a chat request."""
    for m in request.messages:
        if m.get("role") == "user":
            return str(m.get("content"))
    return ""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        pass

    def _record(self) -> RecordedRequest:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = None
        req = RecordedRequest(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            raw=raw,
            at=time.monotonic(),
        )
        with self.server.lock:
            self.server.stub.requests.append(req)
        return req

    def _answer(self) -> None:
        req = self._record()
        reply = self.server.stub._next(req)
        stub = self.server.stub
        if stub.hold_after is not None and len(stub.chat_requests) > stub.hold_after:
            stub.released.wait()  # held until the server stops: the client's work cannot finish first
        wait = stub.latency + reply.delay
        if wait:
            time.sleep(wait)
        try:
            if reply.raw is not None:
                self.wfile.write(reply.raw)
                self.wfile.flush()
                self.close_connection = True
                return
            body = reply.body
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
                ctype = "application/json"
            elif isinstance(body, str):
                data = body.encode()
                ctype = "application/json"
            else:
                data = body or b""
                ctype = "application/octet-stream"
            self.send_response(reply.status)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(data)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if reply.trickle:
                for i in range(0, len(data), reply.chunk):
                    self.wfile.write(data[i : i + reply.chunk])
                    self.wfile.flush()
                    time.sleep(reply.trickle)
            else:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True

    do_POST = _answer
    do_GET = _answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, stub: StubServer) -> None:
        self.stub = stub
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)


class StubServer:
    """An OpenAI-compatible HTTP server in a background thread; use as a context manager."""

    def __init__(self, *, latency: float = 0.0, default: Responder | None = None, hold_after: int | None = None) -> None:
        self.latency = latency
        self.hold_after = hold_after  # requests after this many get no answer until stop(): for interrupt tests
        self.released = threading.Event()
        self.default = default
        self.requests: list[RecordedRequest] = []
        self._queue: deque[StubResponse | Responder] = deque()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> StubServer:
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start the server first"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The base_url to give the client."""
        return f"http://127.0.0.1:{self.port}/v1"

    # -- scripting ---------------------------------------------------------------------------
    def enqueue(self, *replies: StubResponse | Responder) -> None:
        """Replies for the next requests, in order (a function is called with the request)."""
        with self._lock:
            self._queue.extend(replies)

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def _next(self, req: RecordedRequest) -> StubResponse:
        with self._lock:
            item = self._queue.popleft() if self._queue else None
        if item is None:
            if self.default is None:
                return error_reply(500, "stub queue empty")
            item = self.default
        return item(req) if callable(item) else item

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]


# ---- a responder that answers every draft request with a grounded letter -------------------

_CASE_DATA = re.compile(r"<case_data>\s*(.*?)\s*</case_data>", re.S)
_LETTER = re.compile(r"<letter>\s*(.*?)\s*</letter>", re.S)
_ORIGINAL = re.compile(r"<original>\s*(.*?)\s*</original>", re.S)
_ANSWERS = re.compile(r"<answers>\s*(.*?)\s*</answers>", re.S)
_PLACEHOLDER = re.compile(r"<([A-Z]+)_(\d+)>")
_STAND_INS = {
    "ORDER": lambda n: f"999-{int(n):07d}-9999999",
    "EMAIL": lambda n: f"stand-in{n}@placeholder.example",
}


def _stand_in(kind: str, n: str) -> str:
    maker = _STAND_INS.get(kind)
    return maker(n) if maker else f"STANDIN{kind}{n}"


def offline_responder(request: RecordedRequest) -> StubResponse:
    """Answer a draft request with the offline engine's draft of the case in `<case_data>`.

    An editor-style request (`<letter>`, or a section's `<original>`) gets its letter back
    unchanged; a request to translate answers (`<answers>`) gets them back untranslated. Stands in for a model that follows the prompt perfectly: the draft uses only
    the case's facts (redaction placeholders included), so it is grounded and the
    engine needs exactly one request. Explanation requests get a short Chinese text.
    """
    from appealagent.engines.offline import draft_offline
    from appealagent.model.case import Case

    body = request.body or {}
    text = user_text(request)
    mode = "tools" if body.get("tools") else "json_schema"
    answers = _ANSWERS.search(text)
    if answers is not None:  # a stub cannot translate: the Chinese comes back as it went
        return draft_reply(answers.group(1), mode=mode)
    edit = _LETTER.search(text) or _ORIGINAL.search(text)
    if edit is not None:  # editor style: hand the letter (or the one section) back as it is
        value = json.loads(edit.group(1))
        if edit.re is _ORIGINAL:
            value = {"items": value} if isinstance(value, list) else {"text": value}
        return draft_reply(json.dumps(value, ensure_ascii=False), mode=mode)
    match = _CASE_DATA.search(text)
    if match is None:
        return StubResponse(body=chat_completion("这是信件的中文说明。"))
    raw_json = match.group(1)
    stand_ins: dict[str, str] = {}

    def swap(m: re.Match[str]) -> str:
        value = _stand_in(m.group(1), m.group(2))
        stand_ins[value] = m.group(0)
        return value

    data = json.loads(_PLACEHOLDER.sub(swap, raw_json))
    draft = draft_offline(Case.model_validate(data)).draft
    out = draft.model_dump_json()
    for value, placeholder in stand_ins.items():
        out = out.replace(value, placeholder)
    return draft_reply(out, mode=mode)


# ---- environment for tests ------------------------------------------------------------------

FAST_RETRIES = {
    "APPEALAGENT_RETRY_WAIT_INITIAL": "0.01",
    "APPEALAGENT_RETRY_WAIT_MAX": "0.05",
    "APPEALAGENT_RETRY_AFTER_MAX": "2",
    "APPEALAGENT_TIMEOUT": "5",
}


def point_at(monkeypatch: Any, stub: StubServer, **extra: str) -> None:
    """Aim the LLM engine at the stub through the environment, with tiny backoff waits.

    `extra` sets further variables, e.g. APPEALAGENT_MAX_ATTEMPTS="3".
    """
    monkeypatch.setenv("OPENAI_BASE_URL", stub.url)
    for key, value in {**FAST_RETRIES, **extra}.items():
        monkeypatch.setenv(key, value)


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.stub_server [--latency S] [--hold-after N]`: serve in the foreground, answering with offline drafts.

    Prints the base URL on the first line of stdout; benchmarks run it in its own
    process so the server's work does not share this program's interpreter lock.
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--hold-after", type=int, default=None, help="answer this many chat requests, hold the rest until quit")
    args = parser.parse_args(argv)
    stub = StubServer(latency=args.latency, default=offline_responder, hold_after=args.hold_after).start()
    print(stub.url, flush=True)
    try:
        for line in sys.stdin:  # serve until stdin closes or says "quit"; "count" prints the number of requests
            if line.strip() == "quit":
                break
            if line.strip() == "count":
                print(len(stub.chat_requests), flush=True)
    finally:
        stub.stop()


if __name__ == "__main__":
    main()
