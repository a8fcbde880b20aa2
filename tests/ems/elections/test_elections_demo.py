"""``ems demo-elections``: an upcoming local election with a ballot per ward, made once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ems.elections.demo import next_ordinary_day, ordinary_day_of_election
from ems.elections.models import ElectionGroup
from ems.geography.models import AreaType, ElectoralArea

pytestmark = pytest.mark.django_db


def test_ordinary_day_of_election_is_the_first_thursday_in_may():
    assert ordinary_day_of_election(2026) == dt.date(2026, 5, 7)  # elections.md §2.3
    assert ordinary_day_of_election(2027) == dt.date(2027, 5, 6)
    assert next_ordinary_day(dt.date(2027, 4, 1)) == dt.date(2028, 5, 4)  # too close: the next year's


def test_demo_elections_command_is_idempotent(authority_a):
    for name in ("Abbey", "Bridge", "Castle"):
        ElectoralArea.objects.create(authority=authority_a, area_type=AreaType.WARD, name=name)
    out = io.StringIO()
    call_command("demo-elections", "--authority", authority_a.gss_code, stdout=out)
    assert out.getvalue().startswith("Created") and "3 ballots" in out.getvalue()
    group = ElectionGroup.objects.get(authority=authority_a)
    assert sorted(group.ballots.values_list("seats", flat=True)) == [1, 2, 3]
    assert group.timetable.exists()
    out = io.StringIO()
    call_command("demo-elections", "--authority", authority_a.gss_code, stdout=out)
    assert out.getvalue().startswith("Already there")
    assert ElectionGroup.objects.count() == 1


def test_demo_elections_command_errors(authority_a):
    with pytest.raises(CommandError, match="No authority E07000998"):
        call_command("demo-elections", "--authority", "E07000998")
    with pytest.raises(CommandError, match="GSS code"):
        call_command("demo-elections", "--authority", "nonsense")
    with pytest.raises(CommandError, match="no wards yet"):
        call_command("demo-elections", "--authority", authority_a.gss_code)
