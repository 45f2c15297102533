"""Pages of the evidence library and the evidence block of the grid's cell panel.

Library pages live under the organisation (`/orgs/<org>/evidence/…`); links are writes to an
appraisal and live under it (`/a/<code>/…`). Team members and above change both; viewers read.
"""

from __future__ import annotations

import tempfile
import uuid
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

import audit
from assessments.access import LOCKED_MESSAGE, AppraisalLocked, appraisal_for, organisation_for
from assessments.engine_input import load_appraisal_state
from assessments.models import Appraisal, Role
from assessments.selectors.grid import pa_state
from assessments.views.rating import _cell_or_404, practice_slug
from audit.models import AuditAction
from evidence import files, selectors, services
from evidence.forms import AttachForm, BulkLinkForm, ItemForm, LibraryFilterForm, QuickItemForm
from evidence.models import EvidenceItem, EvidenceLink


def _item_or_404(membership, code) -> EvidenceItem:
    return get_object_or_404(
        EvidenceItem.objects.select_related("organisation"),
        organisation=membership.organisation,
        code=code,
    )


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_safe
def library(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org)
    organisation = membership.organisation
    appraisals = list(organisation.appraisals.order_by("name"))
    form = LibraryFilterForm(request.GET or None, appraisals=appraisals)
    filters = selectors.LibraryFilter()
    if form.is_valid():
        data = form.cleaned_data
        appraisal = next((a for a in appraisals if str(a.code) == data["appraisal"]), None)
        instance = None
        if appraisal is not None and data["instance"]:
            instance = appraisal.instances.filter(key=data["instance"]).first()
        filters = selectors.LibraryFilter(
            q=data["q"],
            kind=data["kind"],
            appraisal=appraisal,
            process_area=data["process_area"],
            practice=data["practice"],
            instance=instance,
            unlinked=data["unlinked"],
        )
        if data["instance"] and instance is None:
            form.add_error("instance", "Choose an appraisal with an instance of that key.")
    items = list(selectors.library(organisation, filters)[: selectors.PAGE_SIZE + 1])
    return render(
        request,
        "evidence/library.html",
        {
            "membership": membership,
            "organisation": organisation,
            "current_organisation": organisation,
            "form": form,
            "items": items[: selectors.PAGE_SIZE],
            "more": len(items) > selectors.PAGE_SIZE,
            "can_edit": membership.has_role(Role.TEAM_MEMBER),
        },
    )


