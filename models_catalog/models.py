"""The CMMI model catalog: constellations, their process areas, goals and practices.

Everything about a model is data loaded from fixtures (DESIGN §2). Every model has a natural key so
that fixtures are portable and reloading one updates rows instead of duplicating them.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

validate_slug_with_dots = RegexValidator(
    r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$", "Use lower-case letters, digits, hyphens and dots."
)


class ConstellationManager(models.Manager["Constellation"]):
    def get_by_natural_key(self, slug: str) -> Constellation:
        return self.get(slug=slug)


class Constellation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    # Not a SlugField: DESIGN's slugs carry the version, dots included ("cmmi-dev-1.2").
    slug = models.CharField(max_length=64, unique=True, validators=[validate_slug_with_dots])
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=32)
    status = models.CharField(max_length=8, choices=Status.choices)
    source = models.TextField(blank=True)
    max_capability_level = models.PositiveSmallIntegerField()

    objects = ConstellationManager()

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "final"]),
                name="models_catalog_constellation_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def get_absolute_url(self) -> str:
        return reverse("models_catalog:constellation", kwargs={"slug": self.slug})


class ConstellationChildManager(models.Manager):
    """Manager for rows keyed by their constellation's slug plus one field of their own."""

    key_field = ""

    def get_by_natural_key(self, constellation_slug: str, key):
        return self.get(constellation__slug=constellation_slug, **{self.key_field: key})


class LevelManager(ConstellationChildManager):
    key_field = "number"


class MaturityLevel(models.Model):
    constellation = models.ForeignKey(
        Constellation, on_delete=models.CASCADE, related_name="maturity_levels"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)

    objects = LevelManager()

    class Meta:
        ordering = ["constellation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["constellation", "number"], name="models_catalog_ml_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=5),
                name="models_catalog_ml_number_range",
            ),
        ]

    def __str__(self) -> str:
        return f"ML{self.number} {self.name}"

    def natural_key(self) -> tuple[str, int]:
        return (self.constellation.slug, self.number)

    natural_key.dependencies = ["models_catalog.constellation"]


class CapabilityLevel(models.Model):
    constellation = models.ForeignKey(
        Constellation, on_delete=models.CASCADE, related_name="capability_levels"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)

    objects = LevelManager()

    class Meta:
        ordering = ["constellation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["constellation", "number"], name="models_catalog_cl_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=0, number__lte=5),
                name="models_catalog_cl_number_range",
            ),
        ]

    def __str__(self) -> str:
        return f"CL{self.number} {self.name}"

    def natural_key(self) -> tuple[str, int]:
        return (self.constellation.slug, self.number)

    natural_key.dependencies = ["models_catalog.constellation"]


class CategoryManager(ConstellationChildManager):
    key_field = "name"


