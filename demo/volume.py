"""Demo devices at volume, with their custody chains: the data the impact figures are measured on.

Scale N > 1 adds (N - 1) x VOLUME devices (200,000 at scale 2), beside demo.referrals' (N - 1) x
200,000 referrals: `seed_demo --scale 6` gives about 1,000,000 devices and 5,000,000 custody
events (and 1,000,000 referrals). Devices come in donors' batches over the last YEARS years,
more of them lately and more in the spring and autumn refresh seasons; each batch has a donor
(a few large donors give most), an area (by AREA_SHARE) and the partner that processes it. Each
device then walks the lifecycle as far as its fate (JOURNEYS: most are rehomed, many recycled,
a few returned or lost) and the calendar allow: a device whose next step would fall after now
stays where it is, so the last months hold most of the devices still in progress.

Every device's custody chain is genuine: its events are numbered and hashed as
`custody.ledger.build` does (`lib.custody_chain`'s message, checked against it for the first
events), so `verify_custody` passes. The rows are bulk-loaded (COPY on PostgreSQL, executemany
on SQLite) past the services, so the caller recounts the impact tallies afterwards
(`impact.tally.rebuild()`, as `demo_seed` does).

Deterministic (seeded random) and idempotent: devices already loaded this way are counted (by
their batches' reference prefix) and only the rest are added.
"""

import datetime
import hashlib
import json
import random
import uuid
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Count

from custody.models import CustodyEvent
from demo.referrals import AREA_SHARE, Weighted, _insert, _last_id, _restoring
from devices.models import Device, Drive
from donations.manifests import _insert as insert_rows
from donations.models import Batch
from lib.custody_chain import EVENT_COLUMNS, GENESIS, SCHEME, canonical_payload, message
from organisations.models import Membership, Organisation
from organisations.roles import Role
from regions.models import Area, Region

VOLUME = 200_000
YEARS = 5
REFERENCE_PREFIX = "BV-"  # the batches of devices loaded in bulk, and so the devices
CHUNK = 20_000  # devices hashed and inserted together
DAY_US = 86_400_000_000

# Device types by weight; (make, model, cpu, RAM GB, storage GB, year) of each; screen sizes.
DEVICE_TYPES = Weighted(
    ("laptop", 55), ("desktop", 14), ("tablet", 12), ("smartphone", 16), ("other", 3)
)
MODELS = {
    "laptop": [
        ("Lenovo", "ThinkPad T480", "Intel Core i5-8350U", 8, 256, 2018),
        ("Lenovo", "ThinkPad X280", "Intel Core i5-8250U", 8, 256, 2018),
        ("Dell", "Latitude 5400", "Intel Core i5-8365U", 8, 256, 2019),
        ("Dell", "Latitude 3190", "Intel Celeron N4120", 4, 64, 2019),
        ("HP", "EliteBook 840 G5", "Intel Core i5-8350U", 16, 512, 2018),
        ("HP", "ZBook 17 G5", "Intel Core i7-8850H", 32, 512, 2018),
        ("Apple", "MacBook Air (2017)", "Intel Core i5-5350U", 8, 128, 2017),
    ],
    "desktop": [
        ("HP", "ProDesk 400 G6", "Intel Core i5-9500", 8, 256, 2019),
        ("Dell", "OptiPlex 7060", "Intel Core i5-8500", 8, 256, 2018),
        ("Lenovo", "ThinkCentre M720q", "Intel Core i5-8400T", 8, 256, 2018),
    ],
    "tablet": [
        ("Apple", "iPad (7th generation)", "A10 Fusion", 3, 32, 2019),
        ("Samsung", "Galaxy Tab A7", "Snapdragon 662", 3, 32, 2020),
        ("Amazon", "Fire HD 8", "MediaTek MT8168", 2, 32, 2020),
    ],
    "smartphone": [
        ("Samsung", "Galaxy A51", "Exynos 9611", 4, 64, 2020),
        ("Apple", "iPhone 8", "A11 Bionic", 2, 64, 2017),
        ("Google", "Pixel 4a", "Snapdragon 730G", 6, 128, 2020),
    ],
    "other": [("Brother", "HL-L2350DW", "", None, None, 2019)],
}
SCREENS = {
    # Laptops across the three impact categories; some with no size recorded.
    "laptop": Weighted(
        ("11.6", 8), ("12.5", 7), ("13.3", 18), ("14.0", 30), ("15.6", 28), ("17.3", 4), (None, 5)
    ),
    "desktop": Weighted((None, 1)),
    "tablet": Weighted(("10.2", 5), ("10.4", 3), ("8.0", 2)),
    "smartphone": Weighted(("6.1", 4), ("6.5", 4), ("4.7", 2)),
    "other": Weighted((None, 1)),
}
WITH_DRIVES = ("laptop", "desktop")
GRADED = frozenset({"assessed", "refurbished", "ready", "allocated", "handed_over", "returned"})

