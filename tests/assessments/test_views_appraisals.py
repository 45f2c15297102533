"""Creating appraisals, scope, instances, status and reopening; organisations and members."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import Appraisal, Membership, Role, ScopeItem, StatusChange
from tests.factories import MembershipFactory, OrganisationFactory


def test_create_staged_appraisal_proposes_scope(client, org, lead, base_variant):
    client.force_login(lead)
    response = client.post(
        reverse("assessments:appraisal_create", args=[org.slug]),
        {
            "name": "Spring 2027",
            "variant": base_variant.pk,
            "representation": "staged",
            "target_maturity_level": 2,
            "start_date": "2027-03-01",
            "end_date": "2027-04-30",
            "team": "Lea\nTom",
        },
    )
    appraisal = Appraisal.objects.get(name="Spring 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:scope", args=[appraisal.code])
    # Every PA of CMMI-SVC is proposed; the staged target decides what is rated.
    assert appraisal.scope_items.count() == 22
    html = client.get(response["Location"]).content.decode()
    assert html.count(">in scope<") == 8  # the ML2 PAs of the base model
    assert html.count(">out of scope<") == 14


def test_create_continuous_appraisal_sets_a_profile(client, org, lead, full_variant):
    client.force_login(lead)
    client.post(
        reverse("assessments:appraisal_create", args=[org.slug]),
        {
            "name": "Profile",
            "variant": full_variant.pk,
            "representation": "continuous",
            "target_capability_level": 2,
        },
    )
    appraisal = Appraisal.objects.get(name="Profile")
    levels = set(appraisal.scope_items.values_list("target_capability_level", flat=True))
    assert appraisal.scope_items.count() == 25 and levels == {2}


def test_create_form_errors_name_the_field_and_create_nothing(client, org, lead, base_variant):
    client.force_login(lead)
    url = reverse("assessments:appraisal_create", args=[org.slug])
    response = client.post(
        url,
        {
            "name": "Bad",
            "variant": base_variant.pk,
            "representation": "staged",
            "start_date": "2027-03-01",
            "end_date": "2027-01-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose the target maturity level." in html
    assert "The appraisal cannot end before it starts." in html
    assert not Appraisal.objects.exists()


def test_duplicate_name_is_refused(client, appraisal, lead):
    client.force_login(lead)
    response = client.post(
        reverse("assessments:appraisal_create", args=[appraisal.organisation.slug]),
        {
            "name": appraisal.name,
            "variant": appraisal.variant.pk,
            "representation": "staged",
            "target_maturity_level": 3,
        },
    )
    assert response.status_code == 400
    assert "already has an appraisal" in response.content.decode()


def _scope_post(appraisal, changes: dict) -> dict:
    data = {}
    for item in appraisal.scope_items.select_related("process_area"):
        applicability, justification = changes.get(
            item.process_area.acronym, (item.applicability, item.justification)
        )
        data[f"pa{item.pk}-applicability"] = applicability
        data[f"pa{item.pk}-justification"] = justification
    return data


def test_not_applicable_needs_a_justification(client, appraisal, lead):
    client.force_login(lead)
    url = reverse("assessments:scope", args=[appraisal.code])
    response = client.post(url, _scope_post(appraisal, {"SAM": ("not_applicable", "")}))
    assert response.status_code == 400
    assert "Say why the process area is not applicable." in response.content.decode()
    assert appraisal.scope_items.get(process_area__acronym="SAM").applicability == "applicable"
    response = client.post(
        url,
        _scope_post(
            appraisal,
            {"SAM": ("not_applicable", "No suppliers"), "MA": ("out_of_scope", "")},
        ),
    )
    assert response.status_code == 302
    sam = appraisal.scope_items.get(process_area__acronym="SAM")
    assert (sam.applicability, sam.justification) == ("not_applicable", "No suppliers")
    html = client.get(appraisal.get_absolute_url()).content.decode()
    assert "not applicable" in html
    # MA is no longer rated: it has no rating page.
    assert (
        client.get(reverse("assessments:rate_pa", args=[appraisal.code, "MA"])).status_code == 404
    )


def test_instances_are_added_edited_and_removed(client, appraisal, lead):
    client.force_login(lead)
    url = reverse("assessments:instances", args=[appraisal.code])
    reqm = appraisal.scope_items.get(process_area__acronym="REQM").process_area
    response = client.post(
        url,
        {"key": "noc", "name": "Network operations", "kind": "team", "process_areas": [reqm.pk]},
    )
    assert response.status_code == 302
    noc = appraisal.instances.get(key="noc")
    assert list(noc.process_areas.values_list("acronym", flat=True)) == ["REQM"]
    response = client.post(url, {"key": "noc", "name": "Again", "kind": "team"})
    assert response.status_code == 400
    assert "Another instance already uses the key" in response.content.decode()
    client.post(reverse("assessments:instance_delete", args=[appraisal.code, noc.pk]))
    assert not appraisal.instances.filter(key="noc").exists()


def test_out_of_scope_pa_cannot_be_covered(client, appraisal, lead):
    client.force_login(lead)
    cam = ScopeItem.objects.get(appraisal=appraisal, process_area__acronym="CAM").process_area
    response = client.post(
        reverse("assessments:instances", args=[appraisal.code]),
        {"key": "x", "name": "X", "kind": "team", "process_areas": [cam.pk]},
    )
    assert response.status_code == 400
    assert not appraisal.instances.filter(key="x").exists()


def test_status_moves_and_reopening_needs_a_reason(client, appraisal, lead):
    client.force_login(lead)
    url = reverse("assessments:status", args=[appraisal.code])
    client.post(url, {"status": "review"})
    client.post(url, {"status": "final"})
    appraisal.refresh_from_db()
    assert appraisal.status == "final"
    response = client.post(url, {"status": "rating", "reason": ""}, follow=True)
    assert "Reopening a final appraisal needs a reason." in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.status == "final"
    client.post(url, {"status": "rating", "reason": "Late evidence for CM"})
    appraisal.refresh_from_db()
    assert appraisal.status == "rating"
    change = StatusChange.objects.filter(appraisal=appraisal).first()
    assert (change.from_status, change.to_status, change.reason, change.user) == (
        "final",
        "rating",
        "Late evidence for CM",
        lead,
    )
    html = client.get(appraisal.get_absolute_url()).content.decode()
    assert "Late evidence for CM" in html


def test_status_cannot_skip_ahead(client, appraisal, lead):
    client.force_login(lead)
    client.post(reverse("assessments:status", args=[appraisal.code]), {"status": "final"})
    appraisal.refresh_from_db()
    assert appraisal.status == "rating"


def test_org_admin_adds_a_new_member_and_sets_roles(client, org, org_admin):
    client.force_login(org_admin)
    url = reverse("assessments:members", args=[org.slug])
    response = client.post(url, {"username": "nina", "role": "team_member"})
    assert response.status_code == 400
    assert "give a password to create the account" in response.content.decode()
    client.post(
        url,
        {
            "username": "nina",
            "email": "nina@example.org",
            "password": "a-long-passphrase-9",
            "role": "viewer",
        },
    )
    nina = get_user_model().objects.get(username="nina")
    membership = Membership.objects.get(user=nina, organisation=org)
    assert membership.role == "viewer"
    client.post(
        reverse("assessments:member_role", args=[org.slug, membership.pk]),
        {"role": "lead_appraiser"},
    )
    membership.refresh_from_db()
    assert membership.role == "lead_appraiser"
    client.post(reverse("logout"))
    response = client.post(
        reverse("login"), {"username": "nina", "password": "a-long-passphrase-9"}
    )
    assert response.status_code == 302


def test_the_last_org_admin_stays(client, org, org_admin):
    client.force_login(org_admin)
    own = Membership.objects.get(user=org_admin, organisation=org)
    response = client.post(
        reverse("assessments:member_remove", args=[org.slug, own.pk]), follow=True
    )
    assert "at least one org admin" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_member_of_two_organisations_switches_between_them(client, org, lead):
    second = OrganisationFactory(name="Initech Services", slug="initech")
    MembershipFactory(user=lead, organisation=second, role=Role.VIEWER)
    client.force_login(lead)
    html = client.get(reverse("home")).content.decode()
    assert "Acme IT Services" in html and "Initech Services" in html
    page = client.get(reverse("assessments:organisation", args=["initech"])).content.decode()
    assert "Switch organisation" in page
    assert "You are viewer here." in page


def test_single_membership_goes_straight_to_the_organisation(client, org, viewer):
    client.force_login(viewer)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/"


def test_failed_sign_ins_are_throttled(client, viewer):
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "vera", "password": "wrong"})
        assert response.status_code in (200, 429)
    response = client.post(url, {"username": "vera", "password": "correct horse battery staple"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_sign_in_and_out(client, viewer):
    response = client.post(
        reverse("login"), {"username": "vera", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # to her organisation
    client.post(reverse("logout"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_create_and_edit_the_method_evidence_model_coverage_sponsor_and_unit(
    client, org, lead, base_variant
):
    client.force_login(lead)
    page = client.get(reverse("assessments:appraisal_create", args=[org.slug])).content.decode()
    assert 'name="method"' in page and 'name="coverage_policy"' in page
    assert "no self-appraisal is an official SCAMPI A" in page
    client.post(
        reverse("assessments:appraisal_create", args=[org.slug]),
        {
            "name": "Method B",
            "variant": base_variant.pk,
            "representation": "staged",
            "target_maturity_level": 2,
            "method": "B",
            "evidence_model": "v1.2",
            "coverage_policy": "enforced",
            "sponsor": "Dana Chief",
            "organisational_unit": "IT Operations",
        },
    )
    appraisal = Appraisal.objects.get(name="Method B")
    assert (appraisal.method, appraisal.evidence_model, appraisal.coverage_policy) == (
        "B",
        "v1.2",
        "enforced",
    )
    assert (appraisal.sponsor, appraisal.organisational_unit) == ("Dana Chief", "IT Operations")

    edit = reverse("assessments:appraisal_edit", args=[appraisal.code])
    response = client.post(
        edit,
        {
            "name": "Method B",
            "target_maturity_level": 2,
            "method": "A",
            "evidence_model": "v1.3",
            "coverage_policy": "off",
            "sponsor": "Dana Chief",
            "organisational_unit": "IT Operations, Lyon",
        },
    )
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert (appraisal.method, appraisal.coverage_policy) == ("A", "off")
    assert appraisal.organisational_unit == "IT Operations, Lyon"
    assert appraisal.history.first().history_user == lead

    response = client.post(edit, {"name": "Method B", "target_maturity_level": 2, "method": "Z"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.method == "A"


def test_a_form_without_the_method_gets_the_defaults(client, org, lead, base_variant):
    client.force_login(lead)
    client.post(
        reverse("assessments:appraisal_create", args=[org.slug]),
        {
            "name": "Defaults",
            "variant": base_variant.pk,
            "representation": "staged",
            "target_maturity_level": 2,
        },
    )
    appraisal = Appraisal.objects.get(name="Defaults")
    assert (appraisal.method, appraisal.evidence_model, appraisal.coverage_policy) == (
        "A",
        "v1.3",
        "advisory",
    )
