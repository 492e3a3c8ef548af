-- Staff pages show moments in the agency's own time zone (an IANA name).
ALTER TABLE agencies ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
