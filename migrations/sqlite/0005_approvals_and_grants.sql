-- Client approval sessions. A flow starts at "Continue with Facebook" and is bound to the
-- browser by a cookie (stored hashed) and to Facebook Login by a single-use state (hashed).
-- The client's Meta token is kept sealed only while the flow lives (at most one hour).
CREATE TABLE approval_flows (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES access_requests(id),
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    cookie_hash TEXT NOT NULL UNIQUE,
    state_hash TEXT NOT NULL UNIQUE,
    state_expires_at INTEGER NOT NULL,
    state_used_at INTEGER,
    token_sealed TEXT,
    person_id TEXT,
    person_name TEXT,
    -- Assets offered in the picker (JSON), so an approval can only name what was offered.
    inventory TEXT,
    -- Per-asset outcomes (JSON) for the done page.
    results TEXT,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    approved_at INTEGER
);
CREATE INDEX approval_flows_request ON approval_flows(request_id);

-- One row per access the agency holds on one asset, by mode and grantee. Re-approving the
-- same asset updates the row instead of adding another.
CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    request_id INTEGER REFERENCES access_requests(id),
    kind TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    asset_name TEXT NOT NULL,
    owner_portfolio_id TEXT,
    -- 'partner' or 'user'.
    mode TEXT NOT NULL,
    -- The agency's portfolio id (partner) or the person's e-mail (user).
    grantee TEXT NOT NULL,
    tasks TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT NOT NULL,
    approved_by_name TEXT NOT NULL,
    approved_by_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    verified_at INTEGER,
    due_at INTEGER,
    UNIQUE (agency_id, asset_id, mode, grantee)
);
CREATE INDEX grants_client ON grants(agency_id, client_id);

CREATE TABLE grant_events (
    id INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES grants(id),
    status TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX grant_events_grant ON grant_events(grant_id, id);

-- What the client said about moving to managed Meta accounts.
ALTER TABLE clients ADD COLUMN migration_status TEXT NOT NULL DEFAULT 'not_started';
ALTER TABLE clients ADD COLUMN migration_date INTEGER;
ALTER TABLE clients ADD COLUMN grace_days INTEGER NOT NULL DEFAULT 30;
