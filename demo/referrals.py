"""Demo referrals: each community organisation's caseload over the last twelve months.

Scale 1 (every start). Each VCSE in the demo cast gets 15 to 40 people waiting, a few with a
device allocated or ready to collect (the demo's own ready devices, allocated by the
coordinator), handovers with a data SIM and skills support, follow-ups, withdrawals and an
expiry or two, all made through `referrals.services`. The devices handed over come from a
refurbished batch taken through `devices.services` and `erasure.services`, so their custody
chains are genuine. The services stamp the present; each referral's history is then moved back
to the days it happened on (its dates, its handover and follow-up, and every ReferralEvent,
together), so waiting times and handovers by month look as they would after a year. The custody
ledger is append-only and hashed, so it is never moved back: instead those devices' events are
written with the times they happened (`custody.ledger.dated`), the batch received three weeks
before its first device went out, and each allocation, delivery and handover on its day. The directory gets the skills support, connectivity help and
device-referral services that referrals and the "Get help" page use.

Scale N > 1 adds (N - 1) x VOLUME referrals for benchmarks (200,000 at scale 2), spread over
the region's areas by AREA_SHARE and within an area over the VCSEs serving it, with
(N - 1) x VOLUME_LADYWOOD of them Ladywood Community Hub's. The state mix is that of a busy
scheme (VOLUME_STATES: mostly waiting, about a fifth handed over, with their devices, Handover
and FollowUp rows, SIMs and skills offers); closed referrals past the retention period are
purged as the daily job would have purged them. These rows are bulk-loaded (COPY on PostgreSQL,
executemany on SQLite), not made through the services, so that 200,000 load in well under a
minute; their devices carry no custody history (a device with no recorded event has no chain
for `verify_custody` to check).

Deterministic (seeded random) and idempotent: a VCSE that already has referrals is left alone,
and volume already loaded is not loaded again (a larger scale tops it up).
"""

import bisect
import contextlib
import datetime
import functools
import itertools
import json
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from custody import ledger
from demo import data
from demo.directory import seed_directory
from demo.erasure_logs import LogDrive, nwipe_log
from devices import services as device_services
from devices.lifecycle import State as DeviceState
from devices.models import Device
from devices.services import DriveSpec
from directory.models import Service, ServiceKind
from donations.models import Batch
from erasure.services import import_evidence
from organisations.models import Membership, Organisation
from organisations.roles import Role
from organisations.services import membership_create
from referrals import services
from referrals.models import (
    CloseReason,
    Confidence,
    Connectivity,
    ConsentBy,
    ConsentPurpose,
    Eligibility,
    EventKind,
    FollowUp,
    Handover,
    Priority,
    Referral,
    ReferralEvent,
    SimBatch,
    SkillsTopic,
    State,
    StillUsing,
    Use,
)
from regions.models import Area, Region

BIR, COV, DUD, SAW, SOL, WAL, WLV = data.ALL_AREAS

# ---------------------------------------------------------------------------------------------
# What a referral asks for: weighted choices shared by the caseloads and the volume.


class Weighted:
    """Values with weights, drawn from with a seeded random (fast: thousands a millisecond)."""

    def __init__(self, *pairs):
        self.values, weights = zip(*pairs, strict=True)
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


DEVICE_TYPES = Weighted(("laptop", 52), ("tablet", 20), ("smartphone", 18), ("desktop", 10))
SUBSTITUTES = {
    "laptop": [[], [], ["desktop"], ["tablet"]],
    "tablet": [[], ["laptop"], ["smartphone"]],
    "smartphone": [[], [], ["tablet"]],
    "desktop": [[], ["laptop"]],
}
CONNECTIVITY = Weighted(
    (Connectivity.NEEDS_SIM, 45),
    (Connectivity.NEEDS_SOCIAL_TARIFF, 20),
    (Connectivity.HAS_CONNECTION, 35),
)
PRIORITIES = Weighted((Priority.STANDARD, 72), (Priority.HIGH, 20), (Priority.URGENT, 8))
CONSENT_BY = Weighted((ConsentBy.PERSON, 92), (ConsentBy.REPRESENTATIVE, 8))
PRIORITY_REASONS = [
    "Job centre appointments and the work search journal are now online only.",
    "Leaving care this term and has no device of their own.",
    "Needs video appointments with the GP after a hospital stay.",
    "Children have no device for homework.",
    "Recently rehoused after domestic abuse; the old phone was taken.",
    "Housebound and isolated since a bereavement.",
    "Universal Credit claim at risk without online access.",
]
NOTES = [
    "Prefers a larger screen.",
    "First time using a computer; will come to the drop-in.",
    "Would like support in Urdu.",
    "Would like support in Punjabi.",
    "Would like support in Arabic.",
    "Would like support in Polish.",
    "Has a phone but needs a laptop for a college course.",
    "Shares one phone with the whole family.",
    "Needs a device that pairs with a hearing aid.",
    "Can collect on Tuesday or Thursday mornings.",
]
ACCESSIBILITY = [
    ["large_display"],
    ["magnification"],
    ["screen_reader"],
    ["simple_interface"],
    ["hearing"],
    ["large_display", "simple_interface"],
    ["alternative_input"],
]
SKILLS = list(SkillsTopic.values)
ELIGIBILITY_ALSO = ["benefits", "disability", "low_income", "job_seeker", "older_person"]
WITHDRAWALS = [
    (CloseReason.FOUND_ELSEWHERE, "Family bought a laptop."),
    (CloseReason.MOVED_AWAY, ""),
    (CloseReason.CANNOT_CONTACT, "No answer after three calls and a letter."),
    (CloseReason.NO_LONGER_NEEDED, "Now uses the library computers."),
]
USES = list(Use.values)
STILL_USING = Weighted(
    (StillUsing.YES, 74), (StillUsing.SOMETIMES, 17), (StillUsing.NO, 6), (StillUsing.RETURNED, 3)
)
CONFIDENCE = Weighted(
    (Confidence.MUCH_MORE, 38),
    (Confidence.A_LITTLE, 37),
    (Confidence.SAME, 17),
    (Confidence.NOT_SURE, 8),
)
FOLLOW_UP_NOTES = [
    "Now books GP appointments online.",
    "Applied for jobs online for the first time.",
    "Video calls family abroad every week.",
    "Would like a follow-on course.",
    "Manages the Universal Credit journal without help.",
    "",
    "",
]
SKILLS_NOTES = ["Booked onto the next drop-in.", "Starts the beginners' course next month.", ""]


@dataclass
class Ask:
    """One person's needs, as a VCSE worker would record them."""

    device_type: str
    substitutes: list[str]
    connectivity: str
    eligibility: list[str]
    accessibility: list[str]
    skills: list[str]
    priority: int
    priority_reason: str
    notes: str
    consent_by: str
    consent_purposes: list[str]


def _ask(rng: random.Random, reasons, *, device_type: str | None = None) -> Ask:
    device_type = device_type or DEVICE_TYPES.pick(rng)
    eligibility = [rng.choice(reasons)]
    if rng.random() < 0.45:
        eligibility.append(rng.choice(ELIGIBILITY_ALSO))
    eligibility = list(dict.fromkeys(eligibility))
    priority = PRIORITIES.pick(rng)
    child = "school_children" in eligibility and rng.random() < 0.3
    purposes = [ConsentPurpose.REFERRAL, ConsentPurpose.AGGREGATE]
    if rng.random() < 0.9:
        purposes.insert(1, ConsentPurpose.FOLLOW_UP)
    return Ask(
        device_type=device_type,
        substitutes=rng.choice(SUBSTITUTES[device_type]),
        connectivity=CONNECTIVITY.pick(rng),
        eligibility=eligibility,
        accessibility=rng.choice(ACCESSIBILITY) if rng.random() < 0.15 else [],
        skills=rng.sample(SKILLS, k=rng.randint(1, 3)) if rng.random() < 0.7 else [],
        priority=priority,
        priority_reason="" if priority == Priority.STANDARD else rng.choice(PRIORITY_REASONS),
        notes=rng.choice(NOTES) if rng.random() < 0.35 else "",
        consent_by=ConsentBy.PARENT if child else CONSENT_BY.pick(rng),
        consent_purposes=purposes,
    )


