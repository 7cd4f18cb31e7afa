"""`appealagent interview`: from a pasted Amazon e-mail to a complete, specific case file.

The terminal side only: reading the notice, the rich prompts, saving after every
answer, Ctrl-C/hang-up handling and the closing draft. The flow itself lives in
`appealagent.interview.flow` and the questions in data/questions/*.yaml.
"""

from __future__ import annotations

from pathlib import Path

import typer

from appealagent.cli.app import app

_HELP = """Interview the seller, question by question, and save a complete case file for `appealagent draft`.

It starts from Amazon's notice (pasted, or --notice FILE): what the notice says is filled in and you only confirm or correct it. Then it asks, for your violation type, what happened, the root causes (a checklist of the usual causes plus your own, each with what exactly went wrong), what you have ALREADY done (date, who, specifics), what now prevents it (owner and frequency), and which documents you hold — and says plainly what evidence is missing. Every answer is checked as you type it (ASINs, order IDs, dates not in the future, percentages, e-mail) and asked again with the reason. You can answer in Chinese (--lang zh); the interview offers to add an English version of each free-text answer.

Nothing is lost: the case file is saved after every answer (with a CASE.json.progress file next to it). Ctrl-C, a closed terminal or end of input stop the interview; --resume CASE.json continues from the next unanswered question. At the end a review screen lets you change any answer by number, then it offers to draft and check the letter.

For scripts: --answers FILE (YAML or JSON, question id → answer; each question shows its id during an interview and listed in the .progress file) answers without a terminal and fails with exit 2 naming the first question it has no answer for.

Examples:

  appealagent interview --lang zh --notice notice.txt -o case.json

  appealagent interview --resume case.json

  appealagent interview --notice notice.txt --answers answers.yaml -o case.json

Exit codes: 0 case saved; 2 bad input (no terminal and no --answers, a missing or invalid answer in --answers, refusing to overwrite an existing case); 130 interrupted (answers kept)."""


@app.command(help=_HELP)
def interview(
    notice: str | None = typer.Option(None, "--notice", metavar="FILE", help="Amazon's notification as a text file (- = standard input, with --answers). Without it you are asked to paste it."),
    resume: Path | None = typer.Option(None, "--resume", metavar="CASE.json", help="Continue a saved interview (or complete any case file: questions it already answers are skipped)."),
    lang: str | None = typer.Option(None, "--lang", help="Interview language: zh or en (default: your locale, or the resumed interview's)."),
    output: Path | None = typer.Option(None, "-o", "--output", metavar="CASE.json", help="Where the case is saved after every answer (default: case.json here, or the --resume file)."),
    answers: Path | None = typer.Option(None, "--answers", metavar="FILE", help="Answer from a YAML/JSON file (question id → answer) instead of a terminal."),
    force: bool = typer.Option(False, "--force", help="Start over even if the output case file exists (it is replaced)."),
    list_questions: str | None = typer.Option(
        None, "--list-questions", metavar="TYPE",
        help="Print every question id an --answers file may use for this violation type (e.g. late_shipment_rate), and exit.",
    ),
) -> None:
    from appealagent.cli.interview_terminal import start_interview  # the CLI edge: --help must not import the interview

    start_interview(notice=notice, resume=resume, lang=lang, output=output, answers=answers, force=force, list_questions=list_questions)
