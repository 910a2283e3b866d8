"""Referrals: a community organisation (VCSE) asking for a device, data and skills support for
one person, and what happened next.

The person is known to Rehome only by the VCSE's own pseudonymous reference. No name, address,
date of birth or contact detail is stored; free text refuses obvious personal data, and what
free text there is (notes, reasons) is cleared a while after the referral closes, when the
reference is replaced too. Counts survive, so reports stay right.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from devices.models import Device, DeviceType
from directory.models import Service
from lib.suitability import TIER_LABELS
from organisations.models import Organisation
from organisations.roles import Role
from organisations.scope import scope_of
from regions.models import Area, Region


class State(models.TextChoices):
    WAITING = "waiting", "Waiting"
    ALLOCATED = "allocated", "Device allocated"
    READY_TO_COLLECT = "ready_to_collect", "Ready to collect"
    HANDED_OVER = "handed_over", "Handed over"
    FOLLOWED_UP = "followed_up", "Followed up"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


OPEN_STATES = (State.WAITING, State.ALLOCATED, State.READY_TO_COLLECT)
HOLDING_A_DEVICE = (State.ALLOCATED, State.READY_TO_COLLECT)
CLOSED_STATES = (State.FOLLOWED_UP, State.WITHDRAWN, State.EXPIRED)


class Eligibility(models.TextChoices):
    LOW_INCOME = "low_income", "Low income"
    BENEFITS = "benefits", "Receives benefits"
    OLDER_PERSON = "older_person", "Older person"
    DISABILITY = "disability", "Disabled or long-term health condition"
    CARE_LEAVER = "care_leaver", "Care leaver"
    JOB_SEEKER = "job_seeker", "Looking for work"
    SCHOOL_CHILDREN = "school_children", "Family with school-age children"
    REFUGEE = "refugee", "Refugee or asylum seeker"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse survivor"
    HOMELESS = "homeless", "Homeless or insecurely housed"
    OTHER = "other", "Other (say why in the notes)"


class Accessibility(models.TextChoices):
    SCREEN_READER = "screen_reader", "Screen reader"
    LARGE_DISPLAY = "large_display", "Large display"
    MAGNIFICATION = "magnification", "Magnification or high contrast"
    SIMPLE_INTERFACE = "simple_interface", "Simplified interface"
    HEARING = "hearing", "Hearing support (captions, hearing aid pairing)"
    ALTERNATIVE_INPUT = "alternative_input", "Alternative input (voice, switch, large keyboard)"


class Connectivity(models.TextChoices):
    HAS_CONNECTION = "has_connection", "Has broadband or enough mobile data"
    NEEDS_SIM = "needs_sim", "Needs a data SIM"
    NEEDS_SOCIAL_TARIFF = "needs_social_tariff", "Needs help getting a social tariff"


class SkillsTopic(models.TextChoices):
    GETTING_STARTED = "getting_started", "Getting started with the device"
    STAYING_SAFE = "staying_safe", "Staying safe online"
    PUBLIC_SERVICES = "public_services", "Online public services (GOV.UK, NHS, council)"
    MONEY = "money", "Banking, bills and benefits online"
    WORK = "work", "Job search and work"
    LEARNING = "learning", "Learning and education"
    KEEPING_IN_TOUCH = "keeping_in_touch", "Keeping in touch with family and friends"


class Priority(models.IntegerChoices):
    URGENT = 1, "Urgent"
    HIGH = 2, "High"
    STANDARD = 3, "Standard"


class ConsentBy(models.TextChoices):
    PERSON = "person", "The person themselves"
    PARENT = "parent", "Their parent or guardian"
    REPRESENTATIVE = "representative", "Someone with authority to act for them"


class ConsentPurpose(models.TextChoices):
    REFERRAL = "referral", "Be referred for a device, data and skills support"
    FOLLOW_UP = "follow_up", "Be asked how it went, about three months after the handover"
    AGGREGATE = "aggregate", "Be counted, without being identified, in published figures"


REQUIRED_CONSENT = {ConsentPurpose.REFERRAL, ConsentPurpose.AGGREGATE}


class CloseReason(models.TextChoices):
    FOUND_ELSEWHERE = "found_elsewhere", "Got a device elsewhere"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needs one"
    CANNOT_CONTACT = "cannot_contact", "Cannot be contacted"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Withdrew consent"
    OTHER = "other", "Other"


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, principal):
        """Only the VCSE that made a referral sees it, and no one else: coordinators and council
        officers see aggregates, never individual referrals."""
        scope = scope_of(principal)
        vcses = [g.organisation_id for g in scope.grants if g.role == Role.VCSE_WORKER]
        return self.filter(vcse_id__in=vcses)

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def waiting(self):
        return self.filter(state=State.WAITING)


class Referral(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="referrals")
    vcse = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals")
    reference = models.CharField(
        "your reference",
        max_length=40,
        help_text="Your own reference for this person, from your records. Never their name.",
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="referrals")
    postcode_district = models.CharField(
        max_length=4, blank=True, help_text="Optional: the first half of the postcode, e.g. B15."
    )
    eligibility = models.JSONField(default=list)
    device_type = models.CharField("device needed", max_length=16, choices=DeviceType.choices[:-1])
    substitutes = models.JSONField(
        default=list, blank=True, help_text="Other device types that would also do."
    )
    minimum_tier = models.PositiveSmallIntegerField(
        "minimum specification",
        choices=[(tier, label) for tier, label in TIER_LABELS.items()],
        default=1,
        help_text="Ask for more than basic only when the person's use needs it: it can mean a "
        "longer wait.",
    )
    accessibility = models.JSONField(default=list, blank=True)
    connectivity = models.CharField(max_length=20, choices=Connectivity.choices)
    skills = models.JSONField(default=list, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.STANDARD)
    priority_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    consent_by = models.CharField(max_length=16, choices=ConsentBy.choices)
    consent_purposes = models.JSONField(default=list)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    consent_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.WAITING)
    state_changed_at = models.DateTimeField(default=timezone.now)
    referred_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_on = models.DateField()
    expiry_notice_at = models.DateTimeField(null=True, blank=True)
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "referred_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vcse", "reference"], name="referral_reference_unique"),
            # A device is allocated to one open referral at a time.
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(state__in=["allocated", "ready_to_collect"]),
                name="referral_one_per_allocated_device",
            ),
        ]
        indexes = [
            models.Index(fields=["vcse", "state", "priority", "referred_at"]),
            models.Index(fields=["area", "state", "device_type", "priority", "referred_at"]),
            models.Index(fields=["state", "closed_at"]),
            models.Index(fields=["area", "allocated_at"]),
            # Who was waiting at the end of a past day (impact reports): a covering range scan in
            # referral order, which also finds the median wait without sorting.
            models.Index(
                fields=["referred_at", "allocated_at", "closed_at", "area"],
                name="referral_waiting_on",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("referrals:detail", kwargs={"uid": self.uid})

    @property
    def accepted_types(self) -> list[str]:
        return [self.device_type, *[t for t in self.substitutes if t != self.device_type]]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None

    def labels(self, field: str) -> list[str]:
        choices = {
            "eligibility": Eligibility,
            "accessibility": Accessibility,
            "skills": SkillsTopic,
            "consent_purposes": ConsentPurpose,
            "substitutes": DeviceType,
        }[field]
        names = dict(choices.choices)
        return [str(names.get(value, value)) for value in getattr(self, field)]


class EventKind(models.TextChoices):
    CREATED = "created", "Referred"
    STATE = "state", "State changed"
    EDITED = "edited", "Needs updated"
    RENEWED = "renewed", "Kept on the list"
    NOTICE = "notice", "Expiry notice sent"
    REMINDER = "reminder", "Follow-up reminder sent"
    PURGED = "purged", "Personal details cleared"


class ReferralEvent(models.Model):
    """Each change to a referral, with who made it. Holds no personal free text."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class SimBatch(models.Model):
    """Data SIMs a VCSE received together (from a databank or a network's scheme)."""

    vcse = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sim_batches")
    network = models.CharField(max_length=60)
    data_gb = models.PositiveIntegerField(
        "data per month (GB)", null=True, blank=True, help_text="Leave empty for unlimited."
    )
    months = models.PositiveSmallIntegerField("months of data")
    quantity = models.PositiveIntegerField()
    source = models.CharField(max_length=120, blank=True, help_text="e.g. National Databank.")
    received_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "pk"]

    def __str__(self) -> str:
        data = "unlimited data" if self.data_gb is None else f"{self.data_gb} GB a month"
        return f"{self.network}, {data}, {self.months} months"


