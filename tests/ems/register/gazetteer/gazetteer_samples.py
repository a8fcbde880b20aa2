"""Sample gazetteer files for the tests: the uk-geo-utils AddressBase Plus fixtures and our DTF 8.1 sample."""

from __future__ import annotations

from pathlib import Path

ABP_DIR = Path("/work/shared/data/address-samples/addressbase_plus")
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "gazetteer"
DTF_SAMPLE = FIXTURES / "dtf81_sample.csv"


def abp_rows() -> list[str]:
    """The nine AddressBase Plus rows of the two sample files, as text lines (CRLF stripped)."""
    rows: list[str] = []
    for name in ("addressbase_test1.csv", "addressbase_test2.csv"):
        rows.extend(line for line in (ABP_DIR / name).read_text().splitlines() if line.strip())
    return rows


def write_dtf(path: Path, lines: list[str], fix_count: bool = True) -> Path:
    """Write DTF lines; with ``fix_count`` the trailer's RECORD_COUNT is recomputed."""
    if fix_count and lines and lines[-1].startswith("99,"):
        count = sum(1 for line in lines if line.split(",")[0] not in {"10", "99"})
        parts = lines[-1].split(",")
        parts[2] = str(count)
        lines = [*lines[:-1], ",".join(parts)]
    path.write_text("\n".join(lines) + "\n")
    return path
