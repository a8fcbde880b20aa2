"""Reads of jobs, always within the acting user's authority."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import JobRun


def jobs_for_user(user: Any) -> QuerySet[JobRun]:
    return JobRun.objects.filter(authority_id=user.authority_id)


def job_for_user(user: Any, job_id: int) -> JobRun:
    return get_object_or_404(jobs_for_user(user), pk=job_id)
