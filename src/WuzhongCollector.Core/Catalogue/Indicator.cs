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
    string? Note = null);

/// <summary>A target: the indicator must compare to <paramref name="Value"/> by the end of <paramref name="Year"/>.</summary>
public sealed record Target(Comparator Comparator, decimal Value, int Year);
