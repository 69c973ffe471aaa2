-- The column mapping an organisation last used for a spreadsheet's set of headers, per
-- collection: the next file with the same headers is mapped the same way.
CREATE TABLE import_mappings (
    org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    collection TEXT NOT NULL,
    -- The file's headers, lower case, sorted, one per line.
    columns TEXT NOT NULL,
    -- JSON: header -> field.
    mapping TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (org_id, collection, columns)
);
