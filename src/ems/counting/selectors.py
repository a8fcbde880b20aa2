"""Reads for the count pages, documents and the public results, scoped to the acting user's authority.

A record of another authority is a 404. The helpers below the ``*_for_user`` look-ups take
records already fetched through one of them. The public results read only declared ballots and
only what the declaration published (``Declaration.figures``): never any elector data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ems.elections import selectors as elections
from ems.elections.models import Ballot, Candidate, ElectionGroup
from ems.geography.models import PollingStation
from ems.register.selectors import iter_register_as_at

from . import law
from .models import (
    Adjudication,
    BallotBox,
    BoxKind,
    CountRound,
    CountSession,
    CountState,
    Declaration,
    DoubtfulPaper,
    ExpenseReturn,
    OptionKind,
    Recount,
    RecountDecision,
    RejectionHead,
    SpendingLimit,
    Verification,
)

AROUND_TODAY_DAYS = 14

# ---- scoped look-ups -----------------------------------------------------------------------------


def ballot_for_user(user: Any, ballot_id: int) -> Ballot:
    return elections.ballot_for_user(user, ballot_id)


def candidate_for_user(user: Any, candidate_id: int) -> Candidate:
    return elections.candidate_for_user(user, candidate_id)


def box_for_user(user: Any, box_id: int) -> BallotBox:
    return get_object_or_404(
        BallotBox.objects.filter(authority_id=user.authority_id).select_related(
            "session", "session__ballot", "session__ballot__group", "station", "station__place"
        ),
        pk=box_id,
    )


def count_ballots_for_user(user: Any, today: dt.date | None = None) -> QuerySet[Ballot]:
    """Ballots to count: polls on or around today, and any count not yet declared."""
    today = today or timezone.localdate()
    window = Q(group__poll_date__gte=today - dt.timedelta(days=AROUND_TODAY_DAYS)) & Q(
        group__poll_date__lte=today + dt.timedelta(days=AROUND_TODAY_DAYS)
    )
    open_count = Q(count_session__isnull=False) & ~Q(count_session__state=CountState.DECLARED)
    return (
        elections.ballots_for_user(user)
        .filter(window | open_count)
        .order_by("group__poll_date", "group__name", "title")
    )


def session_of(ballot: Ballot) -> CountSession | None:
    return CountSession.objects.filter(ballot=ballot).first()


def sessions_by_ballot(ballots: list[Ballot]) -> dict[int, CountSession]:
    return {s.ballot_id: s for s in CountSession.objects.filter(ballot__in=ballots)}


def ballot_stations(ballot: Ballot) -> QuerySet[PollingStation]:
    """The polling stations of the ballot's polling districts, for registering boxes."""
    return (
        PollingStation.objects.filter(authority_id=ballot.authority_id, district__in=elections.ballot_districts(ballot))
        .select_related("place", "district")
        .order_by("district__code", "number", "code")
    )


def standing_candidates(ballot: Ballot) -> list[Candidate]:
    return elections.standing_candidates(ballot)


def candidate_name(candidate: Candidate) -> str:
    surname, other_names = candidate.ballot_name
    return f"{surname.upper()}, {other_names}"


def candidate_party(candidate: Candidate) -> str:
    if candidate.party_name:
        return candidate.party_name
    return candidate.description or ("Independent" if candidate.affiliation == "independent" else "")


@dataclass
class ListOption:
    """One choice on a closed-list (D'Hondt) ballot paper: a party's list with its standing
    candidates in list order, or an individual candidate (``party`` empty, a list of one)."""

    name: str  # the party, or the individual candidate's name
    party: str
    members: list[Candidate]


def list_options(ballot: Ballot) -> list[ListOption]:
    """The party lists and individual candidates of a closed-list ballot, in ballot-paper order."""
    out: list[ListOption] = []
    by_party: dict[str, ListOption] = {}
    for candidate in standing_candidates(ballot):  # party by party, in list-position order
        party = candidate.party_name if candidate.affiliation == "party" else ""
        if not party:
            out.append(ListOption(candidate_name(candidate), "", [candidate]))
        elif party in by_party:
            by_party[party].members.append(candidate)
        else:
            by_party[party] = ListOption(party, party, [candidate])
            out.append(by_party[party])
    return out


