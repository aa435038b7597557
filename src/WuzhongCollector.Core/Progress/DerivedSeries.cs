using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Progress;

/// <summary>Series computed from another indicator's figures, never collected.</summary>
public static class DerivedSeries
{
    /// <summary>
    /// Average annual growth (per cent, 2 places) from the base-year figure to each later annual figure:
    /// ((V_Y / V_base)^(1 / (Y - base)) - 1) x 100. Without a positive base-year figure there is no rate.
    /// </summary>
    public static IReadOnlyList<SeriesValue> Cagr(IReadOnlyList<SeriesValue> source, int baseYear)
    {
        var annual = source.Where(v => v.Period.Type == PeriodType.Year).ToList();
        var baseValue = annual.FirstOrDefault(v => v.Period.Year == baseYear)?.Value;
        if (baseValue is not > 0)
        {
            return [];
        }

        return annual
            .Where(v => v.Period.Year > baseYear && v.Value > 0)
            .OrderBy(v => v.Period.Year)
            .Select(v => new SeriesValue(v.Period, Rate(baseValue.Value, v.Value, v.Period.Year - baseYear)))
            .ToList();
    }

    public static decimal Rate(decimal from, decimal to, decimal years) =>
        Numbers.Round2((Math.Pow((double)(to / from), 1 / (double)years) - 1) * 100);
}
