namespace WuzhongCollector.Core.Normalisation;

public enum RejectKind
{
    /// <summary>The record is wrong: unknown code, bad period, unit of another dimension.</summary>
    Error,
    /// <summary>A missing-data marker: no observation, and certainly not 0.</summary>
    Missing,
    /// <summary>"…": the figure exists but is below the unit of measure.</summary>
    BelowUnit,
    /// <summary>Left out on purpose by the source's mapping (<c>skip</c>, <c>unlisted: skip</c>): counted, never an error.</summary>
    Skipped,
}

/// <summary>A record or cell that produced no observation, with where it was and why.</summary>
public sealed record Rejection(string Location, string Field, string? RawValue, string Reason, RejectKind Kind = RejectKind.Error)
{
    /// <summary>The record's indicator, when it was resolved before the record was rejected (so a script can match rejects to figures).</summary>
    public string? IndicatorCode { get; init; }

    /// <summary>The record's area, when it was resolved before the record was rejected.</summary>
    public string? AreaCode { get; init; }

    /// <summary>The record's period, when it was resolved before the record was rejected.</summary>
    public Period? Period { get; init; }

    public string KindText => Kind switch
    {
        RejectKind.Missing => "missing",
        RejectKind.BelowUnit => "below-unit",
        RejectKind.Skipped => "skipped",
        _ => "error",
    };
}
