"""Secrets and private files: URL credentials masked everywhere, no OpenAI key over plain http, 0600 files, presets."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.settings import load_settings, mask_url_credentials

from .conftest import ROOT
from .stub_server import StubServer, error_reply, offline_responder, point_at

runner = CliRunner()
CASE = ROOT / "examples" / "cases" / "late_shipment_us.json"
PASSWORD = "hunter2-very-secret"
TOKEN = "qk-9f8e7d6c5b4a"


def every_file_text(home: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in home.rglob("*") if p.is_file())


# ---- URL credentials --------------------------------------------------------------------------

def test_mask_url_credentials_formats():
    assert mask_url_credentials("http://user:pw@h:8/v1") == "http://***@h:8/v1"
    assert mask_url_credentials("see https://tok@proxy.example/v1 now") == "see https://***@proxy.example/v1 now"
    assert mask_url_credentials("https://h/v1?api-key=abc&x=1&token=zz") == "https://h/v1?api-key=***&x=1&token=***"
    assert mask_url_credentials("https://h/v1?model=a") == "https://h/v1?model=a"


@pytest.mark.parametrize("fault", ["500", "404", "reask"])
def test_url_credentials_never_surface(monkeypatch, _isolated_home, fault):
    with StubServer() as stub:
        point_at(monkeypatch, stub, APPEALAGENT_MAX_ATTEMPTS="1", APPEALAGENT_REASKS="0")
        url = stub.url.replace("http://", f"http://admin:{PASSWORD}@") + f"?api-key={TOKEN}"
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        if fault == "500":
            stub.enqueue(error_reply(500, f"upstream {url} failed"))
        elif fault == "404":
            stub.enqueue(error_reply(404, "no such model"), error_reply(404))
        else:
            stub.enqueue(lambda req: offline_responder(req) if False else error_reply(400, f"bad request for {url}"))
        outputs = []
        result = runner.invoke(app, ["draft", str(CASE), "--engine", "auto", "-v"])
        outputs += [result.stdout, result.stderr]
        outputs.append(runner.invoke(app, ["draft", str(CASE), "--dry-run"]).stderr)
        outputs.append(runner.invoke(app, ["config", "show"]).stdout)
        outputs.append(runner.invoke(app, ["config", "show", "--json"]).stdout)
        outputs.append(runner.invoke(app, ["history"]).stdout)
        outputs.append(runner.invoke(app, ["history", "--json"]).stdout)
        run_id = json.loads(runner.invoke(app, ["history", "--json"]).stdout)[0]["id"]
        outputs.append(runner.invoke(app, ["history", "show", run_id]).stdout)
        outputs.append(runner.invoke(app, ["history", "show", run_id, "--json"]).stdout)
        outputs.append(every_file_text(_isolated_home))
    text = "\n".join(outputs)
    assert "cannot" in text or "failed" in text or "rejected" in text
    assert PASSWORD not in text and TOKEN not in text and "admin:" not in text
    assert "***" in text


def test_history_masks_credentials_in_an_old_record(_isolated_home):
    runs = _isolated_home / "data" / "runs"
    runs.mkdir(parents=True)
    record = {"id": "20260101T000000000-aaaaaaaa-0000", "error": f"cannot reach http://u:{PASSWORD}@h/v1?key={TOKEN}", "engine": "llm"}
    (runs / f"{record['id']}.json").write_text(json.dumps(record))
    for args in (["history", "show", "2026"], ["history", "show", "2026", "--json"], ["history", "--json"]):
        out = runner.invoke(app, args).stdout
        assert PASSWORD not in out and TOKEN not in out and "***" in out


# ---- no OpenAI key over plain http ------------------------------------------------------------

def test_openai_key_is_not_sent_over_plain_http(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-plain-http-123")
    result = runner.invoke(app, ["draft", str(CASE), "--engine", "llm", "--base-url", "http://api.openai.com/v1"])
    assert result.exit_code == 2
    assert "refusing to send the OpenAI API key over plain http to api.openai.com" in result.stderr
    assert "sk-test-plain-http-123" not in result.stderr


def test_openai_key_to_a_plain_http_proxy_is_refused_but_localhost_is_fine(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-plain-http-123")
    s = load_settings(base_url="http://proxy.example.com/v1", send_openai_key_to_base_url=True)
    with pytest.raises(Exception, match="plain http"):
        s.api_key_for_request()
    for host in ("localhost", "127.0.0.1", "[::1]"):
        s = load_settings(base_url=f"http://{host}:8080/v1", send_openai_key_to_base_url=True)
        assert s.api_key_for_request() == "sk-test-plain-http-123"
    assert load_settings(base_url="https://proxy.example.com/v1", send_openai_key_to_base_url=True).api_key_for_request()


# ---- file modes -------------------------------------------------------------------------------

def test_run_logs_and_replies_are_private(monkeypatch, _isolated_home):
    os.umask(0o022)
    with StubServer() as stub:
        point_at(monkeypatch, stub, APPEALAGENT_REASKS="0")
        stub.enqueue(lambda req: error_reply(400, "x"))
        from .stub_server import draft_reply

        stub.enqueue(draft_reply('{"opening": "not a full draft"}'))
        runner.invoke(app, ["draft", str(CASE), "--engine", "llm"])  # 400: a record
        runner.invoke(app, ["draft", str(CASE), "--engine", "llm"])  # invalid: a record and the reply
    runs = _isolated_home / "data" / "runs"
    files = list(runs.iterdir())
    assert any(p.name.endswith(".reply.txt") for p in files) and any(p.suffix == ".json" for p in files)
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(runs.stat().st_mode) == 0o700


def test_saved_interview_is_private(tmp_path):
    from appealagent.interview.progress import Progress, progress_path, save
    from appealagent.model.case import Case

    os.umask(0o022)
    out = tmp_path / "case.json"
    save(out, Case.model_validate_json(CASE.read_text()), Progress(lang="en", base={}, skip_filled=False))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE(progress_path(out).stat().st_mode) == 0o600


# ---- provider presets -------------------------------------------------------------------------

def test_presets_fill_what_the_user_did_not_set(monkeypatch):
    monkeypatch.setenv("DEEPSEEK_API_KEY", "ds-key-123456")
    s = load_settings(provider="deepseek")
    assert (s.base_url, s.model, s.output_mode) == ("https://api.deepseek.com/v1", "deepseek-chat", "json_object")
    assert s.api_key_for_request() == "ds-key-123456" and s.llm_configured
    s = load_settings(provider="deepseek", model="deepseek-reasoner", output_mode="tools")
    assert (s.model, s.output_mode) == ("deepseek-reasoner", "tools")
    monkeypatch.setenv("APPEALAGENT_PROVIDER", "ollama")
    s = load_settings()
    assert s.base_url == "http://localhost:11434/v1" and s.llm_configured and s.api_key_for_request() == "sk-no-key-needed"


def test_hosted_preset_without_key_is_not_configured(monkeypatch):
    monkeypatch.delenv("MOONSHOT_API_KEY", raising=False)
    assert not load_settings(provider="moonshot").llm_configured
    assert "(not set)" in runner.invoke(app, ["config", "show"]).stdout  # and the command works


def test_preset_errors_name_the_choices():
    result = runner.invoke(app, ["draft", str(CASE), "--provider", "nope"])
    assert result.exit_code == 2 and "unknown provider 'nope'" in result.stderr and "deepseek" in result.stderr
    result = runner.invoke(app, ["draft", str(CASE), "--provider", "azure", "--engine", "llm"])
    assert result.exit_code == 2 and "needs --base-url" in result.stderr


def test_every_preset_is_complete():
    from appealagent.settings import OUTPUT_MODES, presets

    names = set(presets())
    assert names == {"openai", "azure", "deepseek", "qwen", "moonshot", "zhipu", "openrouter", "ollama", "lmstudio", "vllm", "llamacpp"}
    for name, p in presets().items():
        assert p["label"] and p["model"] and p["mode"] in OUTPUT_MODES, name
        assert p.get("base_url") is None or str(p["base_url"]).startswith(("https://", "http://localhost")), name


# ---- Ctrl-C in a batch ------------------------------------------------------------------------

def test_ctrl_c_in_a_batch_prints_a_summary_and_no_traceback(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    for i in range(16):
        (cases / f"case{i:02d}.json").write_text(CASE.read_text())
    server = subprocess.Popen([sys.executable, "-m", "tests.stub_server", "--latency", "0.2", "--hold-after", "3"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        env = {**os.environ, "OPENAI_BASE_URL": url, "APPEALAGENT_HOME": str(tmp_path / "home"), "APPEALAGENT_CHECK_WORKERS": "1"}
        out = tmp_path / "out"
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "appealagent"), "draft", *sorted(map(str, cases.glob("*.json"))), "--out-dir", str(out), "--jobs", "2", "--engine", "llm"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 120
        while len(list(out.glob("*.txt"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        server.stdin.write("quit\n")
        server.stdin.flush()
        server.wait(timeout=10)
    written = len(list(out.glob("*.txt")))
    assert proc.returncode == 130, (written, stderr)
    assert "Traceback" not in stderr, stderr
    assert 2 <= written < 16
    assert f"interrupted: {written} letter(s) written to {out}" in stderr
    assert "run the same command again" in stderr
