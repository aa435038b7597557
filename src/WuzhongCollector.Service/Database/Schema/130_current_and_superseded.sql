-- Issue 13: each figure is written once. observation_latest holds the latest vintage of every key and source
-- (a first load writes only there); observation_superseded receives a vintage when a newer one replaces it.
-- The view "observation" is their union: every vintage, as the table of that name held before, so readers
-- (asOf, revisions, analysts' SQL) keep their meaning.

CREATE TABLE observation_superseded (
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
    -- When the next vintage of the same key and source was recorded.
    superseded_at   timestamptz NOT NULL,
    PRIMARY KEY (indicator_code, area_code, period, source_id, vintage)
);

-- Every vintage that has a later one moves over; the last vintage of each key is the row observation_latest holds.
INSERT INTO observation_superseded
SELECT indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location, superseded_at
FROM (
    SELECT o.*, lead(o.recorded_at) OVER (PARTITION BY indicator_code, area_code, period, source_id ORDER BY vintage) AS superseded_at
    FROM observation o
) v
WHERE superseded_at IS NOT NULL;

-- Nothing may be lost: the old history must be exactly the superseded rows plus the latest rows. If not, the
-- whole upgrade rolls back and the service does not start.
DO $$
DECLARE
    history bigint := (SELECT count(*) FROM observation);
    superseded bigint := (SELECT count(*) FROM observation_superseded);
    missing bigint := (
        SELECT count(*) FROM observation_latest l
        WHERE NOT EXISTS (
            SELECT 1 FROM observation o
            WHERE (o.indicator_code, o.area_code, o.period, o.source_id, o.vintage, o.value, o.status, o.run_id, o.recorded_at)
                = (l.indicator_code, l.area_code, l.period, l.source_id, l.vintage, l.value, l.status, l.run_id, l.recorded_at)));
    latest bigint := (SELECT count(*) FROM observation_latest);
BEGIN
    IF history <> superseded + latest OR missing > 0 THEN
        RAISE EXCEPTION 'observation history (% rows) does not match % superseded + % latest rows (% latest rows not in history); not upgrading',
            history, superseded, latest, missing;
    END IF;
END $$;

DROP VIEW analyst.observation_history;
DROP TABLE observation;

CREATE VIEW observation AS
SELECT indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location
FROM observation_latest
UNION ALL
SELECT indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location
FROM observation_superseded;
COMMENT ON VIEW observation IS 'Every vintage of every figure: observation_latest (the latest per key and source) and observation_superseded (the ones replaced since).';

CREATE VIEW analyst.observation_history AS
SELECT o.indicator_code, i.name_zh, o.area_code, o.period, o.period_type, o.period_end, o.value, i.unit, o.status,
       o.source_id, o.vintage, o.run_id, r.origin AS run_origin, o.recorded_at, o.superseded_at, o.is_current,
       o.payload_sha256, o.location
FROM (
    SELECT l.indicator_code, l.area_code, l.period, l.period_type, l.period_end, l.value, l.status, l.source_id, l.vintage, l.run_id,
           l.recorded_at, NULL::timestamptz AS superseded_at, (c.source_id IS NOT NULL) AS is_current, l.payload_sha256, l.location
    FROM public.observation_latest l
    LEFT JOIN public.current_observation c
           ON c.indicator_code = l.indicator_code AND c.area_code = l.area_code AND c.period = l.period
          AND c.source_id = l.source_id AND c.vintage = l.vintage
    UNION ALL
    SELECT s.indicator_code, s.area_code, s.period, s.period_type, s.period_end, s.value, s.status, s.source_id, s.vintage, s.run_id,
           s.recorded_at, s.superseded_at, false, s.payload_sha256, s.location
    FROM public.observation_superseded s
) o
JOIN public.indicator i ON i.code = o.indicator_code
LEFT JOIN public.run r ON r.id = o.run_id;
COMMENT ON VIEW analyst.observation_history IS 'Every vintage of every figure, with the run and payload it came from. A figure as of time T: recorded_at <= T and (superseded_at IS NULL OR superseded_at > T), then the priority rule across sources.';

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'wuzhong_analyst') THEN
        GRANT SELECT ON analyst.observation_history TO wuzhong_analyst;
    END IF;
END $$;

-- The latest period each source delivered per indicator, for freshness: kept by the writer in the run's
-- transaction. It replaces an index on observation_latest that cost a first load a fifth of its time.
CREATE TABLE source_indicator_latest (
    source_id       text NOT NULL,
    indicator_code  text NOT NULL,
    period_end      date NOT NULL,
    PRIMARY KEY (source_id, indicator_code)
);
INSERT INTO source_indicator_latest (source_id, indicator_code, period_end)
SELECT source_id, indicator_code, max(period_end) FROM observation_latest GROUP BY source_id, indicator_code;
DROP INDEX observation_latest_source;
