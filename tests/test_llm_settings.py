"""Settings precedence and key routing, `config show|path`, and `history` of saved runs."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.settings import DUMMY_KEY, config_file, load_settings

from .conftest import ROOT
from .stub_server import StubServer, offline_responder, point_at

runner = CliRunner()
CASE = ROOT / "examples" / "cases" / "late_shipment_us.json"


def write_config(text: str) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def shown() -> dict:
    result = runner.invoke(app, ["config", "show", "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_flag_beats_env_beats_config_beats_default(monkeypatch):
    assert shown()["model"] == "gpt-4.1-mini"
    write_config('model = "toml-model"\ntimeout = 12\n')
    assert shown()["model"] == "toml-model" and shown()["timeout"] == 12
    monkeypatch.setenv("APPEALAGENT_MODEL", "env-model")
    assert shown()["model"] == "env-model" and shown()["timeout"] == 12
    body = json.loads(runner.invoke(app, ["draft", str(CASE), "--dry-run", "-m", "flag-model"]).stdout)
    assert body["model"] == "flag-model"
    assert load_settings(model=None).model == "env-model"  # None means "flag not given"


def test_config_path_is_under_the_config_dir(_isolated_home):
    result = runner.invoke(app, ["config", "path"])
    assert result.stdout.strip() == str(_isolated_home / "config" / "config.toml")


def test_config_show_masks_keys(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-abcdefghijklmnop")
    result = runner.invoke(app, ["config", "show"])
    assert "sk-live" not in result.stdout
    assert "openai_api_key = ***" in result.stdout
    assert "--engine auto would use: llm" in result.stdout


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('timeout = "soon"\n', "timeout"),
        ("model = \n", "cannot read the config file"),
        ('output_mode = "xml"\n', "output_mode"),
        ('modle = "gpt"\n', "unknown setting 'modle'"),
    ],
)
def test_bad_settings_are_one_line_exit_2(config, expected):
    write_config(config)
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 2
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_bad_base_url_flag_is_exit_2():
    result = runner.invoke(app, ["draft", str(CASE), "--base-url", "localhost:11434"])
    assert result.exit_code == 2
    assert "base_url: must be an http(s) URL" in result.stderr


def test_key_routing(monkeypatch):
    s = load_settings()
    assert not s.llm_configured and s.api_key_for_request() is None
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    s = load_settings()
    assert s.llm_configured and s.is_openai and s.api_key_for_request() == "sk-openai"
    assert s.tokens_field == "max_completion_tokens"
    s = load_settings(base_url="http://localhost:11434/v1")
    assert s.llm_configured and not s.is_openai
    assert s.api_key_for_request() == DUMMY_KEY  # the OpenAI key stays with OpenAI
    assert s.tokens_field == "max_tokens"
    assert load_settings(base_url="http://localhost:11434/v1", send_openai_key_to_base_url=True).api_key_for_request() == "sk-openai"
    monkeypatch.setenv("APPEALAGENT_API_KEY", "local-key")
    assert load_settings(base_url="http://localhost:11434/v1").api_key_for_request() == "local-key"
    assert load_settings(base_url="https://api.openai.com/v1/").api_key_for_request() == "sk-openai"


def test_key_in_config_file_for_a_custom_endpoint():
    write_config('base_url = "http://10.0.0.5:8000/v1"\napi_key = "vllm-key"\n')
    s = load_settings()
    assert s.api_key_for_request() == "vllm-key" and s.host == "10.0.0.5:8000"
    assert "vllm-key" not in repr(s)


def test_temperature_can_be_omitted(monkeypatch):
    monkeypatch.setenv("APPEALAGENT_TEMPERATURE", "none")
    body = json.loads(runner.invoke(app, ["draft", str(CASE), "--dry-run"]).stdout)
    assert "temperature" not in body


# ---- history ---------------------------------------------------------------------------------

def test_history_lists_and_shows_runs(monkeypatch):
    with StubServer(default=offline_responder) as stub:
        point_at(monkeypatch, stub)
        host = f"127.0.0.1:{stub.port}"
        assert runner.invoke(app, ["draft", str(CASE)]).exit_code == 0
        assert runner.invoke(app, ["draft", str(CASE), "--engine", "offline"]).exit_code == 0
    runs = json.loads(runner.invoke(app, ["history", "--json"]).stdout)
    assert [r["engine"] for r in runs] == ["offline", "llm"]  # newest first
    llm = runs[1]
    assert llm["model"] == "gpt-4.1-mini" and llm["base_url_host"] == host
    # The default style is the editor (issue 18): the run log names its prompt and the style.
    assert llm["prompt"]["id"] == "edit_letter" and len(llm["prompt"]["sha256"]) == 64 and llm["style"] == "editor"
    assert llm["requests"] == 1 and llm["usage"]["total_tokens"] == 1800
    assert llm["case_sha256"] and llm["letter"].startswith("Dear Seller Performance Team,")
    assert "retrieved" in llm and isinstance(llm["retrieved"], list)
    assert len(json.loads(runner.invoke(app, ["history", "--json", "-n", "1"]).stdout)) == 1
    table = runner.invoke(app, ["history"])
    assert table.exit_code == 0 and llm["id"][:12] in table.stdout
    shown_run = runner.invoke(app, ["history", "show", llm["id"][:-2]])
    assert shown_run.exit_code == 0, shown_run.stderr
    assert "prompt: edit_letter v1" in shown_run.stdout and "Dear Seller Performance Team," in shown_run.stdout


def test_history_show_unknown_id_is_exit_2():
    result = runner.invoke(app, ["history", "show", "nope"])
    assert result.exit_code == 2
    assert "no such run" in result.stderr


def test_history_empty():
    result = runner.invoke(app, ["history"])
    assert result.exit_code == 0 and "no runs yet" in result.stdout
