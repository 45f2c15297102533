"""Team judgments under concurrency (issue 13, point 2): optimistic versioning, as for cells."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from assessments import services
from assessments.engine_input import load_catalog
from assessments.models import GoalJudgment, PracticeJudgment, Role
from assessments.revision import LOCKED
from tests.assessments.test_scenarios import ML2, make_appraisal, rate
from tests.assessments.test_views_results import url
from tests.factories import MembershipFactory, UserFactory


def practice_post(**fields) -> dict:
    return {
        "process_area": "CM",
        "practice": "SP 2.1",
        "value": "LI",
        "version": 0,
        "rationale": "Because.",
        **fields,
    }


def goal_post(**fields) -> dict:
    return {
        "process_area": "REQM",
        "goal": "SG 1",
        "rating": "unsatisfied",
        "version": 0,
        "rationale": "Because.",
        **fields,
    }


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks need PostgreSQL"
)


@pytest.fixture
def ranged(org, base_variant):
    """As in test_views_results: CM SP 2.1 a pending range, REQM SG 1 a goal to review."""
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    rate(appraisal, "CM", "PI", only=("SP 2.1",), instances=("hosting",))
    rate(appraisal, "REQM", "LI", only=("SP 1.1",))
    return appraisal


@pytest.fixture
def second_lead(org):
    return MembershipFactory(
        organisation=org, role=Role.LEAD_APPRAISER, user=UserFactory(username="leo")
    ).user


def test_the_form_carries_the_version_it_shows(client, ranged, lead):
    client.force_login(lead)
    text = client.get(url(ranged)).content.decode()
    assert text.count('<input type="hidden" name="version" value="0">') == 2


def test_a_stale_practice_judgment_answers_409_with_the_current_decision(
    client, ranged, lead, second_lead
):
    client.force_login(lead)
    assert client.post(url(ranged, "judgments/practice/"), practice_post()).status_code == 302
    # leo's page still showed no judgment (version 0) when he decided PI.
    client.force_login(second_lead)
    response = client.post(
        url(ranged, "judgments/practice/"), practice_post(value="PI", rationale="Mostly not.")
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Not recorded: lea decided CM SP 2.1 meanwhile (LI: Because.)." in text
    judgment = PracticeJudgment.objects.get()
    assert (judgment.value, judgment.version, judgment.decided_by) == ("LI", 1, lead)


def test_a_stale_goal_judgment_answers_409(client, ranged, lead, second_lead):
    client.force_login(lead)
    assert client.post(url(ranged, "judgments/goal/"), goal_post()).status_code == 302
    client.force_login(second_lead)
    response = client.post(url(ranged, "judgments/goal/"), goal_post(rating="satisfied"))
    assert response.status_code == 409
    assert "lea decided REQM SG 1 meanwhile (unsatisfied: Because.)" in response.content.decode()
    assert GoalJudgment.objects.get().rating == "unsatisfied"


def test_a_judgment_withdrawn_meanwhile_answers_409(client, ranged, lead):
    client.force_login(lead)
    client.post(url(ranged, "judgments/practice/"), practice_post())
    judgment = PracticeJudgment.objects.get()
    client.post(url(ranged, f"judgments/practice/{judgment.pk}/withdraw/"))
    response = client.post(url(ranged, "judgments/practice/"), practice_post(version=1))
    assert response.status_code == 409
    assert "the judgment of CM SP 2.1 was withdrawn meanwhile" in response.content.decode()
    assert not PracticeJudgment.objects.exists()


def test_a_current_version_changes_the_judgment(ranged, lead):
    catalog = load_catalog(ranged.variant)
    kwargs = {
        "appraisal": ranged,
        "process_area": catalog.process_areas["CM"],
        "practice": catalog.practice("CM", "SP 2.1"),
        "user": lead,
    }
    services.practice_judgment_set(**kwargs, value="LI", rationale="a", expected_version=0)
    services.practice_judgment_set(**kwargs, value="PI", rationale="b", expected_version=1)
    with pytest.raises(services.Conflict) as caught:
        services.practice_judgment_set(**kwargs, value="LI", rationale="c", expected_version=1)
    assert (caught.value.current.value, caught.value.current.version) == ("PI", 2)
    assert PracticeJudgment.objects.get().history.count() == 2


def test_a_missing_version_is_refused(client, ranged, lead):
    client.force_login(lead)
    data = practice_post()
    del data["version"]
    assert client.post(url(ranged, "judgments/practice/"), data).status_code == 400
    assert not PracticeJudgment.objects.exists()


def test_the_service_refuses_a_final_appraisal(ranged, lead):
    catalog = load_catalog(ranged.variant)
    ranged.status = "final"
    ranged.save()
    with pytest.raises(ValidationError) as caught:
        services.goal_judgment_set(
            appraisal=ranged,
            process_area=catalog.process_areas["REQM"],
            goal=catalog.goal("REQM", "SG 1"),
            rating="satisfied",
            rationale="x",
            user=lead,
            expected_version=0,
        )
    assert caught.value.messages == [LOCKED]
    assert not GoalJudgment.objects.exists()


def _race(users, path: str, posts: list[dict]) -> list[int]:
    """POST each form from its own thread (own connection) at the same moment; the statuses."""
    barrier = threading.Barrier(len(users))
    statuses: list[int] = [0] * len(users)

    def run(i: int) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(users[i])
        try:
            barrier.wait()
            statuses[i] = client.post(path, posts[i]).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["practice", "goal"])
def test_concurrent_first_judgments_one_wins_the_other_gets_409(ranged, lead, second_lead, kind):
    post = practice_post if kind == "practice" else goal_post
    model = PracticeJudgment if kind == "practice" else GoalJudgment
    for trial in range(6):
        statuses = _race(
            [lead, second_lead],
            url(ranged, f"judgments/{kind}/"),
            [post(rationale="lea's view"), post(rationale="leo's view")],
        )
        assert sorted(statuses) == [302, 409], f"trial {trial}: {statuses}"
        judgment = model.objects.get()
        assert judgment.version == 1
        winner = lead if statuses[0] == 302 else second_lead
        assert judgment.decided_by == winner
        model.objects.all().delete()
