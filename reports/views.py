"""The findings report: on screen, as PDF and as XLSX, for viewers and up (DESIGN §5)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

import audit
from assessments.access import appraisal_for
from assessments.models import Role
from audit.models import AuditAction
from reports import documents
from reports.selectors import findings_report, report_filename

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _downloaded(request: HttpRequest, appraisal, kind: str) -> None:
    audit.record(
        request,
        AuditAction.REPORT_DOWNLOADED,
        organisation=appraisal.organisation,
        target=f"{appraisal.name} ({kind})",
    )


@require_safe
def findings(request: HttpRequest, code: UUID) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code, Role.VIEWER)
    context = documents.report_context(findings_report(appraisal))
    context.update(membership=membership, current_organisation=appraisal.organisation)
    return render(request, documents.SCREEN_TEMPLATE, context)


@require_safe
def findings_pdf(request: HttpRequest, code: UUID) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code, Role.VIEWER)
    content = documents.findings_pdf(appraisal)
    _downloaded(request, appraisal, "PDF")
    return _download(content, PDF, report_filename(appraisal, "pdf"))


@require_safe
def findings_xlsx(request: HttpRequest, code: UUID) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code, Role.VIEWER)
    content = documents.findings_xlsx(appraisal)
    _downloaded(request, appraisal, "XLSX")
    return _download(content, XLSX, report_filename(appraisal, "xlsx"))
