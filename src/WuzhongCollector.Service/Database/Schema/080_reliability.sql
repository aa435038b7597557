-- Column-drift check: the header of the last successful run, compared with the next file of the same source file.
ALTER TABLE source_state ADD COLUMN last_columns text[];

-- Retention drops the bytes of old archived payloads; hash, size and origin stay for provenance.
ALTER TABLE payload ADD COLUMN content_dropped_at timestamptz;

-- The retention cleanup finds old runs by when they finished.
CREATE INDEX run_finished ON run (finished_at);