class Handover(models.Model):
    """The bundle a person received: the device, a SIM or social-tariff help, skills support."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="handover")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="handovers")
    sim_batch = models.ForeignKey(
        SimBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="handovers"
    )
    social_tariff_signposted = models.BooleanField(default=False)
    skills_offers = models.ManyToManyField(Service, blank=True, related_name="handovers")
    skills_note = models.TextField(blank=True)
    terms_version = models.CharField(max_length=20)
    handed_over_at = models.DateTimeField(default=timezone.now)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    follow_up_due = models.DateField()
    follow_up_reminded_at = models.DateTimeField(null=True, blank=True)
    # Days from referral to handover, kept so that medians need no arithmetic over every row.
    waited_days = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-handed_over_at"]
        indexes = [models.Index(fields=["handed_over_at", "waited_days"])]

    def __str__(self) -> str:
        return f"Handover of {self.device} on {self.handed_over_at:%Y-%m-%d}"


class StillUsing(models.TextChoices):
    YES = "yes", "Yes, still using it"
    SOMETIMES = "sometimes", "Sometimes"
    NO = "no", "No"
    RETURNED = "returned", "Gave it back"


class Use(models.TextChoices):
    JOB_SEARCH = "job_search", "Looking for work"
    LEARNING = "learning", "Learning or school work"
    HEALTH = "health", "Health and GP services"
    MONEY = "money", "Banking, bills or benefits"
    KEEPING_IN_TOUCH = "keeping_in_touch", "Keeping in touch"
    PUBLIC_SERVICES = "public_services", "Council and government services"
    LEISURE = "leisure", "Hobbies and entertainment"


class Confidence(models.TextChoices):
    MUCH_MORE = "much_more", "Much more confident online"
    A_LITTLE = "a_little", "A little more confident"
    SAME = "same", "About the same"
    NOT_SURE = "not_sure", "Not sure"


class FollowUp(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="follow_up")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    still_using = models.CharField(max_length=12, choices=StillUsing.choices)
    uses = models.JSONField(default=list, blank=True)
    confidence = models.CharField(max_length=12, choices=Confidence.choices)
    needs_more_help = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Follow-up on {self.recorded_at:%Y-%m-%d}"


class AccessAction(models.TextChoices):
    VIEWED = "viewed", "Viewed"
    LISTED = "listed", "Listed"
    EXPORTED = "exported", "Exported"
    CHANGED = "changed", "Changed"
    ERASED = "erased", "Erased on request"


class ReferralAccess(models.Model):
    """Who looked at or changed which referral, and when; the VCSE's admins can read it.

    After an erasure on request the entry keeps only that an erasure happened."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    vcse = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    via_api = models.BooleanField(default=False)
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="accesses"
    )
    count = models.PositiveIntegerField(default=1, help_text="Referrals listed or exported.")
    path = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"
