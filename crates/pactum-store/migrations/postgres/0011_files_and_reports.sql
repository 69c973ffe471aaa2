-- Files uploaded to a service or a vendor (a DPA, SLA, contract). The bytes live outside the
-- database, encrypted, under the organisation's directory and the SHA-256 of their content;
-- a row holds the uploaded name and what the scan found. Deleting the service, vendor,
-- project or organisation deletes the rows; blobs no row names any more are swept.
CREATE TABLE files (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    service_id TEXT REFERENCES services(id) ON DELETE CASCADE,
    vendor_id TEXT REFERENCES vendors(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    scan TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    CONSTRAINT files_one_owner CHECK ((service_id IS NULL) <> (vendor_id IS NULL))
);
CREATE INDEX files_service ON files (service_id) WHERE service_id IS NOT NULL;
CREATE INDEX files_vendor ON files (vendor_id) WHERE vendor_id IS NOT NULL;
CREATE INDEX files_blob ON files (org_id, sha256);

-- AI reports of a project, with the exact anonymised payload that was sent to the provider.
CREATE TABLE ai_reports (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    payload TEXT NOT NULL,
    report TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX ai_reports_project ON ai_reports (project_id, created_at);