def streaming_limit(view):
    """Count upload bytes as they stream and stop past EVIDENCE_MAX_UPLOAD_SIZE.

    The handler must be installed before anything reads the body, and the CSRF middleware
    reads it: so CSRF is checked inside, after the handler is in place (Django's documented
    pattern for per-view upload handlers).
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.upload_handlers.insert(0, files.MaxSizeUploadHandler(request))
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def _too_large(request) -> str:
    if getattr(request, "upload_too_large", False):
        return files.TOO_LARGE.format(limit=files.human_size(files.max_size()))
    return ""


def _saved(request, item: EvidenceItem, verb: str) -> HttpResponse:
    messages.success(request, f"{item.title} {verb}.")
    for other in getattr(item, "same_bytes", []):
        messages.warning(
            request, f"The library already holds the same file (same sha256) as {other.title}."
        )
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = item.get_absolute_url()
        return response
    return redirect(item.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
@streaming_limit
def item_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org, Role.TEAM_MEMBER)
    form = ItemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _too_large(request):
        form.is_valid()
        form.add_error(None, _too_large(request))
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            item = services.item_create(
                organisation=membership.organisation,
                kind=data.pop("kind"),
                title=data.pop("title"),
                user=request.user,
                **data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _saved(request, item, "added to the library")
    return render(
        request,
        "evidence/item_form.html",
        {
            "form": form,
            "organisation": membership.organisation,
            "membership": membership,
            "current_organisation": membership.organisation,
        },
        status=400 if form.errors else 200,
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "HEAD", "POST"])
@streaming_limit
def item_edit(request: HttpRequest, org: str, item) -> HttpResponse:
    membership = organisation_for(request, org, Role.TEAM_MEMBER)
    obj = _item_or_404(membership, item)
    form = ItemForm(request.POST or None, request.FILES or None, instance=obj)
    if request.method == "POST" and _too_large(request):
        form.add_error(None, _too_large(request))
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("kind", None)
        try:
            services.item_update(item=obj, user=request.user, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _saved(request, obj, "saved")
    return render(
        request,
        "evidence/item_form.html",
        {
            "form": form,
            "item": obj,
            "organisation": membership.organisation,
            "membership": membership,
            "current_organisation": membership.organisation,
        },
        status=400 if form.errors else 200,
    )


def _bulk_context(request, membership, obj) -> dict:
    """The bulk-link form for the appraisal and PA chosen in the query string, if any."""
    appraisals = list(membership.organisation.appraisals.order_by("name"))
    chosen = next((a for a in appraisals if str(a.code) == request.GET.get("appraisal")), None)
    context = {"appraisals": appraisals, "chosen": chosen, "bulk_form": None}
    if chosen is None:
        return context
    state = load_appraisal_state(chosen)
    acronym = request.GET.get("pa", "").upper()
    context["pas"] = state.in_scope
    context["acronym"] = acronym if acronym in state.in_scope else ""
    if context["acronym"]:
        context["bulk_form"] = _bulk_form(state, acronym, request.POST or None)
    return context


def _bulk_form(state, acronym: str, data=None) -> BulkLinkForm:
    practices = [
        (code, f"{code} {state.catalog.practice(acronym, code).title}")
        for code in state.results.process_areas[acronym].practices
    ]
    instances = [(i.key, i.name) for i in state.coverage.get(acronym, [])]
    return BulkLinkForm(data, practice_choices=practices, instance_choices=instances)


@require_safe
def item_detail(request: HttpRequest, org: str, item) -> HttpResponse:
    membership = organisation_for(request, org)
    obj = _item_or_404(membership, item)
    can_edit = membership.has_role(Role.TEAM_MEMBER)
    return render(
        request,
        "evidence/item_detail.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "current_organisation": membership.organisation,
            "item": obj,
            "links": selectors.item_links(obj),
            "history": obj.history.select_related("history_user")[:20],
            "can_edit": can_edit,
            **(_bulk_context(request, membership, obj) if can_edit else {}),
        },
    )


@require_POST
def item_links(request: HttpRequest, org: str, item) -> HttpResponse:
    """Link the item in bulk: chosen practices × instances of one PA of an appraisal."""
    membership = organisation_for(request, org, Role.TEAM_MEMBER)
    obj = _item_or_404(membership, item)
    chosen = request.GET.get("appraisal", "")
    appraisal = (
        membership.organisation.appraisals.filter(code=chosen).first() if _is_uuid(chosen) else None
    )
    if appraisal is None:
        raise Http404
    if appraisal.is_final:
        raise AppraisalLocked(LOCKED_MESSAGE)
    state = load_appraisal_state(appraisal)
    acronym = request.GET.get("pa", "").upper()
    if acronym not in state.in_scope:
        raise Http404
    form = _bulk_form(state, acronym, request.POST)
    back = f"{obj.get_absolute_url()}?appraisal={appraisal.code}&pa={acronym}"
    if not form.is_valid():
        messages.error(request, "Nothing linked: " + form.errors.as_text())
        return redirect(back)
    by_key = {i.key: i for i in state.coverage.get(acronym, [])}
    try:
        created = services.links_bulk_add(
            appraisal=appraisal,
            item=obj,
            process_area=state.catalog.process_areas[acronym],
            practices=[state.catalog.practice(acronym, c) for c in form.cleaned_data["practices"]],
            instances=[by_key[k] for k in form.cleaned_data["instances"]],
            pii=form.cleaned_data["pii"],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, "Nothing linked: " + _errors(error))
        return redirect(back)
    messages.success(request, f"{created} new link{'s' if created != 1 else ''} to {acronym}.")
    return redirect(back)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@require_http_methods(["GET", "HEAD", "POST"])
def item_delete(request: HttpRequest, org: str, item) -> HttpResponse:
    """GET: the warning, listing where the item is linked. POST: delete it and its links."""
    membership = organisation_for(request, org, Role.TEAM_MEMBER)
    obj = _item_or_404(membership, item)
    if request.method == "POST":
        try:
            services.item_delete(item=obj, user=request.user)
        except ValidationError as error:
            messages.error(request, _errors(error))
            return redirect(obj.get_absolute_url())
        messages.success(request, f"{obj.title} deleted.")
        return redirect("evidence:library", org=membership.organisation.slug)
    return render(
        request,
        "evidence/item_delete.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "current_organisation": membership.organisation,
            "item": obj,
            "links": selectors.item_links(obj),
        },
    )


# --- The cell panel's evidence block -----------------------------------------------------------


def _cell(request, code, acronym, instance, practice, role=Role.VIEWER, write=False):
    appraisal, membership = appraisal_for(request, code, role, write=write)
    target = _cell_or_404(appraisal, acronym, instance, practice)
    return appraisal, membership, target, target.pa, target.code, target.practice, target.instance


def _cell_response(
    request,
    appraisal,
    membership,
    pa,
    code,
    practice,
    instance,
    *,
    error="",
    saved=False,
    status=200,
) -> HttpResponse:
    links = selectors.cell_links(appraisal, instance, pa, practice)
    q = request.GET.get("q", "").strip()
    found = (
        selectors.search_for_cell(appraisal.organisation, q, {link.item_id for link in links})
        if q
        else []
    )
    context = {
        "appraisal": appraisal,
        "pa": pa,
        "code": code,
        "slug": practice_slug(code),
        "practice": practice,
        "instance": instance,
        "links": links,
        "q": q,
        "found": found,
        "error": error,
        "can_edit": membership.has_role(Role.TEAM_MEMBER) and not appraisal.is_final,
        "v12": appraisal.evidence_model == Appraisal.EvidenceModel.V1_2,
        "pii_choices": EvidenceLink.Pii.choices,
        "kinds": EvidenceItem.Kind.choices,
    }
    if saved:
        # Rate the PA alone: the cell's badge, and under an enforced policy its goal, may change.
        state = pa_state(appraisal, pa.acronym, rows=True)
        key = (instance.pk, code)
        context.update(
            saved=True,
            row=state.rows.get(key),
            evidence=state.evidence_counts.get(key, 0),
            uncovered=key in state.uncovered,
            goal_rating=state.result.goals,
        )
    return render(request, "evidence/partials/cell_evidence.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def cell_evidence(request: HttpRequest, code, acronym: str, instance: int, practice: str):
    """GET: the cell's linked items and a search of the library. POST: attach an item."""
    if request.method != "POST":
        appraisal, membership, _, pa, code_, practice_obj, instance_obj = _cell(
            request, code, acronym, instance, practice
        )
        return _cell_response(request, appraisal, membership, pa, code_, practice_obj, instance_obj)
    appraisal, membership, _, pa, code_, practice_obj, instance_obj = _cell(
        request, code, acronym, instance, practice, Role.TEAM_MEMBER, write=True
    )
    form = AttachForm(request.POST)
    error, status = "", 200
    if not form.is_valid():
        error, status = "Choose an item of the library.", 400
    else:
        item = EvidenceItem.objects.filter(
            organisation=appraisal.organisation, code=form.cleaned_data["item"]
        ).first()
        if item is None:
            raise Http404
        try:
            services.link_add(
                appraisal=appraisal,
                item=item,
                instance=instance_obj,
                process_area=pa,
                practice=practice_obj,
                pii=form.cleaned_data["pii"] if item.is_artifact else "",
                user=request.user,
            )
        except ValidationError as error_:
            error, status = _errors(error_), 400
    return _cell_after_write(
        request, appraisal, membership, pa, code_, practice_obj, instance_obj, error, status
    )


