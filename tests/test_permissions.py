"""The permission matrix: every URL × anonymous, each role, an outsider, a final appraisal.

The table below must name every URL of the assessments, evidence, reports and catalog apps: a new
URL that is not added here fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import Appraisal, Finding, Role
from evidence import services as evidence_services
from improvement.models import ChangeProposal, ImprovementAction
from tests.conftest import link_evidence, rate_cell

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
    "assessments:grid_changes": (lambda c: {"code": c["code"], "acronym": "REQM"}, V, None, False),
    "assessments:finding_add": (lambda c: {"code": c["code"], "acronym": "REQM"}, None, T, True),
    "assessments:findings": (lambda c: {"code": c["code"]}, V, None, False),
    "assessments:preliminary": (lambda c: {"code": c["code"]}, V, None, False),
    "assessments:finding_validate": (
        lambda c: {"code": c["code"], "pk": c["finding"]},
        None,
        L,
        True,
    ),
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
    # Evidence library (organisation) and links (appraisal): team members write, viewers read.
    "evidence:library": (lambda c: {"org": c["org"]}, V, None, False),
    "evidence:item_create": (lambda c: {"org": c["org"]}, T, T, False),
    "evidence:item": (lambda c: {"org": c["org"], "item": c["item"]}, V, None, False),
    "evidence:item_edit": (lambda c: {"org": c["org"], "item": c["item"]}, T, T, False),
    "evidence:item_delete": (lambda c: {"org": c["org"], "item": c["item"]}, T, T, False),
    # The appraisal is chosen in the query string: without it the POST is a 404 to everyone
    # allowed; test_bulk_link_refuses_a_final_appraisal covers the lock.
    "evidence:item_links": (lambda c: {"org": c["org"], "item": c["item"]}, None, T, False),
    "evidence:item_file": (lambda c: {"org": c["org"], "item": c["item"]}, V, None, False),
    "evidence:cell": (
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
    "evidence:cell_create": (
        lambda c: {
            "code": c["code"],
            "acronym": "REQM",
            "instance": c["instance"],
            "practice": "SP-1.1",
        },
        None,
        T,
        True,
    ),
    "evidence:piid": (lambda c: {"code": c["code"], "acronym": "REQM"}, V, None, False),
    "evidence:piid_export": (lambda c: {"code": c["code"]}, V, None, False),
    "evidence:piid_import": (lambda c: {"code": c["code"]}, T, T, True),
    "evidence:export_bundle": (lambda c: {"code": c["code"]}, L, None, False),
    "evidence:link_delete": (lambda c: {"code": c["code"], "pk": c["link"]}, None, T, True),
    "reports:findings": (lambda c: {"code": c["code"]}, V, None, False),
    "audit:log": (lambda c: {"org": c["org"]}, A, None, False),
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
        if n.split(":")[0]
        in ("assessments", "reports", "models_catalog", "evidence", "audit", "improvement")
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
    link = link_evidence(appraisal, "desk", "REQM", "SP 1.2", "Procedure", team_member)
    evidence_services.item_update(
        item=link.item, user=team_member, upload=SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%%EOF\n")
    )
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
        "item": link.item.code,
        "link": link.pk,
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
        list(appraisal.findings.values_list("text", "validation")),
        appraisal.instances.count(),
        list(appraisal.scope_items.values_list("applicability", "justification")),
        list(appraisal.evidence_links.values_list("pk", "item_id")),
    )


@pytest.mark.parametrize("name", sorted(CATALOG_URLS))
def test_catalog_pages_need_sign_in_only(client, catalog, viewer, outsider, name):
    url = reverse(name, kwargs=CATALOG_URLS[name])
    assert client.get(url).status_code == 302
    for user in (viewer, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 200


# URLs outside the apps' namespaces, with their kwargs and whether they take GET and POST.
# The admin is Django's own and answers for its methods itself.
OTHER_URLS: dict[str, tuple[dict, bool, bool]] = {
    "home": ({}, True, False),
    "login": ({}, True, True),
    "logout": ({}, False, True),
}


def _all_url_names(patterns, namespace="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _all_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _walk_table(context) -> dict[str, tuple[str, bool, bool]]:
    """Every named URL but the admin's -> (url, takes GET, takes POST)."""
    table = {}
    for name in sorted(_all_url_names(get_resolver().url_patterns)):
        if name.startswith("admin:"):
            continue
        if name in MATRIX:
            kwargs, get_role, post_role, _ = MATRIX[name]
            table[name] = (reverse(name, kwargs=kwargs(context)), bool(get_role), bool(post_role))
        elif name in CATALOG_URLS:
            table[name] = (reverse(name, kwargs=CATALOG_URLS[name]), True, False)
        elif name in OTHER_URLS:
            kwargs, takes_get, takes_post = OTHER_URLS[name]
            table[name] = (reverse(name, kwargs=kwargs), takes_get, takes_post)
        else:
            pytest.fail(f"{name} is in no table of tests/test_permissions.py: add it")
    return table


def test_every_url_answers_405_to_the_methods_it_does_not_take(client, context, catalog):
    """Issue 13, point 7: PUT, DELETE and PATCH everywhere, POST on read-only pages, GET on
    actions; as an org admin, so a role never hides a method that would be accepted."""
    client.force_login(context["users"][A])
    wrong = []
    for name, (url, takes_get, takes_post) in _walk_table(context).items():
        methods = ["put", "delete", "patch"]
        methods += [] if takes_post else ["post"]
        methods += [] if takes_get else ["get"]
        for method in methods:
            status = getattr(client, method)(url).status_code
            if status != 405:
                wrong.append(f"{method.upper()} {name} -> {status}")
    assert wrong == []
