"""NLPG/LLPG Data Transfer Format (DTF) 8.1: a CSV whose first field is the record type.

A council's gazetteer export holds, in one file, a header (10), streets (11) and their
descriptors (15), then per property a BLPU (21), its LPIs (24), classification (32) and — in
OS-enriched files — a Royal Mail delivery point (28), and a trailer (99) with the record count.
A property's records are spread through the file, so the reader first gathers, per UPRN, only
the fields it needs (a few hundred bytes each), checks the trailer, and then yields one
:class:`PropertyRecord` per BLPU.

**Record layouts (field positions, 1-based), and where they come from.**

- 10 Header, 11 Street, 15 Street Descriptor, 99 Trailer: GeoPlace *NSG Data Transfer Format
  DTF 8.1* (https://static.geoplace.co.uk/downloads/NSG-Data-Transfer-Format-DTF-8.1.pdf);
  the header's ``VERSION`` must start ``8.1`` (the spec validates only that part) and
  ``FILE_TYPE`` is ``F`` (full supply) or ``C`` (change only). The trailer's
  ``RECORD_COUNT`` counts every record except the header and trailer.
- 21 BLPU, 24 LPI, 32 Classification: the DTF address records as in GeoPlace's DTF 7.3
  (confirmed against Lambeth Council's open-source DTF 7.3 parser) with the DTF 8.1 change
  that classification moved from the BLPU (7.3's ``BLPU_CLASS``) to the type 32 record, whose
  layout is the one OS publishes for AddressBase Premium (which uses the DTF record types).
  **Unconfirmed:** the GeoPlace *DTF 8.1 for addresses* PDF itself was not available offline;
  check ``BLPU``/``LPI`` below against it before a council's real file is loaded. A layout
  mismatch fails loudly (too few fields, a non-numeric UPRN…), never silently.
- 28 Delivery Point Address: OS AddressBase Premium layout (DPA records appear only in
  OS-enriched files; a council's own LLPG export has none).

Fields after the last one listed are ignored, so a later minor version that appends fields
still reads. Other record types (12–14, 16–17, 22–23, 29–31, 51–53, 61–69) are counted for the
trailer check and otherwise ignored.

**Field mapping** (DTF → ``Property``): ``UPRN``, ``PARENT_UPRN``, ``X_COORDINATE``/
``Y_COORDINATE`` → ``easting``/``northing`` from the BLPU; ``latitude``/``longitude`` stay
empty (DTF carries British National Grid only; converting needs ``pyproj``, which is not a
dependency yet); address lines from the DPA when there is one, else from the preferred LPI
(approved before provisional/candidate before alternative, English before Welsh) with its
street's descriptor, locality and town (type 15, English preferred) and the LPI's post town;
``postcode`` from the DPA, else the LPI's ``POSTCODE``; ``classification`` from the current
(not end-dated) type 32 record; ``usrn`` from the LPI; ``source_updated`` the latest
``LAST_UPDATE_DATE`` of the records used; status from classification, ``BLPU_STATE`` and the
BLPU ``LOGICAL_STATUS`` (see ``records.derive_status``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from . import records as r

FORMAT = "dtf"

HEADER = (
    "RECORD_IDENTIFIER", "CUSTODIAN_NAME", "LOCAL_CUSTODIAN_CODE", "PROCESS_DATE", "VOLUME_NUMBER", "ENTRY_DATE",
    "TIME_STAMP", "VERSION", "FILE_TYPE",
)  # fmt: skip
STREET = (
    "RECORD_IDENTIFIER", "CHANGE_TYPE", "PRO_ORDER", "USRN", "RECORD_TYPE", "SWA_ORG_REF_NAMING", "STATE",
    "STATE_DATE", "STREET_SURFACE", "VERSION", "RECORD_ENTRY_DATE", "LAST_UPDATE_DATE", "STREET_START_DATE",
    "STREET_END_DATE", "STREET_START_X", "STREET_START_Y", "STREET_END_X", "STREET_END_Y", "STREET_TOLERANCE",
    "ESU_COUNT",
)  # fmt: skip
STREET_DESCRIPTOR = (
    "RECORD_IDENTIFIER", "CHANGE_TYPE", "PRO_ORDER", "USRN", "STREET_DESCRIPTOR", "LOCALITY_NAME", "TOWN_NAME",
    "ADMINISTRATIVE_AREA", "LANGUAGE",
)  # fmt: skip
BLPU = (
    "RECORD_IDENTIFIER", "CHANGE_TYPE", "PRO_ORDER", "UPRN", "LOGICAL_STATUS", "BLPU_STATE", "BLPU_STATE_DATE",
    "PARENT_UPRN", "X_COORDINATE", "Y_COORDINATE", "RPC", "LOCAL_CUSTODIAN_CODE", "START_DATE", "END_DATE",
    "LAST_UPDATE_DATE", "ENTRY_DATE",
)  # fmt: skip
LPI = (
    "RECORD_IDENTIFIER", "CHANGE_TYPE", "PRO_ORDER", "UPRN", "LPI_KEY", "LANGUAGE", "LOGICAL_STATUS", "START_DATE",
    "END_DATE", "ENTRY_DATE", "LAST_UPDATE_DATE", "SAO_START_NUMBER", "SAO_START_SUFFIX", "SAO_END_NUMBER",
    "SAO_END_SUFFIX", "SAO_TEXT", "PAO_START_NUMBER", "PAO_START_SUFFIX", "PAO_END_NUMBER", "PAO_END_SUFFIX",
    "PAO_TEXT", "USRN", "LEVEL", "POSTALLY_ADDRESSABLE", "POSTCODE", "POST_TOWN", "OFFICIAL_FLAG",
)  # fmt: skip
DPA = (
    "RECORD_IDENTIFIER", "CHANGE_TYPE", "PRO_ORDER", "UPRN", "UDPRN", "ORGANISATION_NAME", "DEPARTMENT_NAME",
    "SUB_BUILDING_NAME", "BUILDING_NAME", "BUILDING_NUMBER", "DEPENDENT_THOROUGHFARE", "THOROUGHFARE",
    "DOUBLE_DEPENDENT_LOCALITY", "DEPENDENT_LOCALITY", "POST_TOWN", "POSTCODE", "POSTCODE_TYPE",
    "DELIVERY_POINT_SUFFIX", "WELSH_DEPENDENT_THOROUGHFARE", "WELSH_THOROUGHFARE", "WELSH_DOUBLE_DEPENDENT_LOCALITY",
    "WELSH_DEPENDENT_LOCALITY", "WELSH_POST_TOWN", "PO_BOX_NUMBER", "PROCESS_DATE", "START_DATE", "END_DATE",
    "LAST_UPDATE_DATE", "ENTRY_DATE",
)  # fmt: skip
CLASSIFICATION = (
    "RECORD_IDENTIFIER", "CHANGE_TYPE", "PRO_ORDER", "UPRN", "CLASS_KEY", "CLASSIFICATION_CODE", "CLASS_SCHEME",
    "SCHEME_VERSION", "START_DATE", "END_DATE", "LAST_UPDATE_DATE", "ENTRY_DATE",
)  # fmt: skip
TRAILER = ("RECORD_IDENTIFIER", "NEXT_VOLUME_NUMBER", "RECORD_COUNT", "ENTRY_DATE", "TIME_STAMP")

LAYOUTS: dict[str, tuple[str, ...]] = {
    "10": HEADER,
    "11": STREET,
    "15": STREET_DESCRIPTOR,
    "21": BLPU,
    "24": LPI,
    "28": DPA,
    "32": CLASSIFICATION,
    "99": TRAILER,
}
IGNORED_TYPES = {"12", "13", "14", "16", "17", "22", "23", "29", "30", "31", "51", "52", "53"} | {
    str(n) for n in range(61, 70)
}
CHANGE_TYPES = {"I", "U", "D"}
# LPI logical status preference: approved, provisional, candidate, alternative, then the rest.
LPI_STATUS_RANK = {"1": 0, "6": 1, "5": 2, "3": 3}


def _col(layout: tuple[str, ...]) -> dict[str, int]:
    return {name: index for index, name in enumerate(layout)}


H, S, SD, B, L, D, C, T = (
    _col(x) for x in (HEADER, STREET, STREET_DESCRIPTOR, BLPU, LPI, DPA, CLASSIFICATION, TRAILER)
)


def looks_like(first_row: list[str]) -> bool:
    return bool(first_row) and first_row[0].strip() == "10" and len(first_row) >= len(HEADER)


def _later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


class DTFReader:
    format = FORMAT
    source_name = FORMAT

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.full_supply: bool | None = None
        self.rows_read = 0
        self.custodian = ""
        self.version = ""

    # ---- pass 1: gather ---------------------------------------------------------------------
    def __iter__(self) -> Iterator[r.PropertyRecord]:
        name = str(self.path)
        streets: dict[int, tuple[str, str, str, bool]] = {}  # usrn -> (descriptor, locality, town, english)
        blpus: dict[int, tuple[int, list[str]]] = {}  # uprn -> (line, fields)
        lpis: dict[int, tuple[tuple[int, int], list[str]]] = {}  # uprn -> (rank, fields)
        dpas: dict[int, list[str]] = {}
        classes: dict[int, tuple[bool, str, dt.date | None]] = {}  # uprn -> (current, code, updated)
        counted = 0
        trailer: list[str] | None = None
        trailer_line = 0
        line = 0
        self.rows_read = 0
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                for row in reader:
                    line = reader.line_num
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue
                    kind = row[0].strip()
                    if trailer is not None:
                        raise r.GazetteerError(name, line, "record after the trailer (type 99)")
                    if self.rows_read == 0 and kind != "10":
                        raise r.GazetteerError(name, line, "a DTF file must start with a header record (type 10)")
                    self.rows_read += 1
                    layout = LAYOUTS.get(kind)
                    if layout is None:
                        if kind in IGNORED_TYPES:
                            counted += 1
                            continue
                        raise r.GazetteerError(name, line, f"unknown DTF record type {kind!r}")
                    if len(row) < len(layout):
                        raise r.GazetteerError(
                            name, line, f"record type {kind} has {len(row)} fields; DTF 8.1 needs {len(layout)}"
                        )
                    try:
                        if kind == "10":
                            if self.rows_read != 1:
                                raise ValueError("a second header record (type 10)")
                            self._header(row)
                            continue
                        if kind == "99":
                            trailer, trailer_line = row, line
                            continue
                        counted += 1
                        change = row[1].strip().upper()
                        if change not in CHANGE_TYPES:
                            raise ValueError(f"CHANGE_TYPE must be I, U or D, not {row[1]!r}")
                        if kind == "11":
                            r.parse_optional_int(row[S["USRN"]], "USRN")
                        elif kind == "15":
                            self._street_descriptor(row, streets)
                        elif kind == "21":
                            uprn = r.parse_uprn(row[B["UPRN"]])
                            if uprn in blpus:
                                raise ValueError(
                                    f"UPRN {uprn} has a second BLPU record (first on line {blpus[uprn][0]})"
                                )
                            self._check_blpu(row)
                            blpus[uprn] = (line, [v.strip() for v in row[: len(BLPU)]])
                        elif kind == "24":
                            self._lpi(row, lpis)
                        elif kind == "28":
                            uprn = r.parse_uprn(row[D["UPRN"]])
                            r.parse_optional_int(row[D["UDPRN"]], "UDPRN")
                            if change != "D":
                                dpas[uprn] = [v.strip() for v in row[: len(DPA)]]
                        elif kind == "32":
                            self._classification(row, classes)
                    except ValueError as exc:
                        raise r.GazetteerError(name, line, str(exc)) from None
            except csv.Error as exc:
                raise r.GazetteerError(name, reader.line_num or line, f"malformed CSV: {exc}") from None
            except UnicodeDecodeError as exc:
                raise r.GazetteerError(name, line + 1, f"not UTF-8 text: {exc.reason}") from None
        if self.rows_read == 0:
            raise r.GazetteerError(name, None, "empty file: a DTF file must start with a header record (type 10)")
        if trailer is None:
            raise r.GazetteerError(name, line, "no trailer record (type 99): the file is truncated")
        self._check_trailer(name, trailer_line, trailer, counted)
        missing = [u for u in (*lpis, *dpas, *classes) if u not in blpus]
        if missing and self.full_supply:
            raise r.GazetteerError(name, None, f"UPRN {min(missing)} has address records but no BLPU (type 21)")
        for uprn, (_, blpu) in blpus.items():
            yield self._record(uprn, blpu, lpis.get(uprn), dpas.get(uprn), classes.get(uprn), streets)

    # ---- record handlers ----------------------------------------------------------------------
    def _header(self, row: list[str]) -> None:
        self.custodian = row[H["CUSTODIAN_NAME"]].strip()
        self.version = row[H["VERSION"]].strip()
        if not self.version.startswith("8.1"):
            raise ValueError(f"this reader reads DTF 8.1; the header says version {self.version!r}")
        file_type = row[H["FILE_TYPE"]].strip().upper()
        if file_type not in {"F", "C"}:
            raise ValueError(f"header FILE_TYPE must be F (full) or C (change only), not {file_type!r}")
        self.full_supply = file_type == "F"

    @staticmethod
    def _street_descriptor(row: list[str], streets: dict[int, tuple[str, str, str, bool]]) -> None:
        usrn = r.parse_optional_int(row[SD["USRN"]], "USRN")
        if usrn is None:
            raise ValueError("street descriptor without a USRN")
        english = row[SD["LANGUAGE"]].strip().upper() in {"ENG", ""}
        if row[1].strip().upper() == "D" or (usrn in streets and streets[usrn][3] and not english):
            return
        streets[usrn] = (
            row[SD["STREET_DESCRIPTOR"]].strip(),
            row[SD["LOCALITY_NAME"]].strip(),
            row[SD["TOWN_NAME"]].strip(),
            english,
        )

    @staticmethod
    def _check_blpu(row: list[str]) -> None:
        for column in ("LOGICAL_STATUS", "BLPU_STATE"):
            value = row[B[column]].strip()
            if value and not value.isdigit():
                raise ValueError(f"{column} must be a code number, not {value!r}")
        if not row[B["LOGICAL_STATUS"]].strip():
            raise ValueError("BLPU LOGICAL_STATUS is missing")
        r.parse_optional_uprn(row[B["PARENT_UPRN"]], "PARENT_UPRN")
        r.parse_optional_float(row[B["X_COORDINATE"]], "X_COORDINATE", 2)
        r.parse_optional_float(row[B["Y_COORDINATE"]], "Y_COORDINATE", 2)
        r.parse_optional_date(row[B["LAST_UPDATE_DATE"]], "LAST_UPDATE_DATE")

    @staticmethod
    def _lpi(row: list[str], lpis: dict[int, tuple[tuple[int, int], list[str]]]) -> None:
        uprn = r.parse_uprn(row[L["UPRN"]])
        r.parse_optional_int(row[L["USRN"]], "USRN")
        r.parse_optional_date(row[L["LAST_UPDATE_DATE"]], "LAST_UPDATE_DATE")
        if row[1].strip().upper() == "D" or row[L["END_DATE"]].strip():
            return
        language = row[L["LANGUAGE"]].strip().upper()
        rank = (LPI_STATUS_RANK.get(row[L["LOGICAL_STATUS"]].strip(), 9), 0 if language in {"ENG", ""} else 1)
        if uprn not in lpis or rank < lpis[uprn][0]:
            lpis[uprn] = (rank, [v.strip() for v in row[: len(LPI)]])

    @staticmethod
    def _classification(row: list[str], classes: dict[int, tuple[bool, str, dt.date | None]]) -> None:
        uprn = r.parse_uprn(row[C["UPRN"]])
        code = row[C["CLASSIFICATION_CODE"]].strip().upper()
        if len(code) > 6:
            raise ValueError(f"CLASSIFICATION_CODE {code!r} is longer than 6 characters")
        updated = r.parse_optional_date(row[C["LAST_UPDATE_DATE"]], "LAST_UPDATE_DATE")
        if row[1].strip().upper() == "D":
            return
        current = not row[C["END_DATE"]].strip()
        if uprn not in classes or current or not classes[uprn][0]:
            classes[uprn] = (current, code, updated)

    def _check_trailer(self, name: str, line: int, row: list[str], counted: int) -> None:
        raw = row[T["RECORD_COUNT"]].strip()
        if not raw.isdigit():
            raise r.GazetteerError(name, line, f"trailer RECORD_COUNT must be a number, not {raw!r}")
        if int(raw) != counted:
            raise r.GazetteerError(
                name, line, f"trailer says {int(raw):,} records but the file has {counted:,} (truncated or edited?)"
            )

    # ---- pass 2: build ------------------------------------------------------------------------
    @staticmethod
    def _record(
        uprn: int,
        blpu: list[str],
        lpi_entry: tuple[tuple[int, int], list[str]] | None,
        dpa: list[str] | None,
        classification: tuple[bool, str, dt.date | None] | None,
        streets: dict[int, tuple[str, str, str, bool]],
    ) -> r.PropertyRecord:
        warnings: list[str] = []
        logical_status = blpu[B["LOGICAL_STATUS"]]
        code = classification[1] if classification else ""
        updated = r.parse_optional_date(blpu[B["LAST_UPDATE_DATE"]], "LAST_UPDATE_DATE")
        if classification:
            updated = _later(updated, classification[2])
        lpi = lpi_entry[1] if lpi_entry else None
        usrn = r.parse_optional_int(lpi[L["USRN"]], "USRN") if lpi else None
        postcode = ""
        lines: list[str] = []
        if lpi is not None:
            updated = _later(updated, r.parse_optional_date(lpi[L["LAST_UPDATE_DATE"]], "LAST_UPDATE_DATE"))
            street, locality, town, _ = streets.get(usrn or -1, ("", "", "", True))
            if usrn is not None and usrn not in streets:
                warnings.append(f"USRN {usrn} has no street descriptor (type 15) in this file")
            lines = r.lpi_lines(
                sao_text=lpi[L["SAO_TEXT"]],
                sao_number=r.number_range(
                    lpi[L["SAO_START_NUMBER"]],
                    lpi[L["SAO_START_SUFFIX"]],
                    lpi[L["SAO_END_NUMBER"]],
                    lpi[L["SAO_END_SUFFIX"]],
                ),
                pao_text=lpi[L["PAO_TEXT"]],
                pao_number=r.number_range(
                    lpi[L["PAO_START_NUMBER"]],
                    lpi[L["PAO_START_SUFFIX"]],
                    lpi[L["PAO_END_NUMBER"]],
                    lpi[L["PAO_END_SUFFIX"]],
                ),
                street=street,
                locality=locality,
                town=town,
                post_town=lpi[L["POST_TOWN"]],
            )
            postcode = lpi[L["POSTCODE"]]
        if dpa is not None:
            updated = _later(updated, r.parse_optional_date(dpa[D["LAST_UPDATE_DATE"]], "LAST_UPDATE_DATE"))
            lines = r.dpa_lines(
                department=dpa[D["DEPARTMENT_NAME"]],
                organisation=dpa[D["ORGANISATION_NAME"]],
                sub_building=dpa[D["SUB_BUILDING_NAME"]],
                building_name=dpa[D["BUILDING_NAME"]],
                building_number=dpa[D["BUILDING_NUMBER"]],
                po_box=dpa[D["PO_BOX_NUMBER"]],
                dependent_thoroughfare=dpa[D["DEPENDENT_THOROUGHFARE"]],
                thoroughfare=dpa[D["THOROUGHFARE"]],
                double_dependent_locality=dpa[D["DOUBLE_DEPENDENT_LOCALITY"]],
                dependent_locality=dpa[D["DEPENDENT_LOCALITY"]],
                post_town=dpa[D["POST_TOWN"]],
            )
            postcode = dpa[D["POSTCODE"]] or postcode
        if not lines:
            warnings.append(f"UPRN {uprn} has no current address (LPI or DPA)")
        easting, northing = r.grid_or_none(
            r.parse_optional_float(blpu[B["X_COORDINATE"]], "X_COORDINATE", 2),
            r.parse_optional_float(blpu[B["Y_COORDINATE"]], "Y_COORDINATE", 2),
        )
        retiring = (
            blpu[B["CHANGE_TYPE"]].upper() == "D"
            or logical_status == r.LOGICAL_STATUS_HISTORICAL
            or logical_status in r.LOGICAL_STATUS_REJECTED
        )
        return r.PropertyRecord(
            uprn=uprn,
            lines=r.fit_lines(lines, warnings),
            postcode=r.postcode_or_blank(postcode, warnings),
            parent_uprn=r.parse_optional_uprn(blpu[B["PARENT_UPRN"]], "PARENT_UPRN"),
            easting=easting,
            northing=northing,
            latitude=None,
            longitude=None,
            classification=code,
            status=r.derive_status(code, blpu[B["BLPU_STATE"]], logical_status),
            usrn=usrn,
            source_updated=updated,
            retiring=retiring,
            skip="street record (class PS)" if r.is_street_record(code) else "",
            warnings=warnings,
        )
