"""The live subset's scripts (live/prepare.py, live/summarize.py) work without a model: CI keeps them honest."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import yaml
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.model.case import Case, has_cjk

from .conftest import ROOT
from .stub_server import StubServer, offline_responder

runner = CliRunner()


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"live_{name}", ROOT / "live" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_subset_is_big_enough_and_its_chinese_variants_hold_only_chinese_answers(tmp_path):
    subset = yaml.safe_load((ROOT / "live" / "subset.yaml").read_text(encoding="utf-8"))
    assert len(subset["editor"]) >= 10 and len(subset["author"]) >= 3
    assert sum(i.endswith("-zh") for i in subset["editor"]) >= 3
    ids = _script("prepare").prepare("editor", tmp_path)
    assert ids == subset["editor"]
    for case_id in ids:
        case = Case.model_validate_json((tmp_path / "cases" / case_id / "case.json").read_text(encoding="utf-8"))
        assert (tmp_path / "cases" / case_id / "expect.yaml").is_file()
        if case_id.endswith("-zh"):
            items = [*case.root_causes, *case.corrective_actions, *case.preventive_measures]
            assert all(has_cjk(i.text) and not i.text_en for i in items), case_id
            assert all(not rc.detail_en for rc in case.root_causes)


def test_summary_puts_the_styles_side_by_side(tmp_path):
    prepare, summarize = _script("prepare"), _script("summarize")
    results = tmp_path / "results"
    with StubServer(default=offline_responder) as stub:
        for style in ("editor", "author"):
            dataset = tmp_path / style
            prepare.prepare(style, dataset)
            case_id = "04_cancel_rate_feed_error_us"
            out = runner.invoke(app, ["eval", "--engine", "llm", "--live", "--style", style, "--base-url", stub.url, "--cases", str(dataset), "--only", case_id, "--no-baseline", "--json"])
            assert out.exit_code == 0, out.output
            (results / style).mkdir(parents=True)
            (results / style / f"{case_id}.json").write_text(out.stdout, encoding="utf-8")
    text = summarize.summary(results)
    assert "| figure | llm-live-author | llm-live-editor |" in text
    assert "| letters written by the model (no fallback) | 1 of 1 | 1 of 1 |" in text
    assert "| requests per draft | 1.00 | 1.00 |" in text
    assert json.loads((results / "editor" / "04_cancel_rate_feed_error_us.json").read_text())["costs"]["style"] == "editor"


def test_an_empty_results_folder_says_so(tmp_path):
    assert "No results yet." in _script("summarize").summary(Path(tmp_path))
