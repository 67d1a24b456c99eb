"""The report as a PDF in the Vietnamese administrative layout (Nghị định 30/2020/NĐ-CP):
the issuing body and the Quốc hiệu / tiêu ngữ side by side, the number and the date line,
the title, the body with the figures, a table and a chart, the recipients and the
signature block. fpdf2 writes it (pure Python, embeds a subset of a TrueType font); the
font is DejaVu Sans, bundled as package data, which has every Vietnamese glyph. The chart
is drawn with PDF rectangles: no plotting library, a year's report in well under a second.
Blocking; any thread.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from studio.reports.document import (
    MOTTO,
    NATIONAL_TITLE,
    Header,
    date_line,
    hours_text,
    outcome_name,
    percent_text,
)
from studio.reports.statistics import Report

log = logging.getLogger(__name__)

FONT = "DejaVu"
BAR_COLOURS = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
               (227, 119, 194), (127, 127, 127))


def write_pdf(report: Report, path: Path, header: Header, issued: date, title: str | None = None) -> Path:
    from fpdf import FPDF

    from studio.resources import font_path

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(30, 20, 15)  # Nghị định 30: left 30-35 mm, right 15-20 mm, top 20-25 mm
    pdf.set_auto_page_break(True, 20)
    pdf.add_font(FONT, "", str(font_path("DejaVuSans")))
    pdf.add_font(FONT, "B", str(font_path("DejaVuSans-Bold")))
    pdf.set_title(title or "Báo cáo")
    pdf.add_page()
    _heading(pdf, header, issued)
    scope = report.scope
    pdf.ln(8)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 7, "BÁO CÁO", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 6, title or "Kết quả hoạt động thông tin cơ sở của đài truyền thanh xã", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.cell(0, 6, f"(Từ ngày {scope.first_day:%d/%m/%Y} đến ngày {scope.last_day:%d/%m/%Y})", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _body(pdf, report)
    _signature(pdf, header)
    pdf.output(str(path))
    return path


def _heading(pdf, header: Header, issued: date) -> None:
    left_w, right_w = 65, pdf.epw - 65
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_font(FONT, "", 11)
    pdf.set_xy(x, y)
    pdf.cell(left_w, 5.5, header.authority.upper(), align="C")
    pdf.set_xy(x, y + 5.5)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(left_w, 5.5, header.commune.upper(), align="C")
    width = pdf.get_string_width(header.commune.upper()) / 3
    pdf.line(x + left_w / 2 - width / 2, y + 11.5, x + left_w / 2 + width / 2, y + 11.5)
    pdf.set_font(FONT, "B", 10.5)
    pdf.set_xy(x + left_w, y)
    pdf.cell(right_w, 5.5, NATIONAL_TITLE, align="C")
    pdf.set_font(FONT, "B", 11)
    pdf.set_xy(x + left_w, y + 5.5)
    pdf.cell(right_w, 5.5, MOTTO, align="C")
    width = pdf.get_string_width(MOTTO)
    pdf.line(x + left_w + right_w / 2 - width / 2, y + 11.5, x + left_w + right_w / 2 + width / 2, y + 11.5)
    pdf.set_font(FONT, "", 11)
    pdf.set_xy(x, y + 15)
    pdf.cell(left_w, 5.5, f"Số: {header.number}", align="C")
    pdf.set_xy(x + left_w, y + 15)
    pdf.cell(right_w, 5.5, date_line(header, issued), align="C", new_x="LMARGIN", new_y="NEXT")


def _paragraph(pdf, text: str, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", 11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _body(pdf, report: Report) -> None:
    _paragraph(pdf, "I. KẾT QUẢ PHÁT THANH", bold=True)
    _paragraph(pdf, f"1. Tổng số buổi phát: {report.sessions} buổi, với {hours_text(report.hours)} giờ phát "
                    f"({hours_text(report.speaker_hours)} giờ cộng dồn của các cụm loa).")
    _paragraph(pdf, f"2. Theo kế hoạch: {report.planned} lượt phát; đã phát {report.played} lượt"
                    + ("." if not report.differences else "; chưa phát được: " + "; ".join(
                        f"{outcome_name(reason).lower()} {count} lượt"
                        for reason, count in sorted(report.differences.items())) + "."))
    _paragraph(pdf, f"3. Phát khẩn cấp: {report.emergencies} buổi.")
    _paragraph(pdf, f"4. Phát bằng tiếng dân tộc thiểu số: {hours_text(report.ethnic_hours)} giờ.")
    _paragraph(pdf, "5. Số giờ phát theo tháng và chuyên mục:")
    _month_chart(pdf, report)
    _paragraph(pdf, "II. TÌNH TRẠNG THIẾT BỊ", bold=True)
    _paragraph(pdf, f"Tỷ lệ hoạt động bình quân của các cụm loa: {percent_text(report.availability)}; "
                    f"số lượt cụm loa phát im lặng hoặc lỗi: {len(report.faults)}.")
    _receiver_table(pdf, report)


def _month_chart(pdf, report: Report) -> None:
    data = report.hours_by_month_category
    months = sorted({m for m, _ in data})
    categories = sorted({c for _, c in data})
    if not months:
        _paragraph(pdf, "(không có buổi phát nào trong kỳ)")
        return
    height, legend_h = 55.0, 5.0 * ((len(categories) + 1) // 2)
    if pdf.get_y() + height + legend_h + 14 > pdf.page_break_trigger:
        pdf.add_page()
    top, left = pdf.get_y() + 2, pdf.l_margin + 12
    width = pdf.epw - 14
    totals = {m: sum(data.get((m, c), 0.0) for c in categories) for m in months}
    peak = max(totals.values()) or 1.0
    pdf.set_draw_color(0)
    pdf.line(left, top, left, top + height)
    pdf.line(left, top + height, left + width, top + height)
    pdf.set_font(FONT, "", 7)
    for step in range(5):
        value = peak * step / 4
        y = top + height - height * step / 4
        pdf.set_xy(pdf.l_margin, y - 2)
        pdf.cell(11, 4, hours_text(value), align="R")
    slot = width / len(months)
    for i, month in enumerate(months):
        base = top + height
        for c, category in enumerate(categories):
            value = data.get((month, category), 0.0)
            bar = height * value / peak
            pdf.set_fill_color(*BAR_COLOURS[c % len(BAR_COLOURS)])
            if bar > 0:
                pdf.rect(left + i * slot + slot * 0.15, base - bar, slot * 0.7, bar, style="F")
            base -= bar
        pdf.set_xy(left + i * slot, top + height + 0.5)
        pdf.cell(slot, 4, f"{month[5:]}/{month[2:4]}", align="C")
    y = top + height + 6
    for c, category in enumerate(categories):
        x = left + (c % 2) * width / 2
        if c % 2 == 0 and c:
            y += 5
        pdf.set_fill_color(*BAR_COLOURS[c % len(BAR_COLOURS)])
        pdf.rect(x, y + 1, 3, 3, style="F")
        pdf.set_xy(x + 4, y)
        pdf.cell(width / 2 - 5, 5, category or "Chưa phân loại")
    pdf.set_y(y + 8)
    pdf.set_font(FONT, "", 11)


def _receiver_table(pdf, report: Report) -> None:
    if not report.receivers:
        return
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, "", 9.5)
    with pdf.table(headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)), col_widths=(40, 34, 26, 20, 20, 20), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT",
                                                                     "RIGHT"), line_height=5) as table:
        table.row(("Cụm loa", "Thôn", "Hoạt động", "Đã phát", "Lỗi", "Im lặng"))
        for r in report.receivers:
            table.row((r.name, r.zone, percent_text(r.availability), str(r.plays), str(r.failed), str(r.silent)))
    pdf.ln(3)
    log.debug("receiver table ends at %.1f mm", pdf.get_y())


def _signature(pdf, header: Header) -> None:
    if pdf.get_y() + 45 > pdf.page_break_trigger:
        pdf.add_page()
    y = pdf.get_y() + 6
    left_w = pdf.epw / 2
    pdf.set_xy(pdf.l_margin, y)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(left_w, 5, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for line in ("- UBND huyện (báo cáo);", "- Lưu: VT."):
        pdf.cell(left_w, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.l_margin + left_w, y)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(left_w, 5.5, "TM. ỦY BAN NHÂN DÂN", align="C")
    lines = [header.signer_title.upper()]
    if lines[0].startswith("PHÓ "):  # a deputy signs on behalf of the chair (Nghị định 30, Phụ lục I)
        lines.insert(0, "KT. " + lines[0][len("PHÓ "):])
    for offset, line in enumerate(lines, start=1):
        pdf.set_xy(pdf.l_margin + left_w, y + 5.5 * offset)
        pdf.cell(left_w, 5.5, line, align="C")
    pdf.set_xy(pdf.l_margin + left_w, y + 32)
    pdf.cell(left_w, 5.5, header.signer, align="C")
