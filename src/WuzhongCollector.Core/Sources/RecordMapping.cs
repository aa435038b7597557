namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Where one observation field comes from: a field of the record (<see cref="From"/>, a CSV column or a
/// JSON path), or a constant. <see cref="Codes"/> translates what the source writes into our codes.
/// </summary>
public sealed record FieldMap(string? From, string? Const, IReadOnlyDictionary<string, string>? Codes = null)
{
    public static FieldMap Constant(string value) => new(null, value);
}

/// <summary>How the fields of a raw record become an observation.</summary>
public sealed record RecordMapping(
    FieldMap Indicator,
    FieldMap Area,
    FieldMap Period,
    FieldMap Value,
    FieldMap? Unit,
    FieldMap? Status,
    bool PercentAsFraction = false)
{
    /// <summary>吴中区's administrative division code, used when a source maps no area.</summary>
    public const string WuzhongArea = "320506";
}
