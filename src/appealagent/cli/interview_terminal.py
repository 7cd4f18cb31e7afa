"""The interview's terminal side: the rich prompts, saving after every answer, Ctrl-C/hang-up handling, the closing draft.

`cli/interview_cmd.py` parses the options and calls `start_interview`; this module is imported only
when an interview really runs, so `appealagent --help` does not pay for the interview's modules.
The flow itself lives in `appealagent.interview.flow` and the questions in data/questions/*.yaml.
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import typer

from appealagent.cli.app import err
from appealagent.cli.draft_cmd import _summary, english_notes
from appealagent.errors import EXIT_INTERRUPTED, AppealAgentError, InputError, OutputExistsError
from appealagent.files import load_model, load_user_yaml, read_text
from appealagent.intake.warnings import notice_warnings
from appealagent.interview import progress as progress_file
from appealagent.interview.answer_types import parse_yes_no
from appealagent.interview.askers import AnswerFileValue, AnswersFileAsker, Asker, Prompt, Translator
from appealagent.interview.flow import Interview
from appealagent.interview.plan import answer_keys, load_common, suggestions
from appealagent.interview.progress import Progress, new_progress
from appealagent.interview.wording import error_text, ui
from appealagent.model.case import Case, ViolationType, has_cjk

if TYPE_CHECKING:
    from rich.console import Console

    from appealagent.intake.model import IntakeResult

EXIT_HANGUP = 129



@dataclass
class _State:
    """What the Ctrl-C handler needs to know: the interview language and whether anything was saved yet."""

    lang: str
    saved: bool = False


class _Hangup(KeyboardInterrupt):
    """The terminal went away (SIGHUP): stop like Ctrl-C; every answer is already saved."""


def _on_hangup(signum: int, frame: FrameType | None) -> None:
    raise _Hangup()


class TerminalAsker:
    """Questions on a rich console, answers with input(): works in real terminals and pseudo-terminals."""

    interactive = True

    def __init__(self, console: Console) -> None:
        self.console = console

    def say(self, text: object) -> None:
        from rich.text import Text

        self.console.print(Text(text) if isinstance(text, str) else text)

    def ask(self, question: Prompt, default: str | None) -> str:
        from rich.text import Text

        c = self.console
        c.print()
        c.print(Text(f"[{question.key}]", style="cyan"))
        c.print(Text(question.text, style="bold"))
        for i, label in enumerate(question.options, start=1):
            c.print(Text(f"  {i:>2}. {label}"))
        if question.help:
            c.print(Text(question.help, style="dim"))
        if question.hint:
            c.print(Text(f"({question.hint})", style="dim"))
        if question.multiline:
            lines: list[str] = []
            while True:
                line = c.input(Text("  + " if lines else "> "))
                if not line.strip():
                    return "\n".join(lines)
                lines.append(line)
        return c.input(Text("> "))

    def read_block(self, intro: str) -> str:
        """Pasted text until a line with only '.' or end of input (Ctrl-D)."""
        self.say(intro)
        lines: list[str] = []
        while True:
            line = sys.stdin.readline()
            if not line or line.strip() == ".":
                break
            lines.append(line.rstrip("\n"))
        return "\n".join(lines)


class _EchoAsker:
    """Wraps the answers-file asker so its notes still reach the user (stdout)."""

    def __init__(self, inner: AnswersFileAsker, console: Console) -> None:
        self.inner = inner
        self.console = console
        self.interactive = False
        self.source = inner.source

    def ask(self, question: Prompt, default: str | None) -> str:
        return self.inner.ask(question, default)

    def say(self, text: object) -> None:
        from rich.text import Text

        self.console.print(Text(text) if isinstance(text, str) else text)


def _default_lang() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _print_question_keys(violation_type: str, lang: str) -> None:
    if violation_type not in {t.value for t in ViolationType}:
        raise InputError(f"--list-questions: {violation_type!r} is not a violation type (see `appealagent schema`)")
    for row in answer_keys(violation_type, lang):
        flags = "" if row["required"] else " (optional)"
        when = f"  [asked when {row['asked_when']}]" if row["asked_when"] else ""
        typer.echo(f"{row['key']}  <{row['type']}>{flags}{when}")
        typer.echo(f"    {row['text'].splitlines()[0]}")
        if row["options"]:
            typer.echo(f"    options: {', '.join(map(str, row['options']))}")


def _load_answers(path: Path) -> dict[str, AnswerFileValue]:
    data = load_user_yaml(path, what="answers file")
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of question id → answer, e.g. `store_name: Harbourlight Home`")
    return {str(k): v for k, v in data.items()}


def _short(value: object) -> str:
    if isinstance(value, dict) and "name" in value and "value" in value:
        return f"{value['name']} {value['value']:g}" if isinstance(value["value"], (int, float)) else str(value["name"])
    if isinstance(value, dict):
        return str(value.get("name") or value.get("label") or ", ".join(f"{k}={v}" for k, v in value.items() if not isinstance(v, (dict, list))))
    if isinstance(value, list):
        return ", ".join(_short(v) for v in value)
    return str(value)


def _notice_summary(result: IntakeResult, lang: str) -> list[str]:
    labels = load_common().labels.get("notice_field", {})
    common = load_common().labels

    def show(key: str, value: object) -> str:
        if isinstance(value, bool):
            return ui("word_yes" if value else "word_no", lang)
        table = common.get(key, {})
        if isinstance(value, str) and value in table:
            return table[value].get(lang)
        return _short(value)

    found: dict[str, object] = dict(result.found)
    shown = [f"{label.get(lang)}: {show(key, found[key])}" for key, label in labels.items() if found.get(key) not in (None, [], "")]
    lines = notice_warnings(result, lang)
    if not getattr(result, "classified", True) and getattr(result, "message", None):
        lines.append(f"! {result.message}")
    if shown:
        lines.append(ui("answered_by_notice", lang, found="; ".join(shown)))
    if result.not_found:
        missing = load_common().labels.get("notice_missing", {})
        fields = [missing[f].get(lang) if f in missing else f for f in result.not_found]
        lines.append(ui("notice_not_found", lang, fields=("、" if lang == "zh" else ", ").join(fields)))
    if result.masked:
        lines.append(ui("notice_masked", lang, masked=", ".join(result.masked)))
    lines.extend(f"  ! {r}" for r in result.rejected)
    return lines


def _read_notice(notice: str | None, answers: dict[str, AnswerFileValue] | None, asker: Asker, lang: str) -> str:
    if notice is not None:
        return read_text(notice, what="notice")
    if answers is not None:
        return str(answers.get("notice") or "")
    assert isinstance(asker, TerminalAsker)
    return asker.read_block(ui("paste_notice", lang))



def start_interview(*, notice: str | None, resume: Path | None, lang: str | None, output: Path | None, answers: Path | None, force: bool, list_questions: str | None) -> None:
    """Run `appealagent interview` with its parsed options (see the command's help)."""
    from rich.console import Console

    from appealagent.cli.options import InterviewLanguage, choice

    lang = chosen.value if (chosen := choice(InterviewLanguage, lang, "--lang")) else None
    if list_questions is not None:
        _print_question_keys(list_questions, lang or "en")
        return
    if notice is not None and resume is not None:
        raise InputError("--notice and --resume: a resumed interview already has its notice; use one of them")
    interactive = answers is None
    if interactive and notice == "-":
        raise InputError("--notice -: standard input holds the notice, so the answers must come from --answers FILE")
    if interactive and not sys.stdin.isatty():
        raise InputError("standard input is not a terminal: run the interview in a terminal, or give --answers FILE (YAML/JSON, question id → answer) for scripted use")
    out = output or resume or Path("case.json")
    resuming_same = resume is not None and out.resolve() == resume.resolve()
    if out.exists() and not force and not resuming_same:
        raise OutputExistsError(f"{out}: already exists; continue it with --resume {out}, or use --force to start a new interview over it")
    answer_map = _load_answers(answers) if answers is not None else None

    console = Console(highlight=False, soft_wrap=True)
    asker: TerminalAsker | _EchoAsker = TerminalAsker(console) if interactive else _EchoAsker(AnswersFileAsker(answer_map or {}, str(answers)), console)
    old_handler = signal.signal(signal.SIGHUP, _on_hangup) if interactive and hasattr(signal, "SIGHUP") else None
    state = _State(lang=lang or _default_lang())
    try:
        _run(asker, console, interactive=interactive, notice=notice, resume=resume, lang=lang, out=out, answer_map=answer_map, state=state)
    except _Hangup:
        raise typer.Exit(EXIT_HANGUP) from None
    except (KeyboardInterrupt, EOFError):
        try:
            err(ui("resume_hint", state.lang, path=shlex.quote(str(out))) if state.saved else ui("nothing_saved", state.lang))
        except Exception:  # the terminal may be gone
            pass
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        if old_handler is not None:
            signal.signal(signal.SIGHUP, old_handler)


def _run(asker: TerminalAsker | _EchoAsker, console: Console, *, interactive: bool, notice: str | None, resume: Path | None,
         lang: str | None, out: Path, answer_map: dict[str, AnswerFileValue] | None, state: _State) -> None:
    if resume is not None:
        progress, edited = progress_file.resume(resume, lang)
        lang = state.lang = progress.lang
        if edited:
            asker.say(ui("case_edited", lang, path=str(resume), side=progress_file.progress_path(resume).name))
        state.saved = True
        asker.say(ui("resumed", lang, path=str(resume), count=len(progress.answers)))
    else:
        lang = lang or _default_lang()
        if interactive:
            asker.say(ui("intro", lang))
        text = _read_notice(notice, answer_map, asker, lang)
        base = None
        if text.strip():
            from appealagent.intake.assemble import parse_notice

            result = parse_notice(text)
            base = result.case
            for line in _notice_summary(result, lang):
                asker.say(line)
            for asin in base.asins:
                if has_cjk(asin.title):  # the English letter never pastes a Chinese title from the notice
                    asin.title = None
                    asker.say(ui("notice_title_dropped", lang, asin=asin.asin))
        progress = new_progress(lang, base)
        if base is None:
            progress.base.setdefault("notification", {})

    def save(case: Case, p: Progress) -> None:
        progress_file.save(out, case, p)
        state.saved = True

    iv = Interview(asker, progress, save=save, translator=_translator(lang, asker))
    if resume is not None:
        later = [s for s in iv.pending() if s.kind == "translate" and s.key in progress.answers]
        if later:
            asker.say(ui("english_asked", lang, count=len(later)))
    iv.save()
    iv.run()
    if interactive:
        case = iv.review()
    else:
        progress.complete = True
        iv.save()
        case = iv.case()
    for w in iv.warnings:
        err(f"warning: {w}")
    if isinstance(asker, _EchoAsker) and answer_map is not None:
        unused = sorted(set(answer_map) - set(progress.answers) - {"notice", "draft_now"})
        if unused:
            err(f"warning: {asker.source}: answers for questions this interview did not ask (check the ids): {', '.join(unused)}")
    asker.say(ui("saved", lang, path=str(out)))
    _offer_draft(iv, case, out, lang, interactive, answer_map)
    # keep the case loadable exactly as saved (a last sanity check that costs nothing)
    load_model(Case, out, what="case file")
    if not out.exists():  # pragma: no cover - atomic_write guarantees it
        raise InputError(f"{out}: was not written")


def _translator(lang: str, asker: Asker) -> Translator | None:
    """The configured LLM as the translator of Chinese answers; none without a model (the seller types the English)."""
    if lang != "zh":
        return None
    from appealagent.settings import load_settings

    try:
        settings = load_settings()
    except AppealAgentError as exc:  # a broken config.toml only costs the translation
        err(f"warning: {exc}")
        return None
    if not settings.llm_configured:
        return None
    from appealagent.interview.translate import LLMTranslator

    return LLMTranslator(settings)


def _offer_draft(iv: Interview, case: Case, out: Path, lang: str, interactive: bool, answer_map: dict[str, AnswerFileValue] | None) -> None:
    prompt = Prompt(key="draft_now", text=ui("draft_now", lang), type="yes_no", lang=lang, required=False,
                    hint=ui("hint_yes_no", lang) + "; " + ui("hint_default", lang, default=ui("word_yes", lang)))
    if interactive:
        wanted: bool | None = None
        while wanted is None:
            raw = iv.asker.ask(prompt, "yes").strip().lower() or "yes"
            wanted = parse_yes_no(raw)
            if wanted is None:
                iv.asker.say(ui("not_accepted", lang, reason=error_text("yes_no", lang)))
    else:
        wanted = bool((answer_map or {}).get("draft_now", False))
    command = f"appealagent draft {shlex.quote(str(out))} -o letter.txt"
    if wanted:
        _draft(case, iv)
    iv.asker.say(ui("next_command", lang, command=command))
    for line in suggestions(case, shlex.quote(str(out)), lang):  # an IP notice: the retraction request beside the appeal
        iv.asker.say(line)
    iv.asker.say(ui("after_sending", lang, path=shlex.quote(str(out))))  # the loop after Amazon answers (README: revise)


def _draft(case: Case, iv: Interview) -> None:
    from rich.text import Text

    from appealagent.pipeline import draft_case  # drafting pulls in the engines and checks: only when asked for

    try:
        outcome = draft_case(case, engine="auto")
    except AppealAgentError as exc:
        err(f"draft: {exc}")
        return
    iv.asker.say(Text("\n" + outcome.letter.rstrip() + "\n"))
    for line in _summary(outcome):
        err(line)
    if outcome.engine == "offline":
        for line in english_notes(case, None):
            err(line)
