"""`appealagent schema`: the Case model's JSON Schema, for people writing case files by hand or by script."""

from __future__ import annotations

import json

import typer

from appealagent.cli.app import app


@app.command()
def schema() -> None:
    """Print the JSON Schema of a case file (the Case model)."""
    from appealagent.model.case import Case

    typer.echo(json.dumps(Case.model_json_schema(), indent=2, ensure_ascii=False))
