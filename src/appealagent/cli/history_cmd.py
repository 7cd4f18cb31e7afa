"""`appealagent history [show ID]`: past drafting runs saved in the data folder.

Everything printed passes through `mask_url_credentials`: a record written by an
older version may still hold a base URL with a password in an error message.
"""

from __future__ import annotations

import json
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
