namespace WuzhongCollector.Service.Collection;

/// <summary>The statements of <see cref="ObservationWriter"/>, in the order it runs them.</summary>
internal static class ObservationWriterSql
{
    public const string CreateStage = """
        CREATE TEMP TABLE stage_observation (
            ordinal bigint, kind text, indicator_code text, area_code text, period text, period_type text,
            period_end date, value numeric, status text, location text, field text, raw_value text, reason text
        ) ON COMMIT DROP
        """;

    public const string CopyStage =
        "COPY stage_observation (ordinal, kind, indicator_code, area_code, period, period_type, period_end, value, status, location, field, raw_value, reason) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Has this source stored figures before? Every run that stores any records the source's latest periods. The
    /// answer only picks the faster path: a first load that meets a stored key gives way to the stage after all.
    /// </summary>
    public const string SourceHasNoFigures = "SELECT NOT EXISTS (SELECT FROM source_indicator_latest WHERE source_id = @sourceId)";

    public const string CopyLatest = $"COPY observation_latest ({Columns}) FROM STDIN (FORMAT BINARY)";

    public const string CopyRejects = "COPY reject (run_id, source_id, kind, location, field, raw_value, reason) FROM STDIN (FORMAT BINARY)";

    /// <summary>A single key of the stage probed against this source's stored keys: does this look like a first load?</summary>
    public const string FirstKeyExists = """
        SELECT EXISTS (
            SELECT 1 FROM observation_latest l
            JOIN (SELECT indicator_code, area_code, period FROM stage_observation WHERE kind = 'obs' LIMIT 1) s USING (indicator_code, area_code, period)
            WHERE l.source_id = @sourceId)
        """;

    /// <summary>
    /// A first load: every key is new, so every row is vintage 1 and goes to observation_latest alone, in key
    /// order so the indexes grow at their right edge. A key stated twice, or already stored after all, fails
    /// it with a unique violation, and the writer takes the merge instead.
    /// </summary>
    public const string InsertNew = $"""
        INSERT INTO observation_latest ({Columns})
        SELECT indicator_code, area_code, period, @sourceId, 1, period_type, period_end, value, status, @runId, @recordedAt, @payloadSha256, location
        FROM stage_observation WHERE kind = 'obs'
        ORDER BY indicator_code, area_code, period
        """;

    public const string HasDuplicateKeys = """
        SELECT EXISTS (
            SELECT FROM stage_observation WHERE kind = 'obs'
            GROUP BY indicator_code, area_code, period HAVING count(*) > 1)
        """;

    /// <summary>
    /// Adds a vintage where value or status changed, and to keys never seen from this source; returns how many.
    /// A changed key's stored row moves to observation_superseded and observation_latest takes the new vintage
    /// in place; rows whose value and status are stored already are not written, not even locked. All parts
    /// read the snapshot from before the statement, so the moved row is the one replaced. Without
    /// <paramref name="deduplicate"/> the stage must hold each key once.
    /// </summary>
    public static string Merge(bool deduplicate) => $"""
        WITH incoming AS (
            {(deduplicate
                ? "SELECT DISTINCT ON (indicator_code, area_code, period) * FROM stage_observation WHERE kind = 'obs' ORDER BY indicator_code, area_code, period, ordinal"
                : "SELECT * FROM stage_observation WHERE kind = 'obs'")}
        ), replaced AS MATERIALIZED (
            SELECT l.*, i.period_type AS new_period_type, i.period_end AS new_period_end, i.value AS new_value, i.status AS new_status, i.location AS new_location
            FROM incoming i
            JOIN observation_latest l ON l.indicator_code = i.indicator_code AND l.area_code = i.area_code AND l.period = i.period AND l.source_id = @sourceId
            WHERE l.value <> i.value OR l.status <> i.status
        ), superseded AS (
            INSERT INTO observation_superseded ({Columns}, superseded_at)
            SELECT {Columns}, @recordedAt FROM replaced
        ), updated AS (
            UPDATE observation_latest l
            SET vintage = r.vintage + 1, period_type = r.new_period_type, period_end = r.new_period_end, value = r.new_value, status = r.new_status,
                run_id = @runId, recorded_at = @recordedAt, payload_sha256 = @payloadSha256, location = r.new_location
            FROM replaced r
            WHERE l.indicator_code = r.indicator_code AND l.area_code = r.area_code AND l.period = r.period AND l.source_id = @sourceId
            RETURNING 1
        ), inserted AS (
            INSERT INTO observation_latest ({Columns})
            SELECT i.indicator_code, i.area_code, i.period, @sourceId, 1, i.period_type, i.period_end, i.value, i.status, @runId, @recordedAt, @payloadSha256, i.location
            FROM incoming i
            WHERE NOT EXISTS (
                SELECT 1 FROM observation_latest x
                WHERE x.indicator_code = i.indicator_code AND x.area_code = i.area_code AND x.period = i.period AND x.source_id = @sourceId)
            RETURNING 1
        )
        SELECT ((SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted))::int
        """;

