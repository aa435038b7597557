using System.Globalization;

namespace WuzhongCollector.Core.Normalisation;

/// <summary>What a cell said: a number, a missing marker, or something unreadable.</summary>
public readonly record struct ValueReading(decimal? Value, bool HasPercentSign, RejectKind? MissingKind, string? Problem)
{
    public bool IsNumber => Value is not null;
}

/// <summary>
/// Reads numbers as Chinese statistical tables write them: full-width digits, thousands separators,
/// "16%", and the missing markers of yearbooks (—, -, 一, /, 无, blank). "…" means below the unit.
/// A marker is never read as 0; "0" is 0.
/// </summary>
public static class ValueParser
{
    private static readonly HashSet<string> MissingMarkers = new(StringComparer.Ordinal)
    {
        "-", "--", "—", "——", "―", "一", "/", "无", "x", "X", "×", "n/a", "N/A", "NA", "null", "NULL", "..",
    };

    private static readonly HashSet<string> BelowUnitMarkers = new(StringComparer.Ordinal) { "…", "……", "...", "…." };

    public static ValueReading Read(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ValueReading(null, false, RejectKind.Missing, "blank cell");
        }

        var raw = text.Trim();
        if (BelowUnitMarkers.Contains(raw))
        {
            return new ValueReading(null, false, RejectKind.BelowUnit, $"'{raw}' means below the unit of measure");
        }

        var s = ChineseText.Compact(raw);
        if (MissingMarkers.Contains(raw) || MissingMarkers.Contains(s))
        {
            return new ValueReading(null, false, RejectKind.Missing, $"missing-data marker '{raw}'");
        }

        var percent = s.EndsWith('%') || s.EndsWith('％');
        if (percent)
        {
            s = s[..^1];
        }

        s = s.Replace(",", string.Empty, StringComparison.Ordinal).Replace("，", string.Empty, StringComparison.Ordinal)
             .Replace('−', '-').Replace('–', '-');
        if (s.Length == 0 || !decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            return new ValueReading(null, percent, null, $"'{raw}' is not a number");
        }

        return new ValueReading(value, percent, null, null);
    }
}
