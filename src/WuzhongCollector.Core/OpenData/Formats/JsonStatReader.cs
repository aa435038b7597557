using System.Globalization;
using System.Text.Json;
using WuzhongCollector.Core.Parsing;
using static WuzhongCollector.Core.OpenData.Formats.JsonFields;

namespace WuzhongCollector.Core.OpenData.Formats;

/// <summary>
/// JSON-stat 2.0 datasets, as PxWeb answers with <c>json-stat2</c>. <c>value</c> is row-major over <c>id</c>
/// (the last dimension varies fastest): dense as an array, or sparse as an object keyed by cell index.
/// <c>null</c> cells become a blank value, counted missing. <c>status</c> may be one string for all cells, an
/// array, or an object.
/// </summary>
/// <remarks>
/// Fields: one per dimension (its id → category code, <c>ID.label</c> → label), <c>value</c>, <c>status</c>, and
/// <c>unit</c> from the metric dimension's category unit (label, else base, else symbol).
/// </remarks>
public static class JsonStatReader
{
    private sealed record Dimension(string Id, IReadOnlyList<string> Codes, IReadOnlyDictionary<string, string?> Labels, IReadOnlyDictionary<string, string?> Units);

    public static IReadOnlyList<RawRecord> Read(JsonElement root, string origin)
    {
        var kind = Text(root, "class");
        if (kind != "dataset")
        {
            throw new PayloadException($"{origin}: a JSON-stat 2.0 dataset is expected, found class '{kind ?? "(none)"}'; ask for outputFormat json-stat2 and one table");
        }

        var ids = Array(root, "id", "$", origin).EnumerateArray().Select(i => i.GetString() ?? "?").ToList();
        var sizes = Array(root, "size", "$", origin).EnumerateArray().Select(s => s.TryGetInt32(out var n) ? n : -1).ToList();
        if (ids.Count != sizes.Count || sizes.Any(s => s < 0))
        {
            throw new PayloadException($"{origin}: id lists {ids.Count} dimensions but size lists {sizes.Count}");
        }

        var dimensionNode = Object(root, "dimension", "$", origin);
        var dimensions = ids.Select((id, i) => ReadDimension(dimensionNode, id, sizes[i], origin)).ToList();
        var metric = Child(root, "role") is { } role ? Items(Child(role, "metric")).Select(Text).FirstOrDefault() : null;
        var unitDimension = dimensions.FirstOrDefault(d => d.Id == metric) ?? dimensions.FirstOrDefault(d => d.Units.Count > 0);
        var total = sizes.Aggregate(1L, (a, b) => a * b);

        var values = Child(root, "value");
        IEnumerable<(long Index, JsonElement Cell)> cells = values?.ValueKind switch
        {
            JsonValueKind.Array when values.Value.GetArrayLength() == total => values.Value.EnumerateArray().Select((cell, i) => ((long)i, cell)),
            JsonValueKind.Array => throw new PayloadException($"{origin}: value has {values.Value.GetArrayLength()} cells but size gives {total}"),
            JsonValueKind.Object => values.Value.EnumerateObject().Select(p => (SparseIndex(p.Name, total, origin), p.Value)).OrderBy(c => c.Item1),
            _ => throw new PayloadException($"{origin}: value must be an array or an object, found {Describe(values)}"),
        };
        var status = Child(root, "status");

        var records = new List<RawRecord>();
        foreach (var (index, cell) in cells)
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            var rest = index;
            for (var d = dimensions.Count - 1; d >= 0; d--)
            {
                var dimension = dimensions[d];
                var code = dimension.Codes[(int)(rest % sizes[d])];
                rest /= sizes[d];
                fields[dimension.Id] = code;
                fields[dimension.Id + ".label"] = dimension.Labels.GetValueOrDefault(code);
                if (dimension == unitDimension)
                {
                    fields["unit"] = dimension.Units.GetValueOrDefault(code);
                }
            }

            fields["value"] = Text(cell);
            fields["status"] = Status(status, index);
            records.Add(new RawRecord(origin, $"$.value[{index}]", fields, IsTable: false));
        }

        return records;
    }

    private static Dimension ReadDimension(JsonElement dimensions, string id, int size, string origin)
    {
        var category = Child(Object(dimensions, id, "$.dimension", origin), "category") ?? throw new PayloadException($"{origin}: dimension {id} has no category");
        var labels = Child(category, "label") is { ValueKind: JsonValueKind.Object } l
            ? l.EnumerateObject().ToDictionary(p => p.Name, p => Text(p.Value), StringComparer.Ordinal)
            : new Dictionary<string, string?>(StringComparer.Ordinal);
        var codes = Child(category, "index") switch
        {
            { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(c => c.GetString() ?? "?").ToArray(),
            { ValueKind: JsonValueKind.Object } map => map.EnumerateObject().OrderBy(p => p.Value.GetInt32()).Select(p => p.Name).ToArray(),
            // A single-category dimension may omit index; its label then names the one code.
            _ => labels.Keys.ToArray(),
        };
        if (codes.Length != size)
        {
            throw new PayloadException($"{origin}: dimension {id} has {codes.Length} categories but size says {size}");
        }

        var units = Child(category, "unit") is { ValueKind: JsonValueKind.Object } u
            ? u.EnumerateObject().ToDictionary(p => p.Name, p => Text(p.Value, "label") ?? Text(p.Value, "base") ?? Text(p.Value, "symbol"), StringComparer.Ordinal)
            : new Dictionary<string, string?>(StringComparer.Ordinal);
        return new Dimension(id, codes, labels, units);
    }

    private static long SparseIndex(string key, long total, string origin) =>
        long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < total
            ? index
            : throw new PayloadException($"{origin}: sparse value key '{key}' is not a cell index below {total}");

    private static string? Status(JsonElement? status, long index) => status?.ValueKind switch
    {
        JsonValueKind.String => status.Value.GetString(),
        JsonValueKind.Array when index < status.Value.GetArrayLength() => Text(status.Value[(int)index]),
        JsonValueKind.Object => Text(status.Value, index.ToString(CultureInfo.InvariantCulture)),
        _ => null,
    };
}
