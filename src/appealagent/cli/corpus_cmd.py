"""`appealagent corpus …`: list, search, validate and extend the few-shot letter corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from appealagent.cli.app import AppTyper, app, err
from appealagent.model.enums import LetterKind, Marketplace, ViolationType

corpus = AppTyper(
    help=(
        "The letter corpus the drafter copies shape and tone from: the built-in model letters plus "
        "your own successful letters (kept in your user data folder, or under $APPEALAGENT_HOME/data/corpus).\n\n"
        "Example: appealagent corpus search \"late shipment weekend\" --type late_shipment_rate"
    )
)
app.add_typer(corpus, name="corpus")


def _row(letter: Any) -> dict[str, Any]:
    return {
        "id": letter.id,
        "kind": letter.kind.value,
        "violation_type": letter.violation_type.value,
        "topic": letter.topic,
        "marketplace": letter.marketplace.value if letter.marketplace else None,
        "outcome": letter.outcome,
        "has_translation": letter.chinese is not None,
        "origin": letter.origin,
        "path": str(letter.path),
    }


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    cells = [[("" if r[c] is None else ("yes" if r[c] is True else "no" if r[c] is False else str(r[c]))) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)).rstrip() for row in cells]
    return "\n".join(lines)


@corpus.command("list")
def list_letters(
    json_out: bool = typer.Option(False, "--json", help="Print a JSON array instead of a table."),
    builtin_only: bool = typer.Option(False, "--builtin-only", help="Leave out your own letters."),
) -> None:
    """List every corpus letter: id, kind, violation type, topic, marketplace, outcome, translation, origin, path.

    Example: appealagent corpus list --json
    """
    from appealagent.corpus.store import load_corpus

    rows = [_row(letter) for letter in load_corpus(include_user=not builtin_only)]
    if json_out:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    columns = ["id", "kind", "violation_type", "topic", "marketplace", "outcome", "has_translation", "origin", "path"]
    typer.echo(_table(rows, columns))
    typer.echo(f"{len(rows)} letters ({sum(r['origin'] == 'user' for r in rows)} yours)")


@corpus.command("search")
def search_letters(
    query: str = typer.Argument(..., help="Words describing the situation, e.g. \"late shipment weekend\"."),
    violation_type: ViolationType | None = typer.Option(None, "--type", help="Rank letters of this violation type first."),
    kind: LetterKind | None = typer.Option(None, "--kind", help="Rank letters of this kind first."),
    market: Marketplace | None = typer.Option(None, "--market", case_sensitive=False, help="Prefer letters for this marketplace."),
    k: int = typer.Option(5, "-k", "--top", min=1, max=100, help="How many letters to show."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON: id, score, why, metadata and path of each hit."),
) -> None:
    """Find the corpus letters closest to some words (BM25), ranking matching type, kind and marketplace first.

    Example: appealagent corpus search "late shipment weekend" --type late_shipment_rate --market US -k 3
    """
    from appealagent.corpus.retrieval import search

    hits = search(query, k=k, violation_type=violation_type, kind=kind, marketplace=market)
    if json_out:
        out = [{**_row(h.letter), "score": h.score, "why": h.why} for h in hits]
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    if not hits:
        typer.echo("no letter matches; try other words or fewer options")
        return
    for rank, hit in enumerate(hits, 1):
        letter = hit.letter
        market_text = letter.marketplace.value if letter.marketplace else "-"
        typer.echo(f"{rank}. {letter.id}  score {hit.score:.3f}  [{letter.kind.value}, {letter.violation_type.value}, {market_text}, {letter.origin}]")
        typer.echo(f"   why: {'; '.join(hit.why) or '-'}")
        typer.echo(f"   {letter.path}")


@corpus.command("validate")
def validate(
    folder: Path | None = typer.Argument(None, help="A folder of letters; default: the built-in corpus and your own letters."),
    origin: str | None = typer.Option(
        None, "--rules", help="'builtin' (translation and full metadata required) or 'user' (translation optional). Default: 'user' for your corpus folder, 'builtin' for any other."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the problems as JSON (file, field, message)."),
) -> None:
    """Check every letter's front matter, sections and translation; exit 2 naming file and field when any is wrong.

    Example: appealagent corpus validate fewshot/
    """
    from appealagent import paths
    from appealagent.corpus.store import letter_files, validate_dir
    from appealagent.errors import EXIT_BAD_INPUT, InputError

    if origin not in (None, "builtin", "user"):
        raise InputError(f"--rules: {origin!r} is not 'builtin' or 'user'")
    if folder is not None:
        targets = [(folder, origin)]
    else:
        targets = [(paths.fewshot_dir(), origin or "builtin")]
        if paths.user_corpus_dir().is_dir():
            targets.append((paths.user_corpus_dir(), origin or "user"))
    problems = []
    count = 0
    for target, rules in targets:
        problems.extend(validate_dir(target, rules))  # type: ignore[arg-type]
        count += len(letter_files(target))
    if json_out:
        typer.echo(json.dumps([{"file": p.file, "field": p.field, "message": p.message} for p in problems], indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            err(str(problem))
    if problems:
        if not json_out:
            err(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {count} letter files")
        raise typer.Exit(EXIT_BAD_INPUT)
    if not json_out:
        typer.echo(f"ok: {count} letters in {', '.join(str(t) for t, _ in targets)}")


@corpus.command("add")
def add(
    file: Path = typer.Argument(..., help="Your letter: a corpus .md file, or plain text/markdown (front matter optional); '-' reads stdin."),
    violation_type: ViolationType | None = typer.Option(None, "--type", help="Violation type (required unless the file's front matter has it)."),
    outcome: str | None = typer.Option(None, "--outcome", help="reinstated, model or unknown (required unless in the front matter)."),
    kind: LetterKind | None = typer.Option(None, "--kind", help="Letter kind; default account_appeal."),
    market: Marketplace | None = typer.Option(None, "--market", case_sensitive=False, help="Marketplace the letter was sent to."),
    letter_id: str | None = typer.Option(None, "--id", help="Corpus id (lower-case words and hyphens); default: from the file name."),
    topic: str | None = typer.Option(None, "--topic", help="Short snake_case sub-type, e.g. weekend_dispatch."),
    tags: list[str] | None = typer.Option(None, "--tag", help="A keyword; repeat for several."),
    force: bool = typer.Option(False, "--force", help="Replace a letter with the same id (yours, or shadow a built-in one)."),
    json_out: bool = typer.Option(False, "--json", help="Print the added letter's metadata as JSON."),
) -> None:
    """Add one of your own letters to your corpus, so drafting can learn from what worked for you.

    Front matter in FILE is completed or overridden by the options. A plain letter is wrapped:
    lines such as "Root cause:" or "**Corrective actions**" become sections; a letter without them
    becomes one message. A Chinese translation is optional. Nothing is written if a check fails.

    Example: appealagent corpus add my-appeal.txt --type late_shipment_rate --outcome reinstated --market US
    """
    from appealagent.corpus.user import add_letter

    overrides = {
        "violation_type": violation_type.value if violation_type else None,
        "outcome": outcome,
        "kind": kind.value if kind else None,
        "marketplace": market.value if market else None,
        "id": letter_id,
        "topic": topic,
        "tags": list(tags) if tags else None,
    }
    letter = add_letter(file, force=force, **overrides)
    if json_out:
        typer.echo(json.dumps(_row(letter), indent=2, ensure_ascii=False))
    else:
        typer.echo(f"added {letter.id} ({letter.kind.value}, {letter.violation_type.value}) to {letter.path}")