def _cell_after_write(request, appraisal, membership, pa, code, practice, instance, error, status):
    if request.htmx:
        return _cell_response(
            request,
            appraisal,
            membership,
            pa,
            code,
            practice,
            instance,
            error=error,
            saved=not error,
            status=status,
        )
    if error:
        messages.error(request, error)
    return redirect(reverse("assessments:rate_pa", args=[appraisal.code, pa.acronym]))


@streaming_limit
@require_POST
def cell_create(request: HttpRequest, code, acronym: str, instance: int, practice: str):
    """Create a library item (with its file) from the cell panel and attach it to the cell."""
    appraisal, membership, _, pa, code_, practice_obj, instance_obj = _cell(
        request, code, acronym, instance, practice, Role.TEAM_MEMBER, write=True
    )
    form = QuickItemForm(request.POST, request.FILES)
    error, status = "", 200
    if _too_large(request):
        error, status = _too_large(request), 413
    elif not form.is_valid():
        error, status = "Not added: " + form.errors.as_text(), 400
    else:
        data = form.cleaned_data
        artifact = data["kind"] == EvidenceItem.Kind.ARTIFACT
        try:
            if data["upload"] is not None:
                item = services.item_create(
                    organisation=appraisal.organisation,
                    kind=data["kind"],
                    title=data["title"],
                    user=request.user,
                    uri=data["uri"].strip(),
                    upload=data["upload"],
                )
            else:
                item, _ = services.item_for_title(
                    organisation=appraisal.organisation,
                    kind=data["kind"],
                    title=data["title"].strip(),
                    user=request.user,
                    uri=data["uri"].strip(),
                )
            services.link_add(
                appraisal=appraisal,
                item=item,
                instance=instance_obj,
                process_area=pa,
                practice=practice_obj,
                pii=data["pii"] if artifact else "",
                user=request.user,
            )
        except ValidationError as error_:
            error, status = _errors(error_), 400
    return _cell_after_write(
        request, appraisal, membership, pa, code_, practice_obj, instance_obj, error, status
    )


