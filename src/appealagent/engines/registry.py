"""The one registry of engines (name → engine) and the `auto` policy that picks between them.

Adding an engine or an LLM drafting mode is one module with a class that follows
`engines.base.Engine`, plus one line in `_engines()` below. `auto` is not an
engine but a policy: the preferred LLM engine when a server is configured and it
drafts the case's kind, with the offline engine as the fallback when it fails;
else the offline engine alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from appealagent.engines.author.engine import AuthorEngine
from appealagent.engines.base import Engine
from appealagent.engines.offline import OfflineEngine
from appealagent.errors import InputError
from appealagent.model.case import LetterKind

AUTO = "auto"
AUTO_PREFERS = "llm"  # the engine auto uses when it can
FALLBACK = "offline"  # needs nothing, drafts every kind: the letter a seller always gets


@cache
def _engines() -> dict[str, Engine]:
    engines: list[Engine] = [
        OfflineEngine(),
        AuthorEngine(),
    ]
    return {e.name: e for e in engines}


def engine_names() -> tuple[str, ...]:
    """What --engine accepts: every registered engine, then auto."""
    return (*_engines(), AUTO)


def names_text(conjunction: str = "or") -> str:
    """'offline, llm or auto', for messages."""
    *head, last = engine_names()
    return f"{', '.join(head)} {conjunction} {last}"


def get_engine(name: str) -> Engine:
    try:
        return _engines()[name]
    except KeyError:
        raise InputError(f"--engine: unknown engine {name!r} ({names_text()})") from None


@dataclass(frozen=True)
class Choice:
    """The engine to run and, under auto, the engine whose letter replaces it if it fails."""

    engine: Engine
    fallback: Engine | None = None


def choose(requested: str, *, llm_configured: bool, kind: LetterKind | None = None) -> Choice:
    """A named engine as asked; auto → the preferred LLM engine when usable (offline as fallback), else offline."""
    if requested != AUTO:
        return Choice(get_engine(requested))
    preferred, fallback = get_engine(AUTO_PREFERS), get_engine(FALLBACK)
    usable = llm_configured or not preferred.needs_llm
    if usable and (kind is None or preferred.supports(kind)):
        return Choice(preferred, fallback)
    return Choice(fallback)


def llm_engine_for(requested: str) -> Engine:
    """The LLM engine a request means (--dry-run shows its request even when auto would draft offline)."""
    engine = get_engine(AUTO_PREFERS if requested == AUTO else requested)
    return engine if engine.needs_llm else get_engine(AUTO_PREFERS)
