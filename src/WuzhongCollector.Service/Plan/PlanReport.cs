using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Progress;
using WuzhongCollector.Core.Quality;

namespace WuzhongCollector.Service.Plan;

/// <summary>
/// One figure of an indicator's series with its origin and quality flags. A derived indicator's figures are
/// computed: status "derived", source the indicator they derive from, no vintage or run.
/// </summary>
public sealed record FigureReport(
    string Period, string PeriodType, DateOnly PeriodEnd, decimal Value, string Status, string Source,
    int? Vintage, long? RunId, DateTime? RecordedAt, string? Location, IReadOnlyList<QualityFlag> Flags);

public sealed record IndicatorReport(Indicator Indicator, IndicatorProgress Progress, IReadOnlyList<FigureReport> Figures, IndicatorFreshness? Freshness)
{
    public FigureReport? Latest => Figures.Count == 0 ? null : Figures.MaxBy(f => (f.PeriodEnd, f.PeriodType == "year"));
}

/// <summary>Everything the plan page, the progress API, the exports and the analysts' progress view show, for one area.</summary>
public sealed record PlanReport(string Area, DateTimeOffset? AsOf, DateTimeOffset EvaluatedAt, FreshnessReport Freshness, IReadOnlyList<IndicatorReport> Indicators)
{
    /// <summary>吴中区, the plan's district.</summary>
    public const string PlanArea = "320506";

    public IndicatorReport? Find(string code) => Indicators.FirstOrDefault(i => i.Indicator.Code == code);
}
