"""The benchmark appraisal: the full draft model, continuous, every PA at target CL5.

Built on whatever database Django is configured with (bench/run.py points it at a throwaway
SQLite file). Every required practice of every PA is rated for every instance, so the engine
sees (SPs + GP 2.1 … GP 5.2) × 25 PAs × instances characterizations. The values are mostly FI
and LI, with a few PI/NI so that the results have pending ranges, goals to review, judgments
and PAs at different capability levels, as a real appraisal would.
"""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from simple_history.utils import bulk_create_with_history

from assessments import services
from assessments.engine_input import load_catalog
from assessments.models import (
    Appraisal,
    Characterization,
    GoalJudgment,
    Organisation,
    PracticeJudgment,
    Role,
)
from models_catalog.models import GenericPractice, ModelVariant

CONSTELLATION = "cmmi-svc-draft-2007"
VARIANT = "cmmi-svc-osm-scon-ssd"
PASSWORD = "bench-password"


def build(*, instances: int = 20, seed: int = 2007) -> tuple[Appraisal, object]:
    """Load the catalog, create the appraisal and rate it fully. Returns (appraisal, lead)."""
    call_command("loaddata", "cmmi_svc_draft_2007", verbosity=0)
    variant = ModelVariant.objects.get(constellation__slug=CONSTELLATION, slug=VARIANT)
    organisation = Organisation.objects.create(name="Bench Services", slug="bench")
    lead = get_user_model().objects.create_user("bench-lead", password=PASSWORD)
    services.membership_set(organisation=organisation, user=lead, role=Role.LEAD_APPRAISER)

    catalog = load_catalog(variant)
    top = variant.constellation.max_capability_level
    appraisal = services.appraisal_create(
        organisation=organisation,
        name="Benchmark appraisal",
        variant=variant,
        representation=Appraisal.Representation.CONTINUOUS,
        target_profile={acronym: top for acronym in catalog.process_areas},
        status=Appraisal.Status.RATING,
        user=lead,
    )
    pas = list(catalog.process_areas.values())
    sampled = [
        services.instance_save(
            appraisal=appraisal,
            key=f"instance-{n:02d}",
            name=f"Instance {n:02d}",
            kind="service",
            process_areas=pas,
        )
        for n in range(1, instances + 1)
    ]
    generic = [
        gp
        for gg in catalog.generic_goals
        if gg.capability_level.number >= 2
        for gp in gg.practices.all()
    ]
    rng = random.Random(seed)
    rows = []
    for pa in pas:
        # Three kinds of PA: clean (FI), fair (FI/LI) and a few with weak spots (PI/NI).
        kind = rng.choice(["clean", "fair", "fair", "weak"])
        practices = [sp for goal in pa.variant_goals for sp in goal.practices.all()] + generic
        for practice in practices:
            weak_spot = kind == "weak" and rng.random() < 0.15
            for instance in sampled:
                if weak_spot and rng.random() < 0.2:
                    value = rng.choice(["PI", "NI"])
                elif kind != "clean" and rng.random() < 0.1:
                    value = "LI"
                elif rng.random() < 0.01:
                    value = "NY"
                else:
                    value = "FI"
                is_gp = isinstance(practice, GenericPractice)
                rows.append(
                    Characterization(
                        appraisal=appraisal,
                        sampled_instance=instance,
                        process_area=pa,
                        specific_practice=None if is_gp else practice,
                        generic_practice=practice if is_gp else None,
                        value=value,
                        updated_by=lead,
                    )
                )
    bulk_create_with_history(rows, Characterization, batch_size=1000, default_user=lead)
    _judge(appraisal, catalog, lead, rng)
    return appraisal, lead


def _judge(appraisal: Appraisal, catalog, lead, rng: random.Random) -> None:
    """Settle about half the pending ranges and review about half the goals, as a lead would."""
    from assessments.engine_input import load_appraisal_state

    results = load_appraisal_state(appraisal, catalog=catalog).results
    for entry in results.pending[::2]:
        pa = catalog.process_areas[entry.process_area]
        practice = catalog.practice(entry.process_area, entry.practice)
        fields = (
            {"generic_practice": practice}
            if isinstance(practice, GenericPractice)
            else {"specific_practice": practice}
        )
        PracticeJudgment.objects.create(
            appraisal=appraisal,
            process_area=pa,
            value=rng.choice(["LI", "PI"]),
            rationale="Benchmark judgment.",
            decided_by=lead,
            **fields,
        )
    for entry in results.reviews[::2]:
        pa = catalog.process_areas[entry.process_area]
        goal = catalog.goal(entry.process_area, entry.goal)
        is_generic = entry.goal.startswith("GG")
        GoalJudgment.objects.create(
            appraisal=appraisal,
            process_area=pa,
            specific_goal=None if is_generic else goal,
            generic_goal=goal if is_generic else None,
            rating=rng.choice(["satisfied", "unsatisfied"]),
            rationale="Benchmark review.",
            decided_by=lead,
        )
    # Written behind the services, which would have raised the revision: raise it here, or the
    # results cached above (without these judgments) would be served as this revision's.
    Appraisal.objects.filter(pk=appraisal.pk).update(revision=F("revision") + 1)
