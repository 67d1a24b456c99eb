"""The receiver's volume rule (docs/protocol.md, "Volume"): a scheduled item plays at the
operator's volume, capped by the zone's maximum. Pure functions: safe from any thread."""

from __future__ import annotations


def ceiling(manifest: dict | None, item: dict | None = None) -> int:
    """The zone's maximum: the manifest's `max_volume`. A manifest from before it existed
    carried the zone's maximum as each item's `volume`: that is a ceiling too."""
    cap = int((manifest or {}).get("max_volume", 100))
    if item is not None and item.get("volume") is not None:
        cap = min(cap, int(item["volume"]))
    return cap


def scheduled_volume(operator: int, manifest: dict | None, item: dict | None = None) -> int:
    """What a scheduled item plays at: never louder than the operator set nor than the zone allows."""
    return min(operator, ceiling(manifest, item))