# ---------------------------------------------------------------------------------------------
# Scale 1: the demo cast's caseloads.


@dataclass(frozen=True)
class Caseload:
    prefix: str  # of its case references, e.g. LCH-0142
    districts: tuple[str, ...]  # where most of the people it refers live
    reasons: tuple[str, ...]  # the eligibility reasons it sees most
    waiting: int
    handed_over: int  # in the last three months, not yet followed up
    followed_up: int
    withdrawn: int
    expired: int
    # (network, GB a month or None for unlimited, months, quantity, source, received days ago)
    sims: tuple[tuple, ...] = ()
    # Device types it is allocated from the demo's ready stock; "held" is one it already holds.
    allocations: tuple[str, ...] = ()
    # The worker who makes its referrals, where the demo cast has no login there (no password).
    caseworker: str = ""


DATABANK = "National Databank"
CASELOADS = {
    "Ladywood Community Hub": Caseload(
        "LCH",
        ("B1", "B16", "B18", "B15"),
        ("low_income", "job_seeker", "refugee", "benefits"),
        waiting=38,
        handed_over=4,
        followed_up=9,
        withdrawn=3,
        expired=1,
        sims=(("Vodafone", 20, 6, 20, DATABANK, 300), ("Vodafone", 20, 6, 10, DATABANK, 100)),
        allocations=("held", "laptop"),
    ),
    "Small Heath Digital Champions": Caseload(
        "SHDC",
        ("B9", "B10", "B11"),
        ("low_income", "school_children", "benefits", "refugee"),
        waiting=31,
        handed_over=3,
        followed_up=6,
        withdrawn=2,
        expired=1,
        sims=(("Three", 24, 6, 15, DATABANK, 250),),
        allocations=("tablet",),
    ),
    "Foleshill Friends Network": Caseload(
        "FFN",
        ("CV6", "CV1"),
        ("refugee", "low_income", "job_seeker"),
        waiting=24,
        handed_over=2,
        followed_up=4,
        withdrawn=2,
        expired=0,
        sims=(("O2", 30, 6, 12, DATABANK, 240),),
        caseworker="Samira Khan",
    ),
    "Tipton Together": Caseload(
        "TT",
        ("DY4",),
        ("low_income", "older_person", "disability"),
        waiting=27,
        handed_over=2,
        followed_up=5,
        withdrawn=2,
        expired=1,
        sims=(("Vodafone", 20, 6, 15, DATABANK, 280),),
        allocations=("laptop",),
    ),
    "Brierley Hill Connect": Caseload(
        "BHC",
        ("DY5",),
        ("job_seeker", "low_income", "care_leaver"),
        waiting=18,
        handed_over=1,
        followed_up=3,
        withdrawn=1,
        expired=0,
        sims=(("Vodafone", 20, 6, 10, DATABANK, 200),),
        caseworker="Gareth Hughes",
    ),
    "Chelmsley Wood Community Trust": Caseload(
        "CWCT",
        ("B37",),
        ("school_children", "low_income", "care_leaver"),
        waiting=21,
        handed_over=2,
        followed_up=3,
        withdrawn=2,
        expired=0,
        sims=(("Three", 24, 6, 10, DATABANK, 230),),
        caseworker="Leanne Walsh",
    ),
    "Caldmore Neighbourhood Project": Caseload(
        "CNP",
        ("WS1",),
        ("refugee", "low_income", "domestic_abuse"),
        waiting=16,
        handed_over=1,
        followed_up=3,
        withdrawn=1,
        expired=1,
        sims=(("O2", 30, 6, 10, "O2 Community Calling", 210),),
        caseworker="Imran Akhtar",
    ),
    "Whitmore Reans Digital Inclusion Group": Caseload(
        "WRDIG",
        ("WV1", "WV6"),
        ("low_income", "homeless", "job_seeker"),
        waiting=22,
        handed_over=2,
        followed_up=4,
        withdrawn=2,
        expired=0,
        sims=(("Vodafone", 20, 6, 12, DATABANK, 260),),
        caseworker="Joy Okonkwo",
    ),
    "Age Well Black Country": Caseload(
        "AWBC",
        ("DY1", "WS2", "WV10", "B69"),
        ("older_person", "disability", "low_income"),
        waiting=35,
        handed_over=2,
        followed_up=6,
        withdrawn=3,
        expired=1,
        sims=(("Vodafone", None, 6, 15, DATABANK, 270),),
        caseworker="Margaret Bennett",
    ),
    # The housing association signposts its tenants to social tariffs rather than hold SIMs.
    "Black Country Housing Partnership": Caseload(
        "BCHP",
        ("B70", "DY4", "WS2", "WV10"),
        ("benefits", "low_income", "disability"),
        waiting=15,
        handed_over=1,
        followed_up=2,
        withdrawn=1,
        expired=0,
        caseworker="Paul Richards",
    ),
}

# (name, organisation or None, kind, area codes, description, where, when, how to access)
SERVICES = [
    (
        "Digital champions at Ladywood Community Hub",
        "Ladywood Community Hub",
        ServiceKind.DIGITAL_CHAMPION,
        [BIR],
        "One-to-one help from trained volunteers: setting up a new device, e-mail, staying "
        "safe online, Universal Credit and NHS App.",
        "Ladywood Community Hub, Ladywood, Birmingham",
        "Tuesdays and Thursdays, 10am to 1pm",
        "Drop in, or ask a hub worker to book you a slot.",
    ),
    (
        "Small Heath Digital Champions: one-to-one help",
        "Small Heath Digital Champions",
        ServiceKind.DIGITAL_CHAMPION,
        [BIR],
        "Volunteers who speak Urdu, Punjabi, Bengali and Somali help people get started on "
        "phones, tablets and laptops.",
        "Community room, Coventry Road, Small Heath",
        "Mondays and Wednesdays, 1pm to 4pm",
        "Referral by any community organisation, or just come along.",
    ),
    (
        "Get online drop-in at Birmingham community libraries",
        "Birmingham City Council",
        ServiceKind.DROP_IN,
        [BIR],
        "Library staff and volunteers help with devices, forms and online accounts. "
        "Free computers and Wi-Fi.",
        "Community libraries across Birmingham",
        "Most weekdays; check with your local library",
        "Just turn up.",
    ),
    (
        "Coventry Essential Digital Skills (free course)",
        "Coventry City Council",
        ServiceKind.COURSE,
        [COV],
        "Ten-week beginners' course leading to an Essential Digital Skills qualification. "
        "Laptops provided in class.",
        "Foleshill Community Centre, Coventry",
        "Wednesday mornings, from September and January",
        "Book through a community organisation or the adult education service.",
    ),
    (
        "Tech help drop-in at Sandwell libraries",
        "Sandwell Metropolitan Borough Council",
        ServiceKind.DROP_IN,
        [SAW],
        "Help with phones, tablets, e-mail and online forms, in libraries across Sandwell.",
        "Tipton, West Bromwich and Oldbury libraries",
        "Fridays, 10am to 12 noon",
        "Just turn up.",
    ),
    (
        "Learn My Way with a tutor, Dudley",
        "Dudley Metropolitan Borough Council",
        ServiceKind.COURSE,
        [DUD],
        "Short online courses (Learn My Way) with a tutor in the room: using a mouse and "
        "keyboard, e-mail, online safety, GOV.UK.",
        "Brierley Hill Library, Dudley",
        "Thursday afternoons, four-week blocks",
        "Book through Brierley Hill Connect or the library.",
    ),
    (
        "Getting started with your tablet, Chelmsley Wood",
        "Chelmsley Wood Community Trust",
        ServiceKind.COURSE,
        [SOL],
        "A four-week course for people new to tablets and smartphones.",
        "Chelmsley Wood Community Centre, Solihull",
        "Tuesday mornings",
        "Ask the trust, or be referred by a community organisation.",
    ),
    (
        "Digital buddies, Caldmore",
        "Caldmore Neighbourhood Project",
        ServiceKind.DIGITAL_CHAMPION,
        [WAL],
        "A volunteer buddy for six weekly sessions, at the project or at home.",
        "Caldmore, Walsall",
        "By appointment",
        "Referral by any community organisation.",
    ),
    (
        "Wolves Tech Aid drop-in",
        "City of Wolverhampton Council",
        ServiceKind.DROP_IN,
        [WLV],
        "Help with donated devices and getting online, at the city's libraries.",
        "Central and community libraries, Wolverhampton",
        "Saturdays, 10am to 1pm",
        "Just turn up.",
    ),
    (
        "Silver surfers: online at your own pace",
        "Age Well Black Country",
        ServiceKind.COURSE,
        data.BLACK_COUNTRY,
        "Small friendly groups for people over 60: video calls, NHS App, online shopping "
        "and staying safe from scams.",
        "Community venues across the Black Country",
        "Weekly, daytime",
        "Call Age Well Black Country, or be referred.",
    ),
    (
        "Free data SIMs through the National Databank",
        "Ladywood Community Hub",
        ServiceKind.CONNECTIVITY,
        [BIR],
        "Free mobile data SIMs (data, texts and calls for six months) for people on a low "
        "income, from the National Databank.",
        "Ladywood Community Hub, Ladywood, Birmingham",
        "During the hub's opening hours",
        "Ask a hub worker; bring nothing but yourself.",
    ),
    (
        "Social tariff check and switch",
        "West Midlands Combined Authority",
        ServiceKind.CONNECTIVITY,
        data.ALL_AREAS,
        "Help finding out whether you can get cheaper broadband or mobile through a social "
        "tariff, and switching to it.",
        "",
        "",
        "Ask any community organisation in the network.",
    ),
]


