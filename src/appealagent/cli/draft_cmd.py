"""`appealagent draft CASE.json…`: case files in, checked letters out (one to stdout/-o, many to --out-dir)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from appealagent.cli.app import app, err
from appealagent.errors import EXIT_NOT_READY

if TYPE_CHECKING:  # the pipeline is imported when a command runs, so `--help` stays fast
    from appealagent.batch import BatchItem
    from appealagent.checks.model import CheckReport
    from appealagent.letters.render import Format
    from appealagent.model.case import Case
    from appealagent.pipeline import DraftOutcome
    from appealagent.settings import Settings

EXPLAIN_HEADER = "----- 中文说明 (for you to check every statement; do not submit this part) -----"


class _EchoHandler(logging.Handler):
    """Log records as 'appealagent: …' lines on the current stderr (works under CliRunner too)."""

    def __init__(self, scrub: Callable[[str], str]) -> None:
        super().__init__()
        self.scrub = scrub

    def emit(self, record: logging.LogRecord) -> None:
        try:
            err(self.scrub(record.getMessage()))
        except Exception:  # logging must never break a run
            pass


def setup_logging(verbose: bool, settings: Settings) -> None:
    """Retries and re-asks are shown on stderr (warnings; with -v also info), scrubbed of secrets."""
    logger = logging.getLogger("appealagent")
    for h in list(logger.handlers):
        if isinstance(h, _EchoHandler):
            logger.removeHandler(h)
    handler = _EchoHandler(settings.scrub)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


def _summary(outcome: DraftOutcome, case_file: Path | None = None) -> list[str]:
    """Lines for stderr: gaps the seller must fill and the check summary."""
    lines = [f"warning: {w}" for w in outcome.warnings]
    result = outcome.result
    if result.missing:
        lines.append("missing from the case: " + ", ".join(result.missing))
        if case_file is not None:
            lines.append(f"  answer what is missing with: appealagent interview --resume {case_file}")
    lines.extend(f"note: {n}" for n in result.notes)
    checks = outcome.checks
    if checks is not None:
        lines.append(f"checks: {checks.errors} error(s), {checks.warnings} warning(s)" + ("" if checks.errors or checks.warnings else " — clean"))
        lines.extend(_finding_lines(checks))
    meta = result.meta
    if result.engine == "llm":
        usage = meta.get("usage") or {}
        lines.append(f"engine: llm ({meta.get('model')} at {meta.get('base_url_host')}), {meta.get('requests')} request(s), {usage.get('total_tokens', 0)} tokens")
    if outcome.run_id:
        lines.append(f"run log: {outcome.run_id} (appealagent history show {outcome.run_id})")
    verdict = outcome.verdict
    lines.append("ready to submit: " + ("yes — read it once more and confirm every fact" if verdict.ready else "no"))
    if not verdict.ready and verdict.unchecked:
        lines.append("  the checks were switched off (--no-check): run `appealagent check LETTER --case CASE.json`")
    return lines


def english_notes(case: Case, case_file: Path | None) -> list[str]:
    """For a seller who explains in Chinese: in Chinese, exactly which answers still need English and where to write it."""
    from appealagent.interview.english import english_gaps

    gaps = english_gaps(case)
    if not gaps:
        return []
    from appealagent.interview.wording import label, ui  # the interview's wording loads its question files: only when needed

    lang = "zh" if case.explanation_language is not None and case.explanation_language.value == "zh" else "en"
    where = str(case_file) if case_file is not None else "CASE.json"
    lines = [ui("draft_english_head", lang)]
    for g in gaps:
        name = (label("english_field", g.field, lang) or g.path).format(n=g.n)
        text = g.text if len(g.text) <= 30 else g.text[:29] + "…"
        lines.append(ui("draft_english_item", lang, name=name, text=text, path=g.path, case=where))
    from appealagent.interview.progress import progress_path

    resumable = case_file is not None and progress_path(case_file).exists()  # an interview's case: --resume asks for them
    lines.append(ui("draft_english_how", lang, case=where) if resumable else ui("draft_english_llm", lang))
    return lines


def _finding_lines(checks: CheckReport) -> list[str]:
    """Each finding as the seller needs it: severity and rule, what it says, the words it points at, the fix."""
    lines: list[str] = []
    for f in checks.findings:
        if f.severity == "info":
            continue
        where = f" (line {f.line})" if f.line is not None else ""
        lines.append(f"  {f.severity} {f.rule_id}{where}: {f.message}")
        if f.excerpt:
            lines.append(f"    › {f.excerpt}")
        lines.append(f"    fix: {f.fix}")
    return lines


def _findings_json(checks: CheckReport | None) -> list[dict[str, object]]:
    if checks is None:
        return []
    return [{"rule": f.rule_id, "severity": f.severity, "message": f.message, "quote": f.excerpt, "fix": f.fix, "section": f.section, "line": f.line} for f in checks.findings]


def _render_output(outcome: DraftOutcome, case_file: Path, out_format: Format) -> str:
    from appealagent.letters.render import Format, render_json

    if out_format != Format.json:
        return outcome.letter
    checks = outcome.checks.model_dump() if outcome.checks is not None else None
    extra: dict[str, object] = {
        "checks": checks, "ready": outcome.ready, "case_file": str(case_file), "warnings": outcome.warnings, "run_id": outcome.run_id,
        "findings": _findings_json(outcome.checks), "not_ready_because": outcome.verdict.reasons(),
    }
    if outcome.explanation is not None:
        extra["explanation"] = outcome.explanation
    return render_json(outcome.result, outcome.letter, extra)


@app.command()
def draft(
    case_files: list[Path] = typer.Argument(..., help="Case JSON file(s) (see `appealagent schema`); several need --out-dir.", show_default=False),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the letter here instead of stdout (atomic; never overwrites without --force)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output (and redo already-drafted cases in a batch)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text (paste into Seller Central), markdown, json (sections + metadata), or docx (Word; needs -o and the docx extra)."),
    kind: str | None = typer.Option(None, "--kind", help="Draft this letter kind from the case instead of its letter_kind, e.g. retraction_request or retraction_follow_up beside an IP appeal, supplier_document_request beside an inauthentic one."),
    engine: str = typer.Option("auto", "--engine", "-e", help="offline (no API key, nothing leaves the machine), llm, or auto (llm when configured, else offline)."),
    no_check: bool = typer.Option(False, "--no-check", help="Skip the deterministic checks."),
    model: str | None = typer.Option(None, "-m", "--model", help="LLM model name (env APPEALAGENT_MODEL)."),
    base_url: str | None = typer.Option(None, "--base-url", help="OpenAI-compatible server, e.g. http://localhost:11434/v1 (env OPENAI_BASE_URL)."),
    provider: str | None = typer.Option(None, "--provider", help="Preset: openai, azure, deepseek, qwen, moonshot, zhipu, openrouter, ollama, lmstudio, vllm, llamacpp (env APPEALAGENT_PROVIDER)."),
    budget: float | None = typer.Option(None, "--budget", help="Under --engine auto: seconds the LLM may take per case before the offline letter is used (default 180; 0: no limit)."),
    style: str | None = typer.Option(None, "--style", help="How the LLM engine drafts: editor (default; the model edits the offline letter, for small and local models) or author (the model writes it, for strong models). Env APPEALAGENT_STYLE."),
    mode: str | None = typer.Option(None, "--mode", help="Structured output: json_schema (default), tools, or json_object for servers without json_schema."),
    timeout: float | None = typer.Option(None, "--timeout", help="Deadline in seconds for one LLM request, whole reply included."),
    examples: int | None = typer.Option(None, "-k", "--examples", help="Corpus letters to show the model (default 3)."),
    redact: bool | None = typer.Option(None, "--redact/--no-redact", help="Replace e-mails, phones, addresses, buyer names and order IDs with placeholders before sending (default on)."),
    send_key: bool = typer.Option(False, "--send-openai-key-to-base-url", help="Send OPENAI_API_KEY to --base-url too (only for a server you trust with it)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the exact request the LLM engine would send (after redaction) and send nothing."),
    explain: str | None = typer.Option(None, "--explain", help="zh: add a faithful Chinese rendering of the final letter (LLM engine only)."),
    out_dir: Path | None = typer.Option(None, "--out-dir", help="Batch: write one letter per case into this folder (skips cases already drafted unless --force)."),
    jobs: int | None = typer.Option(None, "-j", "--jobs", help="Batch: cases drafted at once (default 4)."),
    summary_json: bool = typer.Option(False, "--json", help="Print JSON on stdout: one case → the letter in its JSON form (as --format json); a batch → the summary."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Show each retry and re-ask on stderr."),
) -> None:
    """Draft a Plan of Action from a case file, or many at once.

    The offline engine builds the letter from the case's own facts only: it never
    invents an ASIN, number, date or action. The LLM engine (OpenAI or any
    OpenAI-compatible server) writes more fluent letters, checked against the case:
    any specific not in the case is sent back, and under --engine auto a failure
    falls back to the offline letter. Where the case lacks something, the letter
    shows a [TO COMPLETE: …] marker and stderr says what to add.

    Examples:
      appealagent draft examples/cases/late_shipment_us.json -o letter.txt
      OPENAI_BASE_URL=http://localhost:11434/v1 appealagent draft case.json --engine llm -m qwen2.5:14b
      appealagent draft case.json --dry-run
      appealagent draft examples/cases/trademark_complaint_de.json --kind retraction_request
      appealagent draft cases/*.json --out-dir drafts/ --jobs 8

    Exit codes: 0 ready; 1 written but not ready (gaps or check errors); 2 bad input; 3 engine failure
    (in a batch: 3 if any case failed, else 1 if any is not ready).
    """
    from appealagent.cli.options import DraftEngine, ExplainLanguage, OutputFormat, OutputMode, choice
    from appealagent.engines.registry import choose, engine_names
    from appealagent.errors import InputError
    from appealagent.files import atomic_write, load_model
    from appealagent.letters.render import Format
    from appealagent.model.case import Case
    from appealagent.model.enums import LetterKind
    from appealagent.pipeline import draft_case
    from appealagent.settings import ConfigFileError, load_settings

    out_kind = choice(OutputFormat, fmt, "--format")
    letter_kind = choice(LetterKind, kind, "--kind")
    engine = engine.strip().lower()
    if engine not in engine_names():  # DraftEngine names the built-in ones; the registry may hold more
        raise InputError(f"--engine: {engine!r} is not one of {', '.join(engine_names())}")
    explain = explain_lang.value if (explain_lang := choice(ExplainLanguage, explain, "--explain")) else None
    mode = mode_choice.value if (mode_choice := choice(OutputMode, mode, "--mode")) else None
    docx = out_kind == OutputFormat.docx
    if docx and (out_dir is not None or len(case_files) > 1 or output is None):
        raise InputError("--format docx writes one Word file: give one case and -o LETTER.docx")
    if style is not None and style not in {"editor", "author"}:
        raise InputError(f"--style: {style!r} is not one of editor, author")
    out_format = Format("text" if docx else out_kind.value)
    flags: dict[str, Any] = dict(model=model, base_url=base_url, provider=provider, budget=budget, style=style, output_mode=mode, timeout=timeout, examples=examples,
                 redact=redact, send_openai_key_to_base_url=True if send_key else None, jobs=jobs)
    if engine == DraftEngine.offline and not dry_run:  # config.toml configures the LLM: the offline engine never reads it
        settings = load_settings(use_config_file=False, **flags)
    else:
        try:
            settings = load_settings(**flags)
        except ConfigFileError as exc:  # a broken config.toml only matters to the LLM engine
            if engine != DraftEngine.auto or dry_run or explain:
                raise
            err(f"warning: {exc} (ignored: --engine auto drafts without it)")
            settings = load_settings(use_config_file=False, **flags)
    setup_logging(verbose, settings)
    if explain and not choose(engine, llm_configured=settings.llm_configured).engine.needs_llm and not dry_run:
        raise InputError(f"--explain {explain} needs the LLM engine: set OPENAI_API_KEY or --base-url and use --engine llm")

    if out_dir is not None or len(case_files) > 1:
        if out_dir is None:
            raise InputError("several case files need --out-dir (one letter per case is written there)")
        if output is not None:
            raise InputError("-o/--output writes one letter; with --out-dir each case gets its own file")
        if dry_run:
            raise InputError("--dry-run shows the request for one case file; give a single case")
        if letter_kind is not None:
            raise InputError("--kind drafts one case as another letter kind; give a single case")
        _batch(case_files, out_dir, out_format, engine, settings, force, not no_check, explain, summary_json)
        return

    case_file = case_files[0]
    if summary_json:
        if out_kind not in (OutputFormat.text, OutputFormat.json):
            raise InputError(f"--json prints the JSON form; it cannot be combined with --format {out_kind.value}")
        out_format = Format.json
    explanation_file = output.with_name(output.stem + ".zh.txt") if output is not None and explain else None
    for target in (output, explanation_file):
        if target is not None and target.exists() and not force:
            raise InputError(f"{target}: already exists; use --force to overwrite it")
    case = load_model(Case, case_file, what="case file")
    if letter_kind is not None:  # one case, several letters: the appeal and the letters around it
        case = case.model_copy(update={"letter_kind": letter_kind})
    if dry_run:
        from appealagent.pipeline import dry_run_request

        body = dry_run_request(case, settings, engine)
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        err(f"dry run: this request would go to {settings.public_base_url}/chat/completions (model {settings.model}); nothing was sent")
        return
    outcome = draft_case(
        case, engine=engine, fmt=Format.markdown if out_format == Format.markdown else Format.text,
        check=not no_check, settings=settings, explain=explain, case_file=str(case_file), log_run=True,
    )
    text = _render_output(outcome, case_file, out_format)
    if output is not None and docx:
        from appealagent.letters.docx import write_docx

        write_docx(outcome.result, output, force=force, explanation=outcome.explanation)
        err(f"wrote {output}")
    elif output is not None:
        atomic_write(output, text if text.endswith("\n") else text + "\n", force=force)
        err(f"wrote {output}")
        if outcome.explanation and explanation_file is not None and out_format != Format.json:
            atomic_write(explanation_file, outcome.explanation.rstrip() + "\n", force=force)
            err(f"wrote the Chinese explanation to {explanation_file}")
    else:
        typer.echo(text.rstrip("\n"))
        if outcome.explanation and out_format != Format.json:
            typer.echo("\n" + EXPLAIN_HEADER + "\n")
            typer.echo(outcome.explanation.rstrip("\n"))
    for line in _summary(outcome, case_file):
        typer.echo(line, err=True)
    if outcome.engine == "offline":
        for line in english_notes(case, case_file):
            typer.echo(line, err=True)
    if not outcome.ready:
        raise typer.Exit(EXIT_NOT_READY)


def _batch(case_files: list[Path], out_dir: Path, out_format: Format, engine: str, settings: Settings, force: bool, check: bool, explain: str | None, summary_json: bool) -> None:
    import asyncio

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from appealagent.batch import exit_code, run_batch
    from appealagent.errors import InputError

    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: is a file, expected a folder for --out-dir")
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("drafting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"),
        console=console, disable=not console.is_terminal, transient=True,
    )
    items: list[BatchItem] = []
    interrupted = False
    try:
        with progress:
            task = progress.add_task("", total=len(case_files))

            def done(item: BatchItem) -> None:
                progress.update(task, advance=1, description=Path(item.case_file).name)

            asyncio.run(
                run_batch(
                    case_files, out_dir=out_dir, fmt=out_format, engine=engine, settings=settings, jobs=settings.jobs,
                    force=force, check=check, explain=explain,
                    render_output=lambda outcome, path: _render_output(outcome, path, out_format), on_done=done, items=items,
                )
            )
    except KeyboardInterrupt:  # Ctrl-C: no traceback; say what was written and what was not
        interrupted = True
    # Fits 80 columns: each letter is named after its case, so the folder and extension go in the title once.
    suffix = next((Path(it.output).suffix for it in items if it.output), "")
    table = Table(title=f"{len(items)} case(s) → {out_dir}/<case>{suffix}", title_justify="left")
    for col in ("case", "engine", "ready", "err", "warn", "s"):
        table.add_column(col, justify="right" if col in {"err", "warn", "s"} else "left", overflow="fold")
    for it in items:
        ready = {"ready": "yes", "not_ready": "no", "skipped": "skipped", "failed": "FAILED", "interrupted": "interrupted", "pending": "not started"}[it.status]
        table.add_row(Path(it.case_file).stem, it.engine or "-", ready, str(it.errors), str(it.warnings), f"{it.seconds:.1f}")
    console.print(table)
    for it in items:
        if it.status == "failed" or it.message and it.status != "skipped":
            err(f"{Path(it.case_file).name}: {'error' if it.status == 'failed' else 'warning'}: {it.message}")
    counts = {s: sum(1 for i in items if i.status == s) for s in ("ready", "not_ready", "skipped", "failed", "interrupted", "pending")}
    err(f"{counts['ready']} ready, {counts['not_ready']} not ready, {counts['skipped']} skipped, {counts['failed']} failed"
        + (f", {counts['interrupted']} interrupted, {counts['pending']} not started" if interrupted else ""))
    if interrupted:
        written = counts["ready"] + counts["not_ready"]
        err(f"interrupted: {written} letter(s) written to {out_dir}, {counts['interrupted'] + counts['pending']} not; run the same command again to draft the rest (finished cases are skipped)")
    if summary_json:
        typer.echo(json.dumps({"cases": [i.as_dict() for i in items], "counts": counts}, indent=2, ensure_ascii=False))
    code = exit_code(items)
    if code:
        raise typer.Exit(code)
