"""The report as an XLSX workbook (XlsxWriter): one sheet per table, Vietnamese headers,
numbers as numbers, dates as dates, and native Excel charts (hours per month by category,
planned vs played, availability per receiver). Blocking; any thread.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from studio.reports.statistics import Report
from studio.reports.tables import Table, tables

SHEET_LIMIT = 31  # characters of an Excel sheet name


def write_xlsx(report: Report, path: Path) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    try:
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        day = workbook.add_format({"num_format": "dd/mm/yyyy"})
        moment = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        month = workbook.add_format({"num_format": "mm/yyyy"})
        sheets = {}
        for table in tables(report):
            sheet = workbook.add_worksheet(table.title[:SHEET_LIMIT])
            sheets[table.key] = (sheet, table)
            sheet.write_row(0, 0, table.headers, bold)
            for r, row in enumerate(table.rows, start=1):
                for c, value in enumerate(row):
                    if isinstance(value, datetime):
                        sheet.write_datetime(r, c, value, moment)
                    elif isinstance(value, date):
                        sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()),
                                             month if table.key == "hours_by_month_category" else day)
                    elif value is None:
                        sheet.write_blank(r, c, None)
                    else:
                        sheet.write(r, c, value)
            sheet.set_column(0, 0, 42 if table.key == "summary" else 24)
            sheet.set_column(1, len(table.headers) - 1, 18)
        _charts(workbook, sheets)
    finally:
        workbook.close()
    return path


def _charts(workbook, sheets: dict[str, tuple]) -> None:
    sheet, table = sheets["planned_vs_played"]
    if table.rows:
        chart = workbook.add_chart({"type": "pie"})
        chart.add_series({"name": table.title, "categories": [sheet.name, 1, 0, len(table.rows), 0],
                          "values": [sheet.name, 1, 1, len(table.rows), 1], "data_labels": {"value": True}})
        chart.set_title({"name": "Kế hoạch và thực tế"})
        sheet.insert_chart("D2", chart)
    sheet, table = sheets["receivers"]
    if table.rows:
        chart = workbook.add_chart({"type": "bar"})
        chart.add_series({"name": "Tỷ lệ hoạt động (%)", "categories": [sheet.name, 1, 0, len(table.rows), 0],
                          "values": [sheet.name, 1, 2, len(table.rows), 2]})
        chart.set_title({"name": "Tỷ lệ hoạt động của thiết bị"})
        chart.set_x_axis({"min": 0, "max": 100})
        chart.set_legend({"none": True})
        sheet.insert_chart("H2", chart)
    _month_chart(workbook, *sheets["hours_by_month_category"])


def _month_chart(workbook, sheet, table: Table) -> None:
    """Hours per month, one stacked series per category, from a pivot written beside the rows."""
    if not table.rows:
        return
    months = sorted({row[0] for row in table.rows})
    categories = sorted({row[1] for row in table.rows})
    values = {(row[0], row[1]): row[2] for row in table.rows}
    left = 5
    month = workbook.add_format({"num_format": "mm/yyyy"})
    sheet.write(0, left, "Tháng")
    for c, category in enumerate(categories, start=1):
        sheet.write(0, left + c, category)
    for r, when in enumerate(months, start=1):
        sheet.write_datetime(r, left, datetime.combine(when, datetime.min.time()), month)
        for c, category in enumerate(categories, start=1):
            sheet.write_number(r, left + c, values.get((when, category), 0.0))
    chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
    for c in range(1, len(categories) + 1):
        chart.add_series({"name": [sheet.name, 0, left + c], "categories": [sheet.name, 1, left, len(months), left],
                          "values": [sheet.name, 1, left + c, len(months), left + c]})
    chart.set_title({"name": "Số giờ phát theo tháng và chuyên mục"})
    chart.set_y_axis({"name": "Giờ"})
    chart.set_x_axis({"date_axis": True, "num_format": "mm/yyyy"})
    sheet.insert_chart(len(months) + 3, left, chart, {"x_scale": 1.6, "y_scale": 1.3})
