"""The few-shot letter corpus: parse, validate and load letters (built-in and the user's own).

The drafting step copies the shape and tone of the letters retrieved from here, so a
broken letter (a missing part, a wrong type, a half translation) silently teaches the
model the wrong thing. Hence one strict parser that reports every problem with its
file and field, used both by `corpus validate` and by loading, and one format table
(`data/corpus/format.yaml`) shared with the docs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from appealagent import paths
from appealagent.catalog import patterns
from appealagent.catalog.datafiles import load_yaml, parse_front_matter
from appealagent.errors import InputError
from appealagent.files import read_text
from appealagent.model.case import LetterKind, Marketplace, ViolationType, has_cjk

Origin = Literal["builtin", "user"]
Outcome = Literal["reinstated", "model", "unknown"]

ID_RE = patterns.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC_RE = patterns.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
PART_RE = patterns.compile(r"^##(?!#)\s*(.*?)\s*$")
SECTION_RE = patterns.compile(r"^###(?!#)\s*(.*?)\s*$")
DOC_NAMES = {"readme.md"}


class Letter(BaseModel):
    """One corpus letter; `sections` maps section keys to their English text without headings."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: LetterKind
    violation_type: ViolationType
    topic: str | None = None
    marketplace: Marketplace | None = None
    outcome: Outcome
    source: str
    tags: list[str]
    sections: dict[str, str]
    english: str
    chinese: str | None = None
    path: Path
    origin: Origin


@dataclass(frozen=True)
class CorpusProblem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@cache
def corpus_format() -> dict[str, Any]:
    """The format table; a broken table is a packaging bug, so it raises."""
    return load_yaml("corpus/format.yaml")


def section_headings() -> dict[str, str]:
    """Section key -> its exact English heading (without '### ')."""
    return dict(corpus_format()["sections"])


def is_letter_file(path: Path) -> bool:
    return path.is_file() and path.suffix == ".md" and path.name.lower() not in DOC_NAMES


def letter_files(folder: Path) -> list[Path]:
    """The letter files of a folder (not recursive); README.md is documentation."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if is_letter_file(p))


# --------------------------------------------------------------------------- parsing


class _Report:
    """Collects problems for one file so validation can show them all at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[CorpusProblem] = []

    def add(self, field: str, message: str) -> None:
        self.problems.append(CorpusProblem(self.file, field, message))


def _enum_value(report: _Report, meta: dict[str, Any], key: str, enum: type[StrEnum]) -> Any:
    """The enum member, or None (missing values are reported by the required-field check)."""
    value = meta.get(key)
    if value is None or value == "":
        return None
    try:
        return enum(str(value))
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        report.add(key, f"unknown value {value!r}; expected one of: {allowed}")
        return None


