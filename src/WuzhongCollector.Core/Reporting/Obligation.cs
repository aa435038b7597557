using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Reporting;

/// <summary>One row of a report: the indicator and the period its figure is stored under.</summary>
public sealed record ReportRow(Indicator Indicator, Period Period);

/// <summary>
/// What a department owes for one reporting period: the figures of <see cref="Rows"/>, due on <see cref="Due"/>
/// (China date, inclusive).
/// </summary>
public sealed record Obligation(string Department, Period Period, DateOnly Due, IReadOnlyList<ReportRow> Rows)
{
    public ReportRow? Row(string indicatorCode) => Rows.FirstOrDefault(r => r.Indicator.Code == indicatorCode);
}
