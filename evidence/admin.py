from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessments import revision
from assessments.models import Appraisal
from evidence.models import EvidenceItem, EvidenceLink


def _bump_linked(appraisal_ids) -> None:
    """Links and item kinds change the coverage of the appraisals they belong to: raise their
    revisions (the admin runs each change in a transaction)."""
    for appraisal in Appraisal.objects.filter(pk__in=set(appraisal_ids)).order_by("pk"):
        revision.bump(appraisal)


@admin.register(EvidenceItem)
class EvidenceItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "kind", "artifact_kind", "affirmation_kind", "date"]
    list_filter = ["organisation", "kind"]
    search_fields = ["title", "uri", "description"]
    readonly_fields = ["code", "file_sha256", "file_size", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "kind" in form.changed_data:
            _bump_linked(obj.links.values_list("appraisal_id", flat=True))

    def delete_model(self, request, obj):
        linked = list(obj.links.values_list("appraisal_id", flat=True))
        super().delete_model(request, obj)
        _bump_linked(linked)

    def delete_queryset(self, request, queryset):
        linked = list(
            EvidenceLink.objects.filter(item__in=queryset).values_list("appraisal_id", flat=True)
        )
        super().delete_queryset(request, queryset)
        _bump_linked(linked)


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(SimpleHistoryAdmin):
    list_display = ["item", "appraisal", "sampled_instance", "process_area", "pii"]
    list_filter = ["appraisal", "pii"]
    raw_id_fields = ["item", "appraisal", "sampled_instance"]

    def save_model(self, request, obj, form, change):
        before = EvidenceLink.objects.filter(pk=obj.pk).values_list("appraisal_id", flat=True)
        linked = list(before) if change else []
        super().save_model(request, obj, form, change)
        _bump_linked([*linked, obj.appraisal_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _bump_linked([obj.appraisal_id])

    def delete_queryset(self, request, queryset):
        linked = list(queryset.values_list("appraisal_id", flat=True))
        super().delete_queryset(request, queryset)
        _bump_linked(linked)
