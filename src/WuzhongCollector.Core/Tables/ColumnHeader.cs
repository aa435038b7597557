using System.Text;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Tables;

/// <summary>
/// A column's name, unit and status as its header cells state them. Two-level headers join as
/// "本年情况/本月"; whitespace is dropped and full-width forms folded ("指 标 名 称" is "指标名称"); a unit
/// in brackets ("增加值（亿元）") and a status in brackets ("2023年（预计）") leave the name and are kept apart.
/// </summary>
public sealed record ColumnHeader(string Name, string? Unit, ObservationStatus? Status)
{
    public const char LevelSeparator = '/';

    public static ColumnHeader From(IEnumerable<string?> levels)
    {
        var parts = new List<string>();
        string? unit = null;
        ObservationStatus? status = null;
        foreach (var level in levels)
        {
            if (string.IsNullOrWhiteSpace(level))
            {
                continue;
            }

            var part = ChineseText.Compact(level);
            if (Units.FromHeader(part, out var withoutUnit) is { } found)
            {
                unit = found;
                part = withoutUnit;
            }

            part = StripStatus(part, ref status);
            if (part.Length > 0 && (parts.Count == 0 || parts[^1] != part))
            {
                parts.Add(part);
            }
        }

        return new ColumnHeader(string.Join(LevelSeparator, parts), unit, status);
    }

    /// <summary>The name a header text gets, so a mapping may name a column as the file writes it.</summary>
    public static string NameOf(string header) => From([header]).Name;

    private static string StripStatus(string part, ref ObservationStatus? status)
    {
        if (!part.EndsWith(')'))
        {
            return part;
        }

        var open = part.LastIndexOf('(');
        if (open < 0 || StatusNotes.StatusWord(part[open..]) is not { } found)
        {
            return part;
        }

        status = found;
        return part[..open];
    }

    /// <summary>Spreadsheet column letters: 0 is A, 26 is AA.</summary>
    public static string Letter(int column)
    {
        var sb = new StringBuilder();
        for (var n = column + 1; n > 0; n = (n - 1) / 26)
        {
            sb.Insert(0, (char)('A' + ((n - 1) % 26)));
        }

        return sb.ToString();
    }
}
