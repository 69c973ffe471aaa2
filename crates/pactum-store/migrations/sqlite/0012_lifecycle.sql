-- Lifecycle: deleting an account or an organisation locks it at once and schedules its
-- removal (`purge_at`); recovery before then clears both columns. A legal hold keeps an
-- organisation's or a person's rows from the retention batch and from the purge.
-- The retention batch prunes an audit chain from its start: `pruned_seq` and `pruned_hash`
-- are the last removed event's, where verification picks the chain up.

ALTER TABLE organisations ADD COLUMN deletion_requested_at TEXT;
ALTER TABLE organisations ADD COLUMN purge_at TEXT;
ALTER TABLE organisations ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
CREATE INDEX organisations_purge_idx ON organisations (purge_at) WHERE purge_at IS NOT NULL;

ALTER TABLE users ADD COLUMN deletion_requested_at TEXT;
ALTER TABLE users ADD COLUMN purge_at TEXT;
ALTER TABLE users ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_purge_idx ON users (purge_at) WHERE purge_at IS NOT NULL;

ALTER TABLE audit_heads ADD COLUMN pruned_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_heads ADD COLUMN pruned_hash TEXT;

CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);
CREATE INDEX notifications_created_idx ON notifications (created_at);
