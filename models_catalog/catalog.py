"""The read model of a model variant's catalog: the one place that decides which process areas,
goals and practices a variant includes (`ModelVariant.includes`, DESIGN §2).

Every caller asks here: the rating engine's adapter (`assessments.engine_input`), the importer
(`assessments.exchange`), the services that check "the variant includes this PA"
(`assessments.validators`) and the catalog pages (`models_catalog.selectors`). Which of the
included PAs and practices an appraisal *requires* (its target) is the engine's rule
(`assessments.rating.rules.scope_rating`), read from its results.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch

from assessments import rating
from models_catalog.models import (
    GenericGoal,
    GenericPractice,
    ModelVariant,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)


def variant_process_areas(variant: ModelVariant, *, goals: bool = True) -> list[ProcessArea]:
    """The variant's PAs (core plus its additions) by acronym, each with `variant_goals`: only
    the goals the variant has, with their practices.

    Three queries (PAs with constellation, category and level; goals; practices); one with
    `goals=False`, which leaves `variant_goals` unset.
    """
    queryset = (
        ProcessArea.objects.filter(constellation=variant.constellation)
        .select_related("constellation", "category", "maturity_level")
        .order_by("acronym")
    )
    if goals:
        queryset = queryset.prefetch_related(
            Prefetch(
                "goals",
                queryset=SpecificGoal.objects.order_by("number").prefetch_related(
                    Prefetch("practices", queryset=SpecificPractice.objects.order_by("number"))
                ),
            )
        )
    result = []
    for pa in queryset:
        if not variant.includes(pa.addition):
            continue
        if goals:
            pa.variant_goals = [g for g in pa.goals.all() if variant.includes(g.addition)]
        result.append(pa)
    return result


@dataclass
class Catalog:
    """The variant's catalog objects, looked up by acronym and code."""

    variant: ModelVariant
    process_areas: dict[str, ProcessArea]  # acronym -> PA with `.variant_goals`
    generic_goals: list[GenericGoal]
    maturity_levels: tuple[int, ...]
    capability_levels: tuple[int, ...]
    specific_practices: dict[tuple[str, str], SpecificPractice] = field(default_factory=dict)
    generic_practices: dict[str, GenericPractice] = field(default_factory=dict)
    goals: dict[tuple[str, str], SpecificGoal | GenericGoal] = field(default_factory=dict)
    maturity_level_names: dict[int, str] = field(default_factory=dict)  # 2 -> "Managed"
    # The catalog generation it was built under (load_catalog), None when built outside the
    # shared cache: caches of data derived from the catalog key on it.
    generation: str | None = field(default=None, compare=False)
    # model_spec(only=...) by acronym: a cell save asks for every PA's (its required practices).
    _specs: dict[str, rating.ModelSpec] = field(default_factory=dict, repr=False)

    @property
    def pas(self) -> dict[str, ProcessArea]:
        """The variant's PAs by acronym: `acronym in catalog.pas` is "the variant includes it"."""
        return self.process_areas

    @property
    def max_maturity_level(self) -> int:
        return max(self.maturity_levels, default=5)

    @property
    def max_capability_level(self) -> int:
        return self.variant.constellation.max_capability_level

    def practice(self, acronym: str, code: str) -> SpecificPractice | GenericPractice | None:
        if code.startswith("GP"):
            return self.generic_practices.get(code)
        return self.specific_practices.get((acronym, code))

    def code_in(self, process_area: ProcessArea, practice) -> str:
        """The code of a practice object as a practice of this PA in the variant, else ""."""
        if self.process_areas.get(process_area.acronym) != process_area:
            return ""
        code = practice.code
        return code if self.practice(process_area.acronym, code) == practice else ""

    def goal(self, acronym: str, code: str) -> SpecificGoal | GenericGoal | None:
        if code.startswith("GG"):
            return self.goals.get(("", code))
        return self.goals.get((acronym, code))

    def pa_spec(self, pa: ProcessArea) -> rating.ProcessAreaSpec:
        return rating.ProcessAreaSpec(
            acronym=pa.acronym,
            maturity_level=pa.maturity_level.number,
            specific_goals=tuple(
                rating.GoalSpec(
                    code=goal.code,
                    practices=tuple(sp.code for sp in goal.practices.all()),
                )
                for goal in pa.variant_goals
            ),
        )

    def generic_goal_specs(self) -> tuple[rating.GenericGoalSpec, ...]:
        return tuple(
            rating.GenericGoalSpec(
                code=gg.code,
                capability_level=gg.capability_level.number,
                practices=tuple(gp.code for gp in gg.practices.all()),
            )
            for gg in self.generic_goals
        )

    def model_spec(self, only: str | None = None) -> rating.ModelSpec:
        """The engine's model; `only` an acronym: that PA alone, for `rating.rate_process_area`."""
        if only is None:
            return self._model_spec(None)
        if only not in self._specs:
            self._specs[only] = self._model_spec(only)
        return self._specs[only]

    def _model_spec(self, only: str | None) -> rating.ModelSpec:
        return rating.ModelSpec(
            process_areas=tuple(
                self.pa_spec(pa)
                for pa in self.process_areas.values()
                if only is None or pa.acronym == only
            ),
            generic_goals=self.generic_goal_specs(),
            maturity_levels=self.maturity_levels,
            capability_levels=self.capability_levels,
        )


