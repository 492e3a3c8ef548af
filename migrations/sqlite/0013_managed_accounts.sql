-- Managed Meta accounts, told truthfully: the agency's migration record holds the
-- organisation's deadline for people and the day people activated, each with its source;
-- signals read from Meta during approvals wait for staff; 'planned' is now 'invited'.
ALTER TABLE clients ADD COLUMN people_deadline INTEGER;
ALTER TABLE clients ADD COLUMN people_deadline_source TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE clients ADD COLUMN activated_on INTEGER;
ALTER TABLE clients ADD COLUMN activated_source TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE clients ADD COLUMN migration_source TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE clients ADD COLUMN migration_recorded_at INTEGER;
ALTER TABLE clients ADD COLUMN migration_recorded_by TEXT NOT NULL DEFAULT '';
UPDATE clients SET migration_status = 'invited' WHERE migration_status = 'planned';
UPDATE client_statements SET status = 'invited' WHERE status = 'planned';

CREATE TABLE migration_signals (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    business_id TEXT NOT NULL,
    business_name TEXT NOT NULL,
    managed INTEGER NOT NULL,
    people INTEGER NOT NULL,
    approver_name TEXT NOT NULL,
    approver_managed INTEGER NOT NULL,
    observed_at INTEGER NOT NULL,
    decision TEXT NOT NULL DEFAULT '',
    decided_at INTEGER,
    decided_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX migration_signals_client ON migration_signals(agency_id, client_id, id);

-- Who at the agency can use a partner asset (assigned inside the agency's own portfolio),
-- as read back from Meta; empty until assigned.
ALTER TABLE grants ADD COLUMN usable_by TEXT NOT NULL DEFAULT '';
