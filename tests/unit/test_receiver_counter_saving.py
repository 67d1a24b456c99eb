"""ReceiverStore's counters: a read-only request's counter is taken at once and saved just
after; a request that acts waits for its save; a write never replaces a newer one."""

from __future__ import annotations

import threading

from crs_receiver.store import ReceiverStore

KEY = "studio-key"


def test_a_lazy_counter_is_refused_at_once_and_saved_by_the_next_save(tmp_path):
    store = ReceiverStore(tmp_path / "rx")
    assert store.accept_counter(KEY, 5_000, durable=False)
    assert not store.accept_counter(KEY, 5_000)  # seen, though not on disk yet
    assert ReceiverStore(tmp_path / "rx").accept_counter(KEY, 5_000)  # a power cut here forgets it
    store.save_counters()
    assert not ReceiverStore(tmp_path / "rx").accept_counter(KEY, 5_000)


def test_a_durable_counter_is_on_disk_when_it_is_taken_and_never_overwritten_by_an_older_state(tmp_path):
    store = ReceiverStore(tmp_path / "rx")
    threads = [threading.Thread(target=store.accept_counter, args=(KEY, 1_000 + n)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.save_counters()
    restarted = ReceiverStore(tmp_path / "rx")
    assert not any(restarted.accept_counter(KEY, 1_000 + n) for n in range(20))
