-- Substring search over the data map's search columns through an index, so `q` does not
-- read every row of a project. A trigram full-text table per collection holds a copy of
-- the searched columns; triggers keep it in step in the same transaction as the change.
-- The full-text rows are keyed through `search_keys` (an INTEGER PRIMARY KEY, which VACUUM
-- keeps) and not by the collections' implicit rowids, which VACUUM may renumber.
-- Queries shorter than three characters have no trigram and still scan (records.rs).
CREATE TABLE search_keys (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE services_search USING fts5(name, description, provider, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM services;
INSERT INTO services_search (rowid, name, description, provider)
    SELECT k.key, t.name, t.description, t.provider FROM services t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER services_search_insert AFTER INSERT ON services
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO services_search (rowid, name, description, provider)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.name, NEW.description, NEW.provider);
END;
CREATE TRIGGER services_search_update AFTER UPDATE ON services
BEGIN
    UPDATE services_search SET name = NEW.name, description = NEW.description, provider = NEW.provider
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER services_search_delete AFTER DELETE ON services
BEGIN
    DELETE FROM services_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE data_items_search USING fts5(name, description, category, examples, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM data_items;
INSERT INTO data_items_search (rowid, name, description, category, examples)
    SELECT k.key, t.name, t.description, t.category, t.examples FROM data_items t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER data_items_search_insert AFTER INSERT ON data_items
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO data_items_search (rowid, name, description, category, examples)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.name, NEW.description, NEW.category, NEW.examples);
END;
CREATE TRIGGER data_items_search_update AFTER UPDATE ON data_items
BEGIN
    UPDATE data_items_search SET name = NEW.name, description = NEW.description, category = NEW.category, examples = NEW.examples
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER data_items_search_delete AFTER DELETE ON data_items
BEGIN
    DELETE FROM data_items_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE data_users_search USING fts5(role, description, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM data_users;
INSERT INTO data_users_search (rowid, role, description)
    SELECT k.key, t.role, t.description FROM data_users t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER data_users_search_insert AFTER INSERT ON data_users
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO data_users_search (rowid, role, description)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.role, NEW.description);
END;
CREATE TRIGGER data_users_search_update AFTER UPDATE ON data_users
BEGIN
    UPDATE data_users_search SET role = NEW.role, description = NEW.description
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER data_users_search_delete AFTER DELETE ON data_users
BEGIN
    DELETE FROM data_users_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE transfers_search USING fts5(recipient, description, country, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM transfers;
INSERT INTO transfers_search (rowid, recipient, description, country)
    SELECT k.key, t.recipient, t.description, t.country FROM transfers t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER transfers_search_insert AFTER INSERT ON transfers
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO transfers_search (rowid, recipient, description, country)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.recipient, NEW.description, NEW.country);
END;
CREATE TRIGGER transfers_search_update AFTER UPDATE ON transfers
BEGIN
    UPDATE transfers_search SET recipient = NEW.recipient, description = NEW.description, country = NEW.country
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER transfers_search_delete AFTER DELETE ON transfers
BEGIN
    DELETE FROM transfers_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE device_groups_search USING fts5(name, description, device_type, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM device_groups;
INSERT INTO device_groups_search (rowid, name, description, device_type)
    SELECT k.key, t.name, t.description, t.device_type FROM device_groups t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER device_groups_search_insert AFTER INSERT ON device_groups
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO device_groups_search (rowid, name, description, device_type)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.name, NEW.description, NEW.device_type);
END;
CREATE TRIGGER device_groups_search_update AFTER UPDATE ON device_groups
BEGIN
    UPDATE device_groups_search SET name = NEW.name, description = NEW.description, device_type = NEW.device_type
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER device_groups_search_delete AFTER DELETE ON device_groups
BEGIN
    DELETE FROM device_groups_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE backup_strategies_search USING fts5(name, description, location, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM backup_strategies;
INSERT INTO backup_strategies_search (rowid, name, description, location)
    SELECT k.key, t.name, t.description, t.location FROM backup_strategies t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER backup_strategies_search_insert AFTER INSERT ON backup_strategies
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO backup_strategies_search (rowid, name, description, location)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.name, NEW.description, NEW.location);
END;
CREATE TRIGGER backup_strategies_search_update AFTER UPDATE ON backup_strategies
BEGIN
    UPDATE backup_strategies_search SET name = NEW.name, description = NEW.description, location = NEW.location
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER backup_strategies_search_delete AFTER DELETE ON backup_strategies
BEGIN
    DELETE FROM backup_strategies_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE processing_activities_search USING fts5(name, purposes, recipients, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM processing_activities;
INSERT INTO processing_activities_search (rowid, name, purposes, recipients)
    SELECT k.key, t.name, t.purposes, t.recipients FROM processing_activities t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER processing_activities_search_insert AFTER INSERT ON processing_activities
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO processing_activities_search (rowid, name, purposes, recipients)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.name, NEW.purposes, NEW.recipients);
END;
CREATE TRIGGER processing_activities_search_update AFTER UPDATE ON processing_activities
BEGIN
    UPDATE processing_activities_search SET name = NEW.name, purposes = NEW.purposes, recipients = NEW.recipients
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER processing_activities_search_delete AFTER DELETE ON processing_activities
BEGIN
    DELETE FROM processing_activities_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE security_measures_search USING fts5(name, description, key, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM security_measures;
INSERT INTO security_measures_search (rowid, name, description, key)
    SELECT k.key, t.name, t.description, t.key FROM security_measures t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER security_measures_search_insert AFTER INSERT ON security_measures
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO security_measures_search (rowid, name, description, key)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.name, NEW.description, NEW.key);
END;
CREATE TRIGGER security_measures_search_update AFTER UPDATE ON security_measures
BEGIN
    UPDATE security_measures_search SET name = NEW.name, description = NEW.description, key = NEW.key
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER security_measures_search_delete AFTER DELETE ON security_measures
BEGIN
    DELETE FROM security_measures_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE vendors_search USING fts5(name, description, purpose, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM vendors;
INSERT INTO vendors_search (rowid, name, description, purpose)
    SELECT k.key, t.name, t.description, t.purpose FROM vendors t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER vendors_search_insert AFTER INSERT ON vendors
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO vendors_search (rowid, name, description, purpose)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.name, NEW.description, NEW.purpose);
END;
CREATE TRIGGER vendors_search_update AFTER UPDATE ON vendors
BEGIN
    UPDATE vendors_search SET name = NEW.name, description = NEW.description, purpose = NEW.purpose
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER vendors_search_delete AFTER DELETE ON vendors
BEGIN
    DELETE FROM vendors_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE risk_assessments_search USING fts5(threat, description, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM risk_assessments;
INSERT INTO risk_assessments_search (rowid, threat, description)
    SELECT k.key, t.threat, t.description FROM risk_assessments t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER risk_assessments_search_insert AFTER INSERT ON risk_assessments
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO risk_assessments_search (rowid, threat, description)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.threat, NEW.description);
END;
CREATE TRIGGER risk_assessments_search_update AFTER UPDATE ON risk_assessments
BEGIN
    UPDATE risk_assessments_search SET threat = NEW.threat, description = NEW.description
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER risk_assessments_search_delete AFTER DELETE ON risk_assessments
BEGIN
    DELETE FROM risk_assessments_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;

CREATE VIRTUAL TABLE dpias_search USING fts5(name, description, tokenize = 'trigram');
INSERT INTO search_keys (id) SELECT id FROM dpias;
INSERT INTO dpias_search (rowid, name, description)
    SELECT k.key, t.name, t.description FROM dpias t JOIN search_keys k ON k.id = t.id;
CREATE TRIGGER dpias_search_insert AFTER INSERT ON dpias
BEGIN
    INSERT INTO search_keys (id) VALUES (NEW.id);
    INSERT INTO dpias_search (rowid, name, description)
        VALUES ((SELECT key FROM search_keys WHERE id = NEW.id), NEW.name, NEW.description);
END;
CREATE TRIGGER dpias_search_update AFTER UPDATE ON dpias
BEGIN
    UPDATE dpias_search SET name = NEW.name, description = NEW.description
        WHERE rowid = (SELECT key FROM search_keys WHERE id = NEW.id);
END;
CREATE TRIGGER dpias_search_delete AFTER DELETE ON dpias
BEGIN
    DELETE FROM dpias_search WHERE rowid = (SELECT key FROM search_keys WHERE id = OLD.id);
    DELETE FROM search_keys WHERE id = OLD.id;
END;