def _device_referral_service(vcse: Organisation) -> tuple:
    return (
        f"Devices through {vcse.name}",
        vcse.name,
        ServiceKind.DEVICE_REFERRAL,
        None,
        f"{vcse.name} can refer you for a refurbished laptop, tablet or phone, with data and "
        "help to use it, if you cannot afford one.",
        "",
        "",
        "Contact the organisation; they will ask a few questions about what you need.",
    )


def _seed_directory(region: Region, organisations, areas) -> int:
    """The directory's services, unless one of the same name exists. Returns how many made."""
    rows = list(SERVICES) + [
        _device_referral_service(organisations[name]) for name in CASELOADS if name in organisations
    ]
    made = 0
    for name, owner, kind, codes, description, address, times, how in rows:
        if Service.objects.filter(region=region, name=name).exists():
            continue
        organisation = organisations.get(owner)
        service = Service.objects.create(
            region=region,
            organisation=organisation,
            name=name,
            kind=kind,
            description=description,
            address=address,
            opening_times=times,
            how_to_access=how,
            contact_email=organisation.contact_email if organisation else "",
            contact_phone=organisation.contact_phone if organisation else "",
        )
        if codes is None:
            service.areas.set(organisation.areas_served.all())
        else:
            service.areas.set([areas[code] for code in codes])
        made += 1
    return made


@dataclass
class Planned:
    """A referral to make, what happens to it and when (times in order, the first referred)."""

    outcome: str
    ask: Ask
    area: Area
    district: str
    times: list[datetime.datetime]
    device: Device | None = None
    withdrawal: tuple[str, str] = ("", "")
    reference: str = ""
    referral: Referral | None = field(default=None, repr=False)


def _at(today: datetime.date, days_ago: int, rng: random.Random) -> datetime.datetime:
    """A moment in working hours, `days_ago` days before `today`."""
    day = today - datetime.timedelta(days=days_ago)
    moment = datetime.time(rng.randint(9, 16), rng.choice((0, 10, 15, 20, 30, 40, 45, 50)))
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def _plan(vcse: Organisation, caseload: Caseload, today, rng) -> list[Planned]:
    areas = list(vcse.areas_served.all())
    by_district = {d: a for a in areas for d in a.postcode_districts}
    places = [d for d in caseload.districts if d in by_district]

    def where():
        if not places:
            return rng.choice(areas), ""
        district = rng.choice(places)
        return by_district[district], district if rng.random() < 0.7 else ""

    def make(outcome, offsets, **ask_options):
        area, district = where()
        times = [_at(today, days, rng) for days in offsets]
        ask = _ask(rng, caseload.reasons, **ask_options)
        return Planned(outcome, ask, area, district, times)

    plans = []
    for _ in range(caseload.waiting):
        plans.append(make(State.WAITING, [1 + int(330 * rng.random() ** 1.4)]))
    for wanted in caseload.allocations:
        referred = rng.randint(120, 300)
        allocated = rng.randint(3, 12)
        if wanted == "held":
            plans.append(make(State.READY_TO_COLLECT, [referred, allocated, allocated - 2]))
        else:
            plans.append(make(State.ALLOCATED, [referred, allocated], device_type=wanted))
    follow_up_days = settings.REHOME_FOLLOW_UP_DAYS
    for _ in range(caseload.handed_over):
        handed = rng.randint(5, follow_up_days + 10)
        wait = rng.randint(30, 200)
        offsets = [handed + wait, handed + 12, handed + 3, handed]
        plans.append(make(State.HANDED_OVER, offsets))
    for _ in range(caseload.followed_up):
        handed = rng.randint(follow_up_days + 12, 320)
        wait = rng.randint(20, min(200, 364 - handed))
        followed = handed - follow_up_days - rng.randint(0, min(10, handed - follow_up_days - 1))
        plans.append(
            make(State.FOLLOWED_UP, [handed + wait, handed + 12, handed + 3, handed, followed])
        )
    for n in range(caseload.withdrawn):
        referred = rng.randint(40, 330)
        plan = make(State.WITHDRAWN, [referred, rng.randint(5, referred - 20)])
        plan.withdrawal = WITHDRAWALS[(n + len(caseload.prefix)) % len(WITHDRAWALS)]
        plans.append(plan)
    expiry_days = settings.REHOME_REFERRAL_EXPIRY_DAYS
    notice = datetime.timedelta(days=settings.REHOME_REFERRAL_EXPIRY_NOTICE_DAYS)
    for _ in range(caseload.expired):
        plan = make(State.EXPIRED, [expiry_days + rng.randint(3, 30)])  # a few weeks ago
        # Expired by the daily job the morning after its last day, four weeks after the notice.
        last_day = _expiry(plan.times[0])
        expired = timezone.make_aware(datetime.datetime.combine(last_day + DAY, datetime.time(6)))
        plan.times += [expired - notice, expired]
        plans.append(plan)
    # References are numbered in the order people were referred, from where the VCSE's own
    # numbering had reached when it joined.
    plans.sort(key=lambda p: p.times[0])
    first = rng.randint(100, 400)
    for n, plan in enumerate(plans):
        plan.reference = f"{caseload.prefix}-{first + n:04d}"
    return plans


