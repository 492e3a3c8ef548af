-- The API's per-key rate limit, counted in the database so that every process agrees
-- (issue 26): one row per key and fixed window, forgotten by housekeeping after an hour.
CREATE TABLE api_rate_windows (
    api_key_id INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, window_start)
);
