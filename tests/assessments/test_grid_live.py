"""Issue 12: a cell save and its panel cost the same on any appraisal, and the live grid's
"changes since" poll."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.engine_input import load_appraisal_state, load_catalog
from assessments.models import Appraisal
from assessments.selectors import grid
from tests.assessments.test_views_rating import HTMX, cell_url, stored
from tests.conftest import rate_cell

SAVE_QUERIES = 19
PANEL_QUERIES = 7
UNCHANGED_QUERIES = 5


def changes_url(appraisal, since=None, acronym="REQM"):
    url = reverse("assessments:grid_changes", args=[appraisal.code, acronym])
    return url if since is None else f"{url}?since={since}"


def revision(appraisal) -> int:
    return Appraisal.objects.values_list("revision", flat=True).get(pk=appraisal.pk)


def _count(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def _grow(appraisal, user, saves: int, instances: int) -> None:
    """A long history on the measured cell, more instances, and ratings in other PAs."""
    state = load_appraisal_state(appraisal)
    pas = [state.catalog.process_areas[a] for a in state.in_scope]
    for n in range(instances):
        services.instance_save(
            appraisal=appraisal, key=f"extra-{n}", name=f"Extra {n}", kind="team", process_areas=pas
        )
    for n in range(saves):
        rate_cell(appraisal, "desk", "REQM", "SP 1.1", ["FI", "LI"][n % 2], user)
    for acronym in state.in_scope:
        rate_cell(appraisal, "hosting", acronym, "GP 2.1", "FI", user)


# Real commits, as in production: the last save reuses the progress its predecessor cached
# (selectors.progress), which a test case's wrapping transaction would keep it from.
@pytest.mark.django_db(transaction=True)
def test_save_and_panel_cost_the_same_whatever_the_history_and_instances(
    client, appraisal, team_member, lead, django_assert_max_num_queries
):
    client.force_login(team_member)
    url = cell_url(appraisal)
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "PI", lead)

    def save():
        version = stored(appraisal).version
        response = client.post(url, {"value": "FI", "version": version}, **HTMX)
        assert response.status_code == 200

    def panel():
        assert client.get(url, **HTMX).status_code == 200

    small = (_count(save), _count(panel))
    _grow(appraisal, lead, saves=40, instances=6)
    large = (_count(save), _count(panel))
    assert small == large
    with django_assert_max_num_queries(SAVE_QUERIES):
        save()
    with django_assert_max_num_queries(PANEL_QUERIES):
        panel()


def test_panel_shows_the_last_twenty_changes_and_counts_the_rest(client, appraisal, team_member):
    for n in range(25):
        rate_cell(appraisal, "desk", "REQM", "SP 1.1", ["FI", "LI"][n % 2], team_member)
    client.force_login(team_member)
    html = client.get(cell_url(appraisal), **HTMX).content.decode()
    history = html.split("History", 1)[1]
    assert history.count("<li>") == 20
    assert "5 earlier changes not shown." in history
    # The oldest entry shown still says what it changed from.
    assert history.count("tom: FI → <strong>LI</strong>") == 10


def test_save_answer_redraws_org_value_goal_and_progress_from_the_pa(
    client, appraisal, team_member
):
    rate_cell(appraisal, "hosting", "REQM", "SP 1.1", "FI", team_member)
    client.force_login(team_member)
    html = client.post(cell_url(appraisal), {"value": "FI", "version": 0}, **HTMX).content.decode()
    assert 'id="org-SP-1.1" class="text-center org-value value-FI" hx-swap-oob="true"' in html
    assert "2 of 34 cells rated" in html  # the PA
    assert 'id="goal-sg-1" hx-swap-oob="true"' in html
    total = load_appraisal_state(appraisal).total_progress
    assert f"{total.rated} of {total.total} cells rated" in html


def test_service_refuses_a_practice_the_scope_does_not_require(appraisal, team_member):
    catalog = load_catalog(appraisal.variant)
    other_pa = next(sp for (acr, _), sp in catalog.specific_practices.items() if acr != "REQM")
    for practice in (catalog.practice("REQM", "GP 3.1"), other_pa):
        with pytest.raises(ValidationError, match="not a practice that this appraisal rates"):
            services.characterization_set(
                appraisal=appraisal,
                instance=appraisal.instances.get(key="desk"),
                process_area=catalog.process_areas["REQM"],
                practice=practice,
                expected_version=0,
                user=team_member,
                value="FI",
            )
    assert not appraisal.characterizations.exists()


def test_a_check_of_another_cell_does_not_spare_the_service_its_checks(appraisal, team_member):
    """`checked` spares the checks only for the cell grid.cell_target checked."""
    catalog = load_catalog(appraisal.variant)
    desk = appraisal.instances.get(key="desk")
    target = grid.cell_target(appraisal, "REQM", desk.pk, "SP-1.1")
    with pytest.raises(ValidationError, match="not a practice that this appraisal rates"):
        services.characterization_set(
            appraisal=appraisal,
            instance=desk,
            process_area=target.pa,
            practice=catalog.practice("REQM", "GP 3.1"),
            expected_version=0,
            user=team_member,
            value="FI",
            checked=target,
        )
    assert not appraisal.characterizations.exists()
    row = services.characterization_set(
        appraisal=appraisal,
        instance=desk,
        process_area=target.pa,
        practice=target.practice,
        expected_version=0,
        user=team_member,
        value="FI",
        checked=target,
    )
    assert row.practice_code == "SP 1.1"


def test_nothing_changed_is_a_204_in_a_few_queries(
    client, appraisal, team_member, django_assert_max_num_queries
):
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member)
    client.force_login(team_member)
    client.get(changes_url(appraisal, 0))  # the session is read once
    with django_assert_max_num_queries(UNCHANGED_QUERIES):
        response = client.get(changes_url(appraisal, revision(appraisal)), **HTMX)
    assert response.status_code == 204
    assert response.content == b""


def test_changes_show_another_raters_save_with_their_name(client, appraisal, team_member, lead):
    client.force_login(team_member)
    grid = client.get(reverse("assessments:rate_pa", args=[appraisal.code, "REQM"]))
    since = revision(appraisal)
    assert f"?since={since}" in grid.content.decode()
    assert (
        f'data-url="{cell_url(appraisal, key="hosting", practice="GP-2.1")}"'
        in grid.content.decode()
    )
    rate_cell(appraisal, "desk", "REQM", "SP 1.2", "LI", lead)
    rate_cell(appraisal, "hosting", "REQM", "SP 1.1", "FI", team_member)
    response = client.get(changes_url(appraisal, since), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    desk = appraisal.instances.get(key="desk")
    hosting = appraisal.instances.get(key="hosting")
    assert f'id="cell-{desk.pk}-SP-1.2"' in html
    assert "changed by lea" in html
    assert f'id="panel-notice-{desk.pk}-SP-1.2"' in html
    # Your own save is redrawn but not announced.
    assert f'id="cell-{hosting.pk}-SP-1.1"' in html
    assert html.count("changed by") == 2  # the lead's cell: its text and its label
    assert f"?since={revision(appraisal)}" in html
    assert f'id="cell-{desk.pk}-SP-1.1"' not in html  # unchanged cells stay as they are
    # Asking again from the new revision: nothing more.
    assert client.get(changes_url(appraisal, revision(appraisal)), **HTMX).status_code == 204


def test_changes_with_a_bad_revision_say_so(client, appraisal, team_member):
    client.force_login(team_member)
    response = client.get(changes_url(appraisal, "yesterday"))
    assert response.status_code == 400
    assert b"since must be a revision number" in response.content


def test_changes_of_a_pa_out_of_scope_are_404(client, appraisal, team_member):
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member)
    client.force_login(team_member)
    assert client.get(changes_url(appraisal, 0, acronym="CAM")).status_code == 404