MODELS = {
    "laptop": [
        ("Lenovo", "ThinkPad T490", "Intel Core i5-8265U", 8, 256, 2019, "14.0"),
        ("Dell", "Latitude 7400", "Intel Core i5-8365U", 8, 256, 2019, "14.0"),
        ("HP", "EliteBook 840 G6", "Intel Core i5-8265U", 16, 512, 2019, "14.0"),
    ],
    "desktop": [("HP", "ProDesk 400 G6", "Intel Core i5-9500", 8, 256, 2019, None)],
    "tablet": [
        ("Apple", "iPad (8th generation)", "A12 Bionic", 3, 32, 2020, "10.2"),
        ("Samsung", "Galaxy Tab A8", "Unisoc T618", 3, 32, 2022, "10.5"),
    ],
    "smartphone": [
        ("Samsung", "Galaxy A52", "Snapdragon 720G", 6, 128, 2021, "6.5"),
        ("Apple", "iPhone SE (2nd generation)", "A13 Bionic", 3, 64, 2020, "4.7"),
    ],
}
STOCK_BATCH = "B-2025-0037"
WITH_DRIVES = ("laptop", "desktop")


def _refurbished_stock(
    region, organisations, people, types: list[str], received: datetime.datetime
) -> list[Device]:
    """Ready devices of `types`, in order: a donor's batch that Forge Tech Reuse received on
    `received`, wiped over the next days (one nwipe run per sixteen drives, factory resets for
    tablets and phones), graded and refurbished, through the real services, its custody events
    dated when each step happened."""
    day = datetime.timedelta(days=1)
    forge = organisations["Forge Tech Reuse CIC"]
    donor = organisations["Arden Energy plc"]
    tech = {"actor": people.get("itad@rehome.example"), "organisation": forge}
    batch = Batch.objects.filter(reference=STOCK_BATCH).first() or Batch.objects.create(
        region=region,
        reference=STOCK_BATCH,
        donor=donor,
        donor_reference="Laptop and mobile refresh 2025",
        partner=forge,
        area=donor.areas_served.order_by("name").first(),
    )
    start = batch.devices.count()
    devices = []
    for n, kind in enumerate(types, start=start + 1):
        make, model, cpu, ram, storage, year, screen = MODELS[kind][n % len(MODELS[kind])]
        drives = []
        if kind in WITH_DRIVES:
            drives.append(
                DriveSpec(
                    serial=f"S4EV{n:05d}R",
                    model=f"Samsung SSD PM981 {storage}GB",
                    kind="ssd",
                    size_bytes=storage * 10**9,
                )
            )
        with ledger.dated(received - 14 * day):  # pledged a fortnight before collection
            device = device_services.device_register(
                region=region,
                device_type=kind,
                actor=None,
                organisation=donor,
                donor=donor,
                batch=batch,
                area_of_origin=batch.area,
                drives=drives,
                make=make,
                model=model,
                cpu=cpu,
                ram_gb=ram,
                storage_gb=storage,
                year=year,
                screen_inches=Decimal(screen) if screen else None,
                serial_number=f"AEP25{n:05d}",
                asset_tag=f"AEP-{6100 + n}",
            )
        devices.append(device)
    with ledger.dated(received):
        device_services.bulk_apply([d.pk for d in devices], "receive", **tech)
    wiped = received + day
    drives = [d.drives.get() for d in devices if d.device_type in WITH_DRIVES]
    for run, first in enumerate(range(0, len(drives), 16)):
        log_drives = [
            LogDrive(serial=d.serial, model=d.model, size_bytes=d.size_bytes)
            for d in drives[first : first + 16]
        ]
        started = datetime.datetime.combine(
            timezone.localtime(wiped).date(), datetime.time(9, 0)
        ) + datetime.timedelta(hours=run)
        with ledger.dated(wiped + datetime.timedelta(hours=run)):
            import_evidence(
                nwipe_log(log_drives, started=started),
                f"forge-bench2-{started:%Y-%m-%d}-run{run + 1}.log",
                **tech,
            )
    with ledger.dated(wiped + day):
        _grade_and_refurbish(devices, tech)
    # As they are now (the services changed copies of their own), with who holds them.
    ready = Device.objects.select_related("custodian").in_bulk([d.pk for d in devices])
    return [ready[d.pk] for d in devices]


def _grade_and_refurbish(devices: list[Device], tech: dict) -> None:
    for n, device in enumerate(devices):
        if device.device_type not in WITH_DRIVES:
            device_services.record_no_storage(device, **tech)
            device_services.device_transition(device, "erase", **tech)
        device_services.assessment_record(
            device,
            grade="ABB"[n % 3],
            powers_on=True,
            battery_health_pct=None if device.device_type == "desktop" else 78 + n % 15,
            charger_included=True,
            specs_confirmed=True,
            outcome="refurbish",
            **tech,
        )
        mobile = device.device_type in ("tablet", "smartphone")
        device_services.refurbishment_record(
            device,
            operating_system=("ios" if device.make == "Apple" else "android")
            if mobile
            else "windows_11",
            os_version=("17.6" if device.make == "Apple" else "14") if mobile else "24H2",
            activation_lock_removed=True,
            management_removed=True,
            accessories="Charger",
            make_ready=True,
            **tech,
        )


def _worker(vcse: Organisation, caseworker: str = ""):
    """The VCSE's worker who makes its referrals: its first admin, or else its caseworker."""
    membership = (
        Membership.objects.filter(organisation=vcse, role=Role.VCSE_WORKER, user__is_active=True)
        .select_related("user")
        .order_by("-is_admin", "pk")
        .first()
    )
    if membership or not caseworker:
        return membership.user if membership else None
    domain = vcse.contact_email.partition("@")[2] or "demo.example"
    email = f"{caseworker.lower().replace(' ', '.')}@{domain}"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None, full_name=caseworker
    )
    membership_create(user=user, organisation=vcse, role=Role.VCSE_WORKER, is_admin=True)
    return user


def _seed_caseload(
    vcse,
    caseload: Caseload,
    plans: list[Planned],
    *,
    region,
    coordinator,
    wmca,
    technician,
    today,
    rng,
) -> None:
    worker = _worker(vcse, caseload.caseworker)
    as_vcse = {"actor": worker, "organisation": vcse}
    as_coordinator = {"actor": coordinator, "organisation": wmca}
    sims = [
        services.sim_batch_add(
            vcse=vcse,
            actor=worker,
            network=network,
            data_gb=gb,
            months=months,
            quantity=quantity,
            source=source,
            received_on=today - datetime.timedelta(days=days),
        )
        for network, gb, months, quantity, source, days in caseload.sims
    ]
    sims_used = {sim.pk: 0 for sim in sims}
    offers = list(
        Service.objects.published()
        .skills()
        .filter(region=region, areas__in=vcse.areas_served.all())
        .distinct()
        .prefetch_related("areas")
        .order_by("name")
    )
    for plan in plans:
        ask = plan.ask
        referral = services.referral_create(
            vcse=vcse,
            actor=worker,
            needs=services.Needs(
                reference=plan.reference,
                area=plan.area,
                postcode_district=plan.district,
                **vars(ask),
            ),
        )
        plan.referral = referral
        if plan.outcome == State.WITHDRAWN:
            reason, note = plan.withdrawal
            services.referral_withdraw(referral, reason=reason, note=note, **as_vcse)
        if plan.device is None:
            continue
        with ledger.dated(plan.times[1]):
            services.allocate(referral, plan.device, **as_coordinator)
        if plan.outcome == State.ALLOCATED:
            continue
        device = plan.device
        with ledger.dated(plan.times[2]):
            if device.custodian_id != vcse.pk:
                device_services.handover_start(
                    device,
                    vcse,
                    note="Weekly delivery",
                    actor=technician,
                    organisation=device.custodian,
                )
            services.mark_ready_to_collect(referral, **as_vcse)
        if plan.outcome == State.READY_TO_COLLECT:
            continue
        when = plan.times[3]
        # The oldest batch with a SIM left, as a worker would take them.
        sim = next(
            (
                s
                for s in sorted(sims, key=lambda s: s.received_on)
                if s.received_on <= when.date() and sims_used[s.pk] < s.quantity
            ),
            None,
        )
        give_sim = ask.connectivity == Connectivity.NEEDS_SIM and sim is not None
        if give_sim:
            sims_used[sim.pk] += 1
        local = [o for o in offers if plan.area in o.areas.all()] or offers
        bundle = services.Bundle(
            device=device,
            terms_agreed=True,
            sim_batch=sim if give_sim else None,
            social_tariff_signposted=ask.connectivity != Connectivity.HAS_CONNECTION
            and not give_sim,
            skills_offers=rng.sample(local, k=1)
            if local and (ask.skills or rng.random() < 0.4)
            else [],
            skills_note=rng.choice(SKILLS_NOTES) if ask.skills else "",
        )
        with ledger.dated(when):
            services.handover_complete(referral, bundle=bundle, **as_vcse)
        if plan.outcome == State.FOLLOWED_UP:
            services.follow_up_record(
                referral,
                outcome=services.Outcome(
                    still_using=STILL_USING.pick(rng),
                    confidence=CONFIDENCE.pick(rng),
                    uses=rng.sample(USES, k=rng.randint(1, 3)),
                    needs_more_help=rng.random() < 0.2,
                    note=rng.choice(FOLLOW_UP_NOTES),
                ),
                **as_vcse,
            )


