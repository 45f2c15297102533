"""The engine's results of an appraisal, cached under its revision (issue 12, point 2).

`load_appraisal_state` asks `rated()` for the results instead of calling the engine: results,
overview, reports and exports then share one rating per revision, across processes when the cache
is Redis (settings.CACHES). The key holds

- the appraisal's pk and its `revision`, which every write raises in its own transaction
  (assessments/revision.py), so a write makes every older entry unreachable;
- a digest of the catalog's model spec, the engine's only other input: a catalog reloaded or
  edited in the admin gives new keys without any bookkeeping. It costs about a millisecond
  because the catalog is read anyway.

The revision is the one the request read with the appraisal, before the data: no extra query,
and the data read after it is at least that revision, so an entry never holds older results than
its key says. (A write committing while a page reads may make that page's entry hold the newer
state; only requests that read the appraisal before that commit can see the entry.) The cache is
bypassed, neither read nor written,

- for an appraisal this request has written (`revision.written_in_this_request`): the write may
  have rolled back after raising the in-memory revision, or the view may redraw from an object
  read before the write;
- while a write of this thread is open (`revision.write_open`: a transaction that raised a
  revision and has not committed): it may roll back or go on writing after the results were
  computed. A transaction that raised no revision has written no rows the results read
  (`begin_write` is the first statement of every write), so its reads are of committed data;
- for a new appraisal (revision 0): the transaction creating it raises no revision, and on
  SQLite a rolled-back appraisal's pk is used again.

A cache that cannot be reached is not an error: the results are computed as without a cache.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from assessments import rating
from assessments.models import Appraisal
from assessments.revision import write_open, written_in_this_request

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Bump when the cached value's shape changes (rating.Results), so old entries are never read.
VERSION = 1


def catalog_digest(spec: rating.ModelSpec) -> str:
    """A short digest of the model spec: equal specs give equal digests in every process."""
    # repr of frozen dataclasses of tuples, strings and ints: deterministic, no set ordering.
    return hashlib.blake2b(repr(spec).encode(), digest_size=10).hexdigest()


def key(appraisal_pk: int, revision: int, digest: str) -> str:
    return f"rated:v{VERSION}:{appraisal_pk}:{revision}:{digest}"


def bypassed(appraisal: Appraisal, *, saved: bool = False) -> bool:
    """Whether caches keyed by the appraisal's revision must be neither read nor written now:
    where the module docstring says, from explicit markers of the application's own writes (a
    test case's wrapping transaction is no write: it is none in production). `saved`: the
    caller's own write to it committed, with a revision it knows, so that write alone is no
    reason."""
    return (
        not appraisal.revision
        or write_open()
        or (not saved and written_in_this_request(appraisal.pk))
    )


def rated(appraisal: Appraisal, spec: rating.ModelSpec, compute: Callable[[], T]) -> T:
    """The cached value for this appraisal's revision and catalog, else `compute()`, stored.
    Bypassed where the module docstring says."""
    if bypassed(appraisal):
        return compute()
    entry = key(appraisal.pk, appraisal.revision, catalog_digest(spec))
    try:
        value = cache.get(entry)
    except Exception:  # a cache outage must not take the pages down with it
        logger.warning("results cache unavailable; rating without it", exc_info=True)
        return compute()
    if value is not None:
        return value
    value = compute()
    try:
        cache.set(entry, value)
    except Exception:
        logger.warning("results cache unavailable; result not stored", exc_info=True)
    return value
