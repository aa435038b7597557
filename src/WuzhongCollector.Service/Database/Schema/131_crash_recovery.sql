-- Issue 13: a run records the database session that does its work, so a run whose session is gone (its
-- process was killed or lost the database) can be told apart from a live one at once, and read 'abandoned'.
ALTER TABLE run ADD COLUMN session_pid int, ADD COLUMN session_started timestamptz;
COMMENT ON COLUMN run.session_pid IS 'pg_backend_pid() of the session doing the run; with session_started, it identifies the session in pg_stat_activity';

-- Runs of a job are counted at every start (the attempt number), and running runs are checked every few seconds.
CREATE INDEX run_job ON run (job_id);
CREATE INDEX run_running ON run (source_id) WHERE outcome = 'running';
