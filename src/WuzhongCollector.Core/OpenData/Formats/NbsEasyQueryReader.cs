using System.Text.Json;
using System.Text.RegularExpressions;
using WuzhongCollector.Core.Parsing;
using static WuzhongCollector.Core.OpenData.Formats.JsonFields;

namespace WuzhongCollector.Core.OpenData.Formats;

/// <summary>
/// Archived answers of NBS's legacy <c>easyquery.htm</c> (<c>QueryData</c>): <c>returndata.datanodes[]</c>,
/// each with <c>wds</c> naming its indicator (zb), period (sj) and region (reg), labels and units in
/// <c>returndata.wdnodes</c>. <c>hasdata:false</c> carries a placeholder 0 that is not a value: such nodes give
/// a blank value, counted missing. <c>strdata</c> (the official rounding) wins over <c>data</c>. A wrong dbcode
/// silently drops the region, so a node without the region the query asked for fails the run.
/// </summary>
/// <remarks>
/// Fields: <c>indicator</c>, <c>indicatorName</c>, <c>unit</c>, <c>period</c> (quarter letters A–D turned into
/// <c>2024-Q1</c>…), <c>periodCode</c>, <c>periodName</c>, <c>area</c>, <c>areaName</c>, <c>value</c>, <c>hasdata</c>.
/// </remarks>
public static partial class NbsEasyQueryReader
{
    public static IReadOnlyList<RawRecord> Read(JsonElement root, IReadOnlySet<string> askedRegions, string origin)
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
            if (askedRegions.Count > 0 && (region is null || !askedRegions.Contains(region)))
            {
                throw new PayloadException(region is null
                    ? $"{origin} {position}: the answer has no region dimension although the query asked for region {string.Join(", ", askedRegions)}; this dbcode ignores regions (use fsnd/fsjd/fsyd or csnd/csjd/csyd)"
                    : $"{origin} {position}: the answer is for region {region} but the query asked for {string.Join(", ", askedRegions)}", "wrong-region");
            }

            var indicator = dims.GetValueOrDefault("zb");
            var periodCode = dims.GetValueOrDefault("sj");
            var data = Child(node, "data");
            var hasData = data is { } d && d.TryGetProperty("hasdata", out var flag) && flag.ValueKind == JsonValueKind.True;
            var value = !hasData ? string.Empty : Text(data!.Value, "strdata") is { Length: > 0 } rounded ? rounded : Text(data!.Value, "data");
            var zb = labels.GetValueOrDefault(("zb", indicator ?? string.Empty));
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["indicator"] = indicator,
                ["indicatorName"] = zb.Name,
                ["unit"] = zb.Unit,
                ["period"] = Period(periodCode),
                ["periodCode"] = periodCode,
                ["periodName"] = labels.GetValueOrDefault(("sj", periodCode ?? string.Empty)).Name,
                ["area"] = region,
                ["areaName"] = region is null ? null : labels.GetValueOrDefault(("reg", region)).Name,
                ["value"] = value,
                ["hasdata"] = hasData ? "true" : "false",
            };
            records.Add(new RawRecord(origin, position, fields, IsTable: false));
        }

        return records;
    }

    /// <summary>The regions a query asks for, from its <c>wds</c>/<c>dfwds</c> parameters (<c>wdcode: reg</c>).</summary>
    public static IReadOnlySet<string> AskedRegions(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var regions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, value) in parameters.Where(p => p.Key is "wds" or "dfwds"))
        {
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

        return regions;
    }

    /// <summary>Quarterly tables code quarters with letters: <c>2024A</c> is 2024 Q1 … <c>2024D</c> Q4.</summary>
    private static string? Period(string? code) =>
        code is not null && QuarterLetter().Match(code) is { Success: true } m
            ? $"{m.Groups["y"].Value}-Q{m.Groups["q"].Value[0] - 'A' + 1}"
            : code;

    [GeneratedRegex("^(?<y>[0-9]{4})(?<q>[A-D])$")]
    private static partial Regex QuarterLetter();
}
