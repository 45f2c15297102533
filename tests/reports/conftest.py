"""Report fixtures: a small appraisal rated through the services, with findings and judgments."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.engine_input import load_catalog
from assessments.models import Appraisal, ScopeItem
from tests.conftest import link_evidence, rate_cell

SAM_JUSTIFICATION = "No suppliers of service components."
STRENGTH = "Requirements are traced from each service level agreement to its tests."
WEAKNESS = "Change requests are not reviewed before baselines are released."
PA_WEAKNESS = "Configuration audits are planned but never held."
NOTE = "Seen in the REQM review minutes of March."


@pytest.fixture
def rated(appraisal: Appraisal, lead, team_member) -> Appraisal:
    """The conftest appraisal (staged ML2, instances desk and hosting) with REQM fully rated,
    CM SP 1.1 left as a range the team judged, SAM not applicable and three findings."""
    catalog = load_catalog(appraisal.variant)
    sam = appraisal.scope_items.get(process_area__acronym="SAM")
    services.scope_item_update(
        item=sam,
        applicability=ScopeItem.Applicability.NOT_APPLICABLE,
        justification=SAM_JUSTIFICATION,
    )
    reqm = catalog.process_areas["REQM"]
    codes = [sp.code for goal in reqm.variant_goals for sp in goal.practices.all()]
    codes += [
        gp.code
        for gg in catalog.generic_goals
        if gg.capability_level.number == 2
        for gp in gg.practices.all()
    ]
    for code in codes:
        rate_cell(appraisal, "desk", "REQM", code, "FI", team_member)
        rate_cell(appraisal, "hosting", "REQM", code, "FI", team_member)
    rate_cell(
        appraisal,
        "desk",
        "REQM",
        "SP 1.1",
        "FI",
        team_member,
        note=NOTE,
    )
    for title, kind in (
        ("SLA register", "artifact"),
        ("Trace matrix", "artifact"),
        ("Interview with the desk lead", "affirmation"),
    ):
        link_evidence(appraisal, "desk", "REQM", "SP 1.1", title, team_member, kind=kind)
    rate_cell(appraisal, "desk", "CM", "SP 1.1", "FI", team_member)
    rate_cell(appraisal, "hosting", "CM", "SP 1.1", "PI", team_member)
    rate_cell(appraisal, "desk", "CM", "SP 1.2", "LI", team_member)
    services.practice_judgment_set(
        expected_version=0,
        appraisal=appraisal,
        process_area=catalog.process_areas["CM"],
        practice=catalog.practice("CM", "SP 1.1"),
        value="LI",
        rationale="Hosting's gap is a single tool.",
        user=lead,
    )
    services.finding_create(
        appraisal=appraisal,
        process_area=reqm,
        kind="strength",
        text=STRENGTH,
        practice=catalog.practice("REQM", "SP 1.4"),
        user=lead,
    )
    services.finding_create(
        appraisal=appraisal,
        process_area=catalog.process_areas["CM"],
        kind="weakness",
        text=WEAKNESS,
        practice=catalog.practice("CM", "SP 2.1"),
        user=lead,
    )
    services.finding_create(
        appraisal=appraisal,
        process_area=catalog.process_areas["CM"],
        kind="weakness",
        text=PA_WEAKNESS,
        user=lead,
    )
    return appraisal
