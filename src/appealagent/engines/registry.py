"""The one registry of engines (name → engine) and the `auto` policy that picks between them.

Adding an engine or an LLM drafting mode is one module with a class that follows
`engines.base.Engine`, plus one loader line in `LOADERS` below. Each engine's module
is imported by its loader, when the engine is first asked for: an offline draft never
imports the LLM engines (their prompts, retrieval and client), which kept the offline
start-up twice as slow. These loaders and the CLI's command bodies are the only places
the package imports its own modules inside functions (tests/test_architecture.py
holds that line, and its cycle check counts these imports too). `auto` is not an
engine but a policy: the preferred LLM engine when a server is configured and it
drafts the case's kind, with the offline engine as the fallback when it fails;
else the offline engine alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from appealagent.engines.base import Engine
from appealagent.errors import InputError
from appealagent.model.case import LetterKind

AUTO = "auto"
AUTO_PREFERS = "llm"  # the engine auto uses when it can
FALLBACK = "offline"  # needs nothing, drafts every kind: the letter a seller always gets


def _offline() -> Engine:
    from appealagent.engines.offline import OfflineEngine

    return OfflineEngine()


def _llm() -> Engine:
    from appealagent.engines.styles import LLMEngine

    return LLMEngine()


LOADERS: dict[str, Callable[[], Engine]] = {
    "offline": _offline,
    "llm": _llm,
}


@cache
def _load(name: str) -> Engine:
    engine = LOADERS[name]()
    if engine.name != name:
        raise RuntimeError(f"engine registered as {name!r} calls itself {engine.name!r}")
    return engine


def engine_names() -> tuple[str, ...]:
    """What --engine accepts: every registered engine, then auto."""
    return (*LOADERS, AUTO)


def names_text(conjunction: str = "or") -> str:
    """'offline, llm or auto', for messages."""
    *head, last = engine_names()
    return f"{', '.join(head)} {conjunction} {last}"


def get_engine(name: str) -> Engine:
    if name not in LOADERS:
        raise InputError(f"--engine: unknown engine {name!r} ({names_text()})")
    return _load(name)


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
