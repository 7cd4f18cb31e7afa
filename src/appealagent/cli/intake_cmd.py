"""`appealagent intake`: read Amazon's notice with rules and turn it into a partial case."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import typer

from appealagent.cli.app import app

_HELP = """Read an Amazon notice (performance, account-health, deactivation, listing removal, rights-owner complaint or verification e-mail) and show what it says: the violation, the marketplace, ASINs, order and complaint IDs, metrics against their targets, the deadline, and the documents Amazon asks for. Offline, by rules; it never guesses silently — what it could not find or use is listed.

Paste the e-mail as received: forwarding headers, '>' quote marks, hard-wrapped lines and a Chinese translation are fine; a file may be UTF-8, UTF-16 (Notepad's "Unicode"), GBK, Big5 or Shift-JIS. Masked IDs (B0XXXXXXXX) are reported but not used.

An e-mail that looks like phishing (a look-alike sender or link, a request for a password or bank details, a threat to close the account within hours) is flagged first: do not click it; open Seller Central yourself. A deadline that has passed or is close is said with its date.

Examples:

  appealagent intake notice.txt

  appealagent intake notice.txt -o case.json   (save the partial case for the interview)

  pbpaste | appealagent intake - --json

Exit codes: 0 read and classified; 1 read but could not classify (not a notice, or unclear); 2 bad input (missing, empty, binary or oversized file; refusing to overwrite)."""


@app.command(help=_HELP)
def intake(
    notice: str = typer.Argument(..., metavar="NOTICE", help="The notice as a text file, or - to read standard input."),
    json_out: bool = typer.Option(False, "--json", help="Print the full result as JSON (case, classifications, found, not_found…)."),
    output: Path | None = typer.Option(None, "-o", "--output", metavar="CASE.json", help="Write the partial case here (a Case JSON file)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the -o file if it exists."),
    llm: bool | None = typer.Option(
        None,
        "--llm/--no-llm",
        help="Ask the configured LLM when the rules are unsure (default: only if an LLM is configured). "
        "Its answer is marked as the model's suggestion; the notice is redacted before it is sent.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="With an unsure reading (of a notice, or of Amazon's reply to an appeal), print the messages the LLM would be sent, and send nothing."),
) -> None:
    import os
    import sys

    from appealagent.errors import EXIT_NOT_READY, InputError, OutputExistsError
    from appealagent.files import atomic_write, read_text
    from appealagent.intake.assemble import needs_llm_assist, parse_notice

    if output is not None and output.exists() and not force:
        raise OutputExistsError(f"{output}: already exists; use --force to overwrite it")
    if notice == "-" and sys.stdin.isatty():  # nothing is piped in: a person is about to paste
        eof = "Ctrl-Z then Enter" if os.name == "nt" else "Ctrl-D"
        typer.echo(f"Paste Amazon's notification e-mail, then press Enter and {eof} on an empty line to finish (Ctrl-C to cancel):", err=True)
    text = read_text(notice, what="notice")
    if not text.strip():
        raise InputError(f"{'<stdin>' if notice == '-' else notice}: is empty; paste the text of Amazon's notice into it")
    result = parse_notice(text)
    result = _maybe_assist(result, llm, dry_run)
    reading = None
    if result.notice_kind == "appeal_reply":  # Amazon's reply to an appeal: its own reading and second opinion (cli/revise_cmd.py)
        from appealagent.cli.revise_cmd import reply_reading

        reading = reply_reading(text, llm=llm, dry_run=dry_run)
    if output is not None:
        atomic_write(output, result.case.model_dump_json(indent=2, exclude_none=True) + "\n", force=force)
    if reading is not None:
        from appealagent.cli.revise_cmd import show_reply

        show_reply(reading, result.model_dump(mode="json") if json_out else None, notice)
        return
    if json_out:
        data = result.model_dump(mode="json")  # "phishing" is the first key
        data["classified"] = result.classified
        data["needs_llm_assist"] = needs_llm_assist(result)
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        typer.echo(_human(result, notice, output, needs_llm_assist(result)))
    if not result.classified:
        raise typer.Exit(EXIT_NOT_READY)


def _maybe_assist(result: Any, llm: bool | None, dry_run: bool) -> Any:
    """The rules decide; a configured LLM is asked only when they are unsure, and only with consent."""
    from appealagent.cli.app import err
    from appealagent.intake.assemble import needs_llm_assist

    if llm is False or not needs_llm_assist(result):
        return result
    from appealagent.settings import load_settings

    settings = load_settings()
    if dry_run:
        from appealagent.intake.assist import build_messages

        typer.echo(json.dumps({"would_send_to": settings.host, "model": settings.model, "messages": build_messages(result, settings.redact)}, indent=2, ensure_ascii=False))
        raise typer.Exit(0)
    if not settings.llm_configured:
        if llm:
            err("--llm: no LLM is configured (set OPENAI_API_KEY or OPENAI_BASE_URL); the rules' reading stands")
        return result
    from appealagent.errors import EngineError
    from appealagent.intake.assist import assist

    try:
        return assist(result, settings)
    except EngineError as exc:
        err(f"warning: the LLM could not help read this notice ({exc}); the rules' reading stands")
        return result


def _human(result: Any, notice: str, output: Path | None, unsure: bool) -> str:
    """A reviewer's reading of the notice: what was found, what was not, what to do next."""
    from appealagent.intake.extract.metrics import metric_label
    from appealagent.intake.warnings import notice_warnings

    case, found = result.case, result.found
    n = case.notification
    lines: list[str] = []

    def row(label: str, value: str) -> None:
        lines.append(f"{label + ':':<18}{value}")

    lines.extend(notice_warnings(result))
    if lines:
        lines.append("")

    if not result.classified:
        lines.append(f"Could not classify: {result.message}.")
        if result.classifications:
            best = result.classifications[0]
            lines.append(f"  closest match: {best.violation_type.value} (confidence {best.confidence:.2f}), too weak to use")
    else:
        top = result.classifications[0]
        scope = {True: "account-level", False: "listing-level", None: "account or listing level unknown"}[n.account_level]
        suggested = found.get("llm_suggestion") or {}
        by_llm = suggested.get("violation_type") == case.violation_type.value
        source = f", suggested by the LLM ({suggested.get('model')}) — confirm it" if by_llm else ""
        row("Violation", f"{case.violation_type.value} (confidence {top.confidence:.2f}), {scope}{source}")
        row("  decided by", ", ".join(f'"{p}"' for p in top.phrases[:5]))
        if case.other_violations:
            row("Also", ", ".join(v.value for v in case.other_violations))
    if case.marketplace:
        signals = "; ".join(s.split(" → ")[0] for s in found.get("marketplace_signals", []) if s.endswith(case.marketplace.value))
        row("Marketplace", f"{case.marketplace.value} ({signals})")
    if n.subject:
        row("Subject", n.subject)
    if n.date:
        row("Notice date" if result.notice_kind in ("amazon_notice", "unclassified") else "Date", f"{n.date.isoformat()} ({found.get('notice_date_source', '')})")
    if n.deadline or n.deadline_text:
        when = n.deadline.isoformat() if n.deadline else "date unknown"
        row("Respond by", f"{when} ({n.deadline_text})" if n.deadline_text else when)
        if found.get("deadline_status") in ("passed", "close"):
            row("  status", "passed" if found["deadline_status"] == "passed" else f"{found['deadline_days_left']} days left")
    if n.funds_hold_days:
        row("Funds held", f"up to {n.funds_hold_days} days")
    if found.get("inventory_removal_text"):
        by = f", by {found['inventory_removal_deadline']}" if found.get("inventory_removal_deadline") else ""
        row("FBA inventory", f"remove {found['inventory_removal_text']}{by}")
    for m in case.metrics:
        extra = [x for x in (f"target {m.target}" if m.target else None, f"{m.window_days} days" if m.window_days else None,
                             f"{m.defects} of {m.orders} orders" if m.defects is not None and m.orders else None) if x]
        unit = "" if m.name.value == "account_health_rating" else "%"
        row("Metric", f"{metric_label(m.name.value)} {m.value:g}{unit}" + (f" ({', '.join(extra)})" if extra else ""))
    for a in case.asins:
        row("ASIN", a.asin + (f"  {a.title}" if a.title else f"  ({a.note})" if a.note else ""))
    if case.orders:
        row("Orders", ", ".join(o.order_id for o in case.orders))
    if n.complaint_ids:
        row("Complaint IDs", ", ".join(n.complaint_ids))
    if n.rights_owner:
        ro = n.rights_owner
        row("Rights owner", " ".join(x for x in (ro.name, f"<{ro.email}>" if ro.email else None, f"(ref. {ro.ip_reference})" if ro.ip_reference else None) if x))
    if n.policies:
        row("Policies cited", "; ".join(n.policies))
    if n.requested_documents:
        row("Amazon asks for", "; ".join(n.requested_documents))
    if case.seller.store_name:
        row("Store (greeting)", case.seller.store_name)
    if result.masked:
        row("Masked, not used", ", ".join(result.masked))
    for item in result.rejected:
        row("Could not use", item)
    if result.not_found and (result.classified or unsure):
        row("Not found", ", ".join(result.not_found))
    lines.append("")
    if output is not None:
        lines.append(f"Wrote the partial case to {output}.")
    target = shlex.quote(notice) if notice != "-" else "NOTICE.txt"
    if result.classified or unsure:
        if unsure:
            lines.append("The rules are not sure about the violation type: confirm or choose it during the interview.")
        lines.append(f"Next: start the interview with this notice: appealagent interview --notice {target}")
        if notice == "-":
            lines.append("      (save the notice to a file first)")
    else:
        lines.append("Next: check that this is the notice itself (Seller Central → Performance → Account Health, or the")
        lines.append("e-mail from Amazon's Seller Performance team) and run `appealagent intake` on that text.")
    return "\n".join(lines)
