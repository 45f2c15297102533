"""Forms of the results page: the lead appraiser's team judgments (DESIGN §4.1, §4.2).

Each form is told which practices or goals may be judged right now (the ranges the instances
leave open, the satisfied goals with LI practices), so a judgment the engine would ignore as
invalid is refused before it is stored.
"""

from __future__ import annotations

from django import forms

from assessments import limits
from assessments.limits import text_field
from assessments.models import GoalJudgment, PracticeJudgment

NOT_A_RANGE = (
    "{acronym} {code} is not left to team judgment: its instances do not disagree between "
    "FI/LI and PI/NI."
)
NOT_FOR_REVIEW = "{acronym} {goal} is not a satisfied goal with LI practices: nothing to review."
RATIONALE_REQUIRED = "Give the rationale for the decision: it goes into the appraisal record."


class _JudgmentForm(forms.Form):
    process_area = forms.CharField(widget=forms.HiddenInput, max_length=16)
    rationale = text_field(
        limits.RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": RATIONALE_REQUIRED},
    )
    # The version of the judgment the page showed (0: none yet), for optimistic versioning.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class PracticeJudgmentForm(_JudgmentForm):
    """LI or PI for a practice range; `allowed` holds the (PA, practice) ranges."""

    practice = forms.CharField(widget=forms.HiddenInput, max_length=16)
    value = forms.ChoiceField(choices=PracticeJudgment.Choice.choices, widget=forms.RadioSelect)

    def __init__(self, *args, allowed: set[tuple[str, str]] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def clean(self) -> dict:
        data = super().clean()
        acronym, code = data.get("process_area"), data.get("practice")
        if acronym and code and (acronym, code) not in self.allowed:
            raise forms.ValidationError(NOT_A_RANGE.format(acronym=acronym, code=code))
        return data


class GoalJudgmentForm(_JudgmentForm):
    """Satisfied or unsatisfied for a goal under review; `allowed` holds the (PA, goal) pairs."""

    goal = forms.CharField(widget=forms.HiddenInput, max_length=16)
    rating = forms.ChoiceField(choices=GoalJudgment.Rating.choices, widget=forms.RadioSelect)

    def __init__(self, *args, allowed: set[tuple[str, str]] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def clean(self) -> dict:
        data = super().clean()
        acronym, goal = data.get("process_area"), data.get("goal")
        if acronym and goal and (acronym, goal) not in self.allowed:
            raise forms.ValidationError(NOT_FOR_REVIEW.format(acronym=acronym, goal=goal))
        return data
