"""Demo library pages: fictional case studies and guidance from the demo region's organisations.

Every scheme, figure and college here is invented for the demo. Pages are written, submitted
and published through `library.services` by the demo cast, then their dates are moved back so
the library looks as it would after a year or so (one page waits in review, to show the
coordinator's queue). Idempotent: a page whose title its organisation already has is skipped.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from organisations.models import Organisation
from regions.models import Area

from . import services
from .models import Page

COORDINATOR = "coordinator@rehome.example"
WMCA = "West Midlands Combined Authority"

# (organisation, writer's e-mail, days ago published or None to leave in review, kind, title,
#  summary, themes, area names, partner organisations, outcome lines, body)
PAGES = [
    (
        WMCA,
        COORDINATOR,
        330,
        "case_study",
        "Lending shelves: donating laptops through Wolverhampton's libraries",
        "How the city's libraries became drop-off points for unwanted laptops and tablets, and "
        "what it took to keep donations safe between the counter and the refurbisher.",
        ["device_donation", "partnerships"],
        ["Wolverhampton"],
        ["City of Wolverhampton Council", "Whitmore Reans Digital Inclusion Group"],
        "9 libraries taking donations\n418 devices donated in the first year\n"
        "61% of laptops reusable after refurbishment",
        """## The idea

Residents kept asking library staff what to do with an old laptop. Most people do not have an
employer's IT department to hand it to, and many worried about what was still on the drive.
Wolves Tech Aid turned nine branch libraries into drop-off points, open whenever the library is.

## How a donation works

1. The donor fills in a short slip: device type, whether it powers on, and whether they want a
   data-destruction certificate.
2. Staff put the device in a sealed, numbered bag in front of the donor and give them the tear-off
   receipt.
3. Bags wait in a locked cupboard until the fortnightly collection by the accredited partner,
   who scans every bag number on arrival.

Nothing is switched on or looked at in the library. That single rule made staff comfortable
taking part.

## What we learned

- **Seal it in front of the donor.** Confidence went up as soon as people saw the bag closed.
- **Collect on a timetable**, not when the cupboard is full: branches with small cupboards
  otherwise turned donors away.
- **Tell donors what happened.** A postcard-sized thank-you with the number of devices the
  branch passed on brought people back with a second device.

Chargers were the most common missing piece. Branches now keep a box of donated chargers too.
""",
    ),
    (
        "Forge Tech Reuse CIC",
        "itad@rehome.example",
        250,
        "case_study",
        "Refurbishment placements with a further education college",
        "Students on an IT support course spent a term in our workshop, learning erasure, "
        "grading and repair on real donated laptops.",
        ["refurbishment", "partnerships", "digital_skills"],
        ["Birmingham"],
        ["Midland Mutual Building Society"],
        "14 students on placement\n1,150 laptops refurbished during placements\n"
        "3 students now work in the sector",
        """## Why we did it

Our bottleneck was never donations: it was hands at the bench. Meanwhile the (fictional)
Tame Valley College was looking for work placements that were more than shadowing.

## How the placement runs

Each student spends two days a week with us for one term. They start on grading and cleaning,
move on to battery and keyboard swaps, and finish by running erasure under supervision. A
technician signs off every erasure record; students never work on a batch marked as
high-sensitivity.

| Week | Focus |
|------|-------|
| 1 to 2 | Health and safety, handling and grading |
| 3 to 6 | Repairs: batteries, keyboards, screens |
| 7 to 12 | Erasure and operating system installs, supervised |

## What made it work

- A named technician as mentor for each pair of students.
- The college's tutor visiting every fortnight, so problems surfaced early.
- Midland Mutual's donated laptops were all one model, which made a good first repair project.

## What we would change

We underestimated the time mentoring takes. Next year we will take fewer students per term and
give each mentor a lighter bench target.
""",
    ),
    (
        "Ladywood Community Hub",
        "vcse@rehome.example",
        160,
        "case_study",
        "A Thursday drop-in: digital champions alongside every handover",
        "Pairing each device handover with a standing weekly drop-in run by trained volunteers, "
        "so nobody leaves with a laptop they cannot yet use.",
        ["digital_skills"],
        ["Birmingham"],
        ["Small Heath Digital Champions"],
        "46 drop-in sessions held\n83% felt more confident online after three months",
        """## The problem

Early on we handed over devices and booked a follow-up three months later. Too many people told
us at that follow-up that the laptop had stayed in its box.

## What we changed

We now hand over devices only on Thursday afternoons, in the same room as our drop-in. Two
volunteer digital champions, trained with Small Heath Digital Champions, sit with each person to:

- switch the device on and connect it to the data SIM or home broadband;
- set up an e-mail account and a password they can remember;
- find one thing the person came for: a GP booking, a job site, a video call.

People come back the following Thursday with questions, and most keep coming for a few weeks.

## Tips for other groups

Keep the first session short. Write nothing personal on the hand-out sheets. Have a spare
charger and a mouse ready: a trackpad is a real barrier for some people.
""",
    ),
    (
        "Tipton Together",
        "vcse.tipton@rehome.example",
        75,
        "case_study",
        "Signposting to social tariffs when a device is handed over",
        "A two-minute check at handover found that many households could pay less for broadband "
        "and had never been told.",
        ["connectivity"],
        ["Sandwell"],
        ["Sandwell Metropolitan Borough Council"],
        "112 households helped onto a social tariff\n£14 average saving a month",
        """## Start with one question

