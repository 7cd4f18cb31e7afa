"""catalog.patterns: compiled regex code kept on disk gives exactly what re.compile gives, and falls back safely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from appealagent.catalog import patterns
from appealagent.checks import data as check_data

SAMPLES = [
    (r"(?P<word>\b(?:late|delayed) (?:shipment|dispatch)s?\b)|(?<![\d.])(\d{1,3})\s?%", re.IGNORECASE),
    (r"(?-i:\bODR\b)|order defect rate", re.IGNORECASE),
    (r"^\s*[*_]*(?P<label>root cause)[*_]*\s*[:：]\s*(?P<v>.*?)\s*$", re.IGNORECASE | re.MULTILINE),
    (r"[\u3000-\u303f\u4e00-\u9fff]+", 0),
]
TEXT = "Our Late shipments rose to 7.5 % (odr 2%, ODR 3 %).\n**Root cause:** weekend staffing\n迟发率 5%"


@pytest.fixture(autouse=True)
def _fresh() -> None:
    patterns.reset()
    yield
    patterns.reset()


def _same(a: re.Pattern[str], b: re.Pattern[str]) -> None:
    assert (a.pattern, a.flags, a.groups, dict(a.groupindex)) == (b.pattern, b.flags, b.groups, dict(b.groupindex))
    assert [m.span() for m in a.finditer(TEXT)] == [m.span() for m in b.finditer(TEXT)]
    assert [m.groupdict() for m in a.finditer(TEXT)] == [m.groupdict() for m in b.finditer(TEXT)]


def test_compiled_from_disk_behaves_like_re_compile(_isolated_home: Path) -> None:
    first = [patterns.compile(p, f) for p, f in SAMPLES]
    patterns.save()
    assert patterns.cache_file().is_file()
    patterns.reset()  # as a new process would: the code comes from the file
    second = [patterns.compile(p, f) for p, f in SAMPLES]
    assert not patterns._disabled and patterns._stored is not None and len(patterns._stored) >= len(SAMPLES)
    for (p, f), a, b in zip(SAMPLES, first, second, strict=True):
        _same(a, re.compile(p, f))
        _same(b, re.compile(p, f))


def test_every_checks_list_compiles_identically(_isolated_home: Path) -> None:
    for name in ("tone", "specificity", "boilerplate"):
        for node in check_data.load(name).values():
            items = node.get("patterns") if isinstance(node, dict) else node
            if isinstance(items, list) and items and all(isinstance(p, str) for p in items):
                joined = "|".join(f"(?:{p})" for p in items)
                _same(patterns.compile(joined, re.IGNORECASE), re.compile(joined, re.IGNORECASE))


def test_a_damaged_cache_file_falls_back_to_re_compile(_isolated_home: Path) -> None:
    path = patterns.cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    p, f = SAMPLES[0]
    # well-formed file, nonsense code: _sre refuses it and the process compiles normally
    import marshal

    path.write_bytes(marshal.dumps({(p, int(f)): (int(f), [1, 2, 3], 0, {}, ())}))
    _same(patterns.compile(p, f), re.compile(p, f))
    assert patterns._disabled
    patterns.reset()
    path.write_bytes(b"not marshal data")
    _same(patterns.compile(p, f), re.compile(p, f))
