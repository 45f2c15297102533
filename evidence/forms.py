"""Forms of the evidence library: an item, the library filters, links from a cell or in bulk."""

from __future__ import annotations

from django import forms

from evidence.models import EvidenceItem, EvidenceLink


class ItemForm(forms.ModelForm):
    """An item's fields; the kind is chosen when it is created and kept after."""

    upload = forms.FileField(
        required=False,
        label="File",
        help_text="PDF, office documents, images, text, CSV or ZIP; artifacts only.",
    )

    class Meta:
        model = EvidenceItem
        fields = [
            "kind",
            "title",
            "description",
            "artifact_kind",
            "uri",
            "version",
            "owner",
            "affirmation_kind",
            "date",
            "roles_heard",
            "speaks_for",
            "notes",
        ]
        labels = {
            "artifact_kind": "Artifact kind",
            "uri": "URI (link or location)",
            "version": "Version",
            "affirmation_kind": "Affirmation kind",
            "date": "Date (of the version or the session)",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "roles_heard": forms.Textarea(attrs={"rows": 2}),
            "speaks_for": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].disabled = True
        # The unique title is checked by the service with a clearer message.
        self.fields["kind"].widget.attrs["class"] = "evidence-kind"

    def validate_unique(self):
        pass

    def validate_constraints(self, exclude=None):
        pass


class LibraryFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *EvidenceItem.Kind.choices])
    appraisal = forms.ChoiceField(required=False, choices=())
    process_area = forms.CharField(required=False, max_length=10, label="PA")
    practice = forms.CharField(required=False, max_length=10, label="Practice")
    instance = forms.CharField(required=False, max_length=64, label="Instance key")
    unlinked = forms.BooleanField(required=False, label="Linked nowhere")

    def __init__(self, *args, appraisals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appraisal"].choices = [("", "Any appraisal")] + [
            (str(a.code), a.name) for a in appraisals
        ]

    def clean_practice(self) -> str:
        return " ".join(self.cleaned_data["practice"].upper().replace("-", " ").split())

    def clean_process_area(self) -> str:
        return self.cleaned_data["process_area"].strip().upper()


class AttachForm(forms.Form):
    """Attach a library item to a cell."""

    item = forms.UUIDField()
    pii = forms.ChoiceField(required=False, choices=EvidenceLink.Pii.choices)


class QuickItemForm(forms.Form):
    """Create an item from the cell panel and attach it at once."""

    kind = forms.ChoiceField(choices=EvidenceItem.Kind.choices)
    title = forms.CharField(max_length=300)
    uri = forms.CharField(required=False, max_length=1000, label="URI")
    pii = forms.ChoiceField(required=False, choices=EvidenceLink.Pii.choices)
    upload = forms.FileField(required=False, label="File")


class BulkLinkForm(forms.Form):
    """Link an item to the chosen practices × instances of one PA of an appraisal."""

    practices = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    instances = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    pii = forms.ChoiceField(
        required=False, choices=EvidenceLink.Pii.choices, label="Artifact type (v1.2)"
    )

    def __init__(self, *args, practice_choices=(), instance_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practices"].choices = list(practice_choices)
        self.fields["instances"].choices = list(instance_choices)
