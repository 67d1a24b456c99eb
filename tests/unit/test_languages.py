"""One language enum for the whole studio: codes as stored, older codes read as the same
language (no stored value changes meaning), Vietnamese names for the window."""

from __future__ import annotations

from studio.accounts.store import Accounts, Role
from studio.languages import Language, display_name, language_of, normalise
from studio.programmes.model import Item, Spec, parse_items
from studio.schedule.zones import ZoneKind, Zones


def test_codes_names_and_older_spellings():
    assert [language.code for language in Language] == ["vi", "bahnar", "sedang", "jarai"]
    for old, language in (("bdq", Language.BAHNAR), ("sed", Language.SEDANG), ("jra", Language.JARAI),
                          ("BAHNAR", Language.BAHNAR), ("vi_VN", Language.VIETNAMESE), ("gia-rai", Language.JARAI)):
        assert language_of(old) is language and normalise(old) == language.code
    assert display_name("bdq") == "Ba Na" and display_name("sed") == "Xơ Đăng" and display_name("jra") == "Gia Rai"
    assert language_of("khmer") is None and normalise("khmer") == "khmer" and display_name("khmer") == "khmer"
    assert normalise("") == "vi" and normalise(None) == "vi"


def test_zones_and_clips_stored_with_older_codes_read_as_todays(library, tmp_path):
    admin = Accounts(library.conn).add("quantri", "matkhau-quantri", Role.ADMIN)
    zones = Zones(library.conn)
    typed = zones.add("Làng Kon Klor", admin, ZoneKind.VILLAGE, "bdq")
    assert typed.language == "bahnar"
    library.conn.execute("INSERT INTO zones (name, kind, language, policy_json, created_at) "
                         "VALUES ('Plei Ốp', 'village', 'jra', '{}', '2026-12-01T00:00:00Z')")
    library.conn.commit()
    assert zones.get("Plei Ốp").language == "jarai"  # a row an older version wrote
    assert parse_items(["12,bdq=15"]) == (Item(clip=12, variants=(("bahnar", 15),)),)


def test_a_programme_version_stored_with_an_older_code_plays_to_todays_zones():
    item = Item(clip=1, variants=(("bdq", 2), ("jra", 3)))
    assert item.clip_for("bahnar") == 2 and item.clip_for("jarai") == 3 and item.clip_for("vi") == 1
    assert Spec((item,)).languages() == ["bahnar", "jarai", "vi"]
