"""Findings narrowed to a goal and an instance; the findings page per PA and goal with the cells
that lack a weakness (DESIGN §3, §6)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import finding_services
from assessments.engine_input import load_appraisal_state, load_catalog
from assessments.models import Appraisal, Finding
from tests.assessments.test_scenarios import make_appraisal
from tests.conftest import rate_cell


@pytest.fixture
def catalog_of(appraisal):
    return load_catalog(appraisal.variant)


def _create(appraisal, catalog, user, *, acronym="REQM", goal=None, practice=None, instance=None):
    return finding_services.finding_create(
        appraisal=appraisal,
        process_area=catalog.process_areas[acronym],
        kind="weakness",
        text="Requirements are not traced.",
        goal=catalog.goal(acronym, goal) if goal else None,
        practice=catalog.practice(acronym, practice) if practice else None,
        instance=appraisal.instances.get(key=instance) if instance else None,
        user=user,
    )


def test_a_finding_narrowed_to_goal_practice_and_instance(appraisal, catalog_of, team_member):
    before = Appraisal.objects.get(pk=appraisal.pk).revision
    finding = _create(
        appraisal, catalog_of, team_member, goal="SG 1", practice="SP 1.1", instance="desk"
    )
    finding.refresh_from_db()
    assert finding.specific_goal.code == "SG 1"
    assert finding.practice_code == "SP 1.1"
    assert finding.sampled_instance.key == "desk"
    assert Appraisal.objects.get(pk=appraisal.pk).revision == before + 1
    assert finding.history.first().history_user == team_member


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"goal": "GG 3"}, "goal", "GG 3 is not a goal that this appraisal rates for REQM."),
        (
            {"goal": "SG 1", "practice": "SP 2.1"},
            "practice",
            "SP 2.1 is not a practice of REQM SG 1.",
        ),
        (
            {"goal": "GG 2", "practice": "SP 1.1"},
            "practice",
            "SP 1.1 is not a practice of REQM GG 2.",
        ),
        (
            {"practice": "GP 3.1"},
            "practice",
            "GP 3.1 is not a practice that this appraisal rates for REQM.",
        ),
    ],
)
def test_goals_and_practices_must_fit(appraisal, catalog_of, team_member, kwargs, field, message):
    with pytest.raises(ValidationError) as error:
        _create(appraisal, catalog_of, team_member, **kwargs)
    assert error.value.message_dict == {field: [message]}
    assert not Finding.objects.exists()


def test_a_goal_of_another_pa_is_refused(appraisal, catalog_of, team_member):
    with pytest.raises(ValidationError) as error:
        finding_services.finding_create(
            appraisal=appraisal,
            process_area=catalog_of.process_areas["REQM"],
            kind="weakness",
            text="x",
            goal=catalog_of.goal("PP", "SG 3"),
            user=team_member,
        )
    assert error.value.message_dict == {
        "goal": ["SG 3 is not a goal that this appraisal rates for REQM."]
    }


def test_the_instance_must_cover_the_pa(appraisal, catalog_of, lead):
    appraisal.instances.get(key="hosting").process_areas.remove(catalog_of.process_areas["REQM"])
    with pytest.raises(ValidationError) as error:
        _create(appraisal, catalog_of, lead, instance="hosting")
    assert error.value.message_dict == {"instance": ["Hosting does not cover REQM."]}
    assert not Finding.objects.exists()


def test_the_grid_form_offers_goals_and_instances_and_saves_them(client, appraisal, team_member):
    client.force_login(team_member)
    url = reverse("assessments:rate_pa", args=[appraisal.code, "REQM"])
    html = client.get(url).content.decode()
    assert '<option value="SG 2">SG 2 Establish Service Requirements Agreements</option>' in html
    assert '<option value="GG 2">GG 2' in html
    assert '<option value="GG 3">' not in html  # ML2: GG3 is not rated
    assert '<option value="desk">Service desk</option>' in html
    response = client.post(
        reverse("assessments:finding_add", args=[appraisal.code, "REQM"]),
        {"kind": "weakness", "text": "No agreement review.", "goal": "SG 2", "instance": "desk"},
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.specific_goal.code, finding.sampled_instance.key) == ("SG 2", "desk")


def test_a_practice_outside_the_goal_is_refused_with_the_reason(client, appraisal, team_member):
    client.force_login(team_member)
    response = client.post(
        reverse("assessments:finding_add", args=[appraisal.code, "REQM"]),
        {"kind": "weakness", "text": "x", "goal": "SG 2", "practice": "SP 1.1"},
        follow=True,
    )
    assert "SP 1.1 is not a practice of REQM SG 2." in response.content.decode()
    assert not Finding.objects.exists()


def _section(html: str, acronym: str) -> str:
    return re.search(rf'<section id="pa-{acronym}".*?</section>', html, re.S).group(0)


def test_the_findings_page_groups_per_goal_and_names_the_instance(
    client, appraisal, catalog_of, team_member, django_assert_max_num_queries
):
    _create(appraisal, catalog_of, team_member, goal="SG 2", instance="hosting")
    _create(appraisal, catalog_of, team_member, practice="SP 1.1")
    _create(appraisal, catalog_of, team_member)
    client.force_login(team_member)
    url = reverse("assessments:findings", args=[appraisal.code])
    with django_assert_max_num_queries(25):
        html = client.get(url).content.decode()
    reqm = _section(html, "REQM")
    headings = re.findall(r'<h3 class="h6 mt-3">(.*?)(?: <span|</h3>)', reqm)
    assert headings == [
        "SG 1 Manage Requirements",
        "SG 2 Establish Service Requirements Agreements",
        "The process area as a whole",
    ]
    assert "Hosting</span>" in reqm


def test_cells_without_a_weakness_are_listed_with_a_prefilled_link(
    client, appraisal, catalog_of, team_member
):
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "PI", team_member)
    rate_cell(appraisal, "hosting", "REQM", "SP 1.1", "LI", team_member)
    rate_cell(appraisal, "desk", "REQM", "SP 1.2", "NI", team_member)
    rate_cell(appraisal, "hosting", "REQM", "SP 1.2", "FI", team_member)
    # A weakness on SP 1.2 for every instance covers the NI; one on SP 1.1 at desk only the PI.
    _create(appraisal, catalog_of, team_member, practice="SP 1.2")
    _create(appraisal, catalog_of, team_member, practice="SP 1.1", instance="desk")
    client.force_login(team_member)
    html = client.get(reverse("assessments:findings", args=[appraisal.code])).content.decode()
    missing = re.search(
        r'<div class="missing-weaknesses">(.*?)</div>', _section(html, "REQM"), re.S
    )
    items = re.findall(r"<li>(.*?)</li>", missing.group(1), re.S)
    assert len(items) == 1
    assert "SP 1.1" in items[0] and "Hosting" in items[0] and ">LI<" in items[0]
    link = re.search(r'href="([^"]+)">add a weakness', items[0]).group(1).replace("&amp;", "&")
    assert link == "?pa=REQM&kind=weakness&practice=SP-1.1&instance=hosting#finding-form"
    form = client.get(reverse("assessments:findings", args=[appraisal.code]) + link).content
    form = form.decode()
    assert '<option value="SP 1.1" selected>' in form
    assert '<option value="hosting" selected>' in form
    assert 'value="weakness"' in form and "checked" in form or "selected" in form


def test_the_grid_form_is_prefilled_from_the_url(client, appraisal, team_member):
    client.force_login(team_member)
    url = reverse("assessments:rate_pa", args=[appraisal.code, "REQM"])
    html = client.get(url + "?practice=SP-1.2&instance=desk&goal=SG-1").content.decode()
    assert '<option value="SP 1.2" selected>' in html
    assert '<option value="desk" selected>' in html
    assert '<option value="SG 1" selected>' in html


def test_a_viewer_sees_no_form(client, appraisal, viewer):
    client.force_login(viewer)
    html = client.get(
        reverse("assessments:findings", args=[appraisal.code]) + "?pa=REQM"
    ).content.decode()
    assert 'id="finding-form"' not in html


@pytest.mark.parametrize(
    "scope",
    [{"target": 3, "not_applicable": ("SAM",), "out_of_scope": ("DAR",)}, {"profile": {"CM": 1}}],
)
def test_a_finding_may_name_what_the_results_rate(org, base_variant, scope):
    """One rule for "which goals and practices are required": the service narrows a finding to
    what the engine rates for the results page and the grid's form, on every PA."""
    appraisal = make_appraisal(org, base_variant, **scope)
    state = load_appraisal_state(appraisal)
    for acronym, pa in state.catalog.process_areas.items():
        rated = finding_services.goals_and_practices(state.results.process_areas[acronym])
        assert finding_services._pa_requirements(appraisal, pa) == rated
    assert finding_services._pa_requirements(appraisal, state.catalog.process_areas["CM"]) != {}
