"""The publication job: the full or open register, or a notice of alteration, per polling district,
as supply CSV and print PDF files the officer downloads from the jobs page.

Each district is one unit of work: its files are written, then the checkpoint moves on, so a
killed run resumes at the next district (a half-written file is simply written again).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.conf import settings

from ems.audit.services import audit_record
from ems.geography.models import PollingDistrict
from ems.jobs.registry import register_job
from ems.jobs.runner import JobContext

from . import selectors
from .exporters import supply_csv

JOB_KIND = "register.publish"
TITLES = {"full": "Register of electors", "open": "Open register", "notice": "Notice of alteration"}


def parse_params(params: dict[str, Any]) -> tuple[str, tuple[str, ...], dt.date, str | None]:
    kind = params.get("kind")
    if kind not in supply_csv.KINDS:
        raise ValueError(f"kind must be one of {', '.join(supply_csv.KINDS)}")
    formats = tuple(params.get("formats") or ("csv", "pdf"))
    if not set(formats) <= {"csv", "pdf"}:
        raise ValueError("formats must be csv and/or pdf")
    as_at = dt.date.fromisoformat(str(params.get("as_at")))
    return kind, formats, as_at, params.get("district")


@register_job(JOB_KIND, "Publish the register", queue="bulk")
def publish_job(context: JobContext) -> None:
    job = context.job
    kind, formats, as_at, only = parse_params(context.params)
    districts = list(
        PollingDistrict.objects.filter(authority=job.authority).order_by("code").values_list("code", "name")
    )
    if only:
        districts = [d for d in districts if d[0] == only]
        if not districts:
            raise ValueError(f"No polling district {only!r} in {job.authority.name}")
    context.set_total(len(districts), stage=f"{TITLES[kind]} as at {as_at:%d %B %Y}")
    folder = Path(settings.JOB_FILES_DIR) / f"job-{job.pk}"
    folder.mkdir(parents=True, exist_ok=True)
    start = int(context.checkpoint.get("next", 0))
    for index in range(start, len(districts)):
        code, name = districts[index]
        written = _publish_district(job, kind, formats, as_at, code, name, folder)

        def unit(written: list[tuple[str, str]] = written, code: str = code) -> None:
            audit_record(
                actor=job.created_by,
                authority=job.authority,
                action="register.publish.district",
                object_type="geography.pollingdistrict",
                object_id=code,
                after={"kind": kind, "as_at": as_at.isoformat(), "files": [n for n, _ in written]},
            )

        context.commit_unit(unit, done=index + 1, checkpoint={"next": index + 1})
        for file_name, relative in written:
            if all(f["path"] != relative for f in context.job.result_files):
                context.add_result_file(file_name, relative)


def _publish_district(
    job: Any, kind: str, formats: tuple[str, ...], as_at: dt.date, code: str, name: str, folder: Path
) -> list[tuple[str, str]]:
    stem = f"{kind}-{as_at.isoformat()}-{code}"
    written: list[tuple[str, str]] = []
    if kind == "notice":
        alterations = selectors.alterations_effective_on(job.authority_id, as_at, code)
        published = [
            a for a in alterations if supply_csv.is_publishable(a["entry"] or a["previous"] or {}, "full", as_at)
        ]
    else:
        entries = selectors.register_as_at(job.authority_id, as_at, code)
        published = [e for e in entries if supply_csv.is_publishable(e, kind, as_at)]
    if "csv" in formats:
        buffer = io.StringIO()
        rows = (
            supply_csv.notice_rows(published, as_at)
            if kind == "notice"
            else supply_csv.register_rows(published, kind, as_at)
        )
        supply_csv.write_csv(rows, buffer)
        path = folder / f"{stem}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        written.append((path.name, str(path.relative_to(settings.JOB_FILES_DIR))))
    if "pdf" in formats:
        from .exporters import pdf

        document = pdf.render_register_pdf(
            entries=[] if kind == "notice" else published,
            alterations=published if kind == "notice" else None,
            authority_name=job.authority.name,
            title=TITLES[kind],
            kind=kind,
            as_at=as_at,
            district_code=code,
            district_names={code: name},
        )
        path = folder / f"{stem}.pdf"
        path.write_bytes(document)
        written.append((path.name, str(path.relative_to(settings.JOB_FILES_DIR))))
    return written
