"""Prompts as files: `prompts/<name>.j2`, YAML front matter plus a jinja2 body, one message per part.

Keeping prompts out of the code lets a reviewer read exactly what the model is
told, and lets every run record which prompt (id, version, sha256) produced a
letter. The body is split into messages on marker lines (`=== system ===`,
`=== user ===`) *before* rendering, so nothing in the case data can open a new
message; each part is rendered with StrictUndefined, so a missing input is an
error, not a silently empty prompt.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2

from appealagent.catalog import patterns
from appealagent.catalog.datafiles import parse_front_matter
from appealagent.errors import InputError
from appealagent.model.draft import PromptInfo
from appealagent.paths import prompts_dir

MARKER_RE = patterns.compile(r"^===\s*(system|user|assistant)\s*===\s*$", re.M)
REQUIRED_META = ("id", "version", "inputs", "output")


@dataclass(frozen=True)
class Prompt:
    id: str
    version: str
    inputs: tuple[str, ...]
    output: str
    sha256: str
    parts: tuple[tuple[str, str], ...]  # (role, template source)
    description: str = ""

    @property
    def info(self) -> PromptInfo:
        """What a run log records about the prompt."""
        return PromptInfo(id=self.id, version=self.version, sha256=self.sha256)

    def render(self, **inputs: Any) -> list[dict[str, str]]:
        """Chat messages for these inputs; the inputs must be exactly the declared ones."""
        given, declared = set(inputs), set(self.inputs)
        if given != declared:
            missing, extra = sorted(declared - given), sorted(given - declared)
            raise ValueError(f"prompt {self.id}: missing inputs {missing}, unexpected inputs {extra}")
        messages = []
        for role, source in self.parts:
            text = _compiled(source).render(**inputs).strip()
            if text:
                messages.append({"role": role, "content": text})
        return messages


def _tojson_data(value: Any) -> str:
    """JSON for data blocks; '</' is escaped so no value can close the surrounding tag."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).replace("</", "<\\/")


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["data_json"] = _tojson_data
    env.filters["fence"] = lambda text: str(text).replace("</", "<\\/")
    return env


@cache
def _compiled(source: str) -> jinja2.Template:
    """Compile each prompt part once per process (compiling costs far more than rendering)."""
    return _env().from_string(source)


def parse_prompt(text: str, *, name: str = "prompt") -> Prompt:
    """Parse a prompt file's text; errors name the file because a broken prompt is a packaging bug."""
    post = parse_front_matter(text)
    meta = post.metadata
    for key in REQUIRED_META:
        if key not in meta:
            raise InputError(f"{name}: front matter needs {key!r}")
    pieces = MARKER_RE.split(post.content)
    if len(pieces) < 3 or pieces[0].strip():
        raise InputError(f"{name}: the body must start with a '=== system ===' or '=== user ===' line")
    parts = tuple((pieces[i], pieces[i + 1]) for i in range(1, len(pieces), 2))
    try:
        for _, source in parts:
            _env().parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"{name}: line {exc.lineno}: {exc.message}") from None
    return Prompt(
        id=str(meta["id"]),
        version=str(meta["version"]),
        inputs=tuple(meta["inputs"] or ()),
        output=str(meta["output"]),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        parts=parts,
        description=str(meta.get("description", "")),
    )


@cache
def load_prompt(name: str) -> Prompt:
    """`prompts/<name>.j2`, parsed once per process."""
    path = prompts_dir() / f"{name}.j2"
    if not path.is_file():
        raise InputError(f"{path}: prompt file not found (is the package installed completely?)")
    return parse_prompt(path.read_text(encoding="utf-8"), name=str(path))
