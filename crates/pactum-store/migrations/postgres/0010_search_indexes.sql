-- Substring search over the data map's search columns through an index, so `q` (ILIKE
-- '%...%') does not read every row of a project: trigram GIN indexes from the pg_trgm
-- extension, which ships with PostgreSQL and which a database owner may create (it is
-- trusted). Where it cannot be created, the indexes are left out and search scans, as before.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%); search reads every row', SQLERRM;
END;
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX services_search_idx ON services USING gin (name gin_trgm_ops, description gin_trgm_ops, provider gin_trgm_ops);
        CREATE INDEX data_items_search_idx ON data_items USING gin (name gin_trgm_ops, description gin_trgm_ops, category gin_trgm_ops, examples gin_trgm_ops);
        CREATE INDEX data_users_search_idx ON data_users USING gin (role gin_trgm_ops, description gin_trgm_ops);
        CREATE INDEX transfers_search_idx ON transfers USING gin (recipient gin_trgm_ops, description gin_trgm_ops, country gin_trgm_ops);
        CREATE INDEX device_groups_search_idx ON device_groups USING gin (name gin_trgm_ops, description gin_trgm_ops, device_type gin_trgm_ops);
        CREATE INDEX backup_strategies_search_idx ON backup_strategies USING gin (name gin_trgm_ops, description gin_trgm_ops, location gin_trgm_ops);
        CREATE INDEX processing_activities_search_idx ON processing_activities USING gin (name gin_trgm_ops, purposes gin_trgm_ops, recipients gin_trgm_ops);
        CREATE INDEX security_measures_search_idx ON security_measures USING gin (name gin_trgm_ops, description gin_trgm_ops, key gin_trgm_ops);
        CREATE INDEX vendors_search_idx ON vendors USING gin (name gin_trgm_ops, description gin_trgm_ops, purpose gin_trgm_ops);
        CREATE INDEX risk_assessments_search_idx ON risk_assessments USING gin (threat gin_trgm_ops, description gin_trgm_ops);
        CREATE INDEX dpias_search_idx ON dpias USING gin (name gin_trgm_ops, description gin_trgm_ops);
    END IF;
END;
$$;
