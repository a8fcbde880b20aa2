"""Statutory timetables, checked against published timetables for real polls of every type.

Each case names its source. Most are Electoral Commission (EC) timetables, or council and
returning-officer pages that reproduce them. Values are ``YYYY-MM-DDTHH:MM`` where the law sets
a time, else ``YYYY-MM-DD`` (the ``ems timetable --json`` format).
"""

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ems_rules.calendar import DEFAULT_OVERRIDES, CalendarOverride, ElectionCalendar
from ems_rules.franchise import Nation
from ems_rules.timetables import (
    PROFILES,
    ElectionType,
    TimetableError,
    compute_timetable,
    timetable_calendar,
)


def iso(election_type: str, nation: str, poll: str, **kwargs) -> dict[str, str]:
    table = compute_timetable(election_type, nation, dt.date.fromisoformat(poll), **kwargs)
    return {key: d.iso() for key, d in table.deadlines.items()}


def windows(election_type: str, nation: str, poll: str, **kwargs) -> dict[str, tuple[str | None, str | None]]:
    table = compute_timetable(election_type, nation, dt.date.fromisoformat(poll), **kwargs)
    return {
        c.key: (c.earliest.isoformat() if c.earliest else None, c.latest.isoformat() if c.latest else None)
        for c in table.ro_chooses
    }


def assert_includes(actual: dict[str, str], expected: dict[str, str]) -> None:
    assert {k: actual.get(k) for k in expected} == expected


# --- England: local, parish, mayoral, PCC, GLA -------------------------------------------------

LOCAL_2026 = {
    # elections.md §2.3 worked example (EC-derived); 4 May 2026 is a bank holiday.
    "notice_of_election": "2026-03-30",
    "close_of_nominations": "2026-04-09T16:00",
    "withdrawal_of_candidature": "2026-04-09T16:00",
    "appointment_of_election_agents": "2026-04-09T16:00",
    "sopn_publication": "2026-04-10T16:00",
    "registration": "2026-04-20",
    "postal_vote_application": "2026-04-21T17:00",
    "proxy_application": "2026-04-28T17:00",
    "vac_application": "2026-04-28T17:00",
    "notice_of_poll": "2026-04-28",
    "anonymous_registration": "2026-04-28",
    "final_notice_of_alteration": "2026-04-29",
    "appointment_of_polling_and_counting_agents": "2026-04-29",
    "replacement_lost_postal_from": "2026-04-30",
    "emergency_proxy": "2026-05-07T17:00",
    "close_of_poll": "2026-05-07T22:00",
}


def test_local_elections_7_may_2026_worked_example():
    assert iso("local", "ENG", "2026-05-07") == LOCAL_2026


def test_parish_elections_7_may_2026_bcp_town_councils():
    # BCP Council, "Town council elections 2026 timetable":
    # https://www.bcpcouncil.gov.uk/elections-and-voting/standing-as-a-candidate-in-the-2026-town-council-elections/town-council-elections-2026-timetable
    expected = {k: v for k, v in LOCAL_2026.items() if k != "appointment_of_election_agents"}
    expected["parish_poll_card_request"] = "2026-04-09T16:00"  # EC poll-card page: 4pm, 19 working days
    assert iso("parish", "ENG", "2026-05-07") == expected


def test_local_and_mayoral_elections_4_may_2023_ec_media_handbook():
    # EC, "Local government elections in England" (230 local and four mayoral elections):
    # https://www.electoralcommission.org.uk/media-centre/local-government-elections-england
    # (its "Tuesday 26 April" for the notice of poll is a slip: 26 April 2023 was a Wednesday; 6 wd is 25 April.)
    expected = {
        "notice_of_election": "2023-03-27",
        "close_of_nominations": "2023-04-04T16:00",
        "sopn_publication": "2023-04-05T16:00",
        "registration": "2023-04-17",
        "postal_vote_application": "2023-04-18T17:00",
        "proxy_application": "2023-04-25T17:00",
        "vac_application": "2023-04-25T17:00",
        "emergency_proxy": "2023-05-04T17:00",
        "close_of_poll": "2023-05-04T22:00",
    }
    assert_includes(iso("local", "ENG", "2023-05-04"), expected)
    assert_includes(iso("mayor-local", "ENG", "2023-05-04"), expected)


