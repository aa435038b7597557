-- Records a rule of the source's mapping left out on purpose (mapping.skip, unlisted: skip): counted per run,
-- never stored as rejects. Existing runs skipped nothing.
ALTER TABLE run ADD COLUMN skipped int NOT NULL DEFAULT 0;

COMMENT ON COLUMN run.outcome IS
    'running, succeeded, unchanged, partial, empty (the source answered with no records), failed-transient, failed-permanent, failed-unexpected, skipped (another run held the lock), cancelled, abandoned';
