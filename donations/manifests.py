"""A batch's manifest: the donor's own asset export, checked, previewed, mapped and imported whole.

Reading and validating the file is `lib.manifest` (pure); this module adds what only the
platform knows (identifiers it has seen before, the donor's remembered column mapping), keeps
the upload between the check and the import, and writes the items in one transaction.

The donor's file may hold more than Rehome needs (an Intune export names each device's user), so
only the recognised fields are imported and the file itself is deleted once it is imported or
discarded.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from devices.lifecycle import State
from devices.models import Device, identifier_key_sql
from lib import manifest as manifest_lib
from lib.gc_pause import paused_gc
from lib.spreadsheet_safe import csv_text

from .models import Batch, ColumnMapping, Manifest, ManifestItem, ManifestStatus
from .services import identifier_key

LIMITS = manifest_lib.Limits()
# Files up to this size are checked while the donor waits; larger ones in the background.
INLINE_BYTES = 512 * 1024
# What ColumnMapping.header holds.
HEADER_KEY_CHARS = 200
_MAPPABLE = set(manifest_lib.FIELDS)


def header_key(header: str) -> str:
    """A header as remembered: lower case letters and digits only, at most HEADER_KEY_CHARS (a
    longer one keeps its start and a digest of the whole, so two long headers stay apart)."""
    key = re.sub(r"[^a-z0-9]+", "", header.casefold())
    if len(key) > HEADER_KEY_CHARS:
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        key = key[: HEADER_KEY_CHARS - len(digest)] + digest
    return key


# ---------------------------------------------------------------------------------------------
# What the platform already knows.


def existing_identifiers(batch: Batch) -> Callable[[str, list[str]], set[str]]:
    """For lib.manifest.validate: which of a file's identifiers Rehome already holds.

    Serial numbers and IMEIs are checked against every other batch's devices and manifest;
    asset tags only against the same donor's (another organisation may use the same numbers).
    Identifiers are compared as keys (upper case, spaces and dashes dropped), through indexes on
    the same expression, a few large queries for a whole file.
    """

    def existing(field_name: str, values: list[str]) -> set[str]:
        values = [value for value in values if value]
        known = _known(batch, field_name, list(set(map(identifier_key, values))))
        if not known:  # the usual answer: the file's identifiers are new to Rehome
            return set()
        return {value for value in values if identifier_key(value) in known}

    return existing


_DEVICE_KEY = {"serial_number": "serial_number", "asset_tag": "asset_tag", "imei": "imei"}
_ITEM_KEY = {"serial_number": "serial_key", "asset_tag": "asset_tag_key", "imei": "imei"}


def _known(batch: Batch, field_name: str, keys: list[str]) -> set[str]:
    if field_name not in _DEVICE_KEY or not keys:
        return set()
    device_column = _DEVICE_KEY[field_name]
    device_key = device_column if field_name == "imei" else identifier_key_sql(device_column)
    devices = (
        f"SELECT {device_key} FROM devices_device WHERE {device_key} {{keys}} "  # noqa: S608
        "AND (batch_id IS NULL OR batch_id <> %s)"
    )
    items = (
        f"SELECT {_ITEM_KEY[field_name]} FROM donations_manifestitem "  # noqa: S608
        f"WHERE {_ITEM_KEY[field_name]} {{keys}} AND device_id IS NULL AND batch_id <> %s"
    )
    params: list = [batch.pk]
    if field_name == "asset_tag":  # another organisation may use the same numbers
        devices += " AND donor_id = %s"
        items += " AND batch_id IN (SELECT id FROM donations_batch WHERE donor_id = %s)"
        params.append(batch.donor_id)
    bound, condition = _any_of(keys)
    found: set[str] = set()
    with connection.cursor() as cursor:
        for query in (devices, items):
            cursor.execute(query.format(keys=condition), [bound, *params])
            found.update(row[0] for row in cursor.fetchall())
    return found & set(keys)


def _any_of(keys: list[str]) -> tuple[str, str]:
    """(parameter, SQL condition) for "is one of `keys`": the keys go as one JSON array, which
    the database reads into rows. For 100,000 keys this took a tenth of the time of an array
    parameter on PostgreSQL (which psycopg adapts key by key) and a third of the time of lists
    within SQLite's limit on bound variables."""
    if connection.vendor == "postgresql":
        condition = "IN (SELECT json_array_elements_text(%s::json))"
    else:
        condition = "IN (SELECT value FROM json_each(%s))"
    return json.dumps(keys, ensure_ascii=False), condition


