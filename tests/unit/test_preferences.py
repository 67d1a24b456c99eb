import json

import pytest

from studio.errors import InvalidPreference
from studio.paths import StudioPaths, choose_data_dir, read_chosen_data_dir
from studio.preferences import Preferences, UiLanguage, load_preferences, render_settings, save_preferences


def test_defaults_when_there_is_no_file(tmp_path):
    prefs = load_preferences(tmp_path / "settings.json")
    assert prefs == Preferences()
    assert prefs.ui_language is UiLanguage.VIETNAMESE and prefs.target_lufs == -16.0


def test_round_trip_stores_values_and_keeps_unknown_keys(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"from_a_newer_version": [1, 2]}))
    prefs = Preferences(ui_language=UiLanguage.ENGLISH, output_device="USB Audio", target_lufs=-18.5,
                        speech_high_pass=False)
    save_preferences(path, prefs)
    data = json.loads(path.read_text())
    assert data["ui_language"] == "en" and data["target_lufs"] == -18.5 and data["from_a_newer_version"] == [1, 2]
    assert load_preferences(path) == prefs
    assert render_settings(prefs).target_lufs == -18.5 and render_settings(prefs).highpass_hz is None


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"target_lufs": "loud"}', '{"target_lufs": -99}',
                                     '{"ui_language": "fr"}'])
def test_a_damaged_file_is_set_aside_and_defaults_used(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_text(content)
    assert load_preferences(path) == Preferences()
    assert not path.exists() and (tmp_path / "settings.json.damaged").read_text() == content


def test_an_out_of_range_target_is_refused_on_save(tmp_path):
    with pytest.raises(InvalidPreference):
        save_preferences(tmp_path / "settings.json", Preferences(target_lufs=float("nan")))
    assert not (tmp_path / "settings.json").exists()


def test_the_chosen_data_folder_is_used_on_the_next_start(tmp_path):
    # tests/support/sound.py gives each test process its own HOME: this is not the user's config.
    choose_data_dir(tmp_path / "elsewhere")
    assert read_chosen_data_dir() == tmp_path / "elsewhere"
    assert StudioPaths.default().data_dir == (tmp_path / "elsewhere").resolve()
    choose_data_dir(None)
    assert read_chosen_data_dir() is None
    assert StudioPaths.default().data_dir != (tmp_path / "elsewhere").resolve()
