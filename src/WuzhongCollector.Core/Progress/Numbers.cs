using System.Globalization;

namespace WuzhongCollector.Core.Progress;

/// <summary>Rounding and formatting shared by the progress rules, so API, views and page show the same digits.</summary>
internal static class Numbers
{
    public static decimal Round4(decimal value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    public static decimal Round4(double value) => Round4(ToDecimal(value));

    public static decimal Round2(double value) => Math.Round(ToDecimal(value), 2, MidpointRounding.AwayFromZero);

    public static string Text(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Percent(decimal share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    // Compound growth of a tiny base can run past decimal's range; no real figure is that large, so cap it.
    private static decimal ToDecimal(double value) =>
        double.IsNaN(value) ? 0 : (decimal)Math.Clamp(value, -7.9e27, 7.9e27);
}
