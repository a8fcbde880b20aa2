'''BLT ballot files: the preference-profile format Scottish councils publish.

Under SSI 2011/399 Sch 1 r.56(c)(va) (inserted by SSI 2012/342 art.5) the declaration of an
electronically counted ward result includes "each unique sequence of preferences ... with the
number of voters who adopted each of those sequences"; Scottish councils publish these as BLT
files (shared/data/stv-glasgow-2022/SOURCE.md). The format (OpenSTV/eSTV "BLT")::

    9 4                         number of candidates, number of seats
    -3 -5                       optional: withdrawn candidates, as negative numbers
    5 6 2 4 8 0                 a ballot: weight, then preferences (1-based), then 0
    ...
    0                           end of ballots
    "Euan BLOCKLEY ""Scottish Conservative and Unionist"""     one line per candidate
    ...
    Ward 1 Linn                 the title (quoted or not)

A candidate line is one quoted string in which ``""`` stands for ``"``; the party, if any, is
the quoted part at the end. ``name`` is the name without the party. Some published files are
double-encoded (UTF-8 read as Latin-1 and saved again as UTF-8, e.g. "LeÃ³dhas" for
"Leòdhas"); a name is repaired only where the repair round-trips exactly.

A ballot line with a weight and no preferences (``3 0``) is a blank paper: it is not a valid
vote and is counted in ``blank_papers`` only. Every other problem raises ``CountInputError``
with one line naming the line number.
'''

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ems_rules.count.types import CountInputError

_INT = re.compile(r"-?[0-9]+")
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4]")  # a UTF-8 lead byte (C2-F4) read as Latin-1


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str  # without the party
    party: str  # "" if none given


@dataclass(frozen=True, slots=True)
class Ballot:
    """``weight`` identical ballot papers with these preferences (0-based candidate indexes)."""

    preferences: tuple[int, ...]
    weight: int = 1


