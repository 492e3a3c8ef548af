-- The API's per-key rate limit, counted in the database so that every process agrees
-- (issue 26): one row per key and fixed window, forgotten by housekeeping after an hour.
CREATE TABLE api_rate_windows (
    api_key_id BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (api_key_id, window_start)
);