# ---------------------------------------------------------------------------------------------
# Checking.


def remembered_mapping(batch: Batch) -> dict[str, str | None]:
    """The donor's earlier answers, by header key."""
    return {
        m.header: (m.field or None) for m in ColumnMapping.objects.filter(donor_id=batch.donor_id)
    }


def parse(
    batch: Batch,
    content: bytes,
    filename: str,
    *,
    overrides: dict | None = None,
    default_type: str | None = None,
    progress: "Progress | None" = None,
):
    """Read, recognise and validate a file for `batch`: (result, recognition) or ManifestError."""
    table = manifest_lib.read_table(
        content, filename, LIMITS, progress=progress.reading if progress else None
    )
    if progress:
        progress.checking(len(table.rows), 0.0)
    recognition = manifest_lib.recognise(table.headers)
    chosen = {}
    remembered = remembered_mapping(batch)
    for header in table.headers:
        key = header_key(header)
        if key in remembered:
            chosen[header] = remembered[key]
    chosen.update(overrides or {})
    if chosen:
        recognition = manifest_lib.apply_overrides(recognition, chosen)
    result = manifest_lib.validate(
        table,
        recognition.columns,
        existing=existing_identifiers(batch),
        default_type=default_type or None,
        limits=LIMITS,
        progress=(lambda share: progress.checking(len(table.rows), share)) if progress else None,
    )
    return table, recognition, result


class Progress:
    """Shows a background check or import's progress on its upload's page, as it goes.

    The page reads the upload's rows_done and rows_total: while the file is read, rows_total
    is 0 and rows_done the rows read so far; while it is checked, rows_total is its rows and
    rows_done how far the checks have come; rows_done reaching rows_total, during an import,
    means the rows are being stored. Each is written at once, so only outside a transaction:
    inside one (a request, or the import itself) no one else could see it.
    """

    def __init__(self, manifest: Manifest):
        self.pk = manifest.pk
        self.shown = (-1, -1)

    def _show(self, done: int, total: int) -> None:
        if connection.in_atomic_block or (done, total) == self.shown:
            return
        self.shown = (done, total)
        Manifest.objects.filter(pk=self.pk).update(rows_done=done, rows_total=total)

    def reading(self, rows: int) -> None:
        self._show(rows, 0)

    def checking(self, rows: int, share: float) -> None:
        self._show(min(rows - 1, int(rows * share)) if rows else 0, rows)

    def storing(self, rows: int) -> None:
        self._show(rows, rows)


# Rows of a checked file shown, as they will be imported, before the donor imports it.
PREVIEW_ROWS = 20
_PREVIEW_FIELDS = ("row", "device_type", "make", "model", "serial_number", "asset_tag", "imei")


def _report(table, recognition, result) -> dict:
    report = result.as_dict()
    report["preview"] = [
        {name: getattr(item, name) for name in _PREVIEW_FIELDS}
        for item in result.items[:PREVIEW_ROWS]
    ]
    report["unrecognised"] = list(recognition.unrecognised)
    report["ignored"] = list(getattr(recognition, "ignored", []))
    report["headers"] = list(table.headers)
    report["warnings"] = [
        {"row": w.row, "column": w.column, "message": w.message} for w in result.warnings
    ]
    return report


def failed_report(message: str) -> dict:
    """The report of a file that could not be read at all: one problem, for the whole file."""
    return {
        "rows": 0,
        "accepted": 0,
        "errors": [{"row": None, "column": None, "message": message}],
        "duplicates_in_file": 0,
        "duplicates_existing": 0,
        "columns": {},
        "detected_format": "",
        "warnings": [],
        "unrecognised": [],
        "headers": [],
    }


def _refuse_if_receiving(batch: Batch) -> None:
    if ManifestItem.objects.filter(batch=batch, device__isnull=False).exists() or (
        Device.objects.filter(batch=batch).exclude(state=State.PLEDGED).exists()
    ):
        raise ValidationError(
            "Devices of this batch have been received, so its manifest can no longer change."
        )


