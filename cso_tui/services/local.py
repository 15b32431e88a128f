"""LocalBackend: the service layer on SQLModel over SQLite (default) or PostgreSQL.

Every rule is enforced here; the server reuses this class and RemoteBackend only forwards.
Writes run in short transactions (BEGIN IMMEDIATE on SQLite); edited rows carry a version;
audit events, usage events and idempotency records share the transaction of the change.
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import inspect
import io
import json
import logging
import mimetypes
import re
import secrets
import smtplib
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import Connection, and_, bindparam, func, insert, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from cso_tui import __version__
from cso_tui.config import SessionSettings
from cso_tui.models import (
    AppSetting,
    AuditEvent,
    Bill,
    Communication,
    Complaint,
    Consumer,
    ConsumerLock,
    DisconnectionReason,
    DisconnectionRequest,
    Document,
    IdempotencyRecord,
    InventoryMovement,
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
    UsageEvent,
    User,
    UserPreference,
    UserSession,
)
from cso_tui.models.enums import ROLE_LABELS, Role
from cso_tui.services import api, db, outbox
from cso_tui.services import consumer_queries as cq
from cso_tui.services import disconnection_admin as dsa
from cso_tui.services import disconnection_queries as dq
from cso_tui.services import search as search_engine
from cso_tui.services.errors import (
    AccountLockedError,
    AuthenticationError,
    ConflictError,
    DuplicateConsumerError,
    NotFoundError,
    PermissionDeniedError,
    SessionExpiredError,
    UnavailableError,
    ValidationError,
)
from cso_tui.services.passwords import dummy_hash, hash_password, verify_password
from cso_tui.services.rules import (
    catalog,
    guardrails,
    lifecycle,
    lockout,
    payments,
    settlement,
    sla,
    tariff,
    validation,
)
from cso_tui.services.rules import service_order_templates as so_templates
from cso_tui.services.rules.permissions import allowed
from cso_tui.services.rules.search_terms import detect, email_key, phone_key
from cso_tui.services.schemas import (
    SETTINGS_SECTIONS,
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
    DemoUser,
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
    FinalBillLine,
    FinalBillOut,
    FinalBillView,
    FinalReadingIn,
    HolidayIn,
    MeterBrief,
    MeterCheckOut,
    NewDisconnectionRequest,
    NewMessage,
    NewPayment,
    NewRequestMessage,
    NewRequestServiceOrder,
    NewServiceOrder,
    NoteOut,
    PaymentApplied,
    PaymentOut,
    PaymentRecorded,
    ReadingOut,
    ReasonIn,
    ReasonOut,
    RecoveryPage,
    RequestMessageOut,
    RequestOut,
    RequestServiceOrderOut,
    SearchKind,
    SearchPage,
    ServiceOrderCheckOut,
    ServiceOrderOut,
    ServiceOrderReport,
    ServiceOrderTemplateOut,
    SessionInfo,
    SessionsEnded,
    SettlementOut,
    SlaCalendarSettings,
    SlaMetricOut,
    SlaOut,
    SlaTargetIn,
    TimelineEventOut,
    TimeSlotIn,
    TimeSlotOut,
    UserOut,
)

R = TypeVar("R", bound=BaseModel)

DEMO_SETTING = "demo"
DEMO_PASSWORD = "demo"
OPEN_COMPLAINT = ("created", "approved", "in_progress")
OPEN_REQUEST = ("created", "approved", "scheduled", "in_progress")
OPEN_DISCONNECTION = ("pending", "in_progress", "on_hold")
#: A service order in one of these is done with: no disconnection is executed under it.
CLOSED_SERVICE_ORDER = ("completed", "verified", "closed", "cancelled")
#: Seed 003 Disconnect tab: "Unassign Meter Only" or "Remove Meter Completely".
METER_ACTIONS = ("unassign", "remove")
#: A meter's unit when its service connection does not say.
UNITS = {"water": "gallons", "electricity": "kWh"}
#: Days a final bill gives to pay.
FINAL_BILL_DUE_DAYS = 15
LAST_SEEN_GRANULARITY = timedelta(seconds=60)
_EVENT_NAME = re.compile(r"^[A-Za-z][A-Za-z_]{2,63}$")


_SESSIONS = UserSession.__table__  # type: ignore[attr-defined]
_USERS = User.__table__  # type: ignore[attr-defined]
_SESSION_QUERY = (
    sa_select(
        _SESSIONS.c.token_hash,
        _SESSIONS.c.created_at,
        _SESSIONS.c.last_seen_at,
        _SESSIONS.c.ended_at,
        _USERS.c.id.label("user_id"),
        _USERS.c.username,
        _USERS.c.full_name,
        _USERS.c.role,
        _USERS.c.active,
    )
    .join_from(_SESSIONS, _USERS, _SESSIONS.c.user_id == _USERS.c.id)
    .where(_SESSIONS.c.token_hash == bindparam("h"))
)
_USAGE_INSERT = insert(UsageEvent.__table__)  # type: ignore[attr-defined]
_CONSUMERS = Consumer.__table__  # type: ignore[attr-defined]
_METERS = Meter.__table__  # type: ignore[attr-defined]


def _open_count(model: Any, statuses: tuple[str, ...], label: str) -> Any:
    table = model.__table__
    return (
        sa_select(func.count())
        .select_from(table)
        .where(table.c.consumer_id == _CONSUMERS.c.id, table.c.status.in_(statuses))
        .scalar_subquery()
        .label(label)
    )


#: ConsumerSummary's fields that are consumer columns, read as they are stored.
_SUMMARY_COLUMNS = [name for name in ConsumerSummary.model_fields if name in _CONSUMERS.c]
_SUMMARY_QUERY = sa_select(
    _CONSUMERS.c.id,
    *(_CONSUMERS.c[name] for name in _SUMMARY_COLUMNS),
    _open_count(Complaint, OPEN_COMPLAINT, "active_complaints"),
    _open_count(ServiceRequest, OPEN_REQUEST, "open_requests"),
    _open_count(DisconnectionRequest, OPEN_DISCONNECTION, "open_disconnections"),
).where(_CONSUMERS.c.account_no == bindparam("a"))
_METERS_QUERY = (
    sa_select(_METERS.c.meter_no, _METERS.c.device_no, _METERS.c.utility, _METERS.c.meter_type)
    .where(_METERS.c.consumer_id == bindparam("c"))
    .order_by(_METERS.c.utility, _METERS.c.id)
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _request_hash(request: dict[str, Any]) -> str:
    blob = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    full_name: str
    role: str


class LocalBackend:
    """The Backend protocol on a database URL. ``clock`` returns aware UTC (tests fix it)."""

    def __init__(
        self,
        url: str,
        *,
        session_settings: SessionSettings | None = None,
        page_size: int = 50,
        clock: Callable[[], datetime] = utcnow,
        create_if_empty: bool = True,
    ) -> None:
        self._engines = db.make_engines(url)
        self.dialect = self._engines.dialect
        self._sessions = session_settings or SessionSettings()
        self._idle = timedelta(minutes=self._sessions.idle_timeout_minutes)
        self._absolute = timedelta(hours=self._sessions.absolute_timeout_hours)
        self._page_size = page_size
        self._clock = clock
        try:
            if create_if_empty and not db.has_tables(self._engines.write):
                db.upgrade(url)
            revision = db.stored_revision(self._engines.read)
        except OperationalError as exc:
            self._engines.dispose()
            raise UnavailableError(f"Cannot open the database: {exc.orig}") from exc
        if revision != db.SCHEMA_REVISION:
            self._engines.dispose()
            found = f"at schema {revision}" if revision else "not a cso-tui database"
            raise UnavailableError(
                f"The database is {found}; this cso-tui needs schema {db.SCHEMA_REVISION}. "
                "Run `cso-tui db upgrade` (after a backup) to bring it up to date."
            )

    # ------------------------------------------------------------ plumbing

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self._engines.read) as s:
            yield s

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self._engines.write, expire_on_commit=False) as s, s.begin():
            yield s

    def _audit(
        self,
        s: Session,
        actor: Actor | None,
        action: str,
        entity: str,
        entity_id: str | None,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        detail: str | None = None,
        username: str | None = None,
    ) -> None:
        s.add(
            AuditEvent(
                at=self._clock(),
                user_id=actor.user_id if actor else None,
                username=actor.username if actor else username,
                action=action,
                entity=entity,
                entity_id=entity_id,
                before=before,
                after=after,
                detail=detail,
            )
        )

    def _touch_session(self, token_hash: str, **values: datetime) -> None:
        with self._engines.write.begin() as conn:
            conn.execute(
                update(_SESSIONS).where(_SESSIONS.c.token_hash == token_hash).values(**values)
            )

    @contextmanager
    def _reading(self, token: str, action: str) -> Iterator[tuple[Actor, Connection]]:
        """One connection for a read call: the session check, the reads and, on PostgreSQL,
        the usage event (``_track(..., conn)``) share it (each checkout is a round trip)."""
        with self._engines.read.connect() as conn:
            yield self._authorize(token, action, conn), conn

    def _track(
        self,
        actor: Actor,
        event: str,
        properties: dict[str, Any],
        conn: Connection | None = None,
    ) -> None:
        """A usage event in its own short write (Core insert: ~0.3 ms); on PostgreSQL it may
        ride on the call's read connection (SQLite writes through the write engine)."""
        if conn is not None and self.dialect == "postgresql":
            self._insert_usage(conn, actor, event, properties)
            conn.commit()
            return
        with self._engines.write.begin() as own:
            self._insert_usage(own, actor, event, properties)

    def _insert_usage(
        self, conn: Connection, actor: Actor, event: str, properties: dict[str, Any]
    ) -> None:
        properties = json.loads(json.dumps(properties, default=str))  # dates, Decimals: text
        if self.dialect == "postgresql":
            # Analytics, not records: not waiting for the WAL flush saves ~8 ms on every
            # search and view; a crash may lose the last fraction of a second of events.
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        conn.execute(
            _USAGE_INSERT,
            {
                "at": self._clock(),
                "user_id": actor.user_id,
                "role": actor.role,
                "event": event,
                "properties": properties,
            },
        )

    def _once(
        self,
        actor: Actor,
        key: str,
        operation: str,
        request: dict[str, Any],
        result_type: type[R],
        act: Callable[[Session], R],
    ) -> R:
        """Run ``act`` in a write transaction once per idempotency ``key``."""
        if not key or len(key) > 80:
            raise ValidationError(
                "idempotency_key", "An idempotency key of 1-80 characters is required."
            )
        digest = _request_hash({"op": operation, **request})
        for attempt in range(2):
            try:
                with self._write() as s:
                    done = s.get(IdempotencyRecord, key)
                    if done is not None:
                        if done.request_hash != digest or done.user_id != actor.user_id:
                            raise ConflictError(
                                "This idempotency key was already used for a different request."
                            )
                        return result_type.model_validate(done.result)
                    result = act(s)
                    s.add(
                        IdempotencyRecord(
                            key=key,
                            user_id=actor.user_id,
                            operation=operation,
                            request_hash=digest,
                            result=result.model_dump(mode="json"),
                            created_at=self._clock(),
                        )
                    )
                    return result
            except IntegrityError:
                # a concurrent call with the same key won the race: answer with its result
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def check_session(self, token: str) -> None:
        """Raise SessionExpiredError unless ``token`` is a live session (any role). The server
        asks this before it reports a malformed body: no session, no detail about the body."""
        self._authorize(token, None)

    def _authorize(self, token: str, action: str | None, conn: Connection | None = None) -> Actor:
        now = self._clock()
        # Core, not ORM: this runs before every call (0.9 ms with ORM objects, 0.15 ms so).
        if conn is None:
            with self._engines.read.connect() as own:
                row = own.execute(_SESSION_QUERY, {"h": _token_hash(token)}).first()
        else:
            row = conn.execute(_SESSION_QUERY, {"h": _token_hash(token)}).first()
        if row is None:
            raise SessionExpiredError("Your session has ended: log in again.")
        sess = user = row
        reason = None
        if not user.active:  # first: disabling also ends the sessions
            reason = "Your account has been disabled: ask an administrator."
        elif sess.ended_at is not None:
            reason = "Your session has ended: log in again."
        elif now - sess.last_seen_at > self._idle:
            reason = "Your session expired after inactivity: log in again."
        elif now - sess.created_at > self._absolute:
            reason = "Your session reached its maximum length: log in again."
        if reason:
            if sess.ended_at is None:
                self._touch_session(sess.token_hash, ended_at=now)
            raise SessionExpiredError(reason)
        actor = Actor(user.user_id, user.username, user.full_name, user.role)
        if action is not None and not allowed(user.role, action):
            label = (
                ROLE_LABELS.get(Role(user.role), user.role) if user.role in set(Role) else user.role
            )
            raise PermissionDeniedError(
                f"A {label} may not {action.replace('_', ' ')}: ask a colleague with that right."
            )
        if now - sess.last_seen_at > LAST_SEEN_GRANULARITY:
            self._touch_session(sess.token_hash, last_seen_at=now)
        return actor

    # ------------------------------------------------------------ session

    def info(self) -> BackendInfo:
        with self._read() as s:
            demo = s.get(AppSetting, DEMO_SETTING)
            users: list[DemoUser] = []
            if demo is not None:
                names = list((demo.value or {}).get("users", []))
                found = {
                    u.username: u
                    for u in s.exec(select(User).where(User.username.in_(names), User.active))  # type: ignore[attr-defined]
                }
                users = [
                    DemoUser(
                        username=n, role=found[n].role, role_label=ROLE_LABELS[Role(found[n].role)]
                    )
                    for n in names
                    if n in found
                ]
            has_users = s.exec(select(User.id).limit(1)).first() is not None
        return BackendInfo(
            version=__version__,
            database=self.dialect,
            is_demo=demo is not None,
            demo_users=users,
            demo_password=DEMO_PASSWORD if demo is not None else None,
            has_users=has_users,
        )

    def login(self, username: str, password: str, client: str | None = None) -> SessionInfo:
        now = self._clock()
        name = username.strip().lower()
        failure: Exception | None = None
        result: SessionInfo | None = None
        # The slow hash check runs outside the write transaction (on SQLite that would hold
        # every terminal's writes); the counting below runs on the row under lock, so parallel
        # wrong guesses cannot slip past the lockout.
        with self._read() as r:
            stored = r.exec(
                select(User.password_hash).where(User.username == name, User.active)
            ).first()
        password_ok = verify_password(password, stored or dummy_hash()) and stored is not None
        with self._write() as s:
            user = s.exec(select(User).where(User.username == name).with_for_update()).first()
            if user is None or not user.active:
                self._audit(
                    s,
                    None,
                    "login_failed",
                    "user",
                    None,
                    username=name[:64],
                    detail="unknown or disabled user",
                )
                failure = AuthenticationError("Wrong user name or password.")
            else:
                state = lockout.LoginState(user.failed_logins, user.locked_until)
                if lockout.is_locked(state, now):
                    assert user.locked_until is not None
                    self._audit(
                        s, None, "login_refused_locked", "user", str(user.id), username=name
                    )
                    failure = AccountLockedError(
                        "Too many failed logins: this account is locked until "
                        f"{user.locked_until:%H:%M} UTC. Try again later or ask an administrator.",
                        user.locked_until,
                    )
                elif not password_ok or user.password_hash != stored:
                    new = lockout.after_failure(
                        state,
                        now,
                        self._sessions.max_failed_logins,
                        timedelta(minutes=self._sessions.lockout_minutes),
                    )
                    user.failed_logins, user.locked_until = new.failed_logins, new.locked_until
                    s.add(user)
                    locked = new.locked_until is not None
                    self._audit(
                        s,
                        None,
                        "login_failed",
                        "user",
                        str(user.id),
                        username=name,
                        detail="locked" if locked else "wrong password",
                    )
                    if locked:
                        assert new.locked_until is not None
                        failure = AccountLockedError(
                            "Too many failed logins: this account is locked until "
                            f"{new.locked_until:%H:%M} UTC.",
                            new.locked_until,
                        )
                    else:
                        failure = AuthenticationError("Wrong user name or password.")
                else:
                    assert user.id is not None
                    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
                    s.add(user)
                    token = secrets.token_urlsafe(32)
                    s.add(
                        UserSession(
                            token_hash=_token_hash(token),
                            user_id=user.id,
                            created_at=now,
                            last_seen_at=now,
                            client=(client or "")[:120] or None,
                        )
                    )
                    actor = Actor(user.id, user.username, user.full_name, user.role)
                    self._audit(s, actor, "login", "user", str(user.id), detail=client)
                    result = SessionInfo(
                        token=token,
                        user_id=user.id,
                        username=user.username,
                        full_name=user.full_name,
                        role=user.role,
                        role_label=ROLE_LABELS[Role(user.role)],
                        created_at=now,
                    )
        if failure is not None:
            raise failure
        assert result is not None
        return result

    def logout(self, token: str) -> None:
        now = self._clock()
        with self._write() as s:
            sess = s.get(UserSession, _token_hash(token))
            if sess is None or sess.ended_at is not None:
                return
            sess.ended_at = now
            s.add(sess)
            user = s.get(User, sess.user_id)
            actor = Actor(sess.user_id, user.username, user.full_name, user.role) if user else None
            self._audit(s, actor, "logout", "user", str(sess.user_id))

    # ------------------------------------------------------------ consumers

    def search_consumers(
        self, token: str, term: str, cursor: str | None = None, limit: int | None = None
    ) -> SearchPage:
        size = min(max(limit or self._page_size, 1), 200)
        detected = detect(term[:200])
        with self._reading(token, "search_consumers") as (actor, conn):
            if detected.kind is SearchKind.EMPTY:
                return SearchPage(term=term, kind=SearchKind.EMPTY, items=[])
            try:
                search_engine.Cursor.decode(cursor)
            except ValueError as exc:
                raise ValidationError(
                    "cursor", "That page marker is not valid: search again."
                ) from exc
            try:
                kind, items, next_cursor = search_engine.search(
                    conn, self.dialect, detected, cursor, size
                )
            except OperationalError as exc:
                raise UnavailableError(f"The search could not run: {exc.orig}. Try again.") from exc
            usage = {
                "term_type": kind.value,
                "result_count": len(items),
                "page": bool(cursor),
                "term_length": len(term),
            }
            self._track(actor, "Used_Consumer_Search", usage, conn)
        return SearchPage(term=term, kind=kind, items=items, next_cursor=next_cursor)

    def _consumer(self, s: Session, account_no: str, *, for_update: bool = False) -> Consumer:
        """``for_update``: the row stays locked to this transaction (PostgreSQL; SQLite's
        writers are serialised anyway), so two desks acting on one consumer take turns."""
        query = select(Consumer).where(Consumer.account_no == account_no.strip().upper())
        consumer = s.exec(query.with_for_update() if for_update else query).first()
        if consumer is None:
            raise NotFoundError(f"No consumer with account number {account_no.strip()}.")
        return consumer

    def _summary(self, conn: Connection, account_no: str) -> ConsumerSummary:
        """Seed 001 7.1.1's details in two round trips (Core: the ORM cost ~3 ms a call)."""
        row = conn.execute(_SUMMARY_QUERY, {"a": account_no.strip().upper()}).first()
        if row is None:
            raise NotFoundError(f"No consumer with account number {account_no.strip()}.")
        meters = conn.execute(_METERS_QUERY, {"c": row.id}).all()
        return ConsumerSummary(
            **{k: v for k, v in row._mapping.items() if k in ConsumerSummary.model_fields},
            active_requests=row.open_requests + row.open_disconnections,
            meters=[MeterBrief(**m._mapping) for m in meters],
        )

    def get_consumer(self, token: str, account_no: str) -> ConsumerSummary:
        with self._reading(token, "get_consumer") as (actor, conn):
            summary = self._summary(conn, account_no)
            usage = {"account_no": summary.account_no}
            self._track(actor, "Viewed_Consumer_Details", usage, conn)
        return summary

    def update_consumer(
        self,
        token: str,
        account_no: str,
        changes: ConsumerUpdate,
        expected_version: int,
        idempotency_key: str,
    ) -> ConsumerSummary:
        actor = self._authorize(token, "update_consumer")
        values = _validated_changes(changes)

        def act(s: Session) -> ConsumerSummary:
            consumer = self._consumer(s, account_no)
            self._held_by_other(s, consumer, actor)
            before = {k: _jsonable(getattr(consumer, k)) for k in values}
            if consumer.version != expected_version:
                raise _stale(consumer.version)
            changed = {k: v for k, v in values.items() if getattr(consumer, k) != v}
            if changed:
                extra: dict[str, Any] = {"updated_at": self._clock()}
                if "email" in changed:
                    extra["email_key"] = email_key(changed["email"])
                if "phone" in changed:
                    extra["phone_key"] = phone_key(changed["phone"])
                done = s.execute(
                    update(Consumer)
                    .where(
                        Consumer.id == consumer.id,  # type: ignore[arg-type]
                        Consumer.version == expected_version,  # type: ignore[arg-type]
                    )
                    .values(**changed, **extra, version=Consumer.version + 1)
                )
                if done.rowcount != 1:  # type: ignore[attr-defined]
                    raise _stale(None)
                self._audit(
                    s,
                    actor,
                    "consumer_updated",
                    "consumer",
                    consumer.account_no,
                    before={k: before[k] for k in changed},
                    after={k: _jsonable(v) for k, v in changed.items()},
                )
                s.expire(consumer)
            return self._summary(s.connection(), account_no)

        request = {
            "account_no": account_no,
            "changes": changes.model_dump(mode="json"),
            "expected_version": expected_version,
        }
        return self._once(actor, idempotency_key, "update_consumer", request, ConsumerSummary, act)

    def add_note(self, token: str, account_no: str, body: str, idempotency_key: str) -> NoteOut:
        actor = self._authorize(token, "add_note")
        text_ = validation.required_text("body", body, "Note", 2000)

        def act(s: Session) -> NoteOut:
            consumer = self._consumer(s, account_no)
            note = Note(
                consumer_id=consumer.id,  # type: ignore[arg-type]
                author_id=actor.user_id,
                author_name=actor.full_name,
                body=text_,
                created_at=self._clock(),
            )
            s.add(note)
            s.flush()
            assert note.id is not None
            self._audit(
                s,
                actor,
                "note_added",
                "consumer",
                consumer.account_no,
                after={"note_id": note.id, "body": text_},
            )
            return _note_out(note, consumer.account_no)

        request = {"account_no": account_no, "body": text_}
        return self._once(actor, idempotency_key, "add_note", request, NoteOut, act)

    # ------------------------------------------------------------ profile holds (seed 003)

    def _lock_minutes(self, s: Session) -> int:
        setting = s.get(AppSetting, "consumer_lock_minutes")
        value = setting.value if setting is not None else None
        return value if isinstance(value, int) and 1 <= value <= 24 * 60 else LOCK_MINUTES

    def _held_by_other(self, s: Session, consumer: Consumer, actor: Actor) -> None:
        """Refuse a change while someone else holds the profile (and their hold is live)."""
        lock = s.get(ConsumerLock, consumer.id)
        if lock is None or lock.user_id == actor.user_id:
            return
        expires = cq._utc(lock.expires_at)
        if expires is None or expires <= self._clock():
            return
        holder = s.get(User, lock.user_id)
        name = holder.full_name if holder is not None else "another user"
        minutes = max(1, int((expires - self._clock()).total_seconds() + 59) // 60)
        raise ConflictError(
            f"{consumer.account_no} is held by {name} ({lock.purpose}) for up to {minutes} more "
            f"minute{'s' if minutes != 1 else ''}: try again then, or ask them to finish."
        )

    def disconnection_settings(self, token: str) -> DisconnectionSettings:
        with self._reading(token, "disconnection_settings") as (_actor, conn):
            reasons = [
                ReasonOut(
                    code=r.code,
                    name=r.name,
                    description=r.description,
                    priority=r.priority,
                    requires_approval=bool(r.requires_approval),
                    applies_to=r.applies_to,
                )
                for r in conn.execute(
                    text(
                        "SELECT code, name, description, priority, requires_approval, applies_to "
                        "FROM disconnection_reason WHERE active ORDER BY position, id"
                    )
                )
            ]
            slots = [
                TimeSlotOut(label=r.label, start_minute=r.start_minute, end_minute=r.end_minute)
                for r in conn.execute(
                    text(
                        "SELECT label, start_minute, end_minute FROM time_slot WHERE active "
                        "ORDER BY start_minute, id"
                    )
                )
            ]
            targets = dsa.sla_targets(conn)
            checklist = [
                row[0]
                for row in conn.execute(
                    text("SELECT text FROM checklist_item WHERE active ORDER BY position, id")
                )
            ]
            required = self._checklist_required(conn, len(checklist))
            return DisconnectionSettings(
                reasons=reasons,
                time_slots=slots,
                sla_targets=targets,
                checklist=checklist,
                checklist_required=required,
            )

    def _checklist_required(self, conn: Connection, items: int) -> int:
        """Ticks needed before Execute Disconnection (setting ``checklist_required``, default
        every item; 0 is the admin's choice of none, see save_checklist)."""
        value = _setting(conn, "checklist_required")
        valid = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= items
        return value if valid else items

    def _office_zone(self, conn: Connection) -> ZoneInfo:
        """The office's zone (setting ``office_timezone``, default America/Chicago): its
        dates are the office's, e.g. past 6 PM in Chicago it is already tomorrow in UTC."""
        zone = _setting(conn, "office_timezone")
        try:
            return ZoneInfo(zone if isinstance(zone, str) else OFFICE_TIMEZONE)
        except (ValueError, KeyError):
            return ZoneInfo(OFFICE_TIMEZONE)

    def create_disconnection_request(
        self, token: str, request: NewDisconnectionRequest, idempotency_key: str
    ) -> DisconnectionRequestOut:
        actor = self._authorize(token, "create_disconnection_request")
        with self._engines.read.connect() as conn:
            office = self._office_zone(conn)
            today = self._clock().astimezone(office).date()
            slots = [r[0] for r in conn.execute(text("SELECT label FROM time_slot WHERE active"))]
        if request.preferred_date is None:
            raise ValidationError("preferred_date", "Preferred date is required.")
        if request.preferred_date < today:
            raise ValidationError("preferred_date", "Cannot select past date")
        slot = (request.time_slot or "").strip()
        if not slot:
            raise ValidationError("time_slot", "Pick a time slot.")
        if slot not in slots:
            raise ValidationError("time_slot", f"Pick one of the time slots: {', '.join(slots)}.")
        notes = validation.optional_text("notes", request.notes, "Additional notes", 250)
        if notes is not None and any(
            unicodedata.category(ch).startswith("C") and ch != "\n" for ch in notes
        ):
            raise ValidationError(
                "notes", "Notes take plain text only: remove the control characters."
            )
        code = request.reason_code.strip().upper()

        def act(s: Session) -> DisconnectionRequestOut:
            consumer = self._consumer(s, request.account_no, for_update=True)
            self._held_by_other(s, consumer, actor)
            kind = "reconnection" if consumer.status == "inactive" else "disconnection"
            reason = s.exec(
                select(DisconnectionReason).where(
                    DisconnectionReason.code == code,
                    DisconnectionReason.active == True,  # noqa: E712
                )
            ).first()
            if reason is None or reason.applies_to != kind:
                raise ValidationError(
                    "reason_code", f"Pick a reason for a {kind} request from the list."
                )
            open_one = s.exec(
                select(DisconnectionRequest.request_no).where(
                    DisconnectionRequest.consumer_id == consumer.id,
                    DisconnectionRequest.request_type == kind,
                    DisconnectionRequest.status.in_(OPEN_DISCONNECTION),  # type: ignore[attr-defined]
                )
            ).first()
            if open_one is not None:
                raise ConflictError(
                    f"{consumer.account_no} already has an open {kind} request, {open_one}: "
                    "work on that one, or close it first."
                )
            if kind == "disconnection":
                assert request.preferred_date is not None  # (checked above)
                self._check_guardrails(s, consumer, request.preferred_date, today)
            row, notification = self._insert_disconnection_request(
                s, actor, consumer, reason, kind, office,
                request.preferred_date, slot, notes, request.notify_customer,
            )  # fmt: skip
            lock = s.get(ConsumerLock, consumer.id)
            if lock is not None and lock.user_id == actor.user_id:
                s.delete(lock)  # made: the hold has done its work
            return self._disconnection_out(s, row, consumer, notification)

        payload = request.model_dump(mode="json")
        return self._once(
            actor,
            idempotency_key,
            "create_disconnection_request",
            payload,
            DisconnectionRequestOut,
            act,
        )

    def _insert_disconnection_request(
        self,
        s: Session,
        actor: Actor,
        consumer: Consumer,
        reason: DisconnectionReason,
        kind: str,
        office: ZoneInfo,
        preferred_date: date | None,
        slot: str,
        notes: str | None,
        notify_customer: bool,
        origin: dict[str, Any] | None = None,
    ) -> tuple[DisconnectionRequest, str]:
        """A new Pending request (the next DIS- number), its email in the outbox when
        ``notify_customer``, audited (``origin``: what raised it, when not a person's form);
        the checks are the caller's. Returns the row and what the customer was sent."""
        now = self._clock()
        year = now.astimezone(office).year
        number = self._next_number(s, f"disconnection:{year}")
        row = DisconnectionRequest(
            request_no=f"DIS-{year}-{number:06d}",
            consumer_id=consumer.id,  # type: ignore[arg-type]
            request_type=kind,
            reason_id=reason.id,
            reason_code=reason.code,
            reason=reason.name,
            reason_description=reason.description,
            priority=reason.priority,
            required_approval=reason.requires_approval,
            preferred_date=preferred_date,
            time_slot=slot,
            notes=notes,
            notify_customer=notify_customer,
            status="pending",
            created_at=now,
            created_by=actor.user_id,
            updated_at=now,
            updated_by=actor.user_id,
        )
        s.add(row)
        notification = "No notification: the box was unticked."
        if notify_customer and consumer.email:
            subject = f"Your {kind} request {row.request_no}"
            body = (
                f"Dear {consumer.name},\n\nWe have registered a {kind} request for account "
                f"{consumer.account_no} ({reason.name}), reference {row.request_no}. "
                f"Preferred date: {preferred_date:%B %d, %Y}, {slot}.\n"
            )
            s.add(
                NotificationOutbox(
                    channel="email", recipient=consumer.email, subject=subject, body=body,
                    consumer_id=consumer.id, related=row.request_no, created_at=now,
                )
            )  # fmt: skip
            notification = f"Email queued to {consumer.email}."
        elif notify_customer:
            notification = "Not notified: no email address on file."
        s.flush()
        self._audit(
            s, actor, "disconnection_request_created", "disconnection_request",
            row.request_no,
            after={"account_no": consumer.account_no, "request_type": kind,
                   "reason_code": reason.code, "preferred_date": str(preferred_date),
                   "time_slot": slot, "notify_customer": notify_customer} | (origin or {}),
            detail=notification,
        )  # fmt: skip
        return row, notification

    def _disconnection(
        self, s: Session, request_no: str, *, for_update: bool = False
    ) -> DisconnectionRequest:
        query = select(DisconnectionRequest).where(
            DisconnectionRequest.request_no == request_no.strip().upper()
        )
        row = s.exec(query.with_for_update() if for_update else query).first()
        if row is None:
            raise NotFoundError(f"No request numbered {request_no.strip()}.")
        return row

    def _disconnection_out(
        self,
        s: Session,
        row: DisconnectionRequest,
        consumer: Consumer | None = None,
        notification: str = "",
    ) -> DisconnectionRequestOut:
        consumer = consumer or s.get(Consumer, row.consumer_id)
        assert consumer is not None  # (a foreign key)

        def name(user_id: int | None) -> str:
            user = s.get(User, user_id) if user_id is not None else None
            return user.full_name if user is not None else "System"

        return DisconnectionRequestOut(
            request_no=row.request_no,
            request_type=row.request_type,
            account_no=consumer.account_no,
            consumer_name=consumer.name,
            vip=consumer.vip,
            reason_code=row.reason_code,
            reason=row.reason,
            reason_description=row.reason_description,
            priority=row.priority,
            required_approval=row.required_approval,
            preferred_date=row.preferred_date,
            time_slot=row.time_slot,
            notes=row.notes,
            notify_customer=row.notify_customer,
            status=row.status,
            created_at=cq._utc(row.created_at) or row.created_at,
            created_by=name(row.created_by),
            updated_at=cq._utc(row.updated_at) or row.updated_at,
            updated_by=name(row.updated_by),
            notification=notification,
        )

    def change_disconnection_status(
        self,
        token: str,
        request_no: str,
        action: str,
        idempotency_key: str,
        close_reason: str | None = None,
        notes: str | None = None,
    ) -> DisconnectionRequestOut:
        actor = self._authorize(token, "change_disconnection_status")
        try:
            act_ = lifecycle.Action(action.strip().lower())
        except ValueError:
            names = ", ".join(a.value for a in lifecycle.Action)
            raise ValidationError("action", f"Unknown action: use one of {names}.") from None
        reason_ = None
        notes_ = validation.optional_text("notes", notes, "Notes", 500)
        if act_ is lifecycle.Action.CLOSE:
            reasons = dict(lifecycle.CLOSE_REASONS)
            reason_ = (close_reason or "").strip().lower()
            if reason_ not in reasons:
                raise ValidationError(
                    "close_reason", f"Pick why it is closed: {', '.join(reasons.values())}."
                )
            if reason_ == "other" and notes_ is None:
                raise ValidationError("notes", "Say why it is closed in the notes.")

        def act(s: Session) -> DisconnectionRequestOut:
            # two desks pressing at once: the second sees the first's change
            row = self._disconnection(s, request_no, for_update=True)
            before = row.status
            after = self._transition(s, actor, row, act_, reason_, notes_)
            self._audit(
                s, actor, f"disconnection_request_{act_.value}", "disconnection_request",
                row.request_no, before={"status": before},
                after={"status": after.value}
                | ({"close_reason": reason_, "notes": notes_} if reason_ else {}),
            )  # fmt: skip
            return self._disconnection_out(s, row)

        payload = {
            "request_no": request_no,
            "action": act_.value,
            "close_reason": reason_,
            "notes": notes_,
        }
        return self._once(
            actor,
            idempotency_key,
            "change_disconnection_status",
            payload,
            DisconnectionRequestOut,
            act,
        )

    def set_deposit_use(
        self, token: str, request_no: str, use: bool, idempotency_key: str
    ) -> SettlementOut:
        actor = self._authorize(token, "set_deposit_use")

        def act(s: Session) -> SettlementOut:
            row = self._disconnection(s, request_no, for_update=True)
            if lifecycle.Status(row.status).final:
                raise ConflictError(
                    f"{row.request_no} is {lifecycle.Status(row.status).label}: its settlement "
                    "can no longer change."
                )
            consumer = s.get(Consumer, row.consumer_id)
            assert consumer is not None
            before = self._settlement_of(s, row, consumer)
            row.use_deposit = use
            row.updated_at, row.updated_by = self._clock(), actor.user_id
            row.version += 1
            s.add(row)
            s.flush()
            after = self._settlement_of(s, row, consumer)
            self._audit(
                s, actor, "disconnection_deposit_use", "disconnection_request", row.request_no,
                before={"use_deposit": before.use_deposit, "net": str(before.net)},
                after={"use_deposit": use, "net": str(after.net)},
            )  # fmt: skip
            return after

        payload = {"request_no": request_no, "use": use}
        return self._once(actor, idempotency_key, "set_deposit_use", payload, SettlementOut, act)

    def _guardrails(self, conn: Connection) -> DisconnectionGuardrails:
        return dsa.guardrails_of(conn)

    def _holidays(self, conn: Connection) -> dict[date, str]:
        """The holiday calendar (table ``holiday``): day -> name."""
        return {
            (d if isinstance(d, date) else date.fromisoformat(str(d))): str(name)
            for d, name in conn.execute(text("SELECT day, name FROM holiday"))
        }

    def _check_guardrails(
        self, s: Session, consumer: Consumer, preferred: date, today: date
    ) -> None:
        """Refuse a disconnection the guard-rails do not allow on ``preferred`` (a
        ValidationError on preferred_date saying what to pick instead)."""
        conn = s.connection()
        rails = self._guardrails(conn)
        holidays = self._holidays(conn) if rails.block_on_holidays else {}
        refusal = guardrails.scheduling_refusal(
            rails, preferred, today, holidays, consumer.medical_certificate_until
        )
        if refusal is not None:
            raise ValidationError(guardrails.FIELD, refusal)

    def _sla_calendar(self, conn: Connection) -> sla.Calendar:
        """The ``sla_calendar`` setting ({"open": "08:00", "close": "17:00", "workdays":
        [0, 1, 2, 3, 4], "holidays": true}), or around the clock every day (the seed)."""
        value = _setting(conn, "sla_calendar")
        if not isinstance(value, dict):
            return sla.Calendar()
        holidays: frozenset[date] = frozenset()
        if value.get("holidays"):
            holidays = frozenset(
                d if isinstance(d, date) else date.fromisoformat(str(d))
                for (d,) in conn.execute(text("SELECT day FROM holiday"))
            )
        try:
            return sla.Calendar(
                zone=self._office_zone(conn),
                open_at=_hhmm(value["open"]) if value.get("open") else None,
                close_at=_hhmm(value["close"]) if value.get("close") else None,
                workdays=frozenset(int(d) for d in value.get("workdays", range(7))),
                holidays=holidays,
            )
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            _LOG.warning("sla_calendar setting ignored (%s): the clock runs always", exc)
            return sla.Calendar()

    def _sla_of(self, s: Session, row: DisconnectionRequest, now: datetime) -> SlaOut:
        """The request's SLA clock at ``now``: holds from the audit log, targets, settings."""
        conn = s.connection()
        target = s.get(SlaTarget, row.request_type)
        targets = (
            sla.Targets(
                Decimal(target.acknowledgement_hours),
                Decimal(target.response_hours),
                Decimal(target.resolution_hours),
            )
            if target is not None
            else sla.Targets()
        )
        holds: list[tuple[datetime, datetime | None]] = []
        for event in s.exec(
            select(AuditEvent)
            .where(
                AuditEvent.entity == "disconnection_request",
                AuditEvent.entity_id == row.request_no,
                AuditEvent.action.in_(  # type: ignore[attr-defined]
                    ("disconnection_request_hold", "disconnection_request_resume",
                     "disconnection_request_close")
                ),
            )
            .order_by(AuditEvent.id)  # type: ignore[arg-type]
        ):  # fmt: skip
            when = cq._utc(event.at) or now
            if event.action == "disconnection_request_hold":
                holds.append((when, None))
            elif holds and holds[-1][1] is None:
                holds[-1] = (holds[-1][0], when)
        resolved = cq._utc(row.resolved_at) or cq._utc(row.closed_at)
        timeline = sla.Timeline(
            created=cq._utc(row.created_at) or now,
            acknowledged=cq._utc(row.acknowledged_at),
            responded=cq._utc(row.first_response_at),
            resolved=resolved if resolved is not None and resolved <= now else None,
            holds=tuple(h for h in holds if h[0] <= now),
        )
        pause = _setting(conn, "sla_pause_on_hold") is True
        clock = sla.clock(timeline, targets, now, self._sla_calendar(conn), pause)
        remaining = int(clock.remaining.total_seconds())
        sla_out = SlaOut(
            due=clock.due,
            remaining_seconds=remaining,
            remaining=sla.remaining_text(clock.remaining),
            status=clock.status.value,
            label=clock.status.label,
            metrics=[
                SlaMetricOut(
                    name=m.name,
                    target_hours=m.target,
                    achieved_hours=m.achieved,
                    breached=m.breached,
                )
                for m in clock.metrics
            ],
            paused=clock.paused,
        )
        return sla_out

    def _settlement_of(
        self, s: Session, row: DisconnectionRequest, consumer: Consumer
    ) -> SettlementOut:
        """Seed 003's financial settlement, from the consumer's ledger and deposit."""
        bills = s.exec(
            select(Bill).where(
                Bill.consumer_id == consumer.id,
                Bill.status.in_(("unpaid", "partially_paid")),  # type: ignore[attr-defined]
            )
        ).all()
        outstanding = sum((b.amount - b.paid for b in bills), Decimal("0.00"))
        due_date = max((b.due_date for b in bills), default=None)
        payment = s.exec(
            select(Payment)
            .where(Payment.consumer_id == consumer.id, Payment.status == "processed")
            .order_by(Payment.paid_at.desc())  # type: ignore[attr-defined]
        ).first()
        deposits = s.exec(
            select(SecurityDeposit).where(
                SecurityDeposit.consumer_id == consumer.id, SecurityDeposit.status == "held"
            )
        ).all()
        deposit = sum((d.amount - d.applied for d in deposits), Decimal("0.00"))
        use = (
            row.use_deposit
            if row.use_deposit is not None
            else settlement.use_deposit_by_default(outstanding)
        )
        settled = settlement.settle(max(outstanding, Decimal(0)), deposit, use)
        paid_at = cq._utc(payment.paid_at) if payment is not None else None
        settlement_out = SettlementOut(
            outstanding=settled.outstanding,
            cleared=settled.cleared,
            due_date=due_date,
            last_payment_amount=payment.amount if payment is not None else None,
            last_payment_date=paid_at.date() if paid_at is not None else None,
            last_payment_method=payment.method if payment is not None else None,
            deposit=settled.deposit,
            deposit_date=min((d.deposit_date for d in deposits), default=None),
            use_deposit=use,
            deposit_refund=settled.deposit_refund,
            net=settled.net,
            direction=settled.direction.value,
            direction_label=settled.direction.label,
        )
        return settlement_out

    def get_disconnection_request(
        self, token: str, request_no: str, at: datetime | None = None
    ) -> DisconnectionDetail:
        self._authorize(token, "get_disconnection_request")
        if at is None:
            now = self._clock()
        else:  # a time without a zone is taken as UTC
            now = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
        with self._read() as s:
            row = self._disconnection(s, request_no)
            consumer = s.get(Consumer, row.consumer_id)
            assert consumer is not None
            out = self._disconnection_out(s, row, consumer)
            return DisconnectionDetail(
                request=out,
                phone=consumer.phone,
                category=consumer.category,
                sub_category=consumer.sub_category,
                service_address=consumer.service_address,
                billing_address=consumer.billing_address,
                sla=self._sla_of(s, row, now),
                settlement=self._settlement_of(s, row, consumer),
                evaluated_at=now,
            )

    def list_disconnection_requests(
        self,
        token: str,
        query: DisconnectionQuery,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> DisconnectionListPage:
        size = min(max(limit or self._page_size, 1), 200)
        with self._reading(token, "list_disconnection_requests") as (_, conn):
            zone = self._office_zone(conn)
            return dq.list_requests(conn, self.dialect, query, zone, cursor, size)

    def disconnection_kpis(self, token: str, month: date | None = None) -> DisconnectionKpis:
        with self._reading(token, "disconnection_kpis") as (_, conn):
            zone = self._office_zone(conn)
            day = month or self._clock().astimezone(zone).date()
            return dq.kpis(conn, self.dialect, zone, day)

    # ------------------------------------------------------------ final bill and execution

    def _office_today(self, s: Session) -> date:
        return self._clock().astimezone(self._office_zone(s.connection())).date()

    def _assigned_meters(self, s: Session, consumer_id: int) -> list[Meter]:
        return list(
            s.exec(
                select(Meter)
                .where(Meter.consumer_id == consumer_id)
                .order_by(col(Meter.utility), col(Meter.id))
            ).all()
        )

    def _meter_check(self, s: Session, meter: Meter) -> MeterCheckOut:
        last = s.exec(
            select(MeterReading)
            .where(MeterReading.meter_id == meter.id)
            .order_by(col(MeterReading.reading_date).desc(), col(MeterReading.id).desc())
        ).first()
        connection = s.get(ServiceConnection, meter.connection_id) if meter.connection_id else None
        unit = (
            connection.unit
            if connection
            else ("kWh" if meter.utility == "electricity" else "gallons")
        )
        return MeterCheckOut(
            meter_no=meter.meter_no, device_no=meter.device_no, utility=meter.utility,
            meter_type=meter.meter_type, unit=unit,
            previous_reading=last.value if last else None,
            previous_date=last.reading_date if last else None,
        )  # fmt: skip

    def _request_consumer(self, s: Session, request_no: str, *, for_update: bool = False
                          ) -> tuple[DisconnectionRequest, Consumer]:  # fmt: skip
        row = self._disconnection(s, request_no, for_update=for_update)
        consumer = s.get(Consumer, row.consumer_id)
        assert consumer is not None
        return row, consumer

    def _find_meter(
        self, s: Session, consumer: Consumer, field: str, number: str, *, by_device: bool
    ) -> Meter:
        """The consumer's meter with this meter no (or device no); else the seed's "Meter not
        linked to this account" on ``field``."""
        key = number.strip().upper()
        for meter in self._assigned_meters(s, consumer.id):  # type: ignore[arg-type]
            if (meter.device_no if by_device else meter.meter_no).upper() == key:
                return meter
        raise ValidationError(field, "Meter not linked to this account")

    def check_meter(self, token: str, request_no: str, meter_no: str) -> MeterCheckOut:
        self._authorize(token, "check_meter")
        with self._read() as s:
            _, consumer = self._request_consumer(s, request_no)
            return self._meter_check(
                s, self._find_meter(s, consumer, "meter_no", meter_no, by_device=False)
            )

    def check_device(self, token: str, request_no: str, device_no: str) -> MeterCheckOut:
        self._authorize(token, "check_device")
        with self._read() as s:
            _, consumer = self._request_consumer(s, request_no)
            return self._meter_check(
                s, self._find_meter(s, consumer, "device_no", device_no, by_device=True)
            )

    def _final_bill_row(self, s: Session, row: DisconnectionRequest) -> Bill | None:
        return s.exec(
            select(Bill)
            .where(Bill.disconnection_request_id == row.id, Bill.status != "discarded")
            .order_by(col(Bill.id).desc())
        ).first()

    def _final_bill_out(self, s: Session, bill: Bill, row: DisconnectionRequest,
                        notification: str | None = None) -> FinalBillOut:  # fmt: skip
        data = bill.final_readings or {}
        numbers = [r["meter_no"] for r in data.get("lines", [])]
        found = s.exec(select(Meter).where(col(Meter.meter_no).in_(numbers))).all()
        meters = {m.meter_no: m for m in found}
        lines = []
        for r in data.get("lines", []):
            meter = meters[r["meter_no"]]
            check = MeterCheckOut(
                meter_no=meter.meter_no, device_no=meter.device_no, utility=meter.utility,
                meter_type=meter.meter_type, unit=r["unit"],
                previous_reading=None if r["previous"] is None else Decimal(r["previous"]),
                previous_date=None if r["previous_date"] is None
                else date.fromisoformat(r["previous_date"]),
            )  # fmt: skip
            usage = Decimal(r["usage"])
            charge = tariff.Charge(meter.utility, usage, Decimal(r["fixed"]),
                                   Decimal(r["usage_charge"]), Decimal(r["tax"]))  # fmt: skip
            lines.append(FinalBillLine(
                meter=check, reading=Decimal(r["reading"]),
                reading_date=date.fromisoformat(r["reading_date"]), usage=usage,
                fixed=charge.fixed, usage_charge=charge.usage_charge, tax=charge.tax,
                total=charge.total,
            ))  # fmt: skip
        deposit = Decimal(data.get("deposit", "0.00"))
        use = bool(data.get("use_deposit"))
        money = settlement.final_bill(bill.amount, bill.outstanding_before, deposit, use)

        def name(user_id: int | None) -> str | None:
            user = s.get(User, user_id) if user_id is not None else None
            return user.full_name if user is not None else None

        return FinalBillOut(
            invoice_no=bill.bill_no, request_no=row.request_no,
            status="approved" if bill.locked else "draft", locked=bill.locked,
            period_start=bill.period_start, period_end=bill.period_end,
            period_label=f"{bill.period_start:%B %Y} \N{EN DASH} {bill.period_end:%B %Y}",
            lines=lines, billed=money.billed, outstanding=money.outstanding,
            deposit=money.deposit, use_deposit=use, deposit_applied=money.deposit_applied,
            final_due=money.final_due, deposit_refund=money.deposit_refund,
            issue_date=bill.issue_date, due_date=bill.due_date,
            created_at=cq._utc(bill.created_at) or bill.created_at,
            created_by=name(data.get("by")) or "System",
            approved_at=cq._utc(bill.approved_at), approved_by=name(bill.approved_by),
            notification=notification,
        )  # fmt: skip

    def get_final_bill(self, token: str, request_no: str) -> FinalBillView:
        self._authorize(token, "get_final_bill")
        with self._read() as s:
            row, consumer = self._request_consumer(s, request_no)
            bill = self._final_bill_row(s, row)
            utilities = sorted({m.utility for m in self._assigned_meters(s, consumer.id)})  # type: ignore[arg-type]
            return FinalBillView(
                utilities=utilities,
                bill=self._final_bill_out(s, bill, row) if bill is not None else None,
            )

    def _bill_open(self, row: DisconnectionRequest, bill: Bill | None) -> None:
        if row.request_type != "disconnection":
            raise ConflictError("A reconnection request has no final bill.")
        status = lifecycle.Status(row.status)
        if status.final:
            raise ConflictError(
                f"{row.request_no} is {status.label}: its final bill can no longer change."
            )
        if bill is not None and bill.locked:
            raise ConflictError(f"The final bill {bill.bill_no} is approved and locked.")

    def draft_final_bill(
        self, token: str, request_no: str, readings: list[FinalReadingIn], idempotency_key: str
    ) -> FinalBillOut:
        actor = self._authorize(token, "draft_final_bill")

        def act(s: Session) -> FinalBillOut:
            row, consumer = self._request_consumer(s, request_no, for_update=True)
            current = self._final_bill_row(s, row)
            self._bill_open(row, current)
            today = self._office_today(s)
            assigned = self._assigned_meters(s, consumer.id)  # type: ignore[arg-type]
            if not assigned:
                raise ConflictError(f"{consumer.account_no} has no meter to bill.")
            if not readings:
                raise ValidationError("readings", "Enter the final reading of each meter.")
            seen: set[str] = set()
            lines: list[dict[str, Any]] = []
            tariff_ = tariff.tariff_of(_setting(s.connection(), "tariff"))
            for i, given in enumerate(readings):
                where = f"readings.{i}"
                meter = self._find_meter(
                    s, consumer, f"{where}.meter_no", given.meter_no, by_device=False
                )
                if meter.meter_no in seen:
                    raise ValidationError(f"{where}.meter_no", "This meter is already read above.")
                seen.add(meter.meter_no)
                check = self._meter_check(s, meter)
                if given.reading is None:
                    raise ValidationError(f"{where}.reading", "Enter the final reading.")
                value = settlement.cents(given.reading, f"{where}.reading")
                if check.previous_reading is not None and value <= check.previous_reading:
                    raise ValidationError(
                        f"{where}.reading",
                        f"The reading must be greater than the previous one "
                        f"({check.previous_reading} on {check.previous_date}).",
                    )
                if given.reading_date is None:
                    raise ValidationError(f"{where}.reading_date", "Enter the reading date.")
                if given.reading_date > today:
                    raise ValidationError(
                        f"{where}.reading_date", "The reading date cannot be in the future."
                    )
                if check.previous_date is not None and given.reading_date < check.previous_date:
                    raise ValidationError(
                        f"{where}.reading_date",
                        f"The reading date is before the previous reading ({check.previous_date}).",
                    )
                usage = value - (check.previous_reading or Decimal(0))
                charge = tariff.charge(tariff_, meter.utility, usage)
                lines.append({
                    "meter_no": meter.meter_no, "unit": check.unit, "reading": str(value),
                    "reading_date": given.reading_date.isoformat(),
                    "previous": None if check.previous_reading is None
                    else str(check.previous_reading),
                    "previous_date": None if check.previous_date is None
                    else check.previous_date.isoformat(),
                    "usage": str(usage), "fixed": str(charge.fixed),
                    "usage_charge": str(charge.usage_charge), "tax": str(charge.tax),
                })  # fmt: skip
            missing = [m.meter_no for m in assigned if m.meter_no not in seen]
            if missing:
                raise ValidationError(
                    "readings", f"Enter the final reading of every meter: {', '.join(missing)}."
                )
            money = self._settlement_of(s, row, consumer)
            billed = sum(
                (
                    Decimal(x["fixed"]) + Decimal(x["usage_charge"]) + Decimal(x["tax"])
                    for x in lines
                ),
                Decimal("0.00"),
            )
            fb = settlement.final_bill(billed, money.outstanding, money.deposit, money.use_deposit)
            now = self._clock()
            if current is not None:
                current.status = "discarded"
                s.add(current)
                self._audit(s, actor, "final_bill_discarded", "bill", current.bill_no,
                            detail=f"replaced by a new draft for {row.request_no}")  # fmt: skip
            last_regular = s.exec(
                select(func.max(Bill.period_end)).where(
                    Bill.consumer_id == consumer.id, Bill.kind != "final"
                )
            ).one()
            end = max(date.fromisoformat(x["reading_date"]) for x in lines)
            start = (last_regular + timedelta(days=1)) if last_regular else min(
                (date.fromisoformat(x["previous_date"]) for x in lines if x["previous_date"]),
                default=end,
            )  # fmt: skip
            start = min(start, end)
            number = self._next_number(s, "invoice", floor=414000)
            bill = Bill(
                bill_no=f"INV-{number:06d}", consumer_id=consumer.id,  # type: ignore[arg-type]
                kind="final", period_start=start, period_end=end, issue_date=today,
                due_date=today + timedelta(days=FINAL_BILL_DUE_DAYS), usage=None,
                amount=fb.billed, outstanding_before=fb.outstanding,
                deposit_applied=fb.deposit_applied, status="draft", created_at=now,
                disconnection_request_id=row.id,
                final_readings={"by": actor.user_id, "lines": lines,
                                "deposit": str(fb.deposit), "use_deposit": fb.use_deposit},
            )  # fmt: skip
            s.add(bill)
            s.flush()
            self._audit(
                s, actor, "final_bill_drafted", "bill", bill.bill_no,
                after={"request_no": row.request_no, "billed": str(fb.billed),
                       "outstanding": str(fb.outstanding),
                       "deposit_applied": str(fb.deposit_applied),
                       "final_due": str(fb.final_due)},
            )  # fmt: skip
            return self._final_bill_out(s, bill, row)

        payload = {"request_no": request_no,
                   "readings": [r.model_dump(mode="json") for r in readings]}  # fmt: skip
        return self._once(actor, idempotency_key, "draft_final_bill", payload, FinalBillOut, act)

    def discard_final_bill(
        self, token: str, request_no: str, idempotency_key: str
    ) -> FinalBillView:
        actor = self._authorize(token, "discard_final_bill")

        def act(s: Session) -> FinalBillView:
            row, consumer = self._request_consumer(s, request_no, for_update=True)
            bill = self._final_bill_row(s, row)
            self._bill_open(row, bill)
            if bill is None:
                raise NotFoundError(f"{row.request_no} has no draft bill to discard.")
            bill.status = "discarded"
            s.add(bill)
            self._audit(s, actor, "final_bill_discarded", "bill", bill.bill_no,
                        detail=f"draft for {row.request_no} discarded")  # fmt: skip
            utilities = sorted({m.utility for m in self._assigned_meters(s, consumer.id)})  # type: ignore[arg-type]
            return FinalBillView(utilities=utilities, bill=None)

        return self._once(actor, idempotency_key, "discard_final_bill",
                          {"request_no": request_no}, FinalBillView, act)  # fmt: skip

    def approve_final_bill(self, token: str, request_no: str, idempotency_key: str) -> FinalBillOut:
        actor = self._authorize(token, "approve_final_bill")

        def act(s: Session) -> FinalBillOut:
            row, consumer = self._request_consumer(s, request_no, for_update=True)
            bill = self._final_bill_row(s, row)
            self._bill_open(row, bill)
            if bill is None:
                raise NotFoundError(f"{row.request_no} has no final bill: generate one first.")
            money = self._settlement_of(s, row, consumer)
            data = bill.final_readings or {}
            if (money.outstanding != bill.outstanding_before
                    or str(money.deposit) != data.get("deposit")
                    or money.use_deposit != data.get("use_deposit")):  # fmt: skip
                raise ConflictError(
                    "The outstanding amount or the deposit changed since this draft: discard it "
                    "and generate a new bill."
                )
            now = self._clock()
            bill.locked, bill.status = True, "unpaid"
            bill.approved_by, bill.approved_at = actor.user_id, now
            for line in data.get("lines", []):
                meter = s.exec(select(Meter).where(Meter.meter_no == line["meter_no"])).one()
                s.add(MeterReading(
                    meter_id=meter.id,  # type: ignore[arg-type]
                    reading_date=date.fromisoformat(line["reading_date"]),
                    value=Decimal(line["reading"]), consumption=Decimal(line["usage"]),
                    status="verified", source="final", taken_by=actor.full_name,
                ))  # fmt: skip
            # the deposit settles the oldest dues first, then this bill
            left = bill.deposit_applied
            unpaid = [*s.exec(
                select(Bill).where(Bill.consumer_id == consumer.id, Bill.id != bill.id,
                                   col(Bill.status).in_(("unpaid", "partially_paid")))
                .order_by(col(Bill.due_date), col(Bill.id))
            ).all(), bill]  # fmt: skip
            for due in unpaid:
                part = min(left, due.amount - due.paid)
                if part > 0:
                    due.paid += part
                    left -= part
                due.status = "paid" if due.paid >= due.amount else (
                    "partially_paid" if due.paid > 0 else "unpaid")  # fmt: skip
                s.add(due)
            left = bill.deposit_applied
            for deposit in s.exec(
                select(SecurityDeposit).where(SecurityDeposit.consumer_id == consumer.id,
                                              SecurityDeposit.status == "held")
                .order_by(col(SecurityDeposit.deposit_date))
            ).all():  # fmt: skip
                part = min(left, deposit.amount - deposit.applied)
                deposit.applied += part
                left -= part
                if deposit.applied >= deposit.amount:
                    deposit.status = "applied"
                s.add(deposit)
            consumer.balance += bill.amount - bill.deposit_applied
            consumer.version += 1
            s.add(consumer)
            s.add(bill)
            out = self._final_bill_out(s, bill, row)
            notification = "Not sent: no email address on file."
            if consumer.email:
                body = (
                    f"Dear {consumer.name},\n\nYour final bill {bill.bill_no} for account "
                    f"{consumer.account_no} ({out.period_label}):\n"
                    f"  Billed amount          {out.billed}\n"
                    f"  Outstanding amount     {out.outstanding}\n"
                    f"  Security deposit       -{out.deposit_applied}\n"
                    f"  Final amount due       {out.final_due} by {out.due_date:%B %d, %Y}\n"
                )
                s.add(NotificationOutbox(
                    channel="email", recipient=consumer.email,
                    subject=f"Your final bill {bill.bill_no}", body=body,
                    consumer_id=consumer.id, related=row.request_no, created_at=now,
                ))  # fmt: skip
                notification = f"Email queued to {consumer.email}."
            s.flush()
            self._audit(
                s, actor, "final_bill_approved", "bill", bill.bill_no,
                after={"request_no": row.request_no, "final_due": str(out.final_due),
                       "deposit_applied": str(out.deposit_applied)},
                detail=notification,
            )  # fmt: skip
            return out.model_copy(update={"notification": notification})

        return self._once(actor, idempotency_key, "approve_final_bill",
                          {"request_no": request_no}, FinalBillOut, act)  # fmt: skip

    def check_service_order(self, token: str, request_no: str, so_no: str) -> ServiceOrderCheckOut:
        self._authorize(token, "check_service_order")
        with self._read() as s:
            _, consumer = self._request_consumer(s, request_no)
            order = self._disconnection_order(s, consumer, so_no)
            return ServiceOrderCheckOut(
                so_no=order.so_no, name=order.name, status=order.status,
                assigned_to=order.assigned_to,
                completion_date=(cq._utc(order.completed_at).date()  # type: ignore[union-attr]
                                 if order.completed_at else order.scheduled_date),
                approved_by=order.approved_by,
            )  # fmt: skip

    def _disconnection_order(self, s: Session, consumer: Consumer, so_no: str) -> ServiceOrder:
        """The open disconnection service order ``so_no`` of the consumer, or the seed's
        "Service order not found or not applicable"."""
        order = s.exec(
            select(ServiceOrder).where(ServiceOrder.so_no == so_no.strip().upper())
        ).first()
        if (
            order is None
            or order.consumer_id != consumer.id
            or "disconnect" not in order.order_type.lower()
            or order.status in CLOSED_SERVICE_ORDER
        ):
            raise ValidationError("so_no", "Service order not found or not applicable")
        return order

    def execute_disconnection(
        self, token: str, request_no: str, execution: ExecuteDisconnection, idempotency_key: str
    ) -> DisconnectionRequestOut:
        actor = self._authorize(token, "execute_disconnection")
        action = execution.meter_action.strip().lower()
        if action not in METER_ACTIONS:
            raise ValidationError(
                "meter_action", "Choose Unassign meter only or Remove meter completely."
            )

        def act(s: Session) -> DisconnectionRequestOut:
            row, consumer = self._request_consumer(s, request_no, for_update=True)
            if row.request_type != "disconnection":
                raise ConflictError(
                    "A reconnection request is not executed from the Disconnect tab."
                )
            after = lifecycle.next_status(row.status, lifecycle.Action.RESOLVE)
            order = self._disconnection_order(s, consumer, execution.so_no)
            assigned = self._assigned_meters(s, consumer.id)  # type: ignore[arg-type]
            chosen: list[Meter] = []
            for i, device in enumerate(execution.device_nos):
                meter = self._find_meter(s, consumer, f"device_nos.{i}", device, by_device=True)
                if meter not in chosen:
                    chosen.append(meter)
            missing = [m for m in assigned if m not in chosen]
            if missing:
                names = ", ".join(f"{m.utility} meter {m.meter_no}" for m in missing)
                raise ValidationError(
                    "device_nos", f"Enter the device number of every meter: {names} is missing."
                )
            items = s.exec(text("SELECT count(*) FROM checklist_item WHERE active")).one()[0]  # type: ignore[call-overload]
            ticked = sorted({n for n in execution.checklist if 1 <= n <= items})
            need = self._checklist_required(s.connection(), int(items))
            if len(ticked) < need:
                raise ValidationError(
                    "checklist",
                    f"Complete the checklist: {len(ticked)}/{items} ticked, {need} needed.",
                )
            now = self._clock()
            before_status = consumer.status
            for meter in chosen:
                was = meter.inventory_status
                meter.consumer_id, meter.connection_id = None, None
                meter.reading_status = "inactive"
                if action == "remove":
                    meter.inventory_status = "uninstalled"
                    s.add(InventoryMovement(
                        meter_id=meter.id,  # type: ignore[arg-type]
                        at=now, from_status=was, to_status="uninstalled",
                        location="Warehouse", reference=order.so_no, user_id=actor.user_id,
                    ))  # fmt: skip
                meter.version += 1
                s.add(meter)
            for connection in s.exec(
                select(ServiceConnection).where(ServiceConnection.consumer_id == consumer.id)
            ).all():
                connection.status, connection.billing_frozen = "disconnected", True
                s.add(connection)
            consumer.status = "inactive"
            consumer.version += 1
            s.add(consumer)
            order.status, order.completed_at = "completed", now
            order.remarks = (
                (order.remarks or "") + f" Disconnection executed ({action})."
            ).strip()[:500]
            s.add(order)
            row.status = after.value
            row.resolved_at = row.executed_at = now
            if row.first_response_at is None:
                row.first_response_at = now
            row.meter_action, row.service_order_id = action, order.id
            row.checklist_done = ticked
            row.updated_at, row.updated_by = now, actor.user_id
            row.version += 1
            s.add(row)
            notification = "Not notified: no email address on file."
            if consumer.email:
                s.add(NotificationOutbox(
                    channel="email", recipient=consumer.email,
                    subject=f"Service disconnected: {row.request_no}",
                    body=(f"Dear {consumer.name},\n\nYour service at {consumer.service_address} "
                          f"(account {consumer.account_no}) was disconnected on "
                          f"{now:%B %d, %Y} under request {row.request_no}.\n"),
                    consumer_id=consumer.id, related=row.request_no, created_at=now,
                ))  # fmt: skip
                notification = f"Email queued to {consumer.email}."
            s.flush()
            self._audit(
                s, actor, "disconnection_executed", "disconnection_request", row.request_no,
                before={"consumer_status": before_status, "status": "in_progress"},
                after={"consumer_status": "inactive", "status": after.value,
                       "meter_action": action, "so_no": order.so_no,
                       "meters": [f"{m.meter_no}/{m.device_no}" for m in chosen],
                       "checklist": ticked, "billing": "frozen"},
                detail=notification,
            )  # fmt: skip
            return self._disconnection_out(s, row, consumer, notification)

        payload = {"request_no": request_no, **execution.model_dump(mode="json")}
        return self._once(actor, idempotency_key, "execute_disconnection", payload,
                          DisconnectionRequestOut, act)  # fmt: skip

    def request_timeline(self, token: str, request_no: str) -> list[TimelineEventOut]:
        self._authorize(token, "request_timeline")
        with self._read() as s:
            row = self._disconnection(s, request_no)
            bills = list(s.exec(
                select(Bill.bill_no).where(col(Bill.disconnection_request_id) == row.id)
            ).all())  # fmt: skip
            mails = [str(i) for i in s.exec(
                select(NotificationOutbox.id).where(
                    col(NotificationOutbox.related) == row.request_no
                )
            ).all()]  # fmt: skip
            wanted = [("disconnection_request", [row.request_no]), ("bill", bills),
                      ("notification", mails)]  # fmt: skip
            events: list[AuditEvent] = []
            for entity, ids in wanted:
                if ids:
                    events += s.exec(
                        select(AuditEvent).where(
                            AuditEvent.entity == entity, col(AuditEvent.entity_id).in_(ids)
                        )
                    ).all()
            events.sort(key=lambda e: (cq._utc(e.at) or e.at, e.id or 0))
            names = {u.id: u.full_name for u in s.exec(select(User)).all()}
            out = []
            for e in events:
                who = names.get(e.user_id) if e.user_id is not None else None
                out.append(TimelineEventOut(
                    at=cq._utc(e.at) or e.at, who=who or "System",
                    what=_timeline_label(e), detail=e.detail,
                ))  # fmt: skip
            return out

    # ------------------------------------------------------------ request's service orders

    def _so_templates(self, s: Session, row: DisconnectionRequest, consumer: Consumer
                      ) -> list[so_templates.Template]:  # fmt: skip
        """The templates that fit the consumer (category, utilities) and the request."""
        utilities = [u for (u,) in s.connection().execute(
            text("SELECT utility FROM service_connection WHERE consumer_id = :c"),
            {"c": consumer.id},
        )]  # fmt: skip
        every = so_templates.templates(_setting(s.connection(), "service_order_templates"))
        return so_templates.fitting(every, consumer.category, utilities, row.request_type)

    def _request_order_out(self, order: ServiceOrder, request_id: int | None
                           ) -> RequestServiceOrderOut:  # fmt: skip
        return RequestServiceOrderOut(
            so_no=order.so_no, name=order.name, order_type=order.order_type,
            status=order.status, priority=order.priority,
            scheduled_date=order.scheduled_date, scheduled_slot=order.scheduled_slot,
            created_at=cq._utc(order.created_at) or order.created_at,
            created_by=order.created_by, assigned_to=order.assigned_to,
            assigned_on=cq._utc(order.assigned_on), approved_by=order.approved_by,
            estimated_minutes=order.estimated_minutes, remarks=order.remarks,
            completed_at=cq._utc(order.completed_at),
            linked=request_id is not None and order.disconnection_request_id == request_id,
        )  # fmt: skip

    def request_service_orders(self, token: str, request_no: str) -> list[RequestServiceOrderOut]:
        self._authorize(token, "request_service_orders")
        with self._read() as s:
            row, consumer = self._request_consumer(s, request_no)
            orders = s.exec(
                select(ServiceOrder)
                .where(ServiceOrder.consumer_id == consumer.id)
                .order_by(col(ServiceOrder.created_at).desc(), col(ServiceOrder.id).desc())
                .limit(100)
            ).all()
            return [self._request_order_out(o, row.id) for o in orders]

    def service_order_templates(self, token: str, request_no: str) -> list[ServiceOrderTemplateOut]:
        self._authorize(token, "service_order_templates")
        with self._read() as s:
            row, consumer = self._request_consumer(s, request_no)
            fields = ServiceOrderTemplateOut.model_fields
            return [
                ServiceOrderTemplateOut(**t.model_dump(include=set(fields)))
                for t in self._so_templates(s, row, consumer)
            ]

    def _technician(self, s: Session) -> str | None:
        """The active field technician with the fewest open service orders (then by name):
        seed 003 "Resource Assignment: Automatic technician assignment"."""
        names = sorted(
            u.full_name
            for u in s.exec(
                select(User).where(User.role == Role.FIELD_TECHNICIAN.value, User.active == True)  # noqa: E712
            ).all()
        )
        if not names:
            return None
        load: dict[str, int] = dict(
            s.connection()
            .execute(
                text(
                    "SELECT assigned_to, count(*) FROM service_order WHERE status NOT IN "
                    "('completed', 'verified', 'closed', 'cancelled') AND assigned_to IS NOT "
                    "NULL GROUP BY assigned_to"
                )
            )
            .all()
        )
        return min(names, key=lambda n: (int(load.get(n, 0)), n))

    def create_request_service_order(
        self, token: str, request_no: str, order: NewRequestServiceOrder, idempotency_key: str
    ) -> RequestServiceOrderOut:
        actor = self._authorize(token, "create_request_service_order")
        remarks = _plain_text("remarks", order.remarks, "Remarks", 500)
        code = order.template_code.strip().upper()
        if not code:
            raise ValidationError("template_code", "Pick a service order type from the list.")
        if order.scheduled_date is None:
            raise ValidationError("scheduled_date", "Scheduled date is required.")

        def act(s: Session) -> RequestServiceOrderOut:
            row, consumer = self._request_consumer(s, request_no, for_update=True)
            if lifecycle.Status(row.status).final:
                raise ConflictError(
                    f"{row.request_no} is {row.status.replace('_', ' ')}: service orders are "
                    "made for open requests."
                )
            fitting = {t.code: t for t in self._so_templates(s, row, consumer)}
            template = fitting.get(code)
            if template is None:
                raise ValidationError(
                    "template_code",
                    "That service order type does not apply to this consumer: pick one from "
                    "the list.",
                )
            assert order.scheduled_date is not None
            if order.scheduled_date < self._office_today(s):
                raise ValidationError("scheduled_date", "Cannot select past date")
            now = self._clock()
            technician = self._technician(s)
            number = self._next_number(s, "service_order", 4523)
            so = ServiceOrder(
                so_no=f"SO-{number}",
                consumer_id=consumer.id,  # type: ignore[arg-type]
                disconnection_request_id=row.id,
                name=f"{template.name} - {consumer.name}"[:160],
                order_type=template.order_type,
                description=f"{template.name} for {row.request_no}",
                status="assigned" if technician else "created",
                priority=template.priority,
                scheduled_date=order.scheduled_date,
                scheduled_slot=row.time_slot,
                estimated_minutes=template.estimated_minutes,
                remarks=remarks,
                created_at=now,
                created_by=actor.full_name,
                assigned_to=technician,
                assigned_on=now if technician else None,
                approved_by=None if template.requires_approval else actor.full_name,
            )
            s.add(so)
            s.flush()
            self._audit(
                s, actor, "request_service_order_created", "disconnection_request",
                row.request_no,
                after={"so_no": so.so_no, "template": template.code, "account_no":
                       consumer.account_no, "scheduled_date": str(order.scheduled_date),
                       "assigned_to": technician, "remarks": remarks},
                detail=f"{so.name}; " + (f"assigned to {technician}" if technician
                                         else "no field technician to assign"),
            )  # fmt: skip
            return self._request_order_out(so, row.id)

        payload = {"request_no": request_no.strip().upper(), **order.model_dump(mode="json")}
        return self._once(
            actor, idempotency_key, "create_request_service_order", payload,
            RequestServiceOrderOut, act,
        )  # fmt: skip

    def service_order_report(self, token: str, so_no: str) -> ServiceOrderReport:
        self._authorize(token, "service_order_report")
        with self._read() as s:
            order = s.exec(
                select(ServiceOrder).where(ServiceOrder.so_no == so_no.strip().upper())
            ).first()
            if order is None:
                raise NotFoundError(f"No service order numbered {so_no.strip()}.")
            if order.status not in ("completed", "verified", "closed"):
                raise ConflictError(
                    f"{order.so_no} is {order.status.replace('_', ' ')}: its report can be "
                    "downloaded once it is completed."
                )
            consumer = s.get(Consumer, order.consumer_id)
            assert consumer is not None
            request = (s.get(DisconnectionRequest, order.disconnection_request_id)
                       if order.disconnection_request_id else None)  # fmt: skip
            zone = self._office_zone(s.connection())

            def when(value: datetime | None) -> str:
                moment = cq._utc(value)
                return moment.astimezone(zone).strftime("%B %d, %Y %I:%M %p") if moment else "--"

            lines = [
                f"Service order report {order.so_no}",
                "",
                f"Name:            {order.name}",
                f"Type:            {order.order_type}",
                f"Status:          {order.status.replace('_', ' ').title()}",
                f"Priority:        {order.priority.title()}",
                f"Consumer:        {consumer.name} ({consumer.account_no})",
                f"Service address: {consumer.service_address}",
                f"Request:         {request.request_no if request else '--'}",
                f"Scheduled:       {order.scheduled_date:%B %d, %Y}"
                + (f" {order.scheduled_slot}" if order.scheduled_slot else "")
                if order.scheduled_date
                else "Scheduled:       --",
                f"Created:         {when(order.created_at)} by {order.created_by or '--'}",
                f"Assigned to:     {order.assigned_to or '--'} on {when(order.assigned_on)}",
                f"Approved by:     {order.approved_by or '--'}",
                f"Completed:       {when(order.completed_at)}",
                f"Remarks:         {order.remarks or '--'}",
            ]
            if request is not None and request.executed_at is not None:
                action = {"unassign": "meters unassigned (left installed)",
                          "remove": "meters removed to the warehouse"}  # fmt: skip
                lines.append(
                    f"Disconnection:   executed {when(request.executed_at)}, "
                    f"{action.get(request.meter_action or '', request.meter_action or '--')}"
                )
            return ServiceOrderReport(
                so_no=order.so_no, title=f"Service order {order.so_no}", text="\n".join(lines)
            )

    # ------------------------------------------------------------ request's communication

    def request_communications(self, token: str, request_no: str) -> list[RequestMessageOut]:
        self._authorize(token, "request_communications")
        with self._read() as s:
            row, consumer = self._request_consumer(s, request_no)
            names = {u.id: u.full_name for u in s.exec(select(User)).all()}
            out: list[RequestMessageOut] = []
            for m in s.exec(
                select(Communication)
                .where(Communication.consumer_id == consumer.id)
                .order_by(col(Communication.at).desc(), col(Communication.id).desc())
                .limit(100)
            ).all():
                out.append(RequestMessageOut(
                    kind=m.channel, direction=m.direction, subject=m.subject, body=m.body,
                    at=cq._utc(m.at) or m.at,
                    by=names.get(m.user_id, "System") if m.user_id is not None else "System",
                    status=m.status, linked=m.disconnection_request_id == row.id,
                ))  # fmt: skip
            for n in s.exec(
                select(Note)
                .where(Note.consumer_id == consumer.id)
                .order_by(col(Note.created_at).desc(), col(Note.id).desc())
                .limit(100)
            ).all():
                out.append(RequestMessageOut(
                    kind="internal", direction="internal", subject=None, body=n.body,
                    at=cq._utc(n.created_at) or n.created_at, by=n.author_name,
                    status="noted", linked=n.disconnection_request_id == row.id,
                ))  # fmt: skip
            out.sort(key=lambda e: e.at, reverse=True)
            return out[:100]

    def add_request_communication(
        self, token: str, request_no: str, entry: NewRequestMessage, idempotency_key: str
    ) -> RequestMessageOut:
        actor = self._authorize(token, "add_request_communication")
        kind = entry.kind.strip().lower()
        if kind not in ("internal", "consumer"):
            raise ValidationError("kind", "Choose an internal note or a message to the consumer.")
        subject = None
        if kind == "consumer":
            subject = _plain_text("subject", entry.subject, "Subject", 200)
            if subject is None:
                raise ValidationError("subject", "Subject is required for a message.")
        body = _plain_text("body", entry.body, "Message" if kind == "consumer" else "Note", 2000)
        if body is None:
            raise ValidationError(
                "body", ("Message" if kind == "consumer" else "Note") + " is required."
            )

        def act(s: Session) -> RequestMessageOut:
            row, consumer = self._request_consumer(s, request_no, for_update=True)
            now = self._clock()
            if kind == "internal":
                s.add(Note(
                    consumer_id=consumer.id,  # type: ignore[arg-type]
                    disconnection_request_id=row.id, author_id=actor.user_id,
                    author_name=actor.full_name, body=body, created_at=now,
                ))  # fmt: skip
                self._audit(
                    s, actor, "request_note_added", "disconnection_request", row.request_no,
                    after={"account_no": consumer.account_no, "body": body},
                )  # fmt: skip
                return RequestMessageOut(
                    kind="internal", direction="internal", subject=None, body=body, at=now,
                    by=actor.full_name, status="noted", linked=True,
                )  # fmt: skip
            if not consumer.email:
                raise ValidationError(
                    "kind",
                    f"{consumer.name} has no email address on file: add one to the profile, "
                    "or write an internal note of your call instead.",
                )
            s.add(Communication(
                consumer_id=consumer.id,  # type: ignore[arg-type]
                disconnection_request_id=row.id, channel="email", direction="to_customer",
                subject=subject, body=body, at=now, user_id=actor.user_id, status="queued",
            ))  # fmt: skip
            s.add(NotificationOutbox(
                channel="email", recipient=consumer.email, subject=subject or "", body=body,
                consumer_id=consumer.id, related=row.request_no, created_at=now,
            ))  # fmt: skip
            consumer.last_contact_at = now
            if row.first_response_at is None and row.status != "pending":
                row.first_response_at = now  # the first answer to the consumer
                row.version += 1
            self._audit(
                s, actor, "request_message_sent", "disconnection_request", row.request_no,
                after={"account_no": consumer.account_no, "channel": "email",
                       "recipient": consumer.email, "subject": subject},
            )  # fmt: skip
            return RequestMessageOut(
                kind="email", direction="to_customer", subject=subject, body=body, at=now,
                by=actor.full_name, status="queued", linked=True,
            )  # fmt: skip

        payload = {"request_no": request_no.strip().upper(), **entry.model_dump(mode="json")}
        return self._once(
            actor, idempotency_key, "add_request_communication", payload, RequestMessageOut, act
        )

    # ------------------------------------------------------------ notification jobs

    def deliver_notifications(self, token: str) -> DeliveryReport:
        self._authorize(token, "deliver_notifications")
        return self.run_notification_jobs()

    def run_notification_jobs(self) -> DeliveryReport:
        """``deliver_notifications`` without a session: for the server's own loop and
        ``cso-tui outbox send`` (local only, not part of the Backend protocol)."""
        escalated = self._escalate_breaches()
        with self._engines.read.connect() as conn:
            settings = outbox.smtp_settings(_setting(conn, "smtp"))
        sent = retrying = failed = 0
        if settings is not None:
            sent, retrying, failed = self._send_due(settings)
        with self._read() as s:
            waiting = s.exec(
                select(func.count()).where(
                    NotificationOutbox.channel == "email",
                    NotificationOutbox.status.in_(("pending", "sending")),  # type: ignore[attr-defined]
                )
            ).one()
        return DeliveryReport(
            configured=settings is not None, escalated=escalated, sent=sent,
            retrying=retrying, failed=failed, waiting=int(waiting),
        )  # fmt: skip

    def _escalate_breaches(self) -> int:
        """Tell the supervisors of each open request newly past an SLA target (seed 003:
        "SLA breach -> Automatic escalation notification to supervisors"), once each."""
        now = self._clock()
        with self._read() as s:
            quickest = min(
                (t.acknowledgement_hours for t in s.exec(select(SlaTarget)).all()),
                default=Decimal(2),
            )
            since = now - timedelta(minutes=int(quickest * 60))
            candidates = s.exec(
                select(DisconnectionRequest).where(
                    DisconnectionRequest.status.in_(OPEN_DISCONNECTION),  # type: ignore[attr-defined]
                    DisconnectionRequest.breach_notified_at == None,  # noqa: E711
                    DisconnectionRequest.created_at <= since,
                )
            ).all()
            breached = []
            for row in candidates:
                clock = self._sla_of(s, row, now)
                if clock.status == "breached":
                    late = [m.name for m in clock.metrics if m.breached]
                    breached.append((row.request_no, clock.due, late))
        count = 0
        for request_no, due, late in breached:
            with self._write() as s:
                row = self._disconnection(s, request_no, for_update=True)
                if row.breach_notified_at is not None or row.status not in OPEN_DISCONNECTION:
                    continue  # another run got there first, or it was closed meanwhile
                consumer = s.get(Consumer, row.consumer_id)
                assert consumer is not None
                supervisors = s.exec(
                    select(User).where(
                        User.role.in_((Role.CSO_MANAGER, Role.CSO_ADMIN)),  # type: ignore[attr-defined]
                        User.active == True,  # noqa: E712
                        User.email != None,  # noqa: E711
                    )
                ).all()
                what = ", ".join(late) or "Resolution"
                subject = f"SLA breached: {row.request_no} ({what})"
                body = (
                    f"{row.request_type.title()} request {row.request_no} for {consumer.name} "
                    f"({consumer.account_no}), priority {row.priority}, status "
                    f"{lifecycle.Status(row.status).label}, has missed its SLA target: {what}. "
                    f"Resolution due {due:%Y-%m-%d %H:%M} UTC.\n"
                )
                for user in supervisors:
                    assert user.email is not None
                    s.add(
                        NotificationOutbox(
                            channel="email", recipient=user.email, subject=subject, body=body,
                            consumer_id=consumer.id, related=row.request_no, created_at=now,
                        )
                    )  # fmt: skip
                row.breach_notified_at = now
                s.add(row)
                told = ", ".join(u.username for u in supervisors) or "no supervisor has an email"
                self._audit(
                    s, None, "sla_breach_escalated", "disconnection_request", row.request_no,
                    after={"breached": late, "supervisors": [u.username for u in supervisors]},
                    detail=f"Escalated to: {told}", username="system",
                )  # fmt: skip
                count += 1
        return count

    def _send_due(self, settings: outbox.SmtpSettings) -> tuple[int, int, int]:
        """Claim the due emails, send them (outside any transaction), record each result."""
        now = self._clock()
        with self._write() as s:
            due = s.exec(
                select(NotificationOutbox)
                .where(
                    col(NotificationOutbox.channel) == "email",
                    or_(
                        and_(
                            col(NotificationOutbox.status) == "pending",
                            or_(
                                col(NotificationOutbox.next_attempt_at).is_(None),
                                col(NotificationOutbox.next_attempt_at) <= now,
                            ),
                        ),
                        and_(
                            col(NotificationOutbox.status) == "sending",
                            col(NotificationOutbox.claimed_at) <= now - outbox.CLAIM_TIMEOUT,
                        ),
                    ),
                )
                .order_by(NotificationOutbox.id)  # type: ignore[arg-type]
                .limit(outbox.BATCH)
                .with_for_update(skip_locked=True)
            ).all()
            for row in due:
                row.status, row.claimed_at = "sending", now
                s.add(row)
            claimed = [(r.id, r.recipient, r.subject, r.body) for r in due]
        results: list[tuple[int, str | None]] = []
        mailer = outbox.Mailer(settings)
        try:
            for row_id, recipient, subject, body in claimed:
                assert row_id is not None
                try:
                    mailer.send(recipient, subject, body)
                except (OSError, smtplib.SMTPException) as exc:
                    results.append((row_id, f"{type(exc).__name__}: {exc}"[:500]))
                else:
                    results.append((row_id, None))
        finally:
            mailer.close()
        sent = retrying = failed = 0
        done = self._clock()
        with self._write() as s:
            for row_id, error in results:
                mail = s.get(NotificationOutbox, row_id)
                if mail is None:
                    continue
                row = mail
                row.attempts += 1
                row.claimed_at = None
                about = {"recipient": row.recipient, "subject": row.subject,
                         "related": row.related, "attempts": row.attempts}  # fmt: skip
                if error is None:
                    row.status, row.sent_at, row.last_error = "sent", done, None
                    sent += 1
                    self._audit(
                        s, None, "notification_sent", "notification", str(row_id),
                        after=about, detail=f"Email to {row.recipient}", username="system",
                    )  # fmt: skip
                elif row.attempts >= outbox.MAX_ATTEMPTS:
                    row.status, row.last_error = "failed", error
                    failed += 1
                    self._audit(
                        s, None, "notification_failed", "notification", str(row_id),
                        after=about, detail=error, username="system",
                    )  # fmt: skip
                else:
                    row.status, row.last_error = "pending", error
                    row.next_attempt_at = done + outbox.retry_pause(row.attempts)
                    retrying += 1
                s.add(row)
        return sent, retrying, failed

    def lock_consumer(self, token: str, account_no: str, purpose: str) -> ConsumerLockOut:
        actor = self._authorize(token, "lock_consumer")
        purpose_ = validation.required_text("purpose", purpose, "Purpose", 60)
        with self._write() as s:
            consumer = self._consumer(s, account_no, for_update=True)
            self._held_by_other(s, consumer, actor)
            now = self._clock()
            expires = now + timedelta(minutes=self._lock_minutes(s))
            lock = s.get(ConsumerLock, consumer.id)
            renewed = lock is not None and lock.user_id == actor.user_id
            if lock is None:
                lock = ConsumerLock(
                    consumer_id=consumer.id,  # type: ignore[arg-type]
                    user_id=actor.user_id,
                    purpose=purpose_,
                    since=now,
                    expires_at=expires,
                )
            if not renewed:  # new, or taken over once the last holder's lapsed
                lock.user_id, lock.since = actor.user_id, now
            lock.purpose, lock.expires_at = purpose_, expires
            s.add(lock)
            if not renewed:  # a renewal is a heartbeat, not a change of who holds it
                self._audit(
                    s, actor, "consumer_locked", "consumer", consumer.account_no,
                    after={"purpose": purpose_, "expires_at": expires.isoformat()},
                )  # fmt: skip
            return ConsumerLockOut(
                account_no=consumer.account_no,
                holder=actor.full_name,
                holder_username=actor.username,
                purpose=purpose_,
                since=cq._utc(lock.since) or now,
                expires_at=expires,
            )

    def release_consumer(self, token: str, account_no: str) -> None:
        actor = self._authorize(token, "release_consumer")
        with self._write() as s:
            consumer = self._consumer(s, account_no)
            lock = s.get(ConsumerLock, consumer.id)
            if lock is None or lock.user_id != actor.user_id:
                return
            s.delete(lock)
            self._audit(s, actor, "consumer_released", "consumer", consumer.account_no)

    # ------------------------------------------------------------ disconnection settings

    def disconnection_admin_settings(self, token: str) -> DisconnectionAdminSettings:
        with self._reading(token, "manage_disconnection_settings") as (_actor, conn):
            return dsa.admin_settings(conn)

    def _change_settings(
        self,
        token: str,
        idempotency_key: str,
        operation: str,
        payload: dict[str, Any],
        change: Callable[[Session], dsa.Change],
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        """One settings change: the right, once per key, serialised with the other settings
        writers, audited (before and after) in its transaction; the settings as they are now."""
        actor = self._authorize(token, "manage_disconnection_settings")

        def act(s: Session) -> DisconnectionAdminSettings:
            dsa.lock(s)
            dsa.check_based_on(s.connection(), SETTINGS_SECTIONS[operation], based_on)
            done = change(s)
            if done.action:
                self._audit(
                    s, actor, done.action, done.entity, done.entity_id,
                    before=done.before, after=done.after, detail=done.message,
                )  # fmt: skip
            s.flush()
            return dsa.admin_settings(s.connection(), done.message)

        return self._once(
            actor, idempotency_key, operation, payload, DisconnectionAdminSettings, act
        )

    def save_disconnection_reason(
        self, token: str, reason: ReasonIn, idempotency_key: str, based_on: str | None = None
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "save_disconnection_reason", reason.model_dump(mode="json"),
            lambda s: dsa.save_reason(s, reason), based_on,
        )  # fmt: skip

    def remove_disconnection_reason(
        self, token: str, code: str, idempotency_key: str, based_on: str | None = None
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "remove_disconnection_reason", {"code": code},
            lambda s: dsa.remove_reason(s, code), based_on,
        )  # fmt: skip

    def save_time_slot(
        self, token: str, slot: TimeSlotIn, idempotency_key: str, based_on: str | None = None
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "save_time_slot", slot.model_dump(mode="json"),
            lambda s: dsa.save_slot(s, slot), based_on,
        )  # fmt: skip

    def remove_time_slot(
        self, token: str, slot_id: int, idempotency_key: str, based_on: str | None = None
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "remove_time_slot", {"slot_id": slot_id},
            lambda s: dsa.remove_slot(s, slot_id), based_on,
        )  # fmt: skip

    def save_sla_target(
        self, token: str, target: SlaTargetIn, idempotency_key: str, based_on: str | None = None
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "save_sla_target", target.model_dump(mode="json"),
            lambda s: dsa.save_target(s, target), based_on,
        )  # fmt: skip

    def save_checklist(
        self, token: str, checklist: ChecklistIn, idempotency_key: str, based_on: str | None = None
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "save_checklist", checklist.model_dump(mode="json"),
            lambda s: dsa.save_checklist(s, checklist, self._clock()), based_on,
        )  # fmt: skip

    def save_sla_calendar(
        self,
        token: str,
        calendar: SlaCalendarSettings,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "save_sla_calendar", calendar.model_dump(mode="json"),
            lambda s: dsa.save_calendar(s, calendar, self._clock()), based_on,
        )  # fmt: skip

    def add_holiday(
        self, token: str, holiday: HolidayIn, idempotency_key: str, based_on: str | None = None
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "add_holiday", holiday.model_dump(mode="json"),
            lambda s: dsa.add_holiday(s, holiday), based_on,
        )  # fmt: skip

    def remove_holiday(
        self, token: str, day: date, idempotency_key: str, based_on: str | None = None
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "remove_holiday", {"day": day.isoformat()},
            lambda s: dsa.remove_holiday(s, day), based_on,
        )  # fmt: skip

    def save_disconnection_guardrails(
        self,
        token: str,
        guardrails: DisconnectionGuardrails,
        idempotency_key: str,
        based_on: str | None = None,
    ) -> DisconnectionAdminSettings:
        return self._change_settings(
            token, idempotency_key, "save_disconnection_guardrails",
            guardrails.model_dump(mode="json"),
            lambda s: dsa.save_guardrails(s, guardrails, self._clock()), based_on,
        )  # fmt: skip

    def list_notes(self, token: str, account_no: str, limit: int = 20) -> list[NoteOut]:
        self._authorize(token, "list_notes")
        with self._read() as s:
            consumer = self._consumer(s, account_no)
            notes = s.exec(
                select(Note)
                .where(Note.consumer_id == consumer.id)
                .order_by(Note.created_at.desc(), Note.id.desc())  # type: ignore[attr-defined, union-attr]
                .limit(min(max(limit, 1), 200))
            ).all()
        return [_note_out(n, consumer.account_no) for n in notes]

    def record_usage(self, token: str, event: str, properties: dict[str, Any]) -> None:
        actor = self._authorize(token, "record_usage")
        if not _EVENT_NAME.match(event):
            raise ValidationError("event", "Event names are 3-64 letters or underscores.")
        if len(json.dumps(properties, default=str)) > 4000:
            raise ValidationError("properties", "Event properties are limited to 4,000 bytes.")
        self._track(actor, event, properties)

    # ------------------------------------------------------------ consumer management (004)

    def consumer_kpis(self, token: str) -> ConsumerKpis:
        with self._reading(token, "consumer_kpis") as (_actor, conn):
            return cq.kpis(conn)

    def list_consumers(
        self,
        token: str,
        query: ConsumerQuery,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> ConsumerListPage:
        size = min(max(limit or self._page_size, 1), 200)
        with self._reading(token, "list_consumers") as (actor, conn):
            started = time.perf_counter()
            page = cq.list_consumers(conn, self.dialect, query, cursor, size)
            if query.text.strip() and cursor is None:
                # seed 004 s.12 Consumer_Search; the term itself is not kept (it is often a
                # name or a phone number): its detected type and length are
                usage = {
                    "search_type": detect(query.text).kind.value,
                    "search_term_length": len(query.text.strip()),
                    "results_count": page.matches,
                    "time_spent_ms": round((time.perf_counter() - started) * 1000, 1),
                }
                self._track(actor, "Consumer_Search", usage, conn)
        return page

    def export_consumers(self, token: str, account_nos: list[str]) -> str:
        actor = self._authorize(token, "export_consumers")
        if not account_nos:
            raise ValidationError("account_nos", "Select at least one consumer to export.")
        if len(account_nos) > EXPORT_LIMIT:
            raise ValidationError(
                "account_nos", f"Export at most {EXPORT_LIMIT:,} consumers at a time."
            )
        with self._engines.read.connect() as conn:
            rows = cq.export_rows(conn, account_nos)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(cq.EXPORT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
            )
        with self._write() as s:
            self._audit(
                s,
                actor,
                "consumers_exported",
                "consumer",
                None,
                after={"account_nos": [r["account_no"] for r in rows]},
                detail=f"{len(rows)} consumers exported as CSV",
            )
        return out.getvalue()

    def _catalog(self, conn: Connection) -> dict[str, tuple[str, ...]]:
        return catalog.lists(_setting(conn, "catalog"))

    def _next_number(self, s: Session, name: str, floor: int = 0) -> int:
        """The next number of identifier sequence ``name`` (inside the write transaction: on
        SQLite BEGIN IMMEDIATE serialises writers, on PostgreSQL the row lock does)."""
        conn = s.connection()
        lock = " FOR UPDATE" if self.dialect == "postgresql" else ""
        row = conn.execute(
            text(f"SELECT value FROM id_sequence WHERE name = :n{lock}"), {"n": name}
        ).first()
        value = max(int(row[0]) if row else 0, floor) + 1
        if row is None:
            conn.execute(text("INSERT INTO id_sequence (name, value) VALUES (:n, :v)"),
                         {"n": name, "v": value})  # fmt: skip
        else:
            conn.execute(text("UPDATE id_sequence SET value = :v WHERE name = :n"),
                         {"n": name, "v": value})  # fmt: skip
        return value

    def next_account_no(self, token: str) -> str:
        self._authorize(token, "next_account_no")
        with self._engines.read.connect() as conn:
            row = conn.execute(
                text("SELECT value FROM id_sequence WHERE name = 'account:WU'")
            ).first()
            number = (int(row[0]) if row else 10000) + 1
            while conn.execute(
                text("SELECT 1 FROM consumer WHERE account_no = :a"), {"a": f"WU-{number}"}
            ).first():
                number += 1
        return f"WU-{number}"

    def create_consumer(
        self, token: str, data: ConsumerCreate, allow_duplicates: bool, idempotency_key: str
    ) -> ConsumerSummary:
        actor = self._authorize(token, "create_consumer")
        with self._engines.read.connect() as conn:
            lists = self._catalog(conn)
        values = _validated_new_consumer(data, lists)

        def act(s: Session) -> ConsumerSummary:
            conn = s.connection()
            taken = conn.execute(
                text("SELECT 1 FROM consumer WHERE account_no = :a"),
                {"a": values["account_no"]},
            ).first()
            if taken:
                raise ValidationError(
                    "account_no",
                    f"Account number {values['account_no']} is already in use: pick another "
                    "(the form suggests the next free one).",
                )
            if not allow_duplicates:
                matches = _duplicates(conn, values)
                if matches:
                    raise DuplicateConsumerError(
                        f"{len(matches)} existing consumer{'s' if len(matches) != 1 else ''} "
                        "match this one: check them before creating another account.",
                        matches,
                    )
            now = self._clock()
            balance = values.pop("opening_balance")
            consumer = Consumer(
                **values,
                email_key=email_key(values["email"]),
                phone_key=phone_key(values["phone"]),
                status="active" if values.get("connection_date") else "pending",
                payment_standing="current",
                balance=balance,
                registration_date=now.date(),
                created_at=now,
                updated_at=now,
            )
            s.add(consumer)
            s.flush()
            prefix, _, digits = values["account_no"].partition("-")
            if prefix == "WU" and digits.isdigit():
                # keep the suggestion past numbers typed by hand
                seq = s.get(Sequence, "account:WU")
                if seq is None:
                    s.add(Sequence(name="account:WU", value=int(digits)))
                elif seq.value < int(digits):
                    seq.value = int(digits)
            if balance:
                number = self._next_number(s, "bill", 100000)
                s.add(
                    Bill(
                        bill_no=f"BL-{number}",
                        consumer_id=consumer.id,  # type: ignore[arg-type]
                        period_start=now.date(),
                        period_end=now.date(),
                        issue_date=now.date(),
                        due_date=now.date() + timedelta(days=30),
                        amount=balance,
                        status="unpaid",
                        created_at=now,
                    )
                )
            self._audit(
                s,
                actor,
                "consumer_created",
                "consumer",
                consumer.account_no,
                after={k: _jsonable(v) for k, v in values.items()}
                | {"opening_balance": str(balance)},
                detail="created despite matching consumers" if allow_duplicates else None,
            )
            return self._summary(conn, consumer.account_no)

        request = {"data": data.model_dump(mode="json"), "allow_duplicates": allow_duplicates}
        return self._once(actor, idempotency_key, "create_consumer", request, ConsumerSummary, act)

    def _lock_holder(self, conn: Connection, account_no: str) -> str | None:
        row = conn.execute(
            text(
                "SELECT u.full_name, l.expires_at FROM consumer_lock l "
                "JOIN consumer c ON c.id = l.consumer_id JOIN app_user u ON u.id = l.user_id "
                "WHERE c.account_no = :a"
            ),
            {"a": account_no.strip().upper()},
        ).first()
        if row is None:
            return None
        expires = cq._utc(row[1])
        return row[0] if expires is not None and expires > self._clock() else None

    def get_profile(self, token: str, account_no: str) -> ConsumerProfile:
        with self._reading(token, "get_profile") as (_actor, conn):
            holder = self._lock_holder(conn, account_no)
            return cq.profile(conn, account_no, self._clock(), holder)

    def list_payments(self, token: str, account_no: str, limit: int = 50) -> list[PaymentOut]:
        with self._reading(token, "list_payments") as (_actor, conn):
            return cq.payments(conn, account_no, limit)

    # ------------------------------------------------------------ payments (guard-rails)

    def record_payment(
        self, token: str, account_no: str, payment: NewPayment, idempotency_key: str
    ) -> PaymentRecorded:
        actor = self._authorize(token, "record_payment")
        with self._engines.read.connect() as conn:
            office = self._office_zone(conn)
            today = self._clock().astimezone(office).date()
            methods = self._catalog(conn).get("payment_methods") or payments.METHODS
        amount = validation.money_two_places("amount", payment.amount, "Amount")
        if amount <= 0:
            raise ValidationError("amount", "Amount must be more than zero, e.g. 120.50.")
        method = validation.choice("method", payment.method, methods, "Payment method")
        paid_on = payment.paid_on or today
        if paid_on > today:
            raise ValidationError(
                "paid_on",
                f"A payment cannot be dated in the future: {guardrails.long_date(today)} at "
                "the latest.",
            )
        reference = validation.optional_text("reference", payment.reference, "Reference", 80)
        if reference is not None and any(
            unicodedata.category(ch).startswith("C") for ch in reference
        ):
            raise ValidationError(
                "reference", "Reference takes plain text only: remove the control characters."
            )

        def act(s: Session) -> PaymentRecorded:
            consumer = self._consumer(s, account_no, for_update=True)
            conn = s.connection()
            now = self._clock()
            open_bills = list(
                s.exec(
                    select(Bill)
                    .where(Bill.consumer_id == consumer.id,
                           col(Bill.status).in_(("unpaid", "partially_paid")))
                    .order_by(col(Bill.due_date), col(Bill.id))
                    .with_for_update()
                ).all()
            )  # fmt: skip
            parts = payments.allocate(amount, [(b, b.amount, b.paid) for b in open_bills])
            applied: list[PaymentApplied] = []
            for bill, part in parts:
                bill.paid += part
                bill.status = payments.bill_status(bill.amount, bill.paid)
                bill.version += 1
                s.add(bill)
                applied.append(
                    PaymentApplied(bill_no=bill.bill_no, amount=part, status=bill.status)
                )
            first = parts[0][0] if parts else None  # the oldest bill it settled
            number = self._next_number(s, "payment", FIRST_PAYMENT_NO - 1)
            paid_at = (
                now if paid_on == today
                else datetime.combine(paid_on, dt_time(12), office).astimezone(UTC)
            )  # fmt: skip
            row = Payment(
                payment_no=f"PAY-{number}", consumer_id=consumer.id,  # type: ignore[arg-type]
                bill_id=first.id if first else None, amount=amount, paid_at=paid_at,
                method=method, reference=reference, status="processed",
                digital=payments.is_digital(method),
                on_time=first is None or paid_on <= first.due_date, recorded_by=actor.user_id,
            )  # fmt: skip
            s.add(row)
            still_open = [b for b in open_bills if b.status != "paid"]
            outstanding = sum((b.amount - b.paid for b in still_open), Decimal("0.00"))
            before = {
                "balance": str(consumer.balance),
                "payment_standing": consumer.payment_standing,
            }
            consumer.balance -= amount
            consumer.payment_standing = payments.standing_after_payment(
                consumer.payment_standing, min((b.due_date for b in still_open), default=None),
                consumer.balance, today,
            )  # fmt: skip
            consumer.updated_at = now
            consumer.version += 1
            s.add(consumer)
            s.flush()
            self._audit(
                s, actor, "payment_recorded", "payment", row.payment_no,
                before=before,
                after={"account_no": consumer.account_no, "amount": str(amount),
                       "method": method, "paid_on": paid_on.isoformat(), "reference": reference,
                       "applied": [a.model_dump(mode="json") for a in applied],
                       "balance": str(consumer.balance), "outstanding": str(outstanding),
                       "payment_standing": consumer.payment_standing},
            )  # fmt: skip
            rails = self._guardrails(conn)
            cancelled = self._cancel_for_payment(s, actor, consumer, row, rails)
            raised = self._reconnect_for_payment(s, actor, consumer, row, rails, today, office)
            return PaymentRecorded(
                payment=PaymentOut(
                    payment_no=row.payment_no, paid_at=paid_at, amount=amount, method=method,
                    status=row.status, on_time=row.on_time,
                    bill_no=first.bill_no if first else None,
                ),
                reference=reference, applied=applied, balance=consumer.balance,
                outstanding=outstanding, payment_standing=consumer.payment_standing,
                cancelled=cancelled, raised=raised,
            )  # fmt: skip

        request = {"account_no": account_no, "payment": payment.model_dump(mode="json")}
        return self._once(actor, idempotency_key, "record_payment", request, PaymentRecorded, act)

    def _transition(
        self,
        s: Session,
        actor: Actor,
        row: DisconnectionRequest,
        action: lifecycle.Action,
        close_reason: str | None = None,
        notes: str | None = None,
    ) -> lifecycle.Status:
        """Move the request by ``action`` (the lifecycle's rule), keeping its clocks: the
        hold time counted, acknowledged / first response / resolved / closed stamped. A
        closed request's open service orders are cancelled (audited): nobody is sent to
        cut a supply the request no longer asks to cut. The caller audits the change."""
        before = row.status
        after = lifecycle.next_status(before, action)
        now = self._clock()
        if before == lifecycle.Status.ON_HOLD and row.hold_started_at is not None:
            held = now - (cq._utc(row.hold_started_at) or now)
            row.held_seconds += max(0, int(held.total_seconds()))
            row.hold_started_at = None
        if action is lifecycle.Action.ACKNOWLEDGE:
            row.acknowledged_at = now
        elif row.first_response_at is None:
            row.first_response_at = now  # the first action after acknowledging
        if action is lifecycle.Action.HOLD:
            row.hold_started_at = now
        elif action is lifecycle.Action.RESOLVE:
            row.resolved_at = now
        elif action is lifecycle.Action.CLOSE:
            row.closed_at = now
            row.close_reason, row.close_notes = close_reason, notes
            for order in s.exec(
                select(ServiceOrder).where(
                    ServiceOrder.disconnection_request_id == row.id,
                    col(ServiceOrder.status).not_in(CLOSED_SERVICE_ORDER),
                )
            ).all():
                previous, order.status = order.status, "cancelled"
                order.version += 1
                s.add(order)
                self._audit(
                    s, actor, "request_service_order_cancelled", "disconnection_request",
                    row.request_no, before={"so_no": order.so_no, "status": previous},
                    after={"so_no": order.so_no, "status": "cancelled"},
                )  # fmt: skip
        row.status = after.value
        row.updated_at, row.updated_by = now, actor.user_id
        row.version += 1
        s.add(row)
        s.flush()
        return after

    def _cancel_for_payment(
        self,
        s: Session,
        actor: Actor,
        consumer: Consumer,
        payment: Payment,
        rails: DisconnectionGuardrails,
    ) -> list[str]:
        """Close the consumer's open non-payment disconnection requests, "Payment received",
        when the payment left the balance at the threshold or below (as a person's Close
        would: the lifecycle's rule, the hold time counted, audited, the customer emailed)."""
        if not guardrails.cancels_disconnections(rails, consumer.balance):
            return []
        rows = s.exec(
            select(DisconnectionRequest)
            .where(DisconnectionRequest.consumer_id == consumer.id,
                   DisconnectionRequest.request_type == "disconnection",
                   col(DisconnectionRequest.status).in_(OPEN_DISCONNECTION))
            .order_by(col(DisconnectionRequest.id))
            .with_for_update()
        ).all()  # fmt: skip
        reason = guardrails.PAYMENT_RECEIVED
        notes = f"Payment {payment.payment_no} received; balance {consumer.balance}."
        cancelled: list[str] = []
        for row in rows:
            if not guardrails.is_non_payment(row.reason_code):
                continue
            before = row.status
            after = self._transition(s, actor, row, lifecycle.Action.CLOSE, reason, notes)
            now = self._clock()
            notification = "No notification: the box was unticked."
            if row.notify_customer and consumer.email:
                s.add(NotificationOutbox(
                    channel="email", recipient=consumer.email,
                    subject=f"Disconnection cancelled: {row.request_no}",
                    body=(f"Dear {consumer.name},\n\nThank you for your payment of "
                          f"{payment.amount} ({payment.payment_no}). The disconnection request "
                          f"{row.request_no} for account {consumer.account_no} is cancelled: "
                          "your service stays on.\n"),
                    consumer_id=consumer.id, related=row.request_no, created_at=now,
                ))  # fmt: skip
                notification = f"Email queued to {consumer.email}."
            elif row.notify_customer:
                notification = "Not notified: no email address on file."
            s.flush()
            self._audit(
                s, actor, "disconnection_request_close", "disconnection_request", row.request_no,
                before={"status": before},
                after={"status": after.value, "close_reason": reason, "notes": notes,
                       "payment_no": payment.payment_no},
                detail=notification,
            )  # fmt: skip
            cancelled.append(row.request_no)
        return cancelled

    def _reconnect_for_payment(
        self,
        s: Session,
        actor: Actor,
        consumer: Consumer,
        payment: Payment,
        rails: DisconnectionGuardrails,
        today: date,
        office: ZoneInfo,
    ) -> list[str]:
        """Raise a reconnection request (RC-001 Dues cleared, the next allowed day, the first
        time slot, the customer notified) when the payment cleared the debt of a consumer cut
        for non-payment and none is open yet."""
        done = s.exec(
            select(DisconnectionRequest).where(
                DisconnectionRequest.consumer_id == consumer.id,
                DisconnectionRequest.request_type == "disconnection",
                DisconnectionRequest.status == lifecycle.Status.COMPLETED.value,
            )
        ).all()
        last = max(
            done,
            key=lambda r: (
                cq._utc(r.resolved_at) or cq._utc(r.created_at) or self._clock(),
                r.id or 0,
            ),
            default=None,
        )
        open_one = s.exec(
            select(DisconnectionRequest.request_no).where(
                DisconnectionRequest.consumer_id == consumer.id,
                DisconnectionRequest.request_type == "reconnection",
                col(DisconnectionRequest.status).in_(OPEN_DISCONNECTION),
            )
        ).first()
        if not guardrails.raises_reconnection(
            rails, consumer.balance, consumer.status,
            last.reason_code if last is not None else None, open_one is not None,
        ):  # fmt: skip
            return []
        reason = s.exec(
            select(DisconnectionReason).where(
                DisconnectionReason.code == guardrails.RECONNECTION_REASON,
                DisconnectionReason.active == True,  # noqa: E712
                DisconnectionReason.applies_to == "reconnection",
            )
        ).first()
        conn = s.connection()
        slot = conn.execute(
            text("SELECT label FROM time_slot WHERE active ORDER BY start_minute, id")
        ).first()
        if reason is None or slot is None:
            _LOG.warning(
                "No reconnection raised for %s: reason %s or a time slot is missing",
                consumer.account_no, guardrails.RECONNECTION_REASON,
            )  # fmt: skip
            return []
        holidays = self._holidays(conn) if rails.block_on_holidays else {}
        day = guardrails.reconnection_day(rails, today, holidays)
        row, _ = self._insert_disconnection_request(
            s, actor, consumer, reason, "reconnection", office, day, str(slot[0]),
            f"Raised automatically: payment {payment.payment_no} cleared the dues.", True,
            origin={"raised_by": payment.payment_no},
        )  # fmt: skip
        return [row.request_no]

    def list_bills(self, token: str, account_no: str, limit: int = 24) -> list[BillOut]:
        with self._reading(token, "list_bills") as (_actor, conn):
            return cq.bills(conn, account_no, limit)

    def list_readings(
        self, token: str, account_no: str, meter_no: str | None = None, limit: int = 24
    ) -> list[ReadingOut]:
        with self._reading(token, "list_readings") as (_actor, conn):
            return cq.readings(conn, account_no, meter_no, limit)

    def consumption(
        self, token: str, account_no: str, utility: str | None = None, months: int = 6
    ) -> ConsumptionOut:
        with self._reading(token, "consumption") as (_actor, conn):
            return cq.consumption(conn, account_no, utility, months)

    def record_reading(
        self,
        token: str,
        account_no: str,
        meter_no: str,
        read_on: date,
        value: Decimal,
        idempotency_key: str,
    ) -> ReadingOut:
        actor = self._authorize(token, "record_reading")
        amount = validation.money_two_places("value", value, "The reading")
        if amount < 0:
            raise ValidationError("value", "A reading cannot be negative.")
        if read_on > self._clock().date():
            raise ValidationError(
                "read_on", "The reading date is in the future: use today or earlier."
            )

        def act(s: Session) -> ReadingOut:
            consumer = self._consumer(s, account_no)
            meter = s.exec(
                select(Meter).where(
                    Meter.meter_no == meter_no.strip().upper(), Meter.consumer_id == consumer.id
                )
            ).first()
            if meter is None:
                raise NotFoundError(
                    f"Meter {meter_no.strip()} is not on account {consumer.account_no}."
                )
            last = s.exec(
                select(MeterReading)
                .where(MeterReading.meter_id == meter.id)
                .order_by(MeterReading.reading_date.desc(), MeterReading.id.desc())  # type: ignore[attr-defined, union-attr]
            ).first()
            if last is not None:
                when = last.reading_date.strftime("%b %d, %Y")
                if read_on <= last.reading_date:
                    raise ValidationError(
                        "read_on",
                        f"The last reading of {meter.meter_no} was taken on {when}: a new one "
                        "must be dated after it.",
                    )
                if amount <= last.value:
                    raise ValidationError(
                        "value",
                        f"{_reading_text(amount)} is not above the last reading, "
                        f"{_reading_text(last.value)} on {when}: "
                        "readings only go up. Check the meter and the digits typed.",
                    )
            reading = MeterReading(
                meter_id=meter.id,  # type: ignore[arg-type]
                reading_date=read_on,
                value=amount,
                consumption=None if last is None else amount - last.value,
                status="verified",
                source="manual",
                taken_by=actor.full_name,
            )
            s.add(reading)
            s.flush()
            self._audit(
                s, actor, "reading_recorded", "meter", meter.meter_no,
                after={"account_no": consumer.account_no, "read_on": read_on.isoformat(),
                       "value": str(amount)},
            )  # fmt: skip
            unit = s.exec(
                select(ServiceConnection.unit).where(ServiceConnection.id == meter.connection_id)
            ).first()
            return ReadingOut(
                meter_no=meter.meter_no,
                read_on=read_on,
                value=amount,
                consumption=reading.consumption,
                status=reading.status,
                unit=unit or "units",
            )

        request = {
            "account_no": account_no.strip().upper(),
            "meter_no": meter_no.strip().upper(),
            "read_on": read_on.isoformat(),
            "value": str(amount),
        }
        return self._once(actor, idempotency_key, "record_reading", request, ReadingOut, act)

    def list_service_orders(
        self, token: str, account_no: str, limit: int = 50
    ) -> list[ServiceOrderOut]:
        with self._reading(token, "list_service_orders") as (_actor, conn):
            return cq.service_orders(conn, account_no, limit)

    def create_service_order(
        self, token: str, account_no: str, order: NewServiceOrder, idempotency_key: str
    ) -> ServiceOrderOut:
        actor = self._authorize(token, "create_service_order")
        with self._engines.read.connect() as conn:
            lists = self._catalog(conn)
        order_type = validation.choice(
            "order_type", order.order_type, lists["service_order_types"], "Order type"
        )
        description = validation.required_text("description", order.description, "Description", 500)
        priority = validation.choice("priority", order.priority, PRIORITIES, "Priority")
        today = self._clock().date()
        if order.scheduled_date is not None and order.scheduled_date < today:
            raise ValidationError(
                "scheduled_date", "The scheduled date is in the past: pick today or later."
            )

        def act(s: Session) -> ServiceOrderOut:
            consumer = self._consumer(s, account_no)
            number = self._next_number(s, "service_order", 4523)
            now = self._clock()
            so = ServiceOrder(
                so_no=f"SO-{number}",
                consumer_id=consumer.id,  # type: ignore[arg-type]
                name=f"{order_type} - {consumer.name}"[:160],
                order_type=order_type,
                description=description,
                status="scheduled" if order.scheduled_date else "created",
                priority=priority,
                scheduled_date=order.scheduled_date,
                created_at=now,
                created_by=actor.full_name,
            )
            s.add(so)
            s.flush()
            self._audit(
                s, actor, "service_order_created", "service_order", so.so_no,
                after={"account_no": consumer.account_no, "order_type": order_type,
                       "description": description, "priority": priority,
                       "scheduled_date": _jsonable(order.scheduled_date)},
            )  # fmt: skip
            self._insert_usage(
                s.connection(), actor, "Service_Order_Creation",
                {"consumer_id": consumer.account_no, "order_type": order_type,
                 "completion_status": so.status},
            )  # fmt: skip
            return cq.service_order_out(so)

        request = {"account_no": account_no, "order": order.model_dump(mode="json")}
        return self._once(
            actor, idempotency_key, "create_service_order", request, ServiceOrderOut, act
        )

    def list_complaints(self, token: str, account_no: str, limit: int = 50) -> list[ComplaintOut]:
        with self._reading(token, "list_complaints") as (_actor, conn):
            return cq.complaints(conn, account_no, limit)

    def register_complaint(
        self,
        token: str,
        account_no: str,
        category: str,
        description: str,
        priority: str,
        idempotency_key: str,
    ) -> ComplaintOut:
        actor = self._authorize(token, "register_complaint")
        with self._engines.read.connect() as conn:
            lists = self._catalog(conn)
        category_ = validation.choice(
            "category", category, lists["complaint_categories"], "Category"
        )
        text_ = validation.required_text("description", description, "Description", 2000)
        priority_ = validation.choice("priority", priority, PRIORITIES, "Priority")

        def act(s: Session) -> ComplaintOut:
            consumer = self._consumer(s, account_no)
            number = self._next_number(s, "complaint", 3245)
            complaint = Complaint(
                complaint_no=f"C-{number}",
                consumer_id=consumer.id,  # type: ignore[arg-type]
                category=category_,
                description=text_,
                priority=priority_,
                status="created",
                created_at=self._clock(),
                created_by=actor.user_id,
            )
            s.add(complaint)
            s.flush()
            self._audit(
                s, actor, "complaint_registered", "complaint", complaint.complaint_no,
                after={"account_no": consumer.account_no, "category": category_,
                       "priority": priority_, "description": text_},
            )  # fmt: skip
            return cq.complaint_out(complaint)

        request = {
            "account_no": account_no,
            "category": category_,
            "description": text_,
            "priority": priority_,
        }
        return self._once(actor, idempotency_key, "register_complaint", request, ComplaintOut, act)

    def list_requests(self, token: str, account_no: str, limit: int = 50) -> list[RequestOut]:
        with self._reading(token, "list_requests") as (_actor, conn):
            return cq.requests(conn, account_no, limit)

    def create_request(
        self,
        token: str,
        account_no: str,
        request_type: str,
        description: str,
        idempotency_key: str,
    ) -> RequestOut:
        actor = self._authorize(token, "create_request")
        with self._engines.read.connect() as conn:
            lists = self._catalog(conn)
        type_ = validation.choice(
            "request_type", request_type, lists["request_types"], "Request type"
        )
        text_ = validation.required_text("description", description, "Description", 2000)

        def act(s: Session) -> RequestOut:
            consumer = self._consumer(s, account_no)
            number = self._next_number(s, "service_request", 3245)
            request_ = ServiceRequest(
                request_no=f"REQ-{number}",
                consumer_id=consumer.id,  # type: ignore[arg-type]
                request_type=type_,
                description=text_,
                status="created",
                created_at=self._clock(),
                created_by=actor.user_id,
            )
            s.add(request_)
            s.flush()
            self._audit(
                s, actor, "request_created", "service_request", request_.request_no,
                after={"account_no": consumer.account_no, "request_type": type_,
                       "description": text_},
            )  # fmt: skip
            return cq.request_out(request_)

        request = {"account_no": account_no, "request_type": type_, "description": text_}
        return self._once(actor, idempotency_key, "create_request", request, RequestOut, act)

    def list_communications(
        self, token: str, account_no: str, channel: str | None = None, limit: int = 50
    ) -> list[CommunicationOut]:
        with self._reading(token, "list_communications") as (actor, conn):
            items = cq.communications(conn, account_no, channel, limit)
            usage = {
                "consumer_id": account_no.strip().upper(),
                "communication_type": channel or "all",
                "results_count": len(items),
            }
            self._track(actor, "Communication_History_Access", usage, conn)
        return items

    def send_message(
        self, token: str, account_nos: list[str], message: NewMessage, idempotency_key: str
    ) -> BulkResult:
        actor = self._authorize(token, "send_message")
        with self._engines.read.connect() as conn:
            lists = self._catalog(conn)
        channel = validation.choice(
            "channel", message.channel, lists["message_channels"], "Channel"
        )
        subject = validation.required_text("subject", message.subject, "Subject", 200)
        body = validation.required_text("body", message.body, "Message", 2000)
        accounts = _account_list(account_nos)

        def act(s: Session) -> BulkResult:
            now = self._clock()
            done: list[str] = []
            for account in accounts:
                consumer = self._consumer(s, account)
                recipient = {
                    "email": consumer.email,
                    "sms": consumer.phone,
                    "letter": consumer.billing_address or consumer.service_address,
                }[channel]
                if not recipient:
                    what = "email address" if channel == "email" else "phone number"
                    raise ValidationError(
                        "account_nos",
                        f"{consumer.account_no} ({consumer.name}) has no {what}: deselect it "
                        "or send by another channel.",
                    )
                s.add(
                    Communication(
                        consumer_id=consumer.id,  # type: ignore[arg-type]
                        channel=channel,
                        direction="to_customer",
                        subject=subject,
                        body=body,
                        at=now,
                        user_id=actor.user_id,
                        status="queued",
                    )
                )
                s.add(
                    NotificationOutbox(
                        channel=channel,
                        recipient=recipient,
                        subject=subject,
                        body=body,
                        consumer_id=consumer.id,
                        related=consumer.account_no,
                        created_at=now,
                    )
                )
                consumer.last_contact_at = now
                done.append(consumer.account_no)
            self._audit(
                s, actor, "message_sent", "consumer", done[0] if len(done) == 1 else None,
                after={"account_nos": done, "channel": channel, "subject": subject},
            )  # fmt: skip
            return BulkResult(done=len(done), account_nos=done)

        request = {"account_nos": accounts, "message": message.model_dump(mode="json")}
        return self._once(actor, idempotency_key, "send_message", request, BulkResult, act)

    def add_notes(
        self, token: str, account_nos: list[str], body: str, idempotency_key: str
    ) -> BulkResult:
        actor = self._authorize(token, "add_notes")
        text_ = validation.required_text("body", body, "Note", 2000)
        accounts = _account_list(account_nos)

        def act(s: Session) -> BulkResult:
            now = self._clock()
            done: list[str] = []
            for account in accounts:
                consumer = self._consumer(s, account)
                s.add(
                    Note(
                        consumer_id=consumer.id,  # type: ignore[arg-type]
                        author_id=actor.user_id,
                        author_name=actor.full_name,
                        body=text_,
                        created_at=now,
                    )
                )
                self._audit(
                    s, actor, "note_added", "consumer", consumer.account_no,
                    after={"body": text_, "bulk": len(accounts)},
                )  # fmt: skip
                done.append(consumer.account_no)
            return BulkResult(done=len(done), account_nos=done)

        request = {"account_nos": accounts, "body": text_}
        return self._once(actor, idempotency_key, "add_notes", request, BulkResult, act)

    def list_documents(self, token: str, account_no: str, limit: int = 50) -> list[DocumentOut]:
        with self._reading(token, "list_documents") as (_actor, conn):
            return cq.documents(conn, account_no, limit)

    def attach_document(
        self, token: str, account_no: str, document: DocumentUpload, idempotency_key: str
    ) -> DocumentOut:
        actor = self._authorize(token, "attach_document")
        with self._engines.read.connect() as conn:
            lists = self._catalog(conn)
        doc_type = validation.choice(
            "doc_type", document.doc_type, lists["document_types"], "Document type"
        )
        title = validation.required_text("title", document.title, "Title", 200)
        filename = validation.required_text("filename", document.filename, "File name", 255)
        try:
            content = base64.b64decode(document.content_base64, validate=True)
        except ValueError as exc:
            raise ValidationError(
                "content_base64", "The file content is not valid base64."
            ) from exc
        if not content:
            raise ValidationError("content_base64", "The file is empty: pick another file.")
        if len(content) > catalog.MAX_DOCUMENT_BYTES:
            mb = catalog.MAX_DOCUMENT_BYTES // (1024 * 1024)
            raise ValidationError("content_base64", f"The file is too large: at most {mb} MB.")

        def act(s: Session) -> DocumentOut:
            consumer = self._consumer(s, account_no)
            now = self._clock()
            doc = Document(
                consumer_id=consumer.id,  # type: ignore[arg-type]
                doc_type=doc_type,
                title=title,
                status="processing",
                doc_date=now.date(),
                filename=filename.replace("/", "_").replace("\\", "_"),
                content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
                size_bytes=len(content),
                content=content,
                uploaded_by=actor.user_id,
                created_at=now,
            )
            s.add(doc)
            s.flush()
            self._audit(
                s, actor, "document_attached", "consumer", consumer.account_no,
                after={"document_id": doc.id, "doc_type": doc_type, "title": title,
                       "filename": doc.filename, "size_bytes": len(content),
                       "sha256": hashlib.sha256(content).hexdigest()},
            )  # fmt: skip
            return cq.document_out(doc)

        request = {
            "account_no": account_no,
            "document": {**document.model_dump(mode="json"), "content_base64": hashlib.sha256(
                content).hexdigest()},
        }  # fmt: skip
        return self._once(actor, idempotency_key, "attach_document", request, DocumentOut, act)

    def activity(
        self,
        token: str,
        account_no: str,
        category: str | None = None,
        text: str = "",
        cursor: str | None = None,
        limit: int = 50,
    ) -> ActivityPage:
        with self._reading(token, "activity") as (_actor, conn):
            return cq.activity(conn, account_no, category, text[:200], cursor, limit)

    def recovery_accounts(
        self, token: str, cursor: str | None = None, limit: int = 50
    ) -> RecoveryPage:
        with self._reading(token, "recovery_accounts") as (_actor, conn):
            return cq.recovery(conn, cursor, limit, self._clock().date())

    def catalog(self, token: str) -> dict[str, list[str]]:
        with self._reading(token, "catalog") as (_actor, conn):
            return {name: list(values) for name, values in self._catalog(conn).items()}

    def get_preference(self, token: str, key: str) -> Any:
        actor = self._authorize(token, "get_preference")
        with self._read() as s:
            pref = s.get(UserPreference, (actor.user_id, key))
            return None if pref is None else pref.value

    def set_preference(self, token: str, key: str, value: Any) -> None:
        actor = self._authorize(token, "set_preference")
        if not re.fullmatch(r"[a-z][a-z0-9_.]{0,79}", key):
            raise ValidationError(
                "key", "Preference keys are 1-80 lower-case letters, digits, _ or ."
            )
        if len(json.dumps(value, default=str)) > 4000:
            raise ValidationError("value", "A preference is limited to 4,000 bytes.")
        with self._write() as s:
            pref = s.get(UserPreference, (actor.user_id, key))
            if pref is None:
                s.add(UserPreference(user_id=actor.user_id, key=key, value=value,
                                     updated_at=self._clock()))  # fmt: skip
            else:
                pref.value = value
                pref.updated_at = self._clock()

    # ------------------------------------------------------------ users

    def create_user(
        self,
        token: str,
        username: str,
        full_name: str,
        role: str,
        password: str,
        idempotency_key: str,
    ) -> UserOut:
        actor = self._authorize(token, "create_user")
        request = {
            "username": username,
            "full_name": full_name,
            "role": role,
            "password": _request_hash({"p": password}),
        }
        return self._once(
            actor,
            idempotency_key,
            "create_user",
            request,
            UserOut,
            lambda s: self._insert_user(s, actor, username, full_name, role, password),
        )

    def list_users(self, token: str) -> list[UserOut]:
        self._authorize(token, "list_users")
        now = self._clock()
        with self._read() as s:
            users = s.exec(select(User).order_by(User.username)).all()
            live = _SESSIONS.c.ended_at.is_(None)
            sessions = s.execute(
                sa_select(
                    _SESSIONS.c.user_id, _SESSIONS.c.created_at, _SESSIONS.c.last_seen_at
                ).where(live)
            ).all()
        open_: dict[int, int] = {}
        for user_id, created, last_seen in sessions:
            if self._session_live(created, last_seen, now):
                open_[user_id] = open_.get(user_id, 0) + 1
        return [_user_out(u, open_.get(u.id or 0, 0)) for u in users]

    def set_user_active(
        self, token: str, username: str, active: bool, idempotency_key: str
    ) -> UserOut:
        actor = self._authorize(token, "set_user_active")
        name = username.strip().lower()
        if not active and name == actor.username:
            raise ValidationError(
                "username", "You cannot disable your own account: ask another administrator."
            )

        def act(s: Session) -> UserOut:
            user = self._user(s, name)
            ended = 0
            if user.active != active:
                user.active = active
                user.version += 1
                s.add(user)
                if not active:
                    ended = self._end_sessions_of(s, user)
                self._audit(
                    s,
                    actor,
                    "user_enabled" if active else "user_disabled",
                    "user",
                    str(user.id),
                    before={"active": not active},
                    after={"active": active},
                    detail=f"{ended} session(s) ended" if ended else None,
                )
            return _user_out(user, 0 if not active else self._open_sessions(s, user))

        request = {"username": name, "active": active}
        return self._once(actor, idempotency_key, "set_user_active", request, UserOut, act)

    def end_sessions(self, token: str, username: str, idempotency_key: str) -> SessionsEnded:
        actor = self._authorize(token, "end_sessions")
        name = username.strip().lower()

        def act(s: Session) -> SessionsEnded:
            user = self._user(s, name)
            ended = self._end_sessions_of(s, user)
            self._audit(
                s, actor, "sessions_ended", "user", str(user.id), detail=f"{ended} session(s)"
            )
            return SessionsEnded(username=user.username, ended=ended)

        request = {"username": name}
        return self._once(actor, idempotency_key, "end_sessions", request, SessionsEnded, act)

    def _user(self, s: Session, name: str) -> User:
        user = s.exec(select(User).where(User.username == name).with_for_update()).first()
        if user is None:
            raise NotFoundError(f"No staff user is named {name!r}.")
        return user

    def _session_live(self, created: datetime, last_seen: datetime, now: datetime) -> bool:
        return now - last_seen <= self._idle and now - created <= self._absolute

    def _open_sessions(self, s: Session, user: User) -> int:
        now = self._clock()
        rows = s.exec(
            select(UserSession.created_at, UserSession.last_seen_at).where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),  # type: ignore[union-attr]
            )
        ).all()
        return sum(1 for created, seen in rows if self._session_live(created, seen, now))

    def _end_sessions_of(self, s: Session, user: User) -> int:
        """End every session of ``user`` not already ended; returns how many were live."""
        live = self._open_sessions(s, user)
        s.execute(
            update(_SESSIONS)
            .where(_SESSIONS.c.user_id == user.id, _SESSIONS.c.ended_at.is_(None))
            .values(ended_at=self._clock())
        )
        return live

    def create_first_user(self, username: str, full_name: str, role: str, password: str) -> UserOut:
        """Bootstrap: the first user of an empty database (no login possible before it)."""
        with self._write() as s:
            if self.dialect == "postgresql":
                # READ COMMITTED would let parallel bootstraps all see an empty table
                s.execute(text("LOCK TABLE app_user IN SHARE ROW EXCLUSIVE MODE"))
            if s.exec(select(User.id).limit(1)).first() is not None:
                raise PermissionDeniedError(
                    "Users already exist: log in as an administrator to add more."
                )
            return self._insert_user(s, None, username, full_name, role, password)

    def _insert_user(
        self,
        s: Session,
        actor: Actor | None,
        username: str,
        full_name: str,
        role: str,
        password: str,
    ) -> UserOut:
        name = validation.username("username", username)
        full = validation.required_text("full_name", full_name, "Full name", 120)
        if role not in Role.__members__.values():
            choices = ", ".join(r.value for r in Role)
            raise ValidationError("role", f"Unknown role {role!r}: choose one of {choices}.")
        validation.new_password("password", password)
        if s.exec(select(User.id).where(User.username == name)).first() is not None:
            raise ValidationError("username", f"The user name {name!r} is taken.")
        user = User(
            username=name,
            full_name=full,
            role=role,
            password_hash=hash_password(password),
            created_at=self._clock(),
        )
        s.add(user)
        s.flush()
        assert user.id is not None
        self._audit(
            s,
            actor,
            "user_created",
            "user",
            str(user.id),
            after={"username": name, "full_name": full, "role": role},
            username=None if actor else "(bootstrap)",
        )
        return _user_out(user, 0)

    def close(self) -> None:
        self._engines.dispose()

    # ------------------------------------------------------------ for tools and tests

    @property
    def engines(self) -> db.Engines:
        return self._engines

    def execute_sql(self, sql: str, **params: Any) -> list[Any]:
        with self._engines.read.connect() as conn:
            return list(conn.execute(text(sql), params))


def _user_out(user: User, open_sessions: int) -> UserOut:
    assert user.id is not None
    return UserOut(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        active=user.active,
        open_sessions=open_sessions,
        last_login_at=user.last_login_at,
    )


def _note_out(note: Note, account_no: str) -> NoteOut:
    assert note.id is not None
    return NoteOut(
        id=note.id,
        account_no=account_no,
        author_name=note.author_name,
        body=note.body,
        created_at=note.created_at,
    )


def _stale(current: int | None) -> ConflictError:
    now = f" (it is now at version {current})" if current is not None else ""
    return ConflictError(
        f"Someone else changed this consumer since you opened it{now}: "
        "reload it and apply your change again."
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)


def _validated_changes(changes: ConsumerUpdate) -> dict[str, Any]:
    given = changes.model_dump(exclude_none=True)
    out: dict[str, Any] = {}
    if "name" in given:
        out["name"] = validation.required_text("name", given["name"], "Name", 160)
    if "service_address" in given:
        out["service_address"] = validation.required_text(
            "service_address", given["service_address"], "Service address", 255
        )
    if "billing_address" in given:
        out["billing_address"] = validation.optional_text(
            "billing_address", given["billing_address"], "Billing address", 255
        )
    if "email" in given:
        out["email"] = validation.email("email", given["email"])
    if "phone" in given:
        out["phone"] = validation.phone("phone", given["phone"])
    if "category" in given:
        out["category"] = validation.required_text("category", given["category"], "Category", 40)
    if "sub_category" in given:
        out["sub_category"] = validation.optional_text(
            "sub_category", given["sub_category"], "Sub-category", 60
        )
    if "vip" in given:
        out["vip"] = bool(given["vip"])
    if not out:
        raise ValidationError("changes", "Nothing to change: edit at least one field.")
    return out


# ---------------------------------------------------------------- consumer management helpers

EXPORT_LIMIT = 10_000
PRIORITIES = ("high", "medium", "low")
_LOG = logging.getLogger(__name__)


#: The office's time zone unless the setting ``office_timezone`` names another.
def _timeline_label(event: AuditEvent) -> str:
    """An audit event of a request's Timeline in words."""
    after = event.after if isinstance(event.after, dict) else {}
    labels = {
        "disconnection_request_created": "Request created",
        "disconnection_request_acknowledge": "Acknowledged: In Progress",
        "disconnection_request_hold": "Put on hold",
        "disconnection_request_resume": "Resumed: In Progress",
        "disconnection_request_resolve": "Marked as resolved: Completed",
        "disconnection_request_close": "Closed",
        "disconnection_deposit_use": "Deposit "
        + ("applied in the bill" if after.get("use_deposit") else "kept out of the bill"),
        "disconnection_executed": f"Disconnection executed ({after.get('meter_action', '')})",
        "sla_breach_escalated": "SLA breached: supervisors told",
        "final_bill_drafted": f"Final bill {event.entity_id} generated",
        "final_bill_discarded": f"Final bill {event.entity_id} discarded",
        "final_bill_approved": f"Final bill {event.entity_id} approved and sent",
        "request_service_order_created": f"Service order {after.get('so_no', '')} created",
        "request_note_added": "Internal note added",
        "request_service_order_cancelled": f"Service order {after.get('so_no', '')} cancelled",
        "request_message_sent": f"Message emailed to {after.get('recipient', '')}",
        "notification_sent": f"Email sent to {after.get('recipient', '')}",
        "notification_failed": f"Email to {after.get('recipient', '')} failed",
    }
    label = labels.get(event.action, event.action.replace("_", " ").capitalize())
    if event.action == "disconnection_request_close" and after.get("close_reason"):
        reasons = dict(lifecycle.CLOSE_REASONS + lifecycle.AUTOMATIC_CLOSE_REASONS)
        label += f": {reasons.get(after['close_reason'], after['close_reason'])}"
    return label


OFFICE_TIMEZONE = "America/Chicago"
#: The first payment number of a database without one issued yet (the seeds' samples go up
#: to PAY-10045).
FIRST_PAYMENT_NO = 10046
#: How long a profile hold lasts unless renewed (setting ``consumer_lock_minutes``).
LOCK_MINUTES = 15
_MAX_BULK = 1000


def _reading_text(value: Decimal) -> str:
    """12580.00 -> "12,580"; 12580.50 -> "12,580.5" (as the meter shows it)."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _hhmm(value: object) -> dt_time:
    """ "08:30" as a time of day."""
    return datetime.strptime(str(value), "%H:%M").time()


def _plain_text(field: str, value: str | None, label: str, max_len: int) -> str | None:
    """Optional text of at most ``max_len`` characters, plain: no control characters but
    new lines (None when blank)."""
    text_ = validation.optional_text(field, value, label, max_len)
    if text_ is not None and any(
        unicodedata.category(ch).startswith("C") and ch != "\n" for ch in text_
    ):
        raise ValidationError(
            field, f"{label} takes plain text only: remove the control characters."
        )
    return text_


_setting = dsa.setting  # the database setting ``key`` (app_setting, JSON), or None


def _account_list(account_nos: list[str]) -> list[str]:
    accounts = list(dict.fromkeys(a.strip().upper() for a in account_nos if a.strip()))
    if not accounts:
        raise ValidationError("account_nos", "Select at least one consumer.")
    if len(accounts) > _MAX_BULK:
        raise ValidationError("account_nos", f"Act on at most {_MAX_BULK:,} consumers at a time.")
    return accounts


def _validated_new_consumer(
    data: ConsumerCreate, lists: dict[str, tuple[str, ...]]
) -> dict[str, Any]:
    """Seed 004's validation rules, each failure on its field (the first one found)."""
    out: dict[str, Any] = {
        "name": validation.required_text("name", data.name, "Name", 160),
        "account_no": validation.account_no("account_no", data.account_no),
        "service_address": validation.required_text(
            "service_address", data.service_address, "Service address", 255
        ),
    }
    territory = validation.choice("territory", data.territory, lists["territories"], "Territory")
    if territory.casefold() not in out["service_address"].casefold():
        raise ValidationError(
            "service_address",
            f"The service address must be in {territory} (the territory chosen): add the "
            f"town, e.g. '12 Main St, {territory}'.",
        )
    out["territory"] = territory
    out["email"] = validation.email("email", data.email)
    out["phone"] = validation.phone("phone", data.phone)
    out["alt_phone"] = validation.phone("alt_phone", data.alt_phone)
    out["billing_address"] = validation.optional_text(
        "billing_address", data.billing_address, "Billing address", 255
    )
    out["category"] = validation.choice("category", data.category, lists["categories"], "Category")
    out["sub_category"] = validation.optional_text(
        "sub_category", data.sub_category, "Sub category", 60
    )
    out["vip"] = bool(data.vip)
    out["plan"] = validation.optional_text("plan", data.plan, "Plan", 80)
    out["billing_cycle"] = validation.optional_text(
        "billing_cycle", data.billing_cycle, "Billing cycle", 40
    )
    out["payment_mode"] = validation.optional_text(
        "payment_mode", data.payment_mode, "Payment mode", 60
    )
    out["connection_date"] = data.connection_date
    out["opening_balance"] = validation.money_two_places(
        "opening_balance", data.opening_balance, "Opening balance"
    )
    if out["opening_balance"] < 0:
        raise ValidationError("opening_balance", "The opening balance cannot be negative.")
    return out


def _duplicates(conn: Connection, values: dict[str, Any]) -> list[dict[str, str]]:
    """Consumers whose phone, email, or name and service address match (index lookups)."""
    found: dict[str, dict[str, str]] = {}

    def add(rows: Any, matched: str) -> None:
        for account, name, address in rows:
            entry = found.setdefault(
                account,
                {"account_no": account, "name": name, "service_address": address, "matched": ""},
            )
            entry["matched"] = ", ".join(x for x in (entry["matched"], matched) if x)

    columns = "SELECT account_no, name, service_address FROM consumer"
    if values.get("phone"):
        add(conn.execute(text(f"{columns} WHERE phone_key = :k LIMIT 20"),
                         {"k": phone_key(values["phone"])}), "phone")  # fmt: skip
    if values.get("email"):
        add(conn.execute(text(f"{columns} WHERE email_key = :k LIMIT 20"),
                         {"k": email_key(values["email"])}), "email")  # fmt: skip
    same_name = conn.execute(text(f"{columns} WHERE name = :n LIMIT 200"), {"n": values["name"]})
    address = " ".join(values["service_address"].casefold().split())
    add(
        [r for r in same_name if " ".join(r[2].casefold().split()) == address],
        "name and address",
    )
    return list(found.values())


# ---------------------------------------------------------------- control characters


def _nul_field(value: Any, path: str) -> str | None:
    """The dotted name of the first text in ``value`` holding a NUL character, if any."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, BaseModel):
        value = dict(value)
    if isinstance(value, dict):
        for key, item in value.items():
            found = _nul_field(item, f"{path}.{key}") or _nul_field(str(key), f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = _nul_field(item, path)
            if found:
                return found
    return None


def _refusing_nul(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method``, refusing a NUL character in any text argument as a validation error.

    No field of ours may hold one, and PostgreSQL cannot store one (SQLite would): refusing
    it here, before any rule, keeps both databases and both backends answering the same.
    """
    signature = inspect.signature(method)

    @functools.wraps(method)
    def call(self: LocalBackend, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        for name, value in bound.arguments.items():
            if name in ("self", "token"):
                continue
            field = _nul_field(value, name)
            if field:
                token = bound.arguments.get("token")
                if token is not None:  # no session or no right: say that, not this
                    self._authorize(token, method.__name__)
                raise ValidationError(
                    field, f"{field} contains a NUL character (\\0): remove it and try again."
                )
        return method(self, *args, **kwargs)

    return call


#: The search box's term is cleaned by term detection instead (it drops control characters).
_CLEANS_ITS_TEXT = frozenset({"search_consumers"})
for _name in api.methods():
    if _name not in _CLEANS_ITS_TEXT:
        setattr(LocalBackend, _name, _refusing_nul(getattr(LocalBackend, _name)))
