"""Printable device labels.

A label carries a QR code of the device's page, so whoever scans it (a technician at the bench,
a coordinator at a hub) lands on the record; the asset tag or serial is printed large for
people reading it by eye. Sheets follow the common 24-up stock (3 by 8 labels of
63.5 by 33.9 mm on A4).
"""

from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string

from devices.models import Device
from rehome.pdf import render_pdf

LABELS_PER_SHEET = 24


def qr_svg(url: str) -> str:
    """An inline SVG QR code of `url`, sized by the page's CSS."""
    return segno.make(url, error="m", micro=False).svg_inline(
        omitsize=True, border=2, title=f"QR code of {url}"
    )


@dataclass(frozen=True)
class Label:
    url: str
    qr: str
    heading: str  # the asset tag, or the serial number when there is none
    serial: str  # shown under the heading when the heading is the asset tag
    make_model: str
    short_uid: str


def label_for(device: Device, *, base_url: str) -> Label:
    url = base_url.rstrip("/") + device.get_absolute_url()
    heading = device.asset_tag or device.serial_number or device.imei or str(device.uid)[:8]
    return Label(
        url=url,
        qr=qr_svg(url),
        heading=heading,
        serial=device.serial_number if device.serial_number != heading else "",
        make_model=" ".join(p for p in (device.make, device.model) if p)
        or device.get_device_type_display(),
        short_uid=str(device.uid)[:8],
    )


def labels_html(devices: Iterable[Device], *, base_url: str, title: str = "Device labels") -> str:
    labels = [label_for(device, base_url=base_url) for device in devices]
    return render_to_string(
        "devices/labels.html",
        {
            "title": title,
            "sheets": [
                labels[i : i + LABELS_PER_SHEET] for i in range(0, len(labels), LABELS_PER_SHEET)
            ],
        },
    )


def labels_pdf(devices: Iterable[Device], *, base_url: str, title: str = "Device labels") -> bytes:
    """A4 sheets of labels for `devices`, each with a QR code of `base_url` + the device's page."""
    return render_pdf(labels_html(devices, base_url=base_url, title=title))
