"""The register in force and the eligibility run (RPA 1983 s.13B; registration.md §1.9).

Dates are those of the local elections of Thursday 6 May 2027 in England (``ems timetable
local ENG 2027-05-06``): registration deadline 19 April, final election notice of alteration
28 April. The reasons are the engine's own sentences (``ems_rules.eligibility``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ems.accounts.roles import Role
from ems.audit.models import AuditEvent
from ems.polling import law, selectors, services
from ems.polling.eligibility import ELECTION_NOTICE_KINDS
from ems.polling.models import EligibilityEntry, RunState
from ems.register import services_alterations as alterations
from ems_rules import eligibility as rules

POLL_DAY = dt.date(2027, 5, 6)
FREEZE = dt.date(2027, 4, 19)

pytestmark = pytest.mark.django_db


def decisions(run, ballot):
    out = {}
    for entry in EligibilityEntry.objects.filter(run_id=run.pk, ballot_id=ballot.pk):
        reason, _citation = selectors.decision_text(run, entry.detail, entry.code)
        out[entry.elector_id] = (entry.eligible, law.reason_code(entry.code), reason, entry.late)
    return out


def test_every_engine_reason_code_has_a_stored_number():
    assert set(rules.ReasonCode) <= set(law.REASON_CODES)
    assert law.REASON_CODES[law.ELIGIBLE_CODE] == "eligible"


def test_post_deadline_addition_is_excluded_with_the_reason_and_late_entries_count(place, make_user):
    north = place.ballot(place.north)
    before = place.add("NA", "Before")
    after = place.add("NA", "After", dt.date(2027, 5, 1))  # a monthly notice after the deadline
    clerical = place.add("NB", "Clerical", dt.date(2027, 5, 6))  # corrected on polling day
    court = place.add("NB", "Court", dt.date(2027, 5, 6))
    services.late_entry_record(
        acting_user=None, poll=place.poll, elector=clerical, basis="clerical_error", reference="CE/2027/14"
    )
    services.late_entry_record(
        acting_user=None, poll=place.poll, elector=court, basis="court_decision", reference="County court 27X1"
    )
    run = place.run()
    assert run.state == RunState.READY
    got = decisions(run, north)
    assert got[before.pk][:2] == (True, "eligible")
    eligible, code, reason, _late = got[after.pk]
    assert (eligible, code) == (False, "added_after_registration_deadline")
    assert reason == "Added after the registration deadline (19 April 2027) without a legal exception"
    assert got[clerical.pk] == (True, "eligible", got[clerical.pk][2], True)
    assert got[court.pk][0] is True and got[court.pk][3] is True
    counts = {b.ballot_id: b for b in selectors.run_ballots(run)}[north.pk]
    assert (counts.eligible, counts.excluded, counts.after_deadline, counts.late_included) == (3, 1, 1, 2)
    # The South ballot never sees the North electors.
    assert decisions(run, place.ballot(place.south)) == {}


def test_application_determined_counts_only_up_to_the_final_notice(place):
    """An application determined after the deadline takes effect by the final election notice
    of alteration, the 5th working day before the poll (RPA 1983 s.13B(2)-(3), elections.md §2.2)."""
    in_time = place.add("NA", "InTime", dt.date(2027, 4, 27))
    too_late = place.add("NA", "TooLate", dt.date(2027, 5, 3))
    for elector in (in_time, too_late):
        services.late_entry_record(
            acting_user=None, poll=place.poll, elector=elector, basis="application_determined", reference="APP-1"
        )
    got = decisions(place.run(), place.ballot(place.north))
    assert got[in_time.pk][:2] == (True, "eligible")
    assert got[too_late.pk][:2] == (False, "late_entry_out_of_time")


def test_final_election_notice_is_an_application_determined_in_time(place):
    assert "final" in ELECTION_NOTICE_KINDS
    published = place.add("NA", "OnTheFinalNotice", notice=place.final_notice(place.north))
    got = decisions(place.run(), place.ballot(place.north))
    assert got[published.pk] == (True, "eligible", got[published.pk][2], True)


def test_age_on_polling_day(place):
    # 18 on polling day may vote; 18 the day after may not (RPA 1983 s.2; franchise.voting_age).
    eighteen_today = place.add("NA", "Today", date_of_birth=POLL_DAY.replace(year=POLL_DAY.year - 18))
    tomorrow = place.add(
        "NA", "Tomorrow", date_of_birth=POLL_DAY.replace(year=POLL_DAY.year - 18) + dt.timedelta(days=1)
    )
    attainer = place.add("NA", "Attainer", attainer_date=POLL_DAY + dt.timedelta(days=1))
    got = decisions(place.run(), place.ballot(place.north))
    assert got[eighteen_today.pk][0] is True
    assert got[tomorrow.pk][1] == "under_voting_age"
    assert got[attainer.pk][1] == "under_voting_age"


def test_franchise_markers(place):
    # England after 7 May 2024: G no longer gives a local vote; B (confirmed) does; F is UK Parliament only.
    eu_unconfirmed = place.add("NA", "Gee", markers="G")
    eu_confirmed = place.add("NA", "Bee", markers="B")
    overseas = place.add("NA", "Eff", markers="F")
    anonymous = place.add("NA", "Anon", markers="N", is_anonymous=True)
    got = decisions(place.run(), place.ballot(place.north))
    assert got[eu_unconfirmed.pk][1] == "franchise_marker_not_in_force"
    assert got[eu_confirmed.pk][0] is True
    assert got[overseas.pk][1] == "franchise_marker_excludes"
    assert got[anonymous.pk][0] is True


def test_deletion_before_polling_day_and_move_after_the_deadline(place):
    leaver = place.add("NA", "Leaver")
    mover = place.add("NA", "Mover")
    alterations.elector_delete(acting_user=None, elector=leaver, reason="Died", effective_date=dt.date(2027, 5, 1))
    alterations.elector_amend(
        acting_user=None, elector=mover, changes={"polling_district_id": place.districts["SA"].pk}, reason="Moved",
        effective_date=dt.date(2027, 5, 1),
    )  # fmt: skip
    run = place.run()
    north = decisions(run, place.ballot(place.north))
    south = decisions(run, place.ballot(place.south))
    assert north[leaver.pk][1] == "deleted_before_poll"
    # The move took effect after the deadline with no exception: the register in force keeps them in North.
    assert north[mover.pk][0] is True
    assert south[mover.pk][1] == "added_after_registration_deadline"


def test_preview_diff_against_the_signed_off_run_and_sign_off(place, make_user):
    ro = make_user(Role.RETURNING_OFFICER, place.authority)
    stays = place.add("NA", "Stays")
    goes = place.add("NA", "Goes")
    late = place.add("NA", "Late", dt.date(2027, 5, 1))
    first = place.run()
    with pytest.raises(ValidationError, match="reviewed the 1 elector added after the registration deadline"):
        services.eligibility_run_sign_off(acting_user=ro, run=first)
    services.eligibility_run_sign_off(acting_user=ro, run=first, exclusions_reviewed=True, note="Checked")
    assert AuditEvent.objects.filter(action="polling.eligibility.sign_off", object_id=str(first.pk)).exists()

    services.late_entry_record(acting_user=None, poll=place.poll, elector=late, basis="clerical_error", reference="CE1")
    alterations.elector_delete(acting_user=None, elector=goes, reason="Moved away", effective_date=dt.date(2027, 5, 3))
    # The signed-off run is now stale: producing anything from it is refused.
    status = selectors.production_run(place.poll)
    assert not status.ok and "out of date" in status.problem
    second = place.run()
    assert second.previous_id == first.pk
    preview = selectors.run_changes(second, None, None, 1)
    by_elector = {row["elector_id"]: row for row in preview["rows"]}
    assert set(by_elector) == {late.pk, goes.pk}
    assert by_elector[late.pk]["change"] == "entered"
    assert by_elector[late.pk]["before_reason"].startswith("Added after the registration deadline")
    assert by_elector[goes.pk]["change"] == "left"
    assert by_elector[goes.pk]["after_reason"].startswith("Deleted from the register")
    assert stays.pk not in by_elector
    north = {b.ballot_id: b for b in selectors.run_ballots(second)}[place.ballot(place.north).pk]
    assert (north.entered, north.left) == (1, 1)


def test_database_diff_agrees_with_the_engine(place, make_user):
    ro = make_user(Role.RETURNING_OFFICER, place.authority)
    people = [place.add("NA", f"P{i}", markers="G" if i % 3 == 0 else "") for i in range(9)]
    first = place.run()
    services.eligibility_run_sign_off(acting_user=ro, run=first)
    for elector in people[:4]:
        alterations.elector_amend(
            acting_user=None, elector=elector, changes={"markers": "B" if elector.markers == "G" else "G"},
            reason="Marker", effective_date=dt.date(2027, 4, 1),
        )  # fmt: skip
    second = place.run()
    ballot = place.ballot(place.north)

    def as_decisions(run):
        out = {}
        for entry in EligibilityEntry.objects.filter(run_id=run.pk, ballot_id=ballot.pk):
            eligible, code, reason, citation = run.decisions[entry.detail]
            out[str(entry.elector_id)] = rules.Decision(eligible, code, reason, citation)
        return out

    expected = {(int(c.elector_id), c.change) for c in law.diff(as_decisions(first), as_decisions(second))}
    stored = {(r["elector_id"], r["change"]) for r in selectors.run_changes(second, ballot.pk, None, 1)["rows"]}
    assert stored == expected
    assert len(expected) == 4


def test_production_refused_before_sign_off(place, make_user):
    place.add("NA", "Voter")
    run = place.run()
    with pytest.raises(ValidationError, match="has not been signed off"):
        services.poll_cards_start(acting_user=None, poll=place.poll, enqueue=False)
    officer = make_user(Role.OFFICER, place.authority)
    with pytest.raises(ValidationError, match="Only the Returning Officer"):
        services.eligibility_run_sign_off(acting_user=officer, run=run)


def test_run_refused_without_a_registration_deadline(place):
    place.election.timetable.filter(key="registration").delete()
    with pytest.raises(ValidationError, match="no registration deadline"):
        services.eligibility_run_start(acting_user=None, poll=place.poll, enqueue=False)


def test_freeze_is_the_timetable_registration_entry(place):
    assert selectors.poll_freeze(place.poll) == {place.election.name: FREEZE}
