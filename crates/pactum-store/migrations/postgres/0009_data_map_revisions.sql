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

CREATE FUNCTION bump_data_map_revision() RETURNS trigger AS $$
DECLARE
    org TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        org := OLD.org_id;
    ELSE
        org := NEW.org_id;
    END IF;
    INSERT INTO data_map_revisions (org_id, revision) VALUES (org, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = data_map_revisions.revision + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER projects_revision AFTER INSERT OR UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER processing_activities_revision AFTER INSERT OR UPDATE OR DELETE ON processing_activities
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER services_revision AFTER INSERT OR UPDATE OR DELETE ON services
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER data_items_revision AFTER INSERT OR UPDATE OR DELETE ON data_items
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER data_users_revision AFTER INSERT OR UPDATE OR DELETE ON data_users
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER transfers_revision AFTER INSERT OR UPDATE OR DELETE ON transfers
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER vendors_revision AFTER INSERT OR UPDATE OR DELETE ON vendors
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER security_measures_revision AFTER INSERT OR UPDATE OR DELETE ON security_measures
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER device_groups_revision AFTER INSERT OR UPDATE OR DELETE ON device_groups
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER backup_strategies_revision AFTER INSERT OR UPDATE OR DELETE ON backup_strategies
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER risk_assessments_revision AFTER INSERT OR UPDATE OR DELETE ON risk_assessments
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();

CREATE TRIGGER dpias_revision AFTER INSERT OR UPDATE OR DELETE ON dpias
    FOR EACH ROW EXECUTE FUNCTION bump_data_map_revision();
