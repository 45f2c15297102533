"""The comparison pages: a PA beside its counterpart in another constellation.

The expected rows below were read from the fixtures (fixtures/cmmi_svc_draft_2007.json,
fixtures/cmmi_svc_1_3.json) and fixtures/cmmi_correspondences.json.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from models_catalog.models import ProcessAreaCorrespondence

DRAFT, DEV, SVC = "cmmi-svc-draft-2007", "cmmi-dev-1.2", "cmmi-svc-1.3"


@pytest.fixture
def catalogs(db):
    call_command(
        "loaddata",
        "cmmi_svc_draft_2007",
        "cmmi_dev_1_2",
        "cmmi_svc_1_3",
        "cmmi_correspondences",
        verbosity=0,
    )


@pytest.fixture
def signed_in(client, catalogs, viewer):
    client.force_login(viewer)
    return client


def compare_url(slug, acronym, other, other_acronym) -> str:
    return reverse(
        "models_catalog:compare",
        kwargs={"slug": slug, "acronym": acronym, "other": other, "other_acronym": other_acronym},
    )


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def table_rows(response) -> list[tuple[str, str, str, str]]:
    """The comparison table as (goal|practice, status, source cell, target cell), "—" if empty."""
    html = response.content.decode()
    rows = []
    for kind, status, cells in re.findall(
        r'<tr class="[^"]*compare-(goal|practice)" data-status="(\w+)">(.*?)</tr>', html, re.S
    ):
        badge, source, target = (_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S))
        assert badge == status
        rows.append((kind, status, source, target))
    return rows


def summary(response, which: str) -> list[int]:
    """A summary row's counts: same, renamed, moved, added, removed."""
    html = response.content.decode()
    row = re.search(rf'<tr id="summary-{which}">(.*?)</tr>', html, re.S).group(1)
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", row)]


def test_irm_in_the_draft_against_irp_in_v1_3(signed_in):
    response = signed_in.get(compare_url(DRAFT, "IRM", SVC, "IRP"))
    assert response.status_code == 200
    rows = table_rows(response)
    assert (
        "goal",
        "renamed",
        "SG 1 Prepare for Incident and Request Management",
        "SG 1 Prepare for Incident Resolution and Prevention",
    ) in rows
    assert (
        "goal",
        "added",
        "—",
        "SG 3 Analyze and Address Causes and Impacts of Selected Incidents",
    ) in rows
    assert (
        "practice",
        "renamed",
        "SP 1.2 Establish an Incident and Request Management System",
        "SP 1.2 Establish an Incident Management System",
    ) in rows
    assert (
        "practice",
        "renamed",
        "SP 2.1 Identify Incidents and Requests",
        "SP 2.1 Identify and Record Incidents",
    ) in rows
    removed = [source for kind, status, source, _ in rows if status == "removed"]
    assert removed == [
        "SP 1.1 Establish an Incident and Request Management Strategy",
        "SP 2.2 Manage Incidents and Requests",
    ]
    added = [target for kind, status, _, target in rows if kind == "practice" and status == "added"]
    assert "SP 2.3 Resolve Incidents" in added
    assert "SP 3.1 Analyze Selected Incidents" in added
    assert len(added) == 6
    # IRM has 2 goals and 6 practices, IRP 3 and 10: every one shows once.
    assert summary(response, "goals") == [0, 2, 0, 1, 0]
    assert summary(response, "practices") == [0, 4, 0, 6, 2]
    content = response.content.decode()
    assert "Incident and Request Management" in content  # the source card
    assert "Incident Resolution and Prevention" in content  # the target card
    assert "Merged: IRM and PRM became IRP." in content  # the correspondence's note
    # IRM's other counterpart: SD, where service requests went (partial).
    assert "Compare IRM with" in content
    assert compare_url(DRAFT, "IRM", SVC, "SD") in content


