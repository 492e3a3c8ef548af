-- Staff leave cleanly (issue 25): an endpoint remembers who made it (it stays, as the
-- agency's, and its list says when that person left); a key may expire.
ALTER TABLE webhook_endpoints ADD COLUMN created_by INTEGER;
ALTER TABLE webhook_endpoints ADD COLUMN created_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
ALTER TABLE api_keys ADD COLUMN expiry_warned_at INTEGER;
CREATE INDEX webhook_deliveries_agency_lease ON webhook_deliveries (agency_id, status, lease_until);
-- An Idempotency-Key's claim is a lease: a request that never answered (a crash) frees the key
-- after it, instead of blocking retries for a day.
ALTER TABLE api_idempotency ADD COLUMN lease_until INTEGER;

-- Browsers that signed in before (a long-lived cookie, kept as a hash): an account-wide
-- lock, which strangers can cause, does not keep its owner out from them.
CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL
);
CREATE INDEX known_devices_user ON known_devices (user_id);
