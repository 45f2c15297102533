"""The workbook keeps every characterization, even those the rating does not use."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from assessments import services
from assessments.engine_input import load_catalog
from reports.selectors import findings_report
from reports.xlsx import EVIDENCE, OTHER, SUMMARY, workbook_bytes
from tests.conftest import rate_cell


def test_cells_outside_the_rating_go_to_their_own_sheet(appraisal, team_member):
    catalog = load_catalog(appraisal.variant)
    desk = appraisal.instances.get(key="desk")
    # CAM is ML3: out of scope of this ML2 appraisal, yet an instance may cover and rate it.
    services.instance_save(
        appraisal=appraisal,
        instance=desk,
        key="desk",
        name="Service desk",
        kind="service",
        process_areas=[*desk.process_areas.all(), catalog.process_areas["CAM"]],
    )
    rate_cell(appraisal, "desk", "CAM", "SP 1.1", "LI", team_member, note="Capacity plan seen.")
    rate_cell(appraisal, "desk", "REQM", "GP 3.1", "FI", team_member)  # GG3: not required at ML2
    rate_cell(appraisal, "hosting", "REQM", "SP 1.1", "NI", team_member)

    wb = load_workbook(BytesIO(workbook_bytes(findings_report(appraisal))))

    assert wb.sheetnames[0] == SUMMARY and wb.sheetnames[-2:] == [OTHER, EVIDENCE]
    rows = list(wb[OTHER].iter_rows(min_row=3, values_only=True))
    assert rows == [
        ("desk", "CAM", "SP 1.1", "LI", "Capacity plan seen."),
        ("desk", "REQM", "GP 3.1", "FI", None),
    ]


def test_no_other_sheet_when_every_cell_counts(appraisal, team_member):
    rate_cell(appraisal, "hosting", "REQM", "SP 1.1", "NI", team_member)

    wb = load_workbook(BytesIO(workbook_bytes(findings_report(appraisal))))

    assert OTHER not in wb.sheetnames