@require_POST
def link_delete(request: HttpRequest, code, pk: int) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code, Role.TEAM_MEMBER, write=True)
    link = get_object_or_404(
        EvidenceLink.objects.select_related(
            "process_area", "sampled_instance", "specific_practice", "generic_practice", "appraisal"
        ),
        pk=pk,
        appraisal=appraisal,
    )
    error, status = "", 200
    try:
        services.link_delete(link=link, user=request.user)
    except ValidationError as error_:
        error, status = _errors(error_), 400
    return _cell_after_write(
        request,
        appraisal,
        membership,
        link.process_area,
        link.practice_code,
        link.practice,
        link.sampled_instance,
        error,
        status,
    )


@require_safe
def item_file(request: HttpRequest, org: str, item) -> HttpResponse:
    """The item's file, only to members of its organisation, always as an attachment."""
    membership = organisation_for(request, org)
    obj = _item_or_404(membership, item)
    if not obj.file:
        raise Http404
    audit.record(
        request,
        AuditAction.EVIDENCE_DOWNLOADED,
        organisation=membership.organisation,
        target=f"{obj.title} ({obj.file_name or 'file'})",
    )
    response = FileResponse(
        obj.file.open("rb"),
        as_attachment=True,
        filename=obj.file_name or "file",
        content_type=obj.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_safe
def export_bundle(request: HttpRequest, code) -> HttpResponse:
    """The appraisal as a ZIP bundle: appraisal.json and its evidence files (DESIGN §6)."""
    from assessments.views.exchange import export_filename
    from evidence.bundle import export_bundle as write_bundle

    appraisal, _ = appraisal_for(request, code, Role.LEAD_APPRAISER)
    audit.record(
        request,
        AuditAction.EXPORTED,
        organisation=appraisal.organisation,
        target=f"{appraisal.name} (bundle)",
    )
    # FileResponse closes the buffer once sent.
    buffer = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    write_bundle(appraisal, buffer)
    buffer.seek(0)
    filename = export_filename(appraisal).removesuffix(".json") + ".zip"
    return FileResponse(
        buffer, as_attachment=True, filename=filename, content_type="application/zip"
    )


urlpatterns = [
    path("orgs/<slug:org>/evidence/", library, name="library"),
    path("orgs/<slug:org>/evidence/new/", item_create, name="item_create"),
    path("orgs/<slug:org>/evidence/<uuid:item>/", item_detail, name="item"),
    path("orgs/<slug:org>/evidence/<uuid:item>/edit/", item_edit, name="item_edit"),
    path("orgs/<slug:org>/evidence/<uuid:item>/delete/", item_delete, name="item_delete"),
    path("orgs/<slug:org>/evidence/<uuid:item>/links/", item_links, name="item_links"),
    path("orgs/<slug:org>/evidence/<uuid:item>/file/", item_file, name="item_file"),
    path(
        "a/<uuid:code>/rate/<str:acronym>/cell/<int:instance>/<str:practice>/evidence/",
        cell_evidence,
        name="cell",
    ),
    path(
        "a/<uuid:code>/rate/<str:acronym>/cell/<int:instance>/<str:practice>/evidence/new/",
        cell_create,
        name="cell_create",
    ),
    path("a/<uuid:code>/evidence/links/<int:pk>/delete/", link_delete, name="link_delete"),
    path("a/<uuid:code>/export.zip", export_bundle, name="export_bundle"),
]
