using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using static WuzhongCollector.Core.OpenData.Formats.JsonFields;

namespace WuzhongCollector.Core.OpenData.Formats;

/// <summary>
/// Archived answers of NBS's legacy <c>easyquery.htm</c> (<c>QueryData</c>): <c>returndata.datanodes[]</c>,
/// each with <c>wds</c> naming its indicator (zb), period (sj) and region (reg), labels and units in
/// <c>returndata.wdnodes</c>. <c>hasdata:false</c> carries a placeholder 0 that is not a value: such nodes give
/// a blank value, counted missing. <c>strdata</c> (the official rounding) wins over <c>data</c>. An indicator
/// marked cumulative (累计) in a monthly or quarterly table gives year-to-date periods. A wrong dbcode silently drops the
/// region: a node without the region the query asked for is rejected, and an answer with no such node at all
/// fails the run as <c>wrong-region</c>. (A <c>returncode</c> 501 answer is "no data": see the kind's empty rule.)
/// </summary>
/// <remarks>
/// Fields: <c>indicator</c>, <c>indicatorName</c>, <c>unit</c> (the node's, else the one in the name's brackets),
/// <c>period</c> (quarter letters A–D turned into <c>2024-Q1</c>…; a cumulative indicator's months and quarters into <c>2023-01..2023-03</c>),
/// <c>periodCode</c>, <c>periodName</c>, <c>area</c>, <c>areaName</c>, <c>value</c>, <c>hasdata</c>.
/// </remarks>
public static partial class NbsEasyQueryReader
{
    public static IReadOnlyList<RawRecord> Read(JsonElement root, Query query, string origin)
    {
        var returnData = Object(root, "returndata", "$", origin);
        var labels = new Dictionary<(string Dimension, string Code), (string? Name, string? Unit)>();
        foreach (var dimension in Items(Child(returnData, "wdnodes")))
        {
            var wdcode = Text(dimension, "wdcode") ?? string.Empty;
            foreach (var node in Items(Child(dimension, "nodes")).Where(n => n.ValueKind == JsonValueKind.Object))
            {
                labels[(wdcode, Text(node, "code") ?? string.Empty)] = (Text(node, "cname") ?? Text(node, "name"), Text(node, "unit"));
            }
        }

        var records = new List<RawRecord>();
        var i = 0;
        foreach (var node in Array(returnData, "datanodes", "$.returndata", origin).EnumerateArray())
        {
            var position = $"$.returndata.datanodes[{i++}]";
            var dims = Items(Child(node, "wds")).ToDictionary(w => Text(w, "wdcode") ?? string.Empty, w => Text(w, "valuecode"), StringComparer.Ordinal);
            var region = dims.GetValueOrDefault("reg");
            var indicator = dims.GetValueOrDefault("zb");
            var periodCode = dims.GetValueOrDefault("sj");
            var data = Child(node, "data");
            var hasData = data is { } d && d.TryGetProperty("hasdata", out var flag) && flag.ValueKind == JsonValueKind.True;
            var value = !hasData ? string.Empty : Text(data!.Value, "strdata") is { Length: > 0 } rounded ? rounded : Text(data!.Value, "data");
            var zb = labels.GetValueOrDefault(("zb", indicator ?? string.Empty));
            var areaName = region is null ? null : labels.GetValueOrDefault(("reg", region)).Name;
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["indicator"] = indicator,
                ["indicatorName"] = zb.Name,
                ["unit"] = zb.Unit is { Length: > 0 } unit ? unit : NbsDataReader.SplitName(zb.Name).Unit is { } inName && Units.IsKnown(inName) ? inName : zb.Unit,
                ["period"] = Period(periodCode, NbsCumulative.Is(zb.Name, indicator)),
                ["periodCode"] = periodCode,
                ["periodName"] = labels.GetValueOrDefault(("sj", periodCode ?? string.Empty)).Name,
                ["area"] = region,
                ["areaName"] = areaName,
                ["value"] = value,
                ["hasdata"] = hasData ? "true" : "false",
            };
            records.Add(RegionCheck.Mark(new RawRecord(origin, position, fields, IsTable: false), region, areaName, query.Regions));
        }

