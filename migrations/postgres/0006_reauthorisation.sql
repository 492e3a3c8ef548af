-- Re-authorisation: a request can be scoped to exact assets (the flagged ones), and the
-- deadline reminders remember which stage a client was last told about.
ALTER TABLE access_requests ADD COLUMN scope_assets TEXT NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN purpose TEXT NOT NULL DEFAULT 'access';
ALTER TABLE clients ADD COLUMN deadline_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN last_deadline_reminder_at BIGINT;
CREATE INDEX grants_status ON grants(agency_id, status, due_at);
