"""the disconnection landing list's order carries its filter columns (status, type,
priority), so a filtered page and its count read the index alone; the month's completions
carry the request type (KPI cards counted from the index alone)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 00:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = (
    ("ix_disconnection_created_id", ["created_at", "id"]),
    ("ix_disconnection_resolved", ["resolved_at"]),
)
NEW = (
    ("ix_disconnection_list", ["created_at", "id", "status", "request_type", "priority"]),
    ("ix_disconnection_resolved_type", ["resolved_at", "request_type"]),
)


def upgrade() -> None:
    for name, columns in NEW:
        op.create_index(name, "disconnection_request", columns)
    for name, _ in OLD:
        op.drop_index(name, table_name="disconnection_request")


def downgrade() -> None:
    for name, columns in OLD:
        op.create_index(name, "disconnection_request", columns)
    for name, _ in NEW:
        op.drop_index(name, table_name="disconnection_request")