# How far a device is meant to go (the calendar may stop it earlier).
JOURNEYS = Weighted(
    ("rehomed", 26),
    ("returned", 2),
    # Much of what offices give is too old or too damaged to reuse.
    ("recycled_on_arrival", 32),
    ("recycled_after_assessment", 16),
    ("lost", 1),
    # Rehomed in the end, after a long wait where they are: for an assessment slot, for a
    # licence or a part, or as ready stock no one has been matched to (WAIT days); the devices
    # still waiting are the stock in progress.
    ("waits_erased", 5),
    ("waits_refurbished", 2),
    ("waits_ready", 6),
)
WAIT = (60, 540)
# Days between one step and the next: (fewest, most).
GAPS = {
    "receive": (3, 21),
    "erase": (1, 30),
    "assess": (1, 14),
    "refurbish": (1, 21),
    "make_ready": (0, 7),
    "allocate": (1, 45),
    "handover_confirmed": (1, 7),
    "hand_over": (1, 14),
    "return": (30, 300),
    "recycle": (7, 60),
    "lose": (5, 90),
}
ASSESSMENTS = [
    canonical_payload(
        {
            "assessment_rules_version": "1",
            "battery_health_pct": battery,
            "grade": grade,
            "outcome": outcome,
            "powers_on": True,
            "suggested_outcome": outcome,
        }
    )
    for grade, battery in (("A", 92), ("B", 84), ("B", 78), ("C", 61))
    for outcome in ("refurbish",)
]
SCRAP_ASSESSMENT = canonical_payload(
    {
        "assessment_rules_version": "1",
        "battery_health_pct": 35,
        "grade": "C",
        "outcome": "recycle",
        "powers_on": False,
        "suggested_outcome": "recycle",
    }
)
REFURBISHMENTS = [
    canonical_payload(
        {
            "activation_lock_removed": True,
            "management_removed": True,
            "operating_system": system,
            "os_version": "",
        }
    )
    for system in ("windows_11", "windows_10", "chromeos_flex", "ubuntu")
]
# custody_chain.canonical_payload without its check for floats, which costs more than the
# encoding: these payloads hold none (and the first events are checked against it).
_payload = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
EMPTY = canonical_payload({})
LOSS = canonical_payload({"reason": "Not found at the stock check."})
RETURN = canonical_payload({"reason": "No longer needed; given back to the hub."})


@dataclass
class _Cast:
    """Who acts in the volume: the region's donors, partners, hubs and coordinator."""

    region_id: int
    donors: Weighted
    itads: Weighted
    vcses_by_area: dict[int, list[int]]
    areas: Weighted
    actors: dict[int, int]  # organisation id -> one of its people (the coordinator's, theirs)
    regional: int | None  # the regional body, whose coordinator allocates

    @classmethod
    def of(cls, region: Region) -> "_Cast":
        rng = random.Random("volume cast")
        organisations = Organisation.objects.filter(region=region).order_by("pk")
        donors = list(organisations.filter(is_donor=True).values_list("pk", flat=True))
        itads = list(organisations.filter(is_itad=True).values_list("pk", flat=True))
        vcses = list(organisations.filter(is_vcse=True).prefetch_related("areas_served"))
        if not (donors and itads and vcses):
            raise LookupError("The volume needs a donor, a partner and a hub in the region.")
        areas = list(Area.objects.filter(region=region).order_by("pk"))
        by_area = {
            a.pk: [v.pk for v in vcses if a in v.areas_served.all()] or [v.pk for v in vcses]
            for a in areas
        }
        actors: dict[int, int] = {}
        for organisation_id, user_id in (
            Membership.objects.filter(organisation__region=region)
            .order_by("-is_admin", "pk")
            .values_list("organisation_id", "user_id")
        ):
            actors.setdefault(organisation_id, user_id)
        regional = organisations.filter(is_regional_body=True).first()
        coordinator = (
            Membership.objects.filter(organisation=regional, role=Role.COORDINATOR)
            .values_list("user_id", flat=True)
            .first()
        )
        if regional is not None and coordinator is not None:
            actors[regional.pk] = coordinator
        return cls(
            region_id=region.pk,
            # A few large donors give most devices (a long tail of small ones).
            donors=Weighted(*((pk, rng.paretovariate(1.2)) for pk in donors)),
            itads=Weighted(*((pk, rng.uniform(0.5, 2.0)) for pk in itads)),
            vcses_by_area=by_area,
            areas=Weighted(*((a.pk, AREA_SHARE.get(a.code, 10)) for a in areas)),
            actors=actors,
            regional=getattr(regional, "pk", None),
        )


