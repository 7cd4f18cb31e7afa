"""Probe an OpenAI-compatible server: reachable, models listed, which structured-output modes work, how fast.

`appealagent config test` runs this before a seller relies on a server: one tiny
request per output mode (json_schema, tools, json_object) through the same
client, deadline and scrubbing as drafting, with no retries, so the table says
what drafting would meet. The mode the engine should use is the configured one
when it works, else the first that does.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import asdict, dataclass, field

from appealagent.errors import EngineError, InputError
from appealagent.llm.client import CallStats, LLMClient
from appealagent.llm.prompts import load_prompt
from appealagent.llm.request import Body, chat_body, json_object_output, json_schema_output, tool_output
from appealagent.settings import OUTPUT_MODES, OutputMode, Settings

PROBE_SCHEMA: Body = {
    "type": "object",
    "properties": {"status": {"type": "string"}, "number": {"type": "integer"}},
    "required": ["status", "number"],
    "additionalProperties": False,
}
PROBE_TOKENS = 64
PROBE_ANSWER = '{"status": "ok", "number": 7}'


@dataclass
class Check:
    """One line of the probe's table."""

    name: str
    ok: bool
    seconds: float | None = None
    detail: str = ""


@dataclass
class ProbeReport:
    """Everything the probe found, for the table and --json."""

    server: str
    model: str
    configured_mode: str
    checks: list[Check] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    use_mode: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "works": self.use_mode is not None}


def _output(mode: OutputMode) -> Body:
    if mode == "json_schema":
        return json_schema_output("probe", PROBE_SCHEMA)
    if mode == "tools":
        return tool_output("submit_probe", "Return the probe object.", PROBE_SCHEMA)
    return json_object_output()


def _judge(content: str | None) -> str:
    """'' when the reply is the probe object, else what is wrong with it."""
    if not content:
        return "empty reply"
    try:
        value = json.loads(content)
    except json.JSONDecodeError:
        return "reply is not JSON: " + " ".join(content.split())[:60]
    if not isinstance(value, dict) or not isinstance(value.get("status"), str):
        return "JSON without the asked-for fields: " + json.dumps(value)[:60]
    return ""


async def _models(client: LLMClient, timeout: float) -> tuple[Check, list[str]]:
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            page = await client.raw.models.list()
        names = sorted(str(m.id) for m in page.data)
        return Check("models listed", True, time.monotonic() - started, ", ".join(names[:6]) + (" …" if len(names) > 6 else "")), names
    except Exception as exc:  # a server without /models still drafts: this line only informs
        return Check("models listed", False, time.monotonic() - started, client.settings.scrub(f"{type(exc).__name__}: {exc}")[:120]), []


async def _mode(client: LLMClient, mode: OutputMode) -> Check:
    s = client.settings
    body = chat_body(s, load_prompt("probe").render(answer=PROBE_ANSWER), max_tokens=PROBE_TOKENS, temperature=0.0, output=_output(mode))
    started = time.monotonic()
    try:
        reply = await client.complete(body, CallStats())
    except EngineError as exc:
        return Check(mode, False, time.monotonic() - started, exc.message[:160])
    problem = _judge(reply.content)
    return Check(mode, not problem, time.monotonic() - started, problem or f"finish_reason {reply.finish_reason}")


async def probe(settings: Settings) -> ProbeReport:
    """Probe the configured server; raises InputError when there is nothing to probe."""
    if not settings.llm_configured:
        raise InputError("no LLM configured: set OPENAI_API_KEY, --provider, or --base-url for a local server")
    s = settings.model_copy(update={"max_attempts": 1, "breaker": 0})
    report = ProbeReport(server=s.public_base_url, model=s.model, configured_mode=s.output_mode)
    async with LLMClient(s) as client:
        models, report.models = await _models(client, s.timeout)
        report.checks.append(models)
        for mode in OUTPUT_MODES:
            check = await _mode(client, mode)
            report.checks.append(check)
            if not report.checks[0].ok and check.detail.startswith("cannot reach"):
                break  # the server is not there: the other modes would say the same
    working = [c.name for c in report.checks[1:] if c.ok]
    order = [s.output_mode, *[m for m in OUTPUT_MODES if m != s.output_mode]]
    report.use_mode = next((m for m in order if m in working), None)
    return report
