using System.Text.RegularExpressions;

namespace WuzhongCollector.Core.Normalisation;

/// <summary>
/// Normalises row labels as tables write them: ordinal prefixes (一、, (一), 1.), 其中：, #, full-width
/// forms and odd spaces, so "一、 软件业务收入" and "软件业务收入" match the same code.
/// </summary>
public static partial class Labels
{
    public static string Normalise(string label) => Strip(label, out _);

    /// <summary>Normalises and tells whether the label marked a sub-item (其中, #).</summary>
    public static string Strip(string label, out bool isSubItem)
    {
        var s = ChineseText.Compact(label);
        isSubItem = false;
        var changed = true;
        while (changed)
        {
            changed = false;
            var m = Prefix().Match(s);
            if (m.Success && m.Length < s.Length)
            {
                isSubItem |= m.Groups["sub"].Success;
                s = s[m.Length..];
                changed = true;
            }
        }

        return s.TrimEnd(':', '：');
    }

    [GeneratedRegex(@"^(?:(?<sub>其中:|其中：|其中|#+|＃)|[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十0-9]+\)|[0-9]+[、.](?![0-9]))")]
    private static partial Regex Prefix();
}
