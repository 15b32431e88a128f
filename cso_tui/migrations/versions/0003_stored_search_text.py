"""stored search text (PostgreSQL): substring search checks a column, not an expression

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:00:00
"""

from collections.abc import Sequence

from alembic import op

from cso_tui.migrations.ddl import SearchIndexV3

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    SearchIndexV3().upgrade_from_v2(op.get_bind())


def downgrade() -> None:
    SearchIndexV3().downgrade_to_v2(op.get_bind())
