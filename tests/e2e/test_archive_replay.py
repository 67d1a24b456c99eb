"""The archive replays what a village heard: two real receivers on loopback in one zone play
a short scheduled programme, one of them cut by an emergency play-now. The archive keeps
the exact files each entry played; `archive replay` writes the zone's day and each
receiver's day as WAV, sample for sample the receivers' own copies (as far as each played);
the library clean-up keeps those files while the archive needs them, and the retention
clean-up removes them when nothing else refers to them."""

from __future__ import annotations

import json
import os
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile as sf

from studio.accounts.store import Accounts, Role
from studio.audio import synthetic
from studio.audio.analysis import open_audio
from studio.audio.settings import OutputFormat, RenderSettings
from studio.errors import NothingToReplay
from studio.fleet.client import ReceiverClient
from studio.fleet.delivery import deliver_until_idle, pull_playlog
from studio.fleet.keys import StudioKey
from studio.fleet.publish import publish
from studio.library import now_utc
from studio.programmes.model import Item, Spec
from studio.programmes.render import render_all
from studio.programmes.workflow import Programmes
from studio.rendering import Renderer
from studio.reports.archive import clean_up
from studio.reports.replay import REPLAY_RATE, heard, write_replay
from studio.schedule.slots import Slots, StartMode
from studio.schedule.zones import Policy, ZoneKind, Zones
from tests.support.cli import run
from tests.support.receiver import Receiver, playlog_of
from tests.support.tools import wait_for, write_audio

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def fleet(library, tmp_path):
    receivers = [Receiver(tmp_path / name).start() for name in ("whole", "cut")]
    yield dict(zip(("whole", "cut"), receivers))
    for receiver in receivers:
        receiver.kill()


def decoded(paths) -> np.ndarray:
    """The receiver's own copies decoded, as the replay writes them (mono, 48 kHz)."""
    parts = []
    for path in paths:
        with open_audio(path) as f:
            assert f.samplerate == REPLAY_RATE
            parts.append(f.read(dtype="float32", always_2d=True).mean(axis=1))
    return np.concatenate(parts)


def wav(path) -> np.ndarray:
    samples, rate = sf.read(str(path), dtype="float32")
    assert rate == REPLAY_RATE and samples.ndim == 1
    return samples


