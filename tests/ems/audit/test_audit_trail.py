"""The audit trail: written by every service in the same transaction, and immutable."""

import csv
import datetime as dt
import inspect
import io

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from ems.accounts import services as account_services
from ems.accounts.roles import Role
from ems.audit.models import AuditEvent, AuditImmutableError
from ems.audit.services import audit_record, diff
from ems.core import services as core_services
from ems.jobs import services as job_services


@pytest.fixture
def officer(authority_a, make_user):
    return make_user(Role.OFFICER, authority_a, with_device=False)


def _service_calls(authority, officer):
    """One real call of every public service function; the test below keeps this list complete."""
    from ems.jobs.models import JobRun, JobState
    from ems.jobs.registry import register_job

    @register_job("test.noop", "No-op")
    def _noop(context):  # pragma: no cover - the immediate backend may run it
        return None

    def stale_job():
        from datetime import timedelta

        from django.utils import timezone

        JobRun.objects.create(
            authority=authority,
            kind="test.noop",
            state=JobState.RUNNING,
            heartbeat_at=timezone.now() - timedelta(hours=1),
        )
        return job_services.jobs_requeue_stale()

    calendar_days: list = []
    return {
        "ems.core.services.authority_create": lambda: core_services.authority_create(
            acting_user=officer, name="Gamma", gss_code="W06000099", nation="WLS", authority_type="WPA"
        ),
        "ems.core.services.calendar_day_add": lambda: calendar_days.append(
            core_services.calendar_day_add(
                acting_user=officer, authority=authority, day=dt.date(2027, 4, 21), nations=["ENG"], reason="Mourning"
            )
        ),
        "ems.core.services.calendar_day_remove": lambda: core_services.calendar_day_remove(
            acting_user=officer, row=calendar_days[-1]
        ),
        "ems.accounts.services.user_create": lambda: account_services.user_create(
            acting_user=officer, authority=authority, username="new-user", password="x" * 14, role=Role.CANVASSER
        ),
        "ems.accounts.services.user_record_sign_in": lambda: account_services.user_record_sign_in(
            user=officer, two_factor=False
        ),
        "ems.accounts.services.user_record_sign_out": lambda: account_services.user_record_sign_out(user=officer),
        "ems.accounts.services.user_record_failed_sign_in": lambda: account_services.user_record_failed_sign_in(
            username="nobody", authority=authority
        ),
        "ems.accounts.services.totp_device_start": lambda: account_services.totp_device_start(user=officer),
        "ems.accounts.services.totp_device_confirm": lambda: account_services.totp_device_confirm(
            user=officer, device=account_services.totp_device_start(user=officer)
        ),
        "ems.accounts.services.totp_device_create_confirmed": lambda: account_services.totp_device_create_confirmed(
            acting_user=officer, user=officer, key_hex="00" * 20
        ),
        "ems.jobs.services.job_start": lambda: job_services.job_start(
            acting_user=officer, authority=authority, kind="test.noop", enqueue=False
        ),
        "ems.jobs.services.jobs_requeue_stale": stale_job,
        "ems.register.services.polling_data_import": lambda: _polling_data_import(authority, officer),
        **_register_alteration_calls(authority, officer),
        "ems.register.services_gazetteer.gazetteer_import": lambda: _gazetteer_import(authority, officer),
        "ems.register.services_supply.register_import_supply": lambda: _supply_import(authority, officer),
        **_geography_calls(authority, officer),
        **_supply_sale_calls(authority, officer),
        **_elections_calls(authority, officer),
        **_counting_calls(authority, officer),
        **_polling_calls(authority, officer),
    }


