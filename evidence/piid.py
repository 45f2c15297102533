"""Practice implementation indicator descriptions (PIIDs): per PA, practice rows and, per
instance, the direct and indirect artifacts, affirmations, team notes and value.

`piid_table` is the read model of the page; `export_workbook` writes one sheet per PA in that
shape and `import_workbook` reads it back (atomic; errors name sheet, row and column).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from io import BytesIO
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from assessments import services as assessment_services
from assessments.engine_input import AppraisalState, load_appraisal_state
from assessments.models import Appraisal, Characterization, Value
from assessments.revision import begin_write
from evidence.models import EvidenceItem, EvidenceLink
from reports import xlsx_safe

DIRECT, INDIRECT, ARTIFACTS, AFFIRMATIONS, NOTES, VALUE = (
    "Direct artifacts",
    "Indirect artifacts",
    "Artifacts",
    "Affirmations",
    "Notes",
    "Value",
)
FIXED = ("Goal", "Practice", "Title")
HEADER_ROW = 3
URI_SEPARATOR = " | "

BAD_HEADER = "{where}: expected the column {expected!r}, found {found!r}"
NOT_A_PRACTICE = "{where}: {code!r} is not a required practice of {acronym}"
BAD_VALUE = "{where}: {value!r} is not one of FI, LI, PI, NI, NY"
NOT_IN_SCOPE = "{sheet}: {sheet} is not a process area in scope of this appraisal"
NOT_A_WORKBOOK = "the file is not an XLSX workbook"
LOCKED_SHEET = "the appraisal is final: reopen it before importing"
TOO_LONG = "{where}: an item title may have at most 300 characters"


def _v12(appraisal: Appraisal) -> bool:
    return appraisal.evidence_model == Appraisal.EvidenceModel.V1_2


def columns(appraisal: Appraisal) -> tuple[str, ...]:
    """The sub-columns of one instance: v1.2 splits artifacts into direct and indirect."""
    if _v12(appraisal):
        return (DIRECT, INDIRECT, AFFIRMATIONS, NOTES, VALUE)
    return (ARTIFACTS, AFFIRMATIONS, NOTES, VALUE)


class PiidItem(NamedTuple):
    """What the PIID shows of an item (read as plain values: the full set has 30,000 links)."""

    title: str
    uri: str


@dataclass
class PiidCell:
    direct: list[PiidItem] = field(default_factory=list)
    indirect: list[PiidItem] = field(default_factory=list)
    affirmations: list[PiidItem] = field(default_factory=list)
    note: str = ""
    value: str = ""

    @property
    def artifacts(self) -> list[PiidItem]:
        return self.direct + self.indirect


@dataclass
class PiidRow:
    goal: str
    code: str
    title: str
    new_goal: bool
    cells: list[PiidCell]


def cell_texts(appraisal: Appraisal, catalog) -> dict[tuple[int, str, str], tuple[str, str]]:
    """(instance pk, acronym, code) -> (value, note) of every cell, as plain values; one query."""
    pa_by_id = {pa.pk: a for a, pa in catalog.process_areas.items()}
    sp_code = {sp.pk: c for (_, c), sp in catalog.specific_practices.items()}
    gp_code = {gp.pk: c for c, gp in catalog.generic_practices.items()}
    rows = (
        Characterization.objects.filter(appraisal=appraisal)
        .order_by()
        .values_list(
            "sampled_instance_id",
            "process_area_id",
            "specific_practice_id",
            "generic_practice_id",
            "value",
            "note",
        )
    )
    return {
        (i, pa_by_id.get(pa), sp_code.get(sp) if sp else gp_code.get(gp)): (value, note)
        for i, pa, sp, gp, value, note in rows
    }


def piid_table(state: AppraisalState, acronym: str, texts: dict | None = None) -> list[PiidRow]:
    """The PA's PIID: one query for its links; values and notes from `texts` (`cell_texts`)."""
    if texts is None:
        texts = cell_texts(state.appraisal, state.catalog)
    instances = state.coverage.get(acronym, [])
    pa = state.catalog.process_areas[acronym]
    links = (
        EvidenceLink.objects.filter(appraisal=state.appraisal, process_area=pa)
        .order_by("item__title")
        .values_list(
            "sampled_instance_id",
            "specific_practice_id",
            "generic_practice_id",
            "pii",
            "item__kind",
            "item__title",
            "item__uri",
        )
    )
    by_cell: dict[tuple, PiidCell] = defaultdict(PiidCell)
    sp_code = {sp.pk: c for (a, c), sp in state.catalog.specific_practices.items() if a == acronym}
    gp_code = {gp.pk: c for c, gp in state.catalog.generic_practices.items()}
    v12 = _v12(state.appraisal)
    for instance_id, sp, gp, pii, kind, title, uri in links:
        code = sp_code.get(sp) or gp_code.get(gp)
        cell = by_cell[(instance_id, code)]
        item = PiidItem(title, uri)
        if kind == EvidenceItem.Kind.AFFIRMATION:
            cell.affirmations.append(item)
        elif v12 and pii == EvidenceLink.Pii.DIRECT:
            cell.direct.append(item)
        else:
            cell.indirect.append(item)
    rows, previous = [], None
    for code, result in state.results.process_areas[acronym].practices.items():
        cells = []
        for instance in instances:
            cell = by_cell.get((instance.pk, code), PiidCell())
            cell.value, cell.note = texts.get((instance.pk, acronym, code), ("", ""))
            cells.append(cell)
        practice = state.catalog.practice(acronym, code)
        rows.append(PiidRow(result.goal, code, practice.title, result.goal != previous, cells))
        previous = result.goal
    return rows


