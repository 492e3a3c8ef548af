-- Request templates (issue 18): an agency's saved asks, mode, link settings, message and
-- client language for the requests it sends most.
CREATE TABLE request_templates (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    asks TEXT NOT NULL,
    mode TEXT NOT NULL,
    expiry_days INTEGER NOT NULL,
    single_use INTEGER NOT NULL,
    message TEXT NOT NULL,
    language TEXT,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX request_templates_name ON request_templates (agency_id, name);
