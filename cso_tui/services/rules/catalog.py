"""Closed lists staff pick from when they create records (seed 004's "predefined categories").

The database setting ``catalog`` (app_setting, JSON object with these keys) replaces a list
for a utility that needs others; these are the defaults, taken from the seeds.
"""

from __future__ import annotations

DEFAULTS: dict[str, tuple[str, ...]] = {
    # Service Management rules: "predefined categories (Meter Reading, Maintenance)"
    "service_order_types": (
        "Meter Reading",
        "Maintenance",
        "Inspection",
        "Meter Replacement",
        "Leak Repair",
        "New Connection",
        "Reconnection",
    ),
    "complaint_categories": (
        "Billing Dispute",
        "Low Water Pressure",
        "Water Quality",
        "Power Outage",
        "Voltage Fluctuation",
        "Meter Fault",
        "Leakage",
        "Safety Hazard",
        "Staff Behaviour",
        "Delayed Service",
        "Payment Not Reflected",
    ),
    # "Request types must be categorized (Transfer, Disconnection, Reconnection)"
    "request_types": ("Transfer", "Disconnection", "Reconnection"),
    # "Document types must be predefined categories (Service Agreement, ...)"
    "document_types": (
        "Service Agreement",
        "Billing Authorization",
        "Water Quality Report",
        "ID Proof",
        "Property Deed",
        "Meter Installation Certificate",
        "Medical Certificate",
    ),
    # "Service addresses must be validated against service territory"
    "territories": (
        "Anytown",
        "Billtown",
        "Chatham",
        "Fairview",
        "Lakeview",
        "Maple Grove",
        "Oakridge",
        "Riverside",
        "Springfield",
    ),
    "categories": ("Residential", "Commercial", "Industrial", "Government", "Institutional"),
    "message_channels": ("email", "sms", "letter"),
    # seed 003's sample "Payment Method: Online Banking"; models/enums.PaymentMethod
    "payment_methods": (
        "Cash",
        "Cheque",
        "Credit Card",
        "Bank Transfer",
        "Online Banking",
        "Auto-pay",
    ),
}

#: Largest document a terminal may attach (bytes).
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


def lists(setting: object) -> dict[str, tuple[str, ...]]:
    """The defaults with any list the ``catalog`` setting gives instead."""
    out = dict(DEFAULTS)
    if isinstance(setting, dict):
        for key, value in setting.items():
            if key in out and isinstance(value, list) and all(isinstance(v, str) for v in value):
                out[key] = tuple(value)
    return out
