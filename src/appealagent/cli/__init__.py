"""Command-line entry point: `appealagent …`. Each command lives in its own module."""

from __future__ import annotations

# Each import registers its commands on `app`, in the order `--help` lists them:
# the seller's path first (interview → intake → draft → check), then the corpus, evals and settings.
from appealagent.cli import check_cmd, config_cmd, corpus_cmd, draft_cmd, eval_cmd, history_cmd, intake_cmd, interview_cmd, schema_cmd  # noqa: F401  # noqa: E402,F401
from appealagent.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
