"""Cached access to the YAML data files that ship inside the package (wording, rules, metric targets).

Every module reads its package data through `load_yaml`, so there is one loader and one
cache (see `catalog.loader`): each file is parsed at most once per process. Typed
catalogues sit beside this module: `catalog.metrics` for Amazon's metrics.
"""

from __future__ import annotations

from typing import Any

from appealagent.catalog.loader import YAML_LOADER, load_data, parse_yaml
from appealagent.catalog.metrics import metric_info

__all__ = ["YAML_LOADER", "load_yaml", "metric_info", "parse_front_matter", "parse_yaml", "type_wording"]

def load_yaml(relative: str) -> Any:
    """Parse `src/appealagent/data/<relative>` once per process; data errors are bugs, so they raise."""
    return load_data(relative)


def type_wording(violation_type: str | None) -> dict[str, Any]:
    """The offline engine's wording for a violation type, with `_default` filling the gaps."""
    table = load_data("wording/types.yaml")
    merged = dict(table["_default"])
    merged.update(table.get(violation_type or "other") or {})
    return merged


def parse_front_matter(text: str) -> Any:
    """A Markdown file with YAML front matter (corpus letters, prompts), through the same fast loader."""
    import frontmatter
    from frontmatter.default_handlers import YAMLHandler

    class _FastYAML(YAMLHandler):
        def load(self, fm: str, **kwargs: Any) -> Any:
            kwargs.setdefault("Loader", YAML_LOADER)
            return super().load(fm, **kwargs)

    return frontmatter.loads(text, handler=_FastYAML())
