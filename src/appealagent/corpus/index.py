"""Word n-gram index of the corpus letters, for the checks' "copied from an example" signal.

Comparing a letter with every corpus letter used to mean parsing the whole corpus
(front matter, parts, validation) on every `draft` and `check`. The index keeps, per
letter, only its id, its file and the set of its word n-grams as stable 64-bit hashes
(blake2b; Python's own `hash` changes per process). It is built once per corpus state
and kept in the user cache dir: the key is every letter file's name, size and mtime in
the built-in and the user's folder, so a letter added with `corpus add` (or edited)
makes a new index on the next run, and a stale one is never read.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import tempfile
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from appealagent import paths
from appealagent.catalog import patterns
from appealagent.corpus.store import letter_files, load_corpus

INDEX_VERSION = 1
_TOKEN_RE = patterns.compile(r"\w+")
_PREFIX = "overlap-"


@dataclass(frozen=True)
class IndexedLetter:
    """One example letter as the overlap check sees it."""

    id: str
    path: Path | None
    grams: frozenset[int]


def tokens(text: str) -> list[re.Match[str]]:
    """The words of a text, with their positions."""
    return list(_TOKEN_RE.finditer(text))


def gram_keys(words: Sequence[str], n: int) -> list[int]:
    """A stable 64-bit hash of each run of `n` words (lower-cased by the caller), in order."""
    out: list[int] = []
    for i in range(len(words) - n + 1):
        digest = hashlib.blake2b("\x1f".join(words[i : i + n]).encode("utf-8"), digest_size=8).digest()
        out.append(int.from_bytes(digest, "little"))
    return out


@lru_cache(maxsize=512)
def gram_set(text: str, n: int) -> frozenset[int]:
    """The distinct word n-grams of a text (case ignored)."""
    return frozenset(gram_keys([m.group().lower() for m in _TOKEN_RE.finditer(text)], n))


def index_letters(letters: Iterable[object], n: int) -> tuple[IndexedLetter, ...]:
    """Index letters held in memory: corpus `Letter`s, anything with `.english` (and `.id`, `.path`), or plain strings."""
    out = []
    for i, letter in enumerate(letters):
        text = getattr(letter, "english", letter)
        if not isinstance(text, str) or not text:
            continue
        path = getattr(letter, "path", None)
        out.append(IndexedLetter(str(getattr(letter, "id", i)), Path(path) if path is not None else None, gram_set(text, n)))
    return tuple(out)


def _fingerprint(folder: Path | None) -> list[tuple[str, int, int]]:
    if folder is None:
        return []
    out = []
    for p in letter_files(folder):
        st = p.stat()
        out.append((p.name, st.st_size, st.st_mtime_ns))
    return out


def corpus_key(n: int, include_user: bool = True) -> str:
    """The key of the corpus as it is now on disk (changes with any added, removed or edited letter)."""
    builtin = paths.fewshot_dir()
    user = paths.user_corpus_dir() if include_user else None
    state = repr((INDEX_VERSION, n, str(builtin), _fingerprint(builtin), str(user), _fingerprint(user)))
    return hashlib.blake2b(state.encode("utf-8"), digest_size=12).hexdigest()


_MEMO: dict[str, tuple[IndexedLetter, ...]] = {}


def corpus_index(n: int, include_user: bool = True) -> tuple[IndexedLetter, ...]:
    """The index of the built-in and the user's letters: from memory, else the cache file, else built and saved."""
    key = corpus_key(n, include_user)
    found = _MEMO.get(key)
    if found is not None:
        return found
    cache_file = paths.user_cache_dir() / f"{_PREFIX}{key}.bin"
    found = _read(cache_file)
    if found is None:
        found = index_letters(load_corpus(include_user=include_user), n)
        _write(cache_file, found)
    _MEMO.clear()
    _MEMO[key] = found
    return found


def _read(path: Path) -> tuple[IndexedLetter, ...] | None:
    try:
        raw = marshal.loads(path.read_bytes())
        return tuple(IndexedLetter(letter_id, Path(p) if p else None, frozenset(array("Q", grams))) for letter_id, p, grams in raw)
    except (OSError, EOFError, ValueError, TypeError):
        return None  # missing or unreadable: rebuilt from the letters


def _write(path: Path, letters: tuple[IndexedLetter, ...]) -> None:
    """Save atomically and drop the indexes of older corpus states; a read-only cache only costs speed."""
    raw = [(letter.id, str(letter.path) if letter.path else "", array("Q", sorted(letter.grams)).tobytes()) for letter in letters]
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".overlap-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(raw))
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob(f"{_PREFIX}*.bin"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
