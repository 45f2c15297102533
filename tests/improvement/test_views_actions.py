"""Improvement actions through the browser's requests: from a weakness, a blocker or scratch;
edits, status moves, who may move, history."""

from __future__ import annotations

import pytest

from assessments.models import Finding, Role
from improvement.models import ImprovementAction
from improvement.services import DROP_NEEDS_REASON
from tests.conftest import _member


@pytest.fixture
def weakness(before, lead):
    from assessments.engine_input import load_catalog

    catalog = load_catalog(before.variant)
    return Finding.objects.create(
        appraisal=before,
        process_area=catalog.process_areas["REQM"],
        specific_practice=catalog.practice("REQM", "SP 1.1"),
        kind=Finding.Kind.WEAKNESS,
        text="Requirements are not reviewed with providers.",
        author=lead,
    )


def create_url(org) -> str:
    return f"/orgs/{org.slug}/improvement/actions/new/"


def test_make_an_action_from_a_weakness(client, before, weakness, team_member):
    client.force_login(team_member)
    findings_page = client.get(f"/a/{before.code}/findings/").content.decode()
    link = f"{create_url(before.organisation)}?finding={weakness.pk}"
    assert link in findings_page
    form = client.get(link)
    html = form.content.decode()
    assert form.status_code == 200
    assert "REQM SP 1.1" in html and "Requirements are not reviewed" in html
    initial = form.context["form"].initial
    response = client.post(
        create_url(before.organisation),
        {
            "title": initial["title"],
            "description": initial["description"],
            "targets": initial["targets"],
            "findings": initial["findings"],
            "source": initial["source"],
            "owner": team_member.pk,
            "due_date": "2027-01-31",
            "priority_override": "",
        },
    )
    action = ImprovementAction.objects.get()
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert [str(t) for t in action.targets.all()] == ["REQM SP 1.1"]
    assert list(action.findings.all()) == [weakness]
    assert action.source_appraisal == before
    # REQM is ML2 and blocks ML2 on SG 1 (SP 1.1 PI): "which bits first" puts it first.
    assert action.default_priority == 1 and action.priority == 1
    detail = client.get(action.get_absolute_url()).content.decode()
    assert "Requirements are not reviewed with providers." in detail
    assert "tom" in detail  # owner, and the history's author


def test_make_an_action_from_a_blocker(client, before, team_member):
    client.force_login(team_member)
    results = client.get(f"/a/{before.code}/results/").content.decode()
    assert f"?appraisal={before.code}&amp;pa=PP&amp;goals=SG 2" in results
    form = client.get(
        create_url(before.organisation),
        {"appraisal": str(before.code), "pa": "PP", "goals": "SG 2"},
    )
    assert form.context["form"].initial["targets"] == "PP SG 2"
    response = client.post(
        create_url(before.organisation),
        {"title": "Unblock PP", "targets": "PP SG 2", "source": str(before.code)},
    )
    assert response.status_code == 302
    action = ImprovementAction.objects.get()
    assert action.default_priority == 1


def test_from_scratch_with_a_bad_target_changes_nothing(client, before, team_member):
    client.force_login(team_member)
    response = client.post(
        create_url(before.organisation),
        {"title": "Train people", "targets": "REQM SP 9.9, XYZ, OT"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["targets"]
    assert "SP 9.9 is not a goal or practice of REQM." in errors
    assert "XYZ is not a process area of CMMI-SVC." in errors
    assert not ImprovementAction.objects.exists()
    ok = client.post(create_url(before.organisation), {"title": "Train people", "targets": "OT"})
    assert ok.status_code == 302
    # OT is ML3 and the latest appraisal's next level is ML2: priority 4.
    assert ImprovementAction.objects.get().default_priority == 4


def test_owner_must_be_a_member(client, before, team_member, outsider):
    client.force_login(team_member)
    response = client.post(create_url(before.organisation), {"title": "x", "owner": outsider.pk})
    assert response.status_code == 400
    assert not ImprovementAction.objects.exists()


def test_priority_override_and_edit(client, before, team_member):
    client.force_login(team_member)
    client.post(create_url(before.organisation), {"title": "Policy", "targets": "REQM"})
    action = ImprovementAction.objects.get()
    url = f"/orgs/{before.organisation.slug}/improvement/actions/{action.code}/edit/"
    response = client.post(
        url, {"title": "Policy v2", "targets": "REQM\nCM GP 2.1", "priority_override": "7"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Policy v2" and action.priority == 7
    assert sorted(str(t) for t in action.targets.all()) == ["CM GP 2.1", "REQM"]
    assert action.history.count() == 2
    assert action.history.first().history_user == team_member


def move(client, action, status, reason=""):
    return client.post(
        f"/orgs/{action.organisation.slug}/improvement/actions/{action.code}/status/",
        {"status": status, "reason": reason},
    )


def test_the_cycle_and_its_history(client, org, team_member):
    action = ImprovementAction.objects.create(organisation=org, title="Policy")
    client.force_login(team_member)
    for status in ("planned", "in_progress", "deployed", "verified"):
        assert move(client, action, status).status_code == 302
        action.refresh_from_db()
        assert action.status == status
    assert action.closed_at is not None
    assert [h.status for h in action.history.order_by("history_id")][-4:] == [
        "planned",
        "in_progress",
        "deployed",
        "verified",
    ]
    assert all(h.history_user == team_member for h in action.history.order_by("history_id")[1:])


def test_a_skipped_step_or_a_drop_without_reason_is_refused(client, org, team_member):
    action = ImprovementAction.objects.create(organisation=org, title="Policy")
    client.force_login(team_member)
    response = move(client, action, "verified")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Not moved: An action cannot go from proposed to verified."]
    response = move(client, action, "dropped")
    assert [str(m) for m in response.wsgi_request._messages][
        -1
    ] == f"Not moved: {DROP_NEEDS_REASON}"
    action.refresh_from_db()
    assert action.status == "proposed" and action.history.count() == 1
    move(client, action, "dropped", "Superseded by the new tooling.")
    action.refresh_from_db()
    assert action.status == "dropped" and action.drop_reason == "Superseded by the new tooling."


def test_the_owner_may_move_even_as_a_viewer(client, org, viewer):
    other_viewer = _member(org, Role.VIEWER, "victor")
    action = ImprovementAction.objects.create(organisation=org, title="Policy", owner=viewer)
    client.force_login(other_viewer)
    assert move(client, action, "planned").status_code == 403
    page = client.get(action.get_absolute_url()).content.decode()
    assert 'id="status-form"' not in page
    client.force_login(viewer)
    assert 'id="status-form"' in client.get(action.get_absolute_url()).content.decode()
    assert move(client, action, "planned").status_code == 302
    action.refresh_from_db()
    assert action.status == "planned"
    # Moving, not editing: the viewer still cannot edit the action.
    edit = f"/orgs/{org.slug}/improvement/actions/{action.code}/edit/"
    assert client.get(edit).status_code == 403


def test_another_organisations_action_is_404(client, org, other_org, outsider, team_member):
    theirs = ImprovementAction.objects.create(organisation=other_org, title="Theirs")
    client.force_login(team_member)
    assert client.get(f"/orgs/{org.slug}/improvement/actions/{theirs.code}/").status_code == 404
    assert move(client, theirs, "planned").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "proposed"
