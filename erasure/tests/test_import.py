"""Importing evidence: the command, the upload page, the API and ShredOS's push."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.erasure_logs import LogDrive, nwipe_log
from devices.lifecycle import State
from erasure.models import ErasureRecord, EvidenceFile, PushEndpoint

SAMPLES = Path(__file__).resolve().parents[2] / "tests" / "lib" / "erasure_samples"
REAL_LOG = SAMPLES / "nwipe-0.33-zero-verified.log"
JSON_KEYS = [
    "file",
    "tool",
    "tool_version",
    "method",
    "verify",
    "rounds",
    "started_at",
    "finished_at",
    "outcome",
    "drives",
]
DRIVE_KEYS = [
    "device",
    "model",
    "serial",
    "serial_anonymised",
    "size_bytes",
    "status",
    "pass_errors",
    "verify_errors",
    "sync_errors",
]


def test_dry_run_json_prints_one_object_per_file(db, tmp_path):
    broken = tmp_path / "notes.txt"
    broken.write_text("shopping list\n")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_erasure", str(REAL_LOG), str(broken), "--dry-run", "--json", stdout=out
        )
    assert exit_info.value.code == 1  # one file could not be read
    first, second = [json.loads(line) for line in out.getvalue().splitlines()]
    assert list(first) == JSON_KEYS
    assert first["tool"] == "nwipe"
    assert first["method"] == "Fill With Zeros"
    assert first["outcome"] == "completed"
    assert first["started_at"] == "2026-11-21T10:06:41"
    assert list(first["drives"][0]) == DRIVE_KEYS
    assert first["drives"][0]["size_bytes"] == 67108864
    assert first["drives"][0]["status"] == "erased"
    assert second["file"] == str(broken)
    assert "error" in second
    assert not EvidenceFile.objects.exists()


def test_import_matches_drives_and_moves_devices(lab, tmp_path):
    device = lab.device(state="received", drives=2)
    serials = [d.serial for d in device.drives.all()]
    log = tmp_path / "bench1.log"
    log.write_bytes(nwipe_log([*serials, "UNKNOWN-DRIVE"]))
    out = io.StringIO()
    call_command(
        "import_erasure",
        str(log),
        "--organisation",
        lab.people.itad_org.slug,
        "--user",
        lab.people.technician.email,
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert [d["matched"] for d in result["drives"]] == [True, True, False]
    assert "No device your organisation holds" in result["drives"][2]["problem"]
    assert result["moved"] == [{"device": str(device.uid), "state": "erased"}]
    device.refresh_from_db()
    assert device.state == State.ERASED
    record = ErasureRecord.objects.filter(drive__device=device).first()
    assert record.nist_category == "clear"
    assert record.operator == lab.people.technician
    assert record.evidence.sha256 == __import__("hashlib").sha256(log.read_bytes()).hexdigest()


def test_the_same_file_twice_is_refused(lab):
    device = lab.device(state="received")
    from erasure.services import import_evidence

    data = nwipe_log([device.drives.get().serial])
    kwargs = {"organisation": lab.people.itad_org, "actor": lab.people.technician}
    assert import_evidence(data, "a.log", **kwargs).ok
    again = import_evidence(data, "b.log", **kwargs)
    assert not again.ok
    assert "already imported" in again.error
    assert ErasureRecord.objects.count() == 1


def test_another_itads_drives_are_not_matched(lab):
    device = lab.device(state="received")
    from erasure.services import import_evidence

    result = import_evidence(
        nwipe_log([device.drives.get().serial]),
        "rival.log",
        organisation=lab.rival_itad,
        actor=lab.rival_technician,
    )
    assert not result.drives[0].matched
    assert not ErasureRecord.objects.exists()


def test_upload_page_imports_many_files(client, lab):
    first = lab.device(state="received")
    second = lab.device(state="received")
    client.force_login(lab.people.technician)
    files = [
        _upload("one.log", nwipe_log([first.drives.get().serial])),
        _upload("two.log", nwipe_log([LogDrive(second.drives.get().serial, failed=True)])),
        _upload("junk.bin", b"\x00\x01garbage"),
    ]
    response = client.post(reverse("erasure:list"), {"files": files})
    assert response.status_code == 200
    text = response.content.decode()
    assert "one.log" in text
    assert "two.log" in text
    assert "Not imported" in text
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.ERASED, State.ERASURE_FAILED)


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_api_upload_with_an_itad_token(client, lab):
    from api.services import api_token_create

    device = lab.device(state="received")
    membership = lab.people.technician.memberships.get()
    _, secret = api_token_create(membership=membership, name="bench")
    response = client.post(
        "/api/v1/erasure/evidence",
        {"file": _upload("api.log", nwipe_log([device.drives.get().serial]))},
        headers={"authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["moved"][0]["state"] == "erased"
    record = ErasureRecord.objects.get()
    assert record.operator is None
    assert record.evidence.source == "api"


def test_api_upload_refuses_other_roles(client, lab):
    from api.services import api_token_create

    membership = lab.people.alice.memberships.get()
    _, secret = api_token_create(membership=membership, name="vcse")
    response = client.post(
        "/api/v1/erasure/evidence",
        {"file": _upload("api.log", REAL_LOG.read_bytes())},
        headers={"authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403


def test_shredos_push(client, lab):
    device = lab.device(state="received")
    token = PushEndpoint.new_token()
    PushEndpoint.objects.create(
        organisation=lab.people.itad_org,
        name="Bench 2",
        token_hash=PushEndpoint.hash_token(token),
        prefix=token[:10],
        created_by=lab.people.technician,
    )
    body = nwipe_log([device.drives.get().serial])
    response = client.put(f"/api/v1/erasure/shredos/{token}", data=body, content_type="text/plain")
    assert response.status_code == 201, response.content
    device.refresh_from_db()
    assert device.state == State.ERASED
    assert EvidenceFile.objects.get().source == "shredos"

    assert client.put("/api/v1/erasure/shredos/sh_wrong", data=body).status_code == 404
    assert client.put(f"/api/v1/erasure/shredos/{token}", data=b"nonsense").status_code == 400


def test_outsiders_cannot_see_evidence(client, lab):
    device = lab.device(state="erased")
    evidence = EvidenceFile.objects.get()
    # (who, detail page, original file): a log may cover other donors' drives, so only the
    # ITAD that made it and the coordinator download it.
    for user, detail, download in (
        (lab.people.technician, 200, 200),
        (lab.people.coordinator, 200, 200),
        (lab.people.donor, 200, 403),
        (lab.rival_technician, 404, 404),
        (lab.people.charlie, 404, 403),
    ):
        client.force_login(user)
        assert client.get(reverse("erasure:detail", args=[evidence.pk])).status_code == detail
        assert client.get(reverse("erasure:download", args=[evidence.pk])).status_code == download
    assert device.state == State.ERASED
