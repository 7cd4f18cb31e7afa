"""Command-line entry point: `appealagent …`. Each command lives in its own module."""

from __future__ import annotations

from appealagent.cli.app import app

# Each import registers its commands on `app`, in the order `--help` lists them:
# the seller's path first (interview → intake → draft → check), then the corpus, evals and settings.
from appealagent.cli import interview_cmd, intake_cmd, draft_cmd, check_cmd  # noqa: E402,F401,I001
from appealagent.cli import corpus_cmd, eval_cmd, history_cmd, config_cmd, schema_cmd  # noqa: E402,F401


def main() -> None:
    app()


__all__ = ["app", "main"]
