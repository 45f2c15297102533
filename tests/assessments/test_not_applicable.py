"""Not applicable only where the catalog allows it (DESIGN §3): SAM in the shipped constellations.

The scope page offers it only for such PAs; the service, the importer and a forged POST refuse it
elsewhere with an error naming the PA, and change nothing.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.exchange import import_appraisal
from assessments.exchange.errors import ExchangeError
from assessments.models import Appraisal, ScopeItem

QPM_REFUSED = (
    "QPM may not be declared not applicable in CMMI for Services draft 2007: "
    "leave it out of scope instead."
)


def _scope_post(appraisal, changes: dict) -> dict:
    data = {}
    for item in appraisal.scope_items.select_related("process_area"):
        applicability, justification = changes.get(
            item.process_area.acronym, (item.applicability, item.justification)
        )
        data[f"pa{item.pk}-applicability"] = applicability
        data[f"pa{item.pk}-justification"] = justification
    return data


def _select(html: str, appraisal, acronym: str) -> str:
    pk = appraisal.scope_items.get(process_area__acronym=acronym).pk
    return re.search(rf'<select name="pa{pk}-applicability".*?</select>', html, re.S).group(0)


def test_the_scope_page_offers_not_applicable_only_for_sam(client, appraisal, lead):
    client.force_login(lead)
    html = client.get(reverse("assessments:scope", args=[appraisal.code])).content.decode()
    assert 'value="not_applicable"' in _select(html, appraisal, "SAM")
    for acronym in ("REQM", "PP", "MA", "QPM"):
        select = _select(html, appraisal, acronym)
        assert 'value="not_applicable"' not in select
        assert 'value="out_of_scope"' in select
    assert html.count("may be N/A</span>") == 2  # SAM's row and the explanation


def test_a_forged_post_is_refused_with_the_pa_named_and_nothing_changes(client, appraisal, lead):
    client.force_login(lead)
    before = appraisal.revision
    url = reverse("assessments:scope", args=[appraisal.code])
    response = client.post(
        url,
        _scope_post(
            appraisal,
            {"QPM": ("not_applicable", "We are small"), "SAM": ("not_applicable", "No suppliers")},
        ),
    )
    assert response.status_code == 400
    assert QPM_REFUSED in response.content.decode()
    assert set(appraisal.scope_items.values_list("applicability", flat=True)) == {"applicable"}
    appraisal.refresh_from_db()
    assert appraisal.revision == before


def test_the_service_refuses_and_names_the_pa(appraisal, lead):
    item = appraisal.scope_items.select_related("process_area").get(process_area__acronym="QPM")
    with pytest.raises(ValidationError) as error:
        services.scope_item_update(
            item=item, applicability="not_applicable", justification="Small", user=lead
        )
    assert error.value.message_dict == {"applicability": [QPM_REFUSED]}
    item.refresh_from_db()
    assert item.applicability == "applicable"
    # Out of scope stays open to every PA.
    services.scope_item_update(item=item, applicability="out_of_scope", user=lead)
    assert ScopeItem.objects.get(pk=item.pk).applicability == "out_of_scope"


def test_sam_may_be_declared_not_applicable_and_raises_the_revision(appraisal, lead):
    item = appraisal.scope_items.select_related("process_area").get(process_area__acronym="SAM")
    before = Appraisal.objects.get(pk=appraisal.pk).revision
    services.scope_item_update(
        item=item, applicability="not_applicable", justification="No suppliers", user=lead
    )
    assert ScopeItem.objects.get(pk=item.pk).applicability == "not_applicable"
    assert Appraisal.objects.get(pk=appraisal.pk).revision == before + 1


def test_a_legacy_declaration_is_flagged_on_the_scope_page(client, appraisal, lead):
    ScopeItem.objects.filter(appraisal=appraisal, process_area__acronym="MA").update(
        applicability="not_applicable", justification="Declared before the rule"
    )
    client.force_login(lead)
    html = client.get(reverse("assessments:scope", args=[appraisal.code])).content.decode()
    assert "MA may not be declared not applicable in CMMI for Services draft 2007" in html


def _document(not_applicable: dict) -> dict:
    return {
        "format": "cmmisvc.appraisal/1",
        "organisation": "Acme IT Services",
        "appraisal": {
            "name": "Imported",
            "constellation": "cmmi-svc-draft-2007",
            "representation": "staged",
            "target_maturity_level": 2,
            "not_applicable": not_applicable,
        },
    }


def test_the_importer_refuses_not_applicable_elsewhere(org, catalog):
    with pytest.raises(ExchangeError) as error:
        import_appraisal(_document({"SAM": "No suppliers", "PP": "No plans", "MA": "None"}))
    assert error.value.messages == [
        "appraisal.not_applicable.PP: PP may not be declared not applicable in CMMI for "
        "Services draft 2007: list it in appraisal.out_of_scope instead",
        "appraisal.not_applicable.MA: MA may not be declared not applicable in CMMI for "
        "Services draft 2007: list it in appraisal.out_of_scope instead",
    ]
    assert not Appraisal.objects.exists()


def test_the_importer_accepts_sam(org, catalog):
    appraisal = import_appraisal(_document({"SAM": "No suppliers"}))
    sam = appraisal.scope_items.get(process_area__acronym="SAM")
    assert (sam.applicability, sam.justification) == ("not_applicable", "No suppliers")


def test_the_catalog_page_says_whether_a_pa_may_be_not_applicable(client, catalog, viewer):
    client.force_login(viewer)
    sam = client.get(reverse("models_catalog:process_area", args=[catalog.slug, "SAM"]))
    assert "An appraisal may declare SAM not applicable" in sam.content.decode()
    qpm = client.get(reverse("models_catalog:process_area", args=[catalog.slug, "QPM"]))
    assert "An appraisal cannot declare QPM not applicable" in qpm.content.decode()
