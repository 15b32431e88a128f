"""the consumer list's name order carries the search words (PostgreSQL): a common surname in
the list's search box walks the index only

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 19:00:00
"""

from collections.abc import Sequence

from alembic import op

from cso_tui.migrations.ddl import SearchIndexV4

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    SearchIndexV4().upgrade_from_v3(op.get_bind())


def downgrade() -> None:
    SearchIndexV4().downgrade_to_v3(op.get_bind())
