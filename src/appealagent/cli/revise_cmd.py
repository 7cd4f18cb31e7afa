"""`appealagent revise CASE.json --reply REPLY.txt`: after Amazon answers an appeal, record the reply and write the next letter (or say why not)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from appealagent.cli.app import app, err

if TYPE_CHECKING:  # imported when the command runs, so `--help` stays fast
    from appealagent.history import CaseHistory
    from appealagent.intake.reply import ReplyReading
    from appealagent.model.case import Case

_HELP = """Read Amazon's reply to an appeal, keep it in the case's history (CASE.history.json, beside the case), and act on it.

more information → a short interview only for what the reply asks (or --answers), the revised case (CASE.rev2.json…), the next letter with either engine, and a change report against the last letter sent. A letter that repeats the last one where Amazon asked for change is refused, and so is a letter already sent.

denied → no letter; what the reply itself says still applies (windows, funds, inventory).

reinstated → the outcome is recorded; --add-to-corpus adds the letter that worked to your corpus after the checks.

The letter Amazon answered is the last one in the history; for the first revise give it with --last-letter (otherwise the newest run log of this exact case is used).

When the rules are unsure how to read the reply (two outcomes close, or no part of the plan named), a configured LLM is asked for a second opinion from the same closed lists; its quotes are checked against the reply and what it changed is shown as its suggestion. --no-llm sends nothing to an LLM (and --engine auto drafts offline); --dry-run prints exactly what would be sent and stops.

Ctrl-C during the questions keeps every answer (CASE.json.revise.progress); continue with the same command and --resume.

Examples:

  appealagent revise case.json --reply reply.txt --last-letter sent.txt -o letter2.txt

  appealagent revise case.json --reply reply.txt --answers revise.yaml --engine llm --json

  appealagent revise case.json --reply reply.txt -o letter2.txt --resume   (after Ctrl-C)

