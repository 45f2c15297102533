"""The audit log (issue 13, point 10): what is recorded, who sees it, and that it stays."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import Membership, Organisation
from audit.models import AppendOnly, AuditAction, AuditEvent
from tests.assessments.test_exchange import DESIGN_EXAMPLE
from tests.conftest import PASSWORD

LOG = "/orgs/acme/audit/"


def events(**filters) -> list[tuple]:
    """The events, but the sign-ins that force_login records."""
    return list(
        AuditEvent.objects.filter(**filters)
        .exclude(action=AuditAction.SIGN_IN)
        .order_by("pk")
        .values_list("actor_username", "organisation_name", "action", "target", "ip_address")
    )


def test_sign_ins_and_failures_are_recorded_with_the_address(client, lead):
    client.post(
        reverse("login"), {"username": "lea", "password": "nope"}, REMOTE_ADDR="203.0.113.5"
    )
    client.post(
        reverse("login"), {"username": "lea", "password": PASSWORD}, REMOTE_ADDR="203.0.113.6"
    )
    assert list(
        AuditEvent.objects.order_by("pk").values_list(
            "actor_username", "organisation_name", "action", "target", "ip_address"
        )
    ) == [
        ("", "Acme IT Services", "sign_in_failed", "lea", "203.0.113.5"),
        ("lea", "Acme IT Services", "sign_in", "lea", "203.0.113.6"),
    ]


def test_a_failed_sign_in_of_an_unknown_name_has_no_organisation(client, db):
    client.post(reverse("login"), {"username": "mallory", "password": "x"})
    assert events() == [("", "", "sign_in_failed", "mallory", "127.0.0.1")]


def test_membership_changes_are_recorded(client, org, org_admin, viewer):
    client.force_login(org_admin)
    member = Membership.objects.get(user=viewer)
    client.post(
        reverse("assessments:member_role", args=[org.slug, member.pk]), {"role": "lead_appraiser"}
    )
    client.post(reverse("assessments:member_remove", args=[org.slug, member.pk]))
    client.post(
        reverse("assessments:members", args=[org.slug]),
        {
            "username": "nina",
            "email": "n@example.org",
            "password": "a-long-pass-9x",
            "role": "viewer",
        },
    )
    assert [e[2:4] for e in events()] == [
        ("role_changed", "vera: Viewer → Lead appraiser"),
        ("member_removed", "vera (Lead appraiser)"),
        ("member_added", "nina as Viewer"),
    ]
    assert {e[0] for e in events()} == {"ada"}


def test_status_changes_exports_imports_and_downloads_are_recorded(
    client, appraisal, lead, catalog
):
    client.force_login(lead)
    client.post(reverse("assessments:status", args=[appraisal.code]), {"status": "review"})
    client.get(reverse("assessments:export_appraisal", args=[appraisal.code]))
    client.get(reverse("reports:findings_xlsx", args=[appraisal.code]))
    data = json.loads(DESIGN_EXAMPLE)
    data["appraisal"]["name"] = "Imported one"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.json", json.dumps(data).encode(), "application/json")
    client.post(reverse("assessments:import_appraisal", args=["acme"]), {"file": upload})
    assert [e[2:4] for e in events()] == [
        ("status_changed", "2026 self-assessment: Rating → Review"),
        ("exported", "2026 self-assessment"),
        ("report_downloaded", "2026 self-assessment (XLSX)"),
        ("imported", "Imported one"),
    ]


def test_events_stay_when_user_and_organisation_are_deleted(client, org, org_admin, viewer):
    client.force_login(org_admin)
    member = Membership.objects.get(user=viewer)
    client.post(reverse("assessments:member_remove", args=[org.slug, member.pk]))
    client.logout()
    get_user_model().objects.filter(username="ada").delete()
    Organisation.objects.filter(pk=org.pk).delete()
    event = AuditEvent.objects.get(action="member_removed")
    assert (event.actor, event.organisation) == (None, None)
    assert (event.actor_username, event.organisation_name) == ("ada", "Acme IT Services")


def test_events_are_append_only(org_admin, org):
    import audit

    event = audit.record(None, AuditAction.EXPORTED, organisation=org, target="x", actor=org_admin)
    event.target = "changed"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    assert AuditEvent.objects.get().target == "x"


# --- The page -----------------------------------------------------------------------------------


@pytest.fixture
def many(org, other_org, org_admin, lead):
    import audit

    for n in range(60):
        audit.record(None, AuditAction.EXPORTED, organisation=org, target=f"a{n}", actor=lead)
    audit.record(None, AuditAction.ROLE_CHANGED, organisation=org, target="vera", actor=org_admin)
    audit.record(None, AuditAction.EXPORTED, organisation=other_org, target="secret", actor=None)


def test_org_admins_see_their_organisation_only_paginated(
    client, many, org_admin, django_assert_max_num_queries
):
    client.force_login(org_admin)
    # session, user, membership, count, page, the menu's memberships
    with django_assert_max_num_queries(6):
        response = client.get(LOG)
    assert response.status_code == 200
    text = response.content.decode()
    # 61 events and ada's sign-in (force_login), newest first.
    assert "62 events." in text and "secret" not in text
    assert [e.action for e in response.context["page"]][:2] == ["sign_in", "role_changed"]
    assert len(response.context["page"]) == 50
    assert [e.target for e in client.get(LOG + "?page=2").context["page"]] == [
        f"a{n}" for n in range(11, -1, -1)
    ]


def test_the_log_filters_by_action_and_user(client, many, org_admin):
    client.force_login(org_admin)
    page = client.get(LOG, {"action": "role_changed"}).context["page"]
    assert [e.target for e in page] == ["vera"]
    page = client.get(LOG, {"actor": "lea"}).context["page"]
    assert page.paginator.count == 60


def test_a_bad_filter_is_a_named_error(client, many, org_admin):
    client.force_login(org_admin)
    response = client.get(LOG, {"since": "yesterday"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


@pytest.mark.parametrize("who", ["viewer", "team_member", "lead"])
def test_lower_roles_may_not_read_the_log(client, many, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LOG).status_code == 403


def test_staff_read_the_log_in_the_admin_and_cannot_change_it(client, many, org):
    staff = get_user_model().objects.create_superuser("root", "r@example.org", PASSWORD)
    client.force_login(staff)
    response = client.get("/admin/audit/auditevent/")
    assert response.status_code == 200
    assert "secret" in response.content.decode()
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    event = AuditEvent.objects.first()
    client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()