def test_reqm_draft_against_reqm_v1_3(signed_in):
    response = signed_in.get(compare_url(DRAFT, "REQM", SVC, "REQM"))
    assert response.status_code == 200
    rows = table_rows(response)
    assert ("goal", "same", "SG 1 Manage Requirements", "SG 1 Manage Requirements") in rows
    assert (
        "practice",
        "renamed",
        "SP 1.1 Obtain an Understanding of Requirements",
        "SP 1.1 Understand Requirements",
    ) in rows
    assert (
        "practice",
        "same",
        "SP 1.3 Manage Requirements Changes",
        "SP 1.3 Manage Requirements Changes",
    ) in rows
    assert ("goal", "removed", "SG 2 Establish Service Requirements Agreements", "—") in rows
    assert (
        "practice",
        "removed",
        "SP 2.1 Analyze Existing Requirements and Service Data",
        "—",
    ) in rows
    assert summary(response, "goals") == [1, 0, 0, 0, 1]
    assert summary(response, "practices") == [3, 2, 0, 0, 2]
    # Same acronym: no correspondence row, so no note.
    assert "compare-note" not in response.content.decode()


def test_moved_goals_and_practices(signed_in):
    """OID (draft) → OPM (v1.3): the draft's two goals are OPM's SG 2 and SG 3."""
    rows = table_rows(signed_in.get(compare_url(DRAFT, "OID", SVC, "OPM")))
    assert ("goal", "moved", "SG 1 Select Improvements", "SG 2 Select Improvements") in rows
    assert ("goal", "added", "—", "SG 1 Manage Business Performance") in rows
    assert (
        "practice",
        "moved",
        "SP 2.1 Plan the Deployment",
        "SP 3.1 Plan the Deployment",
    ) in rows


def test_sides_can_be_swapped(signed_in):
    response = signed_in.get(compare_url(SVC, "IRP", DRAFT, "IRM"))
    assert response.status_code == 200
    rows = table_rows(response)
    # From v1.3 to the draft, IRP's SG 3 is removed.
    assert (
        "goal",
        "removed",
        "SG 3 Analyze and Address Causes and Impacts of Selected Incidents",
        "—",
    ) in rows
    content = response.content.decode()
    assert "Merged: IRM and PRM became IRP." in content  # the row holds in both directions
    assert compare_url(DRAFT, "IRM", SVC, "IRP") in content  # "Swap sides"
    assert compare_url(SVC, "IRP", DRAFT, "PRM") in content  # IRP's other counterpart


def test_index_lists_counterparts_by_acronym_and_by_correspondence(signed_in):
    response = signed_in.get(reverse("models_catalog:compare_index", kwargs={"slug": DRAFT}))
    assert response.status_code == 200
    content = response.content.decode()
    for acronym, other in [("IRM", "IRP"), ("PRM", "IRP"), ("ST", "SST"), ("OSM", "STSM")]:
        assert compare_url(DRAFT, acronym, SVC, other) in content
    assert compare_url(DRAFT, "REQM", SVC, "REQM") in content
    assert compare_url(DRAFT, "REQM", DEV, "REQM") in content
    assert compare_url(DRAFT, "IRM", SVC, "IRM") not in content
    irm = re.search(r'<tr id="pa-IRM">(.*?)</tr>', content, re.S).group(1)
    assert "IRM → IRP Incident Resolution and Prevention" in _text(irm)


def test_index_of_the_target_lists_correspondences_backwards(signed_in):
    content = signed_in.get(
        reverse("models_catalog:compare_index", kwargs={"slug": SVC})
    ).content.decode()
    assert compare_url(SVC, "IRP", DRAFT, "IRM") in content
    assert compare_url(SVC, "IRP", DRAFT, "PRM") in content
    # v1.3's WP has no namesake: its counterparts are PP of the draft and of DEV v1.2.
    wp = re.search(r'<tr id="pa-WP">(.*?)</tr>', content, re.S).group(1)
    assert compare_url(SVC, "WP", DRAFT, "PP") in wp
    assert compare_url(SVC, "WP", DEV, "PP") in wp
    # SD lists the draft's REQM and IRM as partial counterparts, after its namesakes.
    sd = re.search(r'<tr id="pa-SD">(.*?)</tr>', content, re.S).group(1)
    assert compare_url(SVC, "SD", DRAFT, "REQM") in sd
    assert compare_url(SVC, "SD", DRAFT, "IRM") in sd
    assert sd.index(compare_url(SVC, "SD", DRAFT, "SD")) < sd.index("REQM")
    assert sd.count(">partial</span>") == 2