def test_local_elections_2_may_2024_southampton_notices():
    # https://www.southampton.gov.uk/council-democracy/voting-and-elections/elections-and-referenda/may-elections/notices/
    # and the ALDC 2024 dates cited in elections.md §2.3 (26 Mar / 5 Apr / 8 Apr / 16 / 17 / 24 Apr).
    assert_includes(
        iso("local", "ENG", "2024-05-02"),
        {
            "notice_of_election": "2024-03-26",
            "close_of_nominations": "2024-04-05T16:00",
            "appointment_of_election_agents": "2024-04-05T16:00",
            "sopn_publication": "2024-04-08T16:00",
            "registration": "2024-04-16",
            "postal_vote_application": "2024-04-17T17:00",
            "notice_of_poll": "2024-04-24",
        },
    )


PCC_2024 = {
    # EC media handbook, PCC elections in England and Wales 2 May 2024:
    # https://www.electoralcommission.org.uk/news-and-views/media-centre/police-and-crime-commissioner-police-fire-and-crime-commissioner-elections-england-and-wales-media
    "notice_of_election": "2024-03-26",
    "close_of_nominations": "2024-04-05T16:00",
    "sopn_publication": "2024-04-08T16:00",
    "registration": "2024-04-16",
    "postal_vote_application": "2024-04-17T17:00",
    "proxy_application": "2024-04-24T17:00",
    "vac_application": "2024-04-24T17:00",
    "notice_of_poll": "2024-04-24",
    "close_of_poll": "2024-05-02T22:00",
}


def test_pcc_elections_2_may_2024_england():
    assert_includes(iso("pcc", "ENG", "2024-05-02"), PCC_2024)


def test_pcc_election_2_may_2024_wales_gwynedd():
    # Gwynedd Council: nominations to 4pm Fri 5 April, withdrawals and agents 4pm 5 April, SOPN 4pm Mon 8 April.
    # https://rhagolwg.gwynedd.llyw.cymru/en/Council/Voting-and-elections/Police-Commissioner-Elections.aspx
    actual = iso("pcc", "WLS", "2024-05-02")
    assert_includes(actual, PCC_2024)
    assert actual["withdrawal_of_candidature"] == actual["appointment_of_election_agents"] == "2024-04-05T16:00"


def test_combined_authority_mayor_2_may_2024_west_midlands():
    # West Midlands CARO timetable: https://www.westmidlandspcc.info/timetable/ and the Greater Manchester
    # notice of election (https://gmelects.org.uk/official-notices/notice-of-election-2024/).
    assert_includes(
        iso("mayor-ca", "ENG", "2024-05-02"),
        {
            "close_of_nominations": "2024-04-05T16:00",
            "appointment_of_election_agents": "2024-04-05T16:00",
            "sopn_publication": "2024-04-08T16:00",
            "registration": "2024-04-16",
            "postal_vote_application": "2024-04-17T17:00",
            "proxy_application": "2024-04-24T17:00",
            "vac_application": "2024-04-24T17:00",
            "notice_of_poll": "2024-04-24",
        },
    )


def test_combined_authority_mayor_1_may_2025_easter_in_the_timetable():
    # https://chooseyourmayor.org/i-am-voter/timetable-and-legal-notices (Good Friday 18, Easter Monday 21 April 2025).
    assert_includes(
        iso("mayor-ca", "ENG", "2025-05-01"),
        {
            "registration": "2025-04-11",
            "postal_vote_application": "2025-04-14T17:00",
            "proxy_application": "2025-04-23T17:00",
            "vac_application": "2025-04-23T17:00",
            "notice_of_poll": "2025-04-23",
            "replacement_lost_postal_from": "2025-04-25",
        },
    )


