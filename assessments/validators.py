"""The rules on an appraisal's set-up, each in one place (DESIGN §2, §3, §4.0).

The services call these before they write and raise `ValidationError` with the messages below;
the importer asks the same predicates and reports the problem at its path in its own words
(`assessments/exchange/errors.py`); forms only parse. "The variant includes this PA" is the
catalog read model's answer (`models_catalog.catalog`): a PA is included when it is among the
variant's PAs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError

# The messages live with every other text shown to users (labels); callers may use validators.X.
from assessments.labels import (  # noqa: F401
    CAPABILITY_LEVEL_TOP,
    CONTINUOUS_LEVEL_MISSING,
    CONTINUOUS_NEEDS_PROFILE,
    DATE_ORDER,
    NA_NEEDS_JUSTIFICATION,
    NA_NOT_ALLOWED,
    PA_NOT_IN_VARIANT,
    STAGED_NEEDS_TARGET,
    STAGED_TARGET_MISSING,
    TARGET_CL_RANGE,
)
from assessments.models import Appraisal, ScopeItem
from models_catalog.models import Constellation, ModelVariant, ProcessArea

# The lowest target maturity level: ML1 needs no PA (DESIGN §4.0).
MIN_TARGET_MATURITY_LEVEL = 2


def all_of(*checks: Callable[[], None]) -> None:
    """Run every check and raise their problems together, so a form shows them all at once."""
    errors: dict[str, list[str]] = {}
    for check in checks:
        try:
            check()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def staged_without_target(representation: str, target_maturity_level: int | None) -> bool:
    """DESIGN §4.0: a staged appraisal rates the PAs up to its target ML, so it needs one."""
    return representation == Appraisal.Representation.STAGED and target_maturity_level is None


def max_maturity_level(constellation: Constellation) -> int:
    """One query."""
    return max(constellation.maturity_levels.values_list("number", flat=True), default=5)


def outside_variant(acronyms: Iterable[str], variant_pas: Iterable[ProcessArea]) -> list[str]:
    """The acronyms that are not PAs of the variant, sorted; `variant_pas` is the catalog's
    list (`models_catalog.catalog.variant_process_areas`)."""
    known = {pa.acronym for pa in variant_pas}
    return sorted(acronym for acronym in set(acronyms) if acronym not in known)


def validate_in_variant(
    *, variant: ModelVariant, process_areas: Iterable[ProcessArea], variant_pas, field: str
) -> None:
    """Refuse a PA the variant does not include (by row: the same acronym in another
    constellation is another PA), naming the first one."""
    known = {pa.pk for pa in variant_pas}
    for pa in process_areas:
        if pa.pk not in known:
            raise ValidationError(
                {field: PA_NOT_IN_VARIANT.format(acronym=pa.acronym, variant=variant)}
            )


def validate_targets(
    *,
    variant: ModelVariant,
    representation: str,
    target_maturity_level: int | None,
    target_profile: dict[str, int],
    variant_pas: list[ProcessArea],
) -> None:
    """A staged appraisal needs a target ML from 2 up to the constellation's top; a continuous
    one a profile of the variant's PAs, each at a capability level of the constellation."""
    constellation = variant.constellation
    if representation == Appraisal.Representation.STAGED:
        if staged_without_target(representation, target_maturity_level):
            raise ValidationError({"target_maturity_level": STAGED_TARGET_MISSING})
        top = max_maturity_level(constellation)
        if not MIN_TARGET_MATURITY_LEVEL <= target_maturity_level <= top:
            raise ValidationError({"target_maturity_level": STAGED_NEEDS_TARGET.format(top=top)})
        return
    outside = set(outside_variant(target_profile, variant_pas))
    top = constellation.max_capability_level
    errors = []
    for acronym, level in sorted(target_profile.items()):
        if acronym in outside:
            errors.append(PA_NOT_IN_VARIANT.format(acronym=acronym, variant=variant))
        elif not 1 <= int(level) <= top:
            errors.append(TARGET_CL_RANGE.format(acronym=acronym, top=top))
    if errors:
        raise ValidationError({"target_profile": errors})
    if not target_profile:
        raise ValidationError({"target_profile": CONTINUOUS_NEEDS_PROFILE})


def uniform_profile(
    *, variant: ModelVariant, level: int | None, variant_pas: list[ProcessArea]
) -> dict[str, int]:
    """A continuous appraisal's starting profile: every PA of the variant at `level`."""
    constellation = variant.constellation
    if level is None:
        raise ValidationError({"target_capability_level": CONTINUOUS_LEVEL_MISSING})
    if not 1 <= level <= constellation.max_capability_level:
        raise ValidationError(
            {
                "target_capability_level": CAPABILITY_LEVEL_TOP.format(
                    constellation=constellation, top=constellation.max_capability_level
                )
            }
        )
    return {pa.acronym: level for pa in variant_pas}


def validate_dates(start, end) -> None:
    """End after start, said in words: the database constraint's name must not reach a user."""
    if start and end and end < start:
        raise ValidationError({"end_date": DATE_ORDER})


def not_applicable_refusal(process_area: ProcessArea, constellation) -> str | None:
    """Why `process_area` may not be declared not applicable, or None when it may (DESIGN §3:
    only PAs the catalog marks, such as SAM; any other PA left out is out of scope)."""
    if process_area.may_be_not_applicable:
        return None
    return NA_NOT_ALLOWED.format(acronym=process_area.acronym, constellation=constellation)


def validate_scope_item(
    *,
    process_area: ProcessArea,
    constellation,
    applicability: str,
    justification: str,
    target_capability_level: int | None,
) -> None:
    """DESIGN §3: not applicable only where the catalog allows it, and with a justification;
    a continuous target within the constellation's capability levels."""
    acronym = process_area.acronym
    if applicability == ScopeItem.Applicability.NOT_APPLICABLE:
        refusal = not_applicable_refusal(process_area, constellation)
        if refusal:
            raise ValidationError({"applicability": refusal})
        if not justification.strip():
            raise ValidationError({"justification": NA_NEEDS_JUSTIFICATION.format(acronym=acronym)})
    top = constellation.max_capability_level
    if target_capability_level is not None and not 1 <= target_capability_level <= top:
        raise ValidationError(
            {"target_capability_level": TARGET_CL_RANGE.format(acronym=acronym, top=top)}
        )
