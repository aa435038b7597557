using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Progress;
using WuzhongCollector.Service.Catalogue;

namespace WuzhongCollector.Service.Plan;

public sealed record ProjectionResponse(string Method, decimal Value, decimal Progress, IReadOnlyList<ProjectedPoint>? Path);

public sealed record TargetProgressResponse(
    int Year, string Comparator, decimal Value, string Status, string StatusZh, string? LatestPeriod, decimal? LatestValue,
    decimal? Baseline, decimal? Progress, ProjectionResponse? Projection, decimal? NeededAnnualChange, decimal? NeededAnnualGrowthPercent, string Reason)
{
    public static TargetProgressResponse From(TargetProgress t, bool withPath) => new(
        t.Target.Year, t.Target.Comparator.ToSymbol(), t.Target.Value, t.Status.ToText(), t.Status.ToChinese(), t.Latest?.Period.Id, t.Latest?.Value,
        t.Baseline, t.Progress,
        t.Projection is { } p ? new ProjectionResponse(p.Method, p.Value, p.Progress, withPath ? p.Path : null) : null,
        t.NeededAnnualChange, t.NeededAnnualGrowthPercent, t.Reason);
}

/// <summary>Freshness of an indicator; <c>Declared</c> is false when no source feeding it declares a cadence.</summary>
public sealed record FreshnessResponse(bool Declared, bool Stale, DateOnly? LatestPeriodEnd, DateOnly? ExpectedPeriodEnd, DateOnly? DueSince, int OverdueDays, IReadOnlyList<string> Sources)
{
    public static FreshnessResponse From(IndicatorFreshness? freshness) => freshness?.State is { } s
        ? new(true, s.Stale, s.LatestPeriodEnd, s.ExpectedPeriodEnd, s.DueSince, s.OverdueDays, freshness.Sources)
        : new(false, false, null, null, null, 0, freshness?.Sources ?? []);
}

public sealed record IndicatorProgressResponse(
    string Code, string NameZh, string NameEn, string Unit, string Kind, string Section, IReadOnlyList<string> Departments,
    string PlanText, string? DerivedFrom, FigureReport? Latest, FreshnessResponse Freshness, int FlaggedFigures,
    IReadOnlyList<TargetProgressResponse> Targets, IReadOnlyList<FigureReport>? Figures)
{
    public static IndicatorProgressResponse From(IndicatorReport report, bool detail)
    {
        var i = report.Indicator;
        return new IndicatorProgressResponse(
            i.Code, i.NameZh, i.NameEn, i.Unit, CatalogueStore.KindText(i.Kind), i.Section, i.Departments, i.PlanText, i.DerivedFrom,
            report.Latest, FreshnessResponse.From(report.Freshness), report.Figures.Count(f => f.Flags.Count > 0),
            report.Progress.Targets.Select(t => TargetProgressResponse.From(t, detail)).ToList(),
            detail ? report.Figures : null);
    }
}

public sealed record PlanSettingsResponse(int BaseYear, decimal OnTrackFrom, decimal AtRiskFrom, decimal OutlierThreshold, int OutlierMinPoints);

public sealed record PlanProgressResponse(
    string Area, DateTimeOffset? AsOf, DateTimeOffset EvaluatedAt, PlanSettingsResponse Settings,
    IReadOnlyDictionary<string, int> StatusCounts, int StaleIndicators, IReadOnlyList<IndicatorProgressResponse> Indicators);
