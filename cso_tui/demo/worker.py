"""The generator half of a large demo build, run as ``python -m cso_tui.demo.worker``.

A plain subprocess rather than ``multiprocessing``: spawn re-imports the caller's
``__main__`` (scripts without a main guard fail), fork is unsafe in a threaded caller.
The parent writes a pickled :class:`~cso_tui.demo.synthetic.Job` to stdin and reads
frames from stdout: a 17-byte header (kind, consumers done, payload length) and a
payload. Rows travel as marshal bytes, about twice as fast as pickle for tuples.
"""

from __future__ import annotations

import marshal
import pickle
import queue
import struct
import sys
import threading
import traceback
from dataclasses import asdict
from typing import IO

from cso_tui.demo.synthetic import Generation, Job

HEADER = struct.Struct("<cQQ")
ROWS, DONE, ERROR = b"R", b"D", b"E"


def write_frame(out: IO[bytes], kind: bytes, done: int, payload: bytes) -> None:
    out.write(HEADER.pack(kind, done, len(payload)))
    out.write(payload)


def read_frame(stream: IO[bytes]) -> tuple[bytes, int, bytes] | None:
    """The next frame, or None when the stream ended early (the child died)."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    kind, done, size = HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return kind, done, payload


def run(job: Job, out: IO[bytes]) -> None:
    # A writer thread keeps a few chunks in flight, so generation does not wait for the
    # parent to read each one (the pipe write releases the GIL).
    pending: queue.Queue[tuple[bytes, int, bytes] | None] = queue.Queue(maxsize=3)

    def drain() -> None:
        while (frame := pending.get()) is not None:
            write_frame(out, *frame)
        out.flush()

    writer = threading.Thread(target=drain, name="demo-frames", daemon=True)
    writer.start()
    try:
        generation = Generation(job)
        for done, rows in generation.chunks():
            pending.put((ROWS, done, marshal.dumps(rows)))
        state = (asdict(generation.counters), generation.disconnection_numbers)
        pending.put((DONE, job.consumers, pickle.dumps(state)))
    except BaseException as exc:  # reported to the parent, which raises it
        text = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        pending.put((ERROR, 0, text.encode()))
    finally:
        pending.put(None)
        writer.join()


def main() -> None:
    job = pickle.load(sys.stdin.buffer)
    run(job, sys.stdout.buffer)


if __name__ == "__main__":
    main()
