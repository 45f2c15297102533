"""The rating grid: saving cells, conflicts, history, progress, findings and query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.engine_input import load_appraisal_state
from assessments.models import Characterization
from tests.conftest import link_evidence, rate_cell

HTMX = {"HTTP_HX_REQUEST": "true"}


def cell_url(appraisal, acronym="REQM", key="desk", practice="SP-1.1"):
    instance = appraisal.instances.get(key=key)
    return reverse(
        "assessments:cell",
        kwargs={
            "code": appraisal.code,
            "acronym": acronym,
            "instance": instance.pk,
            "practice": practice,
        },
    )


def stored(appraisal, key="desk", code="SP 1.1", acronym="REQM"):
    rows = [
        row
        for row in Characterization.objects.filter(
            appraisal=appraisal, sampled_instance__key=key, process_area__acronym=acronym
        ).select_related("specific_practice__goal", "generic_practice__generic_goal")
        if row.practice_code == code
    ]
    return rows[0] if rows else None


def test_grid_lists_required_practices_against_covering_instances(client, appraisal, viewer):
    client.force_login(viewer)
    response = client.get(reverse("assessments:rate_pa", args=[appraisal.code, "REQM"]))
    html = response.content.decode()
    assert response.status_code == 200
    # SPs of both goals, GG2's practices, no GG3 at target ML2.
    for text in ("SP 1.1", "SP 2.2", "GP 2.1", "GP 2.10", "Service desk", "Hosting"):
        assert text in html
    assert "GP 3.1" not in html
    assert 'data-editable="0"' in html
    assert "0 of 34 cells rated" in html


def test_saving_a_cell_stores_it_and_updates_progress(client, appraisal, team_member):
    client.force_login(team_member)
    response = client.post(cell_url(appraisal), {"value": "FI", "version": 0}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    row = stored(appraisal)
    assert (row.value, row.version, row.updated_by) == ("FI", 1, team_member)
    assert 'data-version="1"' in html
    assert "1 of 34 cells rated" in html
    assert 'id="pa-progress" hx-swap-oob="true"' in html


def test_org_value_follows_both_instances(client, appraisal, team_member):
    client.force_login(team_member)
    client.post(cell_url(appraisal), {"value": "FI", "version": 0}, **HTMX)
    html = client.post(
        cell_url(appraisal, key="hosting"), {"value": "PI", "version": 0}, **HTMX
    ).content.decode()
    assert "LI or PI?" in html  # a range left to team judgment


def test_stale_save_gets_a_conflict_and_overwrites_nothing(client, appraisal, team_member, lead):
    client.force_login(lead)
    assert (
        client.post(cell_url(appraisal), {"value": "LI", "version": 0}, **HTMX).status_code == 200
    )
    client.force_login(team_member)
    # Tom's screen still shows the empty cell he loaded before Lea saved.
    response = client.post(cell_url(appraisal), {"value": "NI", "version": 0}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 409
    assert "lea changed this rating meanwhile" in html
    assert "It is now LI" in html
    assert stored(appraisal).value == "LI"
    # The answer carries the current version, so a deliberate second save goes through.
    assert (
        client.post(cell_url(appraisal), {"value": "NI", "version": 1}, **HTMX).status_code == 200
    )
    assert stored(appraisal).value == "NI"


def test_stale_note_edit_is_a_conflict_too(client, appraisal, team_member, lead):
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", lead)
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", lead, note="Lea's note")
    client.force_login(team_member)
    response = client.post(
        cell_url(appraisal), {"note": "Tom's note", "version": 1, "panel": "1"}, **HTMX
    )
    assert response.status_code == 409
    assert stored(appraisal).note == "Lea's note"


def test_history_shows_who_changed_what(client, appraisal, team_member, lead):
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "PI", team_member)
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "LI", lead)
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member, note="after workshop")
    client.force_login(team_member)
    html = client.get(cell_url(appraisal)).content.decode()
    history = html.split("History", 1)[1]
    assert history.count("<li>") == 3
    assert "lea: PI → <strong>LI</strong>" in history
    assert "tom: LI → <strong>FI</strong> (note changed)" in history
    assert "after workshop" in html


def test_panel_saves_note(client, appraisal, team_member):
    client.force_login(team_member)
    response = client.post(
        cell_url(appraisal),
        {"value": "LI", "version": 0, "panel": "1", "note": "  SLA reviewed  "},
        **HTMX,
    )
    assert response.status_code == 200
    row = stored(appraisal)
    assert (row.value, row.note) == ("LI", "SLA reviewed")


@pytest.mark.parametrize(
    "data", [{"value": "XX", "version": 0}, {"value": "FI"}, {"value": "FI", "version": -1}]
)
def test_bad_posts_change_nothing(client, appraisal, team_member, data):
    client.force_login(team_member)
    response = client.post(cell_url(appraisal), data, **HTMX)
    assert response.status_code == 400
    assert not Characterization.objects.exists()


def test_cells_outside_the_grid_are_404(client, appraisal, team_member):
    client.force_login(team_member)
    for url in (
        cell_url(appraisal, practice="SP-9.9"),
        cell_url(appraisal, practice="GP-3.1"),  # not required at ML2
        cell_url(appraisal, acronym="CAM", practice="SP-1.1"),  # out of scope (ML3)
    ):
        assert client.post(url, {"value": "FI", "version": 0}, **HTMX).status_code == 404
    assert not Characterization.objects.exists()


def test_instance_not_covering_the_pa_is_404(client, appraisal, team_member, lead):
    desk = appraisal.instances.get(key="desk")
    state = load_appraisal_state(appraisal)
    services.instance_save(
        appraisal=appraisal,
        instance=desk,
        key="desk",
        name="Service desk",
        kind="service",
        process_areas=[state.catalog.process_areas["IRM"]],
    )
    client.force_login(team_member)
    response = client.post(cell_url(appraisal), {"value": "FI", "version": 0}, **HTMX)
    assert response.status_code == 404


def test_save_without_htmx_redirects_back_to_the_grid(client, appraisal, team_member):
    client.force_login(team_member)
    response = client.post(cell_url(appraisal), {"value": "NY", "version": 0})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:rate_pa", args=[appraisal.code, "REQM"])
    assert stored(appraisal).value == "NY"


def _add_instances_and_ratings(appraisal, user, count):
    state = load_appraisal_state(appraisal)
    pas = [state.catalog.process_areas[a] for a in state.in_scope]
    for n in range(count):
        services.instance_save(
            appraisal=appraisal, key=f"extra-{n}", name=f"Extra {n}", kind="team", process_areas=pas
        )
    for instance in appraisal.instances.all():
        for code in ("SP 1.1", "SP 1.2", "GP 2.1"):
            rate_cell(appraisal, instance.key, "REQM", code, "FI", user)


@pytest.mark.parametrize("extra_instances", [0, 6])
def test_grid_query_count_does_not_grow(
    client, appraisal, team_member, django_assert_max_num_queries, extra_instances
):
    _add_instances_and_ratings(appraisal, team_member, extra_instances)
    client.force_login(team_member)
    url = reverse("assessments:rate_pa", args=[appraisal.code, "REQM"])
    # 22: the appraisal state reads the evidence links in one query, however many there are,
    # and one more query reads the previous appraisal's values (improvement cycle).
    for key in ("desk", "hosting"):
        for code in ("SP 1.1", "SP 1.2"):
            link_evidence(appraisal, key, "REQM", code, f"Procedure {code}", team_member)
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("extra_instances", [0, 6])
def test_overview_query_count_does_not_grow(
    client, appraisal, team_member, django_assert_max_num_queries, extra_instances
):
    _add_instances_and_ratings(appraisal, team_member, extra_instances)
    client.force_login(team_member)
    with django_assert_max_num_queries(22):
        assert client.get(appraisal.get_absolute_url()).status_code == 200


def test_overview_shows_progress_per_pa_and_in_total(client, appraisal, team_member):
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member)
    rate_cell(appraisal, "hosting", "REQM", "SP 1.1", "FI", team_member)
    client.force_login(team_member)
    html = client.get(appraisal.get_absolute_url()).content.decode()
    state = load_appraisal_state(appraisal)
    total = state.total_progress.total
    assert f"2 of {total} cells rated" in html
    assert "2 of 34 cells rated (6%)" in html


def test_findings_are_recorded_and_deleted(client, appraisal, team_member, viewer):
    client.force_login(team_member)
    url = reverse("assessments:finding_add", args=[appraisal.code, "REQM"])
    response = client.post(
        url, {"kind": "weakness", "text": "No traceability", "practice": "SP 1.4"}
    )
    assert response.status_code == 302
    finding = appraisal.findings.get()
    assert (finding.kind, finding.practice_code, finding.author) == (
        "weakness",
        "SP 1.4",
        team_member,
    )
    client.post(url, {"kind": "strength", "text": "SLAs reviewed yearly", "practice": ""})
    client.force_login(viewer)
    html = client.get(reverse("assessments:findings", args=[appraisal.code])).content.decode()
    assert "No traceability" in html and "SLAs reviewed yearly" in html
    client.force_login(team_member)
    client.post(reverse("assessments:finding_delete", args=[appraisal.code, finding.pk]))
    assert list(appraisal.findings.values_list("text", flat=True)) == ["SLAs reviewed yearly"]


def test_finding_with_a_practice_of_another_pa_is_refused(client, appraisal, team_member):
    client.force_login(team_member)
    url = reverse("assessments:finding_add", args=[appraisal.code, "REQM"])
    client.post(url, {"kind": "weakness", "text": "x", "practice": "SP 2.4"})  # REQM has no SP 2.4
    assert not appraisal.findings.exists()
