"""`appealagent eval`: draft every eval case with one engine, score it, compare with the baseline."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import typer

from appealagent.cli.app import app, err
from appealagent.cli.options import EvalEngine, choice, metavar
from appealagent.errors import EXIT_NOT_READY


def _engine_label(engine: EvalEngine, live: bool, style: str = "editor") -> tuple[str, str]:
    """(baseline key, origin) for the chosen engine; a live run's key names its style."""
    if engine == EvalEngine.offline:
        return "offline", "offline"
    return (f"llm-live-{style}", "live") if live else ("llm-replay", "hand-written")


def _progress(total: int) -> Any:
    """A rich progress bar on stderr, silent when stderr is not a terminal (CI, pipes, tests)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(
        TextColumn("[bold]eval[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not sys.stderr.isatty(),
    )


@app.command(name="eval")
def eval_command(
    engine: str = typer.Option(EvalEngine.offline.value, "--engine", "-e", metavar=metavar(EvalEngine), help="offline (default), or llm: replays the hand-written recordings in evals/recordings through the LLM engine via a local server; add --live for a real model."),
    cases: Path | None = typer.Option(None, "--cases", help="Folder of case folders (default: the shipped evals/cases). An evals folder with cases/ inside also works."),
    only: list[str] = typer.Option([], "--only", help="Run only cases whose id starts with this (repeatable)."),
    json_out: bool = typer.Option(False, "--json", help="Print the full report as JSON on stdout instead of the table."),
    report: Path | None = typer.Option(None, "--report", help="Also write a report a person can read: FILE.md (Markdown) or FILE.html."),
    force: bool = typer.Option(False, "--force", help="Overwrite the --report file if it exists."),
    baseline: Path | None = typer.Option(None, "--baseline", help="Accepted scores to compare with (default: baseline.json next to the cases folder, i.e. evals/baseline.json)."),
    update_baseline: bool = typer.Option(False, "--update-baseline", help="Accept this run's scores as the new baseline for this engine (after reviewing them)."),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="Do not compare with any baseline."),
    live: bool = typer.Option(False, "--live", help="With --engine llm: call the configured model (OPENAI_API_KEY or --base-url) instead of replaying recordings."),
    judge: bool = typer.Option(False, "--judge", help="With --live: also grade each letter with the LLM-as-judge rubric (prompts/judge.j2)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Model for --live (default: settings)."),
    style: str | None = typer.Option(None, "--style", help="With --live: editor (default; the model edits the offline letter) or author (the model writes it). Replays are author replies."),
    base_url: str | None = typer.Option(None, "--base-url", help="OpenAI-compatible server for --live (default: settings)."),
    recordings: Path | None = typer.Option(None, "--recordings", help="Folder of recorded replies for --engine llm (default: recordings/ next to the cases folder)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every missing fact, ungrounded item and check finding under the table."),
) -> None:
    """Run the eval suite: draft each known-good case, score the letter, compare with the baseline.

    Scores per case: structure (three parts in order), fact recall (expect.yaml
    required_facts), ungrounded specifics (ASINs, order IDs, percentages, dates,
    amounts not in the case), forbidden phrases, check errors and warnings,
    ROUGE-L against the reference letter, length ratio, and whether retrieval
    returns a letter of the right violation type. Overall: mean ± standard error.

    \b
    Examples:
      appealagent eval
      appealagent eval --engine llm --report eval.html
      OPENAI_API_KEY=… appealagent eval --engine llm --live --judge --no-baseline

    Exit codes: 0 no regressions; 1 a case failed or a score fell below its
    baseline by more than its tolerance (each one is named); 2 bad input.
    """
    from appealagent.errors import InputError
    from appealagent.evals import baseline as bl
    from appealagent.evals import report as rp
    from appealagent.evals.dataset import evals_root, load_dataset, resolve_cases_dir
    from appealagent.evals.runner import offline_solver, run_eval
    from appealagent.files import atomic_write
    from appealagent.settings import load_settings

    chosen = choice(EvalEngine, engine, "--engine")
    if live and chosen != EvalEngine.llm:
        raise InputError("--live: only with --engine llm")
    if judge and not live:
        raise InputError("--judge: only with --engine llm --live (the judge needs a real model)")
    if report is not None:
        if report.suffix.lower() not in {".md", ".html", ".htm"}:
            raise InputError(f"--report: {report} must end in .md or .html")
        if report.exists() and not force:
            raise InputError(f"{report}: already exists; use --force to overwrite it")
    if update_baseline and no_baseline:
        raise InputError("--update-baseline and --no-baseline contradict each other")

    if style is not None and (style not in {"editor", "author"} or not live):
        raise InputError("--style: editor or author, and only with --engine llm --live" if live else "--style: only with --engine llm --live (replays are author replies)")
    cases_dir = resolve_cases_dir(cases)
    samples = load_dataset(cases, only or None)
    live_settings = load_settings(model=model, base_url=base_url, style=style, runlog=False) if live else None
    label, origin = _engine_label(chosen, live, live_settings.style if live_settings else "editor")
    baseline_path = baseline or (evals_root(cases_dir) / "baseline.json")
    partial = bool(only)
    if baseline is not None and not baseline.exists() and not update_baseline:
        raise InputError(f"{baseline}: no such baseline file")

    extra: dict[str, Any] = {}
    stack = contextlib.ExitStack()  # holds the replay server, if any, until the run is over
    if chosen == EvalEngine.offline:
        solver = offline_solver()
    else:
        from appealagent.evals.runner import llm_solver

        if live_settings is not None:
            settings = live_settings
            if not settings.llm_configured:
                raise InputError("--live needs a model: set OPENAI_API_KEY, or --base-url for a local server")
            solver = llm_solver(settings, origin=origin)
            if judge:
                from appealagent.evals.judge import make_judge

                extra["judge"] = make_judge(settings)
        else:
            from appealagent.evals.replay import ReplayServer, load_recordings, recordings_dir_for

            rec_dir = recordings or recordings_dir_for(cases_dir)
            recorded = [s for s in samples if (rec_dir / f"{s.id}.json").is_file()]
            if not recorded:
                raise InputError(f"{rec_dir}: no recorded reply for any of these cases (write them with `python -m appealagent.evals.record`, see evals/README.md)")
            if len(recorded) < len(samples):
                skipped = [s.id for s in samples if s not in recorded]
                err(f"skipped {len(skipped)} case(s) with no recorded reply in {rec_dir}: {', '.join(skipped)} (write them with `python -m appealagent.evals.record`)")
                samples = recorded
                partial = True
            recs = load_recordings(rec_dir, [s.id for s in samples])
            server = stack.enter_context(ReplayServer(recs))
            # The recordings are whole letters a model wrote: author-style replies.
            settings = load_settings(base_url=server.url, model="replay", runlog=False, max_attempts=1, timeout=30.0, redact=True, style="author")
            by_id = {s.id: s for s in samples}
            solver = llm_solver(settings, origin=origin, before=lambda s: server.select(s.id, by_id[s.id].case.seller.store_name))

    with stack, _progress(len(samples)) as progress:
        task = progress.add_task("drafting", total=len(samples))

        def advance(sample: Any, result: Any) -> None:
            progress.update(task, advance=1, description=sample.id)

        run = run_eval(samples, solver, engine=label, origin=origin, cases_dir=cases_dir, extra=extra, on_case=advance)

    comparison = None
    if not no_baseline and not update_baseline and baseline_path.exists():
        comparison = bl.compare(run, bl.load_baseline(baseline_path), str(baseline_path))

    if json_out:
        typer.echo(rp.to_json(run, comparison))
    else:
        from rich.console import Console

        console = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
        rp.print_table(run, comparison, console, verbose=verbose)
        if comparison is None and not update_baseline and not no_baseline:
            err(f"no baseline at {baseline_path}; run with --update-baseline to accept these scores")

    if report is not None:
        text = rp.to_html(run, comparison) if report.suffix.lower() in {".html", ".htm"} else rp.to_markdown(run, comparison)
        atomic_write(report, text, force=force)
        err(f"wrote {report}")

    if update_baseline:
        data = bl.updated(run, bl.load_baseline(baseline_path), partial=partial)
        atomic_write(baseline_path, bl.dumps(data), force=True)
        err(f"accepted {len(run.results)} case score(s) for engine {label} in {baseline_path}")

    failed = run.failed
    for case_result in failed:
        err(f"case {case_result.id}: {case_result.error}")
    if comparison is not None and comparison.regressions:
        if json_out:
            for regression in comparison.regressions:
                err(f"regression: {regression.message}")
        raise typer.Exit(EXIT_NOT_READY)
    if failed:
        raise typer.Exit(EXIT_NOT_READY)
