using Dapper;
using Npgsql;
using WuzhongCollector.Core.Progress;

namespace WuzhongCollector.Service.Plan;

/// <summary>A current figure as stored: the vintage the priority rule picks for its period, with its origin.</summary>
public sealed class CurrentFigure
{
    public string Indicator { get; init; } = "";
    public string Area { get; init; } = "";
    public string Period { get; init; } = "";
    public string PeriodType { get; init; } = "";
    public DateTime PeriodEnd { get; init; }
    public decimal Value { get; init; }
    public string Status { get; init; } = "";
    public string Source { get; init; } = "";
    public int Vintage { get; init; }
    public long RunId { get; init; }
    public DateTime RecordedAt { get; init; }
    public string? Location { get; init; }

    public SeriesValue ToSeriesValue()
    {
        var end = DateOnly.FromDateTime(PeriodEnd);
        var period = PeriodType switch
        {
            "year" => Core.Normalisation.Period.OfYear(end.Year),
            "quarter" => Core.Normalisation.Period.OfQuarter(end.Year, end.Month / 3),
            "month" => Core.Normalisation.Period.OfMonth(end.Year, end.Month),
            _ => Core.Normalisation.Period.YearToDate(end.Year, end.Month),
        };
        return new SeriesValue(period, Value);
    }
}

/// <summary>Reads current figures, as they stand now or as they stood at a given time.</summary>
public static class CurrentFigures
{
    /// <summary>
    /// The priority rule, as in the current_observation view and /api/series: per source its latest vintage
    /// recorded by <c>asOf</c>; across sources 公报 (normal) over 快报 (provisional) over 预计 (estimated), then
    /// the latest recorded.
    /// </summary>
    private const string Sql = """
        SELECT indicator_code AS indicator, area_code AS area, period, period_type, period_end, value, status,
               source_id AS source, vintage, run_id, recorded_at, location
        FROM (
            SELECT DISTINCT ON (indicator_code, period) *
            FROM (
                SELECT DISTINCT ON (indicator_code, period, source_id) *
                FROM observation
                WHERE indicator_code = ANY(@codes) AND area_code = @area AND (@asOf::timestamptz IS NULL OR recorded_at <= @asOf)
                ORDER BY indicator_code, period, source_id, vintage DESC
            ) per_source
            ORDER BY indicator_code, period,
                     CASE status WHEN 'normal' THEN 0 WHEN 'provisional' THEN 1 WHEN 'estimated' THEN 2 ELSE 3 END, recorded_at DESC
        ) chosen
        ORDER BY indicator_code, period_end, period_type, period
        """;

    public static async Task<Dictionary<string, List<CurrentFigure>>> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> codes, string area, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<CurrentFigure>(new CommandDefinition(Sql, new { codes = codes.ToArray(), area, asOf = asOf?.ToUniversalTime() }, transaction, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.Indicator, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }
}