def _expiry(referred: datetime.datetime) -> datetime.date:
    days = datetime.timedelta(days=settings.REHOME_REFERRAL_EXPIRY_DAYS)
    return timezone.localtime(referred).date() + days


def _backdate(plans: list[Planned]) -> None:
    """Move each referral's history to when it happened (the services stamped it all today):
    its dates, each of its events in turn, its handover and its follow-up."""
    by_pk = {p.referral.pk: p for p in plans}
    referrals = list(Referral.objects.filter(pk__in=by_pk))
    for referral in referrals:
        plan = by_pk[referral.pk]
        times = plan.times
        referral.referred_at = referral.consent_at = times[0]
        referral.expires_on = _expiry(times[0])
        referral.state_changed_at = times[-1]
        if referral.allocated_at:
            referral.allocated_at = times[1]
        if referral.closed_at:
            referral.closed_at = times[-1]
        if plan.outcome == State.EXPIRED:
            referral.expiry_notice_at = times[1]
    Referral.objects.bulk_update(
        referrals,
        [
            "referred_at",
            "consent_at",
            "expires_on",
            "state_changed_at",
            "allocated_at",
            "closed_at",
            "expiry_notice_at",
        ],
        batch_size=100,
    )
    events = list(ReferralEvent.objects.filter(referral__in=by_pk).order_by("referral_id", "pk"))
    for referral_id, own in itertools.groupby(events, key=lambda e: e.referral_id):
        for event, at in zip(own, by_pk[referral_id].times, strict=True):
            event.at = at
    ReferralEvent.objects.bulk_update(events, ["at"], batch_size=500)
    follow_up = datetime.timedelta(days=settings.REHOME_FOLLOW_UP_DAYS)
    handovers = list(Handover.objects.filter(referral__in=by_pk))
    for handover in handovers:
        handover.handed_over_at = by_pk[handover.referral_id].times[3]
        handed = timezone.localtime(handover.handed_over_at).date()
        handover.follow_up_due = handed + follow_up
        referred = timezone.localtime(by_pk[handover.referral_id].times[0]).date()
        handover.waited_days = (handed - referred).days
    Handover.objects.bulk_update(
        handovers, ["handed_over_at", "follow_up_due", "waited_days"], batch_size=200
    )
    follow_ups = list(FollowUp.objects.filter(referral__in=by_pk))
    for follow_up in follow_ups:
        follow_up.recorded_at = by_pk[follow_up.referral_id].times[4]
    FollowUp.objects.bulk_update(follow_ups, ["recorded_at"], batch_size=200)


def _backdate_purges(plans: list[Planned]) -> None:
    """The purge ran today over everything closed longer ago than the retention period; the
    daily job would have cleared each the day its period ended."""
    retention = datetime.timedelta(days=settings.REHOME_PERSONAL_TEXT_RETENTION_DAYS)
    by_pk = {p.referral.pk: p for p in plans}
    now = timezone.now()
    for referral in Referral.objects.filter(pk__in=by_pk, purged_at__isnull=False):
        when = min(referral.closed_at + retention + datetime.timedelta(hours=2), now)
        Referral.objects.filter(pk=referral.pk).update(purged_at=when)
        ReferralEvent.objects.filter(referral=referral, kind=EventKind.PURGED).update(at=when)


def _seed_caseloads(region, organisations, people, today) -> int:
    wanted = [
        (organisations[name], caseload)
        for name, caseload in CASELOADS.items()
        if name in organisations and not Referral.objects.filter(vcse=organisations[name]).exists()
    ]
    if not wanted:
        return 0
    wmca = Organisation.objects.filter(region=region, is_regional_body=True).order_by("pk").first()
    coordinator = people.get("coordinator@rehome.example")
    plans = {}
    for vcse, caseload in wanted:
        plans[vcse.pk] = _plan(vcse, caseload, today, random.Random(f"referrals {vcse.name}"))
    # The demo's ready devices first (not one on its way somewhere), then a refurbished batch
    # for everyone handed over during the year.
    ready = list(
        Device.objects.filter(region=region, state=DeviceState.READY, in_transit_to__isnull=True)
        .select_related("custodian")
        .order_by("pk")
    )
    for vcse, _ in wanted:
        for plan in plans[vcse.pk]:
            if plan.outcome not in (State.ALLOCATED, State.READY_TO_COLLECT):
                continue
            held = plan.outcome == State.READY_TO_COLLECT
            plan.device = next(
                (
                    d
                    for d in ready
                    if (d.custodian_id == vcse.pk if held else d.custodian.is_itad)
                    and (held or d.device_type == plan.ask.device_type)
                ),
                None,
            )
            if plan.device is None:  # nothing ready to allocate: the person waits
                plan.outcome = State.WAITING
                plan.times = plan.times[:1]
                continue
            ready.remove(plan.device)
            plan.ask.device_type = plan.device.device_type
            plan.ask.substitutes = [t for t in plan.ask.substitutes if t != plan.device.device_type]
    handed = [
        p
        for vcse, _ in wanted
        for p in plans[vcse.pk]
        if p.outcome in (State.HANDED_OVER, State.FOLLOWED_UP)
    ]
    # The batch arrived three weeks before the first of these people got a device from it.
    first = min((p.times[1] for p in handed), default=timezone.now())
    stock = _refurbished_stock(
        region,
        organisations,
        people,
        [p.ask.device_type for p in handed],
        received=first - datetime.timedelta(days=21),
    )
    for plan, device in zip(handed, stock, strict=True):
        plan.device = device
    for vcse, caseload in wanted:
        _seed_caseload(
            vcse,
            caseload,
            plans[vcse.pk],
            region=region,
            coordinator=coordinator,
            wmca=wmca,
            technician=people.get("itad@rehome.example"),
            today=today,
            rng=random.Random(f"handovers {vcse.name}"),
        )
    every = [p for vcse, _ in wanted for p in plans[vcse.pk]]
    # The daily jobs, as they would have run: a notice four weeks before a referral's last
    # day, expiry the day after it, and the personal text of whatever closed longer ago than
    # the retention period cleared. They run now over the moved-back dates.
    expired = [p for p in every if p.outcome == State.EXPIRED]
    ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=p.referral, kind=EventKind.NOTICE, detail="Expiry notice sent")
        for p in expired
    )
    for plan in expired:
        Referral.objects.filter(pk=plan.referral.pk).update(expires_on=_expiry(plan.times[0]))
    services.expire_due(today)
    _backdate(every)
    services.purge_personal_data()
    _backdate_purges(every)
    return len(every)


