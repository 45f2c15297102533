"""Forms: they parse and normalise input; services validate and apply it (rules: validators)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from assessments import limits
from assessments.labels import NA_JUSTIFICATION
from assessments.limits import text_field
from assessments.models import Appraisal, Finding, Instance, Role, ScopeItem, Value
from assessments.validators import DATE_ORDER, not_applicable_refusal
from models_catalog.models import ModelVariant

MEMBER_EXISTS = "{username} is already a member."
# A message that mentions a password, not one.
NEW_USER_NEEDS_PASSWORD = "There is no user {username}: give a password to create the account."  # nosec B105
METHOD_HELP = (
    "A: levels are derived and labelled indicative (no self-appraisal is an official SCAMPI A). "
    "B and C: characterizations, goal indications and findings, no maturity or capability level."
)
SPONSOR_HELP = "Who commissioned the appraisal (named in the disclosure statement)."
UNIT_HELP = "The part of the organisation the appraisal covers, e.g. IT Operations, Lyon."


class DateInput(forms.DateInput):
    input_type = "date"


class AppraisalCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    variant = forms.ModelChoiceField(
        queryset=ModelVariant.objects.select_related("constellation").order_by(
            "constellation__name", "constellation__version", "order"
        ),
        label="Model variant",
    )
    representation = forms.ChoiceField(
        choices=Appraisal.Representation.choices, widget=forms.RadioSelect
    )
    target_maturity_level = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, f"ML{n}") for n in range(2, 6)],
        required=False,
        empty_value=None,
        help_text="Staged: the maturity level the organisation aims for.",
    )
    target_capability_level = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, f"CL{n}") for n in range(1, 6)],
        required=False,
        empty_value=None,
        label="Target capability level",
        help_text="Continuous: the starting target of every PA; adjust each PA on the scope page.",
    )
    start_date = forms.DateField(required=False, widget=DateInput)
    end_date = forms.DateField(required=False, widget=DateInput)
    team = text_field(
        limits.TEAM_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One person per line.",
    )
    sponsor = forms.CharField(max_length=200, required=False, help_text=SPONSOR_HELP)
    organisational_unit = forms.CharField(
        max_length=200, required=False, label="Organisational unit", help_text=UNIT_HELP
    )
    # Not required: a form without them (an older client) gets the defaults of DESIGN §6.
    method = forms.TypedChoiceField(
        choices=Appraisal.Method.choices,
        initial=Appraisal.Method.A,
        required=False,
        empty_value=Appraisal.Method.A,
        widget=forms.RadioSelect,
        help_text=METHOD_HELP,
    )
    evidence_model = forms.TypedChoiceField(
        choices=Appraisal.EvidenceModel.choices,
        initial=Appraisal.EvidenceModel.V1_3,
        required=False,
        empty_value=Appraisal.EvidenceModel.V1_3,
    )
    coverage_policy = forms.TypedChoiceField(
        choices=Appraisal.CoveragePolicy.choices,
        initial=Appraisal.CoveragePolicy.ADVISORY,
        required=False,
        empty_value=Appraisal.CoveragePolicy.ADVISORY,
        label="Evidence coverage policy",
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["variant"].label_from_instance = lambda v: f"{v.name} ({v.constellation})"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.organisation and self.organisation.appraisals.filter(name=name).exists():
            raise forms.ValidationError(f"{self.organisation} already has an appraisal {name!r}.")
        return name


class AppraisalEditForm(forms.ModelForm):
    class Meta:
        model = Appraisal
        fields = [
            "name",
            "target_maturity_level",
            "start_date",
            "end_date",
            "team",
            "sponsor",
            "organisational_unit",
            "method",
            "evidence_model",
            "coverage_policy",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "team": forms.Textarea(attrs={"rows": 3}),
            "method": forms.RadioSelect,
        }
        labels = {"coverage_policy": "Evidence coverage policy"}
        help_texts = {
            "method": METHOD_HELP,
            "sponsor": SPONSOR_HELP,
            "organisational_unit": UNIT_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.representation != Appraisal.Representation.STAGED:
            del self.fields["target_maturity_level"]

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", DATE_ORDER)
        return data


class ScopeItemForm(forms.ModelForm):
    """One PA of the scope page. "Not applicable" is offered only where the catalog allows it;
    `constellation` names the model in the refusal."""

    class Meta:
        model = ScopeItem
        fields = ["applicability", "justification", "target_capability_level"]
        widgets = {"justification": forms.TextInput(attrs={"placeholder": "Why?"})}

    def __init__(self, *args, constellation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = not_applicable_refusal(self.instance.process_area, constellation)
        if self.refusal:
            # The field still accepts the value so that a forged POST gets the named refusal
            # rather than "not one of the available choices"; the widget no longer offers it.
            self.fields["applicability"].widget.choices = [
                choice
                for choice in ScopeItem.Applicability.choices
                if choice[0] != ScopeItem.Applicability.NOT_APPLICABLE
            ]

    def clean(self):
        data = super().clean()
        if data.get("applicability") == ScopeItem.Applicability.NOT_APPLICABLE:
            if self.refusal:
                self.add_error("applicability", self.refusal)
            elif not (data.get("justification") or "").strip():
                self.add_error("justification", NA_JUSTIFICATION)
        return data


class InstanceForm(forms.ModelForm):
    class Meta:
        model = Instance
        fields = ["key", "name", "kind", "process_areas"]
        widgets = {"process_areas": forms.CheckboxSelectMultiple}
        help_texts = {"key": "A short identifier used in exchange files, e.g. service-desk."}

    def __init__(self, *args, process_areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["process_areas"]
        field.queryset = field.queryset.filter(pk__in=[pa.pk for pa in process_areas]).order_by(
            "acronym"
        )
        field.label_from_instance = lambda pa: f"{pa.acronym} {pa.name}"
        field.label = "Process areas covered"
        if not self.instance.pk:
            field.initial = [pa.pk for pa in process_areas]

    def clean_key(self):
        key = self.cleaned_data["key"]
        qs = Instance.objects.filter(appraisal=self.instance.appraisal, key=key)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError(f"Another instance already uses the key {key!r}.")
        return key


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Appraisal.Status.choices)
    reason = text_field(
        limits.RATIONALE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CellForm(forms.Form):
    """One cell of the rating grid; fields absent from the POST are left as they are."""

    version = forms.IntegerField(min_value=0)
    value = forms.ChoiceField(choices=[("", "—"), *Value.choices], required=False)
    note = text_field(limits.NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("value", "note") if name in self.data}


class FindingForm(forms.ModelForm):
    """A strength or weakness on a PA, optionally narrowed to a goal, a practice and an
    instance; the choices are the PA's rated goals and practices and its covering instances.
    The service checks that they fit together."""

    goal = forms.ChoiceField(required=False, label="Goal (optional)")
    practice = forms.ChoiceField(required=False, label="Practice (optional)")
    instance = forms.ChoiceField(required=False, label="Instance (optional)")

    class Meta:
        model = Finding
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, practice_choices=(), goal_choices=(), instance_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [("", "— the practice's goal, or none —"), *goal_choices]
        self.fields["practice"].choices = [
            ("", "— the process area or goal as a whole —"),
            *practice_choices,
        ]
        self.fields["instance"].choices = [
            ("", "— the organisational unit —"),
            *instance_choices,
        ]


class FindingValidationForm(forms.Form):
    """The participants' feedback on one preliminary finding."""

    validation = forms.ChoiceField(
        choices=[c for c in Finding.Validation.choices if c[0]], label="Outcome"
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="New text (revised)",
    )
    validation_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason (rejected) or note",
    )


class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput,
        help_text="Only for a new account; existing users keep their password.",
    )
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self):
        data = super().clean()
        username = data.get("username")
        if not username:
            return data
        user = get_user_model().objects.filter(username=username).first()
        if user and self.organisation.memberships.filter(user=user).exists():
            self.add_error("username", MEMBER_EXISTS.format(username=username))
        if user is None:
            if not data.get("password"):
                self.add_error("password", NEW_USER_NEEDS_PASSWORD.format(username=username))
            else:
                try:
                    validate_password(data["password"])
                except forms.ValidationError as error:
                    self.add_error("password", error)
        data["user"] = user
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
