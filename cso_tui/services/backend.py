"""The Backend protocol: the one contract the UI speaks (LocalBackend, RemoteBackend).

Every call but :meth:`Backend.info` and :meth:`Backend.login` takes the session token
returned by ``login``; the backend checks it and the caller's role on every call.
Mutating calls take an ``idempotency_key``: the same key and body give one effect and
the first answer; the same key with another body raises :class:`ConflictError`.
Errors are the typed ones in :mod:`cso_tui.services.errors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from datetime import date, datetime
    from decimal import Decimal

    from cso_tui.services.schemas import (
        ActivityPage,
        BackendInfo,
        BillOut,
        BulkResult,
        ChecklistIn,
        CommunicationOut,
        ComplaintOut,
        ConsumerCreate,
        ConsumerKpis,
        ConsumerListPage,
        ConsumerLockOut,
        ConsumerProfile,
        ConsumerQuery,
        ConsumerSummary,
        ConsumerUpdate,
        ConsumptionOut,
        DeliveryReport,
        DisconnectionAdminSettings,
        DisconnectionDetail,
        DisconnectionGuardrails,
        DisconnectionKpis,
        DisconnectionListPage,
        DisconnectionQuery,
        DisconnectionRequestOut,
        DisconnectionSettings,
        DocumentOut,
        DocumentUpload,
        ExecuteDisconnection,
        FinalBillOut,
        FinalBillView,
        FinalReadingIn,
        HolidayIn,
        MeterCheckOut,
        NewDisconnectionRequest,
        NewMessage,
        NewPayment,
        NewRequestMessage,
        NewRequestServiceOrder,
        NewServiceOrder,
        NoteOut,
        PaymentOut,
        PaymentRecorded,
        ReadingOut,
        ReasonIn,
        RecoveryPage,
        RequestMessageOut,
        RequestOut,
        RequestServiceOrderOut,
        SearchPage,
        ServiceOrderCheckOut,
        ServiceOrderOut,
        ServiceOrderReport,
        ServiceOrderTemplateOut,
        SessionInfo,
        SessionsEnded,
        SettlementOut,
        SlaCalendarSettings,
        SlaTargetIn,
        TimelineEventOut,
        TimeSlotIn,
        UserOut,
    )


@runtime_checkable
class Backend(Protocol):
    def info(self) -> BackendInfo:
        """Version, database kind and, on a demo database only, the demo user names."""
        ...

    def login(self, username: str, password: str, client: str | None = None) -> SessionInfo:
        """Check the password; return a session.

        Raises AuthenticationError (wrong name or password) or AccountLockedError
        (too many failures: locked for a while). Every attempt is audited.
        """
        ...

    def logout(self, token: str) -> None:
        """End the session at once. Ending an ended session is not an error."""
        ...

    def search_consumers(
        self, token: str, term: str, cursor: str | None = None, limit: int | None = None
    ) -> SearchPage:
        """Detect what ``term`` is (account, meter, device, phone, email, name/address) and
        return one page of matches, best first; pass ``next_cursor`` back for the next page.
        Writes a Used_Consumer_Search usage event.
        """
        ...

    def get_consumer(self, token: str, account_no: str) -> ConsumerSummary:
        """The consumer's basic details. Raises NotFoundError. Writes Viewed_Consumer_Details."""
        ...

    def update_consumer(
        self,
        token: str,
        account_no: str,
        changes: ConsumerUpdate,
        expected_version: int,
        idempotency_key: str,
    ) -> ConsumerSummary:
        """Apply ``changes`` if the record is still at ``expected_version``.

        Raises ValidationError (naming the field), ConflictError (stale version),
        NotFoundError, PermissionDeniedError. Audited with before and after.
        """
        ...

    def add_note(self, token: str, account_no: str, body: str, idempotency_key: str) -> NoteOut:
        """Add a note to the consumer's account, authored by the caller."""
        ...

    def disconnection_settings(self, token: str) -> DisconnectionSettings:
        """Reasons (code, priority, description, approval flag), time slots, SLA targets per
        request type and the closure checklist with how many of its items must be ticked
        (setting ``checklist_required``, default all)."""
        ...

    def create_disconnection_request(
        self, token: str, request: NewDisconnectionRequest, idempotency_key: str
    ) -> DisconnectionRequestOut:
        """Make a disconnection request (or a reconnection request, for an inactive consumer)
        with the next DIS-YYYY-NNNNNN number: the reason from the settings (its code,
        priority, description and approval flag copied), a preferred date not in the past,
        a configured time slot, notes of at most 250 characters. An open request of the
        same type for the consumer is refused; so is one while someone else holds the
        profile, and the caller's own hold is released. With ``notify_customer`` an email
        goes to the outbox, in the same transaction. Audited. The ``disconnection_guardrails``
        setting may refuse a disconnection's date (a blocked weekday, a holiday, a medical
        certificate on file, too little notice): a ValidationError on ``preferred_date``
        naming the first allowed day; it never holds back a reconnection."""
        ...

    def change_disconnection_status(
        self,
        token: str,
        request_no: str,
        action: str,
        idempotency_key: str,
        close_reason: str | None = None,
        notes: str | None = None,
    ) -> DisconnectionRequestOut:
        """Move a request through its lifecycle (rules/lifecycle.py): ``acknowledge`` (Pending
        to In Progress), ``hold`` and ``resume``, ``resolve`` (Completed), ``close`` (Closed,
        with a ``close_reason`` from CLOSE_REASONS and, for "other", ``notes``). A change
        the lifecycle does not allow is a ConflictError saying what to do instead. Records
        when the request was acknowledged, first acted on, held and resolved (the SLA
        clock's inputs). Audited."""
        ...

    def set_deposit_use(
        self, token: str, request_no: str, use: bool, idempotency_key: str
    ) -> SettlementOut:
        """The Financial Settlement tab's "Use in bill" toggle: apply the consumer's security
        deposit to the net amount (on) or keep it (off); the settlement recalculated at once.
        Until set, it is on when something is owed. Refused once the request is Completed or
        Closed. Audited with the net before and after."""
        ...

    def get_disconnection_request(
        self, token: str, request_no: str, at: datetime | None = None
    ) -> DisconnectionDetail:
        """The request's detail view: the request, the consumer's contact card, the SLA
        clock (due date, time remaining, On Track / Breached, each metric's achieved hours
        or Pending) and the financial settlement from the ledger, evaluated ``at`` a given
        time (default now). Settings: ``sla_pause_on_hold`` (default off) and
        ``sla_calendar`` (office hours and working days; default around the clock)."""
        ...

    def list_disconnection_requests(
        self,
        token: str,
        query: DisconnectionQuery,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> DisconnectionListPage:
        """One page of the landing list, newest first: the Current tab (pending, in progress,
        on hold) or History (completed, closed), searched by request id, name or account no
        and filtered by status, type, priority and the day requested (office dates); pass
        ``next_cursor`` back for the next page. ValidationError for an unknown filter."""
        ...

    def disconnection_kpis(self, token: str, month: date | None = None) -> DisconnectionKpis:
        """The landing page's monthly cards for ``month`` (any day of it; default the office's
        current month): disconnections and reconnections made that month still pending, and
        those completed that month, with the five months before for the trend."""
        ...

    def get_final_bill(self, token: str, request_no: str) -> FinalBillView:
        """The Final bill tab: the utilities whose meters are read, and the request's current
        final bill (a draft, or the approved one), if any."""
        ...

    def check_meter(self, token: str, request_no: str, meter_no: str) -> MeterCheckOut:
        """A meter of the request's consumer by meter no: its device no, type and last
        reading. ValidationError "Meter not linked to this account" otherwise."""
        ...

    def check_device(self, token: str, request_no: str, device_no: str) -> MeterCheckOut:
        """As :meth:`check_meter`, by device no (the Disconnect tab)."""
        ...

    def draft_final_bill(
        self, token: str, request_no: str, readings: list[FinalReadingIn], idempotency_key: str
    ) -> FinalBillOut:
        """Generate the final bill from each meter's final reading (every meter on the
        account; greater than the previous reading; dated, not in the future): the next
        INV- number, the billing period, usage charged by the ``tariff`` setting, the
        outstanding and the deposit applied as the settlement says. A draft already there
        is discarded (audited). Refused once the bill is approved or the request closed."""
        ...

    def discard_final_bill(
        self, token: str, request_no: str, idempotency_key: str
    ) -> FinalBillView:
        """Discard the draft final bill (its number stays used, audited)."""
        ...

    def approve_final_bill(self, token: str, request_no: str, idempotency_key: str) -> FinalBillOut:
        """Approve and send: lock the bill, record the final readings, apply the deposit to
        the oldest dues first, add the bill to the consumer's balance and email it. Refused
        when the outstanding or the deposit changed since the draft."""
        ...

    def check_service_order(self, token: str, request_no: str, so_no: str) -> ServiceOrderCheckOut:
        """The open disconnection service order ``so_no`` of the request's consumer (who it
        is assigned to, when, approved by whom); ValidationError "Service order not found or
        not applicable" otherwise."""
        ...

    def execute_disconnection(
        self, token: str, request_no: str, execution: ExecuteDisconnection, idempotency_key: str
    ) -> DisconnectionRequestOut:
        """Execute Disconnection (seed 003 Disconnect tab): with the device no of every meter
        on the account, an open disconnection service order and at least
        ``checklist_required`` checklist items, unassign the meters (they stay installed) or
        remove them (an inventory movement to the warehouse), set the account Inactive,
        freeze billing, complete the service order and the request, and email the customer.
        Audited."""
        ...

    def request_timeline(self, token: str, request_no: str) -> list[TimelineEventOut]:
        """Every event of the request, oldest first: made, acknowledged, held, resumed,
        resolved, closed, the deposit toggled, its final bills drafted, discarded and
        approved, executed, SLA breach escalated, and each email sent or failed."""
        ...

    def request_service_orders(self, token: str, request_no: str) -> list[RequestServiceOrderOut]:
        """The consumer's service orders, newest first; ``linked`` marks those made for this
        request (seed 003 Service orders tab)."""
        ...

    def service_order_templates(self, token: str, request_no: str) -> list[ServiceOrderTemplateOut]:
        """The templates that fit the request's consumer (category, utilities) and type."""
        ...

    def create_request_service_order(
        self, token: str, request_no: str, order: NewRequestServiceOrder, idempotency_key: str
    ) -> RequestServiceOrderOut:
        """A service order from a fitting template, linked to the request and the consumer,
        assigned at once to the field technician with the fewest open orders (none: left
        unassigned). Raises ValidationError on ``template_code`` (not a fitting template),
        ``scheduled_date`` (missing, or before the office's today) or ``remarks`` (over 500
        characters, or control characters); ConflictError on a closed request. Audited."""
        ...

    def service_order_report(self, token: str, so_no: str) -> ServiceOrderReport:
        """The completion report of a service order, as plain text. ConflictError while the
        order is not completed (seed 003: "download if the service order is completed")."""
        ...

    def request_communications(self, token: str, request_no: str) -> list[RequestMessageOut]:
        """The consumer's messages and internal notes, newest first (at most 100); ``linked``
        marks those written on this request (seed 003 Communication tab)."""
        ...

    def add_request_communication(
        self, token: str, request_no: str, entry: NewRequestMessage, idempotency_key: str
    ) -> RequestMessageOut:
        """An internal note, or an email to the consumer through the outbox, written on the
        request. Raises ValidationError on ``kind``, ``subject`` (required for an email),
        ``body`` (required, at most 2000 characters, plain text) or ``kind`` again when the
        consumer has no email address. Audited with the request (Timeline)."""
        ...

    def deliver_notifications(self, token: str) -> DeliveryReport:
        """Run the notification jobs once: open requests newly past an SLA target raise an
        escalation email to the supervisors (managers and admins with an email address,
        once per request, audited); then due outbox emails are sent by SMTP (setting
        ``smtp``), each send written to the audit log, a failure retried later (1, 5, 15,
        60 minutes) and marked failed after five attempts. Safe to run from many places at
        once: each message is claimed by one run."""
        ...

    def lock_consumer(self, token: str, account_no: str, purpose: str) -> ConsumerLockOut:
        """Hold the consumer's profile while a request is made for it (seed 003 AC002): no one
        else may change it or hold it meanwhile (ConflictError naming the holder). The hold
        lapses after ``consumer_lock_minutes`` (setting, default 15) unless the holder locks
        again, which renews it."""
        ...

    def release_consumer(self, token: str, account_no: str) -> None:
        """Let go of the caller's hold on the consumer's profile (nothing if none)."""
        ...

    def list_notes(self, token: str, account_no: str, limit: int = 20) -> list[NoteOut]:
        """The consumer's notes, newest first."""
        ...

    def record_usage(self, token: str, event: str, properties: dict[str, Any]) -> None:
        """Record a behaviour-tracking event the UI observed (e.g. Viewed_Landing_Page)."""
        ...

    def create_user(
        self,
        token: str,
        username: str,
        full_name: str,
        role: str,
        password: str,
        idempotency_key: str,
    ) -> UserOut:
        """Create a staff user (admins only)."""
        ...

    def list_users(self, token: str) -> list[UserOut]:
        """Every staff user, by user name, with open session counts (admins only)."""
        ...

    def set_user_active(
        self, token: str, username: str, active: bool, idempotency_key: str
    ) -> UserOut:
        """Enable or disable a staff user (admins only; not oneself).

        Disabling ends the user's sessions at once: their next call gets SessionExpiredError.
        """
        ...

    def end_sessions(self, token: str, username: str, idempotency_key: str) -> SessionsEnded:
        """End every open session of ``username`` at once (admins only), e.g. a lost laptop.

        The user may log in again; their terminals are asked to. Ending one's own sessions
        ends the caller's session too.
        """
        ...

    # ------------------------------------------------------------ disconnection settings

    def disconnection_admin_settings(self, token: str) -> DisconnectionAdminSettings:
        """Everything the disconnection settings screens edit: every reason, time slot and
        checklist item (inactive ones too, with whether requests use them), the SLA targets,
        ``checklist_required`` (None: all), the holidays, the SLA calendar with
        ``sla_pause_on_hold``, and the guard-rails. Right: manage_disconnection_settings.

        Each write below takes ``based_on``, the ``etags`` entry of the section it changes
        (SETTINGS_SECTIONS) as the caller read it: when another desk changed that section
        since, the write is refused with ConflictError instead of overwriting theirs."""
        ...

    def save_disconnection_reason(
        self,
        token: str,
        reason: ReasonIn,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """Add a reason (``original_code`` None) or change the one ``original_code`` names.
        ValidationError on ``code`` (like NP-001, unique; kept once requests use it),
        ``name`` (required), ``description``, ``priority`` (high, medium, low),
        ``applies_to`` (disconnection, reconnection), ``position`` or ``active`` (the last
        active reason of a request type stays). Audited; returns the settings, ``message``
        saying what was done."""
        ...

    def remove_disconnection_reason(
        self,
        token: str,
        code: str,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """Delete a reason, or deactivate it when requests were made with it. NotFoundError;
        ValidationError on ``active`` for the last active reason of its type. Audited."""
        ...

    def save_time_slot(
        self,
        token: str,
        slot: TimeSlotIn,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """Add a time slot (``id`` None) or change slot ``id``: ``start`` and ``end`` as HH:MM
        office time, the end after the start, no overlap with another active slot, a label
        (blank: from the times) no other active slot has. ValidationError names the field
        (``active``: the last active slot stays). Audited."""
        ...

    def remove_time_slot(
        self,
        token: str,
        slot_id: int,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """Delete a time slot, or deactivate it when requests were made for it. Audited."""
        ...

    def save_sla_target(
        self,
        token: str,
        target: SlaTargetIn,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """One request type's SLA targets: hours more than 0 with two decimals at most,
        acknowledgement <= response <= resolution (ValidationError on the field to change).
        New requests' clocks use them at once. Audited."""
        ...

    def save_checklist(
        self,
        token: str,
        checklist: ChecklistIn,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """The account closure checklist as a whole, in order: each item's text required
        (``items.N.text``), no active item twice; an item left out is deleted, or only
        deactivated once a disconnection was executed with the list. ``required`` ticks from
        0 to the active items, or None for all. Audited."""
        ...

    def save_sla_calendar(
        self,
        token: str,
        calendar: SlaCalendarSettings,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """When the SLA clock runs: office hours ``open``/``close`` (HH:MM, both or neither
        for around the clock), ``workdays`` (0 = Monday .. 6, at least one), whether the
        holidays stop it, and ``pause_on_hold``. New clocks follow at once. Audited."""
        ...

    def add_holiday(
        self,
        token: str,
        holiday: HolidayIn,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """A day of the holiday calendar. ValidationError on ``day`` (already a holiday) or
        ``name`` (required). Audited."""
        ...

    def remove_holiday(
        self,
        token: str,
        day: date,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """Take a day out of the holiday calendar (NotFoundError if it is not in it). Audited."""
        ...

    def save_disconnection_guardrails(
        self,
        token: str,
        guardrails: DisconnectionGuardrails,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """The ``disconnection_guardrails`` setting. ValidationError on ``blocked_weekdays``
        (0-6, not all seven), ``min_notice_days`` (0-60) or ``payment_cancel_threshold`` (0
        or more, two decimals at most; None: payments cancel nothing). Audited."""
        ...

    # ------------------------------------------------------------ consumer management (004)

    def consumer_kpis(self, token: str) -> ConsumerKpis:
        """The consumer list's cards: counts per status and the total balance (a rollup kept
        in the same transaction as every change, so it costs the same at 7 or 1M consumers)."""
        ...

    def list_consumers(
        self,
        token: str,
        query: ConsumerQuery,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> ConsumerListPage:
        """One page of consumers matching ``query``'s term and filters in its sort order;
        pass ``next_cursor`` back for the next page. Raises ValidationError for a bad filter
        (a negative balance bound, min above max, an unknown status)."""
        ...

    def export_consumers(self, token: str, account_nos: list[str]) -> str:
        """The given consumers as CSV text (header row first), in the order given. Audited:
        who exported which accounts. Raises NotFoundError naming an unknown account."""
        ...

    def create_consumer(
        self, token: str, data: ConsumerCreate, allow_duplicates: bool, idempotency_key: str
    ) -> ConsumerSummary:
        """Create a consumer. Raises ValidationError naming the field (mandatory name, account
        no and service address; account no format and uniqueness; email and phone formats;
        territory served; balance with two decimals) and DuplicateConsumerError listing the
        consumers whose phone, email or name and address match, unless ``allow_duplicates``."""
        ...

    def next_account_no(self, token: str) -> str:
        """A free account number in the utility's format (the create form's suggestion)."""
        ...

    def get_profile(self, token: str, account_no: str) -> ConsumerProfile:
        """The 360 profile: header, alerts, contact, account, payment details, health score
        with its parts, connections with meters, and a count per tab. Raises NotFoundError.
        (The screen records Consumer_Profile_View when the profile is left: it alone knows
        how long it was open and which tabs were read.)"""
        ...

    def list_payments(self, token: str, account_no: str, limit: int = 50) -> list[PaymentOut]:
        """Payments, newest first."""
        ...

    def record_payment(
        self, token: str, account_no: str, payment: NewPayment, idempotency_key: str
    ) -> PaymentRecorded:
        """Record a payment received (admins: they mark bills paid): the next PAY- number; it
        settles the open bills oldest first (paid / partially paid), lowers the balance (what
        is left over stays as credit) and may improve the payment standing, in one audited
        transaction. ValidationError on ``amount`` (more than zero, two decimals at most),
        ``method`` (one of the payment methods), ``paid_on`` (not after the office's today)
        or ``reference`` (at most 80 characters). Setting ``disconnection_guardrails``: a
        balance left at ``payment_cancel_threshold`` or below closes the consumer's open
        non-payment (NP-) disconnection requests, "Payment received"; with
        ``auto_reconnection``, a cleared debt (balance <= 0) of a consumer cut for non-payment
        raises a reconnection request (RC-001 Dues cleared, the next allowed day, the first
        time slot). Returns which requests were cancelled and raised."""
        ...

    def list_bills(self, token: str, account_no: str, limit: int = 24) -> list[BillOut]:
        """Bills, newest first."""
        ...

    def list_readings(
        self, token: str, account_no: str, meter_no: str | None = None, limit: int = 24
    ) -> list[ReadingOut]:
        """Meter readings, newest first (one meter, or every meter of the account)."""
        ...

    def consumption(
        self, token: str, account_no: str, utility: str | None = None, months: int = 6
    ) -> ConsumptionOut:
        """Consumption per calendar month for the last ``months`` months up to the latest
        reading, oldest first, of one utility (the first the consumer has when None)."""
        ...

    def record_reading(
        self,
        token: str,
        account_no: str,
        meter_no: str,
        read_on: date,
        value: Decimal,
        idempotency_key: str,
    ) -> ReadingOut:
        """Record a meter reading. Raises ValidationError when the value is not above the
        meter's last reading (readings only go up), has more than two decimals, or the date
        is in the future or not after the last reading's; NotFoundError when the meter is not
        on the account."""
        ...

    def list_service_orders(
        self, token: str, account_no: str, limit: int = 50
    ) -> list[ServiceOrderOut]:
        """Service orders, newest first."""
        ...

    def create_service_order(
        self, token: str, account_no: str, order: NewServiceOrder, idempotency_key: str
    ) -> ServiceOrderOut:
        """Create a service order (next SO number). Raises ValidationError naming the field."""
        ...

    def list_complaints(self, token: str, account_no: str, limit: int = 50) -> list[ComplaintOut]:
        """Complaints, newest first."""
        ...

    def register_complaint(
        self,
        token: str,
        account_no: str,
        category: str,
        description: str,
        priority: str,
        idempotency_key: str,
    ) -> ComplaintOut:
        """Register a complaint (next C- number, status created)."""
        ...

    def list_requests(self, token: str, account_no: str, limit: int = 50) -> list[RequestOut]:
        """Service requests (transfer, disconnection, reconnection), newest first."""
        ...

    def create_request(
        self,
        token: str,
        account_no: str,
        request_type: str,
        description: str,
        idempotency_key: str,
    ) -> RequestOut:
        """Create a Transfer, Disconnection or Reconnection request (next REQ- number)."""
        ...

    def list_communications(
        self, token: str, account_no: str, channel: str | None = None, limit: int = 50
    ) -> list[CommunicationOut]:
        """Communication history, newest first, optionally of one channel."""
        ...

    def send_message(
        self, token: str, account_nos: list[str], message: NewMessage, idempotency_key: str
    ) -> BulkResult:
        """Send a message to each consumer: a communication row and an outbox entry each, in
        one transaction (all or none). Raises ValidationError when a consumer lacks the
        channel's address (no email for an email)."""
        ...

    def add_notes(
        self, token: str, account_nos: list[str], body: str, idempotency_key: str
    ) -> BulkResult:
        """The same note on each consumer (bulk action), in one transaction."""
        ...

    def list_documents(self, token: str, account_no: str, limit: int = 50) -> list[DocumentOut]:
        """Documents, newest first."""
        ...

    def attach_document(
        self, token: str, account_no: str, document: DocumentUpload, idempotency_key: str
    ) -> DocumentOut:
        """Store a file on the account (status processing until verified)."""
        ...

    def activity(
        self,
        token: str,
        account_no: str,
        category: str | None = None,
        text: str = "",
        cursor: str | None = None,
        limit: int = 50,
    ) -> ActivityPage:
        """The account's timeline, newest first: payments, bills, service, communication and
        account events, of one category or all, whose text contains ``text``."""
        ...

    def recovery_accounts(
        self, token: str, cursor: str | None = None, limit: int = 50
    ) -> RecoveryPage:
        """Accounts past due or in collection, largest balance first, with days past due,
        risk bucket, payment compliance and health score."""
        ...

    def catalog(self, token: str) -> dict[str, list[str]]:
        """The lists staff pick from: consumer categories, territories, service order types,
        complaint categories, request types, document types, message channels (defaults from
        the seeds; the database setting ``catalog`` may replace any list)."""
        ...

    def get_preference(self, token: str, key: str) -> Any:
        """The caller's stored preference ``key`` (e.g. the consumer list's columns), or None."""
        ...

    def set_preference(self, token: str, key: str, value: Any) -> None:
        """Remember a preference of the caller's (last write wins; not audited: not a record)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
