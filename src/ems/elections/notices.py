"""Statutory notices: Word documents from templates a council can replace, and PDFs via typst.

Five notices (elections.md §3.5, §4.3 and the §13 notices list): the notice of election, the
statement of persons nominated (SOPN), the notice of poll with the situation of polling
stations, the notice of election agents, and the declaration of result.

Each notice is built in two steps:

1. ``*_context`` gathers plain data (strings, lists and dicts only) from the models through
   ``selectors``. The declaration of result takes a plain dict of figures, so the count can
   fill it later without touching this module.
2. ``render_docx`` fills a Word template with docxtpl (ADR 0020): the council's own template
   (``NoticeTemplate``) when it has uploaded one, else the default under ``documents/``
   (made by ``documents/make_templates.py``). ``render_pdf`` typesets the same data with
   ``documents/notices.typ``; strings reach typst as JSON and print as plain text.

Fixed wording is passed in the context as ``t`` (translated with gettext for ``language``
"en" or "cy"; the Welsh strings are drafts until the locale files carry them), so one default
template serves both languages. The wording gives the substance the rules require; the exact
prescribed forms (LEPAR 2006 Sch 3 and the equivalents) are **unconfirmed** against
legislation.gov.uk, so a council may replace the templates with its own.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typst
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from . import selectors
from .models import Ballot, BallotStatus, ElectionGroup, ElectionType, NoticeKind, NoticeTemplate

DOCUMENTS = Path(__file__).resolve().parent / "documents"
TYPST_TEMPLATE = DOCUMENTS / "notices.typ"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "cy": ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
           "Tachwedd", "Rhagfyr"),
}  # fmt: skip
_DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "cy": ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn", "Dydd Sul"),
}
LANGUAGES = ("en", "cy")


def long_date(day: dt.date | None, language: str = "en") -> str:
    """``Thursday 6 May 2027`` (``Dydd Iau 6 Mai 2027``)."""
    if day is None:
        return ""
    lang = language if language in _MONTHS else "en"
    return f"{_DAYS[lang][day.weekday()]} {day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def clock(time: dt.time | None) -> str:
    """``4pm``, ``10:30am``: the way notices print times."""
    if time is None:
        return ""
    hour = time.hour % 12 or 12
    minutes = f":{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes}{'am' if time.hour < 12 else 'pm'}"


def _moment(entry: Any, language: str) -> str:
    if entry is None or entry.due_date is None:
        return ""
    day = long_date(entry.due_date, language)
    return f"{clock(entry.due_time)} {_('on')} {day}" if entry.due_time else day


def _words(language: str) -> dict[str, str]:
    """The fixed wording of every notice, translated."""
    with translation.override(language):
        return {
            "returning_officer": _("Returning Officer"),
            "dated": _("Dated"),
            "draft": _("DRAFT – not yet published"),
            "notice_of_election": _("NOTICE OF ELECTION"),
            "noe_intro": _("Elections are to be held for the electoral areas below, with the number of seats to fill."),
            "area": _("Electoral area"),
            "seats": _("Seats"),
            "noe_nominations": _(
                "Nomination papers may be obtained from the Returning Officer and must be delivered by hand, "
                "on any working day after the date of this notice, by"
            ),
            "noe_withdrawals": _("Notices of withdrawal of candidature must be delivered by"),
            "noe_agents": _("Notices of appointment of election agents must be delivered by"),
            "noe_subscribers": _("Each nomination paper must be subscribed by this number of electors:"),
            "noe_deposit": _("Each candidate must pay a deposit of"),
            "noe_contested": _("If the election is contested, the poll will take place on"),
            "noe_registration": _("Applications to register to vote must reach the Electoral Registration Officer by"),
            "noe_postal": _("New postal vote applications and changes to absent votes must reach the ERO by"),
            "noe_proxy": _("New applications to vote by proxy must reach the ERO by"),
            "sopn": _("STATEMENT OF PERSONS NOMINATED"),
            "sopn_intro": _("The following persons have been or stand nominated for election in"),
            "surname": _("Surname"),
            "other_names": _("Other names"),
            "address": _("Home address"),
            "description": _("Description (if any)"),
            "subscribers": _("Proposer and seconder"),
            "reason": _("Reason why no longer nominated"),
            "standing": _("Persons standing nominated"),
            "not_standing": _("Persons no longer standing nominated"),
            "poll_held": _("A poll will be held on the date below because more candidates stand than seats to fill."),
            "uncontested": _("The persons standing nominated are elected unopposed: no poll will be held."),
            "notice_of_poll": _("NOTICE OF POLL AND SITUATION OF POLLING STATIONS"),
            "nop_intro": _("A poll will be held on the date and between the hours below to elect"),
            "nop_candidates": _("The names, home addresses and descriptions of the candidates, and their subscribers:"),
            "situation": _("Situation of polling station"),
            "station_number": _("Station number"),
            "district": _("Polling district"),
            "nop_hours": _("Polling hours"),
            "election_agents": _("NOTICE OF ELECTION AGENTS' NAMES AND OFFICES"),
            "agents_intro": _(
                "The names of the election agents of the candidates, and their offices to which claims, "
                "notices, writs, summonses and other documents may be sent, are:"
            ),
            "candidate": _("Candidate"),
            "agent": _("Election agent"),
            "office": _("Office"),
            "declaration": _("DECLARATION OF RESULT OF POLL"),
            "dec_intro": _("I, the Returning Officer for the election below, declare that the votes given were:"),
            "votes": _("Votes"),
            "elected": _("Elected"),
            "rejected": _("Ballot papers rejected"),
            "electorate": _("Electorate"),
            "turnout": _("Turnout"),
            "dec_elected": _("I declare that the following are duly elected:"),
            "dec_uncontested": _("No poll was held: the following were elected unopposed:"),
        }


def _header(authority_name: str, title: str, language: str, kind: str) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "kind": kind,
        "language": language,
        "authority": authority_name,
        "title": title,
        "t": _words(language),
        "dated": long_date(today, language),
        "draft": False,
    }


def notice_of_election_context(group: ElectionGroup, language: str = "en") -> dict[str, Any]:
    from . import law

    entries = {e.key: e for e in group.timetable.all()}
    deposit = law.deposit_pence(group.election_type, group.nation, group.poll_date)
    context = _header(group.authority.name, group.name, language, NoticeKind.NOTICE_OF_ELECTION)
    context.update(
        election=group.name,
        election_type=ElectionType(group.election_type).label,
        ballots=[{"title": b.title, "seats": str(b.seats)} for b in group.ballots.order_by("title")],
        close_of_nominations=_moment(entries.get("close_of_nominations"), language),
        withdrawals=_moment(entries.get("withdrawal_of_candidature"), language),
        agents_deadline=_moment(entries.get("appointment_of_election_agents"), language),
        registration=_moment(entries.get("registration"), language),
        postal=_moment(entries.get("postal_vote_application"), language),
        proxy=_moment(entries.get("proxy_application"), language),
        subscribers=str(law.subscribers_required(group.election_type, group.nation, group.poll_date)),
        deposit=f"£{deposit / 100:,.2f}" if deposit else "",
        poll_date=long_date(group.poll_date, language),
        draft=not group.ballots.exclude(status=BallotStatus.DRAFT).exists(),
    )
    return context


def sopn_context(ballot: Ballot, language: str = "en") -> dict[str, Any]:
    statement = selectors.sopn(ballot)
    context = _header(ballot.authority.name, f"{ballot.group.name}: {ballot.title}", language, NoticeKind.SOPN)
    for row in statement["standing"] + statement["not_standing"]:
        row["subscriber_names"] = "; ".join(f"{s['role']}: {s['name']}" for s in row["subscribers"])
        if row.get("list") and row.get("list_position"):
            # Closed-list ballots: the list and position go in the description column, so every
            # council's template (Word or PDF) prints them without a new field.
            with translation.override(language):
                where = _("%(list)s list, position %(n)s") % {"list": row["list"], "n": row["list_position"]}
            row["description"] = f"{row['description']} ({where})" if row["description"] else where
    context.update(
        election=ballot.group.name,
        ballot=ballot.title,
        seats=str(ballot.seats),
        standing=statement["standing"],
        not_standing=statement["not_standing"],
        uncontested=_may_stand(statement) <= ballot.seats,
        poll_date=long_date(ballot.group.poll_date, language),
        draft=ballot.sopn_published_at is None,
    )
    return context


def _may_stand(statement: dict[str, Any]) -> int:
    """Candidates standing, counting those still awaiting a decision (so a draft does not say
    "unopposed" before the papers are decided)."""
    awaiting = [r for r in statement["not_standing"] if r["status"] == "nominated"]
    return len(statement["standing"]) + len(awaiting)


def notice_of_poll_context(ballot: Ballot, language: str = "en") -> dict[str, Any]:
    statement = selectors.sopn(ballot)
    context = _header(
        ballot.authority.name, f"{ballot.group.name}: {ballot.title}", language, NoticeKind.NOTICE_OF_POLL
    )
    for row in statement["standing"]:
        row["subscriber_names"] = "; ".join(f"{s['role']}: {s['name']}" for s in row["subscribers"])
    context.update(
        election=ballot.group.name,
        ballot=ballot.title,
        seats=str(ballot.seats),
        candidates=statement["standing"],
        stations=selectors.ballot_stations(ballot),
        poll_date=long_date(ballot.group.poll_date, language),
        hours="7am – 10pm",
        draft=ballot.sopn_published_at is None,
    )
    return context


def election_agents_context(group: ElectionGroup, language: str = "en") -> dict[str, Any]:
    rows = []
    for ballot in group.ballots.order_by("title"):
        for candidate in selectors.ballot_candidates(ballot):
            agent = selectors.candidate_agent(candidate)
            if candidate.status == "withdrawn":
                continue
            surname, other_names = candidate.ballot_name
            rows.append(
                {
                    "ballot": ballot.title,
                    "candidate": f"{surname.upper()}, {other_names}",
                    "agent": agent.name if agent else "",
                    "office": (agent.office_address or agent.address) if agent else "",
                }
            )
    context = _header(group.authority.name, group.name, language, NoticeKind.ELECTION_AGENTS)
    context.update(election=group.name, agents=rows)
    return context


def declaration_of_result_context(
    ballot: Ballot, figures: Mapping[str, Any] | None = None, language: str = "en"
) -> dict[str, Any]:
    """The declaration, from a plain dict of figures the count supplies::

        {"candidates": [{"name": "SMITH, Jo", "description": "...", "votes": 1234, "elected": True}, ...],
         "rejected": {"No official mark": 0, "Voting for too many": 3, ...},
         "electorate": 5000, "turnout": "31.2%"}

    Without figures, an uncontested ballot is declared from its elected candidates.

    A referendum (``"system": "referendum"``) passes its answers as the candidates (``elected``:
    the majority answer) with ``question``; a closed-list ballot (``"system": "dhondt"``) passes
    each party list and individual candidate as a candidate (``description``: seats won) and
    ``elected``, the members in order of allocation. The wording changes to suit; the templates
    stay the same, so a council's own template still applies.
    """
    figures = dict(figures or {})
    context = _header(
        ballot.authority.name, f"{ballot.group.name}: {ballot.title}", language, NoticeKind.DECLARATION_OF_RESULT
    )
    candidates = [
        {
            "name": str(c.get("name", "")),
            "description": str(c.get("description", "")),
            "votes": f"{int(c['votes']):,}" if c.get("votes") is not None else "",
            "elected": bool(c.get("elected")),
        }
        for c in figures.get("candidates", [])
    ]
    if not candidates and ballot.uncontested:
        for candidate in selectors.standing_candidates(ballot):
            surname, other_names = candidate.ballot_name
            candidates.append(
                {
                    "name": f"{surname.upper()}, {other_names}",
                    "description": candidate.description,
                    "votes": "",
                    "elected": True,
                }
            )
    rejected = [{"head": str(k), "count": f"{int(v):,}"} for k, v in dict(figures.get("rejected", {})).items()]
    context.update(
        election=ballot.group.name,
        ballot=ballot.title,
        seats=str(ballot.seats),
        uncontested=ballot.uncontested,
        candidates=candidates,
        elected=[c["name"] for c in candidates if c["elected"]],
        rejected=rejected,
        rejected_total=f"{sum(int(v) for v in dict(figures.get('rejected', {})).values()):,}",
        electorate=f"{int(figures['electorate']):,}" if figures.get("electorate") is not None else "",
        turnout=str(figures.get("turnout", "")),
        poll_date=long_date(ballot.group.poll_date, language),
        draft=ballot.status != BallotStatus.DECLARED,
    )
    system = figures.get("system")
    if system == "referendum":
        question = str(figures.get("question") or "")
        majority = figures.get("majority_answer")
        with translation.override(language):
            context["t"] = {
                **context["t"],
                "dec_intro": (
                    _("I, the Returning Officer, declare that the votes given in answer to the question “%(q)s” were:")
                    % {"q": question}
                    if question
                    else _("I, the Returning Officer for the referendum below, declare that the votes given were:")
                ),
                "candidate": _("Answer"),
                "description": "",
                "elected": _("Majority"),
                "dec_elected": (
                    _("I declare that a majority of the valid votes was given for the answer:")
                    if majority
                    else _("The votes for each answer were equal: no answer has a majority.")
                ),
            }
        context.update(question=question, elected=[str(majority)] if majority else [])
    elif system == "dhondt":
        with translation.override(language):
            context["t"] = {
                **context["t"],
                "candidate": _("Party list or individual candidate"),
                "description": _("Seats won"),
                "dec_elected": _(
                    "I declare that the following are duly elected, in the order the seats were allocated:"
                ),
            }
        context.update(elected=[str(name) for name in figures.get("elected", [])])
    return context


GROUP_NOTICES = {
    NoticeKind.NOTICE_OF_ELECTION: notice_of_election_context,
    NoticeKind.ELECTION_AGENTS: election_agents_context,
}
BALLOT_NOTICES = {
    NoticeKind.SOPN: sopn_context,
    NoticeKind.NOTICE_OF_POLL: notice_of_poll_context,
    NoticeKind.DECLARATION_OF_RESULT: declaration_of_result_context,
}


def sample_context(kind: str, language: str = "en") -> dict[str, Any]:
    """Made-up data with every field a notice uses: checks an uploaded template renders."""
    context = _header("Sample Council", "Sample election", language, kind)
    person = {
        "surname": "SAMPLE",
        "other_names": "Alex",
        "description": "Independent",
        "address": "1 High Street, Sampletown",
        "subscribers": [{"role": "Proposer", "name": "Sam Ple"}],
        "subscriber_names": "Proposer: Sam Ple",
        "status": "valid",
        "reason": "Withdrawn",
    }
    context.update(
        election="Sample election",
        election_type="Local council elections",
        ballot="North ward",
        seats="1",
        ballots=[{"title": "North ward", "seats": "1"}],
        close_of_nominations="4pm on Thursday 8 April 2027",
        withdrawals="4pm on Thursday 8 April 2027",
        agents_deadline="4pm on Thursday 8 April 2027",
        agents=[{"ballot": "North ward", "candidate": "SAMPLE, Alex", "agent": "Jo Agent", "office": "2 High Street"}],
        registration="Monday 19 April 2027",
        postal="5pm on Tuesday 20 April 2027",
        proxy="5pm on Tuesday 27 April 2027",
        subscribers="2",
        deposit="",
        poll_date="Thursday 6 May 2027",
        standing=[person],
        not_standing=[person],
        candidates=[person | {"name": "SAMPLE, Alex", "votes": "1,234", "elected": True}],
        stations=[{"number": "1", "situation": "Village Hall, Sampletown", "district": "AA", "district_name": "North"}],
        hours="7am – 10pm",
        elected=["SAMPLE, Alex"],
        rejected=[{"head": "Unmarked or wholly void for uncertainty", "count": "3"}],
        rejected_total="3",
        electorate="5,000",
        turnout="31.2%",
        uncontested=False,
    )
    return context


# ---- rendering --------------------------------------------------------------------------------------


def default_template_path(kind: str) -> Path:
    if kind not in NoticeKind.values:
        raise ValueError(f"Unknown notice {kind!r}")
    return DOCUMENTS / f"{kind}.docx"


def template_bytes(kind: str, authority_id: int | None = None, language: str = "en") -> tuple[bytes, str]:
    """The council's own template for this notice and language if it has one, else the default."""
    if authority_id is not None:
        own = (
            NoticeTemplate.objects.filter(authority_id=authority_id, kind=kind, language=language)
            .only("content")
            .first()
        )
        if own is not None:
            return bytes(own.content), "council"
    return default_template_path(kind).read_bytes(), "default"


