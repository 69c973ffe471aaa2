-- Gaps: what a valid record still lacks to be compliant (pactum_domain::gaps), stored
-- with the record as 'field:rule' tokens so the dashboard can list them without
-- re-reading every record. NULL when complete; the partial indexes hold only records
-- with gaps.
ALTER TABLE projects ADD COLUMN gaps TEXT;
ALTER TABLE vendors ADD COLUMN gaps TEXT;
ALTER TABLE backup_strategies ADD COLUMN gaps TEXT;
ALTER TABLE device_groups ADD COLUMN gaps TEXT;
ALTER TABLE security_measures ADD COLUMN gaps TEXT;
ALTER TABLE services ADD COLUMN gaps TEXT;
ALTER TABLE data_items ADD COLUMN gaps TEXT;
ALTER TABLE data_users ADD COLUMN gaps TEXT;
ALTER TABLE transfers ADD COLUMN gaps TEXT;
ALTER TABLE processing_activities ADD COLUMN gaps TEXT;

CREATE INDEX vendors_gaps_idx ON vendors (org_id, project_id) WHERE gaps IS NOT NULL;
CREATE INDEX backup_strategies_gaps_idx ON backup_strategies (org_id, project_id) WHERE gaps IS NOT NULL;
CREATE INDEX device_groups_gaps_idx ON device_groups (org_id, project_id) WHERE gaps IS NOT NULL;
CREATE INDEX security_measures_gaps_idx ON security_measures (org_id, project_id) WHERE gaps IS NOT NULL;
CREATE INDEX services_gaps_idx ON services (org_id, project_id) WHERE gaps IS NOT NULL;
CREATE INDEX data_items_gaps_idx ON data_items (org_id, project_id) WHERE gaps IS NOT NULL;
CREATE INDEX data_users_gaps_idx ON data_users (org_id, project_id) WHERE gaps IS NOT NULL;
CREATE INDEX transfers_gaps_idx ON transfers (org_id, project_id) WHERE gaps IS NOT NULL;
CREATE INDEX processing_activities_gaps_idx ON processing_activities (org_id, project_id) WHERE gaps IS NOT NULL;

-- Recent changes across the data map, for the dashboard.
CREATE INDEX vendors_recent_idx ON vendors (org_id, updated_at);
CREATE INDEX backup_strategies_recent_idx ON backup_strategies (org_id, updated_at);
CREATE INDEX device_groups_recent_idx ON device_groups (org_id, updated_at);
CREATE INDEX security_measures_recent_idx ON security_measures (org_id, updated_at);
CREATE INDEX services_recent_idx ON services (org_id, updated_at);
CREATE INDEX data_items_recent_idx ON data_items (org_id, updated_at);
CREATE INDEX data_users_recent_idx ON data_users (org_id, updated_at);
CREATE INDEX transfers_recent_idx ON transfers (org_id, updated_at);
CREATE INDEX processing_activities_recent_idx ON processing_activities (org_id, updated_at);

-- Facts about the store itself, such as the version of the gap rules the stored gaps
-- were computed with (recomputed at start when the rules change).
CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
