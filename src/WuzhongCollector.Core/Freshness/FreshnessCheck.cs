namespace WuzhongCollector.Core.Freshness;

/// <summary>Pure staleness arithmetic: which period should be in by today, and is it.</summary>
public static class FreshnessCheck
{
    /// <summary>
    /// The end of the latest period whose figure is due on or before <paramref name="today"/>, and not after
    /// <paramref name="horizon"/> (the last day figures are expected at all: the plan's end, for most indicators).
    /// </summary>
    public static DateOnly ExpectedLatestPeriodEnd(FreshnessRule rule, DateOnly today, DateOnly? horizon = null)
    {
        var end = PeriodEndBefore(rule.Cadence, today);
        while (end.AddDays(rule.PublicationLagDays) > today || end > horizon)
        {
            end = PeriodEndBefore(rule.Cadence, end);
        }

        return end;
    }

    public static FreshnessState Evaluate(FreshnessRule rule, DateOnly? latestPeriodEnd, DateOnly today, DateOnly? horizon = null)
    {
        var expected = ExpectedLatestPeriodEnd(rule, today, horizon);
        if (latestPeriodEnd is { } latest && latest >= expected)
        {
            return new FreshnessState(false, latest, expected, null, 0);
        }

        // The first period after the latest figure; with no figure at all, the one expected now.
        var missing = latestPeriodEnd is { } l ? PeriodEndAfter(rule.Cadence, l) : expected;
        var due = missing.AddDays(rule.PublicationLagDays);
        return new FreshnessState(true, latestPeriodEnd, expected, due, today.DayNumber - due.DayNumber);
    }

    /// <summary>
    /// An indicator fed by several sources is judged by the most demanding one: the rule expecting the latest
    /// period.
    /// </summary>
    public static FreshnessState? Evaluate(IEnumerable<FreshnessRule> rules, DateOnly? latestPeriodEnd, DateOnly today, DateOnly? horizon = null) =>
        rules.Select(r => Evaluate(r, latestPeriodEnd, today, horizon))
            .OrderByDescending(s => s.ExpectedPeriodEnd)
            .ThenByDescending(s => s.OverdueDays)
            .FirstOrDefault();

    /// <summary>The last period end strictly before <paramref name="date"/>.</summary>
    private static DateOnly PeriodEndBefore(Cadence cadence, DateOnly date)
    {
        var monthStart = new DateOnly(date.Year, date.Month, 1);
        var lastMonthEnd = monthStart.AddDays(-1);
        return cadence switch
        {
            Cadence.Yearly => new DateOnly(date.Year - 1, 12, 31),
            Cadence.Quarterly => new DateOnly(date.Year, ((date.Month - 1) / 3 * 3) + 1, 1).AddDays(-1),
            _ => lastMonthEnd,
        };
    }

    /// <summary>The first period end strictly after <paramref name="date"/>.</summary>
    private static DateOnly PeriodEndAfter(Cadence cadence, DateOnly date)
    {
        var next = date.AddDays(1);
        return cadence switch
        {
            Cadence.Yearly => new DateOnly(next.Year, 12, 31),
            Cadence.Quarterly => new DateOnly(next.Year, ((next.Month - 1) / 3 * 3) + 3, 1).AddMonths(1).AddDays(-1),
            _ => new DateOnly(next.Year, next.Month, 1).AddMonths(1).AddDays(-1),
        };
    }
}
