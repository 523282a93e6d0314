"""Overlap producing items (Python analysis) with consuming them (waiting on Elasticsearch).

:func:`prefetch` runs a generator in a background thread, a few chunks ahead of the consumer.
While the consumer waits on the network (the GIL is released), the producer analyses the next
documents. Exceptions raised by the producer are re-raised in the consumer, in order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

__all__ = ["prefetch"]

T = TypeVar("T")
_DONE = object()


def prefetch(items: Iterable[T], *, chunk: int = 200, depth: int = 4) -> Iterator[T]:
    """Yield ``items`` as produced by a background thread up to ``depth`` chunks ahead."""
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(value: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            source = iter(items)
            while batch := list(islice(source, chunk)):
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as e:  # handed to the consumer, which re-raises it
            put(e)

    worker = threading.Thread(target=produce, name="kho-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            value = buffer.get()
            if value is _DONE:
                return
            if isinstance(value, BaseException):
                raise value
            yield from value  # type: ignore[misc]
    finally:
        stop.set()
        worker.join(timeout=5)