class _Calendar:
    """Batch dates over the last YEARS years: more lately, and more in spring and autumn."""

    SEASON = (8, 8, 12, 11, 9, 8, 7, 7, 12, 12, 10, 6)  # January to December

    def __init__(self, today: datetime.date):
        self.now_us = _microseconds(datetime.datetime.combine(today, datetime.time(18)))
        first = datetime.date(today.year - YEARS, today.month, 1)
        months, month = [], first
        while month <= today:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        self.months = months
        self.today = today
        self.pick_month = Weighted(
            *(
                (n, (1 + 2 * n / len(months)) * self.SEASON[m.month - 1])
                for n, m in enumerate(months)
            )
        )

    def batch_time(self, rng: random.Random) -> int:
        month = self.months[self.pick_month.pick(rng)]
        end = (month + datetime.timedelta(days=32)).replace(day=1)
        days = (min(end, self.today + datetime.timedelta(days=1)) - month).days
        day = month + datetime.timedelta(days=rng.randrange(max(days, 1)))
        at = datetime.datetime.combine(day, datetime.time(8)) + datetime.timedelta(
            seconds=rng.randrange(9 * 3600)
        )
        return min(_microseconds(at), self.now_us - DAY_US)


def _microseconds(naive_utc: datetime.datetime) -> int:
    return int((naive_utc - datetime.datetime(1970, 1, 1)).total_seconds()) * 1_000_000


def _text(us: int) -> str:
    """Microseconds as naive UTC text, as both backends take a datetime (see demo.referrals)."""
    return (datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=us)).isoformat(" ")


def loaded(region: Region) -> int:
    """How many devices in the region were loaded this way."""
    return Device.objects.filter(
        region=region, batch__reference__startswith=REFERENCE_PREFIX
    ).count()


def seed_device_volume(*, region: Region, total: int, today: datetime.date) -> tuple[int, int]:
    """Bulk-load devices until `total` in the region were loaded this way, with their batches,
    drives and custody chains. Returns (devices, custody events) added."""
    done = loaded(region)
    if done >= total:
        return 0, 0
    loader = _Loader(region, today, seed=done)
    with _restoring((Batch, Device, Drive, CustodyEvent)):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # Room for the unique indexes that stay (random keys), so the load is not I/O-bound.
                cursor.execute("PRAGMA cache_size = -262144")
        while loader.devices < total - done:
            loader.load(min(CHUNK, total - done - loader.devices))
    loader.finish()
    return loader.devices, loader.events


