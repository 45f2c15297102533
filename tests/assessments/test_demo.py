"""`manage.py seed_demo`: a user per role, a partly rated appraisal, and safe to repeat."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from assessments.engine_input import load_appraisal_state
from assessments.models import Appraisal, Characterization, Finding, Membership


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Appraisal, Characterization, Finding, Membership))


def test_seed_demo_is_idempotent_and_prints_the_users(catalog):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    text = out.getvalue()
    for username in ("viewer", "member", "lead", "orgadmin", "admin"):
        assert f"  {username}" in text
    assert "password 'cmmisvc-demo'" in text
    assert dict(Membership.objects.values_list("user__username", "role")) == {
        "viewer": "viewer",
        "member": "team_member",
        "lead": "lead_appraiser",
        "orgadmin": "org_admin",
    }


def test_demo_appraisal_is_partly_rated(catalog):
    call_command("seed_demo", stdout=StringIO())
    state = load_appraisal_state(Appraisal.objects.get())
    total = state.total_progress
    assert 0 < total.rated < total.total
    assert state.results.process_areas["SAM"].rating == "not_applicable"
    assert state.results.process_areas["REQM"].rating == "satisfied"
    assert state.findings
