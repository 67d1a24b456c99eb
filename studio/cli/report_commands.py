"""CLI: `radio-studio report` — the statistics of a period as XLSX, PDF, CSV or JSON, and
`report yearly` — the commune's yearly report (PDF, the administrative layout).

    radio-studio report --from 2026-01-01 --to 2026-12-31 [--zone NAME]... [--format xlsx] --out FILE
    radio-studio report yearly --year 2026 --out FILE.pdf
    radio-studio report header [--commune ...] [--authority ...] [--number ...] [--place ...]
                               [--signer-title ...] [--signer ...]   (kept in the settings)
    radio-studio categories [--retired] [add NAME | rename NAME NEW | retire NAME | reinstate NAME
                             | remove NAME] --by ADMIN
    radio-studio categories set PROGRAMME_ID NAME      (or --none)

The format defaults to the output file's extension. Prints the main figures. Exit codes
as everywhere: 0 success, 1 a user error (unknown zone), 2 bad usage.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from studio.cli.console import Parser
from studio.cli.runtime import open_library
from studio.context import StudioContext


def add_parsers(sub) -> None:
    p = sub.add_parser("report", help="broadcast statistics of a period: xlsx, pdf, csv or json; "
                                      "'report yearly' for the yearly report")
    p.add_argument("--from", dest="first", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="last", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--zone", action="append", default=[], metavar="NAME", help="only these zones (repeatable)")
    p.add_argument("--format", choices=["xlsx", "pdf", "csv", "json"], help="default: from the file's extension")
    p.add_argument("--out", type=Path, metavar="FILE")
    _header_options(p)
    p.set_defaults(func=_report, parser=p)
    report_sub = p.add_subparsers(dest="report_action", metavar="ACTION", parser_class=Parser)
    y = report_sub.add_parser("yearly", help="the commune's yearly report (PDF)")
    y.add_argument("--year", type=int, required=True)
    y.add_argument("--zone", action="append", default=[], metavar="NAME")
    y.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    _header_options(y)
    y.set_defaults(func=_yearly)
    h = report_sub.add_parser("header", help="the reports' header, kept in the settings: "
                                             "give fields to change them; prints what reports will use")
    _header_options(h)
    h.set_defaults(func=_header_settings)
    add_category_parsers(sub)


def add_category_parsers(sub) -> None:
    p = sub.add_parser("categories", help="programme categories (chuyên mục): list; add, rename, retire, reinstate, "
                                          "remove (admin); set a programme's")
    p.add_argument("--retired", action="store_true", help="list the retired ones too")
    p.set_defaults(func=_categories_list)
    c = p.add_subparsers(dest="categories_action", metavar="ACTION", parser_class=Parser)
    for action, names in (("add", ("name",)), ("rename", ("name", "new_name")), ("retire", ("name",)),
                          ("reinstate", ("name",)), ("remove", ("name",))):
        q = c.add_parser(action, help=f"{action} a category (an admin's password)")
        for name in names:
            q.add_argument(name)
        q.add_argument("--by", required=True, metavar="ADMIN")
        q.add_argument("--password-stdin", action="store_true")
        q.set_defaults(func=_categories_change, action=action)
    q = c.add_parser("set", help="set a programme's category")
    q.add_argument("programme_id", type=int)
    q.add_argument("name", nargs="?")
    q.add_argument("--none", action="store_true", help="no category")
    q.set_defaults(func=_categories_set)


def _categories_list(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.reports.categories import Categories

    for category in Categories(open_library(ctx).conn).all(retired=args.retired):
        print(f"{category.name} (retired)" if category.retired else category.name)
    return 0


def _categories_change(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.accounts.store import Accounts
    from studio.cli.operator import password
    from studio.reports.categories import Categories

    conn = open_library(ctx).conn
    by = Accounts(conn).authenticate(args.by, password(args, f"password of {args.by}: "))
    categories = Categories(conn)
    if args.action == "add":
        print(categories.add(args.name, by).name)
    elif args.action == "rename":
        print(categories.rename(args.name, args.new_name, by).name)
    elif args.action == "retire":
        print(f"{categories.retire(args.name, by).name} (retired)")
    elif args.action == "reinstate":
        print(categories.reinstate(args.name, by).name)
    else:
        categories.remove(args.name, by)
    return 0


def _categories_set(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.cli.operator import operator
    from studio.reports.categories import Categories

    if (args.name is None) == (not args.none):
        raise SystemExit("radio-studio: error: give a category name or --none")
    Categories(open_library(ctx).conn).assign(args.programme_id, None if args.none else args.name, operator())
    return 0


def _header_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--commune", help="the issuing body, e.g. 'UBND xã Đắk Ơ' (default: from 'report header')")
    p.add_argument("--authority", help="the level above, e.g. 'UBND huyện Bù Gia Mập'")
    p.add_argument("--place", help="the place of the date line, e.g. 'Đắk Ơ'")
    p.add_argument("--number", help="the document's number and symbol, e.g. '15/BC-UBND'")
    p.add_argument("--signer-title", help="the signer's title, e.g. 'Chủ tịch'")
    p.add_argument("--signer", help="the signer's name")


def _header(args: argparse.Namespace, ctx: StudioContext):
    from studio.preferences import load_preferences
    from studio.reports.document import header_from

    return header_from(load_preferences(ctx.paths.settings_file), authority=args.authority, commune=args.commune,
                       place=args.place, number=args.number, signer_title=args.signer_title, signer=args.signer)


def _header_settings(args: argparse.Namespace, ctx: StudioContext) -> int:
    """Keep the given header fields in the settings; print the header reports will use."""
    from dataclasses import replace

    from studio.preferences import load_preferences, save_preferences
    from studio.reports.document import HEADER_FIELDS, header_from

    prefs = load_preferences(ctx.paths.settings_file)
    given = {f"report_{field}": getattr(args, field).strip() for field in HEADER_FIELDS
             if getattr(args, field) is not None}
    if given:
        prefs = replace(prefs, **given).validated()
        save_preferences(ctx.paths.settings_file, prefs)
    header = header_from(prefs)
    for field in HEADER_FIELDS:
        print(f"{field}: {getattr(header, field)}")
    return 0


def _zone_ids(library, names: list[str]) -> tuple[int, ...]:
    from studio.schedule.zones import Zones

    zones = Zones(library.conn)
    return tuple(zones.get(name).id for name in names)


def _report(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.reports.service import ReportFormat, export
    from studio.reports.statistics import Scope

    if args.first is None or args.last is None or args.out is None:
        args.parser.error("report needs --from, --to and --out (or: report yearly --year Y --out FILE.pdf)")
    if args.last < args.first:
        args.parser.error("--to is before --from")
    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in {f.value for f in ReportFormat}:
        args.parser.error("give --format xlsx|pdf|csv|json (the file's extension says none of them)")
    library = open_library(ctx)
    scope = Scope(args.first, args.last, zones=_zone_ids(library, args.zone))
    report = export(library.conn, scope, ReportFormat(fmt), args.out, _header(args, ctx), library.clock.utc_now())
    _print(report, args.out)
    return 0


def _yearly(args: argparse.Namespace, ctx: StudioContext) -> int:
    from studio.reports.service import ReportFormat, export, year_scope

    library = open_library(ctx)
    scope = year_scope(args.year, _zone_ids(library, args.zone))
    report = export(library.conn, scope, ReportFormat.PDF, args.out, _header(args, ctx), library.clock.utc_now(),
                    f"Kết quả hoạt động thông tin cơ sở của đài truyền thanh xã năm {args.year}")
    _print(report, args.out)
    return 0


def _print(report, out: Path) -> None:
    availability = "-" if report.availability is None else f"{report.availability * 100:.1f} %"
    print(f"{out}: {report.sessions} sessions, {report.hours:.2f} h, planned {report.planned}, "
          f"played {report.played}, emergencies {report.emergencies}, ethnic-language {report.ethnic_hours:.2f} h, "
          f"availability {availability}, faults {len(report.faults)}")
    for reason, count in sorted(report.differences.items()):
        print(f"  not played: {reason} {count}")
