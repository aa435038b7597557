using System.Text.RegularExpressions;

namespace WuzhongCollector.Core.Normalisation;

/// <summary>
/// Socrata and many JSON APIs write whole numbers as floats ("2025.0", 2025.0, 320506.0). Where a whole
/// number is meant (a year, a month, a code), such a float is read as the whole number; anything with a
/// non-zero fraction (2025.5) is left as it is, so it fails as what it is instead of being rounded.
/// </summary>
public static partial class WholeNumbers
{
    /// <summary>"2025.0" → "2025", "2025" → "2025"; other text is returned unchanged.</summary>
    public static string Normalise(string text)
    {
        var trimmed = text.Trim();
        return FloatWhole().Match(trimmed) is { Success: true } m ? m.Groups["n"].Value : trimmed;
    }

    [GeneratedRegex(@"^(?<n>[0-9]+)\.0+$")]
    private static partial Regex FloatWhole();
}
