"""Download an appraisal as an exchange file, and upload one into an organisation.

The format is DESIGN §6 (docs/exchange.md); `assessments.exchange` reads and writes it.
"""

from __future__ import annotations

import zipfile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

import audit
from assessments import exchange
from assessments.access import appraisal_for, organisation_for
from assessments.models import Appraisal, Role
from audit.models import AuditAction
from cmmisvc.uploads import SizeLimitedUploadHandler

MAX_PROBLEMS_SHOWN = 100
TOO_BIG = "The file is larger than the limit of {limit}."
IMPORTED = "Imported {name}: {instances} instances, {characterizations} characterizations."


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Exchange file",
        help_text="A cmmisvc.appraisal/1 JSON file, e.g. one downloaded with Export JSON, or a "
        "ZIP bundle with the evidence files.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.zip,application/json"}),
    )

    def __init__(self, *args, too_big: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_big or (upload is not None and upload.size > settings.IMPORT_MAX_BYTES):
            raise forms.ValidationError(too_big_message())
        return upload

    def clean(self):
        # The upload handler dropped the file: say why rather than "This field is required."
        if self.too_big:
            self.errors.pop("file", None)
            self.add_error("file", too_big_message())
        return super().clean()


def too_big_message() -> str:
    return TOO_BIG.format(limit=filesizeformat(settings.IMPORT_MAX_BYTES))


def export_filename(appraisal: Appraisal) -> str:
    name = slugify(appraisal.name) or "appraisal"
    return f"{appraisal.organisation.slug}-{name}-{timezone.localdate().isoformat()}.json"


@require_GET
def export_appraisal(request: HttpRequest, code) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code, Role.LEAD_APPRAISER)
    audit.record(
        request, AuditAction.EXPORTED, organisation=appraisal.organisation, target=appraisal.name
    )
    response = HttpResponse(
        exchange.dumps(exchange.export_appraisal(appraisal)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(appraisal)}"'
    return response


@csrf_exempt  # checked by _import once the upload handlers are in place
@require_http_methods(["GET", "HEAD", "POST"])
def import_appraisal(request: HttpRequest, org: str) -> HttpResponse:
    """Stream the upload to a temporary file and stop at IMPORT_MAX_BYTES.

    The handlers must be set before anything reads the body, so the CSRF check (which reads
    it) runs inside, in _import (Django's "upload handlers" documentation).
    """
    request.upload_handlers = [
        SizeLimitedUploadHandler(request, settings.IMPORT_MAX_BYTES),
        TemporaryFileUploadHandler(request),
    ]
    return _import(request, org)


@csrf_protect
def _import(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for(request, org, Role.LEAD_APPRAISER).organisation
    form, problems = ImportForm(), []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, too_big=request.upload_too_big)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if zipfile.is_zipfile(upload):
                    from evidence.bundle import import_bundle

                    appraisal = import_bundle(upload, organisation=organisation, user=request.user)
                else:
                    upload.seek(0)
                    data = exchange.load_exchange_file(upload)
                    appraisal = exchange.import_appraisal(
                        data, organisation=organisation, user=request.user
                    )
            except exchange.ExchangeError as error:
                problems = error.messages
            else:
                audit.record(
                    request,
                    AuditAction.IMPORTED,
                    organisation=organisation,
                    target=appraisal.name,
                )
                messages.success(
                    request,
                    IMPORTED.format(
                        name=appraisal.name,
                        instances=appraisal.instances.count(),
                        characterizations=appraisal.characterizations.count(),
                    ),
                )
                return redirect(appraisal.get_absolute_url())
    context = {
        "organisation": organisation,
        "form": form,
        "problems": problems[:MAX_PROBLEMS_SHOWN],
        "problem_count": len(problems),
        "problems_hidden": max(0, len(problems) - MAX_PROBLEMS_SHOWN),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/import.html", context, status=status)


urlpatterns = [
    path("a/<uuid:code>/export.json", export_appraisal, name="export_appraisal"),
    path("orgs/<slug:org>/appraisals/import/", import_appraisal, name="import_appraisal"),
]
