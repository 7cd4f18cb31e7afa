"""The eval report's drafting cost per engine and style: letters by the model, requests, tokens, seconds."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.evals.costs import drafting_costs, written_by_model
from appealagent.evals.dataset import load_dataset
from appealagent.evals.runner import CaseResult, EvalRun

from .stub_server import StubServer, draft_reply, offline_responder, user_text

runner = CliRunner()
SAMPLES = load_dataset()


def _copy(tmp_path, *prefixes):
    root = tmp_path / "evals"
    for s in SAMPLES:
        if s.id.startswith(prefixes):
            shutil.copytree(s.path, root / "cases" / s.id)
    return root


def test_costs_count_letters_by_the_model_and_average_per_draft():
    run = EvalRun(engine="llm-live-editor", origin="live", cases_dir="", scorer_names=[])
    run.results = [
        CaseResult("a", {}, 10.0, meta={"requests": 1, "usage": {"prompt_tokens": 600, "completion_tokens": 400}, "style": "editor", "kept_offline": []}),
        CaseResult("b", {}, 30.0, meta={"requests": 2, "usage": {"prompt_tokens": 1000, "completion_tokens": 500}, "style": "editor", "kept_offline": ["closing"]}),
        CaseResult("c", {}, 5.0, error="LLMError: boom"),
    ]
    c = drafting_costs(run)
    assert (c.drafts, c.failed, c.by_model, c.sections_kept_offline) == (3, 1, 1, 1)
    assert c.requests_per_draft == 1.5 and c.input_tokens_per_draft == 800 and c.output_tokens_per_draft == 450
    assert c.seconds_per_draft == 20.0 and c.seconds_median == 20.0 and c.style == "editor"
    assert written_by_model(run.results[0]) and not written_by_model(run.results[1])
    untranslated = CaseResult("d", {}, 5.0, letter="1. [TO COMPLETE: English version of corrective_actions[1].text]", meta={"requests": 1, "kept_offline": []})
    assert not written_by_model(untranslated)


def test_a_live_eval_reports_its_style_and_costs_in_json_and_markdown(tmp_path):
    root = _copy(tmp_path, "01_", "04_")
    report = tmp_path / "live.md"
    with StubServer(default=offline_responder) as stub:
        result = runner.invoke(app, ["eval", "--engine", "llm", "--live", "--base-url", stub.url, "--cases", str(root), "--no-baseline", "--json", "--report", str(report)])
        assert all("<letter>" in user_text(r) for r in stub.chat_requests)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"] == "llm-live-editor"
    costs = data["costs"]
    assert costs["style"] == "editor" and costs["by_model"] == 2 and costs["requests_per_draft"] == 1.0
    assert costs["input_tokens_per_draft"] > 0 and costs["seconds_per_draft"] > 0
    md = report.read_text()
    assert "## Drafting cost" in md and "| letters written by the model (no fallback) | 2 of 2 |" in md


def test_author_style_live_eval_is_labelled_as_such(tmp_path):
    root = _copy(tmp_path, "01_")
    with StubServer(default=offline_responder) as stub:
        result = runner.invoke(app, ["eval", "--engine", "llm", "--live", "--style", "author", "--base-url", stub.url, "--cases", str(root), "--no-baseline", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"] == "llm-live-author" and data["costs"]["style"] == "author"


def test_style_is_only_for_live_runs(tmp_path):
    result = runner.invoke(app, ["eval", "--engine", "llm", "--style", "author"])
    assert result.exit_code == 2 and "--style" in result.stderr


def test_a_kept_section_is_counted_in_the_report(tmp_path, monkeypatch):
    monkeypatch.setenv("APPEALAGENT_REASKS", "0")
    root = _copy(tmp_path, "01_")
    from appealagent.engines.offline import draft_offline

    good = draft_offline(SAMPLES[0].case).draft.model_dump()
    with StubServer() as stub:
        stub.enqueue(draft_reply(dict(good, opening=good["opening"] + " Invoice INV-99999 is attached.")))
        result = runner.invoke(app, ["eval", "--engine", "llm", "--live", "--base-url", stub.url, "--cases", str(root), "--no-baseline", "--json"])
    data = json.loads(result.stdout)
    assert data["costs"]["by_model"] == 0 and data["costs"]["sections_kept_offline"] == 1


def test_the_grader_finds_facts_written_next_to_chinese_characters():
    from appealagent.evals.scorers import ASIN_RE, PERCENT_RE

    assert ASIN_RE.findall("全部是B0D4KX2PL7和B0D5MN8QR2") == ["B0D4KX2PL7", "B0D5MN8QR2"]
    assert PERCENT_RE.findall("对照2%的内部上限") == ["2"]
    assert ASIN_RE.findall("XB0D4KX2PL7") == [] and PERCENT_RE.findall("v2%") == []