def _check_meta(report: _Report, meta: dict[str, Any], origin: Origin, stem: str) -> dict[str, Any]:
    """Check the front matter; returns the cleaned values (None where a field was bad)."""
    fmt = corpus_format()
    required = list(fmt["required"]) + (list(fmt["builtin_required"]) if origin == "builtin" else [])
    for key in meta:
        if key not in fmt["allowed"]:
            report.add(str(key), f"unknown field; allowed fields: {', '.join(fmt['allowed'])}")
    for key in required:
        if key not in meta or meta[key] is None or meta[key] == "" or meta[key] == []:
            report.add(key, "missing" if key not in meta else "is empty")

    out: dict[str, Any] = {}
    raw_id = meta.get("id")
    if raw_id is not None:
        if not isinstance(raw_id, str) or not ID_RE.match(raw_id):
            report.add("id", f"{raw_id!r} must be lower-case letters, digits and hyphens, e.g. lsr-weekend-dispatch-us")
        elif raw_id != stem:
            report.add("id", f"{raw_id!r} differs from the file name {stem!r}; they must be equal")
        else:
            out["id"] = raw_id
    out["kind"] = _enum_value(report, meta, "kind", LetterKind)
    out["violation_type"] = _enum_value(report, meta, "violation_type", ViolationType)
    out["marketplace"] = _enum_value(report, meta, "marketplace", Marketplace)

    topic = meta.get("topic")
    if topic is not None and (not isinstance(topic, str) or not TOPIC_RE.match(topic)):
        report.add("topic", f"{topic!r} must be a short snake_case word such as weekend_dispatch")
        topic = None
    out["topic"] = topic

    outcome = meta.get("outcome")
    if outcome is not None and outcome not in fmt["outcomes"]:
        report.add("outcome", f"unknown value {outcome!r}; expected one of: {', '.join(fmt['outcomes'])}")
        outcome = None
    out["outcome"] = outcome

    source = meta.get("source")
    if source is not None and not isinstance(source, str):
        report.add("source", "must be text")
        source = None
    out["source"] = source or ""

    tags = meta.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        report.add("tags", "must be a list of words, e.g. [weekend, dispatch]")
        tags = []
    out["tags"] = [t.strip() for t in tags]

    language = meta.get("language")
    if language is not None and language not in fmt["languages"]:
        report.add("language", f"unknown value {language!r}; the letter part must be English (en)")
    translation = meta.get("translation")
    if translation is not None and translation not in fmt["translations"]:
        report.add("translation", f"unknown value {translation!r}; expected: {', '.join(fmt['translations'])}")
    out["translation"] = translation

    sections = meta.get("sections")
    known = section_headings()
    out["sections"] = None
    if sections is not None:
        if not isinstance(sections, list) or not sections:
            report.add("sections", f"must be a list of section keys: {', '.join(known)}")
        else:
            bad = [s for s in sections if s not in known]
            if bad:
                report.add("sections", f"unknown section {bad[0]!r}; expected some of: {', '.join(known)}")
            elif len(set(sections)) != len(sections):
                report.add("sections", "lists a section twice")
            else:
                out["sections"] = list(sections)
                if origin == "builtin" and out["kind"] is not None:
                    allowed = fmt["kind_sections"][out["kind"].value]
                    if list(sections) not in allowed:
                        shapes = " or ".join("[" + ", ".join(a) + "]" for a in allowed)
                        report.add("sections", f"{out['kind'].value} letters use {shapes}")
    return out


def _split_parts(report: _Report, body: str) -> tuple[str, str | None]:
    """Split the body at '## English' / '## 中文译文'; a body with no '## ' heading is all English."""
    fmt_parts = corpus_format()["parts"]
    names = {fmt_parts["english"].lower(): "english", fmt_parts["chinese"].lower(): "chinese"}
    lines = body.splitlines()
    chunks: dict[str, list[str]] = {}
    current: str | None = None
    preamble: list[str] = []
    for line in lines:
        m = PART_RE.match(line)
        if m:
            name = names.get(m.group(1).lower())
            if name is None:
                report.add("body", f"unknown part heading {line.strip()!r}; expected '## {fmt_parts['english']}' or '## {fmt_parts['chinese']}'")
                current = None
                continue
            if name in chunks:
                report.add("body", f"part '## {m.group(1)}' appears twice")
            current = name
            chunks[name] = []
            continue
        (chunks[current] if current else preamble).append(line)
    if not chunks:
        return body, None
    if "\n".join(preamble).strip():
        report.add("body", f"text before the first '## ' part heading; start with '## {fmt_parts['english']}'")
    if "english" not in chunks:
        report.add("body", f"no '## {fmt_parts['english']}' part")
    english = "\n".join(chunks.get("english", []))
    chinese = "\n".join(chunks["chinese"]) if "chinese" in chunks else None
    return english, chinese


