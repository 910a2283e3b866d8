"""Demo employers in the engagement pipeline, at every stage, through the real services.

Fictional West Midlands employers. Midland Mutual is linked to the demo donor of the same name,
whose batches the demo has already received, so its page shows expected against actual devices.
"""

import datetime

from django.utils import timezone

from lib.opportunity import Employer

from . import services
from .models import Prospect, Stage

# (name, sector, employees, own factors, stage, linked donor organisation, next step)
EMPLOYERS = [
    (
        "Midland Mutual Building Society",
        "Financial services",
        3_200,
        {"devices_per_employee": 1.6},
        Stage.DONATING,
        "Midland Mutual Building Society",
        "Ask about signing the IT Reuse for Good Charter",
    ),
    (
        "Brindley Engineering Group",
        "Manufacturing",
        5_400,
        {},
        Stage.PLEDGED,
        "Brindley Engineering Group",
        "Book the first collection",
    ),
    (
        "Severn Valley Health Partnership",
        "Health",
        11_800,
        {"refresh_years": 5},
        Stage.CONTACTED,
        None,
        "Meet the IT asset manager",
    ),
    (
        "Arden Energy plc",
        "Energy",
        2_600,
        {},
        Stage.CONTACTED,
        None,
        "Send the donor pack",
    ),
    (
        "Coventry Motor Works",
        "Automotive",
        14_000,
        {"devices_per_employee": 0.8},
        Stage.PROSPECT,
        None,
        "",
    ),
    ("Black Country Metals Ltd", "Manufacturing", 1_900, {}, Stage.PROSPECT, None, ""),
    ("Wolverhampton Retail Group", "Retail", 4_300, {}, Stage.PROSPECT, None, ""),
]
PATH = [Stage.CONTACTED, Stage.PLEDGED, Stage.DONATING, Stage.SIGNATORY]


def seed_prospects(organisations: dict, people: dict) -> int:
    """Add the demo employers unless the region has a pipeline already. Returns how many."""
    coordinator = people["coordinator@rehome.example"]
    region = organisations["West Midlands Combined Authority"].region
    if Prospect.objects.filter(region=region).exists():
        return 0
    employers = [
        Employer(row, name, employees, sector, factors)
        for row, (name, sector, employees, factors, *_) in enumerate(EMPLOYERS, start=2)
    ]
    added, _ = services.prospects_import(region=region, employers=employers, actor=coordinator)
    today = timezone.localdate()
    for offset, (name, _, _, _, stage, donor, next_step) in enumerate(EMPLOYERS):
        prospect = Prospect.objects.get(region=region, name=name)
        if stage == Stage.PROSPECT:
            continue
        services.prospect_update(
            prospect,
            actor=coordinator,
            owner=coordinator,
            next_step=next_step,
            next_step_on=today + datetime.timedelta(days=7 + 7 * offset),
            organisation=organisations[donor] if donor else None,
        )
        for step in PATH[: PATH.index(stage) + 1]:
            prospect = services.prospect_move(prospect, to_stage=step, actor=coordinator)
    return added
