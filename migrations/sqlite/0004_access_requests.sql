-- Access requests: what an agency asks a client for, reached through one capability link.
-- Only the SHA-256 of the link token is stored; the plain link is shown once.
CREATE TABLE access_requests (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    token_hash TEXT NOT NULL UNIQUE,
    -- The first characters of the token, for people and logs ("lkr_Ab3d…").
    token_prefix TEXT NOT NULL,
    mode TEXT NOT NULL,
    -- "page:manage,ad_account:view" (see domain::access::Ask).
    asks TEXT NOT NULL,
    -- Agency people named for user-based access, comma-separated e-mails.
    user_people TEXT NOT NULL,
    message TEXT NOT NULL,
    single_use INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    emailed_at INTEGER,
    first_opened_at INTEGER,
    open_count INTEGER NOT NULL DEFAULT 0,
    -- Set when a single-use link has been consumed by an approval.
    used_at INTEGER,
    completed_at INTEGER,
    -- 'completed' or 'partial' once the client approved.
    outcome TEXT,
    revoked_at INTEGER,
    last_reminder_at INTEGER,
    auto_reminded_at INTEGER
);
CREATE INDEX access_requests_agency ON access_requests(agency_id, id);
CREATE INDEX access_requests_client ON access_requests(client_id);

-- The timeline of a request: created, emailed, opened, login, approved, reminded, revoked…
CREATE TABLE request_events (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES access_requests(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX request_events_request ON request_events(request_id, id);

-- Branding shown to clients.
ALTER TABLE agencies ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN default_expiry_days INTEGER NOT NULL DEFAULT 14;
ALTER TABLE agencies ADD COLUMN default_level TEXT NOT NULL DEFAULT 'manage';

CREATE TABLE agency_logos (
    agency_id INTEGER PRIMARY KEY REFERENCES agencies(id),
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);