def test_gla_2_may_2024_london_elects():
    # London Elects timetable: https://londonelects.org.uk/statutory-notices-and-elections-timetable
    # and EC London handbook (https://www.electoralcommission.org.uk/cy/node/30494).
    assert_includes(
        iso("gla", "ENG", "2024-05-02"),
        {
            "notice_of_election": "2024-03-19",
            "close_of_nominations": "2024-03-27T16:00",
            "withdrawal_of_candidature": "2024-03-27T16:00",
            "appointment_of_election_agents": "2024-03-27T16:00",
            "sopn_publication": "2024-04-02T16:00",
            "registration": "2024-04-16",
            "postal_vote_application": "2024-04-17T17:00",
            "proxy_application": "2024-04-24T17:00",
            "vac_application": "2024-04-24T17:00",
            "emergency_proxy": "2024-05-02T17:00",
        },
    )


def test_neighbourhood_planning_referendum_27_february_2025_wiltshire():
    # https://elections.wiltshire.gov.uk/Home/Election/281
    assert iso("np-referendum", "ENG", "2025-02-27") == {
        "information_statement": "2025-01-20",
        "notice_of_election": "2025-01-23",
        "registration": "2025-02-11",
        "postal_vote_application": "2025-02-12T17:00",
        "proxy_application": "2025-02-19T17:00",
        "vac_application": "2025-02-19T17:00",
        "notice_of_poll": "2025-02-19",
        "anonymous_registration": "2025-02-19",
        "final_notice_of_alteration": "2025-02-20",
        "appointment_of_polling_and_counting_agents": "2025-02-20",
        "replacement_lost_postal_from": "2025-02-21",
        "emergency_proxy": "2025-02-27T17:00",
        "close_of_poll": "2025-02-27T22:00",
    }


# --- UK Parliament -----------------------------------------------------------------------------

UKPGE_2024 = {
    # EC timetable for 4 July 2024 (https://www.markpack.org.uk/172881/general-election-timetable/),
    # Comhairle nan Eilean Siar (https://cne-siar.gov.uk/home/your-council/elections-and-voting/uk-parliamentary-election/timetable-uk-election/),
    # elections.md §2.4; lost postal votes from 28 June (https://thesunnewstoday.com/?p=30201).
    "dissolution": "2024-05-30",
    "receipt_of_writ": "2024-05-31",
    "notice_of_election": "2024-06-04T16:00",
    "close_of_nominations": "2024-06-07T16:00",
    "withdrawal_of_candidature": "2024-06-07T16:00",
    "appointment_of_election_agents": "2024-06-07T16:00",
    "sopn_publication": "2024-06-07T17:00",
    "notice_of_poll": "2024-06-07T17:00",
    "registration": "2024-06-18",
    "postal_vote_application": "2024-06-19T17:00",
    "proxy_application": "2024-06-26T17:00",
    "vac_application": "2024-06-26T17:00",
    "anonymous_registration": "2024-06-26",
    "final_notice_of_alteration": "2024-06-27",
    "appointment_of_polling_and_counting_agents": "2024-06-27",
    "replacement_lost_postal_from": "2024-06-28",
    "emergency_proxy": "2024-07-04T17:00",
    "close_of_poll": "2024-07-04T22:00",
}


@pytest.mark.parametrize("nation", ["ENG", "WLS", "SCT"])
def test_uk_general_election_4_july_2024(nation):
    assert iso("ukpge", nation, "2024-07-04") == UKPGE_2024


def test_uk_general_election_4_july_2024_northern_ireland():
    # EC NI: postal and proxy applications by 5pm Friday 14 June; register by midnight Tuesday 18 June.
    # https://www.wired-gov.net/wg/news.nsf/articles/one+week+left+in+ni+to+apply+for+a+postal+or+proxy+vote+at+the+uk+parliamentary+general+election+07062024121000?open
    actual = iso("ukpge", "NIR", "2024-07-04")
    assert actual["postal_vote_application"] == actual["proxy_application"] == "2024-06-14T17:00"
    assert actual["registration"] == "2024-06-18"
    assert actual["close_of_nominations"] == "2024-06-07T16:00"
    assert "vac_application" not in actual  # Northern Ireland has the Electoral Identity Card, not VACs