def _elections_calls(authority, officer):
    import datetime as dt
    import io

    from django.utils import timezone

    from ems.elections import notices
    from ems.elections import services as el
    from ems.elections.models import Ballot, BallotStatus, TimetableEntry
    from ems.geography.models import AreaType, ElectoralArea, PollingDistrict

    north = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="Election North")
    south = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="Election South")
    seat = ElectoralArea.objects.create(authority=authority, area_type=AreaType.CONSTITUENCY, name="Election Seat")
    PollingDistrict.objects.create(authority=authority, code="EL", name="Election district", ward=north)
    poll_day = timezone.localdate() + dt.timedelta(days=120)
    poll_day += dt.timedelta(days=(3 - poll_day.weekday()) % 7)
    made = {}
    subs = [el.SubscriberEntry("EL-1", "A"), el.SubscriberEntry("EL-2", "B")]

    def create():
        made["group"] = el.election_group_create(
            acting_user=officer, authority=authority, election_type="local", nation="ENG", poll_date=poll_day,
            ballots=[el.BallotSpec(area=north)],
        )  # fmt: skip

    def ballot_add():
        made["south"] = el.ballot_add(acting_user=officer, group=made["group"], spec=el.BallotSpec(area=south))

    def set_date():
        entry = TimetableEntry.objects.create(
            authority=authority, group=made["group"], key="ro_test", label="RO's date", ro_chooses=True
        )
        el.timetable_set_date(acting_user=officer, entry=entry, due_date=poll_day - dt.timedelta(days=30))

    def recompute():
        # A stored deadline out of step with the calendar (as after a day of mourning is recorded).
        entry = made["group"].timetable.filter(done_on=None, ro_chooses=False).order_by("-pk").first()
        entry.due_date -= dt.timedelta(days=1)
        entry.save(update_fields=["due_date"])
        el.timetable_recompute(acting_user=officer, group=made["group"])

    def combine():
        made["parl"] = el.election_group_create(
            acting_user=officer, authority=authority, election_type="ukpge", nation="ENG", poll_date=poll_day,
            ballots=[el.BallotSpec(area=seat)],
        )  # fmt: skip
        el.combined_poll_create(
            acting_user=officer, authority=authority, name="Combined",
            ballots=[made["group"].ballots.get(area=north), made["parl"].ballots.get()],
        )  # fmt: skip

    def nominate(ballot, surname):
        return el.candidate_nominate(
            acting_user=officer, ballot=ballot, surname=surname, other_names="X", home_address="1 Road",
            subscribers=subs,
        )  # fmt: skip

    def nominate_first():
        made["north"] = made["group"].ballots.get(area=north)
        made["candidate"] = nominate(made["north"], "First")

    def withdraw():
        el.withdrawal_record(acting_user=officer, candidate=nominate(made["north"], "Second"))

    def deposit(key):
        el.election_notice_publish(acting_user=officer, group=made["parl"]) if key == "dep1" else None
        made[key] = nominate(made["parl"].ballots.get(), key)
        amount = el.law.deposit_pence("ukpge", "ENG", poll_day)
        el.deposit_record(acting_user=officer, candidate=made[key], amount_pence=amount, method="cash")

    def declare_uncontested():
        south_ballot = Ballot.objects.get(pk=made["south"].pk)
        el.nominations_close(acting_user=officer, ballot=south_ballot, now=timezone.now() + dt.timedelta(days=200))
        Ballot.objects.filter(pk=south_ballot.pk).update(status=BallotStatus.SOPN_PUBLISHED)
        el.ballot_declare_uncontested(acting_user=officer, ballot=south_ballot)

    def template_upload():
        content = notices.default_template_path("sopn").read_bytes()
        made["template"] = el.notice_template_upload(
            acting_user=officer, authority=authority, kind="sopn", language="en", filename="ours.docx",
            content=io.BytesIO(content).getvalue(),
        )  # fmt: skip

    return {
        "ems.elections.services.election_group_create": create,
        "ems.elections.services.ballot_add": ballot_add,
        "ems.elections.services.timetable_mark_done": lambda: el.timetable_mark_done(
            acting_user=officer, entry=made["group"].timetable.first()
        ),
        "ems.elections.services.timetable_set_date": set_date,
        "ems.elections.services.timetable_recompute": recompute,
        "ems.elections.services.election_notice_publish": lambda: el.election_notice_publish(
            acting_user=officer, group=made["group"]
        ),
        "ems.elections.services.combined_poll_create": combine,
        "ems.elections.services.candidate_nominate": nominate_first,
        "ems.elections.services.nomination_paper_add": lambda: el.nomination_paper_add(
            acting_user=officer, candidate=made["candidate"], subscribers=subs
        ),
        "ems.elections.services.nomination_paper_recheck": lambda: el.nomination_paper_recheck(
            acting_user=officer, paper=made["candidate"].papers.first()
        ),
        "ems.elections.services.validity_decide": lambda: [
            el.validity_decide(acting_user=officer, paper=paper, valid=True, reason="RO satisfied")
            for paper in made["candidate"].papers.all()
        ],
        "ems.elections.services.withdrawal_record": withdraw,
        "ems.elections.services.deposit_record": lambda: deposit("dep1"),
        "ems.elections.services.deposit_return": lambda: el.deposit_return(acting_user=officer, candidate=made["dep1"]),
        "ems.elections.services.deposit_forfeit": lambda: (
            deposit("dep2"),
            el.deposit_forfeit(acting_user=officer, candidate=made["dep2"]),
        ),
        "ems.elections.services.election_agent_appoint": lambda: el.election_agent_appoint(
            acting_user=officer, candidate=made["candidate"], name="Agent", address="2 Road"
        ),
        "ems.elections.services.nominations_close": lambda: el.nominations_close(
            acting_user=officer, ballot=made["north"], now=timezone.now() + dt.timedelta(days=200)
        ),
        "ems.elections.services.sopn_publish": lambda: el.sopn_publish(acting_user=officer, ballot=made["north"]),
        "ems.elections.services.ballot_declare_uncontested": declare_uncontested,
        "ems.elections.services.notice_template_upload": template_upload,
        "ems.elections.services.notice_template_remove": lambda: el.notice_template_remove(
            acting_user=officer, template=made["template"]
        ),
    }


