"""Plain records that every polling-data importer produces, whatever the export format.

Nothing here touches the database: ``ems.register.services.polling_data_import`` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FORMAT_XPRESS_DC = "xpress-dc"
FORMAT_XPRESS_WEBLOOKUP = "xpress-weblookup"
FORMAT_IDOX_EROS = "idox-eros"
FORMAT_IDOX_EROS_2026 = "idox-eros-2026"
FORMAT_DEMOCRACY_COUNTS = "democracy-counts"
FORMAT_FCS = "fcs"
FORMAT_EONI = "eoni"

FORMAT_LABELS = {
    FORMAT_XPRESS_DC: "Civica Xpress 'DemocracyClub' export",
    FORMAT_XPRESS_WEBLOOKUP: "Civica Xpress WebLookup export",
    FORMAT_IDOX_EROS: "Idox Eros (Halarose) export, pre-2026 layout",
    FORMAT_IDOX_EROS_2026: "Idox Eros (Halarose) export, February 2026 layout",
    FORMAT_DEMOCRACY_COUNTS: "Democracy Counts export",
    FORMAT_FCS: "FCS ElectionsPro JSON",
    FORMAT_EONI: "EONI export",
}


class ImportFileError(Exception):
    """A file that cannot be imported at all: empty, unrecognised, truncated or malformed.

    ``str()`` is one line naming the file and the problem (and the row, where there is one).
    """

    def __init__(self, file: str, problem: str) -> None:
        self.file = file
        self.problem = " ".join(problem.split())
        super().__init__(f"{file}: {self.problem}")


@dataclass(frozen=True, slots=True)
class DistrictRecord:
    code: str
    name: str = ""  # blank: the export does not name it (the code is used as the name)


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    """A polling place (venue)."""

    code: str
    name: str
    lines: tuple[str, ...] = ()  # up to 5 address lines, blanks removed
    postcode: str = ""
    uprn: int | None = None
    easting: float | None = None
    northing: float | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class StationRecord:
    code: str
    place_code: str
    number: str = ""
    district_code: str = ""  # blank: derived from the addresses allotted to it, if they agree


@dataclass(frozen=True, slots=True)
class AddressRecord:
    """A residential property and its allocation."""

    row: int
    uprn: int
    lines: tuple[str, ...]  # up to 6 address lines, blanks removed
    postcode: str
    station_code: str = ""  # blank: no station assigned in the export
    district_code: str = ""  # blank: the station's district, if it has one
    easting: float | None = None
    northing: float | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """A data row left out, with the reason.

    ``row`` counts records in the file with the header as row 1 (so the first data row is 2).
    In FCS JSON, which has no rows, it is the 1-based position of the station in the list.
    """

    row: int
    reason: str


@dataclass
class ParsedImport:
    format: str
    encoding: str
    delimiter: str  # "" for JSON
    files: list[str]
    districts: dict[str, DistrictRecord] = field(default_factory=dict)
    places: dict[str, PlaceRecord] = field(default_factory=dict)
    stations: dict[str, StationRecord] = field(default_factory=dict)
    addresses: list[AddressRecord] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    complete: bool = True  # False: a Democracy Counts stations file without its districts file

    def summary(self) -> dict[str, Any]:
        """The command's JSON object."""
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "properties": len(self.addresses),
            "stations": len(self.stations),
            "districts": len(self.districts),
            "skipped": [{"row": s.row, "reason": s.reason} for s in self.skipped],
            "warnings": list(self.warnings),
        }
