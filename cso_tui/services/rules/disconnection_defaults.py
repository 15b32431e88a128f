"""The settings a disconnection request is made with, as a new database gets them (seed 003
s.7 and s.8): disconnection and reconnection reasons with code, priority, description and
approval flag; two-hour time slots (AC005); SLA targets per request type; the account
closure checklist. Migration 0006 writes them into an empty database; the settings screens
change them there."""

from __future__ import annotations

# (code, name, description, priority, requires approval, applies to)
REASONS: tuple[tuple[str, str, str, str, bool, str], ...] = (
    ("NP-001", "Non-payment of bills", "Customer has outstanding balance exceeding 90 days",
     "high", True, "disconnection"),
    ("CR-001", "Customer request - moving out",
     "Customer is vacating the premises and asked to close the account", "low", False,
     "disconnection"),
    ("CR-002", "Customer request - temporary",
     "Customer asked for a temporary disconnection (travel, renovation)", "low", False,
     "disconnection"),
    ("SH-001", "Safety hazard",
     "Leak or unsafe installation endangering people or property", "high", False,
     "disconnection"),
    ("MT-001", "Meter tampering", "Evidence of meter tampering or an unauthorised connection",
     "high", True, "disconnection"),
    ("VP-001", "Vacant premises", "Premises found vacant during inspection", "medium", True,
     "disconnection"),
    ("RC-001", "Dues cleared", "Outstanding balance paid in full; restore service", "medium",
     False, "reconnection"),
    ("RC-002", "Customer returning", "Customer returning after a temporary disconnection",
     "low", False, "reconnection"),
    ("RC-003", "Hazard resolved", "Safety issue repaired and inspected; restore service",
     "high", False, "reconnection"),
)  # fmt: skip

# Two-hour blocks from 08:00 to 18:00 (seed 003 AC005), labelled as the seed writes them.
TIME_SLOTS: tuple[tuple[str, int, int], ...] = tuple(
    (f"{_h % 12 or 12}:00 {'AM' if _h < 12 else 'PM'} - "
     f"{(_h + 2) % 12 or 12}:00 {'AM' if _h + 2 < 12 else 'PM'}", _h * 60, (_h + 2) * 60)
    for _h in range(8, 18, 2)
)  # fmt: skip

# request type -> (acknowledgement, response, resolution) in hours
SLA_TARGETS: tuple[tuple[str, int, int, int], ...] = (
    ("disconnection", 2, 4, 24),  # seed 003 s.8 "Sample SLA Data"
    ("reconnection", 2, 4, 24),
    ("complaint", 24, 48, 120),  # seed 000: validated within 48 h
    ("service_request", 24, 48, 240),
    ("query", 24, 48, 72),  # seed 000: acknowledged in 24 h, answered in 48 h, escalated at 72 h
    ("service_order", 24, 24, 72),  # seed 000: assigned within 24 h, progress every 24 h
)

CHECKLIST: tuple[str, ...] = (
    "Final meter reading recorded and verified",
    "Outstanding balance settled or payment arrangement recorded",
    "Security deposit applied or refund processed",
    "Customer notified of the disconnection date",
    "Meter sealed or removed and device number confirmed",
    "Service order completed and signed off by the field technician",
)
