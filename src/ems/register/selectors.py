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


def register_as_at(authority_id: int, on: Any, district_code: str | None = None) -> list[dict[str, Any]]:
    """The register exactly as it stood on a date, rebuilt from alterations alone.

    For each elector, the latest alteration effective on or before ``on`` (ties broken by the
    order they were recorded) gives the entry; a deletion means no entry. Sorted as the
    register is printed: by district, number and suffix.
    """
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from .models import Alteration, AlterationKind

    ranked = (
        Alteration.objects.filter(authority_id=authority_id, effective_date__lte=on)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("elector_id")], order_by=[F("effective_date").desc(), F("id").desc()]
            )
        )
        .filter(rank=1)
        .values_list("kind", "entry")
    )
    entries = [entry for kind, entry in ranked.iterator(chunk_size=5000) if kind != AlterationKind.DELETE]
    if district_code is not None:
        entries = [e for e in entries if e.get("polling_district_code") == district_code]
    entries.sort(
        key=lambda e: (e.get("polling_district_code", ""), e.get("elector_number", 0), e.get("elector_suffix", 0))
    )
    return entries
