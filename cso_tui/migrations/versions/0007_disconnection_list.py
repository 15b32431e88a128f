"""the disconnection landing list: its newest-first order and the month's completions (KPI
cards) each walk an index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 20:40:00
"""

from collections.abc import Sequence

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
    for name, columns in INDEXES:
        op.create_index(name, "disconnection_request", columns)


def downgrade() -> None:
    for name, _ in INDEXES:
        op.drop_index(name, table_name="disconnection_request")
