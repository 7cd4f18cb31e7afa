"""The LLM engine against the real local model of `make live-local` (skipped when it is not running).

`live/serve.sh` writes the server's base URL to $APPEALAGENT_LIVE_DIR/server.url;
these tests use it only when asked (APPEALAGENT_LIVE=1, as `make live-local`
sets) and /health answers, so CI and `make test` skip them. Each draft takes
minutes on a CPU.
"""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.model.case import has_cjk

from .conftest import ROOT

pytestmark = pytest.mark.live_local
runner = CliRunner()


def _live_url() -> str | None:
    live_dir = Path(os.environ.get("APPEALAGENT_LIVE_DIR", Path.home() / ".cache" / "appealagent-live"))
    url_file = live_dir / "server.url"
    if not url_file.is_file():
        return None
    url = url_file.read_text().strip()
    try:
        with urllib.request.urlopen(url.removesuffix("/v1") + "/health", timeout=3) as r:
            return url if r.status == 200 else None
    except OSError:
        return None


@pytest.fixture
def live(monkeypatch):
    if not os.environ.get("APPEALAGENT_LIVE"):
        pytest.skip("live tests run with APPEALAGENT_LIVE=1 (make live-local)")
    url = _live_url()
    if url is None:
        pytest.skip("no local model running (make live-local sets one up)")
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("APPEALAGENT_TIMEOUT", "900")
    monkeypatch.setenv("APPEALAGENT_MAX_ATTEMPTS", "1")
    return url


def _draft(path: Path, *args: str) -> dict:
    result = runner.invoke(app, ["draft", str(path), "--engine", "llm", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_the_real_model_edits_an_english_letter_in_few_requests(live):
    data = _draft(ROOT / "examples" / "cases" / "late_shipment_us.json")
    meta = data["meta"]
    assert meta["style"] == "editor" and meta["requests"] <= 1 + 2 * len(meta["kept_offline"] or ["x"])
    assert len(meta["kept_offline"]) <= 2, data["notes"]  # the model's own wording made it into most of the letter
    offline = json.loads(runner.invoke(app, ["draft", str(ROOT / "examples" / "cases" / "late_shipment_us.json"), "--engine", "offline", "--format", "json"]).stdout)
    assert data["checks"]["errors"] <= offline["checks"]["errors"]  # no check error from the model's own wording


def test_the_real_model_translates_chinese_answers_or_the_offline_wording_stays(live):
    data = _draft(ROOT / "examples" / "cases" / "cancellations_pricing_error_ca_zh.json")
    assert not has_cjk(data["letter"])
    translated = "corrective_actions" not in data["meta"]["kept_offline"]
    assert translated == ("[TO COMPLETE: English version of corrective_actions" not in data["letter"])
