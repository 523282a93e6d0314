"""The in-process rate-limit store: exact counts under threads, windows that expire."""

from __future__ import annotations

import threading
import time

from web.ratelimit import LocalMemoryStorage, storage_uri


def test_counts_are_exact_under_concurrent_threads() -> None:
    store = LocalMemoryStorage()
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(500):
                store.incr("key:a", 60)
        except BaseException as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.get("key:a") == 4000
    assert store.get("key:b") == 0


def test_a_window_expires_and_a_new_one_starts() -> None:
    store = LocalMemoryStorage()
    assert store.incr("k", 0.05) == 1
    assert store.incr("k", 0.05) == 2
    assert store.get_expiry("k") > time.time()
    time.sleep(0.06)
    assert store.get("k") == 0
    assert store.incr("k", 0.05) == 1
    store.clear("k")
    assert store.get("k") == 0


def test_memory_uri_maps_to_this_store_and_others_pass_through() -> None:
    assert storage_uri("memory://") == "kho-memory://"
    assert storage_uri("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
