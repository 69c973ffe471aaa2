-- A counter per organisation that every change to its data map moves on (its projects,
-- the nine collections of the data map, risk assessments and DPIAs), in the same
-- transaction as the change. Summaries computed from the data map (counts, what needs
-- attention, recent changes) are kept in memory under the revision they were computed at,
-- and are valid exactly as long as the counter has not moved: on every instance, whichever
-- path wrote (the API, an import, a cascade).
-- No foreign key to organisations: the cascade that deletes an organisation's rows fires
-- these triggers too, after the organisation row is gone.
CREATE TABLE data_map_revisions (
    org_id TEXT PRIMARY KEY,
    revision BIGINT NOT NULL
);

CREATE TRIGGER projects_revision_insert AFTER INSERT ON projects
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER projects_revision_update AFTER UPDATE ON projects
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER projects_revision_delete AFTER DELETE ON projects
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER processing_activities_revision_insert AFTER INSERT ON processing_activities
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER processing_activities_revision_update AFTER UPDATE ON processing_activities
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER processing_activities_revision_delete AFTER DELETE ON processing_activities
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER services_revision_insert AFTER INSERT ON services
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER services_revision_update AFTER UPDATE ON services
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER services_revision_delete AFTER DELETE ON services
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER data_items_revision_insert AFTER INSERT ON data_items
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER data_items_revision_update AFTER UPDATE ON data_items
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER data_items_revision_delete AFTER DELETE ON data_items
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER data_users_revision_insert AFTER INSERT ON data_users
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER data_users_revision_update AFTER UPDATE ON data_users
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER data_users_revision_delete AFTER DELETE ON data_users
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER transfers_revision_insert AFTER INSERT ON transfers
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER transfers_revision_update AFTER UPDATE ON transfers
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER transfers_revision_delete AFTER DELETE ON transfers
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER vendors_revision_insert AFTER INSERT ON vendors
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER vendors_revision_update AFTER UPDATE ON vendors
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER vendors_revision_delete AFTER DELETE ON vendors
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER security_measures_revision_insert AFTER INSERT ON security_measures
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER security_measures_revision_update AFTER UPDATE ON security_measures
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER security_measures_revision_delete AFTER DELETE ON security_measures
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER device_groups_revision_insert AFTER INSERT ON device_groups
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER device_groups_revision_update AFTER UPDATE ON device_groups
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER device_groups_revision_delete AFTER DELETE ON device_groups
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER backup_strategies_revision_insert AFTER INSERT ON backup_strategies
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER backup_strategies_revision_update AFTER UPDATE ON backup_strategies
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER backup_strategies_revision_delete AFTER DELETE ON backup_strategies
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER risk_assessments_revision_insert AFTER INSERT ON risk_assessments
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER risk_assessments_revision_update AFTER UPDATE ON risk_assessments
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER risk_assessments_revision_delete AFTER DELETE ON risk_assessments
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER dpias_revision_insert AFTER INSERT ON dpias
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER dpias_revision_update AFTER UPDATE ON dpias
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (NEW.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER dpias_revision_delete AFTER DELETE ON dpias
BEGIN
    INSERT INTO data_map_revisions (org_id, revision) VALUES (OLD.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1;
END;
