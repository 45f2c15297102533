"""The permission matrix: every URL × anonymous, each role, an outsider, a final appraisal.

The table below must name every URL of the assessments, reports and catalog apps: a new URL
that is not added here fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import Appraisal, Finding, Role
from improvement.models import ChangeProposal, ImprovementAction
from tests.conftest import rate_cell

V, T, L, A = Role.VIEWER, Role.TEAM_MEMBER, Role.LEAD_APPRAISER, Role.ORG_ADMIN
ORDER = [V, T, L, A]

# name -> (kwargs from the context, least role that may GET, least role that may POST,
#          whether the POST changes the appraisal and so is refused once it is final)
MATRIX: dict[str, tuple] = {
    "assessments:organisation": (lambda c: {"org": c["org"]}, V, None, False),
    "assessments:members": (lambda c: {"org": c["org"]}, A, A, False),
    "assessments:member_role": (lambda c: {"org": c["org"], "pk": c["member"]}, None, A, False),
    "assessments:member_remove": (lambda c: {"org": c["org"], "pk": c["member"]}, None, A, False),
    "assessments:appraisal_create": (lambda c: {"org": c["org"]}, L, L, False),
    "assessments:import_appraisal": (lambda c: {"org": c["org"]}, L, L, False),
    "assessments:appraisal": (lambda c: {"code": c["code"]}, V, None, False),
    "assessments:appraisal_edit": (lambda c: {"code": c["code"]}, L, L, True),
    "assessments:scope": (lambda c: {"code": c["code"]}, V, L, True),
    "assessments:instances": (lambda c: {"code": c["code"]}, V, L, True),
    "assessments:instance_edit": (lambda c: {"code": c["code"], "pk": c["instance"]}, L, L, True),
    "assessments:instance_delete": (
        lambda c: {"code": c["code"], "pk": c["instance"]},
        None,
        L,
        True,
    ),
    "assessments:status": (lambda c: {"code": c["code"]}, None, L, False),
    "assessments:rate_pa": (lambda c: {"code": c["code"], "acronym": "REQM"}, V, None, False),
    "assessments:cell": (
        lambda c: {
            "code": c["code"],
            "acronym": "REQM",
            "instance": c["instance"],
            "practice": "SP-1.1",
        },
        V,
        T,
        True,
    ),
    "assessments:finding_add": (lambda c: {"code": c["code"], "acronym": "REQM"}, None, T, True),
    "assessments:findings": (lambda c: {"code": c["code"]}, V, None, False),
    "assessments:finding_delete": (
        lambda c: {"code": c["code"], "pk": c["finding"]},
        None,
        T,
        True,
    ),
    "assessments:export_appraisal": (lambda c: {"code": c["code"]}, L, None, False),
    "assessments:results": (lambda c: {"code": c["code"]}, V, None, False),
    # Team judgments (results page): lead appraisers only. Withdraw checks role and lock before
    # looking the judgment up, so a judgment that does not exist (pk 0) tests them.
    "assessments:practice_judgment": (lambda c: {"code": c["code"]}, None, L, True),
    "assessments:goal_judgment": (lambda c: {"code": c["code"]}, None, L, True),
    "assessments:practice_judgment_withdraw": (
        lambda c: {"code": c["code"], "pk": 0},
        None,
        L,
        True,
    ),
    "assessments:goal_judgment_withdraw": (lambda c: {"code": c["code"], "pk": 0}, None, L, True),
    "reports:findings": (lambda c: {"code": c["code"]}, V, None, False),
    "reports:findings_pdf": (lambda c: {"code": c["code"]}, V, None, False),
    "reports:findings_xlsx": (lambda c: {"code": c["code"]}, V, None, False),
    # The improvement cycle (improvement/README.md). An action's owner may also move its status
    # whatever their role: tests/improvement/test_views_actions.py checks that.
    "improvement:plan": (lambda c: {"org": c["org"]}, V, None, False),
    "improvement:plan_pdf": (lambda c: {"org": c["org"]}, V, None, False),
    "improvement:plan_xlsx": (lambda c: {"org": c["org"]}, V, None, False),
    "improvement:action_create": (lambda c: {"org": c["org"]}, T, T, False),
    "improvement:action": (lambda c: {"org": c["org"], "action": c["action"]}, V, None, False),
    "improvement:action_edit": (lambda c: {"org": c["org"], "action": c["action"]}, T, T, False),
    "improvement:action_status": (
        lambda c: {"org": c["org"], "action": c["action"]},
        None,
        T,
        False,
    ),
    "improvement:proposals": (lambda c: {"org": c["org"]}, V, V, False),
    "improvement:proposal_triage": (
        lambda c: {"org": c["org"], "pk": c["proposal"]},
        None,
        L,
        False,
    ),
    "improvement:trend": (lambda c: {"org": c["org"]}, V, None, False),
    "improvement:compare": (lambda c: {"code": c["code"]}, V, None, False),
    # Starting the next appraisal reads a final appraisal and never changes it.
    "improvement:next_appraisal": (lambda c: {"code": c["code"]}, L, L, False),
}
# The catalog is the same for every signed-in user: only anonymous access is refused.
CATALOG_URLS = {
    "models_catalog:index": {},
    "models_catalog:constellation": {"slug": "cmmi-svc-draft-2007"},
    "models_catalog:itsm": {"slug": "cmmi-svc-draft-2007"},
    "models_catalog:variant": {"slug": "cmmi-svc-draft-2007", "variant": "cmmi-svc"},
    "models_catalog:process_area": {"slug": "cmmi-svc-draft-2007", "acronym": "IRM"},
    "models_catalog:compare_index": {"slug": "cmmi-svc-draft-2007"},
    # Only the draft is loaded here: any two of its PAs compare.
    "models_catalog:compare": {
        "slug": "cmmi-svc-draft-2007",
        "acronym": "IRM",
        "other": "cmmi-svc-draft-2007",
        "other_acronym": "PRM",
    },
}


def _url_names(patterns, namespace="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_is_in_the_matrix():
    names = {
        n
        for n in _url_names(get_resolver().url_patterns)
        if n.split(":")[0] in ("assessments", "reports", "models_catalog", "improvement")
    }
    assert names - set(MATRIX) - set(CATALOG_URLS) == set()


@pytest.fixture
def context(appraisal, viewer, team_member, lead, org_admin, outsider):
    finding = Finding.objects.create(
        appraisal=appraisal,
        process_area=appraisal.scope_items.first().process_area,
        kind="strength",
        text="Good",
        author=lead,
    )
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member)
    action = ImprovementAction.objects.create(
        organisation=appraisal.organisation, title="Write a policy", owner=team_member
    )
    proposal = ChangeProposal.objects.create(
        organisation=appraisal.organisation,
        title="Weekly reviews",
        text="Review incidents weekly.",
        process_area=appraisal.scope_items.first().process_area,
    )
    return {
        "action": action.code,
        "proposal": proposal.pk,
        "org": appraisal.organisation.slug,
        "code": appraisal.code,
        "instance": appraisal.instances.get(key="desk").pk,
        "finding": finding.pk,
        "member": viewer.memberships.get().pk,
        "users": {V: viewer, T: team_member, L: lead, A: org_admin},
        "outsider": outsider,
        "appraisal": appraisal,
    }


def _allowed(role, least) -> bool:
    return least is not None and ORDER.index(role) >= ORDER.index(least)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_sign_in(client, context, name):
    url = reverse(name, kwargs=MATRIX[name][0](context))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_outsider_gets_404(client, context, name):
    client.force_login(context["outsider"])
    url = reverse(name, kwargs=MATRIX[name][0](context))
    # A URL answers 405 to a method it never takes, before looking anything up: nothing leaks.
    kwargs, get_role, post_role, _ = MATRIX[name]
    assert client.get(url).status_code == (404 if get_role else 405)
    assert client.post(url).status_code == (404 if post_role else 405)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_roles(client, context, name):
    kwargs, get_role, post_role, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs(context))
    for role in ORDER:
        client.force_login(context["users"][role])
        response = client.get(url)
        if get_role is None:
            assert response.status_code == 405, (role, "GET")
        elif _allowed(role, get_role):
            assert response.status_code == 200, (role, "GET")
        else:
            assert response.status_code == 403, (role, "GET")
        if post_role is None:
            assert client.post(url).status_code == 405, (role, "POST")
        elif not _allowed(role, post_role):
            assert client.post(url).status_code == 403, (role, "POST")


@pytest.mark.parametrize("name", sorted(n for n, row in MATRIX.items() if row[3]))
def test_final_appraisal_refuses_every_write(client, context, name):
    appraisal: Appraisal = context["appraisal"]
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.FINAL)
    client.force_login(context["users"][A])
    url = reverse(name, kwargs=MATRIX[name][0](context))
    counts = _counts(appraisal)
    response = client.post(url, {"value": "NI", "version": 1, "kind": "weakness", "text": "x"})
    assert response.status_code == 403
    assert _counts(appraisal) == counts


def _counts(appraisal) -> tuple:
    return (
        appraisal.characterizations.count(),
        list(appraisal.characterizations.values_list("value", "version")),
        appraisal.findings.count(),
        appraisal.instances.count(),
        list(appraisal.scope_items.values_list("applicability", "justification")),
    )


@pytest.mark.parametrize("name", sorted(CATALOG_URLS))
def test_catalog_pages_need_sign_in_only(client, catalog, viewer, outsider, name):
    url = reverse(name, kwargs=CATALOG_URLS[name])
    assert client.get(url).status_code == 302
    for user in (viewer, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 200
