"""Shared fixtures: the shipped region, and the personas every access test uses.

Personas (STYLE.md): a coordinator, a council officer for one area, a VCSE worker (alice, her
organisation's admin) and a colleague (bob), another VCSE's worker (charlie, the outsider), a
donor contact, an ITAD technician, and the anonymous visitor (the test client with no login).
"""

import datetime
from dataclasses import dataclass
from functools import cache

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from accounts.models import User
from lib.region_pack import read_region_pack
from organisations.models import Membership, Organisation
from organisations.services import accreditation_add, membership_create, organisation_create
from regions.models import Area, Region
from regions.packs import DEFAULT_PACK
from regions.services import region_load

PASSWORD = "correct-horse-battery"
TOTP_SECRET = pyotp.random_base32()


@pytest.fixture(autouse=True)
def _isolated_services(settings):
    """Tasks run in-process and the cache is per test, so nothing leaks between tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Deliberately slow hashing protects real passwords; tests only need it to be a hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache as default_cache

    default_cache.clear()


@cache
def _pack():
    return read_region_pack(DEFAULT_PACK)


@pytest.fixture
def region(db) -> Region:
    return region_load(pack=_pack())


@pytest.fixture
def areas(region) -> dict[str, Area]:
    return {area.name: area for area in Area.objects.filter(region=region)}


def make_user(email: str, name: str, *, totp: bool = False) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if totp:
        TOTP.activate(user, TOTP_SECRET)
    return user


def totp_code() -> str:
    return pyotp.TOTP(TOTP_SECRET).now()


@dataclass
class Personas:
    region: Region
    wmca: Organisation
    birmingham_council: Organisation
    ladywood: Organisation  # alice's and bob's VCSE, in Birmingham
    tipton: Organisation  # charlie's VCSE, in Sandwell
    donor_org: Organisation
    itad_org: Organisation
    coordinator: User
    council_officer: User
    alice: User
    bob: User
    charlie: User
    donor: User
    technician: User

    def membership(self, user: User) -> Membership:
        return Membership.objects.select_related("organisation").get(user=user)


@pytest.fixture
def personas(region, areas) -> Personas:
    def org(name, kinds, area_names, **extra):
        return organisation_create(
            region=region,
            name=name,
            kinds=kinds,
            areas_served=[areas[a] for a in area_names],
            **extra,
        )

    wmca = org("West Midlands Combined Authority", ["regional_body"], list(areas))
    council = org("Birmingham City Council", ["local_authority"], ["Birmingham"])
    ladywood = org(
        "Ladywood Community Hub", ["vcse"], ["Birmingham"], contact_email="hub@ladywood.example"
    )
    tipton = org("Tipton Together", ["vcse"], ["Sandwell"])
    donor_org = org("Midland Mutual", ["donor"], ["Birmingham"])
    itad_org = org("Forge Tech Reuse", ["itad"], ["Birmingham", "Solihull"])
    accreditation_add(
        organisation=itad_org,
        scheme="adisa",
        number="ADISA-1",
        expires_on=timezone.localdate() + datetime.timedelta(days=300),
    )

    people = Personas(
        region=region,
        wmca=wmca,
        birmingham_council=council,
        ladywood=ladywood,
        tipton=tipton,
        donor_org=donor_org,
        itad_org=itad_org,
        coordinator=make_user("coordinator@example.org", "Cora Ordinator", totp=True),
        council_officer=make_user("council@example.org", "Colin Council"),
        alice=make_user("alice@example.org", "Alice Adams"),
        bob=make_user("bob@example.org", "Bob Brown"),
        charlie=make_user("charlie@example.org", "Charlie Clark"),
        donor=make_user("donor@example.org", "Dana Donor"),
        technician=make_user("tech@example.org", "Tariq Tech", totp=True),
    )
    membership_create(user=people.coordinator, organisation=wmca, role="coordinator", is_admin=True)
    membership_create(user=people.council_officer, organisation=council, role="council_officer")
    membership_create(user=people.alice, organisation=ladywood, role="vcse_worker", is_admin=True)
    membership_create(user=people.bob, organisation=ladywood, role="vcse_worker")
    membership_create(user=people.charlie, organisation=tipton, role="vcse_worker", is_admin=True)
    membership_create(
        user=people.donor, organisation=donor_org, role="donor_contact", is_admin=True
    )
    membership_create(
        user=people.technician, organisation=itad_org, role="itad_technician", is_admin=True
    )
    return people


# ---------------------------------------------------------------------------------------------
# Devices: a donor batch processed by the personas' ITAD, and devices in it.


@dataclass
class Lab:
    """The personas' donor batch, processed by Forge Tech Reuse, and a way to add devices."""

    people: Personas
    batch: object
    rival_itad: Organisation
    rival_technician: User
    _n: int = 0

    def device(self, *, state="pledged", drives=1, **attributes):
        """A device in the batch, moved (through the real services) to `state`."""
        from devices.services import DriveSpec, device_register

        self._n += 1
        n = self._n
        attributes.setdefault("serial_number", f"SN-{n:05d}")
        attributes.setdefault("asset_tag", f"MM-{n:05d}")
        attributes.setdefault("make", "Lenovo")
        attributes.setdefault("model", "ThinkPad T480")
        attributes.setdefault("year", 2019)
        attributes.setdefault("ram_gb", 8)
        attributes.setdefault("storage_gb", 256)
        device = device_register(
            region=self.people.region,
            device_type=attributes.pop("device_type", "laptop"),
            actor=self.people.donor,
            organisation=self.people.donor_org,
            donor=self.people.donor_org,
            batch=self.batch,
            area_of_origin=self.batch.area,
            drives=[
                DriveSpec(serial=f"DRIVE-{n:05d}-{i}", model="Samsung SSD") for i in range(drives)
            ],
            **attributes,
        )
        if state != "pledged":
            advance(device, state, self.people)
            device.refresh_from_db()
        return device


