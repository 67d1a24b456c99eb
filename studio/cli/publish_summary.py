"""What `radio-studio publish` prints before it queues: per receiver what the new
manifest adds, removes and keeps (occurrences and minutes), the broadcasts removed with
their reasons, and the zones that would fall silent for the next 24 hours. The CLI's own
(English) wording of the preview's values; the window words them in Vietnamese."""

from __future__ import annotations

from studio.fleet.publish_preview import Amount, PublishPreview, Removal, RemovedBroadcasts
from studio.programmes.approval_status import Why

_WHY = {
    Why.CLIP_EDITED: "not approved again after clip {clips} was edited",
    Why.CLIP_TRASHED: "clip {clips} is in the trash",
    Why.PROGRAMME_EDITED: "not approved again after the programme was edited",
    Why.CONTENT_CHANGED: "not approved again after its content changed",
    Why.AWAITING_APPROVAL: "submitted, waiting for approval",
    Why.REJECTED: "rejected by the approver",
    Why.NEVER_APPROVED: "never approved",
}
_REMOVAL = {
    Removal.UNSCHEDULED: "taken off the schedule",
    Removal.PROGRAMME_DELETED: "the programme was deleted",
    Removal.ZONE_CHANGED: "the receiver moved to another zone",
    Removal.BEYOND_DAYS: "after the last day of this publish (use --days)",
}


def _amount(amount: Amount, sign: str = "") -> str:
    return f"{sign}{amount.occurrences} ({amount.minutes:.1f} min)"


def reason_text(group: RemovedBroadcasts) -> str:
    if group.reason is Removal.NOT_APPROVED and group.gap is not None:
        clips = ", ".join(f'"{c.title}"' for c in group.clips)
        return _WHY[group.gap.why].format(clips=clips)
    return _REMOVAL.get(group.reason, group.reason.value)


def print_summary(preview: PublishPreview) -> None:
    print(f"{'RECEIVER':<18} {'ZONE':<16} {'HOLDS':>5} {'ADDED':>16} {'REMOVED':>16} {'KEPT':>16}")
    for change in preview.receivers:
        print(f"{change.name[:18]:<18} {change.zone[:16]:<16} {change.held_version:>5} "
              f"{_amount(change.added, '+'):>16} {_amount(change.removed, '-'):>16} {_amount(change.kept):>16}")
    print(f"total: added {_amount(preview.total('added'))}, removed {_amount(preview.total('removed'))}, "
          f"kept {_amount(preview.total('kept'))}")
    if preview.removed:
        print("broadcasts removed:")
        for group in preview.removed:
            title = f'"{group.title}"' if group.title else "(a removed slot)"
            print(f"  {group.zone}: {title} x{group.occurrences} ({group.minutes:.1f} min, from "
                  f"{group.first_start.strftime('%d/%m %H:%M')}): {reason_text(group)}")
    for zone in preview.silent_zones:
        print(f'zone "{zone.zone}" would have nothing in the next 24 h (it had {zone.occurrences_before} '
              f"broadcasts, {zone.minutes_before:.1f} min)")