class _Loader:
    """Batches, devices, drives and custody events, with ids given here, a chunk at a time."""

    def __init__(self, region: Region, today: datetime.date, *, seed: int):
        self.postgres = connection.vendor == "postgresql"
        self.cast = _Cast.of(region)
        self.calendar = _Calendar(today)
        self.rng = random.Random(f"device volume {seed}")
        self.ids = {model: _last_id(model) for model in (Batch, Device, Drive)}
        self.batch_number = Batch.objects.filter(reference__startswith=REFERENCE_PREFIX).count()
        self.batch: dict | None = None
        self.left_in_batch = 0
        self.devices = self.events = 0
        self.checked = 0  # events checked against custody_chain.message

    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def load(self, n: int) -> None:
        rows = {Batch: [], Device: [], Drive: []}
        events: list[tuple] = []
        for _ in range(n):
            if not self.left_in_batch:
                self.new_batch(rows)
            self.left_in_batch -= 1
            self.device(rows, events)
        for model in (Batch, Device, Drive):
            _insert(model, rows[model])
        self.devices += n
        self.events += len(events)
        insert_rows(CustodyEvent._meta.db_table, list(EVENT_COLUMNS), events)

    def new_batch(self, rows) -> None:
        rng = self.rng
        self.batch_number += 1
        at = self.calendar.batch_time(rng)
        year = _text(at)[:4]
        self.batch = {
            "id": self.next_id(Batch),
            "region_id": self.cast.region_id,
            "reference": f"{REFERENCE_PREFIX}{year}-{self.batch_number:06d}",
            "donor_id": self.cast.donors.pick(rng),
            "donor_reference": f"PO-{rng.randrange(10**6):06d}",
            "partner_id": self.cast.itads.pick(rng),
            "area_id": self.cast.areas.pick(rng),
            "created_at": _text(at),
            # Some batches come with the donor's manifest (registered as pledged,
            # received on arrival); the rest are registered by the partner as they arrive.
            "manifest": rng.random() < 0.15,
            "at": at,
        }
        # Batch sizes: mostly tens, some hundreds (an office refresh).
        self.left_in_batch = min(2000, int(5 + rng.paretovariate(1.3) * 15))
        rows[Batch].append({k: v for k, v in self.batch.items() if k not in ("manifest", "at")})

    def device(self, rows, events: list[tuple]) -> None:
        rng, batch, cast = self.rng, self.batch, self.cast
        device_id = self.next_id(Device)
        device_type = DEVICE_TYPES.pick(rng)
        make, model, cpu, ram, storage, year = rng.choice(MODELS[device_type])
        screen = SCREENS[device_type].pick(rng)
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        serial = f"V{device_id:09d}"
        drives = []
        if device_type in WITH_DRIVES:
            drive_id = self.next_id(Drive)
            drives.append(f"VD{drive_id:09d}")
            rows[Drive].append(
                {
                    "id": drive_id,
                    "device_id": device_id,
                    "kind": "ssd" if rng.random() < 0.8 else "hdd",
                    "model": f"{storage} GB drive",
                    "serial": drives[0],
                    "size_bytes": storage * 10**9,
                    "is_data_bearing": True,
                }
            )
        donor, itad, area = batch["donor_id"], batch["partner_id"], batch["area_id"]
        registered = _payload(
            {
                "type": device_type,
                "make": make,
                "model": model,
                "serial_number": serial,
                "imei": "",
                "asset_tag": "",
                "drives": drives,
                "batch": batch["reference"],
            }
        )
        # (kind, transition, from_state, to_state, from_custodian, to_custodian, org, payload)
        if batch["manifest"]:
            steps = [
                ("registered", "", "", "pledged", None, donor, donor, registered),
                ("transition", "receive", "pledged", "received", donor, itad, itad, EMPTY),
            ]
        else:
            steps = [("registered", "", "", "received", None, itad, itad, registered)]
        journey = JOURNEYS.pick(rng)
        if journey == "recycled_on_arrival":
            steps.append(_recycle(rng, "received", itad, batch["reference"]))
        elif journey == "lost":
            steps.append(("transition", "lose", "received", "lost", itad, itad, itad, LOSS))
        else:
            evidence = hashlib.sha256(f"erasure log {uid}".encode()).hexdigest()
            steps.append(
                (
                    "transition",
                    "erase",
                    "received",
                    "erased",
                    itad,
                    itad,
                    itad,
                    _payload({"evidence": evidence}),
                )
            )
            if journey == "recycled_after_assessment":
                steps.append(_step("assess", "erased", "assessed", itad, SCRAP_ASSESSMENT))
                steps.append(_recycle(rng, "assessed", itad, batch["reference"]))
            else:
                steps += [
                    _step("assess", "erased", "assessed", itad, rng.choice(ASSESSMENTS)),
                    _step(
                        "refurbish",
                        "assessed",
                        "refurbished",
                        itad,
                        rng.choice(REFURBISHMENTS),
                    ),
                    _step("make_ready", "refurbished", "ready", itad, EMPTY),
                ]
                vcse = rng.choice(cast.vcses_by_area[area])
                referral = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                steps += [
                    (
                        "transition",
                        "allocate",
                        "ready",
                        "allocated",
                        itad,
                        itad,
                        cast.regional or itad,
                        _payload({"referral": referral}),
                    ),
                    (
                        "handover_confirmed",
                        "",
                        "allocated",
                        "allocated",
                        itad,
                        vcse,
                        vcse,
                        EMPTY,
                    ),
                    (
                        "transition",
                        "hand_over",
                        "allocated",
                        "handed_over",
                        vcse,
                        None,
                        vcse,
                        _payload({"referral": referral, "to": "person"}),
                    ),
                ]
                if journey == "returned":
                    steps.append(
                        (
                            "transition",
                            "return",
                            "handed_over",
                            "returned",
                            None,
                            vcse,
                            vcse,
                            RETURN,
                        )
                    )
        # Walk the steps in time; stop at the first that would fall after now.
        waits = journey.removeprefix("waits_") if journey.startswith("waits_") else None
        now = self.calendar.now_us
        at = min(batch["at"] + rng.randrange(0, 3 * DAY_US), now)
        head, seq = GENESIS, 0
        state, custodian, changed = "", None, at
        actors = cast.actors
        for kind, transition, from_state, to_state, from_c, to_c, org, payload in steps:
            if seq:
                low, high = GAPS[transition or kind]
                if state == waits:
                    low, high = low + WAIT[0], high + WAIT[1]
                at += rng.randint(low, high) * DAY_US + rng.randrange(-3_600_000_000, 3_600_000_000)
                if at > now:
                    break
            seq += 1
            actor = actors.get(org)
            row = (
                uid,
                seq,
                at,
                kind,
                transition,
                actor,
                org,
                from_state,
                to_state,
                from_c,
                to_c,
                payload,
                head,
            )
            data = (
                f"{SCHEME}\n{uid}\n{seq}\n{at}\n{kind}\n{transition}\n"
                f"{'' if actor is None else actor}\n{org}\n{from_state}\n{to_state}\n"
                f"{'' if from_c is None else from_c}\n{'' if to_c is None else to_c}\n"
                f"{payload}\n{head}"
            ).encode()
            if self.checked < 200:  # the fast path builds exactly what the ledger would
                assert data == message(row), row
                assert payload == canonical_payload(json.loads(payload)), payload
                self.checked += 1
            digest = hashlib.sha256(data).hexdigest()
            events.append((device_id, *row[1:], digest))
            head = digest
            if from_state != to_state or kind == "registered":
                state, changed = to_state, at
            custodian = to_c
        rows[Device].append(
            {
                "id": device_id,
                "uid": uid if self.postgres else uid.replace("-", ""),
                "region_id": cast.region_id,
                "device_type": device_type,
                "make": make,
                "model": model,
                "serial_number": serial,
                "cpu": cpu,
                "ram_gb": ram,
                "storage_gb": storage,
                "year": year,
                "screen_inches": screen,
                "has_no_storage": device_type not in WITH_DRIVES,
                "grade": rng.choice("ABBC") if state in GRADED else "",
                "state": state,
                "state_changed_at": _text(changed),
                "custodian_id": custodian,
                "donor_id": donor,
                "partner_id": itad,
                "batch_id": batch["id"],
                "area_of_origin_id": area,
                "ledger_seq": seq,
                "ledger_head": head,
                "created_at": _text(batch["at"]),
            }
        )

    def finish(self) -> None:
        with connection.cursor() as cursor:
            # Ids given here leave PostgreSQL's sequences behind (SQLite's keep up by themselves).
            for statement in connection.ops.sequence_reset_sql(no_style(), list(self.ids)):
                cursor.execute(statement)


def _step(transition: str, from_state: str, to_state: str, itad: int, payload: str) -> tuple:
    return ("transition", transition, from_state, to_state, itad, itad, itad, payload)


def _recycle(rng: random.Random, from_state: str, itad: int, reference: str) -> tuple:
    payload = _payload(
        {
            "recycler": "Midlands WEEE Recycling Ltd",
            "reference": f"WTN-{reference}",
            "weight_kg": f"{rng.uniform(0.2, 9.0):.1f}",
            "media_destroyed": from_state == "received",
        }
    )
    return ("transition", "recycle", from_state, "recycled", itad, itad, itad, payload)


def summary(region: Region) -> dict[str, int]:
    """Devices loaded this way, by state (for the command's and the benchmark's output)."""
    return dict(
        Device.objects.filter(region=region, batch__reference__startswith=REFERENCE_PREFIX)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
