"""Shared helpers for the catalog tests: the shipped fixture, loading it, and database snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from models_catalog.models import Constellation

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "cmmi_svc_draft_2007.json"
SLUG = "cmmi-svc-draft-2007"


def catalog_models() -> list:
    """Every model of the catalog app, plus the auto-created many-to-many tables."""
    models = list(apps.get_app_config("models_catalog").get_models(include_auto_created=True))
    assert len(models) >= 12  # 11 catalog models and ItsmProcess.process_areas' table
    return models


def row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in catalog_models()}


def snapshot() -> dict[str, list[dict]]:
    """Every row of every catalog table, pk and values: equal snapshots mean nothing changed."""
    return {
        model._meta.label_lower: list(model._default_manager.order_by("pk").values())
        for model in catalog_models()
    }


def load(*paths, **options) -> str:
    """``manage.py loaddata PATH...``; returns what it printed."""
    from io import StringIO

    out = StringIO()
    call_command("loaddata", *(str(p) for p in paths), stdout=out, **options)
    return out.getvalue()


def write_fixture(path: Path, entries: list[dict]) -> Path:
    path.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    return path


def mini_catalog(slug: str = "mini") -> list[dict]:
    """A small, valid, self-contained catalog: one PA with one goal and one practice."""
    c = [slug]
    return [
        {
            "model": "models_catalog.constellation",
            "fields": {
                "slug": slug,
                "name": "Mini",
                "version": "1",
                "status": "draft",
                "source": "",
                "max_capability_level": 1,
            },
        },
        {
            "model": "models_catalog.maturitylevel",
            "fields": {"constellation": c, "number": 2, "name": "M"},
        },
        {
            "model": "models_catalog.capabilitylevel",
            "fields": {"constellation": c, "number": 1, "name": "P"},
        },
        {
            "model": "models_catalog.category",
            "fields": {"constellation": c, "name": "Cat", "order": 0},
        },
        {
            "model": "models_catalog.processarea",
            "fields": {
                "constellation": c,
                "acronym": "ABC",
                "name": "Alpha",
                "purpose": "",
                "category": [slug, "Cat"],
                "maturity_level": [slug, 2],
                "addition": "",
            },
        },
        {
            "model": "models_catalog.specificgoal",
            "fields": {"process_area": [slug, "ABC"], "number": 1, "title": "Goal", "addition": ""},
        },
        {
            "model": "models_catalog.specificpractice",
            "fields": {"goal": [slug, "ABC", 1], "number": 1, "title": "Practice"},
        },
    ]


@pytest.fixture
def catalog(db) -> Constellation:
    """The shipped draft CMMI-SVC catalog, loaded through ``loaddata``."""
    load(FIXTURE, verbosity=0)
    return Constellation.objects.get(slug=SLUG)
