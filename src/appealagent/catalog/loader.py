"""Parse the YAML data files that ship inside the package: once per process, with one fast loader.

libyaml's C parser is used when PyYAML has it: data files are parsed on every run and the
pure-Python parser was a large share of a draft's start-up. Callers use
`catalog.datafiles.load_yaml` (or a typed catalogue such as `catalog.metrics`); this
module is the layer under both, so the catalogues can read files without a cycle.
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
def load_data(relative: str) -> Any:
    """Parse `src/appealagent/data/<relative>` once per process; data errors are bugs, so they raise."""
    with (package_data_dir() / relative).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=YAML_LOADER)
