"""The data migration: a cell's free-text artifacts and affirmations become library items."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from evidence.models import EvidenceItem, EvidenceLink

BEFORE = [("assessments", "0002_appraisal_method_evidence_revision_findings"), ("evidence", None)]
AFTER = [
    ("assessments", "0003_cell_evidence_to_library"),
    ("evidence", "0002_items_from_cell_text"),
]


@pytest.mark.django_db(transaction=True)
def test_free_text_becomes_one_item_per_line_linked_to_its_cell(appraisal, team_member):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([BEFORE[0]]).apps
    Characterization = old.get_model("assessments", "Characterization")
    SpecificPractice = old.get_model("models_catalog", "SpecificPractice")
    reqm = [
        sp
        for sp in SpecificPractice.objects.filter(
            goal__process_area__acronym="REQM",
            goal__process_area__constellation__slug="cmmi-svc-draft-2007",
        ).order_by("goal__number", "number")[:2]
    ]
    desk, hosting = (appraisal.instances.get(key=k) for k in ("desk", "hosting"))
    for instance, sp, artifacts, affirmations in (
        (desk, reqm[0], "SLA register\n\n  Trace   matrix \nSLA register", "Interview: desk"),
        (hosting, reqm[1], "SLA register", ""),
    ):
        Characterization.objects.create(
            appraisal_id=appraisal.pk,
            sampled_instance_id=instance.pk,
            process_area_id=sp.goal.process_area_id,
            specific_practice_id=sp.pk,
            value="FI",
            artifacts=artifacts,
            affirmations=affirmations,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    items = sorted(EvidenceItem.objects.values_list("kind", "title", "organisation__slug"))
    assert items == [
        ("affirmation", "Interview: desk", "acme"),
        ("artifact", "SLA register", "acme"),
        ("artifact", "Trace matrix", "acme"),
    ]
    links = sorted(
        (link.item.title, link.sampled_instance.key, link.specific_practice.code)
        for link in EvidenceLink.objects.select_related(
            "item", "sampled_instance", "specific_practice"
        )
    )
    assert links == [
        ("Interview: desk", "desk", "SP 1.1"),
        ("SLA register", "desk", "SP 1.1"),
        ("SLA register", "hosting", "SP 1.2"),
        ("Trace matrix", "desk", "SP 1.1"),
    ]
    assert EvidenceItem.history.count() == 3
    assert EvidenceLink.history.count() == 4
