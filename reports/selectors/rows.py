"""The rows the findings report prints (screen, PDF and XLSX): plain dataclasses, no queries."""

from __future__ import annotations

import datetime
import textwrap
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

from assessments import finding_selectors, rating
from assessments.engine_input import AppraisalState
from assessments.labels import CL_NOT_RATED, RATING_LABELS
from assessments.models import Appraisal, Finding, StatusChange
from reports.disclosure import Disclosure
from reports.profile_chart import Chart

UNRATED = "·"  # a covering instance without a value yet
PENDING = "LI/PI?"
# More instances than this and the practice matrices go on landscape pages.
PORTRAIT_MAX_INSTANCES = 12
# The practice grid, in characters of the monospaced font at 7.5pt (report.css, `.grid`): an A4
# page's text column holds 112 of them upright, 168 across.
GRID_LINE_PORTRAIT = 110
GRID_LINE_LANDSCAPE = 165
GRID_CODE = 8  # "GP 2.10 "
GRID_VALUE = 3  # "FI "
GRID_ORG = 7  # "LI/PI?" and a judgment's "*"
GRID_MIN_TITLE = 24


@dataclass
class InstanceColumn:
    number: int
    key: str
    name: str
    kind: str
    covered: list[str]


@dataclass
class ScopeRow:
    acronym: str
    name: str
    maturity_level: int
    target: str  # "CL3" for a continuous target, "" otherwise
    instances: int
    justification: str = ""


@dataclass
class PracticeRow:
    code: str
    title: str
    values: list[str]  # one per covering instance, in column order: FI..NY or UNRATED
    org: str  # FI..NY, PENDING, or "" when unrated
    judged: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def org_label(self) -> str:
        return (self.org or "—") + ("*" if self.judged else "")


@dataclass
class GoalBlock:
    code: str
    title: str
    rating: str
    judged: bool
    practices: list[PracticeRow]
    grid: str = ""  # the practice × instance lines, see Grid

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, self.rating)


@dataclass(frozen=True)
class Grid:
    """The practice × instance matrix as monospaced text: practice code, title, one column per
    covering instance, the org value; a title too long for its column wraps onto further lines.

    A PDF table with a cell per value costs WeasyPrint about a millisecond per cell (and six
    pseudo-element styles per element): 20 instances × 600 practices would take far longer than
    the whole report may. One <pre> per goal lays out in a fraction of that, and monospace keeps
    every column aligned on screen and on paper.
    """

    instances: int
    line_chars: int  # characters a line may hold at the grid's font size (report.css)
    longest_title: int = 0  # the PA's longest practice title: no wider column than that needs

    @property
    def title_chars(self) -> int:
        fixed = GRID_CODE + GRID_VALUE * self.instances + GRID_ORG
        room = max(self.line_chars - fixed, GRID_MIN_TITLE)
        return min(room, max(self.longest_title + 2, len("Practice") + 2))

    def header(self, numbers: list[int]) -> str:
        cells = "".join(f"{n:<{GRID_VALUE}}" for n in numbers)
        return f"{'':<{GRID_CODE}}{'Practice':<{self.title_chars}}{cells}Org"

    def lines(self, practice: PracticeRow) -> list[str]:
        width = self.title_chars
        title = textwrap.wrap(practice.title, width - 1) or [""]
        cells = "".join(f"{value:<{GRID_VALUE}}" for value in practice.values)
        first = f"{practice.code:<{GRID_CODE}}{title[0]:<{width}}{cells}{practice.org_label}"
        return [first.rstrip()] + [f"{'':<{GRID_CODE}}{more}" for more in title[1:]]

    def text(self, numbers: list[int], practices: list[PracticeRow]) -> str:
        lines = [self.header(numbers)]
        for practice in practices:
            lines.extend(self.lines(practice))
        return "\n".join(lines)


@dataclass
class PADetail:
    acronym: str
    name: str
    purpose: str
    maturity_level: int
    rating: str
    capability_level: int | None
    target: str
    columns: list[InstanceColumn]
    goals: list[GoalBlock]
    strengths: list[Finding]
    weaknesses: list[Finding]
    # Per goal at the organisational-unit level, the PA as a whole last (DESIGN §3).
    finding_groups: list[finding_selectors.GoalFindings] = field(default_factory=list)

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, self.rating)

    @property
    def cl_label(self) -> str:
        return cl_label(self.rating, self.capability_level)

    @property
    def legend(self) -> str:
        return " · ".join(f"{column.number} {column.name}" for column in self.columns)


@dataclass
class PARow:
    acronym: str
    name: str
    category: str
    maturity_level: int
    rating: str
    capability_level: int | None
    target: str
    strengths: int
    weaknesses: int

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, self.rating)

    @property
    def in_scope(self) -> bool:
        return self.rating not in (rating.NOT_APPLICABLE, rating.OUT_OF_SCOPE)

    @property
    def cl_label(self) -> str:
        return cl_label(self.rating, self.capability_level)


