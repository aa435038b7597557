using System.Globalization;
using System.Text.RegularExpressions;

namespace WuzhongCollector.Core.Normalisation;

/// <summary>
/// Reads the period notations of Chinese statistics and statistics APIs into canonical periods.
/// A period without a year (一季度, 1-9月) takes the year from context, such as the sheet title or a year
/// field. A whole year written as a float (2025.0) is that year; a decimal such as 2025.5 is no period at all.
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

        var s = WholeNumbers.Normalise(ChineseText.Compact(text).Replace('—', '-').Replace('–', '-').Replace('~', '-').Replace('－', '-'));
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

        if ((m = QuarterOfYear().Match(rest)).Success)
        {
            var quarter = m.Groups["q"].Value;
            return Build(Period.OfQuarter(y.Value, char.IsAsciiDigit(quarter[0]) ? Int(quarter) : ChineseNumerals[quarter]), out period);
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
    /// Why <paramref name="text"/> gives no period, for a reject: it lacks a year that its spelling needs, it is
    /// a decimal number, a bare number follows a year, or it is no notation this parser reads.
    /// </summary>
    public static string Problem(string text, int? contextYear = null)
    {
        var s = ChineseText.Compact(text);
        if (contextYear is null && TryParse(text, out _, contextYear: 2000))
        {
            return $"no year: '{text}' does not say its year; periods written as {NeedsYear} take theirs from the table title or sheet name, or from a year field (mapping.period: \"{{年份}}{{时期}}\")";
        }

        if (DecimalNumber().Match(s) is { Success: true } decimalNumber)
        {
            return $"'{text}' holds the decimal number {decimalNumber.Value}, not a period: a year is whole (2025 or 2025.0), and a month is written 2025.05, 2025-05 or 2025年5月";
        }

        if (YearThenBareNumber().IsMatch(s))
        {
            return $"'{text}': a bare number after the year could be a month or a quarter; write the template with the word, e.g. \"{{年份}}年{{月份}}月\" or \"{{年份}}-Q{{季度}}\"";
        }

        return $"'{text}' is not a period this service reads (e.g. 2023, 2023年9月, 2023-Q1, 2023年1-9月, 202309)";
    }

    /// <summary>The spellings that carry no year of their own, for messages and the admin guide.</summary>
    public const string NeedsYear = "一季度/第1季度/Q1, 1-9月/1至9月/1-9月累计, 9月/九月/9月份, 上半年, 前三季度 and 全年";

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

    // "2025.5" is refused rather than read as May: a float year (Socrata) and a dotted month look alike.
    [GeneratedRegex(@"^(?<y>\d{4})(?:年(?<m>\d{1,2})月|[-/](?<m>\d{1,2})|\.(?<m>\d{2})|(?<m>\d{2})|M(?<m>\d{2}))$")]
    private static partial Regex YearMonth();

    [GeneratedRegex(@"^(?<y>\d{4})(?:-?Q|K|年第?)(?<q>[1-4])(?:季度)?$")]
    private static partial Regex YearQuarter();

    [GeneratedRegex(@"^(?<y>\d{4})年")]
    private static partial Regex YearPrefix();

    [GeneratedRegex(@"^(?<a>\d{1,2})月?(?:-|至|到)(?<b>\d{1,2})月(?:累计|份)?$")]
    private static partial Regex MonthRange();

    [GeneratedRegex(@"^(?:第?(?<q>[一二三四1-4])季度|Q(?<q>[1-4]))$")]
    private static partial Regex QuarterOfYear();

    [GeneratedRegex(@"(?<![0-9])[0-9]{4}\.[0-9]+")]
    private static partial Regex DecimalNumber();

    [GeneratedRegex(@"^[0-9]{4}年[0-9]{1,2}$")]
    private static partial Regex YearThenBareNumber();

    [GeneratedRegex(@"^(?<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:份)?$")]
    private static partial Regex SingleMonth();
}
