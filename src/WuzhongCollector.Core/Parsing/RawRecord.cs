using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Parsing;

/// <summary>
/// One record as a reader found it: field name to text, before any mapping. JSON records are flattened
/// to dotted paths ("data.value", "values[0]") so the mapping treats CSV columns and JSON fields alike.
/// </summary>
public sealed record RawRecord(string Origin, string Position, IReadOnlyDictionary<string, string?> Fields, bool IsTable)
{
    /// <summary>Where a field of this record is, for rejects and preview: file, row and column, or URL and JSON path.</summary>
    public string Where(string field) => Fields switch
    {
        TableFieldDictionary table => table.Where(field),
        _ when IsTable => $"{Origin} {Position} column '{field}'",
        _ => $"{Origin} {Position}.{field}",
    };

    /// <summary>The table the record came from (title, unit, notes, columns); null for JSON records.</summary>
    public TableFieldDictionary? Table => Fields as TableFieldDictionary;

    public string? Get(string field) => Fields.TryGetValue(field, out var value) ? value : null;

    /// <summary>
    /// What the decoder found wrong with this record alone (a region other than the one asked for, two units that
    /// disagree): the mapper rejects it with this reason, and the other records go on.
    /// </summary>
    public RecordProblem? Problem { get; init; }
}

/// <summary>A decoder's reason to reject one record: the field it concerns and why.</summary>
public sealed record RecordProblem(string Field, string Reason);