Exit codes: 0 done (a letter written, or a denial/reinstatement recorded; --dry-run printed); 1 the new letter was refused (unchanged where Amazon asked for change, or already sent) or is not ready; 2 bad input (no such file, not a reply, no last letter, refusing to overwrite, saved answers that do not fit); 3 the engine failed; 130 interrupted (answers kept for --resume)."""


def _lang(lang: str | None) -> str:
    if lang:
        if lang not in ("en", "zh"):
            from appealagent.errors import InputError

            raise InputError(f"--lang: {lang!r} is not en or zh")
        return lang
    from appealagent.cli.interview_terminal import _default_lang

    return _default_lang()


@app.command(help=_HELP)
def revise(
    case_file: Path = typer.Argument(..., metavar="CASE.json", help="The case the last letter was drafted from."),
    reply: str = typer.Option(..., "--reply", metavar="REPLY.txt", help="Amazon's reply as received (forwarded, quoted or reposted is fine); - for stdin."),
    last_letter: Path | None = typer.Option(None, "--last-letter", metavar="LETTER", help="The letter Amazon answered (.txt/.md/.docx), when the history does not have it yet."),
    answers: Path | None = typer.Option(None, "--answers", metavar="ANSWERS.yaml", help="Answer the revise questions from a file (question key → answer) instead of a terminal."),
    engine: str = typer.Option("auto", "--engine", help="offline, llm or auto (llm when configured)."),
    output: Path | None = typer.Option(None, "-o", "--output", metavar="LETTER.txt", help="Write the next letter here (default: print it)."),
    case_out: Path | None = typer.Option(None, "--case-out", metavar="CASE.json", help="Where the revised case goes (default: CASE.rev2.json, rev3…, beside the case)."),
    add_to_corpus: bool = typer.Option(False, "--add-to-corpus", help="After a reinstatement: add the letter that worked to your corpus (after the checks)."),
    lang: str | None = typer.Option(None, "--lang", help="Language of the questions and messages: en or zh (default: from the locale)."),
    force: bool = typer.Option(False, "--force", help="Overwrite -o and the revised case file if they exist; start over instead of resuming saved answers."),
    resume: bool = typer.Option(False, "--resume", help="Continue the questions an interrupted revise of this case and reply saved (CASE.json.revise.progress)."),
    llm: bool | None = typer.Option(
        None,
        "--llm/--no-llm",
        help="Ask the configured LLM for a second opinion when the rules are unsure how to read the reply (default: only if an LLM is configured). "
        "--no-llm sends nothing to an LLM: the rules' reading stands and --engine auto drafts offline.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the messages the LLM would be sent about an unsure reply (redacted), send nothing, record nothing."),
    json_out: bool = typer.Option(False, "--json", help="Print the reply, the history path, the change report and the letter as JSON."),
) -> None:
    from appealagent.files import load_model, read_text
    from appealagent.history import load_history, save_history
    from appealagent.model.case import Case
    from appealagent.revise.run import find_last_letter, read_reply_text, record_reply

    language = _lang(lang)
    engine = _engine(engine, llm)
    case = load_model(Case, case_file, what="case file")
    history = load_history(case_file)
    text = read_text(reply, what="reply")
    source = "<stdin>" if reply == "-" else reply
    reading = reply_reading(text, llm=llm, dry_run=dry_run, reading=read_reply_text(text, source))
    if dry_run:  # reply_reading printed and exited when the model would be asked
        why = "--no-llm: nothing is sent to an LLM" if llm is False else "the rules are sure how to read this reply: no LLM would be asked"
        typer.echo(json.dumps({"would_send_to": None, "model": None, "messages": [], "reason": why}, indent=2))
        return
    _say_reading(reading, language, json_out)
    given = None
    if last_letter is not None:
        from appealagent.letters.readers import read_letter

        given = (read_letter(last_letter), str(last_letter))
    last = find_last_letter(history, case, given)
    record_reply(history, text, reading, source)
    path = save_history(case_file, history)
    result: dict[str, object] = {"outcome": reading.outcome, "reply": reading.to_json(), "history": str(path)}
    if reading.outcome == "more_information":
        if last is None:
            from appealagent.errors import InputError

            raise InputError(f"{case_file}: no letter recorded for this case; give the letter Amazon answered with --last-letter")
        _more_information(case, case_file, history, reading, result, language=language, answers=answers, engine=engine,
                          output=output, case_out=case_out, force=force, json_out=json_out, reply_text=text, resume=resume)
    elif reading.outcome == "denied":
        _denied(reading, result, language, json_out)
    else:
        _reinstated(case, case_file, history, reading, result, language, reply, add_to_corpus, json_out)


def _engine(engine: str, llm: bool | None) -> str:
    """--no-llm means nothing goes to an LLM: auto drafts offline, and llm contradicts it."""
    if llm is not False:
        return engine
    if engine == "llm":
        from appealagent.errors import InputError

        raise InputError("--engine llm and --no-llm contradict each other; choose one")
    return "offline" if engine == "auto" else engine


def reply_reading(text: str, *, llm: bool | None, dry_run: bool, reading: ReplyReading | None = None) -> ReplyReading:
    """The rules' reading of a reply and, only when they are unsure and an LLM may be asked, its checked second opinion.

    `intake` and `revise` both read replies through here. --dry-run prints the exact messages
    (after redaction) and exits 0 when the model would be asked."""
    from appealagent.intake.reply import read_reply
    from appealagent.intake.reply_assist import needs_reply_assist

    reading = reading if reading is not None else read_reply(text)
    if llm is False or not needs_reply_assist(reading):
        return reading
    from appealagent.settings import load_settings

    settings = load_settings()
    if dry_run:
        from appealagent.intake.reply_assist import build_messages

        typer.echo(json.dumps({"would_send_to": settings.host, "model": settings.model, "messages": build_messages(text, reading, settings.redact)},
                              indent=2, ensure_ascii=False))
        raise typer.Exit(0)
    if not settings.llm_configured:
        if llm:
            err("--llm: no LLM is configured (set OPENAI_API_KEY or OPENAI_BASE_URL); the rules' reading of the reply stands")
        return reading
    from appealagent.errors import EngineError
    from appealagent.intake.reply_assist import second_opinion

    try:
        return second_opinion(text, reading, settings)
    except EngineError as exc:
        err(f"warning: the LLM could not help read this reply ({exc}); the rules' reading stands")
        return reading


def _say_reading(reading: ReplyReading, language: str, json_out: bool) -> None:
    """An unsure reading, and the model's suggestion when one was asked for, before anything acts on it."""
    from appealagent.intake.reply_assist import describe
    from appealagent.revise.questions import message

    say = err if json_out else typer.echo
    if reading.unsure or reading.llm_suggestion is not None:
        say(message("unsure", language, outcome=reading.outcome, asks=", ".join(reading.asks) or "-"))
    for line in describe(reading):
        say(line)


