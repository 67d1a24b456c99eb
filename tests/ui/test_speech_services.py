"""The domestic speech platforms in the window: a key entered in Settings, the provider's
voices in the compose list named in Vietnamese, a bulletin made through the provider (a
loopback server following FPT.AI's published contract), and, offline, queued with the
local reading as the clip, then made when the provider is back."""

from __future__ import annotations

from studio.tts.speech_queue import jobs
from tests.support.tools import require_tool
from tests.support.tts_providers import ProviderServer, free_port


def test_key_in_settings_voices_listed_bulletin_made_and_queued_offline(qtbot, studio_window, monkeypatch):
    require_tool("espeak-ng")
    require_tool("ffmpeg")
    window = studio_window
    port = free_port()
    monkeypatch.setenv("CRS_TTS_URL_FPT", f"http://127.0.0.1:{port}")
    dialog = window.open_settings()
    dialog.speech_services.keys["fpt"].setText("good-key")
    dialog.accept()
    store = window.services.provider_keys()
    qtbot.waitUntil(lambda: store.config("fpt") is not None, timeout=10000)  # saved off the UI thread
    assert store.get("fpt") == "good-key"

    window.show_area("tts")
    panel = window.compose_panel
    qtbot.waitUntil(lambda: panel.voice.findData("fpt:leminh") >= 0 and window.runner.active_count() == 0,
                    timeout=20000)
    label = panel.voice.itemText(panel.voice.findData("fpt:leminh"))
    assert label == "Giọng miền Bắc, nam: FPT.AI Lê Minh"

    panel.set_text("Thông báo lịch tiêm chủng cho trẻ em.")
    panel.voice.setCurrentIndex(panel.voice.findData("fpt:leminh"))
    with qtbot.waitSignal(panel.bulletin_created, timeout=60000) as created:
        panel.create_button.click()
    preview_clip = created.args[0]
    library = window.services.library()
    assert '"engine": "fpt"' not in library.get(preview_clip).speech_json  # the local engine's reading
    assert [j.preview_clip for j in jobs(library.conn)] == [preview_clip]
    qtbot.waitUntil(lambda: any(d.isVisible() and "Internet" in d.message_label.text()
                                for d in window.compose_panel.errors.visible()), timeout=5000)

    with ProviderServer("fpt", port=port, ready_delay=0.2):
        window.deliver_speech_queue()
        qtbot.waitUntil(lambda: not jobs(window.services.library().conn), timeout=30000)
    done = jobs(window.services.library().conn, state="done")[0]
    assert '"engine": "fpt"' in window.services.library().get(done.clip).speech_json


def test_auth_and_quota_errors_are_explained_in_vietnamese(qtbot, studio_window):
    from studio.errors import ProviderAuthFailed, ProviderQuotaExceeded
    from ui.error_messages import describe

    message, action = describe(ProviderAuthFailed("fpt", 401, "Invalid authentication credentials"))
    assert message == "Dịch vụ đọc văn bản từ chối khoá API." and "Cài đặt" in action
    message, action = describe(ProviderQuotaExceeded("zalo", "Quota exceeded"))
    assert message == "Tài khoản dịch vụ đọc văn bản đã dùng hết hạn mức." and "nạp thêm" in action


def test_a_queued_bulletin_the_platform_holds_back_is_told_in_the_status_bar(qtbot, studio_window, monkeypatch):
    from studio.tts.engines import SpeechSettings
    from studio.tts.speech_queue import enqueue

    window = studio_window
    port = free_port()
    monkeypatch.setenv("CRS_TTS_URL_FPT", f"http://127.0.0.1:{port}")
    window.services.provider_keys().set("fpt", "good-key")
    library = window.services.library()
    enqueue(library.conn, library.clock, "fpt", SpeechSettings("fpt:leminh", 150), "north", "vi", "Tiêm chủng",
            "Thông báo lịch tiêm chủng cho trẻ em.")
    with ProviderServer("fpt", port=port, quota=True):
        window.deliver_speech_queue()
        qtbot.waitUntil(lambda: "bị giữ lại" in window.statusBar().currentMessage(), timeout=30000)
    assert "hết hạn mức" in window.statusBar().currentMessage()
    assert len(jobs(window.services.library().conn)) == 1  # kept queued, nothing lost
