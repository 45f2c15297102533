"""Cell saves hold under concurrency (issue 13, points 3 and 4): the final lock is checked on the
locked appraisal row inside the save's transaction, and two first saves of an empty cell give
one save and one conflict, never a message naming a database constraint."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from assessments import services
from assessments.engine_input import load_appraisal_state
from assessments.models import Appraisal, Characterization
from assessments.revision import LOCKED
from tests.assessments.test_views_rating import HTMX, cell_url, stored
from tests.conftest import rate_cell


def test_saved_cell_carries_the_appraisal_revision(appraisal, team_member):
    before = Appraisal.objects.get(pk=appraisal.pk).revision
    row = rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member)
    after = Appraisal.objects.get(pk=appraisal.pk).revision
    assert after == before + 1
    assert row.revision == after


def test_save_racing_with_the_final_lock_is_refused_on_the_locked_row(appraisal, team_member, lead):
    # The rater's request read the appraisal while it was open; the lead locks it meanwhile.
    stale = Appraisal.objects.get(pk=appraisal.pk)
    services.appraisal_set_status(appraisal=appraisal, status="review", user=lead)
    services.appraisal_set_status(appraisal=appraisal, status="final", user=lead)
    assert stale.status == "rating"
    catalog = load_appraisal_state(appraisal).catalog
    with pytest.raises(ValidationError) as error:
        services.characterization_set(
            appraisal=stale,
            instance=appraisal.instances.get(key="desk"),
            process_area=catalog.process_areas["REQM"],
            practice=catalog.practice("REQM", "SP 1.1"),
            expected_version=0,
            user=team_member,
            value="FI",
        )
    assert error.value.messages == [LOCKED]
    assert not Characterization.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_of_an_empty_cell_give_one_save_and_one_conflict(
    appraisal, team_member, lead
):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    url = cell_url(appraisal)
    barrier = threading.Barrier(2)
    answers = []

    def save(user, value):
        client = Client()
        client.force_login(user)
        barrier.wait()
        response = client.post(url, {"value": value, "version": 0}, **HTMX)
        answers.append((response.status_code, response.content.decode()))
        connection.close()

    for _ in range(5):
        Characterization.objects.all().delete()
        answers.clear()
        threads = [
            threading.Thread(target=save, args=(team_member, "FI")),
            threading.Thread(target=save, args=(lead, "NI")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(code for code, _ in answers) == [200, 409]
        conflict = next(body for code, body in answers if code == 409)
        assert "changed this rating meanwhile" in conflict
        assert "assessments_" not in conflict
        assert stored(appraisal).version == 1