def _more_information(case: Case, case_file: Path, history: CaseHistory, reading: ReplyReading, result: dict[str, object], *, language: str,
                      answers: Path | None, engine: str, output: Path | None, case_out: Path | None, force: bool, json_out: bool,
                      reply_text: str, resume: bool) -> None:
    from appealagent.errors import EXIT_NOT_READY, OutputExistsError
    from appealagent.files import atomic_write
    from appealagent.history import save_history
    from appealagent.revise.progress import discard_progress, refuse_stale
    from appealagent.revise.questions import message
    from appealagent.revise.run import draft_revision, letter_entry, revised_case_path

    out_case = case_out or revised_case_path(case_file, history)
    for target in (output, out_case):
        if target is not None and target.exists() and not force:
            raise OutputExistsError(f"{target}: already exists; use --force to overwrite it")
    if not resume:
        refuse_stale(case_file, force)
    say = err if json_out else typer.echo
    say(message("more_information", language, asks=", ".join(reading.asks) or "-"))
    revised = _interview(case, case_file, reading, reply_text, language, answers, json_out, resume=resume)
    revision = draft_revision(revised, history, reading.asks, engine=engine, case_file=str(out_case))
    discard_progress(case_file)  # the answers are in the revised case (or were refused with the letter)
    result["changes"] = revision.changes.to_json()
    result["engine"] = revision.outcome.engine
    if revision.refusals:
        result.update(written=False, refusals=revision.refusals, letter=None)
        if json_out:
            typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            typer.echo(_change_text(revision.changes.to_json()))
        err(message("refused", language) + " " + "; ".join(revision.refusals) + ". " + message("refused_fix", language))
        raise typer.Exit(EXIT_NOT_READY)
    atomic_write(out_case, revised.model_dump_json(indent=2, exclude_none=True) + "\n", force=force)
    letter = revision.outcome.letter
    if output is not None:
        atomic_write(output, letter if letter.endswith("\n") else letter + "\n", force=force)
    history.entries.append(letter_entry(letter, source="revise", engine=revision.outcome.engine, case=revised, file=str(output) if output else None))
    save_history(case_file, history)
    checks = revision.outcome.checks
    result.update(written=True, refusals=[], letter=letter, letter_file=str(output) if output else None, case_file=str(out_case),
                  ready=revision.outcome.ready, warnings=revision.outcome.warnings,
                  checks={"errors": checks.errors, "warnings": checks.warnings} if checks else None)
    if json_out:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        if output is None:
            typer.echo(letter.rstrip())
            typer.echo("")
        typer.echo(_change_text(revision.changes.to_json()))
        from appealagent.cli.draft_cmd import _summary

        for line in _summary(revision.outcome, out_case):
            err(line)
        err(f"revised case: {out_case}; history: {result['history']}")
    if not revision.outcome.ready:
        raise typer.Exit(EXIT_NOT_READY)


def _interview(case: Case, case_file: Path, reading: ReplyReading, reply_text: str, language: str, answers: Path | None, json_out: bool, *,
               resume: bool) -> Case:
    """The revise questions through the interview flow: from --answers, else a terminal; every answer saved for --resume."""
    from appealagent.cli.interview_terminal import TerminalAsker, _EchoAsker, _load_answers
    from appealagent.errors import EXIT_INTERRUPTED, InputError
    from appealagent.interview.askers import AnswersFileAsker
    from appealagent.interview.progress import Progress, as_lang, new_progress
    from appealagent.revise.interview import ReviseInterview
    from appealagent.revise.progress import load_progress, revise_progress_path, save_progress
    from appealagent.revise.questions import message

    if resume:
        progress = load_progress(case_file, reply_text, "the --reply given")
        progress.lang = as_lang(language)
    else:
        progress = new_progress(language, case)
    from rich.console import Console

    console = Console(stderr=json_out, highlight=False)
    asker: TerminalAsker | _EchoAsker
    if answers is not None:
        answer_map = _load_answers(answers)
        asker = _EchoAsker(AnswersFileAsker(answer_map, str(answers)), console)
    elif sys.stdin.isatty():
        answer_map = None
        asker = TerminalAsker(console)
    else:
        raise InputError("--answers: the revise questions need a terminal or an answers file (question key → answer)")
    saved = resume  # resumed answers are on disk already

    def save(_case: Case, p: Progress) -> None:
        nonlocal saved
        save_progress(case_file, reply_text, p)
        saved = True

    iv = ReviseInterview(asker, progress, reading.to_json(), save=save)
    if resume:
        iv.asker.say(message("resumed", language, count=len(progress.answers)))
    iv.intro()
    try:
        iv.run()
    except (KeyboardInterrupt, EOFError):
        try:
            if saved and progress.answers:
                err(message("interrupted", language, count=len(progress.answers), path=revise_progress_path(case_file)))
            else:
                err(message("interrupted_nothing", language))
        except Exception:  # the terminal may be gone
            pass
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if answer_map is not None:
        unused = sorted(set(answer_map) - set(progress.answers))
        if unused:
            err(f"warning: {answers}: answers for questions this reply did not ask (check the ids): {', '.join(unused)}")
    for w in iv.warnings:
        err(f"warning: {w}")
    return iv.case()


