using System.Globalization;

namespace WuzhongCollector.Core.OpenData.Formats;

/// <summary>
/// In NBS's monthly tables an indicator whose name or code says 累计 (累计值, _累计, 累计增长) runs from January to
/// the month: its figure for 202303 is year-to-date 2023-01..2023-03, never the month of March.
/// </summary>
internal static class NbsCumulative
{
    public static bool Is(string? name, string? code) =>
        (name?.Contains("累计", StringComparison.Ordinal) ?? false) || (code?.Contains("累计", StringComparison.Ordinal) ?? false);

    /// <summary>The canonical year-to-date id through the month of a monthly code (2023, 3 → 2023-01..2023-03).</summary>
    public static string YearToDate(int year, int month) =>
        string.Create(CultureInfo.InvariantCulture, $"{year}-01..{year}-{month:00}");
}
