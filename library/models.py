"""The good-practice library: case studies and guidance written by the network's organisations,
reviewed by the regional coordinator and published for anyone to read.

A page is written in Markdown by a member of the organisation that owns it, submitted for
review, then published or sent back with a comment by the coordinator. Only published pages are
public; drafts stay with their organisation. Every change is a PageEvent saying who, when and
what. Pages are about schemes and organisations, never about the people helped.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation
from organisations.scope import scope_of
from regions.models import Area, Region

from .content import render_markdown


class Kind(models.TextChoices):
    CASE_STUDY = "case_study", "Case study"
    GUIDANCE = "guidance", "Guidance"


class Theme(models.TextChoices):
    DEVICE_DONATION = "device_donation", "Device donation"
    REFURBISHMENT = "refurbishment", "Refurbishment and reuse"
    DIGITAL_SKILLS = "digital_skills", "Digital skills"
    CONNECTIVITY = "connectivity", "Connectivity"
    PARTNERSHIPS = "partnerships", "Partnerships"
    DATA_AND_IMPACT = "data_and_impact", "Data and impact"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


# What the coordinator sees of other organisations' pages: never their drafts.
REVIEWABLE = (Status.IN_REVIEW, Status.PUBLISHED, Status.WITHDRAWN)


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, principal):
        """Pages a signed-in user may open in the workspace: their organisations' own, in any
        state, and for a coordinator every page of the region once it has been submitted.
        Published pages are public through `published()`; no one sees another's drafts."""
        scope = scope_of(principal)
        if scope.is_anonymous:
            return self.none()
        condition = Q(organisation_id__in=scope.organisation_ids)
        if scope.coordinator_region_ids:
            condition |= Q(region_id__in=scope.coordinator_region_ids, status__in=REVIEWABLE)
        return self.filter(condition)

    def with_tags(self):
        return self.select_related("organisation").prefetch_related(
            "theme_tags",
            models.Prefetch("areas", queryset=Area.objects.defer("boundary", "statistics")),
            "organisations",
        )


class Page(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="library_pages")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="library_pages",
        help_text="The organisation that wrote the page and may change it.",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=90, unique=True)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown.")
    outcomes = models.JSONField(
        default=list, blank=True, help_text='Figures: [{"figure": "312", "label": "…"}].'
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="library_pages")
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="library_mentions",
        help_text="Organisations the page is about (partners), beyond the one that wrote it.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-updated_at", "pk"]
        indexes = [
            models.Index(fields=["region", "status", "kind", "published_at"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:page", kwargs={"slug": self.slug})

    def get_workspace_url(self) -> str:
        return reverse("library:manage", kwargs={"slug": self.slug})

    @property
    def body_html(self) -> str:
        return render_markdown(self.body)

    @property
    def themes(self) -> list[str]:
        """Theme values in Theme order (from the prefetch when there is one)."""
        chosen = {tag.theme for tag in self.theme_tags.all()}
        return [value for value in Theme.values if value in chosen]

    @property
    def theme_labels(self) -> list[str]:
        return [Theme(value).label for value in self.themes]


class PageTheme(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="theme_tags")
    theme = models.CharField(max_length=20, choices=Theme.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "theme"], name="library_page_theme_unique")
        ]
        indexes = [models.Index(fields=["theme", "page"])]

    def __str__(self) -> str:
        return self.get_theme_display()


class Action(models.TextChoices):
    CREATED = "created", "Started"
    EDITED = "edited", "Changed"
    SUBMITTED = "submitted", "Submitted for review"
    PUBLISHED = "published", "Published"
    SENT_BACK = "sent_back", "Sent back"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PageEvent(models.Model):
    """Who did what to a page, and when; a review's comment or a withdrawal's reason with it."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=12, choices=Action.choices)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"
