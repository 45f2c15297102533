"""The report's read model (reports/selectors/), with exact values."""

from __future__ import annotations

import datetime

from assessments import services
from assessments.engine_input import load_appraisal_state
from reports.selectors import Grid, PendingRow, PracticeRow, findings_report, report_filename
from tests.reports.conftest import PA_WEAKNESS, SAM_JUSTIFICATION, STRENGTH, WEAKNESS


def test_scope_and_ratings(rated):
    report = findings_report(rated)

    in_scope = [row.acronym for row in report.in_scope]
    assert in_scope == ["CM", "IRM", "MA", "PMC", "PP", "PPQA", "REQM"]
    assert [(row.acronym, row.justification) for row in report.not_applicable] == [
        ("SAM", SAM_JUSTIFICATION)
    ]
    out = {row.acronym: row.justification for row in report.out_of_scope}
    assert out["CAM"] == "Above the target maturity level (ML3)."
    assert out["OID"] == "Above the target maturity level (ML5)."
    assert report.maturity_level == 1 and report.equivalent_maturity_level is None
    assert report.next_level == 2
    rows = {row.acronym: row for row in report.pa_rows}
    assert (rows["REQM"].rating, rows["REQM"].capability_level) == ("satisfied", 2)
    # Rules v2: CM is partly rated, so its level is not certain: "not rated", never CL0.
    assert (rows["CM"].rating, rows["CM"].capability_level) == ("not_rated", None)
    assert (rows["CM"].cl_label, rows["REQM"].cl_label, rows["SAM"].cl_label) == (
        "not rated",
        "CL2",
        "—",
    )
    assert (rows["SAM"].rating, rows["SAM"].capability_level) == ("not_applicable", None)
    assert (rows["REQM"].strengths, rows["CM"].weaknesses) == (1, 2)
    assert [b.acronym for b in report.blockers] == ["CM", "IRM", "MA", "PMC", "PP", "PPQA"]
    assert report.team == [] and report.landscape is False
    assert [i.key for i in report.instances] == ["hosting", "desk"]  # ordered by name


def test_practice_rows_and_goals(rated):
    report = findings_report(rated)
    details = {d.acronym: d for d in report.details}

    reqm = details["REQM"]
    assert [g.code for g in reqm.goals] == ["SG 1", "SG 2", "GG 2"]
    assert {g.rating for g in reqm.goals} == {"satisfied"}
    sp14 = reqm.goals[0].practices[3]
    assert (sp14.code, sp14.values, sp14.org) == ("SP 1.4", ["FI", "FI"], "FI")
    assert sp14.org_label == "FI"
    assert [f.text for f in sp14.findings] == [STRENGTH]
    assert reqm.legend == "1 Hosting · 2 Service desk"

    cm = details["CM"]
    sp11, sp12 = cm.goals[0].practices[:2]
    assert (sp11.values, sp11.org, sp11.judged, sp11.org_label) == (["PI", "FI"], "LI", True, "LI*")
    assert (sp12.values, sp12.org, sp12.org_label) == (["·", "LI"], "", "—")
    assert [f.text for f in cm.weaknesses] == [WEAKNESS, PA_WEAKNESS]
    assert [(j.acronym, j.code, j.decision) for j in report.practice_judgments] == [
        ("CM", "SP 1.1", "LI")
    ]
    assert report.pending == [] and report.reviews == []


def test_grid_lines_align_in_columns():
    grid = Grid(instances=2, line_chars=110, longest_title=20)
    practice = PracticeRow(
        code="SP 1.1", title="Obtain Commitment", values=["FI", "·"], org="LI", judged=True
    )

    assert grid.title_chars == 22
    assert grid.header([1, 4]) == " " * 8 + "Practice" + " " * 14 + "1  4  Org"
    assert grid.lines(practice) == ["SP 1.1  Obtain Commitment     FI ·  LI*"]


def test_grid_wraps_a_long_title_under_itself():
    grid = Grid(instances=20, line_chars=110, longest_title=80)
    title = "Incorporate Process-Related Experiences into the Organizational Process Assets"
    practice = PracticeRow("SP 2.4", title, ["FI"] * 20, "FI", False)

    lines = grid.lines(practice)

    assert grid.title_chars == 110 - 8 - 60 - 7
    assert len(lines) == 3
    assert lines[0].startswith("SP 2.4  Incorporate Process-Related")
    assert lines[0].endswith("FI " * 20 + "FI")
    assert all(line.startswith(" " * 8) for line in lines[1:])
    assert " ".join(" ".join(lines).split()).endswith("Organizational Process Assets")


def test_pending_summary_names_the_minority_instances():
    row = PendingRow("CM", "SP 1.1", "", [(1, "FI"), (2, "PI"), (3, "FI"), (4, "NI"), (5, "FI")])

    assert row.summary == "FI 3 · PI 1 (2) · NI 1 (4)"
    tie = PendingRow("CM", "SP 1.1", "", [(1, "FI"), (2, "LI"), (3, "PI")])
    assert tie.summary == "FI 1 (1) · LI 1 (2) · PI 1 (3)"