def test_a_pa_without_counterpart_says_so(signed_in):
    content = signed_in.get(
        reverse("models_catalog:compare_index", kwargs={"slug": SVC})
    ).content.decode()
    scon = re.search(r'<tr id="pa-SCON">(.*?)</tr>', content, re.S).group(1)
    assert "No counterpart in the catalog" not in scon  # the draft's SCON
    ProcessAreaCorrespondence.objects.all().delete()
    content = signed_in.get(
        reverse("models_catalog:compare_index", kwargs={"slug": DEV})
    ).content.decode()
    rd = re.search(r'<tr id="pa-RD">(.*?)</tr>', content, re.S).group(1)
    assert "No counterpart in the catalog" in rd


def test_dev_engineering_pas_point_to_ssd_as_partial(signed_in):
    content = signed_in.get(
        reverse("models_catalog:compare_index", kwargs={"slug": DEV})
    ).content.decode()
    for acronym in ("RD", "TS", "PI", "VER", "VAL"):
        row = re.search(rf'<tr id="pa-{acronym}">(.*?)</tr>', content, re.S).group(1)
        assert compare_url(DEV, acronym, SVC, "SSD") in row
        assert ">partial</span>" in row
    response = signed_in.get(compare_url(DEV, "VER", SVC, "SSD"))
    html = response.content.decode()
    assert "SSD SG 3 Verify and Validate Service Systems" in html
    assert "A partial correspondence: only part of VER moved to SSD" in html


def test_the_ippd_goals_point_to_their_v1_3_practices(signed_in):
    iwm = signed_in.get(compare_url(DEV, "IPM", SVC, "IWM")).content.decode()
    assert "IWM SP 1.6 Establish Teams" in iwm or "SP 1.6 Establish Teams" in iwm
    assert "SG 3 Apply IPPD Principles" in iwm
    opd = signed_in.get(compare_url(DEV, "OPD", SVC, "OPD")).content.decode()
    note = re.search(r'<div class="alert alert-info small compare-note">(.*?)</div>', opd, re.S)
    assert "SP 1.7 Establish Rules and Guidelines for Teams" in note.group(1)
    assert "SG 2 Enable IPPD Management" in note.group(1)


def test_the_ipm_to_iwm_note_says_what_moved(signed_in):
    html = signed_in.get(compare_url(DRAFT, "IPM", SVC, "IWM")).content.decode()
    note = re.search(r'<div class="alert alert-info small compare-note">(.*?)</div>', html, re.S)
    assert "v1.3 adds SP 1.6 Establish Teams and moves Contribute to Organizational Process " in (
        note.group(1)
    )
    assert "from SP 1.6 to SP 1.7" in note.group(1)


def test_catalog_pages_link_to_the_comparisons(signed_in):
    constellation = signed_in.get(reverse("models_catalog:constellation", kwargs={"slug": DRAFT}))
    assert reverse("models_catalog:compare_index", kwargs={"slug": DRAFT}) in (
        constellation.content.decode()
    )
    assert "Compare with another constellation" in constellation.content.decode()
    pa = signed_in.get(
        reverse("models_catalog:process_area", kwargs={"slug": DRAFT, "acronym": "IRM"})
    )
    content = pa.content.decode()
    assert "Counterparts:" in content
    assert compare_url(DRAFT, "IRM", SVC, "IRP") in content
    rd = signed_in.get(
        reverse("models_catalog:process_area", kwargs={"slug": DEV, "acronym": "RD"})
    )
    assert compare_url(DEV, "RD", SVC, "SSD") in rd.content.decode()
    assert "(partial)" in rd.content.decode()


