"""Results page of an appraisal (being built)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from assessments.access import appraisal_for
from assessments.engine_input import load_appraisal_state


def results(request: HttpRequest, code) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code)
    state = load_appraisal_state(appraisal)
    return render(request, "assessments/results.html", {"appraisal": appraisal, "state": state})


urlpatterns = [path("a/<uuid:code>/results/", results, name="results")]
