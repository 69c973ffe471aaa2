-- The public request form of an organisation (off until an admin turns it on).

ALTER TABLE organisations ADD COLUMN intake_enabled BOOLEAN NOT NULL DEFAULT FALSE;
