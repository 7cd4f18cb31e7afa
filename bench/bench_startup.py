"""Start-up cost as a seller feels it: whole processes, against a bare `python -c "import pydantic"`.

Times, in the same venv and in one run, the median of 7 of each of:

    python -c "import pydantic"                      the yardstick
    appealagent --help                               target ≤ 3× the yardstick
    appealagent draft --engine offline EXAMPLE       target ≤ 4× (offline, with checks)
    the floor: the Case model and one validation, then + typer, jinja2, PyYAML, then + pydantic-settings

The three commands take turns (one run of each, seven rounds) so a busy machine slows
them alike. The draft's run log goes to a throw-away APPEALAGENT_HOME. With `--why`,
also prints the slowest imports of each command (`python -X importtime`).

Run: python bench/bench_startup.py [--why]   (prints `name: value unit` lines)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "cases" / "late_shipment_us.json"
RUNS = 7
TARGETS = {"help": 3.0, "draft": 4.0}


def _cli() -> list[str]:
    """The installed `appealagent` script next to this interpreter (what a seller runs), else `-m`."""
    script = Path(sys.executable).with_name("appealagent")
    return [str(script)] if script.exists() else [sys.executable, "-m", "appealagent"]


def commands() -> dict[str, list[str]]:
    cli = _cli()
    return {
        "pydantic": [sys.executable, "-c", "import pydantic"],
        "help": [*cli, "--help"],
        "draft": [*cli, "draft", "--engine", "offline", str(CASE)],
        # The floor under the draft's target: the libraries and the Case model alone, nothing drafted or checked.
        "floor_case": [sys.executable, "-c", f"from appealagent.model.case import Case; Case.model_validate_json(open({str(CASE)!r}).read())"],
        "floor_libs": [sys.executable, "-c", f"import typer, jinja2, yaml; from appealagent.model.case import Case; Case.model_validate_json(open({str(CASE)!r}).read())"],
        "floor_settings": [sys.executable, "-c", f"import typer, jinja2, yaml, pydantic_settings; from appealagent.model.case import Case; Case.model_validate_json(open({str(CASE)!r}).read())"],
    }


def _once(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1 = drafted but not ready: still a whole run
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}")
    return elapsed


def medians(env: dict[str, str]) -> dict[str, float]:
    cmds = commands()
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for cmd in cmds.values():  # warm the page cache and .pyc files first
        _once(cmd, env)
    for _ in range(RUNS):
        for name, cmd in cmds.items():
            times[name].append(_once(cmd, env))
    return {name: statistics.median(values) for name, values in times.items()}


def slowest_imports(cmd: list[str], env: dict[str, str], top: int = 12) -> list[tuple[int, str]]:
    """(cumulative µs, module) of the top-level imports that cost most, from -X importtime."""
    run = [sys.executable, "-X", "importtime", *(cmd[1:] if cmd[0] == sys.executable else ["-m", "appealagent", *cmd[1:]])]
    err = subprocess.run(run, check=False, capture_output=True, text=True, env=env).stderr
    rows: list[tuple[int, str]] = []
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            if cumulative.isdigit():
                rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, APPEALAGENT_HOME=home)
        for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "APPEALAGENT_MODEL", "APPEALAGENT_API_KEY"):
            env.pop(var, None)
        found = medians(env)
        base = found["pydantic"]
        print(f"startup python -c 'import pydantic' (median of {RUNS}): {base * 1000:.0f} ms")
        for name, label in (("help", "appealagent --help"), ("draft", "appealagent draft --engine offline (with checks)")):
            ratio = found[name] / base
            verdict = "met" if ratio <= TARGETS[name] else "NOT met"
            print(f"startup {label}: {found[name] * 1000:.0f} ms = {ratio:.1f}× (target ≤ {TARGETS[name]:g}×: {verdict})")
        for name, label in (
            ("floor_case", "the Case model + validating one case"),
            ("floor_libs", "+ typer, jinja2, PyYAML"),
            ("floor_settings", "+ pydantic-settings"),
        ):
            print(f"startup floor, {label}: {found[name] * 1000:.0f} ms = {found[name] / base:.1f}×")
        if "--why" in sys.argv:
            for name, cmd in commands().items():
                print(f"slowest imports of {name}:")
                for micros, module in slowest_imports(cmd, env):
                    print(f"  {micros / 1000:7.1f} ms  {module}")


if __name__ == "__main__":
    main()
