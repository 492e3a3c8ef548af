-- Lets the dashboard's totals (counts by mode and status) read a small covering index
-- instead of every grant row.
CREATE INDEX grants_totals ON grants(agency_id, mode, status);
