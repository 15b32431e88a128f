"""Documents staff hand to a customer: a request's receipt as plain text (to print) and as a
PDF (to download or mail), written without any PDF library (text in Courier, paginated).

Pure functions, plus one that writes a new file next to others without overwriting them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cso_tui.formatting import format_date, format_datetime

if TYPE_CHECKING:
    from cso_tui.config import DisplaySettings
    from cso_tui.services.schemas import DisconnectionRequestOut

WIDTH = 72  # characters a line: fits a printer's page and an 80-column terminal
#: Environment variable naming where receipts are saved (default: the working folder).
DOCUMENT_DIR_ENV = "CSO_TUI_EXPORT_DIR"


def receipt_lines(
    request: DisconnectionRequestOut,
    customer: Sequence[tuple[str, str]],
    display: DisplaySettings,
    office: str = "Customer Service Office",
) -> list[str]:
    """The receipt of a new request: who, what, when, and the reference to quote."""
    preferred = "Not specified"
    if request.preferred_date is not None:
        preferred = f"{format_date(request.preferred_date, display)}, {request.time_slot or ''}"
    kind = f"{request.request_type.title()} request"
    rows = [
        office.upper().center(WIDTH).rstrip(),
        f"Receipt: {kind}".center(WIDTH).rstrip(),
        "=" * WIDTH,
        f"Request ID        {request.request_no}",
        f"Submitted         {format_datetime(request.created_at, display)} by {request.created_by}",
        "",
        "CUSTOMER",
        *(f"{label:<18}{value}" for label, value in customer),
        "",
        "REQUEST",
        f"{'Request type':<18}{kind}",
        f"{'Reason':<18}{request.reason} ({request.reason_code})",
        f"{'Priority':<18}{request.priority.title()}",
        f"{'Preferred date':<18}{preferred.rstrip(', ')}",
        f"{'Notes':<18}{request.notes or '--'}",
        f"{'Notification':<18}{request.notification}",
        "-" * WIDTH,
        "Quote the request ID when you call or visit about this request.",
    ]
    return [piece for row in rows for piece in _wrap(row)]


def _wrap(line: str) -> list[str]:
    """A long line folded at WIDTH, continuation lines indented under the value."""
    if len(line) <= WIDTH:
        return [line]
    out = [line[:WIDTH]]
    rest = line[WIDTH:]
    while rest:
        out.append(" " * 18 + rest[: WIDTH - 18])
        rest = rest[WIDTH - 18 :]
    return out


def text_document(lines: Sequence[str]) -> str:
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- PDF

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, points
MARGIN = 54
FONT_SIZE = 10
LEADING = 13
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LEADING


def _pdf_string(line: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252, € included): characters outside it are "?"."""
    raw = line.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_document(title: str, lines: Sequence[str]) -> bytes:
    """A PDF of ``lines`` in 10 pt Courier, as many Letter pages as they need."""
    pages = [list(lines[i : i + LINES_PER_PAGE]) for i in range(0, len(lines), LINES_PER_PAGE)]
    pages = pages or [[]]
    objects: list[bytes] = []  # object n is objects[n - 1]
    font = 3
    first_page = 5
    page_ids = [first_page + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = b" ".join(f"{p} 0 R".encode() for p in page_ids)
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(pages))
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>"
    )
    objects.append(b"<< /Title " + _pdf_string(title) + b" /Producer (cso-tui) >>")
    for page_lines in pages:
        body = [b"BT", b"/F1 %d Tf" % FONT_SIZE, b"%d TL" % LEADING,
                b"%d %d Td" % (MARGIN, PAGE_HEIGHT - MARGIN)]  # fmt: skip
        body += [_pdf_string(line) + b" '" for line in page_lines]
        body.append(b"ET")
        stream = b"\n".join(body)
        content_id = len(objects) + 2
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (PAGE_WIDTH, PAGE_HEIGHT)
            + b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, content_id)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body_ in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body_ + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# ---------------------------------------------------------------- files


def document_directory() -> Path:
    """Where documents are saved: $CSO_TUI_EXPORT_DIR, else the working folder if writable,
    else the home folder."""
    configured = os.environ.get(DOCUMENT_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    here = Path.cwd()
    return here if os.access(here, os.W_OK) else Path.home()


def write_new(directory: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` to ``stem.suffix`` in ``directory``, never over an existing file (the
    next is ``stem-2.suffix``), readable by the owner only: it holds personal data."""
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(1, 100):
        path = directory / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return path
    raise FileExistsError(f"Too many files named {stem}{suffix} in {directory}")


def print_text(path: Path) -> str:
    """Send a text file to the system printer (``lpr``, else ``lp``); returns what happened,
    in words for the status line. Raises OSError when there is no printer command."""
    for command in ("lpr", "lp"):
        found = shutil.which(command)
        if found:
            done = subprocess.run(
                [found, str(path)], capture_output=True, text=True, timeout=20, check=False
            )
            if done.returncode != 0:
                raise OSError(done.stderr.strip() or f"{command} failed ({done.returncode})")
            return f"Sent to the printer ({command})."
    raise OSError("no printer command (lpr or lp) on this machine")


def stamp(now: datetime, display: DisplaySettings) -> str:
    """``20241210-0930`` in the office's zone, for file names."""
    return f"{now.astimezone(ZoneInfo(display.timezone)):%Y%m%d-%H%M}"
