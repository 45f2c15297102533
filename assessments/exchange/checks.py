"""The generic checks _Reader builds on (a string, an integer, a choice, a list, a PA, a
practice...); PAs and practices are looked up in the variant's catalog (models_catalog.catalog).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from assessments.exchange.errors import (
    BAD_CHOICE,
    BAD_DATE,
    BLANK,
    EXPECTED,
    LISTED_TWICE,
    MISSING_KEY,
    NOT_A_PRACTICE,
    OUT_OF_RANGE,
    REPEATED_JSON_KEY,
    TOO_LONG,
    UNKNOWN_KEY,
    UNKNOWN_PA,
)
from models_catalog.catalog import Catalog
from models_catalog.models import ProcessArea

_KEY = re.compile(r"^[-a-zA-Z0-9_]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INVALID = object()  # a value already reported as a problem
_REQUIRED = object()  # a key without a default: fields() reports it when missing


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return "a list" if isinstance(value, list) else "an object"


class _Checks:
    """The generic checks of _Reader, which sets `errors` and `catalog`."""

    errors: list[str]
    catalog: Catalog | None

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where or 'document'}: {message}")

    # Generic checks. Each returns the value, the default when the key is absent, or _INVALID
    # after reporting the problem.

    def fields(self, value: Any, where: str, required=(), optional=()) -> dict | None:
        if not isinstance(value, dict):
            self.error(where, EXPECTED.format(expected="an object", got=_kind(value)))
            return None
        for key in getattr(value, "repeated", ()):
            self.error(where, REPEATED_JSON_KEY.format(key=key))
        for key in required:
            if key not in value:
                self.error(where, MISSING_KEY.format(key=key))
        for key in value:
            if key not in required and key not in optional:
                self.error(where, UNKNOWN_KEY.format(key=key))
        return value

    def string(
        self, obj, key, where, *, default=_REQUIRED, blank=True, max_length=None, nullable=False
    ):
        if key not in obj:
            return _INVALID if default is _REQUIRED else default
        value, path = obj[key], _path(where, key)
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            self.error(path, EXPECTED.format(expected="a string", got=_kind(value)))
            return _INVALID
        if not blank and not value.strip():
            self.error(path, BLANK)
            return _INVALID
        if max_length is not None and len(value) > max_length:
            self.error(path, TOO_LONG.format(limit=max_length))
            return _INVALID
        return value

    def integer(self, obj, key, where, *, low: int, high: int, default=_REQUIRED, nullable=False):
        if key not in obj:
            return _INVALID if default is _REQUIRED else default
        value, path = obj[key], _path(where, key)
        if value is None and nullable:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(path, EXPECTED.format(expected="an integer", got=_kind(value)))
            return _INVALID
        if not low <= value <= high:
            self.error(path, OUT_OF_RANGE.format(low=low, high=high, value=value))
            return _INVALID
        return value

    def choice(self, obj, key, where, choices, *, default=_REQUIRED):
        value = self.string(obj, key, where, default=default)
        if value is _INVALID or value == default:
            return value
        if value not in choices:
            self.error(
                _path(where, key), BAD_CHOICE.format(value=value, choices=", ".join(choices))
            )
            return _INVALID
        return value

    def items(self, obj, key, where) -> list[tuple[str, Any]]:
        """The entries of the list obj[key] with their paths; [] when absent or not a list."""
        if key not in obj:
            return []
        value, path = obj[key], _path(where, key)
        if not isinstance(value, list):
            self.error(path, EXPECTED.format(expected="a list", got=_kind(value)))
            return []
        return [(f"{path}[{index}]", entry) for index, entry in enumerate(value)]

    def process_area(self, value: Any, path: str):
        if not isinstance(value, str):
            self.error(path, EXPECTED.format(expected="a string", got=_kind(value)))
            return _INVALID
        if self.catalog is None:
            return _INVALID
        pa = self.catalog.pas.get(value)
        if pa is None:
            self.error(path, UNKNOWN_PA.format(acronym=value, variant=self.catalog.variant))
            return _INVALID
        return pa

    def acronyms(self, obj, key, where) -> list[ProcessArea] | object:
        entries = self.items(obj, key, where)
        if key in obj and not isinstance(obj[key], list):
            return _INVALID
        pas, seen, ok = [], set(), True
        for path, value in entries:
            pa = self.process_area(value, path)
            if pa is _INVALID:
                ok = False
            elif pa.acronym in seen:
                self.error(path, LISTED_TWICE.format(value=pa.acronym))
                ok = False
            else:
                seen.add(pa.acronym)
                pas.append(pa)
        return pas if ok else _INVALID

    def date(self, obj, key, where):
        value = self.string(obj, key, where, default=None, nullable=True)
        if value is None or value is _INVALID:
            return value
        try:
            if not _DATE.match(value):
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(_path(where, key), BAD_DATE.format(value=value))
            return _INVALID

    def practice_ref(
        self, entry: dict, where: str, pa, *, key: str = "practice", default=_REQUIRED
    ):
        code = self.string(entry, key, where, default=default, nullable=default is None)
        if code is None or code is _INVALID or pa is _INVALID:
            return code if code is None else _INVALID
        practice = self.catalog.practice(pa.acronym, code)
        if practice is None:
            self.error(_path(where, key), NOT_A_PRACTICE.format(code=code, acronym=pa.acronym))
            return _INVALID
        return practice


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
