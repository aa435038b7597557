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

    private static decimal ToDecimal(double value) =>
        double.IsFinite(value) && Math.Abs(value) < 7.9e27 ? (decimal)value : throw new OverflowException($"{value} is not a usable number");
}
