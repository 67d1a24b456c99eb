"""CLI commands for the fleet: `receivers`, `publish`, `outbox`, `deliver`, `emergency`.

`publish` compiles and queues; `deliver` sends (headless; `--until-idle` stops when the
outbox is empty). Exit codes as everywhere: 0 success, 1 a user error, 2 bad usage;
`deliver --until-idle` exits 1 when deliveries are still pending at its timeout.
"""

from __future__ import annotations

import json
import sys

from studio.paths import StudioPaths


def add_parsers(sub) -> None:
    parser_class = sub._parser_class
    receivers = sub.add_parser("receivers", help="loudspeaker receivers: status table, or add (pair) one")
    receivers_sub = receivers.add_subparsers(dest="receivers_action", metavar="ACTION", parser_class=parser_class)
    p = receivers_sub.add_parser("add", help="pair a receiver with the code it shows")
    p.add_argument("url", help="http://ADDRESS:PORT")
    p.add_argument("--code", required=True)
    p.add_argument("--zone", required=True, metavar="NAME")
    p.add_argument("--name")
    p = sub.add_parser("publish", help="compile what is approved and scheduled into the outbox")
    p.add_argument("--days", type=int, default=14)
    sub.add_parser("outbox", help="deliveries waiting, with progress, attempts and errors")
    p = sub.add_parser("deliver", help="send the outbox to the receivers (headless)")
    p.add_argument("--until-idle", action="store_true", help="stop when nothing is pending")
    p.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds (default 600)")
    p = sub.add_parser("emergency", help="play a clip now on every receiver of the zones")
    p.add_argument("clip_id", type=int)
    p.add_argument("--zone", action="append", required=True, metavar="NAME")


def cmd(args, paths: StudioPaths, open_library) -> int:
    library = open_library(paths)
    from studio.fleet.keys import StudioKey

    key = StudioKey(paths.keys_dir)
    return {"receivers": _receivers, "publish": _publish, "outbox": _outbox, "deliver": _deliver,
            "emergency": _emergency}[args.command](args, library, key)


def _operator() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


def _receivers(args, library, key) -> int:
    from studio.fleet.client import ReceiverClient
    from studio.library import now_utc
    from studio.schedule.zones import Zones

    conn = library.conn
    if args.receivers_action == "add":
        zone = Zones(conn).get(args.zone)
        client = ReceiverClient(args.url, key)
        paired = client.pair(args.code, "Commune Radio Studio")
        conn.execute(
            """INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)
               ON CONFLICT(receiver_id) DO UPDATE SET address = excluded.address, zone_id = excluded.zone_id""",
            (paired["receiver_id"], args.name or paired["name"], args.url.rstrip("/"), zone.id, now_utc()))
        print(paired["receiver_id"])
        return 0
    from studio.errors import StudioError

    print(f"{'NAME':<18} {'ZONE':<16} {'STATE':<8} {'MANIFEST':>8}/{'LATEST':<6} {'PENDING':>9} {'CLOCK':>7} "
          f"{'FREE MB':>8} {'VOL':>4}  NOW PLAYING / LAST ERROR")
    zones = {z.id: z.name for z in Zones(conn).all()}
    latest = conn.execute("SELECT MAX(version) FROM deliveries").fetchone()[0] or 0
    for row in conn.execute("SELECT * FROM receivers ORDER BY name").fetchall():
        pending = conn.execute("SELECT COALESCE(SUM(bytes_total - bytes_sent), 0) FROM deliveries "
                               "WHERE receiver = ? AND state = 'pending'", (row["id"],)).fetchone()[0]
        try:
            status = ReceiverClient(row["address"], key, row["receiver_id"], timeout=(2.0, 5.0)).status()
            state, detail = "online", json.dumps(status.get("now_playing") or "")[:40]
            clock = f"{status.get('clock_offset_s') or 0:+.1f}s"
            free = f"{status['free_bytes'] / 1e6:.0f}"
            volume, version = str(status["volume"]), status.get("manifest_version") or 0
        except StudioError as exc:
            state, detail, clock, free, volume = "offline", (row["last_error"] or exc.describe())[:60], "", "", ""
            version = row["delivered_version"]
        print(f"{row['name'][:18]:<18} {zones.get(row['zone_id'], '')[:16]:<16} {state:<8} {version:>8}/{latest:<6} "
              f"{pending / 1e6:>7.1f}MB {clock:>7} {free:>8} {volume:>4}  {detail}")
    return 0


def _publish(args, library, key) -> int:
    from studio.fleet.publish import publish

    result = publish(library, _operator(), args.days)
    print(f"publish {result.publish_id}: {result.receivers} receivers, {result.items} items, "
          f"{result.media} programme versions; {result.skipped_unapproved} occurrences not approved (not sent)")
    return 0


def _outbox(args, library, key) -> int:
    rows = library.conn.execute(
        """SELECT d.*, r.name FROM deliveries d JOIN receivers r ON r.id = d.receiver
           WHERE d.state = 'pending' ORDER BY d.id""").fetchall()
    print(f"{'ID':>5} {'RECEIVER':<18} {'VERSION':>7} {'PROGRESS':>14} {'TRIES':>5}  NEXT TRY / LAST ERROR")
    for row in rows:
        progress = f"{row['bytes_sent'] / 1e6:.1f}/{row['bytes_total'] / 1e6:.1f}MB"
        print(f"{row['id']:>5} {row['name'][:18]:<18} {row['version']:>7} {progress:>14} {row['attempts']:>5}  "
              f"{(row['next_attempt'] or '')[:19]} {row['last_error'] or ''}")
    print(f"{len(rows)} pending")
    return 0


def _deliver(args, library, key) -> int:
    from studio.fleet.delivery import deliver_until_idle

    left = deliver_until_idle(library, key, args.timeout if args.until_idle else args.timeout)
    if left:
        print(f"radio-studio: {left} deliveries still pending (receivers unreachable?); see `radio-studio outbox`",
              file=sys.stderr)
        return 1
    print("outbox empty: every receiver holds the latest manifest")
    return 0


def _emergency(args, library, key) -> int:
    from studio.audio.settings import OutputFormat, RenderSettings
    from studio.errors import StudioError
    from studio.fleet.client import ReceiverClient
    from studio.rendering import Renderer
    from studio.schedule.zones import Zones

    result = Renderer(library).render_clip(args.clip_id, OutputFormat.OPUS, RenderSettings())
    zones = Zones(library.conn)
    zone_ids = [zones.get(name).id for name in args.zone]
    rows = library.conn.execute(f"SELECT * FROM receivers WHERE zone_id IN ({','.join('?' * len(zone_ids))})",
                                zone_ids).fetchall()
    failures = 0
    for row in rows:
        client = ReceiverClient(row["address"], key, row["receiver_id"])
        try:
            client.upload(result.media_path, result.output_sha256)
            client.play_now([result.output_sha256])
            print(f"{row['name']}: playing")
        except StudioError as exc:
            failures += 1
            print(f"radio-studio: error: {row['name']}: {exc.describe()}", file=sys.stderr)
    from studio.accounts import Accounts

    Accounts(library.conn).record(_operator(), "emergency-play-now", "clip", args.clip_id,
                                  {"zones": args.zone, "receivers": len(rows), "failures": failures})
    return 1 if failures or not rows else 0
