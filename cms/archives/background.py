"""The long work of the owner archives: filing a sheet an archivist uploaded in the admin."""

from django.contrib.auth import get_user_model

from cms.archives.sheet_import import JOB, import_stored_sheet
from jobs.registry import background_job


@background_job(JOB, "导入业户档案", urgent=True, private=True)
def import_archive_sheet(progress, upload, source_name, user_id):
    """Runs as the archivist who uploaded the sheet (every revision and 批量导入 record names
    them); the summary workbook is a private result, downloaded by that archivist alone."""
    by = get_user_model().objects.get(pk=user_id)
    outcome = import_stored_sheet(upload, source_name, by, progress)
    progress.attach(outcome.filename, outcome.workbook())
    return outcome.summary
