namespace WuzhongCollector.Core.Normalisation;

/// <summary>
/// Reads column headers that name a period relative to the report's own period, as monthly reports
/// write them: 本月, 1-本月累计, 本年累计, 上年同期, 本年情况/本月, 上年情况/1-本月累计. The report's period
/// comes from its title (2022年9月).
/// </summary>
public static class RelativePeriods
{
    // Growth and share columns name a comparison, not a period of the level they sit next to.
    private static readonly string[] ComparisonWords = ["增减", "增长", "增速", "比上年", "比去年", "同比", "环比", "比重", "占比", "%", "完成率", "计划"];

    private static readonly string[] YearToDateWords = ["1-本月", "1至本月", "累计", "年初至今", "年初以来"];

    private static readonly string[] MonthWords = ["本月", "当月", "本期"];

    public static bool TryResolve(string? header, Period reference, out Period period)
    {
        period = default;
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        var s = ChineseText.Compact(header).Replace('—', '-').Replace('–', '-');
        if (ComparisonWords.Any(w => s.Contains(w, StringComparison.Ordinal)))
        {
            return false;
        }

        var lastYear = s.Contains("上年", StringComparison.Ordinal) || s.Contains("去年", StringComparison.Ordinal);
        var thisYear = s.Contains("本年", StringComparison.Ordinal) || s.Contains("今年", StringComparison.Ordinal);
        var year = reference.Year - (lastYear ? 1 : 0);
        var month = reference.Type is PeriodType.Month or PeriodType.YearToDate ? reference.Index : (int?)null;

        if (YearToDateWords.Any(w => s.Contains(w, StringComparison.Ordinal)))
        {
            return month is { } m && Set(Period.YearToDate(year, m), out period);
        }

        if (MonthWords.Any(w => s.Contains(w, StringComparison.Ordinal)))
        {
            return month is { } m && Set(Period.OfMonth(year, m), out period);
        }

        // "上年同期" alone: the report's own period, a year earlier.
        if (s.Contains("同期", StringComparison.Ordinal) && lastYear)
        {
            return Set(reference with { Year = year }, out period);
        }

        // "本年"/"上年" alone only name a whole year when the report itself is annual.
        return (lastYear || thisYear) && reference.Type == PeriodType.Year && Set(Period.OfYear(year), out period);
    }

    private static bool Set(Period candidate, out Period period)
    {
        period = candidate;
        return true;
    }
}
