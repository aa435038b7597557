using Dapper;
using Npgsql;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Plan;

/// <summary>Every vintage of a series, with source and run, and which one the priority rule makes current.</summary>
public static class RevisionsApi
{
    public const string PriorityRule = "per source its latest vintage; across sources normal (公报) over provisional (快报) over estimated (预计), then the latest recorded";

    public static IEndpointRouteBuilder MapRevisionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/series/{code}/revisions", ListAsync).WithTags("Plan monitoring")
            .WithSummary("Each vintage of each period with its source and run, marking the current one; asOf shows the vintages known then");
        return app;
    }

    public sealed class VintageRow
    {
        public string Period { get; init; } = "";
        public string Source { get; init; } = "";
        public string? SourceName { get; init; }
        public int Vintage { get; init; }
        public decimal Value { get; init; }
        public string Status { get; init; } = "";
        public long RunId { get; init; }
        public string? RunOrigin { get; init; }
        public DateTime RunStartedAt { get; init; }
        public DateTime RecordedAt { get; init; }
        public DateTime? SupersededAt { get; init; }
        public bool IsCurrent { get; init; }
        public string? PayloadSha256 { get; init; }
        public string? Location { get; init; }
    }

    /// <summary>
    /// Every vintage known by <c>@asOf</c>, with which one is current: the same rule as /api/series and the
    /// current_observation view. Public so the schema upgrade test can compare answers before and after.
    /// </summary>
    public const string VintagesSql = """
        WITH known AS (
            SELECT o.* FROM observation o
            WHERE o.indicator_code = @code AND o.area_code = @area AND (@period::text IS NULL OR o.period = @period)
              AND (@asOf::timestamptz IS NULL OR o.recorded_at <= @asOf)
        ), current AS (
            SELECT DISTINCT ON (period) period, source_id, vintage
            FROM (SELECT DISTINCT ON (period, source_id) * FROM known ORDER BY period, source_id, vintage DESC) per_source
            ORDER BY period, CASE status WHEN 'normal' THEN 0 WHEN 'provisional' THEN 1 WHEN 'estimated' THEN 2 ELSE 3 END, recorded_at DESC
        )
        SELECT k.period, k.source_id AS source, s.name AS source_name, k.vintage, k.value, k.status, k.run_id,
               r.origin AS run_origin, r.started_at AS run_started_at, k.recorded_at,
               lead(k.recorded_at) OVER (PARTITION BY k.period, k.source_id ORDER BY k.vintage) AS superseded_at,
               (c.period IS NOT NULL) AS is_current, k.payload_sha256, k.location
        FROM known k
        LEFT JOIN source s ON s.id = k.source_id
        LEFT JOIN run r ON r.id = k.run_id
        LEFT JOIN current c ON c.period = k.period AND c.source_id = k.source_id AND c.vintage = k.vintage
        ORDER BY k.period_end, k.period_type, k.period, k.recorded_at, k.source_id, k.vintage
        """;

    private static async Task<IResult> ListAsync(string code, [FromKeyedServices(ReaderLimits.DataSource)] NpgsqlDataSource db, CancellationToken cancellationToken,
        string area = PlanReport.PlanArea, string? period = null, AsOf? asOf = null)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var unit = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT unit FROM indicator WHERE code = @code", new { code }, cancellationToken: cancellationToken));
        if (unit is null)
        {
            return Results.Problem($"no indicator '{code}'", statusCode: 404);
        }

        var rows = await connection.QueryAsync<VintageRow>(new CommandDefinition(VintagesSql, new { code, area, period, asOf = asOf?.Value?.ToUniversalTime() }, cancellationToken: cancellationToken));

        var periods = rows.GroupBy(r => r.Period).Select(g => new
        {
            period = g.Key,
            current = g.Where(r => r.IsCurrent).Select(r => new { r.Source, r.Vintage, r.Value, r.Status }).SingleOrDefault(),
            vintages = g.Select(r => new
            {
                r.Source, r.SourceName, r.Vintage, r.Value, r.Status, r.IsCurrent, r.RunId, r.RunOrigin,
                runStartedAt = Utc(r.RunStartedAt), recordedAt = Utc(r.RecordedAt), supersededAt = r.SupersededAt is { } s ? Utc(s) : (DateTime?)null,
                r.PayloadSha256, r.Location,
            }),
        });
        return Results.Ok(new { indicator = code, unit, area, asOf = asOf?.Value, rule = PriorityRule, periods });
    }

    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);
}
