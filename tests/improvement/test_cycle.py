"""Process change proposals, the next appraisal, the trend page and the reminders."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.models import Appraisal, Characterization, Role
from improvement.models import (
    AppraisalLineage,
    ChangeProposal,
    ImprovementAction,
    ReminderSent,
)
from improvement.services import DECLINE_NEEDS_REASON, NOT_FINAL
from tests.conftest import _member

# --- Process change proposals -------------------------------------------------------------------


def proposals_url(org) -> str:
    return f"/orgs/{org.slug}/improvement/proposals/"


def test_any_member_proposes_against_a_pa_or_practice(client, before, viewer):
    client.force_login(viewer)
    response = client.post(
        proposals_url(before.organisation),
        {
            "title": "Weekly incident reviews",
            "text": "Review trends weekly.",
            "target": "IRM SP 1.2",
        },
    )
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    assert str(proposal) == "IRM SP 1.2: Weekly incident reviews"
    assert proposal.proposed_by == viewer and proposal.history.count() == 1
    bad = client.post(
        proposals_url(before.organisation),
        {"title": "x", "text": "y", "target": "IRM SP 1.2, CM"},
    )
    assert bad.status_code == 400
    assert "Name one process area or one practice (not a goal)." in bad.content.decode()
    goal = client.post(
        proposals_url(before.organisation), {"title": "x", "text": "y", "target": "IRM SG 1"}
    )
    assert goal.status_code == 400
    assert ChangeProposal.objects.count() == 1


def triage(client, proposal, **data):
    return client.post(
        f"/orgs/{proposal.organisation.slug}/improvement/proposals/{proposal.pk}/triage/", data
    )


@pytest.fixture
def proposal(before, viewer):
    from assessments.engine_input import load_catalog

    catalog = load_catalog(before.variant)
    return ChangeProposal.objects.create(
        organisation=before.organisation,
        title="Weekly incident reviews",
        text="Review trends weekly.",
        process_area=catalog.process_areas["IRM"],
        specific_practice=catalog.practice("IRM", "SP 1.2"),
        proposed_by=viewer,
    )


def test_a_lead_turns_a_proposal_into_an_action(client, proposal, lead, team_member):
    client.force_login(team_member)
    assert triage(client, proposal, decision="accept").status_code == 403
    client.force_login(lead)
    response = triage(client, proposal, decision="accept", owner=team_member.pk)
    action = ImprovementAction.objects.get()
    assert response["Location"] == action.get_absolute_url()
    assert action.title == "Weekly incident reviews" and action.owner == team_member
    assert [str(t) for t in action.targets.all()] == ["IRM SP 1.2"]
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.action == action
    assert proposal.decided_by == lead
    # Triaged once only.
    triage(client, proposal, decision="decline", reason="late")
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert ImprovementAction.objects.count() == 1


def test_declining_needs_a_reason(client, proposal, org_admin):
    client.force_login(org_admin)
    response = triage(client, proposal, decision="decline", reason=" ")
    assert [str(m) for m in response.wsgi_request._messages] == [
        f"Not triaged: {DECLINE_NEEDS_REASON}"
    ]
    proposal.refresh_from_db()
    assert proposal.status == "open"
    triage(client, proposal, decision="decline", reason="Already covered by the IRM procedure.")
    proposal.refresh_from_db()
    assert proposal.status == "declined"
    assert proposal.decline_reason == "Already covered by the IRM procedure."
    assert not ImprovementAction.objects.exists()
    page = client.get(proposals_url(proposal.organisation)).content.decode()
    assert "declined: “Already covered by the IRM procedure.”" in page


# --- The next appraisal -------------------------------------------------------------------------


def test_start_the_next_appraisal_from_a_final_one(client, before, lead):
    client.force_login(lead)
    detail = client.get(f"/a/{before.code}/").content.decode()
    assert f"/a/{before.code}/next/" in detail
    response = client.post(f"/a/{before.code}/next/", {"name": "2026 re-appraisal"})
    new = Appraisal.objects.get(name="2026 re-appraisal")
    assert response["Location"] == new.get_absolute_url()
    assert AppraisalLineage.objects.get(appraisal=new).previous == before
    assert (new.variant, new.representation, new.target_maturity_level, new.method) == (
        before.variant,
        before.representation,
        before.target_maturity_level,
        before.method,
    )
    assert new.status == "planning"

    def scope(a):
        return list(
            a.scope_items.order_by("process_area__acronym").values_list(
                "process_area__acronym", "applicability", "justification", "target_capability_level"
            )
        )

    def instances(a):
        return [
            (i.key, i.name, i.kind, sorted(pa.acronym for pa in i.process_areas.all()))
            for i in a.instances.order_by("key")
        ]

    assert scope(new) == scope(before)
    assert instances(new) == instances(before)
    assert not Characterization.objects.filter(appraisal=new).exists()
    assert not new.findings.exists()


def test_the_grid_shows_the_previous_value_quietly(client, before, after, viewer):
    client.force_login(viewer)
    html = client.get(f"/a/{after.code}/rate/REQM/").content.decode()
    assert html.count("prev: PI") == 2  # SP 1.1 for both instances
    assert "prev: FI" in html
    first = client.get(f"/a/{before.code}/rate/REQM/").content.decode()
    assert "prev:" not in first


def test_only_a_final_appraisal_has_a_next_one(client, appraisal, lead):
    client.force_login(lead)
    page = client.get(f"/a/{appraisal.code}/next/")
    assert page.status_code == 200 and "not final yet" in page.content.decode()
    response = client.post(f"/a/{appraisal.code}/next/", {"name": "Again"})
    assert response.status_code == 400
    assert NOT_FINAL.format(name=appraisal.name) in response.content.decode()
    assert not Appraisal.objects.filter(name="Again").exists()


def test_a_taken_name_is_refused_and_nothing_is_created(client, before, lead):
    client.force_login(lead)
    count = Appraisal.objects.count()
    response = client.post(f"/a/{before.code}/next/", {"name": before.name})
    assert response.status_code == 400
    assert Appraisal.objects.count() == count


# --- Trend --------------------------------------------------------------------------------------


def test_trend(client, before, after, viewer, django_assert_max_num_queries):
    closed = ImprovementAction.objects.create(
        organisation=before.organisation,
        title="Requirements reviews",
        status="verified",
        closed_at=timezone.now() - datetime.timedelta(days=1),
    )
    Appraisal.objects.filter(pk=before.pk).update(end_date=datetime.date(2025, 6, 30))
    client.force_login(viewer)
    with django_assert_max_num_queries(30):
        response = client.get(f"/orgs/{before.organisation.slug}/trend/")
    trend = response.context["trend"]
    assert [p.appraisal.name for p in trend["points"]] == ["2025 appraisal", "2026 appraisal"]
    assert [p.level for p in trend["points"]] == [1, 1]
    assert [p.capability["REQM"] for p in trend["points"]] == [0, 2]
    assert trend["points"][1].closed_before == [closed]
    html = response.content.decode()
    assert 'id="level-chart"' in html and 'id="capability-grid"' in html
    assert "CL2 ▲" in html
    assert "Requirements reviews" in html


def test_trend_query_count_grows_only_per_appraisal(client, before, after, viewer, base_variant):
    """Pinned: the page's own queries, one catalog per variant, and the rating queries of each
    appraisal (engine_input.load_appraisal_state): six when its results are cached, eight when
    it is rated afresh (its cell values and evidence links too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.assessments.test_scenarios import make_appraisal

    client.force_login(viewer)
    url = f"/orgs/{before.organisation.slug}/trend/"
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    make_appraisal(before.organisation, base_variant, target=2)
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    # The session is read from the cache (cached_db sessions), not the database.
    # The catalog is kept per process (models_catalog.catalog), so a warm page reads none.
    assert len(two.captured_queries) == 17
    assert len(three.captured_queries) - len(two.captured_queries) == 8  # the new one, cold


def test_a_not_rated_level_is_not_zero(client, org, base_variant, viewer):
    from tests.assessments.test_scenarios import make_appraisal

    make_appraisal(org, base_variant, target=2)
    client.force_login(viewer)
    response = client.get(f"/orgs/{org.slug}/trend/")
    grid = response.context["trend"]["grid"]
    labels = {row["acronym"]: row["cells"][0]["label"] for row in grid["rows"]}
    # Nothing rated: every PA's level is uncertain or 0 as the engine says, never invented.
    assert set(labels.values()) <= {"not rated", "CL0"}


# --- Reminders ----------------------------------------------------------------------------------


def remind(*args) -> str:
    out = StringIO()
    call_command("remind_actions", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def due_actions(org, team_member, lead):
    today = datetime.date(2026, 12, 1)
    make = ImprovementAction.objects.create
    return {
        "late": make(
            organisation=org,
            title="Late",
            owner=team_member,
            status="planned",
            due_date=today - datetime.timedelta(days=2),
        ),
        "soon": make(
            organisation=org,
            title="Soon",
            owner=team_member,
            status="in_progress",
            due_date=today + datetime.timedelta(days=7),
        ),
        "later": make(
            organisation=org,
            title="Later",
            owner=team_member,
            status="planned",
            due_date=today + datetime.timedelta(days=8),
        ),
        "done": make(
            organisation=org,
            title="Done",
            owner=team_member,
            status="deployed",
            due_date=today - datetime.timedelta(days=2),
        ),
        "lead": make(
            organisation=org, title="Lead's", owner=lead, status="proposed", due_date=today
        ),
        "nobody": make(organisation=org, title="Nobody's", status="proposed", due_date=today),
    }


def test_reminders_once_a_day(due_actions, team_member, lead):
    assert remind("--date", "2026-12-01") == "3 actions reminded in 2 e-mails for 2026-12-01.\n"
    assert sorted(m.to[0] for m in mail.outbox) == [lead.email, team_member.email]
    toms = next(m for m in mail.outbox if m.to == [team_member.email])
    assert toms.subject == "2 improvement actions need your attention"
    assert "Late (Acme IT Services): OVERDUE since 2026-11-29" in toms.body
    assert "Soon (Acme IT Services): due 2026-12-08" in toms.body
    assert "Later" not in toms.body and "Done" not in toms.body
    assert f"/improvement/actions/{due_actions['late'].code}/" in toms.body
    assert ReminderSent.objects.count() == 3
    # Idempotent: the same day sends nothing more; the next day reminds again.
    assert remind("--date", "2026-12-01") == "0 actions reminded in 0 e-mails for 2026-12-01.\n"
    assert len(mail.outbox) == 2
    remind("--date", "2026-12-02")
    assert len(mail.outbox) == 4


def test_dry_run_sends_nothing(due_actions, team_member):
    out = remind("--date", "2026-12-01", "--dry-run")
    assert f"would remind {team_member.email}: Late (overdue)" in out
    assert not mail.outbox and not ReminderSent.objects.exists()


def test_a_bad_date(db):
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        remind("--date", "tomorrow")


def test_a_failed_send_is_retried(due_actions, monkeypatch):
    import improvement.management.commands.remind_actions as command

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(command, "send_mail", broken)
    with pytest.raises(OSError):
        remind("--date", "2026-12-01")
    assert not ReminderSent.objects.exists()


def test_another_member_role_cannot_triage(client, proposal):
    viewer2 = _member(proposal.organisation, Role.VIEWER, "vic")
    client.force_login(viewer2)
    assert triage(client, proposal, decision="accept").status_code == 403
