"""Importers for the polling-data exports of the incumbent EMSs (Xpress, Idox Eros, Democracy
Counts, FCS, EONI): recognise a file (``detect``), read it into plain records
(``polling_data``); ``ems.register.services.polling_data_import`` writes them.
"""

from .detect import Detected, detect_bytes, read_export
from .polling_data import read_polling_data
from .records import FORMAT_LABELS, ImportFileError, ParsedImport

__all__ = [
    "FORMAT_LABELS",
    "Detected",
    "ImportFileError",
    "ParsedImport",
    "detect_bytes",
    "read_export",
    "read_polling_data",
]
