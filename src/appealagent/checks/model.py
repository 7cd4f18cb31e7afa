"""What the checks produce: findings, the rule catalogue entries, and the report.

Kept apart from the rule logic so the CLI, the drafting pipeline and the evals can
read reports without importing any rule.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from appealagent.model.case import LetterKind

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


class Finding(BaseModel):
    """One problem in a letter, pointing at the text that causes it."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    severity: Severity
    message: str
    fix: str
    section: str | None = Field(None, description="Letter section the excerpt sits in (opening, root_cause, …); None for the whole letter or the case.")
    excerpt: str | None = None
    line: int | None = Field(None, description="1-based line in the file as given.")
    col: int | None = Field(None, description="1-based column (characters).")


class Rule(BaseModel):
    """A catalogue entry: what a rule looks for and why reviewers care."""

    model_config = ConfigDict(frozen=True)

    id: str
    category: str
    severity: Severity
    message: str
    rationale: str
    fix: str
    kinds: tuple[LetterKind, ...]
    needs_case: bool = False

    def applies_to(self, kind: LetterKind) -> bool:
        return kind in self.kinds


class CheckReport(BaseModel):
    """Everything the checks found in one letter; `ok` means no errors (warnings may remain)."""

    findings: list[Finding] = Field(default_factory=list)
    kind: LetterKind
    kind_source: str = Field(description="Where the kind came from: option, case, front matter, inferred or default.")
    violation_type: str | None = None
    sections_found: list[str] = Field(default_factory=list)
    words: int = 0
    case_used: bool = False
    rules_run: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def infos(self) -> int:
        return sum(1 for f in self.findings if f.severity == "info")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        return self.errors == 0

    def rule_ids(self, severity: Severity | None = None) -> set[str]:
        """The ids of the rules that fired (optionally only at one severity)."""
        return {f.rule_id for f in self.findings if severity is None or f.severity == severity}
