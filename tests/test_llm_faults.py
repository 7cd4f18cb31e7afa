"""The LLM path under real-world faults, through the stub over real HTTP: deadlines, budgets, quota, breaker, re-ask sizes."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.engines.offline import draft_offline
from appealagent.model.case import Case

from .conftest import ROOT
from .stub_server import StubResponse, StubServer, chat_completion, draft_reply, error_reply, point_at, quota_reply

runner = CliRunner()
CASE = ROOT / "examples" / "cases" / "late_shipment_us.json"


def good_draft() -> dict:
    return draft_offline(Case.model_validate_json(CASE.read_text(encoding="utf-8"))).draft.model_dump()


@pytest.fixture
def stub(monkeypatch):
    with StubServer() as server:
        point_at(monkeypatch, server)
        yield server


def draft(*args: str, engine: str = "llm"):
    return runner.invoke(app, ["draft", str(CASE), "--engine", engine, *args])


def run_logs(home: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((home / "data" / "runs").glob("*.json"))]


# ---- deadline: a trickled body is cut off ----------------------------------------------------

def test_trickled_body_is_cut_at_the_deadline(stub, monkeypatch):
    # Every read succeeds (4 bytes every 0.05 s, a reply of several KB would take minutes): only a
    # deadline covering the whole exchange stops it.
    monkeypatch.setenv("APPEALAGENT_MAX_ATTEMPTS", "1")
    stub.enqueue(StubResponse(body=chat_completion(json.dumps(good_draft())), trickle=0.05))
    started = time.monotonic()
    result = draft("--timeout", "1")
    took = time.monotonic() - started
    assert result.exit_code == 3
    assert took < 6, took
    assert "did not send a complete reply within 1 s after 1 attempt(s)" in result.stderr


def test_trickled_body_under_auto_falls_back_within_the_budget(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_MAX_ATTEMPTS", "10")
    for _ in range(10):
        stub.enqueue(StubResponse(body=chat_completion(json.dumps(good_draft())), trickle=0.05))
    started = time.monotonic()
    result = draft("--timeout", "1", "--budget", "2.5", engine="auto")
    took = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    assert took < 8, took
    assert "time budget" in result.stderr and "this letter comes from the offline engine" in result.stderr
    assert len(stub.chat_requests) <= 3  # 1 s deadline each inside a 2.5 s budget


# ---- auto budget caps Retry-After --------------------------------------------------------------

def test_retry_after_beyond_the_budget_falls_back_at_once(stub, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_RETRY_AFTER_MAX", "120")
    stub.enqueue(error_reply(429, "slow down", headers={"retry-after": "100"}))
    started = time.monotonic()
    result = draft("--budget", "3", engine="auto")
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 5
    assert len(stub.chat_requests) == 1  # the 100 s wait does not fit in 3 s: no wait, no second request
    assert "time budget" in result.stderr
    log = run_logs(Path(str(__import__("os").environ["APPEALAGENT_HOME"])))[-1]
    assert log["fallback"] is True and log["engine"] == "offline"


def test_retry_after_within_the_budget_is_honoured(stub, monkeypatch):
    stub.enqueue(error_reply(429, "slow down", headers={"retry-after": "0.3"}), draft_reply(good_draft()))
    result = draft("--budget", "30", engine="auto")
    assert result.exit_code == 0, result.stderr
    assert len(stub.chat_requests) == 2
    assert stub.chat_requests[1].at - stub.chat_requests[0].at >= 0.3


def test_budget_zero_means_no_budget(stub):
    stub.enqueue(error_reply(500), draft_reply(good_draft()))
    result = draft("--budget", "0", engine="auto")
    assert result.exit_code == 0 and len(stub.chat_requests) == 2


# ---- quota ------------------------------------------------------------------------------------

def test_insufficient_quota_fails_at_once_with_the_fix(stub):
    stub.enqueue(quota_reply(), quota_reply(), quota_reply())
    result = draft()
    assert result.exit_code == 3
    assert len(stub.chat_requests) == 1  # not retried like a rate limit
    assert "no quota or credit left" in result.stderr and "billing" in result.stderr


def test_payment_required_is_a_quota_error(stub):
    stub.enqueue(error_reply(402, "Insufficient Balance"))
    result = draft()
    assert result.exit_code == 3 and len(stub.chat_requests) == 1
    assert "no quota or credit left (HTTP 402" in result.stderr


def test_plain_rate_limit_is_still_retried(stub):
    stub.enqueue(error_reply(429, "Rate limit reached", headers={"retry-after": "0.01"}), draft_reply(good_draft()))
    assert draft().exit_code == 0 and len(stub.chat_requests) == 2


# ---- bounded re-asks --------------------------------------------------------------------------

def test_reask_requests_stay_inside_the_prompt_budget(stub, monkeypatch):
    # A 200 KB invalid reply, three times: every re-ask quotes a trimmed excerpt, so no request grows.
    monkeypatch.setenv("APPEALAGENT_REASKS", "2")
    monkeypatch.setenv("APPEALAGENT_STYLE", "author")  # the author loop re-asks `reasks` times
    huge = json.dumps({"opening": "x" * 200_000})
    stub.enqueue(draft_reply(huge), draft_reply(huge), draft_reply(huge))
    result = draft()
    assert result.exit_code == 3
    sizes = [len(r.raw) for r in stub.chat_requests]
    assert len(sizes) == 3
    first = sizes[0]
    budget = 24000  # prompt_chars default
    for size in sizes[1:]:
        assert size < first + budget // 2, sizes  # never the 230 KB / 437 KB of an untrimmed loop
    chars = [sum(len(m.get("content") or "") for m in r.messages) for r in stub.chat_requests]
    assert all(c <= max(budget, chars[0]) + 2500 for c in chars), chars
    reask = stub.chat_requests[1].messages
    assert [m["role"] for m in reask] == ["system", "user", "assistant", "user"]
    assert "characters of the previous reply cut" in reask[2]["content"]
    assert stub.chat_requests[2].messages[:2] == stub.chat_requests[0].messages  # the original prompt, once


def test_editor_reask_of_a_huge_reply_stays_inside_the_prompt_budget(stub, monkeypatch):
    # The editor style (the default) re-asks a reply that is no draft at all once, with a trimmed excerpt.
    monkeypatch.setenv("APPEALAGENT_STYLE", "editor")
    huge = json.dumps({"opening": "x" * 200_000})
    stub.enqueue(draft_reply(huge), draft_reply(huge), draft_reply(huge))
    result = draft()
    assert result.exit_code == 3
    budget = 24000  # prompt_chars default
    chars = [sum(len(m.get("content") or "") for m in r.messages) for r in stub.chat_requests]
    assert len(chars) == 2, chars
    assert all(c <= max(budget, chars[0]) + 2500 for c in chars), chars


def test_reask_problems_are_capped(stub, monkeypatch):
    from appealagent.llm.reask import MAX_PROBLEMS, cap_problems

    problems = [f"problem {i} " + "y" * 1000 for i in range(40)]
    capped = cap_problems(problems)
    assert len(capped) == MAX_PROBLEMS + 1 and all(len(p) <= 400 for p in capped[:-1])
    assert capped[-1].startswith("… and 25 more")


# ---- circuit breaker in a batch ---------------------------------------------------------------

@pytest.fixture
def eight_cases(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    for i in range(8):
        shutil.copy(CASE, folder / f"case{i}.json")
    return sorted(folder.glob("*.json"))


def _dead_url() -> str:
    import socket

    with socket.socket() as sock:  # a port nothing listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_breaker_sends_the_rest_offline_under_auto(monkeypatch, eight_cases, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", _dead_url())
    monkeypatch.setenv("APPEALAGENT_RETRY_WAIT_INITIAL", "0.2")
    monkeypatch.setenv("APPEALAGENT_RETRY_WAIT_MAX", "0.2")
    out = tmp_path / "out"
    started = time.monotonic()
    result = runner.invoke(app, ["draft", *map(str, eight_cases), "--out-dir", str(out), "--jobs", "1", "--json"])
    took = time.monotonic() - started
    summary = json.loads(result.stdout)
    assert [c["engine"] for c in summary["cases"]] == ["offline"] * 8
    assert len(list(out.glob("*.txt"))) == 8
    messages = [c["message"] for c in summary["cases"]]
    assert sum("cannot reach" in m for m in messages) == 3  # three cases tried the server, with retries
    assert sum("unreachable for 3 case(s) in a row" in m for m in messages) == 5  # the rest at once
    assert took < 3 * 4 * 0.2 + 10, took
    assert "no more requests go to it" in result.stderr


def test_breaker_stops_the_batch_under_engine_llm(monkeypatch, eight_cases, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", _dead_url())
    monkeypatch.setenv("APPEALAGENT_RETRY_WAIT_INITIAL", "0.01")
    monkeypatch.setenv("APPEALAGENT_RETRY_WAIT_MAX", "0.01")
    out = tmp_path / "out"
    result = runner.invoke(app, ["draft", *map(str, eight_cases), "--out-dir", str(out), "--jobs", "1", "--engine", "llm", "--json"])
    assert result.exit_code == 3
    summary = json.loads(result.stdout)
    assert [c["status"] for c in summary["cases"]] == ["failed"] * 8
    assert sum(c["message"].startswith("not attempted:") for c in summary["cases"]) == 5
    assert not list(out.glob("*.txt"))
