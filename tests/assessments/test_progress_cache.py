"""The grid's progress bars after a save: counted from the saved PA alone when the counts of
the revision before are cached, and always the counts a fresh reading of the appraisal gives."""

from __future__ import annotations

import re
from contextlib import nullcontext

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.engine_input import load_appraisal_state, load_catalog
from tests.assessments.test_views_rating import HTMX, cell_url, stored
from tests.conftest import rate_cell

# Real commits: the cache is skipped while a write's transaction is open (revision.write_open),
# and a test case's wrapping transaction would keep every write open to the end of its request.
pytestmark = pytest.mark.django_db(transaction=True)

# A save whose previous revision's counts are cached: no count over the whole appraisal.
DERIVED_SAVE_QUERIES = 18


def save(client, appraisal, value, *, acronym="REQM", key="desk", practice="SP-1.1", queries=None):
    row = stored(appraisal, key=key, code=practice.replace("-", " "), acronym=acronym)
    url = cell_url(appraisal, acronym, key, practice)
    with queries if queries is not None else nullcontext():
        response = client.post(url, {"value": value, "version": row.version if row else 0}, **HTMX)
    assert response.status_code == 200, response.content[-300:]
    return response.content.decode()


def shown(html: str, label: str) -> tuple[int, int]:
    """(rated, total) of the progress bar with this label in a save's answer."""
    found = re.search(
        rf'aria-label="{re.escape(label)}".*?data-progress="(\d+)/(\d+)"', html, re.DOTALL
    )
    assert found, f"no progress bar {label!r}"
    return int(found.group(1)), int(found.group(2))


def fresh(appraisal, acronym=None) -> tuple[int, int]:
    state = load_appraisal_state(appraisal)
    progress = state.progress[acronym] if acronym else state.total_progress
    return progress.rated, progress.total


def test_progress_after_saves_matches_a_fresh_count_through_every_kind_of_change(
    client, appraisal, team_member, lead
):
    client.force_login(team_member)
    steps = [
        lambda: save(client, appraisal, "FI"),  # a first rating
        lambda: save(client, appraisal, "LI"),  # a change: nothing more rated
        lambda: save(client, appraisal, "FI", acronym="PP"),  # another PA
        lambda: save(client, appraisal, ""),  # cleared: one fewer rated
        lambda: save(client, appraisal, "FI", key="hosting"),
    ]
    for step in steps:
        html = step()
        assert shown(html, "Whole appraisal") == fresh(appraisal)
    # Writes that are not cell saves of the grid: a new instance and a service save.
    pas = [load_catalog(appraisal.variant).process_areas["REQM"]]
    services.instance_save(
        appraisal=appraisal, key="team", name="Team", kind="team", process_areas=pas
    )
    rate_cell(appraisal, "desk", "PP", "SP 1.2", "FI", lead)
    html = save(client, appraisal, "LI")
    assert shown(html, "Whole appraisal") == fresh(appraisal)
    assert shown(html, "REQM") == fresh(appraisal, "REQM")
    html = save(client, appraisal, "FI", key="team")
    assert shown(html, "Whole appraisal") == fresh(appraisal)


def test_a_save_after_a_save_does_not_count_the_whole_appraisal(client, appraisal, team_member):
    client.force_login(team_member)
    counted = CaptureQueriesContext(connection)
    save(client, appraisal, "FI", queries=counted)  # nothing cached yet: counts the appraisal
    derived = CaptureQueriesContext(connection)
    html = save(client, appraisal, "LI", queries=derived)
    # Gone: the two count queries (instances per PA, rated cells of the appraisal) and the
    # scope items of the other PAs.
    assert len(derived) == len(counted) - 3
    assert len(derived) <= DERIVED_SAVE_QUERIES
    assert shown(html, "Whole appraisal") == fresh(appraisal)
