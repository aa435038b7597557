using System.Globalization;
using System.Text.RegularExpressions;

namespace WuzhongCollector.Core.Normalisation;

/// <summary>
/// Reads the period notations of Chinese statistics and statistics APIs into canonical periods.
/// A period without a year (一季度, 1-9月) takes the year from context, such as the sheet title.
/// </summary>
public static partial class PeriodParser
{
    private static readonly Dictionary<string, int> ChineseNumerals = new(StringComparer.Ordinal)
    {
        ["一"] = 1, ["二"] = 2, ["三"] = 3, ["四"] = 4, ["五"] = 5, ["六"] = 6,
        ["七"] = 7, ["八"] = 8, ["九"] = 9, ["十"] = 10, ["十一"] = 11, ["十二"] = 12,
    };

    public static bool TryParse(string? text, out Period period, int? contextYear = null)
    {
        period = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = ChineseText.Compact(text).Replace('—', '-').Replace('–', '-').Replace('~', '-').Replace('－', '-');
        Match m;

        // NBS new API codes: 2025YY, 202509MM, 202404SS (the SS digits are the quarter).
        if ((m = NbsCode().Match(s)).Success)
        {
            var year = Int(m.Groups["y"].Value);
            var n = m.Groups["n"].Success ? Int(m.Groups["n"].Value) : 0;
            return Build(m.Groups["t"].Value switch
            {
                "YY" => Period.OfYear(year),
                "MM" => Period.OfMonth(year, n),
                _ => Period.OfQuarter(year, n),
            }, out period);
        }

        // Our own canonical year-to-date id, as layouts hand it on: 2023-01..2023-09.
        if ((m = CanonicalYearToDate().Match(s)).Success)
        {
            return m.Groups["y"].Value == m.Groups["y2"].Value && Build(Period.YearToDate(Int(m.Groups["y"].Value), Int(m.Groups["m"].Value)), out period);
        }

        if ((m = YearOnly().Match(s)).Success)
        {
            return Build(Period.OfYear(Int(m.Groups["y"].Value)), out period);
        }

        if ((m = YearMonth().Match(s)).Success)
        {
            return Build(Period.OfMonth(Int(m.Groups["y"].Value), Int(m.Groups["m"].Value)), out period);
        }

        if ((m = YearQuarter().Match(s)).Success)
        {
            return Build(Period.OfQuarter(Int(m.Groups["y"].Value), Int(m.Groups["q"].Value)), out period);
        }

        // Everything below may carry its year as a prefix ("2023年1-9月") or take it from context.
        var yearMatch = YearPrefix().Match(s);
        int? y = yearMatch.Success ? Int(yearMatch.Groups["y"].Value) : contextYear;
        var rest = yearMatch.Success ? s[yearMatch.Length..] : s;
        if (y is null)
        {
            return false;
        }

        if ((m = MonthRange().Match(rest)).Success)
        {
            var from = Int(m.Groups["a"].Value);
            var to = Int(m.Groups["b"].Value);
            return from == 1 && to is >= 1 and <= 12 && Build(Period.YearToDate(y.Value, to), out period);
        }

        if ((m = ChineseQuarter().Match(rest)).Success && ChineseNumerals.TryGetValue(m.Groups["q"].Value, out var q) && q <= 4)
        {
            return Build(Period.OfQuarter(y.Value, q), out period);
        }

        if ((m = SingleMonth().Match(rest)).Success)
        {
            var month = m.Groups["m"].Value;
            var monthNumber = char.IsAsciiDigit(month[0]) ? Int(month) : ChineseNumerals.GetValueOrDefault(month);
            return monthNumber is >= 1 and <= 12 && Build(Period.OfMonth(y.Value, monthNumber), out period);
        }

        return rest switch
        {
            "上半年" => Build(Period.YearToDate(y.Value, 6), out period),
            "前三季度" => Build(Period.YearToDate(y.Value, 9), out period),
            "全年" => Build(Period.OfYear(y.Value), out period),
            _ => false,
        };
    }

    /// <summary>
    /// Finds the first period a free text states, such as a sheet title "2022年9月吴中区主要经济指标" or
    /// "吴中区主要指标（2023年1-9月）" or a sheet name "2022年9月".
    /// </summary>
    public static bool TryFind(string? text, out Period period)
    {
        period = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = ChineseText.Compact(text).Replace('—', '-').Replace('–', '-').Replace('~', '-');
        foreach (Match m in PeriodInText().Matches(s))
        {
            if (TryParse(m.Value, out period))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Build(Period candidate, out Period period)
    {
        period = candidate;
        var valid = candidate.Year is >= 1949 and <= 2100 && candidate.Type switch
        {
            PeriodType.Quarter => candidate.Index is >= 1 and <= 4,
            PeriodType.Month or PeriodType.YearToDate => candidate.Index is >= 1 and <= 12,
            _ => true,
        };
        if (!valid)
        {
            period = default;
        }

        return valid;
    }

    private static int Int(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<y>\d{4})(?:(?<t>YY)|(?<n>\d{2})(?<t>MM|SS))$")]
    private static partial Regex NbsCode();

    [GeneratedRegex(@"^(?<y>\d{4})-01\.\.(?<y2>\d{4})-(?<m>\d{2})$")]
    private static partial Regex CanonicalYearToDate();

    // Longest forms first, so "2023年1-9月" is not read as the year 2023.
    [GeneratedRegex(@"(?:19|20)\d{2}年(?:\d{1,2}月?(?:-|至|到)\d{1,2}月|\d{1,2}月|第?[一二三四]季度|上半年|前三季度|全年)?")]
    private static partial Regex PeriodInText();

    [GeneratedRegex(@"^(?<y>\d{4})(?:年(?:度)?)?$")]
    private static partial Regex YearOnly();

    [GeneratedRegex(@"^(?<y>\d{4})(?:年(?<m>\d{1,2})月|[-./](?<m>\d{1,2})|(?<m>\d{2})|M(?<m>\d{2}))$")]
    private static partial Regex YearMonth();

    [GeneratedRegex(@"^(?<y>\d{4})(?:-?Q|K|年第?)(?<q>[1-4])(?:季度)?$")]
    private static partial Regex YearQuarter();

    [GeneratedRegex(@"^(?<y>\d{4})年")]
    private static partial Regex YearPrefix();

    [GeneratedRegex(@"^(?<a>\d{1,2})月?(?:-|至|到)(?<b>\d{1,2})月(?:累计|份)?$")]
    private static partial Regex MonthRange();

    [GeneratedRegex(@"^第?(?<q>[一二三四])季度$")]
    private static partial Regex ChineseQuarter();

    [GeneratedRegex(@"^(?<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:份)?$")]
    private static partial Regex SingleMonth();
}
