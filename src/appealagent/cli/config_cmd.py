"""`appealagent config show|path|test`: what the LLM engine will use (secrets masked), and whether the server works."""

from __future__ import annotations

import typer

from appealagent.cli.app import AppTyper, app

config_app = AppTyper(help="Show the LLM settings (flag > environment > config.toml > default) and where config.toml lives.")
app.add_typer(config_app, name="config")


@config_app.command("show")
def show(json_: bool = typer.Option(False, "--json", help="Print the settings as JSON.")) -> None:
    """Show every setting as the draft command would use it; API keys show only as *** when set.

    Example: OPENAI_BASE_URL=http://localhost:11434/v1 appealagent config show
    """
    from appealagent.pipeline import choose_engine
    from appealagent.settings import config_file, load_settings, settings_json

    settings = load_settings()
    if json_:
        typer.echo(settings_json(settings))
        return
    for name, value in settings.public_dict().items():
        typer.echo(f"{name} = {'(not set)' if value is None else value}")
    typer.echo(f"# config file: {config_file()}{'' if config_file().exists() else ' (not created)'}")
    typer.echo(f"# --engine auto would use: {choose_engine('auto', settings.llm_configured)}"
               + ("" if settings.llm_configured else " (set OPENAI_API_KEY, or a base URL for a local server)"))


@config_app.command("path")
def path() -> None:
    """Print the path of config.toml (keys are the setting names shown by `config show`).

    Example: $EDITOR "$(appealagent config path)"
    """
    from appealagent.settings import config_file

    typer.echo(str(config_file()))


@config_app.command("test")
def test(
    provider: str | None = typer.Option(None, "--provider", help="Probe this preset instead of the configured server."),
    base_url: str | None = typer.Option(None, "--base-url", help="Probe this OpenAI-compatible server."),
    model: str | None = typer.Option(None, "-m", "--model", help="Model name to probe with."),
    timeout: float | None = typer.Option(None, "--timeout", help="Deadline in seconds for each probe request (default: the timeout setting)."),
    json_: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Probe the configured server: reachable, models listed, a tiny structured request in each output mode, latency.

    Prints one table of what works and which --mode drafting should use. Exit 0 when at
    least one mode works, 3 when none does (the server is down or cannot return JSON).

    Example: appealagent config test --provider ollama
    """
    import asyncio
    import json

    from rich.console import Console
    from rich.table import Table

    from appealagent.errors import EXIT_ENGINE
    from appealagent.llm.probe import probe
    from appealagent.settings import load_settings

    settings = load_settings(provider=provider, base_url=base_url, model=model, timeout=timeout)
    report = asyncio.run(probe(settings))
    if json_:
        typer.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        table = Table(title=f"{report.server} (model {report.model})")
        for col in ("check", "works", "seconds", "detail"):
            table.add_column(col, overflow="fold")
        for c in report.checks:
            table.add_row(c.name, "yes" if c.ok else "no", "-" if c.seconds is None else f"{c.seconds:.2f}", c.detail)
        Console(width=120).print(table)
        if report.use_mode is None:
            typer.echo("no output mode works: drafting with this server will fail (use --engine offline, or check the server)")
        elif report.use_mode == report.configured_mode:
            typer.echo(f"drafting will use --mode {report.use_mode} (configured, works)")
        else:
            typer.echo(f"the configured --mode {report.configured_mode} does not work here; use --mode {report.use_mode} (or output_mode = \"{report.use_mode}\" in config.toml)")
    if report.use_mode is None:
        raise typer.Exit(EXIT_ENGINE)
