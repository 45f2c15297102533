"""Cached results (issue 12, point 2): every kind of write invalidates them, no process serves a
stale result, a catalog change gives new results, and a warm cache costs no extra query."""

from __future__ import annotations

import dataclasses
import io
import pickle
import re

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from assessments import finding_services, rating, results_cache, revision, services
from assessments.engine_input import load_appraisal_state, load_catalog
from assessments.models import Appraisal, Finding, ScopeItem
from evidence import piid
from evidence import services as evidence_services
from evidence.models import EvidenceItem, EvidenceLink
from tests.assessments.test_scenarios import ML2, make_appraisal, rate
from tests.conftest import link_evidence, rate_cell

TOKEN = re.compile(r"[A-Za-z0-9]{64}")


@pytest.fixture
def ranged(org, base_variant, team_member):
    """Staged ML2 (SAM not applicable), v1.2 evidence, advisory coverage: CM SP 2.1 a pending
    range, REQM SG 1 a goal to review, REQM SP 1.1 at desk covered by a direct artifact and an
    indirect one, the rest uncovered."""
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    Appraisal.objects.filter(pk=appraisal.pk).update(
        evidence_model="v1.2", coverage_policy="advisory"
    )
    appraisal.refresh_from_db()
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    rate(appraisal, "CM", "PI", only=("SP 2.1",), instances=("hosting",))
    rate(appraisal, "REQM", "LI", only=("SP 1.1",))
    link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA register", team_member, pii="direct")
    link_evidence(appraisal, "desk", "REQM", "SP 1.1", "Minutes", team_member, pii="indirect")
    return Appraisal.objects.get(pk=appraisal.pk)


def fresh(appraisal: Appraisal) -> Appraisal:
    """The appraisal as the next request reads it."""
    return Appraisal.objects.get(pk=appraisal.pk)


def uncached(appraisal: Appraisal) -> dict:
    """The results rated from the database now, the cache left out."""
    state = load_appraisal_state(fresh(appraisal))
    return rating.rate(state.catalog.model_spec(), state.engine_input).to_dict()


def page(client, appraisal) -> str:
    response = client.get(f"/a/{appraisal.code}/results/")
    assert response.status_code == 200
    return TOKEN.sub("<token>", response.content.decode())


def entry(appraisal: Appraisal):
    appraisal = fresh(appraisal)
    spec = load_catalog(appraisal.variant).model_spec()
    digest = results_cache.catalog_digest(spec)
    return cache.get(results_cache.key(appraisal.pk, appraisal.revision, digest))


# --- Every kind of write ------------------------------------------------------------------------


def _catalog(a):
    return load_catalog(a.variant)


def cell(a, u):
    rate_cell(a, "desk", "CM", "SP 1.1", "NI", u)


def practice_judgment(a, u):
    c = _catalog(a)
    services.practice_judgment_set(
        appraisal=a,
        process_area=c.process_areas["CM"],
        practice=c.practice("CM", "SP 2.1"),
        value="PI",
        rationale="Hosting lags behind.",
        user=u,
        expected_version=0,
    )


def goal_judgment(a, u):
    c = _catalog(a)
    services.goal_judgment_set(
        appraisal=a,
        process_area=c.process_areas["REQM"],
        goal=c.goal("REQM", "SG 1"),
        rating="unsatisfied",
        rationale="Weak.",
        user=u,
        expected_version=0,
    )


def scope(a, u):
    item = a.scope_items.get(process_area__acronym="SAM")
    services.scope_item_update(
        item=item, applicability=ScopeItem.Applicability.APPLICABLE, justification="", user=u
    )


def appraisal_edit(a, u):
    services.appraisal_update(appraisal=a, user=u, target_maturity_level=3)


def instance_add(a, u):
    services.instance_save(
        appraisal=a,
        key="branch",
        name="Branch office",
        kind="service",
        process_areas=[_catalog(a).process_areas["CM"]],
        user=u,
    )


def instance_edit(a, u):
    instance = a.instances.get(key="hosting")
    services.instance_save(
        appraisal=a,
        key="hosting",
        name="Hosting",
        kind="service",
        process_areas=[_catalog(a).process_areas["CM"]],
        instance=instance,
        user=u,
    )


def instance_delete(a, u):
    services.instance_delete(instance=a.instances.get(key="hosting"), user=u)


def finding(a, u):
    finding_services.finding_create(
        appraisal=a,
        process_area=_catalog(a).process_areas["CM"],
        kind=Finding.Kind.WEAKNESS,
        text="Baselines are not audited.",
        user=u,
    )


def evidence_link(a, u):
    # Hosting's PI needs any item under v1.2: this one covers it.
    link_evidence(a, "hosting", "CM", "SP 2.1", "Baseline audit", u, pii="direct")


