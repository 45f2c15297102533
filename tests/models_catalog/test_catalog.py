"""The one read model of a variant's catalog (models_catalog/catalog.py)."""

from __future__ import annotations

import pytest

from models_catalog.catalog import load_catalog, variant_process_areas
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
        catalog = load_catalog(base_variant)
    with django_assert_num_queries(0):
        assert catalog.practice("REQM", "SP 1.1").title
        assert catalog.practice("REQM", "GP 2.1").code == "GP 2.1"
        assert catalog.practice("SSD", "SP 1.1") is None
        assert catalog.goal("REQM", "GG 2").code == "GG 2"
        assert "SSD" not in catalog.pas
        spec, generic = catalog.specs("REQM")
        assert spec == next(p for p in catalog.model_spec().process_areas if p.acronym == "REQM")
        assert generic == catalog.model_spec().generic_goals
        assert catalog.max_maturity_level == 5
        assert catalog.max_capability_level == base_variant.constellation.max_capability_level
