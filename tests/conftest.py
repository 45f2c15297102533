"""Shared fixtures: the draft catalog, an organisation with a member per role, an outsider."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, settings

from assessments.models import Role
from models_catalog.models import Constellation, ModelVariant
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

# Two cores shared by several test processes: generation speed and per-example time depend on
# the machine's load, not on the code under test, so neither may fail a property test.
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("shared-machine")

PASSWORD = "correct horse battery staple"


_SNAPSHOTS: dict[tuple[str, ...], list] = {}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache and no catalog kept in process: rolled-back tests
    reuse primary keys on SQLite, so an entry of an earlier test could match this one's."""
    from django.core.cache import cache

    from assessments import revision
    from models_catalog.catalog import forget_catalogs

    cache.clear()
    revision._forget_writes()
    # Tests recreate the catalog with the same primary keys (load_fixtures bulk-inserts, which
    # sends no signal): no catalog built by an earlier test may be served to this one.
    forget_catalogs()
    yield


def load_fixtures(*names: str) -> None:
    """Load catalog fixtures; from the second time in a session, by bulk insert of a snapshot.

    `loaddata` resolves natural keys with about 1,800 queries per constellation; copying the
    rows it produced the first time takes a dozen, which keeps the suite fast.
    """
    from django.apps import apps

    models = list(apps.get_app_config("models_catalog").get_models())
    empty = not any(m.objects.exists() for m in models)
    if not empty or names not in _SNAPSHOTS:
        call_command("loaddata", *names, verbosity=0)
        if empty:
            snapshot = []
            for model in models:
                snapshot.append((model, list(model._base_manager.values())))
                for field in model._meta.many_to_many:
                    through = field.remote_field.through
                    snapshot.append((through, list(through.objects.values())))
            _SNAPSHOTS[names] = snapshot
        return
    for model, rows in _SNAPSHOTS[names]:
        model._base_manager.bulk_create([model(**row) for row in rows])


@pytest.fixture
def catalog(db) -> Constellation:
    load_fixtures("cmmi_svc_draft_2007")
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


@pytest.fixture
def appraisal(org, base_variant, lead):
    """A staged ML2 appraisal of the base model with two instances covering every PA in scope."""
    from assessments import services
    from assessments.engine_input import load_appraisal_state

    appraisal = services.appraisal_create(
        organisation=org,
        name="2026 self-assessment",
        variant=base_variant,
        representation="staged",
        target_maturity_level=2,
        status="rating",
        user=lead,
    )
    state = load_appraisal_state(appraisal)
    pas = [state.catalog.process_areas[acr] for acr in state.in_scope]
    services.instance_save(
        appraisal=appraisal, key="desk", name="Service desk", kind="service", process_areas=pas
    )
    services.instance_save(
        appraisal=appraisal, key="hosting", name="Hosting", kind="service", process_areas=pas
    )
    return appraisal


def rate_cell(appraisal, instance_key, acronym, code, value, user, **fields):
    """Save one grid cell through the service, whatever its current version."""
    from assessments import services
    from assessments.engine_input import load_catalog
    from assessments.models import Characterization

    catalog = load_catalog(appraisal.variant)
    instance = appraisal.instances.get(key=instance_key)
    practice = catalog.practice(acronym, code)
    pa = catalog.process_areas[acronym]
    kind = "specific_practice" if code.startswith("SP") else "generic_practice"
    current = Characterization.objects.filter(
        sampled_instance=instance, process_area=pa, **{kind: practice}
    ).first()
    return services.characterization_set(
        appraisal=appraisal,
        instance=instance,
        process_area=pa,
        practice=practice,
        expected_version=current.version if current else 0,
        user=user,
        value=value,
        **fields,
    )


def link_evidence(appraisal, instance_key, acronym, code, title, user, kind="artifact", pii=""):
    """Link a library item (created when new) to one grid cell through the services."""
    from assessments.engine_input import load_catalog
    from evidence import services as evidence_services

    catalog = load_catalog(appraisal.variant)
    item, _ = evidence_services.item_for_title(
        organisation=appraisal.organisation, kind=kind, title=title, user=user
    )
    return evidence_services.link_add(
        appraisal=appraisal,
        item=item,
        instance=appraisal.instances.get(key=instance_key),
        process_area=catalog.process_areas[acronym],
        practice=catalog.practice(acronym, code),
        pii=pii,
        user=user,
    )
