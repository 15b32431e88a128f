"""The receipt documents: plain text and a PDF written without a PDF library."""

from __future__ import annotations

import re
import stat
from datetime import UTC, date, datetime
from pathlib import Path

from cso_tui import documents
from cso_tui.config import DisplaySettings
from cso_tui.services.schemas import DisconnectionRequestOut

REQUEST = DisconnectionRequestOut(
    request_no="DIS-2024-001234", request_type="disconnection", account_no="ACC-2024-001789",
    consumer_name="John Michael Smith", vip=False, reason_code="NP-001",
    reason="Non-payment of bills", reason_description="Outstanding over 90 days",
    priority="high", required_approval=True, preferred_date=date(2024, 12, 15),
    time_slot="10:00 AM - 12:00 PM", notes="Customer requested morning slot (work) " * 4,
    notify_customer=True, status="pending",
    created_at=datetime(2024, 12, 10, 15, 30, tzinfo=UTC), created_by="Sarah Johnson",
    updated_at=datetime(2024, 12, 10, 15, 30, tzinfo=UTC), updated_by="Sarah Johnson",
    notification="Email queued to john.smith@email.com.",
)  # fmt: skip


def test_the_receipt_names_the_request_customer_and_schedule() -> None:
    lines = documents.receipt_lines(REQUEST, [("Customer name", "John Michael Smith")],
                                    DisplaySettings())  # fmt: skip
    text = documents.text_document(lines)
    assert "Request ID        DIS-2024-001234" in text
    assert "Submitted         12/10/2024 09:30 by Sarah Johnson" in text  # office time
    assert "Preferred date    12/15/2024, 10:00 AM - 12:00 PM" in text
    assert "Customer name     John Michael Smith" in text
    assert all(len(line) <= documents.WIDTH for line in lines)  # long notes fold


def _objects(pdf: bytes) -> dict[int, int]:
    return {int(m.group(1)): m.start() for m in re.finditer(rb"(\d+) 0 obj\n", pdf)}


def test_the_pdf_is_well_formed_and_paginated() -> None:
    lines = [f"line {n} (with parentheses) and a backslash \\ and €uro ✓" for n in range(120)]
    pdf = documents.pdf_document("Receipt (test)", lines)
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf[start:].startswith(b"xref\n")
    table = pdf[start:].split(b"\n")
    count = int(table[1].split()[1])
    offsets = [int(row.split()[0]) for row in table[3 : 2 + count]]
    assert offsets == [_objects(pdf)[n] for n in range(1, count)]  # every offset exact
    pages = -(-120 // documents.LINES_PER_PAGE)
    assert b"/Count %d" % pages in pdf and pages == 3
    assert b"(line 7 \\(with parentheses\\) and a backslash \\\\ and \x80uro ?) '" in pdf
    lengths = [int(n) for n in re.findall(rb"/Length (\d+) >>\nstream\n", pdf)]
    streams = re.findall(rb"stream\n(.*?)\nendstream", pdf, re.S)
    assert lengths == [len(s) for s in streams]


def test_files_are_new_and_private(tmp_path: Path) -> None:
    first = documents.write_new(tmp_path / "out", "receipt-X", ".txt", b"one")
    second = documents.write_new(tmp_path / "out", "receipt-X", ".txt", b"two")
    assert (first.name, second.name) == ("receipt-X.txt", "receipt-X-2.txt")
    assert first.read_bytes() == b"one"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