def _polling_calls(authority, officer):
    import datetime as dt

    from django.utils import timezone

    from ems.accounts import services as accounts
    from ems.elections import services as el
    from ems.geography.models import AreaType, ElectoralArea, PollingDistrict, PollingPlace, PollingStation
    from ems.jobs.runner import execute
    from ems.polling import services as pl
    from ems.register import services_alterations as alt

    ward = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="Polling ward")
    district = PollingDistrict.objects.create(authority=authority, code="PL", name="Polling district", ward=ward)
    place = PollingPlace.objects.create(authority=authority, code="PP", name="Polling Hall")
    station = PollingStation.objects.create(authority=authority, code="PS", number="1", place=place, district=district)
    elector = alt.elector_add(
        acting_user=None, authority=authority, polling_district=district, first_names="Poll", surname="Voter",
        reason="test", effective_date=timezone.localdate() - dt.timedelta(days=400),
    )  # fmt: skip
    poll_day = timezone.localdate() + dt.timedelta(days=150)
    poll_day += dt.timedelta(days=(3 - poll_day.weekday()) % 7)
    group = el.election_group_create(
        acting_user=None, authority=authority, election_type="parish", nation="ENG", poll_date=poll_day,
        ballots=[el.BallotSpec(area=ward)],
    )  # fmt: skip
    el.election_notice_publish(acting_user=None, group=group)
    ro = accounts.user_create(
        acting_user=None, authority=authority, username="polling-ro", password="x" * 14, role=Role.RETURNING_OFFICER
    )
    made = {}

    def open_poll():
        made["poll"] = pl.poll_open(acting_user=officer, authority=authority, group=group)

    def allot():
        made["allocation"] = pl.station_allocation_set(
            acting_user=officer, poll=made["poll"], district=district, station=station
        )

    def run():
        made["run"] = pl.eligibility_run_start(acting_user=officer, poll=made["poll"], enqueue=False)
        execute(made["run"].job_id)

    return {
        "ems.polling.services.poll_open": open_poll,
        "ems.polling.services.late_entry_record": lambda: pl.late_entry_record(
            acting_user=officer, poll=made["poll"], elector=elector, basis="clerical_error", reference="CE1"
        ),
        "ems.polling.services.station_allocation_set": allot,
        "ems.polling.services.station_details_save": lambda: pl.station_details_save(
            acting_user=officer, station=station, values={"step_free": True}
        ),
        "ems.polling.services.eligibility_run_start": run,
        "ems.polling.services.eligibility_run_sign_off": lambda: pl.eligibility_run_sign_off(
            acting_user=ro, run=made["run"]
        ),
        "ems.polling.services.ballot_papers_allocate": lambda: pl.ballot_papers_allocate(
            acting_user=officer, poll=made["poll"]
        ),
        "ems.polling.services.station_packs_start": lambda: pl.station_packs_start(
            acting_user=officer, poll=made["poll"], enqueue=False
        ),
        "ems.polling.services.poll_cards_start": lambda: pl.poll_cards_start(
            acting_user=officer, poll=made["poll"], enqueue=False
        ),
        "ems.polling.services.station_allocation_remove": lambda: pl.station_allocation_remove(
            acting_user=officer, allocation=made["allocation"]
        ),
    }


