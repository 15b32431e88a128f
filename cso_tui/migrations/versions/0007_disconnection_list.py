"""the disconnection landing list: its newest-first order and the month's completions (KPI
cards) each walk an index; the notification outbox's delivery: when a message may be tried
again, and when a delivery run claimed it; a request's final bill (its readings kept with the
draft); a service connection's billing frozen at disconnection

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_disconnection_created_id", ["created_at", "id"]),
    ("ix_disconnection_resolved", ["resolved_at"]),
)


def upgrade() -> None:
    # plain ADD COLUMN (SQLite has it): a batch table copy would trip the foreign keys of a
    # database with rows in it
    for name, columns in INDEXES:
        op.create_index(name, "disconnection_request", columns)
    op.add_column("notification_outbox", sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
    op.add_column("notification_outbox", sa.Column("claimed_at", sa.DateTime(timezone=True)))
    op.add_column("bill", sa.Column("disconnection_request_id", sa.Integer(), nullable=True))
    op.add_column("bill", sa.Column("final_readings", sa.JSON(), nullable=True))
    op.create_index("ix_bill_disconnection_request_id", "bill", ["disconnection_request_id"])
    op.add_column(
        "service_connection",
        sa.Column("billing_frozen", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("service_connection") as batch:
        batch.drop_column("billing_frozen")
    with op.batch_alter_table("bill") as batch:
        batch.drop_index("ix_bill_disconnection_request_id")
        batch.drop_column("final_readings")
        batch.drop_column("disconnection_request_id")
    with op.batch_alter_table("notification_outbox") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("next_attempt_at")
    for name, _ in INDEXES:
        op.drop_index(name, table_name="disconnection_request")