def test_uk_parliament_by_election_uxbridge_20_july_2023():
    # Nominations closed 23 June (BBC, https://www.bbc.com/news/uk-england-london-65926580); register by 4 July and
    # VAC by 5pm 12 July (https://harrowonline.org/2023/06/15/south-ruislip-and-uxbridge-to-hold-by-election-following-boris-johnsons-resignation/).
    actual = iso("ukp-by", "ENG", "2023-07-20")
    assert actual["registration"] == "2023-07-04"
    assert actual["vac_application"] == "2023-07-12T17:00"
    assert "close_of_nominations" not in actual  # the RO fixes it
    window = windows("ukp-by", "ENG", "2023-07-20")
    assert window["close_of_nominations"] == ("2023-06-23", "2023-06-27")
    earliest, latest = window["close_of_nominations"]
    assert earliest <= "2023-06-23" <= latest


UKPGE_SCENARIOS = [
    # Hypothetical polls after 2028, counted by hand. At a general election every part of the UK's bank
    # holidays are disregarded (PER r.2): Monday 19 March 2029 (St Patrick's Day substitute, NI),
    # Thursday 12 July 2029 (NI) and Monday 1 December 2031 (St Andrew's Day substitute, Scotland).
    # An English local by-election on the same day counts them as working days.
    ("2029-04-12", {"dissolution": "2029-03-05", "close_of_nominations": "2029-03-13T16:00"},
     {"notice_of_election": "2029-03-06", "close_of_nominations": "2029-03-14T16:00"}),
    ("2029-07-26", {"registration": "2029-07-09", "postal_vote_application": "2029-07-10T17:00"},
     {"registration": "2029-07-10", "postal_vote_application": "2029-07-11T17:00"}),
    ("2031-12-11", {"registration": "2031-11-24", "postal_vote_application": "2031-11-25T17:00",
                    "close_of_nominations": "2031-11-13T16:00", "proxy_application": "2031-12-03T17:00"},
     {"registration": "2031-11-25", "postal_vote_application": "2031-11-26T17:00",
      "close_of_nominations": "2031-11-14T16:00", "proxy_application": "2031-12-03T17:00"}),
]  # fmt: skip


@pytest.mark.parametrize(("poll", "general", "local"), UKPGE_SCENARIOS)
def test_general_election_skips_every_nations_bank_holidays_but_a_local_election_does_not(poll, general, local):
    for nation in ("ENG", "WLS", "SCT", "NIR"):
        got = iso("ukpge", nation, poll)
        ni_absent = {"postal_vote_application", "proxy_application"}  # 14 working days in Northern Ireland
        assert_includes(got, {k: v for k, v in general.items() if nation != "NIR" or k not in ni_absent})
    assert_includes(iso("local-by", "ENG", poll), local)


def test_ni_bank_holiday_counts_at_an_ni_by_election_but_not_an_english_one():
    # 12 July 2029 (Thursday) is a bank holiday in Northern Ireland only (PER r.2: by-election, the part of the UK).
    assert iso("ukp-by", "NIR", "2029-07-26")["registration"] == "2029-07-09"
    assert iso("ukp-by", "ENG", "2029-07-26")["registration"] == "2029-07-10"


# --- Wales and Scotland ------------------------------------------------------------------------


def test_senedd_7_may_2026():
    # Nominations closed 9 April (https://vote.wales/for-candidates-and-agents/how-to-stand-for-election/);
    # statement with notice of poll by 4pm, 18 working days (EC Senedd guidance).
    actual = iso("senedd", "WLS", "2026-05-07")
    assert actual["close_of_nominations"] == "2026-04-09T16:00"
    assert actual["sopn_publication"] == "2026-04-10T16:00"
    assert actual["registration"] == "2026-04-20"
    assert "vac_application" not in actual  # no voter ID at devolved Welsh polls


