"""The engine's results of an appraisal, cached under its revision (issue 12, point 2).

`load_appraisal_state` asks `rated()` for a `Rated` entry instead of calling the engine: results,
overview, reports and exports then share one rating per revision, across processes when the cache
is Redis (settings.CACHES). The entry also holds the coverage indicators, the other thing computed
from the cell values and evidence links, so that a page served from the cache reads neither. The
key holds

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import groupby, repeat
from operator import attrgetter
from typing import TypeVar

from django.core.cache import cache

from assessments import coverage, rating
from assessments.models import Appraisal
from assessments.revision import write_open, written_in_this_request

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Bump when the cached value's shape changes (`Rated`, rating.Results), so old entries are never
# read.
VERSION = 2

# (PA, practice, instance keys): the uncovered cells of one practice.
_Packed = tuple[tuple[str, str, tuple[str, ...]], ...]
_practice_of = attrgetter("process_area", "practice")
_instance_of = attrgetter("instance")


@dataclass(frozen=True)
class Rated:
    """What the cache holds for one revision: the engine's results and the coverage indicators
    (DESIGN §4.9) of the PAs in scope."""

    results: rating.Results
    indicators: coverage.Indicators

    def __reduce__(self):
        # Pickled (every cache backend pickles) with the uncovered cells grouped by practice: an
        # appraisal without evidence yet has one per rated cell (11,606 in the benchmark), and as
        # named tuples they were most of the entry's size and of its (un)pickling time.
        results = replace(self.results, uncovered=[])
        return (_unpack, (results, _pack(self.results.uncovered), self.indicators))


def _pack(cells: Iterable[coverage.UncoveredCell]) -> _Packed:
    return tuple(
        (acronym, code, tuple(map(_instance_of, group)))
        for (acronym, code), group in groupby(cells, key=_practice_of)
    )


def _unpack(results: rating.Results, packed: _Packed, indicators: coverage.Indicators) -> Rated:
    """The entry as it was pickled: the same cells in the same order."""
    cells: list[coverage.UncoveredCell] = []
    for acronym, code, keys in packed:
        cells.extend(map(coverage.uncovered_cell, repeat(acronym), repeat(code), keys))
    return Rated(replace(results, uncovered=cells), indicators)


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


def cache_get(entry: str):
    """The cached value, or None when there is none or the cache cannot be reached: a cache
    outage must not take the pages down with it, they compute instead."""
    try:
        return cache.get(entry)
    except Exception:
        logger.warning("cache unavailable; %s computed without it", entry, exc_info=True)
        return None


def cache_set(entry: str, value) -> None:
    try:
        cache.set(entry, value)
    except Exception:
        logger.warning("cache unavailable; %s not stored", entry, exc_info=True)


def rated(appraisal: Appraisal, spec: rating.ModelSpec, compute: Callable[[], T]) -> T:
    """The cached value for this appraisal's revision and catalog, else `compute()`, stored.
    Bypassed where the module docstring says."""
    if bypassed(appraisal):
        return compute()
    entry = key(appraisal.pk, appraisal.revision, catalog_digest(spec))
    value = cache_get(entry)
    if value is None:
        value = compute()
        cache_set(entry, value)
    return value
