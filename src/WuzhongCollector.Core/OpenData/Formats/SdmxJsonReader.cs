using System.Globalization;
using System.Text.Json;
using WuzhongCollector.Core.Parsing;
using static WuzhongCollector.Core.OpenData.Formats.JsonFields;

namespace WuzhongCollector.Core.OpenData.Formats;

/// <summary>
/// SDMX-JSON data messages, 1.0 (<c>dataSets</c> and <c>structure</c> at the top, or under <c>data</c>) and 2.x
/// (<c>data.structures[]</c>, each data set naming its structure). Series keys (<c>"0:1"</c>) and observation
/// keys are <c>:</c>-joined indices into the <c>values</c> of the dimensions at that level, in the order the
/// dimensions are listed; dimensions at data-set level are not in the keys. An observation array holds the
/// measure value(s) first, then attribute indices; <c>null</c> means no value, which the mapper counts missing.
/// </summary>
/// <remarks>
/// Fields: one per dimension (<c>TIME_PERIOD</c>, <c>REF_AREA</c>, … → value id, and <c>ID.name</c> → label),
/// one per attribute (<c>OBS_STATUS</c>, <c>UNIT_MEASURE</c>, … → value id), and <c>value</c> (the first measure).
/// </remarks>
public static class SdmxJsonReader
{
    private sealed record Component(string Id, IReadOnlyList<(string? Id, string? Name)> Values);

    private sealed record Structure(
        IReadOnlyList<Component> DataSetDimensions,
        IReadOnlyList<Component> SeriesDimensions,
        IReadOnlyList<Component> ObservationDimensions,
        IReadOnlyList<Component> DataSetAttributes,
        IReadOnlyList<Component> SeriesAttributes,
        IReadOnlyList<Component> ObservationAttributes,
        IReadOnlyList<string> Measures);

    public static IReadOnlyList<RawRecord> Read(JsonElement root, string origin)
    {
        var wrapped = Child(root, "data") is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("dataSets", out _);
        var container = wrapped ? root.GetProperty("data") : root;
        var prefix = wrapped ? "$.data" : "$";
        if (Child(container, "dataSets") is not { ValueKind: JsonValueKind.Array } dataSets)
        {
            throw new PayloadException($"{origin}: not an SDMX-JSON data message (no dataSets array at {prefix})");
        }

        var structures = Child(container, "structures") is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().ToList()
            : (Child(container, "structure") ?? Child(root, "structure")) is { } single ? [single] : [];
        var records = new List<RawRecord>();
        var d = 0;
        foreach (var dataSet in dataSets.EnumerateArray())
        {
            var at = $"{prefix}.dataSets[{d++}]";
            var structureIndex = Child(dataSet, "structure") is { ValueKind: JsonValueKind.Number } n ? n.GetInt32() : 0;
            if (structureIndex < 0 || structureIndex >= structures.Count)
            {
                throw new PayloadException($"{origin} {at}: refers to structure {structureIndex}, but the message has {structures.Count}");
            }

            var structure = ReadStructure(structures[structureIndex]);
            var baseFields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var dimension in structure.DataSetDimensions)
            {
                Set(baseFields, dimension, dimension.Values.Count > 0 ? 0 : null);
            }

            var dataSetAttributes = Items(Child(dataSet, "attributes")).ToList();
            for (var a = 0; a < structure.DataSetAttributes.Count; a++)
            {
                var attribute = structure.DataSetAttributes[a];
                int? index = a < dataSetAttributes.Count ? Index(dataSetAttributes[a]) : attribute.Values.Count == 1 ? 0 : null;
                SetAttribute(baseFields, attribute, index, origin, at);
            }

            if (Child(dataSet, "series") is { ValueKind: JsonValueKind.Object } series)
            {
                foreach (var one in series.EnumerateObject())
                {
                    var seriesAt = $"{at}.series['{one.Name}']";
                    var seriesFields = new Dictionary<string, string?>(baseFields, StringComparer.Ordinal);
                    Decode(one.Name, structure.SeriesDimensions, seriesFields, origin, seriesAt);
                    var attributes = Items(Child(one.Value, "attributes")).ToList();
                    for (var a = 0; a < structure.SeriesAttributes.Count && a < attributes.Count; a++)
                    {
                        SetAttribute(seriesFields, structure.SeriesAttributes[a], Index(attributes[a]), origin, seriesAt);
                    }

                    ReadObservations(Child(one.Value, "observations"), structure, seriesFields, origin, seriesAt, records);
                }
            }
            else
            {
                ReadObservations(Child(dataSet, "observations"), structure, baseFields, origin, at, records);
            }
        }

