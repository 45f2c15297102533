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
    # CAM is ML3: out of scope of this ML2 appraisal, yet an instance may cover it.
    services.instance_save(
        appraisal=appraisal,
        instance=desk,
        key="desk",
        name="Service desk",
        kind="service",
        process_areas=[*desk.process_areas.all(), catalog.process_areas["CAM"]],
    )
    # Rated while the target was ML3, kept when it went back to ML2: a save only accepts
    # practices the appraisal rates, so cells outside the rating come from a narrowed target.
    services.appraisal_update(appraisal=appraisal, target_maturity_level=3)
    rate_cell(appraisal, "desk", "CAM", "SP 1.1", "LI", team_member, note="Capacity plan seen.")
    rate_cell(appraisal, "desk", "REQM", "GP 3.1", "FI", team_member)  # GG3: not required at ML2
    services.appraisal_update(appraisal=appraisal, target_maturity_level=2)
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


def summary_facts(wb) -> dict:
    return {row[0]: row[1] for row in wb[SUMMARY].iter_rows(min_row=4, values_only=True) if row[0]}


def pa_table(wb) -> list[dict]:
    rows = list(wb[SUMMARY].iter_rows(values_only=True))
    start = next(n for n, row in enumerate(rows) if row[0] == "PA")
    header = rows[start]
    table = []
    for row in rows[start + 1 :]:
        if not row[0]:
            break
        table.append(dict(zip(header, row, strict=False)))
    return table


def test_levels_are_indicative_and_an_uncertain_level_is_not_rated(rated):
    wb = load_workbook(BytesIO(workbook_bytes(findings_report(rated))))
    facts = summary_facts(wb)
    assert facts["Indicative maturity level"] == 1
    assert facts["Levels"] == "not an official SCAMPI A rating"
    assert facts["Method"] == "SCAMPI A style (indicative levels)"
    cls = {row["PA"]: row["CL"] for row in pa_table(wb)}
    assert (cls["REQM"], cls["CM"], cls["SAM"]) == ("CL2", "not rated", None)
    assert wb["CM"]["B2"].value == "Capability level: not rated"


def test_methods_b_and_c_write_no_level(rated):
    rated.method = "B"
    rated.sponsor = '=HYPERLINK("http://evil")'
    rated.save(update_fields=["method", "sponsor"])
    wb = load_workbook(BytesIO(workbook_bytes(findings_report(rated))))
    facts = summary_facts(wb)
    assert "Indicative maturity level" not in facts and "Maturity level" not in facts
    assert facts["Result"].startswith("None: a method B appraisal")
    # Written as text, exactly as typed (reports.xlsx_safe), never as a formula.
    assert facts["Sponsor"] == '=HYPERLINK("http://evil")'
    assert all("CL" not in row and "Target" not in row for row in pa_table(wb))
    assert wb["CM"]["B2"].value is None
    values = [c for sheet in wb for row in sheet.iter_rows(values_only=True) for c in row]
    assert not any(isinstance(v, str) and v.startswith("CL") for v in values)
