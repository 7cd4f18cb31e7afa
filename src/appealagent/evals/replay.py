"""Recorded LLM replies and a local OpenAI-compatible server that replays them.

`evals/recordings/<case id>.json` holds the AppealDraft JSON a model should send
back for that case's (redacted) prompt. There is no model here, so every
recording is hand-written and says so (`"origin": "hand-written"`): replaying it
through the real LLM engine over real HTTP tests the pipeline — prompt building,
the client, parsing, placeholder restoration, grounding, rendering — and says
nothing about any model's quality. The server is the standard library's
`http.server` in a thread, bound to 127.0.0.1, so an eval run needs no network.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from appealagent.errors import InputError
from appealagent.evals.dataset import evals_root
from appealagent.files import load_json
from appealagent.model.draft import AppealDraft

TOOL_NAME = "submit_appeal_draft"
ORIGINS = ("hand-written", "recorded")
EXPLANATION_STAND_IN = "(回放) 这是评测回放的占位说明,不是模型的输出。"


@dataclass(frozen=True)
class Recording:
    case: str
    origin: str
    reply: dict[str, Any]
    path: Path
    note: str = ""

    def reply_json(self) -> str:
        return json.dumps(self.reply, ensure_ascii=False)


def recordings_dir_for(cases_dir: Path) -> Path:
    """evals/recordings next to evals/cases."""
    return evals_root(cases_dir) / "recordings"


def load_recording(path: Path) -> Recording:
    data = load_json(path, what="recording")
    if not isinstance(data, dict):
        raise InputError(f"{path}: a recording is an object with origin, case and reply")
    origin = data.get("origin")
    if origin not in ORIGINS:
        raise InputError(f"{path}: origin must be one of {', '.join(ORIGINS)} (got {origin!r})")
    reply = data.get("reply")
    try:
        AppealDraft.model_validate(reply)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(reply)"
        raise InputError(f"{path}: reply.{loc}: {first['msg']}") from None
    return Recording(case=str(data.get("case") or path.stem), origin=origin, reply=reply if isinstance(reply, dict) else {}, path=path, note=str(data.get("note", "")))


def load_recordings(folder: Path, ids: list[str]) -> dict[str, Recording]:
    """The recording of every case id; a missing one is a one-line error naming the file to write."""
    out = {}
    for case_id in ids:
        path = folder / f"{case_id}.json"
        if not path.is_file():
            raise InputError(f"{path}: no recorded reply for case {case_id} (write one, see evals/README.md)")
        out[case_id] = load_recording(path)
    return out


def chat_completion(content: str | None, *, tool_arguments: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_arguments is not None:
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_replay_1", "type": "function", "function": {"name": TOOL_NAME, "arguments": tool_arguments}}],
        }
    return {
        "id": "chatcmpl-replay",
        "object": "chat.completion",
        "created": 1767225600,
        "model": "replay",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def is_draft_request(body: dict[str, Any]) -> bool:
    """Draft requests ask for structured output (a schema or the draft tool); explanations are plain text."""
    return bool(body.get("tools") or (body.get("response_format") or {}).get("type") in {"json_schema", "json_object"})


def reply_body(body: dict[str, Any], recording: Recording | None, marker: str | None = None) -> tuple[int, dict[str, Any]]:
    """(status, JSON body) answering one chat.completions request with the current recording."""
    if not is_draft_request(body):
        return 200, chat_completion(EXPLANATION_STAND_IN)
    if recording is None:
        return 500, {"error": {"message": "replay: no recording selected", "type": "server_error"}}
    if marker and marker not in json.dumps(body, ensure_ascii=False):
        return 500, {"error": {"message": f"replay: request is not for case {recording.case}", "type": "server_error"}}
    if body.get("tools"):
        return 200, chat_completion(None, tool_arguments=recording.reply_json())
    return 200, chat_completion(recording.reply_json())


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            body = {}
        replay = self.server.replay
        with replay.lock:
            replay.requests += 1
            status, payload = reply_body(body, replay.current, replay.marker)
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, replay: ReplayServer) -> None:
        self.replay = replay
        super().__init__(("127.0.0.1", 0), _Handler)


class ReplayServer:
    """Serves the selected recording to every draft request; use as a context manager."""

    def __init__(self, recordings: dict[str, Recording]) -> None:
        self.recordings = recordings
        self.current: Recording | None = None
        self.marker: str | None = None
        self.requests = 0
        self.lock = threading.Lock()
        self._server: _Server | None = None

    def __enter__(self) -> ReplayServer:
        self._server = _Server(self)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def select(self, case_id: str, marker: str | None = None) -> None:
        """Answer the next draft requests with this case's recording; `marker` must appear in them."""
        with self.lock:
            self.current = self.recordings[case_id]
            self.marker = marker
