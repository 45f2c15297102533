"""The results page and the lead appraiser's team judgments (DESIGN §4, issue 4)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.engine_input import load_appraisal_state
from assessments.forms_results import NOT_A_RANGE, NOT_FOR_REVIEW, RATIONALE_REQUIRED
from assessments.models import Appraisal, GoalJudgment, PracticeJudgment
from tests.assessments.test_scenarios import ML2, make_appraisal, rate

# user, appraisal, membership · scope, instances, coverage, values, judgments (2), findings,
# evidence links · judgment history (2), the menu's memberships. The session, the catalog and
# its maturity level names come from caches; a page whose results are cached reads neither the
# values nor the links (tests/assessments/test_results_cache.py).
PAGE_QUERIES = 14


def url(appraisal: Appraisal, suffix: str = "") -> str:
    return f"/a/{appraisal.code}/results/{suffix}"


@pytest.fixture
def ranged(org, base_variant):
    """Staged ML2, SAM not applicable, everything FI except: CM SP 2.1 FI/PI (a pending range)
    and REQM SP 1.1 LI on both instances (REQM SG 1 satisfied, to review)."""
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    rate(appraisal, "CM", "PI", only=("SP 2.1",), instances=("hosting",))
    rate(appraisal, "REQM", "LI", only=("SP 1.1",))
    return appraisal


def practice_post(**fields) -> dict:
    return {"process_area": "CM", "practice": "SP 2.1", "value": "LI", "version": 0, **fields}


def goal_post(**fields) -> dict:
    return {"process_area": "REQM", "goal": "SG 1", "rating": "unsatisfied", "version": 0, **fields}


# --- Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer", "team_member", "lead", "org_admin"])
def test_every_member_sees_the_results(client, ranged, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url(ranged))
    assert response.status_code == 200
    text = response.content.decode()
    assert '<span class="level-figure" id="maturity-level">ML1</span>' in text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="capability-chart"' in text
    assert "What blocks maturity level 2" in text
    assert "CM SP 2.1" in text and "REQM SG 1" in text


def test_anonymous_is_sent_to_sign_in(client, ranged):
    response = client.get(url(ranged))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsider_gets_404(client, ranged, outsider):
    client.force_login(outsider)
    assert client.get(url(ranged)).status_code == 404
    assert client.post(url(ranged, "judgments/practice/"), practice_post()).status_code == 404
    assert PracticeJudgment.objects.count() == 0


def test_the_page_shows_ratings_levels_and_the_breakdown(client, ranged, viewer):
    client.force_login(viewer)
    text = client.get(url(ranged)).content.decode()
    context = client.get(url(ranged)).context
    assert context["level"] == 1
    rows = {row["pa"].acronym: row for row in context["pa_rows"]}
    assert rows["SAM"]["result"].rating == "not_applicable"
    assert rows["SAM"]["justification"] == "No suppliers."
    assert rows["IRM"]["result"].capability_level == 2 and rows["IRM"]["target"] == 2
    assert [g["code"] for g in rows["CM"]["goals"]] == ["SG 1", "SG 2", "SG 3", "GG 2"]
    assert [(b["blocker"].process_area, b["reason"]) for b in context["blockers"]] == [
        ("CM", "not rated yet")
    ]
    # Instance breakdown: one <details> per PA in scope, one column per instance.
    sections = {s["pa"].acronym: s for s in context["sections"]}
    assert sorted(sections) == sorted(a for a in ML2 if a != "SAM")
    assert [i.key for i in sections["CM"]["instances"]] == ["desk", "hosting"]
    assert '<details class="results-pa border rounded mb-2" id="practices-CM">' in text
    assert (
        '<th scope="row" class="fw-normal"><strong>SP 2.1</strong> Track Change Requests</th>'
        '<td class="text-center org"><span class="badge text-bg-warning"'
    ) in text
    assert (
        '<td class="text-center value-FI">FI</td><td class="text-center value-PI">PI</td>' in text
    )


def test_viewers_and_team_members_see_no_judgment_forms(client, ranged, viewer, team_member):
    for user in (viewer, team_member):
        client.force_login(user)
        text = client.get(url(ranged)).content.decode()
        assert 'name="rationale"' not in text
        assert "Only a lead appraiser records these decisions." in text


def test_lead_sees_a_form_per_pending_practice_and_goal_to_review(client, ranged, lead):
    client.force_login(lead)
    text = client.get(url(ranged)).content.decode()
    assert text.count('name="rationale"') == 2
    assert f'action="{url(ranged, "judgments/practice/")}"' in text
    assert f'action="{url(ranged, "judgments/goal/")}"' in text
    assert 'id="pj-CM-SP-2-1-LI"' in text and 'id="gj-REQM-SG-1-unsatisfied"' in text


def test_the_page_reflects_every_rating_change(client, ranged, viewer):
    client.force_login(viewer)
    assert client.get(url(ranged)).context["level"] == 1
    rate(ranged, "CM", "FI", only=("SP 2.1",))
    response = client.get(url(ranged))
    assert response.context["level"] == 2
    assert "What blocks maturity level 3" in response.content.decode()


def test_a_continuous_appraisal_shows_its_profile_and_equivalent_staging(
    client, org, base_variant, viewer
):
    appraisal = make_appraisal(org, base_variant, profile={"REQM": 3, "IRM": 2})
    rate(appraisal, ["REQM", "IRM"])
    client.force_login(viewer)
    response = client.get(url(appraisal))
    text = response.content.decode()
    assert "Indicative equivalent maturity level" in text and "Capability profile" in text
    assert "not an official SCAMPI A rating" in text
    rows = {row["pa"].acronym: row for row in response.context["pa_rows"]}
    assert (rows["REQM"]["result"].capability_level, rows["REQM"]["target"]) == (3, 3)
    assert (rows["IRM"]["result"].capability_level, rows["IRM"]["target"]) == (2, 2)


# --- Judgments ----------------------------------------------------------------------------------


def test_lead_records_a_practice_judgment(client, ranged, lead):
    client.force_login(lead)
    response = client.post(url(ranged, "judgments/practice/"), practice_post(rationale=" Seen. "))
    assert response.status_code == 302
    assert response["Location"] == url(ranged) + "#judgments"
    judgment = PracticeJudgment.objects.get()
    assert (judgment.value, judgment.rationale, judgment.decided_by) == ("LI", "Seen.", lead)
    assert [(h.history_type, h.history_user) for h in judgment.history.all()] == [("+", lead)]
    response = client.get(url(ranged))
    assert response.context["pending"] == []
    recorded = response.context["judgments"]
    assert [(j["acronym"], j["code"], j["value"], j["invalid"]) for j in recorded] == [
        ("CM", "SP 2.1", "LI", "")
    ]
    # CM SG 2 is now satisfied with an LI practice: a goal to review.
    assert [(r["entry"].process_area, r["entry"].goal) for r in response.context["reviews"]] == [
        ("CM", "SG 2"),
        ("REQM", "SG 1"),
    ]
    assert "in effect" in response.content.decode()


def test_lead_turns_a_goal_unsatisfied(client, ranged, lead):
    rate(ranged, "CM", "FI", only=("SP 2.1",))
    client.force_login(lead)
    assert client.get(url(ranged)).context["level"] == 2
    response = client.post(url(ranged, "judgments/goal/"), goal_post(rationale="Weak evidence."))
    assert response.status_code == 302
    judgment = GoalJudgment.objects.get()
    assert (judgment.goal_code, judgment.rating, judgment.decided_by) == (
        "SG 1",
        "unsatisfied",
        lead,
    )
    response = client.get(url(ranged))
    assert response.context["level"] == 1
    assert response.context["reviews"] == []
    assert [
        (b["blocker"].process_area, b["blocker"].goals) for b in response.context["blockers"]
    ] == [("REQM", ("SG 1",))]


def test_a_judgment_needs_a_rationale(client, ranged, lead):
    client.force_login(lead)
    response = client.post(url(ranged, "judgments/practice/"), practice_post(rationale="  "))
    assert response.status_code == 400
    assert RATIONALE_REQUIRED in response.content.decode()
    assert PracticeJudgment.objects.count() == 0
    # The refused form is shown again where it was, with the choice kept.
    pending = response.context["pending"][0]
    assert pending["errors"] == [RATIONALE_REQUIRED] and pending["checked"] == "LI"


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("practice", practice_post(practice="SP 1.1", rationale="x"), NOT_A_RANGE),
        ("practice", practice_post(value="FI", rationale="x"), "Select a valid choice."),
        ("practice", practice_post(process_area="SAM", rationale="x"), NOT_A_RANGE),
        ("goal", goal_post(goal="SG 2", rationale="x"), NOT_FOR_REVIEW),
        ("goal", goal_post(process_area="XYZ", rationale="x"), NOT_FOR_REVIEW),
    ],
)
def test_judgments_the_rules_would_ignore_are_refused(client, ranged, lead, kind, data, message):
    client.force_login(lead)
    response = client.post(url(ranged, f"judgments/{kind}/"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert message.split("{")[0] in text
    assert PracticeJudgment.objects.count() == GoalJudgment.objects.count() == 0


@pytest.mark.parametrize("who", ["viewer", "team_member"])
def test_lower_roles_may_not_judge_or_withdraw(client, ranged, lead, request, who):
    client.force_login(lead)
    client.post(url(ranged, "judgments/practice/"), practice_post(rationale="x"))
    judgment = PracticeJudgment.objects.get()
    client.force_login(request.getfixturevalue(who))
    assert (
        client.post(
            url(ranged, "judgments/practice/"), practice_post(value="PI", rationale="y")
        ).status_code
        == 403
    )
    assert client.post(url(ranged, "judgments/goal/"), goal_post(rationale="y")).status_code == 403
    assert (
        client.post(url(ranged, f"judgments/practice/{judgment.pk}/withdraw/")).status_code == 403
    )
    judgment.refresh_from_db()
    assert judgment.value == "LI" and GoalJudgment.objects.count() == 0


def test_a_final_appraisal_refuses_judgments(client, ranged, lead):
    client.force_login(lead)
    client.post(url(ranged, "judgments/practice/"), practice_post(rationale="x"))
    Appraisal.objects.filter(pk=ranged.pk).update(status=Appraisal.Status.FINAL)
    judgment = PracticeJudgment.objects.get()
    assert client.post(url(ranged, "judgments/goal/"), goal_post(rationale="y")).status_code == 403
    assert (
        client.post(url(ranged, f"judgments/practice/{judgment.pk}/withdraw/")).status_code == 403
    )
    assert PracticeJudgment.objects.count() == 1 and GoalJudgment.objects.count() == 0
    text = client.get(url(ranged)).content.decode()
    assert 'name="rationale"' not in text and "Withdraw" not in text
    assert "The appraisal is final" in text


def test_lead_withdraws_judgments_and_the_history_keeps_them(client, ranged, lead):
    client.force_login(lead)
    client.post(url(ranged, "judgments/practice/"), practice_post(rationale="First look."))
    client.post(url(ranged, "judgments/goal/"), goal_post(rationale="Weak."))
    practice, goal = PracticeJudgment.objects.get(), GoalJudgment.objects.get()
    response = client.post(url(ranged, f"judgments/practice/{practice.pk}/withdraw/"))
    assert response.status_code == 302
    assert client.post(url(ranged, f"judgments/goal/{goal.pk}/withdraw/")).status_code == 302
    assert PracticeJudgment.objects.count() == GoalJudgment.objects.count() == 0
    response = client.get(url(ranged))
    assert [(e["action"], e["acronym"], e["code"]) for e in response.context["history"]] == [
        ("withdrew", "REQM", "SG 1"),
        ("withdrew", "CM", "SP 2.1"),
        ("recorded", "REQM", "SG 1"),
        ("recorded", "CM", "SP 2.1"),
    ]
    assert [p["entry"].practice for p in response.context["pending"]] == ["SP 2.1"]
    assert (
        "lea withdrew <strong>CM SP 2.1</strong>: LI — “First look.”" in response.content.decode()
    )


def test_withdrawing_another_appraisals_judgment_is_404(client, ranged, org, base_variant, lead):
    other = make_appraisal(org, base_variant, target=2)
    client.force_login(lead)
    client.post(url(ranged, "judgments/practice/"), practice_post(rationale="x"))
    judgment = PracticeJudgment.objects.get()
    assert client.post(url(other, f"judgments/practice/{judgment.pk}/withdraw/")).status_code == 404
    assert client.post(url(ranged, f"judgments/goal/{judgment.pk}/withdraw/")).status_code == 404


def test_judgment_urls_refuse_get(client, ranged, lead):
    client.force_login(lead)
    for suffix in ("judgments/practice/", "judgments/goal/", "judgments/practice/1/withdraw/"):
        assert client.get(url(ranged, suffix)).status_code == 405


def test_invalid_judgments_are_flagged(client, ranged, lead):
    # A judgment recorded while CM SP 2.1 was a range, then the instances agree: ignored.
    client.force_login(lead)
    client.post(url(ranged, "judgments/practice/"), practice_post(value="PI", rationale="x"))
    rate(ranged, "CM", "FI", only=("SP 2.1",))
    response = client.get(url(ranged))
    [item] = response.context["judgments"]
    assert item["invalid"] == "the instances no longer leave a range between LI and PI"
    text = response.content.decode()
    assert '<span class="badge text-bg-danger">ignored</span>' in text
    assert "1 judgment ignored as invalid" in text
    assert response.context["level"] == 2  # the ignored PI does not count


# --- Chart --------------------------------------------------------------------------------------


def test_the_chart_is_a_self_contained_svg(ranged):
    state = load_appraisal_state(ranged)
    svg = render_to_string("assessments/partials/capability_chart.svg.html", {"state": state})
    root = ET.fromstring(svg.split("#}", 1)[-1].strip())
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert not list(root.iter(f"{ns}script")) and "class=" not in svg.replace(
        'class="capability-chart"', ""
    )
    bars = [
        g.find(f"{ns}title").text for g in root.iter(f"{ns}g") if g.find(f"{ns}title") is not None
    ]
    # The ML2 PAs in scope and SAM (not applicable); the out-of-scope ML3 PAs block nothing here.
    assert len(bars) == 8
    assert "REQM Requirements Management: capability level 2, target 2 (satisfied)" in bars
    assert "SAM Supplier Agreement Management: not applicable" in bars
    assert root.find(f"{ns}title").text == "Indicative maturity level 1"


def chart_bars(appraisal) -> dict[str, tuple[str, str, str]]:
    """Each bar of the chart: acronym -> (its title, the label above it, its fill)."""
    state = load_appraisal_state(appraisal)
    svg = render_to_string("assessments/partials/capability_chart.svg.html", {"state": state})
    root = ET.fromstring(svg.split("#}", 1)[-1].strip())
    ns = "{http://www.w3.org/2000/svg}"
    bars = {}
    for g in root.iter(f"{ns}g"):
        if g.find(f"{ns}title") is None:
            continue
        texts = [t.text for t in g.iter(f"{ns}text")]
        fills = [r.get("fill") for r in g.iter(f"{ns}rect") if r.get("fill") != "none"]
        bars[texts[-1]] = (g.find(f"{ns}title").text, texts[0], fills[0] if fills else "")
    return bars


@pytest.mark.parametrize("representation", ["staged", "continuous"])
def test_a_pa_whose_level_is_not_certain_is_drawn_not_rated_never_cl0(
    org, base_variant, representation
):
    """Rules v2: REQM with nothing rated has no certain level: hatched, labelled "not rated"."""
    if representation == "staged":
        appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    else:
        appraisal = make_appraisal(org, base_variant, profile={"REQM": 2, "CM": 2, "PP": 3})
    rate(appraisal, ["CM"])
    rate(appraisal, ["PP"], "PI", only=("SP 1.1",))
    bars = chart_bars(appraisal)
    title, label, fill = bars["REQM"]
    assert label == "not rated" and fill == "url(#capability-chart-hatch)"
    assert title == "REQM Requirements Management: capability level not rated yet, target 2"
    assert bars["CM"][1] == "CL2"
    # PP: SG 1 not rated (an SP unrated) but SP 1.1 is PI; SG 2 not rated: no certain level.
    assert bars["PP"][1] == "not rated"


# --- Queries ------------------------------------------------------------------------------------


def test_query_count_is_pinned(client, ranged, lead, django_assert_max_num_queries):
    client.force_login(lead)
    client.post(url(ranged, "judgments/practice/"), practice_post(rationale="x"))
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url(ranged)).status_code == 200


def test_query_count_does_not_grow_with_instances_ratings_and_judgments(
    client, org, base_variant, lead
):
    appraisal = make_appraisal(org, base_variant, target=3, not_applicable=("SAM",))
    client.force_login(lead)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(appraisal)).status_code == 200
        return len(queries)

    small = count()
    state = load_appraisal_state(appraisal)
    pas = [state.catalog.process_areas[a] for a in state.in_scope]
    for n in range(4):
        services.instance_save(
            appraisal=appraisal, key=f"extra-{n}", name=f"Extra {n}", kind="team", process_areas=pas
        )
    instances = tuple(appraisal.instances.values_list("key", flat=True))
    rate(appraisal, [a for a in state.in_scope], "FI", instances=instances)
    rate(appraisal, "CM", "PI", only=("SP 2.1", "SP 2.2"), instances=("desk",))
    rate(appraisal, "REQM", "LI", only=("SP 1.1",), instances=instances)
    client.post(url(appraisal, "judgments/practice/"), practice_post(rationale="x"))
    client.post(url(appraisal, "judgments/goal/"), goal_post(rationale="x"))
    big = load_appraisal_state(appraisal)
    assert len(big.values) > 1000 and big.practice_judgments and big.goal_judgments
    assert big.results.pending and big.results.reviews == []
    assert count() == small


# --- Rules v2 and the method --------------------------------------------------------------------


def test_blockers_show_the_practices_already_failing_inside_a_goal_not_rated(
    client, org, base_variant, viewer
):
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    rate(appraisal, "REQM", "NI", only=("SP 1.1",))
    rate(appraisal, "REQM", "NY", only=("SP 1.2",))
    client.force_login(viewer)
    response = client.get(url(appraisal))
    item = response.context["blockers"][0]
    assert (item["blocker"].process_area, item["reason"]) == ("REQM", "not rated yet")
    assert item["failing"] == [("SP 1.1", "NI")]
    text = response.content.decode()
    assert 'already failing: <span class="badge value-NI">SP 1.1 NI</span>' in text
    rows = {row["pa"].acronym: row for row in response.context["pa_rows"]}
    assert rows["REQM"]["result"].capability_level is None
    assert ">not rated</span></td>" in text


@pytest.mark.parametrize("method", ["B", "C"])
def test_methods_b_and_c_show_goal_indications_and_no_level(client, ranged, viewer, method):
    ranged.method = method
    ranged.save(update_fields=["method"])
    client.force_login(viewer)
    response = client.get(url(ranged))
    text = response.content.decode()
    assert response.status_code == 200
    assert f"Method {method}" in text and "No maturity or capability level" in text
    assert 'id="maturity-level"' not in text and "<svg" not in text
    assert "What blocks" not in text and "Target CL" not in text and ">CL2<" not in text
    assert "Goal indications" in text
    assert dict(response.context["goal_counts"])["not_rated"] == 1  # CM SG 2, pending
    assert "CM SP 2.1" in text  # the judgments stay