@dataclass
class ItsmRow:
    """A process of the ITSM standard: the mapped PAs of the appraisal's variant with their
    rating here, and the mapped PAs the variant leaves out (an addition it does not take)."""

    name: str
    standard: str
    note: str
    process_areas: list[tuple[str, str]]  # (acronym, rating label in this appraisal)
    missing: list[str] = field(default_factory=list)  # mapped PAs not in the variant

    @property
    def partly(self) -> bool:
        return bool(self.process_areas and self.missing)


@dataclass
class PendingRow:
    acronym: str
    code: str
    title: str
    values: list[tuple[int, str]]  # (instance number, value)

    @property
    def summary(self) -> str:
        """Each value's count, and the instance numbers of every value but the one that more
        than half of the instances gave: "FI 16 · LI 2 (4, 17) · PI 1 (8)"."""
        groups: dict[str, list[int]] = {}
        for number, value in self.values:
            groups.setdefault(value, []).append(number)
        order = [*rating.PRACTICE_VALUES, UNRATED]
        majority = [v for v, numbers in groups.items() if 2 * len(numbers) > len(self.values)]
        common = majority[0] if majority else None
        parts = []
        for value in sorted(groups, key=lambda v: order.index(v) if v in order else len(order)):
            numbers = groups[value]
            text = f"{value} {len(numbers)}"
            if value != common:
                text += " (" + ", ".join(str(n) for n in numbers) + ")"
            parts.append(text)
        return " · ".join(parts)


@dataclass
class ReviewRow:
    acronym: str
    goal: str
    title: str


@dataclass
class JudgmentRow:
    acronym: str
    code: str
    decision: str
    rationale: str
    decided_by: str
    decided_at: datetime.datetime | None


@dataclass
class BlockerRow:
    acronym: str
    maturity_level: int
    reason: str
    goals: str
    failing: str = ""  # "SP 1.1 PI, GP 2.2 NI": already failing inside the goals


@dataclass
class FindingsReport:
    appraisal: Appraisal
    state: AppraisalState
    generated: datetime.date
    team: list[str]
    status_changes: list[StatusChange]
    instances: list[InstanceColumn]
    in_scope: list[ScopeRow]
    not_applicable: list[ScopeRow]
    out_of_scope: list[ScopeRow]
    maturity_level: int | None
    equivalent_maturity_level: int | None
    next_level: int | None
    blockers: list[BlockerRow]
    pa_rows: list[PARow]
    chart: Chart
    details: list[PADetail]
    itsm_covered: list[ItsmRow]
    itsm_uncovered: list[ItsmRow]
    pending: list[PendingRow]
    reviews: list[ReviewRow]
    practice_judgments: list[JudgmentRow]
    goal_judgments: list[JudgmentRow]
    findings: list[Finding]
    landscape: bool
    disclosure: Disclosure | None = None

    @property
    def is_final(self) -> bool:
        return self.appraisal.is_final

    @property
    def staged(self) -> bool:
        return self.appraisal.representation == Appraisal.Representation.STAGED

    @property
    def level(self) -> int | None:
        return self.maturity_level if self.staged else self.equivalent_maturity_level

    @property
    def shows_levels(self) -> bool:
        """Method A shows indicative levels; methods B and C none (DESIGN §3 Method)."""
        return self.appraisal.shows_levels

    @property
    def result_text(self) -> str:
        """The appraisal's result in one line: the indicative level, or none for B and C."""
        if not self.shows_levels:
            return (
                f"None: a method {self.appraisal.method} appraisal gives characterizations, "
                "goal indications and findings, no maturity or capability level."
            )
        if self.staged:
            return (
                f"Indicative maturity level {self.maturity_level} (not an official SCAMPI A rating)"
            )
        return (
            f"Indicative equivalent maturity level {self.equivalent_maturity_level} "
            "(equivalent staging; not an official SCAMPI A rating)"
        )


def cl_label(pa_rating: str, level: int | None) -> str:
    """ "CL2"; "not rated" for a PA in scope whose level is not certain yet; "—" out of scope."""
    if level is not None:
        return f"CL{level}"
    if pa_rating in (rating.NOT_APPLICABLE, rating.OUT_OF_SCOPE):
        return "—"
    return CL_NOT_RATED


def report_filename(appraisal: Appraisal, extension: str, day: datetime.date | None = None) -> str:
    """`acme-2026-service-self-assessment-2026-11-26.pdf`: organisation, appraisal, date."""
    day = day or timezone.localdate()
    org = slugify(appraisal.organisation.slug) or "organisation"
    name = slugify(appraisal.name) or "appraisal"
    return f"{org}-{name}-{day.isoformat()}.{extension}"