    private const string Columns =
        "indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location";

    /// <summary>The rejects the mapper made, in file order, counted by kind.</summary>
    public const string InsertRejects = """
        WITH inserted AS (
            INSERT INTO reject (run_id, source_id, kind, location, field, raw_value, reason)
            SELECT @runId, @sourceId, kind, location, field, raw_value, reason
            FROM stage_observation WHERE kind <> 'obs'
            ORDER BY ordinal
            RETURNING kind
        )
        SELECT kind, count(*)::int FROM inserted GROUP BY kind
        """;

    /// <summary>
    /// The general path: keys stated twice with different values or statuses leave the stage and become
    /// rejects naming the rows involved; identical repeats stay and collapse in the merge.
    /// </summary>
    public const string InsertRejectsAndConflicts = """
        WITH conflicts AS (
            SELECT indicator_code, area_code, period
            FROM stage_observation WHERE kind = 'obs'
            GROUP BY indicator_code, area_code, period
            HAVING count(DISTINCT (value, status)) > 1
        ), removed AS (
            DELETE FROM stage_observation s USING conflicts c
            WHERE s.kind = 'obs' AND s.indicator_code = c.indicator_code AND s.area_code = c.area_code AND s.period = c.period
            RETURNING s.*
        ), numbered AS (
            SELECT *, row_number() OVER (PARTITION BY indicator_code, area_code, period ORDER BY ordinal) AS nth,
                   count(*) OVER (PARTITION BY indicator_code, area_code, period) AS total
            FROM removed
        ), conflict_rejects AS (
            -- Each reject names the first three rows and counts the rest, as DuplicateKeys does for preview: a
            -- list of every row in every reject grows with the square of the repeats.
            SELECT 'error' AS kind, location, 'value' AS field, value::text AS raw_value,
                   'conflicting duplicate for ' || indicator_code || ' ' || area_code || ' ' || period || ': '
                   || string_agg(value::text || ' at ' || location, ' vs ') FILTER (WHERE nth <= 3) OVER (
                          PARTITION BY indicator_code, area_code, period ORDER BY ordinal
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                   || CASE WHEN total > 3 THEN ' and ' || (total - 3) || ' more' ELSE '' END AS reason,
                   ordinal
            FROM numbered
        ), inserted AS (
            INSERT INTO reject (run_id, source_id, kind, location, field, raw_value, reason)
            SELECT @runId, @sourceId, kind, location, field, raw_value, reason
            FROM (SELECT kind, location, field, raw_value, reason, ordinal FROM stage_observation WHERE kind <> 'obs'
                  UNION ALL SELECT kind, location, field, raw_value, reason, ordinal FROM conflict_rejects) r
            ORDER BY ordinal
            RETURNING kind
        )
        SELECT kind, count(*)::int FROM inserted GROUP BY kind
        """;

    /// <summary>
    /// Keeps the latest period this source delivered per indicator, for freshness, from the ends the writer counted
    /// while streaming (<c>@codes</c>, <c>@ends</c>). Every streamed figure is stored by now, as a new vintage or as one
    /// stored before, and nothing stored is ever deleted, so the latest period can only move forward.
    /// </summary>
    public const string UpdateLatestPeriods = $"""
        INSERT INTO source_indicator_latest AS l (source_id, indicator_code, period_end)
        SELECT @sourceId, code, period_end FROM unnest(@codes::text[], @ends::date[]) AS counted (code, period_end)
        {KeepLatestPeriod}
        """;

    /// <summary>As <see cref="UpdateLatestPeriods"/>, from what is left in the stage once conflicting repeats left it.</summary>
    public const string UpdateLatestPeriodsFromStage = $"""
        INSERT INTO source_indicator_latest AS l (source_id, indicator_code, period_end)
        SELECT @sourceId, indicator_code, max(period_end) FROM stage_observation WHERE kind = 'obs' GROUP BY indicator_code
        {KeepLatestPeriod}
        """;

    private const string KeepLatestPeriod =
        "ON CONFLICT (source_id, indicator_code) DO UPDATE SET period_end = excluded.period_end WHERE excluded.period_end > l.period_end";

    /// <summary>The indicators this run stated figures for in <c>@area</c>: the ones whose progress it may have changed.</summary>
    public const string IndicatorsInArea = "SELECT DISTINCT indicator_code FROM stage_observation WHERE kind = 'obs' AND area_code = @area";

    public const string CountKeys =
        "SELECT count(DISTINCT (indicator_code, area_code, period))::int FROM stage_observation WHERE kind = 'obs'";
}