@transaction.atomic
def manifest_upload(batch: Batch, *, filename: str, content: bytes, actor) -> Manifest:
    """Keep an uploaded file and check it: now if it is small, in the background if not."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    _refuse_if_receiving(batch)
    if not content:
        raise ValidationError({"file": "The file is empty."})
    if len(content) > LIMITS.max_bytes:
        raise ValidationError(
            {"file": f"The file is larger than {LIMITS.max_bytes // (1024 * 1024)} MB; split it."}
        )
    # An earlier upload not yet imported is replaced by this one.
    Manifest.objects.filter(
        batch=batch, status__in=[ManifestStatus.CHECKING, ManifestStatus.CHECKED]
    ).update(status=ManifestStatus.DISCARDED, content=b"")
    manifest = Manifest.objects.create(
        batch=batch,
        filename=filename[:255] or "manifest",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        uploaded_by=actor,
    )
    schedule_check(manifest)
    return manifest


def schedule_check(manifest: Manifest) -> None:
    if manifest.size <= INLINE_BYTES:
        manifest_check(manifest)
    else:
        from .tasks import check_manifest

        pk = manifest.pk
        transaction.on_commit(lambda: check_manifest.enqueue(pk))


def manifest_check(manifest: Manifest) -> Manifest:
    """Check the kept file and store what was found (the preview)."""
    Manifest.objects.filter(pk=manifest.pk).update(
        status=ManifestStatus.CHECKING, rows_done=0, rows_total=0
    )
    content = bytes(Manifest.objects.values_list("content", flat=True).get(pk=manifest.pk))
    try:
        table, recognition, result = parse(
            manifest.batch,
            content,
            manifest.filename,
            overrides=manifest.overrides,
            default_type=manifest.default_type,
            progress=Progress(manifest),
        )
    except manifest_lib.ManifestError as error:
        manifest.status = ManifestStatus.FAILED
        manifest.report = failed_report(str(error))
        manifest.save(update_fields=["status", "report"])
        return manifest
    manifest.status = ManifestStatus.CHECKED
    manifest.file_format = table.format
    manifest.encoding = table.encoding or ""
    manifest.detected_format = recognition.detected_format
    manifest.columns = dict(result.columns)
    manifest.report = _report(table, recognition, result)
    manifest.rows_total = result.rows
    manifest.rows_done = result.rows
    manifest.save(
        update_fields=[
            "status",
            "file_format",
            "encoding",
            "detected_format",
            "columns",
            "report",
            "rows_total",
            "rows_done",
        ]
    )
    return manifest


@transaction.atomic
def manifest_remap(
    manifest: Manifest, *, overrides: dict[str, str | None], default_type: str, actor
) -> Manifest:
    """The donor says what unrecognised columns hold (remembered for next time); check again."""
    manifest = (
        Manifest.objects.select_for_update(of=("self",)).select_related("batch").get(pk=manifest.pk)
    )
    if manifest.status not in (ManifestStatus.CHECKED, ManifestStatus.FAILED):
        raise ValidationError("This upload can no longer be changed; upload the file again.")
    headers = set(manifest.report.get("headers", []))
    unknown = [h for h in overrides if h not in headers]
    if unknown:
        raise ValidationError(f"The file has no column called {unknown[0]!r}.")
    bad = [f for f in overrides.values() if f and f not in _MAPPABLE]
    if bad:
        raise ValidationError(f"Unknown field {bad[0]!r}.")
    personal = [h for h, f in overrides.items() if f and manifest_lib.is_personal(h)]
    if personal:
        raise ValidationError(
            f"The column {personal[0]!r} names people, and Rehome never imports personal data: "
            "leave it out."
        )
    chosen = [f for f in overrides.values() if f]
    doubled = {f for f in chosen if chosen.count(f) > 1}
    if doubled:
        field_name = sorted(doubled)[0]
        label = manifest_lib.FIELD_LABELS[field_name]
        named = " and ".join(repr(h) for h, f in overrides.items() if f == field_name)
        raise ValidationError(f"The columns {named} are both mapped to {label}; choose one.")
    if default_type and default_type not in manifest_lib.DEVICE_TYPES:
        raise ValidationError({"default_type": "Choose a device type."})
    now = timezone.now()
    for header, field_name in overrides.items():
        ColumnMapping.objects.update_or_create(
            donor_id=manifest.batch.donor_id,
            header=header_key(header),
            defaults={"field": field_name or "", "updated_at": now},
        )
    manifest.overrides = {**manifest.overrides, **overrides}
    manifest.default_type = default_type or ""
    manifest.save(update_fields=["overrides", "default_type"])
    schedule_check(manifest)
    return manifest


@transaction.atomic
def manifest_discard(manifest: Manifest, *, actor) -> Manifest:
    manifest = Manifest.objects.select_for_update().get(pk=manifest.pk)
    if manifest.status == ManifestStatus.COMMITTED:
        raise ValidationError("An imported manifest is replaced by uploading a new one.")
    manifest.status = ManifestStatus.DISCARDED
    manifest.content = b""
    manifest.save(update_fields=["status", "content"])
    return manifest


# ---------------------------------------------------------------------------------------------
# Importing.


def manifest_commit(manifest: Manifest, *, actor) -> Manifest:
    """Import the checked upload: a small one now, a large one in the background."""
    with transaction.atomic():
        locked = Manifest.objects.select_for_update().get(pk=manifest.pk)
        if locked.status != ManifestStatus.CHECKED:
            raise ValidationError("Only a checked upload can be imported.")
        if locked.errors:
            raise ValidationError("Fix every problem in the file before importing it.")
        if locked.size > INLINE_BYTES:
            locked.status = ManifestStatus.COMMITTING
            locked.committed_by = actor
            locked.rows_done = locked.rows_total = 0  # the page says "reading" until it starts
            locked.save(update_fields=["status", "committed_by", "rows_done", "rows_total"])
            from .tasks import commit_manifest

            pk = locked.pk
            transaction.on_commit(lambda: commit_manifest.enqueue(pk))
            return locked
    manifest = commit_now(manifest, actor=actor)
    if manifest.status != ManifestStatus.COMMITTED:
        raise ValidationError("The file has problems now; nothing was imported.")
    return manifest


def commit_now(manifest: Manifest, *, actor) -> Manifest:
    """Check the file again (the platform may have learnt of its devices meanwhile) and, if it
    is still clean, replace the batch's items with it in one transaction. Otherwise nothing is
    imported and the upload stays checked, with the problems found now.

    Run by the worker, outside any transaction, the file is checked before the transaction
    begins, its progress shown on the page; under the transaction's locks only what could
    have changed meanwhile is looked at again: whether receiving began, and whether Rehome has
    learnt of any of its identifiers (if so, the whole file is checked again there).
    """
    checked = basis = None
    if not connection.in_atomic_block:
        progress = Progress(manifest)
        content, overrides, default_type, status = Manifest.objects.values_list(
            "content", "overrides", "default_type", "status"
        ).get(pk=manifest.pk)
        basis = (status, overrides, default_type)
        try:
            checked = parse(
                manifest.batch,
                bytes(content),
                manifest.filename,
                overrides=overrides,
                default_type=default_type,
                progress=progress,
            )
        except manifest_lib.ManifestError as error:
            raise ValidationError(str(error)) from error
        progress.storing(checked[2].rows)
    return _commit(manifest, actor, checked, basis)


@transaction.atomic
def _commit(manifest: Manifest, actor, checked: tuple | None, basis: tuple | None) -> Manifest:
    manifest = (
        Manifest.objects.select_for_update(of=("self",)).select_related("batch").get(pk=manifest.pk)
    )
    if manifest.status not in (ManifestStatus.CHECKED, ManifestStatus.COMMITTING) or (
        basis is not None and basis[0] != manifest.status
    ):
        # Discarded, replaced or imported meanwhile.
        raise ValidationError(
            "This upload was replaced or discarded meanwhile; nothing was imported."
        )
    batch = Batch.objects.select_for_update().get(pk=manifest.batch_id)
    if checked is not None and (
        basis[1:] != (manifest.overrides, manifest.default_type)
        or _known_meanwhile(batch, checked[2])
    ):
        checked = None  # the columns' choices changed, or Rehome learnt of its devices: again
    if checked is None:
        try:
            checked = parse(
                batch,
                bytes(manifest.content),
                manifest.filename,
                overrides=manifest.overrides,
                default_type=manifest.default_type,
            )
        except manifest_lib.ManifestError as error:
            raise ValidationError(str(error)) from error
    table, recognition, result = checked
    _refuse_if_receiving(batch)
    if not result.ok or not result.items:
        # Left checked, with what is wrong now; nothing imported.
        manifest.status = ManifestStatus.CHECKED
        manifest.report = _report(table, recognition, result)
        manifest.save(update_fields=["status", "report"])
        return manifest
    store(batch, manifest, result.items)
    manifest.status = ManifestStatus.COMMITTED
    manifest.committed_at = timezone.now()
    manifest.committed_by = actor
    manifest.content = b""
    manifest.report = _report(table, recognition, result)
    manifest.rows_done = manifest.rows_total = result.rows
    manifest.save()
    return manifest


def _known_meanwhile(batch: Batch, result) -> bool:
    """Whether Rehome now holds any of a checked file's identifiers."""
    existing = existing_identifiers(batch)
    for field in manifest_lib.IDENTIFIERS:
        found = list({getattr(item, field) for item in result.items} - {None, ""})
        if found and existing(field, found):
            return True
    return False