@pytest.mark.parametrize(
    "kwargs",
    [
        (DRAFT, "XYZ", SVC, "IRP"),
        (DRAFT, "IRM", SVC, "XYZ"),
        (DRAFT, "IRM", "no-such-model", "IRP"),
        ("no-such-model", "IRM", SVC, "IRP"),
        (DRAFT, "IRP", SVC, "IRM"),  # each acronym exists, but not in that constellation
    ],
)
def test_unknown_process_area_is_404(signed_in, kwargs):
    assert signed_in.get(compare_url(*kwargs)).status_code == 404


def test_unknown_constellation_index_is_404(signed_in):
    url = reverse("models_catalog:compare_index", kwargs={"slug": "no-such-model"})
    assert signed_in.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        compare_url(DRAFT, "IRM", SVC, "IRP"),
        reverse("models_catalog:compare_index", kwargs={"slug": DRAFT}),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, catalogs, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_read_only(signed_in):
    assert signed_in.post(compare_url(DRAFT, "IRM", SVC, "IRP")).status_code == 405
    url = reverse("models_catalog:compare_index", kwargs={"slug": DRAFT})
    assert signed_in.post(url).status_code == 405


def test_compare_page_queries_are_fixed(signed_in, django_assert_max_num_queries):
    # Session, user and the menu's memberships; the two PAs, their goals, their practices; the
    # source's namesakes and correspondence rows. The size of the PAs does not count.
    with django_assert_max_num_queries(8):
        assert signed_in.get(compare_url(DRAFT, "PP", SVC, "WP")).status_code == 200
    with django_assert_max_num_queries(8):
        assert signed_in.get(compare_url(DRAFT, "IRM", SVC, "IRP")).status_code == 200


def test_index_queries_are_fixed(signed_in, django_assert_max_num_queries):
    # Session, user and the menu's memberships; the constellation, its PAs, their namesakes and
    # their correspondence rows.
    with django_assert_max_num_queries(7):
        url = reverse("models_catalog:compare_index", kwargs={"slug": SVC})
        assert signed_in.get(url).status_code == 200


def test_correspondence_fixture(catalogs):
    rows = ProcessAreaCorrespondence.objects.select_related(
        "source__constellation", "target__constellation"
    )
    pairs = {
        (r.source.constellation.slug, r.source.acronym, r.target.acronym, r.partial) for r in rows
    }
    assert pairs == {
        (DRAFT, "IRM", "IRP", False),
        (DRAFT, "PRM", "IRP", False),
        (DRAFT, "ST", "SST", False),
        (DRAFT, "OSM", "STSM", False),
        (DRAFT, "IPM", "IWM", False),
        (DRAFT, "PP", "WP", False),
        (DRAFT, "PMC", "WMC", False),
        (DRAFT, "QPM", "QWM", False),
        (DRAFT, "OID", "OPM", False),
        (DRAFT, "REQM", "SD", True),
        (DRAFT, "IRM", "SD", True),
        (DEV, "PP", "WP", False),
        (DEV, "PMC", "WMC", False),
        (DEV, "IPM", "IWM", False),
        (DEV, "QPM", "QWM", False),
        (DEV, "OID", "OPM", False),
        (DEV, "OPD", "OPD", False),  # same acronym: the row carries the IPPD note
        (DEV, "RD", "SSD", True),
        (DEV, "TS", "SSD", True),
        (DEV, "PI", "SSD", True),
        (DEV, "VER", "SSD", True),
        (DEV, "VAL", "SSD", True),
    }
    assert all(r.target.constellation.slug == SVC for r in rows)
    row = ProcessAreaCorrespondence.objects.get_by_natural_key(DRAFT, "IRM", SVC, "IRP")
    assert row.natural_key() == (DRAFT, "IRM", SVC, "IRP")
    assert str(row) == f"IRM ({DRAFT}) → IRP ({SVC})"
    # Loading again updates in place.
    count = ProcessAreaCorrespondence.objects.count()
    call_command("loaddata", "cmmi_correspondences", verbosity=0)
    assert ProcessAreaCorrespondence.objects.count() == count
