"""Catalog pages for signed-in users, with query counts that do not depend on the model's size."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import load_fixtures

SLUG = "cmmi-svc-draft-2007"


@pytest.fixture
def signed_in(client, viewer, catalog):
    client.force_login(viewer)
    return client


@pytest.mark.parametrize(("variant", "count"), [("cmmi-svc", 22), ("cmmi-svc-osm-scon-ssd", 25)])
def test_variant_page_lists_its_process_areas(signed_in, variant, count):
    html = signed_in.get(reverse("models_catalog:variant", args=[SLUG, variant])).content.decode()
    assert f'<span id="variant-pa-count">{count}</span> process areas' in html
    assert ("OSM" in html) == (variant != "cmmi-svc")


def test_constellation_page_groups_by_category_and_level(signed_in):
    html = signed_in.get(reverse("models_catalog:constellation", args=[SLUG])).content.decode()
    for heading in (
        "Project Management",
        "Service Establishment and Delivery",
        "Support",
        "Process Management",
        "ML2 Managed",
        "ML5 Optimizing",
        "GG 5",
        "GP 2.10",
    ):
        assert heading in html
    assert html.count('href="/catalog/cmmi-svc-draft-2007/variants/') == 8


def test_process_area_page_shows_goals_and_practices(signed_in):
    html = signed_in.get(
        reverse("models_catalog:process_area", args=[SLUG, "IRM"])
    ).content.decode()
    assert "Incident and Request Management" in html
    assert "SP 2.4 Communicate and Validate the Resolution of Incidents and Requests" in html
    assert (
        signed_in.get(reverse("models_catalog:process_area", args=[SLUG, "XYZ"])).status_code == 404
    )


def test_itsm_view_flags_the_processes_no_pa_covers(signed_in):
    html = signed_in.get(reverse("models_catalog:itsm", args=[SLUG])).content.decode()
    uncovered = html.split('class="table-warning not-covered"')[1:]
    assert len(uncovered) == 2
    assert "Information Security Management" in "".join(uncovered)
    assert "Budgeting" in "".join(uncovered)
    assert "Incident Management" in html


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("models_catalog:index", []),
        ("models_catalog:constellation", [SLUG]),
        ("models_catalog:variant", [SLUG, "cmmi-svc-osm-scon-ssd"]),
        ("models_catalog:process_area", [SLUG, "REQM"]),
        ("models_catalog:itsm", [SLUG]),
    ],
)
def test_catalog_pages_have_a_fixed_query_count(
    signed_in, django_assert_max_num_queries, name, args
):
    url = reverse(name, args=args)
    with django_assert_max_num_queries(12):
        assert signed_in.get(url).status_code == 200
    # Two more constellations in the database do not add queries to the page.
    load_fixtures("cmmi_dev_1_2", "cmmi_svc_1_3")
    with django_assert_max_num_queries(12):
        assert signed_in.get(url).status_code == 200
