"""The evidence library and its links: services, pages, the cell panel, permissions by object."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Appraisal
from evidence import services
from evidence.models import EvidenceItem, EvidenceLink
from tests.conftest import link_evidence, rate_cell
from tests.factories import MembershipFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def cell_url(appraisal, key="desk", acronym="REQM", slug="SP-1.1", name="evidence:cell"):
    instance = appraisal.instances.get(key=key)
    return reverse(
        name,
        kwargs={
            "code": appraisal.code,
            "acronym": acronym,
            "instance": instance.pk,
            "practice": slug,
        },
    )


def item(org, title="Incident procedure v3", kind="artifact", user=None, **fields):
    return services.item_create(organisation=org, kind=kind, title=title, user=user, **fields)


# --- Services ----------


def test_a_title_is_unique_per_kind_in_an_organisation(org, other_org, team_member):
    item(org, user=team_member)
    with pytest.raises(ValidationError) as error:
        item(org, user=team_member)
    assert error.value.message_dict["title"] == [
        "The library already holds an artifact called 'Incident procedure v3'."
    ]
    item(org, kind="affirmation", user=team_member)
    item(other_org, user=team_member)
    assert EvidenceItem.objects.count() == 3


def test_link_add_records_history_and_raises_the_revision(appraisal, team_member):
    before = Appraisal.objects.get(pk=appraisal.pk).revision
    link = link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA", team_member, pii="direct")

    assert Appraisal.objects.get(pk=appraisal.pk).revision == before + 1
    assert [h.history_user for h in link.history.all()] == [team_member]
    assert link.item.history.get().history_user == team_member
    assert str(link) == "SLA → Service desk REQM SP 1.1"


@pytest.mark.parametrize(
    ("kind", "pii", "message"),
    [
        ("affirmation", "direct", "Only an artifact link may say direct or indirect."),
        ("artifact", "sideways", "Value 'sideways' is not a valid choice."),
    ],
)
def test_link_add_refuses_bad_links_and_writes_nothing(appraisal, team_member, kind, pii, message):
    with pytest.raises(ValidationError) as error:
        link_evidence(appraisal, "desk", "REQM", "SP 1.1", "X", team_member, kind=kind, pii=pii)
    assert message in " ".join(error.value.messages)
    assert EvidenceLink.objects.count() == 0


def test_link_add_refuses_another_organisations_item_and_twice_the_same_cell(
    appraisal, other_org, team_member
):
    link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA", team_member)
    with pytest.raises(ValidationError, match="already linked"):
        link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA", team_member)
    foreign = item(other_org, title="Theirs")
    state_pa = appraisal.scope_items.get(process_area__acronym="REQM").process_area
    with pytest.raises(ValidationError, match="another organisation"):
        services.link_add(
            appraisal=appraisal,
            item=foreign,
            instance=appraisal.instances.get(key="desk"),
            process_area=state_pa,
            practice=EvidenceLink.objects.get().specific_practice,
            user=team_member,
        )
    assert EvidenceLink.objects.count() == 1


def test_final_appraisal_refuses_links_and_keeps_its_items(appraisal, team_member):
    link = link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA", team_member)
    Appraisal.objects.filter(pk=appraisal.pk).update(status="final")
    appraisal.refresh_from_db()
    with pytest.raises(ValidationError, match="final"):
        link_evidence(appraisal, "desk", "REQM", "SP 1.2", "SLA", team_member)
    link.appraisal.refresh_from_db()
    with pytest.raises(ValidationError, match="final"):
        services.link_delete(link=link, user=team_member)
    with pytest.raises(ValidationError, match="linked to the final appraisal"):
        services.item_delete(item=link.item, user=team_member)
    assert EvidenceLink.objects.count() == 1


def test_item_delete_removes_its_links_and_keeps_the_history(appraisal, team_member):
    link = link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA", team_member)
    services.item_delete(item=link.item, user=team_member)

    assert EvidenceItem.objects.count() == 0
    assert EvidenceLink.objects.count() == 0
    assert EvidenceItem.history.filter(history_type="-").get().history_user == team_member
    assert EvidenceLink.history.filter(history_type="-").count() == 1


# --- Library pages ----------


@pytest.fixture
def library(appraisal, team_member):
    link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA register", team_member)
    link_evidence(appraisal, "hosting", "PP", "SP 1.1", "Hosting plan", team_member)
    link_evidence(
        appraisal, "desk", "REQM", "SP 1.2", "Interview: desk", team_member, kind="affirmation"
    )
    item(appraisal.organisation, title="Old policy", user=team_member)
    return appraisal


def titles(response) -> list[str]:
    return [i.title for i in response.context["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Hosting plan", "Interview: desk", "Old policy", "SLA register"]),
        ({"q": "register"}, ["SLA register"]),
        ({"kind": "affirmation"}, ["Interview: desk"]),
        ({"process_area": "reqm"}, ["Interview: desk", "SLA register"]),
        ({"process_area": "REQM", "practice": "sp-1.1"}, ["SLA register"]),
        ({"unlinked": "on"}, ["Old policy"]),
    ],
)
def test_library_search_and_filters(client, library, viewer, query, expected):
    client.force_login(viewer)
    response = client.get(reverse("evidence:library", args=["acme"]), query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_library_filters_by_appraisal_and_instance(client, library, viewer):
    client.force_login(viewer)
    url = reverse("evidence:library", args=["acme"])
    response = client.get(url, {"appraisal": str(library.code), "instance": "hosting"})
    assert titles(response) == ["Hosting plan"]


def test_library_page_has_a_fixed_query_count(
    client, library, viewer, team_member, django_assert_max_num_queries
):
    for n in range(20):
        link_evidence(library, "desk", "CM", "SP 1.1", f"Doc {n}", team_member)
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("evidence:library", args=["acme"]))
    assert len(response.context["items"]) == 24


def test_create_edit_and_delete_an_item_through_the_pages(client, appraisal, team_member):
    client.force_login(team_member)
    response = client.post(
        reverse("evidence:item_create", args=["acme"]),
        {"kind": "artifact", "title": "SLA register", "artifact_kind": "document", "version": "3"},
    )
    created = EvidenceItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert (created.version, created.created_by) == ("3", team_member)

    response = client.post(
        reverse("evidence:item_create", args=["acme"]),
        {"kind": "artifact", "title": "SLA register"},
    )
    assert response.status_code == 400
    assert "already holds an artifact called" in response.content.decode()

    edit = reverse("evidence:item_edit", args=["acme", created.code])
    client.post(edit, {"kind": "affirmation", "title": "SLA register v4", "owner": "Desk lead"})
    created.refresh_from_db()
    assert (created.kind, created.title, created.owner) == (
        "artifact",
        "SLA register v4",
        "Desk lead",
    )

    link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA register v4", team_member)
    delete = reverse("evidence:item_delete", args=["acme", created.code])
    warning = client.get(delete).content.decode()
    assert "linked to 1 cell" in warning
    assert "2026 self-assessment: REQM SP 1.1 · Service desk" in warning
    assert client.post(delete).status_code == 302
    assert not EvidenceItem.objects.exists()


def test_bulk_link_from_the_item_page(client, appraisal, team_member):
    doc = item(appraisal.organisation, title="Procedure", user=team_member)
    client.force_login(team_member)
    page = client.get(doc.get_absolute_url(), {"appraisal": str(appraisal.code), "pa": "REQM"})
    assert "SP 1.1" in page.content.decode()
    url = reverse("evidence:item_links", args=["acme", doc.code])
    query = f"?appraisal={appraisal.code}&pa=REQM"
    data = {"practices": ["SP 1.1", "SP 1.2", "GP 2.1"], "instances": ["desk", "hosting"]}
    response = client.post(url + query, {**data, "pii": "direct"})
    assert response.status_code == 302
    assert doc.links.count() == 6
    assert set(doc.links.values_list("pii", flat=True)) == {"direct"}
    client.post(url + query, data)  # the same cells again: nothing new
    assert doc.links.count() == 6


def test_bulk_link_refuses_a_final_appraisal(client, appraisal, lead):
    doc = item(appraisal.organisation, title="Procedure", user=lead)
    Appraisal.objects.filter(pk=appraisal.pk).update(status="final")
    client.force_login(lead)
    url = reverse("evidence:item_links", args=["acme", doc.code])
    response = client.post(
        f"{url}?appraisal={appraisal.code}&pa=REQM",
        {"practices": ["SP 1.1"], "instances": ["desk"]},
    )
    assert response.status_code == 403
    assert not EvidenceLink.objects.exists()


def test_another_organisations_item_is_404_by_every_url(client, appraisal, other_org, team_member):
    theirs = item(other_org, title="Theirs")
    client.force_login(team_member)
    for name in ("evidence:item", "evidence:item_edit", "evidence:item_delete"):
        assert client.get(reverse(name, args=["acme", theirs.code])).status_code == 404
        assert client.get(reverse(name, args=["globex", theirs.code])).status_code == 404
    response = client.post(cell_url(appraisal), {"item": str(theirs.code)}, **HTMX)
    assert response.status_code == 404
    assert not EvidenceLink.objects.exists()


# --- The cell panel ----------


def test_panel_searches_attaches_and_unlinks_with_badge_updates(client, appraisal, team_member):
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member)
    doc = item(appraisal.organisation, title="SLA register", user=team_member)
    client.force_login(team_member)

    grid = client.get(reverse("assessments:rate_pa", args=[appraisal.code, "REQM"])).content
    assert b"cell-uncovered" in grid  # FI without evidence (advisory policy)

    found = client.get(cell_url(appraisal), {"q": "sla"}, **HTMX).content.decode()
    assert "SLA register" in found and "Attach" in found

    response = client.post(cell_url(appraisal), {"item": str(doc.code)}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in html
    assert "1 evidence item" in html
    assert "cell-uncovered" not in html
    link = EvidenceLink.objects.get()

    response = client.post(reverse("evidence:link_delete", args=[appraisal.code, link.pk]), **HTMX)
    assert "No evidence linked." in response.content.decode()
    assert "lacks evidence" in response.content.decode()
    assert not EvidenceLink.objects.exists()


def test_panel_creates_and_attaches_a_new_item(client, appraisal, team_member):
    client.force_login(team_member)
    url = cell_url(appraisal, name="evidence:cell_create")
    response = client.post(url, {"kind": "affirmation", "title": "Interview: desk"}, **HTMX)
    assert response.status_code == 200
    link = EvidenceLink.objects.select_related("item").get()
    assert (link.item.kind, link.item.title, link.item.organisation) == (
        "affirmation",
        "Interview: desk",
        appraisal.organisation,
    )
    response = client.post(url, {"kind": "affirmation", "title": ""}, **HTMX)
    assert response.status_code == 400
    assert EvidenceItem.objects.count() == 1


def test_viewer_reads_the_panel_without_forms(client, appraisal, team_member, viewer):
    link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA register", team_member)
    client.force_login(viewer)
    html = client.get(cell_url(appraisal), **HTMX).content.decode()
    assert "SLA register" in html
    assert "Attach" not in html and "unlink" not in html


def test_a_member_of_both_organisations_sees_only_the_appraisals_library(
    client, appraisal, other_org, team_member
):
    item(other_org, title="Globex secret")
    MembershipFactory(organisation=other_org, user=team_member, role="viewer")
    client.force_login(team_member)
    html = client.get(cell_url(appraisal), {"q": "secret"}, **HTMX).content.decode()
    assert "Globex secret" not in html
