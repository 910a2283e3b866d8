"""Background work for large manifests: the donor's page shows progress while these run."""

from django.core.exceptions import ValidationError
from django_tasks import task

from .models import Manifest, ManifestStatus

# What the donor's page says when a task fails for a reason of Rehome's, not the file's (the
# worker records the error itself for whoever runs Rehome).
CHECK_FAILED = (
    "Rehome could not finish checking this file, through no fault of the file. Upload it "
    "again; if this happens again, tell your coordinator."
)
IMPORT_FAILED = (
    "Rehome could not finish importing this file, through no fault of the file, so nothing was "
    "imported. Import it again; if this happens again, tell your coordinator."
)


@task()
def check_manifest(manifest_id: int) -> None:
    from .manifests import failed_report, manifest_check

    manifest = Manifest.objects.select_related("batch").filter(pk=manifest_id).first()
    if manifest is None or manifest.status != ManifestStatus.CHECKING:
        return  # discarded or replaced meanwhile
    try:
        manifest_check(manifest)
    except Exception:
        # Not left "being checked" for ever: the page says what happened.
        Manifest.objects.filter(pk=manifest.pk, status=ManifestStatus.CHECKING).update(
            status=ManifestStatus.FAILED, report=failed_report(CHECK_FAILED)
        )
        raise


@task()
def commit_manifest(manifest_id: int) -> None:
    from .manifests import commit_now

    manifest = (
        Manifest.objects.select_related("batch", "committed_by").filter(pk=manifest_id).first()
    )
    if manifest is None or manifest.status != ManifestStatus.COMMITTING:
        return
    try:
        commit_now(manifest, actor=manifest.committed_by)
    except ValidationError as error:
        # Receiving began meanwhile: nothing was imported; say why on the upload.
        _not_imported(manifest, error.messages)
    except Exception:
        # Not left "being imported" for ever: nothing was imported (the transaction rolled back).
        _not_imported(manifest, [IMPORT_FAILED])
        raise


def _not_imported(manifest: Manifest, messages: list[str]) -> None:
    """Back to checked, saying why, unless it was discarded or replaced meanwhile."""
    report = Manifest.objects.values_list("report", flat=True).get(pk=manifest.pk)
    Manifest.objects.filter(pk=manifest.pk, status=ManifestStatus.COMMITTING).update(
        status=ManifestStatus.CHECKED,
        report={
            **(report or {}),
            "errors": [{"row": None, "column": None, "message": m} for m in messages],
        },
    )
