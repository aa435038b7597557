namespace WuzhongCollector.Core.Catalogue;

/// <summary>One quantified indicator of the plan, with the targets the plan sets for it.</summary>
public sealed record Indicator(
    string Code,
    string NameZh,
    string NameEn,
    string Unit,
    IndicatorKind Kind,
    string Section,
    IReadOnlyList<string> Departments,
    IReadOnlyList<Target> Targets,
    string PlanText,
    string? DerivedFrom = null,
    string? Formula = null,
    string? Note = null,
    int? TrackedUntil = null)
{
    /// <summary>
    /// The last year figures are expected: the plan's last year, unless the catalogue's <c>trackedUntil</c> says
    /// the indicator is followed beyond it. Reporting obligations and freshness end with this year.
    /// </summary>
    public int LastTrackedYear(int planEndYear) => Math.Max(TrackedUntil ?? planEndYear, planEndYear);
}

/// <summary>A target: the indicator must compare to <paramref name="Value"/> by the end of <paramref name="Year"/>.</summary>
public sealed record Target(Comparator Comparator, decimal Value, int Year);