def _counting_calls(authority, officer):
    import datetime as dt

    from django.utils import timezone

    from ems.counting import selectors as cs
    from ems.counting import services as c
    from ems.counting import services_spending as sp
    from ems.elections import selectors as es
    from ems.elections import services as el
    from ems.geography.models import AreaType, ElectoralArea

    made = {}
    poll_day = timezone.localdate() - dt.timedelta(days=1)

    def polled(election_type, surnames, seats=1):
        """A ballot polled yesterday with its candidates standing (statement of persons nominated published)."""
        ward = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name=f"Count {election_type}")
        group = el.election_group_create(
            acting_user=officer, authority=authority, election_type=election_type, nation="ENG", poll_date=poll_day,
            ballots=[el.BallotSpec(area=ward, seats=seats)],
        )  # fmt: skip
        _entry, close = es.deadline(group, "close_of_nominations")
        el.election_notice_publish(acting_user=officer, group=group, published_at=close - dt.timedelta(days=10))
        ballot = group.ballots.get()
        for surname in surnames:
            made[surname] = el.candidate_nominate(
                acting_user=officer, ballot=ballot, surname=surname, other_names="A", home_address="1 Road",
                subscribers=[el.SubscriberEntry("CT-1", "A"), el.SubscriberEntry("CT-2", "B")],
                received_at=close - dt.timedelta(days=5),
            )  # fmt: skip
            for paper in made[surname].papers.all():
                el.validity_decide(acting_user=officer, paper=paper, valid=True, reason="RO satisfied")
        el.nominations_close(acting_user=officer, ballot=ballot)
        el.sopn_publish(acting_user=officer, ballot=ballot)
        return ballot

    def verified(ballot, papers):
        box = c.ballot_box_add(acting_user=officer, ballot=ballot, label="1", bpa_issued=papers)
        c.box_receive(acting_user=officer, box=box)
        c.verification_record(acting_user=officer, box=box, papers_counted=papers)
        return c.verification_finalise(acting_user=officer, session=box.session)

    def box_add():
        made["ballot"] = polled("local", ("Ash", "Birch", "Cedar"))
        made["box"] = c.ballot_box_add(acting_user=officer, ballot=made["ballot"], label="1", bpa_issued=100)
        made["session"] = made["box"].session

    def current():
        return cs.current_round(made["session"])

    def stv_import():
        ballot = polled("parish", ("Dee", "Elm", "Fir", "Gum"), seats=2)
        type(ballot).objects.filter(pk=ballot.pk).update(voting_system="stv")
        type(ballot.group).objects.filter(pk=ballot.group_id).update(nation="SCT")
        session = verified(ballot, 10)
        blt = b'4 2\n4 1 2 0\n3 2 0\n2 3 0\n1 4 0\n0\n"A DEE"\n"A ELM"\n"A FIR"\n"A GUM"\n"t"\n'
        c.count_preferences_import(acting_user=officer, count_round=cs.current_round(session), content=blt)

    def answers_record():
        area = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="Count referendum")
        group = el.election_group_create(
            acting_user=officer, authority=authority, election_type="np-referendum", nation="ENG", poll_date=poll_day,
            ballots=[el.BallotSpec(area=area, referendum_question="Use the plan?")],
        )  # fmt: skip
        el.election_notice_publish(acting_user=officer, group=group)
        session = verified(group.ballots.get(), 10)
        c.count_answers_record(acting_user=officer, count_round=cs.current_round(session), votes={"Yes": 6, "No": 4})

    def lists_record():
        area = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="Count Senedd")
        group = el.election_group_create(
            acting_user=officer, authority=authority, election_type="senedd", nation="WLS", poll_date=poll_day,
            ballots=[el.BallotSpec(area=area, seats=1)],
        )  # fmt: skip
        _entry, close = es.deadline(group, "close_of_nominations")
        el.election_notice_publish(acting_user=officer, group=group, published_at=close - dt.timedelta(days=10))
        ballot = group.ballots.get()
        for position, surname in enumerate(("Oak", "Pine"), start=1):
            candidate = el.candidate_nominate(
                acting_user=officer, ballot=ballot, surname=surname, other_names="A", home_address="1 Road",
                subscribers=[el.SubscriberEntry("CT-1", "A")], received_at=close - dt.timedelta(days=5),
                affiliation="party", party_name="Tree Party", list_position=position,
            )  # fmt: skip
            for paper in candidate.papers.all():
                el.validity_decide(acting_user=officer, paper=paper, valid=True, reason="RO satisfied")
        el.nominations_close(acting_user=officer, ballot=ballot)
        el.sopn_publish(acting_user=officer, ballot=ballot)
        session = verified(ballot, 10)
        c.count_lists_record(acting_user=officer, count_round=cs.current_round(session), list_votes={"Tree Party": 9})

    def recount_decide():
        recount = made["session"].recounts.get()
        c.recount_decide(acting_user=officer, recount=recount, grant=True)
        c.count_figures_record(acting_user=officer, count_round=current(),
                               votes={made["Ash"].pk: 45, made["Birch"].pk: 45, made["Cedar"].pk: 9})  # fmt: skip

    return {
        "ems.counting.services.ballot_box_add": box_add,
        "ems.counting.services.box_receive": lambda: c.box_receive(acting_user=officer, box=made["box"]),
        "ems.counting.services.verification_record": lambda: c.verification_record(
            acting_user=officer, box=made["box"], papers_counted=99
        ),
        "ems.counting.services.variance_resolve": lambda: c.variance_resolve(
            acting_user=officer,
            verification=made["box"].verifications.get(),
            explanation="Spoilt paper",
            resolution="Accepted",
        ),
        "ems.counting.services.verification_finalise": lambda: c.verification_finalise(
            acting_user=officer, session=made["session"]
        ),
        "ems.counting.services.electorate_set": lambda: c.electorate_set(
            acting_user=officer, ballot=made["ballot"], electorate=500
        ),
        "ems.counting.services.count_figures_record": lambda: c.count_figures_record(
            acting_user=officer,
            count_round=current(),
            votes={made["Ash"].pk: 50, made["Birch"].pk: 40, made["Cedar"].pk: 9},
        ),
        "ems.counting.services.count_preferences_import": stv_import,
        "ems.counting.services.count_answers_record": answers_record,
        "ems.counting.services.count_lists_record": lists_record,
        "ems.counting.services.doubtful_papers_adjudicate": lambda: c.doubtful_papers_adjudicate(
            acting_user=officer, count_round=current(), decision="accepted"
        ),
        "ems.counting.services.recount_request": lambda: c.recount_request(
            acting_user=officer, session=made["session"], requested_by="Birch", reason="Close"
        ),
        "ems.counting.services.recount_decide": recount_decide,
        "ems.counting.services.lot_draw": lambda: c.lot_draw(acting_user=officer, count_round=current(), seed=7),
        "ems.counting.services.result_declare": lambda: c.result_declare(acting_user=officer, session=made["session"]),
        "ems.counting.services.deposits_settle": lambda: c.deposits_settle(
            acting_user=officer, session=made["session"]
        ),
        "ems.counting.services_spending.spending_limits_calculate": lambda: sp.spending_limits_calculate(
            acting_user=officer, ballot=made["ballot"], electorate=500
        ),
        "ems.counting.services_spending.expense_return_record": lambda: sp.expense_return_record(
            acting_user=officer, candidate=made["Ash"], return_received_on=timezone.localdate()
        ),
        "ems.counting.services_spending.inspection_notice_publish": lambda: sp.inspection_notice_publish(
            acting_user=officer, session=made["session"], place="Town Hall", times="9am to 4pm"
        ),
    }