def _denied(reading: ReplyReading, result: dict[str, object], language: str, json_out: bool) -> None:
    from appealagent.revise.questions import message

    result.update(letter=None, still_applies=reading.still_applies, windows=reading.windows)
    if json_out:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    typer.echo(message("denied", language))
    if reading.still_applies:
        typer.echo(message("still_applies", language))
        for line in reading.still_applies:
            typer.echo(f"  “{line}”")
    else:
        typer.echo(message("nothing_stated", language))
    typer.echo(f"history: {result['history']}")


def _reinstated(case: Case, case_file: Path, history: CaseHistory, reading: ReplyReading, result: dict[str, object], language: str,
                reply: str, add_to_corpus: bool, json_out: bool) -> None:
    from appealagent.revise.questions import message

    result.update(letter=None, keep_doing=reading.keep_doing, corpus_letter=None)
    if add_to_corpus:
        result["corpus_letter"] = _add_to_corpus(case, case_file, history)
    if json_out:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    typer.echo(message("reinstated", language))
    typer.echo(message("keep_doing", language))
    for line in reading.keep_doing:
        typer.echo(f"  “{line}”")
    typer.echo(f"  {message('keep_default', language)}")
    if result["corpus_letter"]:
        typer.echo(f"corpus: added {result['corpus_letter']}")
    elif history.last_letter() is not None:
        typer.echo(message("corpus_offer", language, case=case_file, reply=reply))
    typer.echo(f"history: {result['history']}")


def _add_to_corpus(case: Case, case_file: Path, history: CaseHistory) -> str:
    """The letter that worked, checked first, added to the user's corpus; returns its corpus id."""
    import tempfile

    from appealagent.corpus.user import add_letter, slug
    from appealagent.engines.readiness import run_checks
    from appealagent.errors import InputError

    last = history.last_letter()
    if last is None:
        raise InputError(f"{case_file}: no letter recorded for this case; nothing to add to the corpus")
    report = run_checks(last.text, case)
    if report.errors:
        first = next(f for f in report.findings if f.severity == "error")
        raise InputError(f"{case_file}: the letter that worked fails a check ({first.rule_id}: {first.message}); not added to the corpus")
    if case.violation_type is None:
        raise InputError(f"{case_file}: violation_type: missing; the corpus files letters by violation type")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{slug(case_file.stem)}-reinstated.txt"
        path.write_text(last.text, encoding="utf-8")
        letter = add_letter(path, violation_type=case.violation_type.value, outcome="reinstated", kind=case.letter_kind.value,
                            marketplace=case.marketplace.value if case.marketplace else None)
    return letter.id


def _change_text(changes: dict[str, object]) -> str:
    """The change report for people: one block per part."""
    lines = [f"Changes since the letter sent {changes.get('against') or '-'} (whole letter {float(str(changes.get('similarity'))):.0%} the same):"]
    parts = changes.get("parts")
    for pc in parts if isinstance(parts, list) else []:
        flag = " (Amazon asked for this)" if pc["asked"] else ""
        lines.append(f"  {pc['part'].replace('_', ' ')}: {pc['status']}{flag}")
        lines.extend(f"    + {s}" for s in pc["added"][:6])
        lines.extend(f"    - {s}" for s in pc["removed"][:6])
    return "\n".join(lines)


def show_reply(reading: ReplyReading, intake_json: dict[str, object] | None, source: str) -> None:
    """`appealagent intake` on Amazon's reply to an appeal: its reading (and any second opinion), and the command that acts on it."""
    from appealagent.intake.reply_assist import describe

    if intake_json is not None:
        data = dict(intake_json)
        data["reply"] = reading.to_json()
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    lines = [f"Amazon's reply to an appeal: {reading.outcome} (confidence {reading.confidence:.2f}{', unsure' if reading.unsure else ''})"]
    if reading.asks:
        lines.append(f"  asks for:        {', '.join(reading.asks)}")
    for doc in reading.documents:
        lines.append(f"  document:        {doc.label} — “{doc.as_worded}”")
    if reading.send_to:
        lines.append(f"  send them to:    {reading.send_to}")
    if reading.metric:
        lines.append(f"  metric:          {reading.metric}")
    if reading.question:
        lines.append(f"  its question:    {reading.question}")
    lines.extend(f"  consider:        {c}" for c in reading.consider)
    lines.extend(f"  window:          {w}" for w in reading.windows)
    lines.extend(f"  still applies:   {s}" for s in reading.still_applies)
    lines.extend(describe(reading))
    if reading.unsure and reading.llm_suggestion is None:
        lines.append("The rules are not sure of this reading: check the outcome and the asks against the reply (a configured LLM can give a second opinion).")
    lines.append("")
    lines.append(f"Next: appealagent revise CASE.json --reply {source}")
    typer.echo("\n".join(lines))
