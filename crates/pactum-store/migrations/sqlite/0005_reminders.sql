-- Running clocks, reminders, in-app notifications and calendar feeds.
-- stopped_at is derived like due_at (empty while a clock runs); assignee_id names the
-- member handling a case. Each organisation chooses its reminder leads.

ALTER TABLE organisations ADD COLUMN breach_reminder_hours TEXT NOT NULL DEFAULT '[48,24,4]';
ALTER TABLE organisations ADD COLUMN request_reminder_days TEXT NOT NULL DEFAULT '[7,2]';

ALTER TABLE breaches ADD COLUMN assignee_id TEXT;
ALTER TABLE breaches ADD COLUMN stopped_at TEXT;
ALTER TABLE requests ADD COLUMN assignee_id TEXT;
ALTER TABLE requests ADD COLUMN stopped_at TEXT;
CREATE INDEX breaches_running_idx ON breaches (due_at) WHERE stopped_at IS NULL;
CREATE INDEX requests_running_idx ON requests (due_at) WHERE stopped_at IS NULL;

-- One row per reminder of a deadline: claimed before anything is sent, so that no two
-- workers and no restart send it twice; sent_at once every recipient was handed over.
CREATE TABLE reminders (
    register TEXT NOT NULL,
    record_id TEXT NOT NULL,
    due_at TEXT NOT NULL,
    lead_minutes INTEGER NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    claimed_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (register, record_id, due_at, lead_minutes)
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    register TEXT NOT NULL,
    record_id TEXT NOT NULL,
    label TEXT NOT NULL,
    due_at TEXT NOT NULL,
    lead_minutes INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);

-- A user's secret calendar feed address; only its hash is kept.
CREATE TABLE calendar_feeds (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT calendar_feeds_token_hash_key UNIQUE (token_hash)
);

-- Background work that must run on one instance at a time holds a lease here.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
