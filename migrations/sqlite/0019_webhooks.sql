-- Signed webhooks (issue 16, Standard Webhooks): an agency's endpoints, each with its own
-- whsec_ secret (sealed; the previous one kept for an overlap after a rotation), and one
-- delivery row per event and endpoint, written in the transaction that made the change and
-- sent by the webhook worker with retries.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- Comma-separated event types; empty: every event.
    events TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    previous_secret_sealed TEXT,
    previous_until INTEGER,
    disabled_at INTEGER,
    disabled_reason TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_agency ON webhook_endpoints (agency_id);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id),
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    -- The Standard Webhooks message id (msg_...): the same on every attempt.
    message_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- pending, delivered, failed (retries exhausted)
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_attempt_at INTEGER,
    last_status_code INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    last_ms INTEGER,
    delivered_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
