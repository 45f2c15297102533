"""Findings report (being built)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.access import appraisal_for


def findings(request: HttpRequest, code) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code)
    return render(request, "reports/findings.html", {"appraisal": appraisal})