class Category(models.Model):
    constellation = models.ForeignKey(
        Constellation, on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CategoryManager()

    class Meta:
        ordering = ["constellation", "order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["constellation", "name"], name="models_catalog_category_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, str]:
        return (self.constellation.slug, self.name)

    natural_key.dependencies = ["models_catalog.constellation"]


class ProcessAreaManager(ConstellationChildManager):
    key_field = "acronym"


class ProcessArea(models.Model):
    constellation = models.ForeignKey(
        Constellation, on_delete=models.CASCADE, related_name="process_areas"
    )
    acronym = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="process_areas")
    maturity_level = models.ForeignKey(
        MaturityLevel, on_delete=models.PROTECT, related_name="process_areas"
    )
    # Empty for the core; the name of the optional addition (OSM, SCON, SSD, ...) otherwise.
    addition = models.CharField(max_length=16, blank=True)
    # DESIGN §3: only some PAs (SAM in the shipped constellations) may be declared not
    # applicable; any other PA left out of an appraisal is out of scope.
    may_be_not_applicable = models.BooleanField(default=False)

    objects = ProcessAreaManager()

    class Meta:
        ordering = ["constellation", "acronym"]
        constraints = [
            models.UniqueConstraint(
                fields=["constellation", "acronym"], name="models_catalog_pa_unique_acronym"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.acronym} {self.name}"

    def natural_key(self) -> tuple[str, str]:
        return (self.constellation.slug, self.acronym)

    natural_key.dependencies = [
        "models_catalog.constellation",
        "models_catalog.category",
        "models_catalog.maturitylevel",
    ]

    def get_absolute_url(self) -> str:
        return reverse(
            "models_catalog:process_area",
            kwargs={"slug": self.constellation.slug, "acronym": self.acronym},
        )


class SpecificGoalManager(models.Manager["SpecificGoal"]):
    def get_by_natural_key(self, constellation_slug: str, acronym: str, number: int):
        return self.get(
            process_area__constellation__slug=constellation_slug,
            process_area__acronym=acronym,
            number=number,
        )


class SpecificGoal(models.Model):
    process_area = models.ForeignKey(ProcessArea, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    # Empty when every variant has the goal; the addition's name (e.g. IPPD) otherwise.
    addition = models.CharField(max_length=16, blank=True)

    objects = SpecificGoalManager()

    class Meta:
        ordering = ["process_area", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["process_area", "number"], name="models_catalog_sg_unique_number"
            ),
        ]

    @property
    def code(self) -> str:
        return f"SG {self.number}"

    def __str__(self) -> str:
        return f"{self.process_area.acronym} {self.code} {self.title}"

    def natural_key(self) -> tuple[str, str, int]:
        return (*self.process_area.natural_key(), self.number)

    natural_key.dependencies = ["models_catalog.processarea"]


class SpecificPracticeManager(models.Manager["SpecificPractice"]):
    def get_by_natural_key(self, constellation_slug: str, acronym: str, goal: int, number: int):
        return self.get(
            goal__process_area__constellation__slug=constellation_slug,
            goal__process_area__acronym=acronym,
            goal__number=goal,
            number=number,
        )


class SpecificPractice(models.Model):
    goal = models.ForeignKey(SpecificGoal, on_delete=models.CASCADE, related_name="practices")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)

    objects = SpecificPracticeManager()

    class Meta:
        ordering = ["goal", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "number"], name="models_catalog_sp_unique_number"
            ),
        ]

    @property
    def code(self) -> str:
        return f"SP {self.goal.number}.{self.number}"

    def __str__(self) -> str:
        return f"{self.goal.process_area.acronym} {self.code} {self.title}"

    def natural_key(self) -> tuple[str, str, int, int]:
        return (*self.goal.natural_key(), self.number)

    natural_key.dependencies = ["models_catalog.specificgoal"]


class GenericGoal(models.Model):
    constellation = models.ForeignKey(
        Constellation, on_delete=models.CASCADE, related_name="generic_goals"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    capability_level = models.ForeignKey(
        CapabilityLevel, on_delete=models.PROTECT, related_name="generic_goals"
    )

    objects = LevelManager()

    class Meta:
        ordering = ["constellation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["constellation", "number"], name="models_catalog_gg_unique_number"
            ),
        ]

    @property
    def code(self) -> str:
        return f"GG {self.number}"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def natural_key(self) -> tuple[str, int]:
        return (self.constellation.slug, self.number)

    natural_key.dependencies = ["models_catalog.capabilitylevel"]


class GenericPracticeManager(models.Manager["GenericPractice"]):
    def get_by_natural_key(self, constellation_slug: str, goal: int, number: int):
        return self.get(
            generic_goal__constellation__slug=constellation_slug,
            generic_goal__number=goal,
            number=number,
        )


class GenericPractice(models.Model):
    generic_goal = models.ForeignKey(
        GenericGoal, on_delete=models.CASCADE, related_name="practices"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)

    objects = GenericPracticeManager()

    class Meta:
        ordering = ["generic_goal", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["generic_goal", "number"], name="models_catalog_gp_unique_number"
            ),
        ]

    @property
    def code(self) -> str:
        return f"GP {self.generic_goal.number}.{self.number}"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def natural_key(self) -> tuple[str, int, int]:
        return (*self.generic_goal.natural_key(), self.number)

    natural_key.dependencies = ["models_catalog.genericgoal"]


