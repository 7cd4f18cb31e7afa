"""Reading user files and writing results without ever losing what is already there.

Generic file I/O only (text, JSON, YAML, pydantic models, atomic writes): the
letter formats read and write through `appealagent.letters`, which builds on this.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from appealagent.catalog.datafiles import parse_yaml
from appealagent.errors import CaseValidationError, InputError, OutputExistsError

M = TypeVar("M", bound=BaseModel)

MAX_INPUT_BYTES = 10 * 1024 * 1024


def read_text(path: str | Path, *, what: str = "file", max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Read a UTF-8 text file (or stdin for '-') with one-line errors for every way it can fail."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = "<stdin>"
    else:
        p = Path(path)
        name = str(p)
        if not p.exists():
            raise InputError(f"{name}: no such {what}")
        if p.is_dir():
            raise InputError(f"{name}: is a folder, expected a {what}")
        try:
            with p.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise InputError(f"{name}: larger than {max_bytes // (1024 * 1024)} MB; is this the right {what}?")
    return decode_text(data, name=name, what=what)


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Encodings a notice, letter or answer file really comes in when it is not UTF-8 (Windows
# Notepad's "ANSI" on a Chinese, Taiwanese or Japanese PC, or a Western one).
_LEGACY = ["gb18030", "big5", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp1252", "cp1250", "latin_1"]


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'-be' when NULs sit in every other byte (Latin text saved as UTF-16 without a BOM)."""
    if len(head) < 4:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    half = len(head) // 2
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes, *, name: str, what: str = "file") -> str:
    """Bytes of a text file → text: UTF-8, UTF-16/32 with or without a BOM, GBK, Big5, Shift-JIS…

    UTF-8 and BOMs are read directly; anything else is detected by charset-normalizer (imported
    only then: ~20 ms). A file with NULs that is not UTF-16 is binary, and says so."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    head = data[:8192]
    if b"\x00" in head:
        encoding16 = _utf16_without_bom(head)
        if encoding16 is not None:
            try:
                return data.decode(encoding16)
            except UnicodeDecodeError:
                pass
        raise InputError(f"{name}: looks like a binary file, expected a text {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is None or best.chaos > 0.2:
        raise InputError(f"{name}: not UTF-8 text (byte {first_bad}) and no other text encoding fits; save it as UTF-8")
    return str(best)


def format_validation_error(exc: ValidationError, *, source: str) -> str:
    """One readable line per problem: 'file: metrics[0].value: must be between 0 and 100'."""
    lines = []
    for err in exc.errors(include_url=False):
        path = ""
        for part in err["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            else:
                path += f".{part}" if path else str(part)
        msg = err["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                msg = msg[len(prefix):]
        if err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; `appealagent schema` lists the fields)"
        elif err["type"] == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            msg = f"{err.get('input')!r} is not one of {expected}"
        # Model-level validators already name their sub-field ("value: must be…").
        if ": " in msg and path and not msg.startswith("must") and msg.split(":", 1)[0].replace("_", "").replace(".", "").replace("[", "").replace("]", "").isalnum():
            sub, rest = msg.split(": ", 1)
            if " " not in sub:
                path, msg = f"{path}.{sub}", rest
        lines.append(f"{source}: {path or '(top level)'}: {msg}")
    return "\n".join(lines[:10]) + (f"\n{source}: … and {len(lines) - 10} more" if len(lines) > 10 else "")


def load_json(path: str | Path, *, what: str = "JSON file") -> Any:
    text = read_text(path, what=what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None


def load_model(model: type[M], path: str | Path, *, what: str) -> M:
    data = load_json(path, what=what)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CaseValidationError(format_validation_error(exc, source=str(path))) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | Path, text: str, *, force: bool = False, private: bool = False) -> Path:
    """Write via a temp file and rename, so a crash never leaves half a file; refuse to overwrite unless forced.

    `private` files (run logs, saved replies, interviews: they hold buyer details) are 0600 whatever the umask.
    """
    return atomic_write_bytes(path, text.encode("utf-8"), force=force, private=private)


def atomic_write_bytes(path: str | Path, data: bytes, *, force: bool = False, private: bool = False) -> Path:
    """`atomic_write` for binary files (.docx)."""
    p = Path(path)
    if p.exists() and not force:
        raise OutputExistsError(f"{p}: already exists; use --force to overwrite it")
    if p.exists() and p.is_dir():
        raise InputError(f"{p}: is a folder")
    try:
        if p.exists() and not p.is_file():  # a device or pipe (/dev/stdout, a FIFO): written in place, never replaced
            with p.open("wb") as fh:
                fh.write(data)
            return p
        _replace_atomically(p, data, private=private)
    except OSError as exc:  # a full disk, no permission, a read-only file system: the user's to fix, exit 2
        raise InputError(f"{p}: cannot write: {exc.strerror or exc}") from None
    return p


def _replace_atomically(p: Path, data: bytes, *, private: bool = False) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        # mkstemp makes 0600 files; keep an existing file's mode, else what the umask gives a new file.
        os.chmod(tmp, 0o600 if private else p.stat().st_mode & 0o777 if p.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_user_yaml(path: str | Path, *, what: str) -> Any:
    """A YAML (or JSON) file the user wrote, with the line of a syntax error in the one-line message."""
    text = read_text(path, what=what)
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"{path}: not valid YAML or JSON{where}") from None
