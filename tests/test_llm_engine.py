"""The LLM engine against a local OpenAI-compatible stub over real HTTP: request shapes, faults, re-asks."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.engines.offline import draft_offline
from appealagent.model.case import Case

from .conftest import ROOT
from .stub_server import StubResponse, StubServer, draft_reply, error_reply, offline_responder, point_at

runner = CliRunner()
CASE = ROOT / "examples" / "cases" / "late_shipment_us.json"


def good_draft(path: Path = CASE) -> dict:
    """A draft that uses only the case's facts (the offline engine's sections)."""
    return draft_offline(Case.model_validate_json(path.read_text(encoding="utf-8"))).draft.model_dump()


@pytest.fixture
def stub(monkeypatch):
    # These tests pin the author style (the model writes the letter); the editor style has test_llm_editor.py.
    with StubServer() as server:
        point_at(monkeypatch, server, APPEALAGENT_STYLE="author")
        yield server


def draft(*args: str):
    return runner.invoke(app, ["draft", str(CASE), "--engine", "llm", *args])


def run_logs(home: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((home / "data" / "runs").glob("*.json"))]


# ---- request shape per output mode -----------------------------------------------------------

def test_json_schema_request_shape_and_one_request_per_draft(stub):
    stub.enqueue(draft_reply(good_draft()))
    result = draft("--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(stub.chat_requests) == 1
    req = stub.chat_requests[0]
    assert req.path == "/v1/chat/completions"
    body = req.body
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"opening", "root_causes", "corrective_actions", "preventive_measures", "closing"}
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "Use only facts found inside <case_data>" in body["messages"][0]["content"]
    assert "<case_data>" in body["messages"][1]["content"]
    assert body["max_tokens"] == 3000  # custom servers get max_tokens; api.openai.com max_completion_tokens
    assert "tools" not in body
    payload = json.loads(result.stdout)
    assert payload["engine"] == "llm"
    assert payload["meta"]["requests"] == 1
    assert payload["meta"]["prompt"]["id"] == "draft_appeal"
    assert len(payload["meta"]["prompt"]["sha256"]) == 64
    assert payload["letter"].startswith("Dear Seller Performance Team,")


def test_tools_mode_sends_a_forced_function_call_and_reads_its_arguments(stub):
    stub.enqueue(draft_reply(good_draft(), mode="tools"))
    result = draft("--mode", "tools")
    assert result.exit_code == 0, result.stderr
    body = stub.chat_requests[0].body
    assert "response_format" not in body
    assert body["tools"][0]["function"]["name"] == "submit_appeal_draft"
    assert body["tools"][0]["function"]["parameters"]["additionalProperties"] is False
    assert body["tool_choice"] == {"type": "function", "function": {"name": "submit_appeal_draft"}}
    assert "Root cause" in result.stdout


def test_json_object_mode_puts_the_schema_in_the_prompt_and_accepts_a_fenced_reply(stub):
    fenced = "```json\n" + json.dumps(good_draft()) + "\n```"
    stub.enqueue(draft_reply(fenced))
    result = draft("--mode", "json_object")
    assert result.exit_code == 0, result.stderr
    body = stub.chat_requests[0].body
    assert body["response_format"] == {"type": "json_object"}
    system = body["messages"][0]["content"]
    assert "JSON" in system and '"corrective_actions"' in system


# ---- transport faults ------------------------------------------------------------------------

def test_429_with_retry_after_is_honoured_then_succeeds(stub):
    stub.enqueue(error_reply(429, "slow down", headers={"retry-after": "0.3"}), draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    first, second = stub.chat_requests
    # Backoff alone would wait at most 0.05 s here; the server asked for 0.3 s.
    assert second.at - first.at >= 0.28
    assert "HTTP 429; retrying" in result.stderr
    log = run_logs(Path(os.environ["APPEALAGENT_HOME"]))[-1]
    assert [a["outcome"] for a in log["attempts"]] == ["http_429", "ok"]


def test_retry_after_is_capped(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_RETRY_AFTER_MAX", "0.1")
    stub.enqueue(error_reply(429, headers={"retry-after": "30"}), draft_reply(good_draft()))
    started = time.monotonic()
    result = draft()
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 5


def test_500s_past_the_limit_exit_3_with_one_line(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_MAX_ATTEMPTS", "3")
    stub.enqueue(*[error_reply(500, "upstream exploded") for _ in range(3)])
    result = draft()
    assert result.exit_code == 3
    assert len(stub.chat_requests) == 3
    assert "HTTP 500" in result.stderr and "after 3 attempt(s)" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_timeout_is_retried(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_TIMEOUT", "0.3")
    stub.enqueue(draft_reply(good_draft(), delay=1.5), draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    assert len(stub.chat_requests) == 2
    assert "no reply within 0.3 s; retrying" in result.stderr


def test_dropped_connection_is_retried(stub):
    cut_off = StubResponse(raw=b'HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"id": "cut')
    stub.enqueue(cut_off, draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    assert len(stub.chat_requests) == 2


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "API key"),
        (403, "denied access (HTTP 403)"),
        (404, "model not found: check --model"),
        (400, "rejected the request (HTTP 400"),
    ],
)
def test_client_errors_are_not_retried_and_explained(stub, status, expected):
    stub.enqueue(error_reply(status, "nope"))
    result = draft()
    assert result.exit_code == 3
    assert len(stub.chat_requests) == 1
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_openai_key_is_not_sent_to_a_custom_base_url(stub, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-SECRET-0123456789")
    stub.enqueue(error_reply(401, "bad key"))
    result = draft()
    assert result.exit_code == 3
    assert "sk-openai-SECRET" not in stub.chat_requests[0].text()
    assert "OPENAI_API_KEY is not sent to a custom base URL" in result.stderr


def test_send_openai_key_flag_sends_it(stub, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-SECRET-0123456789")
    stub.enqueue(draft_reply(good_draft()))
    result = draft("--send-openai-key-to-base-url")
    assert result.exit_code == 0, result.stderr
    assert stub.chat_requests[0].headers["authorization"] == "Bearer sk-openai-SECRET-0123456789"


def test_llm_without_any_configuration_says_how_to_fix_it():
    result = runner.invoke(app, ["draft", str(CASE), "--engine", "llm"])
    assert result.exit_code == 3
    assert "no API key: set OPENAI_API_KEY" in result.stderr
    assert "--engine offline" in result.stderr


# ---- the validation re-ask loop --------------------------------------------------------------

def test_malformed_json_is_sent_back_once_then_accepted(stub):
    stub.enqueue(draft_reply('{"opening": "Dear team", "root_causes": ['), draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    assert len(stub.chat_requests) == 2
    messages = stub.chat_requests[1].body["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[2]["content"].startswith('{"opening"')
    assert "not valid JSON" in messages[3]["content"]


def test_schema_violation_names_the_field(stub):
    bad = good_draft()
    del bad["closing"]
    stub.enqueue(draft_reply(bad), draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    assert "closing: Field required" in stub.chat_requests[1].body["messages"][-1]["content"]


def test_ungrounded_asin_is_sent_back_with_the_exact_error(stub):
    invented = good_draft()
    invented["root_causes"][0] += " The same happened to B0ZZ9XK2QQ."
    stub.enqueue(draft_reply(invented), draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    reask = stub.chat_requests[1].body["messages"][-1]["content"]
    assert "root_causes[0]: ASIN 'B0ZZ9XK2QQ' does not appear in case_data" in reask
    assert "B0ZZ9XK2QQ" not in result.stdout


def test_invented_corrective_action_is_sent_back(stub):
    invented = good_draft()
    invented["corrective_actions"].append("We hired an external compliance consultant to audit our warehouse processes.")
    stub.enqueue(draft_reply(invented), draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    reask = stub.chat_requests[1].body["messages"][-1]["content"]
    assert "corrective_actions[4]: this corrective action is not one the seller reported" in reask


def test_a_second_reask_carries_only_the_latest_reply(stub):
    first, second = good_draft(), good_draft()
    first["opening"] += " Invoice INV-11111 covers the period."
    second["opening"] += " Invoice INV-22222 covers the period."
    stub.enqueue(draft_reply(first), draft_reply(second), draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    third = stub.chat_requests[2].body["messages"]
    assert [m["role"] for m in third] == ["system", "user", "assistant", "user"]  # bounded: not every earlier reply
    assert "INV-22222" in third[2]["content"] and "INV-22222" in third[3]["content"]
    assert "INV-11111" not in json.dumps(third)


def test_tools_mode_reask_answers_the_tool_call(stub):
    stub.enqueue(draft_reply("{not json", mode="tools"), draft_reply(good_draft(), mode="tools"))
    result = draft("--mode", "tools")
    assert result.exit_code == 0, result.stderr
    messages = stub.chat_requests[1].body["messages"]
    assert messages[2]["tool_calls"][0]["id"] == "call_stub_1"
    assert messages[3]["role"] == "tool" and messages[3]["tool_call_id"] == "call_stub_1"


def test_truncated_reply_is_asked_again_with_more_room(stub):
    stub.enqueue(draft_reply(good_draft(), finish_reason="length"), draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    first, second = stub.chat_requests
    assert second.body["max_tokens"] == 2 * first.body["max_tokens"]
    assert len(second.body["messages"]) == 2  # same prompt, more room; not a re-ask


def test_chinese_in_an_english_letter_is_sent_back(stub):
    mixed = good_draft()
    mixed["preventive_measures"][0] += " 每个周末都有人值班。"
    stub.enqueue(draft_reply(mixed), draft_reply(good_draft()))
    result = draft()
    assert result.exit_code == 0, result.stderr
    assert "contains Chinese characters" in stub.chat_requests[1].body["messages"][-1]["content"]


# ---- when it still fails ---------------------------------------------------------------------

def _invented() -> dict:
    d = good_draft()
    d["opening"] += " Invoice INV-99123 covers the period."
    return d


def test_auto_falls_back_to_offline_with_a_visible_warning(stub):
    stub.enqueue(*[draft_reply(_invented()) for _ in range(3)])
    result = runner.invoke(app, ["draft", str(CASE), "--format", "json"])  # --engine auto is the default
    assert result.exit_code == 0, result.stderr
    assert len(stub.chat_requests) == 3  # one request + two re-asks
    payload = json.loads(result.stdout)
    assert payload["engine"] == "offline"
    assert "INV-99123" not in payload["letter"]
    assert "warning: the LLM engine failed" in result.stderr


def test_llm_engine_exits_3_and_saves_the_raw_reply(stub, _isolated_home):
    stub.enqueue(*[draft_reply(_invented()) for _ in range(3)])
    result = draft()
    assert result.exit_code == 3
    assert "INV-99123" in result.stderr
    saved = list((_isolated_home / "data" / "runs").glob("*.reply.txt"))
    assert len(saved) == 1
    assert "INV-99123" in saved[0].read_text()
    assert str(saved[0]) in result.stderr
    log = run_logs(_isolated_home)[-1]
    assert log["ready"] is False and log["requests"] == 3 and log["raw_reply_file"] == str(saved[0])


def test_auto_uses_offline_and_sends_nothing_when_not_configured():
    with StubServer() as server:
        result = runner.invoke(app, ["draft", str(CASE), "--format", "json"])
        assert result.exit_code == 0
        assert json.loads(result.stdout)["engine"] == "offline"
        assert server.requests == []


def test_base_url_flag_configures_the_llm(monkeypatch):
    with StubServer(default=offline_responder) as server:
        result = runner.invoke(app, ["draft", str(CASE), "--base-url", server.url, "-m", "qwen2.5:14b", "--format", "json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["engine"] == "llm"
        assert server.chat_requests[0].body["model"] == "qwen2.5:14b"


def test_a_chinese_store_name_may_stay_in_an_english_letter(stub, tmp_path):
    data = json.loads(CASE.read_text())
    data["seller"]["store_name"] = "海港家居"
    path = tmp_path / "cjk_store.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    stub.enqueue(draft_reply(good_draft(path)))
    result = runner.invoke(app, ["draft", str(path), "--engine", "llm"])
    assert result.exit_code in (0, 1), result.stderr  # the checks may still flag it for the seller
    assert len(stub.chat_requests) == 1  # but it is not the model's fault, so no re-ask
    assert "Store name: 海港家居" in result.stdout


def test_a_transport_failure_is_logged_with_its_attempts(stub, monkeypatch, _isolated_home):
    monkeypatch.setenv("APPEALAGENT_MAX_ATTEMPTS", "2")
    stub.enqueue(error_reply(503), error_reply(502))
    assert draft().exit_code == 3
    log = run_logs(_isolated_home)[-1]
    assert [a["outcome"] for a in log["attempts"]] == ["http_503", "http_502"]
    assert log["engine"] == "llm" and log["ready"] is False and "HTTP 502" in log["error"]


def test_unknown_model_names_the_models_the_server_has(stub):
    stub.enqueue(
        error_reply(404, "model 'gpt-4.1-mini' not found"),
        StubResponse(body={"object": "list", "data": [
            {"id": "qwen2.5:14b", "object": "model", "created": 0, "owned_by": "library"},
            {"id": "llama3.1:8b", "object": "model", "created": 0, "owned_by": "library"},
        ]}),
    )
    result = draft()
    assert result.exit_code == 3
    assert "model not found: check --model" in result.stderr
    assert "models on this server: llama3.1:8b, qwen2.5:14b" in result.stderr
    assert len(stub.chat_requests) == 1
    assert stub.requests[-1].method == "GET" and stub.requests[-1].path.endswith("/models")


def test_auto_sends_a_claim_response_to_the_editor_style_with_an_llm_configured(stub):
    # Issue 17: every drafted kind is drafted on both engines; the editor style edits the offline claim response.
    stub.default = offline_responder
    claim = ROOT / "examples" / "cases" / "claim_response_item_not_received_uk.json"
    result = runner.invoke(app, ["draft", str(claim)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Dear Amazon A-to-z Guarantee Team,")
    assert len(stub.chat_requests) == 1 and "<letter>" in json.dumps(stub.chat_requests[0].body["messages"])