@pytest.mark.parametrize(
    ("poll", "notice_window", "close", "source"),
    [
        ("2016-05-05", ("2016-03-14", "2016-03-23"), "2016-04-01T16:00", "EC timetable, https://electionin.org/1416.html"),
        ("2021-05-06", ("2021-03-15", "2021-03-24"), "2021-03-31T16:00",
         "https://cne-siar.gov.uk/your-council/elections-and-voting/elections-archive/scottish-parliamentary-election-2021/timetable/"),
        ("2026-05-07", ("2026-03-16", "2026-03-25"), "2026-04-01T16:00",
         "EC guidance quoted by East Dunbartonshire Council, https://www.eastdunbarton.gov.uk/about/councillors/technical-notes/2026/technical-notes-2026-issue-14-scottish-parliament-elections-7-may-2026-1"),
    ],
)  # fmt: skip
def test_scottish_parliament_notice_window_and_nominations_skip_easter_monday(poll, notice_window, close, source):
    assert windows("scottish-parliament", "SCT", poll)["notice_of_election"] == notice_window, source
    actual = iso("scottish-parliament", "SCT", poll)
    assert actual["close_of_nominations"] == close, source
    assert actual["notice_of_election"] == notice_window[1]
    assert "vac_application" not in actual


def test_scottish_parliament_2021_absent_vote_deadlines():
    # Ayrshire VJB (http://www.ayrshire-vjb.gov.uk/spe6may.html): register by midnight 19 April, postal by 5pm
    # 6 April (the 2021 coronavirus arrangements), proxy by 5pm 27 April.
    assert_includes(
        iso("scottish-parliament", "SCT", "2021-05-06"),
        {
            "registration": "2021-04-19",
            "postal_vote_application": "2021-04-06T17:00",
            "proxy_application": "2021-04-27T17:00",
        },
    )
    # Outside 2021 the ordinary 11 working days apply.
    assert iso("scottish-parliament", "SCT", "2026-05-07")["postal_vote_application"] == "2026-04-21T17:00"


def test_scottish_council_elections_5_may_2022_registration_on_easter_monday():
    # EC (https://www.electoralcommission.org.uk/media-centre/local-government-elections-scotland) and Dumfries and
    # Galloway (https://dumgal.gov.uk/article/24339/Election-Timetable): notice published Monday 14 March (inside
    # the 35-28 day window), nominations 4pm 30 March, register by Monday 18 April (Easter Monday, a working day for
    # registration), postal 5pm 19 April, proxy 5pm 26 April, emergency proxy 5pm 5 May.
    earliest, latest = windows("local", "SCT", "2022-05-05")["notice_of_election"]
    assert earliest <= "2022-03-14" <= latest
    assert_includes(
        iso("local", "SCT", "2022-05-05"),
        {
            "close_of_nominations": "2022-03-30T16:00",
            "registration": "2022-04-18",
            "postal_vote_application": "2022-04-19T17:00",
            "proxy_application": "2022-04-26T17:00",
            "emergency_proxy": "2022-05-05T17:00",
        },
    )


def test_scottish_council_by_election_8_december_2022_skips_st_andrews_day():
    # Dumfries and Galloway, Mid Galloway & Wigtown West by-election: https://dumgal.gov.uk/article/25722/Election-Timetable
    # St Andrew's Day (Wednesday 30 November 2022) is a dies non in Scotland.
    assert windows("local-by", "SCT", "2022-12-08")["notice_of_election"] == ("2022-10-19", "2022-10-28")
    assert_includes(
        iso("local-by", "SCT", "2022-12-08"),
        {
            "close_of_nominations": "2022-11-04T16:00",
            "withdrawal_of_candidature": "2022-11-04T16:00",
            "appointment_of_election_agents": "2022-11-04T16:00",
            "registration": "2022-11-21",
            "postal_vote_application": "2022-11-22T17:00",
            "proxy_application": "2022-11-29T17:00",
            "appointment_of_polling_and_counting_agents": "2022-12-01",
            "replacement_lost_postal_from": "2022-12-02",
            "emergency_proxy": "2022-12-08T17:00",
        },
    )


