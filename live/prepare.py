"""Build the live subset's eval folder for one style: the chosen eval cases, with the Chinese-only variants.

Usage: python live/prepare.py STYLE OUT_DIR  (STYLE is editor or author; OUT_DIR gets cases/<id>/).
Each case folder is copied from evals/cases; an id ending in `-zh` is the variant
whose answers the seller gave only in Chinese (live/subset.yaml `zh`), so the
model has to translate them and expect.yaml still holds the letter to every fact.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
ZH = "-zh"


def chinese_variant(case: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The case with its answers in Chinese only (English versions dropped)."""
    out = json.loads(json.dumps(case))
    for section in ("root_causes", "corrective_actions", "preventive_measures"):
        items = out.get(section) or []
        given = spec.get(section)
        if given is not None and len(given) != len(items):
            raise SystemExit(f"live/subset.yaml: zh {section} has {len(given)} items, the case {len(items)}")
        for i, item in enumerate(items):
            if given is not None:
                item["text"] = given[i]["text"]
                if "detail" in given[i]:
                    item["detail"] = given[i]["detail"]
            elif not spec.get("strip_english"):
                continue
            item.pop("text_en", None)
            item.pop("detail_en", None)
    return out


def prepare(style: str, out: Path) -> list[str]:
    subset = yaml.safe_load((ROOT / "live" / "subset.yaml").read_text(encoding="utf-8"))
    ids: list[str] = subset[style]
    cases = out / "cases"
    if cases.exists():
        shutil.rmtree(cases)
    cases.mkdir(parents=True)
    for case_id in ids:
        base = case_id.removesuffix(ZH)
        src = ROOT / "evals" / "cases" / base
        dst = cases / case_id
        shutil.copytree(src, dst)
        if case_id.endswith(ZH):
            case = json.loads((src / "case.json").read_text(encoding="utf-8"))
            variant = chinese_variant(case, subset["zh"][base])
            (dst / "case.json").write_text(json.dumps(variant, ensure_ascii=False, indent=2), encoding="utf-8")
    return ids


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("editor", "author"):
        raise SystemExit("usage: python live/prepare.py editor|author OUT_DIR")
    done = prepare(sys.argv[1], Path(sys.argv[2]))
    print(f"{len(done)} case(s) in {Path(sys.argv[2]) / 'cases'}")