def _split_sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Return the text before the first '### ' heading and (heading, text) pairs."""
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        m = SECTION_RE.match(line)
        if m:
            sections.append((m.group(1), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
    return "\n".join(preamble).strip(), [(h, "\n".join(body).strip()) for h, body in sections]


def _check_english(report: _Report, english: str, declared: list[str] | None) -> dict[str, str]:
    headings = section_headings()
    by_heading = {h.lower(): key for key, h in headings.items()}
    preamble, found = _split_sections(english)
    if not english.strip():
        report.add("english", "the English part is empty")
        return {}
    if preamble:
        report.add("english", "text before the first '### ' section heading")
    if has_cjk(english):
        report.add("english", "the English part contains Chinese/Japanese characters or full-width punctuation")
    sections: dict[str, str] = {}
    for heading, text in found:
        key = by_heading.get(heading.lower().rstrip(":").strip())
        if key is None:
            expected = ", ".join(f"'### {h}'" for h in headings.values())
            report.add("sections", f"unknown heading '### {heading}'; expected one of {expected}")
            continue
        if key in sections:
            report.add("sections", f"heading '### {headings[key]}' appears twice")
            continue
        if not text:
            report.add("sections", f"section '### {headings[key]}' is empty")
        sections[key] = text
    if declared is not None:
        for key in declared:
            if key not in sections:
                report.add("sections", f"declares {key!r} but the English part has no '### {headings[key]}' heading")
        for key in sections:
            if key not in declared:
                report.add("sections", f"heading '### {headings[key]}' is not declared in sections")
        present = [k for k in sections if k in declared]
        if present != [k for k in declared if k in sections]:
            report.add("sections", "the '### ' headings are not in the declared order")
    return sections


def _check_chinese(report: _Report, chinese: str | None, english: str, origin: Origin, translation: str | None) -> None:
    zh_heading = corpus_format()["parts"]["chinese"]
    if chinese is None:
        if origin == "builtin" or translation:
            report.add("translation", f"no '## {zh_heading}' part")
        return
    if not has_cjk(chinese):
        report.add("translation", f"the '## {zh_heading}' part has no Chinese text")
        return
    _, en_sections = _split_sections(english)
    zh_preamble, zh_sections = _split_sections(chinese)
    if len(zh_sections) != len(en_sections):
        report.add("translation", f"{len(zh_sections)} '### ' headings in the Chinese part, {len(en_sections)} in the English part; translate every section")
        return
    if zh_preamble:
        report.add("translation", "text before the first '### ' heading of the Chinese part")
    for i, (heading, text) in enumerate(zh_sections, 1):
        if not text:
            report.add("translation", f"Chinese section {i} ('### {heading}') is empty")


def _inspect(path: Path, text: str, origin: Origin) -> tuple[Letter | None, list[CorpusProblem]]:
    """Parse one letter and collect every problem; the Letter is None when there is any."""
    report = _Report(str(path))
    try:
        post = parse_front_matter(text)
        meta, body = dict(post.metadata), post.content
    except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        report.add("front matter", f"not valid YAML ({detail})")
        return None, report.problems
    if not meta:
        report.add("front matter", "missing; a letter starts with '---', YAML fields, '---'")
        return None, report.problems
    clean = _check_meta(report, meta, origin, path.stem)
    english, chinese = _split_parts(report, body)
    sections = _check_english(report, english, clean["sections"])
    _check_chinese(report, chinese, english, origin, clean["translation"])
    if report.problems:
        return None, report.problems
    plain_english = "\n".join(SECTION_RE.sub(r"\1", line) for line in english.strip().splitlines())
    letter = Letter(
        id=clean["id"],
        kind=clean["kind"],
        violation_type=clean["violation_type"],
        topic=clean["topic"],
        marketplace=clean["marketplace"],
        outcome=clean["outcome"],
        source=clean["source"],
        tags=clean["tags"],
        sections={key: sections[key] for key in clean["sections"]},
        english=plain_english,
        chinese=chinese.strip() if chinese is not None else None,
        path=path,
        origin=origin,
    )
    return letter, []


def check_text(path: Path, text: str, origin: Origin) -> tuple[Letter | None, list[CorpusProblem]]:
    """Check a letter's text as if it were stored at `path` (used before writing a user's letter)."""
    return _inspect(Path(path), text, origin)


def parse_letter(path: str | Path, origin: Origin = "builtin") -> Letter:
    """Parse one letter file; the InputError names the file and the first bad field."""
    p = Path(path)
    text = read_text(p, what="corpus letter")
    letter, problems = _inspect(p, text, origin)
    if problems:
        raise InputError(_summary(problems))
    assert letter is not None
    return letter


def _summary(problems: list[CorpusProblem]) -> str:
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''}; run `appealagent corpus validate` to see all)" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"


# --------------------------------------------------------------------------- folders


def _scan(folder: Path, origin: Origin) -> tuple[list[Letter], list[CorpusProblem]]:
    letters: list[Letter] = []
    problems: list[CorpusProblem] = []
    claims: list[tuple[Path, str | None, Letter | None]] = []
    for path in letter_files(folder):
        try:
            text = read_text(path, what="corpus letter")
        except InputError as exc:
            problems.append(CorpusProblem(str(path), "file", exc.message.removeprefix(f"{path}: ")))
            continue
        letter, found = _inspect(path, text, origin)
        problems.extend(found)
        claims.append((path, letter.id if letter else _raw_id(text), letter))
    # The file named after an id owns it; any other file claiming that id is the duplicate.
    owner: dict[str, Path] = {}
    for path, letter_id, _ in sorted(claims, key=lambda c: (c[0].stem != c[1], c[0].name)):
        if letter_id and letter_id not in owner:
            owner[letter_id] = path
    for path, letter_id, letter in claims:
        if letter_id and owner[letter_id] != path:
            problems.append(CorpusProblem(str(path), "id", f"{letter_id!r} duplicates the id of {owner[letter_id]}"))
        elif letter is not None:
            letters.append(letter)
    return letters, problems


def _raw_id(text: str) -> str | None:
    """The id a broken letter claims, so a copied file with an unchanged id is reported as a duplicate."""
    try:
        value = parse_front_matter(text).metadata.get("id")
    except Exception:  # the parse problem itself is already reported
        return None
    return value if isinstance(value, str) else None


def infer_origin(folder: Path) -> Origin:
    """The user's corpus folder gets the user rules (translation optional); any other folder the built-in rules."""
    try:
        if folder.resolve() == paths.user_corpus_dir().resolve():
            return "user"
    except OSError:
        pass
    return "builtin"


