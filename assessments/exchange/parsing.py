"""Parsing an exchange file (`load_exchange_file`): text, JSON and the strings no page or
database can hold. `reader` then checks the document's meaning.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from pathlib import Path
from typing import IO, Any

from assessments.exchange.checks import _kind, _path
from assessments.exchange.errors import (
    BAD_JSON,
    BAD_NUMBER,
    CANNOT_READ,
    EXPECTED,
    HAS_NUL,
    HAS_SURROGATE,
    NOT_UTF8,
    TOO_DEEP,
    ExchangeError,
)

CHUNK_BYTES = 1 << 20
# The format nests four levels deep (characterizations[3].note); anything far deeper is not ours.
MAX_DEPTH = 16
MAX_STRING_ERRORS = 100
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")  # what `_bad_text` refuses


class _Object(dict):
    """A JSON object that remembers the keys it had more than once (json keeps the last)."""

    repeated: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.repeated = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return obj


def _read_text(stream: IO) -> str:
    """The whole stream as text, read in chunks; bytes are decoded as they come (UTF-8, an
    optional BOM), so the file is held once as text, never as bytes and text together."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    parts: list[str] = []
    offset = 0
    while chunk := stream.read(CHUNK_BYTES):
        if isinstance(chunk, str):
            parts.append(chunk)
            continue
        try:
            parts.append(decoder.decode(chunk))
        except UnicodeDecodeError as error:
            position = offset + error.start
            raise ExchangeError([f"document: {NOT_UTF8.format(position=position)}"]) from None
        offset += len(chunk)
    try:
        parts.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise ExchangeError([f"document: {NOT_UTF8.format(position=offset)}"]) from None
    return "".join(parts)


def _check_strings(data: Any) -> list[str]:
    """Refuse what JSON allows but the database or a page cannot hold: NUL characters, lone
    surrogates (half of a UTF-16 pair, not text), and nesting deeper than the format uses.
    Walks the document without recursion, so no file can exhaust the stack here.

    Each entry of the walk is (parent entry, key or index, value, depth): the path of a value is
    spelled out only for an error (`_where`), not for each of the ~70,000 values of a large file.
    """
    errors: list[str] = []
    stack: list[tuple] = [(None, None, data, 0)]
    bad = _BAD_CHARACTER.search
    while stack and len(errors) < MAX_STRING_ERRORS:
        entry = stack.pop()
        value, depth = entry[2], entry[3]
        if depth > MAX_DEPTH:
            errors.append(f"{_where(entry) or 'document'}: {TOO_DEEP.format(limit=MAX_DEPTH)}")
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                child = (entry, key, item, depth + 1)
                if bad(key):
                    errors.append(f"{_where(child)} (the key): {_bad_text(key)}")
                stack.append(child)
        elif isinstance(value, list):
            stack.extend([(entry, i, item, depth + 1) for i, item in enumerate(value)])
        elif isinstance(value, str) and bad(value):
            errors.append(f"{_where(entry) or 'document'}: {_bad_text(value)}")
    return sorted(errors)


def _where(entry: tuple) -> str:
    """The path of a walk entry of `_check_strings`: `appraisal.name`, `instances[2].key`."""
    steps = []
    while entry[0] is not None:
        steps.append(entry[1])
        entry = entry[0]
    where = ""
    for step in reversed(steps):
        if isinstance(step, int):
            where = f"{where}[{step}]"
        else:
            # A bad key is shown escaped: the message itself must be printable text.
            where = _path(where, step.encode("utf-8", "backslashreplace").decode("utf-8"))
    return where


def _bad_text(text: str) -> str:
    if "\x00" in text:
        return HAS_NUL
    if match := _SURROGATE.search(text):
        return HAS_SURROGATE.format(code=f"{ord(match.group()):04x}")
    return ""


def load_exchange_file(source: str | os.PathLike | IO) -> dict[str, Any]:
    """Parse an exchange file given by path or as an open file (text or binary).

    Raises ExchangeError for a file that cannot be read, is not UTF-8, is not a JSON object,
    nests deeper than the format, or holds NUL characters or lone surrogates; bad JSON is
    reported with its line and column.
    """
    name = os.fspath(source) if isinstance(source, str | os.PathLike) else "the file"
    try:
        if isinstance(source, str | os.PathLike):
            with Path(source).open("rb") as stream:
                raw = _read_text(stream)
        else:
            raw = _read_text(source)
    except OSError as error:
        raise ExchangeError([CANNOT_READ.format(name=name, error=error.strerror)]) from None
    try:
        data = json.loads(raw, object_pairs_hook=_object_pairs)
    except json.JSONDecodeError as error:
        message = BAD_JSON.format(line=error.lineno, column=error.colno, error=error.msg)
        raise ExchangeError([f"document: {message}"]) from None
    except RecursionError:
        raise ExchangeError([f"document: {TOO_DEEP.format(limit=MAX_DEPTH)}"]) from None
    except ValueError as error:
        # Python refuses integers of more than 4,300 digits (CVE-2020-10735).
        raise ExchangeError([f"document: {BAD_NUMBER.format(error=error)}"]) from None
    del raw
    if not isinstance(data, dict):
        got = _kind(data)
        raise ExchangeError([f"document: {EXPECTED.format(expected='an object', got=got)}"])
    if errors := _check_strings(data):
        raise ExchangeError(errors)
    return data
