"""Download an appraisal as an exchange file, and upload one into an organisation.

The format is DESIGN §6 (docs/exchange.md); `assessments.exchange` reads and writes it.
"""

from __future__ import annotations

import zipfile

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from assessments import exchange
from assessments.access import appraisal_for, organisation_for
from assessments.models import Appraisal, Role

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 100
TOO_BIG = "The file is larger than {limit} MB."
IMPORTED = "Imported {name}: {instances} instances, {characterizations} characterizations."


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Exchange file",
        help_text="A cmmisvc.appraisal/1 JSON file, e.g. one downloaded with Export JSON, or a "
        "ZIP bundle with the evidence files.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.zip,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_BIG.format(limit=MAX_UPLOAD_BYTES // 2**20))
        return upload


def export_filename(appraisal: Appraisal) -> str:
    name = slugify(appraisal.name) or "appraisal"
    return f"{appraisal.organisation.slug}-{name}-{timezone.localdate().isoformat()}.json"


@require_GET
def export_appraisal(request: HttpRequest, code) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code, Role.LEAD_APPRAISER)
    response = HttpResponse(
        exchange.dumps(exchange.export_appraisal(appraisal)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(appraisal)}"'
    return response


@require_http_methods(["GET", "POST"])
def import_appraisal(request: HttpRequest, org: str) -> HttpResponse:
    organisation = organisation_for(request, org, Role.LEAD_APPRAISER).organisation
    form, problems = ImportForm(), []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
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
