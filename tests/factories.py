"""Factories for volume; the named personas in conftest.py are for who-sees-what tests."""

import datetime

import factory
from django.utils import timezone

from accounts.models import User
from organisations.models import Accreditation, Membership, Organisation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("correct-horse-battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    is_vcse = True
    contact_email = factory.Sequence(lambda n: f"team{n}@organisation.example")

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas_served.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "vcse_worker"


class AccreditationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accreditation

    scheme = "adisa"
    number = factory.Sequence(lambda n: f"CERT-{n:05d}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
