using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Progress;

/// <summary>One current figure of a series: the value chosen for its period by the priority rule.</summary>
public sealed record SeriesValue(Period Period, decimal Value)
{
    /// <summary>Months since year 0 of the period's last month: the time axis of trends and of the pace rule.</summary>
    public int Month => MonthIndex(Period.End);

    public static int MonthIndex(DateOnly date) => (date.Year * 12) + date.Month;

    /// <summary>The month index of 31 December of <paramref name="year"/>.</summary>
    public static int YearEnd(int year) => (year * 12) + 12;
}
