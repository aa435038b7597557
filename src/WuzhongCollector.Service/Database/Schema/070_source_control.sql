-- Pauses made from the CLI, the API, or automatically after repeated failures. A source file's own
-- "paused: true" stays in the file; the effective state (either) is copied to source.paused for readers.
CREATE TABLE source_control (
    source_id   text PRIMARY KEY,
    paused      boolean NOT NULL,
    reason      text,
    paused_at   timestamptz,
    paused_by   text,          -- cli, api:<token name>, auto
    resumed_at  timestamptz,   -- failures before this do not count towards the next automatic pause
    resumed_by  text
);

-- Since when and by whom the source is paused (file, cli, api:<name>, auto).
ALTER TABLE source ADD COLUMN paused_at timestamptz, ADD COLUMN paused_by text;

-- Errors in config/sources files as the service last read them; replaced at every reload. A file with
-- errors keeps its last valid version scheduled, so these rows say what is not yet in service.
CREATE TABLE source_config_error (
    source_id    text NOT NULL,
    file         text NOT NULL,
    line         int NOT NULL,
    field        text NOT NULL,
    message      text NOT NULL,
    detected_at  timestamptz NOT NULL
);
CREATE INDEX source_config_error_source ON source_config_error (source_id);

-- What each run did, step by step (file or URL without query string, bytes, rows), for the dashboard and the API.
ALTER TABLE run ADD COLUMN steps text[] NOT NULL DEFAULT '{}';
