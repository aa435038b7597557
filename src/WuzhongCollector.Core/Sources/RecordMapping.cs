using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.OpenData;

namespace WuzhongCollector.Core.Sources;

/// <summary>What a field with <c>codes</c> does with a value the list does not have.</summary>
public enum Unlisted
{
    /// <summary>Reject the record with an error: the list is closed (the default, except for indicators).</summary>
    Reject,
    /// <summary>Skip the record: counted as skipped, not as an error.</summary>
    Skip,
    /// <summary>Use the value as written: an area only if it is already a code, not a name; an indicator only if it is a catalogue code.</summary>
    Pass,
}

/// <summary>
/// Where one observation field comes from: a field of the record (<see cref="From"/>, a CSV column or a
/// JSON path), or a constant. <see cref="Codes"/> translates what the source writes into our codes.
/// </summary>
public sealed record FieldMap(string? From, string? Const, IReadOnlyDictionary<string, string>? Codes = null)
{
    public static FieldMap Constant(string value) => new(null, value);

    /// <summary>A period built from several fields (<c>"{年份}{时期}"</c>); then <see cref="From"/> and <see cref="Const"/> are null.</summary>
    public PeriodTemplate? Template { get; init; }

    /// <summary>What an unlisted value does; null for the field's default (indicator: pass catalogue codes, others: reject).</summary>
    public Unlisted? Unlisted { get; init; }

    public override string ToString() => From ?? Template?.Text ?? $"const {Const}";
}

/// <summary>
/// Settings for the values of one column or field, or of one indicator: the unit the values are in, whether a
/// percentage is written as a fraction (0.865 for 86.5 %), and the period type (a 累计 column of months is
/// year-to-date). Null means "not said here".
/// </summary>
public sealed record ValueSettings(string? Unit = null, bool? PercentAsFraction = null, PeriodType? PeriodType = null)
{
    public static readonly ValueSettings None = new();

    /// <summary>These settings, with what they leave open taken from <paramref name="fallback"/>.</summary>
    public ValueSettings Over(ValueSettings? fallback) => fallback is null
        ? this
        : new ValueSettings(Unit ?? fallback.Unit, PercentAsFraction ?? fallback.PercentAsFraction, PeriodType ?? fallback.PeriodType);
}

/// <summary>
/// One value of a record: the field it is read from, its indicator (a catalogue code, or null for
/// <see cref="RecordMapping.Indicator"/>), and its own settings.
/// </summary>
public sealed record ValueField(FieldMap Value, string? Indicator, ValueSettings Settings);

/// <summary>How the fields of a raw record become observations.</summary>
public sealed record RecordMapping(
    FieldMap? Indicator,
    FieldMap Area,
    FieldMap Period,
    FieldMap Value,
    FieldMap? Unit,
    FieldMap? Status,
    bool PercentAsFraction = false)
{
    /// <summary>吴中区's administrative division code, used when a source maps no area.</summary>
    public const string WuzhongArea = "320506";

    /// <summary>Several values per record (one JSON record holding several indicators); empty for one <see cref="Value"/>.</summary>
    public IReadOnlyList<ValueField> Values { get; init; } = [];

    /// <summary>Settings per value column or field, by its name (a wide table's column, or a value's field).</summary>
    public IReadOnlyDictionary<string, ValueSettings> Columns { get; init; } = new Dictionary<string, ValueSettings>();

    /// <summary>Settings per indicator code.</summary>
    public IReadOnlyDictionary<string, ValueSettings> Indicators { get; init; } = new Dictionary<string, ValueSettings>();

    /// <summary>Records for which any of these rules holds are skipped: counted, never stored, never an error.</summary>
    public IReadOnlyList<EnvelopeRule> Skip { get; init; } = [];

    /// <summary>The values each record gives: <see cref="Values"/>, or the one <see cref="Value"/>.</summary>
    public IReadOnlyList<ValueField> ValueFields => Values.Count > 0 ? Values : [new ValueField(Value, null, ValueSettings.None)];

    /// <summary>Every indicator code this mapping can produce, for checks and freshness.</summary>
    public IEnumerable<string> IndicatorCodes =>
        (Indicator?.Codes?.Values ?? []).Append(Indicator?.Const).Concat(Values.Select(v => v.Indicator)).OfType<string>().Distinct(StringComparer.Ordinal);
}