def advance(device, state: str, people: Personas):
    """Move a device along the happy path to `state`, with real (synthetic) erasure evidence."""
    from demo.erasure_logs import nwipe_log
    from devices import services

    order = ["received", "erased", "assessed", "refurbished", "ready"]
    tech, org = people.technician, people.itad_org
    for step in order[: order.index(state) + 1]:
        device = services.with_lifecycle_records(type(device).objects.filter(pk=device.pk)).get()
        if step == "received":
            services.device_transition(device, "receive", actor=tech, organisation=org)
        elif step == "erased":
            from erasure.services import import_evidence

            serials = [d.serial for d in device.drives.all()]
            data = nwipe_log(serials)
            result = import_evidence(
                data, f"{device.serial_number}.log", organisation=org, actor=tech
            )
            assert result.ok, result.as_dict()
            assert result.moved, result.as_dict()
        elif step == "assessed":
            services.assessment_record(
                device,
                actor=tech,
                organisation=org,
                grade="B",
                powers_on=True,
                battery_health_pct=85,
                specs_confirmed=True,
                outcome="refurbish",
            )
        elif step == "refurbished":
            services.refurbishment_record(
                device,
                actor=tech,
                organisation=org,
                operating_system="windows_11",
                activation_lock_removed=True,
                management_removed=True,
            )
        elif step == "ready":
            services.device_transition(device, "make_ready", actor=tech, organisation=org)


@pytest.fixture
def lab(personas, areas) -> Lab:
    from donations.models import Batch

    batch = Batch.objects.create(
        region=personas.region,
        reference="B-2026-0001",
        donor=personas.donor_org,
        partner=personas.itad_org,
        area=areas["Birmingham"],
    )
    rival = organisation_create(
        region=personas.region,
        name="Rival Recyclers",
        kinds=["itad"],
        areas_served=[areas["Dudley"]],
    )
    rival_technician = make_user("rival@example.org", "Rory Rival", totp=True)
    membership_create(user=rival_technician, organisation=rival, role="itad_technician")
    return Lab(personas, batch, rival, rival_technician)


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only (row locks, concurrency) run in `make test-pg`, and those marked
    sqlite_only (a SQLite database file) in `make test`; elsewhere they are deselected, not
    skipped, so neither run reports anything it did not try."""
    from django.conf import settings

    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    other = "sqlite_only" if postgres else "postgres_only"
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker(other) else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
