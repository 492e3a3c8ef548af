-- A webhook sender takes up to seven more of one endpoint's due deliveries with the one it
-- claimed (issue 28). Without this index that claim walked the endpoint's deliveries in id
-- order, delivered ones included, and sorted the rest: slower the longer the history.
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, status, next_attempt_at);
-- The deliveries in flight (leased), found without walking the backlog: what the claim's
-- per-agency limit counts.
CREATE INDEX webhook_deliveries_in_flight ON webhook_deliveries (status, lease_until);