logger = logging.getLogger(__name__)

# The catalog changes only by loaddata or the admin, yet every page of an appraisal reads it: each
# process keeps the catalogs it built, under a generation token held in the shared cache (Redis
# when REDIS_URL is set, so every app server sees a change made through any of them).
GENERATION_KEY = "catalog-generation"
_built: dict[tuple[str, int], Catalog] = {}  # (generation, variant pk) -> catalog


def catalog_generation() -> str | None:
    """The current generation token; a new one when the cache has none (first use, eviction, a
    flushed Redis), so that nothing built before can match. None when the cache cannot be
    reached: then nothing is kept."""
    try:
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
        return generation
    except Exception:  # a cache that is down must not break a page; it costs the queries again
        logger.warning("catalog cache unavailable; reading the catalog", exc_info=True)
        return None


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # Delete what may still be readable; failing that, the servers read stale until restart.
        logger.error("could not announce a catalog change", exc_info=True)
    _built.clear()


def catalog_changed(**kwargs) -> None:
    """Receiver of every save and delete of a catalog row (loaddata's raw saves too): a new
    generation now, for this process, and again at commit, so that a server that rebuilt the
    catalog between the two (seeing the old rows) does not keep it."""
    _new_generation()
    transaction.on_commit(_new_generation, using=kwargs.get("using"))


def forget_catalogs() -> None:
    """Drop this process's catalogs (tests that recreate catalog rows behind the signals)."""
    _built.clear()


def load_catalog(variant: ModelVariant) -> Catalog:
    """The variant's catalog, built once per process and catalog generation: no query but the
    cache's read of the generation. Do not change the objects it holds: they are shared."""
    generation = catalog_generation()
    if generation is None:
        return build_catalog(variant)
    key = (generation, variant.pk)
    catalog = _built.get(key)
    if catalog is None:
        catalog = build_catalog(variant)
        catalog.generation = generation
        if any(g != generation for g, _ in _built):
            _built.clear()  # built under an older generation: never read again
        _built[key] = catalog
    return catalog


def build_catalog(variant: ModelVariant) -> Catalog:
    """Seven queries: PAs with category and level, goals, practices, GGs, GPs, both levels."""
    constellation = variant.constellation
    maturity_levels = dict(
        constellation.maturity_levels.values_list("number", "name").order_by("number")
    )
    catalog = Catalog(
        variant=variant,
        process_areas={},
        generic_goals=list(
            GenericGoal.objects.filter(constellation=constellation)
            .select_related("capability_level")
            .prefetch_related(
                Prefetch("practices", queryset=GenericPractice.objects.order_by("number"))
            )
            .order_by("number")
        ),
        maturity_levels=tuple(maturity_levels),
        maturity_level_names=maturity_levels,
        capability_levels=tuple(
            constellation.capability_levels.values_list("number", flat=True).order_by("number")
        ),
    )
    for pa in variant_process_areas(variant):
        catalog.process_areas[pa.acronym] = pa
        for goal in pa.variant_goals:
            catalog.goals[(pa.acronym, goal.code)] = goal
            for sp in goal.practices.all():
                catalog.specific_practices[(pa.acronym, sp.code)] = sp
    for gg in catalog.generic_goals:
        catalog.goals[("", gg.code)] = gg
        for gp in gg.practices.all():
            catalog.generic_practices[gp.code] = gp
    return catalog
