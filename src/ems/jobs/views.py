"""The jobs page: live progress bars (htmx polling) and result downloads."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ems.accounts.decorators import permission_required
from ems.accounts.roles import Permission
from ems.core.tables import Column, build_table

from . import selectors

COLUMNS = [
    Column("id", _("Job"), "id"),
    Column("kind", _("Kind"), "kind"),
    Column("state", _("State and progress"), "state"),
    Column("created_at", _("Started"), "created_at"),
]


@permission_required(Permission.VIEW_JOBS)
def job_list(request: HttpRequest) -> HttpResponse:
    table = build_table(request, selectors.jobs_for_user(request.user), COLUMNS, "-created_at", per_page=25)
    return render(request, "jobs/list.html", {"table": table, "title": _("Jobs"), "current": "jobs"})


@permission_required(Permission.VIEW_JOBS)
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.job_for_user(request.user, job_id)
    return render(
        request, "jobs/detail.html", {"job": job, "title": _("Job %(id)s") % {"id": job.pk}, "current": "jobs"}
    )


@permission_required(Permission.VIEW_JOBS)
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress fragment htmx polls; it stops polling once the job has ended."""
    job = selectors.job_for_user(request.user, job_id)
    return render(request, "jobs/_progress.html", {"job": job})


@permission_required(Permission.VIEW_JOBS)
def job_download(request: HttpRequest, job_id: int, index: int) -> FileResponse:
    job = selectors.job_for_user(request.user, job_id)
    if index < 0 or index >= len(job.result_files):
        raise Http404("No such file")
    entry = job.result_files[index]
    base = Path(settings.JOB_FILES_DIR).resolve()
    path = (base / entry["path"]).resolve()
    if base not in path.parents or not path.is_file():
        raise Http404("File not available")
    return FileResponse(path.open("rb"), as_attachment=True, filename=entry["name"])
