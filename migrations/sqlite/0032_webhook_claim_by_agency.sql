-- A webhook claim that finds the oldest due deliveries all belong to agencies at their limit
-- in flight looks agency by agency instead (issue 28): this index finds the agencies with
-- pending deliveries and each one's oldest due delivery without walking another agency's
-- backlog. Before it, every refused claim walked the whole backlog of the agency at its limit.
CREATE INDEX webhook_deliveries_agency_due ON webhook_deliveries (status, agency_id, next_attempt_at, id);