def test_replay_of_a_village_day_and_the_archive_keeps_its_media(library, tmp_path, fleet, data_dir):
    accounts = Accounts(library.conn)
    admin = accounts.add("quantri", "matkhau-quantri", Role.ADMIN)
    approver = accounts.add("chutich", "matkhau-chutich", Role.APPROVER, by=admin)
    clip = library.import_file(write_audio(tmp_path / "tin.wav", synthetic.speech_like(20.0, seed=5),
                                           subtype="PCM_16")).clip.id
    alarm = library.import_file(write_audio(tmp_path / "bao-dong.wav", synthetic.speech_like(1.5, seed=6),
                                            subtype="PCM_16")).clip.id
    programmes = Programmes(library, accounts)
    programme = programmes.create("Lịch tiêm chủng tháng 12", Spec((Item(clip=clip),)), admin)
    render = render_all(programmes)
    programmes.submit(programme.id, admin, render, RenderSettings().cache_fields())
    programmes.approve(programme.id, approver, render, RenderSettings().cache_fields())
    village = Zones(library.conn, accounts).add("Thôn Đắk Ơ", admin, ZoneKind.VILLAGE, "vi", Policy())
    key = StudioKey(library.paths.keys_dir)
    for name, receiver in fleet.items():
        paired = ReceiverClient(receiver.url, key).pair(receiver.code, "UBND xã")
        library.conn.execute("INSERT INTO receivers (receiver_id, name, address, zone_id, paired_at) VALUES (?,?,?,?,?)",
                             (paired["receiver_id"], name, receiver.url, village.id, now_utc()))
    rows = {row["name"]: row for row in library.conn.execute("SELECT * FROM receivers")}
    start = datetime.now(VIETNAM).replace(tzinfo=None, microsecond=0) + timedelta(seconds=15)
    slot = Slots(library.conn, accounts).add(programme.id, [village.id], start, admin, start_mode=StartMode.HARD)
    assert publish(library, "test", days=2).items == 2
    assert deliver_until_idle(library, key, timeout_s=30) == 0
    (item,) = json.loads((fleet["whole"].folder / "manifest.json").read_text())["items"]
    cut = ReceiverClient(fleet["cut"].url, key, rows["cut"]["receiver_id"])
    siren = Renderer(library).render_clip(alarm, OutputFormat.OPUS, RenderSettings())
    cut.upload(siren.media_path, siren.output_sha256)
    whole = ReceiverClient(fleet["whole"].url, key, rows["whole"]["receiver_id"])
    # Both playing before the alarm: on a busy machine delivery can outlast the 15 s lead,
    # and a loudspeaker that joined late would start after the alarm (the day's order flips).
    def playing(client: ReceiverClient) -> bool:
        return (client.status().get("now_playing") or {}).get("item") == item["id"]

    wait_for(lambda: playing(cut) and playing(whole), 60, "programme playing on both")
    cut.play_now([siren.output_sha256])
    end = datetime.fromisoformat(item["start"]) + timedelta(seconds=item["duration_s"] + 1)
    wait_for(lambda: datetime.now(VIETNAM) > end and len(playlog_of(fleet["whole"])) == 1
             and len(playlog_of(fleet["cut"])) == 2, 60, "play logs")
    for row in rows.values():
        pull_playlog(library, key, library.conn.execute("SELECT * FROM receivers WHERE id = ?",
                                                        (row["id"],)).fetchone())
    logs = {name: playlog_of(receiver) for name, receiver in fleet.items()}
    assert [e["outcome"] for e in logs["whole"]] == ["played"]
    assert [e["outcome"] for e in logs["cut"]] == ["interrupted", "played"]
    day = datetime.fromisoformat(item["start"]).astimezone(VIETNAM).date()

    # what the village heard: the programme (from the loudspeaker that played it through), the alarm
    village_day = heard(library.conn, day, zone="Thôn Đắk Ơ")
    assert [(h.item, h.receiver, h.outcome, h.receivers) for h in village_day] == [
        (item["id"], "whole", "played", 2), (logs["cut"][1]["item"], "cut", "played", 1)]
    assert village_day[0].media == tuple(item["media"]) and village_day[1].media == (siren.output_sha256,)
    assert village_day[0].title == "Lịch tiêm chủng tháng 12"
    cut_day = heard(library.conn, day, receiver="cut")
    assert [h.outcome for h in cut_day] == ["interrupted", "played"]

    programme_audio = decoded(fleet["whole"].folder / "media" / sha for sha in item["media"])
    alarm_audio = decoded([fleet["cut"].folder / "media" / siren.output_sha256])
    printed = run(data_dir, "archive", "replay", "--zone", "Thôn Đắk Ơ", "--date", day.isoformat(),
                  "--out", str(tmp_path / "thon.wav")).stdout
    assert "Lịch tiêm chủng tháng 12" in printed and "2 broadcasts" in printed
    village_wav = wav(tmp_path / "thon.wav")
    gap = REPLAY_RATE  # one second between broadcasts
    assert len(village_wav) == len(programme_audio) + gap + len(alarm_audio)
    np.testing.assert_allclose(village_wav[:len(programme_audio)], programme_audio, atol=1 / 16000)
    assert not village_wav[len(programme_audio):len(programme_audio) + gap].any()
    np.testing.assert_allclose(village_wav[-len(alarm_audio):], alarm_audio, atol=1 / 16000)

    printed = run(data_dir, "archive", "replay", "--receiver", "cut", "--date", day.isoformat(),
                  "--out", str(tmp_path / "cut.wav")).stdout
    assert "interrupted" in printed
    heard_s = cut_day[0].played_s
    cut_wav = wav(tmp_path / "cut.wav")
    cut_len = min(round(heard_s * REPLAY_RATE), len(programme_audio))
    assert 0 < cut_len <= len(programme_audio)  # (the test's file-backed speakers run fast)
    assert len(cut_wav) == cut_len + gap + len(alarm_audio)
    np.testing.assert_allclose(cut_wav[:cut_len], programme_audio[:cut_len], atol=1 / 16000)
    run(data_dir, "archive", "replay", "--zone", "Thôn Đắk Ơ", "--date", (day - timedelta(days=3)).isoformat(),
        expect=1)  # nothing played that day: a clear error, no file
    run(data_dir, "archive", "replay", "--zone", "Thôn 9", "--date", day.isoformat(), expect=1)

    # the programme leaves the schedule: the receivers' manifests no longer name its files
    Slots(library.conn, accounts).remove(slot.id, admin)
    publish(library, "test", days=2)
    assert deliver_until_idle(library, key, timeout_s=30) == 0
    cache_only = Renderer(library).render_clip(clip, OutputFormat.MP3, RenderSettings()).output_sha256
    archived = set(item["media"]) | {siren.output_sha256}
    hours_ago = time.time() - 7200
    for blob in library.store.root.glob("??/*"):
        os.utime(blob, (hours_ago, hours_ago))
    assert "removed" in run(data_dir, "clean-up").stdout
    assert not library.store.has(cache_only)  # a cache nothing needs went
    assert all(library.store.has(sha) for sha in archived)  # the archive's files stayed
    run(data_dir, "archive", "replay", "--zone", "Thôn Đắk Ơ", "--date", day.isoformat(),
        "--out", str(tmp_path / "again.wav"))
    assert (tmp_path / "again.wav").read_bytes() == (tmp_path / "thon.wav").read_bytes()

    # thirteen months later the retention clean-up lets go of them; the originals stay
    later = date(day.year + 1, day.month, 1) + timedelta(days=40)
    cleaned = clean_up(library.conn, later, 12, library.store)
    assert cleaned.asrun == 3 and cleaned.media_files == len(archived)
    assert not any(library.store.has(sha) for sha in archived)
    assert library.store.has(library.get(clip).source_sha256) and library.store.has(library.get(alarm).source_sha256)
    assert library.conn.execute("SELECT COUNT(*) FROM archive_media").fetchone()[0] == 0
    assert heard(library.conn, day, zone="Thôn Đắk Ơ") == []
    with pytest.raises(NothingToReplay):
        write_replay(library.conn, library.store, day, tmp_path / "none.wav", zone="Thôn Đắk Ơ")
    assert not (tmp_path / "none.wav").exists()