        return RegionCheck.Check(records, origin, Hint(query, records.Any(r => r.Get("area") is not null)));
    }

    /// <summary>What an easyquery request asks for: its database (dbcode) and the regions in its wds/dfwds.</summary>
    public sealed record Query(string? DbCode, IReadOnlySet<string> Regions);

    /// <summary>The dbcode and the regions a query asks for, from its parameters (<c>wdcode: reg</c> in wds/dfwds).</summary>
    public static Query Asked(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var regions = new HashSet<string>(StringComparer.Ordinal);
        string? dbcode = null;
        foreach (var (name, value) in parameters)
        {
            if (name == "dbcode")
            {
                dbcode = value;
                continue;
            }

            if (name is not ("wds" or "dfwds"))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(value);
                foreach (var wd in Items(document.RootElement))
                {
                    if (Text(wd, "wdcode") == "reg" && Text(wd, "valuecode") is { Length: > 0 } code)
                    {
                        regions.Add(code);
                    }
                }
            }
            catch (JsonException)
            {
                // Not a JSON list: asks for no region we can check.
            }
        }

        return new Query(dbcode, regions);
    }

    /// <summary>
    /// Why NBS answered for other regions, for the dbcode actually used: the national databases (hg…) ignore wds
    /// regions; the city ones (cs…) hold 36 major cities only; the provincial ones (fs…) need a province code.
    /// </summary>
    private static string Hint(Query query, bool answerHasRegions) => (query.DbCode, answerHasRegions) switch
    {
        ({ Length: 4 } db, _) when db.StartsWith("hg", StringComparison.Ordinal) =>
            $"dbcode {db} is a national database and ignores regions: use fs{db[2..]} (分省) or cs{db[2..]} (城市)",
        (var db, false) => $"the answer has no region dimension: dbcode {db ?? "(none)"} ignores regions (use a 分省 fs… or 城市 cs… database)",
        ({ Length: 4 } db, true) when db.StartsWith("cs", StringComparison.Ordinal) =>
            $"dbcode {db} holds NBS's 36 major cities only (苏州 320500 is not one of them): check the region code in wds, or use fs{db[2..]} for provinces",
        ({ Length: 4 } db, true) when db.StartsWith("fs", StringComparison.Ordinal) =>
            $"dbcode {db} holds provinces: the region code in wds must be a province's (e.g. 320000 江苏省)",
        (var db, true) => $"check the region code in wds and the dbcode{(db is null ? string.Empty : $" ({db})")}",
    };

    /// <summary>
    /// Quarterly tables code quarters with letters: <c>2024A</c> is 2024 Q1 … <c>2024D</c> Q4. A cumulative
    /// indicator's <c>202303</c> is year-to-date through March, and its <c>2024B</c> through June.
    /// </summary>
    private static string? Period(string? code, bool cumulative)
    {
        if (code is null)
        {
            return null;
        }

        if (QuarterLetter().Match(code) is { Success: true } m)
        {
            var (year, quarter) = (int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture), m.Groups["q"].Value[0] - 'A' + 1);
            return cumulative ? NbsCumulative.YearToDate(year, quarter * 3) : $"{year}-Q{quarter}";
        }

        return cumulative && MonthCode().Match(code) is { Success: true } month
            ? NbsCumulative.YearToDate(int.Parse(month.Groups["y"].Value, CultureInfo.InvariantCulture), int.Parse(month.Groups["m"].Value, CultureInfo.InvariantCulture))
            : code;
    }

    [GeneratedRegex("^(?<y>[0-9]{4})(?<m>0[1-9]|1[0-2])$")]
    private static partial Regex MonthCode();

    [GeneratedRegex("^(?<y>[0-9]{4})(?<q>[A-D])$")]
    private static partial Regex QuarterLetter();
}
