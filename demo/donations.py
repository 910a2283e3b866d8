"""Demo donations: pledges at each stage of the donor journey, through the real services.

- Midland Mutual's first batch (already processed by Forge Tech Reuse) gets the pledge, asset
  list, partner choice and collection it came through, with one laptop that never arrived.
- Brindley Engineering has pledged a desktop refresh: its asset list is imported, Forge Tech
  Reuse has confirmed the collection, and the technician can receive it against the manifest.
- Midland Mutual has a second pledge waiting for its asset list.
- A registration from a new donor waits for the coordinator.
"""

import datetime
import hashlib

from django.utils import timezone

from donations import manifests, services
from donations.models import (
    Collection,
    CollectionStatus,
    Manifest,
    ManifestItem,
    ManifestStatus,
)
from lib import manifest as manifest_lib


def _brindley_manifest() -> bytes:
    """A Snipe-IT asset export, as Brindley's IT team would download it."""
    lines = [
        "Asset Tag,Asset Name,Serial,Model,Model No.,Category,Manufacturer,Status,"
        "Purchase Date,Location,Checked Out To"
    ]
    for n in range(1, 13):
        lines.append(
            f"BEG-{700 + n},BEG-WS-{700 + n},CZC8{n:05d},HP ProDesk 600 G4,4HS23EA,Desktops,HP,"
            f"Ready to Deploy,{12 + n % 15:02d}/03/2018,Oldbury works,"
        )
    for n in range(1, 5):
        lines.append(
            f"BEG-{800 + n},BEG-LT-{800 + n},5CG9{n:05d}XQ,HP EliteBook 840 G6,6XD42EA,Laptops,HP,"
            f"Archived,04/09/2019,Oldbury works,"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def seed_donations(organisations, people, areas, *, first_batch) -> None:
    today = timezone.localdate()
    by_name = {a.name: a for a in areas.values()}
    coordinator = people["coordinator@rehome.example"]
    donor_contact = people["donor@rehome.example"]
    technician = people["itad@rehome.example"]
    midland = organisations["Midland Mutual Building Society"]
    brindley = organisations["Brindley Engineering Group"]
    forge = organisations["Forge Tech Reuse CIC"]

    # 1. How the first batch came in, after the event: its pledge, asset list and collection.
    first_pledge = services.pledge_create(
        donor=midland,
        actor=donor_contact,
        area=by_name["Birmingham"],
        sites="Midland Mutual House, 1 Colmore Row, Birmingham B3 2BJ",
        earliest_collection=today,
        counts={"laptop": 20, "desktop": 4, "tablet": 4},
        sensitivity="personal",
        contact_name="Facilities service desk",
        contact_email="facilities@midlandmutual.example",
        donor_reference="PO 88213 laptop refresh, wave 1",
    )
    spare = first_pledge.batches.get()
    first_batch.pledge = first_pledge
    first_batch.site = spare.site
    first_batch.save(update_fields=["pledge", "site"])
    spare.delete()  # the pledge's batch is the one already processed
    devices = list(first_batch.devices.order_by("pk"))
    rows = ["Asset Tag,Serial Number,Make,Model,Type"]
    for device in devices:
        rows.append(
            f"{device.asset_tag},{device.serial_number},{device.make},{device.model},"
            f"{device.device_type}"
        )
    rows.append("MM-LT-9931,PF1X9931,Lenovo,ThinkPad T480,laptop")  # never arrived
    # Recorded after the event: its devices are already known, so the items are stored as read.
    content = ("\n".join(rows) + "\n").encode()
    result = manifest_lib.parse_manifest(content, "midland-mutual-wave1.csv")
    assert result.ok, result.as_dict()
    manifest = Manifest.objects.create(
        batch=first_batch,
        filename="midland-mutual-wave1.csv",
        content=b"",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        uploaded_by=donor_contact,
        status=ManifestStatus.COMMITTED,
        file_format="csv",
        encoding="utf-8",
        detected_format=result.detected_format,
        columns=dict(result.columns),
        report=result.as_dict(),
        rows_total=result.rows,
        rows_done=result.rows,
        committed_at=timezone.now(),
        committed_by=donor_contact,
    )
    manifests.store(first_batch, manifest, result.items)
    for device in devices:
        ManifestItem.objects.filter(
            batch=first_batch, serial_key=services.identifier_key(device.serial_number)
        ).update(device=device)
    first_batch.partner_reason = "Serves Birmingham; ADISA and Cyber Essentials Plus"
    first_batch.partner_chosen_by = coordinator
    first_batch.partner_chosen_at = timezone.now()
    first_batch.receiving_closed_at = timezone.now()
    first_batch.receiving_closed_by = technician
    first_batch.save()
    Collection.objects.create(
        batch=first_batch,
        partner=forge,
        date=today - datetime.timedelta(days=21),
        site=first_batch.site,
        status=CollectionStatus.COLLECTED,
        requested_by=donor_contact,
        confirmed_by=technician,
        confirmed_at=timezone.now(),
        collected_at=timezone.now(),
    )

    # 2. Brindley's desktop refresh: asset list imported, collection confirmed.
    collection_day = today + datetime.timedelta(days=3)
    brindley_pledge = services.pledge_create(
        donor=brindley,
        actor=coordinator,
        area=by_name["Birmingham"],
        sites="Brindley Engineering, Unit 4 Oldbury Works, Birmingham B69 2AF",
        earliest_collection=today,
        counts={"desktop": 12, "laptop": 4},
        sensitivity="standard",
        contact_name="Facilities team",
        contact_email="facilities@brindley.example",
        donor_reference="Desktop refresh 2026",
    )
    batch = brindley_pledge.batches.get()
    result, _, manifest = manifests.import_file(
        batch, _brindley_manifest(), "brindley-snipeit-export.csv", actor=coordinator
    )
    assert manifest is not None, result.as_dict()
    services.partner_choose(
        batch,
        forge,
        reason="Serves Birmingham and has capacity this month",
        collection_date=collection_day,
        actor=coordinator,
    )
    collection = services.collection_book(
        batch, date=collection_day, site=batch.site, actor=coordinator
    )
    services.collection_confirm(collection, actor=technician, organisation=forge)

    # 3. A second Midland Mutual pledge waiting for its asset list.
    services.pledge_create(
        donor=midland,
        actor=donor_contact,
        area=by_name["Birmingham"],
        sites="Midland Mutual House, 1 Colmore Row, Birmingham B3 2BJ",
        earliest_collection=today + datetime.timedelta(days=30),
        counts={"laptop": 40, "smartphone": 25},
        sensitivity="personal",
        contact_name="Facilities service desk",
        contact_email="facilities@midlandmutual.example",
        donor_reference="Wave 2",
    )

    # 4. A new organisation asking to donate.
    services.registration_submit(
        region=midland.region,
        areas=[by_name["Coventry"]],
        organisation_name="Coventry Precision Castings Ltd",
        org_identifier="GB-COH-00000999",
        contact_name="Priya Mistry",
        contact_email="it@coventry-castings.example",
        employees=420,
        expected_devices="About 60 laptops and 30 phones a year",
    )