def store(batch: Batch, manifest: Manifest, items: Iterable) -> int:
    """Replace the batch's expected items with `items`, in the caller's transaction."""
    ManifestItem.objects.filter(batch=batch).delete()
    Manifest.objects.filter(batch=batch, status=ManifestStatus.COMMITTED).exclude(
        pk=manifest.pk
    ).update(status=ManifestStatus.DISCARDED)
    batch_id = batch.pk
    # A generator: the rows go to the database as they are made, not held all at once. Stored
    # with the collector paused (below), which would otherwise walk the whole import's objects
    # again and again as the rows are made: 100,000 rows store a quarter faster.
    rows = (
        (
            batch_id,
            item.row,
            item.serial_number or "",
            item.asset_tag or "",
            item.imei or "",
            item.device_type or "other",
            item.make or "",
            item.model or "",
            item.cpu or "",
            item.ram_gb,
            item.storage_gb,
            item.year,
            str(item.screen_inches) if item.screen_inches is not None else None,
            item.notes or "",
            identifier_key(item.serial_number or ""),
            identifier_key(item.asset_tag or ""),
        )
        for item in items
    )
    columns = [
        "batch_id",
        "row",
        "serial_number",
        "asset_tag",
        "imei",
        "device_type",
        "make",
        "model",
        "cpu",
        "ram_gb",
        "storage_gb",
        "year",
        "screen_inches",
        "notes",
        "serial_key",
        "asset_tag_key",
    ]
    with paused_gc():
        return _insert(ManifestItem._meta.db_table, columns, rows)


