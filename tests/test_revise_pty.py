"""The real `appealagent revise` in a pseudo-terminal, in Chinese: only the reply's questions, a vague answer pushed back, a Chinese answer with its English version, the next letter written.

Waits for each question id in brackets and its "> " prompt; no sleeps.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_interview_pty import answer, spawn

pexpect = pytest.importorskip("pexpect")

REPLY = ROOT / "tests" / "data" / "replies" / "02_more_info_root_cause_only_us.txt"


def test_revise_interview_in_chinese(tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "cases" / "late_shipment_us.json", tmp_path / "case.json")
    child = spawn(["draft", "case.json", "--engine", "offline", "-o", "sent.txt"], tmp_path)
    child.expect(pexpect.EOF)
    child.close()
    child = spawn(["revise", "case.json", "--reply", str(REPLY), "--last-letter", "sent.txt", "--lang", "zh",
                   "--engine", "offline", "-o", "letter2.txt"], tmp_path)
    child.expect_exact("亚马逊要求补充以下内容")
    child.expect_exact("亚马逊自己提出的问题")
    answer(child, "root_cause.rc1.detail", "我们以后会更加注意")
    child.expect_exact("亚马逊要求这里更具体")
    answer(child, "root_cause.rc1.detail", "10月1日至30日的39个迟发订单中有31个是周五18点到周日晚上下的单")
    answer(child, "root_cause.rc1.detail.en", "Between 1 and 30 October 31 of the 39 late orders were placed from Friday 18:00 to Sunday night.")
    answer(child, "root_cause.rc2.detail", "Our inventory clerk refilled the picking area only on Mondays, so 8 orders waited two days for stock.")
    answer(child, "root_cause.new.text", "")
    child.expect_exact("Changes since the letter sent")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    letter = (tmp_path / "letter2.txt").read_text(encoding="utf-8")
    assert "31 of the 39 late orders were placed from Friday 18:00 to Sunday night" in letter
    assert "迟发" not in letter
    assert (tmp_path / "case.rev2.json").exists() and (tmp_path / "case.history.json").exists()


def test_ctrl_c_keeps_the_revise_answers_and_resume_continues(tmp_path: Path) -> None:
    import json

    shutil.copy(ROOT / "examples" / "cases" / "late_shipment_us.json", tmp_path / "case.json")
    child = spawn(["draft", "case.json", "--engine", "offline", "-o", "sent.txt"], tmp_path)
    child.expect(pexpect.EOF)
    child.close()
    command = ["revise", "case.json", "--reply", str(REPLY), "--last-letter", "sent.txt", "--lang", "en", "--engine", "offline", "-o", "letter2.txt"]
    child = spawn(command, tmp_path)
    answer(child, "root_cause.rc1.detail", "Between 1 and 30 October 31 of our 39 late orders were placed from Friday 18:00 to Sunday night.")
    child.expect_exact("[root_cause.rc2.detail]")
    child.expect_exact("> ")
    child.sendintr()
    child.expect_exact("--resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    saved = tmp_path / "case.json.revise.progress"
    answers = json.loads(saved.read_text(encoding="utf-8"))["progress"]["answers"]
    assert "31 of our 39 late orders" in answers["root_cause.rc1.detail"]
    assert not (tmp_path / "letter2.txt").exists()

    child = spawn(command, tmp_path)  # starting afresh would lose them: refused without --force
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2 and saved.exists()

    child = spawn([*command, "--resume"], tmp_path)
    child.expect_exact("answers kept (1)")
    i = child.expect_exact(["[root_cause.rc1.detail]", "[root_cause.rc2.detail]"])
    assert i == 1, "the answered question is not asked again"
    child.expect_exact("> ")
    child.sendline("Our inventory clerk refilled the picking area only on Mondays, so 8 orders waited two days for stock.")
    answer(child, "root_cause.new.text", "")
    child.expect_exact("Changes since the letter sent")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    letter = (tmp_path / "letter2.txt").read_text(encoding="utf-8")
    assert "31 of our 39 late orders were placed from Friday 18:00 to Sunday night" in letter
    assert "8 orders waited two days for stock" in letter
    assert not saved.exists()
