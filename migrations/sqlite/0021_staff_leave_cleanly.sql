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