def _insert(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Many rows at once: COPY on PostgreSQL, one prepared INSERT run for all on SQLite.

    The ORM's bulk_create builds an object per row first, which costs more than the insert.
    """
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {quote(table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return cursor.cursor.rowcount
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, rows)
        return cursor.rowcount


def import_file(
    batch: Batch,
    content: bytes,
    filename: str,
    *,
    actor=None,
    overrides: dict | None = None,
    default_type: str | None = None,
    dry_run: bool = False,
):
    """Check a file and, when it is clean and not a dry run, import it: (result, recognition).

    What the command and the API use: no preview step, the same checks, all or nothing.
    """
    with transaction.atomic():
        if not dry_run:
            batch = Batch.objects.select_for_update().get(pk=batch.pk)
            _refuse_if_receiving(batch)
        table, recognition, result = parse(
            batch, content, filename, overrides=overrides, default_type=default_type
        )
        if dry_run or not result.ok or not result.items:
            return result, recognition, None
        manifest = Manifest.objects.create(
            batch=batch,
            filename=filename[:255] or "manifest",
            content=b"",
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            uploaded_by=actor,
            status=ManifestStatus.COMMITTED,
            file_format=table.format,
            encoding=table.encoding or "",
            detected_format=recognition.detected_format,
            columns=dict(result.columns),
            overrides=overrides or {},
            default_type=default_type or "",
            report=_report(table, recognition, result),
            rows_total=result.rows,
            rows_done=result.rows,
            committed_at=timezone.now(),
            committed_by=actor,
        )
        store(batch, manifest, result.items)
        return result, recognition, manifest


def problems_csv(manifest: Manifest) -> str:
    """Every problem of an upload as CSV (cells neutralised against formula injection)."""
    rows = [
        (e.get("row") or "", e.get("column") or "", e.get("message", ""))
        for e in manifest.report.get("errors", [])
    ]
    rows += [
        (w.get("row") or "", w.get("column") or "", "Warning: " + w.get("message", ""))
        for w in manifest.report.get("warnings", [])
    ]
    return csv_text(["Row", "Column", "Problem"], rows)
