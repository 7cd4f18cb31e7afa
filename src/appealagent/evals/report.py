"""Eval results for people (a rich table, a Markdown or HTML report) and for scripts (JSON).

All four views are built from the same rows so they never disagree. The report
says where the letters came from: replayed hand-written recordings are marked as
such, because they test the pipeline and say nothing about a model's quality.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from appealagent.evals.baseline import Comparison
from appealagent.evals.costs import cost_lines, drafting_costs
from appealagent.evals.runner import EvalRun
from appealagent.evals.scorers import SCORERS, format_value


@dataclass
class Row:
    id: str
    cells: list[str]
    seconds: str
    error: str | None
    details: list[str]


def _labels(run: EvalRun) -> list[str]:
    return [SCORERS[n].label if n in SCORERS else n for n in run.scorer_names]


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.0f} s"


def rows(run: EvalRun) -> list[Row]:
    out = []
    for r in run.results:
        if r.error:
            cells = ["error"] * len(run.scorer_names)
            details = [r.error]
        else:
            cells = [format_value(n, r.value(n)) for n in run.scorer_names]
            details = [f"{n}: {d}" for n in run.scorer_names if n in r.scores for d in r.scores[n].details]
        # The whole case (drafting and grading), so the column adds up to the run's time: an offline
        # draft takes a few ms and the grading most of the rest, which "0 ms" beside "2.61 s" hid.
        out.append(Row(r.id, cells, _duration(r.total_seconds or r.seconds), r.error, details))
    return out


def overall_cells(run: EvalRun) -> tuple[list[str], list[str]]:
    """('mean' cells, '± stderr' cells) for the overall rows."""
    means, errs = [], []
    for agg in run.overall().values():
        means.append("–" if agg.mean is None else f"{agg.mean:.2f}")
        errs.append("–" if agg.stderr is None else f"±{agg.stderr:.2f}")
    return means, errs


def _title(run: EvalRun) -> str:
    return f"appealagent eval — engine {run.engine} ({len(run.results)} cases)"


# ---- terminal -------------------------------------------------------------------------------


def print_table(run: EvalRun, comparison: Comparison | None, console: Any, *, verbose: bool = False) -> None:
    """A rich table per case plus the overall mean ± standard error, then the baseline verdict."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=_title(run), title_justify="left", show_lines=False, header_style="bold")
    table.add_column("case", no_wrap=True)
    for label in _labels(run):
        table.add_column(label, justify="right")
    table.add_column("time", justify="right")
    regressed = {(r.case, r.scorer) for r in (comparison.regressions if comparison else [])}
    for row in rows(run):
        cells = []
        for name, cell in zip(run.scorer_names, row.cells, strict=False):
            bad = (row.id, name) in regressed or row.error
            cells.append(f"[red]{cell}[/red]" if bad else cell)
        table.add_row(escape(row.id) if not row.error else f"[red]{escape(row.id)}[/red]", *cells, row.seconds)
    means, errs = overall_cells(run)
    table.add_section()
    table.add_row("[bold]overall mean[/bold]", *[f"[bold]{m}[/bold]" for m in means], f"{run.seconds:.2f} s")
    table.add_row("standard error", *errs, "")
    console.print(table)
    for label, value in cost_lines(drafting_costs(run)):
        console.print(f"{label}: {value}", markup=False, highlight=False)
    if run.origin_note:
        console.print(f"[dim]{escape(run.origin_note)}[/dim]")
    if verbose:
        for row in rows(run):
            for d in row.details:
                console.print(f"  {row.id}: {d}", markup=False)
    if comparison is not None:
        for note in comparison.notes:
            console.print(f"[dim]note: {escape(note)}[/dim]")
        if comparison.regressions:
            console.print(f"[red bold]{len(comparison.regressions)} regression(s) against {escape(comparison.baseline_file)}:[/red bold]")
            for r in comparison.regressions:
                console.print(f"[red]  {escape(r.message)}[/red]", highlight=False)
        else:
            console.print(f"[green]no regressions against {escape(comparison.baseline_file)}[/green]")


# ---- JSON -----------------------------------------------------------------------------------


def to_json(run: EvalRun, comparison: Comparison | None, *, with_letters: bool = False) -> str:
    payload: dict[str, Any] = run.as_dict(with_letters)
    payload["costs"] = drafting_costs(run).as_dict()
    payload["baseline"] = comparison.as_dict() if comparison is not None else None
    payload["ok"] = comparison.ok if comparison is not None else not run.failed
    return json.dumps(payload, indent=2, ensure_ascii=False)


