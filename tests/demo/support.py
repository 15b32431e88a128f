"""Constants shared by the demo tests."""

from __future__ import annotations

from datetime import date

AS_OF = date(2025, 6, 2)  # just after the seed 004 world (May 2025)
CONSUMERS = 300
# seed 004's seven WU- consumers and seed 003's John Michael Smith
SAMPLE_ACCOUNTS = (
    "WU-10001", "WU-10002", "WU-10003", "WU-10004", "WU-10005", "WU-10006", "WU-10007",
    "ACC-2024-001789",
)  # fmt: skip
