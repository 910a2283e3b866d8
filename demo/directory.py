"""Demo directory: the rest of the network beside the referral services (demo/referrals.py) —
donation points, refurbishment partners, repair cafés, skills courses and training schemes —
who each entry is for, one entry nobody has checked for over a year and one change waiting for
the coordinator.

Entries are proposed and approved through `directory.services`, as the coordinator would, so
each has its revision history. Idempotent: an entry that exists by name is left alone, and the
waiting change is proposed only once.
"""

import datetime

from django.utils import timezone

from demo import data
from directory import services
from directory.models import Audience, Service, ServiceAudience, ServiceKind, ServiceRevision

BIR, COV, DUD, SAW, SOL, WAL, WLV = data.ALL_AREAS
A = Audience

# (name, organisation, kind, area codes, audiences, description, where, when, eligibility, how)
NETWORK = [
    (
        "Forge Tech Reuse drop-off point",
        "Forge Tech Reuse CIC",
        ServiceKind.DEVICE_DONATION,
        [BIR, SOL, SAW],
        [A.ORGANISATIONS, A.EVERYONE],
        "Bring laptops, tablets and phones you no longer need. Every drive is erased to a "
        "recognised standard and the device refurbished for someone who is offline.",
        "Unit 4, Tyseley Industrial Estate, Birmingham B11 2AA",
        "Monday to Friday, 9am to 4pm",
        "Households and organisations. Employers with more than 20 devices should pledge a "
        "batch instead, for a collection and certificate.",
        "Just turn up with your devices and their chargers.",
    ),
    (
        "Coventry libraries device donation points",
        "Coventry City Council",
        ServiceKind.DEVICE_DONATION,
        [COV],
        [A.EVERYONE],
        "Drop a working laptop, tablet or smartphone at the counter of any Coventry library "
        "for #CovConnects.",
        "Central Library and community libraries, Coventry",
        "During library opening hours",
        "",
        "Sign out of your accounts first if you can; staff will help if not.",
    ),
    (
        "Greenbyte refurbished laptops for charities",
        "Greenbyte Refurb Ltd",
        ServiceKind.REFURBISHMENT,
        [SOL, BIR],
        [A.ORGANISATIONS],
        "Refurbishes donated business laptops with a fresh operating system and a 12-month "
        "warranty, for charities and community groups.",
        "Greenbyte Refurb, Solihull Business Park, Solihull B90 4AA",
        "By appointment",
        "Registered charities and community groups in Solihull and Birmingham.",
        "E-mail with how many devices you need and who they are for.",
    ),
    (
        "Black Country Renew community workshop",
        "Black Country Renew Ltd",
        ServiceKind.REFURBISHMENT,
        data.BLACK_COUNTRY,
        [A.ORGANISATIONS, A.JOB_SEEKERS],
        "Refurbishment workshop where volunteers and trainees rebuild donated PCs for local "
        "schools and community groups.",
        "Black Country Renew, Tipton Road, Dudley DY4 7AA",
        "Weekdays",
        "",
        "Contact the workshop; schools and community groups can ask for devices.",
    ),
    (
        "Foleshill Repair Café",
        "Foleshill Friends Network",
        ServiceKind.REPAIR_CAFE,
        [COV],
        [A.EVERYONE],
        "Volunteer fixers help you mend laptops, phones, lamps and toasters over a cup of tea. "
        "Free; donations welcome.",
        "Foleshill Community Centre, Foleshill Road, Coventry CV6 5AA",
        "First Saturday of the month, 10am to 1pm",
        "",
        "Bring the broken item and its charger. No booking needed.",
    ),
    (
        "Brierley Hill Repair Café",
        "Brierley Hill Connect",
        ServiceKind.REPAIR_CAFE,
        [DUD],
        [A.EVERYONE],
        "Monthly repair café for small electricals, phones and laptops.",
        "Brierley Hill Civic Hall, Brierley Hill DY5 3DH",
        "Last Saturday of the month, 10am to 12 noon",
        "",
        "Just turn up.",
    ),
    (
        "Refurbishment technician traineeship",
        "Phoenix IT Recovery Ltd",
        ServiceKind.TRAINING,
        [COV, SOL],
        [A.YOUNG_PEOPLE, A.JOB_SEEKERS],
        "Twelve-week paid traineeship in IT asset recovery and refurbishment, with CompTIA A+ "
        "preparation, run with a local college.",
        "Phoenix IT Recovery, Torrington Avenue, Coventry CV4 9AA",
        "Intakes in January, May and September",
        "Aged 16 to 24 and not in work, education or training; living in Coventry or Solihull.",
        "Referral by a Jobcentre work coach or youth worker, or apply on the website.",
    ),
    (
        "Digital skills for work",
        "Chelmsley Wood Community Trust",
        ServiceKind.COURSE,
        [SOL],
        [A.JOB_SEEKERS, A.LOW_INCOME],
        "Six-week course: job searching online, CVs, video interviews and Universal Credit "
        "journals. A refurbished laptop to keep for those who finish.",
        "Chelmsley Wood Library, Chelmsley Wood B37 5TN",
        "Mondays, 1pm to 3pm",
        "Out of work or on a low income, living in north Solihull.",
        "Ask the Trust, or be referred by your work coach.",
    ),
]
# Who the referral seed's entries (demo/referrals.py SERVICES) are for; anyone, unless here.
AUDIENCES = {
    "Small Heath Digital Champions: one-to-one help": [A.EVERYONE, A.REFUGEES],
    "Coventry Essential Digital Skills (free course)": [A.JOB_SEEKERS, A.LOW_INCOME],
    "Learn My Way with a tutor, Dudley": [A.EVERYONE, A.DISABLED_PEOPLE],
    "Getting started with your tablet, Chelmsley Wood": [A.OLDER_PEOPLE],
    "Silver surfers: online at your own pace": [A.OLDER_PEOPLE],
    "Free data SIMs through the National Databank": [A.LOW_INCOME],
    "Social tariff check and switch": [A.LOW_INCOME, A.FAMILIES],
}
# A VCSE's device referrals are for people who cannot afford a device.
KIND_AUDIENCES = {ServiceKind.DEVICE_REFERRAL: [A.LOW_INCOME]}
STALE = "Brierley Hill Repair Café"
CHANGED = "Digital champions at Ladywood Community Hub"
STALE_AGE = datetime.timedelta(days=430)


