"""Data model: SQLModel tables, column types and vocabularies. Never imports textual.

The tables load on first use (PEP 562), so ``cso_tui.models.enums`` stays light for the UI:
importing SQLModel costs ~0.5 s, which the login screen must not wait for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import MetaData

    from cso_tui.models.tables import (
        AppSetting,
        AuditEvent,
        Bill,
        Call,
        ChecklistItem,
        Communication,
        Complaint,
        Consumer,
        ConsumerLock,
        ConsumerQuery,
        ConsumerTotals,
        DisconnectionReason,
        DisconnectionRequest,
        Document,
        Holiday,
        IdempotencyRecord,
        InventoryMovement,
        JobRun,
        Meter,
        MeterReading,
        Note,
        NotificationOutbox,
        Payment,
        SecurityDeposit,
        Sequence,
        ServiceConnection,
        ServiceOrder,
        ServiceRequest,
        SlaTarget,
        TimeSlot,
        UsageEvent,
        User,
        UserPreference,
        UserSession,
    )
    from cso_tui.models.types import from_cents, to_cents, to_money

    metadata: MetaData


def __getattr__(name: str) -> Any:
    if name == "metadata":
        from sqlmodel import SQLModel

        from cso_tui.models import tables

        return SQLModel.metadata
    if name in {"from_cents", "to_cents", "to_money"}:
        from cso_tui.models import types

        return getattr(types, name)
    if name in __all__:
        from cso_tui.models import tables

        return getattr(tables, name)
    raise AttributeError(f"module 'cso_tui.models' has no attribute {name!r}")


__all__ = [
    "AppSetting",
    "AuditEvent",
    "Bill",
    "Call",
    "ChecklistItem",
    "Communication",
    "Complaint",
    "Consumer",
    "ConsumerLock",
    "ConsumerQuery",
    "ConsumerTotals",
    "DisconnectionReason",
    "DisconnectionRequest",
    "Document",
    "Holiday",
    "IdempotencyRecord",
    "InventoryMovement",
    "JobRun",
    "Meter",
    "MeterReading",
    "Note",
    "NotificationOutbox",
    "Payment",
    "SecurityDeposit",
    "Sequence",
    "ServiceConnection",
    "ServiceOrder",
    "ServiceRequest",
    "SlaTarget",
    "TimeSlot",
    "UsageEvent",
    "User",
    "UserPreference",
    "UserSession",
    "from_cents",
    "metadata",
    "to_cents",
    "to_money",
]