        return records;
    }

    private static void ReadObservations(JsonElement? observations, Structure structure, Dictionary<string, string?> inherited, string origin, string at, List<RawRecord> records)
    {
        if (observations is not { ValueKind: JsonValueKind.Object } map)
        {
            return;
        }

        foreach (var observation in map.EnumerateObject())
        {
            var position = $"{at}.observations['{observation.Name}']";
            var fields = new Dictionary<string, string?>(inherited, StringComparer.Ordinal);
            Decode(observation.Name, structure.ObservationDimensions, fields, origin, position);
            var cells = observation.Value.ValueKind == JsonValueKind.Array
                ? observation.Value.EnumerateArray().ToList()
                : throw new PayloadException($"{origin} {position}: an observation must be an array, found {Describe(observation.Value)}");
            for (var m = 0; m < structure.Measures.Count; m++)
            {
                var measure = m < cells.Count ? Text(cells[m]) : null;
                fields[structure.Measures[m]] = measure;
                if (m == 0)
                {
                    fields["value"] = measure;
                }
            }

            for (var a = 0; a < structure.ObservationAttributes.Count; a++)
            {
                var cell = structure.Measures.Count + a;
                SetAttribute(fields, structure.ObservationAttributes[a], cell < cells.Count ? Index(cells[cell]) : null, origin, position);
            }

            records.Add(new RawRecord(origin, position, fields, IsTable: false));
        }
    }

    private static void Decode(string key, IReadOnlyList<Component> dimensions, Dictionary<string, string?> fields, string origin, string at)
    {
        var parts = key.Length == 0 ? [] : key.Split(':');
        if (parts.Length != dimensions.Count)
        {
            throw new PayloadException($"{origin} {at}: key '{key}' has {parts.Length} positions but {dimensions.Count} dimensions are listed at this level ({string.Join(", ", dimensions.Select(x => x.Id))})");
        }

        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= dimensions[i].Values.Count)
            {
                throw new PayloadException($"{origin} {at}: key '{key}' position {i} ('{parts[i]}') is not an index into the {dimensions[i].Values.Count} values of {dimensions[i].Id}");
            }

            Set(fields, dimensions[i], index);
        }
    }

    private static void Set(Dictionary<string, string?> fields, Component component, int? index)
    {
        var value = index is { } i ? component.Values[i] : default;
        fields[component.Id] = value.Id;
        fields[component.Id + ".name"] = value.Name;
    }

    private static void SetAttribute(Dictionary<string, string?> fields, Component attribute, int? index, string origin, string at)
    {
        if (index is null)
        {
            fields.TryAdd(attribute.Id, null);
            return;
        }

        if (index < 0 || index >= attribute.Values.Count)
        {
            throw new PayloadException($"{origin} {at}: attribute {attribute.Id} index {index} is not among its {attribute.Values.Count} values");
        }

        fields[attribute.Id] = attribute.Values[index.Value].Id ?? attribute.Values[index.Value].Name;
    }

    private static int? Index(JsonElement cell) => cell.ValueKind == JsonValueKind.Number && cell.TryGetInt32(out var i) ? i : null;

    private static Structure ReadStructure(JsonElement structure)
    {
        var dimensions = Child(structure, "dimensions");
        var attributes = Child(structure, "attributes");
        var measures = Child(structure, "measures") is { } m
            ? Items(Child(m, "observation")).Select(x => Text(x, "id") ?? "OBS_VALUE").ToList()
            : [];
        return new Structure(
            Components(dimensions, "dataSet"),
            Components(dimensions, "series"),
            Components(dimensions, "observation"),
            Components(attributes, "dataSet"),
            Components(attributes, "series"),
            Components(attributes, "observation"),
            measures.Count > 0 ? measures : ["OBS_VALUE"]);
    }

    private static List<Component> Components(JsonElement? parent, string level) =>
        parent is { } p
            ? Items(Child(p, level)).Select(c => new Component(
                Text(c, "id") ?? "?",
                Items(Child(c, "values")).Select(v => (Text(v, "id"), Text(v, "name"))).ToList())).ToList()
            : [];
}