def validate_dir(path: str | Path, origin: Origin | None = None) -> list[CorpusProblem]:
    """Every problem in a corpus folder (empty list: all letters are good)."""
    folder = Path(path)
    if not folder.exists():
        raise InputError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InputError(f"{folder}: is a file, expected a corpus folder")
    rules = origin or infer_origin(folder)
    letters, problems = _scan(folder, rules)
    if not letters and not problems:
        problems.append(CorpusProblem(str(folder), "folder", "no letters (*.md files other than README.md) found"))
    return problems


def load_dir(path: str | Path, origin: Origin) -> list[Letter]:
    """All letters of a folder, or an InputError naming the first bad file and field."""
    letters, problems = _scan(Path(path), origin)
    if problems:
        raise InputError(_summary(problems))
    return letters


_CACHE: dict[tuple[Any, ...], list[Letter]] = {}


def _fingerprint(folder: Path) -> tuple[Any, ...]:
    """Names, sizes and times of a folder's letters, so an edited or added letter reloads."""
    out = []
    for p in letter_files(folder):
        st = p.stat()
        out.append((p.name, st.st_size, st.st_mtime_ns))
    return (str(folder), tuple(out))


def load_corpus(include_user: bool = True) -> list[Letter]:
    """Built-in letters merged with the user's (a user letter replaces a built-in one with its id), sorted by id.

    Cached per process; the cache key includes every file's size and mtime, so a letter added
    with `corpus add` in the same process is seen at once.
    """
    builtin_dir = paths.fewshot_dir()
    user_dir = paths.user_corpus_dir() if include_user else None
    key = (_fingerprint(builtin_dir), _fingerprint(user_dir) if user_dir else None)
    cached = _CACHE.get(key)
    if cached is None:
        merged = {letter.id: letter for letter in load_dir(builtin_dir, "builtin")}
        if user_dir is not None:
            merged.update({letter.id: letter for letter in load_dir(user_dir, "user")})
        cached = sorted(merged.values(), key=lambda letter: letter.id)
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[key] = cached
    return list(cached)


def clear_cache() -> None:
    _CACHE.clear()
