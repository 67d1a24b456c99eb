"""What a report document says: its header (who issues it) and its Vietnamese wording.

A report is an administrative document in Vietnamese whatever the window's language
(Nghị định 30/2020/NĐ-CP), so its fixed text lives here, beside the exports that write it,
not in the UI catalogues. Values only; any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from studio.languages import display_name
from studio.reports.statistics import NO_RECORD

if TYPE_CHECKING:
    from studio.preferences import Preferences

NATIONAL_TITLE = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

OUTCOMES = {
    "played": "Đã phát",
    "missed": "Bị lỡ (máy thu không hoạt động)",
    "interrupted": "Bị ngắt (phát khẩn cấp)",
    "failed": "Lỗi phát",
    "skipped-missing": "Thiếu tệp âm thanh",
    "skipped-quiet": "Giờ yên tĩnh",
    "stream-failed": "Mất sóng tiếp sóng (đã phát bản dự phòng)",
    "stream-silent": "Kênh tiếp sóng im lặng (đã phát bản dự phòng)",
    NO_RECORD: "Không có nhật ký phát",
}

def outcome_name(outcome: str) -> str:
    return OUTCOMES.get(outcome, outcome)


def language_name(code: str) -> str:
    return display_name(code)


@dataclass(frozen=True)
class Header:
    """Who issues the report (the header and the signature block)."""

    authority: str = "UBND HUYỆN"  # the level above, first line of the left header
    commune: str = "UBND XÃ"
    place: str = "Xã"  # the place in the date line ("Xã ..., ngày ... tháng ... năm ...")
    number: str = "     /BC-UBND"
    signer_title: str = "CHỦ TỊCH"
    signer: str = ""
    issued: date | None = None


HEADER_FIELDS = ("authority", "commune", "number", "place", "signer_title", "signer")


def header_from(preferences: Preferences, **overrides: str | None) -> Header:
    """The header the settings keep (set once in the window or with `report header`); a
    blank setting keeps the document's placeholder; `overrides` that are not None win."""
    values = {field: getattr(preferences, f"report_{field}") for field in HEADER_FIELDS}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Header(**{k: v for k, v in values.items() if v})


def date_line(header: Header, issued: date) -> str:
    return f"{header.place}, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}"


def hours_text(hours: float) -> str:
    """Hours with a decimal comma, as Vietnamese documents write them."""
    return f"{hours:.1f}".replace(".", ",")


def percent_text(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}".replace(".", ",") + " %"