def seed_referrals(*, scale: int, today: datetime.date) -> int:
    """The directory's services, each demo VCSE's caseload, and at scale N > 1 the volume.
    Returns how many referrals were made."""
    region = Region.objects.get(slug=data.DEMO_REGION_SLUG)
    organisations = {o.name: o for o in Organisation.objects.filter(region=region)}
    areas = {a.code: a for a in Area.objects.filter(region=region)}
    people = {u.email: u for u in User.objects.filter(email__in=[p[0] for p in data.PEOPLE])}
    _seed_directory(region, organisations, areas)
    seed_directory(region, organisations, people, today)
    made = _seed_caseloads(region, organisations, people, today)
    if scale > 1:
        made += seed_referral_volume(
            region=region,
            total=VOLUME * (scale - 1),
            ladywood=VOLUME_LADYWOOD * (scale - 1),
            today=today,
        )
    return made


# ---------------------------------------------------------------------------------------------
# Scale N > 1: volume for benchmarks, bulk-loaded.

VOLUME = 200_000
VOLUME_LADYWOOD = 5_000
# Where people are referred from: roughly each area's population, weighted by need.
AREA_SHARE = {BIR: 40, COV: 12, DUD: 11, SAW: 12, SOL: 6, WAL: 9, WLV: 10}
VOLUME_STATES = Weighted(
    (State.WAITING, 580),
    (State.ALLOCATED, 15),
    (State.READY_TO_COLLECT, 10),
    (State.HANDED_OVER, 50),
    (State.FOLLOWED_UP, 170),
    (State.WITHDRAWN, 90),
    (State.EXPIRED, 85),
)
VOLUME_REASONS = tuple(e for e in Eligibility.values if e != Eligibility.OTHER)
# The first event of every bulk-loaded referral says so. It also tells how many are loaded
# (their references do not: the purge replaces them).
VOLUME_MARK = "Loaded in bulk for the demo"
CHUNK = 20_000
SIM_NETWORKS = [("Vodafone", 20), ("Three", 24), ("O2", 30)]
DAY = datetime.timedelta(days=1)


def seed_referral_volume(*, region: Region, total: int, ladywood: int, today: datetime.date) -> int:
    """Bulk-load referrals until `total` in the region were loaded this way, `ladywood` of them
    Ladywood Community Hub's (if it is there). Returns how many were added."""
    vcses = list(Organisation.objects.filter(region=region, is_vcse=True).order_by("pk"))
    for vcse in vcses:
        vcse.served = list(vcse.areas_served.order_by("pk"))
    hub = next((v for v in vcses if v.name == "Ladywood Community Hub"), None)
    loaded = dict(
        ReferralEvent.objects.filter(
            kind=EventKind.CREATED, detail=VOLUME_MARK, referral__region=region
        )
        .values_list("referral__vcse_id")
        .annotate(n=Count("pk"))
    )
    if not vcses or sum(loaded.values()) >= total:
        return 0
    rng = random.Random(f"volume {sum(loaded.values())}")
    work = []
    per_vcse: dict[int, list[tuple[int, int]]] = {}
    for (vcse_id, area_id), n in _targets(region, vcses, hub, total, ladywood).items():
        per_vcse.setdefault(vcse_id, []).append((area_id, n))
    for vcse in vcses:
        parts = per_vcse.get(vcse.pk, [])
        done = loaded.get(vcse.pk, 0)
        todo = sum(n for _, n in parts) - done
        if todo <= 0:
            continue
        prefix = _prefix(vcse.name)
        areas = rng.choices([a for a, _ in parts], [n for _, n in parts], k=todo)
        for n, area_id in enumerate(areas, start=done + 1):
            work.append((vcse.pk, area_id, f"{prefix}-{n:06d}", VOLUME_STATES.pick(rng)))
    rng.shuffle(work)  # as referrals arrive: ids follow no VCSE or area
    loader = _Loader(region, vcses, today)
    with _restoring(LOAD_ORDER):
        for first in range(0, len(work), CHUNK):
            loader.load(work[first : first + CHUNK], rng)
    loader.finish(rng)
    return len(work)


def _prefix(name: str) -> str:
    """A VCSE's reference prefix: its caseload's, or its initials (Demo Community Group 0002
    gives DCG2)."""
    if name in CASELOADS:
        return CASELOADS[name].prefix
    words = name.split()
    letters = "".join(w[0] for w in words if w[0].isalpha()).upper()
    return letters + "".join(str(int(w)) for w in words if w.isdigit())


def _shares(total: int, weights: dict) -> dict:
    """`total` split in proportion to `weights`, in whole numbers that add up to it."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    for key in sorted(exact, key=lambda k: shares[k] - exact[k])[: total - sum(shares.values())]:
        shares[key] += 1
    return shares


def _targets(region, vcses, hub, total: int, ladywood: int) -> dict[tuple[int, int], int]:
    """How many referrals each (VCSE, area) has in all: the hub `ladywood`, the others the rest
    by AREA_SHARE and, within an area, by each VCSE's (seeded) size."""
    rng = random.Random("volume sizes")
    size = {v.pk: rng.uniform(0.3, 2.0) for v in vcses}
    others = [v for v in vcses if v is not hub]
    weights = {}
    for area in Area.objects.filter(region=region).order_by("pk"):
        serving = [v for v in others if area in v.served] or others
        per_size = AREA_SHARE.get(area.code, 10) / sum(size[v.pk] for v in serving)
        for vcse in serving:
            weights[(vcse.pk, area.pk)] = per_size * size[vcse.pk]
    if hub is None:
        return _shares(total, weights)
    return _shares(total - ladywood, weights) | _shares(
        ladywood, {(hub.pk, a.pk): 1 for a in hub.served}
    )


@dataclass
class Timeline:
    """When each step of one bulk-loaded referral happened (naive UTC), None if it did not."""

    referred: datetime.datetime
    expires_on: datetime.date
    allocated: datetime.datetime | None = None
    ready: datetime.datetime | None = None
    handed: datetime.datetime | None = None
    reminded: datetime.datetime | None = None
    closed: datetime.datetime | None = None
    noticed: datetime.datetime | None = None
    purged: datetime.datetime | None = None


