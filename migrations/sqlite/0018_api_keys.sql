-- The JSON API (issue 16): keys an agency's owners and admins create, kept only as a hash,
-- and the answers to POSTs made with an Idempotency-Key, replayed for a retried request.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    created_by INTEGER,
    created_by_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_keys_agency ON api_keys (agency_id, created_at);

CREATE TABLE api_idempotency (
    api_key_id INTEGER NOT NULL REFERENCES api_keys(id),
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, idem_key)
);
