"""One tone-mark convention for what the officer reads: the new style ("kiểu mới"), the
mark on the main vowel of oa, oe, uy at the end of a syllable — hoà, xoá, khoẻ, huỷ,
thuỷ, tuỳ — never the old hòa, xóa, khỏe, hủy, thủy, tùy (docs/architecture.md, i18n).
Syllables with a final consonant (hoàn, khoản) and qu- (quý) are the same in both."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "ui" / "resources" / "i18n"
# An old-style open syllable: the tone on o before a/e, or on u before y, and nothing after.
OLD_STYLE = re.compile(r"(?<![qQ])([òóỏõọÒÓỎÕỌ][aeAE]|[ùúủũụÙÚỦŨỤ][yY])(?!\w)")


def old_forms(text: str) -> list[str]:
    """The words of `text` written in the old style."""
    return [word for word in re.findall(r"\w+", text) if OLD_STYLE.search(word)]


def test_the_rule_tells_both_styles_apart():
    assert old_forms("hòa, xóa khỏe hủy thủy tùy Hủy") == ["hòa", "xóa", "khỏe", "hủy", "thủy", "tùy", "Hủy"]
    assert old_forms("hoà xoá khoẻ huỷ thuỷ tuỳ hoàn khoản quý thuế của mùa") == []


def test_the_catalogues_use_the_new_style():
    for ts in sorted(I18N.glob("*_vi.ts")):
        found = []
        for message in ET.parse(ts).getroot().iter("message"):
            translation = message.find("translation")
            forms = [f.text or "" for f in translation.findall("numerusform")] or [translation.text or ""]
            found += [form for form in forms if old_forms(form)]
        assert found == [], f"{ts.name}: old-style tone marks in {found}"


def test_the_user_guide_readme_and_spoken_tables_use_the_new_style():
    paths = [ROOT / "docs" / "huong-dan-su-dung.md", ROOT / "README.md",
             *sorted((ROOT / "studio" / "resources" / "tts").glob("*.tsv"))]
    for path in paths:
        assert old_forms(path.read_text(encoding="utf-8")) == [], path.name
