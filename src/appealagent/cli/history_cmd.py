"""`appealagent history [show ID | case CASE.json]`: past drafting runs saved in the data folder, and a case's timeline of letters and replies.

Everything printed passes through `mask_url_credentials`: a record written by an
older version may still hold a base URL with a password in an error message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from appealagent.cli.app import AppTyper, _guard, app

history_app = AppTyper(
    help="List past drafting runs (newest first), or show one with `history show ID`.",
    no_args_is_help=False,
    invoke_without_command=True,
)
app.add_typer(history_app, name="history")


def _row(run: dict[str, Any]) -> list[str]:
    checks = run.get("checks") or {}
    usage = run.get("usage") or {}
    return [
        str(run.get("id", "?")),
        str(run.get("time", ""))[:19].replace("T", " "),
        str(run.get("case_id") or run.get("case_file") or "-"),
        str(run.get("engine", "-")) + (" (fallback)" if run.get("fallback") else ""),
        str(run.get("model") or "-"),
        "damaged" if run.get("damaged") else ("yes" if run.get("ready") else "no"),
        str(checks.get("errors", "-")),
        str(checks.get("warnings", "-")),
        str(run.get("requests", "-")),
        str(usage.get("total_tokens", "-")),
    ]


@history_app.callback()
@_guard
def history(
    ctx: typer.Context,
    json_: bool = typer.Option(False, "--json", help="Print the runs as JSON."),
    n: int = typer.Option(20, "-n", help="How many runs to list."),
) -> None:
    """List the newest drafting runs: engine, model, readiness, check counts, requests and tokens.

    Example: appealagent history -n 5
    """
    if ctx.invoked_subcommand is not None:
        return
    from rich.console import Console
    from rich.table import Table

    from appealagent.runlog import list_runs, runs_dir
    from appealagent.settings import mask_url_credentials

    runs = list_runs(n)
    if json_:
        typer.echo(mask_url_credentials(json.dumps(runs, indent=2, ensure_ascii=False)))
        return
    if not runs:
        typer.echo(f"no runs yet (they are saved in {runs_dir()})")
        return
    table = Table()
    for col in ("id", "time (UTC)", "case", "engine", "model", "ready", "errors", "warnings", "requests", "tokens"):
        table.add_column(col)
    for run in runs:
        table.add_row(*(mask_url_credentials(c) for c in _row(run)))
    Console(width=200).print(table)


@history_app.command("show")
def show(
    run_id: str = typer.Argument(..., help="A run id from `appealagent history` (a unique prefix is enough)."),
    json_: bool = typer.Option(False, "--json", help="Print the whole run record as JSON."),
) -> None:
    """Show one run: how it was drafted, what the checks said, and the letter.

    Example: appealagent history show 20261120T1015
    """
    from appealagent.runlog import load_run
    from appealagent.settings import mask_url_credentials

    run = json.loads(mask_url_credentials(json.dumps(load_run(run_id), ensure_ascii=False)))
    if json_:
        typer.echo(json.dumps(run, indent=2, ensure_ascii=False))
        return
    prompt = run.get("prompt") or {}
    lines = [
        f"id: {run.get('id')}",
        f"time: {run.get('time')}",
        f"case: {run.get('case_id') or '-'} ({run.get('case_file') or '-'}), sha256 {str(run.get('case_sha256', ''))[:12]}",
        f"engine: {run.get('engine')}" + (" (fallback from llm)" if run.get("fallback") else ""),
    ]
    if run.get("model"):
        lines.append(f"model: {run.get('model')} at {run.get('base_url_host')}")
    if prompt:
        lines.append(f"prompt: {prompt.get('id')} v{prompt.get('version')} sha256 {str(prompt.get('sha256', ''))[:12]}")
    if run.get("retrieved") is not None:
        lines.append(f"example letters: {', '.join(run['retrieved']) or '-'}")
    if run.get("requests") is not None:
        usage = run.get("usage") or {}
        lines.append(f"requests: {run['requests']}; tokens: {usage.get('prompt_tokens', 0)} in, {usage.get('completion_tokens', 0)} out")
    checks = run.get("checks")
    if checks:
        lines.append(f"checks: {checks.get('errors')} error(s), {checks.get('warnings')} warning(s)")
        lines.extend(f"  {f['severity']} {f['rule_id']}: {f['message']}" for f in checks.get("findings", []))
    if run.get("error"):
        lines.append(f"error: {run['error']}")
    if run.get("raw_reply_file"):
        lines.append(f"model's last reply: {run['raw_reply_file']}")
    lines.append(f"ready: {'yes' if run.get('ready') else 'no'}")
    typer.echo("\n".join(lines))
    if run.get("letter"):
        typer.echo("\n" + run["letter"].rstrip())
    if run.get("explanation"):
        typer.echo("\n" + run["explanation"].rstrip())


@history_app.command("case")
def case_timeline(
    case_file: Path = typer.Argument(..., metavar="CASE.json", help="A case whose letters and replies `appealagent revise` recorded."),
    json_: bool = typer.Option(False, "--json", help="Print the whole history (letters, replies, outcomes) as JSON."),
) -> None:
    """Show a case's timeline: each letter sent (date, engine, case hash) and each reply from Amazon (outcome, asks).

    Example: appealagent history case case.json
    """
    from appealagent.history import history_path, load_history, timeline

    if not case_file.exists():
        from appealagent.errors import InputError

        raise InputError(f"{case_file}: no such case file")
    hist = load_history(case_file)
    if json_:
        data = json.loads(hist.model_dump_json())
        data["path"] = str(history_path(case_file))
        data["timeline"] = timeline(hist)
        data["outcome"] = hist.outcome()
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    rows = timeline(hist)
    if not rows:
        typer.echo(f"no letters or replies recorded for {case_file} yet (they are kept in {history_path(case_file)})")
        return
    for row in rows:
        if row["type"] == "letter":
            sha = str(row.get("case_sha256") or "")[:12] or "-"
            typer.echo(f"{row['n']:>2}. {row['date']}  letter sent   engine {row.get('engine') or 'own'}, {row['words']} words, case {sha} ({row['source']})")
        elif row["type"] == "reply":
            asks = ", ".join(row.get("asks") or []) if isinstance(row.get("asks"), list) else ""  # type: ignore[arg-type]
            typer.echo(f"{row['n']:>2}. {row['date'] or '-'}  reply         {row.get('outcome')}" + (f" — asks: {asks}" if asks else ""))
        else:
            typer.echo(f"{row['n']:>2}. {row['date']}  outcome       {row.get('outcome')}" + (f" — {row['summary']}" if row.get("summary") else ""))
    typer.echo(f"now: {hist.outcome() or 'waiting for Amazon'}")
