"""`appealagent check LETTER`: the deterministic checks on any letter, with or without a case."""

from __future__ import annotations

from pathlib import Path

import typer

from appealagent.cli.app import app
from appealagent.errors import EXIT_NOT_READY, InputError
from appealagent.model.enums import LetterKind

CHECK_HELP = """Check a letter for what gets appeals rejected: missing parts, blame, pleading, vague or future-tense actions, wrong metric targets, placeholders, invented facts.

LETTER is a .txt, .md or .docx file, a corpus-format file (its English part is checked), or - for stdin. With --case the letter is also compared with the case: every ASIN, order, metric, date, supplier and document of the case must appear, and nothing the case lacks may.

Examples:

  appealagent check letter.txt

  appealagent check letter.md --case case.json --strict

  cat letter.txt | appealagent check - --kind buyer_message --json

  appealagent check --rules

Exit codes: 0 ready to submit (no errors); 1 not ready: errors found (or warnings, with --strict); 2 bad input. --json adds "ready", the same verdict `draft` and the interview give."""


@app.command(help=CHECK_HELP)
def check(
    letter: str | None = typer.Argument(None, metavar="LETTER", help="The letter: .txt, .md, a corpus-format file, or - for stdin."),
    case: Path | None = typer.Option(None, "--case", "-c", metavar="CASE.json", help="Case file: enables the grounding and evidence rules."),
    kind: LetterKind | None = typer.Option(None, "--kind", "-k", case_sensitive=False, help="What the letter is (default: the case's kind, else inferred)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report (or the catalogue) as JSON."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
    rules: bool = typer.Option(False, "--rules", help="List the rule catalogue instead of checking a letter."),
) -> None:
    from appealagent.checks import RULES, catalogue_json, format_catalogue, format_report, report_json, run_checks
    from appealagent.checks.readiness import verdict

    if rules:
        typer.echo(catalogue_json(RULES.values()) if as_json else format_catalogue(RULES.values()))
        return
    if letter is None:
        raise InputError("no letter given: `appealagent check LETTER` (or - for stdin; --rules lists the catalogue)")
    from appealagent.files import load_model
    from appealagent.letters.readers import read_letter
    from appealagent.model.case import Case

    text = read_letter(letter)
    if not text.strip():
        raise InputError(f"{'<stdin>' if letter == '-' else letter}: the letter is empty")
    case_model = load_model(Case, case, what="case file") if case is not None else None
    source = None if letter == "-" else letter
    report = run_checks(text, case=case_model, kind=kind, source=source)
    shown = source or "<stdin>"
    ready = verdict(report, text).ready
    typer.echo(report_json(report, shown, ready=ready) if as_json else format_report(report, shown))
    if not ready or (strict and report.warnings):
        raise typer.Exit(EXIT_NOT_READY)
