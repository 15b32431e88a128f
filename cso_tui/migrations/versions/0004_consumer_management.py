"""consumer management (seed 004): totals rollup, user preferences, list sort indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cso_tui.migrations.ddl import ConsumerTotalsV1

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The consumer list's filter columns, carried in its sort indexes: a page under any filters
#: walks one index in its order and reads the table only for the rows it shows.
FILTERS = ["status", "category", "payment_standing", "vip"]
#: (name, columns): the consumer list's sort orders (keyset paging on key, id)
SORT_INDEXES = (
    ("ix_consumer_name_id", ["name", "id", *FILTERS, "balance"]),
    ("ix_consumer_balance_id", ["balance", "id", *FILTERS]),
    ("ix_consumer_account_filters", ["account_no", *FILTERS, "balance"]),
)


def upgrade() -> None:
    op.create_table(
        "user_preference",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "key"),
    )
    op.create_table(
        "consumer_totals",
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("payment_standing", sa.String(length=20), nullable=False),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("consumers", sa.BigInteger(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("status", "category", "payment_standing", "vip"),
    )
    for name, columns in SORT_INDEXES:
        op.create_index(name, "consumer", columns)
    ConsumerTotalsV1().create(op.get_bind())


def downgrade() -> None:
    ConsumerTotalsV1().drop(op.get_bind())
    op.drop_table("consumer_totals")
    for name, _ in SORT_INDEXES:
        op.drop_index(name, table_name="consumer")
    op.drop_table("user_preference")
