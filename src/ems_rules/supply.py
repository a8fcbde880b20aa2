"""Who may be supplied with which register, and whether they pay (registration.md §8.2–8.3).

- Free on written application: registered political parties, candidates (for their area),
  elected representatives and councillors, local constituency parties [S49][S56].
- Free without application on publication: the British Library and other prescribed bodies,
  the Electoral Commission, Boundary Commissions, the Statistics Board, jury summoning
  [S49][S50][S170]; the exact regulation list is **unconfirmed** here.
- On payment: government departments and credit reference agencies buy the full register
  [S47][S57][S171]; anyone may buy the open register [S48][S57].
- The marked register and marked absent voter lists are sold only to those entitled to the full
  register for that election (RPR 2001 reg 117) [S52].
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Entitlement(StrEnum):
    POLITICAL_PARTY = "political_party"
    CANDIDATE = "candidate"
    ELECTED_REPRESENTATIVE = "elected_representative"
    LOCAL_CONSTITUENCY_PARTY = "local_constituency_party"
    PRESCRIBED_BODY = "prescribed_body"
    GOVERNMENT_DEPARTMENT = "government_department"
    CREDIT_REFERENCE_AGENCY = "credit_reference_agency"
    ANY_PURCHASER = "any_purchaser"


@dataclass(frozen=True, slots=True)
class SupplyRule:
    entitlement: Entitlement
    label: str
    full_register: bool  # may receive the full register (and notices, overseas list, marked register)
    free: bool  # supplied free of charge
    source: str


_E = Entitlement
_TABLE = (
    (_E.POLITICAL_PARTY, "Registered political party", True, True, "registration.md §8.2 [S49][S56]"),
    (_E.CANDIDATE, "Candidate (for the area contested)", True, True, "RPR 2001 reg 108; §8.2 [S49]"),
    (_E.ELECTED_REPRESENTATIVE, "Elected representative or councillor", True, True, "§8.2 [S49][S56]"),
    (_E.LOCAL_CONSTITUENCY_PARTY, "Local constituency party", True, True, "registration.md §8.2 [S49]"),
    (_E.PRESCRIBED_BODY, "Prescribed body (British Library, Electoral Commission, …)", True, True,
     "registration.md §8.2 [S49][S50][S170] (list unconfirmed)"),
    (_E.GOVERNMENT_DEPARTMENT, "Government department", True, False, "registration.md §8.2 [S47]"),
    (_E.CREDIT_REFERENCE_AGENCY, "Credit reference agency", True, False, "registration.md §8.2 [S47][S57][S171]"),
    (_E.ANY_PURCHASER, "Anyone buying the open register", False, False, "registration.md §1.5, §8.2 [S48]"),
)  # fmt: skip
RULES: dict[Entitlement, SupplyRule] = {row[0]: SupplyRule(*row) for row in _TABLE}

OPEN_ONLY_DOCUMENTS = frozenset({"open"})


def check_supply(entitlement: str, document: str) -> SupplyRule:
    """The rule for a request; raises ValueError when the recipient may not have the document."""
    try:
        rule = RULES[Entitlement(entitlement)]
    except ValueError:
        raise ValueError(f"Unknown entitlement: {entitlement!r}") from None
    if document not in OPEN_ONLY_DOCUMENTS and not rule.full_register:
        raise ValueError(f"{rule.label} may only be supplied the open register, not {document!r}")
    return rule
