"""disconnection settings for a new database: the seed's reasons, time slots, SLA targets and
account closure checklist, written only into tables that are still empty

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cso_tui.services.rules.disconnection_defaults import (
    CHECKLIST,
    REASONS,
    SLA_TARGETS,
    TIME_SLOTS,
)

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

reason = sa.table(
    "disconnection_reason",
    *(sa.column(c) for c in ("id", "code", "name", "description", "priority")),
    *(sa.column(c) for c in ("requires_approval", "applies_to", "active", "position")),
)
time_slot = sa.table(
    "time_slot", *(sa.column(c) for c in ("id", "label", "start_minute", "end_minute", "active"))
)
sla_target = sa.table(
    "sla_target",
    *(sa.column(c) for c in ("request_type", "acknowledgement_hours", "response_hours")),
    sa.column("resolution_hours"),
)
checklist_item = sa.table(
    "checklist_item", *(sa.column(c) for c in ("id", "position", "text", "active"))
)


def _empty(table: str) -> bool:
    return op.get_bind().execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0


def upgrade() -> None:
    if _empty("disconnection_reason"):
        rows = [
            {"id": i, "code": code, "name": name, "description": desc, "priority": prio,
             "requires_approval": approval, "applies_to": applies, "active": True, "position": i}
            for i, (code, name, desc, prio, approval, applies) in enumerate(REASONS, start=1)
        ]  # fmt: skip
        op.bulk_insert(reason, rows)
    if _empty("time_slot"):
        op.bulk_insert(
            time_slot,
            [
                {"id": i, "label": label, "start_minute": start, "end_minute": end, "active": True}
                for i, (label, start, end) in enumerate(TIME_SLOTS, start=1)
            ],
        )
    if _empty("sla_target"):
        targets = [
            {"request_type": kind, "acknowledgement_hours": ack, "response_hours": response,
             "resolution_hours": resolution}
            for kind, ack, response, resolution in SLA_TARGETS
        ]  # fmt: skip
        op.bulk_insert(sla_target, targets)
    if _empty("checklist_item"):
        op.bulk_insert(
            checklist_item,
            [
                {"id": i, "position": i, "text": text, "active": True}
                for i, text in enumerate(CHECKLIST, start=1)
            ],
        )
    if op.get_bind().dialect.name == "postgresql":  # explicit ids: move the sequences on
        for table in ("disconnection_reason", "time_slot", "checklist_item"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )


def downgrade() -> None:
    """Settings are data the office may have changed since: they stay."""
