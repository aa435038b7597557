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

    /// <summary>A single key of the stage probed against this source's stored keys: does this look like a first load?</summary>
    public const string FirstKeyExists = """
        SELECT EXISTS (
            SELECT 1 FROM observation_latest l
            JOIN (SELECT indicator_code, area_code, period FROM stage_observation WHERE kind = 'obs' LIMIT 1) s USING (indicator_code, area_code, period)
            WHERE l.source_id = @sourceId)
        """;

    /// <summary>
    /// A first load: every key is new, so every row is vintage 1 and the merge is a plain insert, in key
    /// order so the indexes grow at their right edge. A key stated twice, or already stored after all,
    /// fails it with a unique violation, and the writer takes the merge instead.
    /// </summary>
    public const string InsertNew = $"""
        WITH inserted AS (
            INSERT INTO observation_latest ({Columns})
            SELECT indicator_code, area_code, period, @sourceId, 1, period_type, period_end, value, status, @runId, @recordedAt, @payloadSha256, location
            FROM stage_observation WHERE kind = 'obs'
            ORDER BY indicator_code, area_code, period
            RETURNING *
        )
        INSERT INTO observation ({Columns})
        SELECT {Columns} FROM inserted
        """;

    public const string HasDuplicateKeys = """
        SELECT EXISTS (
            SELECT FROM stage_observation WHERE kind = 'obs'
            GROUP BY indicator_code, area_code, period HAVING count(*) > 1)
        """;

    /// <summary>
    /// Adds a vintage where value or status changed, and to keys never seen from this source. Keys whose
    /// value and status are stored already are filtered out first, so a revision load does not even lock
    /// the rows it leaves alone. The history row is the one the merge returns, so observation and
    /// observation_latest cannot disagree. Without <paramref name="deduplicate"/> the stage must hold
    /// each key once.
    /// </summary>
    public static string Merge(bool deduplicate) => $"""
        WITH incoming AS (
            {(deduplicate
                ? "SELECT DISTINCT ON (indicator_code, area_code, period) * FROM stage_observation WHERE kind = 'obs' ORDER BY indicator_code, area_code, period, ordinal"
                : "SELECT * FROM stage_observation WHERE kind = 'obs'")}
        ), changed AS (
            INSERT INTO observation_latest AS l ({Columns})
            SELECT i.indicator_code, i.area_code, i.period, @sourceId, 1, i.period_type, i.period_end, i.value, i.status, @runId, @recordedAt, @payloadSha256, i.location
            FROM incoming i
            WHERE NOT EXISTS (
                SELECT 1 FROM observation_latest x
                WHERE x.indicator_code = i.indicator_code AND x.area_code = i.area_code AND x.period = i.period AND x.source_id = @sourceId
                  AND x.value = i.value AND x.status = i.status)
            ON CONFLICT (indicator_code, area_code, period, source_id) DO UPDATE
                SET vintage = l.vintage + 1, value = excluded.value, status = excluded.status, run_id = excluded.run_id,
                    recorded_at = excluded.recorded_at, payload_sha256 = excluded.payload_sha256, location = excluded.location,
                    period_type = excluded.period_type, period_end = excluded.period_end
                WHERE l.value IS DISTINCT FROM excluded.value OR l.status IS DISTINCT FROM excluded.status
            RETURNING l.*
        )
        INSERT INTO observation ({Columns})
        SELECT {Columns} FROM changed
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

    public const string CountKeys =
        "SELECT count(DISTINCT (indicator_code, area_code, period))::int FROM stage_observation WHERE kind = 'obs'";
}
