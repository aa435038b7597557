namespace WuzhongCollector.Core.Progress;

/// <summary>The two projection methods: a least-squares line for levels, compound growth for annual flows.</summary>
internal static class Trends
{
    /// <summary>Least-squares line through the figures on a month axis; null with fewer than two distinct months.</summary>
    public static Func<int, decimal>? Linear(IReadOnlyList<SeriesValue> figures)
    {
        if (figures.Select(f => f.Month).Distinct().Count() < 2)
        {
            return null;
        }

        var origin = figures[0].Month;
        var meanX = figures.Average(f => (decimal)(f.Month - origin));
        var meanY = figures.Average(f => f.Value);
        var covariance = figures.Sum(f => (f.Month - origin - meanX) * (f.Value - meanY));
        var variance = figures.Sum(f => (f.Month - origin - meanX) * (f.Month - origin - meanX));
        var slope = covariance / variance;
        return month => meanY + (slope * (month - origin - meanX));
    }

    /// <summary>
    /// Compound growth from the first to the last annual figure, carried on from the last; null with fewer than
    /// two years or a non-positive end (growth of a sign change is meaningless).
    /// </summary>
    public static Func<int, decimal>? Compound(IReadOnlyList<SeriesValue> annual)
    {
        if (annual.Count < 2 || annual[0].Value <= 0 || annual[^1].Value <= 0)
        {
            return null;
        }

        var first = annual[0];
        var last = annual[^1];
        var growth = Math.Pow((double)(last.Value / first.Value), 1.0 / (last.Period.Year - first.Period.Year));
        return year => (decimal)((double)last.Value * Math.Pow(growth, year - last.Period.Year));
    }
}
