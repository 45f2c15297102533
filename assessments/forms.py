"""Forms: they validate and normalise input; services apply it."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from assessments import limits
from assessments.limits import text_field
from assessments.models import Appraisal, Finding, Instance, Role, ScopeItem, Value
from models_catalog.models import ModelVariant

MEMBER_EXISTS = "{username} is already a member."
# A message that mentions a password, not one.
NEW_USER_NEEDS_PASSWORD = "There is no user {username}: give a password to create the account."  # nosec B105
DATE_ORDER = "The appraisal cannot end before it starts."


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

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["variant"].label_from_instance = lambda v: f"{v.name} ({v.constellation})"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.organisation and self.organisation.appraisals.filter(name=name).exists():
            raise forms.ValidationError(f"{self.organisation} already has an appraisal {name!r}.")
        return name

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", DATE_ORDER)
        if data.get("representation") == Appraisal.Representation.STAGED:
            if not data.get("target_maturity_level"):
                self.add_error("target_maturity_level", "Choose the target maturity level.")
        elif data.get("representation") == Appraisal.Representation.CONTINUOUS:
            variant = data.get("variant")
            level = data.get("target_capability_level")
            if not level:
                self.add_error("target_capability_level", "Choose a target capability level.")
            elif variant and level > variant.constellation.max_capability_level:
                self.add_error(
                    "target_capability_level",
                    f"{variant.constellation} has capability levels up to "
                    f"{variant.constellation.max_capability_level}.",
                )
        return data


class AppraisalEditForm(forms.ModelForm):
    class Meta:
        model = Appraisal
        fields = ["name", "target_maturity_level", "start_date", "end_date", "team"]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "team": forms.Textarea(attrs={"rows": 3}),
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
    class Meta:
        model = ScopeItem
        fields = ["applicability", "justification", "target_capability_level"]
        widgets = {"justification": forms.TextInput(attrs={"placeholder": "Why?"})}

    def clean(self):
        data = super().clean()
        if (
            data.get("applicability") == ScopeItem.Applicability.NOT_APPLICABLE
            and not (data.get("justification") or "").strip()
        ):
            self.add_error("justification", "Say why the process area is not applicable.")
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
    artifacts = text_field(
        limits.EVIDENCE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Artifacts",
        help_text="Document references, one per line.",
    )
    affirmations = text_field(
        limits.EVIDENCE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Interviews and statements, one per line.",
    )

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("value", "note", "artifacts", "affirmations")
            if name in self.data
        }


class FindingForm(forms.ModelForm):
    practice = forms.ChoiceField(required=False, label="Practice (optional)")

    class Meta:
        model = Finding
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, practice_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].choices = [
            ("", "— the process area as a whole —"),
            *practice_choices,
        ]


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