def render_docx_from(template: bytes, context: Mapping[str, Any]) -> bytes:
    """Fill a Word template (Jinja tags, docxtpl) with a context; autoescaped, so names holding
    ``<`` or ``&`` stay text, and sandboxed."""
    document = DocxTemplate(io.BytesIO(template))
    # Sandboxed: a council's uploaded template is Jinja run on the server, so it may not reach
    # Python internals (``{{ ''.__class__ }}`` and the like raise SecurityError).
    document.render(dict(context), jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(kind: str, context: Mapping[str, Any], *, authority_id: int | None = None) -> bytes:
    template, _source = template_bytes(kind, authority_id, str(context.get("language", "en")))
    return render_docx_from(template, context)


def render_pdf(kind: str, context: Mapping[str, Any]) -> bytes:
    """A4 PDF of the notice, typeset by typst from the same context (only embedded fonts)."""
    data = dict(context)
    data["kind"] = kind
    today = timezone.localdate()
    pdf = typst.compile(
        TYPST_TEMPLATE,
        format="pdf",
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
        timestamp=dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC),
    )
    if not isinstance(pdf, bytes):  # pragma: no cover - typst returns bytes when no output path is given
        raise TypeError("typst did not return PDF bytes")
    return pdf


def filename(kind: str, dc_id: str, fmt: str) -> str:
    return f"{kind}-{dc_id}.{fmt}"
