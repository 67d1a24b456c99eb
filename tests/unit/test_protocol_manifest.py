"""crs_protocol.manifest: the schema refuses each kind of fault with a message naming it."""

from __future__ import annotations

import copy

import pytest
from crs_protocol import PRIORITIES, RANK, ManifestProblem, check_manifest, manifest_media

SHA_A, SHA_B = "a" * 64, "0123456789abcdef" * 4


def good() -> dict:
    return {"version": 3, "receiver_id": "rx1", "timezone": "Asia/Ho_Chi_Minh", "volume": 80,
            "quiet_hours": [{"start": "22:00", "end": "05:00"}],
            "items": [{"id": "occ-1", "start": "2026-12-01T05:45:00+07:00", "media": [SHA_A, SHA_B],
                       "duration_s": 754.2, "priority": "normal", "start_mode": "soft", "volume": 80},
                      {"id": "occ-2", "start": "2026-12-01T11:00:00+07:00", "media": [SHA_A],
                       "priority": "emergency", "start_mode": "hard"}]}


def fault(manifest) -> str:
    with pytest.raises(ManifestProblem) as caught:
        check_manifest(manifest)
    return str(caught.value)


def changed(path: tuple, value) -> dict:
    manifest = copy.deepcopy(good())
    node = manifest
    for step in path[:-1]:
        node = node[step]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return manifest


def test_the_documented_example_passes_unchanged():
    manifest = good()
    assert check_manifest(manifest) is manifest
    assert manifest_media(manifest) == {SHA_A, SHA_B}
    minimal = {"version": 1, "receiver_id": "rx1", "items": []}
    assert check_manifest(minimal) is minimal


@pytest.mark.parametrize("path, says", [
    (("version",), "version"), (("receiver_id",), "receiver_id"), (("items",), "items"),
    (("items", 0, "id"), "unique id"), (("items", 0, "start"), "start"), (("items", 0, "media"), "media"),
])
def test_each_required_field(path, says):
    assert says in fault(changed(path, ...))


@pytest.mark.parametrize("path, value, says", [
    (("version",), "3", "version"), (("version",), 0, "version"), (("version",), True, "version"),
    (("version",), 2.0, "version"), (("receiver_id",), 7, "receiver_id"), (("receiver_id",), "", "receiver_id"),
    (("timezone",), 7, "timezone"), (("volume",), 101, "volume"), (("volume",), "80", "volume"),
    (("volume",), True, "volume"), (("max_volume",), 101, "max_volume"), (("max_volume",), "60", "max_volume"),
    (("quiet_hours",), {"start": "22:00"}, "quiet_hours"),
    (("quiet_hours", 0, "end"), "24:00", "quiet_hours"), (("quiet_hours", 0, "start"), "7:00", "quiet_hours"),
    (("items",), {"occ-1": {}}, "items"), (("items", 0), "occ-1", "not an object"),
    (("items", 0, "id"), 1, "unique id"), (("items", 0, "id"), "x" * 201, "unique id"),
    (("items", 1, "id"), "occ-1", "unique id"),
    (("items", 0, "start"), "tomorrow", "ISO"), (("items", 0, "start"), 1764543900, "ISO"),
    (("items", 0, "start"), "2026-12-01T05:45:00", "UTC offset"),
    (("items", 0, "media"), [], "media"), (("items", 0, "media"), SHA_A, "media"),
    (("items", 0, "media"), ["A" * 64], "media"), (("items", 0, "media"), [SHA_A[:63]], "media"),
    (("items", 0, "start_mode"), "now", "start_mode"), (("items", 0, "duration_s"), -1, "duration_s"),
    (("items", 0, "duration_s"), "754", "duration_s"), (("items", 0, "volume"), -5, "volume"),
    (("items", 0, "title"), 7, "title"),
])
def test_bad_types_and_values(path, value, says):
    message = fault(changed(path, value))
    assert says in message
    if path[0] == "items" and len(path) > 2 and path[1] == 0 and path[2] not in ("id",):
        assert "occ-1" in message  # which item


@pytest.mark.parametrize("priority", ["urgent", "Emergency", "", None, 2, ["emergency"]])
def test_bad_priorities(priority):
    assert "priority" in fault(changed(("items", 0, "priority"), priority))


def test_the_priorities_and_their_order():
    assert set(PRIORITIES) == set(RANK) == {"normal", "priority", "emergency"}
    assert sorted(PRIORITIES, key=RANK.__getitem__) == ["emergency", "priority", "normal"]
    for priority in PRIORITIES:
        assert check_manifest(changed(("items", 0, "priority"), priority))


def test_not_an_object_and_too_many_items():
    assert "not a JSON object" in fault([good()])
    many = changed(("items",), [{"id": f"i{n}", "start": "2026-12-01T05:45:00+07:00", "media": [SHA_A]}
                                for n in range(20_001)])
    assert "at most 20000" in fault(many)


@pytest.mark.parametrize("path, value, says", [
    (("version",), 10**40, "version"), (("version",), 2**53, "version"), (("version",), float("inf"), "version"),
    (("timezone",), "Mars/Olympus", "timezone"), (("timezone",), "../../etc/passwd", "timezone"),
    (("timezone",), "", "timezone"), (("timezone",), "x" * 65, "timezone"),
    (("items", 0, "duration_s"), 1e300, "duration_s"), (("items", 0, "duration_s"), float("inf"), "duration_s"),
    (("items", 0, "duration_s"), float("nan"), "duration_s"), (("items", 0, "duration_s"), True, "duration_s"),
    (("items", 0, "duration_s"), 24 * 3600 + 1, "duration_s"),
    (("items", 0, "start"), "0001-01-01T00:00:00+07:00", "start"),
    (("items", 0, "start"), "9999-12-31T23:59:59-12:00", "start"),
    (("items", 0, "volume"), True, "volume"), (("items", 0, "volume"), 50.0, "volume"),
    (("items", 0, "title"), "x" * 501, "title"),
])
def test_values_that_would_poison_the_scheduler(path, value, says):
    """Each of these once passed and then made the receiver's scheduler raise every 100 ms
    (a start at year 1 with 1e300 s), or was taken for something it is not."""
    assert says in fault(changed(path, value))


def test_the_limits_themselves_pass():
    manifest = changed(("version",), 2**53 - 1)
    manifest["items"][0]["duration_s"] = 24 * 3600
    manifest["timezone"] = "UTC"
    assert check_manifest(manifest) is manifest


def test_infinity_from_json_text_is_refused():
    import json

    text = json.dumps(good()).replace("754.2", "Infinity")
    assert "duration_s" in fault(json.loads(text))
