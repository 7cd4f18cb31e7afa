"""`appealagent config show|path`: what the LLM engine will use, with secrets masked."""

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