def _supply_sale_calls(authority, officer):
    import datetime as dt

    from ems.register import services_supply_sale as sale

    made = {}

    def create():
        made["a"] = sale.supply_request_create(
            acting_user=officer, authority=authority, recipient_name="Party", entitlement="political_party",
            document="full", form="data", as_at=dt.date(2026, 1, 1),
        )  # fmt: skip
        made["b"] = sale.supply_request_create(
            acting_user=officer, authority=authority, recipient_name="Buyer", entitlement="any_purchaser",
            document="open", form="data", as_at=dt.date(2026, 1, 1),
        )  # fmt: skip

    return {
        "ems.register.services_supply_sale.supply_request_create": create,
        "ems.register.services_supply_sale.supply_request_deliver": lambda: sale.supply_request_deliver(
            acting_user=officer, request=made["a"]
        ),
        "ems.register.services_supply_sale.supply_request_refuse": lambda: sale.supply_request_refuse(
            acting_user=officer, request=made["b"], reason="Not entitled"
        ),
    }


def _geography_calls(authority, officer):
    import datetime as dt

    from ems.geography.models import PollingDistrict
    from ems.geography.services import boundary_set_import
    from ems.register.models import Property
    from ems.register.services_allocation import property_allocate, property_set_district

    ring = [[-1.5, 52.0], [-1.49, 52.0], [-1.49, 52.01], [-1.5, 52.01], [-1.5, 52.0]]
    geojson = {
        "type": "FeatureCollection",
        "features": [{"properties": {"code": "GA"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}],
    }

    def set_district():
        prop = Property.objects.create(authority=authority, uprn=424242, address_1="1 Geo Road", postcode="AB1 2CD")
        district = PollingDistrict.objects.get(authority=authority, code="GA")
        property_set_district(
            acting_user=officer, property_id=prop.pk, authority=authority, district=district, reason="test"
        )

    return {
        "ems.geography.services.boundary_set_import": lambda: boundary_set_import(
            acting_user=officer,
            authority=authority,
            name="Audit set",
            valid_from=dt.date(2026, 5, 1),
            geojson=geojson,
            area_type="polling_district",
        ),
        "ems.register.services_allocation.property_allocate": lambda: property_allocate(
            acting_user=officer, authority=authority
        ),
        "ems.register.services_allocation.property_set_district": set_district,
    }


def _supply_import(authority, officer):
    import datetime as dt

    from ems.register.importers.supply_csv import SupplyRow
    from ems.register.services_supply import register_import_supply

    row = SupplyRow(
        row=2, district="SU", number=1, suffix=0, markers="", attainer_date=None, date_of_birth=None,
        surname="Supply", first_names="Sam", postcode="AB1 2CD", address=("1 Road", "", "", "", "", ""),
        uprn=999000111, anonymous=False,
    )  # fmt: skip
    return register_import_supply(
        acting_user=officer, authority=authority, rows=[row], effective_date=dt.date(2031, 5, 1), source_name="t.csv"
    )


def _gazetteer_import(authority, officer):
    from pathlib import Path

    from ems.register.gazetteer import open_reader
    from ems.register.services_gazetteer import gazetteer_import

    sample = Path(__file__).resolve().parents[2] / "fixtures" / "gazetteer" / "dtf81_sample.csv"
    return gazetteer_import(
        acting_user=officer, authority=authority, records=open_reader(sample, "dtf"), source_name="dtf"
    )


def _register_alteration_calls(authority, officer):
    import datetime as dt

    from ems.geography.models import AreaType, ElectoralArea, PollingDistrict
    from ems.register import services_alterations as alt
    from ems.register.models import NoticeKind

    ward = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="Audit ward")
    district = PollingDistrict.objects.create(authority=authority, code="ZZ", name="Audit district", ward=ward)
    made = {}

    def add():
        made["elector"] = alt.elector_add(
            acting_user=officer, authority=authority, polling_district=district, first_names="A", surname="B",
            reason="test", effective_date=dt.date(2030, 1, 2),
        )  # fmt: skip

    def notice(kind=NoticeKind.MONTHLY, day=dt.date(2030, 2, 1)):
        made["notice"] = alt.notice_create(acting_user=officer, authority=authority, kind=kind, effective_date=day)
        return made["notice"]

    return {
        "ems.register.services_alterations.notice_create": notice,
        "ems.register.services_alterations.notice_publish": lambda: alt.notice_publish(
            acting_user=officer, notice=made["notice"]
        ),
        "ems.register.services_alterations.elector_add": add,
        "ems.register.services_alterations.elector_amend": lambda: alt.elector_amend(
            acting_user=officer,
            elector=made["elector"],
            changes={"surname": "C"},
            reason="test",
            effective_date=dt.date(2030, 3, 2),
        ),
        "ems.register.services_alterations.register_renumber": lambda: alt.register_renumber(
            acting_user=officer, authority=authority, notice=notice(NoticeKind.REVISED, dt.date(2030, 12, 1))
        ),
        "ems.register.services_alterations.elector_delete": lambda: alt.elector_delete(
            acting_user=officer, elector=made["elector"], reason="test", effective_date=dt.date(2031, 1, 2)
        ),
    }


