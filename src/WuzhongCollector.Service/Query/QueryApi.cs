using System.ComponentModel.DataAnnotations;
using Dapper;
using Npgsql;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Service.Caching;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Query;

/// <summary>The analysts' read API: catalogue, series (JSON or CSV, as of any date), sources and runs.</summary>
public static class QueryApi
{
    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Query");
        api.MapGet("/indicators", ListIndicatorsAsync).WithSummary("The plan's indicators with targets and latest value");
        api.MapGet("/indicators/{code}", GetIndicatorAsync).WithSummary("One indicator with targets and latest value");
        api.MapGet("/series/{code}", GetSeriesAsync).WithSummary("An indicator's series; asOf gives the figures as they stood then; format=csv for CSV");
        api.MapGet("/sources", ListSourcesAsync).WithSummary("Each source with its schedule, last run and outcome");
        api.MapGet("/runs", ListRunsAsync).WithSummary("Recent runs, newest first");
        api.MapGet("/runs/{id:long}/rejects", ListRejectsAsync).WithSummary("What a run rejected, with location and reason");
        return app;
    }

    private const string IndicatorSql = """
        SELECT i.code, i.name_zh, i.name_en, i.unit, i.kind, i.section, i.departments, i.plan_text, i.derived_from, i.formula, i.note,
               (SELECT coalesce(json_agg(json_build_object('year', t.year, 'comparator', t.comparator, 'value', t.value) ORDER BY t.year), '[]')
                FROM indicator_target t WHERE t.indicator_code = i.code)::text AS targets,
               l.period AS latest_period, l.value AS latest_value, l.status AS latest_status, l.source_id AS latest_source
        FROM indicator i
        LEFT JOIN LATERAL (
            SELECT period, value, status, source_id FROM current_observation c
            WHERE c.indicator_code = i.code AND c.area_code = @area
            ORDER BY period_end DESC, period_type = 'year' DESC LIMIT 1) l ON true
        """;

    private static Task<IResult> ListIndicatorsAsync(HttpContext http, [FromKeyedServices(ReaderLimits.DataSource)] NpgsqlDataSource db, AnswerCache cache, CancellationToken cancellationToken, string area = "320506") =>
        cache.AnswerAsync(http, AnswerCache.Key("indicators", area), null, AnswerFormat.Json, async (body, ct) =>
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var rows = await connection.QueryAsync<IndicatorRow>(new CommandDefinition(IndicatorSql + " ORDER BY i.code", new { area }, cancellationToken: ct));
            await cache.WriteJsonAsync(body, rows.Select(IndicatorResponse.From), ct);
            return null;
        }, cancellationToken);

    private static Task<IResult> GetIndicatorAsync(string code, HttpContext http, [FromKeyedServices(ReaderLimits.DataSource)] NpgsqlDataSource db, AnswerCache cache, CancellationToken cancellationToken, string area = "320506") =>
        cache.AnswerAsync(http, AnswerCache.Key("indicator", code, area), null, AnswerFormat.Json, async (body, ct) =>
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var row = await connection.QuerySingleOrDefaultAsync<IndicatorRow>(new CommandDefinition(IndicatorSql + " WHERE i.code = @code", new { area, code }, cancellationToken: ct));
            if (row is null)
            {
                return Results.Problem($"no indicator '{code}'", statusCode: 404);
            }

            await cache.WriteJsonAsync(body, IndicatorResponse.From(row), ct);
            return null;
        }, cancellationToken);

    /// <summary>
    /// The series as of a date: each source's latest vintage recorded by then, then the priority rule across
    /// sources. Public so the benchmark can time the same query without HTTP.
    /// </summary>
    public const string SeriesSql = """
        SELECT indicator_code AS indicator, area_code AS area, period, period_type AS "periodType", value, @unit AS unit, status,
               source_id AS source, vintage, run_id AS "runId", recorded_at AS "recordedAt", location
        FROM (
            SELECT DISTINCT ON (area_code, period) *
            FROM (
                SELECT DISTINCT ON (area_code, period, source_id) *
                FROM observation
                WHERE indicator_code = @code AND (@area::text IS NULL OR area_code = @area)
                  AND (@asOf::timestamptz IS NULL OR recorded_at <= @asOf)
                  AND (@fromDate::date IS NULL OR period_end >= @fromDate) AND (@toDate::date IS NULL OR period_end <= @toDate)
                ORDER BY area_code, period, source_id, vintage DESC
            ) per_source
            ORDER BY area_code, period,
                     CASE status WHEN 'normal' THEN 0 WHEN 'provisional' THEN 1 WHEN 'estimated' THEN 2 ELSE 3 END, recorded_at DESC
        ) s
        ORDER BY area_code, period_end, period_type, period
        """;

    private static async Task<IResult> GetSeriesAsync(string code, HttpContext http, [FromKeyedServices(ReaderLimits.DataSource)] NpgsqlDataSource db, AnswerCache cache, CancellationToken cancellationToken,
        string? area = null, string? from = null, string? to = null, AsOf? asOf = null, [AllowedValues("json", "csv")] string? format = null)
    {
        DateOnly? fromDate = null, toDate = null;
        if (from is not null)
        {
            if (!PeriodParser.TryParse(from, out var p))
            {
                return ApiErrors.BadParameter("from", $"'{from}' is not a period");
            }

            fromDate = p.Start;
        }

        if (to is not null)
        {
            if (!PeriodParser.TryParse(to, out var p))
            {
                return ApiErrors.BadParameter("to", $"'{to}' is not a period");
            }

            toDate = p.End;
        }

        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        var key = AnswerCache.Key("series", code, area, fromDate, toDate, asOf?.Value, csv);
        return await cache.AnswerAsync(http, key, asOf?.Value, csv ? AnswerFormat.Csv($"{code}.csv") : AnswerFormat.Json, async (body, ct) =>
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var unit = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT unit FROM indicator WHERE code = @code", new { code }, cancellationToken: ct));
            if (unit is null)
            {
                return Results.Problem($"no indicator '{code}'", statusCode: 404);
            }

            // Npgsql writes timestamptz from UTC offsets only; asOf=…+08:00 is the same instant.
            var args = new { code, area, asOf = asOf?.Value?.ToUniversalTime(), fromDate, toDate, unit };
            if (csv)
            {
                await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(SeriesSql, args, cancellationToken: ct));
                await CsvAnswer.WriteAsync(body, await CsvAnswer.ReadAsync(reader, ct), ct);
                return null;
            }

            var rows = await connection.QueryAsync<SeriesPoint>(new CommandDefinition(SeriesSql, args, cancellationToken: ct));
            await cache.WriteJsonAsync(body, new { indicator = code, unit, area, asOf = asOf?.Value, points = rows }, ct);
            return null;
        }, cancellationToken);
    }

    private static async Task<IResult> ListSourcesAsync([FromKeyedServices(ReaderLimits.DataSource)] NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition("""
            SELECT s.id, s.name, s.kind, s.cron, s.time_zone AS "timeZone", s.paused, s.paused_reason AS "pausedReason", s.paused_at AS "pausedAt", s.paused_by AS "pausedBy", s.removed_at AS "removedAt",
                   ARRAY(SELECT e.file || ':' || e.line || ': ' || e.field || ': ' || e.message FROM source_config_error e WHERE e.source_id = s.id ORDER BY e.line) AS "configErrors",
                   st.last_success_at AS "lastSuccessAt",
                   r.id AS "lastRunId", r.outcome AS "lastOutcome", r.started_at AS "lastRunAt", r.error AS "lastError",
                   r.stored AS "lastStored", r.rejected AS "lastRejected", r.skipped AS "lastSkipped"
            FROM source s
            LEFT JOIN source_state st ON st.source_id = s.id
            LEFT JOIN LATERAL (SELECT * FROM run WHERE run.source_id = s.id ORDER BY started_at DESC, id DESC LIMIT 1) r ON true
            ORDER BY s.id
            """, cancellationToken: cancellationToken));
        return Results.Ok(rows);
    }

    private static async Task<IResult> ListRunsAsync([FromKeyedServices(ReaderLimits.DataSource)] NpgsqlDataSource db, CancellationToken cancellationToken, string? source = null, [Range(1, 1000)] int limit = 100)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition("""
            SELECT id, source_id AS source, job_id AS "jobId", attempt, started_at AS "startedAt", finished_at AS "finishedAt", outcome,
                   failure_class AS "failureClass", error, calls, retries, steps, origin, payload_sha256 AS "payloadSha256",
                   rows_read AS "rowsRead", stored, unchanged, rejected, missing, skipped
            FROM run WHERE (@source::text IS NULL OR source_id = @source)
            ORDER BY started_at DESC, id DESC LIMIT @limit
            """, new { source, limit }, cancellationToken: cancellationToken));
        return Results.Ok(rows);
    }

    private static async Task<IResult> ListRejectsAsync(long id, [FromKeyedServices(ReaderLimits.DataSource)] NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync(new CommandDefinition(
            "SELECT kind, location, field, raw_value AS \"rawValue\", reason FROM reject WHERE run_id = @id ORDER BY id LIMIT 10000",
            new { id }, cancellationToken: cancellationToken))).AsList();
        // No rejects is an answer only for a run that exists: a mistyped or purged id must not look like a clean run.
        if (rows.Count == 0 && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM run WHERE id = @id)", new { id }, cancellationToken: cancellationToken)))
        {
            return Results.Problem($"no run {id}", statusCode: StatusCodes.Status404NotFound);
        }

        return Results.Ok(rows);
    }
}
