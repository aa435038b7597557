-- The plan's catalogue, loaded from config/catalogue.yaml at every start.
CREATE TABLE indicator (
    code          text PRIMARY KEY,
    name_zh       text NOT NULL,
    name_en       text NOT NULL,
    unit          text NOT NULL,
    kind          text NOT NULL,
    section       text NOT NULL,
    departments   text[] NOT NULL,
    plan_text     text NOT NULL,
    derived_from  text,
    formula       text,
    note          text
);

CREATE TABLE indicator_target (
    indicator_code text NOT NULL REFERENCES indicator (code) ON DELETE CASCADE,
    year           int NOT NULL,
    comparator     text NOT NULL,
    value          numeric NOT NULL,
    PRIMARY KEY (indicator_code, year, comparator)
);

-- Sources as last registered from config/sources; removed ones stay for their history.
CREATE TABLE source (
    id             text PRIMARY KEY,
    name           text NOT NULL,
    kind           text NOT NULL,
    cron           text NOT NULL,
    time_zone      text NOT NULL,
    config_hash    text NOT NULL,
    paused         boolean NOT NULL DEFAULT false,
    paused_reason  text,
    registered_at  timestamptz NOT NULL,
    removed_at     timestamptz
);

-- Raw payloads, by content hash, so normalisation can be replayed after a fix.
CREATE TABLE payload (
    sha256      text PRIMARY KEY,
    source_id   text NOT NULL,
    origin      text NOT NULL,
    size_bytes  bigint NOT NULL,
    content     bytea,
    fetched_at  timestamptz NOT NULL
);

CREATE TABLE run (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id       text NOT NULL,
    job_id          text,
    attempt         int NOT NULL DEFAULT 1,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    -- running, succeeded, unchanged, partial, failed-transient, failed-permanent, skipped, abandoned
    outcome         text NOT NULL DEFAULT 'running',
    failure_class   text,
    error           text,
    calls           int NOT NULL DEFAULT 0,
    retries         text[] NOT NULL DEFAULT '{}',
    origin          text,
    payload_sha256  text,
    config_hash     text NOT NULL,
    rows_read       int NOT NULL DEFAULT 0,
    stored          int NOT NULL DEFAULT 0,
    unchanged       int NOT NULL DEFAULT 0,
    rejected        int NOT NULL DEFAULT 0,
    missing         int NOT NULL DEFAULT 0
);
CREATE INDEX run_source_started ON run (source_id, started_at DESC);

-- The source cursor: what the last successful run read. Committed with the observations.
CREATE TABLE source_state (
    source_id            text PRIMARY KEY,
    last_payload_sha256  text,
    last_config_hash     text,
    last_success_at      timestamptz,
    last_run_id          bigint
);

-- Every vintage of every figure, append-only: a changed value adds a vintage, nothing is overwritten.
CREATE TABLE observation (
    indicator_code  text NOT NULL,
    area_code       text NOT NULL,
    period          text NOT NULL,
    source_id       text NOT NULL,
    vintage         int NOT NULL,
    period_type     text NOT NULL,
    period_end      date NOT NULL,
    value           numeric NOT NULL,
    status          text NOT NULL,
    run_id          bigint NOT NULL,
    recorded_at     timestamptz NOT NULL,
    payload_sha256  text,
    location        text,
    PRIMARY KEY (indicator_code, area_code, period, source_id, vintage)
);
CREATE INDEX observation_series ON observation (indicator_code, area_code, period_end) INCLUDE (value, recorded_at);

-- The latest vintage per key and source: the merge target, so a revision touches only changed rows.
CREATE TABLE observation_latest (
    indicator_code  text NOT NULL,
    area_code       text NOT NULL,
    period          text NOT NULL,
    source_id       text NOT NULL,
    vintage         int NOT NULL,
    period_type     text NOT NULL,
    period_end      date NOT NULL,
    value           numeric NOT NULL,
    status          text NOT NULL,
    run_id          bigint NOT NULL,
    recorded_at     timestamptz NOT NULL,
    payload_sha256  text,
    location        text,
    PRIMARY KEY (indicator_code, area_code, period, source_id)
);

CREATE TABLE reject (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     bigint NOT NULL,
    source_id  text NOT NULL,
    kind       text NOT NULL,   -- error, missing, below-unit
    location   text NOT NULL,
    field      text NOT NULL,
    raw_value  text,
    reason     text NOT NULL
);
CREATE INDEX reject_run ON reject (run_id);

-- The current figure per key: 公报 (normal) over 快报 (provisional) over 预计 (estimated), then the latest.
CREATE VIEW current_observation AS
SELECT DISTINCT ON (indicator_code, area_code, period)
       indicator_code, area_code, period, period_type, period_end, value, status, source_id, vintage, run_id, recorded_at, location
FROM observation_latest
ORDER BY indicator_code, area_code, period,
         CASE status WHEN 'normal' THEN 0 WHEN 'provisional' THEN 1 WHEN 'estimated' THEN 2 ELSE 3 END,
         recorded_at DESC;
