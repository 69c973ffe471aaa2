-- Pactum foundation: tenants, projects and the data map.
-- Identifiers are UUID text and timestamps are fixed-format UTC text on both backends,
-- so one set of queries and one export format serve SQLite and PostgreSQL alike.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL,
    legal_name TEXT NOT NULL,
    trade_name TEXT,
    address TEXT,
    country TEXT NOT NULL,
    registration_number TEXT,
    vat_number TEXT,
    dpo_name TEXT,
    dpo_email TEXT,
    dpo_phone TEXT,
    eu_representative TEXT,
    default_language TEXT NOT NULL,
    role TEXT NOT NULL,
    timezone TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT organisations_slug_key UNIQUE (slug)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    display_name TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE members (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT members_org_user_key UNIQUE (org_id, user_id)
);

CREATE INDEX members_user_idx ON members (user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    expires_at TEXT,
    revoked_at TEXT,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);

CREATE INDEX api_tokens_org_idx ON api_tokens (org_id);

CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT projects_org_name_key UNIQUE (org_id, name)
);

CREATE TABLE vendors (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    role TEXT NOT NULL,
    purpose TEXT,
    country TEXT,
    transfer_mechanism TEXT,
    website TEXT,
    dpa_reference TEXT,
    breach_notice_hours INTEGER,
    certifications TEXT NOT NULL,
    sub_processors TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT vendors_name_key UNIQUE (project_id, name)
);

CREATE INDEX vendors_list_idx ON vendors (org_id, project_id, name, id);

CREATE TABLE backup_strategies (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    frequency TEXT,
    location TEXT,
    country TEXT,
    encrypted INTEGER NOT NULL,
    retention TEXT,
    last_restore_test TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT backup_strategies_name_key UNIQUE (project_id, name)
);

CREATE INDEX backup_strategies_list_idx ON backup_strategies (org_id, project_id, name, id);

CREATE TABLE device_groups (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    device_type TEXT,
    device_count INTEGER,
    managed INTEGER NOT NULL,
    encrypted INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT device_groups_name_key UNIQUE (project_id, name)
);

CREATE INDEX device_groups_list_idx ON device_groups (org_id, project_id, name, id);

CREATE TABLE security_measures (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    key TEXT,
    name TEXT NOT NULL,
    description TEXT,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    owner_role TEXT,
    evidence TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX security_measures_list_idx ON security_measures (org_id, project_id, name, id);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    owner_role TEXT,
    provider TEXT,
    vendor_id TEXT REFERENCES vendors(id) ON DELETE SET NULL,
    hosting_country TEXT,
    confidentiality TEXT,
    backup_strategy_id TEXT REFERENCES backup_strategies(id) ON DELETE SET NULL,
    dpa_reference TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT services_name_key UNIQUE (project_id, name)
);

CREATE INDEX services_list_idx ON services (org_id, project_id, name, id);

CREATE INDEX services_vendor_idx ON services (vendor_id);
CREATE INDEX services_backup_idx ON services (backup_strategy_id);

CREATE TABLE service_device_groups (
    owner_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES device_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);

CREATE INDEX service_device_groups_target_idx ON service_device_groups (target_id);

CREATE TABLE data_items (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    category TEXT NOT NULL,
    sensitivity TEXT,
    classification TEXT,
    legal_basis TEXT,
    art9_condition TEXT,
    art10_basis TEXT,
    retention_amount INTEGER,
    retention_unit TEXT,
    retention_trigger TEXT,
    retention_rationale TEXT,
    subject_category TEXT,
    source TEXT,
    examples TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT data_items_name_key UNIQUE (service_id, name)
);

CREATE INDEX data_items_list_idx ON data_items (org_id, project_id, name, id);

CREATE TABLE data_users (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    description TEXT,
    access_level TEXT,
    external INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX data_users_list_idx ON data_users (org_id, project_id, role, id);

CREATE TABLE data_user_services (
    owner_id TEXT NOT NULL REFERENCES data_users(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);

CREATE INDEX data_user_services_target_idx ON data_user_services (target_id);

CREATE TABLE transfers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    vendor_id TEXT REFERENCES vendors(id) ON DELETE SET NULL,
    country TEXT NOT NULL,
    mechanism TEXT,
    description TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX transfers_list_idx ON transfers (org_id, project_id, recipient, id);

CREATE INDEX transfers_service_idx ON transfers (service_id);
CREATE INDEX transfers_vendor_idx ON transfers (vendor_id);

CREATE TABLE transfer_data_items (
    owner_id TEXT NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES data_items(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);

CREATE INDEX transfer_data_items_target_idx ON transfer_data_items (target_id);

CREATE TABLE processing_activities (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    purposes TEXT NOT NULL,
    role TEXT NOT NULL,
    controllers TEXT,
    joint_controllers TEXT,
    legal_basis TEXT,
    legal_basis_note TEXT,
    subject_categories TEXT NOT NULL,
    recipients TEXT,
    retention TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT processing_activities_name_key UNIQUE (project_id, name)
);

CREATE INDEX processing_activities_list_idx ON processing_activities (org_id, project_id, name, id);

CREATE TABLE activity_data_items (
    owner_id TEXT NOT NULL REFERENCES processing_activities(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES data_items(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);

CREATE INDEX activity_data_items_target_idx ON activity_data_items (target_id);

CREATE TABLE activity_transfers (
    owner_id TEXT NOT NULL REFERENCES processing_activities(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);

CREATE INDEX activity_transfers_target_idx ON activity_transfers (target_id);

CREATE TABLE activity_security_measures (
    owner_id TEXT NOT NULL REFERENCES processing_activities(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES security_measures(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, target_id)
);

CREATE INDEX activity_security_measures_target_idx ON activity_security_measures (target_id);
