namespace WuzhongCollector.Core.Normalisation;

public enum UnitDimension
{
    Money,
    Count,
    Percent,
    Bandwidth,
    Ratio,
}

/// <summary>Units seen in the plan and in department tables, with their dimension and scale.</summary>
public static class Units
{
    private static readonly string[] CountNouns = ["个", "家", "件", "台", "项", "人", "户", "条", "款", "套", "座", "所", "次", "张", "份", "处", "栋", "架"];

    private static readonly Dictionary<string, (UnitDimension Dimension, decimal Scale)> Known = Build();

    private static Dictionary<string, (UnitDimension, decimal)> Build()
    {
        var units = new Dictionary<string, (UnitDimension, decimal)>(StringComparer.Ordinal)
        {
            ["元"] = (UnitDimension.Money, 1m),
            ["千元"] = (UnitDimension.Money, 1_000m),
            ["万元"] = (UnitDimension.Money, 10_000m),
            ["百万元"] = (UnitDimension.Money, 1_000_000m),
            ["亿元"] = (UnitDimension.Money, 100_000_000m),
            ["万亿元"] = (UnitDimension.Money, 1_000_000_000_000m),
            ["%"] = (UnitDimension.Percent, 1m),
            ["百分比"] = (UnitDimension.Percent, 1m),
            ["bps"] = (UnitDimension.Bandwidth, 1m),
            ["Kbps"] = (UnitDimension.Bandwidth, 1_000m),
            ["Mbps"] = (UnitDimension.Bandwidth, 1_000_000m),
            ["Gbps"] = (UnitDimension.Bandwidth, 1_000_000_000m),
            ["Tbps"] = (UnitDimension.Bandwidth, 1_000_000_000_000m),
            ["ratio"] = (UnitDimension.Ratio, 1m),
        };
        foreach (var noun in CountNouns)
        {
            units[noun] = (UnitDimension.Count, 1m);
            units["万" + noun] = (UnitDimension.Count, 10_000m);
        }

        units["G"] = units["Gbps"];
        units["M"] = units["Mbps"];
        units["T"] = units["Tbps"];
        units["兆"] = units["Mbps"];
        units["千兆"] = units["Gbps"];
        units["万兆"] = (UnitDimension.Bandwidth, 10_000_000_000m);
        return units;
    }

    public static bool IsKnown(string unit) => Known.ContainsKey(Clean(unit));

    public static UnitDimension? DimensionOf(string unit) =>
        Known.TryGetValue(Clean(unit), out var u) ? u.Dimension : null;

    /// <summary>Strips the wrapping people put round units: "（亿元）", "单位：万元", "计量单位：个", "(%)".</summary>
    public static string Clean(string unit)
    {
        var text = ChineseText.Compact(unit).Trim('(', ')', '[', ']');
        foreach (var prefix in UnitPrefixes)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                text = text[prefix.Length..];
                break;
            }
        }

        text = text.Replace("人民币", string.Empty, StringComparison.Ordinal).Trim('(', ')', '[', ']');
        return text;
    }

    private static readonly string[] UnitPrefixes = ["计量单位:", "单位:", "计量单位", "单位"];

    /// <summary>
    /// Splits a column header such as "增加值（亿元）" or "2021年(%)" into its name and unit. The unit is null,
    /// and the name the whole header, when the last brackets hold no known unit ("(上年同月=100)").
    /// </summary>
    public static string? FromHeader(string header, out string name)
    {
        name = header;
        var text = ChineseText.ToHalfWidth(header).TrimEnd();
        if (text.Length > 1 && text.EndsWith('%'))
        {
            // "增减%": the sign is part of the name people use, so the name keeps it.
            return "%";
        }

        if (!text.EndsWith(')') && !text.EndsWith(']'))
        {
            return null;
        }

        var open = text.LastIndexOfAny(['(', '[']);
        if (open < 0)
        {
            return null;
        }

        var unit = Clean(text[open..]);
        if (!IsKnown(unit))
        {
            return null;
        }

        name = text[..open].TrimEnd();
        return unit;
    }

    /// <summary>Whether two unit texts say the same unit: the same dimension and scale ("亿元" and "（亿元）", "%" and "百分比").</summary>
    public static bool Same(string a, string b) =>
        Known.TryGetValue(Clean(a), out var x) && Known.TryGetValue(Clean(b), out var y) ? x == y : Clean(a) == Clean(b);

    /// <summary>Drops trailing zeros a scale change leaves ("4215.0000" → 4215).</summary>
    public static decimal Trim(decimal value) => value / 1.0000000000000000000000000000m;

    /// <summary>
    /// Converts <paramref name="value"/> from <paramref name="from"/> to <paramref name="to"/>. A unit of
    /// another dimension (a count where money is expected) is an error, never a silent conversion.
    /// </summary>
    public static bool TryConvert(decimal value, string from, string to, out decimal converted, out string? error)
    {
        converted = 0;
        error = null;
        var source = Clean(from);
        var target = Clean(to);
        if (!Known.TryGetValue(source, out var s))
        {
            error = $"unknown unit '{from}'";
            return false;
        }

        if (!Known.TryGetValue(target, out var t))
        {
            error = $"unknown canonical unit '{to}'";
            return false;
        }

        if (s.Dimension != t.Dimension)
        {
            error = $"unit '{from}' ({s.Dimension}) does not match the indicator's unit '{to}' ({t.Dimension})";
            return false;
        }

        converted = s.Scale == t.Scale ? value : Trim(value * s.Scale / t.Scale);
        return true;
    }
}