@dataclass(frozen=True, slots=True)
class Election:
    """A preference profile ready to count."""

    title: str
    seats: int
    candidates: tuple[Candidate, ...]
    ballots: tuple[Ballot, ...]
    withdrawn: frozenset[int] = frozenset()  # 0-based candidate indexes
    blank_papers: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.candidates)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-Latin-1 (or cp1252) double encoding, but only where it round-trips."""
    if not _MOJIBAKE_HINT.search(text):
        return text
    for codec in ("latin-1", "cp1252"):
        try:
            repaired = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text and repaired.encode("utf-8").decode(codec) == text:
            return repaired
    return text


def _unquote(text: str, line_no: int, what: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        inner = text[1:-1]
        if re.search(r'(?<!")"(?!")', inner.replace('""', "")):
            raise CountInputError(f'line {line_no}: {what} has an unpaired quote (write "" for a quote)')
        return inner.replace('""', '"')
    if what == "candidate name":
        raise CountInputError(f"line {line_no}: candidate name must be in double quotes, not {text!r}")
    return text


def _candidate(text: str, line_no: int) -> Candidate:
    full = repair_mojibake(_unquote(text, line_no, "candidate name"))
    name, party = full, ""
    match = re.fullmatch(r'(.*?)\s*"([^"]*)"\s*', full)
    if match and match.group(1).strip():
        name, party = match.group(1).strip(), match.group(2).strip()
    name = " ".join(name.split())
    if not name:
        raise CountInputError(f"line {line_no}: candidate name is empty")
    return Candidate(name=name, party=party)


def _ints(text: str, line_no: int) -> list[int]:
    tokens = text.split()
    for token in tokens:
        if not _INT.fullmatch(token):
            raise CountInputError(f"line {line_no}: expected whole numbers, found {token!r}")
    return [int(t) for t in tokens]


def parse_blt(text: str) -> Election:
    """Parse BLT text. Raises ``CountInputError`` (one line, with the line number) on bad input."""
    lines = text.splitlines()
    numbered = [(i + 1, line.strip()) for i, line in enumerate(lines)]
    body = [(n, line) for n, line in numbered if line]
    if not body:
        raise CountInputError("line 1: the file is empty")
    pos = 0

    line_no, line = body[pos]
    header = _ints(line, line_no)
    if len(header) != 2:
        raise CountInputError(f"line {line_no}: first line must be 'candidates seats', found {line!r}")
    n_cand, seats = header
    if n_cand < 1:
        raise CountInputError(f"line {line_no}: number of candidates must be at least 1, not {n_cand}")
    if seats < 1:
        raise CountInputError(f"line {line_no}: number of seats must be at least 1, not {seats}")
    pos += 1

    withdrawn: set[int] = set()
    if pos < len(body) and body[pos][1].startswith("-"):
        line_no, line = body[pos]
        for value in _ints(line, line_no):
            if value >= 0 or -value > n_cand:
                raise CountInputError(
                    f"line {line_no}: withdrawn candidates are written -1 to -{n_cand}, found {value}"
                )
            withdrawn.add(-value - 1)
        pos += 1

    ballots: list[Ballot] = []
    blank = 0
    while True:
        if pos >= len(body):
            raise CountInputError(f"line {len(lines) + 1}: end of file before the '0' line that ends the ballots")
        line_no, line = body[pos]
        pos += 1
        if line.startswith('"'):
            raise CountInputError(f"line {line_no}: candidate names began before the '0' line that ends the ballots")
        values = _ints(line, line_no)
        if values == [0]:
            break
        weight, prefs = values[0], values[1:]
        if weight <= 0:
            raise CountInputError(f"line {line_no}: ballot weight must be a positive whole number, not {weight}")
        if not prefs or prefs[-1] != 0:
            raise CountInputError(f"line {line_no}: ballot must end with 0")
        prefs = prefs[:-1]
        if 0 in prefs:
            raise CountInputError(f"line {line_no}: 0 may only end a ballot, found it among the preferences")
        for p in prefs:
            if not 1 <= p <= n_cand:
                raise CountInputError(f"line {line_no}: unknown candidate number {p} (candidates are 1 to {n_cand})")
        if len(set(prefs)) != len(prefs):
            raise CountInputError(f"line {line_no}: a candidate appears twice in one ballot")
        kept = tuple(p - 1 for p in prefs if p - 1 not in withdrawn)
        if not kept:
            blank += weight
            continue
        ballots.append(Ballot(preferences=kept, weight=weight))

    names: list[Candidate] = []
    for _ in range(n_cand):
        if pos >= len(body):
            raise CountInputError(
                f"line {len(lines) + 1}: expected {n_cand} candidate names after the ballots, found {len(names)}"
            )
        line_no, line = body[pos]
        pos += 1
        names.append(_candidate(line, line_no))
    seen: dict[str, int] = {}
    for (n, _line), cand in zip(body[pos - n_cand : pos], names, strict=True):
        if cand.name in seen:
            raise CountInputError(f"line {n}: candidate name {cand.name!r} is used twice")
        seen[cand.name] = n

    title = ""
    if pos < len(body):
        line_no, line = body[pos]
        pos += 1
        title = repair_mojibake(_unquote(line, line_no, "title"))
    if pos < len(body):
        line_no, line = body[pos]
        raise CountInputError(f"line {line_no}: unexpected text after the title: {line!r}")

    standing = n_cand - len(withdrawn)
    if seats >= standing:
        raise CountInputError(
            f"line {header_line(body)}: {seats} seat(s) and {standing} standing candidate(s): "
            "with no more candidates than seats the election is uncontested and there is no count"
        )
    if not ballots:
        raise CountInputError(f"line {header_line(body)}: the file has no valid ballots")
    return Election(
        title=title,
        seats=seats,
        candidates=tuple(names),
        ballots=tuple(ballots),
        withdrawn=frozenset(withdrawn),
        blank_papers=blank,
    )


def header_line(body: Sequence[tuple[int, str]]) -> int:
    return body[0][0]


def decode_blt(data: bytes) -> str:
    """BLT bytes to text: UTF-8 (with or without a BOM), else Windows-1252, else Latin-1."""
    for codec in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_blt(path: str | Path) -> Election:
    """Read and parse a BLT file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CountInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_blt(decode_blt(data))
