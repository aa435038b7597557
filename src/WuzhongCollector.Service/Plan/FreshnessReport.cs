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
    public static async Task<FreshnessReport> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, SourceRegistry registry,
        DateTimeOffset now, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        // Now: a loose index scan over (source_id, indicator_code, period_end), one probe per pair, so the cost
        // follows the number of sources and indicators, not of stored figures. As of a past time: a plain scan.
        var sql = asOf is null
            ? """
              WITH RECURSIVE pairs AS (
                  (SELECT source_id, indicator_code FROM observation_latest ORDER BY source_id, indicator_code LIMIT 1)
                  UNION ALL
                  SELECT next.source_id, next.indicator_code
                  FROM pairs p, LATERAL (
                      SELECT o.source_id, o.indicator_code FROM observation_latest o
                      WHERE (o.source_id, o.indicator_code) > (p.source_id, p.indicator_code)
                      ORDER BY o.source_id, o.indicator_code LIMIT 1) next
              )
              SELECT p.source_id AS Source, p.indicator_code AS Indicator,
                     (SELECT max(o.period_end) FROM observation_latest o WHERE o.source_id = p.source_id AND o.indicator_code = p.indicator_code) AS LatestEnd
              FROM pairs p
              """
            : "SELECT source_id AS Source, indicator_code AS Indicator, max(period_end) AS LatestEnd FROM observation WHERE recorded_at <= @asOf GROUP BY 1, 2";
        var delivered = (await connection.QueryAsync<(string Source, string Indicator, DateTime LatestEnd)>(
            new CommandDefinition(sql, new { asOf }, transaction, cancellationToken: cancellationToken))).ToList();
        return Evaluate(registry, delivered.Select(d => (d.Source, d.Indicator, DateOnly.FromDateTime(d.LatestEnd))).ToList(), DateInChina(asOf ?? now));
    }

    public static FreshnessReport Evaluate(SourceRegistry registry, IReadOnlyList<(string Source, string Indicator, DateOnly LatestEnd)> delivered, DateOnly today)
    {
        var sources = registry.Sources.Values.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s =>
        {
            var latest = delivered.Where(d => d.Source == s.Id).Select(d => (DateOnly?)d.LatestEnd).Max();
            return new SourceFreshness(s.Id, s.Name, s.Freshness, s.Freshness is null ? null : FreshnessCheck.Evaluate(s.Freshness, latest, today));
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
            var state = FreshnessCheck.Evaluate(feeding.Select(s => s.Freshness).OfType<FreshnessRule>(), latest, today);
            indicators[indicator.Code] = new IndicatorFreshness(indicator.Code, feeding.Select(s => s.Id).ToList(), state);
        }

        return new FreshnessReport(today, sources, indicators);
    }

    /// <summary>A source is expected to feed an indicator its mapping names, even before it ever delivered one.</summary>
    private static bool Mentions(SourceDefinition source, string code) => source.Mapping.IndicatorCodes.Contains(code, StringComparer.Ordinal);
}
