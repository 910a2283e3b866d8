"""A technician receives a batch by scanning, imports erasure logs, grades and readies devices."""

import re

from playwright.sync_api import Page, expect

from conftest import totp_code
from demo.erasure_logs import LogDrive, nwipe_log
from devices.lifecycle import State
from devices.models import Device
from tests.browser.helpers import assert_accessible, give_authenticator_code, sign_in_with_password


def test_technician_takes_a_batch_from_pledged_to_ready(page: Page, people, lab):
    devices = [lab.device() for _ in range(2)]
    sign_in_with_password(page, people.technician.email)
    give_authenticator_code(page, totp_code())
    page.wait_for_url(re.compile(r"/home/$"))
    assert_accessible(page)

    # Receive the batch by scanning each asset tag.
    page.goto("/devices/scan/")
    assert_accessible(page)
    page.get_by_label("Serial numbers, asset tags or IMEIs").fill(
        "\n".join(d.asset_tag for d in devices)
    )
    page.get_by_label("Receive", exact=True).check()
    page.get_by_role("button", name="Check devices").click()
    expect(page.get_by_text("2 of 2 can be changed.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Apply to 2 devices").click()
    expect(page.get_by_text("Receive: done for 2 devices.")).to_be_visible()
    assert_accessible(page)

    # Import the wiping bench's logs: one drive per device, both erased and verified.
    page.goto("/erasure/")
    assert_accessible(page)
    logs = [
        {
            "name": f"bench-{n}.log",
            "mimeType": "text/plain",
            "buffer": nwipe_log([LogDrive(serial=d.drives.get().serial)]),
        }
        for n, d in enumerate(devices, start=1)
    ]
    page.get_by_label("Erasure logs and reports").set_input_files(logs)
    page.get_by_role("main").get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Imported")).to_have_count(2)
    assert_accessible(page)

    # Grade the first device and make it ready.
    device = devices[0]
    page.goto(device.get_absolute_url())
    expect(page.locator(".govuk-tag", has_text="Erased")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Assess").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assess the device")
    expect(page.get_by_text("Suggested outcome: refurbish for reuse")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A: light wear").check()
    page.get_by_label("Powers on").check()
    page.get_by_label("Battery health (%)").fill("91")
    page.get_by_label("Refurbish for reuse").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("now assessed")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record refurbishment").click()
    assert_accessible(page)
    page.get_by_label("Windows 11").check()
    page.get_by_label("Activation locks removed").check()
    page.get_by_label("Device management removed").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("now ready")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Refurbished → Ready"))).to_be_visible()
    assert_accessible(page)

    states = dict(Device.objects.values_list("pk", "state"))
    assert states == {devices[0].pk: State.READY, devices[1].pk: State.ERASED}
