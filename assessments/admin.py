"""Staff manage organisations and memberships; appraisal data is edited in the app."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessments import revision
from assessments.models import Appraisal, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["organisation", "role"]
    autocomplete_fields = ["user"]


@admin.register(Appraisal)
class AppraisalAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "variant", "representation", "status"]
    list_filter = ["organisation", "status", "representation"]
    search_fields = ["name"]
    readonly_fields = ["code", "revision"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # cached results and open grids key on the revision (assessments/revision.py)
            revision.bump(obj)