# ---- boxes and verification ----------------------------------------------------------------------


def boxes(session: CountSession) -> list[BallotBox]:
    return list(session.boxes.select_related("station", "station__place", "receipt").prefetch_related("verifications"))


def current_verification(box: BallotBox) -> Verification | None:
    rows = list(box.verifications.all())
    return rows[-1] if rows else None


def shared_labels(session: CountSession) -> dict[str, list[str]]:
    """For each box label, the other ballots of the same polling day that list a box so labelled."""
    labels = list(session.boxes.values_list("label", flat=True))
    others = (
        BallotBox.objects.filter(
            authority_id=session.authority_id,
            label__in=labels,
            session__ballot__group__poll_date=session.ballot.group.poll_date,
        )
        .exclude(session=session)
        .select_related("session__ballot")
    )
    out: dict[str, list[str]] = {}
    for box in others:
        out.setdefault(box.label, []).append(box.session.ballot.title)
    return out


@dataclass
class StatementRow:
    box: BallotBox
    verification: Verification | None

    @property
    def received(self) -> bool:
        return hasattr(self.box, "receipt")

    @property
    def counted(self) -> int | None:
        return self.verification.papers_counted if self.verification else None

    @property
    def variance(self) -> int | None:
        return self.verification.variance if self.verification else None

    @property
    def status(self) -> str:
        if not self.received:
            return "awaiting"
        if self.verification is None:
            return "received"
        if self.verification.needs_resolution:
            return "variance"
        return "resolved" if self.verification.variance else "verified"


def verification_statement(session: CountSession) -> dict[str, Any]:
    """The verification statement: each box's BPA figure against the papers counted, with totals
    for station boxes and postal boxes, and what still stops it being finalised."""
    rows = [StatementRow(box, current_verification(box)) for box in boxes(session)]
    totals: dict[str, dict[str, int]] = {}
    for kind in (BoxKind.STATION, BoxKind.POSTAL):
        mine = [r for r in rows if r.box.kind == kind]
        totals[kind] = {
            "boxes": len(mine),
            "bpa": sum(r.box.bpa_issued for r in mine),
            "counted": sum(r.counted or 0 for r in mine),
        }
        totals[kind]["variance"] = totals[kind]["counted"] - totals[kind]["bpa"]
    overall = {key: totals[BoxKind.STATION][key] + totals[BoxKind.POSTAL][key] for key in totals[BoxKind.STATION]}
    problems = []
    if not rows:
        problems.append("No ballot boxes are recorded for this ballot.")
    for r in rows:
        if not r.received:
            problems.append(f"Box {r.box.label} has not been received.")
        elif r.verification is None:
            problems.append(f"Box {r.box.label} has not been verified.")
        elif r.verification.needs_resolution:
            problems.append(
                f"Box {r.box.label}: the variance of {r.verification.variance:+d} must be explained and resolved "
                "by the Returning Officer."
            )
    return {
        "rows": rows,
        "station": totals[BoxKind.STATION],
        "postal": totals[BoxKind.POSTAL],
        "total": overall,
        "problems": problems,
        "finalised": session.verification_finalised_at is not None,
    }


