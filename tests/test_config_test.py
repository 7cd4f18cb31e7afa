"""`appealagent config test` against the stub: which output modes work, which one drafting should use."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from appealagent.cli import app

from .stub_server import RecordedRequest, StubResponse, StubServer, chat_completion, error_reply, point_at

runner = CliRunner()


def llama_like(request: RecordedRequest) -> StubResponse:
    """A server that lists models, rejects json_schema, and answers tools and json_object."""
    if request.path.endswith("/models"):
        return StubResponse(body={"object": "list", "data": [{"id": "qwen2.5-1.5b", "object": "model", "owned_by": "me"}]})
    body = request.body or {}
    if body.get("response_format", {}).get("type") == "json_schema":
        return error_reply(400, "response_format json_schema is not supported")
    if body.get("tools"):
        return StubResponse(body=chat_completion(tool_arguments='{"status": "ok", "number": 7}', tool_name="submit_probe"))
    return StubResponse(body=chat_completion('{"status": "ok", "number": 7}'))


@pytest.fixture
def stub(monkeypatch):
    with StubServer(default=llama_like) as server:
        point_at(monkeypatch, server)
        yield server


def test_config_test_reports_the_modes_that_work(stub):
    result = runner.invoke(app, ["config", "test", "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    works = {c["name"]: c["ok"] for c in report["checks"]}
    assert works == {"models listed": True, "json_schema": False, "tools": True, "json_object": True}
    assert report["models"] == ["qwen2.5-1.5b"]
    assert report["use_mode"] == "tools" and report["configured_mode"] == "json_schema"
    assert all(c["seconds"] is not None for c in report["checks"])
    # One request per mode, no retries, each in its own format.
    chats = stub.chat_requests
    assert len(chats) == 3
    assert chats[0].body["response_format"]["type"] == "json_schema"
    assert chats[1].body["tool_choice"]["function"]["name"] == "submit_probe"
    assert chats[2].body["response_format"] == {"type": "json_object"}
    assert "json" in chats[2].messages[-1]["content"].lower()  # OpenAI wants the word in json_object mode


def test_config_test_table(stub):
    result = runner.invoke(app, ["config", "test"])
    assert result.exit_code == 0
    assert "models listed" in result.stdout and "json_object" in result.stdout
    assert "use --mode tools" in result.stdout


def test_config_test_keeps_a_working_configured_mode(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_MODE", "json_object")
    result = runner.invoke(app, ["config", "test", "--json"])
    assert json.loads(result.stdout)["use_mode"] == "json_object"


def test_config_test_against_nothing_exits_3_fast():
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    result = runner.invoke(app, ["config", "test", "--base-url", f"http://127.0.0.1:{port}/v1", "--json"])
    assert result.exit_code == 3
    assert time.monotonic() - started < 5
    report = json.loads(result.stdout)
    assert report["use_mode"] is None and not report["checks"][0]["ok"]
    assert len(report["checks"]) == 2  # models + the first mode; the rest would say the same


def test_config_test_masks_url_credentials(stub, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", stub.url.replace("http://", "http://bob:s3cr3t-pass@"))
    out = runner.invoke(app, ["config", "test"]).stdout + runner.invoke(app, ["config", "test", "--json"]).stdout
    assert "s3cr3t-pass" not in out and "***@" in out


def test_config_test_with_nothing_configured_is_one_line():
    result = runner.invoke(app, ["config", "test"])
    assert result.exit_code == 2 and "no LLM configured" in result.stderr
