"""Objective evidence (DESIGN §3): a library per organisation, linked to the cells it supports.

An item (artifact or affirmation) is kept once per organisation and reused across its
appraisals; an `EvidenceLink` ties it to one cell (instance × PA × practice) of an appraisal.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments.models import Appraisal, Instance, Organisation, PracticeRef


class EvidenceStorage(Storage):
    """Delegates every call to the "evidence" alias of STORAGES at the time of the call.

    A FileField resolves its storage once, when the model class is built; going through the
    alias on each call lets settings (and tests) switch between the local disk and S3.
    """

    @property
    def backend(self) -> Storage:
        return storages["evidence"]

    def _open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def _save(self, name, content):
        return self.backend.save(name, content)

    def get_available_name(self, name, max_length=None):
        return name

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        return self.backend.url(name)

    def listdir(self, path):
        return self.backend.listdir(path)


def evidence_storage() -> Storage:
    """The "evidence" storage alias: the local disk by default, S3 when configured."""
    return EvidenceStorage()


def upload_to(item: EvidenceItem, filename: str) -> str:
    """One folder per organisation and upload: equal names never collide or overwrite."""
    return f"org-{item.organisation_id}/{uuid.uuid4().hex}/{filename}"


class ItemKind(models.TextChoices):
    ARTIFACT = "artifact", "Artifact"
    AFFIRMATION = "affirmation", "Affirmation"


class ArtifactKind(models.TextChoices):
    DOCUMENT = "document", "Document"
    FILE = "file", "File"
    URL = "url", "URL"
    DEMONSTRATION = "demonstration", "Demonstration"
    OTHER = "other", "Other"


class AffirmationKind(models.TextChoices):
    INTERVIEW = "interview", "Interview"
    DEMONSTRATION = "demonstration", "Demonstration"
    PRESENTATION = "presentation", "Presentation"


class Pii(models.TextChoices):
    """SCAMPI v1.2's type of an artifact link; "" counts as indirect (DESIGN §4.8)."""

    UNSPECIFIED = "", "Not said"
    DIRECT = "direct", "Direct artifact"
    INDIRECT = "indirect", "Indirect artifact"


class EvidenceItem(models.Model):
    """An artifact (document, file, URL, demonstration) or an affirmation (interview, ...)."""

    Kind = ItemKind
    ArtifactKind = ArtifactKind
    AffirmationKind = AffirmationKind

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="evidence_items"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # Artifacts: the sort of artifact, where it is (an uploaded file and/or a URI), which
    # version (or as of which date) and who owns it.
    artifact_kind = models.CharField(max_length=16, choices=ArtifactKind.choices, blank=True)
    uri = models.CharField(max_length=1000, blank=True)
    version = models.CharField(max_length=100, blank=True)
    owner = models.CharField(max_length=200, blank=True)
    # Affirmations: the sort of session, who was heard and which instances it speaks for.
    affirmation_kind = models.CharField(max_length=16, choices=AffirmationKind.choices, blank=True)
    roles_heard = models.TextField(blank=True)
    speaks_for = models.TextField(
        blank=True, help_text="The instances (services, projects, teams) it speaks for."
    )
    date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    file = models.FileField(storage=evidence_storage, upload_to=upload_to, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["organisation", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "title"], name="evidence_item_unique_title"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ItemKind.values), name="evidence_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(artifact_kind__in=["", *ArtifactKind.values]),
                name="evidence_item_artifact_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(affirmation_kind__in=["", *AffirmationKind.values]),
                name="evidence_item_affirmation_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="artifact", affirmation_kind="")
                | models.Q(kind="affirmation", artifact_kind="", file=""),
                name="evidence_item_fields_of_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evidence:item", kwargs={"org": self.organisation.slug, "item": self.code})

    @property
    def is_artifact(self) -> bool:
        return self.kind == ItemKind.ARTIFACT

    @property
    def sort_label(self) -> str:
        if self.is_artifact:
            return self.get_artifact_kind_display() or "Artifact"
        return self.get_affirmation_kind_display() or "Affirmation"


class EvidenceLink(PracticeRef):
    """An item linked to one cell of an appraisal: instance × PA × practice (SP or GP)."""

    Pii = Pii

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="links")
    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="evidence_links"
    )
    # Not named `instance`: django-simple-history reserves that name on historical rows.
    sampled_instance = models.ForeignKey(
        Instance, on_delete=models.CASCADE, related_name="evidence_links"
    )
    pii = models.CharField(max_length=8, choices=Pii.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["appraisal", "sampled_instance", "process_area", "id"]
        indexes = [
            models.Index(fields=["appraisal", "process_area"], name="evidence_link_cell_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "sampled_instance", "process_area", "specific_practice"],
                condition=models.Q(specific_practice__isnull=False),
                name="evidence_link_unique_sp",
            ),
            models.UniqueConstraint(
                fields=["item", "sampled_instance", "process_area", "generic_practice"],
                condition=models.Q(generic_practice__isnull=False),
                name="evidence_link_unique_gp",
            ),
            PracticeRef.exactly_one_practice("evidence_link_one_practice"),
            models.CheckConstraint(
                condition=models.Q(pii__in=Pii.values), name="evidence_link_pii_valid"
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.sampled_instance} {self.process_area.acronym} {self.practice_code}"
        return f"{self.item} → {where}"
