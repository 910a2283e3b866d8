"""Demo devices: two donor batches, taken through the real services with real-format evidence.

Everything goes through `devices.services` and `erasure.services`, so the demo's custody chains
are genuine and `verify_custody` proves them intact.
"""

import random
from decimal import Decimal

from custody.ledger import checkpoint_create
from demo.erasure_logs import LogDrive, nwipe_log
from devices import services
from devices.models import Device
from devices.services import DriveSpec
from donations.models import Batch
from erasure.services import import_evidence

MODELS = [
    ("laptop", "Lenovo", "ThinkPad T480", "Intel Core i5-8350U", 8, 256, 2018, "14.0"),
    ("laptop", "Dell", "Latitude 5490", "Intel Core i5-8250U", 8, 256, 2018, "14.0"),
    ("laptop", "HP", "EliteBook 840 G5", "Intel Core i5-8250U", 16, 512, 2019, "14.0"),
    ("laptop", "Lenovo", "ThinkPad X270", "Intel Core i5-7300U", 8, 256, 2017, "12.5"),
    ("desktop", "Dell", "OptiPlex 7060", "Intel Core i5-8500", 8, 256, 2018, None),
    ("tablet", "Apple", "iPad (7th generation)", "A10 Fusion", 3, 32, 2019, "10.2"),
]


def _fresh(device):
    return services.with_lifecycle_records(Device.objects.filter(pk=device.pk)).get()


def seed_devices(organisations, people, areas) -> int:
    """Create the demo batches unless they exist. Returns how many devices were made."""
    if Batch.objects.filter(reference="B-2026-0001").exists():
        return 0
    rng = random.Random(2026)
    donor = organisations["Midland Mutual Building Society"]
    forge = organisations["Forge Tech Reuse CIC"]
    ladywood = organisations["Ladywood Community Hub"]
    technician = people["itad@rehome.example"]
    donor_contact = people["donor@rehome.example"]
    vcse_worker = people["vcse@rehome.example"]
    region = donor.region
    birmingham = next(a for a in areas.values() if a.name == "Birmingham")
    batch = Batch.objects.create(
        region=region,
        reference="B-2026-0001",
        donor=donor,
        donor_reference="PO 88213 laptop refresh, wave 1",
        partner=forge,
        area=birmingham,
    )
    devices = []
    for n in range(1, 25):
        kind, make, model, cpu, ram, storage, year, screen = MODELS[n % len(MODELS)]
        drives = (
            []
            if kind == "tablet"
            else [
                DriveSpec(
                    serial=f"S4{n:03d}NX0M{rng.randint(100000, 999999)}",
                    model="Samsung SSD 860 EVO 256GB" if storage <= 256 else "SK hynix PC401 512GB",
                    kind="ssd",
                    size_bytes=storage * 10**9,
                )
            ]
        )
        devices.append(
            services.device_register(
                region=region,
                device_type=kind,
                actor=donor_contact,
                organisation=donor,
                donor=donor,
                batch=batch,
                area_of_origin=birmingham,
                drives=drives,
                make=make,
                model=model,
                cpu=cpu,
                ram_gb=ram,
                storage_gb=storage,
                year=year,
                screen_inches=Decimal(screen) if screen else None,
                serial_number=f"{make[:2].upper()}{n:02d}{rng.randint(10000, 99999)}",
                asset_tag=f"MM-{4100 + n}",
            )
        )
    tech = {"actor": technician, "organisation": forge}
    # Everything but the last three is collected and received.
    received = devices[:21]
    services.bulk_apply([d.pk for d in received], "receive", **tech)
    # One bench run wipes sixteen drives; one drive fails verification.
    wiped = [d for d in received[:18] if d.device_type != "tablet"]
    failing = wiped[-1]
    log_drives = []
    for device in wiped:
        drive = device.drives.get()
        log_drives.append(
            LogDrive(
                serial=drive.serial,
                model=drive.model,
                size_bytes=drive.size_bytes,
                failed=device is failing,
            )
        )
    import_evidence(nwipe_log(log_drives), "forge-bench1-2026-11-02.log", **tech)
    # Tablets hold no removable drive: recorded explicitly, then erased by factory reset.
    for device in received[:18]:
        if device.device_type == "tablet":
            services.record_no_storage(_fresh(device), **tech)
            services.device_transition(_fresh(device), "erase", **tech)
    # The failed drive is shredded and the laptop recycled.
    services.media_destroy(
        failing.drives.get(), method="shred", reference="SHRED-2026-0117", **tech
    )
    services.recycling_record(
        _fresh(failing),
        recycler="Black Country WEEE Recycling Ltd",
        reference="WTN-BC-2026-3381",
        weight_kg=Decimal("2.10"),
        media_destroyed=True,
        **tech,
    )
    erased = [d for d in received[:18] if d is not failing]
    for index, device in enumerate(erased):
        if index >= 13:
            continue  # left erased, awaiting assessment
        services.assessment_record(
            _fresh(device),
            grade="ABBC"[index % 4],
            powers_on=True,
            battery_health_pct=None if device.device_type == "desktop" else 70 + index,
            charger_included=index % 3 != 0,
            specs_confirmed=True,
            outcome="refurbish",
            **tech,
        )
        if index >= 10:
            continue  # assessed, awaiting refurbishment
        services.refurbishment_record(
            _fresh(device),
            operating_system="ios" if device.device_type == "tablet" else "windows_11",
            os_version="17.6" if device.device_type == "tablet" else "24H2",
            activation_lock_removed=True,
            management_removed=True,
            accessories="Charger" if index % 3 else "",
            make_ready=True,
            **tech,
        )
    ready = list(erased[:10])
    # Two ready devices on their way to Ladywood; one of them already confirmed.
    for device in ready[:2]:
        services.handover_start(_fresh(device), ladywood, note="For the Tuesday drop-in", **tech)
    services.handover_confirm(_fresh(ready[0]), actor=vcse_worker, organisation=ladywood)
    # One device went missing in the van.
    services.loss_record(
        _fresh(received[20]), reason="Not on the van at unloading; reported to the donor.", **tech
    )

    from demo.donations import seed_donations

    seed_donations(organisations, people, areas, first_batch=batch)
    checkpoint_create()
    return len(devices)