def evidence_bulk_link(a, u):
    c = _catalog(a)
    item, _ = evidence_services.item_for_title(
        organisation=a.organisation, kind="affirmation", title="Interview: CM", user=u
    )
    evidence_services.links_bulk_add(
        appraisal=a,
        item=item,
        process_area=c.process_areas["CM"],
        practices=[c.practice("CM", "SP 2.1")],
        instances=list(a.instances.all()),
        user=u,
    )


def evidence_unlink(a, u):
    evidence_services.link_delete(link=EvidenceLink.objects.get(item__title="Minutes"), user=u)


def item_kind(a, u):
    item = EvidenceItem.objects.get(title="SLA register")
    evidence_services.item_update(item=item, user=u, kind="affirmation")


def item_delete(a, u):
    evidence_services.item_delete(item=EvidenceItem.objects.get(title="Minutes"), user=u)


def status(a, u):
    services.appraisal_set_status(appraisal=a, status="planning", user=u)


def piid_import(a, u):
    wb = load_workbook(io.BytesIO(piid.export_workbook(a)))
    sheet = wb["REQM"]
    sheet.cell(piid.HEADER_ROW + 2, 8).value = "NI"  # SP 1.2, hosting's value
    out = io.BytesIO()
    wb.save(out)
    assert piid.import_workbook(a, io.BytesIO(out.getvalue()), user=u) == 1


# (write, whether the engine's results change)
WRITES = [
    (cell, True),
    (practice_judgment, True),
    (goal_judgment, True),
    (scope, True),
    (appraisal_edit, True),
    (instance_add, True),
    (instance_edit, True),
    (instance_delete, True),
    (finding, False),
    (evidence_link, True),
    (evidence_bulk_link, True),
    (evidence_unlink, True),
    (item_kind, True),
    (item_delete, True),
    (status, False),
    (piid_import, True),
]


@pytest.mark.parametrize(("write", "changes"), WRITES, ids=[w.__name__ for w, _ in WRITES])
def test_every_write_raises_the_revision_and_the_page_shows_the_new_results(
    client, ranged, lead, write, changes
):
    client.force_login(lead)
    page(client, ranged)
    assert entry(ranged) is not None  # the page stored its results: the next read is a hit
    before_revision = fresh(ranged).revision
    before = uncached(ranged)

    write(fresh(ranged), lead)

    assert fresh(ranged).revision > before_revision
    shown = page(client, ranged)
    after = uncached(ranged)
    if changes:
        assert after != before  # the write matters to the results, so staleness would show
    assert load_appraisal_state(fresh(ranged)).results.to_dict() == after
    assert entry(ranged).results.to_dict() == after
    cache.clear()
    assert page(client, ranged) == shown  # the page as rated from scratch


# --- Several processes --------------------------------------------------------------------------


def _redis_cache():
    from django.core.cache.backends.redis import RedisCache

    url = "redis://127.0.0.1:6379/13"
    backend = RedisCache(url, {"KEY_PREFIX": f"cmmisvc-test-{id(object())}"})
    try:
        backend.get("ping")
    except Exception:
        pytest.skip(f"no Redis at {url}")
    return backend, lambda: RedisCache(url, {"KEY_PREFIX": backend.key_prefix})


def _locmem_cache():
    """Two processes each with a cache of their own."""
    return LocMemCache("process-a", {}), lambda: LocMemCache("process-b", {})


@pytest.mark.parametrize("kind", ["redis", "locmem"])
def test_a_second_process_never_serves_stale_results(client, ranged, lead, monkeypatch, kind):
    process_a, connect_b = _redis_cache() if kind == "redis" else _locmem_cache()
    process_b = connect_b()
    try:
        # B rates the appraisal first and keeps the entry; A then reads it and writes.
        monkeypatch.setattr(results_cache, "cache", process_b)
        before = load_appraisal_state(fresh(ranged)).results.to_dict()
        monkeypatch.setattr(results_cache, "cache", process_a)
        load_appraisal_state(fresh(ranged))
        cell(fresh(ranged), lead)
        revision._forget_writes()  # the next request
        after = load_appraisal_state(fresh(ranged)).results.to_dict()
        assert after != before
        # B, a new connection to its cache (and for Redis: A's entries), reads the new state.
        monkeypatch.setattr(results_cache, "cache", connect_b())
        assert load_appraisal_state(fresh(ranged)).results.to_dict() == after == uncached(ranged)
    finally:
        process_a.clear()