# --- Workbook ---------------------------------------------------------------------------------


def _item_line(item: PiidItem) -> str:
    return f"{item.title}{URI_SEPARATOR}{item.uri}" if item.uri else item.title


def _cell_texts(appraisal: Appraisal, cell: PiidCell) -> list[str]:
    lines = [
        "\n".join(_item_line(i) for i in items) for items in _evidence_columns(appraisal, cell)
    ]
    return [*lines, cell.note, cell.value]


def _evidence_columns(appraisal: Appraisal, cell: PiidCell) -> list[list[PiidItem]]:
    if _v12(appraisal):
        return [cell.direct, cell.indirect, cell.affirmations]
    return [cell.artifacts, cell.affirmations]


def export_workbook(appraisal: Appraisal, state: AppraisalState | None = None) -> bytes:
    """One sheet per PA in scope, in the PIID shape; formula-looking text is written as text.

    Write-only mode: the full benchmark appraisal has some 130,000 cells.
    """
    state = state or load_appraisal_state(appraisal)
    wb = Workbook(write_only=True)
    subcolumns = columns(appraisal)
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    texts = cell_texts(appraisal, state.catalog)

    def cell(sheet, value, *, font=None):
        if isinstance(value, str) and (xlsx_safe.is_risky(value) or "\n" in value or font):
            out = WriteOnlyCell(sheet, value=value)
            if xlsx_safe.is_risky(value):
                out.data_type = "s"
                out.quotePrefix = True
            if "\n" in value:
                out.alignment = wrap
            if font:
                out.font = font
            return out
        return value

    for acronym in state.in_scope:
        sheet = wb.create_sheet(acronym[:31])
        instances = state.coverage.get(acronym, [])
        header = [*FIXED]
        for instance in instances:
            header += [f"{instance.key}: {name}" for name in subcolumns]
        sheet.column_dimensions["C"].width = 40
        for column in range(len(FIXED) + 1, len(header) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 28
        sheet.freeze_panes = f"{get_column_letter(len(FIXED) + 1)}{HEADER_ROW + 1}"
        title = f"{acronym} {state.catalog.process_areas[acronym].name}"
        sheet.append([cell(sheet, title, font=Font(bold=True, size=13))])
        keys = [f"{appraisal.name} · evidence model {appraisal.evidence_model}", "", ""]
        for instance in instances:
            keys += [instance.key] + [""] * (len(subcolumns) - 1)
        sheet.append([cell(sheet, v) for v in keys])
        sheet.append([cell(sheet, v, font=bold) for v in header])
        for row in piid_table(state, acronym, texts):
            values = [row.goal, row.code, row.title]
            for piid_cell in row.cells:
                values += _cell_texts(appraisal, piid_cell)
            sheet.append([cell(sheet, v) for v in values])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class WorkbookError(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class _CellPlan:
    instance: object
    code: str
    value: str
    note: str
    items: list[tuple[str, str, str, str]]  # kind, title, uri, pii


def _parse_lines(text) -> list[tuple[str, str]]:
    lines = []
    for line in str(text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        title, _, uri = line.partition(URI_SEPARATOR.strip())
        lines.append((title.strip(), uri.strip()))
    return lines


def import_workbook(appraisal: Appraisal, source, *, user) -> int:
    """Read a PIID workbook back; returns the number of cells changed.

    Per cell: a value or note that differs is saved (an empty one leaves the cell as it is);
    the items listed are linked (matched in the library by URI, then by kind and title, and
    created when new); links not listed are kept. All or nothing.
    """
    try:
        wb = load_workbook(source, read_only=True, data_only=False)
    except Exception:
        raise WorkbookError([NOT_A_WORKBOOK]) from None
    if appraisal.is_final:
        raise WorkbookError([LOCKED_SHEET])
    state = load_appraisal_state(appraisal)
    subcolumns = columns(appraisal)
    errors: list[str] = []
    plans: dict[str, list[_CellPlan]] = {}
    for sheet in wb.worksheets:
        acronym = sheet.title
        if acronym not in state.in_scope:
            errors.append(NOT_IN_SCOPE.format(sheet=acronym))
            continue
        plans[acronym] = _read_sheet(sheet, state, acronym, subcolumns, errors)
    if errors:
        raise WorkbookError(errors)
    return _write(appraisal, state, plans, user)


def _read_sheet(sheet, state, acronym, subcolumns, errors) -> list[_CellPlan]:
    instances = state.coverage.get(acronym, [])
    expected = [*FIXED] + [f"{i.key}: {name}" for i in instances for name in subcolumns]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[HEADER_ROW - 1]) if len(rows) >= HEADER_ROW else []
    for column, name in enumerate(expected, start=1):
        found = header[column - 1] if column <= len(header) else None
        if found != name:
            where = f"{acronym}!{get_column_letter(column)}{HEADER_ROW}"
            errors.append(BAD_HEADER.format(where=where, expected=name, found=found))
            return []
    required = state.results.process_areas[acronym].practices
    plans = []
    for number, values in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        values = list(values) + [None] * (len(expected) - len(values))
        code = str(values[1] or "").strip()
        if not code and not any(values):
            continue
        if code not in required:
            errors.append(
                NOT_A_PRACTICE.format(where=f"{acronym}!B{number}", code=code, acronym=acronym)
            )
            continue
        for n, instance in enumerate(instances):
            start = len(FIXED) + n * len(subcolumns)
            chunk = dict(zip(subcolumns, values[start : start + len(subcolumns)], strict=True))
            value_column = get_column_letter(start + len(subcolumns))
            value = str(chunk[VALUE] or "").strip().upper()
            if value and value not in Value.values:
                where = f"{acronym}!{value_column}{number}"
                errors.append(BAD_VALUE.format(where=where, value=chunk[VALUE]))
                continue
            items = []
            for offset, name in enumerate(subcolumns[:-2]):
                kind = "affirmation" if name == AFFIRMATIONS else "artifact"
                pii = {DIRECT: "direct", INDIRECT: "indirect"}.get(name, "")
                for title, uri in _parse_lines(chunk[name]):
                    if len(title) > 300:
                        where = f"{acronym}!{get_column_letter(start + offset + 1)}{number}"
                        errors.append(TOO_LONG.format(where=where))
                        continue
                    items.append((kind, title, uri, pii))
            note = str(chunk[NOTES] or "").strip()
            plans.append(_CellPlan(instance, code, value, note, items))
    return plans


def _write(appraisal: Appraisal, state, plans: dict[str, list[_CellPlan]], user) -> int:
    organisation = appraisal.organisation
    library = list(EvidenceItem.objects.filter(organisation=organisation))
    by_uri = {i.uri: i for i in library if i.uri}
    by_title = {(i.kind, i.title): i for i in library}
    existing = set(
        EvidenceLink.objects.filter(appraisal=appraisal).values_list(
            "item_id",
            "sampled_instance_id",
            "process_area_id",
            "specific_practice_id",
            "generic_practice_id",
        )
    )
    changed = 0
    with transaction.atomic():
        begin_write(appraisal)
        for acronym, cells in plans.items():
            pa = state.catalog.process_areas[acronym]
            for plan in cells:
                practice = state.catalog.practice(acronym, plan.code)
                row: Characterization | None = state.cells.get(
                    (plan.instance.pk, acronym, plan.code)
                )
                new_value = plan.value and plan.value != (row.value if row else "")
                new_note = plan.note and plan.note != (row.note if row else "")
                if new_value or new_note:
                    try:
                        assessment_services.characterization_set(
                            appraisal=appraisal,
                            instance=plan.instance,
                            process_area=pa,
                            practice=practice,
                            expected_version=row.version if row else 0,
                            user=user,
                            value=plan.value if new_value else None,
                            note=plan.note if new_note else None,
                        )
                    except (ValidationError, assessment_services.Conflict) as error:
                        raise WorkbookError([f"{acronym} {plan.code}: {error}"]) from None
                    changed += 1
                for kind, title, uri, pii in plan.items:
                    item = (by_uri.get(uri) if uri else None) or by_title.get((kind, title))
                    if item is None:
                        item = EvidenceItem(
                            organisation=organisation,
                            kind=kind,
                            title=title,
                            uri=uri,
                            created_by=user,
                        )
                        item.full_clean()
                        item._history_user = user
                        item.save()
                        by_title[(kind, title)] = item
                        if uri:
                            by_uri[uri] = item
                    sp = practice.pk if plan.code.startswith("SP") else None
                    gp = None if sp else practice.pk
                    identity = (item.pk, plan.instance.pk, pa.pk, sp, gp)
                    if identity in existing:
                        continue
                    existing.add(identity)
                    link = EvidenceLink(
                        item=item,
                        appraisal=appraisal,
                        sampled_instance=plan.instance,
                        process_area=pa,
                        specific_practice_id=sp,
                        generic_practice_id=gp,
                        pii=pii if item.is_artifact else "",
                        created_by=user,
                    )
                    link._history_user = user
                    link.save()
                    changed += 1
    return changed
