"""`appealagent draft a.json b.json … --out-dir DIR --jobs N`: bounded concurrency, isolation, re-runs."""

from __future__ import annotations

import json
import shutil
import threading
import time

import pytest
from typer.testing import CliRunner

from appealagent.cli import app

from .conftest import ROOT
from .stub_server import StubServer, error_reply, offline_responder, point_at, user_text

runner = CliRunner()
NAMES = ["late_shipment_us", "inauthentic_complaint_us", "odr_a_to_z_claims_uk", "trademark_complaint_de"]


@pytest.fixture
def cases(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in NAMES:
        shutil.copy(ROOT / "examples" / "cases" / f"{name}.json", folder / f"{name}.json")
    return sorted(folder.glob("*.json"))


@pytest.fixture
def stub(monkeypatch):
    with StubServer() as server:
        point_at(monkeypatch, server, APPEALAGENT_MAX_ATTEMPTS="2", APPEALAGENT_STYLE="author")  # failing_for matches the case JSON author style sends
        yield server


def failing_for(case_id: str):
    def respond(request):
        if f'"case_id":"{case_id}"' in user_text(request):
            return error_reply(500, "this case always fails")
        return offline_responder(request)

    return respond


def test_one_failing_case_does_not_stop_the_others(stub, cases, tmp_path):
    stub.default = failing_for("inauth-2026-0910")
    out = tmp_path / "drafts"
    result = runner.invoke(app, ["draft", *map(str, cases), "--out-dir", str(out), "--engine", "llm", "--jobs", "3", "--json"])
    assert result.exit_code == 3, result.stderr
    summary = json.loads(result.stdout)
    status = {s["case_file"].rsplit("/", 1)[-1]: s["status"] for s in summary["cases"]}
    assert status.pop("inauthentic_complaint_us.json") == "failed"
    assert set(status.values()) <= {"ready", "not_ready"} and len(status) == 3
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.txt" for n in NAMES if n != "inauthentic_complaint_us")
    for p in out.iterdir():
        assert p.read_text().startswith("Dear Seller Performance Team,")
    # The summary table names every case, its engine and output.
    assert "FAILED" in result.stderr and "inauthentic_complaint_us.json" in result.stderr
    assert "HTTP 500" in result.stderr


def test_rerun_skips_drafted_cases_unless_forced(stub, cases, tmp_path):
    stub.default = failing_for("inauth-2026-0910")
    out = tmp_path / "drafts"
    args = ["draft", *map(str, cases), "--out-dir", str(out), "--engine", "llm", "--json"]
    assert runner.invoke(app, args).exit_code == 3
    first = len(stub.chat_requests)
    stub.default = offline_responder  # the server recovers
    again = runner.invoke(app, args)
    assert again.exit_code in (0, 1), again.stderr
    assert len(stub.chat_requests) == first + 1  # only the failed case was drafted again
    statuses = [c["status"] for c in json.loads(again.stdout)["cases"]]
    assert statuses.count("skipped") == 3
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code in (0, 1)
    assert len(stub.chat_requests) == first + 1 + len(NAMES)


def test_concurrency_is_bounded_by_jobs(monkeypatch, cases, tmp_path):
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(request):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.25)
        with lock:
            state["now"] -= 1
        return offline_responder(request)

    with StubServer(default=slow) as server:
        point_at(monkeypatch, server)
        result = runner.invoke(app, ["draft", *map(str, cases), "--out-dir", str(tmp_path / "d"), "--jobs", "2"])
    assert result.exit_code in (0, 1), result.stderr
    assert state["max"] == 2


def test_batch_offline_needs_no_server_and_exit_code_reflects_readiness(cases, tmp_path):
    result = runner.invoke(app, ["draft", *map(str, cases), "--out-dir", str(tmp_path / "d"), "--engine", "offline", "--json"])
    summary = json.loads(result.stdout)
    assert {c["engine"] for c in summary["cases"]} == {"offline"}
    not_ready = any(c["status"] == "not_ready" for c in summary["cases"])
    assert result.exit_code == (1 if not_ready else 0)


def test_a_bad_case_file_fails_alone(cases, tmp_path):
    bad = cases[0].parent / "zz_broken.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["draft", *map(str, cases), str(bad), "--out-dir", str(tmp_path / "d"), "--engine", "offline", "--json"])
    assert result.exit_code == 3
    summary = {c["case_file"].rsplit("/", 1)[-1]: c for c in json.loads(result.stdout)["cases"]}
    assert summary["zz_broken.json"]["status"] == "failed"
    assert "malformed JSON" in summary["zz_broken.json"]["message"]
    assert len(list((tmp_path / "d").iterdir())) == len(NAMES)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ([], "several case files need --out-dir"),
        (["--out-dir", "x", "-o", "y.txt"], "-o/--output writes one letter"),
        (["--out-dir", "x", "--dry-run"], "--dry-run shows the request for one case file"),
    ],
)
def test_batch_option_errors(cases, extra, expected):
    result = runner.invoke(app, ["draft", *map(str, cases), *extra])
    assert result.exit_code == 2
    assert expected in result.stderr


def test_same_file_name_twice_is_refused(cases, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    twin = other / cases[0].name
    shutil.copy(cases[0], twin)
    result = runner.invoke(app, ["draft", str(cases[0]), str(twin), "--out-dir", str(tmp_path / "d"), "--engine", "offline"])
    assert result.exit_code == 2
    assert "same name" in result.stderr


def test_large_batch_runs_the_checks_in_a_worker_process_with_the_same_results(monkeypatch, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(8):
        data = json.loads((ROOT / "examples" / "cases" / f"{NAMES[i % len(NAMES)]}.json").read_text())
        data["case_id"] = f"many-{i}"
        (folder / f"case_{i}.json").write_text(json.dumps(data))
    files = [str(p) for p in sorted(folder.glob("*.json"))]
    with StubServer(default=offline_responder) as server:
        point_at(monkeypatch, server)
        results = {}
        for workers in ("0", "1"):
            monkeypatch.setenv("APPEALAGENT_CHECK_WORKERS", workers)
            r = runner.invoke(app, ["draft", *files, "--out-dir", str(tmp_path / f"d{workers}"), "--jobs", "4", "--json"])
            assert r.exit_code in (0, 1), r.stderr
            results[workers] = [(c["status"], c["errors"], c["warnings"]) for c in json.loads(r.stdout)["cases"]]
    assert results["0"] == results["1"]
    assert all(status in ("ready", "not_ready") for status, _, _ in results["1"])
