"""The organisation keeps an org admin, also when two admins act at once (issue 13, point 1)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks need PostgreSQL"
)


def _admin(org, username: str):
    return MembershipFactory(
        organisation=org, role=Role.ORG_ADMIN, user=UserFactory(username=username)
    )


def test_an_admin_demoted_meanwhile_can_no_longer_change_roles(org):
    ada, bob = _admin(org, "ada"), _admin(org, "bob")
    services.membership_set(organisation=org, user=ada.user, role=Role.VIEWER, actor=bob.user)
    # ada's request passed its role check before bob's change committed.
    with pytest.raises(ValidationError) as caught:
        services.membership_set(organisation=org, user=bob.user, role=Role.VIEWER, actor=ada.user)
    assert caught.value.messages == [
        "Your role in Acme IT Services changed meanwhile: you are no longer an org admin."
    ]
    with pytest.raises(ValidationError):
        services.membership_delete(membership=bob, actor=ada.user)
    assert Membership.objects.filter(organisation=org, role=Role.ORG_ADMIN).get() == bob


def test_the_last_admin_cannot_be_demoted_or_removed(org):
    ada = _admin(org, "ada")
    with pytest.raises(ValidationError, match="at least one org admin"):
        services.membership_set(organisation=org, user=ada.user, role=Role.VIEWER, actor=ada.user)
    with pytest.raises(ValidationError, match="at least one org admin"):
        services.membership_delete(membership=ada, actor=ada.user)
    ada.refresh_from_db()
    assert ada.role == Role.ORG_ADMIN


def test_a_role_change_is_kept_in_history_with_who(org):
    ada, bob = _admin(org, "ada"), _admin(org, "bob")
    services.membership_set(organisation=org, user=bob.user, role=Role.VIEWER, actor=ada.user)
    latest = bob.history.order_by("-history_id").first()
    assert (latest.role, latest.history_user) == (Role.VIEWER, ada.user)


def test_the_members_page_shows_a_refused_add_as_an_error(client, org, monkeypatch):
    ada = _admin(org, "ada")
    client.force_login(ada.user)

    def refuse(**kwargs):
        raise ValidationError("Refused for a reason.")

    monkeypatch.setattr(services, "membership_set", refuse)
    response = client.post(
        reverse("assessments:members", args=[org.slug]),
        {
            "username": "nina",
            "email": "n@example.org",
            "password": "a-long-pass-9x",
            "role": "viewer",
        },
    )
    assert response.status_code == 400
    assert "Refused for a reason." in response.content.decode()


def _at_once(requests: list[tuple]) -> list[int]:
    """Send each (user, path, data) POST from its own thread and connection at one moment."""
    barrier = threading.Barrier(len(requests))
    statuses = [0] * len(requests)

    def run(i: int) -> None:
        user, path, data = requests[i]
        client = Client(raise_request_exception=False)
        client.force_login(user)
        try:
            barrier.wait()
            statuses[i] = client.post(path, data).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["demote", "remove", "mixed"])
def test_two_admins_acting_on_each_other_at_once_leave_one_admin(org, action):
    for trial in range(10):
        ada, bob = _admin(org, f"ada{trial}"), _admin(org, f"bob{trial}")

        def post(actor, target, kind):
            if kind == "demote":
                path = reverse("assessments:member_role", args=[org.slug, target.pk])
                return (actor.user, path, {"role": Role.LEAD_APPRAISER})
            path = reverse("assessments:member_remove", args=[org.slug, target.pk])
            return (actor.user, path, {})

        kinds = {"demote": ("demote",) * 2, "remove": ("remove",) * 2}.get(
            action, ("demote", "remove")
        )
        statuses = _at_once([post(ada, bob, kinds[0]), post(bob, ada, kinds[1])])
        # A refused change redirects with its reason (302). When the other request commits
        # before this one is even checked, its actor has already lost the role: a demoted
        # admin is refused the page (403), a removed one is no member any more (404, as anyone
        # outside the organisation). Both were sent at once, so either order may happen.
        lost = {"demote": 403, "remove": 404}
        allowed = [{302, lost[other]} for other in kinds[::-1]]
        assert all(s in ok for s, ok in zip(statuses, allowed, strict=True)), statuses
        assert 302 in statuses, statuses
        admins = Membership.objects.filter(organisation=org, role=Role.ORG_ADMIN)
        assert admins.count() == 1, f"trial {trial}: {admins.count()} admins"
        Membership.objects.filter(organisation=org).delete()
