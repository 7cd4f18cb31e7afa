"""The first hour of a new user: output that cannot be written, a closed pipe, a broken config.toml, --json,
`intake -` in a terminal, one-line option errors, tables in 80 columns, the Chinese example case, `make demo`."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appealagent.cli import app

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "examples" / "cases"
CASE = CASES / "late_shipment_us.json"
ZH_CASE = CASES / "cancellations_pricing_error_ca_zh.json"
runner = CliRunner()


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "appealagent"
    return [str(script)] if script.exists() else [sys.executable, "-m", "appealagent"]


def _one_line_error(result: object, needle: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == 2, stderr  # type: ignore[attr-defined]
    assert needle in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert "internal error" not in stderr and "Value error" not in stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_exit_2_not_an_internal_error() -> None:
    result = runner.invoke(app, ["draft", "--engine", "offline", str(CASE), "-o", "/dev/full", "--force"])
    _one_line_error(result, "/dev/full: cannot write: No space left on device")
    assert Path("/dev/full").is_char_device()  # written in place, never replaced by a regular file


def test_no_space_while_writing_a_file_is_exit_2_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "letter.txt"
    result = runner.invoke(app, ["draft", "--engine", "offline", str(CASE), "-o", str(out)])
    _one_line_error(result, f"{out}: cannot write: No space left on device")
    assert list(tmp_path.iterdir()) == []  # no half-written or temporary file left


def test_an_unwritable_place_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    result = runner.invoke(app, ["draft", "--engine", "offline", str(CASE), "-o", str(tmp_path / "letter.txt")])
    _one_line_error(result, "cannot write: Permission denied")


def test_an_os_error_outside_the_writers_is_exit_2_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import appealagent.pipeline as pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), "/data/runs")

    monkeypatch.setattr(pipeline, "draft_case", boom)
    result = runner.invoke(app, ["draft", "--engine", "offline", str(CASE)])
    _one_line_error(result, "/data/runs: Read-only file system")


@pytest.mark.parametrize("args", [["corpus", "list"], ["draft", "--engine", "offline", str(CASE)]])
def test_a_closed_pipe_is_quiet(args: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "APPEALAGENT_HOME": str(tmp_path)}
    for _ in range(3):  # the reader may go at any moment; none of the runs may complain
        cmd = " ".join(map(str, _cli() + args)) + " | head -c 1 >/dev/null"
        done = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, env=env, timeout=120)
        assert "internal error" not in done.stderr and "BrokenPipe" not in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (0, 1), done.stderr  # 1: the draft's own "not ready" code would still be fine


def _config(home: Path, text: str) -> None:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text(text, encoding="utf-8")


def test_a_broken_config_only_matters_to_the_llm_engine(_isolated_home: Path) -> None:
    _config(_isolated_home, 'model = "gpt-4.1-mini"\ntimeout = \n')
    offline = runner.invoke(app, ["draft", "--engine", "offline", str(CASE)])
    assert offline.exit_code == 0, offline.stderr
    assert "config" not in offline.stderr
    llm = runner.invoke(app, ["draft", "--engine", "llm", str(CASE)])
    _one_line_error(llm, "config.toml: line 2: cannot read the config file")


def test_a_bad_value_in_config_names_its_line(_isolated_home: Path) -> None:
    _config(_isolated_home, '# my settings\n\nmodel = "x"\ntimeout = "soon"\n')
    result = runner.invoke(app, ["draft", "--engine", "llm", str(CASE)])
    _one_line_error(result, "config.toml: line 4: timeout:")


def test_draft_json_prints_the_json_form() -> None:
    result = runner.invoke(app, ["draft", "--engine", "offline", str(CASE), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["engine"] == "offline" and data["ready"] is True and "Dear Seller Performance Team" in json.dumps(data)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["draft", str(CASE), "--format", "pdf"], "--format: 'pdf' is not one of text, markdown, json, docx"),
        (["draft", str(CASE), "--engine", "gpt"], "--engine: 'gpt' is not one of"),
        (["draft", str(CASE), "--explain", "fr"], "--explain: 'fr' is not one of zh"),
        (["draft", str(CASE), "--mode", "xml"], "--mode: 'xml' is not one of json_schema, tools, json_object"),
        (["interview", "--lang", "fr"], "--lang: 'fr' is not one of en, zh"),
    ],
)
def test_option_errors_are_one_line(args: list[str], needle: str) -> None:
    _one_line_error(runner.invoke(app, args), needle)


def test_intake_from_a_terminal_says_what_to_paste_and_how_to_end(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    cmd = _cli()
    child = pexpect.spawn(cmd[0], cmd[1:] + ["intake", "-"], cwd=str(tmp_path), encoding="utf-8", timeout=60,
                          env={**os.environ, "NO_COLOR": "1"})
    child.expect_exact("Paste Amazon's notification e-mail")
    child.expect_exact("Ctrl-D")
    for line in (ROOT / "tests" / "data" / "notices" / "11_inauthentic_us.txt").read_text(encoding="utf-8").splitlines():
        child.sendline(line)
    child.sendeof()
    child.expect_exact("inauthentic")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_the_batch_table_fits_80_columns(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "80", "APPEALAGENT_HOME": str(tmp_path / "home")}
    done = subprocess.run(_cli() + ["draft", "--engine", "offline", *map(str, sorted(CASES.glob("*.json"))), "--out-dir", str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, timeout=300)
    table = [line for line in done.stderr.splitlines() if line.startswith(("┃", "│", "┏", "└", "┡"))]
    assert table and all(len(line) <= 80 for line in table), "\n".join(table)
    assert any("cancellations_pricing_error_ca_zh" in line for line in table)  # whole names, on one line


def test_the_chinese_example_says_in_chinese_exactly_what_to_add() -> None:
    result = runner.invoke(app, ["draft", "--engine", "offline", str(ZH_CASE)])
    assert result.exit_code == 1
    assert "英文申诉信中以下内容还只有中文" in result.stderr
    assert "纠正措施 2(“我们取消了这46个订单并全额退款”):在" in result.stderr and "corrective_actions[1].text_en 中填写英文" in result.stderr
    assert "preventive_measures[1].text_en 中填写英文" in result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_says_what_it_does_while_it_installs(tmp_path: Path) -> None:
    done = subprocess.run(["make", "-n", "demo", f"VENV={tmp_path / 'venv'}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "first run: setting up" in out and "drafting examples/cases/late_shipment_us.json" in out
    assert "pipx install ." in out
    nested = subprocess.run(["make", "-n", str(tmp_path / "venv" / ".installed"), f"VENV={tmp_path / 'venv'}", "PIP_PROGRESS=1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "installing appealagent and its dependencies" in nested.stdout and "--progress-bar on" in nested.stdout and " -q " not in nested.stdout
