"""Staff can look at the improvement cycle; members edit it in the app."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from improvement.models import (
    ActionTarget,
    AppraisalLineage,
    ChangeProposal,
    ImprovementAction,
    ReminderSent,
)


class ActionTargetInline(admin.TabularInline):
    model = ActionTarget
    extra = 0
    raw_id_fields = [
        "process_area",
        "specific_goal",
        "generic_goal",
        "specific_practice",
        "generic_practice",
    ]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "status", "owner", "due_date", "default_priority"]
    list_filter = ["organisation", "status"]
    search_fields = ["title", "description"]
    readonly_fields = ["code", "closed_at", "default_priority"]
    raw_id_fields = ["owner", "source_appraisal", "findings", "created_by"]
    inlines = [ActionTargetInline]


@admin.register(ChangeProposal)
class ChangeProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "status", "proposed_by", "created_at"]
    list_filter = ["organisation", "status"]
    raw_id_fields = ["process_area", "specific_practice", "generic_practice", "action"]


@admin.register(AppraisalLineage)
class AppraisalLineageAdmin(SimpleHistoryAdmin):
    list_display = ["appraisal", "previous", "created_at"]
    raw_id_fields = ["appraisal", "previous", "created_by"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["action", "recipient", "kind", "sent_on"]
    list_filter = ["kind", "sent_on"]
