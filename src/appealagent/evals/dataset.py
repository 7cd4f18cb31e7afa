"""The eval dataset: one folder per case, each with the case, a known-good letter and expectations.

    evals/cases/<id>/case.json      a full `Case`, what the seller would answer
    evals/cases/<id>/reference.md   a known-good reference letter (plain layout)
    evals/cases/<id>/expect.yaml    required_facts, forbidden, retrieval_type, notes

Samples are plain data, loaded once and handed to solvers and scorers, so the
same dataset can be drafted by any engine and graded by any scorer. A broken
case folder is a one-line `InputError` naming the file, never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from appealagent.errors import InputError
from appealagent.files import load_model, load_user_yaml, read_text
from appealagent.model.case import Case, ViolationType
from appealagent.paths import evals_dir

CASE_FILE = "case.json"
REFERENCE_FILE = "reference.md"
EXPECT_FILE = "expect.yaml"


class Expect(BaseModel):
    """What a letter for this case must and must not contain."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    required_facts: list[str] = Field(min_length=1, description="Strings that must appear in the letter.")
    forbidden: list[str] = Field(default_factory=list, description="Phrases that must not appear.")
    retrieval_type: ViolationType | None = Field(None, description="The violation type the top retrieved letter must have.")
    notes: str | None = None


@dataclass(frozen=True)
class Sample:
    """One eval case, ready for a solver and the scorers."""

    id: str
    case: Case
    reference: str
    expect: Expect
    path: Path


def default_cases_dir() -> Path:
    return evals_dir() / "cases"


def resolve_cases_dir(path: Path | None) -> Path:
    """Accept an evals folder (with cases/), a cases folder, or one case folder."""
    if path is None:
        return default_cases_dir()
    if not path.exists():
        raise InputError(f"{path}: no such folder")
    if not path.is_dir():
        raise InputError(f"{path}: not a folder (give a folder of case folders, see evals/README.md)")
    if (path / "cases").is_dir() and not (path / CASE_FILE).is_file():
        return path / "cases"
    return path


def evals_root(cases_dir: Path) -> Path:
    """The folder holding cases/, recordings/ and baseline.json for a resolved cases folder."""
    return cases_dir.parent.parent if (cases_dir / CASE_FILE).is_file() else cases_dir.parent


def _load_expect(path: Path) -> Expect:
    data = load_user_yaml(path, what="expectations file")
    if not isinstance(data, dict):
        raise InputError(f"{path}: must be a mapping with required_facts, forbidden, retrieval_type, notes")
    try:
        return Expect.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(file)"
        raise InputError(f"{path}: {loc}: {first['msg']}") from None


def load_sample(folder: Path) -> Sample:
    """One case folder; every file must be present and valid."""
    for name in (CASE_FILE, REFERENCE_FILE, EXPECT_FILE):
        if not (folder / name).is_file():
            raise InputError(f"{folder}: missing {name} (each case folder needs {CASE_FILE}, {REFERENCE_FILE}, {EXPECT_FILE})")
    case = load_model(Case, folder / CASE_FILE, what="case file")
    reference = read_text(folder / REFERENCE_FILE, what="reference letter").strip()
    if not reference:
        raise InputError(f"{folder / REFERENCE_FILE}: the reference letter is empty")
    return Sample(id=folder.name, case=case, reference=reference, expect=_load_expect(folder / EXPECT_FILE), path=folder)


def load_dataset(path: Path | None = None, only: list[str] | None = None) -> list[Sample]:
    """All case folders under `path` (default: the shipped evals), sorted by id; `only` filters by id prefix."""
    root = resolve_cases_dir(path)
    if (root / CASE_FILE).is_file():
        folders = [root]
    else:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if only:
        folders = [f for f in folders if any(f.name.startswith(o) for o in only)]
    if not folders:
        raise InputError(f"{root}: no case folders found" + (f" matching {', '.join(only)}" if only else ""))
    return [load_sample(f) for f in folders]


def case_json_text(case: Case) -> str:
    """The case as the graders see it: every field, including English versions of free text."""
    return json.dumps(case.model_dump(mode="json"), ensure_ascii=False)
