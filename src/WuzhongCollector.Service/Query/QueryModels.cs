using System.Text.Json;

namespace WuzhongCollector.Service.Query;

public sealed record SeriesPoint(
    string Indicator, string Area, string Period, string PeriodType, decimal Value, string Unit, string Status,
    string Source, int Vintage, long RunId, DateTime RecordedAt, string? Location);

public sealed record TargetResponse(int Year, string Comparator, decimal Value);

public sealed record LatestResponse(string Period, decimal Value, string Status, string Source);

public sealed record IndicatorResponse(
    string Code, string NameZh, string NameEn, string Unit, string Kind, string Section, string[] Departments,
    string PlanText, string? DerivedFrom, string? Formula, string? Note, IReadOnlyList<TargetResponse> Targets, LatestResponse? Latest)
{
    public static IndicatorResponse From(IndicatorRow row) => new(
        row.Code, row.NameZh, row.NameEn, row.Unit, row.Kind, row.Section, row.Departments, row.PlanText, row.DerivedFrom, row.Formula, row.Note,
        JsonSerializer.Deserialize<List<TargetResponse>>(row.Targets, JsonSerializerOptions.Web) ?? [],
        row.LatestPeriod is null ? null : new LatestResponse(row.LatestPeriod, row.LatestValue!.Value, row.LatestStatus!, row.LatestSource!));
}

/// <summary>An indicator row as SQL returns it (Dapper maps snake_case columns to these names).</summary>
public sealed class IndicatorRow
{
    public string Code { get; init; } = "";
    public string NameZh { get; init; } = "";
    public string NameEn { get; init; } = "";
    public string Unit { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Section { get; init; } = "";
    public string[] Departments { get; init; } = [];
    public string PlanText { get; init; } = "";
    public string? DerivedFrom { get; init; }
    public string? Formula { get; init; }
    public string? Note { get; init; }
    public string Targets { get; init; } = "[]";
    public string? LatestPeriod { get; init; }
    public decimal? LatestValue { get; init; }
    public string? LatestStatus { get; init; }
    public string? LatestSource { get; init; }
}
