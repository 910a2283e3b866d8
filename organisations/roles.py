"""Roles a member can hold, and the organisation kind each one belongs to.

This is the one place that says which kind of organisation a role lives in; invitations,
memberships, navigation and visibility all ask it.
"""

from django.db import models


class Kind(models.TextChoices):
    DONOR = "donor", "Donor"
    ITAD = "itad", "IT asset disposal and refurbishment partner"
    VCSE = "vcse", "Community organisation (VCSE)"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    REGIONAL_BODY = "regional_body", "Regional body"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Regional coordinator"
    COUNCIL_OFFICER = "council_officer", "Council officer"
    VCSE_WORKER = "vcse_worker", "VCSE worker"
    DONOR_CONTACT = "donor_contact", "Donor contact"
    ITAD_TECHNICIAN = "itad_technician", "ITAD technician"


ROLE_KIND: dict[str, str] = {
    Role.COORDINATOR: Kind.REGIONAL_BODY,
    Role.COUNCIL_OFFICER: Kind.LOCAL_AUTHORITY,
    Role.VCSE_WORKER: Kind.VCSE,
    Role.DONOR_CONTACT: Kind.DONOR,
    Role.ITAD_TECHNICIAN: Kind.ITAD,
}


def roles_for_kinds(kinds: list[str]) -> list[str]:
    """The roles a member of an organisation with these kinds may hold, in Role order."""
    return [role for role in Role.values if ROLE_KIND[role] in kinds]
