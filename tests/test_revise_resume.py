"""Saved revise answers (CASE.json.revise.progress): kept private, replayed only for the same case and reply, continued from --answers too.

The Ctrl-C itself runs in a real pseudo-terminal in tests/test_revise_pty.py.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent.cli import app
from appealagent.interview.progress import new_progress
from appealagent.model.case import Case
from appealagent.revise.progress import revise_progress_path, save_progress

from .conftest import ROOT

runner = CliRunner()
REPLIES = ROOT / "tests" / "data" / "replies"
REPLY = REPLIES / "02_more_info_root_cause_only_us.txt"
RC1 = "Between 1 and 30 October 31 of our 39 late orders were placed from Friday 18:00 to Sunday night."


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "examples" / "cases" / "late_shipment_us.json", tmp_path / "case.json")
    res = runner.invoke(app, ["draft", str(tmp_path / "case.json"), "--engine", "offline", "-o", str(tmp_path / "sent.txt")])
    assert (tmp_path / "sent.txt").exists(), res.output
    case = Case.model_validate_json((tmp_path / "case.json").read_text(encoding="utf-8"))
    progress = new_progress("en", case)
    progress.answers["root_cause.rc1.detail"] = RC1  # what an interrupted session had typed
    progress.answered.append("root_cause.rc1.detail")
    save_progress(tmp_path / "case.json", REPLY.read_text(encoding="utf-8"), progress)
    return tmp_path


def _revise(d: Path, reply: Path, *extra: str) -> object:
    return runner.invoke(app, ["revise", str(d / "case.json"), "--reply", str(reply), "--last-letter", str(d / "sent.txt"),
                               "--engine", "offline", "-o", str(d / "letter2.txt"), *extra])


def test_saved_answers_are_private_and_resume_from_an_answers_file(case_dir: Path) -> None:
    saved = revise_progress_path(case_dir / "case.json")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    (case_dir / "rest.yaml").write_text(
        'root_cause.rc2.detail: "Our inventory clerk refilled the picking area only on Mondays, so 8 orders waited two days for stock."\n',
        encoding="utf-8")
    res = _revise(case_dir, REPLY, "--resume", "--answers", str(case_dir / "rest.yaml"), "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["written"] is True
    letter = (case_dir / "letter2.txt").read_text(encoding="utf-8")
    assert "31 of our 39 late orders" in letter and "8 orders waited two days" in letter
    assert not saved.exists()


def test_saved_answers_are_not_replayed_against_another_reply_or_an_edited_case(case_dir: Path) -> None:
    other = _revise(case_dir, REPLIES / "05_more_info_preventive_uk.txt", "--resume")
    assert other.exit_code == 2 and "another reply" in other.output
    fresh = _revise(case_dir, REPLY)
    assert fresh.exit_code == 2 and "--resume" in fresh.output and "--force" in fresh.output
    (case_dir / "case.json").write_text((case_dir / "case.json").read_text(encoding="utf-8").replace("Harbourlight", "Harbour Light"), encoding="utf-8")
    edited = _revise(case_dir, REPLY, "--resume")
    assert edited.exit_code == 2 and "was edited" in edited.output
    assert revise_progress_path(case_dir / "case.json").exists()


def test_resume_without_saved_answers_says_so(tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "cases" / "late_shipment_us.json", tmp_path / "case.json")
    runner.invoke(app, ["draft", str(tmp_path / "case.json"), "--engine", "offline", "-o", str(tmp_path / "sent.txt")])
    res = _revise(tmp_path, REPLY, "--resume")
    assert res.exit_code == 2 and "no saved revise answers" in res.output
