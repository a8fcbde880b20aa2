"""Fixtures: sample gazetteer files in a temporary directory, and job result files kept there too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gazetteer_samples import DTF_SAMPLE, abp_rows


@pytest.fixture
def abp_file(tmp_path) -> Path:
    """Both AddressBase Plus samples in one file (9 UPRNs, 10000000001–10000000009)."""
    path = tmp_path / "abp_full.csv"
    path.write_text("\r\n".join(abp_rows()) + "\r\n")
    return path


@pytest.fixture
def dtf_file(tmp_path) -> Path:
    path = tmp_path / "dtf81.csv"
    shutil.copy(DTF_SAMPLE, path)
    return path


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    settings.JOB_FILES_DIR = tmp_path / "job-files"
