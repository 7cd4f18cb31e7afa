"""Command-line entry point: `appealagent …`. Each command lives in its own module.

Only typer and the standard library are imported at the top of the command modules:
a command imports the pipeline, the checks or pydantic models inside its function
(the CLI edge), so `--help` and option parsing stay cheap.
"""

from __future__ import annotations

from appealagent.cli.app import app

# Each import registers its commands on `app`, in the order `--help` lists them:
# the seller's path first (interview → intake → draft → check), then the corpus, evals and settings.
# isort: off
from appealagent.cli import interview_cmd, intake_cmd, draft_cmd, check_cmd  # noqa: F401
from appealagent.cli import revise_cmd  # noqa: F401
from appealagent.cli import corpus_cmd, eval_cmd, history_cmd, config_cmd, schema_cmd  # noqa: F401
# isort: on


def main() -> None:
    """Run the command line (the `appealagent` script and `python -m appealagent`)."""
    app()


__all__ = ["app", "main"]
