using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Freshness;

namespace WuzhongCollector.Core.Reporting;

/// <summary>
/// Who reports an indicator, how often, and how many days after the period ends the figures are due
/// (<see cref="FreshnessRule.PublicationLagDays"/>), from <c>config/reporting.yaml</c>.
/// </summary>
public sealed record ReportingAssignment(Indicator Indicator, string Department, FreshnessRule Rule);

/// <summary>The reporting obligations of the departments: one assignment per reported indicator.</summary>
public sealed class ReportingSettings(IReadOnlyList<ReportingAssignment> assignments)
{
    /// <summary>No config/reporting.yaml: nobody owes anything and /report accepts nothing.</summary>
    public static readonly ReportingSettings None = new([]);

    public IReadOnlyList<ReportingAssignment> Assignments { get; } = assignments;

    public IReadOnlyList<string> Departments { get; } = assignments.Select(a => a.Department).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public ReportingAssignment? For(string indicatorCode) => Assignments.FirstOrDefault(a => a.Indicator.Code == indicatorCode);
}
