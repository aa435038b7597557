using Dapper;
using Npgsql;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Freshness;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Plan;

public sealed record SourceFreshness(string Id, string Name, FreshnessRule? Rule, FreshnessState? State);

public sealed record IndicatorFreshness(string Code, IReadOnlyList<string> Sources, FreshnessState? State);

/// <summary>Which sources and indicators are overdue on <see cref="Today"/> (China time). Sources without a declared rule are never stale.</summary>
public sealed record FreshnessReport(DateOnly Today, IReadOnlyList<SourceFreshness> Sources, IReadOnlyDictionary<string, IndicatorFreshness> Indicators)
{
    private static readonly TimeZoneInfo China = TimeZones.TryResolve("Asia/Shanghai", out var zone) ? zone! : TimeZoneInfo.Utc;

    public int StaleIndicators => Indicators.Values.Count(i => i.State?.Stale == true);

    public static DateOnly DateInChina(DateTimeOffset time) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, China).DateTime);

    /// <summary>
    /// Reads the latest period each source delivered for each indicator (as of <paramref name="asOf"/>, or now)
    /// and judges sources and indicators against the sources' declared cadence and publication lag.
    /// </summary>
    public static async Task<FreshnessReport> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, SourceRegistry registry, Horizon horizon,
        DateTimeOffset now, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        // Now: the writer keeps the latest period per source and indicator, so the cost follows the number of
        // sources and indicators, not of stored figures. As of a past time: a plain scan.
        var sql = asOf is null
            ? "SELECT source_id AS Source, indicator_code AS Indicator, period_end AS LatestEnd FROM source_indicator_latest"
            : "SELECT source_id AS Source, indicator_code AS Indicator, max(period_end) AS LatestEnd FROM observation WHERE recorded_at <= @asOf GROUP BY 1, 2";
        var delivered = (await connection.QueryAsync<(string Source, string Indicator, DateTime LatestEnd)>(
            new CommandDefinition(sql, new { asOf = asOf?.ToUniversalTime() }, transaction, cancellationToken: cancellationToken))).ToList();
        return Evaluate(registry, horizon, delivered.Select(d => (d.Source, d.Indicator, DateOnly.FromDateTime(d.LatestEnd))).ToList(), DateInChina(asOf ?? now));
    }

    /// <summary>
    /// How far figures are expected: an indicator's until the end of its last tracked year (the plan's end unless the
    /// catalogue's trackedUntil says later), a source's until the latest of the indicators it feeds. Indicators a
    /// department reports are also expected at the reporting cadence and due date.
    /// </summary>
    public sealed record Horizon(int PlanEndYear, IReadOnlyDictionary<string, FreshnessRule> ReportRules);

    public static FreshnessReport Evaluate(SourceRegistry registry, Horizon horizon, IReadOnlyList<(string Source, string Indicator, DateOnly LatestEnd)> delivered, DateOnly today)
    {
        var catalogue = registry.Catalogue;
        DateOnly LastDay(string code) => new(catalogue.Find(code)?.LastTrackedYear(horizon.PlanEndYear) ?? horizon.PlanEndYear, 12, 31);
        var sources = registry.Sources.Values.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s =>
        {
            var latest = delivered.Where(d => d.Source == s.Id).Select(d => (DateOnly?)d.LatestEnd).Max();
            var fed = delivered.Where(d => d.Source == s.Id).Select(d => d.Indicator).Concat(s.Mapping.IndicatorCodes).Distinct(StringComparer.Ordinal).ToList();
            var lastDay = fed.Count == 0 ? new DateOnly(horizon.PlanEndYear, 12, 31) : fed.Max(LastDay);
            return new SourceFreshness(s.Id, s.Name, s.Freshness, s.Freshness is null ? null : FreshnessCheck.Evaluate(s.Freshness, latest, today, lastDay));
        }).ToList();

        var indicators = new Dictionary<string, IndicatorFreshness>(StringComparer.Ordinal);
        foreach (var indicator in registry.Catalogue.Indicators)
        {
            var code = indicator.Kind == IndicatorKind.Derived ? indicator.DerivedFrom! : indicator.Code;
            var feeding = registry.Sources.Values
                .Where(s => delivered.Any(d => d.Source == s.Id && d.Indicator == code) || Mentions(s, code))
                .OrderBy(s => s.Id, StringComparer.Ordinal)
                .ToList();
            var latest = delivered.Where(d => d.Indicator == code).Select(d => (DateOnly?)d.LatestEnd).Max();
            var rules = feeding.Select(s => s.Freshness).OfType<FreshnessRule>().ToList();
            var names = feeding.Select(s => s.Id).ToList();
            if (horizon.ReportRules.TryGetValue(code, out var reported))
            {
                rules.Add(reported);
                names.Add("report");
            }

            var state = FreshnessCheck.Evaluate(rules, latest, today, LastDay(code));
            indicators[indicator.Code] = new IndicatorFreshness(indicator.Code, names, state);
        }

        return new FreshnessReport(today, sources, indicators);
    }

    /// <summary>A source is expected to feed an indicator its mapping names, even before it ever delivered one.</summary>
    private static bool Mentions(SourceDefinition source, string code) => source.Mapping.IndicatorCodes.Contains(code, StringComparer.Ordinal);
}