def test_scottish_council_by_election_8_october_2020():
    # Comhairle nan Eilean Siar: https://cne-siar.gov.uk/your-council/elections-and-voting/elections-archive/by-election/by-election-timetable/
    # (31 August 2020 is an English bank holiday, not a Scottish one.)
    earliest, latest = windows("local-by", "SCT", "2020-10-08")["notice_of_election"]
    assert earliest <= "2020-08-28" <= latest
    assert_includes(
        iso("local-by", "SCT", "2020-10-08"),
        {
            "close_of_nominations": "2020-09-07T16:00",
            "registration": "2020-09-22",
            "postal_vote_application": "2020-09-23T17:00",
            "proxy_application": "2020-09-30T17:00",
            "appointment_of_polling_and_counting_agents": "2020-10-01",
            "replacement_lost_postal_from": "2020-10-02",
            "emergency_proxy": "2020-10-08T17:00",
        },
    )


def test_northern_ireland_council_elections_18_may_2023():
    # EC: https://www.electoralcommission.org.uk/local-council-elections-northern-ireland
    # (the coronation bank holiday, Monday 8 May 2023, is in the count).
    assert iso("local", "NIR", "2023-05-18") == {
        "notice_of_election": "2023-04-11",
        "close_of_nominations": "2023-04-24T13:00",
        "withdrawal_of_candidature": "2023-04-24T13:00",
        "sopn_publication": "2023-04-24T18:00",
        "postal_vote_application": "2023-04-26T17:00",
        "proxy_application": "2023-04-26T17:00",
        "registration": "2023-04-28",
        "close_of_poll": "2023-05-18T22:00",
    }


# --- RO choices, overrides, warnings, errors ---------------------------------------------------


def test_local_by_election_poll_within_35_working_days_of_the_electors_notice():
    # LGA 1972 s.89(1)(b): notice from two electors on Monday 2 March 2026 -> poll by Wednesday 22 April 2026
    # (Good Friday and Easter Monday skipped); a notice of election that day allows a poll from 8 April.
    table = compute_timetable("local-by", "ENG", dt.date(2026, 4, 16), vacancy_notice_date=dt.date(2026, 3, 2))
    (choice,) = table.ro_chooses
    assert (choice.key, choice.earliest, choice.latest) == ("poll_date", dt.date(2026, 4, 8), dt.date(2026, 4, 22))
    assert table.warnings == ()
    late = compute_timetable("local-by", "ENG", dt.date(2026, 5, 7), vacancy_notice_date=dt.date(2026, 3, 2))
    assert any("35 working days" in w for w in late.warnings)
    assert compute_timetable("local-by", "ENG", dt.date(2026, 5, 7)).ro_chooses[0].latest is None


def test_a_day_of_mourning_moves_the_deadlines_before_it():
    mourning = (*DEFAULT_OVERRIDES, CalendarOverride(dt.date(2026, 4, 15), frozenset(Nation), "mourning", "test"))
    moved = iso("local", "ENG", "2026-05-07", overrides=mourning)
    assert moved["registration"] == "2026-04-20"  # after the day: unchanged
    assert moved["close_of_nominations"] == "2026-04-08T16:00"  # before it: one working day earlier


