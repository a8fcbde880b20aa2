"""Reads of the register, always within the acting user's authority."""

from typing import Any

from django.db.models import Count, Q

from .models import AbsentVote, Elector, Property


def register_summary_for_user(user: Any) -> dict[str, int]:
    """Headline figures for the dashboard, in one aggregate query over the register."""
    figures = Elector.records.filter(authority_id=user.authority_id).aggregate(
        electors=Count("pk"),
        postal=Count("pk", filter=Q(absent_vote__in=[AbsentVote.POSTAL, AbsentVote.POSTAL_PROXY])),
        proxy=Count("pk", filter=Q(absent_vote__in=[AbsentVote.PROXY, AbsentVote.POSTAL_PROXY])),
        opted_out=Count("pk", filter=Q(open_register_opt_out=True)),
        attainers=Count("pk", filter=Q(attainer_date__isnull=False)),
        special=Count("pk", filter=~Q(special_category="")),
    )
    figures["properties"] = Property.objects.filter(authority_id=user.authority_id).count()
    return figures