def test_itsm_coverage_flags_what_the_variant_does_not_cover(rated):
    # The base variant (CMMI-SVC) has neither OSM nor SCON.
    report = findings_report(rated)

    uncovered = {p.name: p.missing for p in report.itsm_uncovered}
    assert uncovered == {
        "Information Security Management": [],
        "Budgeting & Accounting for IT Services": [],
        "Business Relationship Management": ["OSM"],
    }
    covered = {p.name: p for p in report.itsm_covered}
    assert covered["Incident Management"].process_areas == [("IRM", "Not rated")]
    assert covered["Service Level Management"].process_areas == [("REQM", "Satisfied")]
    continuity = covered["Service Continuity & Availability Management"]
    assert (continuity.partly, continuity.missing) == (True, ["SCON"])
    assert [a for a, _ in continuity.process_areas] == ["CAM"]
    assert not covered["Capacity Management"].partly


def test_itsm_coverage_of_the_full_variant(catalog, org, lead, full_variant):
    from assessments import services

    appraisal = services.appraisal_create(
        organisation=org,
        name="Full",
        variant=full_variant,
        representation="staged",
        target_maturity_level=3,
        user=lead,
    )
    report = findings_report(appraisal)
    assert len(report.itsm_uncovered) == 2
    assert not any(p.partly for p in report.itsm_covered)


def test_chart_bars(rated):
    chart = findings_report(rated).chart
    bars = {bar.acronym: bar for bar in chart.bars}

    assert list(bars) == ["CM", "IRM", "MA", "PMC", "PP", "PPQA", "REQM", "SAM"]
    assert (bars["REQM"].level, bars["REQM"].target, bars["REQM"].reached) == (2, 2, True)
    assert (bars["CM"].level, bars["CM"].reached, bars["CM"].uncertain) == (None, False, True)
    assert (bars["SAM"].level, bars["SAM"].target, bars["SAM"].uncertain) == (None, None, False)
    assert bars["REQM"].uncertain is False


def test_query_count_does_not_grow_with_the_appraisal(rated, lead, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        findings_report(rated)
    state = load_appraisal_state(rated)
    pas = [state.catalog.process_areas[acr] for acr in state.in_scope]
    for n in range(3):
        services.instance_save(
            appraisal=rated, key=f"extra-{n}", name=f"Extra {n}", kind="team", process_areas=pas
        )
        services.finding_create(
            appraisal=rated,
            process_area=pas[n],
            kind="strength",
            text=f"Extra {n}",
            user=lead,
        )

    with django_assert_num_queries(len(small)):
        findings_report(rated)


def test_report_filename(appraisal):
    day = datetime.date(2026, 11, 26)

    assert report_filename(appraisal, "pdf", day) == "acme-2026-self-assessment-2026-11-26.pdf"
    assert report_filename(appraisal, "xlsx", day).endswith("-2026-11-26.xlsx")


# --- The appraisal disclosure statement ---------------------------------------------------------


def test_the_disclosure_statement(rated, lead):
    rated.sponsor = "Dana Chief"
    rated.organisational_unit = "IT Operations"
    rated.team = "Lea\nTom"
    rated.end_date = datetime.date(2026, 12, 11)
    rated.save()
    report = findings_report(rated)
    d = report.disclosure
    assert (d.organisation, d.organisational_unit, d.sponsor) == (
        "Acme IT Services",
        "IT Operations",
        "Dana Chief",
    )
    assert d.lead_appraisers == [lead.get_full_name() or lead.username]
    assert d.team == ["Lea", "Tom"]
    assert d.variant == "CMMI-SVC" and d.model == "CMMI for Services draft 2007 (draft)"
    assert d.representation == "Staged, target maturity level 2"
    assert d.method == "SCAMPI A style (indicative levels)"
    assert d.result == ("Indicative maturity level 1 (not an official SCAMPI A rating)")
    assert d.validity == "Results valid until 2029-12-11"


def test_the_disclosure_statement_without_an_end_date_and_for_method_c(rated):
    rated.method = "C"
    rated.end_date = None
    rated.save()
    d = findings_report(rated).disclosure
    assert d.validity == "Results valid until: no end date set"
    assert d.result.startswith("None: a method C appraisal")


def test_results_valid_three_years_after_the_end_date():
    from reports.disclosure import results_valid_until

    assert results_valid_until(datetime.date(2028, 2, 29)) == datetime.date(2031, 2, 28)
    assert results_valid_until(datetime.date(2026, 3, 13)) == datetime.date(2029, 3, 13)
    assert results_valid_until(None) is None


def test_a_continuous_disclosure_names_each_target(org, base_variant, lead):
    from tests.assessments.test_scenarios import make_appraisal

    appraisal = make_appraisal(org, base_variant, profile={"REQM": 3, "CM": 2})
    report = findings_report(appraisal)
    assert report.disclosure.representation == (
        "Continuous, a target capability level per process area"
    )
    assert [(row.acronym, row.target) for row in report.in_scope] == [
        ("CM", "CL2"),
        ("REQM", "CL3"),
    ]
    assert report.disclosure.result.startswith("Indicative equivalent maturity level 1")
