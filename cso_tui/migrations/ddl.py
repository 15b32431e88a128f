"""Dialect-specific DDL the ORM cannot express: search indexes and the append-only audit log.

Kept as versioned functions so that a migration calls the DDL of its own time.
"""

from __future__ import annotations

from sqlalchemy import Connection


class SearchIndexV1:
    """FTS5 (words + trigram) on SQLite; tsvector + pg_trgm on PostgreSQL."""

    SQLITE_TRIGGERS = {
        "consumer_search_ai": """
            CREATE TRIGGER consumer_search_ai AFTER INSERT ON consumer BEGIN
              INSERT INTO consumer_name_fts(rowid, name) VALUES (new.id, new.name);
              INSERT INTO consumer_fts(rowid, name, service_address)
                VALUES (new.id, new.name, new.service_address);
              INSERT INTO consumer_trgm(rowid, name, service_address)
                VALUES (new.id, new.name, new.service_address);
            END""",
        "consumer_search_ad": """
            CREATE TRIGGER consumer_search_ad AFTER DELETE ON consumer BEGIN
              INSERT INTO consumer_name_fts(consumer_name_fts, rowid, name)
                VALUES ('delete', old.id, old.name);
              INSERT INTO consumer_fts(consumer_fts, rowid, name, service_address)
                VALUES ('delete', old.id, old.name, old.service_address);
              INSERT INTO consumer_trgm(consumer_trgm, rowid, name, service_address)
                VALUES ('delete', old.id, old.name, old.service_address);
            END""",
        "consumer_search_au": """
            CREATE TRIGGER consumer_search_au AFTER UPDATE OF name, service_address ON consumer
            BEGIN
              INSERT INTO consumer_name_fts(consumer_name_fts, rowid, name)
                VALUES ('delete', old.id, old.name);
              INSERT INTO consumer_name_fts(rowid, name) VALUES (new.id, new.name);
              INSERT INTO consumer_fts(consumer_fts, rowid, name, service_address)
                VALUES ('delete', old.id, old.name, old.service_address);
              INSERT INTO consumer_trgm(consumer_trgm, rowid, name, service_address)
                VALUES ('delete', old.id, old.name, old.service_address);
              INSERT INTO consumer_fts(rowid, name, service_address)
                VALUES (new.id, new.name, new.service_address);
              INSERT INTO consumer_trgm(rowid, name, service_address)
                VALUES (new.id, new.name, new.service_address);
            END""",
    }

    PG_INDEXES = {
        "ix_consumer_search_tsv": "CREATE INDEX ix_consumer_search_tsv ON consumer USING gin "
        "(search_tsv)",
        "ix_consumer_search_trgm": "CREATE INDEX ix_consumer_search_trgm ON consumer USING gin "
        "((lower(cso_unaccent(name || ' ' || service_address))) gin_trgm_ops)",
    }

    def create(self, conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            # Names get their own index: a word common in addresses ("Main") would otherwise
            # make every name lookup walk its whole posting list through a column filter.
            # Prefix indexes turn "jo"* from a merge of every token's list (3 ms, 150 ms for
            # a common stem at 1M rows) into one list walk (0.05 ms).
            conn.exec_driver_sql(
                "CREATE VIRTUAL TABLE consumer_name_fts USING fts5(name, content='consumer', "
                "content_rowid='id', tokenize='unicode61 remove_diacritics 2', "
                "prefix='1 2 3 4 5 6')"
            )
            conn.exec_driver_sql(
                "CREATE VIRTUAL TABLE consumer_fts USING fts5(name, service_address, "
                "content='consumer', content_rowid='id', tokenize='unicode61 remove_diacritics 2', "
                "prefix='2 3 4 5')"
            )
            conn.exec_driver_sql(
                "CREATE VIRTUAL TABLE consumer_trgm USING fts5(name, service_address, "
                "content='consumer', content_rowid='id', tokenize='trigram', detail='none')"
            )
            self.create_sqlite_triggers(conn)
            self.rebuild(conn)
        else:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
            # unaccent() is only STABLE (its dictionary could change); a generated column and
            # an index need IMMUTABLE, so pin the dictionary in a wrapper.
            conn.exec_driver_sql(
                "CREATE FUNCTION cso_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE "
                "PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent', $1) $$"
            )
            conn.exec_driver_sql(
                "ALTER TABLE consumer ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
                "setweight(to_tsvector('simple', cso_unaccent(coalesce(name, ''))), 'A') || "
                "setweight(to_tsvector('simple', cso_unaccent(coalesce(service_address, ''))),"
                " 'B')) STORED"
            )
            for ddl in SearchIndexV1.PG_INDEXES.values():  # this version's, not a subclass's
                conn.exec_driver_sql(ddl)

    def create_sqlite_triggers(self, conn: Connection) -> None:
        for ddl in self.SQLITE_TRIGGERS.values():
            conn.exec_driver_sql(ddl)

    def drop_sqlite_triggers(self, conn: Connection) -> None:
        for name in self.SQLITE_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")

    def create_pg_indexes(self, conn: Connection) -> None:
        for ddl in self.PG_INDEXES.values():
            conn.exec_driver_sql(ddl)

    def drop_pg_indexes(self, conn: Connection) -> None:
        for name in self.PG_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")

    def rebuild(self, conn: Connection) -> None:
        """Re-read every consumer into the SQLite search tables (after a bulk load)."""
        if conn.dialect.name == "sqlite":
            for table in ("consumer_name_fts", "consumer_fts", "consumer_trgm"):
                conn.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
                # one b-tree per index instead of dozens of segments: ~40% faster lookups
                conn.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('optimize')")

    def drop(self, conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            self.drop_sqlite_triggers(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS consumer_name_fts")
            conn.exec_driver_sql("DROP TABLE IF EXISTS consumer_fts")
            conn.exec_driver_sql("DROP TABLE IF EXISTS consumer_trgm")
        else:
            self.drop_pg_indexes(conn)
            conn.exec_driver_sql("ALTER TABLE consumer DROP COLUMN IF EXISTS search_tsv")
            conn.exec_driver_sql("DROP FUNCTION IF EXISTS cso_unaccent(text)")


class SearchIndexV2(SearchIndexV1):
    """V1 plus, on PostgreSQL, a tsvector of the name alone (``name_tsv``) with its own index.

    The planner estimates a tsquery's rows from the column's word statistics and ignores
    weights: on the name+address vector a street word ("capitol") looked common, so the
    name tiers walked the primary key for names that never came (1.2 s at 1M consumers).
    Statistics of the name alone estimate name words truly. SQLite needs nothing new.
    Migration 0001 creates V1, 0002 adds the rest (:meth:`upgrade_from_v1`).
    """

    NAME_TSV = (
        "ALTER TABLE consumer ADD COLUMN name_tsv tsvector GENERATED ALWAYS AS ("
        "to_tsvector('simple', cso_unaccent(coalesce(name, '')))) STORED"
    )
    PG_INDEXES = {
        **SearchIndexV1.PG_INDEXES,
        "ix_consumer_name_tsv": "CREATE INDEX ix_consumer_name_tsv ON consumer USING gin "
        "(name_tsv)",
    }

    def upgrade_from_v1(self, conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            return
        conn.exec_driver_sql(self.NAME_TSV)
        conn.exec_driver_sql(self.PG_INDEXES["ix_consumer_name_tsv"])
        conn.exec_driver_sql("ANALYZE consumer")  # the planner needs the new statistics now

    def downgrade_to_v1(self, conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            return
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_consumer_name_tsv")
        conn.exec_driver_sql("ALTER TABLE consumer DROP COLUMN IF EXISTS name_tsv")


class SearchIndexV3(SearchIndexV2):
    """V2 with the PostgreSQL substring search on a stored column (``search_text``).

    The trigram index was on an expression: every candidate row it found was checked by
    computing lower(unaccent(name || address)) again, ~20 µs a row, and a fragment search
    cost 150 ms at 1M consumers. The stored text is checked by a plain LIKE.
    """

    SEARCH_TEXT = (
        "ALTER TABLE consumer ADD COLUMN search_text text GENERATED ALWAYS AS ("
        "lower(cso_unaccent(coalesce(name, '') || ' ' || coalesce(service_address, '')))) STORED"
    )
    PG_INDEXES = {
        **{k: v for k, v in SearchIndexV2.PG_INDEXES.items() if k != "ix_consumer_search_trgm"},
        "ix_consumer_search_text_trgm": "CREATE INDEX ix_consumer_search_text_trgm ON consumer "
        "USING gin (search_text gin_trgm_ops)",
    }

    def upgrade_from_v2(self, conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            return
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_consumer_search_trgm")
        conn.exec_driver_sql(self.SEARCH_TEXT)
        conn.exec_driver_sql(self.PG_INDEXES["ix_consumer_search_text_trgm"])
        conn.exec_driver_sql("ANALYZE consumer")

    def downgrade_to_v2(self, conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            return
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_consumer_search_text_trgm")
        conn.exec_driver_sql("ALTER TABLE consumer DROP COLUMN IF EXISTS search_text")
        conn.exec_driver_sql(SearchIndexV1.PG_INDEXES["ix_consumer_search_trgm"])


class SearchIndexV4(SearchIndexV3):
    """V3 with, on PostgreSQL, the consumer list's name order carrying the words (``INCLUDE
    (search_tsv)`` on ``ix_consumer_name_id``, same key columns).

    The list's search box with a common surname walks the name order checking each row's
    words: ~70 rows read from the table for every one shown (a table read each, 141 ms p95
    at 1M consumers with the default 128 MB of shared buffers). With the words in the index
    the walk is an index-only scan, and only the page's rows are read from the table.
    """

    NAME_ORDER = (
        "CREATE INDEX ix_consumer_name_id ON consumer "
        "(name, id, status, category, payment_standing, vip, balance) INCLUDE (search_tsv)"
    )
    PG_INDEXES = {**SearchIndexV3.PG_INDEXES, "ix_consumer_name_id": NAME_ORDER}

    def upgrade_from_v3(self, conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            return
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_consumer_name_id")
        conn.exec_driver_sql(self.NAME_ORDER)

    def downgrade_to_v3(self, conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            return
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_consumer_name_id")
        conn.exec_driver_sql(
            "CREATE INDEX ix_consumer_name_id ON consumer "
            "(name, id, status, category, payment_standing, vip, balance)"
        )


#: The search index of the current schema (the demo builder suspends and rebuilds it).
search_index = SearchIndexV4()


def append_only_audit(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for op in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER audit_event_no_{op.lower()} BEFORE {op} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
            )
    else:
        conn.exec_driver_sql(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def drop_append_only_audit(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_update")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS audit_event_append_only()")


class ConsumerTotalsV1:
    """The consumer list's cards and filter counts as a rollup: per (status, category,
    payment standing, VIP), how many consumers and their balance in cents, kept by triggers
    in the same transaction as any change to those columns or the balance, whichever code
    makes it. A GROUP BY over 1M consumers took ~400 ms; a count under a filter of two rare
    values ~200 ms (heap fetches); this reads at most a few hundred small rows."""

    KEY = ("status", "category", "payment_standing", "vip")
    _KEY = ", ".join(KEY)
    _NEW = ", ".join(f"new.{k}" for k in KEY)
    _MATCH_OLD = " AND ".join(f"{k} = old.{k}" for k in KEY)
    _MATCH_NEW = " AND ".join(f"{k} = new.{k}" for k in KEY)
    _CHANGED = " OR ".join(f"old.{k} IS NOT new.{k}" for k in (*KEY, "balance"))
    SQLITE_TRIGGERS = {
        "consumer_totals_ai": f"""
            CREATE TRIGGER consumer_totals_ai AFTER INSERT ON consumer BEGIN
              INSERT INTO consumer_totals({_KEY}, consumers, balance) VALUES ({_NEW}, 0, 0)
                ON CONFLICT({_KEY}) DO NOTHING;
              UPDATE consumer_totals SET consumers = consumers + 1, balance = balance + new.balance
                WHERE {_MATCH_NEW};
            END""",
        "consumer_totals_ad": f"""
            CREATE TRIGGER consumer_totals_ad AFTER DELETE ON consumer BEGIN
              UPDATE consumer_totals SET consumers = consumers - 1, balance = balance - old.balance
                WHERE {_MATCH_OLD};
            END""",
        "consumer_totals_au": f"""
            CREATE TRIGGER consumer_totals_au AFTER UPDATE OF {_KEY}, balance ON consumer
            WHEN {_CHANGED} BEGIN
              UPDATE consumer_totals SET consumers = consumers - 1, balance = balance - old.balance
                WHERE {_MATCH_OLD};
              INSERT INTO consumer_totals({_KEY}, consumers, balance) VALUES ({_NEW}, 0, 0)
                ON CONFLICT({_KEY}) DO NOTHING;
              UPDATE consumer_totals SET consumers = consumers + 1, balance = balance + new.balance
                WHERE {_MATCH_NEW};
            END""",
    }
    PG_FUNCTION = f"""
        CREATE FUNCTION consumer_totals_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE consumer_totals SET consumers = consumers - 1, balance = balance - OLD.balance
              WHERE {_MATCH_OLD.replace("old.", "OLD.")};
          END IF;
          IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO consumer_totals AS t ({_KEY}, consumers, balance)
              VALUES ({_NEW.replace("new.", "NEW.")}, 1, NEW.balance)
              ON CONFLICT ({_KEY}) DO UPDATE
              SET consumers = t.consumers + 1, balance = t.balance + EXCLUDED.balance;
          END IF;
          RETURN NULL;
        END $$"""
    _PG_CHANGED = " OR ".join(f"OLD.{k} IS DISTINCT FROM NEW.{k}" for k in (*KEY, "balance"))
    PG_TRIGGERS = {
        "consumer_totals_ins_del": "CREATE TRIGGER consumer_totals_ins_del AFTER INSERT OR "
        "DELETE ON consumer FOR EACH ROW EXECUTE FUNCTION consumer_totals_keep()",
        "consumer_totals_upd": f"CREATE TRIGGER consumer_totals_upd AFTER UPDATE OF {_KEY}, "
        f"balance ON consumer FOR EACH ROW WHEN ({_PG_CHANGED}) "
        "EXECUTE FUNCTION consumer_totals_keep()",
    }

    def create(self, conn: Connection) -> None:
        """Triggers on the (existing) consumer_totals table, filled from the consumers."""
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(self.PG_FUNCTION)
        self.create_triggers(conn)
        self.rebuild(conn)

    def create_triggers(self, conn: Connection) -> None:
        ddl = self.SQLITE_TRIGGERS if conn.dialect.name == "sqlite" else self.PG_TRIGGERS
        for statement in ddl.values():
            conn.exec_driver_sql(statement)

    def drop_triggers(self, conn: Connection) -> None:
        if conn.dialect.name == "sqlite":
            for name in self.SQLITE_TRIGGERS:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        else:
            for name in self.PG_TRIGGERS:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON consumer")

    def rebuild(self, conn: Connection) -> None:
        """Count again from the consumers (after a bulk load with the triggers off)."""
        conn.exec_driver_sql("DELETE FROM consumer_totals")
        conn.exec_driver_sql(
            f"INSERT INTO consumer_totals ({self._KEY}, consumers, balance) "
            f"SELECT {self._KEY}, count(*), coalesce(sum(balance), 0) FROM consumer "
            f"GROUP BY {self._KEY}"
        )

    def drop(self, conn: Connection) -> None:
        self.drop_triggers(conn)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP FUNCTION IF EXISTS consumer_totals_keep()")


#: The consumer totals rollup of the current schema (the demo builder suspends and rebuilds it).
consumer_totals = ConsumerTotalsV1()