def _polling_data_import(authority, officer):
    from pathlib import Path

    from ems.register.importers import read_polling_data
    from ems.register.services import polling_data_import

    shared = Path(__file__).resolve().parents[3].parent / "shared"
    export = shared / "data/ems-exports/wdiv-s3-trigger-fixtures/ems-fcs.json"
    return polling_data_import(
        acting_user=officer, authority=authority, parsed=read_polling_data([export]), source_name=export.name
    )


def _public_service_functions():
    import importlib
    import pkgutil

    import ems

    names = set()
    for module_info in pkgutil.walk_packages(ems.__path__, "ems."):
        # ems.audit.services is the writer itself; every other services module must audit.
        leaf = module_info.name.rsplit(".", 1)[-1]
        if not (leaf == "services" or leaf.startswith("services_")) or module_info.name == "ems.audit.services":
            continue
        module = importlib.import_module(module_info.name)
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if obj.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{module.__name__}.{name}")
    return names


@pytest.mark.django_db
def test_every_service_function_writes_an_audit_event(authority_a, officer):
    calls = _service_calls(authority_a, officer)
    missing = _public_service_functions() - set(calls)
    assert not missing, f"Add these services to the audit test: {sorted(missing)}"
    for name, call in calls.items():
        before = AuditEvent.objects.count()
        call()
        assert AuditEvent.objects.count() > before, f"{name} wrote no audit event"