# ---- Markdown -------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(run: EvalRun, comparison: Comparison | None) -> str:
    labels = _labels(run)
    lines = [f"# {_title(run)}", ""]
    lines.append(f"Run started {run.started}, {run.seconds:.2f} s in all. Cases: `{run.cases_dir}`.")
    if run.origin_note:
        lines += ["", f"> **Where the letters came from:** {run.origin_note}"]
    lines += ["", "## Overall", "", "| score | mean | standard error | cases | what it measures |", "|---|---:|---:|---:|---|"]
    for name, agg in run.overall().items():
        desc = SCORERS[name].description if name in SCORERS else ""
        mean = "–" if agg.mean is None else f"{agg.mean:.3f}"
        se = "–" if agg.stderr is None else f"{agg.stderr:.3f}"
        lines.append(f"| {name} | {mean} | {se} | {agg.n} | {_md_cell(desc)} |")
    lines += ["", "## Drafting cost", "", "| figure | value |", "|---|---:|"]
    lines += [f"| {label} | {value} |" for label, value in cost_lines(drafting_costs(run))]
    lines += ["", "## Baseline", ""]
    lines += _comparison_lines(comparison)
    lines += ["", "## Per case", "", "| case | " + " | ".join(labels) + " | time |", "|---|" + "---:|" * (len(labels) + 1)]
    all_rows = rows(run)
    for row in all_rows:
        lines.append(f"| {row.id} | " + " | ".join(row.cells) + f" | {row.seconds} |")
    lines += ["", "## Details", ""]
    for row in all_rows:
        if row.details:
            lines.append(f"### {row.id}")
            lines += [f"- {_md_cell(d)}" for d in row.details]
            lines.append("")
    if not any(r.details for r in all_rows):
        lines.append("Nothing to report: every case met every expectation.")
    return "\n".join(lines).rstrip() + "\n"


def _comparison_lines(comparison: Comparison | None) -> list[str]:
    if comparison is None:
        return ["Not compared with a baseline."]
    lines = [f"Compared with `{comparison.baseline_file}` (engine `{comparison.engine}`)."]
    if comparison.regressions:
        lines += ["", f"**{len(comparison.regressions)} regression(s):**", ""] + [f"- {r.message}" for r in comparison.regressions]
    else:
        lines += ["", "No regressions."]
    if comparison.improved:
        lines += ["", "Improved:", ""] + [f"- {i}" for i in comparison.improved]
    if comparison.new_cases:
        lines += ["", "New cases (no accepted scores yet): " + ", ".join(comparison.new_cases)]
    lines += [f"- note: {n}" for n in comparison.notes]
    return lines


# ---- HTML -----------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem}
td.num{text-align:right;font-variant-numeric:tabular-nums}.bad{background:#fde2e2}
.note{background:#f3f3f3;padding:.6rem 1rem;border-left:4px solid #888}
"""


def to_html(run: EvalRun, comparison: Comparison | None) -> str:
    e = html.escape
    labels = _labels(run)
    regressed = {(r.case, r.scorer) for r in (comparison.regressions if comparison else [])}
    out = [f"<!doctype html><html lang=en><meta charset=utf-8><title>{e(_title(run))}</title><style>{_CSS}</style>", f"<h1>{e(_title(run))}</h1>"]
    out.append(f"<p>Run started {e(run.started)}, {run.seconds:.2f} s in all. Cases: <code>{e(run.cases_dir)}</code>.</p>")
    if run.origin_note:
        out.append(f"<p class=note><strong>Where the letters came from:</strong> {e(run.origin_note)}</p>")
    out.append("<h2>Overall</h2><table><tr><th>score<th>mean<th>standard error<th>cases<th>what it measures</tr>")
    for name, agg in run.overall().items():
        mean = "–" if agg.mean is None else f"{agg.mean:.3f}"
        se = "–" if agg.stderr is None else f"{agg.stderr:.3f}"
        desc = SCORERS[name].description if name in SCORERS else ""
        out.append(f"<tr><td>{e(name)}<td class=num>{mean}<td class=num>{se}<td class=num>{agg.n}<td>{e(desc)}</tr>")
    out.append("</table><h2>Drafting cost</h2><table><tr><th>figure<th>value</tr>")
    out += [f"<tr><td>{e(label)}<td class=num>{e(value)}</tr>" for label, value in cost_lines(drafting_costs(run))]
    out.append("</table><h2>Baseline</h2>")
    if comparison is None:
        out.append("<p>Not compared with a baseline.</p>")
    else:
        out.append(f"<p>Compared with <code>{e(comparison.baseline_file)}</code> (engine <code>{e(comparison.engine)}</code>).</p>")
        if comparison.regressions:
            out.append(f"<p><strong>{len(comparison.regressions)} regression(s):</strong></p><ul>" + "".join(f"<li class=bad>{e(r.message)}" for r in comparison.regressions) + "</ul>")
        else:
            out.append("<p>No regressions.</p>")
        if comparison.new_cases:
            out.append("<p>New cases (no accepted scores yet): " + e(", ".join(comparison.new_cases)) + "</p>")
        out += [f"<p class=note>note: {e(n)}</p>" for n in comparison.notes]
    out.append("<h2>Per case</h2><table><tr><th>case" + "".join(f"<th>{e(lbl)}" for lbl in labels) + "<th>time</tr>")
    all_rows = rows(run)
    for row in all_rows:
        cells = "".join(
            f"<td class='num{' bad' if (row.id, n) in regressed or row.error else ''}'>{e(c)}" for n, c in zip(run.scorer_names, row.cells, strict=False)
        )
        out.append(f"<tr><td>{e(row.id)}{cells}<td class=num>{e(row.seconds)}</tr>")
    out.append("</table><h2>Details</h2>")
    for row in all_rows:
        if row.details:
            out.append(f"<h3>{e(row.id)}</h3><ul>" + "".join(f"<li>{e(d)}" for d in row.details) + "</ul>")
    out.append("</html>")
    return "\n".join(out) + "\n"
