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
    public string KindText => Kind switch
    {
        RejectKind.Missing => "missing",
        RejectKind.BelowUnit => "below-unit",
        RejectKind.Skipped => "skipped",
        _ => "error",
    };
}