class _Clock:
    """Timelines for bulk-loaded referrals, in naive UTC (see `_Loader.text`)."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.midnight = datetime.datetime.combine(today, datetime.time())
        self.now = timezone.now().astimezone(datetime.UTC).replace(tzinfo=None)
        self.expiry_days = settings.REHOME_REFERRAL_EXPIRY_DAYS
        self.expiry = datetime.timedelta(days=self.expiry_days)
        self.notice = datetime.timedelta(days=settings.REHOME_REFERRAL_EXPIRY_NOTICE_DAYS)
        self.follow_up_days = settings.REHOME_FOLLOW_UP_DAYS
        self.follow_up = datetime.timedelta(days=self.follow_up_days)
        self.retention = datetime.timedelta(days=settings.REHOME_PERSONAL_TEXT_RETENTION_DAYS)

    def days_ago(self, state: str, rng: random.Random) -> int:
        """How long ago it was referred or, once handed over, handed over."""
        if state == State.WAITING:
            return 1 + int(349 * rng.random() ** 1.3)  # more people lately
        if state == State.EXPIRED:
            return self.expiry_days + rng.randint(2, self.expiry_days)
        if state == State.HANDED_OVER:
            return rng.randint(1, self.follow_up_days + 20)
        if state == State.FOLLOWED_UP:
            return rng.randint(self.follow_up_days + 5, 700)
        return rng.randint(30, 700)

    def at(self, days_ago: int, rng: random.Random) -> datetime.datetime:
        """A moment in working hours, `days_ago` days before today."""
        return self.midnight - datetime.timedelta(days=days_ago, minutes=-rng.randint(480, 1020))

    @staticmethod
    def morning(day: datetime.date) -> datetime.datetime:  # when the daily jobs run
        return datetime.datetime.combine(day, datetime.time(6, 0))

    def timeline(self, state: str, rng: random.Random) -> Timeline:
        days = self.days_ago(state, rng)
        handed = None
        if state in (State.HANDED_OVER, State.FOLLOWED_UP):
            handed = self.at(days, rng)
            referred = handed - datetime.timedelta(days=rng.randint(14, 200), hours=2)
        else:
            referred = self.at(days, rng)
        line = Timeline(referred, referred.date() + self.expiry)
        if state in (State.ALLOCATED, State.READY_TO_COLLECT):
            line.allocated = max(self.at(rng.randint(2, 25), rng), referred + DAY)
            if state == State.READY_TO_COLLECT:
                line.ready = min(line.allocated + rng.randint(1, 6) * DAY, self.now)
        elif handed:
            line.handed = handed
            line.allocated = handed - rng.randint(7, 14) * DAY
            line.ready = handed - rng.randint(1, 5) * DAY
            due = handed.date() + self.follow_up
            if due <= self.today:
                line.reminded = self.morning(due)
            if state == State.FOLLOWED_UP:
                followed = min(due + rng.randint(0, 25) * DAY, self.today - DAY)
                line.closed = datetime.datetime.combine(followed, handed.time())
        elif state == State.WITHDRAWN:
            line.closed = min(referred + rng.randint(7, 300) * DAY, self.now)
        elif state == State.EXPIRED:
            line.closed = self.morning(line.expires_on + DAY)
            line.noticed = line.closed - self.notice
        elif self.morning(line.expires_on) - self.notice <= self.now:
            line.noticed = self.morning(line.expires_on) - self.notice
        if line.closed and line.closed + self.retention < self.now:
            line.purged = min(line.closed + self.retention + datetime.timedelta(hours=2), self.now)
        return line


class _Loader:
    """Rows for bulk-loaded referrals (with their devices, handovers, skills offers, follow-ups
    and events), inserted a chunk at a time with ids given here, so rows can refer to each
    other without reading anything back."""

    def __init__(self, region: Region, vcses: list[Organisation], today: datetime.date):
        self.postgres = connection.vendor == "postgresql"
        self.region_id = region.pk
        self.clock = _Clock(today)
        wmca = Organisation.objects.filter(region=region, is_regional_body=True).first()
        coordinator = Membership.objects.filter(organisation=wmca, role=Role.COORDINATOR).first()
        self.coordinator = (coordinator.user_id if coordinator else None, getattr(wmca, "pk", None))
        self.workers = {v.pk: getattr(_worker(v), "pk", None) for v in vcses}
        kinds = Organisation.objects.filter(region=region).order_by("pk")
        self.donors = list(kinds.filter(is_donor=True).values_list("pk", flat=True)) or [None]
        self.itads = list(kinds.filter(is_itad=True).values_list("pk", flat=True)) or [None]
        self.offers: dict[int, list[int]] = {}
        skills = Service.objects.published().skills().filter(region=region).order_by("pk")
        for service_id, area_id in skills.values_list("pk", "areas"):
            if area_id:
                self.offers.setdefault(area_id, []).append(service_id)
        self.sims: dict[tuple[int, datetime.date], SimBatch] = {}
        self.sims_used: dict[int, int] = {}
        self.ids = {model: _last_id(model) for model in (Referral, Device, Handover)}
        self.json = functools.cache(lambda values: json.dumps(list(values)))

    @staticmethod
    def text(value: datetime.datetime | None) -> str | None:
        """A datetime (naive, in UTC) as both backends take it: the text Django writes to
        SQLite, which PostgreSQL reads in its session's time zone, UTC."""
        return None if value is None else value.isoformat(" ")

    def uid(self, rng: random.Random) -> str:
        value = uuid.UUID(int=rng.getrandbits(128), version=4)
        return str(value) if self.postgres else value.hex

    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def load(self, work: list[tuple], rng: random.Random) -> None:
        rows = {model: [] for model in LOAD_ORDER}
        for vcse_id, area_id, reference, state in work:
            self.referral(rows, rng, vcse_id, area_id, reference, state)
        for model in LOAD_ORDER:
            _insert(model, rows[model])

    def referral(self, rows, rng, vcse_id, area_id, reference, state) -> None:
        referral_id = self.next_id(Referral)
        ask = _ask(rng, VOLUME_REASONS)
        line = self.clock.timeline(state, rng)
        worker = self.workers.get(vcse_id)
        by_vcse = (worker, vcse_id)
        nobody = (None, None)
        steps = [(line.referred, EventKind.CREATED, "", State.WAITING, by_vcse, VOLUME_MARK)]
        device_id = None
        if line.allocated:
            device_id, device = self.device(
                rows, rng, ask.device_type, area_id, state, vcse_id, line
            )
            steps.append(
                (
                    line.allocated,
                    EventKind.STATE,
                    State.WAITING,
                    State.ALLOCATED,
                    self.coordinator,
                    f"Device {device}",
                )
            )
        if line.ready:
            steps.append(
                (line.ready, EventKind.STATE, State.ALLOCATED, State.READY_TO_COLLECT, by_vcse, "")
            )
        if line.handed:
            self.handover(rows, rng, referral_id, device_id, vcse_id, area_id, ask, line)
            steps.append(
                (
                    line.handed,
                    EventKind.STATE,
                    State.READY_TO_COLLECT,
                    State.HANDED_OVER,
                    by_vcse,
                    "",
                )
            )
        if line.reminded:
            steps.append((line.reminded, EventKind.REMINDER, "", "", nobody, "Follow-up due"))
        if line.noticed:
            steps.append(
                (
                    line.noticed,
                    EventKind.NOTICE,
                    "",
                    "",
                    nobody,
                    f"Expires on {line.expires_on:%d %B %Y}",
                )
            )
        close_reason = close_note = ""
        if state == State.FOLLOWED_UP:
            self.follow_up(rows, rng, referral_id, worker, line.closed)
            steps.append(
                (line.closed, EventKind.STATE, State.HANDED_OVER, State.FOLLOWED_UP, by_vcse, "")
            )
        elif state == State.WITHDRAWN:
            close_reason, close_note = rng.choice(WITHDRAWALS)
            steps.append(
                (
                    line.closed,
                    EventKind.STATE,
                    State.WAITING,
                    State.WITHDRAWN,
                    by_vcse,
                    CloseReason(close_reason).label,
                )
            )
        elif state == State.EXPIRED:
            steps.append(
                (
                    line.closed,
                    EventKind.STATE,
                    State.WAITING,
                    State.EXPIRED,
                    nobody,
                    "Not renewed in time",
                )
            )
        uid = self.uid(rng)
        personal = (ask.priority_reason, ask.notes, close_note, reference)
        if line.purged:
            personal = ("", "", "", f"erased-{uid.replace('-', '')[:12]}")
            steps.append((line.purged, EventKind.PURGED, "", "", nobody, "Retention period over"))
        steps.sort(key=lambda step: step[0])
        for at, kind, from_state, to_state, (actor, organisation), detail in steps:
            rows[ReferralEvent].append(
                {
                    "referral_id": referral_id,
                    "at": self.text(at),
                    "kind": kind,
                    "from_state": from_state,
                    "to_state": to_state,
                    "actor_id": actor,
                    "organisation_id": organisation,
                    "detail": detail,
                }
            )
        changed = max(at for at, kind, *_ in steps if kind in (EventKind.CREATED, EventKind.STATE))
        rows[Referral].append(
            {
                "id": referral_id,
                "uid": uid,
                "region_id": self.region_id,
                "vcse_id": vcse_id,
                "reference": personal[3],
                "area_id": area_id,
                "postcode_district": "",
                "eligibility": self.json(tuple(ask.eligibility)),
                "device_type": ask.device_type,
                "substitutes": self.json(tuple(ask.substitutes)),
                "accessibility": self.json(tuple(ask.accessibility)),
                "connectivity": ask.connectivity,
                "skills": self.json(tuple(ask.skills)),
                "priority": int(ask.priority),
                "priority_reason": personal[0],
                "notes": personal[1],
                "consent_by": ask.consent_by,
                "consent_purposes": self.json(tuple(ask.consent_purposes)),
                "consent_recorded_by_id": worker,
                "consent_at": self.text(line.referred),
                "state": state,
                "state_changed_at": self.text(changed),
                "referred_at": self.text(line.referred),
                "created_by_id": worker,
                "expires_on": line.expires_on.isoformat(),
                "expiry_notice_at": self.text(line.noticed),
                "device_id": device_id,
                "allocated_at": self.text(line.allocated),
                "close_reason": close_reason,
                "close_note": personal[2],
                "closed_at": self.text(line.closed),
                "purged_at": self.text(line.purged),
            }
        )

    def device(self, rows, rng, device_type, area_id, state, vcse_id, line) -> tuple[int, str]:
        """A refurbished device allocated to the referral: held by its partner until the VCSE
        has it, and no one's once handed over."""
        device_id = self.next_id(Device)
        choices = MODELS[device_type]
        make, model, cpu, ram, storage, year, screen = choices[device_id % len(choices)]
        serial = f"RV{device_id:07d}"
        partner = rng.choice(self.itads)
        holder = {State.ALLOCATED: partner, State.READY_TO_COLLECT: vcse_id}.get(state)
        rows[Device].append(
            {
                "id": device_id,
                "uid": self.uid(rng),
                "region_id": self.region_id,
                "device_type": device_type,
                "make": make,
                "model": model,
                "serial_number": serial,
                "imei": "",
                "asset_tag": "",
                "cpu": cpu,
                "ram_gb": ram,
                "storage_gb": storage,
                "year": year,
                "screen_inches": screen,
                "has_no_storage": device_type not in WITH_DRIVES,
                "grade": rng.choice("ABBC"),
                "state": DeviceState.ALLOCATED if holder else DeviceState.HANDED_OVER,
                "state_changed_at": self.text(line.handed or line.allocated),
                "custodian_id": holder,
                "in_transit_to_id": None,
                "donor_id": rng.choice(self.donors),
                "partner_id": partner,
                "batch_id": None,
                "area_of_origin_id": area_id,
                "evidence_since": None,
                "ledger_seq": 0,
                "ledger_head": "0" * 64,
                "created_at": self.text(line.allocated - datetime.timedelta(days=60)),
            }
        )
        return device_id, f"{make} {model} ({serial})"

    def handover(self, rows, rng, referral_id, device_id, vcse_id, area_id, ask, line) -> None:
        handover_id = self.next_id(Handover)
        sim = None
        if ask.connectivity == Connectivity.NEEDS_SIM and rng.random() < 0.85:
            sim = self.sim_batch(vcse_id, line.handed.date())
            self.sims_used[sim.pk] += 1
        due = line.handed.date() + datetime.timedelta(days=settings.REHOME_FOLLOW_UP_DAYS)
        rows[Handover].append(
            {
                "id": handover_id,
                "referral_id": referral_id,
                "device_id": device_id,
                "sim_batch_id": getattr(sim, "pk", None),
                "social_tariff_signposted": ask.connectivity != Connectivity.HAS_CONNECTION
                and sim is None,
                "skills_note": "",
                "terms_version": services.TERMS_VERSION,
                "handed_over_at": self.text(line.handed),
                "handed_over_by_id": self.workers.get(vcse_id),
                "follow_up_due": due.isoformat(),
                "follow_up_reminded_at": self.text(line.reminded),
                "waited_days": (line.handed.date() - line.referred.date()).days,
            }
        )
        local = self.offers.get(area_id)
        if local and (ask.skills or rng.random() < 0.3):
            rows[SkillsOffer].append({"handover_id": handover_id, "service_id": rng.choice(local)})

    def sim_batch(self, vcse_id: int, day: datetime.date) -> SimBatch:
        """The VCSE's SIMs for the quarter: one delivery a quarter, sized in `finish`."""
        quarter = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        if (vcse_id, quarter) not in self.sims:
            network, data_gb = SIM_NETWORKS[vcse_id % len(SIM_NETWORKS)]
            sim = SimBatch.objects.create(
                vcse_id=vcse_id,
                network=network,
                data_gb=data_gb,
                months=6,
                quantity=1,
                source=DATABANK,
                received_on=quarter - datetime.timedelta(days=10),
                created_by_id=self.workers.get(vcse_id),
            )
            self.sims[(vcse_id, quarter)] = sim
            self.sims_used[sim.pk] = 0
        return self.sims[(vcse_id, quarter)]

    def follow_up(self, rows, rng, referral_id, worker, at) -> None:
        rows[FollowUp].append(
            {
                "referral_id": referral_id,
                "recorded_at": self.text(at),
                "recorded_by_id": worker,
                "still_using": STILL_USING.pick(rng),
                "uses": json.dumps(rng.sample(USES, k=rng.randint(1, 3))),
                "confidence": CONFIDENCE.pick(rng),
                "needs_more_help": rng.random() < 0.2,
                "note": "",
            }
        )

    def finish(self, rng: random.Random) -> None:
        for sim in self.sims.values():
            sim.quantity = self.sims_used[sim.pk] + rng.randint(0, 8)
        SimBatch.objects.bulk_update(self.sims.values(), ["quantity"])
        with connection.cursor() as cursor:
            # Ids given here leave PostgreSQL's sequences behind (SQLite's keep up by themselves).
            for statement in connection.ops.sequence_reset_sql(no_style(), list(self.ids)):
                cursor.execute(statement)