def test_poll_on_a_bank_holiday_or_a_saturday_is_allowed_but_flagged():
    bank_holiday = compute_timetable("local", "ENG", dt.date(2026, 5, 4))
    assert any("dies non" in w for w in bank_holiday.warnings)
    saturday = compute_timetable("ukp-by", "SCT", dt.date(2026, 5, 9))
    assert any("Saturday" in w for w in saturday.warnings)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("general", "ENG"), "unknown election type 'general'"),
        (("local", "ENGLAND"), "unknown nation 'ENGLAND'"),
        (("gla", "WLS"), "no gla timetable for WLS"),
        (("senedd", "ENG"), "only in WLS"),
        (("scottish-parliament", "NIR"), "only in SCT"),
        (("pcc", "SCT"), "only in ENG and WLS"),
        (("parish", "NIR"), "only in ENG"),
        (("mayor-ca", "WLS"), "only in ENG"),
        (("np-referendum", "SCT"), "only in ENG"),
        (("local-by", "NIR"), "co-option"),
    ],
)
def test_unknown_or_impossible_combinations_are_one_clear_error(args, message):
    with pytest.raises(TimetableError, match=message) as raised:
        compute_timetable(*args, dt.date(2026, 5, 7))
    assert "\n" not in str(raised.value)


def test_poll_before_the_recorded_law_is_refused():
    with pytest.raises(TimetableError, match="before 2016-01-01"):
        compute_timetable("scottish-parliament", "SCT", dt.date(2011, 5, 5))
    assert "vac_application" not in iso("local", "ENG", "2022-05-05")  # before voter ID


# --- properties for every type and nation ------------------------------------------------------

COMBINATIONS = sorted(PROFILES, key=lambda k: (k[0].value, k[1].value))
REGISTER_KEYS = {
    "registration",
    "anonymous_registration",
    "postal_vote_application",
    "proxy_application",
    "vac_application",
    "final_notice_of_alteration",
    "replacement_lost_postal_from",
    "emergency_proxy",
}
POLL_DAYS = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2100, 12, 31))


def _working_poll(kind: ElectionType, nation: Nation, day: dt.date) -> dt.date:
    cal = timetable_calendar(kind, nation)
    day = cal.next_working_day(day)
    assume(not ElectionCalendar(nation, cal.general_election).is_dies_non(day))
    return day


@settings(max_examples=300)
@given(st.sampled_from(COMBINATIONS), POLL_DAYS)
def test_every_deadline_is_a_working_day_on_or_before_the_poll(combination, day):
    kind, nation = combination
    poll = _working_poll(kind, nation, day)
    table = compute_timetable(kind, nation, poll)
    election_rules = timetable_calendar(kind, nation)
    register = ElectionCalendar(nation, election_rules.general_election)
    for deadline in table.deadlines.values():
        assert deadline.day <= poll, deadline
        assert not register.is_dies_non(deadline.day), deadline
        if deadline.key not in REGISTER_KEYS:
            assert not election_rules.is_dies_non(deadline.day), deadline
        if deadline.day == poll:
            assert deadline.key in {"emergency_proxy", "close_of_poll"}
    for choice in table.ro_chooses:
        if choice.earliest and choice.latest:
            assert choice.earliest <= choice.latest < poll
            assert not election_rules.is_dies_non(choice.earliest)
            assert not election_rules.is_dies_non(choice.latest)
    assert "close_of_poll" in table.deadlines


@settings(max_examples=300)
@given(st.sampled_from(COMBINATIONS), POLL_DAYS, st.integers(min_value=1, max_value=60))
def test_a_later_poll_never_gives_an_earlier_deadline(combination, day, gap):
    kind, nation = combination
    first = compute_timetable(kind, nation, day)
    second = compute_timetable(kind, nation, day + dt.timedelta(days=gap))
    for key in first.deadlines.keys() & second.deadlines.keys():
        assert first.deadlines[key].day <= second.deadlines[key].day, key
    for a, b in zip(first.ro_chooses, second.ro_chooses, strict=True):
        assert a.key == b.key
        if a.latest and b.latest:
            assert a.latest <= b.latest
        if a.earliest and b.earliest:
            assert a.earliest <= b.earliest


def test_every_type_has_a_profile_in_some_nation():
    assert {kind for kind, _ in PROFILES} == set(ElectionType)
