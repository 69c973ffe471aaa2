-- The processor toolkit: the customers (controllers) an organisation processes for, their
-- audit requests, breach notices to them, sub-processor change notices with their
-- subscribers (double opt-in) and objections, and the public trust page (off until
-- published). Names and e-mail addresses copied into a notice's delivery rows keep the
-- record of who was told even after a customer is removed.

ALTER TABLE organisations ADD COLUMN trust_page_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN subprocessor_notice_days INTEGER NOT NULL DEFAULT 30;

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    contact_name TEXT,
    notice_email TEXT,
    contract_reference TEXT,
    breach_notice_hours INTEGER,
    subprocessor_notice_days INTEGER,
    audit_notice_days INTEGER,
    audits_per_year INTEGER,
    notes TEXT,
    gaps TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX customers_name_idx ON customers (org_id, name);

CREATE TABLE breach_customers (
    owner_id TEXT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);
CREATE INDEX breach_customers_target_idx ON breach_customers (target_id);

CREATE TABLE audit_requests (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    reference TEXT,
    received_on TEXT NOT NULL,
    audit_on TEXT,
    auditor TEXT,
    scope TEXT,
    status TEXT NOT NULL,
    evidence TEXT,
    outcome TEXT,
    gaps TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX audit_requests_list_idx ON audit_requests (org_id, received_on, id);
CREATE INDEX audit_requests_customer_idx ON audit_requests (customer_id, audit_on);

CREATE TABLE customer_notices (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    breach_id TEXT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL,
    customer_name TEXT NOT NULL,
    sent_to TEXT NOT NULL,
    phase INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    delivered BOOLEAN NOT NULL,
    error TEXT,
    sent_by TEXT
);
CREATE INDEX customer_notices_breach_idx ON customer_notices (breach_id, sent_at);

CREATE TABLE subprocessor_notices (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    purpose TEXT,
    location TEXT,
    transfer_mechanism TEXT,
    replaces TEXT,
    details TEXT,
    published_at TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    minimum_days INTEGER NOT NULL,
    withdrawn_at TEXT,
    withdrawn_reason TEXT,
    created_by TEXT
);
CREATE INDEX subprocessor_notices_org_idx ON subprocessor_notices (org_id, published_at);

CREATE TABLE notice_subscribers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    language TEXT NOT NULL,
    confirm_hash TEXT,
    created_at TEXT NOT NULL,
    confirmed_at TEXT
);
CREATE UNIQUE INDEX notice_subscribers_email_idx ON notice_subscribers (org_id, email);
CREATE UNIQUE INDEX notice_subscribers_confirm_idx ON notice_subscribers (confirm_hash);

CREATE TABLE notice_deliveries (
    notice_id TEXT NOT NULL REFERENCES subprocessor_notices(id) ON DELETE CASCADE,
    subscriber_id TEXT REFERENCES notice_subscribers(id) ON DELETE SET NULL,
    sent_to TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    delivered BOOLEAN NOT NULL,
    error TEXT
);
CREATE INDEX notice_deliveries_notice_idx ON notice_deliveries (notice_id);

CREATE TABLE notice_objections (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    notice_id TEXT NOT NULL REFERENCES subprocessor_notices(id) ON DELETE CASCADE,
    customer_name TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    email TEXT NOT NULL,
    reasons TEXT NOT NULL,
    status TEXT NOT NULL,
    response TEXT,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX notice_objections_org_idx ON notice_objections (org_id, received_at);
