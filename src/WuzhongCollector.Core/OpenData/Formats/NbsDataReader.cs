using System.Text.Json;
using System.Text.RegularExpressions;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using static WuzhongCollector.Core.OpenData.Formats.JsonFields;

namespace WuzhongCollector.Core.OpenData.Formats;

/// <summary>
/// The NBS data release API (<c>stream/esData</c>): <c>data[]</c> holds one group per period code
/// (<c>2025YY</c>, <c>202509MM</c>, <c>202404SS</c> = 2024 Q4), each with <c>values[]</c>. Values are strings;
/// <c>""</c> and <c>"无"</c> stay as they are so the mapper counts them missing, never 0. NBS silently answers
/// for its default region when a request is subtly wrong, so every returned region is checked against the
/// regions the request body asked for (<c>das[].value</c>): a value for another region is rejected, and an
/// answer with none for the regions asked fails the run. An indicator whose name says 累计 gives year-to-date
/// periods for its months and quarters. A value whose <c>du_name</c> and name state different units is rejected.
/// </summary>
/// <remarks>
/// Fields: <c>period</c>, <c>periodName</c>, <c>indicatorId</c>, <c>indicator</c> (name without the unit),
/// <c>nameUnit</c>, <c>unit</c> (<c>du_name</c>, else <c>nameUnit</c>), <c>value</c>, <c>area</c>,
/// <c>areaName</c>, <c>catalogId</c>.
/// </remarks>
public static partial class NbsDataReader
{
    public static IReadOnlyList<RawRecord> Read(JsonElement root, IReadOnlySet<string> askedRegions, string origin)
    {
        var records = new List<RawRecord>();
        var groups = Array(root, "data", "$", origin);
        // Placeholder values ("无") often carry only _id and value: name them from the same indicator elsewhere.
        var names = groups.EnumerateArray().SelectMany(group => Items(Child(group, "values")))
            .Where(v => Text(v, "_id") is not null && Text(v, "i_showname") is not null)
            .GroupBy(v => Text(v, "_id")!, StringComparer.Ordinal)
            .ToDictionary(byId => byId.Key, byId => (Name: Text(byId.First(), "i_showname"), Unit: Text(byId.First(), "du_name")), StringComparer.Ordinal);
        var g = 0;
        foreach (var group in groups.EnumerateArray())
        {
            var period = Text(group, "code");
            var periodName = Text(group, "name");
            var v = 0;
            foreach (var value in Items(Child(group, "values")))
            {
                var position = $"$.data[{g}].values[{v++}]";
                // Most answers say da/da_name; one variant says areaCode/area.
                var area = Text(value, "da") ?? Text(value, "areaCode");
                var areaName = Text(value, "da_name") ?? (Text(value, "areaCode") is not null ? Text(value, "area") : null);
                if (area is null && askedRegions.Count == 1)
                {
                    // Placeholders ("无") often carry no region; the one asked for is theirs.
                    area = askedRegions.First();
                }

                var known = names.GetValueOrDefault(Text(value, "_id") ?? string.Empty);
                var (name, nameUnit) = SplitName(Text(value, "i_showname") ?? known.Name);
                var duName = (Text(value, "du_name") ?? known.Unit) is { Length: > 0 } du ? du : null;
                var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["period"] = NbsCumulative.Is(name, null) && PeriodParser.TryParse(period, out var parsed) && parsed.Type is PeriodType.Month or PeriodType.Quarter
                        ? NbsCumulative.YearToDate(parsed.Year, parsed.Type == PeriodType.Month ? parsed.Index : parsed.Index * 3)
                        : period,
                    ["periodName"] = periodName,
                    ["indicatorId"] = Text(value, "_id"),
                    ["indicator"] = name,
                    ["nameUnit"] = nameUnit,
                    ["unit"] = duName ?? nameUnit,
                    ["value"] = Text(value, "value"),
                    ["area"] = area,
                    ["areaName"] = areaName,
                    ["catalogId"] = Text(value, "catalogid"),
                };
                var record = RegionCheck.Mark(new RawRecord(origin, position, fields, IsTable: false), area, areaName, askedRegions);
                if (record.Problem is null && duName is not null && nameUnit is not null && Units.IsKnown(duName) && Units.IsKnown(nameUnit) && !Units.Same(duName, nameUnit))
                {
                    record = record with { Problem = new RecordProblem("unit", $"the answer states two units: du_name '{duName}' and '{nameUnit}' in the indicator's name") };
                }

                records.Add(record);
            }

            g++;
        }

        return RegionCheck.Check(records, origin, "NBS falls back to its default region when daCatalogId is not \"\" (or a das value is not a region code of this database)");
    }

    /// <summary>The region codes a request body asks for (<c>das[].value</c>); empty for national tables.</summary>
    public static IReadOnlySet<string> AskedRegions(string? body)
    {
        var regions = new HashSet<string>(StringComparer.Ordinal);
        if (body is null)
        {
            return regions;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var da in Items(Child(document.RootElement, "das")))
            {
                if (Text(da, "value") is { Length: > 0 } code)
                {
                    regions.Add(code);
                }
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON asks for no region we can check.
        }

        return regions;
    }

    /// <summary><c>"地区生产总值 (亿元) "</c> → (<c>地区生产总值</c>, <c>亿元</c>).</summary>
    public static (string? Name, string? Unit) SplitName(string? showName)
    {
        if (showName is null)
        {
            return (null, null);
        }

        var m = NameWithUnit().Match(showName.Trim());
        return m.Success ? (m.Groups["name"].Value.Trim(), m.Groups["unit"].Value.Trim()) : (showName.Trim(), null);
    }

    [GeneratedRegex(@"^(?<name>.*?)\s*[（(](?<unit>[^()（）]*)[)）]$")]
    private static partial Regex NameWithUnit();
}
