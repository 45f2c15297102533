"""The improvement plan page: groups, filters, overdue, progress per PA, timeline; PDF and XLSX."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments.engine_input import load_catalog
from improvement import services
from improvement.models import ImprovementAction
from improvement.targets import parse_targets


def make(org, user, title, targets="", status="proposed", due=None, owner=None, source=None):
    catalog = load_catalog(source.variant) if source else None
    resolved = parse_targets(targets, catalog)[0] if catalog else []
    action = services.action_save(
        organisation=org,
        title=title,
        targets=resolved,
        due_date=due,
        owner=owner,
        source_appraisal=source,
        user=user,
    )
    if status != "proposed":
        ImprovementAction.objects.filter(pk=action.pk).update(status=status)
        action.refresh_from_db()
    return action


@pytest.fixture
def actions(before, team_member, lead):
    today = timezone.localdate()
    org = before.organisation
    return {
        "late": make(
            org,
            lead,
            "Review requirements",
            "REQM SP 1.1",
            "in_progress",
            today - datetime.timedelta(days=3),
            team_member,
            before,
        ),
        "soon": make(
            org,
            lead,
            "Plan the work",
            "PP SG 2",
            "planned",
            today + datetime.timedelta(days=5),
            lead,
            before,
        ),
        "done": make(org, lead, "Baseline", "REQM", "verified", today, team_member, before),
        "ml3": make(org, lead, '=HYPERLINK("http://x")', "OT", "proposed", None, None, before),
    }


def plan_url(org):
    return f"/orgs/{org.slug}/improvement/"


def test_groups_overdue_progress_and_timeline(client, before, actions, viewer):
    client.force_login(viewer)
    response = client.get(plan_url(before.organisation))
    assert response.status_code == 200
    plan = response.context["plan"]
    # Priority order: the ML2 blockers first, OT (ML3) last.
    assert [a.title for a in plan.actions][-1] == '=HYPERLINK("http://x")'
    assert plan.overdue == {actions["late"].pk}
    by_status = {status: [a.title for a in items] for status, _, items in plan.by_status}
    assert by_status["in_progress"] == ["Review requirements"]
    assert by_status["verified"] == ["Baseline"]
    progress = {p.acronym: (p.done, p.total, p.overdue) for p, _ in plan.by_pa}
    assert progress == {"REQM": (1, 2, 1), "PP": (0, 1, 0), "OT": (0, 1, 0)}
    html = response.content.decode()
    assert '<progress class="plan-progress" max="2" value="1"' in html
    assert "overdue" in html and 'class="overdue-ring"' in html
    assert html.count("<circle cx=") >= 3  # one dot per dated action
    assert " style=" not in html.split("<main")[1].split("</main>")[0].replace(
        'style="height: 1.25rem;"', ""
    )


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"status": "planned"}, ["Plan the work"]),
        ({"process_area": "REQM"}, ["Review requirements", "Baseline"]),
        ({"overdue": "on"}, ["Review requirements"]),
        ({"status": "nonsense"}, []),
    ],
)
def test_filters(client, before, actions, viewer, query, titles):
    client.force_login(viewer)
    plan = client.get(plan_url(before.organisation), query).context["plan"]
    assert sorted(a.title for a in plan.actions) == sorted(titles)


def test_filter_by_owner(client, before, actions, viewer, lead):
    client.force_login(viewer)
    plan = client.get(plan_url(before.organisation), {"owner": lead.pk}).context["plan"]
    assert [a.title for a in plan.actions] == ["Plan the work"]


def test_query_count_is_pinned(client, before, actions, viewer, django_assert_max_num_queries):
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        client.get(plan_url(before.organisation))
    for i in range(6):
        make(before.organisation, viewer, f"More {i}", "", "planned")
    with django_assert_max_num_queries(8):
        client.get(plan_url(before.organisation))


def test_pdf(client, before, actions, viewer):
    client.force_login(viewer)
    response = client.get(f"/orgs/{before.organisation.slug}/improvement/plan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "Improvement plan" in text and "Review requirements" in text
    assert "overdue" in text and "REQM SP 1.1" in text


def test_xlsx_writes_formula_looking_text_as_text(client, before, actions, viewer):
    client.force_login(viewer)
    response = client.get(f"/orgs/{before.organisation.slug}/improvement/plan.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=5)}
    cell = rows['=HYPERLINK("http://x")'][1]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'
    assert rows["Review requirements"][5].value == "yes"
    assert rows["Review requirements"][6].value == "REQM SP 1.1"


def test_another_organisation_sees_nothing(client, before, actions, outsider):
    client.force_login(outsider)
    assert client.get(plan_url(before.organisation)).status_code == 404


def test_the_next_appraisal_suggests_verifying(
    client, before, after, actions, viewer, django_assert_max_num_queries
):
    """REQM SP 1.1 is LI in the next appraisal: the in-progress action on it is suggested for
    verification; PP SG 2 is still unsatisfied, so its action is not."""
    client.force_login(viewer)
    with django_assert_max_num_queries(24):
        response = client.get(plan_url(before.organisation))
    plan = response.context["plan"]
    assert plan.next_appraisal == after
    assert plan.suggested == {actions["late"].pk}
    assert "mark it verified?" in response.content.decode()
