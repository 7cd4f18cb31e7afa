"""The Typer application object and the error guard every command runs under.

Commands live in their own modules (one job each) and register on `app` here;
`AppTyper` wraps each one so an `AppealAgentError` becomes one line on stderr
and its exit code, Ctrl-C becomes exit 130, and nothing prints a traceback
unless APPEALAGENT_DEBUG=1.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from appealagent.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, AppealAgentError

EXIT_INTERNAL = 70
CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])

EXIT_CODES_HELP = (
    "Exit codes: 0 done and ready; 1 output written but not ready to submit "
    "(check errors or missing facts); 2 bad input (missing file, malformed JSON, invalid case, "
    "refusing to overwrite); 3 the drafting engine failed; 130 interrupted."
)


def err(message: str) -> None:
    typer.echo(f"appealagent: {message}", err=True)


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AppealAgentError as exc:
            err(f"error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err("interrupted; nothing written was lost")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except BrokenPipeError:  # `appealagent … | head`: the reader has gone; stop quietly
            _silence_stdout()
            raise typer.Exit(0) from None
        except OSError as exc:  # the machine refused (full disk, no permission): the user's to fix, not a bug
            where = f"{exc.filename}: " if exc.filename else ""
            err(f"error: {where}{exc.strerror or exc}")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except Exception as exc:  # a bug: say so in one line, keep the traceback for debugging
            if os.environ.get("APPEALAGENT_DEBUG"):
                raise
            err(f"internal error: {type(exc).__name__}: {exc} (set APPEALAGENT_DEBUG=1 for details, and please report it)")
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not raise BrokenPipeError again."""
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (CliRunner): nothing to silence
        pass


class AppTyper(typer.Typer):
    """A Typer whose commands all run under `_guard`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("pretty_exceptions_enable", False)
        # Plain click help and usage errors: Typer's rich formatter imports rich's Markdown
        # (markdown-it, pygments), which alone cost more than the 3× pydantic budget `--help` has.
        kwargs.setdefault("rich_markup_mode", None)
        kwargs.setdefault("no_args_is_help", True)
        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
        super().__init__(**kwargs)

    def command(
        self, name: str | None = None, **kwargs: Any
    ) -> Callable[[CommandFunction], CommandFunction]:
        register = super().command(name, **kwargs)

        def decorator(func: CommandFunction) -> CommandFunction:
            register(_guard(func))
            return func

        return decorator


app = AppTyper(
    name="appealagent",
    help=(
        "Draft and check Amazon seller appeals (Plans of Action) that answer Amazon's three questions: "
        "what caused the problem, what you have already done to fix it, and what now prevents it. "
        "It drafts; you confirm every fact and submit through Seller Central.\n\n" + EXIT_CODES_HELP
    ),
)


def _print_version(value: bool) -> None:
    if value:
        from appealagent import __version__

        typer.echo(f"appealagent {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Draft and check Amazon seller appeals."""