At every handover we now ask: *does anyone in your household receive Universal Credit, Pension
Credit or another qualifying benefit?* If yes, we go through the social tariffs offered in their
street there and then.

## What we keep ready

- A printed, dated list of the social tariffs available locally and how to apply.
- A data SIM for the weeks before a new broadband line is installed.
- Time: switching can need an hour on the phone with the provider, so we book a second visit.

## What we learned

Most people we asked had never heard of social tariffs. Many assumed they were locked into their
contract. Sandwell Council's welfare rights team helped us check the harder cases.
""",
    ),
    (
        "Small Heath Digital Champions",
        "vcse@rehome.example",
        None,
        "case_study",
        "Device set-up guides in community languages",
        "Short illustrated set-up guides in six languages, written with the people who use them.",
        ["digital_skills"],
        ["Birmingham"],
        [],
        "6 languages\n250 guides handed out",
        """## Why

Many of the people we support read English less comfortably than their first language, and
set-up screens are full of unfamiliar words.

## How

Volunteers who speak each language wrote the guides with learners, tested them at our sessions
and rewrote the parts people got stuck on. Pictures carry most of the meaning.
""",
    ),
    (
        "Midland Mutual Building Society",
        "donor@rehome.example",
        200,
        "guidance",
        "Running a device donation drive at work",
        "A step-by-step guide for employers: from getting sign-off to handing over a batch "
        "with a data-destruction certificate at the end.",
        ["device_donation", "data_and_impact"],
        [],
        [],
        "",
        """## Before you start

- **Get sign-off early** from IT security and whoever owns asset disposal. Show them the
  partner's accreditations and the certificate they will receive for each batch.
- **Export your asset list** from the system you already use (Intune, Snipe-IT or a
  spreadsheet). Serial numbers are what matter most.
- **Decide what is in scope**: laptops and tablets from the last five or six years reuse best.

## Running the drive

1. Pledge the batch in Rehome and upload the asset list.
2. Pick a collection date with the accredited partner serving your area.
3. Keep devices in a locked room until collection; do not wipe them yourselves unless your
   policy requires it, as the partner erases to a recognised standard and records the evidence.
4. Count devices out against the manifest when the partner collects.

## Afterwards

Download the data-destruction certificate for the batch and keep it with your disposal
records. Share the impact statement with staff: people give more readily the second time when
they see what their old laptop became.
""",
    ),
    (
        WMCA,
        COORDINATOR,
        30,
        "guidance",
        "Choosing an accredited refurbishment partner",
        "What to look for in a partner who will erase, refurbish and recycle donated devices, "
        "and the questions to ask before the first collection.",
        ["refurbishment", "partnerships"],
        [],
        [],
        "",
        """## Accreditations that matter

Ask for the certificates, not just the logos, and check the expiry dates. For data-bearing
devices look for an ICT asset recovery standard such as **ADISA**, information security
certification such as **ISO/IEC 27001**, and **Cyber Essentials Plus**. For what cannot be
reused, the partner (or its recycler) should be a licensed treatment facility for electrical
waste.

## Questions to ask

- Which erasure tools do you use, and can we see a sample erasure report?
- What happens to a drive that fails erasure?
- How do you track a device from collection to its new owner or to recycling?
- How quickly will we receive the certificate for a batch?

## Keep it regional

A partner close to donors and community organisations spends less on transport and can turn
devices around faster. Rehome shows which accredited partners serve each area.
""",
    ),
]


def _when(today: datetime.date, days_ago: int) -> datetime.datetime:
    day = today - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 30)))


def seed_library(*, today: datetime.date | None = None) -> int:
    """Write the demo's library pages through the services. Returns how many were added."""
    today = today or timezone.localdate()
    coordinator = User.objects.get(email=COORDINATOR)
    wmca = Organisation.objects.get(name=WMCA)
    made = 0
    for (
        organisation_name,
        email,
        days_ago,
        kind,
        title,
        summary,
        themes,
        area_names,
        partners,
        outcomes,
        body,
    ) in PAGES:
        organisation = Organisation.objects.get(name=organisation_name)
        if Page.objects.filter(organisation=organisation, title=title).exists():
            continue
        writer = User.objects.get(email=email)
        draft = services.Draft(
            kind=kind,
            title=title,
            summary=summary,
            body=body,
            themes=themes,
            areas=list(Area.objects.filter(region=organisation.region, name__in=area_names)),
            organisations=list(Organisation.objects.filter(name__in=partners)),
            outcomes=outcomes,
        )
        page = services.page_create(organisation=organisation, actor=writer, draft=draft)
        services.page_submit(page, actor=writer, organisation=organisation)
        made += 1
        if days_ago is None:
            continue
        services.page_publish(page, actor=coordinator, organisation=wmca)
        published = _when(today, days_ago)
        Page.objects.filter(pk=page.pk).update(
            created_at=published - datetime.timedelta(days=12),
            updated_at=published - datetime.timedelta(days=12),
            submitted_at=published - datetime.timedelta(days=5),
            published_at=published,
        )
        for event, days in zip(page.events.order_by("pk"), (12, 5, 0), strict=True):
            event.at = published - datetime.timedelta(days=days)
            event.save(update_fields=["at"])
    return made
