using System.Globalization;
using WuzhongCollector.Core.Progress;

namespace WuzhongCollector.Core.Quality;

/// <summary>Range and outlier checks on a series. They only flag: nothing is dropped or changed.</summary>
public static class QualityChecks
{
    // 0.6745 is the 0.75 quantile of the standard normal, so the score reads like a z-score (Iglewicz and Hoaglin).
    private const double NormalQuantile = 0.6745;

    // When half the figures are equal the MAD is 0; the mean absolute deviation scaled by sqrt(pi/2) stands in.
    private const double MeanDeviationScale = 1.253314;

    public static QualityFlag? CheckRange(decimal value, RangeRule? rule)
    {
        if (rule is null)
        {
            return null;
        }

        if (rule.Min is { } min && value < min)
        {
            return new QualityFlag(QualityFlag.Range, string.Create(CultureInfo.InvariantCulture, $"{value} is below the plausible minimum {min}"));
        }

        if (rule.Max is { } max && value > max)
        {
            return new QualityFlag(QualityFlag.Range, string.Create(CultureInfo.InvariantCulture, $"{value} is above the plausible maximum {max}"));
        }

        return null;
    }

    /// <summary>Modified z-scores (median and MAD based, so one wild figure cannot hide itself), rounded to 2 places.</summary>
    public static IReadOnlyList<decimal> ModifiedZScores(IReadOnlyList<decimal> values)
    {
        if (values.Count == 0)
        {
            return [];
        }

        var x = values.Select(v => (double)v).ToArray();
        var median = Median(x);
        var deviations = x.Select(v => Math.Abs(v - median)).ToArray();
        var mad = Median(deviations);
        double Score(double v)
        {
            if (mad > 0)
            {
                return NormalQuantile * (v - median) / mad;
            }

            var meanDeviation = deviations.Average();
            return meanDeviation > 0 ? (v - median) / (MeanDeviationScale * meanDeviation) : 0;
        }

        return x.Select(v => Math.Round((decimal)Score(v), 2, MidpointRounding.AwayFromZero)).ToList();
    }

    /// <summary>
    /// Outlier flags of a series, keyed by the figure's index. Figures are compared only with figures of the
    /// same period type, since a year-to-date figure and an annual one are different quantities.
    /// </summary>
    public static IReadOnlyDictionary<int, QualityFlag> Outliers(IReadOnlyList<SeriesValue> series, decimal threshold, int minPoints)
    {
        var flags = new Dictionary<int, QualityFlag>();
        foreach (var group in series.Select((value, index) => (value, index)).GroupBy(p => p.value.Period.Type))
        {
            var members = group.ToList();
            if (members.Count < minPoints)
            {
                continue;
            }

            var scores = ModifiedZScores(members.Select(m => m.value.Value).ToList());
            for (var i = 0; i < members.Count; i++)
            {
                if (Math.Abs(scores[i]) > threshold)
                {
                    flags[members[i].index] = new QualityFlag(QualityFlag.Outlier,
                        string.Create(CultureInfo.InvariantCulture, $"modified z-score {scores[i]} exceeds {threshold} among {members.Count} {members[i].value.Period.TypeName} figures"),
                        scores[i]);
                }
            }
        }

        return flags;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