def seed_directory(region, organisations, people, today: datetime.date) -> int:
    """The network's entries, approved by the demo coordinator. Returns how many were made."""
    coordinator = people["coordinator@rehome.example"]
    made = 0
    for name, owner, kind, codes, audiences, description, where, when, who, how in NETWORK:
        if Service.objects.filter(region=region, name=name).exists():
            continue
        organisation = organisations[owner]
        revision = services.service_propose(
            organisation=organisation,
            actor=coordinator,
            entry=services.Entry(
                name=name,
                kind=kind,
                description=description,
                area_codes=codes,
                audiences=audiences,
                eligibility=who,
                how_to_access=how,
                opening_times=when,
                address=where,
                contact_email=organisation.contact_email,
                contact_phone=organisation.contact_phone,
                website=organisation.website,
            ),
        )
        services.revision_approve(revision, actor=coordinator)
        made += 1
    ServiceAudience.objects.bulk_create(
        ServiceAudience(service=service, audience=audience)
        for service in Service.objects.filter(region=region, audiences=None)
        for audience in AUDIENCES.get(service.name)
        or KIND_AUDIENCES.get(service.kind, [A.EVERYONE])
    )
    moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))
    Service.objects.filter(region=region, name=STALE).update(reviewed_at=moment - STALE_AGE)
    _propose_change(region, people["vcse@rehome.example"])
    return made


def _propose_change(region, worker) -> None:
    """Ladywood's champions add a Saturday session: waiting for the coordinator."""
    service = Service.objects.filter(region=region, name=CHANGED).first()
    if service is None or ServiceRevision.objects.filter(service=service).exists():
        return
    entry = services.Entry.of(service)
    entry.opening_times = "Tuesdays and Thursdays, 10am to 1pm; Saturdays, 10am to 12 noon"
    entry.description += " Saturday mornings are for families learning together."
    entry.audiences = sorted({*entry.audiences, Audience.FAMILIES})
    if not (entry.contact_email or entry.contact_phone or entry.website):
        entry.contact_email = service.organisation.contact_email
    services.service_propose(
        organisation=service.organisation, actor=worker, entry=entry, service=service
    )
