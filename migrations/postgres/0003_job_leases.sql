-- Leases for background jobs that must never run twice at once for one key (e.g. the
-- verification run of one agency), across threads and processes.
CREATE TABLE job_leases (
    job TEXT NOT NULL,
    scope TEXT NOT NULL,
    holder TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    PRIMARY KEY (job, scope)
);
