"""The reports' header, set once: `report header` keeps it in the settings, `report yearly`
writes it into the PDF (read back with pdftotext), a field on the command line wins for
that report, and a value a document cannot carry is refused with a clear error."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from studio.errors import InvalidPreference
from studio.preferences import Preferences
from studio.reports.document import Header, header_from
from tests.support.cli import run


def test_blank_settings_keep_the_placeholders_and_overrides_win():
    assert header_from(Preferences()) == Header()
    prefs = Preferences(report_commune="UBND xã Đắk Ơ", report_signer="Nguyễn Thị Hằng")
    header = header_from(prefs, signer="Trần Văn Bình", number=None)
    assert header.commune == "UBND xã Đắk Ơ" and header.signer == "Trần Văn Bình"
    assert header.number == Header().number and header.authority == Header().authority
    with pytest.raises(InvalidPreference):
        Preferences(report_number="15/BC\nUBND").validated()
    with pytest.raises(InvalidPreference):
        Preferences.from_json({"report_commune": 15})


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_header_set_once_is_used_by_the_yearly_report(data_dir, library, tmp_path):
    printed = run(data_dir, "report", "header", "--commune", "UBND xã Đắk Ơ", "--authority", "UBND huyện Bù Gia Mập",
                  "--number", "27/BC-UBND", "--place", "Đắk Ơ", "--signer-title", "Phó Chủ tịch",
                  "--signer", "Nguyễn Thị Hằng").stdout
    assert "commune: UBND xã Đắk Ơ" in printed and "signer: Nguyễn Thị Hằng" in printed
    saved = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert saved["report_number"] == "27/BC-UBND" and saved["report_signer_title"] == "Phó Chủ tịch"
    assert "number: 27/BC-UBND" in run(data_dir, "report", "header").stdout  # kept

    pdf = tmp_path / "nam.pdf"
    run(data_dir, "report", "yearly", "--year", "2026", "--out", str(pdf))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("UBND HUYỆN BÙ GIA MẬP", "UBND XÃ ĐẮK Ơ", "Số: 27/BC-UBND", "Đắk Ơ, ngày", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                     "Nguyễn Thị Hằng"):
        assert expected in text, expected
    run(data_dir, "report", "yearly", "--year", "2026", "--signer", "Trần Văn Bình", "--out", str(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Trần Văn Bình" in text and "Nguyễn Thị Hằng" not in text and "27/BC-UBND" in text
    failed = run(data_dir, "report", "header", "--number", "x" * 300, expect=1)
    assert "report_number" in failed.stderr
