"""The council's working-day override table: days of public thanksgiving or mourning and
one-off bank holidays that the election timetables and the register's notice dates skip."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ems.accounts.roles import Role
from ems.audit.models import AuditEvent
from ems.core import services
from ems.core.calendar import bank_holidays, overrides_for
from ems.core.models import CalendarDay
from ems_rules.calendar import DEFAULT_OVERRIDES
from ems_rules.timetables import compute_timetable

pytestmark = pytest.mark.django_db

# A Wednesday between the registration deadline (Monday 19 April) and an English local poll on
# Thursday 6 May 2027.
MOURNING = dt.date(2027, 4, 21)
POLL = dt.date(2027, 5, 6)


def add(authority, **kwargs):
    values = {"day": MOURNING, "nations": ["ENG", "WLS"], "reason": "Day of mourning", "source": "Proclamation"}
    return services.calendar_day_add(acting_user=None, authority=authority, **{**values, **kwargs})


def test_a_recorded_day_of_mourning_moves_the_timetable_deadlines_before_it(authority_a):
    before = compute_timetable("local", "ENG", POLL, overrides=overrides_for(authority_a.pk))
    add(authority_a)
    after = compute_timetable("local", "ENG", POLL, overrides=overrides_for(authority_a.pk))
    assert before.deadlines["registration"].day == dt.date(2027, 4, 19)
    # Wednesday 21 April no longer counts, so the deadline moves back over the weekend.
    assert after.deadlines["registration"].day == dt.date(2027, 4, 16)
    # A council without the day is unaffected (no query crosses authorities).
    assert overrides_for(None) == DEFAULT_OVERRIDES


def test_the_day_is_a_bank_holiday_for_the_register_only_in_the_nations_named(authority_a):
    add(authority_a, nations=["WLS"])
    assert MOURNING in bank_holidays("WLS", 2027, authority_id=authority_a.pk)
    assert MOURNING not in bank_holidays("ENG", 2027, authority_id=authority_a.pk)
    assert MOURNING not in bank_holidays("WLS", 2027)


def test_a_moved_bank_holiday_is_taken_out(authority_a):
    spring = dt.date(2027, 5, 31)  # spring bank holiday, last Monday in May
    assert spring in bank_holidays("ENG", 2027)
    add(authority_a, day=spring, dies_non=False, reason="Moved to 1 June by proclamation", nations=["ENG"])
    assert spring not in bank_holidays("ENG", 2027, authority_id=authority_a.pk)


def test_a_council_day_replaces_a_built_in_one_for_the_nations_it_names(authority_a):
    built_in = DEFAULT_OVERRIDES[0]
    add(authority_a, day=built_in.day, nations=["SCT"], reason="Scottish correction", dies_non=True)
    table = overrides_for(authority_a.pk)
    same_day = [o for o in table if o.day == built_in.day]
    assert {n.value for o in same_day for n in o.nations} == {n.value for n in built_in.nations}
    assert [o.reason for o in same_day if {n.value for n in o.nations} == {"SCT"}] == ["Scottish correction"]


def test_adding_and_removing_are_audited(authority_a):
    row = add(authority_a)
    event = AuditEvent.objects.get(action="core.calendar_day.add")
    assert event.after["day"] == "2027-04-21" and event.after["nations"] == "ENG,WLS"
    services.calendar_day_remove(acting_user=None, row=row)
    assert not CalendarDay.objects.exists()
    assert AuditEvent.objects.get(action="core.calendar_day.remove").before["reason"] == "Day of mourning"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"nations": []}, "nations", "Choose the nations"),
        ({"nations": ["XYZ"]}, "nations", "Unknown nation"),
        ({"reason": "   "}, "reason", "Say what the day is"),
        ({"day": dt.date(2027, 4, 24), "dies_non": False}, "day", "Saturday is disregarded"),
        ({"day": dt.date(2027, 3, 26), "dies_non": False}, "day", "Good Friday is disregarded"),
        ({"day": dt.date(2027, 12, 24), "dies_non": False}, "day", "Christmas Eve is disregarded"),
        ({"day": dt.date(1900, 1, 1)}, "day", "between 1990 and 2200"),
    ],
)
def test_bad_days_are_refused_with_a_clear_message_and_nothing_written(authority_a, kwargs, field, message):
    with pytest.raises(ValidationError) as error:
        add(authority_a, **kwargs)
    assert message in " ".join(error.value.message_dict[field])
    assert not CalendarDay.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="core.calendar").exists()


def test_the_same_day_twice_is_refused(authority_a, authority_b):
    add(authority_a)
    with pytest.raises(ValidationError, match="already in the calendar"):
        add(authority_a)
    add(authority_b)  # another council may record the same day
    assert CalendarDay.objects.count() == 2


def test_pages_add_and_remove_a_day(authority_a, authority_b, make_user, client_for):
    manager = client_for(make_user(Role.MANAGER, authority_a))
    page = manager.get("/elections/calendar/")
    assert page.status_code == 200 and b"Diamond Jubilee" in page.content
    bad = manager.post("/elections/calendar/add/", {"day": "31/2/2027", "reason": ""})
    assert bad.status_code == 200
    assert b"There is a problem" in bad.content and b"must be a real date" in bad.content
    assert b"Choose the nations" in bad.content and not CalendarDay.objects.exists()
    good = manager.post(
        "/elections/calendar/add/",
        {"day": "21/4/2027", "nations": ["ENG"], "dies_non": "yes", "reason": "Day of mourning", "source": ""},
    )
    assert good.status_code == 302
    row = CalendarDay.objects.get()
    assert row.authority == authority_a and row.created_by is not None
    assert b"Day of mourning" in manager.get("/elections/calendar/").content
    # Another council's officers neither see nor remove it.
    other = client_for(make_user(Role.MANAGER, authority_b))
    assert b"Day of mourning" not in other.get("/elections/calendar/").content
    assert other.post(f"/elections/calendar/{row.pk}/remove/", {"confirm": "on"}).status_code == 404
    # Removing needs the box ticked.
    assert manager.post(f"/elections/calendar/{row.pk}/remove/", {}).status_code == 200
    assert manager.post(f"/elections/calendar/{row.pk}/remove/", {"confirm": "on"}).status_code == 302
    assert not CalendarDay.objects.exists()


def test_poll_staff_may_read_the_calendar_but_not_change_it(authority_a, make_user, client_for):
    staff = client_for(make_user(Role.POLL_STAFF, authority_a))
    assert staff.get("/elections/calendar/").status_code == 200
    assert staff.get("/elections/calendar/add/").status_code == 403
    assert b"Add a day" not in staff.get("/elections/calendar/").content


def test_an_election_created_after_the_day_is_recorded_stores_the_moved_deadlines(authority_a, authority_b):
    from ems.elections import services as elections
    from ems.elections.services import BallotSpec
    from ems.geography.models import AreaType, ElectoralArea

    add(authority_a)
    made = {}
    for authority in (authority_a, authority_b):
        ward = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="North")
        made[authority.pk] = elections.election_group_create(
            acting_user=None, authority=authority, election_type="local", nation="ENG", poll_date=POLL,
            ballots=[BallotSpec(area=ward)],
        )  # fmt: skip
    assert made[authority_a.pk].timetable.get(key="registration").due_date == dt.date(2027, 4, 16)
    assert made[authority_b.pk].timetable.get(key="registration").due_date == dt.date(2027, 4, 19)


def test_a_day_recorded_after_the_election_is_set_up_moves_its_deadlines_on_request(authority_a, make_user, client_for):
    from ems.elections import selectors
    from ems.elections import services as elections
    from ems.elections.services import BallotSpec
    from ems.geography.models import AreaType, ElectoralArea

    ward = ElectoralArea.objects.create(authority=authority_a, area_type=AreaType.WARD, name="North")
    group = elections.election_group_create(
        acting_user=None, authority=authority_a, election_type="local", nation="ENG", poll_date=POLL,
        ballots=[BallotSpec(area=ward)],
    )  # fmt: skip
    done = group.timetable.get(key="notice_of_election")
    elections.timetable_mark_done(acting_user=None, entry=done, done_on=dt.date(2027, 3, 20))
    manager = client_for(make_user(Role.MANAGER, authority_a))
    page = manager.get(f"/elections/{group.pk}/timetable/recalculate/")
    assert b"already agrees" in page.content
    add(authority_a)
    assert [g.pk for g, _n in selectors.groups_with_timetable_changes(_reader(authority_a))] == [group.pk]
    assert b"to-recalculate" in manager.get("/elections/calendar/").content
    preview = manager.get(f"/elections/{group.pk}/timetable/recalculate/")
    assert b"Registration deadline" in preview.content and b"16 Apr 2027" in preview.content
    assert group.timetable.get(key="registration").due_date == dt.date(2027, 4, 19)  # a preview writes nothing
    assert manager.post(f"/elections/{group.pk}/timetable/recalculate/", {}).status_code == 200  # box not ticked
    response = manager.post(f"/elections/{group.pk}/timetable/recalculate/", {"confirm": "on"})
    assert response.status_code == 302
    assert group.timetable.get(key="registration").due_date == dt.date(2027, 4, 16)
    event = AuditEvent.objects.get(action="elections.timetable.recompute")
    assert event.before["registration"]["due_date"] == "2027-04-19"
    assert event.after["registration"]["due_date"] == "2027-04-16"
    assert "notice_of_election" not in event.after  # done deadlines stay
    with pytest.raises(ValidationError, match="already agrees"):
        elections.timetable_recompute(acting_user=None, group=group)


def _reader(authority):
    class _Reader:
        authority_id = authority.pk

    return _Reader()
