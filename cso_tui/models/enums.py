"""Closed vocabularies shared by the service layer, the UI and the database (stored as text)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CSO_ADMIN = "cso_admin"
    CSO_MANAGER = "cso_manager"
    CUSTOMER_EXECUTIVE = "customer_executive"
    CALL_CENTER = "call_center"
    RECOVERY_EXECUTIVE = "recovery_executive"
    BILLING_SPECIALIST = "billing_specialist"
    FIELD_TECHNICIAN = "field_technician"
    UTILITY_ADMIN = "utility_admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CSO_ADMIN: "CSO Admin",
    Role.CSO_MANAGER: "CSO Manager",
    Role.CUSTOMER_EXECUTIVE: "Customer Executive",
    Role.CALL_CENTER: "Call Center Representative",
    Role.RECOVERY_EXECUTIVE: "Recovery Executive",
    Role.BILLING_SPECIALIST: "Billing Specialist",
    Role.FIELD_TECHNICIAN: "Field Technician",
    Role.UTILITY_ADMIN: "Utility Admin",
}


class ConsumerStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    TEMPORARILY_DISCONNECTED = "temporarily_disconnected"
    DISCONNECTED = "disconnected"
    PENDING = "pending"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()


class PaymentStanding(StrEnum):
    CURRENT = "current"
    PAST_DUE = "past_due"
    COLLECTION = "collection"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()


class Utility(StrEnum):
    WATER = "water"
    ELECTRICITY = "electricity"


class MeterInventory(StrEnum):
    INSTALLED = "installed"
    IN_STOCK = "in_stock"
    UNINSTALLED = "uninstalled"
    DECOMMISSIONED = "decommissioned"


class BillStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CANCELLED = "cancelled"


class BillKind(StrEnum):
    REGULAR = "regular"
    FINAL = "final"


class PaymentMethod(StrEnum):
    CREDIT_CARD = "Credit Card"
    BANK_TRANSFER = "Bank Transfer"
    ONLINE_BANKING = "Online Banking"
    CASH = "Cash"
    CHEQUE = "Cheque"
    AUTO_PAY = "Auto-pay"


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ComplaintStatus(StrEnum):
    CREATED = "created"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class RequestStatus(StrEnum):
    """Service requests (REQ-xxxx)."""

    CREATED = "created"
    APPROVED = "approved"
    REJECTED = "rejected"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class QueryStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESPONDED = "responded"
    RESOLVED = "resolved"


class DisconnectionType(StrEnum):
    DISCONNECTION = "disconnection"
    RECONNECTION = "reconnection"


class DisconnectionStatus(StrEnum):
    """Seed 003's lifecycle: Pending -> In Progress <-> On Hold -> Completed; Closed any time."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CLOSED = "closed"


class ServiceOrderStatus(StrEnum):
    CREATED = "created"
    PENDING = "pending"
    ASSIGNED = "assigned"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    VERIFIED = "verified"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    INTERNAL = "internal"
    LETTER = "letter"


class Direction(StrEnum):
    TO_CUSTOMER = "to_customer"
    FROM_CUSTOMER = "from_customer"
    INTERNAL = "internal"


class DocumentStatus(StrEnum):
    VERIFIED = "verified"
    PUBLISHED = "published"
    PROCESSING = "processing"


class DepositStatus(StrEnum):
    HELD = "held"
    APPLIED = "applied"
    REFUNDED = "refunded"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class SearchKind(StrEnum):
    """What the unified search box detected in the term."""

    EMPTY = "empty"
    ACCOUNT = "account"
    METER = "meter"
    DEVICE = "device"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"  # name or address text
