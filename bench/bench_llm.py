"""The LLM engine against the local stub server with 200 ms latency per reply (no network).

Figures: requests per draft (target 1; 2 when one re-ask is needed), prompt size
in characters, and wall time for a batch of 100 cases at --jobs 8 vs --jobs 1
(target at least 6x faster). The stub answers like a model that follows the
prompt perfectly (the offline engine's sections of the case it was sent), so
what is timed is this program's own overhead plus the server's latency.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.stub_server import StubServer, draft_reply, offline_responder

LATENCY = 0.2
BATCH = 100


def _env(stub: StubServer, home: str) -> None:
    os.environ.update(
        APPEALAGENT_HOME=home,
        OPENAI_BASE_URL=stub.url,
        APPEALAGENT_RETRY_WAIT_MAX="0.05",
        APPEALAGENT_RETRY_WAIT_INITIAL="0.01",
    )
    for var in ("OPENAI_API_KEY", "APPEALAGENT_API_KEY", "APPEALAGENT_MODEL"):
        os.environ.pop(var, None)


def per_draft(stub: StubServer) -> None:
    from appealagent.engines.offline import draft_offline
    from appealagent.model.case import Case
    from appealagent.pipeline import draft_case
    from appealagent.settings import load_settings

    examples = sorted((ROOT / "examples" / "cases").glob("*.json"))
    settings = load_settings()
    requests, chars, seconds = [], [], []
    for path in examples:
        case = Case.model_validate_json(path.read_text(encoding="utf-8"))
        before = len(stub.chat_requests)
        start = time.perf_counter()
        outcome = draft_case(case, engine="llm", settings=settings)
        seconds.append(time.perf_counter() - start)
        requests.append(len(stub.chat_requests) - before)
        chars.append(outcome.result.meta["input_chars"])
    print(f"example cases drafted: {len(examples)} count")
    print(f"requests per draft (model follows the prompt): {statistics.mean(requests):.2f} requests")
    print(f"requests per draft, max: {max(requests)} requests")
    print(f"input characters per draft, mean: {statistics.mean(chars):.0f} chars")
    print(f"input characters per draft, max: {max(chars)} chars")
    print(f"single draft wall time at {LATENCY * 1000:.0f} ms latency, median: {statistics.median(seconds) * 1000:.0f} ms")

    # One invented invoice number in the first reply: one re-ask, then accepted.
    case = Case.model_validate_json(examples[0].read_text(encoding="utf-8"))
    bad = draft_offline(case).draft.model_dump()
    bad["opening"] += " Invoice INV-99123 covers the period."
    stub.enqueue(draft_reply(bad))
    before = len(stub.chat_requests)
    draft_case(case, engine="llm", settings=settings)
    print(f"requests per draft with one ungrounded reply: {len(stub.chat_requests) - before} requests")


def batch(stub: StubServer, folder: Path) -> None:
    from appealagent.batch import run_batch
    from appealagent.letters.render import Format
    from appealagent.settings import load_settings

    examples = sorted((ROOT / "examples" / "cases").glob("*.json"))
    cases_dir = folder / "cases"
    cases_dir.mkdir()
    files = []
    for i in range(BATCH):
        data = json.loads(examples[i % len(examples)].read_text(encoding="utf-8"))
        data["case_id"] = f"bench-{i:03d}"
        p = cases_dir / f"case_{i:03d}.json"
        p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        files.append(p)
    times = {}
    for jobs in (8, 1):
        settings = load_settings(jobs=jobs)
        before = len(stub.chat_requests)
        server_cpu = stub.cpu_seconds() if hasattr(stub, "cpu_seconds") else 0.0
        start, cpu = time.perf_counter(), time.process_time()
        items = asyncio.run(
            run_batch(files, out_dir=folder / f"out{jobs}", fmt=Format.text, engine="llm", settings=settings,
                      jobs=jobs, render_output=lambda outcome, path: outcome.letter)
        )
        times[jobs] = time.perf_counter() - start
        cpu = time.process_time() - cpu
        failed = sum(1 for i in items if i.status == "failed")
        print(f"batch of {BATCH} at --jobs {jobs}: {times[jobs]:.2f} s ({len(stub.chat_requests) - before} requests, {failed} failed)")
        print(f"client CPU per case at --jobs {jobs}: {cpu / BATCH * 1000:.0f} ms")
        if hasattr(stub, "cpu_seconds"):
            print(f"stub server CPU per case at --jobs {jobs}: {(stub.cpu_seconds() - server_cpu) / BATCH * 1000:.0f} ms")
    print(f"batch speed-up --jobs 8 vs --jobs 1: {times[1] / times[8]:.1f} x")


class ExternalStub:
    """The stub server in its own process (`python -m tests.stub_server`), as a real server would be."""

    def __init__(self, latency: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.stub_server", "--latency", str(latency)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self.url = self.proc.stdout.readline().strip()

    @property
    def chat_requests(self) -> list[None]:
        self.proc.stdin.write("count\n")
        self.proc.stdin.flush()
        return [None] * int(self.proc.stdout.readline())

    def cpu_seconds(self) -> float:
        """The server process's own CPU time (it shares this machine's cores with the client)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=10)


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        with StubServer(latency=LATENCY, default=offline_responder) as stub:
            _env(stub, home)
            per_draft(stub)
        external = ExternalStub(LATENCY)
        try:
            _env(external, home)  # type: ignore[arg-type]
            batch(external, Path(home))  # type: ignore[arg-type]
        finally:
            external.close()


if __name__ == "__main__":
    main()
