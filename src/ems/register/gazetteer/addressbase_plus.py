"""AddressBase Plus CSV (Ordnance Survey): one row per UPRN, 77 columns, no header row.

**Columns.** ``COLUMNS`` is the AddressBase Plus CSV column order (epoch 39 onwards), as in OS's
AddressBase Plus technical specification and its header file; it matches the 77-column rows of
the Democracy Club ``uk-geo-utils`` fixtures in ``/work/shared/data/address-samples/addressbase_plus``
and that project's ``clean_addressbase_plus`` field list. A file that starts with a header row
(``UPRN,UDPRN,…``) is accepted if the header matches.

**Field mapping** (AddressBase Plus → ``Property``):

=================================  =========================================================
``UPRN``                           ``uprn`` (≤ 12 digits; leading zeros dropped)
``PARENT_UPRN``                    ``parent_uprn``
DPA fields when ``UDPRN`` is set    ``address_1..6``: department, organisation, sub-building,
                                   building name, PO box, number + (dependent) thoroughfare,
                                   double dependent / dependent locality, post town
otherwise the LPI fields           ``address_1..6``: ``LA_ORGANISATION``, ``SAO_TEXT``, SAO/PAO
                                   numbers and suffixes, ``PAO_TEXT``, ``STREET_DESCRIPTION``,
                                   ``LOCALITY``, ``TOWN_NAME``
``POSTCODE`` (DPA) else            ``postcode`` (normalised by ``ems_rules.postcode``)
``POSTCODE_LOCATOR``
``X_COORDINATE``/``Y_COORDINATE``  ``easting``/``northing`` (BNG, EPSG:27700)
``LATITUDE``/``LONGITUDE``         ``latitude``/``longitude`` (ETRS89 ≈ WGS84 at map scale)
``CLASS``                          ``classification``; with ``STATE`` → ``status``
``USRN``                           ``usrn``
``LAST_UPDATE_DATE``               ``source_updated``
``CHANGE_TYPE`` = ``D``            retire (change-only supply)
=================================  =========================================================

Rows with ``CLASS`` ``PS`` (street records) are skipped: a street is not a property.

**Full or change-only.** The file itself does not say. ``full_supply`` is ``True`` after
reading when every row was an insert (``I``), ``False`` when any row was an update or delete
(``U``/``D``). Callers may override it (``--supply change`` for a tile or an extract that is
not the authority's whole gazetteer: only a *full* supply retires absent UPRNs).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from . import records as r

FORMAT = "addressbase-plus"

COLUMNS = (
    "UPRN", "UDPRN", "CHANGE_TYPE", "STATE", "STATE_DATE", "CLASS", "PARENT_UPRN", "X_COORDINATE",
    "Y_COORDINATE", "LATITUDE", "LONGITUDE", "RPC", "LOCAL_CUSTODIAN_CODE", "COUNTRY", "LA_START_DATE",
    "LAST_UPDATE_DATE", "ENTRY_DATE", "RM_ORGANISATION_NAME", "LA_ORGANISATION", "DEPARTMENT_NAME",
    "LEGAL_NAME", "SUB_BUILDING_NAME", "BUILDING_NAME", "BUILDING_NUMBER", "SAO_START_NUMBER",
    "SAO_START_SUFFIX", "SAO_END_NUMBER", "SAO_END_SUFFIX", "SAO_TEXT", "ALT_LANGUAGE_SAO_TEXT",
    "PAO_START_NUMBER", "PAO_START_SUFFIX", "PAO_END_NUMBER", "PAO_END_SUFFIX", "PAO_TEXT",
    "ALT_LANGUAGE_PAO_TEXT", "USRN", "USRN_MATCH_INDICATOR", "AREA_NAME", "LEVEL", "OFFICIAL_FLAG",
    "OS_ADDRESS_TOID", "OS_ADDRESS_TOID_VERSION", "OS_ROADLINK_TOID", "OS_ROADLINK_TOID_VERSION",
    "OS_TOPO_TOID", "OS_TOPO_TOID_VERSION", "VOA_CT_RECORD", "VOA_NDR_RECORD", "STREET_DESCRIPTION",
    "ALT_LANGUAGE_STREET_DESCRIPTION", "DEPENDENT_THOROUGHFARE", "THOROUGHFARE", "WELSH_DEPENDENT_THOROUGHFARE",
    "WELSH_THOROUGHFARE", "DOUBLE_DEPENDENT_LOCALITY", "DEPENDENT_LOCALITY", "LOCALITY",
    "WELSH_DEPENDENT_LOCALITY", "WELSH_DOUBLE_DEPENDENT_LOCALITY", "TOWN_NAME", "ADMINISTRATIVE_AREA",
    "POST_TOWN", "WELSH_POST_TOWN", "POSTCODE", "POSTCODE_LOCATOR", "POSTCODE_TYPE", "DELIVERY_POINT_SUFFIX",
    "ADDRESSBASE_POSTAL", "PO_BOX_NUMBER", "WARD_CODE", "PARISH_CODE", "RM_START_DATE", "MULTI_OCC_COUNT",
    "VOA_NDR_P_DESC_CODE", "VOA_NDR_SCAT_CODE", "ALT_LANGUAGE",
)  # fmt: skip
COLUMN_COUNT = len(COLUMNS)
_I = {name: index for index, name in enumerate(COLUMNS)}
CHANGE_TYPES = {"I", "U", "D"}
MAX_CLASS_LENGTH = 6


def looks_like(first_row: list[str]) -> bool:
    """True for a header row or a data row of this format (used by format detection)."""
    if len(first_row) != COLUMN_COUNT:
        return False
    return first_row[0].strip().upper() == "UPRN" or first_row[0].strip().isdigit()


class AddressBasePlusReader:
    format = FORMAT
    source_name = FORMAT

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.full_supply: bool | None = None
        self.rows_read = 0

    def __iter__(self) -> Iterator[r.PropertyRecord]:
        saw_change = False
        self.rows_read = 0
        name = str(self.path)
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            line = 0
            try:
                for row in reader:
                    line = reader.line_num
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue
                    if self.rows_read == 0 and row[0].strip().upper() == "UPRN":
                        if [c.strip().upper() for c in row] != list(COLUMNS):
                            raise r.GazetteerError(name, line, "header row does not match the AddressBase Plus columns")
                        continue
                    self.rows_read += 1
                    if len(row) != COLUMN_COUNT:
                        raise r.GazetteerError(
                            name, line, f"expected {COLUMN_COUNT} AddressBase Plus fields, found {len(row)}"
                        )
                    try:
                        record = self._record(row)
                    except ValueError as exc:
                        raise r.GazetteerError(name, line, str(exc)) from None
                    saw_change = saw_change or row[_I["CHANGE_TYPE"]].strip().upper() != "I"
                    yield record
            except csv.Error as exc:
                raise r.GazetteerError(name, reader.line_num or line, f"malformed CSV: {exc}") from None
            except UnicodeDecodeError as exc:
                raise r.GazetteerError(name, (line or 0) + 1, f"not UTF-8 text: {exc.reason}") from None
        if self.rows_read == 0:
            raise r.GazetteerError(name, None, "no AddressBase Plus rows in the file")
        self.full_supply = not saw_change

    @staticmethod
    def _record(row: list[str]) -> r.PropertyRecord:
        def get(column: str) -> str:
            return row[_I[column]].strip()

        change_type = get("CHANGE_TYPE").upper()
        if change_type not in CHANGE_TYPES:
            raise ValueError(f"CHANGE_TYPE must be I, U or D, not {get('CHANGE_TYPE')!r}")
        classification = get("CLASS").upper()
        if len(classification) > MAX_CLASS_LENGTH:
            raise ValueError(f"CLASS {classification!r} is longer than {MAX_CLASS_LENGTH} characters")
        warnings: list[str] = []
        easting, northing = r.grid_or_none(
            r.parse_optional_float(get("X_COORDINATE"), "X_COORDINATE", 2),
            r.parse_optional_float(get("Y_COORDINATE"), "Y_COORDINATE", 2),
        )
        latitude = r.parse_optional_float(get("LATITUDE"), "LATITUDE", 7)
        longitude = r.parse_optional_float(get("LONGITUDE"), "LONGITUDE", 7)
        if get("UDPRN"):
            r.parse_optional_int(get("UDPRN"), "UDPRN")
            lines = r.dpa_lines(
                department=get("DEPARTMENT_NAME"),
                organisation=get("RM_ORGANISATION_NAME"),
                sub_building=get("SUB_BUILDING_NAME"),
                building_name=get("BUILDING_NAME"),
                building_number=get("BUILDING_NUMBER"),
                po_box=get("PO_BOX_NUMBER"),
                dependent_thoroughfare=get("DEPENDENT_THOROUGHFARE"),
                thoroughfare=get("THOROUGHFARE"),
                double_dependent_locality=get("DOUBLE_DEPENDENT_LOCALITY"),
                dependent_locality=get("DEPENDENT_LOCALITY"),
                post_town=get("POST_TOWN"),
            )
            postcode = get("POSTCODE") or get("POSTCODE_LOCATOR")
        else:
            lines = r.lpi_lines(
                organisation=get("LA_ORGANISATION"),
                sao_text=get("SAO_TEXT"),
                sao_number=r.number_range(
                    get("SAO_START_NUMBER"), get("SAO_START_SUFFIX"), get("SAO_END_NUMBER"), get("SAO_END_SUFFIX")
                ),
                pao_text=get("PAO_TEXT"),
                pao_number=r.number_range(
                    get("PAO_START_NUMBER"), get("PAO_START_SUFFIX"), get("PAO_END_NUMBER"), get("PAO_END_SUFFIX")
                ),
                street=get("STREET_DESCRIPTION"),
                locality=get("LOCALITY"),
                town=get("TOWN_NAME"),
            )
            postcode = get("POSTCODE_LOCATOR")
        return r.PropertyRecord(
            uprn=r.parse_uprn(get("UPRN")),
            lines=r.fit_lines(lines, warnings),
            postcode=r.postcode_or_blank(postcode, warnings),
            parent_uprn=r.parse_optional_uprn(get("PARENT_UPRN"), "PARENT_UPRN"),
            easting=easting,
            northing=northing,
            latitude=latitude if easting is not None else None,
            longitude=longitude if easting is not None else None,
            classification=classification,
            status=r.derive_status(classification, get("STATE")),
            usrn=r.parse_optional_int(get("USRN"), "USRN"),
            source_updated=r.parse_optional_date(get("LAST_UPDATE_DATE"), "LAST_UPDATE_DATE"),
            retiring=change_type == "D",
            skip="street record (CLASS PS)" if r.is_street_record(classification) else "",
            warnings=warnings,
        )
