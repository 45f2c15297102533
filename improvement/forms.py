"""Forms of the improvement pages: they validate and normalise, services write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from improvement.models import PRIORITY_HIGHEST, PRIORITY_LOWEST, ImprovementAction
from improvement.rules import STATUS_ORDER

TARGETS_HELP = (
    "One per line or comma-separated: a process area (REQM), a goal (REQM SG 1, IRM GG 2) or a "
    "practice (IRM SP 1.2, CM GP 2.2)."
)


class DateInput(forms.DateInput):
    input_type = "date"


class ActionForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False)
    due_date = forms.DateField(required=False, widget=DateInput)
    targets = forms.CharField(
        label="Addresses",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=TARGETS_HELP,
    )
    findings = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Findings it answers",
    )
    source = forms.CharField(required=False, widget=forms.HiddenInput)
    priority_override = forms.TypedChoiceField(
        label="Priority",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Leave on “which bits first” to order by maturity level and blockers.",
    )

    def __init__(self, *args, organisation, finding_choices=(), default_priority=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation=organisation)
            .order_by("username")
        )
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["findings"].choices = list(finding_choices)
        if not finding_choices:
            del self.fields["findings"]
        default = (
            f"Which bits first (now {default_priority})"
            if default_priority
            else ("Which bits first")
        )
        self.fields["priority_override"].choices = [("", default)] + [
            (n, str(n)) for n in range(PRIORITY_HIGHEST, PRIORITY_LOWEST + 1)
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s, s) for s in STATUS_ORDER])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(required=False)
    process_area = forms.ChoiceField(required=False, label="Process area")
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, *args, owners=(), process_areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "process_area", "owner"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"
        self.fields["status"].choices = [("", "Any status"), *ImprovementAction.Status.choices]
        self.fields["process_area"].choices = [("", "Any process area")] + [
            (acr, f"{acr} {name}") for acr, name in process_areas
        ]
        self.fields["owner"].choices = [("", "Anyone")] + [
            (u.pk, u.get_full_name() or u.username) for u in owners
        ]


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=200)
    text = forms.CharField(label="Proposed change", widget=forms.Textarea(attrs={"rows": 3}))
    target = forms.CharField(
        label="Process area or practice",
        max_length=40,
        help_text="A process area (IRM) or one of its practices (IRM SP 1.2, IRM GP 2.2).",
    )


class TriageForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Make an action"), ("decline", "Decline")])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    owner = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False)
    due_date = forms.DateField(required=False, widget=DateInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(
            memberships__organisation=organisation
        )


class NextAppraisalForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name of the next appraisal")
