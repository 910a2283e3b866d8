from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class RegionQuerySet(models.QuerySet):
    def current(self) -> "Region":
        """The region this deployment serves: REHOME_REGION's slug, or the only one loaded."""
        if settings.REHOME_REGION:
            return self.get(slug=settings.REHOME_REGION)
        regions = list(self.order_by("pk")[:2])
        if len(regions) == 1:
            return regions[0]
        if not regions:
            raise Region.DoesNotExist("No region is loaded: run `manage.py load_region PATH`.")
        raise ImproperlyConfigured("Several regions are loaded: set REHOME_REGION to one slug.")


class Region(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    authority = models.CharField(max_length=200, help_text="The body that runs the region.")
    service_name = models.CharField(
        max_length=120, help_text='Shown in the header, e.g. "Rehome West Midlands".'
    )
    area_label = models.CharField(
        max_length=60, default="area", help_text='What an area is called, e.g. "council".'
    )
    contact_email = models.EmailField(blank=True)
    attribution = models.JSONField(
        default=list, help_text="Lines that must appear where the data is shown."
    )
    sources = models.TextField(
        blank=True, help_text="The data pack's SOURCES, shown on the about page."
    )
    loaded_at = models.DateTimeField(auto_now=True)

    objects = RegionQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=20, help_text="ONS geography code, e.g. E08000025.")
    name = models.CharField(max_length=120)
    slug = models.SlugField()
    population = models.PositiveIntegerField(null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    imd_rank = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Index of Multiple Deprivation rank of average score; 1 is most deprived.",
    )
    imd_score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    share_most_deprived = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Share (0-1) of small areas in the most deprived 10% nationally.",
    )
    internet_nonuse_pct = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    statistics = models.JSONField(
        default=dict, help_text="Every column of the pack's row, as loaded."
    )
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON geometry (WGS84 lon/lat)."
    )
    postcode_districts = models.JSONField(
        default=list,
        blank=True,
        help_text="Postcode districts (outward codes) wholly or partly in the area, e.g. B15.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="area_code_unique_in_region"),
            models.UniqueConstraint(fields=["region", "slug"], name="area_slug_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.name
