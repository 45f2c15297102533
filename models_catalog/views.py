"""Catalog pages for signed-in users: constellations, variants, PAs, the ITSM mapping, and
comparisons of a PA with its counterparts in other constellations."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from models_catalog import compare as comparing
from models_catalog import selectors
from models_catalog.models import Constellation, ModelVariant


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "models_catalog/index.html",
        {"constellations": selectors.constellation_list()},
    )


@require_safe
def constellation(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Constellation, slug=slug)
    pas = selectors.process_areas_with_practices(constellation=obj)
    return render(
        request,
        "models_catalog/constellation.html",
        {
            "constellation": obj,
            "variants": obj.variants.select_related("constellation"),
            "by_category": selectors.group_by_category(pas),
            "by_level": selectors.group_by_maturity_level(pas),
            "generic_goals": selectors.generic_goals_with_practices(constellation=obj),
            "has_itsm": obj.itsm_processes.exists(),
        },
    )


@require_safe
def variant(request: HttpRequest, slug: str, variant: str) -> HttpResponse:
    obj = get_object_or_404(
        ModelVariant.objects.select_related("constellation"), constellation__slug=slug, slug=variant
    )
    pas = selectors.variant_process_areas(variant=obj)
    return render(
        request,
        "models_catalog/variant.html",
        {
            "variant": obj,
            "constellation": obj.constellation,
            "process_areas": pas,
            "by_category": selectors.group_by_category(pas),
            "by_level": selectors.group_by_maturity_level(pas),
        },
    )


@require_safe
def process_area(request: HttpRequest, slug: str, acronym: str) -> HttpResponse:
    constellation = get_object_or_404(Constellation, slug=slug)
    pas = selectors.process_areas_with_practices(constellation=constellation, acronyms=[acronym])
    if not pas:
        return render(request, "404.html", status=404)
    return render(
        request,
        "models_catalog/process_area.html",
        {
            "constellation": constellation,
            "pa": pas[0],
            "counterparts": selectors.counterparts(pas)[pas[0].pk],
            "generic_goals": selectors.generic_goals_with_practices(constellation=constellation),
        },
    )


@require_safe
def itsm(request: HttpRequest, slug: str) -> HttpResponse:
    constellation = get_object_or_404(Constellation, slug=slug)
    processes = selectors.itsm_processes(constellation=constellation)
    return render(
        request,
        "models_catalog/itsm.html",
        {
            "constellation": constellation,
            "covered": [p for p in processes if p.process_areas.all()],
            "uncovered": [p for p in processes if not p.process_areas.all()],
        },
    )


@require_safe
def compare_index(request: HttpRequest, slug: str) -> HttpResponse:
    constellation = get_object_or_404(Constellation, slug=slug)
    pas = list(constellation.process_areas.select_related("category").order_by("acronym"))
    found = selectors.counterparts(pas)
    return render(
        request,
        "models_catalog/compare_index.html",
        {"constellation": constellation, "rows": [(pa, found[pa.pk]) for pa in pas]},
    )


@require_safe
def compare(
    request: HttpRequest, slug: str, acronym: str, other: str, other_acronym: str
) -> HttpResponse:
    pair = selectors.process_area_pair(
        slug=slug, acronym=acronym, other=other, other_acronym=other_acronym
    )
    if pair is None:
        raise Http404("No such process area.")
    source, target = pair
    others = selectors.counterparts([source])[source.pk]
    return render(
        request,
        "models_catalog/compare.html",
        {
            "constellation": source.constellation,
            "source": source,
            "target": target,
            "comparison": comparing.compare(
                selectors.goal_tree(source), selectors.goal_tree(target)
            ),
            "note": next((c.note for c in others if c.process_area.pk == target.pk), ""),
            "partial": any(c.partial for c in others if c.process_area.pk == target.pk),
            "other_counterparts": [c for c in others if c.process_area.pk != target.pk],
        },
    )
