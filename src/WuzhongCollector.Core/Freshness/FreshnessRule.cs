namespace WuzhongCollector.Core.Freshness;

/// <summary>How often a source publishes a new period.</summary>
public enum Cadence
{
    Yearly,
    Quarterly,
    Monthly,
}

/// <summary>
/// A source's publishing rhythm, declared in its file: a new period every <see cref="Cadence"/>, due
/// <see cref="PublicationLagDays"/> days after the period ends.
/// </summary>
public sealed record FreshnessRule(Cadence Cadence, int PublicationLagDays)
{
    public string CadenceText => Cadence switch
    {
        Cadence.Yearly => "yearly",
        Cadence.Quarterly => "quarterly",
        _ => "monthly",
    };

    public static Cadence? ParseCadence(string? text) => text switch
    {
        "yearly" or "annual" => Cadence.Yearly,
        "quarterly" => Cadence.Quarterly,
        "monthly" => Cadence.Monthly,
        _ => null,
    };
}

/// <summary>
/// The state of a series or source: stale when the latest figure ends before the latest period already due.
/// <c>OverdueDays</c> counts from the due date of the first period missing.
/// </summary>
public sealed record FreshnessState(bool Stale, DateOnly? LatestPeriodEnd, DateOnly ExpectedPeriodEnd, DateOnly? DueSince, int OverdueDays);
