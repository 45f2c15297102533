"""Reading an exchange file: `load_exchange_file` (module `parsing`, re-exported here) parses
it, `_Reader` checks it and turns it into a `_Plan` for the writer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from assessments import finding_services, limits, rating, validators
from assessments.engine_input import pa_requirements, pas_in_scope
from assessments.exchange.checks import _INVALID, _KEY, _Checks, _kind, _path
from assessments.exchange.errors import (
    BAD_CHOICE,
    BAD_FORMAT,
    BAD_KEY,
    CONTINUOUS_NEEDS_PROFILE,
    DUPLICATE_INSTANCE,
    DUPLICATE_OF,
    EXPECTED,
    FORMAT,
    LISTED_TWICE,
    NA_AND_OOS,
    NA_NOT_ALLOWED,
    NAME_TAKEN,
    NO_ORGANISATION,
    NO_VARIANT,
    NOT_A_GOAL,
    NOT_COVERED,
    STAGED_NEEDS_TARGET,
    UNDEFINED_INSTANCE,
    UNKNOWN_CONSTELLATION,
    ExchangeError,
)
from assessments.exchange.evidence import EvidencePlan, legacy_plans, read_evidence

# Re-exported: callers and tests read the parser's limits and entry point from `reader`.
from assessments.exchange.parsing import CHUNK_BYTES, MAX_DEPTH, load_exchange_file  # noqa: F401
from assessments.finding_services import REJECTION_NEEDS_REASON
from assessments.models import (
    Appraisal,
    Finding,
    GoalJudgment,
    Instance,
    Organisation,
    PracticeJudgment,
    Value,
)
from models_catalog.catalog import Catalog, load_catalog
from models_catalog.models import Constellation, ModelVariant, ProcessArea

# `Value.values` builds its list on every access: read once, not once per cell.
_VALUES = frozenset(Value.values)
# The texts of a characterization and how long each may be.
TEXT_LIMITS = {
    "note": limits.NOTE_MAX,
    "artifacts": limits.EVIDENCE_MAX,
    "affirmations": limits.EVIDENCE_MAX,
}


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
    method: str = Appraisal.Method.A
    evidence_model: str = Appraisal.EvidenceModel.V1_3
    coverage_policy: str = Appraisal.CoveragePolicy.ADVISORY
    sponsor: str = ""
    organisational_unit: str = ""
    instances: list[_InstancePlan] = field(default_factory=list)
    characterizations: list[dict[str, Any]] = field(default_factory=list)
    practice_judgments: list[dict[str, Any]] = field(default_factory=list)
    goal_judgments: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[EvidencePlan] = field(default_factory=list)


class _Reader(_Checks):
    """Checks a document and turns it into a _Plan; collects every problem, writes nothing."""

    def __init__(self, organisation: Organisation | None, *, bundle_files=None):
        self.organisation = organisation
        self.bundle_files = bundle_files
        self.errors: list[str] = []
        self.catalog: Catalog | None = None

    # The document, section by section.

    def read(self, data: Any) -> _Plan:
        top = self.fields(
            data,
            "",
            required=("format", "appraisal"),
            optional=(
                "organisation",
                "instances",
                "characterizations",
                "judgments",
                "findings",
                "evidence",
            ),
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
        characterizations = self.read_characterizations(top, coverage)
        plan_rows = {
            "characterizations": [row for row in characterizations if row["value"] or row["note"]],
            **self.read_judgments(top),
            "findings": self.read_findings(top, coverage, header),
            "evidence": legacy_plans(characterizations)
            + read_evidence(self, top, coverage, bundle_files=self.bundle_files),
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
        name = self.string(top, "organisation", "", blank=False, max_length=limits.NAME_MAX)
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
                "method",
                "evidence_model",
                "coverage",
                "sponsor",
                "organisational_unit",
            ),
        )
        if app is None:
            return {}
        header: dict[str, Any] = {
            "name": self.string(app, "name", where, blank=False, max_length=limits.NAME_MAX),
            "representation": self.choice(
                app, "representation", where, Appraisal.Representation.values
            ),
            "status": self.choice(
                app, "status", where, Appraisal.Status.values, default=Appraisal.Status.PLANNING
            ),
            "start_date": self.date(app, "start_date", where),
            "end_date": self.date(app, "end_date", where),
            "team": self.string(app, "team", where, default="", max_length=limits.TEAM_MAX),
            # Optional keys of DESIGN §6 (missing: the old behaviour) and two extension keys.
            "method": self.choice(
                app, "method", where, Appraisal.Method.values, default=Appraisal.Method.A
            ),
            "evidence_model": self.choice(
                app,
                "evidence_model",
                where,
                Appraisal.EvidenceModel.values,
                default=Appraisal.EvidenceModel.V1_3,
            ),
            "coverage_policy": self.choice(
                app,
                "coverage",
                where,
                Appraisal.CoveragePolicy.values,
                default=Appraisal.CoveragePolicy.ADVISORY,
            ),
            "sponsor": self.string(app, "sponsor", where, default="", max_length=200),
            "organisational_unit": self.string(
                app, "organisational_unit", where, default="", max_length=200
            ),
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
            app,
            "target_maturity_level",
            where,
            low=validators.MIN_TARGET_MATURITY_LEVEL,
            high=high,
            default=None,
            nullable=True,
        )
        if validators.staged_without_target(header["representation"], level):
            self.error("appraisal.target_maturity_level", STAGED_NEEDS_TARGET)
            level = _INVALID  # reported: the scope cannot be worked out without it
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
        self.catalog = load_catalog(variant)
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
        constellation = self.catalog.variant.constellation if self.catalog else None
        result, ok = {}, True
        for acronym in na:
            path = _path(where, acronym)
            pa = self.process_area(acronym, path)
            justification = self.string(
                na, acronym, where, blank=False, max_length=limits.RATIONALE_MAX
            )
            if pa is not _INVALID and acronym in oos:
                self.error(path, NA_AND_OOS.format(acronym=acronym))
                ok = False
            elif pa is not _INVALID and validators.not_applicable_refusal(pa, constellation):
                self.error(
                    path, NA_NOT_ALLOWED.format(acronym=acronym, constellation=constellation)
                )
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
            key = self.string(entry, "key", path, blank=False, max_length=limits.KEY_MAX)
            if key is not _INVALID and not _KEY.match(key):
                self.error(_path(path, "key"), BAD_KEY.format(value=key))
                key = _INVALID
            if key is not _INVALID and key in coverage:
                self.error(path, DUPLICATE_INSTANCE.format(key=key))
                key = _INVALID
            name = self.string(entry, "name", path, blank=False, max_length=limits.NAME_MAX)
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
        """DESIGN §6: an instance covers every PA in scope unless it lists its own; the PAs in
        scope are the engine's (`engine_input.pas_in_scope`), as for a stored appraisal."""
        if self.catalog is None or _INVALID in header.values() or not header:
            return _INVALID
        pas = self.catalog.pas
        return [pas[acronym] for acronym in pas_in_scope(self.catalog, _scope(header))]

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
            if value and value is not _INVALID and value not in _VALUES:
                choices = ", ".join(Value.values)
                self.error(_path(path, "value"), BAD_CHOICE.format(value=value, choices=choices))
                value = _INVALID
            texts = {
                name: self.string(entry, name, path, default="", max_length=limit)
                for name, limit in TEXT_LIMITS.items()
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
            rationale = self.string(
                entry, "rationale", path, blank=False, max_length=limits.RATIONALE_MAX
            )
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
            rationale = self.string(
                entry, "rationale", path, blank=False, max_length=limits.RATIONALE_MAX
            )
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

    def read_findings(self, top: dict, coverage: dict, header: dict) -> list[dict[str, Any]]:
        rows = []
        for path, entry in self.items(top, "findings", ""):
            entry = self.fields(
                entry,
                path,
                required=("process_area", "kind", "text"),
                optional=("practice", "goal", "instance", "validation", "validation_note"),
            )
            if entry is None:
                continue
            pa = self.entry_pa(entry, path)
            practice = self.practice_ref(entry, path, pa, default=None)
            goal = self.finding_goal(entry, path, pa, practice, header)
            key = self.string(entry, "instance", path, default=None, nullable=True)
            if key and key is not _INVALID:
                if key not in coverage:
                    self.error(_path(path, "instance"), UNDEFINED_INSTANCE.format(key=key))
                    key = _INVALID
                elif (
                    pa is not _INVALID
                    and coverage[key] is not None
                    and (pa.acronym not in coverage[key])
                ):
                    self.error(
                        _path(path, "instance"), NOT_COVERED.format(key=key, acronym=pa.acronym)
                    )
                    key = _INVALID
            kind = self.choice(entry, "kind", path, Finding.Kind.values)
            text = self.string(entry, "text", path, blank=False, max_length=limits.FINDING_MAX)
            outcomes = [value for value in Finding.Validation.values if value]
            validation = self.choice(entry, "validation", path, outcomes, default="")
            note = self.string(
                entry, "validation_note", path, default="", max_length=limits.FINDING_MAX
            )
            rejected = validation == Finding.Validation.REJECTED
            if rejected and note is not _INVALID and not note.strip():
                self.error(_path(path, "validation_note"), REJECTION_NEEDS_REASON)
                note = _INVALID
            if _INVALID not in (pa, practice, goal, key, kind, text, validation, note):
                rows.append(
                    {
                        "process_area": pa,
                        "practice": practice,
                        "goal": goal,
                        "instance": key or None,
                        "kind": kind,
                        "text": text.strip(),
                        "validation": validation,
                        "validation_note": note.strip(),
                    }
                )
        return rows

    def finding_goal(self, entry: dict, path: str, pa, practice, header: dict):
        """The finding's goal (None when absent): one the appraisal rates for the PA, holding
        the practice if one is named; the same rule as finding_services.finding_create."""
        code = self.string(entry, "goal", path, default=None, nullable=True)
        if _INVALID in (code, pa, practice) or not header or _INVALID in header.values():
            return _INVALID if code is _INVALID else code
        if not code and practice is None:
            return None
        requirements = finding_services.goals_and_practices(
            pa_requirements(self.catalog, _scope(header), pa.acronym)
        )
        problems = finding_services.check_narrowing(
            requirements,
            acronym=pa.acronym,
            goal=code or None,
            practice=practice.code if practice else None,
        )
        for name, message in problems.items():
            self.error(_path(path, name), message)
        if problems:
            return _INVALID
        return self.catalog.goal(pa.acronym, code) if code else None

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


def _scope(header: dict) -> rating.AppraisalInput:
    """The engine's input of a checked header's scope and targets (as `engine_input.scope_input`
    of a stored appraisal): what the PAs in scope and a finding's goals are read from."""
    return rating.AppraisalInput(
        representation=header["representation"],
        target_maturity_level=header["target_maturity_level"],
        target_profile=header["target_profile"],
        out_of_scope=frozenset(pa.acronym for pa in header["out_of_scope"]),
        not_applicable=frozenset(header["not_applicable"]),
    )
