"""Cached access to the YAML data files that ship inside the package (wording, rules, metric targets).

Every module reads its package data through `load_yaml`, so there is one loader
(libyaml's C parser when PyYAML has it: data files are parsed on every run and
the pure-Python parser was a large share of a draft's start-up) and one cache.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from appealagent.paths import package_data_dir

YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """Parse YAML text (front matter, sidecars) with the same safe, fast loader."""
    return yaml.load(text, Loader=YAML_LOADER)


@cache
def load_yaml(relative: str) -> Any:
    """Parse `src/appealagent/data/<relative>` once per process; data errors are bugs, so they raise."""
    with (package_data_dir() / relative).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=YAML_LOADER)


def metric_info(name: str) -> dict[str, Any]:
    """Label and Amazon target for a metric, from data/metrics.yaml."""
    return load_yaml("metrics.yaml")["metrics"][name]


def type_wording(violation_type: str | None) -> dict[str, Any]:
    """The offline engine's wording for a violation type, with `_default` filling the gaps."""
    table = load_yaml("wording/types.yaml")
    merged = dict(table["_default"])
    merged.update(table.get(violation_type or "other") or {})
    return merged


def parse_front_matter(text: str) -> Any:
    """A Markdown file with YAML front matter (corpus letters, prompts), through the same fast loader."""
    import frontmatter
    from frontmatter.default_handlers import YAMLHandler

    class _FastYAML(YAMLHandler):  # type: ignore[misc]
        def load(self, fm: str, **kwargs: Any) -> Any:
            kwargs.setdefault("Loader", YAML_LOADER)
            return super().load(fm, **kwargs)

    return frontmatter.loads(text, handler=_FastYAML())
