-- Plan monitoring (issue 6): the progress of every target as last computed, and the analysts' read-only views.

-- Rewritten in the transaction of every collect run that stores figures, and at start, by the same Core rules as
-- /api/progress, so analysts' SQL agrees with the API and the page. The plan's district (320506) only.
CREATE TABLE progress_snapshot (
    indicator_code                text NOT NULL,
    target_year                   int NOT NULL,
    comparator                    text NOT NULL,
    target_value                  numeric NOT NULL,
    status                        text NOT NULL,
    latest_period                 text,
    latest_value                  numeric,
    baseline                      numeric,
    progress                      numeric,
    projection_method             text,
    projected_value               numeric,
    projected_progress            numeric,
    needed_annual_change          numeric,
    needed_annual_growth_percent  numeric,
    reason                        text NOT NULL,
    computed_at                   timestamptz NOT NULL,
    PRIMARY KEY (indicator_code, target_year, comparator)
);

-- Freshness asks for the latest period each source delivered per indicator.
CREATE INDEX observation_latest_source ON observation_latest (source_id, indicator_code, period_end);

CREATE SCHEMA analyst;
COMMENT ON SCHEMA analyst IS 'Read-only views for analysts (role wuzhong_analyst). Tables in public are the service''s own and may change.';

CREATE VIEW analyst.indicators AS
SELECT code, name_zh, name_en, unit, kind, section, departments, plan_text, derived_from, formula, note
FROM public.indicator;
COMMENT ON VIEW analyst.indicators IS 'The plan''s indicators from config/catalogue.yaml. kind: annual-flow, stock, cumulative, percentage or derived (computed, never collected).';

CREATE VIEW analyst.targets AS
SELECT t.indicator_code, i.name_zh, t.year, t.comparator, t.value, i.unit
FROM public.indicator_target t
JOIN public.indicator i ON i.code = t.indicator_code;
COMMENT ON VIEW analyst.targets IS 'Each target of the plan: the indicator must compare (>=, > or <=) to value by the end of year.';

CREATE VIEW analyst.current_observations AS
SELECT c.indicator_code, i.name_zh, c.area_code, c.period, c.period_type, c.period_end, c.value, i.unit, c.status,
       c.source_id, c.vintage, c.run_id, c.recorded_at, c.location
FROM public.current_observation c
JOIN public.indicator i ON i.code = c.indicator_code;
COMMENT ON VIEW analyst.current_observations IS 'The current figure per indicator, area and period: status normal (公报) over provisional (快报) over estimated (预计), then the latest recorded.';
COMMENT ON COLUMN analyst.current_observations.period IS '2023, 2023-Q1, 2023-09, or 2023-01..2023-09 for a year-to-date (累计) figure.';
COMMENT ON COLUMN analyst.current_observations.location IS 'Where the figure was read: file, row and column, or JSON path.';

CREATE VIEW analyst.observation_history AS
SELECT o.indicator_code, i.name_zh, o.area_code, o.period, o.period_type, o.period_end, o.value, i.unit, o.status,
       o.source_id, o.vintage, o.run_id, r.origin AS run_origin, o.recorded_at,
       lead(o.recorded_at) OVER (PARTITION BY o.indicator_code, o.area_code, o.period, o.source_id ORDER BY o.vintage) AS superseded_at,
       (c.source_id IS NOT NULL) AS is_current,
       o.payload_sha256, o.location
FROM public.observation o
JOIN public.indicator i ON i.code = o.indicator_code
LEFT JOIN public.run r ON r.id = o.run_id
LEFT JOIN public.current_observation c
       ON c.indicator_code = o.indicator_code AND c.area_code = o.area_code AND c.period = o.period
      AND c.source_id = o.source_id AND c.vintage = o.vintage;
COMMENT ON VIEW analyst.observation_history IS 'Every vintage of every figure, with the run and payload it came from. A figure as of time T: recorded_at <= T and (superseded_at IS NULL OR superseded_at > T), then the priority rule across sources.';

CREATE VIEW analyst.progress AS
SELECT p.indicator_code, i.name_zh, i.name_en, i.section, i.departments, i.unit,
       p.target_year, p.comparator, p.target_value, p.status, p.latest_period, p.latest_value, p.baseline, p.progress,
       p.projection_method, p.projected_value, p.projected_progress, p.needed_annual_change, p.needed_annual_growth_percent,
       p.reason, p.computed_at
FROM public.progress_snapshot p
JOIN public.indicator i ON i.code = p.indicator_code;
COMMENT ON VIEW analyst.progress IS 'Progress of each target of 吴中区 (320506) as of computed_at: status met, on-track, at-risk, off-track or no-data, by the rule in README.md and the thresholds in config/monitoring.yaml.';
COMMENT ON COLUMN analyst.progress.progress IS 'Share of the way from baseline to target (1 = reached); for <= targets the way goes down.';

-- The read-only role. Roles belong to the whole server: creating one needs CREATEROLE, which the embedded
-- cluster's app role has. On a server where it lacks it, this notice asks the operator (see README).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wuzhong_analyst') THEN
        BEGIN
            CREATE ROLE wuzhong_analyst LOGIN;
            -- Defence in depth: even a grant added by mistake later cannot be used to write.
            ALTER ROLE wuzhong_analyst SET default_transaction_read_only = on;
        EXCEPTION
            -- Another database on the same server created it meanwhile.
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'role wuzhong_analyst not created: this role lacks CREATEROLE; an operator must create it (README, SQL for analysts)';
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'wuzhong_analyst') THEN
        GRANT USAGE ON SCHEMA analyst TO wuzhong_analyst;
        GRANT SELECT ON ALL TABLES IN SCHEMA analyst TO wuzhong_analyst;
        ALTER DEFAULT PRIVILEGES IN SCHEMA analyst GRANT SELECT ON TABLES TO wuzhong_analyst;
    END IF;
END $$;
