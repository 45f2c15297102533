"""Staff browse a constellation as a tree (PA → goals → practices) and search practices."""

from django.contrib import admin

from models_catalog.models import (
    CapabilityLevel,
    Category,
    Constellation,
    GenericGoal,
    GenericPractice,
    ItsmProcess,
    MaturityLevel,
    ModelVariant,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)


class ProcessAreaInline(admin.TabularInline):
    model = ProcessArea
    fields = ["acronym", "name", "category", "maturity_level", "addition"]
    show_change_link = True
    extra = 0


class ModelVariantInline(admin.TabularInline):
    model = ModelVariant
    fields = ["slug", "name", "additions", "order"]
    extra = 0


@admin.register(Constellation)
class ConstellationAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "version", "status", "max_capability_level"]
    search_fields = ["slug", "name"]
    inlines = [ModelVariantInline, ProcessAreaInline]


class SpecificGoalInline(admin.TabularInline):
    model = SpecificGoal
    fields = ["number", "title", "addition"]
    show_change_link = True
    extra = 0


@admin.register(ProcessArea)
class ProcessAreaAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "constellation", "category", "maturity_level", "addition"]
    list_filter = ["constellation", "category__name", "maturity_level__number", "addition"]
    search_fields = ["acronym", "name", "purpose"]
    list_select_related = ["constellation", "category", "maturity_level"]
    inlines = [SpecificGoalInline]


class SpecificPracticeInline(admin.TabularInline):
    model = SpecificPractice
    fields = ["number", "title"]
    extra = 0


@admin.register(SpecificGoal)
class SpecificGoalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "process_area", "addition"]
    list_filter = ["process_area__constellation"]
    search_fields = ["title", "process_area__acronym"]
    list_select_related = ["process_area"]
    inlines = [SpecificPracticeInline]


@admin.register(SpecificPractice)
class SpecificPracticeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "goal"]
    list_filter = ["goal__process_area__constellation", "goal__process_area__acronym"]
    search_fields = ["title", "goal__title", "goal__process_area__acronym"]
    list_select_related = ["goal__process_area"]


class GenericPracticeInline(admin.TabularInline):
    model = GenericPractice
    fields = ["number", "title"]
    extra = 0


@admin.register(GenericGoal)
class GenericGoalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "constellation", "capability_level"]
    list_filter = ["constellation"]
    inlines = [GenericPracticeInline]


@admin.register(GenericPractice)
class GenericPracticeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "generic_goal"]
    list_filter = ["generic_goal__constellation"]
    search_fields = ["title"]
    list_select_related = ["generic_goal"]


@admin.register(ItsmProcess)
class ItsmProcessAdmin(admin.ModelAdmin):
    list_display = ["name", "standard", "constellation"]
    list_filter = ["constellation"]
    filter_horizontal = ["process_areas"]


admin.site.register(MaturityLevel)
admin.site.register(CapabilityLevel)
admin.site.register(Category)
