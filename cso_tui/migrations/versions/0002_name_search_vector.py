"""name search vector (PostgreSQL): name_tsv and its GIN index

Name searches on PostgreSQL get statistics of their own (see SearchIndexV2). SQLite already
has a name-only FTS table: nothing changes there.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 13:00:00
"""

from collections.abc import Sequence

from alembic import op

from cso_tui.migrations.ddl import SearchIndexV2

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    SearchIndexV2().upgrade_from_v1(op.get_bind())


def downgrade() -> None:
    SearchIndexV2().downgrade_to_v1(op.get_bind())
