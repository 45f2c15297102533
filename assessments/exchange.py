"""The appraisal exchange format `cmmisvc.appraisal/1` (DESIGN §6; extensions in docs/exchange.md).

`export_appraisal` writes a document, `import_appraisal` reads one. The importer checks the whole
document before its first write and reports every problem at once, each message naming the entry
(`characterizations[3].practice: ...`); then it writes in one transaction, so a failure leaves
nothing behind.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from assessments import services
from assessments.models import (
    Appraisal,
    Characterization,
    Finding,
    GoalJudgment,
    Instance,
    Organisation,
    PracticeJudgment,
    ScopeItem,
    Value,
)
from assessments.rating import code_sort_key
from models_catalog.models import (
    Constellation,
    GenericGoal,
    GenericPractice,
    ModelVariant,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)

FORMAT = "cmmisvc.appraisal/1"
BATCH_SIZE = 500

# Each message is reported as "<where>: <message>", e.g. "characterizations[3].value: ...".
BAD_JSON = "not valid JSON: line {line}, column {column}: {error}"
NOT_UTF8 = "not UTF-8 text (byte {position})"
CANNOT_READ = "cannot read {name}: {error}"
EXPECTED = "expected {expected}, got {got}"
MISSING_KEY = "missing key '{key}'"
UNKNOWN_KEY = "unknown key '{key}'"
REPEATED_JSON_KEY = "the key '{key}' appears more than once"
BAD_FORMAT = "expected '{expected}', got {got}"
BAD_CHOICE = "{value!r} is not one of {choices}"
BLANK = "must not be blank"
TOO_LONG = "must be at most {limit} characters long"
OUT_OF_RANGE = "must be between {low} and {high}, got {value}"
BAD_DATE = "{value!r} is not a date (YYYY-MM-DD)"
BAD_KEY = "{value!r} is not a valid key: use letters, digits, hyphens and underscores"
LISTED_TWICE = "{value!r} is listed more than once"
NO_ORGANISATION = "missing: name the organisation in the file or choose one when importing"
UNKNOWN_CONSTELLATION = "unknown constellation {slug!r}"
NO_VARIANT = "no variant of {slug} has additions {additions}"
NAME_TAKEN = "an appraisal named {name!r} already exists in {organisation}"
STAGED_NEEDS_TARGET = "a staged appraisal needs a target maturity level"
CONTINUOUS_NEEDS_PROFILE = "a continuous appraisal needs a target capability level for a PA"
NA_AND_OOS = "{acronym} is also listed in appraisal.out_of_scope"
UNKNOWN_PA = "{acronym!r} is not a process area of {variant}"
NOT_A_PRACTICE = "{code!r} is not a practice of {acronym}"
NOT_A_GOAL = "{code!r} is not a goal of {acronym}"
DUPLICATE_INSTANCE = "duplicate key {key!r}"
UNDEFINED_INSTANCE = "instance {key!r} is not defined"
NOT_COVERED = "instance {key!r} does not cover {acronym}"
DUPLICATE_OF = "duplicate of {other} ({what})"

_KEY = re.compile(r"^[-a-zA-Z0-9_]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INVALID = object()  # a value already reported as a problem
_REQUIRED = object()  # a key without a default: fields() reports it when missing


class ExchangeError(Exception):
    """A document that cannot be imported; `messages` lists every problem found."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


# --- Export -------------------------------------------------------------------------------------