@pytest.mark.django_db
def test_audit_row_rolls_back_with_the_change(authority_a, officer):
    before = AuditEvent.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        # Same GSS code twice: the second create fails, and its audit row must go with it.
        core_services.authority_create(
            acting_user=officer, name="Dup", gss_code="E07000001", nation="ENG", authority_type="NMD"
        )
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_audit_record_refuses_to_run_outside_a_transaction(authority_a):
    # pytest-django wraps tests in a transaction; leave it to prove the guard.
    with pytest.raises(RuntimeError):
        connection.in_atomic_block = False  # simulate autocommit code path
        try:
            audit_record(actor=None, authority=authority_a, action="x")
        finally:
            connection.in_atomic_block = True


@pytest.mark.django_db
def test_orm_refuses_to_change_or_delete_audit_events(authority_a):
    event = AuditEvent.objects.filter(authority=authority_a).first()
    assert event is not None
    event.reason = "tampered"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement", ["UPDATE audit_auditevent SET reason = 'tampered'", "DELETE FROM audit_auditevent"]
)
def test_database_trigger_refuses_raw_sql_changes(authority_a, statement):
    assert AuditEvent.objects.exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert not AuditEvent.objects.filter(reason="tampered").exists()


@pytest.mark.django_db
def test_user_create_records_before_and_after(authority_a, officer):
    user = account_services.user_create(
        acting_user=officer, authority=authority_a, username="casual1", password="x" * 14, role=Role.POLL_STAFF
    )
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.actor == officer
    assert event.authority == authority_a
    assert event.after["role"] == "poll_staff"
    assert event.changes["username"] == [None, "casual1"]


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
    assert diff(None, None) == {}


@pytest.mark.django_db
def test_audit_pages_filter_by_record_user_and_day_and_export(authority_a, make_user, client_for):
    manager = make_user(Role.MANAGER, authority_a)
    client = client_for(manager)
    account_services.user_create(
        acting_user=manager, authority=authority_a, username="filterme", password="x" * 14, role=Role.CANVASSER
    )

    page = client.get("/audit/", {"user": manager.username})
    assert page.status_code == 200
    assert b"user.create" in page.content

    page = client.get("/audit/", {"object_type": "core.authority"})
    assert b"authority.create" in page.content and b"user.create" not in page.content

    page = client.get("/audit/", {"day": "not-a-date"})
    assert page.status_code == 200
    assert b"There is a problem" in page.content
    assert b"Enter the day as YYYY-MM-DD" in page.content

    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert b"user.create" in client.get("/audit/", {"day": today}).content
    assert b"user.create" not in client.get("/audit/", {"day": "2001-01-01"}).content

    export = client.get("/audit/export.csv", {"user": manager.username})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:3] == ["occurred_at", "user", "action"]
    assert any(r[2] == "user.create" for r in rows[1:])
    assert all(r[1] == manager.username for r in rows[1:])
