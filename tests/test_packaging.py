"""The wheel carries its data, and a non-editable install works from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from appealagent.model.kinds import audience

from .conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)], cwd=ROOT, check=True, capture_output=True)
    (built,) = out.glob("appealagent-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed (not editable) into its own folder, dependencies taken from this environment."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def _tracked(folder: str, pattern: str) -> set[str]:
    return {p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob(pattern) if p.is_file()}


def test_wheel_contains_prompts_corpus_evals_templates_and_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("prompts", "fewshot", "evals"):
        for rel in _tracked(folder, "*"):
            if "__pycache__" in rel:
                continue
            assert f"appealagent/_data/{folder}/{rel}" in names, rel
    assert "appealagent/templates/letter.txt.j2" in names
    assert "appealagent/data/wording/types.yaml" in names
    assert "appealagent/data/metrics.yaml" in names
    assert any(n.startswith("appealagent/_data/fewshot/") and n.endswith(".md") for n in names)


def _run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(installed), "APPEALAGENT_HOME": str(cwd / "home")}
    return subprocess.run([sys.executable, "-m", "appealagent", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_installed_package_is_the_one_running(installed: Path, tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    where = subprocess.run([sys.executable, "-c", "import appealagent.paths as p; print(p.data_root())"], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(installed)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_installed_cli_drafts_every_example_from_another_directory(installed: Path, tmp_path: Path, example: Path):
    result = _run(installed, tmp_path, "draft", "--engine", "offline", str(example))
    assert result.returncode in (0, 1), result.stderr
    kind = json.loads(example.read_text(encoding="utf-8")).get("letter_kind", "account_appeal")
    if audience(kind) == "amazon":
        assert result.stdout.startswith("Dear ") and "Store name:" in result.stdout
    else:  # a letter to a rights owner, a supplier or a buyer: greeted by name, signed by the store
        assert result.stdout.startswith(("Dear ", "Hello")) and "Kind regards," in result.stdout
    assert "Traceback" not in result.stderr


def test_installed_cli_prints_json_schema(installed: Path, tmp_path: Path):
    result = _run(installed, tmp_path, "schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "Case"
