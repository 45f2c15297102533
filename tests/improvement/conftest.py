"""Two appraisals of one organisation: a final one with weaknesses and its re-appraisal."""

from __future__ import annotations

import pytest

from assessments.models import Appraisal
from tests.assessments.test_scenarios import ML2, make_appraisal, rate


@pytest.fixture
def before(org, base_variant):
    """Staged ML2, final: every ML2 PA FI except REQM SP 1.1 (PI) and PP SP 2.1 (NI)."""
    appraisal = make_appraisal(org, base_variant, target=2)
    appraisal.name = "2025 appraisal"
    appraisal.save()
    rate(appraisal, ML2)
    rate(appraisal, "REQM", "PI", only=("SP 1.1",))
    rate(appraisal, "PP", "NI", only=("SP 2.1",))
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.FINAL)
    appraisal.refresh_from_db()
    return appraisal


@pytest.fixture
def after(before, lead):
    """The next appraisal of `before`: REQM SP 1.1 now LI, PP SP 2.1 still NI, the rest FI."""
    from improvement.services import appraisal_start_next

    appraisal = appraisal_start_next(previous=before, name="2026 appraisal", user=lead)
    rate(appraisal, ML2)
    rate(appraisal, "REQM", "LI", only=("SP 1.1",))
    rate(appraisal, "PP", "NI", only=("SP 2.1",))
    return appraisal
