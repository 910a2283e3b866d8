"""Background work for large manifests: the donor's page shows progress while these run."""

from django.core.exceptions import ValidationError
from django_tasks import task

from .models import Manifest, ManifestStatus


@task()
def check_manifest(manifest_id: int) -> None:
    from .manifests import manifest_check

    manifest = Manifest.objects.select_related("batch").filter(pk=manifest_id).first()
    if manifest is None or manifest.status != ManifestStatus.CHECKING:
        return  # discarded or replaced meanwhile
    manifest_check(manifest)


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
        manifest.status = ManifestStatus.CHECKED
        manifest.report = {
            **manifest.report,
            "errors": [{"row": None, "column": None, "message": m} for m in error.messages],
        }
        manifest.save(update_fields=["status", "report"])
