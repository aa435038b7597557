using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Freshness;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Reporting;

/// <summary>
/// The reporting calendar: every department's obligations, period by period, from the plan's first year to the
/// last year each indicator is tracked (the plan's end unless the catalogue's <c>trackedUntil</c> says later).
/// Pure: the same settings give the same calendar whatever the clock says.
/// </summary>
public sealed class ReportingPlan
{
    private readonly Dictionary<(string Department, string Period), Obligation> byKey = new();

    public ReportingPlan(ReportingSettings settings, int firstYear, int planEndYear)
    {
        Settings = settings;
        PlanEndYear = planEndYear;
        var rows = new Dictionary<(string, string), (Period Period, DateOnly Due, List<ReportRow> Rows)>();
        foreach (var assignment in settings.Assignments)
        {
            var lastYear = assignment.Indicator.LastTrackedYear(planEndYear);
            foreach (var period in Periods(assignment.Rule.Cadence, firstYear, lastYear))
            {
                var key = (assignment.Department, period.Id);
                var due = period.End.AddDays(assignment.Rule.PublicationLagDays);
                if (!rows.TryGetValue(key, out var entry))
                {
                    entry = (period, due, []);
                }

                entry.Rows.Add(new ReportRow(assignment.Indicator, RowPeriod(assignment.Indicator.Kind, period)));
                rows[key] = (period, due > entry.Due ? due : entry.Due, entry.Rows);
            }
        }

        foreach (var (key, entry) in rows)
        {
            byKey[key] = new Obligation(key.Item1, entry.Period, entry.Due, entry.Rows);
        }

        Obligations = byKey.Values.OrderBy(o => o.Department, StringComparer.Ordinal).ThenBy(o => o.Period.End).ToList();
    }

    public ReportingSettings Settings { get; }

    public int PlanEndYear { get; }

    public IReadOnlyList<string> Departments => Settings.Departments;

    public IReadOnlyList<Obligation> Obligations { get; }

    public Obligation? Find(string department, Period period) => byKey.GetValueOrDefault((department, period.Id));

    /// <summary>The indicators a department reports: the ones it may see and submit.</summary>
    public IReadOnlyList<Indicator> IndicatorsOf(string department) =>
        Settings.Assignments.Where(a => a.Department == department).Select(a => a.Indicator).ToList();

    /// <summary>A reporting period as a department names it: 2023, 2023-Q3 or 2023-09 (and the Chinese spellings).</summary>
    public static bool TryParsePeriod(string? text, out Period period) =>
        PeriodParser.TryParse(text, out period) && period.Type is PeriodType.Year or PeriodType.Quarter or PeriodType.Month;

    /// <summary>
    /// The period a figure is stored under: the reporting period itself, except that an annual flow (增加值, 收入)
    /// reported within the year is the year to date (1-9月累计), and for the whole year is the year.
    /// </summary>
    public static Period RowPeriod(IndicatorKind kind, Period period) => (kind, period.Type) switch
    {
        (IndicatorKind.AnnualFlow, PeriodType.Quarter) => period.Index == 4 ? Period.OfYear(period.Year) : Period.YearToDate(period.Year, period.Index * 3),
        (IndicatorKind.AnnualFlow, PeriodType.Month) => period.Index == 12 ? Period.OfYear(period.Year) : Period.YearToDate(period.Year, period.Index),
        _ => period,
    };

    private static IEnumerable<Period> Periods(Cadence cadence, int firstYear, int lastYear)
    {
        for (var year = firstYear; year <= lastYear; year++)
        {
            switch (cadence)
            {
                case Cadence.Yearly:
                    yield return Period.OfYear(year);
                    break;
                case Cadence.Quarterly:
                    for (var q = 1; q <= 4; q++)
                    {
                        yield return Period.OfQuarter(year, q);
                    }

                    break;
                default:
                    for (var m = 1; m <= 12; m++)
                    {
                        yield return Period.OfMonth(year, m);
                    }

                    break;
            }
        }
    }
}
