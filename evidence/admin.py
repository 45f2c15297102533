from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evidence.models import EvidenceItem, EvidenceLink


@admin.register(EvidenceItem)
class EvidenceItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "kind", "artifact_kind", "affirmation_kind", "date"]
    list_filter = ["organisation", "kind"]
    search_fields = ["title", "uri", "description"]
    readonly_fields = ["code", "file_sha256", "file_size", "created_by", "created_at"]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(SimpleHistoryAdmin):
    list_display = ["item", "appraisal", "sampled_instance", "process_area", "pii"]
    list_filter = ["appraisal", "pii"]
    raw_id_fields = ["item", "appraisal", "sampled_instance"]
