"""The one read model of a variant's catalog (models_catalog/catalog.py)."""

from __future__ import annotations

import pytest

from models_catalog.catalog import build_catalog, load_catalog, variant_process_areas
from models_catalog.models import ModelVariant


@pytest.fixture
def base_variant(base_variant):
    """As pages and the importer get it: with its constellation."""
    return ModelVariant.objects.select_related("constellation").get(pk=base_variant.pk)


def test_the_base_variant_leaves_the_additions_out(base_variant, full_variant):
    base = {pa.acronym for pa in variant_process_areas(base_variant)}
    full = {pa.acronym for pa in variant_process_areas(full_variant)}

    assert "SSD" not in base and "SSD" in full
    assert base < full
    assert len(base) == 22 and len(full) == 25


def test_the_variant_pas_cost_three_queries_and_one_without_goals(
    base_variant, django_assert_num_queries
):
    with django_assert_num_queries(3):
        pas = variant_process_areas(base_variant)
        goals = [goal.code for pa in pas for goal in pa.variant_goals]
        practices = [
            sp.code for pa in pas for goal in pa.variant_goals for sp in goal.practices.all()
        ]
        categories = {pa.category.name for pa in pas}
    assert goals and practices and categories
    with django_assert_num_queries(1):
        assert [pa.acronym for pa in variant_process_areas(base_variant, goals=False)] == [
            pa.acronym for pa in pas
        ]


def test_load_catalog_costs_seven_queries_and_answers_without_more(
    base_variant, django_assert_num_queries
):
    with django_assert_num_queries(7):
        catalog = build_catalog(base_variant)
    with django_assert_num_queries(0):
        assert catalog.practice("REQM", "SP 1.1").title
        assert catalog.practice("REQM", "GP 2.1").code == "GP 2.1"
        assert catalog.practice("SSD", "SP 1.1") is None
        assert catalog.goal("REQM", "GG 2").code == "GG 2"
        assert "SSD" not in catalog.pas
        whole, reqm = catalog.model_spec(), catalog.model_spec(only="REQM")
        assert reqm.process_areas == tuple(p for p in whole.process_areas if p.acronym == "REQM")
        assert reqm.generic_goals == whole.generic_goals
        assert catalog.max_maturity_level == 5
        assert catalog.max_capability_level == base_variant.constellation.max_capability_level


def test_load_catalog_is_kept_for_the_next_request(base_variant, django_assert_num_queries):
    with django_assert_num_queries(7):
        first = load_catalog(base_variant)
    with django_assert_num_queries(0):
        assert load_catalog(base_variant) is first


def test_a_catalog_edit_is_seen_by_the_next_load(base_variant):
    """An admin edit (post_save) and a delete: the next load reads the catalog again."""
    assert load_catalog(base_variant).pas["REQM"].name != "Keeping requirements straight"
    reqm = base_variant.constellation.process_areas.get(acronym="REQM")
    reqm.name = "Keeping requirements straight"
    reqm.save()
    assert load_catalog(base_variant).pas["REQM"].name == "Keeping requirements straight"
    reqm.goals.get(number=1).practices.get(number=1).delete()
    assert load_catalog(base_variant).practice("REQM", "SP 1.1") is None


def test_a_reloaded_fixture_is_seen_by_the_next_load(base_variant):
    """loaddata saves raw (post_save with raw=True): the catalog is read again after it."""
    from django.core.management import call_command

    from models_catalog.models import ProcessArea

    load_catalog(base_variant)
    ProcessArea.objects.filter(acronym="REQM").update(name="Changed behind the signals")
    assert load_catalog(base_variant).pas["REQM"].name != "Changed behind the signals"
    call_command("loaddata", "cmmi_svc_draft_2007", verbosity=0)
    assert load_catalog(base_variant).pas["REQM"].name == "Requirements Management"


def test_another_server_sees_the_change_through_the_shared_cache(base_variant):
    """The generation lives in the cache, not in the process: a change announced by another
    server (a new generation in the shared cache) makes this one read the catalog again."""
    from django.core.cache import cache

    from models_catalog import catalog as catalog_module

    first = load_catalog(base_variant)
    cache.set(catalog_module.GENERATION_KEY, "set-by-another-server", timeout=None)
    assert load_catalog(base_variant) is not first
    cache.clear()  # a flushed Redis: a new generation, nothing built before is served
    assert catalog_module.catalog_generation() not in (None, "set-by-another-server")


def test_a_cache_that_is_down_costs_queries_not_the_page(
    base_variant, monkeypatch, django_assert_num_queries
):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    with django_assert_num_queries(7):
        assert load_catalog(base_variant).pas["REQM"].acronym == "REQM"
