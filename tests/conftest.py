"""Shared fixtures: the draft catalog, an organisation with a member per role, an outsider."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from assessments.models import Role
from models_catalog.models import Constellation, ModelVariant
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def catalog(db) -> Constellation:
    call_command("loaddata", "cmmi_svc_draft_2007", verbosity=0)
    return Constellation.objects.get(slug="cmmi-svc-draft-2007")


@pytest.fixture
def base_variant(catalog) -> ModelVariant:
    return ModelVariant.objects.get(constellation=catalog, name="CMMI-SVC")


@pytest.fixture
def full_variant(catalog) -> ModelVariant:
    return ModelVariant.objects.get(constellation=catalog, name="CMMI-SVC+OSM+SCON+SSD")


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Acme IT Services", slug="acme")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Globex Hosting", slug="globex")


def _member(org, role, username):
    return MembershipFactory(organisation=org, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def viewer(org):
    return _member(org, Role.VIEWER, "vera")


@pytest.fixture
def team_member(org):
    return _member(org, Role.TEAM_MEMBER, "tom")


@pytest.fixture
def lead(org):
    return _member(org, Role.LEAD_APPRAISER, "lea")


@pytest.fixture
def org_admin(org):
    return _member(org, Role.ORG_ADMIN, "ada")


@pytest.fixture
def outsider(other_org):
    """A lead appraiser of another organisation: sees nothing of `org`."""
    return _member(other_org, Role.ORG_ADMIN, "oscar")