def export_appraisal(appraisal: Appraisal) -> dict[str, Any]:
    """The appraisal as an exchange document (DESIGN §6), every list in a sorted order.

    Eight queries whatever the size of the appraisal. Extension keys (docs/exchange.md) are
    written only when they carry something, so an appraisal that uses none of them exports a
    plain §6 document. Cells with neither a value nor any text are left out.
    """
    appraisal = Appraisal.objects.select_related("organisation", "variant__constellation").get(
        pk=appraisal.pk
    )
    staged = appraisal.representation == Appraisal.Representation.STAGED
    items = sorted(
        appraisal.scope_items.select_related("process_area"), key=lambda i: i.process_area.acronym
    )
    header: dict[str, Any] = {
        "name": appraisal.name,
        "constellation": appraisal.variant.constellation.slug,
        "additions": sorted(appraisal.variant.additions),
        "representation": appraisal.representation,
        "target_maturity_level": appraisal.target_maturity_level if staged else None,
        "target_profile": {}
        if staged
        else {
            i.process_area.acronym: i.target_capability_level
            for i in items
            if i.target_capability_level is not None
        },
        "out_of_scope": [
            i.process_area.acronym
            for i in items
            if i.applicability == ScopeItem.Applicability.OUT_OF_SCOPE
        ],
        "not_applicable": {
            i.process_area.acronym: i.justification
            for i in items
            if i.applicability == ScopeItem.Applicability.NOT_APPLICABLE
        },
        "status": appraisal.status,
    }
    if appraisal.start_date:
        header["start_date"] = appraisal.start_date.isoformat()
    if appraisal.end_date:
        header["end_date"] = appraisal.end_date.isoformat()
    if appraisal.team:
        header["team"] = appraisal.team

    instances = sorted(appraisal.instances.prefetch_related("process_areas"), key=lambda i: i.key)
    keys = {instance.pk: instance.key for instance in instances}
    return {
        "format": FORMAT,
        "organisation": appraisal.organisation.name,
        "appraisal": header,
        "instances": [_export_instance(instance) for instance in instances],
        "characterizations": _export_characterizations(appraisal, keys),
        "judgments": {
            "practices": [
                {
                    "process_area": j.process_area.acronym,
                    "practice": j.practice_code,
                    "value": j.value,
                    "rationale": j.rationale,
                }
                for j in sorted(
                    _with_practices(appraisal.practice_judgments.all()), key=_practice_order
                )
            ],
            "goals": [
                {
                    "process_area": j.process_area.acronym,
                    "goal": j.goal_code,
                    "rating": j.rating,
                    "rationale": j.rationale,
                }
                for j in sorted(
                    appraisal.goal_judgments.select_related(
                        "process_area", "specific_goal", "generic_goal"
                    ),
                    key=lambda j: (j.process_area.acronym, code_sort_key(j.goal_code)),
                )
            ],
        },
        "findings": [
            _export_finding(finding)
            for finding in sorted(
                _with_practices(appraisal.findings.all()),
                key=lambda f: (
                    f.process_area.acronym,
                    f.practice is not None,
                    code_sort_key(f.practice_code) if f.practice else (),
                    f.kind,
                    f.text,
                ),
            )
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    """The document as the commands and the download write it: UTF-8 JSON, indented by 2."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _with_practices(queryset):
    return queryset.select_related(
        "process_area", "specific_practice__goal", "generic_practice__generic_goal"
    )


def _practice_order(row) -> tuple:
    return (row.process_area.acronym, code_sort_key(row.practice_code))


def _export_instance(instance: Instance) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": instance.key, "name": instance.name}
    if instance.kind != Instance.Kind.SERVICE:
        entry["kind"] = instance.kind
    entry["process_areas"] = sorted(pa.acronym for pa in instance.process_areas.all())
    return entry


def _export_characterizations(appraisal: Appraisal, keys: dict[int, str]) -> list[dict]:
    rows = [
        c
        for c in _with_practices(appraisal.characterizations.all())
        if c.value or c.note or c.artifacts or c.affirmations
    ]
    rows.sort(key=lambda c: (keys[c.sampled_instance_id], *_practice_order(c)))
    entries = []
    for c in rows:
        entry = {
            "instance": keys[c.sampled_instance_id],
            "process_area": c.process_area.acronym,
            "practice": c.practice_code,
            "value": c.value or None,
            "note": c.note,
        }
        if c.artifacts:
            entry["artifacts"] = c.artifacts
        if c.affirmations:
            entry["affirmations"] = c.affirmations
        entries.append(entry)
    return entries


def _export_finding(finding: Finding) -> dict[str, Any]:
    entry = {"process_area": finding.process_area.acronym}
    if finding.practice is not None:
        entry["practice"] = finding.practice_code
    entry.update(kind=finding.kind, text=finding.text)
    return entry


# --- Reading files ------------------------------------------------------------------------------


class _Object(dict):
    """A JSON object that remembers the keys it had more than once (json keeps the last)."""

    repeated: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.repeated = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return obj


def load_exchange_file(source: str | os.PathLike | IO) -> dict[str, Any]:
    """Parse an exchange file given by path or as an open file (text or binary).

    Raises ExchangeError for a file that cannot be read, is not UTF-8 or is not a JSON object;
    bad JSON is reported with its line and column.
    """
    name = os.fspath(source) if isinstance(source, str | os.PathLike) else "the file"
    try:
        raw = Path(source).read_bytes() if isinstance(source, str | os.PathLike) else source.read()
    except OSError as error:
        raise ExchangeError([CANNOT_READ.format(name=name, error=error.strerror)]) from None
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ExchangeError([f"document: {NOT_UTF8.format(position=error.start)}"]) from None
    try:
        data = json.loads(raw, object_pairs_hook=_object_pairs)
    except json.JSONDecodeError as error:
        message = BAD_JSON.format(line=error.lineno, column=error.colno, error=error.msg)
        raise ExchangeError([f"document: {message}"]) from None
    if not isinstance(data, dict):
        got = _kind(data)
        raise ExchangeError([f"document: {EXPECTED.format(expected='an object', got=got)}"])
    return data


# --- Import -------------------------------------------------------------------------------------


def import_appraisal(
    data: dict[str, Any], *, organisation: Organisation | None = None, user=None
) -> Appraisal:
    """Create the appraisal a document describes, in `organisation` or the one the file names.

    Everything is checked first; any problem raises ExchangeError listing them all, before a
    single write. Writes go through the services (appraisal_create, scope_item_update,
    instance_save); characterizations, judgments and findings are bulk-created with their history
    rows, attributed to `user`.
    """
    plan = _Reader(organisation).read(data)
    try:
        with transaction.atomic(), _history_user(user):
            return _write(plan, organisation, user)
    except ValidationError as error:
        # Only a concurrent change (e.g. the same name taken meanwhile) gets here.
        raise ExchangeError([f"appraisal: {message}" for message in error.messages]) from None


@dataclass
class _InstancePlan:
    key: str
    name: str
    kind: str
    process_areas: list[ProcessArea]


@dataclass
class _Plan:
    organisation_name: str
    name: str
    variant: ModelVariant
    representation: str
    target_maturity_level: int | None
    target_profile: dict[str, int]
    out_of_scope: list[ProcessArea]
    not_applicable: dict[str, str]
    status: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    team: str
    instances: list[_InstancePlan] = field(default_factory=list)
    characterizations: list[dict[str, Any]] = field(default_factory=list)
    practice_judgments: list[dict[str, Any]] = field(default_factory=list)
    goal_judgments: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)


class _Catalog:
    """The variant's PAs, goals and practices by code, loaded in six queries."""

    def __init__(self, constellation: Constellation, variant: ModelVariant):
        self.variant = variant
        self.max_maturity_level = max(
            constellation.maturity_levels.values_list("number", flat=True), default=5
        )
        self.max_capability_level = constellation.max_capability_level
        self.pas = {
            pa.acronym: pa
            for pa in ProcessArea.objects.filter(constellation=constellation).select_related(
                "maturity_level"
            )
            if variant.includes(pa.addition)
        }
        self.goals: dict[tuple[str, str], SpecificGoal | GenericGoal] = {
            (g.process_area.acronym, g.code): g
            for g in SpecificGoal.objects.filter(
                process_area__constellation=constellation
            ).select_related("process_area")
            if variant.includes(g.addition)
        }
        self.generic_goals = {g.code: g for g in constellation.generic_goals.all()}
        self.practices: dict[tuple[str, str], SpecificPractice] = {
            (p.goal.process_area.acronym, p.code): p
            for p in SpecificPractice.objects.filter(
                goal__process_area__constellation=constellation
            ).select_related("goal__process_area")
            if variant.includes(p.goal.addition)
        }
        self.generic_practices = {
            p.code: p
            for p in GenericPractice.objects.filter(
                generic_goal__constellation=constellation
            ).select_related("generic_goal")
        }

    def practice(self, acronym: str, code: str) -> SpecificPractice | GenericPractice | None:
        return self.practices.get((acronym, code)) or self.generic_practices.get(code)

    def goal(self, acronym: str, code: str) -> SpecificGoal | GenericGoal | None:
        return self.goals.get((acronym, code)) or self.generic_goals.get(code)


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


class _Reader:
    """Checks a document and turns it into a _Plan; collects every problem, writes nothing."""

    def __init__(self, organisation: Organisation | None):
        self.organisation = organisation
        self.errors: list[str] = []
        self.catalog: _Catalog | None = None

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

    # The document, section by section.

    def read(self, data: Any) -> _Plan:
        top = self.fields(
            data,
            "",
            required=("format", "appraisal"),
            optional=("organisation", "instances", "characterizations", "judgments", "findings"),
        )
        if top is None or "format" not in top:
            raise ExchangeError(self.errors)
        if top["format"] != FORMAT:
            got = _kind(top["format"])
            self.error("format", BAD_FORMAT.format(expected=FORMAT, got=got))
            raise ExchangeError(self.errors)

        organisation_name = self.read_organisation(top)
        header = {}
        if "appraisal" in top:
            header = self.read_appraisal(top["appraisal"], organisation_name)
        instances, coverage = self.read_instances(top, header)
        plan_rows = {
            "characterizations": self.read_characterizations(top, coverage),
            **self.read_judgments(top),
            "findings": self.read_findings(top),
        }
        if self.errors:
            raise ExchangeError(self.errors)
        return _Plan(
            organisation_name=organisation_name, **header, instances=instances, **plan_rows
        )

    def read_organisation(self, top: dict) -> str:
        if self.organisation is not None:
            self.string(top, "organisation", "", default=None)
            return self.organisation.name
        if "organisation" not in top:
            self.error("organisation", NO_ORGANISATION)
            return ""
        name = self.string(top, "organisation", "", blank=False, max_length=200)
        return "" if name is _INVALID else name

    def read_appraisal(self, value: Any, organisation_name: str) -> dict[str, Any]:
        where = "appraisal"
        app = self.fields(
            value,
            where,
            required=("name", "constellation", "representation"),
            optional=(
                "additions",
                "target_maturity_level",
                "target_profile",
                "out_of_scope",
                "not_applicable",
                "status",
                "start_date",
                "end_date",
                "team",
            ),
        )
        if app is None:
            return {}
        header: dict[str, Any] = {
            "name": self.string(app, "name", where, blank=False, max_length=200),
            "representation": self.choice(
                app, "representation", where, Appraisal.Representation.values
            ),
            "status": self.choice(
                app, "status", where, Appraisal.Status.values, default=Appraisal.Status.PLANNING
            ),
            "start_date": self.date(app, "start_date", where),
            "end_date": self.date(app, "end_date", where),
            "team": self.string(app, "team", where, default=""),
        }
        name = header["name"]
        organisation = (
            self.organisation or Organisation.objects.filter(name=organisation_name).first()
        )
        if (
            name is not _INVALID
            and organisation is not None
            and Appraisal.objects.filter(organisation=organisation, name=name).exists()
        ):
            self.error(
                "appraisal.name", NAME_TAKEN.format(name=name, organisation=organisation.name)
            )

        header["variant"] = self.read_variant(app)
        staged = header["representation"] == Appraisal.Representation.STAGED
        high = self.catalog.max_maturity_level if self.catalog else 5
        level = self.integer(
            app, "target_maturity_level", where, low=2, high=high, default=None, nullable=True
        )
        if staged and level is None:
            self.error("appraisal.target_maturity_level", STAGED_NEEDS_TARGET)
        header["target_maturity_level"] = level if staged else None
        continuous = header["representation"] == Appraisal.Representation.CONTINUOUS
        header["target_profile"] = self.read_profile(app, required=continuous)
        if header["representation"] is _INVALID or staged:
            # The profile of a staged appraisal is checked but not kept: DESIGN §6.
            header["target_profile"] = {} if staged else _INVALID

        header["out_of_scope"] = self.acronyms(app, "out_of_scope", where)
        header["not_applicable"] = self.read_not_applicable(app, header["out_of_scope"])
        return header

    def read_variant(self, app: dict):
        slug = self.string(app, "constellation", "appraisal")
        additions = self.items(app, "additions", "appraisal")
        names = []
        for path, value in additions:
            if not isinstance(value, str):
                self.error(path, EXPECTED.format(expected="a string", got=_kind(value)))
            elif value in names:
                self.error(path, LISTED_TWICE.format(value=value))
            else:
                names.append(value)
        if slug is _INVALID:
            return _INVALID
        constellation = Constellation.objects.filter(slug=slug).first()
        if constellation is None:
            self.error("appraisal.constellation", UNKNOWN_CONSTELLATION.format(slug=slug))
            return _INVALID
        if len(names) != len(additions) or not isinstance(app.get("additions", []), list):
            return _INVALID
        variant = next(
            (v for v in constellation.variants.all() if set(v.additions) == set(names)), None
        )
        if variant is None:
            self.error("appraisal.additions", NO_VARIANT.format(slug=slug, additions=sorted(names)))
            return _INVALID
        self.catalog = _Catalog(constellation, variant)
        return variant

    def read_profile(self, app: dict, *, required: bool):
        where = "appraisal.target_profile"
        value = app.get("target_profile")
        if value is None:
            if required:
                self.error(where, CONTINUOUS_NEEDS_PROFILE)
            return {} if not required else _INVALID
        profile = self.fields(
            value, where, optional=tuple(value) if isinstance(value, dict) else ()
        )
        if profile is None:
            return _INVALID
        if not profile and required:
            self.error(where, CONTINUOUS_NEEDS_PROFILE)
            return _INVALID
        high = self.catalog.max_capability_level if self.catalog else 5
        result, ok = {}, True
        for acronym in profile:
            pa = self.process_area(acronym, _path(where, acronym))
            level = self.integer(profile, acronym, where, low=1, high=high)
            if pa is _INVALID or level is _INVALID:
                ok = False
            else:
                result[acronym] = level
        return result if ok else _INVALID

    def read_not_applicable(self, app: dict, out_of_scope) -> dict[str, str] | object:
        where = "appraisal.not_applicable"
        value = app.get("not_applicable", {})
        na = self.fields(value, where, optional=tuple(value) if isinstance(value, dict) else ())
        if na is None:
            return _INVALID
        oos = {pa.acronym for pa in out_of_scope} if out_of_scope is not _INVALID else set()
        result, ok = {}, True
        for acronym in na:
            path = _path(where, acronym)
            pa = self.process_area(acronym, path)
            justification = self.string(na, acronym, where, blank=False)
            if pa is not _INVALID and acronym in oos:
                self.error(path, NA_AND_OOS.format(acronym=acronym))
                ok = False
            if pa is _INVALID or justification is _INVALID:
                ok = False
            else:
                result[acronym] = justification
        return result if ok else _INVALID

    def read_instances(self, top: dict, header: dict) -> tuple[list[_InstancePlan], dict]:
        """The instances, and the PAs each covers (None where unknown after a problem)."""
        default = self.in_scope(header)
        plans, coverage = [], {}
        for path, entry in self.items(top, "instances", ""):
            entry = self.fields(
                entry, path, required=("key", "name"), optional=("kind", "process_areas")
            )
            if entry is None:
                continue
            key = self.string(entry, "key", path, blank=False, max_length=64)
            if key is not _INVALID and not _KEY.match(key):
                self.error(_path(path, "key"), BAD_KEY.format(value=key))
                key = _INVALID
            if key is not _INVALID and key in coverage:
                self.error(path, DUPLICATE_INSTANCE.format(key=key))
                key = _INVALID
            name = self.string(entry, "name", path, blank=False, max_length=200)
            kind = self.choice(
                entry, "kind", path, Instance.Kind.values, default=Instance.Kind.SERVICE
            )
            pas = (
                self.acronyms(entry, "process_areas", path) if "process_areas" in entry else default
            )
            if key is _INVALID:
                continue
            coverage[key] = None if pas is _INVALID else {pa.acronym for pa in pas}
            if _INVALID not in (name, kind, pas):
                plans.append(_InstancePlan(key=key, name=name, kind=kind, process_areas=pas))
        return plans, coverage

    def in_scope(self, header: dict):
        """DESIGN §6: an instance covers every PA in scope unless it lists its own."""
        if self.catalog is None or _INVALID in header.values() or not header:
            return _INVALID
        excluded = {pa.acronym for pa in header["out_of_scope"]} | set(header["not_applicable"])
        if header["representation"] == Appraisal.Representation.STAGED:
            top = header["target_maturity_level"]
            chosen = [
                pa for pa in self.catalog.pas.values() if 2 <= pa.maturity_level.number <= top
            ]
        else:
            chosen = [self.catalog.pas[acronym] for acronym in header["target_profile"]]
        return sorted(
            (pa for pa in chosen if pa.acronym not in excluded), key=lambda pa: pa.acronym
        )

    def read_characterizations(self, top: dict, coverage: dict) -> list[dict[str, Any]]:
        rows, seen = [], {}
        for path, entry in self.items(top, "characterizations", ""):
            entry = self.fields(
                entry,
                path,
                required=("instance", "process_area", "practice"),
                optional=("value", "note", "artifacts", "affirmations"),
            )
            if entry is None:
                continue
            key = self.string(entry, "instance", path)
            pa = self.entry_pa(entry, path)
            practice = self.practice_ref(entry, path, pa)
            value = self.string(entry, "value", path, default=None, nullable=True)
            if value and value is not _INVALID and value not in Value.values:
                choices = ", ".join(Value.values)
                self.error(_path(path, "value"), BAD_CHOICE.format(value=value, choices=choices))
                value = _INVALID
            texts = {
                name: self.string(entry, name, path, default="")
                for name in ("note", "artifacts", "affirmations")
            }
            if key is not _INVALID:
                if key not in coverage:
                    self.error(path, UNDEFINED_INSTANCE.format(key=key))
                    key = _INVALID
                elif (
                    pa is not _INVALID
                    and coverage[key] is not None
                    and (pa.acronym not in coverage[key])
                ):
                    self.error(path, NOT_COVERED.format(key=key, acronym=pa.acronym))
            if _INVALID in (key, pa, practice):
                continue
            identity = (key, pa.acronym, practice.code)
            if identity in seen:
                what = " ".join(identity)
                self.error(path, DUPLICATE_OF.format(other=seen[identity], what=what))
                continue
            seen[identity] = path
            if value is _INVALID or _INVALID in texts.values():
                continue
            texts = {name: text.strip() for name, text in texts.items()}
            if value or any(texts.values()):
                rows.append(
                    {
                        "instance": key,
                        "process_area": pa,
                        "practice": practice,
                        "value": value or "",
                        **texts,
                    }
                )
        return rows

    def read_judgments(self, top: dict) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list] = {"practice_judgments": [], "goal_judgments": []}
        if "judgments" not in top:
            return result
        judgments = self.fields(top["judgments"], "judgments", optional=("practices", "goals"))
        if judgments is None:
            return result
        seen: dict[tuple, str] = {}
        for path, entry in self.items(judgments, "practices", "judgments"):
            entry = self.fields(
                entry, path, required=("process_area", "practice", "value", "rationale")
            )
            if entry is None:
                continue
            pa = self.entry_pa(entry, path)
            practice = self.practice_ref(entry, path, pa)
            value = self.choice(entry, "value", path, PracticeJudgment.Choice.values)
            rationale = self.string(entry, "rationale", path, blank=False)
            if _INVALID in (pa, practice, value, rationale):
                continue
            identity = (pa.acronym, practice.code)
            if self.unique(identity, seen, path):
                result["practice_judgments"].append(
                    {
                        "process_area": pa,
                        "practice": practice,
                        "value": value,
                        "rationale": rationale.strip(),
                    }
                )
        for path, entry in self.items(judgments, "goals", "judgments"):
            entry = self.fields(
                entry, path, required=("process_area", "goal", "rating", "rationale")
            )
            if entry is None:
                continue
            pa = self.entry_pa(entry, path)
            code = self.string(entry, "goal", path)
            goal = _INVALID
            if pa is not _INVALID and code is not _INVALID:
                goal = self.catalog.goal(pa.acronym, code) or _INVALID
                if goal is _INVALID:
                    self.error(
                        _path(path, "goal"), NOT_A_GOAL.format(code=code, acronym=pa.acronym)
                    )
            rating = self.choice(entry, "rating", path, GoalJudgment.Rating.values)
            rationale = self.string(entry, "rationale", path, blank=False)
            if _INVALID in (pa, goal, rating, rationale):
                continue
            if self.unique((pa.acronym, goal.code), seen, path):
                result["goal_judgments"].append(
                    {
                        "process_area": pa,
                        "goal": goal,
                        "rating": rating,
                        "rationale": rationale.strip(),
                    }
                )
        return result

    def read_findings(self, top: dict) -> list[dict[str, Any]]:
        rows = []
        for path, entry in self.items(top, "findings", ""):
            entry = self.fields(
                entry, path, required=("process_area", "kind", "text"), optional=("practice",)
            )
            if entry is None:
                continue
            pa = self.entry_pa(entry, path)
            practice = self.practice_ref(entry, path, pa, default=None)
            kind = self.choice(entry, "kind", path, Finding.Kind.values)
            text = self.string(entry, "text", path, blank=False)
            if _INVALID not in (pa, practice, kind, text):
                rows.append(
                    {"process_area": pa, "practice": practice, "kind": kind, "text": text.strip()}
                )
        return rows

    def entry_pa(self, entry: dict, path: str):
        if "process_area" not in entry:
            return _INVALID
        return self.process_area(entry["process_area"], _path(path, "process_area"))

    def unique(self, identity: tuple, seen: dict, path: str) -> bool:
        if identity in seen:
            what = " ".join(identity)
            self.error(path, DUPLICATE_OF.format(other=seen[identity], what=what))
            return False
        seen[identity] = path
        return True


def _path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


@contextlib.contextmanager
def _history_user(user) -> Iterator[None]:
    """Attribute the history rows that services write to `user` outside a request (the CLI).

    Within a request, simple_history's middleware already names the requesting user.
    """
    context = HistoricalRecords.context
    if user is None or getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


def _organisation_for_name(name: str) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is not None:
        return organisation
    base = slugify(name)[:56] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    organisation = Organisation(name=name, slug=slug)
    organisation.full_clean()
    organisation.save()
    return organisation


def _practice_fields(practice: SpecificPractice | GenericPractice) -> dict[str, Any]:
    if isinstance(practice, SpecificPractice):
        return {"specific_practice": practice, "generic_practice": None}
    return {"specific_practice": None, "generic_practice": practice}


def _write(plan: _Plan, organisation: Organisation | None, user) -> Appraisal:
    organisation = organisation or _organisation_for_name(plan.organisation_name)
    final = plan.status == Appraisal.Status.FINAL
    appraisal = services.appraisal_create(
        organisation=organisation,
        name=plan.name,
        variant=plan.variant,
        representation=plan.representation,
        target_maturity_level=plan.target_maturity_level,
        target_profile=plan.target_profile,
        start_date=plan.start_date,
        end_date=plan.end_date,
        team=plan.team,
        # A final appraisal is locked: fill it first, lock it last.
        status=Appraisal.Status.PLANNING if final else plan.status,
        user=user,
    )
    items = {
        i.process_area.acronym: i for i in appraisal.scope_items.select_related("process_area")
    }
    declared = [
        (pa.acronym, ScopeItem.Applicability.OUT_OF_SCOPE, "") for pa in plan.out_of_scope
    ] + [(a, ScopeItem.Applicability.NOT_APPLICABLE, j) for a, j in plan.not_applicable.items()]
    for acronym, applicability, justification in declared:
        item = items[acronym]
        services.scope_item_update(
            item=item,
            applicability=applicability,
            justification=justification,
            target_capability_level=item.target_capability_level,
            user=user,
        )
    instances = {
        spec.key: services.instance_save(
            appraisal=appraisal,
            key=spec.key,
            name=spec.name,
            kind=spec.kind,
            process_areas=spec.process_areas,
            user=user,
        )
        for spec in plan.instances
    }
    rows = {
        Characterization: [
            Characterization(
                appraisal=appraisal,
                sampled_instance=instances[row["instance"]],
                process_area=row["process_area"],
                **_practice_fields(row["practice"]),
                value=row["value"],
                note=row["note"],
                artifacts=row["artifacts"],
                affirmations=row["affirmations"],
                version=1,
                updated_by=user,
            )
            for row in plan.characterizations
        ],
        PracticeJudgment: [
            PracticeJudgment(
                appraisal=appraisal,
                process_area=row["process_area"],
                **_practice_fields(row["practice"]),
                value=row["value"],
                rationale=row["rationale"],
                decided_by=user,
            )
            for row in plan.practice_judgments
        ],
        GoalJudgment: [
            GoalJudgment(
                appraisal=appraisal,
                process_area=row["process_area"],
                specific_goal=row["goal"] if isinstance(row["goal"], SpecificGoal) else None,
                generic_goal=row["goal"] if isinstance(row["goal"], GenericGoal) else None,
                rating=row["rating"],
                rationale=row["rationale"],
                decided_by=user,
            )
            for row in plan.goal_judgments
        ],
        Finding: [
            Finding(
                appraisal=appraisal,
                process_area=row["process_area"],
                **(_practice_fields(row["practice"]) if row["practice"] else {}),
                kind=row["kind"],
                text=row["text"],
                author=user,
            )
            for row in plan.findings
        ],
    }
    for model, objects in rows.items():
        if objects:
            bulk_create_with_history(objects, model, batch_size=BATCH_SIZE, default_user=user)
    if final:
        appraisal.status = Appraisal.Status.FINAL
        appraisal._history_user = user
        appraisal.save(update_fields=["status", "updated_at"])
    return appraisal
