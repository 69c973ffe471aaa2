-- The registers: personal-data breaches (Art. 33(5)) and data-subject requests (Art. 12),
-- organisation-wide. Columns named in pactum-store's schema as sealed hold key-ring
-- ciphertexts (breach and request categories). due_at is derived on every write from the
-- organisation's calendar, for sorting and for the reminder scheduler.

ALTER TABLE organisations ADD COLUMN holiday_region TEXT;
ALTER TABLE organisations ADD COLUMN closure_days TEXT NOT NULL DEFAULT '[]';

CREATE TABLE breaches (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    reference TEXT,
    title TEXT NOT NULL,
    role TEXT NOT NULL,
    occurred_at TEXT,
    aware_at TEXT NOT NULL,
    contained_at TEXT,
    nature TEXT NOT NULL,
    description TEXT,
    data_categories TEXT NOT NULL,
    subject_categories TEXT NOT NULL,
    subjects_approx INTEGER,
    records_approx INTEGER,
    contact TEXT,
    consequences TEXT,
    measures TEXT,
    risk TEXT,
    risk_reasoning TEXT,
    art34_exception TEXT,
    authority_notified_at TEXT,
    authority_reference TEXT,
    delay_reason TEXT,
    subjects_informed_at TEXT,
    controller_notice_hours INTEGER,
    controllers_notified_at TEXT,
    affected_persons TEXT,
    updates TEXT,
    closed_at TEXT,
    due_at TEXT,
    gaps TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX breaches_list_idx ON breaches (org_id, aware_at, id);
CREATE INDEX breaches_due_idx ON breaches (org_id, due_at);
CREATE INDEX breaches_recent_idx ON breaches (org_id, updated_at);

CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    reference TEXT,
    kind TEXT NOT NULL,
    received_at TEXT NOT NULL,
    channel TEXT,
    requester_name TEXT,
    requester_contact TEXT,
    details TEXT,
    status TEXT NOT NULL,
    identity_verified_at TEXT,
    identity_method TEXT,
    extended INTEGER NOT NULL,
    extension_reason TEXT,
    extension_informed_on TEXT,
    art12_ground TEXT,
    art12_reasoning TEXT,
    fee_cents INTEGER,
    answered_at TEXT,
    response TEXT,
    due_at TEXT,
    due_on TEXT,
    gaps TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX requests_list_idx ON requests (org_id, received_at, id);
CREATE INDEX requests_due_idx ON requests (org_id, due_at);
CREATE INDEX requests_recent_idx ON requests (org_id, updated_at);
