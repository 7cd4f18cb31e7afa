"""The one "ready to submit" verdict: what `draft` (both engines), `check`, the interview and the LLM loop all say.

A letter is ready only when the checks ran and found no error (DOMAIN.md §6: an
error is a reason Amazon has been seen to reject a letter), the case has no gap the
engine had to leave, and no `[TO COMPLETE: …]` marker is left in it. Warnings never
make a letter "not ready", and nothing else does either: every command asks this
function, so a seller never sees "ready: yes" in one place and "no" in another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from appealagent.checks.model import CheckReport, Finding
from appealagent.facts.scan import TODO_RE


@dataclass(frozen=True)
class Verdict:
    """Ready or not, and why not: the check errors and the gaps, in the order a seller should fix them."""

    ready: bool
    errors: list[Finding] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unchecked: bool = False
    markers: int = 0

    def reasons(self) -> list[str]:
        """One line per reason the letter is not ready (empty when it is)."""
        out = [f"{f.rule_id}: {f.message}" + (f" › {f.excerpt}" if f.excerpt else "") for f in self.errors]
        if self.missing:
            out.append("missing from the case: " + ", ".join(self.missing))
        if self.markers:
            out.append(f"{self.markers} [TO COMPLETE: …] marker(s) left in the letter")
        if self.unchecked:
            out.append("the checks did not run (--no-check)")
        return out


def error_findings(report: CheckReport) -> list[Finding]:
    """The error-level findings: each one alone makes a letter not ready."""
    return [f for f in report.findings if f.severity == "error"]


def verdict(report: CheckReport | None, letter: str, missing: Sequence[str] = ()) -> Verdict:
    """The verdict on one letter; `report` None means the checks were switched off, which is never "ready"."""
    errors = error_findings(report) if report is not None else []
    markers = len(TODO_RE.findall(letter))
    ready = report is not None and not errors and not missing and markers == 0
    return Verdict(ready=ready, errors=errors, missing=list(missing), unchecked=report is None, markers=markers)