def statement_snapshot(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement as plain JSON, stored when it is finalised."""
    return {
        "boxes": [
            {
                "label": r.box.label,
                "kind": r.box.kind,
                "station": str(r.box.station) if r.box.station else "",
                "bpa": r.box.bpa_issued,
                "counted": r.counted,
                "variance": r.variance,
                "explanation": r.verification.explanation if r.verification else "",
                "resolution": r.verification.resolution if r.verification else "",
            }
            for r in statement["rows"]
        ],
        "station": statement["station"],
        "postal": statement["postal"],
        "total": statement["total"],
    }


# ---- the count -----------------------------------------------------------------------------------


def rounds(session: CountSession) -> list[CountRound]:
    return list(session.rounds.order_by("number"))


def current_round(session: CountSession) -> CountRound | None:
    return session.rounds.order_by("-number").first()


def pending_recount(session: CountSession) -> Recount | None:
    return session.recounts.filter(decision=RecountDecision.PENDING).first()


def recounts(session: CountSession) -> list[Recount]:
    return list(session.recounts.select_related("after_round", "new_round", "candidate"))


def doubtful_papers(count_round: CountRound) -> list[DoubtfulPaper]:
    return list(count_round.doubtful_papers.all())


def rejected_statement(count_round: CountRound | None) -> dict[str, Any]:
    """The statement of rejected ballot papers for a round: papers rejected under each head, and
    those rejected in part (still counted for the votes not in doubt)."""
    heads = dict.fromkeys(RejectionHead.values, 0)
    in_part = accepted = objected = 0
    papers = doubtful_papers(count_round) if count_round is not None else []
    for paper in papers:
        if paper.decision == Adjudication.REJECTED:
            heads[paper.head] = heads.get(paper.head, 0) + paper.papers
        elif paper.decision == Adjudication.REJECTED_IN_PART:
            in_part += paper.papers
        else:
            accepted += paper.papers
        if paper.objected:
            objected += paper.papers
    return {
        "heads": [{"head": h, "label": RejectionHead(h).label, "count": heads[h]} for h in RejectionHead.values],
        "total": sum(heads.values()),
        "in_part": in_part,
        "accepted": accepted,
        "objected": objected,
    }


def entries(count_round: CountRound) -> dict[int, Any]:
    return {e.candidate_id: e for e in count_round.entries.all()}


def result_figures(session: CountSession, count_round: CountRound | None = None) -> dict[str, Any]:
    """The result of a round as plain data: each candidate's votes and whether elected, the rejected
    papers by head, the ballot papers, turnout both ways, and whether the count reconciles with the
    verification statement."""
    ballot = session.ballot
    count_round = count_round or current_round(session)
    candidates = standing_candidates(ballot)
    by_candidate = entries(count_round) if count_round is not None else {}
    elected_ids = list(count_round.elected) if count_round is not None else []
    lot_outcomes = {str(t.get("outcome")) for t in (count_round.tie_breaks if count_round else [])}
    labels = {int(v): k for k, v in (count_round.labels if count_round else {}).items()}
    rows: list[dict[str, Any]] = []
    for candidate in candidates:
        entry = by_candidate.get(candidate.pk)
        rows.append(
            {
                "id": candidate.pk,
                "name": candidate_name(candidate),
                "party": candidate_party(candidate),
                "description": candidate.description,
                "votes": entry.votes if entry is not None else None,
                "second_preferences": entry.second_preferences if entry is not None else None,
                "elected": candidate.pk in elected_ids,
                "by_lot": labels.get(candidate.pk, "") in lot_outcomes,
            }
        )
    system = ballot.voting_system
    extra: dict[str, Any] = {"system": system}
    if system == "referendum":
        extra.update(_referendum_figures(ballot, count_round))
        valid_votes = sum(a["votes"] for a in extra["answers"])
    elif system == "dhondt":
        extra.update(_list_result(ballot, count_round, rows))
        valid_votes = sum(x["votes"] or 0 for x in extra["lists"])
    else:
        rows.sort(key=lambda r: (-(r["votes"] or 0), r["name"]))
        valid_votes = sum(r["votes"] or 0 for r in rows)
    rejected = rejected_statement(count_round)
    verified = session.verification_totals.get("total", {}).get("counted") if session.verification_totals else None
    report = count_round.report if count_round is not None else {}
    if system == "stv" and report.get("valid_votes") is not None:
        valid_papers = int(report["valid_votes"])
        ballot_papers = verified if verified is not None else valid_papers + rejected["total"]
    else:
        ballot_papers = verified if verified is not None else valid_votes + rejected["total"]
        valid_papers = ballot_papers - rejected["total"]
    reconcile = ""
    entered = count_round is not None and count_round.entered
    # Each paper carries one vote (one seat; STV papers counted once): votes plus rejected papers must
    # equal the papers verified. A multi-seat FPTP paper carries up to ``seats`` votes: not checkable.
    # A referendum or closed-list paper carries one vote (for an answer, a list or an individual).
    one_vote_each = system in ("stv", "referendum", "dhondt") or (system in ("fptp", "sv") and ballot.seats == 1)
    if entered and verified is not None and one_vote_each:
        counted = (valid_papers if system == "stv" else valid_votes) + rejected["total"]
        if counted != verified:
            reconcile = (
                f"The count does not reconcile: {counted:,} ballot papers "
                f"({'valid papers' if system == 'stv' else 'votes'} plus rejected) against {verified:,} verified."
            )
    electorate = session.electorate
    return {
        "ballot": ballot.title,
        "round": count_round.number if count_round is not None else None,
        "round_label": str(count_round) if count_round is not None else "",
        "entered": entered,
        "needs_lot": count_round.needs_lot if count_round is not None else "",
        "candidates": rows,
        "elected": extra.pop("elected") if "elected" in extra else [r["name"] for r in rows if r["elected"]],
        "rejected": rejected,
        "valid_votes": valid_votes,
        "valid_papers": valid_papers,
        "ballot_papers": ballot_papers,
        "verified": verified,
        "reconcile": reconcile,
        "electorate": electorate,
        "turnout_ballot_papers": str(law.turnout_percent(ballot_papers, electorate)) if electorate else None,
        "turnout_valid": str(law.turnout_percent(valid_papers, electorate)) if electorate else None,
        "seed": count_round.seed if count_round is not None else None,
        "tie_breaks": list(count_round.tie_breaks) if count_round is not None else [],
        "stages": report.get("stages", []) if system == "stv" else [],
        "quota": report.get("quota") if system == "stv" else None,
        **extra,
    }


def _percent(part: int, whole: int) -> str:
    return str(law.turnout_percent(part, whole)) if whole else "0.00"


def _referendum_figures(ballot: Ballot, count_round: CountRound | None) -> dict[str, Any]:
    """A referendum's question and the votes for each answer, with the majority (none if equal)."""
    options = list(count_round.options.filter(kind=OptionKind.ANSWER)) if count_round is not None else []
    total = sum(o.votes for o in options)
    report = count_round.report if count_round is not None else {}
    majority = report.get("majority_answer")
    return {
        "question": ballot.referendum_question,
        "answers": [
            {"answer": o.label, "votes": o.votes, "percent": _percent(o.votes, total), "majority": o.label == majority}
            for o in options
        ],
        "majority_answer": majority,
        "margin": report.get("margin"),
        "elected": [],
    }


def _list_result(ballot: Ballot, count_round: CountRound | None, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A closed-list ballot: votes and seats of each party list and individual candidate, the
    members elected in order of allocation, and the D'Hondt rounds. Candidate rows keep the
    ballot-paper order and carry their list and position."""
    options = list_options(ballot)
    list_votes = (
        {o.label: o.votes for o in count_round.options.filter(kind=OptionKind.PARTY_LIST)} if count_round else {}
    )
    by_candidate = entries(count_round) if count_round is not None else {}
    elected_ids = [int(pk) for pk in count_round.elected] if count_round is not None else []
    order = {pk: i for i, pk in enumerate(elected_ids, start=1)}
    by_id = {r["id"]: r for r in rows}
    total = sum(list_votes.values()) + sum(
        by_candidate[o.members[0].pk].votes for o in options if not o.party and o.members[0].pk in by_candidate
    )
    lists = []
    for option in options:
        if option.party:
            votes = list_votes.get(option.party)
        else:
            entry = by_candidate.get(option.members[0].pk)
            votes = entry.votes if entry is not None else None
        members = []
        for candidate in option.members:
            row = by_id[candidate.pk]
            row["list"] = option.party
            row["list_position"] = candidate.list_position
            members.append(
                {
                    "id": candidate.pk,
                    "name": row["name"],
                    "list_position": candidate.list_position,
                    "elected": candidate.pk in order,
                    "order": order.get(candidate.pk),
                }
            )
        lists.append(
            {
                "name": option.name,
                "kind": "list" if option.party else "individual",
                "votes": votes,
                "percent": _percent(votes or 0, total),
                "seats": sum(1 for m in members if m["elected"]),
                "members": members,
            }
        )
    names = {r["id"]: r["name"] for r in rows}
    party = {r["id"]: r.get("list") or "" for r in rows}
    report = count_round.report if count_round is not None else {}
    return {
        "lists": lists,
        "elected": [names[pk] for pk in elected_ids if pk in names],
        "elected_members": [{"name": names[pk], "list": party[pk]} for pk in elected_ids if pk in names],
        "allocation": [
            {**q, "member": m.get("member", "")}
            for q, m in zip(report.get("rounds", []), report.get("members", []), strict=False)
        ],
    }


def votes_declared(figures: dict[str, Any]) -> dict[str, Any]:
    """The votes of a result as one mapping: for each candidate, answer, or party list and
    individual candidate (for the audit row of the declaration)."""
    if figures.get("system") == "referendum":
        return {a["answer"]: a["votes"] for a in figures["answers"]}
    if figures.get("system") == "dhondt":
        return {x["name"]: x["votes"] for x in figures["lists"]}
    return {c["name"]: c["votes"] for c in figures["candidates"]}


def declaration_figures(session: CountSession) -> dict[str, Any]:
    """The plain dict the elections declaration-of-result notice takes (``notices.declaration_of_result_context``)."""
    declaration = Declaration.objects.filter(session=session).first()
    figures = declaration.figures if declaration is not None else result_figures(session)
    turnout = ""
    if figures.get("turnout_ballot_papers") is not None:
        turnout = (
            f"{figures['turnout_ballot_papers']}% (ballot papers counted, including rejected); "
            f"{figures['turnout_valid']}% (valid ballot papers)"
        )
    out: dict[str, Any] = {
        "candidates": [
            {"name": c["name"], "description": c["party"], "votes": c["votes"], "elected": c["elected"]}
            for c in figures["candidates"]
        ],
        "rejected": {h["label"]: h["count"] for h in figures["rejected"]["heads"]},
        "electorate": figures.get("electorate"),
        "turnout": turnout,
    }
    system = figures.get("system")
    if system == "referendum":
        # The answers take the candidates' place; the notice names the question and the majority.
        out.update(
            system=system,
            question=figures.get("question", ""),
            majority_answer=figures.get("majority_answer"),
            candidates=[
                {"name": a["answer"], "description": "", "votes": a["votes"], "elected": a["majority"]}
                for a in figures["answers"]
            ],
        )
    elif system == "dhondt":
        # Each party list and individual candidate with its votes and seats won; then the members
        # elected in order of allocation.
        out.update(
            system=system,
            candidates=[
                {"name": x["name"], "description": str(x["seats"]), "votes": x["votes"], "elected": x["seats"] > 0}
                for x in figures["lists"]
            ],
            elected=[f"{m['name']} ({m['list']})" if m["list"] else m["name"] for m in figures["elected_members"]],
        )
    return out


# ---- the register: the electorate ---------------------------------------------------------------


def register_date(ballot: Ballot) -> dt.date:
    """The register that gives the electorate: as it stood on the last day for publication of the
    notice of election (elections.md §7.4, RPA 1983 s.76(4))."""
    return elections.register_date(ballot.group)


def register_electorate(ballot: Ballot, on: dt.date | None = None) -> tuple[int, dt.date]:
    """Electors in the ballot's polling districts in the register as at ``on`` (by default the last
    day for the notice of election), leaving out attainers not 18 by polling day. Counts only."""
    on = on or register_date(ballot)
    poll_date = ballot.group.poll_date
    total = 0
    for code in elections.ballot_districts(ballot).values_list("code", flat=True):
        for entry in iter_register_as_at(ballot.authority_id, on, code):
            if law.in_electorate(entry, poll_date):
                total += 1
    return total, on


# ---- spending -----------------------------------------------------------------------------------


def spending_rows(ballot: Ballot, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each standing candidate's limit and spending return, with late and missing flags."""
    today = today or timezone.localdate()
    rows = []
    for candidate in standing_candidates(ballot):
        limit = SpendingLimit.objects.filter(candidate=candidate).first()
        ret = ExpenseReturn.objects.filter(candidate=candidate).first()
        flags = []
        if ret is not None:
            if ret.return_received_on is None and today > ret.due_on:
                flags.append("missing")
            if ret.return_received_on is not None and ret.return_received_on > ret.due_on:
                flags.append("late")
            if ret.return_received_on is not None and ret.agent_declaration_received_on is None:
                flags.append("agent declaration missing")
            if (
                ret.candidate_declaration_received_on is None
                and ret.candidate_declaration_due_on is not None
                and today > ret.candidate_declaration_due_on
            ):
                flags.append("candidate declaration missing")
            if (
                ret.candidate_declaration_received_on is not None
                and ret.candidate_declaration_due_on is not None
                and ret.candidate_declaration_received_on > ret.candidate_declaration_due_on
            ):
                flags.append("candidate declaration late")
        rows.append(
            {"candidate": candidate, "name": candidate_name(candidate), "limit": limit, "return": ret, "flags": flags}
        )
    return rows


# ---- public results -----------------------------------------------------------------------------


def declared_groups() -> QuerySet[ElectionGroup]:
    """Elections with at least one declared count: the public results index (every council)."""
    return (
        ElectionGroup.objects.filter(ballots__count_session__declaration__isnull=False)
        .select_related("authority")
        .distinct()
        .order_by("-poll_date", "name")
    )


def public_group(election_id: int) -> tuple[ElectionGroup, list[tuple[Ballot, Declaration]]]:
    group = declared_groups().filter(pk=election_id).first()
    if group is None:
        raise Http404("No declared results for this election")
    return group, public_ballots(group)


def public_ballots(group: ElectionGroup) -> list[tuple[Ballot, Declaration]]:
    """The election's declared ballots, each with its declaration, in title order."""
    declarations = Declaration.objects.filter(session__ballot__group=group).select_related(
        "session__ballot__group", "session__ballot__authority"
    )
    pairs = [(d.session.ballot, d) for d in declarations]
    return sorted(pairs, key=lambda pair: pair[0].title)


def public_ballot(ballot_id: int) -> tuple[Ballot, Declaration]:
    ballot = Ballot.objects.filter(pk=ballot_id).first()  # a pk look-up: out-of-range ids are simply not found
    declaration = (
        Declaration.objects.filter(session__ballot=ballot)
        .select_related("session__ballot__group", "session__ballot__authority")
        .first()
        if ballot is not None
        else None
    )
    if declaration is None:
        raise Http404("No declared result for this ballot")
    return declaration.session.ballot, declaration


def public_result(ballot: Ballot, declaration: Declaration) -> dict[str, Any]:
    """What the results page, CSV and JSON publish: the declaration's figures, no elector data."""
    figures = declaration.figures
    result: dict[str, Any] = {
        "election": ballot.group.name,
        "election_id": ballot.group.dc_group_id,
        "ballot_paper_id": ballot.dc_ballot_id,
        "ballot": ballot.title,
        "council": ballot.authority.name,
        "election_date": ballot.group.poll_date.isoformat(),
        "seats": ballot.seats,
        "voting_system": ballot.voting_system,
        "declared_at": timezone.localtime(declaration.declared_at).isoformat(),
        "candidates": [
            {"name": c["name"], "party": c["party"], "votes": c["votes"], "elected": c["elected"]}
            for c in figures["candidates"]
        ],
        "rejected": {h["head"]: h["count"] for h in figures["rejected"]["heads"]},
        "rejected_labels": {h["head"]: h["label"] for h in figures["rejected"]["heads"]},
        "rejected_total": figures["rejected"]["total"],
        "ballot_papers": declaration.ballot_papers,
        "valid_papers": declaration.valid_papers,
        "valid_votes": figures["valid_votes"],
        "electorate": declaration.electorate,
        "turnout_ballot_papers_percent": str(declaration.turnout_ballot_papers),
        "turnout_valid_percent": str(declaration.turnout_valid),
        "tie_breaks": [
            {k: t[k] for k in ("purpose", "candidates", "method", "outcome", "seed") if k in t}
            for t in figures.get("tie_breaks", [])
        ],
    }
    if figures.get("system") == "referendum":
        result["question"] = figures.get("question", "")
        result["answers"] = [{k: a[k] for k in ("answer", "votes", "percent")} for a in figures["answers"]]
        result["majority_answer"] = figures.get("majority_answer")
        result["margin"] = figures.get("margin")
    elif figures.get("system") == "dhondt":
        result["candidates"] = [
            {**c, "list_position": r.get("list_position")}
            for c, r in zip(result["candidates"], figures["candidates"], strict=True)
        ]
        result["lists"] = [
            {
                "name": x["name"],
                "kind": x["kind"],
                "votes": x["votes"],
                "percent": x["percent"],
                "seats": x["seats"],
                "members": [{k: m[k] for k in ("name", "list_position", "elected")} for m in x["members"]],
            }
            for x in figures["lists"]
        ]
        result["elected_in_order"] = list(figures["elected_members"])
    return result
