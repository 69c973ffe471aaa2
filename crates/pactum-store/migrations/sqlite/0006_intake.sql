-- The public request form of an organisation (off until an admin turns it on).

ALTER TABLE organisations ADD COLUMN intake_enabled INTEGER NOT NULL DEFAULT 0;