class ModelVariantManager(ConstellationChildManager):
    key_field = "slug"


class ModelVariant(models.Model):
    """A named model of a constellation: the core PAs plus a chosen set of additions."""

    constellation = models.ForeignKey(
        Constellation, on_delete=models.CASCADE, related_name="variants"
    )
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=100)
    additions = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ModelVariantManager()

    class Meta:
        ordering = ["constellation", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["constellation", "slug"], name="models_catalog_variant_unique_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, str]:
        return (self.constellation.slug, self.slug)

    natural_key.dependencies = ["models_catalog.constellation"]

    def get_absolute_url(self) -> str:
        return reverse(
            "models_catalog:variant",
            kwargs={"slug": self.constellation.slug, "variant": self.slug},
        )

    def includes(self, addition: str) -> bool:
        """Whether a PA or goal with this addition ("" for the core) belongs to the variant."""
        return not addition or addition in self.additions


class ItsmProcessManager(ConstellationChildManager):
    key_field = "name"


class ItsmProcess(models.Model):
    """A process of an IT service management standard and the PAs that address it."""

    constellation = models.ForeignKey(
        Constellation, on_delete=models.CASCADE, related_name="itsm_processes"
    )
    name = models.CharField(max_length=200)
    standard = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    process_areas = models.ManyToManyField(ProcessArea, blank=True, related_name="itsm_processes")
    note = models.TextField(blank=True)

    objects = ItsmProcessManager()

    class Meta:
        ordering = ["constellation", "order", "name"]
        verbose_name = "ITSM process"
        verbose_name_plural = "ITSM processes"
        constraints = [
            models.UniqueConstraint(
                fields=["constellation", "name"], name="models_catalog_itsm_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.standard})"

    def natural_key(self) -> tuple[str, str]:
        return (self.constellation.slug, self.name)

    natural_key.dependencies = ["models_catalog.processarea"]


class ProcessAreaCorrespondenceManager(models.Manager["ProcessAreaCorrespondence"]):
    def get_by_natural_key(
        self, source_slug: str, source_acronym: str, target_slug: str, target_acronym: str
    ) -> ProcessAreaCorrespondence:
        return self.get(
            source__constellation__slug=source_slug,
            source__acronym=source_acronym,
            target__constellation__slug=target_slug,
            target__acronym=target_acronym,
        )


class ProcessAreaCorrespondence(models.Model):
    """A PA that carries on the work of a PA of another constellation under another acronym.

    PAs with the same acronym correspond without a row; a row names a pair that the acronyms do
    not reveal (IRM in the 2007 draft and IRP in CMMI-SVC v1.3). It holds in both directions.
    """

    source = models.ForeignKey(
        ProcessArea, on_delete=models.CASCADE, related_name="correspondences_out"
    )
    target = models.ForeignKey(
        ProcessArea, on_delete=models.CASCADE, related_name="correspondences_in"
    )
    note = models.TextField(blank=True)
    # Only some of the source's content moved to the target (REQM's service agreements to SD):
    # a "see also", not a pair to align goal by goal.
    partial = models.BooleanField(default=False)

    objects = ProcessAreaCorrespondenceManager()

    class Meta:
        ordering = ["source", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"], name="models_catalog_correspondence_unique"
            ),
        ]

    def __str__(self) -> str:
        source, target = self.source, self.target
        return (
            f"{source.acronym} ({source.constellation.slug}) → "
            f"{target.acronym} ({target.constellation.slug})"
        )

    def natural_key(self) -> tuple[str, str, str, str]:
        return (*self.source.natural_key(), *self.target.natural_key())

    natural_key.dependencies = ["models_catalog.processarea"]
