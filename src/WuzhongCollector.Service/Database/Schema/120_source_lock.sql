-- The one-run-per-source lock (issue 12). It was an advisory lock on hashtext('source:<id>'), and any role may take
-- advisory locks: the analysts' read-only role could take a source's key and silently stop the source. A run now
-- holds a row lock on its source's row here, which needs UPDATE on this table: only the service's own role has it.
CREATE TABLE source_lock (
    source_id text PRIMARY KEY
);
REVOKE ALL ON source_lock FROM PUBLIC;
COMMENT ON TABLE source_lock IS 'One row per source; a run holds its row FOR UPDATE for as long as it runs. Not for analysts.';
