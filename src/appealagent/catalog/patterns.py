"""Compiling the data files' regexes cheaply: `compile()` like `re.compile`, with the compiled code kept on disk.

The checks and intake hold a few hundred phrase patterns (about 50 KB of regex). Python
compiles a pattern in pure Python (parse, then code generation), which cost ~50 ms
of every `appealagent draft`; only the last step, `_sre.compile(code)`, is C. So the
generated code of each pattern is kept in the user cache dir and handed straight to
`_sre.compile` on the next run (~2 ms for all of them). The cache file is keyed by the
Python version and the sre engine's MAGIC number, `_sre.compile` validates the code it
is given, and any surprise (another Python, a damaged file, changed internals) falls back
to plain `re.compile` for the process, so the worst case is the old speed, never another
result. The same pattern always compiles to the same code, so a stale entry cannot exist.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from appealagent import paths

_Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
_MAX_ENTRIES = 4000

_compiled: dict[tuple[str, int], re.Pattern[str]] = {}
_stored: dict[tuple[str, int], _Entry] | None = None  # None: the cache file is not read yet
_dirty = False
_disabled = False


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """The compiled pattern, from this process's memo, else the disk cache, else compiled (and remembered)."""
    key = (pattern, int(flags))
    found = _compiled.get(key)
    if found is None:
        found = _compiled[key] = _from_cache(key)
    return found


def _from_cache(key: tuple[str, int]) -> re.Pattern[str]:
    global _dirty, _disabled
    if _disabled:
        return re.compile(*key)
    try:
        stored = _load()
        entry = stored.get(key)
        if entry is not None:
            return _sre_compile(key[0], entry)
        entry = _generate(*key)
        result = _sre_compile(key[0], entry)
        stored[key] = entry
        if not _dirty:
            _dirty = True
            atexit.register(save)
        return result
    except Exception:  # internals changed or a damaged entry: plain compile for the rest of the process
        _disabled = True
        return re.compile(*key)


def _sre_compile(pattern: str, entry: _Entry) -> re.Pattern[str]:
    flags, code, groups, groupindex, indexgroup = entry
    result: re.Pattern[str] = _sre().compile(pattern, flags, code, groups, groupindex, indexgroup)
    return result


def _sre() -> ModuleType:
    """CPython's regex engine (private: what `re` itself hands compiled code to)."""
    return importlib.import_module("_sre")


def _generate(pattern: str, flags: int) -> _Entry:
    """What `re._compiler.compile` hands to `_sre.compile` (Python 3.11–3.13)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(c) for c in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def cache_file() -> Path:
    """This Python's cache file (another version or sre engine gets its own)."""
    sre = _sre()
    tag = hashlib.blake2b(f"{sys.version}|{sre.MAGIC}|{sre.CODESIZE}".encode(), digest_size=8).hexdigest()
    return paths.user_cache_dir() / f"regex-{tag}.bin"


def _load() -> dict[tuple[str, int], _Entry]:
    global _stored
    if _stored is None:
        try:
            raw = marshal.loads(cache_file().read_bytes())
            _stored = raw if isinstance(raw, dict) else {}
        except (OSError, EOFError, ValueError, TypeError):
            _stored = {}
    return _stored


def save() -> None:
    """Write the cache file if this process compiled anything new (run at exit; a failure only costs speed)."""
    global _dirty
    if not _dirty or _stored is None or _disabled:
        return
    _dirty = False
    entries = _stored if len(_stored) <= _MAX_ENTRIES else {}
    path = cache_file()
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".regex-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(entries))
        os.replace(tmp, path)
        tmp = None
    except (OSError, ValueError):
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def reset() -> None:
    """Forget the memo and the loaded cache (tests; a new APPEALAGENT_HOME)."""
    global _stored, _dirty, _disabled
    _compiled.clear()
    _stored = None
    _dirty = False
    _disabled = False