def test_a_write_that_rolls_back_leaves_no_entry_under_its_revision(ranged, lead):
    """A conflict after `begin_write` rolls back, but the object keeps the raised revision: the
    redraw from that object must not store the old results under it."""
    appraisal = fresh(ranged)
    practice_judgment(appraisal, lead)
    revision._forget_writes()
    appraisal = fresh(ranged)
    with pytest.raises(services.Conflict):
        practice_judgment(appraisal, lead)  # expected_version 0, but it is 1 now
    load_appraisal_state(appraisal)  # the view's redraw of the conflict
    assert entry(appraisal) is None
    revision._forget_writes()
    goal_judgment(fresh(ranged), lead)  # commits the revision the rollback had shown
    revision._forget_writes()
    assert load_appraisal_state(fresh(ranged)).results.to_dict() == uncached(ranged)


def test_no_entry_while_a_write_of_this_thread_is_open(
    org, base_variant, ranged, django_capture_on_commit_callbacks
):
    """A read inside a write's transaction (one that raised a revision) neither reads nor stores
    an entry, whichever appraisal it reads: the write may roll back or go on. After the commit,
    reads are cached again; after a rollback, not before the next request."""
    other = make_appraisal(org, base_variant, target=2)
    revision._forget_writes()  # the next request
    assert not revision.write_open()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        revision.begin_write(other)
        load_appraisal_state(fresh(ranged))
        assert revision.write_open() and entry(ranged) is None
    assert not revision.write_open()
    load_appraisal_state(fresh(ranged))
    assert entry(ranged) is not None
    cache.clear()
    with pytest.raises(services.Conflict), transaction.atomic():
        revision.begin_write(other)
        raise services.Conflict(None)  # the write gives up: its transaction rolls back
    load_appraisal_state(fresh(ranged))
    assert revision.write_open() and entry(ranged) is None
    revision._forget_writes()
    with transaction.atomic():  # an application transaction that writes nothing
        load_appraisal_state(fresh(ranged))
    assert entry(ranged) is not None


def test_a_new_appraisal_is_not_cached(org, base_variant):
    """Revision 0: created, never written. Its creating transaction raised no revision, and on
    SQLite a rolled-back appraisal's pk comes back."""
    appraisal = services.appraisal_create(
        organisation=org,
        name="New",
        variant=base_variant,
        representation="staged",
        target_maturity_level=2,
    )
    revision._forget_writes()
    assert fresh(appraisal).revision == 0
    load_appraisal_state(fresh(appraisal))
    assert entry(appraisal) is None


def test_a_changed_catalog_is_rated_afresh(ranged):
    load_appraisal_state(fresh(ranged))
    # A copy: load_catalog's object is shared by the process and must not be changed.
    shared = load_catalog(ranged.variant)
    catalog = dataclasses.replace(shared, process_areas=dict(shared.process_areas), _specs={})
    del catalog.process_areas["CM"]  # as if the catalog were reloaded without it
    results = load_appraisal_state(fresh(ranged), catalog=catalog).results
    assert "CM" not in results.process_areas
    assert "CM" in load_appraisal_state(fresh(ranged)).results.process_areas


def test_a_cache_outage_rates_without_it(client, ranged, lead, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(results_cache.cache, "get", down)
    client.force_login(lead)
    assert "CM" in page(client, ranged)


def test_a_warm_cache_reads_no_cell_and_no_evidence_link(client, ranged, lead):
    client.force_login(lead)
    url = f"/a/{ranged.code}/results/"
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert entry(ranged) is not None
    # Pinned: the session and the catalog come from caches, the rest is the page's own reads;
    # a hit skips the two reads the entry was computed from (values, links).
    assert len(cold) == 14
    assert len(warm) == 12
    read = " ".join(query["sql"] for query in warm.captured_queries)
    assert '"assessments_characterization"' not in read
    assert '"evidence_evidencelink"' not in read


def test_the_inputs_of_a_cached_state_are_read_when_asked(ranged):
    revision._forget_writes()  # the next request
    rated = load_appraisal_state(fresh(ranged))
    cached = load_appraisal_state(fresh(ranged))
    with CaptureQueriesContext(connection) as asked:
        assert cached.values == rated.values
        assert cached.evidence_counts == rated.evidence_counts
        assert cached.engine_input == rated.engine_input
    assert len(asked) == 2
    assert entry(ranged) is not None
    assert cached.indicators == rated.indicators
    assert cached.results.to_dict() == rated.results.to_dict()


def test_an_entry_pickles_whole_with_its_uncovered_cells_grouped(ranged):
    state = load_appraisal_state(fresh(ranged))
    rated = results_cache.Rated(state.results, state.indicators)
    assert len(state.results.uncovered) > 1
    again = pickle.loads(pickle.dumps(rated, pickle.HIGHEST_PROTOCOL))
    assert again == rated
    assert again.results.uncovered == state.results.uncovered  # same cells, same order
    assert type(again.results.uncovered[0]) is type(state.results.uncovered[0])