SkillsOffer = Handover.skills_offers.through
LOAD_ORDER = (Device, Referral, Handover, SkillsOffer, FollowUp, ReferralEvent)


@contextlib.contextmanager
def _restoring(models):
    """Load `models`' tables the way a restore does: their plain indexes (and, on PostgreSQL,
    their foreign keys) are set aside and made again afterwards from their own definitions, so
    each is built in one pass and each key checked in one join rather than row by row (deferred
    to the commit, on PostgreSQL: minutes for 200,000 referrals). The schema ends as migrations
    left it; inside the caller's transaction, a failure undoes all of it."""
    tables = [m._meta.db_table for m in models]
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # Keys are not altered while checks of rows written earlier in the transaction
            # wait for its end (PostgreSQL refuses): run those checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
                [tables],
            )
            foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = ANY(%s) AND "
                "NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [tables],
            )
        else:
            foreign_keys = []
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN (SELECT value FROM json_each(%s))",
                [json.dumps(tables)],
            )
        indexes = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django's keys are declared
        # Statistics for the planner, as a database that grew to this size would have.
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _last_id(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _insert(model, rows: list[dict]) -> None:
    """Insert `rows` (column → value; the id may be left to the database) in one statement:
    COPY on PostgreSQL, executemany on SQLite. A column the rows do not give takes its field's
    default, so a field added to the model later needs no change here."""
    if not rows:
        return
    table = model._meta.db_table
    given = list(rows[0])
    unknown = set(given) - {f.column for f in model._meta.concrete_fields}
    assert not unknown, (table, unknown)
    defaults = {
        f.column: f.get_db_prep_save(f.get_default(), connection)
        for f in model._meta.concrete_fields
        if f.column not in given and not f.primary_key
    }
    columns = given + list(defaults)
    rest = tuple(defaults.values())
    raw = connection.connection
    if connection.vendor == "postgresql":
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row((*row.values(), *rest))
    else:
        placeholders = ", ".join("?" * len(columns))
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 (model tables)
        cursor = raw.cursor()
        try:
            cursor.executemany(statement, [(*row.values(), *rest) for row in rows])
        finally:
            cursor.close()
